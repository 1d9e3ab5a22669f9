-module('31_fname').
-export([f/0, g/1, h/2, i/1, j/3]).

-define(ME, {?FUNCTION_NAME, ?FUNCTION_ARITY}).

f() -> ?ME.
g(X) -> {X, ?ME}.
h([], {a, b}) -> ?ME;
h(_, _) -> ?FUNCTION_NAME.
i([]) -> ?FUNCTION_ARITY.
j(<<A, B>>, [C | D], #{e := E}) -> {A, B, C, D, E, ?ME}.
