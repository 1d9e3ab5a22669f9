-module(frame_stack).
-export([main/0, mark/0, last/2, map/2, lc/1, lc_tuple/1, lcs/2, branches/2, flat/1, recv/1,
         sum/1, len/1, app/2, tree/1, fib/1, lens/1, tr/1, part/2, zip/2]).
%% process_info(self(), stack_size) at the bottom of deep non-tail recursions of several
%% shapes: each level's frame (its Y slots and the return address) as OTP 25 allocates it.
%% A value gets a slot only when it is live across a call (recv/1's N is not: 1 word a level,
%% the return address; branches/2 keeps N only, not its atom), values whose lives do not
%% overlap share a slot, each clause's frame has its own size, and before the recursive call
%% the frame is trimmed to what the continuation needs (map/2 holds F and T across F(H), then
%% only F(H): OTP's trim). fib keeps one slot (N, then fib(N - 1)'s result, which waits in
%% x0 while N - 2 is computed: OTP's gc_bif Live), lens none (its length/1 is an instruction,
%% not a call), zip two (the tuple is built after the call), tr two (N and the try's tag),
%% part two (the tuple's elements stay in X registers; case H < P branches on the test).

st() -> {stack_size, S} = process_info(self(), stack_size), S.

%% Keeps the deepest stack seen.
mark() ->
    S = st(),
    case get(st) of
        D when is_integer(D), D >= S -> ok;
        _ -> put(st, S), put(heap, process_info(self(), [heap_size, total_heap_size]))
    end.

map(F, [H | T]) -> [F(H) | map(F, T)];
map(_, []) -> mark(), [].

%% Comprehensions: one generator function level per element; last/2 marks at the deepest.
lc(L) -> [X * 2 || X <- L, X > 0, last(X, L)].
lc_tuple(L) -> [{X} || X <- L, last(X, L)].
lcs(L, Me) -> [{Me, last(X, L)} || X <- L].
last(X, L) ->
    case X =:= length(L) of true -> mark(); false -> ok end,
    true.

branches(a, 0) -> mark(), [];
branches(a, N) -> [N | branches(a, N - 1)];
branches(b, N) -> {N, branches(a, N)};
branches(_, _) -> [].

flat([H | T]) when is_list(H) -> flat(H) ++ flat(T);
flat([H | T]) -> [H | flat(T)];
flat([]) -> mark(), [].

recv(0) -> self() ! m, receive m -> mark(), 0 end;
recv(N) -> 1 + recv(N - 1).

sum([]) -> mark(), 0;
sum([H | T]) -> H + sum(T).

len([]) -> mark(), 0;
len([_ | T]) -> 1 + len(T).

app([], L) -> mark(), L;
app([H | T], L) -> [H | app(T, L)].

tree(0) -> mark(), leaf;
tree(N) -> {node, tree(N - 1), N, tree(N - 1)}.

fib(N) when N < 2 -> mark(), N;
fib(N) -> fib(N - 1) + fib(N - 2).

lens(0) -> mark(), [];
lens(N) -> X = lens(N - 1), [length(X) | X].

tr(0) -> mark(), [];
tr(N) -> try [N | tr(N - 1)] catch _:_ -> err end.

part(_, []) -> mark(), {[], []};
part(P, [H | T]) ->
    {A, B} = part(P, T),
    case H < P of true -> {[H | A], B}; false -> {A, [H | B]} end.

zip([A | As], [B | Bs]) -> [{A, B} | zip(As, Bs)];
zip([], []) -> mark(), [].


%% The stack at depth N + 10 less the one at depth N: ten levels' frames.
run(Name, F) ->
    io:format("~p: ~p~n", [Name, at(F, 10) - at(F, 0)]).

at(F, K) ->
    Self = self(),
    spawn(fun() -> F(K), Self ! {self(), get(st)} end),
    receive {_, S} -> S end.

main() ->
    L = fun(K) -> lists:seq(1, 40 + K) end,
    run(map, fun(K) -> map(fun(X) -> X + 1 end, L(K)) end),
    run(lc, fun(K) -> lc(L(K)) end),
    run(lc_tuple, fun(K) -> lc_tuple(L(K)) end),
    run(lcs, fun(K) -> lcs(L(K), self()) end),
    run(branches_a, fun(K) -> branches(a, 40 + K) end),
    run(branches_b, fun(K) -> branches(b, 40 + K) end),
    run(flat, fun(K) -> flat([L(K), [L(K)]]) end),
    run(recv, fun(K) -> recv(40 + K) end),
    run(sum, fun(K) -> sum(L(K)) end),
    run(len, fun(K) -> len(L(K)) end),
    run(app, fun(K) -> app(L(K), [x]) end),
    run(tree, fun(K) -> tree(4 + K div 10) end),
    run(fib, fun(K) -> fib(4 + K) end),
    run(lens, fun(K) -> lens(40 + K) end),
    run(tr, fun(K) -> tr(40 + K) end),
    run(part, fun(K) -> part(20, L(K)) end),
    run(zip, fun(K) -> zip(L(K), L(K)) end),
    [heap(Name, F) || {Name, F} <- [{len, fun() -> len(lists:seq(1, 3000)) end},
                                    {map, fun() -> map(fun(X) -> X end, lists:seq(1, 3000)) end},
                                    {app, fun() -> app(lists:seq(1, 3000), [x]) end},
                                    {branches_b, fun() -> branches(b, 3000) end},
                                    {recv, fun() -> recv(3000) end},
                                    {lens, fun() -> lens(3000) end}]],
    ok.

%% The heap at the bottom of a deep recursion: the stack shares the heap's block, so frames
%% of OTP's size give OTP's collections.
heap(Name, F) ->
    Self = self(),
    spawn(fun() -> F(), Self ! {self(), get(heap)} end),
    receive {_, H} -> io:format("~p: ~p~n", [Name, H]) end.
