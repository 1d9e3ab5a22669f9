%% maps — the part of OTP 25's maps module that OTP writes in Erlang.
%%
%% The BIFs (find/2, get/2, get/3, from_list/1, from_keys/2, is_key/2, keys/1, merge/2,
%% put/3, remove/2, take/2, to_list/1, update/3, values/1) are provided by the runtime in C
%% and are not defined here.
%%
%% Iteration order. Every traversal (fold, foreach, map, filter, filtermap, intersect_with,
%% merge_with, next) goes through next/1, which, as in OTP 25, asks the runtime's
%% erts_internal:map_next(Path, Map, iterator) for the next batch of pairs, so iterators,
%% their terms and the order of keys are OTP's.
%%
%% Fallback when the runtime lacks erts_internal:map_next/3: the pairs come from the
%% maps:to_list/1 BIF, in its order for a flatmap (at most 32 keys) and reversed for a
%% hashmap, which is OTP's iteration order in both cases (checked on OTP 25 with 300 random
%% maps of up to 3000 keys); only the iterator terms differ ([Pairs|M]).
-module(maps).

-export([new/0, size/1, map/2, filter/2, filtermap/2, fold/3, foreach/2, with/2,
         without/2, update_with/3, update_with/4, iterator/1, next/1, intersect/2,
         intersect_with/3, merge_with/3, groups_from_list/2, groups_from_list/3]).

-ifdef(OTP_CHECK).
%% Only for tests/stdlib/check_otp.sh, which runs this module on OTP as hs_maps: the
%% functions heapscope has as BIFs, forwarded to OTP's.
-export([find/2, get/2, get/3, from_list/1, from_keys/2, is_key/2, keys/1, merge/2,
         put/3, remove/2, take/2, to_list/1, update/3, values/1]).
find(K, M) -> erlang:apply(maps, find, [K, M]).
get(K, M) -> erlang:apply(maps, get, [K, M]).
get(K, M, D) -> erlang:apply(maps, get, [K, M, D]).
from_list(L) -> erlang:apply(maps, from_list, [L]).
from_keys(L, V) -> erlang:apply(maps, from_keys, [L, V]).
is_key(K, M) -> erlang:apply(maps, is_key, [K, M]).
keys(M) -> erlang:apply(maps, keys, [M]).
merge(M1, M2) -> erlang:apply(maps, merge, [M1, M2]).
put(K, V, M) -> erlang:apply(maps, put, [K, V, M]).
remove(K, M) -> erlang:apply(maps, remove, [K, M]).
take(K, M) -> erlang:apply(maps, take, [K, M]).
to_list(M) -> erlang:apply(maps, to_list, [M]).
update(K, V, M) -> erlang:apply(maps, update, [K, V, M]).
values(M) -> erlang:apply(maps, values, [M]).
-endif.

new() -> #{}.

size(Map) when is_map(Map) -> map_size(Map);
size(Val) -> erlang:error({badmap, Val}, [Val]).

iterator(M) when is_map(M) -> [0|M];
iterator(M) -> erlang:error({badmap, M}, [M]).

next({K, V, I}) -> {K, V, I};
next([Path|Map] = Iter) when (is_integer(Path) orelse is_atom(Path)), is_map(Map) ->
    try
        erts_internal:map_next(Path, Map, iterator)
    catch
        error:undef when Path =:= 0 -> next_pairs(iter_list(Map), Map);
        error:undef -> erlang:error(badarg, [Iter])
    end;
next([Pairs|Map]) when is_list(Pairs), is_map(Map) -> next_pairs(Pairs, Map);
next(none) -> none;
next(Iter) -> erlang:error(badarg, [Iter]).

next_pairs([{K, V}], _Map) -> {K, V, none};
next_pairs([{K, V}|Rest], Map) -> {K, V, [Rest|Map]};
next_pairs([], _Map) -> none.

iter_list(Map) ->
    case map_size(Map) =< 32 of
        true -> maps:to_list(Map);
        false -> lists:reverse(maps:to_list(Map))
    end.

%% The first step of an iteration, raising {badmap, MapOrIter} for anything that is
%% neither a map nor an iterator (OTP catches the error of its first next/1).
first(MapOrIter) when is_map(MapOrIter) -> next(iterator(MapOrIter));
first(Iter) ->
    try next(Iter) of
        Res -> Res
    catch
        error:_ -> bad
    end.

map(Fun, MapOrIter) when is_function(Fun, 2) ->
    case first(MapOrIter) of
        bad -> erlang:error({badmap, MapOrIter}, [Fun, MapOrIter]);
        Res -> maps:from_list(map_1(Fun, Res))
    end;
