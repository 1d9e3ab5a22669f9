%% Exercises the maps functions written in Erlang (and the order they visit keys in).
-module(maps_test).
-export([main/0]).

p(X) -> io:format("~p~n", [X]).

t(F) -> try F() catch C:R -> {C, R} end.

keys_seen(Fun) ->
    put(seen, []),
    R = Fun(fun(K) -> put(seen, [K | get(seen)]) end),
    {lists:reverse(get(seen)), R}.

main() ->
    M = #{a => 1, b => 2, c => 3, "s" => 4, 1 => 5, 2.0 => 6},
    %% No atom keys in a map of more than 32 keys: OTP 25 hashes atoms by their index in the
    %% atom table, so their place in the iteration order changes from program to program.
    Big = maps:from_list([{I, I * I} || I <- lists:seq(1, 50)] ++ [{3.5, 1}, {"y", 2}, {{1, 2}, 3}]),
    p(maps:new()),
    p({maps:size(M), maps:size(Big)}),
    p(t(fun() -> maps:size(x) end)),
    p(maps:map(fun(K, V) -> {K, V} end, M)),
    p(keys_seen(fun(S) -> maps:map(fun(K, V) -> S(K), V end, Big) end) =/= x),
    p(element(1, keys_seen(fun(S) -> maps:map(fun(K, V) -> S(K), V end, Big) end))),
    p(maps:filter(fun(K, _) -> is_atom(K) end, M)),
    p(maps:filtermap(fun(a, _) -> false; (b, V) -> {true, V * 10}; (_, _) -> true end, M)),
    p(maps:fold(fun(K, V, A) -> [{K, V} | A] end, [], M)),
    p(maps:fold(fun(K, _, A) -> [K | A] end, [], Big)),
    p(keys_seen(fun(S) -> maps:foreach(fun(K, _) -> S(K) end, M) end)),
    p(keys_seen(fun(S) -> maps:foreach(fun(K, _) -> S(K) end, Big) end)),
    p(maps:with([a, c, zz], M)),
    p(maps:without([a, c, zz], M)),
    p(maps:update_with(a, fun(V) -> V + 100 end, M)),
    p(t(fun() -> maps:update_with(zz, fun(V) -> V end, M) end)),
    p(maps:update_with(zz, fun(V) -> V end, init, M)),
    p(maps:update_with(a, fun(V) -> V * 2 end, init, M)),
    I0 = maps:iterator(M),
    p(I0),
    {K1, V1, I1} = maps:next(I0),
    {K2, V2, I2} = maps:next(I1),
    p({K1, V1, K2, V2}),
    p(maps:fold(fun(K, V, A) -> [{K, V} | A] end, [], I2)),
    p(maps:next(maps:iterator(#{}))),
    {_, _, Last} = maps:next(maps:iterator(#{k => v})),
    p(Last),
    p(maps:next(none)),
    p(maps:intersect(#{a => 1, b => 2}, #{b => 3, c => 4})),
    p(maps:intersect_with(fun(K, V1x, V2x) -> {K, V1x, V2x} end, #{a => 1, b => 2}, #{b => 3, c => 4, a => 0})),
    p(maps:merge_with(fun(K, V1x, V2x) -> {K, V1x, V2x} end, #{a => 1, b => 2}, #{b => 3, c => 4})),
    p(maps:merge_with(fun(_, V1x, V2x) -> V1x + V2x end, #{a => 1, b => 2, d => 5}, #{b => 3})),
    p(maps:groups_from_list(fun(X) -> X rem 3 end, lists:seq(1, 10))),
    p(maps:groups_from_list(fun erlang:length/1, fun lists:reverse/1, ["ab", "c", "de", "f"])),
    p(keys_seen(fun(S) -> maps:groups_from_list(fun(X) -> S(X), X rem 2 end, [1, 2, 3]) end)),
    p(maps:get(a, M, def)),
    p(maps:get(zz, M, def)),
    p(maps:to_list(#{b => 1, a => 2})),
    p(t(fun() -> maps:map(fun(K, V) -> {K, V} end, notamap) end)),
    p(t(fun() -> maps:fold(fun(K, V, A) -> [{K, V} | A] end, [], [1]) end)),
    p(t(fun() -> maps:filter(notafun, M) end)),
    p(t(fun() -> maps:with([a], notamap) end)),
    p(t(fun() -> maps:with(a, M) end)),
    p(t(fun() -> maps:without([a], notamap) end)),
    p(t(fun() -> maps:merge_with(fun(_, A, _) -> A end, M, x) end)),
    p(t(fun() -> maps:merge_with(notafun, M, M) end)),
    p(t(fun() -> maps:intersect(x, M) end)),
    p(t(fun() -> maps:iterator([]) end)),
    p(t(fun() -> maps:next(bad) end)),
    p(t(fun() -> maps:groups_from_list(fun(X) -> X end, notalist) end)),
    ok.
