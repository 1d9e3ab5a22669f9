%% proplists — property lists, as OTP 25's proplists module. A property is an atom A
%% (short for {A, true}) or a tuple whose first element is the key. Keys are compared
%% with =:=.
-module(proplists).

-export([property/1, property/2, unfold/1, compact/1, lookup/2, lookup_all/2,
         is_defined/2, get_value/2, get_value/3, get_all_values/2, append_values/2,
         get_bool/2, get_keys/1, delete/2, substitute_aliases/2, expand/2,
         substitute_negations/2, normalize/2, split/2, to_map/1, to_map/2, from_map/1]).

property({Key, true}) when is_atom(Key) -> Key;
property(Property) -> Property.

property(Key, true) when is_atom(Key) -> Key;
property(Key, Value) -> {Key, Value}.

unfold([P|Ps]) ->
    if
        is_atom(P) -> [{P, true}|unfold(Ps)];
        true -> [P|unfold(Ps)]
    end;
unfold([]) -> [].

compact(ListIn) -> [property(P) || P <- ListIn].

lookup(Key, [P|Ps]) ->
    if
        is_atom(P), P =:= Key -> {Key, true};
        tuple_size(P) >= 1, element(1, P) =:= Key -> P;
        true -> lookup(Key, Ps)
    end;
lookup(_Key, []) -> none.

lookup_all(Key, [P|Ps]) ->
    if
        is_atom(P), P =:= Key -> [{Key, true}|lookup_all(Key, Ps)];
        tuple_size(P) >= 1, element(1, P) =:= Key -> [P|lookup_all(Key, Ps)];
        true -> lookup_all(Key, Ps)
    end;
lookup_all(_Key, []) -> [].

is_defined(Key, [P|Ps]) ->
    if
        is_atom(P), P =:= Key -> true;
        tuple_size(P) >= 1, element(1, P) =:= Key -> true;
        true -> is_defined(Key, Ps)
    end;
is_defined(_Key, []) -> false.

get_value(Key, List) -> get_value(Key, List, undefined).

get_value(Key, [P|Ps], Default) ->
    if
        is_atom(P), P =:= Key -> true;
        tuple_size(P) >= 1, element(1, P) =:= Key ->
            case P of
                {_, Value} -> Value;
                _ -> Default
            end;
        true -> get_value(Key, Ps, Default)
    end;
get_value(_Key, [], Default) -> Default.

get_all_values(Key, [P|Ps]) ->
    if
        is_atom(P), P =:= Key -> [true|get_all_values(Key, Ps)];
        tuple_size(P) >= 1, element(1, P) =:= Key ->
            case P of
                {_, Value} -> [Value|get_all_values(Key, Ps)];
                _ -> get_all_values(Key, Ps)
            end;
        true -> get_all_values(Key, Ps)
    end;
get_all_values(_Key, []) -> [].

append_values(Key, [P|Ps]) ->
    if
        is_atom(P), P =:= Key -> [true|append_values(Key, Ps)];
        tuple_size(P) >= 1, element(1, P) =:= Key ->
            case P of
                {_, Value} when is_list(Value) -> Value ++ append_values(Key, Ps);
                {_, Value} -> [Value|append_values(Key, Ps)];
                _ -> append_values(Key, Ps)
            end;
        true -> append_values(Key, Ps)
    end;
append_values(_Key, []) -> [].

get_bool(Key, [P|Ps]) ->
    if
        is_atom(P), P =:= Key -> true;
        tuple_size(P) >= 1, element(1, P) =:= Key ->
            case P of
                {_, true} -> true;
                _ -> false
            end;
        true -> get_bool(Key, Ps)
    end;
get_bool(_Key, []) -> false.

%% OTP collects the keys in a (version 1) set, so the order is the set's.
get_keys(Ps) -> sets:to_list(get_keys(Ps, sets:new())).

get_keys([P|Ps], Keys) ->
    if
        is_atom(P) -> get_keys(Ps, sets:add_element(P, Keys));
        tuple_size(P) >= 1 -> get_keys(Ps, sets:add_element(element(1, P), Keys));
        true -> get_keys(Ps, Keys)
    end;
get_keys([], Keys) -> Keys.

delete(Key, [P|Ps]) ->
    if
        is_atom(P), P =:= Key -> delete(Key, Ps);
        tuple_size(P) >= 1, element(1, P) =:= Key -> delete(Key, Ps);
        true -> [P|delete(Key, Ps)]
    end;
delete(_, []) -> [].

substitute_aliases(As, Props) -> [substitute_aliases_1(As, P) || P <- Props].

