-module(proc_order).
-export([main/0]).
%% Message order: per sender-receiver pair the order is kept; messages from several senders
%% interleave in some order, but each sender's subsequence is in order. Self-sends too.

main() ->
    io:format("self: ~p~n", [self_order()]),
    io:format("one sender: ~p~n", [one_sender(1000)]),
    io:format("many senders: ~p~n", [many_senders(8, 2000)]),
    io:format("mixed terms: ~p~n", [mixed_terms()]),
    io:format("send returns: ~p~n", [send_returns()]),
    io:format("dead pid send: ~p~n", [dead_send()]),
    ok.

self_order() ->
    [self() ! N || N <- lists:seq(1, 10)],
    collect(10).

collect(0) -> [];
collect(N) -> receive X -> [X | collect(N - 1)] end.

one_sender(N) ->
    Me = self(),
    R = spawn(fun() -> Me ! {got, collect(N)} end),
    spawn(fun() -> [R ! I || I <- lists:seq(1, N)] end),
    receive {got, L} -> L =:= lists:seq(1, N) end.

%% K senders each send N numbered messages; the receiver checks each sender's sequence.
many_senders(K, N) ->
    Me = self(),
    R = spawn(fun() -> Me ! {got, collect(K * N)} end),
    [spawn(fun() -> [R ! {S, I} || I <- lists:seq(1, N)] end) || S <- lists:seq(1, K)],
    L = receive {got, X} -> X end,
    PerSender = [[I || {S2, I} <- L, S2 =:= S] || S <- lists:seq(1, K)],
    {length(L), lists:all(fun(Seq) -> Seq =:= lists:seq(1, N) end, PerSender)}.

mixed_terms() ->
    Terms = [atom, 1, 1.5, "str", <<"bin">>, {t, [1, 2]}, #{k => v}, [], {}, <<0:1000>>,
             fun() -> ok end, make_ref(), self(), 123456789012345678901234567890],
    Me = self(),
    R = spawn(fun() -> Me ! {got, collect(length(Terms))} end),
    [R ! T || T <- Terms],
    receive {got, L} -> L =:= Terms end.

send_returns() ->
    P = spawn(fun() -> receive _ -> ok end end),
    A = (P ! hello),
    B = erlang:send(P, {x, 1}),
    {A, B}.

dead_send() ->
    {P, Ref} = spawn_monitor(fun() -> ok end),
    receive {'DOWN', Ref, process, P, normal} -> ok end,
    P ! gone,
    erlang:send(P, gone).
