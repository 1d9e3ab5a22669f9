%% Ping-pong: two processes exchange 200 000 messages (100 000 round trips), one in flight at a
%% time. Prints {"name":"proc_pingpong","seconds":Median,...,"msgs_per_sec":R,"check":200000}
%% (scripts/bench.sh, docs/bench.md).
-module(proc_pingpong).
-export([main/0]).

-define(REPS, 5).
-define(ROUNDS, 100000).

main() ->
    _ = pingpong(1000),
    {Med, _, R} = T = time_reps(fun() -> pingpong(?ROUNDS) end),
    report("proc_pingpong", T, R, [{msgs_per_sec, round(2 * ?ROUNDS / (Med / 1000000))}]).

%% Returns the number of messages received on both sides.
pingpong(N) ->
    Me = self(),
    Pong = spawn(fun() -> pong(Me, 0) end),
    ping(Pong, N),
    Pong ! {stop, self()},
    receive {pong_count, C} -> N + C end.

ping(_, 0) -> ok;
ping(Pong, N) ->
    Pong ! {ping, self()},
    receive pong -> ping(Pong, N - 1) end.

pong(Me, C) ->
    receive
        {ping, From} -> From ! pong, pong(Me, C + 1);
        {stop, From} -> From ! {pong_count, C}
    end.

%% Times F() ?REPS times; returns {MedianMicros, MinMicros, LastResult}.
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
