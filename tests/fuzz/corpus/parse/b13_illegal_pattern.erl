-module(b13_illegal_pattern).
-export([f/1]).
f(X) ->
    case X of
        g(Y) -> Y;
        {A + B} -> A
    end.
