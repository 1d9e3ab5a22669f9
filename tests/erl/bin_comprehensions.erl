-module(bin_comprehensions).
-export([main/0]).
main() ->
    io:format("~p~n", [<< <<X>> || X <- [1, 2, 3] >>]),
    io:format("~p~n", [<< <<(X * 2):8>> || <<X>> <= <<1, 2, 3>> >>]),
    io:format("~p~n", [[X || <<X:4>> <= <<16#AB, 16#CD>>]]),
    io:format("~p~n", [<< <<X:4>> || X <- [1, 2, 3] >>]),
    io:format("~p~n", [[{A, B} || <<A, B>> <= <<1, 2, 3, 4, 5>>]]),
    io:format("~p~n", [<< <<C>> || <<C>> <= <<"hello">>, C =/= $l >>]),
    ok.
