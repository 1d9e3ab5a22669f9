%% ets — the parts of OTP 25's ets module written in Erlang: foldl/3 and foldr/3 call a fun,
%% which a BIF cannot, and the functions below them are compositions of BIFs, as OTP's
%% ets.erl has them. Every other function of the module is a BIF (runtime/bif/ets.c).
-module(ets).
-export([foldl/3, foldr/3, match_delete/2, match_spec_run/2, test_ms/2, init_table/2,
         from_dets/2, to_dets/2, repair_continuation/2]).

%% As OTP's: the table is fixed for the walk, so that a key deleted meanwhile does not make
%% next/2 fail (ets_bif_safe_fixtable). OTP's fixed hash table keeps a deleted key's place in
%% its chain; ours does not, so the walk takes the key after the current one before calling F
%% and goes on from there when F deleted the current key (an ordered_set finds the next key
%% of a missing one by itself).
foldl(F, Acc, T) ->
    ets:safe_fixtable(T, true),
    First = ets:first(T),
    try walk(ets:info(T, type), F, Acc, T, First, next, fun lists:foldl/3)
    after ets:safe_fixtable(T, false)
    end.

foldr(F, Acc, T) ->
    ets:safe_fixtable(T, true),
    Last = ets:last(T),
    try walk(ets:info(T, type), F, Acc, T, Last, prev, fun lists:foldr/3)
    after ets:safe_fixtable(T, false)
    end.

walk(_Type, _F, Acc, _T, '$end_of_table', _Dir, _Fold) -> Acc;
walk(ordered_set, F, Acc, T, Key, Dir, Fold) ->
    Acc1 = Fold(F, Acc, ets:lookup(T, Key)),
    walk(ordered_set, F, Acc1, T, ets:Dir(T, Key), Dir, Fold);
walk(Type, F, Acc, T, Key, Dir, Fold) ->
    Pre = ets:Dir(T, Key),
    Acc1 = Fold(F, Acc, ets:lookup(T, Key)),
    Next = case ets:member(T, Key) of
               true -> ets:Dir(T, Key);
               false -> Pre
           end,
    walk(Type, F, Acc1, T, Next, Dir, Fold).

match_delete(T, Pattern) ->
    ets:select_delete(T, [{Pattern, [], [true]}]),
    true.

match_spec_run(List, CompiledMS) ->
    lists:reverse(ets:match_spec_run_r(List, CompiledMS, [])).

test_ms(Term, MS) ->
    case erlang:match_spec_test(Term, MS, table) of
        {ok, Result, _Flags, _Messages} -> {ok, Result};
        {error, _Errors} = Error -> Error
    end.

%% Replaces the table's objects by those InitFun(read) hands out until end_of_input.
init_table(T, F) when is_function(F, 1) ->
    true = ets:delete_all_objects(T),
    init_loop(T, F);
init_table(T, F) ->
    erlang:error(badarg, [T, F]).

init_loop(T, F) ->
    case F(read) of
        end_of_input ->
            true;
        {Objs, F2} when is_list(Objs), is_function(F2, 1) ->
            true = ets:insert(T, Objs),
            init_loop(T, F2);
        Other ->
            erlang:error({badarg, Other}, [T, F])
    end.

%% The dets table's objects added to the ets table (existing ones kept unless overwritten).
from_dets(T, D) ->
    case ets:info(T, type) of
        undefined -> erlang:error(badarg, [T, D]);
        _ -> ok
    end,
    T = dets:to_ets(D, T),
    true.

%% The dets table emptied, then filled with the ets table's objects; returns the dets table.
to_dets(T, D) ->
    case dets:from_ets(D, T) of
        ok -> D;
        {error, Reason} -> erlang:error(Reason, [T, D])
    end.

%% Our continuations are plain terms that survive any trip: nothing to repair.
repair_continuation(Cont, _MS) ->
    Cont.

