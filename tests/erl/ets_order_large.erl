%% Iteration order of hash tables after growth, as OTP 25 gives it: tab2list, first/next,
%% select, select/3 chunks, match, foldl and bag lookups for tables of hundreds to thousands
%% of keys (integers, tuples, top-level atoms, binaries, big integers), bags and duplicate
%% bags, and after deletes. Long orders print as their first keys and an erlang:phash2.
-module(ets_order_large).
-export([main/0]).

walk(T) -> walk(T, ets:first(T), []).
walk(_, '$end_of_table', A) -> lists:reverse(A);
walk(T, K, A) -> walk(T, ets:next(T, K), [K | A]).

chunks(T, N) -> chunks(ets:select(T, [{'$1', [], ['$1']}], N), [], []).
chunks('$end_of_table', A, Ls) -> {lists:append(lists:reverse(A)), lists:reverse(Ls)};
chunks({L, C}, A, Ls) -> chunks(ets:select(C), [L | A], [length(L) | Ls]).

keys(L) -> [element(1, O) || O <- L].

show(What, L) ->
    io:format("~s ~p ~p ~w~n", [What, length(L), erlang:phash2(L), lists:sublist(L, 12)]).

orders(Name, Type, Objs) ->
    T = ets:new(t, [Type]),
    [ets:insert(T, O) || O <- Objs],
    io:format("~s~n", [Name]),
    show(" tab2list", keys(ets:tab2list(T))),
    show(" first/next", walk(T)),
    show(" select", ets:select(T, [{{'$1', '_'}, [], ['$1']}])),
    show(" match", ets:match(T, {'$1', '_'})),
    show(" match_object", keys(ets:match_object(T, '_'))),
    {C100, L100} = chunks(T, 100),
    show(" select/3 100", keys(C100)),
    io:format(" chunk sizes ~w~n", [L100]),
    {C7, _} = chunks(T, 7),
    show(" select/3 7", keys(C7)),
    show(" foldl", ets:foldl(fun(O, A) -> [element(1, O) | A] end, [], T)),
    T.

main() ->
    T1 = orders("1000 integers", set, [{K, x} || K <- lists:seq(1, 1000)]),
    io:format("~w~n", [keys(ets:tab2list(T1))]),
    T2 = orders("1000 tuples", set, [{{K, K}, x} || K <- lists:seq(1, 1000)]),
    io:format("~w~n", [keys(ets:tab2list(T2))]),
    orders("600 atoms", set, [{list_to_atom("k" ++ integer_to_list(K)), x} || K <- lists:seq(1, 600)]),
    orders("700 binaries", set, [{integer_to_binary(K), x} || K <- lists:seq(1, 700)]),
    orders("3000 spread integers", set, [{K * 1000003, x} || K <- lists:seq(1, 3000)]),
    orders("5000 integers", set, [{K, x} || K <- lists:seq(1, 5000)]),
    orders("300 bignums", set, [{K bsl 70, x} || K <- lists:seq(1, 300)]),
    B = orders("bag 900", bag, [{K rem 300, K} || K <- lists:seq(1, 900)]),
    io:format("~w~n", [[ets:lookup(B, K) || K <- [0, 1, 299]]]),
    ets:insert(B, [{7, a}, {7, b}, {7, 7}]),
    ets:delete_object(B, {7, 307}),
    io:format("~w~n", [ets:lookup(B, 7)]),
    D = orders("duplicate_bag 900", duplicate_bag, [{K rem 200, K rem 3} || K <- lists:seq(1, 900)]),
    io:format("~w~n", [ets:lookup(D, 13)]),
    %% deletes, then more inserts (no shrink below 4352 buckets)
    T3 = ets:new(t, [set]),
    [ets:insert(T3, {K, x}) || K <- lists:seq(1, 2000)],
    [ets:delete(T3, K) || K <- lists:seq(1, 2000, 3)],
    [ets:insert(T3, {K, y}) || K <- lists:seq(5000, 5300)],
    show("after deletes tab2list", keys(ets:tab2list(T3))),
    show("after deletes first/next", walk(T3)),
    %% a list insert, insert_new and take
    T4 = ets:new(t, [set]),
    ets:insert(T4, [{K, x} || K <- lists:seq(1, 400)]),
    false = ets:insert_new(T4, {5, y}),
    true = ets:insert_new(T4, {401, y}),
    [{9, x}] = ets:take(T4, 9),
    show("list insert tab2list", keys(ets:tab2list(T4))),
    ok.
