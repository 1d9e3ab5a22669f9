-module('06_operators').
-export([f/2]).

f(A, B) ->
    X1 = A + B * 2 - A / B,
    X2 = A div B rem 3,
    X3 = (A + B) * (A - B),
    X4 = A band B bor A bxor B,
    X5 = A bsl 2 bsr 1,
    X6 = bnot A,
    X7 = not (A > B),
    X8 = A and B or A xor B,
    X9 = A andalso B orelse A,
    X10 = A == B, X11 = A /= B, X12 = A =< B, X13 = A < B,
    X14 = A >= B, X15 = A > B, X16 = A =:= B, X17 = A =/= B,
    X18 = [A] ++ [B] ++ [A], X19 = [A] -- [B] -- [A],
    X20 = - - A, X21 = + A, X22 = -A * B, X23 = not not A,
    X24 = A + B + A + B, X25 = A * B * A,
    X26 = 1 + 2 * 3 - 4 / 5 div 6 rem 7,
    X27 = A orelse B andalso A,
    X28 = A < B orelse B < A,
    X29 = [A] ++ [B] -- [A],
    X30 = A + B == B + A,
    {X1, X2, X3, X4, X5, X6, X7, X8, X9, X10, X11, X12, X13, X14, X15, X16, X17,
     X18, X19, X20, X21, X22, X23, X24, X25, X26, X27, X28, X29, X30}.
