-module(unsafe_in_after).
-export([main/0]).
main() ->
    try X = id(1), X
    after
        io:format("~p~n", [X])
    end.
id(X) -> X.
