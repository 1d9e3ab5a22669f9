-module(unbound_in_fun).
-export([main/0]).
main() ->
    F = fun() -> Z end,
    F().
