-module(map_key_pattern).
-export([main/0]).
main() ->
    K = a,
    #{K => V} = #{a => 1},
    V.
