-module(b31_unsafe_receive_if).
-export([f/1]).
f(X) ->
    receive
        a -> A = 1;
        b -> B = 2
    end,
    if X -> C = 3; true -> ok end,
    {A, B, C}.
