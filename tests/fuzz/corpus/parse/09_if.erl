-module('09_if').
-export([f/1]).

f(X) ->
    if X > 0 -> pos;
       X < 0, X > -10 -> small_neg;
       X =:= 0; X == 0.0 -> zero;
       true -> other
    end,
    if is_atom(X) -> atom end.
