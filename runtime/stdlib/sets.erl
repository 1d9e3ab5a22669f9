%% sets — unordered sets, as OTP 25's sets module.
%%
%% Two representations, as in OTP 25: version 1 (the default) is the dynamic hash table of
%% Larson as a #set{} record whose buckets are chosen with erlang:phash/2, so the tuple, the
%% bucket order and hence to_list/fold order are OTP's; version 2 (new([{version,2}])) is a
%% map with [] values. Elements are compared with =:= in both.
-module(sets).

-compile({no_auto_import, [size/1]}).
-compile([{nowarn_deprecated_function, [{erlang, phash, 2}]}]).

-export([new/0, is_set/1, size/1, is_empty/1, to_list/1, from_list/1]).
-export([is_element/2, add_element/2, del_element/2]).
-export([union/2, union/1, intersection/2, intersection/1]).
-export([is_disjoint/2]).
-export([subtract/2, is_subset/2]).
-export([fold/3, filter/2]).
-export([new/1, from_list/2]).

-define(seg_size, 16).
-define(max_seg, 32).
-define(expand_load, 5).
-define(contract_load, 3).
-define(exp_size, 80).
-define(con_size, 48).

-record(set, {size = 0, n = ?seg_size, maxn = ?seg_size, bso = 8,
              exp_size = ?exp_size, con_size = ?con_size, empty, segs}).

new() ->
    Empty = mk_seg(?seg_size),
    #set{empty = Empty, segs = {Empty}}.

new([{version, 2}]) -> #{};
new(Opts) ->
    case proplists:get_value(version, Opts, 1) of
        1 -> new();
        2 -> new([{version, 2}])
    end.

from_list(L) -> lists:foldl(fun(E, S) -> add_element(E, S) end, new(), L).

from_list(Ls, [{version, 2}]) -> maps:from_keys(Ls, []);
from_list(Ls, Opts) ->
    case proplists:get_value(version, Opts, 1) of
        1 -> from_list(Ls);
        2 -> from_list(Ls, [{version, 2}])
    end.

