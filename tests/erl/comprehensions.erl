-module(comprehensions).
-export([main/0]).
main() ->
    io:format("~p~n", [[X * 2 || X <- [1, 2, 3]]]),
    io:format("~p~n", [[{X, Y} || X <- [1, 2], Y <- [a, b]]]),
    io:format("~p~n", [[X || X <- lists:seq(1, 20), X rem 2 =:= 0, X > 10]]),
    io:format("~p~n", [[X || {X, true} <- [{1, true}, {2, false}, {3, true}]]]),
    io:format("~p~n", [[[Y || Y <- lists:seq(1, X)] || X <- [1, 2, 3]]]),
    N = 3,
    io:format("~p~n", [[X + N || X <- [10, 20]]]),
    io:format("~p~n", [[]]),
    io:format("~p~n", [[X || X <- [], X > 1]]),
    ok.
