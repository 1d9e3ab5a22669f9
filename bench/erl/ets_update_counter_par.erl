%% ets:update_counter from 8 processes at once: one million increments in all, each process
%% spreading its share over 64 counters of one public set (write_concurrency) that all
%% processes share.
-module(ets_update_counter_par).
-export([main/0]).

-define(REPS, 3).
-define(N, 1000000).
-define(P, 8).
-define(KEYS, 64).

count_loop(_T, 0, _K) -> 0;
count_loop(T, Left, K) ->
    ets:update_counter(T, K rem ?KEYS, {2, 1}, {K rem ?KEYS, 0}),
    count_loop(T, Left - 1, K + 7).

main() ->
    Res = time_reps(fun() -> ets:new(bench, [set, public, {write_concurrency, true}]) end,
                    fun(T) ->
                        par(?P, fun(I) -> count_loop(T, ?N div ?P, I) end),
                        Sum = lists:sum([C || {_, C} <- ets:tab2list(T)]),
                        ets:delete(T),
                        Sum
                    end),
    {_, _, Sum} = Res,
    report("ets_update_counter_par", Res, Sum).

%% Runs Work(I) for I in 1..P in P processes at once and waits for them all; returns the sum
%% of their results.
par(P, Work) ->
    Me = self(),
    Pids = [spawn_link(fun() -> Me ! {self(), Work(I)} end) || I <- lists:seq(1, P)],
    lists:sum([receive {Pid, R} -> R end || Pid <- Pids]).

%% Times F() ?REPS times, each after Setup() (untimed); returns {MedianMicros, MinMicros, LastResult}.
time_reps(Setup, F) -> time_reps(Setup, F, ?REPS, [], none).
time_reps(_, _, 0, Ts, R) ->
    S = lists:sort(Ts),
    {lists:nth((length(S) + 1) div 2, S), hd(S), R};
time_reps(Setup, F, K, Ts, _) ->
    Arg = Setup(),
    T0 = erlang:monotonic_time(microsecond),
    R = F(Arg),
    T1 = erlang:monotonic_time(microsecond),
    time_reps(Setup, F, K - 1, [T1 - T0 | Ts], R).

report(Name, {Med, Min, _}, Check) ->
    io:format("{\"name\":\"~s\",\"seconds\":~.6f,\"min_seconds\":~.6f,\"reps\":~w,\"check\":~w}~n",
              [Name, Med / 1000000, Min / 1000000, ?REPS, Check]).
