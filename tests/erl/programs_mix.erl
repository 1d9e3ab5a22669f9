-module(programs_mix).
-export([main/0]).
-record(node, {key, val, left = nil, right = nil}).

qsort([]) -> [];
qsort([P | T]) -> qsort([X || X <- T, X < P]) ++ [P] ++ qsort([X || X <- T, X >= P]).

insert(K, V, nil) -> #node{key = K, val = V};
insert(K, V, N = #node{key = NK}) when K < NK -> N#node{left = insert(K, V, N#node.left)};
insert(K, V, N = #node{key = NK}) when K > NK -> N#node{right = insert(K, V, N#node.right)};
insert(_, V, N) -> N#node{val = V}.

to_list(nil) -> [];
to_list(#node{key = K, val = V, left = L, right = R}) -> to_list(L) ++ [{K, V}] ++ to_list(R).

word_count(Text) ->
    Words = string:tokens(Text, " ,.\n"),
    lists:foldl(fun(W, M) -> maps:update_with(W, fun(C) -> C + 1 end, 1, M) end, #{}, Words).

encode(N) when is_integer(N) -> integer_to_list(N);
encode(A) when is_atom(A) -> [$" | atom_to_list(A)] ++ "\"";
encode(L) when is_list(L) -> "[" ++ join([encode(E) || E <- L], ",") ++ "]";
encode(M) when is_map(M) ->
    "{" ++ join([encode(K) ++ ":" ++ encode(V) || {K, V} <- lists:sort(maps:to_list(M))], ",") ++ "}".

join([], _) -> [];
join([H], _) -> H;
join([H | T], S) -> H ++ S ++ join(T, S).

fsm(Input) -> fsm(idle, Input, []).
fsm(_, [], Acc) -> lists:reverse(Acc);
fsm(idle, [coin | T], Acc) -> fsm(ready, T, [ready | Acc]);
fsm(ready, [push | T], Acc) -> fsm(idle, T, [vend | Acc]);
fsm(S, [_ | T], Acc) -> fsm(S, T, [ignored | Acc]).

primes(N) -> sieve(lists:seq(2, N)).
sieve([]) -> [];
sieve([P | T]) -> [P | sieve([X || X <- T, X rem P =/= 0])].

main() ->
    io:format("~p~n", [qsort([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5])]),
    T = lists:foldl(fun({K, V}, Acc) -> insert(K, V, Acc) end, nil,
                    [{5, e}, {2, b}, {8, h}, {1, a}, {9, i}, {5, ee}]),
    io:format("~p~n", [to_list(T)]),
    io:format("~p~n", [lists:sort(maps:to_list(word_count("the cat, the dog. the end\nend")))]),
    io:format("~s~n", [encode(#{a => [1, 2, b], c => #{d => 4}})]),
    io:format("~p~n", [fsm([coin, push, push, coin, coin, push])]),
    io:format("~p~n", [primes(60)]),
    io:format("~p~n", [lists:sum([X * X || X <- lists:seq(1, 100), X rem 7 == 0])]),
    ok.
