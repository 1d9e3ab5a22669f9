%% String building: 200 000 rounds of integer_to_list, ++ onto a short prefix, and an iolist
%% accumulated then flattened once. Exercises list allocation and the copying of ++.
-module(strbuild).
-export([main/0]).

-define(REPS, 5).

-define(N, 200000).

build(0, Acc) -> Acc;
build(K, Acc) -> build(K - 1, [["item", integer_to_list(K) ++ ",", $\s] | Acc]).

main() ->
    _ = lists:flatten(build(1000, [])),
    {_, _, S} = T = time_reps(fun() -> lists:flatten(build(?N, [])) end),
    report("strbuild", T, length(S)).

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
