-module('13_funs').
-export([f/5]).

f(X, Y, M, F, Ar) ->
    F1 = fun() -> ok end,
    F2 = fun(A) -> A + X end,
    F3 = fun(A, B) when A > B -> A; (A, _) -> A end,
    F4 = fun f/5,
    F5 = fun lists:map/2,
    F6 = {fun mod:F/Ar, fun M:f/1, fun M:F/Ar, fun mod:f/Ar},
    F7 = fun Fact(0) -> 1; Fact(N) -> N * Fact(N - 1) end,
    F8 = fun X:Y/2,
    F9 = fun erlang:'+'/2,
    F10 = fun ({a, B}) -> B; ([]) -> nil end,
    {F1, F2, F3, F4, F5, F6, F7, F8, F9, F10}.
