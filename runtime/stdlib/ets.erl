%% ets — the parts of OTP 25's ets module written in Erlang: foldl/3 and foldr/3 call a fun,
%% which a BIF cannot. Every other function of the module is a BIF (runtime/bif/ets.c).
-module(ets).
-export([foldl/3, foldr/3]).

foldl(F, Acc, T) ->
    First = ets:first(T),
    foldl_loop(F, Acc, T, First).

foldl_loop(_F, Acc, _T, '$end_of_table') -> Acc;
foldl_loop(F, Acc, T, Key) ->
    Acc1 = lists:foldl(F, Acc, ets:lookup(T, Key)),
    foldl_loop(F, Acc1, T, ets:next(T, Key)).

foldr(F, Acc, T) ->
    Last = ets:last(T),
    foldr_loop(F, Acc, T, Last).

foldr_loop(_F, Acc, _T, '$end_of_table') -> Acc;
foldr_loop(F, Acc, T, Key) ->
    Acc1 = lists:foldr(F, Acc, ets:lookup(T, Key)),
    foldr_loop(F, Acc1, T, ets:prev(T, Key)).
