-module(proc_memory).
-export([main/0, case_/1]).
%% erlang:memory/0,1 keys and relations, statistics(garbage_collection | reductions |
%% run_queue) shapes, garbage_collect/0,1,2.

main() ->
    Cases = [memory_keys, memory_relations, memory_list, memory_badarg, processes_grow,
             binary_grows, ets_grows, stat_gc, stat_reductions, stat_run_queue,
             gc_other, gc_other_shrinks, gc_dead, gc_self, gc_opts, gc_async, gc_badarg],
    [io:format("~p: ~p~n", [C, run(fun() -> ?MODULE:case_(C) end)]) || C <- Cases],
    ok.

run(F) ->
    Me = self(),
    {P, R} = spawn_monitor(fun() -> Me ! {res, self(), F()} end),
    receive {res, P, X} -> receive {'DOWN', R, process, P, _} -> {returned, X} end;
            {'DOWN', R, process, P, Why} -> {exited, Why}
    %% Generous: a case runs far slower under GC stress (tests/gcstress), and a wait that
    %% runs out there reports a hang that is not one.
    after 120000 -> hung
    end.

err(F) -> try F() catch C:E -> {C, E} end.

stop(P) ->
    R = monitor(process, P),
    P ! stop,
    receive {'DOWN', R, process, P, W} -> W end.

wait_blocked(P) ->
    case process_info(P, status) of
        {status, waiting} -> ok;
        _ -> receive after 1 -> wait_blocked(P) end
    end.

idle() ->
    P = spawn(fun() -> receive stop -> ok end end),
    wait_blocked(P),
    P.

case_(memory_keys) ->
    %% binary and ets may be 0 in a runtime without system tables; code never is.
    [{K, is_integer(V) andalso (V > 0 orelse K =:= binary orelse K =:= ets)}
     || {K, V} <- erlang:memory()];
case_(memory_relations) ->
    M = erlang:memory(),
    G = fun(K) -> {K, V} = lists:keyfind(K, 1, M), V end,
    [{total_is_sum, G(total) =:= G(processes) + G(system)},
     {used_le_processes, G(processes_used) =< G(processes)},
     {atom_used_le_atom, G(atom_used) =< G(atom)},
     {system_holds_parts, G(system) >= G(atom) + G(binary) + G(code) + G(ets)}];
case_(memory_list) ->
    L = erlang:memory([ets, total, processes]),
    [{K, is_integer(V)} || {K, V} <- L];
case_(memory_badarg) ->
    [err(fun() -> erlang:memory(no_such_type) end),
     err(fun() -> erlang:memory([total, no_such_type]) end),
     err(fun() -> erlang:memory("total") end)];
case_(processes_grow) ->
    N = 1000,
    M0 = erlang:memory(processes),
    Ps = [idle() || _ <- lists:seq(1, N)],
    M1 = erlang:memory(processes),
    [stop(P) || P <- Ps],
    PerProc = (M1 - M0) / N,
    %% At least the 233-word heap of each; no more than a few kilobytes.
    {PerProc >= 233 * 8, PerProc < 4000};
case_(binary_grows) ->
    B0 = erlang:memory(binary),
    Bin = binary:copy(<<1>>, 1000000),
    B1 = erlang:memory(binary),
    Delta = B1 - B0,
    %% Other binaries may be freed meanwhile (OTP's boot leaves some): a margin below.
    {Delta >= 900000, Delta < 1100000, byte_size(Bin)};
case_(ets_grows) ->
    E0 = erlang:memory(ets),
    T = ets:new(t, [set]),
    [ets:insert(T, {I, lists:seq(1, 10)}) || I <- lists:seq(1, 1000)],
    E1 = erlang:memory(ets),
    ets:delete(T),
    %% 1000 objects of 25 words each, at least.
    E1 - E0 >= 1000 * 25 * 8;
case_(stat_gc) ->
    {N0, W0, Z} = statistics(garbage_collection),
    _ = [lists:seq(1, 1000) || _ <- lists:seq(1, 100)],
    garbage_collect(),
    {N1, W1, _} = statistics(garbage_collection),
    {is_integer(N0), is_integer(W0), Z, N1 > N0, W1 >= W0};
case_(stat_reductions) ->
    {T0, _} = statistics(reductions),
    _ = lists:sum(lists:seq(1, 10000)),
    {T1, Since} = statistics(reductions),
    {is_integer(T0), T1 > T0, is_integer(Since), Since >= 0};
case_(stat_run_queue) ->
    R = statistics(run_queue),
    {is_integer(R), R >= 0, err(fun() -> statistics(no_such_key) end)};
case_(gc_other) ->
    P = idle(),
    R = garbage_collect(P),
    {garbage_collection, G} = process_info(P, garbage_collection),
    stop(P),
    {R, lists:keyfind(minor_gcs, 1, G)};
case_(gc_other_shrinks) ->
    %% A process that built a large list, dropped it and waits: a GC gives the heap back.
    Me = self(),
    P = spawn(fun() ->
                  L = lists:seq(1, 100000),
                  Me ! {len, length(L)},
                  receive stop -> ok end
              end),
    receive {len, _} -> ok end,
    wait_blocked(P),
    {total_heap_size, T0} = process_info(P, total_heap_size),
    true = garbage_collect(P),
    {total_heap_size, T1} = process_info(P, total_heap_size),
    stop(P),
    {T0 > 100000, T1 < T0, T1};
case_(gc_dead) ->
    {P, R} = spawn_monitor(fun() -> ok end),
    receive {'DOWN', R, _, _, _} -> ok end,
    {garbage_collect(P), garbage_collect(P, [{type, minor}])};
case_(gc_self) ->
    _ = [lists:seq(1, 100) || _ <- lists:seq(1, 100)],
    A = garbage_collect(),
    B = garbage_collect(self()),
    {heap_size, H} = process_info(self(), heap_size),
    {A, B, is_integer(H)};
case_(gc_opts) ->
    P = idle(),
    R = [garbage_collect(P, [{type, minor}]), garbage_collect(P, [{type, major}]),
         garbage_collect(P, [])],
    stop(P),
    R;
case_(gc_async) ->
    P = idle(),
    A = garbage_collect(P, [{async, my_req}]),
    M = receive {garbage_collect, my_req, Res} -> Res after 1000 -> none end,
    stop(P),
    {A, M};
case_(gc_badarg) ->
    [err(fun() -> garbage_collect(not_a_pid) end),
     err(fun() -> garbage_collect(self(), [{type, huge}]) end),
     err(fun() -> garbage_collect(self(), bad) end),
     err(fun() -> garbage_collect(self(), [bad]) end)].
