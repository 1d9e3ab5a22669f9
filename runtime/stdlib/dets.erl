%% dets — the parts of heapscope's dets module written in Erlang: the functions that call
%% funs or the ets module (BIFs cannot), and update_counter/3. Everything else in this module
%% is a BIF (runtime/bif/dets.c); these walk the table in chunks with the hidden BIF
%% dets:'$hs_chunk'/2, which returns {Objects, NextCursor} or '$end_of_table'.
-module(dets).
-export([foldl/3, foldr/3, traverse/2, update_counter/3, init_table/2, init_table/3,
         to_ets/2, from_ets/2]).

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

%% As OTP 25's do_update_counter: a set's one object under Key, element Pos (keypos + 1 for a
%% plain increment) plus Incr with Erlang's +, written back. Anything else is badarg.
update_counter(T, Key, Incr) ->
    try
        set = dets:info(T, type),
        [O] = dets:lookup(T, Key),
        Pos = case Incr of
                  {P, _} -> P;
                  _ -> dets:info(T, keypos) + 1
              end,
        I = case Incr of
                {_, I0} -> I0;
                _ -> Incr
            end,
        New = element(Pos, O) + I,
        ok = dets:insert(T, setelement(Pos, O, New)),
        New
    catch
        _:_ -> erlang:error(badarg, [T, Key, Incr])
    end.

init_table(T, F) ->
    init_table(T, F, []).

%% Replaces the table's objects by those InitFun(read) hands out until end_of_input. With
%% {format, bchunk} they are the binaries of dets:bchunk/2 (term_to_binary of one object each).
init_table(T, F, Opts) when is_function(F, 1), is_list(Opts) ->
    Fmt = init_format(Opts),
    case dets:info(T, type) of
        undefined -> erlang:error(badarg, [T, F, Opts]);
        _ -> ok
    end,
    ok = dets:delete_all_objects(T),
    init_loop(T, F, Fmt);
init_table(T, F, Opts) ->
    erlang:error(badarg, [T, F, Opts]).

init_format([]) -> term;
init_format([{format, term} | Os]) -> init_format(Os), term;
init_format([{format, bchunk} | Os]) -> init_format(Os), bchunk;
init_format([{min_no_slots, _} | Os]) -> init_format(Os);
init_format(Os) -> erlang:error(badarg, [Os]).

init_loop(T, F, Fmt) ->
    case F(read) of
        end_of_input ->
            F(close),
            ok;
        {Objs, F2} when is_list(Objs), is_function(F2, 1) ->
            ok = dets:insert(T, init_objects(Fmt, Objs)),
            init_loop(T, F2, Fmt);
        Other ->
            F(close),
            {error, {init_fun, Other}}
    end.

init_objects(term, Objs) -> Objs;
init_objects(bchunk, Bins) -> [binary_to_term(B) || B <- Bins].

%% Every object of the dets table inserted into the ets table; returns the ets table.
to_ets(D, E) ->
    case ets:info(E, type) of
        undefined -> erlang:error(badarg, [D, E]);
        _ -> ok
    end,
    case dets:info(D, type) of
        undefined -> erlang:error(badarg, [D, E]);
        _ -> ok
    end,
    to_ets_loop(D, E, dets:'$hs_chunk'(D, 0)).

to_ets_loop(_D, E, '$end_of_table') ->
    E;
to_ets_loop(D, E, {Objs, Next}) ->
    true = ets:insert(E, Objs),
    to_ets_loop(D, E, dets:'$hs_chunk'(D, Next)).

%% The dets table's objects replaced by the ets table's.
from_ets(D, E) ->
    case ets:info(E, type) =:= undefined orelse dets:info(D, type) =:= undefined of
        true -> erlang:error(badarg, [D, E]);
        false -> ok
    end,
    ok = dets:delete_all_objects(D),
    from_ets_loop(D, E, ets:select(E, [{'_', [], ['$_']}], 256)).

from_ets_loop(_D, _E, '$end_of_table') ->
    ok;
from_ets_loop(D, E, {Objs, Cont}) ->
    ok = dets:insert(D, Objs),
    from_ets_loop(D, E, ets:select(Cont)).
