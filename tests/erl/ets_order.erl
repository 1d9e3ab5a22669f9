%% Iteration order of hash tables: OTP's bucket order for integer and atom keys.
-module(ets_order).
-export([main/0]).

main() ->
    S = ets:new(s, []),
    [ets:insert(S, {I, I}) || I <- lists:seq(1, 12)],
    io:format("~p~n", [ets:tab2list(S)]),
    F = ets:first(S),
    io:format("~p ~p~n", [F, ets:next(S, F)]),
    io:format("~p~n", [ets:select(S, [{{'$1', '_'}, [], ['$1']}])]),
    io:format("~p~n", [ets:foldl(fun({K, _}, A) -> [K | A] end, [], S)]),
    A = ets:new(a, []),
    [ets:insert(A, {X, 1}) || X <- [a, b, c, hello, world, foo, bar]],
    io:format("~p~n", [ets:tab2list(A)]),
    B = ets:new(b, [bag]),
    ets:insert(B, {1, a}), ets:insert(B, {1, b}), ets:insert(B, {2, a}),
    io:format("~p~n", [ets:tab2list(B)]),
    T = ets:new(t, []),
    [ets:insert(T, {{I, I}, x}) || I <- lists:seq(1, 10)],
    io:format("~p~n", [ets:tab2list(T)]),
    ok.
