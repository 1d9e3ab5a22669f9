%% ets: select_replace (key checks, bags, duplicate bags, ordered_set), match_delete,
%% match_spec_compile/run, is_compiled_ms, test_ms, slot, safe_fixtable, init_table,
%% to_dets/from_dets, repair_continuation, and 'EXIT' in place of a failing call in a body.
-module(ets_more).
-export([main/0]).
err(F) -> try F() of V -> V catch C:R -> {C, R} end.
main() ->
    T = ets:new(t, [set]),
    ets:insert(T, [{I, I * 10} || I <- lists:seq(1, 10)]),
    io:format("~p~n", [err(fun() -> ets:select_replace(T, [{{'$1', '$2'}, [{'>', '$1', 7}], [{{'$1', {'+', '$2', 1}}}]}]) end)]),
    io:format("~p~n", [lists:sort(ets:tab2list(T))]),
    io:format("~p~n", [err(fun() -> ets:select_replace(T, [{{'$1', '$2'}, [{'<', '$1', 3}], [{{'$1', {'div', '$2', 0}}}]}]) end)]),
    io:format("~p~n", [lists:sort(ets:tab2list(T))]),
    io:format("~p~n", [err(fun() -> ets:select_replace(T, [{{'$1', '$2'}, [], [{{'$2', '$1'}}]}]) end)]),
    io:format("~p~n", [err(fun() -> ets:select_replace(T, [{{'$1', '$2'}, [], ['$_']}]) end)]),
    io:format("~p~n", [err(fun() -> ets:select_replace(T, [{{5, '$2'}, [], [{const, {5, five}}]}]) end)]),
    io:format("~p~n", [err(fun() -> ets:select_replace(T, [{{'$1', '_'}, [], [{{{element, 1, '$_'}, new}}]}]) end)]),
    io:format("~p~n", [err(fun() -> ets:select_replace(T, [{{'$1', '$2'}, [], [{{'$1', '$2'}}, x]}]) end)]),
    io:format("~p~n", [err(fun() -> ets:select_replace(T, [{'_', [], ['$_']}]) end)]),
    io:format("~p~n", [err(fun() -> ets:select_replace(T, [{{'$1', '$2', '$3'}, [], [{{'$1', '$3'}}]}]) end)]),
    io:format("~p~n", [lists:sort(ets:tab2list(T))]),
    B = ets:new(b, [bag]),
    io:format("~p~n", [err(fun() -> ets:select_replace(B, [{{'$1', '$2'}, [], ['$_']}]) end)]),
    D = ets:new(d, [duplicate_bag]),
    ets:insert(D, [{k, 1}, {k, 2}]),
    io:format("~p~n", [err(fun() -> ets:select_replace(D, [{{'$1', '$2'}, [], [{{'$1', {'*', '$2', 3}}}]}]) end)]),
    io:format("~p~n", [ets:lookup(D, k)]),
    O = ets:new(o, [ordered_set]),
    ets:insert(O, [{I, I} || I <- lists:seq(1, 5)]),
    io:format("~p~n", [err(fun() -> ets:select_replace(O, [{{'$1', '$2'}, [{'>', '$1', 2}], [{{'$1', {'-', '$2'}}}]}]) end)]),
    io:format("~p~n", [ets:tab2list(O)]),
    io:format("~p~n", [err(fun() -> ets:select_replace(O, [{{1, '$2'}, [], [{{1.0, x}}]}]) end)]),
    io:format("~p~n", [ets:tab2list(O)]),
    io:format("~p~n", [err(fun() -> ets:select_replace(T, bad) end)]),
    io:format("~p~n", [ets:match_delete(T, {'_', 11})]),
    io:format("~p~n", [ets:test_ms({a, 1}, [{{'$1', '$2'}, [{'>', '$2', 0}], [{{'$2', '$1'}}]}])]),
    io:format("~p~n", [ets:test_ms({a, 0}, [{{'$1', '$2'}, [{'>', '$2', 0}], [{{'$2', '$1'}}]}])]),
    io:format("~p~n", [element(1, ets:test_ms({a, 0}, [{{'$1', '$2'}, [{foo, '$2'}], ['$1']}]))]),
    CMS = ets:match_spec_compile([{{'$1', '$2'}, [{is_integer, '$2'}], ['$1']}]),
    io:format("~p~n", [{ets:is_compiled_ms(CMS), ets:is_compiled_ms(x)}]),
    io:format("~p~n", [ets:match_spec_run([{a, 1}, {b, x}, {c, 3}, d], CMS)]),
    io:format("~p~n", [err(fun() -> ets:match_spec_compile(bad) end)]),
    io:format("~p~n", [ets:slot(T, 0)]),
    io:format("~p~n", [[length(ets:slot(T, I)) || I <- lists:seq(0, 255)] -- [0]]),
    io:format("~p~n", [ets:slot(T, 256)]),
    io:format("~p~n", [err(fun() -> ets:slot(T, 257) end)]),
    io:format("~p~n", [[ets:slot(O, I) || I <- lists:seq(0, 5)]]),
    io:format("~p~n", [err(fun() -> ets:slot(O, 6) end)]),
    io:format("~p~n", [ets:safe_fixtable(T, true)]),
    io:format("~p~n", [ets:safe_fixtable(T, false)]),
    io:format("~p~n", [err(fun() -> ets:safe_fixtable(nosuch, true) end)]),
    %% a failing call in a body gives 'EXIT' where its value would be
    E = ets:new(e, []),
    ets:insert(E, [{1, 10}, {2, x}]),
    io:format("~p~n", [lists:sort(ets:select(E, [{{'$1', '$2'}, [], [{{'$1', {'div', '$2', 0}}}]}]))]),
    io:format("~p~n", [lists:sort(ets:select(E, [{{'$1', '$2'}, [], [{'+', '$2', 1}]}]))]),
    io:format("~p~n", [lists:sort(ets:select(E, [{{'$1', '$2'}, [], [['$1', {'+', '$2', 1}]]}]))]),
    io:format("~p~n", [lists:sort(ets:select(E, [{{'$1', '$2'}, [], [{'+', {'div', '$2', 0}, 1}, ok]}]))]),
    io:format("~p~n", [lists:sort(ets:select(E, [{{'$1', '$2'}, [{'orelse', {'>', {'div', '$2', 0}, 1}, true}], ['$1']}]))]),
    %% init_table
    io:format("~p~n", [ets:init_table(E, init_fun([[{a, 1}, {b, 2}], [{c, 3}]]))]),
    io:format("~p~n", [lists:sort(ets:tab2list(E))]),
    %% repair_continuation gives back a continuation that still works
    {C1, Cont} = ets:select(T, [{'_', [], ['$_']}], 4),
    Cont2 = ets:repair_continuation(Cont, [{'_', [], ['$_']}]),
    io:format("~p~n", [length(C1) + length(element(1, ets:select(Cont2)))]),
    %% to_dets / from_dets
    Sx = pick_names(),
    {ok, dt} = dets:open_file(dt, [{file, file(dt, Sx)}]),
    ok = dets:insert(dt, {stale, 0}),
    io:format("~p~n", [ets:to_dets(O, dt)]),
    io:format("~p~n", [lists:sort(dets:match_object(dt, '_'))]),
    F = ets:new(f, []),
    ets:insert(F, {kept, 1}),
    io:format("~p~n", [ets:from_dets(F, dt)]),
    io:format("~p~n", [lists:sort(ets:tab2list(F))]),
    io:format("~p~n", [err(fun() -> ets:from_dets(F, nosuch) end)]),
    io:format("~p~n", [err(fun() -> ets:to_dets(nosuch, dt) end)]),
    ok = dets:close(dt),
    ok.

init_fun([]) -> fun(read) -> end_of_input; (close) -> ok end;
init_fun([C | Cs]) -> fun(read) -> {C, init_fun(Cs)}; (close) -> ok end.

file(Name, Sx) -> "/tmp/hs_ets_more_" ++ atom_to_list(Name) ++ Sx ++ ".dets".

%% OTP and heapscope write different dets formats: whichever finds the probe file in the
%% other's format uses a second set of names.
pick_names() ->
    case dets:open_file(probe, [{file, file(probe, "")}]) of
        {ok, probe} -> dets:close(probe), "";
        {error, _} -> "_2"
    end.
