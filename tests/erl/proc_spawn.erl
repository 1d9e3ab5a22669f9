-module(proc_spawn).
-export([main/0, child/2, case_/1]).
%% spawn/1,3, spawn_link, spawn_monitor, spawn_opt with every option, process_flag for each
%% flag, is_process_alive.

main() ->
    Cases = [spawn1, spawn3, spawn3_badarg, spawn_link1, spawn_link3, spawn_monitor1,
             spawn_monitor3, opt_min_heap_size, opt_min_bin_vheap_size, opt_fullsweep_after,
             opt_message_queue_data, opt_max_heap_size, opt_max_heap_size_map, opt_priority,
             opt_link, opt_monitor, opt_link_monitor, opt_badarg, opt_mfa,
             flag_priority, flag_min_heap_size, flag_min_bin_vheap_size,
             flag_message_queue_data, flag_max_heap_size, flag_sensitive, flag_badarg,
             alive, args_copied, initial_call],
    [io:format("~p: ~p~n", [C, run(fun() -> ?MODULE:case_(C) end)]) || C <- Cases],
    ok.

run(F) ->
    Me = self(),
    {P, R} = spawn_monitor(fun() -> Me ! {res, self(), F()} end),
    receive {res, P, X} -> receive {'DOWN', R, process, P, _} -> {returned, X} end;
            {'DOWN', R, process, P, Why} -> {exited, Why}
    after 5000 -> hung
    end.

%% The child of spawn/3: tells its parent its arguments, then waits.
child(Parent, Extra) ->
    Parent ! {child, self(), Extra},
    receive stop -> ok end.

got() -> receive {child, P, X} -> {P, X} after 1000 -> none end.

err(F) -> try F() catch C:E -> {C, E} end.

%% Spawns a child with Opts that waits; returns the Keys of its process_info, then stops it.
info_with(Opts, Keys) ->
    Me = self(),
    P = case spawn_opt(fun() -> Me ! ready, receive stop -> ok end end, Opts) of
            {P0, _Ref} -> P0;
            P0 -> P0
        end,
    receive ready -> ok end,
    I = process_info(P, Keys),
    P ! stop,
    I.

case_(spawn1) ->
    Me = self(),
    P = spawn(fun() -> Me ! {hi, self()} end),
    receive {hi, P2} -> {is_pid(P), P2 =:= P} end;
case_(spawn3) ->
    P = spawn(?MODULE, child, [self(), {extra, [1, 2, 3]}]),
    {P2, X} = got(),
    P ! stop,
    {P2 =:= P, X};
case_(spawn3_badarg) ->
    [err(fun() -> spawn(?MODULE, child, notalist) end),
     err(fun() -> spawn("m", child, []) end),
     err(fun() -> spawn(?MODULE, 1, []) end),
     err(fun() -> spawn(not_a_fun) end)];
case_(spawn_link1) ->
    process_flag(trap_exit, true),
    P = spawn_link(fun() -> exit(linked) end),
    receive {'EXIT', P, R} -> R end;
case_(spawn_link3) ->
    process_flag(trap_exit, true),
    P = spawn_link(?MODULE, child, [self(), x]),
    {P, x} = got(),
    {links, L} = process_info(self(), links),
    P ! stop,
    {L =:= [P], receive {'EXIT', P, R} -> R end};
case_(spawn_monitor1) ->
    {P, R} = spawn_monitor(fun() -> exit(mon) end),
    {is_pid(P), is_reference(R), receive {'DOWN', R, process, P, W} -> W end};
case_(spawn_monitor3) ->
    {P, R} = spawn_monitor(?MODULE, child, [self(), y]),
    {P, y} = got(),
    P ! stop,
    receive {'DOWN', R, process, P, W} -> W end;
case_(opt_min_heap_size) ->
    [info_with([{min_heap_size, N}], [heap_size, min_heap_size]) || N <- [0, 100, 233, 1000, 5000]];
case_(opt_min_bin_vheap_size) ->
    [info_with([{min_bin_vheap_size, N}], [min_bin_vheap_size]) || N <- [0, 1000, 46422, 100000]];
case_(opt_fullsweep_after) ->
    [info_with([{fullsweep_after, N}], [fullsweep_after]) || N <- [0, 10, 65535]];
case_(opt_message_queue_data) ->
    [info_with([{message_queue_data, M}], [message_queue_data]) || M <- [on_heap, off_heap]];
case_(opt_max_heap_size) ->
    [info_with([{max_heap_size, N}], [max_heap_size]) || N <- [0, 10000]];
