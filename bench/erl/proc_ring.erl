%% A ring of 10 000 processes passes one token 100 times round (1 000 000 messages). Spawning
%% the ring is not timed. Prints {"name":"proc_ring","seconds":Median,...,"check":1000000}.
-module(proc_ring).
-export([main/0]).

-define(REPS, 5).
-define(SIZE, 10000).
-define(LAPS, 100).

main() ->
    _ = run(100, 10),
    {Med, _, R} = T = time_reps(fun() -> run(?SIZE, ?LAPS) end),
    report("proc_ring", T, R, [{msgs_per_sec, round(?SIZE * ?LAPS / (Med / 1000000))}]).

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

time_reps(F) -> time_reps(F, ?REPS, [], none).
time_reps(_, 0, Ts, R) ->
    S = lists:sort(Ts),
    {lists:nth((length(S) + 1) div 2, S), hd(S), R};
time_reps(F, K, Ts, _) ->
    {Micros, R} = F(),
    receive stop -> ok end,
    time_reps(F, K - 1, [Micros | Ts], R).

report(Name, {Med, Min, _}, Check, Extra) ->
    io:format("{\"name\":\"~s\",\"seconds\":~.6f,\"min_seconds\":~.6f,\"reps\":~w~s,\"check\":~w}~n",
              [Name, Med / 1000000, Min / 1000000, ?REPS,
               [io_lib:format(",\"~s\":~w", [K, V]) || {K, V} <- Extra], Check]).
