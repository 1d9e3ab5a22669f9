-module('38_send_receive').
-export([start/0, loop/1]).

start() ->
    Pid = spawn(?MODULE, loop, [0]),
    Pid ! {add, 5},
    Pid ! {self(), get},
    receive
        {Pid, N} -> N
    after 1000 ->
        timeout
    end.

loop(N) ->
    receive
        {add, M} -> loop(N + M);
        {From, get} when is_pid(From) -> From ! {self(), N}, loop(N);
        stop -> ok
    end.
