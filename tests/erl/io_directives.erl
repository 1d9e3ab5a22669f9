-module(io_directives).
-export([main/0]).
main() ->
    io:format("~w ~p~n", [[1, 2], "str"]),
    io:format("~s|~10s|~-10s|~n", ["abc", "right", "left"]),
    io:format("~b ~.16b ~8.2.0b~n", [10, 255, 5]),
    io:format("~c~c~n", [$h, $i]),
    io:format("~e ~f ~g~n", [1.0, 2.5, 3.0]),
    io:format("~5.1f|~n", [3.14159]),
    io:format("~~ ~i~n", [ignored]),
    io:format("~P~n", [[1, [2, [3, [4]]]], 3]),
    io:format("~W~n", [{a, {b, {c}}}, 2]),
    io:format("~p~n", [lists:seq(1, 30)]),
    io:format("~10.3.*w|~n", [$., 7]),
    io:put_chars("plain\n"),
    io:format("no args~n"),
    io:format("~ts~n", [<<"bin">>]),
    ok.
