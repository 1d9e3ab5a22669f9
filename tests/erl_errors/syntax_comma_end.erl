-module(syntax_comma_end).
-export([main/0]).
main() ->
    X = 1,
    .
