-module(tailcalls).
-export([main/0]).
count(0, Acc) -> Acc;
count(N, Acc) -> count(N - 1, Acc + 1).
even(0) -> true;
even(N) -> odd(N - 1).
odd(0) -> false;
odd(N) -> even(N - 1).
len([]) -> 0;
len([_ | T]) -> 1 + len(T).
main() ->
    io:format("~p~n", [count(3000000, 0)]),
    io:format("~p~n", [even(1000001)]),
    io:format("~p~n", [len(lists:seq(1, 20000))]),
    ok.