map(Fun, MapOrIter) -> erlang:error(badarg, [Fun, MapOrIter]).

map_1(Fun, {K, V, Iter}) -> [{K, Fun(K, V)}|map_1(Fun, next(Iter))];
map_1(_Fun, none) -> [].

filter(Pred, MapOrIter) when is_function(Pred, 2) ->
    case first(MapOrIter) of
        bad -> erlang:error({badmap, MapOrIter}, [Pred, MapOrIter]);
        Res -> maps:from_list(filter_1(Pred, Res))
    end;
filter(Pred, MapOrIter) -> erlang:error(badarg, [Pred, MapOrIter]).

filter_1(Pred, {K, V, Iter}) ->
    case Pred(K, V) of
        true -> [{K, V}|filter_1(Pred, next(Iter))];
        false -> filter_1(Pred, next(Iter))
    end;
filter_1(_Pred, none) -> [].

filtermap(Fun, MapOrIter) when is_function(Fun, 2) ->
    case first(MapOrIter) of
        bad -> erlang:error({badmap, MapOrIter}, [Fun, MapOrIter]);
        Res -> maps:from_list(filtermap_1(Fun, Res))
    end;
filtermap(Fun, MapOrIter) -> erlang:error(badarg, [Fun, MapOrIter]).

filtermap_1(Fun, {K, V, Iter}) ->
    case Fun(K, V) of
        true -> [{K, V}|filtermap_1(Fun, next(Iter))];
        {true, NewV} -> [{K, NewV}|filtermap_1(Fun, next(Iter))];
        false -> filtermap_1(Fun, next(Iter))
    end;
filtermap_1(_Fun, none) -> [].

fold(Fun, Init, MapOrIter) when is_function(Fun, 3) ->
    case first(MapOrIter) of
        bad -> erlang:error({badmap, MapOrIter}, [Fun, Init, MapOrIter]);
        Res -> fold_1(Fun, Init, Res)
    end;
fold(Fun, Init, MapOrIter) -> erlang:error(badarg, [Fun, Init, MapOrIter]).

fold_1(Fun, Acc, {K, V, Iter}) -> fold_1(Fun, Fun(K, V, Acc), next(Iter));
fold_1(_Fun, Acc, none) -> Acc.

foreach(Fun, MapOrIter) when is_function(Fun, 2) ->
    case first(MapOrIter) of
        bad -> erlang:error({badmap, MapOrIter}, [Fun, MapOrIter]);
        Res -> foreach_1(Fun, Res)
    end;
foreach(Fun, MapOrIter) -> erlang:error(badarg, [Fun, MapOrIter]).

foreach_1(Fun, {K, V, Iter}) -> Fun(K, V), foreach_1(Fun, next(Iter));
foreach_1(_Fun, none) -> ok.

with(Ks, Map1) when is_list(Ks), is_map(Map1) -> maps:from_list(with_1(Ks, Map1));
with(Ks, M) -> erlang:error(error_type(M), [Ks, M]).

with_1([K|Ks], Map) ->
    case maps:find(K, Map) of
        {ok, V} -> [{K, V}|with_1(Ks, Map)];
        error -> with_1(Ks, Map)
    end;
with_1([], _Map) -> [].

without(Ks, M) when is_list(Ks), is_map(M) -> without_1(Ks, M);
without(Ks, M) -> erlang:error(error_type(M), [Ks, M]).

without_1([K|Ks], M) -> without_1(Ks, maps:remove(K, M));
without_1([], M) -> M.

update_with(Key, Fun, Map) when is_function(Fun, 1), is_map(Map) ->
    case maps:find(Key, Map) of
        {ok, Value} -> maps:update(Key, Fun(Value), Map);
        error -> erlang:error({badkey, Key}, [Key, Fun, Map])
    end;
update_with(Key, Fun, Map) -> erlang:error(error_type(Map), [Key, Fun, Map]).

update_with(Key, Fun, Init, Map) when is_function(Fun, 1), is_map(Map) ->
    case maps:find(Key, Map) of
        {ok, Value} -> maps:update(Key, Fun(Value), Map);
        error -> maps:put(Key, Init, Map)
    end;
update_with(Key, Fun, Init, Map) -> erlang:error(error_type(Map), [Key, Fun, Init, Map]).

intersect(Map1, Map2) when is_map(Map1), is_map(Map2) ->
    intersect_with(fun(_K, _V1, V2) -> V2 end, Map1, Map2);
intersect(Map1, Map2) -> erlang:error(error_type_two_maps(Map1, Map2), [Map1, Map2]).