substitute_aliases_1([{Key, Key1}|As], P) ->
    if
        is_atom(P), P =:= Key -> property(Key1, true);
        tuple_size(P) >= 1, element(1, P) =:= Key -> property(setelement(1, P, Key1));
        true -> substitute_aliases_1(As, P)
    end;
substitute_aliases_1([], P) -> P.

substitute_negations(As, Props) -> [substitute_negations_1(As, P) || P <- Props].

substitute_negations_1([{Key, Key1}|As], P) ->
    if
        is_atom(P), P =:= Key -> property(Key1, false);
        tuple_size(P) >= 1, element(1, P) =:= Key ->
            case P of
                {_, true} -> property(Key1, false);
                {_, false} -> property(Key1, true);
                _ -> property(Key1, true)
            end;
        true -> substitute_negations_1(As, P)
    end;
substitute_negations_1([], P) -> P.

normalize(L, Stages) -> compact(apply_stages(L, Stages)).

apply_stages(L, [{aliases, As}|Xs]) -> apply_stages(substitute_aliases(As, L), Xs);
apply_stages(L, [{expand, Es}|Xs]) -> apply_stages(expand(Es, L), Xs);
apply_stages(L, [{negations, Ns}|Xs]) -> apply_stages(substitute_negations(Ns, L), Xs);
apply_stages(L, []) -> L.

%% Each {Property, Expansion}: the first occurrence of Property's key in Ps is replaced by
%% the Expansion (spliced in when it is a list) if that occurrence equals Property, and
%% the later occurrences of the key are deleted; otherwise Ps is left as it is. Of several
%% expansions in a row for the same key, the first wins.
expand(Es, Ps) when is_list(Ps) ->
    Es1 = [{property(P), V} || {P, V} <- Es],
    splice(expand_all(first_per_key(Es1), Ps)).

expand_all([{P, L}|Es], Ps) -> expand_all(Es, expand_one(P, L, Ps));
expand_all([], Ps) -> Ps.

expand_one(P, L, Ps) ->
    if
        is_atom(P) -> expand_key(P, P, L, Ps);
        tuple_size(P) >= 1 -> expand_key(element(1, P), P, L, Ps);
        true -> Ps
    end.

expand_key(Key, P1, L, [P|Ps]) ->
    if
        is_atom(P), P =:= Key -> expand_at(Key, P1, P, L, Ps);
        tuple_size(P) >= 1, element(1, P) =:= Key -> expand_at(Key, P1, property(P), L, Ps);
        true -> [P|expand_key(Key, P1, L, Ps)]
    end;
expand_key(_, _, _, []) -> [].

expand_at(Key, P1, P, L, Ps) ->
    case P1 =:= P of
        true -> [L|delete(Key, Ps)];
        false -> [P|Ps]
    end.

first_per_key([{K, V}|Ps]) -> [{K, V}|drop_same_key(K, Ps)];
first_per_key([]) -> [].

drop_same_key(K, [{K1, V}|Ps]) ->
    case K =:= K1 of
        true -> drop_same_key(K, Ps);
        false -> [{K1, V}|drop_same_key(K1, Ps)]
    end;
drop_same_key(_, []) -> [].

splice([E|Es]) when is_list(E) -> E ++ splice(Es);
splice([E|Es]) -> [E|splice(Es)];
splice([]) -> [].

split(List, Keys) ->
    {Store, Rest} = split(List, maps:from_list([{K, []} || K <- Keys]), []),
    {[lists:reverse(maps:get(K, Store)) || K <- Keys], lists:reverse(Rest)}.

split([P|Ps], Store, Rest) ->
    if
        is_atom(P) ->
            case maps:is_key(P, Store) of
                true -> split(Ps, prepend(P, P, Store), Rest);
                false -> split(Ps, Store, [P|Rest])
            end;
        tuple_size(P) >= 1 ->
            Key = element(1, P),
            case maps:is_key(Key, Store) of
                true -> split(Ps, prepend(Key, P, Store), Rest);
                false -> split(Ps, Store, [P|Rest])
            end;
        true -> split(Ps, Store, [P|Rest])
    end;
split([], Store, Rest) -> {Store, Rest}.

prepend(Key, Val, Store) -> maps:put(Key, [Val|maps:get(Key, Store)], Store).

%% Built from the end so that the first occurrence of a key wins, as with get_value.
to_map(List) ->
    lists:foldr(fun({K, V}, M) -> maps:put(K, V, M);
                   (T, M) when 1 =< tuple_size(T) -> maps:remove(element(1, T), M);
                   (K, M) when is_atom(K) -> maps:put(K, true, M);
                   (_, M) -> M
                end, #{}, List).

to_map(List, Stages) -> to_map(apply_stages(List, Stages)).

from_map(Map) -> maps:to_list(Map).
