-module('10_receive').
-export([f/0, g/1, h/0]).

f() ->
    receive
        {msg, X} -> X;
        stop -> ok;
        Other when is_tuple(Other) -> Other
    end.

g(T) ->
    receive
        M -> M
    after T * 1000 ->
        timeout
    end.

h() ->
    receive after 100 -> done end.