intersect_with(Combiner, Map1, Map2)
  when is_map(Map1), is_map(Map2), is_function(Combiner, 3) ->
    case map_size(Map1) =< map_size(Map2) of
        true ->
            intersect_with_iterate(next(iterator(Map1)), [], Map2, Combiner);
        false ->
            Swapped = fun(K, V1, V2) -> Combiner(K, V2, V1) end,
            intersect_with_iterate(next(iterator(Map2)), [], Map1, Swapped)
    end;
intersect_with(Combiner, Map1, Map2) ->
    erlang:error(error_type_merge_intersect(Map1, Map2, Combiner), [Combiner, Map1, Map2]).

intersect_with_iterate({K, V1, Iter}, Keep, BigMap, Combiner) ->
    Next = next(Iter),
    case maps:find(K, BigMap) of
        {ok, V2} -> intersect_with_iterate(Next, [{K, Combiner(K, V1, V2)}|Keep], BigMap, Combiner);
        error -> intersect_with_iterate(Next, Keep, BigMap, Combiner)
    end;
intersect_with_iterate(none, Keep, _BigMap, _Combiner) -> maps:from_list(Keep).

merge_with(Combiner, Map1, Map2)
  when is_map(Map1), is_map(Map2), is_function(Combiner, 3) ->
    case map_size(Map1) > map_size(Map2) of
        true -> merge_with_1(next(iterator(Map2)), Map1, Map2, Combiner);
        false ->
            Swapped = fun(K, V1, V2) -> Combiner(K, V2, V1) end,
            merge_with_1(next(iterator(Map1)), Map2, Map1, Swapped)
    end;
merge_with(Combiner, Map1, Map2) ->
    erlang:error(error_type_merge_intersect(Map1, Map2, Combiner), [Combiner, Map1, Map2]).

%% Folds the smaller map (Small, walked by the iterator) into the bigger one; Combiner gets
%% (Key, BigValue, SmallValue). Small rides along unused, as in OTP (merge_with_1/4 frames).
merge_with_1({K, V2, Iter}, Acc, Small, Combiner) ->
    case maps:find(K, Acc) of
        {ok, V1} -> merge_with_1(next(Iter), maps:update(K, Combiner(K, V1, V2), Acc), Small, Combiner);
        error -> merge_with_1(next(Iter), maps:put(K, V2, Acc), Small, Combiner)
    end;
merge_with_1(none, Acc, _Small, _Combiner) -> Acc.

%% OTP walks the reversed list, so Fun sees the elements from last to first.
%% The walk is a tail call outside the try, as OTP's (its try ... of body), so no frame of
%% groups_from_list/2,3 stays under a failing Fun.
groups_from_list(Fun, List0) when is_function(Fun, 1) ->
    List = try lists:reverse(List0)
           catch error:_ -> erlang:error(badarg, [Fun, List0])
           end,
    groups_from_list_1(Fun, List, #{});
groups_from_list(Fun, List) -> erlang:error(badarg, [Fun, List]).

groups_from_list_1(Fun, [H|Tail], Acc) ->
    K = Fun(H),
    groups_from_list_1(Fun, Tail, add_to_group(K, H, Acc));
groups_from_list_1(_Fun, [], Acc) -> Acc.

groups_from_list(Fun, ValueFun, List0) when is_function(Fun, 1), is_function(ValueFun, 1) ->
    List = try lists:reverse(List0)
           catch error:_ -> erlang:error(badarg, [Fun, ValueFun, List0])
           end,
    groups_from_list_2(Fun, ValueFun, List, #{});
groups_from_list(Fun, ValueFun, List) -> erlang:error(badarg, [Fun, ValueFun, List]).

groups_from_list_2(Fun, ValueFun, [H|Tail], Acc) ->
    K = Fun(H),
    V = ValueFun(H),
    groups_from_list_2(Fun, ValueFun, Tail, add_to_group(K, V, Acc));
groups_from_list_2(_Fun, _ValueFun, [], Acc) -> Acc.

add_to_group(K, V, Acc) ->
    case maps:find(K, Acc) of
        {ok, Vs} -> maps:update(K, [V|Vs], Acc);
        error -> maps:put(K, [V], Acc)
    end.

error_type(M) when is_map(M) -> badarg;
error_type(V) -> {badmap, V}.

error_type_two_maps(M1, M2) when is_map(M1) -> {badmap, M2};
error_type_two_maps(M1, _M2) -> {badmap, M1}.

error_type_merge_intersect(M1, M2, Combiner) when is_function(Combiner, 3) ->
    error_type_two_maps(M1, M2);
error_type_merge_intersect(_M1, _M2, _Combiner) -> badarg.
