-module(receive_after_unbound).
-export([main/0]).
main() ->
    receive _ -> ok after T -> ok end.
