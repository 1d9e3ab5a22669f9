%% Memory per idle process: erlang:memory(processes) before and after spawning 10 000
%% processes that wait in receive, divided by 10 000 (OTP 25: process_info(P, memory) of such a
%% process is 2640 bytes). "seconds" is the time to spawn them until all wait; the memory
%% figures are extra fields: bytes_per_process (the delta / N, on each side) and
%% process_memory (process_info of one of them). Prints {"name":"proc_idle_memory",...}.
-module(proc_idle_memory).
-export([main/0]).

-define(REPS, 5).
-define(N, 10000).

main() ->
    %% The memory figures come from the first run: OTP frees the memory of exited processes
    %% late (delayed deallocation), so a later run's "before" can still hold the previous
    %% run's processes. The pause between runs is not timed.
    Runs = [begin R = run(?N), timer:sleep(200), R end || _ <- lists:seq(1, ?REPS)],
    {_, Bytes, PM} = hd(Runs),
    T = benchlib:timing([U || {U, _, _} <- Runs], none),
    benchlib:report("proc_idle_memory", T, ?N, [{bytes_per_process, Bytes}, {process_memory, PM}]).

%% Returns {Micros, BytesPerProcess, process_info memory of one}.
run(N) ->
    Me = self(),
    garbage_collect(),
    M0 = erlang:memory(processes),
    T0 = erlang:monotonic_time(microsecond),
    Ps = [spawn(fun() -> Me ! up, receive stop -> ok end end) || _ <- lists:seq(1, N)],
    [receive up -> ok end || _ <- Ps],
    benchlib:wait_all(Ps),
    T1 = erlang:monotonic_time(microsecond),
    M1 = erlang:memory(processes),
    {memory, PM} = process_info(hd(Ps), memory),
    [begin R = monitor(process, P), P ! stop, R end || P <- Ps],
    [receive {'DOWN', _, process, _, _} -> ok end || _ <- Ps],
    {T1 - T0, (M1 - M0) div N, PM}.
