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
    {Med, _, R} = T = time_reps(fun() -> run(?N) end),
    report("proc_million_spawn", T, R, [{spawns_per_sec, round(?N / (Med / 1000000))}]).

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

time_reps(F) -> time_reps(F, ?REPS, [], none).
time_reps(_, 0, Ts, R) ->
    S = lists:sort(Ts),
    {lists:nth((length(S) + 1) div 2, S), hd(S), R};
time_reps(F, K, Ts, _) ->
    T0 = erlang:monotonic_time(microsecond),
    R = F(),
    T1 = erlang:monotonic_time(microsecond),
    time_reps(F, K - 1, [T1 - T0 | Ts], R).

report(Name, {Med, Min, _}, Check, Extra) ->
    io:format("{\"name\":\"~s\",\"seconds\":~.6f,\"min_seconds\":~.6f,\"reps\":~w~s,\"check\":~w}~n",
              [Name, Med / 1000000, Min / 1000000, ?REPS,
               [io_lib:format(",\"~s\":~w", [K, V]) || {K, V} <- Extra], Check]).
