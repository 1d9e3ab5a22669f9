-module(proc_halt3).
-export([main/0]).
%% erlang:halt(3) from a spawned process while main waits: status 3 (proc_halt3.status).

main() ->
    io:format("main waits~n"),
    spawn(fun() -> io:format("child halts~n"), halt(3) end),
    receive never -> ok end.
