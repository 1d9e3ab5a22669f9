%% ets:lookup of each of one million keys of a public ordered_set of {Int, {Int, Int}} objects
%% (read_concurrency) from two processes at once, each looking up its own half of the keys.
-module(ets_oset_lookup_2proc).
-export([main/0]).

-define(REPS, 3).
-define(N, 1000000).
-define(P, 2).

obj(I) -> {I, {I, I * 2}}.

insert_loop(_T, I, N) when I > N -> ok;
insert_loop(T, I, N) ->
    true = ets:insert(T, obj(I)),
    insert_loop(T, I + 1, N).

lookup_loop(_T, I, N, _S, Acc) when I > N -> Acc;
lookup_loop(T, I, N, S, Acc) ->
    [{_, {_, V}}] = ets:lookup(T, I),
    lookup_loop(T, I + S, N, S, Acc + V).

main() ->
    T = ets:new(bench, [ordered_set, public, {read_concurrency, true}]),
    insert_loop(T, 1, ?N),
    Res = time_reps(fun() -> T end, fun(Tab) -> par(?P, fun(I) -> lookup_loop(Tab, I, ?N, ?P, 0) end) end),
    {_, _, Sum} = Res,
    report("ets_oset_lookup_2proc", Res, Sum).

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
