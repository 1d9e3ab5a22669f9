-module(process_dict).
-export([main/0]).
main() ->
    put(k, 1),
    put(k2, two),
    io:format("~p~n", [get(k)]),
    io:format("~p~n", [put(k, 5)]),
    io:format("~p~n", [get(k)]),
    io:format("~p~n", [erase(k2)]),
    io:format("~p~n", [get(k2)]),
    ok.
