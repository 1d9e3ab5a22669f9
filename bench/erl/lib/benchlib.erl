%% The harness every language benchmark (bench/erl/*.erl, docs/bench.md) shares: it times a
%% piece of work a number of times and prints the one JSON line scripts/bench.sh reads,
%%   {"name":N,"seconds":Median,"min_seconds":Min,"reps":Reps[,"extra":V...],"check":C}
%% It lives in bench/erl/lib, not bench/erl, so that bench.sh does not take it for a benchmark;
%% bench.sh gives that directory to both sides (`heapscope run -pa`, and erlc/erl on OTP).
%%
%% A timing is the map #{reps, median, min, result}: the times in microseconds
%% (erlang:monotonic_time(microsecond)), median the middle run ((Reps + 1) div 2-th fastest),
%% result what the last run returned. Only the work itself lies between the two clock reads:
%% setup, the pause after a run and the check are outside the timing.
-module(benchlib).
-export([time_reps/2, time_setup/3, time_self/2, timing/2, per_sec/2, report/3, report/4,
         par/2, wait_all/1, ets_filled/2]).

%% The three loops below allocate exactly what the per-program copies they replaced allocated
%% (one cons a run, nothing else), rather than sharing one loop through a wrapper fun: a
%% GC-heavy program (strbuild) is sensitive to where its collections fall, so the harness adds
%% no garbage of its own.

%% Times F() Reps times.
time_reps(Reps, F) -> reps(F, Reps, [], none).

reps(_, 0, Ts, R) -> timing(Ts, R);
reps(F, K, Ts, _) ->
    T0 = erlang:monotonic_time(microsecond),
    R = F(),
    T1 = erlang:monotonic_time(microsecond),
    reps(F, K - 1, [T1 - T0 | Ts], R).

%% Times F(Setup()) Reps times; Setup() runs before each run, untimed.
time_setup(Reps, Setup, F) -> setup_reps(Setup, F, Reps, [], none).

setup_reps(_, _, 0, Ts, R) -> timing(Ts, R);
setup_reps(Setup, F, K, Ts, _) ->
    Arg = Setup(),
    T0 = erlang:monotonic_time(microsecond),
    R = F(Arg),
    T1 = erlang:monotonic_time(microsecond),
    setup_reps(Setup, F, K - 1, [T1 - T0 | Ts], R).

%% Runs F() Reps times, where F times itself and returns {Micros, Result}: for work whose
%% preparation (a ring to spawn, a queue to fill) must lie outside the timing.
time_self(Reps, F) -> self_reps(F, Reps, [], none).

self_reps(_, 0, Ts, R) -> timing(Ts, R);
self_reps(F, K, Ts, _) ->
    {Micros, R} = F(),
    self_reps(F, K - 1, [Micros | Ts], R).

%% The timing of runs that took Micros (a list, any order) and ended with Result.
timing(Micros, Result) ->
    S = lists:sort(Micros),
    #{reps => length(S), median => lists:nth((length(S) + 1) div 2, S), min => hd(S),
      result => Result}.

%% Count units of work in the median run, per second.
per_sec(Count, #{median := Med}) -> round(Count / (Med / 1000000)).

%% Prints the result line; Extra is a list of {Key, Value} printed with ~w before "check".
report(Name, Timing, Check) -> report(Name, Timing, Check, []).

report(Name, #{reps := Reps, median := Med, min := Min}, Check, Extra) ->
    io:format("{\"name\":\"~s\",\"seconds\":~.6f,\"min_seconds\":~.6f,\"reps\":~w~s,\"check\":~w}~n",
              [Name, Med / 1000000, Min / 1000000, Reps,
               [io_lib:format(",\"~s\":~w", [K, V]) || {K, V} <- Extra], Check]).

%% Runs Work(I) for I in 1..P in P processes at once and waits for them all; returns the sum
%% of their results.
par(P, Work) ->
    Me = self(),
    Pids = [spawn_link(fun() -> Me ! {self(), Work(I)} end) || I <- lists:seq(1, P)],
    lists:sum([receive {Pid, R} -> R end || Pid <- Pids]).

%% Returns when every process of the list waits in its receive (process_info status waiting),
%% polling each in turn every millisecond.
wait_all([]) -> ok;
wait_all([P | Ps] = All) ->
    case process_info(P, status) of
        {status, waiting} -> wait_all(Ps);
        _ -> receive after 1 -> wait_all(All) end
    end.

%% The table the ETS lookup and select benchmarks (bench/erl/ets_*.erl) read: a new table of
%% Opts holding objects {I, {I, 2 * I}} for I in 1..N, inserted one at a time in key order.
%% Untimed setup only: the programs that time inserts keep their loops to themselves.
ets_filled(Opts, N) ->
    T = ets:new(bench, Opts),
    ets_fill(T, 1, N),
    T.

ets_fill(_T, I, N) when I > N -> ok;
ets_fill(T, I, N) ->
    true = ets:insert(T, {I, {I, I * 2}}),
    ets_fill(T, I + 1, N).
