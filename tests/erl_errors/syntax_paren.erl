-module(syntax_paren).
-export([main/0]).
main() ->
    io:format("~p~n", [foo(]).
