-module(proc_signals).
-export([main/0]).
%% Signal order and corner cases: a message and an exit signal from one sender keep their
%% order; kill and other reasons reach a busy (preempted) process; trap_exit switched off
%% leaves queued EXIT messages; demonitor/unlink before the end; links made by the other
%% side; monitors by name; exit(self(), kill) with and without trap_exit.

run(F) ->
    Me = self(),
    {P, R} = spawn_monitor(fun() -> Me ! {res, self(), F()} end),
    receive {res, P, X} -> receive {'DOWN', R, process, P, _} -> {returned, X} end;
            {'DOWN', R, process, P, Why} -> {exited, Why}
    after 5000 -> hung
    end.
flush() -> receive X -> [X | flush()] after 0 -> [] end.
spin(0) -> ok;
spin(N) -> spin(N - 1).
main() ->
    %% message then exit/2 from the same sender: message first
    io:format("~p~n", [run(fun() ->
        process_flag(trap_exit, true), Me = self(),
        spawn(fun() -> Me ! m1, exit(Me, r1), Me ! m2 end),
        receive after 100 -> ok end,
        [case X of {'EXIT', _, R} -> {'EXIT', R}; _ -> X end || X <- flush()] end)]),
    %% kill a busy (preempted) process
    io:format("~p~n", [run(fun() ->
        {P, R} = spawn_monitor(fun() -> spin(1000000000) end),
        receive after 20 -> ok end,
        exit(P, kill),
        receive {'DOWN', R, _, _, W} -> W after 3000 -> still_spinning end end)]),
    %% exit with a custom reason to a busy process
    io:format("~p~n", [run(fun() ->
        {P, R} = spawn_monitor(fun() -> spin(1000000000) end),
        receive after 20 -> ok end,
        exit(P, stop_it),
        receive {'DOWN', R, _, _, W} -> W after 3000 -> still_spinning end end)]),
    %% trap_exit turned off with 'EXIT' messages queued: they stay messages
    io:format("~p~n", [run(fun() ->
        process_flag(trap_exit, true),
        P = spawn_link(fun() -> exit(bye) end),
        receive after 50 -> ok end,
        process_flag(trap_exit, false),
        [case X of {'EXIT', P, R} -> {'EXIT', R}; _ -> X end || X <- flush()] end)]),
    %% demonitor then the target dies: nothing delivered
    io:format("~p~n", [run(fun() ->
        P = spawn(fun() -> receive go -> exit(x) end end),
        R = monitor(process, P), demonitor(R), P ! go,
        receive after 50 -> ok end, flush() end)]),
    %% unlink then the partner dies with a reason: survive
    io:format("~p~n", [run(fun() ->
        P = spawn_link(fun() -> receive go -> exit(x) end end),
        unlink(P), P ! go,
        receive after 50 -> ok end, alive end)]),
    %% the partner unlinks us and then dies: survive
    io:format("~p~n", [run(fun() ->
        Me = self(),
        P = spawn_link(fun() -> unlink(Me), exit(y) end),
        receive after 50 -> ok end, {alive, is_process_alive(P)} end)]),
    %% link from the other side then crash
    io:format("~p~n", [run(fun() ->
        Me = self(), process_flag(trap_exit, true),
        spawn(fun() -> link(Me), exit(z) end),
        receive {'EXIT', _, W} -> W after 1000 -> none end end)]),
    %% registered process killed; whereis after
    io:format("~p~n", [run(fun() ->
        P = spawn(fun() -> receive after infinity -> ok end end),
        register(victim, P), R = monitor(process, victim), exit(P, kill),
        receive {'DOWN', R, process, Item, W} -> {Item, W, whereis(victim)} end end)]),
    %% monitor a process by name, then the name is unregistered: the monitor stays on the pid
    io:format("~p~n", [run(fun() ->
        P = spawn(fun() -> receive go -> exit(x2) end end),
        register(mon_name, P), R = monitor(process, mon_name), unregister(mon_name), P ! go,
        receive {'DOWN', R, process, Item, W} -> {Item, W} end end)]),
    %% exit(P, normal) from a linked process that P traps: message with normal
    io:format("~p~n", [run(fun() ->
        process_flag(trap_exit, true), Me = self(),
        P = spawn_link(fun() -> receive go -> exit(Me, normal), receive stop -> ok end end end),
        P ! go,
        W = receive {'EXIT', P, Why} -> Why after 1000 -> none end,
        P ! stop,
        W end)]),
    %% exit(self(), kill), trapping or not
    io:format("~p~n", [run(fun() -> exit(self(), kill) end)]),
    io:format("~p~n", [run(fun() -> process_flag(trap_exit, true), exit(self(), kill) end)]),
    ok.
