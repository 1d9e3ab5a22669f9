%% ets:lookup of each of one million keys of a set of {Int, {Int, Int}} objects.
-module(ets_set_lookup).
-export([main/0]).

-define(REPS, 3).
-define(N, 1000000).

obj(I) -> {I, {I, I * 2}}.

insert_loop(_T, I, N) when I > N -> ok;
insert_loop(T, I, N) ->
    true = ets:insert(T, obj(I)),
    insert_loop(T, I + 1, N).

filled(Type) ->
    T = ets:new(bench, [Type, public]),
    insert_loop(T, 1, ?N),
    T.

lookup_loop(_T, I, N, Acc) when I > N -> Acc;
lookup_loop(T, I, N, Acc) ->
    [{_, {_, V}}] = ets:lookup(T, I),
    lookup_loop(T, I + 1, N, Acc + V).

main() ->
    T = filled(set),
    Res = time_reps(fun() -> T end, fun(Tab) -> lookup_loop(Tab, 1, ?N, 0) end),
    {_, _, Sum} = Res,
    report("ets_set_lookup", Res, Sum).

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
