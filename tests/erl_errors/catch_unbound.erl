-module(catch_unbound).
-export([main/0]).
main() ->
    try ok
    catch error:R -> R
    end,
    R.
