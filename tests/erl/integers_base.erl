-module(integers_base).
-export([main/0]).
main() ->
    io:format("~p~n", [[16#ff, 2#1010, 8#777, 36#zz, $A, $\s, 1_000_000]]),
    io:format("~p~n", [[-16#10, 10#99]]),
    io:format("~p~n", [[1.5e3, 2.0e-2, 0.1 + 0.2]]),
    io:format("~p~n", [16#FFFFFFFFFFFFFFFFFFFF]),
    ok.
