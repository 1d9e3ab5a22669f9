%% fib(30) by naive double recursion: function calls and small-integer arithmetic.
%% Prints {"name":"fib30","seconds":Median,...,"check":832040} (scripts/bench.sh, docs/bench.md).
-module(fib30).
-export([main/0]).

-define(REPS, 5).

fib(N) when N < 2 -> N;
fib(N) -> fib(N - 1) + fib(N - 2).

main() ->
    _ = fib(20),
    {_, _, R} = T = time_reps(fun() -> fib(30) end),
    report("fib30", T, R).

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

report(Name, {Med, Min, _}, Check) ->
    io:format("{\"name\":\"~s\",\"seconds\":~.6f,\"min_seconds\":~.6f,\"reps\":~w,\"check\":~w}~n",
              [Name, Med / 1000000, Min / 1000000, ?REPS, Check]).
