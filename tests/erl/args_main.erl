-module(args_main).
-export([main/0]).
main() ->
    io:format("~p~n", [lists:sum([X * X || X <- lists:seq(1, 10)])]).
