%% lists:sort/1 of 100 000 integers from a fixed LCG, so both runtimes sort the same data.
%% The check is a position-weighted sum of the sorted list (mod 2^32), which a wrong order changes.
-module(sort100k).
-export([main/0]).

-define(REPS, 5).

-define(N, 100000).

%% Numerical Recipes LCG, kept below 2^32 so every value stays a small integer on both sides.
gen(0, _, Acc) -> Acc;
gen(K, X, Acc) ->
    X1 = (1664525 * X + 1013904223) band 16#FFFFFFFF,
    gen(K - 1, X1, [X1 bsr 8 | Acc]).

check([], _, S) -> S;
check([H | T], I, S) -> check(T, I + 1, (S + H * I) band 16#FFFFFFFF).

main() ->
    L = gen(?N, 12345, []),
    _ = lists:sort(gen(1000, 1, [])),
    {_, _, S} = T = time_reps(fun() -> lists:sort(L) end),
    report("sort100k", T, check(S, 1, 0)).

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
