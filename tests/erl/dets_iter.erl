-module(dets_iter).
-export([main/0]).

%% dets: first/next, update_counter, bchunk + init_table, to_ets/from_ets, select/3,
%% select/1, match/3, match_object/3, select_delete, match_delete; match specifications
%% as ets runs them. Results are sorted where OTP gives its hash order.
err(F) ->
    try F() of V -> V catch C:R -> {C, R} end.

file(Name, Sx) -> "/tmp/hs_dets_iter_" ++ atom_to_list(Name) ++ Sx ++ ".dets".

%% OTP and heapscope write different formats: whichever finds the probe file in the other's
%% format uses a second set of names.
pick_names() ->
    case dets:open_file(probe, [{file, file(probe, "")}]) of
        {ok, probe} -> dets:close(probe), "";
        {error, _} -> "_2"
    end.

fresh(Name, Opts) ->
    {ok, Name} = dets:open_file(Name, Opts),
    ok = dets:delete_all_objects(Name),
    {ok, Name}.

keys(T) -> keys(T, dets:first(T), []).
keys(_T, '$end_of_table', Acc) -> Acc;
keys(T, K, Acc) -> keys(T, dets:next(T, K), [K | Acc]).

%% Every chunk of a select/3, match/3 or match_object/3 walk (Next continues it).
walk(_Next, '$end_of_table', Acc) -> Acc;
walk(Next, {L, C}, Acc) -> walk(Next, Next(C), [L | Acc]).

bchunks(T) -> bchunks(T, dets:bchunk(T, start), []).
bchunks(_T, '$end_of_table', Acc) -> lists:reverse(Acc);
bchunks(T, {C, Data}, Acc) -> bchunks(T, dets:bchunk(T, C), [Data | Acc]).

init_fun([]) -> fun(read) -> end_of_input; (close) -> ok end;
init_fun([C | Cs]) -> fun(read) -> {C, init_fun(Cs)}; (close) -> ok end.

