-module(error_args).
-export([main/0, f/2]).
f(A, B) -> erlang:error(bad, [A, B]).
main() ->
    try f(1, 2) catch error:R:S -> io:format("~p ~p~n", [R, S]) end,
    try apply(erlang, error, [x]) catch error:R2:S2 -> io:format("~p ~p~n", [R2, S2]) end,
    try apply(erlang, throw, [x]) catch throw:R3:S3 -> io:format("~p ~p~n", [R3, S3]) end,
    ok.
