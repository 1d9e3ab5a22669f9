-module(tuples).
-export([main/0]).
main() ->
    T = {a, b, c},
    io:format("~p~n", [element(2, T)]),
    io:format("~p~n", [setelement(2, T, x)]),
    io:format("~p~n", [tuple_size(T)]),
    io:format("~p~n", [tuple_to_list(T)]),
    io:format("~p~n", [list_to_tuple([1, 2])]),
    io:format("~p~n", [erlang:append_element(T, d)]),
    io:format("~p~n", [{}]),
    io:format("~p~n", [{{nested, {deep}}, [T]}]),
    ok.
