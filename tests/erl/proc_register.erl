-module(proc_register).
-export([main/0, case_/1]).
%% register/unregister/whereis/registered, sends to names, names freed at exit, badarg cases;
%% processes/0.

main() ->
    Cases = [basic, send_to_name, send_name_node, send_unknown, twice_same_name,
             second_name, dead_pid, bad_names, unregister_unknown, freed_at_exit,
             registered_list, info_name, processes_list, processes_dead],
    [io:format("~p: ~p~n", [C, run(fun() -> ?MODULE:case_(C) end)]) || C <- Cases],
    ok.

run(F) ->
    Me = self(),
    {P, R} = spawn_monitor(fun() -> Me ! {res, self(), F()} end),
    receive {res, P, X} -> receive {'DOWN', R, process, P, _} -> {returned, X} end;
            {'DOWN', R, process, P, Why} -> {exited, Why}
    after 5000 -> hung
    end.

err(F) -> try F() catch C:E -> {C, E} end.

idle() -> spawn(fun() -> loop() end).
loop() -> receive stop -> ok; {echo, From, X} -> From ! {echoed, X}, loop() end.

stop(P) ->
    R = monitor(process, P),
    P ! stop,
    receive {'DOWN', R, process, P, W} -> W end.

case_(basic) ->
    P = idle(),
    A = register(reg_a, P),
    W = whereis(reg_a) =:= P,
    U = unregister(reg_a),
    W2 = whereis(reg_a),
    stop(P),
    {A, W, U, W2};
case_(send_to_name) ->
    P = idle(),
    register(reg_b, P),
    reg_b ! {echo, self(), 1},
    R = receive {echoed, X} -> X end,
    unregister(reg_b),
    stop(P),
    R;
case_(send_name_node) ->
    P = idle(),
    register(reg_c, P),
    {reg_c, node()} ! {echo, self(), 2},
    R = receive {echoed, X} -> X end,
    unregister(reg_c),
    stop(P),
    R;
case_(send_unknown) ->
    [err(fun() -> no_such_reg ! x end), err(fun() -> erlang:send(no_such_reg, x) end),
     err(fun() -> {no_such_reg, node()} ! x end), err(fun() -> 42 ! x end)];
case_(twice_same_name) ->
    P = idle(), Q = idle(),
    register(reg_d, P),
    R = [err(fun() -> register(reg_d, Q) end), whereis(reg_d) =:= P],
    unregister(reg_d),
    stop(P), stop(Q),
    R;
case_(second_name) ->
    P = idle(),
    register(reg_e, P),
    R = [err(fun() -> register(reg_f, P) end), whereis(reg_f)],
    unregister(reg_e),
    stop(P),
    R;
case_(dead_pid) ->
    P = idle(),
    stop(P),
    err(fun() -> register(reg_g, P) end);
case_(bad_names) ->
    [err(fun() -> register(undefined, self()) end), err(fun() -> register("str", self()) end),
     err(fun() -> register(reg_h, not_a_pid) end), err(fun() -> whereis("str") end),
     err(fun() -> unregister(123) end)];
case_(unregister_unknown) ->
    err(fun() -> unregister(never_registered) end);
case_(freed_at_exit) ->
    P = idle(),
    register(reg_i, P),
    W = stop(P),
    {W, whereis(reg_i), lists:member(reg_i, registered()), register(reg_i, self()),
     unregister(reg_i)};
case_(registered_list) ->
    P = idle(), Q = idle(),
    register(reg_j, P), register(reg_k, Q), register(reg_l, self()),
    Mine = [N || N <- registered(), lists:member(N, [reg_j, reg_k, reg_l])],
    R = {lists:sort(Mine), is_list(registered())},
    stop(P), stop(Q),
    unregister(reg_l),
    {R, [N || N <- registered(), lists:member(N, [reg_j, reg_k, reg_l])]};
case_(info_name) ->
    P = idle(),
    register(reg_m, P),
    A = process_info(P, registered_name),
    B = process_info(P, [registered_name]),
    unregister(reg_m),
    C = process_info(P, registered_name),
    D = process_info(P, [registered_name]),
    {registered_name, N} = lists:keyfind(registered_name, 1, process_info(self()) ++ [{registered_name, none}]),
    stop(P),
    {A, B, C, D, N};
case_(processes_list) ->
    Ps = [idle() || _ <- lists:seq(1, 10)],
    All = processes(),
    R = {lists:all(fun(P) -> lists:member(P, All) end, [self() | Ps]),
         length(All) >= 11, All =:= lists:usort(All) orelse sorted_by_creation},
    [stop(P) || P <- Ps],
    R;
case_(processes_dead) ->
    Ps = [idle() || _ <- lists:seq(1, 10)],
    [stop(P) || P <- Ps],
    All = processes(),
    [lists:member(P, All) || P <- Ps].
