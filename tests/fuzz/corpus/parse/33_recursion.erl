-module('33_recursion').
-export([fib/1, fact/1, len/1, rev/1, qsort/1, ackermann/2, sum/1]).

fib(0) -> 0;
fib(1) -> 1;
fib(N) when N > 1 -> fib(N - 1) + fib(N - 2).

fact(N) -> fact(N, 1).
fact(0, Acc) -> Acc;
fact(N, Acc) -> fact(N - 1, N * Acc).

len([]) -> 0;
len([_ | T]) -> 1 + len(T).

rev(L) -> rev(L, []).
rev([], Acc) -> Acc;
rev([H | T], Acc) -> rev(T, [H | Acc]).

qsort([]) -> [];
qsort([P | Xs]) -> qsort([X || X <- Xs, X < P]) ++ [P] ++ qsort([X || X <- Xs, X >= P]).

ackermann(0, N) -> N + 1;
ackermann(M, 0) -> ackermann(M - 1, 1);
ackermann(M, N) -> ackermann(M - 1, ackermann(M, N - 1)).

sum(L) -> lists:foldl(fun(X, Acc) -> X + Acc end, 0, L).
