-module('07_match').
-export([f/1]).

f(X) ->
    A = X,
    B = C = X,
    {D, E} = {A, B},
    [H | T] = [C, D, E],
    {ok, _} = {ok, H},
    #{} = #{},
    "ab" ++ Rest = "abcd",
    <<Bin:8, _/binary>> = <<1, 2>>,
    [_, _ | _] = T,
    P = {Q = 1, R = 2},
    self() ! A = B,
    {A, B, C, D, E, H, T, Rest, Bin, P, Q, R}.
