-module(proc_exits).
-export([main/0, case_/1]).
%% Exit signals: trap_exit turns them into {'EXIT', From, Reason} messages; kill is untrappable
%% (the victim exits with killed); normal is ignored unless sent to oneself; exit/1 through
%% links. Every case runs in its own process so that the runner's own flags do not matter.

main() ->
    Cases = [trap_normal, trap_custom, trap_exit1_kill, trap_exit2_kill, exit2_normal_ignored,
             exit2_normal_trapped, exit2_custom, exit2_custom_trapped, exit2_kill,
             exit2_kill_trapped, exit_self_normal, exit_self_normal_trapped, exit_self_custom,
             exit_self_kill, linked_killed, linked_exit_kill, linked_custom, linked_normal,
             unlinked_survives, message_before_exit, exit2_dead, exit2_badarg,
             process_flag_returns, chain, exit_self_caught],
    [io:format("~p: ~p~n", [C, run(fun() -> ?MODULE:case_(C) end)]) || C <- Cases],
    ok.


%% Runs F in a fresh process; returns {returned, Value} or {exited, Reason}.
run(F) ->
    Me = self(),
    {P, R} = spawn_monitor(fun() -> Me ! {res, self(), F()} end),
    receive {res, P, X} -> receive {'DOWN', R, process, P, _} -> {returned, X} end;
            {'DOWN', R, process, P, Why} -> {exited, Why}
    after 5000 -> hung
    end.

%% Waits for P to end; its exit reason. Monitors are set (mon/1) before the exit is caused,
%% else a quick death would give noproc.
down(P, R) -> receive {'DOWN', R, process, P, Why} -> Why after 5000 -> hung end.
mon(P) -> monitor(process, P).

%% A process that waits for stop, linked or not.
idle() -> spawn(fun() -> receive stop -> ok end end).

sync(P) ->
    %% A round trip through P's signal queue: anything sent to P before is handled.
    erlang:process_info(P, status), ok.

case_(trap_normal) ->
    process_flag(trap_exit, true),
    P = spawn_link(fun() -> ok end),
    receive {'EXIT', P, R} -> R end;
case_(trap_custom) ->
    process_flag(trap_exit, true),
    P = spawn_link(fun() -> exit({my, reason, [1, 2]}) end),
    receive {'EXIT', P, R} -> R end;
case_(trap_exit1_kill) ->
    process_flag(trap_exit, true),
    P = spawn_link(fun() -> exit(kill) end),
    receive {'EXIT', P, R} -> R end;
case_(trap_exit2_kill) ->
    %% A trapping process killed with exit/2 dies with killed; its link partner sees killed.
    process_flag(trap_exit, true),
    Me = self(),
    P = spawn_link(fun() -> process_flag(trap_exit, true), Me ! ready, receive stop -> ok end end),
    receive ready -> ok end,
    exit(P, kill),
    receive {'EXIT', P, R} -> R end;
case_(exit2_normal_ignored) ->
    P = idle(),
    exit(P, normal),
    sync(P),
    A = is_process_alive(P),
    M = mon(P),
    P ! stop,
    {A, down(P, M)};
case_(exit2_normal_trapped) ->
    Me = self(),
    {P, M} = spawn_monitor(fun() ->
                  process_flag(trap_exit, true),
                  Me ! ready,
                  receive {'EXIT', From, R} -> Me ! {got, From =:= Me, R} end
              end),
    receive ready -> ok end,
    exit(P, normal),
    receive {got, FromMe, R} -> {FromMe, R, down(P, M)} end;
case_(exit2_custom) ->
    P = idle(),
    M = mon(P),
    exit(P, custom),
    down(P, M);
case_(exit2_custom_trapped) ->
    Me = self(),
    {P, M} = spawn_monitor(fun() ->
                  process_flag(trap_exit, true),
                  Me ! ready,
                  receive X -> Me ! {got, X} end
              end),
    receive ready -> ok end,
    exit(P, {custom, 1}),
    receive {got, {'EXIT', Me, R}} -> {R, down(P, M)} end;
case_(exit2_kill) ->
    P = idle(),
    M = mon(P),
    exit(P, kill),
    down(P, M);
case_(exit2_kill_trapped) ->
    Me = self(),
    P = spawn(fun() -> process_flag(trap_exit, true), Me ! ready, receive stop -> ok end end),
    receive ready -> ok end,
    M = mon(P),
    exit(P, kill),
    down(P, M);
case_(exit_self_normal) ->
    Me = self(),
    {P, M} = spawn_monitor(fun() -> exit(self(), normal), Me ! not_reached end),
    R = down(P, M),
    {R, receive not_reached -> reached after 50 -> ok end};
