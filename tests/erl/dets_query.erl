-module(dets_query).
-export([main/0]).

%% dets: match, match_object, select, foldl, traverse, repair force, delete_all_objects.
%% Results are sorted: OTP returns them in its hash order.
err(F) ->
    try F() of V -> V catch C:R -> {C, R} end.

file(Name, Sx) -> "/tmp/hs_dets_query_" ++ atom_to_list(Name) ++ Sx ++ ".dets".

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

main() ->
    Sx = pick_names(),
    {ok, t} = fresh(t, [{file, file(t, Sx)}, {type, bag}]),
    ok = dets:insert(t, [{N, N * N, case N rem 2 of 0 -> even; 1 -> odd end} || N <- lists:seq(1, 20)]),
    ok = dets:insert(t, [{5, extra, odd}, {pair, {1, 2}, [a, b]}, {"s", <<"bin">>, 3.5}]),
    io:format("~p~n", [lists:sort(dets:match(t, {'$1', '_', even}))]),
    io:format("~p~n", [lists:sort(dets:match(t, {'$1', '$2', odd}))]),
    io:format("~p~n", [lists:sort(dets:match(t, {'$1', '$1', '_'}))]),
    io:format("~p~n", [lists:sort(dets:match(t, {5, '$2', '_'}))]),
    io:format("~p~n", [lists:sort(dets:match(t, {pair, {'$1', '$2'}, ['$3' | '_']}))]),
    io:format("~p~n", [lists:sort(dets:match(t, {nothing, '_', '_'}))]),
    io:format("~p~n", [length(dets:match(t, '$1'))]),
    io:format("~p~n", [lists:sort(dets:match_object(t, {'_', '_', odd}))]),
    io:format("~p~n", [lists:sort(dets:match_object(t, {'_', '_', '_', '_'}))]),
    io:format("~p~n", [length(dets:match_object(t, '_'))]),
    io:format("~p~n", [lists:sort(dets:select(t, [{{'$1', '$2', '_'}, [{'>', '$2', 300}], ['$1']}]))]),
    io:format("~p~n", [lists:sort(dets:select(t, [{{'$1', '$2', '$3'},
                                                   [{is_integer, '$2'}, {'=<', '$1', 4}],
                                                   [{{'$3', '$1', {'+', '$2', 1}}}]}]))]),
    io:format("~p~n", [lists:sort(dets:select(t, [{{'$1', '_', even}, [{'orelse', {'==', '$1', 2}, {'==', '$1', 20}}], ['$_']},
                                                   {{'$1', '_', odd}, [{'andalso', {'>', '$1', 15}, {'<', '$1', 19}}], ['$$']}]))]),
    io:format("~p~n", [lists:sort(dets:select(t, [{{'$1', '$2', '_'}, [{is_atom, '$2'}], [{element, 1, {{'$2', '$1'}}}]}]))]),
    io:format("~p~n", [lists:sort(dets:select(t, [{{'$1', '_', '_'}, [{is_list, '$1'}], [{const, found}]}]))]),
    io:format("~p~n", [lists:sort(dets:select(t, [{{'$1', '_', '_'}, [{'=:=', '$1', 5}], [[{const, x}, '$1']]}]))]),
    io:format("~p~n", [lists:sort(dets:select(t, [{{'$1', '$2', '_'}, [{is_float, '$2'}], ['$1']}]))]),
    io:format("~p~n", [lists:sort(dets:select(t, [{{'$1', '$2', '$3'}, [{'==', {'rem', '$1', 7}, 0}, {is_integer, '$1'}], [{{'$1', {'div', '$2', '$1'}}}]}]))]),
    io:format("~p~n", [err(fun() -> dets:select(t, []) end)]),
    io:format("~p~n", [err(fun() -> dets:select(t, bad) end)]),
    io:format("~p~n", [err(fun() -> dets:select(t, [{'_', [], ['$_']}, bad]) end)]),
    io:format("~p~n", [err(fun() -> dets:select(nonexist, [{'_', [], ['$_']}]) end)]),
    io:format("~p~n", [err(fun() -> dets:match(nonexist, '_') end)]),
    io:format("~p~n", [err(fun() -> dets:match_object(nonexist, '_') end)]),
    %% foldl and traverse
    io:format("~p~n", [dets:foldl(fun({_, _, odd}, A) -> A + 1; (_, A) -> A end, 0, t)]),
    io:format("~p~n", [lists:sort(dets:foldl(fun({K, _, _}, A) when is_integer(K), K > 17 -> [K | A]; (_, A) -> A end, [], t))]),
    io:format("~p~n", [lists:sort(dets:traverse(t, fun({K, _, even}) -> {continue, K}; (_) -> continue end))]),
    io:format("~p~n", [dets:traverse(t, fun(_) -> stop_here end)]),
    io:format("~p~n", [dets:traverse(t, fun({pair, _, _} = O) -> {done, O}; (_) -> continue end)]),
    io:format("~p~n", [err(fun() -> dets:foldl(fun(_, A) -> A end, 0, nonexist) end)]),
    io:format("~p~n", [err(fun() -> dets:traverse(nonexist, fun(_) -> continue end) end)]),
    io:format("~p~n", [dets:info(t, size)]),
    io:format("~p~n", [dets:info(t, no_keys)]),
    ok = dets:close(t),
    %% a clean file reopened with repair false / force keeps everything
    {ok, t} = dets:open_file(t, [{file, file(t, Sx)}, {type, bag}, {repair, false}]),
    io:format("~p~n", [dets:info(t, size)]),
    ok = dets:close(t),
    %% ({repair, force} is left to the C tests: OTP prints the file's name when it compacts,
    %% and the name differs when both implementations ran on one machine.)
    {ok, t} = dets:open_file(t, [{file, file(t, Sx)}, {type, bag}]),
    io:format("~p~n", [dets:info(t, size)]),
    io:format("~p~n", [lists:sort(dets:lookup(t, 5))]),
    io:format("~p~n", [dets:delete_all_objects(t)]),
    io:format("~p~n", [dets:info(t, size)]),
    io:format("~p~n", [dets:match_object(t, '_')]),
    io:format("~p~n", [dets:foldl(fun(_, A) -> A + 1 end, 0, t)]),
    ok = dets:close(t),
    %% many objects: the index grows, everything stays reachable
    {ok, big} = fresh(big, [{file, file(big, Sx)}, {auto_save, infinity}]),
    ok = dets:insert(big, [{I, integer_to_list(I)} || I <- lists:seq(1, 20000)]),
    io:format("~p~n", [dets:info(big, size)]),
    io:format("~p~n", [lists:all(fun(I) -> dets:lookup(big, I) =:= [{I, integer_to_list(I)}] end, lists:seq(1, 20000, 37))]),
    [ok = dets:delete(big, I) || I <- lists:seq(1, 20000, 2)],
    io:format("~p~n", [dets:info(big, size)]),
    io:format("~p~n", [dets:foldl(fun({I, _}, A) -> A + I end, 0, big)]),
    io:format("~p~n", [dets:sync(big)]),
    ok = dets:close(big),
    {ok, big} = dets:open_file(big, [{file, file(big, Sx)}]),
    io:format("~p~n", [dets:info(big, size)]),
    io:format("~p~n", [{dets:lookup(big, 2), dets:lookup(big, 3), dets:member(big, 20000)}]),
    ok = dets:close(big),
    ok.
