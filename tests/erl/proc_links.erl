-module(proc_links).
-export([main/0, case_/1]).
%% Links: both ends, link to a dead pid (noproc), link to self, unlink, badarg.

main() ->
    Cases = [link_dead_trapped, link_dead_untrapped, link_self, both_ends, unlink_both_ends,
             link_twice, link_badarg, unlink_dead, spawn_link_ends, link_returns],
    [io:format("~p: ~p~n", [C, run(fun() -> ?MODULE:case_(C) end)]) || C <- Cases],
    ok.

run(F) ->
    Me = self(),
    {P, R} = spawn_monitor(fun() -> Me ! {res, self(), F()} end),
    receive {res, P, X} -> receive {'DOWN', R, process, P, _} -> {returned, X} end;
            {'DOWN', R, process, P, Why} -> {exited, Why}
    after 5000 -> hung
    end.

dead() ->
    {P, R} = spawn_monitor(fun() -> ok end),
    receive {'DOWN', R, process, P, _} -> P end.

idle() -> spawn(fun() -> receive stop -> ok end end).

%% Relations instead of pids: each element as self / the given names / other.
names(L, Named) ->
    [case lists:keyfind(P, 2, Named) of {N, _} -> N; false -> other end || P <- L].

links(P, Named) ->
    {links, L} = process_info(P, links),
    lists:sort(names(L, Named)).

case_(link_dead_trapped) ->
    process_flag(trap_exit, true),
    P = dead(),
    T = link(P),
    receive {'EXIT', P, R} -> {T, R} after 1000 -> {T, none} end;
case_(link_dead_untrapped) ->
    %% Not trapping exits: link/1 itself fails with noproc (an exception, which can be
    %% caught), rather than an exit signal.
    P = dead(),
    R = try link(P) catch C:E -> {C, E} end,
    receive after 100 -> {R, still_alive} end;
case_(link_self) ->
    {link(self()), process_info(self(), links)};
case_(both_ends) ->
    P = idle(),
    true = link(P),
    Named = [{me, self()}, {p, P}],
    R = {links(self(), Named), links(P, Named)},
    unlink(P),
    P ! stop,
    R;
case_(unlink_both_ends) ->
    P = idle(),
    link(P),
    U = unlink(P),
    Named = [{me, self()}, {p, P}],
    R = {U, links(self(), Named), links(P, Named)},
    P ! stop,
    R;
case_(link_twice) ->
    P = idle(),
    link(P),
    link(P),
    Named = [{me, self()}, {p, P}],
    R = {links(self(), Named), links(P, Named)},
    unlink(P),
    P ! stop,
    R;
case_(link_badarg) ->
    [try link(X) catch C:E -> {C, E} end || X <- [foo, 1, {a, b}, make_ref()]];
case_(unlink_dead) ->
    P = dead(),
    {unlink(P), try unlink(foo) catch C:E -> {C, E} end};
case_(spawn_link_ends) ->
    Me = self(),
    P = spawn_link(fun() -> receive stop -> Me ! stopped end end),
    Q = spawn_link(fun() -> receive stop -> ok end end),
    Named = [{me, self()}, {p, P}, {q, Q}],
    R = {links(self(), Named), links(P, Named), links(Q, Named)},
    unlink(P), unlink(Q),
    P ! stop, Q ! stop,
    receive stopped -> ok end,
    R;
case_(link_returns) ->
    process_flag(trap_exit, true),
    P = spawn_link(fun() -> receive X -> exit(X) end end),
    P ! {reason, 1},
    R1 = receive {'EXIT', P, R} -> R end,
    {R1, process_info(self(), links)}.
