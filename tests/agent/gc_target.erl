%% The target of tests/agent/run.sh's gc command test. A registered process `holder` builds
%% garbage (several minor GCs leave some of it on the old heap) and then waits, idle, so nothing
%% but a forced GC changes its heap. main prints holder's pid and garbage_collection_info,
%% and erlang:memory's categories that an idle system keeps still, waits for the test to run
%% `heapscope gc` (1.5 s), then prints garbage_collection_info again.
-module(gc_target).
-export([main/0, holder/0]).

main() ->
    H = spawn(?MODULE, holder, []),
    H ! {ready, self()},
    receive built -> ok end,
    {garbage_collection_info, Before} = erlang:process_info(H, garbage_collection_info),
    io:format("pid ~w~nbefore ~w~n", [H, Before]),
    io:format("memory ~w~n", [erlang:memory([atom, atom_used, code, ets, binary])]),
    receive after 1500 -> ok end,
    {garbage_collection_info, After} = erlang:process_info(H, garbage_collection_info),
    io:format("after ~w~n", [After]),
    H ! stop,
    ok.

holder() ->
    receive {ready, From} -> ok end,
    Keep = churn(40, []),
    From ! built,
    receive stop -> length(Keep) end.

%% Each round keeps a little and drops the rest: garbage young and old.
churn(0, Keep) -> Keep;
churn(N, Keep) ->
    L = [{N, I, [I]} || I <- lists:seq(1, 600)],
    churn(N - 1, [hd(L) | Keep]).
