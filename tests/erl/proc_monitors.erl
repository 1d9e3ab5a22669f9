-module(proc_monitors).
-export([main/0, case_/1]).
%% Monitors: DOWN for a dead process (noproc), registered names ({Name, Node} in the DOWN),
%% demonitor with flush and info, several monitors, spawn_monitor, process_info of both ends.

main() ->
    Cases = [dead_pid, dead_name, name_down, name_node_down, two_monitors, demonitor_plain,
             demonitor_flush, demonitor_info_active, demonitor_info_fired, demonitor_flush_info,
             demonitor_unknown, monitor_self, monitor_badarg, spawn_monitor_reasons,
             info_both_ends, name_in_info, down_after_message, demonitor_after_exit],
    [io:format("~p: ~p~n", [C, run(fun() -> ?MODULE:case_(C) end)]) || C <- Cases],
    ok.

run(F) ->
    Me = self(),
    {P, R} = spawn_monitor(fun() -> Me ! {res, self(), F()} end),
    receive {res, P, X} -> receive {'DOWN', R, process, P, _} -> {returned, X} end;
            {'DOWN', R, process, P, Why} -> {exited, Why}
    after 5000 -> hung
    end.

dead() ->
    {P, R} = spawn_monitor(fun() -> ok end),
    receive {'DOWN', R, process, P, _} -> P end.

idle() -> spawn(fun() -> receive stop -> ok; {exit, R} -> exit(R) end end).

flush() -> receive X -> [X | flush()] after 0 -> [] end.

case_(dead_pid) ->
    P = dead(),
    R = monitor(process, P),
    receive {'DOWN', R, process, P2, Why} -> {P2 =:= P, Why} after 1000 -> none end;
case_(dead_name) ->
    R = monitor(process, no_such_name),
    receive {'DOWN', R, process, Item, Why} -> {Item, Why} after 1000 -> none end;
case_(name_down) ->
    P = idle(),
    register(mon_target, P),
    R = monitor(process, mon_target),
    P ! {exit, bye},
    receive {'DOWN', R, process, Item, Why} -> {Item, Why} after 1000 -> none end;
case_(name_node_down) ->
    P = idle(),
    register(mon_target2, P),
    R = monitor(process, {mon_target2, node()}),
    P ! {exit, bye2},
    receive {'DOWN', R, process, Item, Why} -> {Item, Why} after 1000 -> none end;
case_(two_monitors) ->
    P = idle(),
    R1 = monitor(process, P),
    R2 = monitor(process, P),
    P ! {exit, twice},
    A = receive {'DOWN', R1, process, P, W1} -> W1 end,
    B = receive {'DOWN', R2, process, P, W2} -> W2 end,
    {R1 =:= R2, A, B, flush()};
case_(demonitor_plain) ->
    P = idle(),
    R = monitor(process, P),
    T = demonitor(R),
    P ! {exit, x},
    receive after 50 -> ok end,
    {T, flush()};
case_(demonitor_flush) ->
    P = idle(),
    R = monitor(process, P),
    Ref2 = monitor(process, P),
    P ! {exit, x},
    receive {'DOWN', Ref2, _, _, _} -> ok end,
    %% The DOWN of R is queued now; flush removes it.
    T = demonitor(R, [flush]),
    {T, flush()};
case_(demonitor_info_active) ->
    P = idle(),
    R = monitor(process, P),
    T = demonitor(R, [info]),
    P ! stop,
    T;
case_(demonitor_info_fired) ->
    P = idle(),
    R = monitor(process, P),
    Ref2 = monitor(process, P),
    P ! {exit, y},
    receive {'DOWN', Ref2, _, _, _} -> ok end,
    T = demonitor(R, [info]),
    {T, [element(5, D) || D <- flush()]};
case_(demonitor_flush_info) ->
    P = idle(),
    R = monitor(process, P),
    Ref2 = monitor(process, P),
    P ! {exit, z},
    receive {'DOWN', Ref2, _, _, _} -> ok end,
    T = demonitor(R, [flush, info]),
    {T, flush()};
case_(demonitor_unknown) ->
    R = make_ref(),
    {demonitor(R), demonitor(R, [flush]), demonitor(R, [info]),
     try demonitor(foo) catch C:E -> {C, E} end,
     try demonitor(R, [bad_opt]) catch C2:E2 -> {C2, E2} end};
case_(monitor_self) ->
    R = monitor(process, self()),
    {is_reference(R), demonitor(R, [info]), flush()};
case_(monitor_badarg) ->
    [try monitor(T, I) catch C:E -> {C, E} end || {T, I} <- [{process, 1}, {foo, self()}, {process, "str"}]];
case_(spawn_monitor_reasons) ->
    L = [fun() -> ok end, fun() -> exit(custom) end, fun() -> exit(kill) end,
         fun() -> exit({a, [b]}) end, fun() -> exit(normal) end, fun() -> throw_exit() end],
    [begin {P, R} = spawn_monitor(F), receive {'DOWN', R, process, P, W} -> W end end || F <- L];
case_(info_both_ends) ->
    P = idle(),
    R = monitor(process, P),
    Me = self(),
    {monitors, [{process, P1}]} = process_info(self(), monitors),
    {monitored_by, MB} = process_info(P, monitored_by),
    demonitor(R),
    {monitored_by, MB2} = process_info(P, monitored_by),
    {monitors, M2} = process_info(self(), monitors),
    P ! stop,
    {P1 =:= P, MB =:= [Me], MB2, M2};
case_(name_in_info) ->
    P = idle(),
    register(named_target, P),
    R = monitor(process, named_target),
    I = process_info(self(), monitors),
    demonitor(R),
    P ! stop,
    I;
case_(down_after_message) ->
    %% A message sent before the exit is received before the DOWN.
    Me = self(),
    P = spawn(fun() -> receive go -> Me ! one, Me ! two, exit(three) end end),
    R = monitor(process, P),
    P ! go,
    receive {'DOWN', R, process, P, _} -> ok end,
    [case X of {'DOWN', R, process, P, W} -> {'DOWN', W}; _ -> X end || X <- flush()] ++ [down];
case_(demonitor_after_exit) ->
    P = idle(),
    R = monitor(process, P),
    P ! {exit, gone},
    receive after 50 -> ok end,
    %% The DOWN is in the queue: demonitor without flush leaves it.
    T = demonitor(R),
    {T, [element(5, D) || D <- flush()]}.

throw_exit() -> exit(thrown).