main() ->
    Sx = pick_names(),
    {ok, s} = fresh(s, [{file, file(s, Sx)}]),
    io:format("~p~n", [dets:first(s)]),
    io:format("~p~n", [err(fun() -> dets:next(s, nokey) end)]),
    ok = dets:insert(s, [{I, I * 10, integer_to_list(I)} || I <- lists:seq(1, 300)]),
    ok = dets:insert(s, [{a, 1, x}, {{t, 2}, 2, y}, {"str", 3, z}, {<<"b">>, 4, w}]),
    Ks = keys(s),
    io:format("~p~n", [{length(Ks), length(lists:usort(Ks))}]),
    io:format("~p~n", [lists:sort(Ks) =:= lists:sort([K || {K, _, _} <- dets:match_object(s, '_')])]),
    io:format("~p~n", [err(fun() -> dets:first(nosuch) end)]),
    io:format("~p~n", [err(fun() -> dets:next(nosuch, 1) end)]),
    %% update_counter
    io:format("~p~n", [dets:update_counter(s, 1, 5)]),
    io:format("~p~n", [dets:update_counter(s, 1, {2, -20})]),
    io:format("~p~n", [dets:update_counter(s, 2, {2, 1 bsl 62})]),
    io:format("~p~n", [dets:lookup(s, 1)]),
    io:format("~p~n", [dets:lookup(s, 2)]),
    io:format("~p~n", [err(fun() -> dets:update_counter(s, 1, {3, 1}) end)]),
    io:format("~p~n", [err(fun() -> dets:update_counter(s, 1, {1, 1}) end)]),
    io:format("~p~n", [err(fun() -> dets:update_counter(s, 1, {4, 1}) end)]),
    io:format("~p~n", [err(fun() -> dets:update_counter(s, 1, {0, 1}) end)]),
    io:format("~p~n", [err(fun() -> dets:update_counter(s, 1, x) end)]),
    io:format("~p~n", [err(fun() -> dets:update_counter(s, 1, 1.5) end)]),
    io:format("~p~n", [err(fun() -> dets:update_counter(s, nokey, 1) end)]),
    io:format("~p~n", [err(fun() -> dets:update_counter(nosuch, 1, 1) end)]),
    io:format("~p~n", [dets:lookup(s, 1)]),
    %% select with a limit, continued to the end
    Sel = walk(fun dets:select/1, dets:select(s, [{{'$1', '$2', '_'}, [{is_integer, '$1'}, {'>', '$1', 250}], [{{'$1', '$2'}}]}], 7), []),
    io:format("~p~n", [lists:sort(lists:append(Sel))]),
    io:format("~p~n", [lists:append(walk(fun dets:select/1, dets:select(s, [{{nomatch, '_', '_'}, [], ['$_']}], 10), []))]),
    M3 = walk(fun dets:match/1, dets:match(s, {'$1', '_', "29" ++ '$2'}, 3), []),
    io:format("~p~n", [lists:sort(lists:append(M3))]),
    MO3 = walk(fun dets:match_object/1, dets:match_object(s, {'_', '_', [$2, $9, '_']}, 2), []),
    io:format("~p~n", [lists:sort(lists:append(MO3))]),
    io:format("~p~n", [err(fun() -> dets:select(s, [{'_', [], ['$_']}], x) end)]),
    io:format("~p~n", [err(fun() -> dets:select(notacont) end)]),
    io:format("~p~n", [err(fun() -> dets:match(notacont) end)]),
    io:format("~p~n", [err(fun() -> dets:match_object(notacont) end)]),
    %% match specifications run as ets runs them
    io:format("~p~n", [lists:sort(dets:select(s, [{{'$1', '$2', '_'}, [{'<', '$1', 4}], [{'+', '$2', 0.5}]}]))]),
    io:format("~p~n", [lists:sort(dets:select(s, [{{'$1', '$2', '_'}, [{'<', '$1', 3}], [{'*', '$2', 100000000000000000000}]}]))]),
    io:format("~p~n", [lists:sort(dets:select(s, [{{'$1', '_', '_'}, [{'<', '$1', 3}], [{'div', '$1', 0}]}]))]),
    io:format("~p~n", [lists:sort(dets:select(s, [{{'$1', '_', '$3'}, [{'=:=', {length, '$3'}, 3}, {'<', '$1', 103}], [{{'$1', {hd, '$3'}, {tl, '$3'}}}]}]))]),
    io:format("~p~n", [lists:sort(dets:select(s, [{{'$1', '_', '_'}, [{is_binary, '$1'}], [{size, '$1'}]}]))]),
    io:format("~p~n", [lists:sort(dets:select(s, [{{'$1', '_', '_'}, [{is_tuple, '$1'}], [{element, 1, '$1'}, '$_']}]))]),
    io:format("~p~n", [lists:sort(dets:select(s, [{{'$1', '$2', '_'}, [{'==', {'band', '$1', 255}, 7}], [{{'$1', {'bsl', '$2', 2}, {'abs', {'-', '$1'}}}}]}]))]),
    io:format("~p~n", [err(fun() -> dets:select(s, [{'_', [{nofun, 1}], ['$_']}]) end)]),
    %% select_delete and match_delete
    io:format("~p~n", [dets:select_delete(s, [{{'$1', '_', '_'}, [{is_integer, '$1'}, {'>', '$1', 200}], [true]}])]),
    io:format("~p~n", [dets:info(s, size)]),
    io:format("~p~n", [dets:select_delete(s, [{{'$1', '_', '_'}, [{is_integer, '$1'}, {'>', '$1', 190}], [false]}])]),
    io:format("~p~n", [dets:info(s, size)]),
    io:format("~p~n", [dets:match_delete(s, {'_', '_', [$1, $9, '_']})]),
    io:format("~p~n", [dets:info(s, size)]),
    io:format("~p~n", [dets:match_delete(s, {a, '_', '_'})]),
    io:format("~p~n", [dets:lookup(s, a)]),
    io:format("~p~n", [err(fun() -> dets:select_delete(s, bad) end)]),
    io:format("~p~n", [err(fun() -> dets:select_delete(nosuch, [{'_', [], [true]}]) end)]),
    %% bchunk: read the whole table in chunks, load it into another table
    Chunks = bchunks(s),
    io:format("~p~n", [Chunks =/= []]),
    {ok, c} = fresh(c, [{file, file(c, Sx)}]),
    ok = dets:insert(c, {stale, 0, gone}),
    io:format("~p~n", [dets:init_table(c, init_fun(Chunks), [{format, bchunk}])]),
    io:format("~p~n", [dets:info(c, size) =:= dets:info(s, size)]),
    io:format("~p~n", [lists:sort(dets:match_object(c, '_')) =:= lists:sort(dets:match_object(s, '_'))]),
    io:format("~p~n", [dets:lookup(c, stale)]),
    io:format("~p~n", [dets:init_table(c, init_fun([[{x, 1, a}, {y, 2, b}], [{z, 3, c}]]))]),
    io:format("~p~n", [lists:sort(dets:match_object(c, '_'))]),
    io:format("~p~n", [err(fun() -> dets:bchunk(nosuch, start) end)]),
    ok = dets:close(c),
    %% to_ets / from_ets
    E = ets:new(e, [set]),
    ets:insert(E, {old, 0, 0}),
    io:format("~p~n", [dets:to_ets(s, E) =:= E]),
    io:format("~p~n", [ets:info(E, size) =:= dets:info(s, size) + 1]),
    io:format("~p~n", [ets:lookup(E, 5)]),
    E2 = ets:new(e2, [bag]),
    ets:insert(E2, [{k, 1}, {k, 2}, {j, 3}]),
    {ok, b} = fresh(b, [{file, file(b, Sx)}, {type, bag}]),
    ok = dets:insert(b, {gone, 1}),
    io:format("~p~n", [dets:from_ets(b, E2)]),
    io:format("~p~n", [lists:sort(dets:match_object(b, '_'))]),
    io:format("~p~n", [err(fun() -> dets:to_ets(nosuch, E) end)]),
    io:format("~p~n", [err(fun() -> dets:from_ets(b, nosuch_ets) end)]),
    %% first/next on a bag: each key once
    ok = dets:insert(b, [{k, 3}, {m, 1}, {m, 2}]),
    io:format("~p~n", [lists:sort(keys(b))]),
    io:format("~p~n", [err(fun() -> dets:update_counter(b, k, 1) end)]),
    ok = dets:close(b),
    ok = dets:close(s),
    ok.
