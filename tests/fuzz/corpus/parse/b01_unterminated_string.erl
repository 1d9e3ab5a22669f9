-module(b01_unterminated_string).
-export([f/0]).
f() -> "abc
    def.