case_(exit_self_normal_trapped) ->
    process_flag(trap_exit, true),
    exit(self(), normal),
    receive {'EXIT', From, R} -> {From =:= self(), R} after 1000 -> none end;
case_(exit_self_custom) ->
    {P, M} = spawn_monitor(fun() -> exit(self(), custom), receive after infinity -> ok end end),
    down(P, M);
case_(exit_self_kill) ->
    {P, M} = spawn_monitor(fun() -> process_flag(trap_exit, true), exit(self(), kill), receive after infinity -> ok end end),
    down(P, M);
case_(linked_killed) ->
    %% A is linked to B; B is killed: A (not trapping) dies with killed.
    Me = self(),
    A = spawn(fun() ->
                  B = spawn_link(fun() -> receive stop -> ok end end),
                  Me ! {b, B},
                  receive stop -> ok end
              end),
    B = receive {b, X} -> X end,
    MA = mon(A),
    MB = mon(B),
    exit(B, kill),
    {down(B, MB), down(A, MA)};
case_(linked_exit_kill) ->
    %% B exits with exit(kill): the linked A receives reason kill (not untrappable).
    Me = self(),
    {A, MA} = spawn_monitor(fun() ->
                  process_flag(trap_exit, true),
                  B = spawn_link(fun() -> receive go -> exit(kill) end end),
                  B ! go,
                  receive {'EXIT', B, R} -> Me ! {trapped, R} end
              end),
    Trapped = receive {trapped, R} -> R end,
    {A2, MA2} = spawn_monitor(fun() ->
                   B = spawn_link(fun() -> receive go -> exit(kill) end end),
                   B ! go,
                   receive stop -> ok end
               end),
    {Trapped, down(A, MA), down(A2, MA2)};
case_(linked_custom) ->
    {A, M} = spawn_monitor(fun() ->
                  spawn_link(fun() -> exit(boom) end),
                  receive stop -> ok end
              end),
    down(A, M);
case_(linked_normal) ->
    Me = self(),
    A = spawn(fun() ->
                  B = spawn_link(fun() -> receive go -> ok end end),
                  Me ! {b, B},
                  receive stop -> ok end
              end),
    B = receive {b, X} -> X end,
    MB = mon(B),
    B ! go,
    down(B, MB),
    sync(A),
    Alive = is_process_alive(A),
    MA = mon(A),
    A ! stop,
    {Alive, down(A, MA)};
case_(unlinked_survives) ->
    Me = self(),
    A = spawn(fun() ->
                  B = spawn_link(fun() -> receive go -> exit(boom) end end),
                  unlink(B),
                  Me ! {b, B},
                  receive stop -> ok end
              end),
    B = receive {b, X} -> X end,
    MB = mon(B),
    B ! go,
    RB = down(B, MB),
    sync(A),
    Alive = is_process_alive(A),
    MA = mon(A),
    A ! stop,
    {RB, Alive, down(A, MA)};
case_(message_before_exit) ->
    %% A message sent before an exit arrives before the 'EXIT'.
    process_flag(trap_exit, true),
    Me = self(),
    P = spawn_link(fun() -> receive go -> Me ! one, Me ! two, exit(three) end end),
    M = mon(P),
    P ! go,
    down(P, M),
    [case X of {'EXIT', P, R} -> {'EXIT', pid, R}; _ -> X end || X <- flush()];
case_(exit2_dead) ->
    {P, R} = spawn_monitor(fun() -> ok end),
    receive {'DOWN', R, _, _, _} -> ok end,
    exit(P, kill);
case_(exit2_badarg) ->
    try exit(not_a_pid, kill) catch C:E -> {C, E} end;
case_(process_flag_returns) ->
    A = process_flag(trap_exit, true),
    B = process_flag(trap_exit, true),
    C = process_flag(trap_exit, false),
    D = process_flag(trap_exit, false),
    E = try process_flag(trap_exit, maybe) catch X:Y -> {X, Y} end,
    {A, B, C, D, E, process_info(self(), trap_exit)};
case_(chain) ->
    %% A chain of 5 linked processes; killing the last takes every one down.
    Me = self(),
    {Top, M} = spawn_monitor(fun() -> chain(5, Me) end),
    Last = receive {last, L} -> L end,
    exit(Last, crash),
    {down(Top, M), is_process_alive(Last)};
case_(exit_self_caught) ->
    %% exit(self(), R) is not an exception: catch cannot stop it.
    {P, M} = spawn_monitor(fun() -> catch exit(self(), caught_not), receive after infinity -> ok end end),
    down(P, M).

chain(0, Me) -> Me ! {last, self()}, receive stop -> ok end;
chain(N, Me) -> spawn_link(fun() -> chain(N - 1, Me) end), receive stop -> ok end.

flush() -> receive X -> [X | flush()] after 0 -> [] end.
