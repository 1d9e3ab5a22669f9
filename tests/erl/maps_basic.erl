-module(maps_basic).
-export([main/0]).
main() ->
    M = #{a => 1, b => 2},
    io:format("~p~n", [M]),
    M2 = M#{c => 3},
    io:format("~p~n", [M2]),
    M3 = M2#{a := 10},
    io:format("~p~n", [M3]),
    #{b := B} = M3,
    io:format("~p~n", [B]),
    io:format("~p~n", [maps:get(c, M3)]),
    io:format("~p~n", [maps:find(z, M3)]),
    io:format("~p~n", [maps:keys(M3)]),
    io:format("~p~n", [maps:to_list(M3)]),
    io:format("~p~n", [map_size(M3)]),
    io:format("~p~n", [maps:is_key(a, M3)]),
    K = key,
    io:format("~p~n", [#{K => v, 1 => one}]),
    io:format("~p~n", [catch M#{zz := 1}]),
    io:format("~p~n", [maps:from_list([{I, I * I} || I <- lists:seq(1, 5)])]),
    case M of #{a := 1} -> io:format("matched~n"); _ -> io:format("no~n") end,
    ok.
