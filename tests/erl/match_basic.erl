-module(match_basic).
-export([main/0]).
first([H | _]) -> H.
swap({A, B}) -> {B, A}.
same(X, X) -> true;
same(_, _) -> false.
classify(0) -> zero;
classify(N) when is_integer(N), N < 0 -> negative;
classify(N) when is_integer(N) -> positive;
classify(F) when is_float(F) -> float;
classify(_) -> other.
main() ->
    io:format("~p~n", [first([a, b, c])]),
    io:format("~p~n", [swap({1, 2})]),
    io:format("~p ~p~n", [same(1, 1), same(1, 1.0)]),
    io:format("~p~n", [[classify(X) || X <- [0, -5, 7, 2.5, x]]]),
    {A, [B | C]} = {1, [2, 3, 4]},
    io:format("~p ~p ~p~n", [A, B, C]),
    "abc" ++ Rest = "abcdef",
    io:format("~p~n", [Rest]),
    [X, Y | _] = lists:seq(10, 20),
    io:format("~p~n", [X + Y]),
    T = {point, 3, 4},
    {point, Px, Py} = T,
    io:format("~p~n", [Px * Py]),
    Z = W = 5,
    io:format("~p~n", [Z + W]),
    ok.
