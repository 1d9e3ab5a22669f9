-module(b24_unsafe_try).
-export([f/0]).
f() ->
    try A = g() of
        _ -> B = 1
    catch
        _ -> ok
    end,
    {A, B}.
g() -> 1.
