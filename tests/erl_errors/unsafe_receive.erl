-module(unsafe_receive).
-export([main/0]).
main() ->
    receive
        a -> A = 1
    after 0 -> ok
    end,
    A.
