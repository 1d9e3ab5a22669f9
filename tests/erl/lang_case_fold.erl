%% OTP's sys_core_fold folds a case on a constant subject when it knows the clause that
%% matches: the case's value is then a constant, which a commutative operator's erlang:Op/2
%% frame lists second, and which K + X turns into a frameless increment (difftest seed 70087).
%% A case on a variable subject keeps the operand order.
-module(lang_case_fold).
-export([main/0, id/1]).

id(X) -> X.

t(N, F) ->
    try F() of
        V -> io:format("~w: ~p~n", [N, V])
    catch
        C:E:S -> io:format("~w: ~p:~p ~p~n", [N, C, E, hd(S)])
    end.

main() ->
    t(1, fun() -> (case #{a => 115, e => -3030731140122} of
                       #{a := X, b := Y} -> X - Y;
                       #{c := Z} when Z > 1 -> Z;
                       #{} -> -1
                   end) band id(false) end),
    t(2, fun() -> (case #{a => 1} of #{a := X} -> X end) band id(false) end),
    t(3, fun() -> (case 3 of 3 -> -1 end) bor id(false) end),
    t(4, fun() -> (case a of b -> 1; _ -> -1 end) bxor id(false) end),
    t(5, fun() -> (case {a, 1} of {a, X} -> X end) * id(false) end),
    t(6, fun() -> (case a of a -> 2 end) + id(false) end),
    t(7, fun() -> id(false) band (case [1, 2] of [_, Y] -> Y end) end),
    t(8, fun() -> (case id(a) of a -> 2; _ -> 3 end) band id(false) end),
    t(10, fun() -> (case x of x -> true end) and id(7) end),
    t(11, fun() -> (case {1, 2} of {_, _, _} -> 1; {_, _} -> 2 end) band id(7) end),
    t(12, fun() -> (case [] of [_ | _] -> 1; [] -> 4 end) bor id(3) end),
    ok.
