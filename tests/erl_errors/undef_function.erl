-module(undef_function).
-export([main/0]).
main() ->
    helper(3).
