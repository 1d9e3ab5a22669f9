%% ets:insert of one million {Int, {Int, Int}} objects into a public set (write_concurrency)
%% from two processes at once, each inserting its own half of the keys.
-module(ets_set_insert_2proc).
-export([main/0]).

-define(REPS, 3).
-define(N, 1000000).
-define(P, 2).

obj(I) -> {I, {I, I * 2}}.

insert_loop(_T, I, N, _S) when I > N -> 0;
insert_loop(T, I, N, S) ->
    true = ets:insert(T, obj(I)),
    insert_loop(T, I + S, N, S).

main() ->
    Res = time_reps(fun() -> catch ets:delete(bench), ets:new(bench, [set, public, named_table, {write_concurrency, true}]) end,
                    fun(T) -> par(?P, fun(I) -> insert_loop(T, I, ?N, ?P) end), ets:info(T, size) end),
    {_, _, Size} = Res,
    report("ets_set_insert_2proc", Res, Size).

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
