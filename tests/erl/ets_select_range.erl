%% select over an ordered_set whose spec bounds the key (a constant key, or guards comparing the
%% key variable with constants): the results must be exactly those of a whole-table walk, at the
%% range's edges too (1 and 1.0 are one key; keys of mixed types; several clauses; reverse,
%% chunks, count, delete and replace).
-module(ets_select_range).
-export([main/0]).

p(X) -> io:format("~w~n", [X]).

%% A tuple in a guard is a call: a tuple constant must be quoted.
lit(C) when is_tuple(C) -> {const, C};
lit(C) -> C.

mixed() ->
    T = ets:new(m, [ordered_set]),
    Keys = [1, 2.0, 2.5, 3, 4, 10, 5.0, a, b, {1, x}, {2, y}, [1], <<"b">>, -7, 1.5e9, 100000000000000000000],
    [ets:insert(T, {K, I}) || {I, K} <- lists:zip(lists:seq(1, length(Keys)), Keys)],
    T.

main() ->
    T = ets:new(r, [ordered_set]),
    ets:insert(T, [{I, I * 2, I rem 3} || I <- lists:seq(1, 200)]),
    p(length(ets:select(T, [{{'$1', '$2', '_'}, [{'=<', '$1', 50}], ['$2']}]))),
    p(ets:select(T, [{{'$1', '$2', '_'}, [{'<', '$1', 4}], ['$2']}])),
    p(ets:select(T, [{{'$1', '$2', '_'}, [{'>', '$1', 197}], ['$2']}])),
    p(ets:select(T, [{{'$1', '$2', '_'}, [{'>=', '$1', 197}], ['$1']}])),
    p(ets:select(T, [{{'$1', '$2', '_'}, [{'>=', 3, '$1'}], ['$1']}])),
    p(ets:select(T, [{{'$1', '$2', '_'}, [{'<', 198, '$1'}], ['$1']}])),
    p(ets:select(T, [{{'$1', '_', '$3'}, [{'andalso', {'>', '$1', 10}, {'<', '$1', 20}}, {'==', '$3', 0}], ['$1']}])),
    p(ets:select(T, [{{'$1', '_', '_'}, [{'>', '$1', 10}, {'<', '$1', 14}], ['$1']}])),
    p(ets:select(T, [{{'$1', '_', '_'}, [{'>', '$1', 14}, {'<', '$1', 10}], ['$1']}])),
    p(ets:select(T, [{{'$1', '_', '_'}, [{'==', '$1', 7.0}], ['$_']}])),
    p(ets:select(T, [{{'$1', '_', '_'}, [{'=:=', '$1', 7.0}], ['$_']}])),
    p(ets:select(T, [{{'$1', '_', '_'}, [{'=:=', '$1', 7}], ['$_']}])),
    p(ets:select(T, [{{'$1', '_', '_'}, [{'=<', '$1', 3.5}], ['$1']}])),
    p(ets:select(T, [{{'$1', '_', '_'}, [{'>', '$1', {const, 198.5}}], ['$1']}])),
    p(ets:select(T, [{{'$1', '_', '_'}, [{'<', '$1', a}], ['$1']}]) =:= lists:seq(1, 200)),
    p(ets:select(T, [{{'$1', '_', '_'}, [{'>', '$1', a}], ['$1']}])),
    p(ets:select(T, [{{'$1', '_', '_'}, [{'/=', '$1', 5}, {'<', '$1', 7}], ['$1']}])),
    p(ets:select(T, [{{'$1', '_', '_'}, [{'<', '$1', 3}], ['$1']}, {{'$1', '_', '_'}, [{'>', '$1', 198}], [{{'$1'}}]}])),
    p(ets:select(T, [{{'$1', '_', '_'}, [{'<', '$1', 3}], ['$1']}, {{'$1', '_', '_'}, [], [all]}]) -- [all || _ <- lists:seq(1, 198)]),
    p(ets:select(T, [{{5, '$2', '_'}, [], ['$2']}, {{9.0, '$2', '_'}, [], ['$2']}, {{'$1', '_', 1}, [{'==', '$1', 100}], ['$1']}])),
    p(ets:select(T, [{{'$1', '$1', '_'}, [{'<', '$1', 100}], ['$1']}])),
    p(ets:select(T, [{{'$1', '_', '_'}, [{'orelse', {'<', '$1', 3}, {'>', '$1', 198}}], ['$1']}])),
    p(ets:select_reverse(T, [{{'$1', '_', '_'}, [{'>', '$1', 190}], ['$1']}])),
    p(ets:select_reverse(T, [{{'$1', '_', '_'}, [{'<', '$1', 5}], ['$1']}])),
    {C1, K1} = ets:select(T, [{{'$1', '_', '_'}, [{'>', '$1', 190}], ['$1']}], 4),
    p(C1),
    {C2, K2} = ets:select(K1),
    p(C2),
    p(ets:select(K2)),
    {C3, _} = ets:select_reverse(T, [{{'$1', '_', '_'}, [{'=<', '$1', 10}], ['$1']}], 3),
    p(C3),
    p(ets:select_count(T, [{{'$1', '_', '_'}, [{'=<', '$1', 100}], [true]}])),
    p(ets:select_count(T, [{{'$1', '_', 0}, [{'>', '$1', 100}], [true]}])),
    p(ets:select_delete(T, [{{'$1', '_', '_'}, [{'>', '$1', 195}], [true]}])),
    p(ets:info(T, size)),
    p(ets:select_replace(T, [{{'$1', '$2', '_'}, [{'<', '$1', 4}], [{{'$1', '$2', new}}]}])),
    p(ets:tab2list(T) -- [{I, I * 2, I rem 3} || I <- lists:seq(4, 195)]),
    p(ets:match(T, {'$1', '$2', new})),
    p(ets:match_object(T, {2, '_', '_'})),
    p(ets:match_object(T, {2.0, '_', '_'})),
    p(ets:select(T, [{{[1, '_'], '_', '_'}, [], ['$_']}])),
    M = mixed(),
    Ops = ['<', '=<', '>', '>=', '==', '=:=', '/=', '=/='],
    Consts = [0, 1, 1.0, 2, 2.0, 2.5, 5, 5.0, 10, 1.5e9, 100000000000000000000, a, c, {1, x}, [1], <<"a">>],
    lists:foreach(fun(Op) ->
                      lists:foreach(fun(C) ->
                                        p({Op, C, ets:select(M, [{{'$1', '$2'}, [{Op, '$1', lit(C)}], ['$2']}]),
                                           ets:select_reverse(M, [{{'$1', '$2'}, [{Op, {const, C}, '$1'}], ['$2']}])})
                                    end, Consts)
                  end, Ops),
    p([ets:select(M, [{{K, '$2'}, [], ['$2']}]) || K <- [1, 1.0, 2, 2.0, 5, 5.0, a, {1, x}, {1, '_'}, {'_', y}, [1]]]),
    N = ets:new(n, [ordered_set, {keypos, 2}]),
    ets:insert(N, [{x, I, -I} || I <- lists:seq(1, 20)]),
    p(ets:select(N, [{{'_', '$1', '$2'}, [{'>', '$1', 17}], ['$2']}])),
    p(ets:select(N, [{{'_', 3, '$2'}, [], ['$2']}])),
    ok.
