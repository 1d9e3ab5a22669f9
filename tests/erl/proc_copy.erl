-module(proc_copy).
-export([main/0, echo/2]).
%% What a message or spawn argument costs the receiver: a send to another process copies flat
%% (sharing lost), a self-send to an on_heap process copies nothing (sharing kept), an off_heap
%% self-send copies; spawn arguments and a fun's free variables are copied flat. spawn/2,4 on
%% the local node.

main() ->
    X = lists:seq(1, 3),
    T = {X, X},
    io:format("sender size: ~p flat: ~p~n", [erts_debug:size(T), erts_debug:flat_size(T)]),
    self() ! T,
    io:format("self on_heap: ~p~n", [receive M -> erts_debug:size(M) end]),
    io:format("self off_heap: ~p~n", [run(fun() ->
                                                  process_flag(message_queue_data, off_heap),
                                                  self() ! T,
                                                  receive M -> erts_debug:size(M) end
                                          end)]),
    Me = self(),
    spawn(fun() -> Me ! T end),
    io:format("from another: ~p~n", [receive M2 -> erts_debug:size(M2) end]),
    spawn(fun() -> Me ! {size, erts_debug:size(T)} end),
    io:format("fun free variable: ~p~n", [receive {size, S} -> S end]),
    spawn(?MODULE, echo, [Me, T]),
    io:format("spawn/3 argument: ~p~n", [receive {echo, S2} -> S2 end]),
    spawn(node(), ?MODULE, echo, [Me, T]),
    io:format("spawn/4 argument: ~p~n", [receive {echo, S3} -> S3 end]),
    spawn(node(), fun() -> Me ! {size, erts_debug:size(T)} end),
    io:format("spawn/2: ~p~n", [receive {size, S4} -> S4 end]),
    Big = <<0:8000>>,
    Bin = binary:copy(Big),
    spawn(fun() -> Me ! {bin, Bin} end),
    io:format("refc binary: ~p~n", [receive {bin, B} -> {B =:= Bin, erts_debug:size(B)} end]),
    Lit = {literal, [1, 2, 3]},
    spawn(fun() -> Me ! {lit, Lit} end),
    io:format("literal: ~p~n", [receive {lit, L} -> {L, erts_debug:size({lit, L})} end]),
    ok.

echo(Me, T) -> Me ! {echo, erts_debug:size(T)}.

run(F) ->
    Me = self(),
    {P, R} = spawn_monitor(fun() -> Me ! {res, self(), F()} end),
    receive {res, P, X} -> receive {'DOWN', R, process, P, _} -> X end;
            {'DOWN', R, process, P, Why} -> {exited, Why}
    end.
