-module('29_dots').
-export([f/1]).
-record(r, {a}).

f(X) ->
    A = X#r.a,
    B = #r.a,
    C = [1.5, 2.5],
    {A, B, C}.
