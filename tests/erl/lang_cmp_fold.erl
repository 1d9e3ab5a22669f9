%% OTP folds a comparison of two constants of different types by the term order, a binary
%% among them (difftest seed 50192: `(<<182, 242, 232>> > 1.5) or id(R)`): the result is a
%% constant, which the frame of a commutative operator lists second.
-module(lang_cmp_fold).
-export([main/0, id/1]).

-record(r, {a, b = [], c}).

id(X) -> X.

t(N, F) ->
    try F() of
        V -> io:format("~w: ~p~n", [N, V])
    catch
        C:E:S -> io:format("~w: ~p:~p ~p~n", [N, C, E, hd(S)])
    end.

main() ->
    t(1, fun() -> (<<182, 242, 232>> > 1.5) or id(#r{a = 118}) end),
    t(2, fun() -> (<<1>> < 1.5) or id(#r{a = 118}) end),
    t(3, fun() -> (<<"ab">> == [1]) or id(x) end),
    t(4, fun() -> ({a} =< #{}) and id(x) end),
    t(5, fun() -> ([] >= {1, 2}) xor id(x) end),
    t(6, fun() -> (a =/= 1) or id(x) end),
    t(7, fun() -> ("" < "a") or id(x) end),
    t(8, fun() -> (-1 > a) or id(x) end),
    t(9, fun() -> (<<1:4>> > 1) or id(x) end),
    t(10, fun() -> ([1 | 2] > <<>>) or id(x) end),
    t(12, fun() -> (<<1>> > id(1.5)) or id(x) end),
    ok.
