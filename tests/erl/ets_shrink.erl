%% Hash tables shrinking on delete, as OTP 25's try_shrink: ets:info(T, memory) along the way
%% and the iteration orders after; the extended segment table's growth (256 entries, then 128
%% more, the outgrown one kept) past 255 and 383 extension segments.
-module(ets_shrink).
-export([main/0]).

walk(T) -> walk(T, ets:first(T), []).
walk(_, '$end_of_table', A) -> lists:reverse(A);
walk(T, K, A) -> walk(T, ets:next(T, K), [K | A]).

%% {I} for I in From..To, one insert each: a loop in constant stack, so that the program stays
%% linear under GC stress (a comprehension over half a million elements recursed that deep, and
%% every stressed collection walked the whole stack).
fill(_, I, To) when I > To -> ok;
fill(T, I, To) -> ets:insert(T, {I}), fill(T, I + 1, To).

show(What, L) ->
    io:format("~s ~p ~p ~w~n", [What, length(L), erlang:phash2(L), lists:sublist(L, 10)]).

orders(T) ->
    show(" tab2list", [element(1, O) || O <- ets:tab2list(T)]),
    show(" first/next", walk(T)),
    show(" select", ets:select(T, [{{'$1', '_'}, [], ['$1']}])).

main() ->
    S = ets:new(s, [set]),
    Mem = fun() -> ets:info(S, memory) end,
    M0 = Mem(),
    [ets:insert(S, {I, x}) || I <- lists:seq(1, 10000)],
    M1 = Mem(),
    [ets:delete(S, I) || I <- lists:seq(1, 9000)],
    M2 = Mem(),
    io:format("~p~n", [[M0, M1, M2]]),
    orders(S),
    [ets:delete(S, I) || I <- lists:seq(9001, 10000)],
    io:format("~p~n", [Mem()]),
    [ets:insert(S, {I, x}) || I <- lists:seq(1, 5000)],
    io:format("~w~n", [[begin ets:delete(S, I), Mem() end || I <- lists:seq(1, 5000, 97)]]),
    orders(S),
    %% shrink by delete_object and take, then grow again
    [ets:insert(S, {I, x}) || I <- lists:seq(1, 8000)],
    [ets:delete_object(S, {I, x}) || I <- lists:seq(1, 4000)],
    [ets:take(S, I) || I <- lists:seq(4001, 7000)],
    io:format("~p~n", [Mem()]),
    orders(S),
    [ets:insert(S, {I, y}) || I <- lists:seq(20000, 23000)],
    io:format("~p~n", [Mem()]),
    orders(S),
    %% a bag
    B = ets:new(b, [bag]),
    [ets:insert(B, {I rem 3000, I}) || I <- lists:seq(1, 9000)],
    [ets:delete(B, K) || K <- lists:seq(0, 2700)],
    io:format("~p~n", [ets:info(B, memory)]),
    show(" bag tab2list", ets:tab2list(B)),
    %% the segment table's growth: 255 extension segments fill the first one
    T = ets:new(t, [set]),
    N = 256 + 255 * 2048,
    fill(T, 1, N),
    A0 = ets:info(T, memory),
    ets:insert(T, {N + 1}),
    io:format("~p~n", [[A0, ets:info(T, memory) - A0]]),
    N2 = 256 + 383 * 2048,
    fill(T, N + 2, N2),
    A2 = ets:info(T, memory),
    ets:insert(T, {N2 + 1}),
    io:format("~p~n", [[A2, ets:info(T, memory) - A2]]),
    ets:delete_all_objects(T),
    io:format("~p~n", [ets:info(T, memory)]),
    ok.
