%% Spawn-and-exit: 100 000 processes, each spawned, sending one message to its parent and
%% exiting; the parent waits for every message. Prints {"name":"proc_spawn_exit",...,
%% "spawns_per_sec":R,"check":100000}.
-module(proc_spawn_exit).
-export([main/0]).

-define(REPS, 5).
-define(N, 100000).

main() ->
    _ = run(1000),
    #{result := R} = T = benchlib:time_reps(?REPS, fun() -> run(?N) end),
    benchlib:report("proc_spawn_exit", T, R, [{spawns_per_sec, benchlib:per_sec(?N, T)}]).

run(N) ->
    Me = self(),
    spawn_n(N, Me),
    collect(N, 0).

spawn_n(0, _) -> ok;
spawn_n(K, Me) ->
    spawn(fun() -> Me ! done end),
    spawn_n(K - 1, Me).

collect(0, Acc) -> Acc;
collect(K, Acc) -> receive done -> collect(K - 1, Acc + 1) end.
