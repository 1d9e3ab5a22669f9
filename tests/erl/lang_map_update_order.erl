-module(lang_map_update_order).
%% Which key a failing map update names (badkey): OTP 25 applies the pairs of a run of
%% adjacent literal keys sorted, '=>' pairs before ':=' pairs, a key given twice once (last
%% value, first operator); every non-literal key is an update of its own, in source order.
-export([main/0, id/1]).

id(X) -> X.

t(N, F) ->
    try F() of
        V -> io:format("~p: ~p~n", [N, V])
    catch
        C:R -> io:format("~p: ~p ~p~n", [N, C, R])
    end.

main() ->
    t(1, fun() -> (id(#{}))#{d := -8, c := 1} end),
    t(2, fun() -> (id(#{}))#{id(d) := -8, c := 1} end),
    t(3, fun() -> (id(#{}))#{d := -8, id(c) := 1} end),
    t(4, fun() -> (id(#{}))#{z := -8, b := 1, id(c) := 1, a := 2} end),
    t(5, fun() -> (id(#{}))#{id(z) := -8, b := 1, id(c) := 1, a := 2} end),
    t(6, fun() -> (id(#{}))#{d := -8, c => 1} end),
    t(7, fun() -> (id(#{a => 1}))#{d := -8, c := 1, 1 := 2, "s" := 3} end),
    t(8, fun() -> (id(#{a => 1}))#{{x} := -8, [] := 1, 1.0 := 2} end),
    t(9, fun() -> (id(#{a => 1}))#{b => 1, b := 2} end),
    t(10, fun() -> (id(#{a => 1}))#{b := 1, b => 2} end),
    t(11, fun() -> (id(#{a => 1}))#{a := 1, a => 2, c => 3} end),
    t(12, fun() -> (id(#{b => 1}))#{c => 0, a := 1, b := 2} end),
    t(13, fun() -> (id(#{b => 1, a => 0}))#{c => 0, a := 1, b := 2, a := 5} end),
    t(14, fun() -> (id(maps:from_list([{K, K} || K <- lists:seq(1, 40)])))#{50 := 1, 45 := 2, 41 := 3} end),
    ok.
