-module(uncaught_throw).
-export([main/0]).
main() ->
    io:format("start~n"),
    throw(oops).
