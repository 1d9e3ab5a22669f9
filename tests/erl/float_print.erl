-module(float_print).
-export([main/0]).
main() ->
    io:format("~p~n", [[0.1, 1.0, 1.0e100, 123.456, -0.0, 1/3, 2.0e-10, 100.0]]),
    io:format("~w~n", [3.14]),
    io:format("~.2f~n", [3.14159]),
    io:format("~e~n", [1234.5]),
    ok.
