%% The line of a record update's badrecord, as OTP 25's erl_expand_records gives it: the line of
%% the field when one field is updated (setelement/3), else the record expression's own line
%% (the anno of its node: a call's name, an operator; difftest seed 80122).
-module(lang_record_update_line).
-export([main/0, id/1]).
-record(r, {a, b = [], c}).
id(X) -> X.
t(N, F) ->
    try F() of V -> io:format("~w: ~p~n", [N, V])
    catch C:E:S -> io:format("~w: ~p:~p ~p~n", [N, C, E, hd(S)]) end.
main() ->
    t(1, fun() ->
        (id(
           c))#r{a = id(1),
                 b = id(2)}
    end),
    t(2, fun() ->
        (id(
           c))#r{a = id(1)}
    end),
    t(3, fun() ->
        (id(
           c))#r{}
    end),
    t(4, fun() ->
        (id(
           c))
           #r{a = id(1),
              b = id(2)}
    end),
    t(5, fun() ->
        (id(
           c))#r{a =
                 id(1),
                 c = 3}
    end),
    t(6, fun() ->
        X = id(c),
        X#r{a =
                 id(1),
                 c = 3}
    end),
    t(7, fun() ->
        X = id(c),
        X
        #r{a =
                 1,
                 c = 3}
    end),
    t(11, fun() ->
        ([]
         ++
         id(c))#r{a = id(1),
                 b = id(2)}
    end),
    t(12, fun() ->
        ([]
         ++
         id(c))#r{
               a = id(1)}
    end),
    t(13, fun() ->
        ([]
         ++
         id(c))#r{b = 1,
               a =
                 2}
    end),
    t(14, fun() ->
        ([]
         ++
         id(c))#r{}
    end),
    t(15, fun() ->
        ([]
         ++
         id(c))#r{c =
                 id(2), a = 1}
    end),
    ok.
