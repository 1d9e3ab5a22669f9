%% Selective receive over a long queue: 10 000 non-matching messages wait in the mailbox;
%% 1000 times a matching message is sent behind them and received, each receive scanning the
%% 10 000 (10 000 000 messages visited). Prints {"name":"proc_selective",...,"check":C}.
-module(proc_selective).
-export([main/0]).

-define(REPS, 5).
-define(QUEUE, 10000).
-define(ROUNDS, 1000).

main() ->
    _ = run(100, 10),
    T = benchlib:time_self(?REPS, fun() -> run(?QUEUE, ?ROUNDS) end),
    #{result := R} = T,
    benchlib:report("proc_selective", T, R, []).

%% The queue is filled before timing; returns {Micros, Check}.
run(Queue, Rounds) ->
    [self() ! {noise, I} || I <- lists:seq(1, Queue)],
    T0 = erlang:monotonic_time(microsecond),
    Sum = rounds(Rounds, 0),
    T1 = erlang:monotonic_time(microsecond),
    Left = flush(0),
    {T1 - T0, Sum * 100000 + Left}.

rounds(0, Acc) -> Acc;
rounds(K, Acc) ->
    self() ! {match, K},
    receive {match, K} -> rounds(K - 1, Acc + K) end.

flush(N) -> receive {noise, _} -> flush(N + 1) after 0 -> N end.
