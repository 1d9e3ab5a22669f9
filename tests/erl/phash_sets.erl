%% erlang:phash/2 (OTP's old term hash) and what depends on its exact values: the slot
%% layout of version-1 sets, so sets:to_list/fold order, and proplists:get_keys order.
-module(phash_sets).
-export([main/0]).
-compile([{nowarn_deprecated_function, [{erlang, phash, 2}]}]).

id(X) -> X.

terms() ->
    [0, 1, -1, 255, 256, 65535, 1 bsl 32, -(1 bsl 40), 1 bsl 59 - 1, 1 bsl 59, 1 bsl 64,
     -(1 bsl 100) + 3, 1.0, -0.0, 0.0, 3.25, -1.0e10,
     a, ok, 'hello world', '', 'caf\x{e9}', [], "abc", [1, 2, 300], [a | b], [[1], [2, [3]]],
     {}, {a, 1}, {{}, [], "x"}, <<>>, <<"bytes">>, <<1:3>>, <<9, 8, 7:5>>,
     #{}, #{a => 1, b => [2]}, fun lists:map/2, fun erlang:length/1].

show_sets() ->
    Lists = [lists:seq(1, 20), [c, b, a, d, e], [{I, I * I} || I <- lists:seq(1, 12)],
             ["one", "two", "three", "four"], [1.5, -2, x, <<"y">>, {z}, [w]],
             lists:seq(100, 400, 7)],
    [begin
         S = sets:from_list(L),
         io:format("~w~n", [sets:to_list(S)]),
         io:format("~w~n", [sets:fold(fun(E, Acc) -> [E | Acc] end, [], S)]),
         io:format("~w~n", [sets:to_list(sets:del_element(hd(L), S))])
     end || L <- Lists],
    S1 = sets:from_list(lists:seq(1, 50)),
    S2 = sets:from_list(lists:seq(25, 75, 2)),
    io:format("~w~n", [sets:to_list(sets:union(S1, S2))]),
    io:format("~w~n", [sets:to_list(sets:intersection(S1, S2))]),
    io:format("~w~n", [sets:to_list(sets:subtract(S2, S1))]),
    io:format("~w~n", [sets:to_list(sets:filter(fun(X) -> X rem 3 =:= 0 end, S1))]).

main() ->
    [io:format("~w ~w~n", [T, erlang:phash(T, 1 bsl 32)]) || T <- terms()],
    [io:format("~w~n", [[erlang:phash(T, R) || R <- [1, 2, 16, 1000, 1 bsl 31, 1 bsl 32 - 1]]])
     || T <- [a, "abc", {1, 2}, 1 bsl 70]],
    [io:format("~w~n", [try erlang:phash(a, id(R)) catch C:E -> {C, E} end])
     || R <- [0, -1, 1 bsl 32 + 1, 1 bsl 64, x, 1.0]],
    io:format("~w~n", [erlang:phash(self(), 1 bsl 32) =:= erlang:phash(self(), 1 bsl 32)]),
    show_sets(),
    io:format("~w~n", [proplists:get_keys([a, {b, 1}, {c, 2}, d, {a, 3}, e, {f, 4}, g, {h, 5}, i, j])]),
    io:format("~w~n", [proplists:get_keys([{K, K} || K <- lists:seq(1, 30)])]),
    ok.
