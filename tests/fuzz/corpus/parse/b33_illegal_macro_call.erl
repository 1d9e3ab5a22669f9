-module(b33_illegal_macro_call).
-export([f/0]).
f() -> ?1.
g() -> ?(a).
