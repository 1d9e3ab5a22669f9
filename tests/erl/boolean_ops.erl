-module(boolean_ops).
-export([main/0]).
id(X) -> X.
main() ->
    io:format("~p~n", [[id(true) and id(false), id(true) or id(false), id(true) xor id(true), not id(true)]]),
    io:format("~p~n", [[id(true) andalso id(false), id(false) orelse id(true)]]),
    io:format("~p~n", [id(false) andalso error(never)]),
    io:format("~p~n", [id(true) orelse error(never)]),
    io:format("~p~n", [catch (id(1) andalso true)]),
    ok.
