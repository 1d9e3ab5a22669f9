%% dets — the parts of heapscope's dets module written in Erlang: the functions that call
%% funs (BIFs cannot). Everything else in this module is a BIF (runtime/bif/dets.c); these walk
%% the table in chunks with the hidden BIF dets:'$hs_chunk'/2, which returns
%% {Objects, NextCursor} or '$end_of_table'.
-module(dets).
-export([foldl/3, foldr/3, traverse/2]).

foldl(F, Acc, T) when is_function(F, 2) ->
    fold(F, Acc, T, dets:'$hs_chunk'(T, 0));
foldl(F, Acc, T) ->
    erlang:error(badarg, [F, Acc, T]).

foldr(F, Acc, T) ->
    foldl(F, Acc, T).

fold(_F, Acc, _T, '$end_of_table') ->
    Acc;
fold(F, Acc, T, {Objs, Next}) ->
    fold(F, lists:foldl(F, Acc, Objs), T, dets:'$hs_chunk'(T, Next)).

traverse(T, F) when is_function(F, 1) ->
    trav(T, F, dets:'$hs_chunk'(T, 0), []);
traverse(T, F) ->
    erlang:error(badarg, [T, F]).

trav(_T, _F, '$end_of_table', Acc) ->
    Acc;
trav(T, F, {Objs, Next}, Acc) ->
    trav_objs(T, F, Objs, Next, Acc).

trav_objs(T, F, [], Next, Acc) ->
    trav(T, F, dets:'$hs_chunk'(T, Next), Acc);
trav_objs(T, F, [O | Os], Next, Acc) ->
    case F(O) of
        continue -> trav_objs(T, F, Os, Next, Acc);
        {continue, V} -> trav_objs(T, F, Os, Next, [V | Acc]);
        {done, V} -> [V | Acc];
        Other -> Other
    end.
