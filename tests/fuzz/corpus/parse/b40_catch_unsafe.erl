-module(b40_catch_unsafe).
-export([f/0]).
f() ->
    catch (X = 1),
    Y = (true andalso (Z = true)),
    {X, Y, Z}.
