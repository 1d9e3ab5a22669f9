-module('42_misc_exprs').
-export([f/1]).

f(X) ->
    A = X#{},
    B = [X | X],
    C = [X, X | X],
    D = {},
    E = <<X/binary>>,
    F = fun() -> X end(),
    G = (fun erlang:self/0)(),
    H = #{X => X}#{X := X},
    I = [Y || Y <- [X], _ <- [X]],
    J = if X -> 1; not X -> 2 end,
    K = case X of _ when X, X; X -> a end,
    L = X andalso (X orelse X),
    M = begin end_of_block end,
    N = 'end',
    {A, B, C, D, E, F, G, H, I, J, K, L, M, N}.
