%% OTP 25 compiles arithmetic it knows is on floats to float instructions, which fail without
%% an erlang:Op/2 frame: known from float literals, '/', float/1, math functions, variables,
%% case, if and try whose every branch is a float, and local functions that return floats. A map
%% update evaluates every key and value before it fails, at its own line.
-module(lang_float_ops).
-export([main/0, id/1, g/0]).
id(X) -> X.
f() -> 1.5.
g() -> 2.5.
h(0) -> 1.0; h(N) -> h(N - 1) * 2.0.
k(X) -> case X of a -> 1.0; _ -> error(x) end.
m(X) -> X * 1.5.
p(N, F) ->
    try F() of
        V -> io:format("~p: ~p~n", [N, V])
    catch
        C:R:S -> io:format("~p: ~p:~p ~p~n", [N, C, R, hd(S)])
    end.
main() ->
    X = id(x),
    p(1, fun() -> X + f() end),
    p(2, fun() -> X + g() end),
    p(3, fun() -> X + h(2) end),
    p(4, fun() -> X + k(a) end),
    p(5, fun() -> X + m(2) end),
    p(6, fun() -> X + lang_float_ops:g() end),
    p(7, fun() -> X * case id(1) of 1 -> 2.0; _ -> 3.0 end end),
    p(8, fun() -> X * if X =:= y -> 2.0; true -> 3 end end),
    p(9, fun() -> Y = math:sqrt(4), X - Y end),
    p(10, fun() -> Y = float(id(4)), Y * X end),
    p(11, fun() -> id(2.0) * X end),
    p(12, fun() -> (id(#{a => 1}))#{b := id(io:format("value ")),
                                    a := id(2)} end),
    p(13, fun() -> (try float(id(24)) of V -> V catch throw:_ -> 2.0 end) + X end),
    p(14, fun() -> X - (try id(1.5) * 2 catch _:_ -> error(no) end) end),
    ok.
