-module(proplists_dict).
-export([main/0]).
main() ->
    P = [{a, 1}, {b, 2}, c],
    io:format("~p~n", [proplists:get_value(b, P)]),
    io:format("~p~n", [proplists:get_bool(c, P)]),
    io:format("~p~n", [orddict:to_list(orddict:store(x, 1, orddict:new()))]),
    io:format("~p~n", [ordsets:union([1, 3], [2, 3])]),
    Q = queue:in(2, queue:in(1, queue:new())),
    io:format("~p~n", [queue:to_list(Q)]),
    io:format("~p~n", [sets:size(sets:from_list([1, 2, 2, 3]))]),
    ok.
