-module(lang_float_bifs).
%% Arithmetic on what OTP 25's types know to be a float fails without an erlang:Op/2 frame
%% (float instructions): list_to_float/1 and binary_to_float/1 of a literal (evaluated at
%% compile time), abs/1 of a float, a float segment's value. Of a non-literal they are no
%% float to OTP, nor is max/2 of floats.
-export([main/0, id/1]).

id(X) -> X.

t(N, F) ->
    try F() of
        V -> io:format("~p: ~p~n", [N, V])
    catch
        C:R:S -> io:format("~p: ~p ~p~n    ~p~n", [N, C, R, hd(S)])
    end.

main() ->
    t(1, fun() -> list_to_float("1.0e10") - id(a) end),
    t(2, fun() -> erlang:list_to_float("2.5") * id(a) end),
    t(3, fun() -> binary_to_float(<<"1.5">>) + id(a) end),
    t(4, fun() -> list_to_float(id("1.0")) - id(a) end),
    t(5, fun() -> binary_to_float(id(<<"1.0">>)) - id(a) end),
    t(6, fun() -> abs(id(1.5) / 2) - id(a) end),
    t(7, fun() -> abs(id(-3)) - id(a) end),
    t(8, fun() -> max(id(1.5) / 2, 2.0) - id(a) end),
    t(9, fun() -> erlang:abs(float(id(-2))) * id(b) end),
    t(10, fun() -> list_to_float("1.0e10") - id(4) end),
    t(11, fun() -> <<F:64/float>> = id(<<1.5/float>>), F - id(a) end),
    t(12, fun() -> N = id(32), <<F:N/float, _/bits>> = id(<<2.5:32/float, 1>>), id(a) * F end),
    t(13, fun() -> <<I:64>> = id(<<1.5/float>>), I - id(a) end),
    t(14, fun() -> <<F:64/float>> = id(<<1.5/float>>), (F + 1) - id(a) end),
    ok.
