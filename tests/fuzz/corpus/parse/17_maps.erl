-module('17_maps').
-export([f/1]).

f(M) ->
    A = #{},
    B = #{a => 1, "b" => 2, {c} => [3]},
    C = M#{a := 2},
    D = M#{b => 3, c := 4},
    #{a := V} = M,
    #{a := 1, b := W} = B,
    E = #{a => #{b => #{c => 1}}},
    F = C#{x => 1}#{y => 2},
    G = (maps:get(a, M))#{z => 1},
    H = #{1 + 2 => 3 * 4, V => W},
    {A, B, C, D, V, W, E, F, G, H}.
