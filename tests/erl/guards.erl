-module(guards).
-export([main/0]).
t(X) when is_atom(X); is_list(X) -> atom_or_list;
t(X) when is_tuple(X), tuple_size(X) =:= 2 -> pair;
t(X) when is_tuple(X) -> tuple;
t(X) when X > 10, X < 20 -> teen;
t(X) when X >= 100 orelse X =< -100 -> big;
t(X) when not is_integer(X) -> notint;
t(X) when X rem 2 == 0 andalso X div 2 > 1 -> even;
t(X) when abs(X) > 0 -> nonzero;
t(_) -> other.
main() ->
    L = [a, "s", {1, 2}, {1, 2, 3}, 15, 150, -150, 1.5, 8, 3, 0, -3],
    io:format("~p~n", [[t(X) || X <- L]]),
    io:format("~p~n", [[X || X <- lists:seq(1, 30), X rem 3 =:= 0, X rem 2 =/= 0]]),
    F = fun(X) when is_map(X) -> map; (X) when is_binary(X) -> bin; (_) -> no end,
    io:format("~p~n", [[F(#{}), F(<<1>>), F(1)]]),
    io:format("~p~n", [if length(L) > 5 -> long; true -> short end]),
    ok.
