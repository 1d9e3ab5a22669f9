-module(syntax_end_missing).
-export([main/0]).
main() ->
    case 1 of
        1 -> ok.
