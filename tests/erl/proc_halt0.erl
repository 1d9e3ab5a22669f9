-module(proc_halt0).
-export([main/0]).
%% erlang:halt/0 with other processes running: output printed before it is flushed, nothing
%% after it runs, and the status is 0 (proc_halt0.status).

main() ->
    [spawn(fun() -> receive after infinity -> ok end end) || _ <- lists:seq(1, 10)],
    spawn(fun() -> spin() end),
    io:format("before halt~n"),
    catch erlang:halt(),
    io:format("not reached~n").

spin() -> spin().