case_(opt_max_heap_size_map) ->
    %% A map without size is badarg in OTP 25.
    [err(fun() -> info_with([{max_heap_size, M}], [max_heap_size]) end)
     || M <- [#{size => 5000}, #{size => 6000, kill => false}, #{size => 7000, error_logger => false},
              #{size => 0, kill => false, error_logger => false}, #{kill => false}, #{},
              #{size => 100, other => 1}]];
case_(opt_priority) ->
    [info_with([{priority, P}], [priority]) || P <- [low, normal, high]];
case_(opt_link) ->
    process_flag(trap_exit, true),
    P = spawn_opt(fun() -> exit(via_opt) end, [link]),
    receive {'EXIT', P, R} -> R end;
case_(opt_monitor) ->
    {P, R} = spawn_opt(fun() -> exit(via_opt) end, [monitor]),
    receive {'DOWN', R, process, P, W} -> W end;
case_(opt_link_monitor) ->
    process_flag(trap_exit, true),
    {P, R} = spawn_opt(fun() -> exit(both) end, [link, monitor]),
    A = receive {'DOWN', R, process, P, W} -> W end,
    B = receive {'EXIT', P, W2} -> W2 end,
    {A, B};
case_(opt_badarg) ->
    [err(fun() -> spawn_opt(fun() -> ok end, O) end)
     || O <- [[{min_heap_size, -1}], [{priority, urgent}], [{message_queue_data, nowhere}],
              [bogus], [{fullsweep_after, x}], not_a_list, [{max_heap_size, -5}]]];
case_(opt_mfa) ->
    {P, R} = spawn_opt(?MODULE, child, [self(), z], [monitor, {min_heap_size, 1000}]),
    {P, z} = got(),
    H = process_info(P, heap_size),
    P ! stop,
    {H, receive {'DOWN', R, process, P, W} -> W end};
case_(flag_priority) ->
    [process_flag(priority, high), process_flag(priority, low), process_flag(priority, normal),
     process_flag(priority, normal), err(fun() -> process_flag(priority, urgent) end),
     process_info(self(), priority)];
case_(flag_min_heap_size) ->
    [process_flag(min_heap_size, 1000), process_flag(min_heap_size, 50),
     process_flag(min_heap_size, 233), err(fun() -> process_flag(min_heap_size, -1) end)];
case_(flag_min_bin_vheap_size) ->
    [process_flag(min_bin_vheap_size, 100000), process_flag(min_bin_vheap_size, 46422),
     err(fun() -> process_flag(min_bin_vheap_size, foo) end)];
case_(flag_message_queue_data) ->
    [process_flag(message_queue_data, off_heap), process_info(self(), message_queue_data),
     process_flag(message_queue_data, on_heap), process_flag(message_queue_data, on_heap),
     err(fun() -> process_flag(message_queue_data, sideways) end)];
case_(flag_max_heap_size) ->
    [process_flag(max_heap_size, 100000), process_flag(max_heap_size, #{size => 0, kill => false}),
     err(fun() -> process_flag(max_heap_size, #{kill => true}) end),
     process_flag(max_heap_size, #{size => 5000, error_logger => false}),
     process_info(self(), max_heap_size),
     process_flag(max_heap_size, 0), err(fun() -> process_flag(max_heap_size, -1) end)];
case_(flag_sensitive) ->
    [process_flag(sensitive, true), process_flag(sensitive, false),
     err(fun() -> process_flag(sensitive, 1) end)];
case_(flag_badarg) ->
    [err(fun() -> process_flag(no_such_flag, true) end),
     err(fun() -> process_flag("trap_exit", true) end)];
case_(alive) ->
    P = spawn(fun() -> receive stop -> ok end end),
    A = is_process_alive(P),
    R = monitor(process, P),
    P ! stop,
    receive {'DOWN', R, process, P, _} -> ok end,
    [A, is_process_alive(P), is_process_alive(self()), err(fun() -> is_process_alive(foo) end)];
case_(args_copied) ->
    %% The spawned fun's free variables and spawn/3's arguments arrive as equal copies.
    X = {lists:seq(1, 10), <<"bin">>, #{a => [1]}, <<0:800>>},
    Me = self(),
    spawn(fun() -> Me ! {back, X} end),
    spawn(?MODULE, child, [Me, X]),
    A = receive {back, Y} -> Y =:= X end,
    B = receive {child, P, Z} -> P ! stop, Z =:= X end,
    {A, B};
case_(initial_call) ->
    P = spawn(?MODULE, child, [self(), ic]),
    {P, ic} = got(),
    I = process_info(P, initial_call),
    P ! stop,
    Me = self(),
    Q = spawn(fun() -> Me ! ready, receive stop -> ok end end),
    receive ready -> ok end,
    J = process_info(Q, initial_call),
    Q ! stop,
    {I, J}.
