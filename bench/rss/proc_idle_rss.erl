%% Resident memory per idle process, read from outside (scripts/rss_idle.py reads the OS
%% process's VmRSS when this program prints "base" and again when it prints "ready"): 100 000
%% processes that wait in receive. Both sides hold the same list of pids (2 words per process)
%% in the parent. The program waits after each line so that the reader has time to look.
-module(proc_idle_rss).
-export([main/0]).

-define(N, 100000).

main() ->
    ok = benchlib:wait_all([]), % loads benchlib before the first reading
    garbage_collect(),
    io:format("base~n"),
    timer:sleep(300),
    Ps = [spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, ?N)],
    benchlib:wait_all(Ps),
    io:format("ready ~b~n", [?N]),
    timer:sleep(300),
    [P ! stop || P <- Ps],
    ok.
