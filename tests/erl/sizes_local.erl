-module(sizes_local).
-export([main/0]).
id(X) -> X.
s(T) -> {erts_debug:flat_size(T), erts_debug:size(T)}.
main() ->
    io:format("~p~n", [s({1, 2, 3})]),
    io:format("~p~n", [s(id({1, 2, 3}))]),
    io:format("~p~n", [s(fun lists:map/2)]),
    X = id(5),
    io:format("~p~n", [s(#{a => X, b => X})]),
    io:format("~p~n", [s(1 bsl 64)]),
    io:format("~p~n", [s(id(1) bsl 64)]),
    io:format("~p~n", [s("abc")]),
    io:format("~p~n", [s(<<"abc">>)]),
    io:format("~p~n", [s([id(1.5)])]),
    ok.
