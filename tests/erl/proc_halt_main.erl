-module(proc_halt_main).
-export([main/0]).
%% main returns while other processes still run or wait: the runtime ends with status 0.

main() ->
    [spawn(fun() -> receive after infinity -> ok end end) || _ <- lists:seq(1, 100)],
    spawn(fun() -> spin() end),
    erlang:send_after(100000, self(), late),
    io:format("main returns~n").

spin() -> spin().
