-module('37_named_funs').
-export([f/0]).

f() ->
    Fact = fun F(0) -> 1; F(N) -> N * F(N - 1) end,
    Loop = fun Loop(X) when X > 10 -> X; Loop(X) -> Loop(X + 1) end,
    Map = fun M(_, []) -> []; M(G, [H | T]) -> [G(H) | M(G, T)] end,
    {Fact(5), Loop(0), Map(fun(X) -> X * 2 end, [1, 2, 3])}.
