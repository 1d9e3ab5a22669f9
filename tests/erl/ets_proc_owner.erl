-module(ets_proc_owner).
-export([main/0]).

%% Ownership of ETS tables across processes: the owner's exit deletes its tables or gives
%% them to a live heir with {'ETS-TRANSFER', Tab, FromPid, HeirData}; give_away and its
%% badarg cases; named tables after the owner's exit; ets:info(T, owner) after transfers.
%% Pids are never printed (they differ from OTP's): only compared.

err(F) -> try F() catch C:R -> {C, R} end.

%% Runs Fun in a new process that sends back {self(), Fun()} and then waits for stop (or
%% exits at once with Wait = false). Returns {Pid, Result, MonitorRef}.
owner(Fun) ->
    Me = self(),
    {Pid, Ref} = spawn_monitor(fun() ->
        R = Fun(),
        Me ! {self(), R},
        receive stop -> ok end
    end),
    receive {Pid, R} -> {Pid, R, Ref} end.

stop({Pid, _, Ref}) ->
    Pid ! stop,
    receive {'DOWN', Ref, process, Pid, Why} -> Why end.

%% A pid that has exited.
dead_pid() ->
    {P, Ref} = spawn_monitor(fun() -> ok end),
    receive {'DOWN', Ref, process, P, _} -> P end.

%% Waits for one 'ETS-TRANSFER' (or none within 200 ms).
transfer() ->
    receive {'ETS-TRANSFER', T, From, Data} -> {T, From, Data} after 200 -> none end.

main() ->
    Me = self(),
    %% 1. the owner's exit deletes its table
    O1 = {_, T1, _} = owner(fun() -> T = ets:new(t1, [public]), ets:insert(T, [{I, I} || I <- lists:seq(1, 100)]), T end),
    io:format("before exit: size ~p, owner is other ~p~n", [ets:info(T1, size), ets:info(T1, owner) =/= Me]),
    io:format("exit: ~p~n", [stop(O1)]),
    io:format("after exit: info ~p, lookup ~p, in all ~p~n",
              [ets:info(T1), err(fun() -> ets:lookup(T1, 1) end), lists:member(T1, ets:all())]),
    io:format("insert ~p, delete ~p~n", [err(fun() -> ets:insert(T1, {1}) end), err(fun() -> ets:delete(T1) end)]),
    io:format("no transfer: ~p~n", [transfer()]),

    %% 2. a crash of the owner deletes it too
    O2 = {_, T2, _} = owner(fun() -> ets:new(t2, [ordered_set, public]) end),
    element(1, O2) ! stop_bad, exit(element(1, O2), boom),
    receive {'DOWN', _, process, _, Why2} -> io:format("crashed: ~p~n", [Why2]) end,
    io:format("after crash: ~p~n", [ets:info(T2, size)]),

    %% 3. named table after the owner's exit: the name is free again
    O3 = owner(fun() -> ets:new(proc_named, [named_table, public]) end),
    io:format("named: ~p, whereis is ref ~p~n", [element(2, O3), is_reference(ets:whereis(proc_named))]),
    io:format("second new: ~p~n", [err(fun() -> ets:new(proc_named, [named_table]) end)]),
    stop(O3),
    io:format("after exit: whereis ~p, info ~p, lookup ~p~n",
              [ets:whereis(proc_named), ets:info(proc_named), err(fun() -> ets:lookup(proc_named, x) end)]),
    io:format("new again: ~p, owner is me ~p~n", [ets:new(proc_named, [named_table]), ets:info(proc_named, owner) =:= Me]),
    ets:delete(proc_named),

    %% 4. heir alive: the heir (me) gets the table and an 'ETS-TRANSFER'
    O4 = {P4, T4, _} = owner(fun() -> T = ets:new(t4, [{heir, Me, {my, data}}]), ets:insert(T, {k, v}), T end),
    io:format("heir: ~p~n", [ets:info(T4, heir) =:= Me]),
    io:format("protected write before: ~p~n", [err(fun() -> ets:insert(T4, {k2, v2}) end)]),
    stop(O4),
    {TT4, F4, D4} = transfer(),
    io:format("transfer: same tab ~p, from owner ~p, data ~p~n", [TT4 =:= T4, F4 =:= P4, D4]),
    io:format("owner now me ~p, heir still me ~p, lookup ~p~n", [ets:info(T4, owner) =:= Me, ets:info(T4, heir) =:= Me, ets:lookup(T4, k)]),
    io:format("write now: ~p~n", [ets:insert(T4, {k2, v2})]),
    io:format("second transfer: ~p~n", [transfer()]),
    ets:delete(T4),

    %% 5. heir alive, named table: the name stays with the table
    O5 = {P5, _, _} = owner(fun() -> ets:new(heired_named, [named_table, {heir, Me, 5}]) end),
    stop(O5),
    {TT5, F5, D5} = transfer(),
    io:format("named transfer: ~p ~p ~p, whereis ~p, owner me ~p~n",
              [TT5, F5 =:= P5, D5, is_reference(ets:whereis(heired_named)), ets:info(heired_named, owner) =:= Me]),
    ets:delete(heired_named),

    %% 6. heir dead at the owner's exit: the table is deleted, no message
    H6 = spawn(fun() -> receive stop -> ok end end),
    O6 = {_, T6, _} = owner(fun() -> ets:new(t6, [{heir, H6, x}]) end),
    io:format("heir is h6: ~p~n", [ets:info(T6, heir) =:= H6]),
    Ref6 = monitor(process, H6), H6 ! stop,
    receive {'DOWN', Ref6, _, _, _} -> ok end,
    stop(O6),
    io:format("heir dead: info ~p, transfer ~p~n", [ets:info(T6), transfer()]),

    %% 7. heir given as an already dead pid at ets:new
    DP = dead_pid(),
    O7 = {_, T7, _} = owner(fun() -> ets:new(t7, [{heir, DP, x}]) end),
    io:format("dead heir at new: heir ~p~n", [ets:info(T7, heir)]),
    stop(O7),
    io:format("after exit: ~p ~p~n", [ets:info(T7), transfer()]),

    %% 8. heir none
    O8 = {_, T8, _} = owner(fun() -> ets:new(t8, [{heir, none}]) end),
    io:format("heir none: ~p~n", [ets:info(T8, heir)]),
    stop(O8),
    io:format("after exit: ~p ~p~n", [ets:info(T8), transfer()]),

    %% 9. heir is the owner itself: deleted
    O9 = {_, T9, _} = owner(fun() -> ets:new(t9, [{heir, self(), x}]) end),
    stop(O9),
    io:format("self heir: ~p ~p~n", [ets:info(T9), transfer()]),

    %% 10. heir set with setopts; then changed to none
    O10 = {P10, T10, _} = owner(fun() -> T = ets:new(t10, []), true = ets:setopts(T, {heir, Me, set_later}), T end),
    stop(O10),
    {TT10, F10, D10} = transfer(),
    io:format("setopts heir: ~p ~p ~p~n", [TT10 =:= T10, F10 =:= P10, D10]),
    ets:delete(T10),
    O11 = {_, T11, _} = owner(fun() -> T = ets:new(t11, [{heir, Me, a}]), true = ets:setopts(T, [{heir, none}]), T end),
    stop(O11),
    io:format("setopts none: ~p ~p~n", [ets:info(T11), transfer()]),
    io:format("setopts not owner: ~p~n", [err(fun() -> ets:setopts(element(2, owner(fun() -> ets:new(x, [public]) end)), {heir, none}) end)]),

    %% 12. give_away to another process
    T12 = ets:new(t12, [{heir, Me, mine}]),
    ets:insert(T12, {a, 1}),
    P12 = spawn(fun() ->
        receive {'ETS-TRANSFER', T, From, Gift} ->
            Me ! {got, T =:= T12, From =:= Me, Gift, ets:info(T, owner) =:= self(), ets:insert(T, {b, 2})}
        end,
        receive stop -> ok end
    end),
    io:format("give_away: ~p~n", [ets:give_away(T12, P12, the_gift)]),
    receive {got, _, _, _, _, _} = G12 -> io:format("receiver: ~p~n", [G12]) end,
    io:format("owner is receiver ~p, heir still me ~p~n", [ets:info(T12, owner) =:= P12, ets:info(T12, heir) =:= Me]),
    io:format("my write now: ~p~n", [err(fun() -> ets:insert(T12, {c, 3}) end)]),
    io:format("give back (not owner): ~p~n", [err(fun() -> ets:give_away(T12, P12, x) end)]),
    io:format("delete (not owner): ~p~n", [err(fun() -> ets:delete(T12) end)]),
    Ref12 = monitor(process, P12), P12 ! stop,
    receive {'DOWN', Ref12, _, _, _} -> ok end,
    {TT12, F12, D12} = transfer(),
    io:format("back to heir: ~p ~p ~p, lookup ~p~n", [TT12 =:= T12, F12 =:= P12, D12, lists:sort(ets:tab2list(T12))]),

    %% 13. give_away badarg cases
    io:format("to self: ~p~n", [err(fun() -> ets:give_away(T12, self(), x) end)]),
    io:format("to dead: ~p~n", [err(fun() -> ets:give_away(T12, dead_pid(), x) end)]),
    io:format("to non-pid: ~p~n", [err(fun() -> ets:give_away(T12, foo, x) end)]),
    io:format("owner still me: ~p~n", [ets:info(T12, owner) =:= Me]),
    ets:delete(T12),
    io:format("deleted tab: ~p~n", [err(fun() -> ets:give_away(T12, spawn(fun() -> ok end), x) end)]),
    O14 = {_, T14, _} = owner(fun() -> ets:new(t14, [public]) end),
    io:format("public, not owner: ~p~n", [err(fun() -> ets:give_away(T14, self(), x) end)]),
    stop(O14),
    io:format("after: ~p~n", [ets:info(T14)]),

    %% 15. give_away, then the receiver exits without heir: deleted
    T15 = ets:new(t15, []),
    P15 = spawn(fun() -> receive stop -> ok end end),
    true = ets:give_away(T15, P15, g),
    Ref15 = monitor(process, P15), P15 ! stop,
    receive {'DOWN', Ref15, _, _, _} -> ok end,
    io:format("receiver exit: ~p ~p~n", [ets:info(T15), transfer()]),

    %% 16. after an heir transfer the heir is kept (now the owner itself): the new owner's exit deletes it
    P16 = spawn(fun() ->
        receive {'ETS-TRANSFER', T, _, _} -> Me ! {p16, T, ets:info(T, heir) =:= self()} end,
        receive stop -> ok end
    end),
    O16 = owner(fun() -> ets:new(t16, [{heir, P16, d}]) end),
    stop(O16),
    receive {p16, T16, H16} -> io:format("new owner's heir is itself: ~p~n", [H16]) end,
    io:format("owner is p16: ~p~n", [ets:info(T16, owner) =:= P16]),
    Ref16 = monitor(process, P16), P16 ! stop,
    receive {'DOWN', Ref16, _, _, _} -> ok end,
    io:format("after p16 exit: ~p~n", [ets:info(T16)]),

    %% 17. an owner with several tables: each follows its own heir setting
    O17 = owner(fun() ->
        [ets:new(a17, [{heir, Me, 1}]), ets:new(b17, []), ets:new(c17, [{heir, Me, 3}])]
    end),
    [A17, B17, C17] = element(2, O17),
    stop(O17),
    Got17 = lists:sort([{D, T} || {T, _, D} <- [transfer(), transfer()]]),
    io:format("several: ~p ~p~n", [[{D, T =:= element(D, {A17, x, C17})} || {D, T} <- Got17], transfer()]),
    io:format("b17 gone ~p, a17/c17 mine ~p~n",
              [ets:info(B17) =:= undefined, [ets:info(X, owner) =:= Me || X <- [A17, C17]]]),
    ets:delete(A17), ets:delete(C17),
    ok.
