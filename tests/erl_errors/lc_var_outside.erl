-module(lc_var_outside).
-export([main/0]).
main() ->
    L = [X || X <- [1]],
    {L, X}.
