%% The terms select, match and match_object hand out, of every kind a stored object may hold:
%% immediates, the empty tuple, floats, bignums, heap and refc binaries, sub-binaries, strings,
%% nested tuples and lists, '$_', '$$' and terms built by the body, through whole-table and
%% chunked selects on each table type; each result must equal the stored term and be whole
%% (its flat size as OTP's) once the table is gone.
-module(ets_select_results).
-export([main/0]).

p(X) -> io:format("~p~n", [X]).

objs() ->
    Big = 1 bsl 100,
    Refc = list_to_binary(lists:seq(1, 200)),
    <<_:3/binary, Sub:50/binary, _/binary>> = Refc,
    [{1, {}}, {2, 1.5}, {3, Big}, {4, -Big}, {5, <<"heap">>}, {6, Refc}, {7, Sub},
     {8, "a string"}, {9, {a, {b, [c, {d, 2.5}]}, {}}}, {10, [1, [2, [3, []]], {}]},
     {11, [a | b]}, {12, {Big, <<"x">>, 1.0e300}}, {13, lists:seq(1, 70)},
     {14, list_to_tuple(lists:seq(1, 130))}, {15, []}].

specs() ->
    [[{{'$1', '$2'}, [], ['$2']}],
     [{'$1', [], ['$1']}],
     [{{'$1', '$2'}, [], ['$$']}],
     [{{'$1', '$2'}, [], [{{'$2', {const, {}}, '$1'}}]}],
     [{{'$1', '$2'}, [], [['$2', '$1']]}],
     [{{'$1', '$2'}, [{'>', '$1', 7}], ['$_']}],
     [{{'$1', '$2'}, [], [{const, {}}]}],
     %% interpreted and decoded clauses in turn: '$$' lists only its own clause's variables
     [{{'$5', '$6'}, [{is_atom, '$6'}], ['$$']}, {{'$1', '_'}, [{'<', '$1', 3}], ['$1']},
      {{'$2', '$3'}, [{'>', '$2', 12}], ['$$']}, {{'$4', '_'}, [], [{{'$4'}}]}]].

sizes(L) -> [erts_debug:flat_size(X) || X <- L].

run(Type) ->
    T = ets:new(t, [Type]),
    ets:insert(T, objs()),
    Rs = [lists:sort(ets:select(T, MS)) || MS <- specs()],
    Chunks = [chunks(ets:select(T, MS, 4)) || MS <- specs()],
    Rev = [lists:sort(ets:select_reverse(T, MS)) || MS <- specs()],
    M = lists:sort(ets:match(T, {'$1', '$2'})),
    MO = lists:sort(ets:match_object(T, {'_', '_'})),
    ets:delete(T),
    garbage_collect(),
    p({Type, Rs}),
    p([sizes(R) || R <- Rs]),
    p(Chunks =:= Rs),
    p(Rev =:= Rs),
    p({M, sizes(M)}),
    p(MO =:= lists:sort(objs())),
    p(sizes(MO)).

chunks('$end_of_table') -> [];
chunks({L, C}) -> lists:sort(L ++ chunks(ets:select(C))).

main() ->
    [run(Type) || Type <- [set, ordered_set, bag, duplicate_bag]],
    ok.
