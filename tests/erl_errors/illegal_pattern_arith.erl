-module(illegal_pattern_arith).
-export([main/0]).
main() ->
    case 3 of
        X + 1 -> X
    end.
