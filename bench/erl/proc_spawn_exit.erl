%% Spawn-and-exit: 100 000 processes, each spawned, sending one message to its parent and
%% exiting; the parent waits for every message. Prints {"name":"proc_spawn_exit",...,
%% "spawns_per_sec":R,"check":100000}.
-module(proc_spawn_exit).
-export([main/0]).

-define(REPS, 5).
-define(N, 100000).

main() ->
    _ = run(1000),
    {Med, _, R} = T = time_reps(fun() -> run(?N) end),
    report("proc_spawn_exit", T, R, [{spawns_per_sec, round(?N / (Med / 1000000))}]).

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
