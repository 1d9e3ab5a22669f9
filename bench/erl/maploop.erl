%% Map-heavy loop: 200 000 updates of a map keyed by 1000 small integers (a large, hashed map),
%% each a maps:get then a := update, then a fold over the result.
-module(maploop).
-export([main/0]).

-define(REPS, 5).

-define(KEYS, 1000).
-define(N, 200000).

init() -> maps:from_list([{K, 0} || K <- lists:seq(0, ?KEYS - 1)]).

loop(0, M) -> M;
loop(K, M) ->
    Key = (K * 7919) rem ?KEYS,
    V = maps:get(Key, M),
    loop(K - 1, M#{Key := V + K}).

main() ->
    _ = loop(1000, init()),
    M0 = init(),
    {_, _, M} = T = time_reps(fun() -> loop(?N, M0) end),
    report("maploop", T, maps:fold(fun(K, V, A) -> A + K * V end, 0, M)).

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
