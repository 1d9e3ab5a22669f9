-module(map_pattern_assoc).
-export([main/0]).
main() ->
    #{a => V} = #{a => 1},
    V.
