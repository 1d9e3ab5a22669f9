-module(proc_max_heap).
-export([main/0]).
%% max_heap_size: a process whose heap passes the limit is killed (reason killed) when kill is
%% true, and keeps running when it is false. error_logger => false keeps the report quiet
%% (the report's shape is checked by tests/proc/run.sh).

main() ->
    io:format("kill: ~p~n", [grow([{max_heap_size, #{size => 10000, kill => true, error_logger => false}}])]),
    io:format("no kill: ~p~n", [grow([{max_heap_size, #{size => 10000, kill => false, error_logger => false}}])]),
    io:format("unlimited: ~p~n", [grow([])]),
    io:format("process_flag: ~p~n", [flag_then_grow()]),
    io:format("linked kill seen as: ~p~n", [linked()]),
    io:format("under the limit: ~p~n", [small()]),
    ok.

%% Builds a 50000-element list (100000 words) in a process spawned with Opts.
build() ->
    L = lists:seq(1, 50000),
    exit({built, length(L)}).

grow(Opts) ->
    {P, R} = spawn_opt(fun build/0, [monitor | Opts]),
    receive {'DOWN', R, process, P, Why} -> Why after 10000 -> hung end.

flag_then_grow() ->
    {P, R} = spawn_monitor(fun() ->
                               process_flag(max_heap_size, #{size => 5000, error_logger => false}),
                               build()
                           end),
    receive {'DOWN', R, process, P, Why} -> Why after 10000 -> hung end.

linked() ->
    Me = self(),
    {P, R} = spawn_monitor(fun() ->
                               process_flag(trap_exit, true),
                               C = spawn_opt(fun build/0, [link, {max_heap_size, #{size => 10000, error_logger => false}}]),
                               receive {'EXIT', C, Why} -> Me ! {linked, Why} end
                           end),
    W = receive {linked, Why} -> Why after 10000 -> hung end,
    receive {'DOWN', R, process, P, _} -> ok end,
    W.

small() ->
    {P, R} = spawn_opt(fun() -> exit({built, length(lists:seq(1, 100))}) end,
                       [monitor, {max_heap_size, #{size => 10000, error_logger => false}}]),
    receive {'DOWN', R, process, P, Why} -> Why after 10000 -> hung end.
