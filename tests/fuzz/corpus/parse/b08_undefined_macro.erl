-module(b08_undefined_macro).
-export([f/0]).
f() -> ?NOT_DEFINED + ?ALSO(1).
