-module(pattern_map_update).
-export([main/0]).
main() -> f(#{}).
f(M#{a := 1}) -> M.
