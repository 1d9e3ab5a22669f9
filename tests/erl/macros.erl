-module(macros).
-export([main/0]).
-define(PI, 3.14).
-define(SQ(X), ((X) * (X))).
-ifdef(DEBUG).
-define(LOG, debug).
-else.
-define(LOG, nodebug).
-endif.
main() ->
    io:format("~p~n", [?PI]),
    io:format("~p~n", [?SQ(7)]),
    io:format("~p~n", [?LOG]),
    io:format("~p~n", [?MODULE]),
    io:format("~p~n", [?LINE]),
    io:format("~p~n", [?FUNCTION_NAME]),
    ok.
