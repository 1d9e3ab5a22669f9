%% A ring of N processes passing M tokens K laps: every token must come back exactly once.
-module(ring).
-export([main/1, nd/1]).

nd(Next) ->
    receive
        {token, Id, 0, Origin} -> Origin ! {done, Id}, nd(Next);
        {token, Id, Hops, Origin} -> Next ! {token, Id, Hops - 1, Origin}, nd(Next);
        {link, N} -> nd(N);
        stop -> Next ! stop, ok
    end.

main([NS, MS, KS]) ->
    N = list_to_integer(NS), M = list_to_integer(MS), K = list_to_integer(KS),
    First = spawn(ring, nd, [self()]),
    Last = lists:foldl(fun(_, Prev) -> spawn(ring, nd, [Prev]) end, First, lists:seq(2, N)),
    First ! {link, Last},
    [First ! {token, I, N * K, self()} || I <- lists:seq(1, M)],
    Got = collect(M, []),
    io:format("~p~n", [Got =:= lists:seq(1, M)]),
    First ! stop,
    ok.

collect(0, Acc) -> lists:sort(Acc);
collect(M, Acc) -> receive {done, Id} -> collect(M - 1, [Id | Acc]) end.
