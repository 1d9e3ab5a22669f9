-module(arith).
-export([main/0]).
id(X) -> X.
main() ->
    io:format("~p~n", [id(7) + id(5)]),
    io:format("~p~n", [id(7) - id(50)]),
    io:format("~p~n", [id(7) * id(6)]),
    io:format("~p~n", [id(7) / id(2)]),
    io:format("~p~n", [id(7) div id(2)]),
    io:format("~p~n", [id(-7) div id(2)]),
    io:format("~p~n", [id(-7) rem id(2)]),
    io:format("~p~n", [id(5) band id(3)]),
    io:format("~p~n", [id(5) bor id(3)]),
    io:format("~p~n", [id(5) bxor id(3)]),
    io:format("~p~n", [bnot id(5)]),
    io:format("~p~n", [id(1) bsl 70]),
    io:format("~p~n", [id(1 bsl 70) bsr 65]),
    io:format("~p~n", [-id(3)]),
    io:format("~p~n", [id(2.5) + id(1)]),
    io:format("~p~n", [id(1.0e10) * id(1.0e10)]),
    io:format("~p~n", [abs(id(-3))]),
    io:format("~p~n", [{max(id(1), id(2)), min(id(1), id(2))}]),
    io:format("~p~n", [{round(id(2.5)), trunc(id(-2.7)), float(id(3))}]),
    ok.
