-module('26_block').
-export([f/1]).

f(X) ->
    begin
        A = X + 1,
        B = begin A * 2 end,
        {A, B}
    end,
    begin X end.