is_set(#{}) -> true;
is_set(#set{}) -> true;
is_set(_) -> false.

size(#{} = S) -> map_size(S);
size(#set{size = Size}) -> Size.

is_empty(#{} = S) -> map_size(S) =:= 0;
is_empty(#set{size = Size}) -> Size =:= 0.

to_list(#{} = S) -> maps:keys(S);
to_list(#set{} = S) -> fold(fun(Elem, List) -> [Elem|List] end, [], S).

is_element(E, #{} = S) -> maps:is_key(E, S);
is_element(E, #set{} = S) ->
    Slot = get_slot(S, E),
    Bkt = get_bucket(S, Slot),
    lists:member(E, Bkt).

add_element(E, #{} = S) -> maps:put(E, [], S);
add_element(E, #set{} = S0) ->
    Slot = get_slot(S0, E),
    Bkt = get_bucket(S0, Slot),
    case lists:member(E, Bkt) of
        true -> S0;
        false ->
            S1 = update_bucket(S0, Slot, [E|Bkt]),
            maybe_expand(S1)
    end.

del_element(E, #{} = S) -> maps:remove(E, S);
del_element(E, #set{} = S0) ->
    Slot = get_slot(S0, E),
    Bkt = get_bucket(S0, Slot),
    case lists:member(E, Bkt) of
        false -> S0;
        true ->
            S1 = update_bucket(S0, Slot, lists:delete(E, Bkt)),
            maybe_contract(S1, 1)
    end.

update_bucket(Set, Slot, NewBucket) ->
    SegI = ((Slot - 1) div ?seg_size) + 1,
    BktI = ((Slot - 1) rem ?seg_size) + 1,
    Segs = Set#set.segs,
    Seg = element(SegI, Segs),
    Set#set{segs = setelement(SegI, Segs, setelement(BktI, Seg, NewBucket))}.

union(#{} = S1, #{} = S2) -> maps:merge(S1, S2);
union(S1, S2) ->
    case size(S1) < size(S2) of
        true -> fold(fun(E, S) -> add_element(E, S) end, S2, S1);
        false -> fold(fun(E, S) -> add_element(E, S) end, S1, S2)
    end.

union([S1, S2|Ss]) -> union1(union(S1, S2), Ss);
union([S]) -> S;
union([]) -> new().

union1(S1, [S2|Ss]) -> union1(union(S1, S2), Ss);
union1(S1, []) -> S1.

intersection(#{} = S1, #{} = S2) ->
    case map_size(S1) < map_size(S2) of
        true -> maps:filter(fun(K, _) -> maps:is_key(K, S2) end, S1);
        false -> maps:filter(fun(K, _) -> maps:is_key(K, S1) end, S2)
    end;
intersection(S1, S2) ->
    case size(S1) < size(S2) of
        true -> filter(fun(E) -> is_element(E, S2) end, S1);
        false -> filter(fun(E) -> is_element(E, S1) end, S2)
    end.

intersection([S1, S2|Ss]) -> intersection1(intersection(S1, S2), Ss);
intersection([S]) -> S.

intersection1(S1, [S2|Ss]) -> intersection1(intersection(S1, S2), Ss);
intersection1(S1, []) -> S1.

is_disjoint(#{} = S1, #{} = S2) ->
    case map_size(S1) < map_size(S2) of
        true -> is_disjoint_1(S2, maps:iterator(S1));
        false -> is_disjoint_1(S1, maps:iterator(S2))
    end;
is_disjoint(S1, S2) ->
    case size(S1) < size(S2) of
        true ->
            fold(fun(_, false) -> false;
                    (E, true) -> not is_element(E, S2)
                 end, true, S1);
        false ->
            fold(fun(_, false) -> false;
                    (E, true) -> not is_element(E, S1)
                 end, true, S2)
    end.

is_disjoint_1(Set, Iter) ->
    case maps:next(Iter) of
        {K, _, NextIter} ->
            case maps:is_key(K, Set) of
                true -> false;
                false -> is_disjoint_1(Set, NextIter)
            end;
        none -> true
    end.

subtract(#{} = S1, #{} = S2) -> maps:filter(fun(K, _) -> not maps:is_key(K, S2) end, S1);
subtract(S1, S2) -> filter(fun(E) -> not is_element(E, S2) end, S1).

is_subset(#{} = S1, #{} = S2) ->
    case map_size(S1) > map_size(S2) of
        true -> false;
        false -> is_subset_1(S2, maps:iterator(S1))
    end;
is_subset(S1, S2) ->
    fold(fun(E, Sub) -> Sub andalso is_element(E, S2) end, true, S1).

is_subset_1(Set, Iter) ->
    case maps:next(Iter) of
        {K, _, NextIter} ->
            case maps:is_key(K, Set) of
                true -> is_subset_1(Set, NextIter);
                false -> false
            end;
        none -> true
    end.

fold(F, Acc, #{} = D) when is_function(F, 2) -> maps:fold(fun(K, _, A) -> F(K, A) end, Acc, D);
fold(F, Acc, #set{} = D) when is_function(F, 2) -> fold_set(F, Acc, D).

filter(F, #{} = D) when is_function(F, 1) -> maps:filter(fun(K, _) -> F(K) end, D);
filter(F, #set{} = D) when is_function(F, 1) -> filter_set(F, D).

%% ---- version 1 internals: OTP's dynamic hashing ----

%% Hash on the current range; a slot beyond n has not been split yet: use its buddy.
get_slot(T, Key) ->
    H = erlang:phash(Key, T#set.maxn),
    if
        H > T#set.n -> H - T#set.bso;
        true -> H
    end.

get_bucket(T, Slot) -> get_bucket_s(T#set.segs, Slot).

%% Segments and buckets are visited from the last to the first.
fold_set(F, Acc, D) ->
    Segs = D#set.segs,
    fold_segs(F, Acc, Segs, tuple_size(Segs)).

fold_segs(F, Acc, Segs, I) when I >= 1 ->
    Seg = element(I, Segs),
    fold_segs(F, fold_seg(F, Acc, Seg, tuple_size(Seg)), Segs, I - 1);
fold_segs(_, Acc, _, _) -> Acc.

fold_seg(F, Acc, Seg, I) when I >= 1 ->
    fold_seg(F, fold_bucket(F, Acc, element(I, Seg)), Seg, I - 1);
fold_seg(_, Acc, _, _) -> Acc.

fold_bucket(F, Acc, [E|Bkt]) -> fold_bucket(F, F(E, Acc), Bkt);
fold_bucket(_, Acc, []) -> Acc.

filter_set(F, D) ->
    Segs0 = tuple_to_list(D#set.segs),
    {Segs1, Fc} = filter_seg_list(F, Segs0, [], 0),
    maybe_contract(D#set{segs = list_to_tuple(Segs1)}, Fc).

filter_seg_list(F, [Seg|Segs], Fss, Fc0) ->
    Bkts0 = tuple_to_list(Seg),
    {Bkts1, Fc1} = filter_bkt_list(F, Bkts0, [], Fc0),
    filter_seg_list(F, Segs, [list_to_tuple(Bkts1)|Fss], Fc1);
filter_seg_list(_, [], Fss, Fc) -> {lists:reverse(Fss, []), Fc}.

filter_bkt_list(F, [Bkt0|Bkts], Fbs, Fc0) ->
    {Bkt1, Fc1} = filter_bucket(F, Bkt0, [], Fc0),
    filter_bkt_list(F, Bkts, [Bkt1|Fbs], Fc1);
filter_bkt_list(_, [], Fbs, Fc) -> {lists:reverse(Fbs, []), Fc}.

%% The kept elements come out reversed, as in OTP.
filter_bucket(F, [E|Bkt], Fb, Fc) ->
    case F(E) of
        true -> filter_bucket(F, Bkt, [E|Fb], Fc);
        false -> filter_bucket(F, Bkt, Fb, Fc + 1)
    end;
filter_bucket(_, [], Fb, Fc) -> {Fb, Fc}.

get_bucket_s(Segs, Slot) ->
    SegI = ((Slot - 1) div ?seg_size) + 1,
    BktI = ((Slot - 1) rem ?seg_size) + 1,
    element(BktI, element(SegI, Segs)).

put_bucket_s(Segs, Slot, Bkt) ->
    SegI = ((Slot - 1) div ?seg_size) + 1,
    BktI = ((Slot - 1) rem ?seg_size) + 1,
    Seg = setelement(BktI, element(SegI, Segs), Bkt),
    setelement(SegI, Segs, Seg).

maybe_expand(T0) when T0#set.size + 1 > T0#set.exp_size ->
    T = maybe_expand_segs(T0),
    N = T#set.n + 1,
    Segs0 = T#set.segs,
    Slot1 = N - T#set.bso,
    B = get_bucket_s(Segs0, Slot1),
    Slot2 = N,
    {B1, B2} = rehash(B, Slot1, Slot2, T#set.maxn),
    Segs1 = put_bucket_s(Segs0, Slot1, B1),
    Segs2 = put_bucket_s(Segs1, Slot2, B2),
    T#set{size = T#set.size + 1, n = N, exp_size = N * ?expand_load,
          con_size = N * ?contract_load, segs = Segs2};
maybe_expand(T) -> T#set{size = T#set.size + 1}.

maybe_expand_segs(T) when T#set.n =:= T#set.maxn ->
    T#set{maxn = 2 * T#set.maxn, bso = 2 * T#set.bso,
          segs = expand_segs(T#set.segs, T#set.empty)};
maybe_expand_segs(T) -> T.

maybe_contract(T, Dc) when T#set.size - Dc < T#set.con_size, T#set.n > ?seg_size ->
    N = T#set.n,
    Slot1 = N - T#set.bso,
    Segs0 = T#set.segs,
    B1 = get_bucket_s(Segs0, Slot1),
    Slot2 = N,
    B2 = get_bucket_s(Segs0, Slot2),
    Segs1 = put_bucket_s(Segs0, Slot1, B1 ++ B2),
    Segs2 = put_bucket_s(Segs1, Slot2, []),
    N1 = N - 1,
    maybe_contract_segs(T#set{size = T#set.size - Dc, n = N1,
                              exp_size = N1 * ?expand_load,
                              con_size = N1 * ?contract_load, segs = Segs2});
maybe_contract(T, Dc) -> T#set{size = T#set.size - Dc}.

maybe_contract_segs(T) when T#set.n =:= T#set.bso ->
    T#set{maxn = T#set.maxn div 2, bso = T#set.bso div 2,
          segs = contract_segs(T#set.segs)};
maybe_contract_segs(T) -> T.

rehash([E|T], Slot1, Slot2, MaxN) ->
    {L1, L2} = rehash(T, Slot1, Slot2, MaxN),
    case erlang:phash(E, MaxN) of
        Slot1 -> {[E|L1], L2};
        Slot2 -> {L1, [E|L2]}
    end;
rehash([], _, _, _) -> {[], []}.

mk_seg(16) -> {[], [], [], [], [], [], [], [], [], [], [], [], [], [], [], []}.

%% The segment tuple doubles/halves; its elements beyond the used ones share Empty.
expand_segs(Segs, Empty) ->
    list_to_tuple(tuple_to_list(Segs) ++ lists:duplicate(tuple_size(Segs), Empty)).

contract_segs(Segs) ->
    Ss = tuple_size(Segs) div 2,
    list_to_tuple(lists:sublist(tuple_to_list(Segs), 1, Ss)).
