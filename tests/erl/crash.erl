-module(crash).
-export([main/0]).
main() ->
    io:format("before~n"),
    1 = length([a, b]),
    io:format("not reached~n").
