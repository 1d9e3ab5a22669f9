%% A ring of 10 000 processes passes one token 100 times round (1 000 000 messages). Spawning
%% the ring is not timed. Prints {"name":"proc_ring","seconds":Median,...,"check":1000000}.
-module(proc_ring).
-export([main/0]).

-define(REPS, 5).
-define(SIZE, 10000).
-define(LAPS, 100).

main() ->
    _ = run(100, 10),
    %% Each run waits for its stop to come round the ring before the next one starts (untimed).
    #{result := R} = T = benchlib:time_self(?REPS, fun() -> Run = run(?SIZE, ?LAPS), receive stop -> ok end, Run end),
    benchlib:report("proc_ring", T, R, [{msgs_per_sec, benchlib:per_sec(?SIZE * ?LAPS, T)}]).

%% Builds the ring (self() closes it), then times the laps only: returns {Micros, Hops}.
run(Size, Laps) ->
    First = ring(Size - 1, self()),
    T0 = erlang:monotonic_time(microsecond),
    First ! {token, Size * Laps - 1},
    Hops = wait(First, Size * Laps - 1),
    T1 = erlang:monotonic_time(microsecond),
    First ! stop,
    {T1 - T0, Hops}.

%% Process k forwards to process k+1; the last forwards to Next (the main process).
ring(0, Next) -> Next;
ring(K, Next) -> ring(K - 1, spawn(fun() -> node_loop(Next) end)).

node_loop(Next) ->
    receive
        {token, 0} -> Next ! {token, 0}, node_loop(Next);
        {token, N} -> Next ! {token, N - 1}, node_loop(Next);
        stop -> Next ! stop
    end.

%% The main process is one node of the ring: it forwards until the count runs out.
wait(First, Total) ->
    receive
        {token, 0} -> Total + 1;
        {token, N} -> First ! {token, N - 1}, wait(First, Total)
    end.
