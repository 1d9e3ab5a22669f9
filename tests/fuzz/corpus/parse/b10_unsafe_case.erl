-module(b10_unsafe_case).
-export([f/1]).
f(X) ->
    case X of
        1 -> Y = one;
        _ -> ok
    end,
    Y.
