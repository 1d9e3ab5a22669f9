-module('14_calls').
-export([f/3]).

f(M, F, A) ->
    g(1),
    ?MODULE:g(2),
    lists:reverse([1, 2]),
    M:F(A),
    M:g(A),
    mod:F(A),
    F(A),
    (F)(A),
    (fun g/1)(3),
    (fun(Z) -> Z end)(4),
    apply(M, F, [A]),
    apply(F, [A]),
    erlang:apply(M, F, []),
    {M}:x(),
    (element(1, {M})):g(A),
    g(g(g(1))),
    self() ! {self(), g(1)}.

g(X) -> X.
