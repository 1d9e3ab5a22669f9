-module(frame_gc_live).
-export([main/0]).
%% A call's result waiting in x0 while the next operator builds a bignum: OTP's gc_bif names
%% x0 live there, and heapscope saves the result after the operator (peep.c rule 7, its Live
%% kept by code.c). The bignums outgrow the free heap, so the operator's after-BIF check
%% collects with the result as a root; a result the collection missed would be garbage.

%% fib's shape: the first call's result waits while B * B is computed for the second.
sq(0, B) -> B band 16#ffff;
sq(N, B) -> sq(N - 1, B + 1) + sq(0, B * B).

%% A negation (op1) and a bsl between a call and the next.
neg(0, B) -> [B rem 1000];
neg(N, B) -> neg(N - 1, B + 3) ++ neg(0, -B).

shift(0, B) -> {B rem 7919};
shift(N, B) -> {shift(N - 1, B), shift(0, B bsl 4096)}.

%% A result kept in a list, its length after: the list waits in x0.
lens(0, B) -> [B];
lens(N, B) -> X = lens(N - 1, B * B), [length(X) | X].

main() ->
    B = 1 bsl 20000 + 12345,
    io:format("sq: ~p~n", [[sq(K, B) || K <- [1, 10, 200]]]),
    io:format("neg: ~p~n", [lists:sum(neg(300, B))]),
    io:format("shift: ~p~n", [erlang:phash2(shift(200, B))]),
    L = lens(12, 3),
    io:format("lens: ~p ~p~n", [length(L), erlang:phash2(L)]),
    %% Many small processes, each with a small heap: collections at the operators early.
    Self = self(),
    Ps = [spawn(fun() -> Self ! {self(), sq(50, B + K)} end) || K <- lists:seq(1, 20)],
    io:format("procs: ~p~n", [lists:sum([receive {P, V} -> V end || P <- Ps])]),
    ok.
