-module(closures).
-export([main/0]).
counter() -> counter(0).
counter(N) -> {fun() -> N end, fun() -> counter(N + 1) end}.
compose(F, G) -> fun(X) -> F(G(X)) end.
curry(F) -> fun(A) -> fun(B) -> F(A, B) end end.
main() ->
    {Get, Next} = counter(),
    {Get2, _} = Next(),
    io:format("~p ~p~n", [Get(), Get2()]),
    Inc = fun(X) -> X + 1 end,
    Dbl = fun(X) -> X * 2 end,
    io:format("~p~n", [(compose(Inc, Dbl))(5)]),
    io:format("~p~n", [((curry(fun(A, B) -> A - B end))(10))(3)]),
    Fs = [fun() -> I end || I <- [1, 2, 3]],
    io:format("~p~n", [[F() || F <- Fs]]),
    Y = 10,
    Shadow = fun(Y1) -> Y1 + Y end,
    io:format("~p~n", [Shadow(1)]),
    Acc = lists:foldl(fun(E, {S, P}) -> {S + E, P * E} end, {0, 1}, [1, 2, 3, 4]),
    io:format("~p~n", [Acc]),
    ok.
