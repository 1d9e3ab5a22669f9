-module(receive_after).
-export([main/0]).
main() ->
    self() ! hello,
    self() ! {data, 42},
    receive {data, X} -> io:format("~p~n", [X]) end,
    receive M -> io:format("~p~n", [M]) end,
    R = receive _ -> got after 10 -> timeout end,
    io:format("~p~n", [R]),
    ok.
