-module('08_case').
-export([f/1]).

f(X) ->
    case X of
        0 -> zero;
        N when is_integer(N), N > 0 -> positive;
        N when N < 0; N == -1 -> negative;
        {a, B} when B =:= 1, is_atom(a) ; B > 2 -> tuple;
        [_ | _] = L -> {list, L};
        _Other -> other
    end,
    case {X, X} of {Y, Y} -> same end.
