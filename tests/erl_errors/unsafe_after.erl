-module(unsafe_after).
-export([main/0]).
main() ->
    try ok after Y = 1 end,
    Y.
