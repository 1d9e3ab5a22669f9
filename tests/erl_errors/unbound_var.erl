-module(unbound_var).
-export([main/0]).
main() ->
    X + 1.
