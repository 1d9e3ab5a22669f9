%% Ping-pong with 100 000 timers pending (erlang:send_after far in the future) and 1000
%% processes waiting in receive ... after: the timers must not slow the schedulers (issue 4).
%% Compare with proc_pingpong. Prints {"name":"proc_pingpong_timers",...,"check":200000}.
-module(proc_pingpong_timers).
-export([main/0]).

-define(REPS, 5).
-define(ROUNDS, 100000).

main() ->
    Refs = [erlang:send_after(600000 + I, self(), tick) || I <- lists:seq(1, 100000)],
    Sleepers = [spawn(fun() -> receive after 600000 -> ok end end) || _ <- lists:seq(1, 1000)],
    _ = pingpong(1000),
    #{result := R} = T = benchlib:time_reps(?REPS, fun() -> pingpong(?ROUNDS) end),
    [erlang:cancel_timer(Ref) || Ref <- Refs],
    [exit(S, kill) || S <- Sleepers],
    benchlib:report("proc_pingpong_timers", T, R, [{msgs_per_sec, benchlib:per_sec(2 * ?ROUNDS, T)}]).

%% Returns the number of messages received on both sides.
pingpong(N) ->
    Me = self(),
    Pong = spawn(fun() -> pong(Me, 0) end),
    ping(Pong, N),
    Pong ! {stop, self()},
    receive {pong_count, C} -> N + C end.

ping(_, 0) -> ok;
ping(Pong, N) ->
    Pong ! {ping, self()},
    receive pong -> ping(Pong, N - 1) end.

pong(Me, C) ->
    receive
        {ping, From} -> From ! pong, pong(Me, C + 1);
        {stop, From} -> From ! {pong_count, C}
    end.
