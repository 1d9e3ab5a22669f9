%% ets:select over an ordered_set of one million {Int, {Int, Int}} objects, a quarter matching.
-module(ets_oset_select).
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

%% One select over the whole table: a guard on the key, the inner tuple returned.
main() ->
    T = filled(ordered_set),
    MS = [{{'$1', '$2'}, [{'=<', '$1', ?N div 4}], ['$2']}],
    Res = time_reps(fun() -> T end, fun(Tab) -> length(ets:select(Tab, MS)) end),
    {_, _, Len} = Res,
    report("ets_oset_select", Res, Len).

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
