-module(bignums).
-export([main/0]).
fact(0) -> 1;
fact(N) -> N * fact(N - 1).
fib(N) -> fib(N, 0, 1).
fib(0, A, _) -> A;
fib(N, A, B) -> fib(N - 1, B, A + B).
main() ->
    io:format("~p~n", [fact(25)]),
    io:format("~p~n", [fib(200)]),
    io:format("~p~n", [fact(30) div fact(28)]),
    io:format("~p~n", [fact(22) rem 1000007]),
    io:format("~p~n", [-fact(21)]),
    io:format("~p~n", [(1 bsl 100) - 1]),
    io:format("~p~n", [fact(20) * fact(20) - fact(20) * fact(20)]),
    io:format("~p~n", [fact(40) > fact(39)]),
    io:format("~p~n", [(1 bsl 64) band ((1 bsl 64) - 1)]),
    ok.
