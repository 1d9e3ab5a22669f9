-module('12_catch').
-export([f/1]).

f(X) ->
    A = catch X(),
    B = (catch X()) + 1,
    C = 1 + catch 2 * 3,
    D = - catch X,
    catch throw(x),
    E = [catch a, catch b],
    {A, B, C, D, E, catch X = 1}.
