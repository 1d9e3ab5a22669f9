%% One million spawns, one after the other, of processes that exit at once (they send
%% nothing). Every 10 000 spawns the spawner waits for one monitored child to end, so the
%% number of lingering processes stays bounded (OTP's default limit is 262 144). Prints
%% {"name":"proc_million_spawn",...,"spawns_per_sec":R,"check":1000000}.
-module(proc_million_spawn).
-export([main/0]).

-define(REPS, 3).
-define(N, 1000000).
-define(BATCH, 10000).

main() ->
    _ = run(?BATCH),
    #{result := R} = T = benchlib:time_reps(?REPS, fun() -> run(?N) end),
    benchlib:report("proc_million_spawn", T, R, [{spawns_per_sec, benchlib:per_sec(?N, T)}]).

run(N) -> batches(N div ?BATCH, 0).

batches(0, Acc) -> Acc;
batches(B, Acc) ->
    spawn_n(?BATCH - 1),
    {P, R} = spawn_monitor(fun() -> ok end),
    receive {'DOWN', R, process, P, normal} -> ok end,
    batches(B - 1, Acc + ?BATCH).

spawn_n(0) -> ok;
spawn_n(K) ->
    spawn(fun() -> ok end),
    spawn_n(K - 1).
