-module(ets_events).
-export([main/0]).
%% The agent's ETS events end to end (tests/agent/ets_events.py drives it). Phase 1: a table's
%% create, an insert and an object delete. Phase 2: insert, object delete, insert, insert and
%% the table's delete. Phase 3: a table given away (transfer) whose new owner exits
%% (owner_exit), a table whose owner exits with an heir (transfer) and one whose owner exits
%% without (owner_exit). After each operation it prints the table, the operation and
%% ets:info(T, memory) (words). It pauses before the first phase (the test slows the agent's
%% collector down) and after each phase's "phase" line (the test has the agent flush its
%% batches and reads its events). tests/agent/ets_events.expected is OTP 25's output
%% (erl -noshell -s ets_events main -s init stop).
main() ->
    pause(1000),
    T = ets:new(ets_events_tab, [set, public, named_table]),
    show(T, create),
    ets:insert(T, {a, lists:seq(1, 20)}),
    show(T, insert),
    ets:delete_object(T, {a, lists:seq(1, 20)}),
    show(T, delete_object),
    io:format("phase~n"),
    pause(1500),
    ets:insert(T, {b, lists:seq(1, 10)}),
    show(T, insert),
    ets:delete(T, b),
    show(T, delete_object),
    ets:insert(T, {c, "three"}),
    show(T, insert),
    ets:insert(T, {d, {1, 2, 3}, <<"four">>}),
    show(T, insert),
    ets:delete(T),
    print(ets_events_tab, delete_table, ets:info(T, memory)),
    io:format("phase~n"),
    pause(1500),
    given_away(),
    owner_exits(),
    io:format("phase~n"),
    pause(1500).

given_away() ->
    H = spawn(fun() -> receive {'ETS-TRANSFER', _, _, _} -> receive stop -> ok end end end),
    G = ets:new(ets_events_gift, [set, public]),
    show(G, create),
    ets:insert(G, {k, v}),
    show(G, insert),
    ets:give_away(G, H, gift),
    show(G, transfer),
    R = monitor(process, H),
    H ! stop,
    receive {'DOWN', R, process, H, _} -> ok end,
    wait_gone(G),
    print(ets_events_gift, owner_exit, ets:info(G, memory)).

%% A process that creates table Name, inserts into it, sends the table and the memory after
%% each, and exits on stop.
owner(Name, Opts) ->
    Me = self(),
    O = spawn(fun() ->
                      U = ets:new(Name, [set, public | Opts]),
                      M0 = ets:info(U, memory),
                      ets:insert(U, {k, [1, 2]}),
                      Me ! {made, U, M0, ets:info(U, memory)},
                      receive stop -> ok end
              end),
    receive
        {made, U, Create, Insert} ->
            print(Name, create, Create),
            print(Name, insert, Insert),
            {O, U}
    end.

owner_exits() ->
    {O, U} = owner(ets_events_heir, [{heir, self(), back}]),
    O ! stop,
    receive {'ETS-TRANSFER', U, O, back} -> ok end,
    show(U, transfer),
    ets:delete(U),
    print(ets_events_heir, delete_table, ets:info(U, memory)),
    {O2, V} = owner(ets_events_orphan, []),
    R = monitor(process, O2),
    O2 ! stop,
    receive {'DOWN', R, process, O2, _} -> ok end,
    wait_gone(V),
    print(ets_events_orphan, owner_exit, ets:info(V, memory)).

%% The table may outlive its owner's 'DOWN' a moment.
wait_gone(T) ->
    case ets:info(T, memory) of
        undefined -> ok;
        _ -> pause(1), wait_gone(T)
    end.

pause(Ms) -> receive after Ms -> ok end.

show(T, Op) -> print(ets:info(T, name), Op, ets:info(T, memory)).

print(Name, Op, Memory) -> io:format("~p ~p ~p~n", [Name, Op, Memory]).
