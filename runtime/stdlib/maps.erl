%% maps — the part of OTP 25's maps module that OTP writes in Erlang.
%%
%% The BIFs (find/2, get/2, get/3, from_list/1, from_keys/2, is_key/2, keys/1, merge/2,
%% put/3, remove/2, take/2, to_list/1, update/3, values/1) are provided by the runtime in C
%% and are not defined here.
%%
%% Iteration order. OTP iterates a map in a fixed internal order: for a flatmap (at most 32
%% keys) it is the key order of maps:to_list/1; for a hashmap (more than 32 keys) it is the
%% reverse of maps:to_list/1 (to_list conses the pairs up while walking the HAMT). iter_list/1
%% rebuilds that order from the to_list BIF, so fold/foreach/next and the funs of map/filter
%% see the keys in exactly OTP's order.
%%
%% Iterators: iterator(M) is [0|M] as in OTP; the iterators returned by next/1 are [Pairs|M]
%% with the pairs still to visit (OTP stores a path into the HAMT instead), or none.
-module(maps).

-export([new/0, size/1, map/2, filter/2, filtermap/2, fold/3, foreach/2, with/2,
         without/2, update_with/3, update_with/4, iterator/1, next/1, intersect/2,
         intersect_with/3, merge_with/3, groups_from_list/2, groups_from_list/3]).

new() -> #{}.

size(Map) when is_map(Map) -> map_size(Map);
size(Val) -> erlang:error({badmap, Val}, [Val]).

iterator(M) when is_map(M) -> [0|M];
iterator(M) -> erlang:error({badmap, M}, [M]).

next({K, V, I}) -> {K, V, I};
next([0|Map]) when is_map(Map) -> next_pairs(iter_list(Map), Map);
next([Pairs|Map]) when is_list(Pairs), is_map(Map) -> next_pairs(Pairs, Map);
next(none) -> none;
next(Iter) -> erlang:error(badarg, [Iter]).

next_pairs([{K, V}], _Map) -> {K, V, none};
next_pairs([{K, V}|Rest], Map) -> {K, V, [Rest|Map]};
next_pairs([], _Map) -> none.

iter_list(Map) when map_size(Map) =< 32 -> maps:to_list(Map);
iter_list(Map) -> lists:reverse(maps:to_list(Map)).

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
    if
        map_size(Map1) =< map_size(Map2) ->
            intersect_iterate(next(iterator(Map1)), [], Map2, Combiner);
        true ->
            Swapped = fun(K, V1, V2) -> Combiner(K, V2, V1) end,
            intersect_iterate(next(iterator(Map2)), [], Map1, Swapped)
    end;
intersect_with(Combiner, Map1, Map2) ->
    erlang:error(error_type_merge_intersect(Map1, Map2, Combiner), [Combiner, Map1, Map2]).

intersect_iterate({K, V1, Iter}, Keep, BigMap, Combiner) ->
    Next = next(Iter),
    case maps:find(K, BigMap) of
        {ok, V2} -> intersect_iterate(Next, [{K, Combiner(K, V1, V2)}|Keep], BigMap, Combiner);
        error -> intersect_iterate(Next, Keep, BigMap, Combiner)
    end;
intersect_iterate(none, Keep, _BigMap, _Combiner) -> maps:from_list(Keep).

merge_with(Combiner, Map1, Map2)
  when is_map(Map1), is_map(Map2), is_function(Combiner, 3) ->
    case map_size(Map1) > map_size(Map2) of
        true -> merge_with_1(next(iterator(Map2)), Map1, Combiner);
        false ->
            Swapped = fun(K, V1, V2) -> Combiner(K, V2, V1) end,
            merge_with_1(next(iterator(Map1)), Map2, Swapped)
    end;
merge_with(Combiner, Map1, Map2) ->
    erlang:error(error_type_merge_intersect(Map1, Map2, Combiner), [Combiner, Map1, Map2]).

%% Folds the smaller map into the bigger one; Combiner gets (Key, BigValue, SmallValue).
merge_with_1({K, V2, Iter}, Acc, Combiner) ->
    case maps:find(K, Acc) of
        {ok, V1} -> merge_with_1(next(Iter), maps:update(K, Combiner(K, V1, V2), Acc), Combiner);
        error -> merge_with_1(next(Iter), maps:put(K, V2, Acc), Combiner)
    end;
merge_with_1(none, Acc, _Combiner) -> Acc.

%% OTP walks the reversed list, so Fun sees the elements from last to first.
groups_from_list(Fun, List0) when is_function(Fun, 1) ->
    try lists:reverse(List0) of
        List -> groups_1(Fun, List, #{})
    catch
        error:_ -> erlang:error(badarg, [Fun, List0])
    end;
groups_from_list(Fun, List) -> erlang:error(badarg, [Fun, List]).

groups_1(Fun, [H|Tail], Acc) ->
    K = Fun(H),
    groups_1(Fun, Tail, add_to_group(K, H, Acc));
groups_1(_Fun, [], Acc) -> Acc.

groups_from_list(Fun, ValueFun, List0) when is_function(Fun, 1), is_function(ValueFun, 1) ->
    try lists:reverse(List0) of
        List -> groups_2(Fun, ValueFun, List, #{})
    catch
        error:_ -> erlang:error(badarg, [Fun, ValueFun, List0])
    end;
groups_from_list(Fun, ValueFun, List) -> erlang:error(badarg, [Fun, ValueFun, List]).

groups_2(Fun, ValueFun, [H|Tail], Acc) ->
    K = Fun(H),
    V = ValueFun(H),
    groups_2(Fun, ValueFun, Tail, add_to_group(K, V, Acc));
groups_2(_Fun, _ValueFun, [], Acc) -> Acc.

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
