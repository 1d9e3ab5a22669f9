%% maps:iterator/next over flatmaps and hashmaps (erts_internal:map_next/3): the pairs in
%% OTP's order, the iterator terms OTP 25 builds (resuming at a HAMT path), and the list form
%% maps:to_list's Erlang code uses. How many pairs one call gives depends on the reductions
%% left (on OTP too), so batch boundaries are not printed.
-module(map_iter).
-export([main/0]).

walk(I, Acc) ->
    case maps:next(I) of
        none -> lists:reverse(Acc);
        {K, V, I2} -> walk(I2, [{K, V} | Acc])
    end.

first_keys({K, _, I}, N) when N > 0 -> [K | first_keys(I, N - 1)];
first_keys(_, _) -> [].

id(X) -> X.

main() ->
    Small = #{b => 2, a => 1, 3 => three, "s" => s},
    io:format("~w~n", [maps:iterator(Small)]),
    io:format("~w~n", [maps:next(maps:iterator(Small))]),
    io:format("~w~n", [walk(maps:iterator(Small), [])]),
    io:format("~w~n", [maps:next(maps:iterator(#{}))]),
    Maps = [maps:from_list([{I, I * 2} || I <- lists:seq(1, N)]) || N <- [33, 40, 100, 300]] ++
           [maps:from_list([{{I, [I]}, I} || I <- lists:seq(1, 50)]),
            maps:from_list([{float(I) / 3, <<I>>} || I <- lists:seq(1, 64)])],
    [begin
         L = walk(maps:iterator(M), []),
         io:format("~w ~w~n", [length(L), L =:= maps:to_list(M)]),
         io:format("~w~n", [[K || {K, _} <- L]]),
         %% resuming at paths (those OTP gives after 32 pairs, and others)
         io:format("~w~n", [[try first_keys(erts_internal:map_next(P, M, iterator), 3)
                             catch C:E -> {C, E} end
                             || P <- [0, 1, 2, 11, 17, 30, 37, 97, 255, 1 bsl 40]]]),
         io:format("~w~n", [maps:fold(fun(K, _, A) -> [K | A] end, [], M) =:= lists:reverse([K || {K, _} <- L])])
     end || M <- Maps],
    M40 = maps:from_list([{I, I} || I <- lists:seq(1, 40)]),
    [Path0, M40b | Pairs] = erts_internal:map_next(0, M40, [end_marker]),
    io:format("~w ~w ~w~n", [Path0, M40b =:= M40, Pairs]),
    io:format("~w~n", [erts_internal:map_next(0, #{x => 1, y => 2}, [])]),
    io:format("~w~n", [erts_internal:map_next(0, #{x => 1, y => 2}, iterator)]),
    [io:format("~w~n", [try erts_internal:map_next(P, id(M), T) catch C:E -> {C, E} end])
     || {P, M, T} <- [{0, a, iterator}, {0, #{}, bad}, {3, #{a => 1}, iterator}, {a, M40, iterator},
                      {-1, #{a => 1}, []}, {1 bsl 70, #{a => 1}, iterator}, {15, M40, iterator}]],
    [io:format("~w~n", [try maps:next(It) catch C:E -> {C, E} end]) || It <- [[99 | M40], [a | b], foo]],
    ok.
