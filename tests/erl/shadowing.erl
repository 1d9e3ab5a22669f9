-module(shadowing).
-export([main/0]).
main() ->
    X = 1,
    L = [X || X <- [5, 6]],
    io:format("~p ~p~n", [X, L]),
    Y = 2,
    L2 = [{Y, Z} || {Y, Z} <- [{1, a}, {2, b}]],
    io:format("~p ~p~n", [Y, L2]),
    ok.
