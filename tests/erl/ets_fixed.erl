-module(ets_fixed).
-export([main/0]).

%% safe_fixtable: foldl/foldr fix the table, so a fun that deletes the key it is given (or
%% another process deleting keys meanwhile) does not make the walk fail; next/2 on a key that
%% is not there is badarg on a set that is not fixed.

err(F) -> try F() catch C:R -> {C, R} end.

main() ->
    T = ets:new(t, [public]),
    ets:insert(T, [{I, I} || I <- lists:seq(1, 1000)]),
    N = ets:foldl(fun({K, _}, A) -> ets:delete(T, K), A + 1 end, 0, T),
    io:format("foldl deleting: ~p visited, ~p left~n", [N, ets:info(T, size)]),
    ets:insert(T, [{I, I} || I <- lists:seq(1, 1000)]),
    S = ets:foldr(fun({K, V}, A) -> ets:delete(T, K), A + V end, 0, T),
    io:format("foldr deleting: sum ~p, ~p left~n", [S, ets:info(T, size)]),
    ets:insert(T, [{I, I} || I <- lists:seq(1, 10)]),
    io:format("next unfixed, missing key: ~p~n", [err(fun() -> ets:next(T, nokey) end)]),
    io:format("fix: ~p ~p~n", [ets:safe_fixtable(T, true), ets:safe_fixtable(T, false)]),
    io:format("bad: ~p ~p~n", [err(fun() -> ets:safe_fixtable(T, maybe) end), err(fun() -> ets:safe_fixtable(nosuch, true) end)]),
    Me = self(),
    P = spawn(fun() -> Me ! {self(), err(fun() -> ets:safe_fixtable(T, true) end)} end),
    receive {P, R} -> io:format("public from another: ~p~n", [R]) end,
    V = ets:new(v, [private]),
    Q = spawn(fun() -> Me ! {self(), err(fun() -> ets:safe_fixtable(V, true) end)} end),
    receive {Q, R2} -> io:format("private from another: ~p~n", [R2]) end,
    O = ets:new(o, [ordered_set]),
    ets:insert(O, [{I} || I <- lists:seq(1, 100)]),
    io:format("ordered_set: ~p ~p~n", [ets:foldl(fun({K}, A) -> ets:delete(O, K + 1), [K | A] end, [], O) =:= lists:reverse(lists:seq(1, 100, 2)), ets:next(O, 1000)]),
    ok.
