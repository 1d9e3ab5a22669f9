%% Ping-pong: two processes exchange 200 000 messages (100 000 round trips), one in flight at a
%% time. Prints {"name":"proc_pingpong","seconds":Median,...,"msgs_per_sec":R,"check":200000}
%% (scripts/bench.sh, docs/bench.md).
-module(proc_pingpong).
-export([main/0]).

-define(REPS, 5).
-define(ROUNDS, 100000).

main() ->
    _ = pingpong(1000),
    #{result := R} = T = benchlib:time_reps(?REPS, fun() -> pingpong(?ROUNDS) end),
    benchlib:report("proc_pingpong", T, R, [{msgs_per_sec, benchlib:per_sec(2 * ?ROUNDS, T)}]).

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
