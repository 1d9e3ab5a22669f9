-module(lc_heap).
-export([main/0]).
%% Heap figures after list comprehensions as OTP 25 compiles them: body-recursive generator
%% functions (one cons per element, no reverse), and an unused comprehension that builds no
%% list (its generator function calls itself last). {deep, N} for larger N shows the
%% generator's stack frames deciding the heap's growth: each {X} is built after the recursive
%% call, as v3_core builds a constructor where it is used (docs/vm.md).

measure(Name, F) ->
    Self = self(),
    P = spawn(fun() -> R = F(), Self ! {self(), info(), keep(R)} end),
    receive {P, Info, Len} -> io:format("~p: ~p ~p~n", [Name, Len, Info]) end.

info() -> process_info(self(), [heap_size, total_heap_size]).

keep(R) when is_list(R) -> length(R);
keep(R) -> R.

deep(N) -> [{X} || X <- lists:seq(1, N)].
sq(L) -> [X * X || X <- L, X rem 3 =/= 0].
pairs(N) -> [{X, Y} || X <- lists:seq(1, N), Y <- lists:seq(1, N)].
unused(N) -> L = lists:seq(1, N), [X + 1 || X <- L], length(L).
unused_send(N) -> L = lists:seq(1, N), [self() ! X || X <- L], length(L).
used(N) -> L = lists:seq(1, N), R = [X + 1 || X <- L], length(R).
strs(N) -> [integer_to_list(X) || X <- lists:seq(1, N)].

main() ->
    [measure({deep, N}, fun() -> deep(N) end) || N <- [0, 1, 10, 100, 1000, 5000]],
    [measure({sq, N}, fun() -> sq(lists:seq(1, N)) end) || N <- [10]],
    [measure({pairs, N}, fun() -> pairs(N) end) || N <- [3]],
    [measure({unused, N}, fun() -> unused(N) end) || N <- [10, 1000, 20000]],
    [measure({unused_send, N}, fun() -> unused_send(N) end) || N <- [10, 1000]],
    [measure({used, N}, fun() -> used(N) end) || N <- [10]],
    [measure({strs, N}, fun() -> strs(N) end) || N <- [10]],
    ok.
