-module(strings).
-export([main/0]).
main() ->
    S = "hello world",
    io:format("~s~n", [S]),
    io:format("~p~n", [S]),
    io:format("~p~n", [length(S)]),
    io:format("~p~n", [string:uppercase(S)]),
    io:format("~p~n", [string:split(S, " ")]),
    io:format("~p~n", [[$a, $b, $\n]]),
    io:format("~p~n", [atom_to_list(hello)]),
    io:format("~p~n", [list_to_atom("abc")]),
    io:format("~p~n", [integer_to_list(255, 16)]),
    io:format("~p~n", [list_to_integer("-42")]),
    io:format("~p~n", ["abc" ++ "def"]),
    io:format("~p~n", [lists:reverse("abc")]),
    io:format("~p~n", [string:join(["a", "b", "c"], ", ")]),
    ok.
