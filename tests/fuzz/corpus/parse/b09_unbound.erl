-module(b09_unbound).
-export([f/1]).
f(X) ->
    Y = X + Z,
    {Y, W}.
