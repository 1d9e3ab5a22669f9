-module(receive_order).
-export([main/0]).
drain(Acc) -> receive M -> drain([M | Acc]) after 0 -> lists:reverse(Acc) end.
main() ->
    [self() ! N || N <- [1, 2, 3, 4, 5]],
    R1 = receive X when X > 3 -> X end,
    R2 = receive {never} -> no after 5 -> timeout end,
    R3 = receive 2 -> two end,
    io:format("~p ~p ~p ~p~n", [R1, R2, R3, drain([])]),
    self() ! {a, 1}, self() ! {b, 2},
    R4 = receive {b, V} -> V; {a, V} -> {a, V} end,
    io:format("~p ~p~n", [R4, drain([])]),
    T0 = erlang:monotonic_time(millisecond),
    receive after 50 -> ok end,
    T1 = erlang:monotonic_time(millisecond),
    io:format("~p~n", [T1 - T0 >= 50]).
