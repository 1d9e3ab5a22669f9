-module(audit_ets).
-export([main/0]).
%% ETS points of issue 5 that the other ets_* programs leave out: select_reverse/1,3 (with
%% its continuation, on ordered_set and set), match/1 and match_object/1 continuations,
%% update_counter/4 with every increment form and a default, lookup_element on ordered_set
%% and duplicate_bag, info/2 of every key listed, rename and give_away errors.

err(F) -> try F() catch C:R -> {C, R} end.

walk(_, '$end_of_table', Acc) -> lists:reverse(Acc);
walk(Next, {L, C}, Acc) -> walk(Next, Next(C), [L | Acc]).

main() ->
    O = ets:new(o, [ordered_set]),
    ets:insert(O, [{I, I * I, case I rem 3 of 0 -> fizz; _ -> no end} || I <- lists:seq(1, 25)]),
    MS = [{{'$1', '$2', fizz}, [], [{{'$1', '$2'}}]}],
    io:format("rev2 ~p~n", [ets:select_reverse(O, MS)]),
    io:format("rev3 ~p~n", [walk(fun ets:select_reverse/1, ets:select_reverse(O, MS, 3), [])]),
    io:format("rev3 all ~p~n", [walk(fun ets:select_reverse/1, ets:select_reverse(O, [{'_', [], ['$_']}], 10), [])]),
    io:format("rev3 none ~p~n", [ets:select_reverse(O, [{{nomatch, '_', '_'}, [], ['$_']}], 5)]),
    io:format("rev3 bad ~p~n", [err(fun() -> ets:select_reverse(O, MS, 0) end)]),
    io:format("rev2 bad ~p~n", [err(fun() -> ets:select_reverse(O, bad) end)]),
    io:format("rev end ~p~n", [ets:select_reverse('$end_of_table')]),
    io:format("rev guards ~p~n", [ets:select_reverse(O, [{{'$1', '_', '_'}, [{'andalso', {'>', '$1', 5}, {'<', '$1', 10}}], [{'*', '$1', 10}]}])]),
    S = ets:new(s, [set]),
    ets:insert(S, [{I, I rem 4} || I <- lists:seq(1, 30)]),
    SMS = [{{'$1', 0}, [], ['$1']}],
    io:format("set rev2 ~p~n", [lists:sort(ets:select_reverse(S, SMS))]),
    io:format("set rev3 ~p~n", [lists:sort(lists:append(walk(fun ets:select_reverse/1, ets:select_reverse(S, SMS, 2), [])))]),
    io:format("set sel3 ~p~n", [lists:sort(lists:append(walk(fun ets:select/1, ets:select(S, SMS, 3), [])))]),
    %% match/1 and match_object/1 continue where match/3 and match_object/3 stopped
    io:format("match3 ~p~n", [walk(fun ets:match/1, ets:match(O, {'$1', '_', fizz}, 3), [])]),
    io:format("match_object3 ~p~n", [walk(fun ets:match_object/1, ets:match_object(O, {'_', '_', fizz}, 4), [])]),
    io:format("match end ~p ~p~n", [ets:match('$end_of_table'), ets:match_object('$end_of_table')]),
    io:format("match3 none ~p~n", [ets:match(O, {nomatch, '_', '_'}, 3)]),
    io:format("match_object set ~p~n", [lists:sort(lists:append(walk(fun ets:match_object/1, ets:match_object(S, {'_', 3}, 2), [])))]),
    %% update_counter/4: every form with a default object
    C = ets:new(c, [set, public]),
    io:format("uc4 incr ~p ~p~n", [ets:update_counter(C, a, 3, {a, 10}), ets:lookup(C, a)]),
    io:format("uc4 pos ~p ~p~n", [ets:update_counter(C, b, {3, 2}, {b, x, 5}), ets:lookup(C, b)]),
    io:format("uc4 thr ~p ~p~n", [ets:update_counter(C, c, {2, 10, 12, 0}, {c, 5}), ets:lookup(C, c)]),
    io:format("uc4 thr neg ~p ~p~n", [ets:update_counter(C, d, {2, -10, 0, 100}, {d, 5}), ets:lookup(C, d)]),
    io:format("uc4 list ~p ~p~n", [ets:update_counter(C, e, [{2, 1}, {3, -1}, {2, 5, 5, 1}], {e, 0, 0}), ets:lookup(C, e)]),
    io:format("uc4 list empty ~p ~p~n", [ets:update_counter(C, f, [], {f, 0}), ets:lookup(C, f)]),
    io:format("uc4 existing ~p ~p~n", [ets:update_counter(C, a, 1, {a, 1000}), ets:lookup(C, a)]),
    io:format("uc4 bad default ~p~n", [err(fun() -> ets:update_counter(C, g, 1, {g, notanumber}) end)]),
    io:format("uc4 default key differs ~p ~p~n", [ets:update_counter(C, h, 1, {other, 7}), ets:lookup(C, h)]),
    io:format("uc4 short default ~p~n", [err(fun() -> ets:update_counter(C, i, {3, 1}, {i, 1}) end)]),
    io:format("uc4 not tuple ~p~n", [err(fun() -> ets:update_counter(C, j, 1, j) end)]),
    io:format("uc3 list ~p~n", [ets:update_counter(C, e, [{2, 1}, {2, 1}, {3, 2}])]),
    io:format("uc3 big ~p~n", [ets:update_counter(C, a, 1 bsl 62)]),
    io:format("uc3 wrap ~p~n", [ets:update_counter(C, a, {2, 1, 0, -5})]),
    io:format("uc3 float ~p~n", [err(fun() -> ets:update_counter(C, a, 1.5) end)]),
    O2 = ets:new(o2, [ordered_set, public]),
    io:format("uc4 oset ~p ~p~n", [ets:update_counter(O2, 1, {2, 5}, {1, 0}), ets:update_counter(O2, 1.0, 1)]),
    %% lookup_element on other table types
    io:format("le oset ~p ~p~n", [ets:lookup_element(O, 4, 3), ets:lookup_element(O, 4.0, 2)]),
    io:format("le oset bad ~p~n", [err(fun() -> ets:lookup_element(O, 100, 2) end)]),
    D = ets:new(d, [duplicate_bag]),
    ets:insert(D, [{k, 1}, {k, 1}, {k, 2}]),
    io:format("le dbag ~p~n", [ets:lookup_element(D, k, 2)]),
    io:format("le dbag key ~p~n", [ets:lookup_element(D, k, 1)]),
    io:format("le dbag pos ~p~n", [err(fun() -> ets:lookup_element(D, k, 3) end)]),
    io:format("le pos0 ~p~n", [err(fun() -> ets:lookup_element(D, k, 0) end)]),
    %% info/2, every key the issue lists, on a named public table
    N = ets:new(audit_named, [named_table, public, ordered_set, {keypos, 2}]),
    ets:insert(N, [{x, 1}, {y, 2}]),
    io:format("info ~p~n", [[{K, ets:info(N, K)} || K <- [size, name, type, protection, keypos, heir, named_table, read_concurrency, write_concurrency]]]),
    io:format("info owner ~p id ~p memory ~p~n", [ets:info(N, owner) =:= self(), is_reference(ets:info(N, id)), is_integer(ets:info(N, memory))]),
    %% rename: the new name must be free, and an unnamed table can be renamed too
    N2 = ets:new(audit_other, [named_table]),
    io:format("rename taken ~p~n", [err(fun() -> ets:rename(audit_named, audit_other) end)]),
    io:format("rename bad ~p~n", [err(fun() -> ets:rename(audit_named, "str") end)]),
    io:format("rename unnamed ~p ~p~n", [ets:rename(S, audit_s) =:= audit_s, ets:info(S, name)]),
    io:format("rename nosuch ~p~n", [err(fun() -> ets:rename(nosuch_tab, x) end)]),
    io:format("renamed ~p ~p~n", [ets:rename(audit_other, audit_other2), ets:info(N2, name)]),
    %% give_away errors: to self, to a dead process, by a non-owner, a non-pid
    G = ets:new(g, []),
    io:format("give self ~p~n", [err(fun() -> ets:give_away(G, self(), x) end)]),
    Dead = spawn(fun() -> ok end),
    R = monitor(process, Dead),
    receive {'DOWN', R, process, Dead, _} -> ok end,
    io:format("give dead ~p~n", [err(fun() -> ets:give_away(G, Dead, x) end)]),
    io:format("give notpid ~p~n", [err(fun() -> ets:give_away(G, notapid, x) end)]),
    ok.
