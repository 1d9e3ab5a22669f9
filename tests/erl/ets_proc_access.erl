-module(ets_proc_access).
-export([main/0]).

%% Access rules seen from a process that does not own the table: protected tables can be
%% read but not written, private ones neither, public ones both; only the owner may delete,
%% give away, set the heir of or rename a table that is not public (and some not even then).

err(F) -> try F() catch C:R -> {C, R} end.

%% Every operation from a process other than the owner, with its result or error.
ops(T) ->
    [{lookup, err(fun() -> ets:lookup(T, 1) end)},
     {lookup_element, err(fun() -> ets:lookup_element(T, 1, 2) end)},
     {member, err(fun() -> ets:member(T, 1) end)},
     {first, err(fun() -> ets:first(T) end)},
     {next, err(fun() -> ets:next(T, 1) end)},
     {last, err(fun() -> ets:last(T) end)},
     {tab2list, err(fun() -> lists:sort(ets:tab2list(T)) end)},
     {select, err(fun() -> lists:sort(ets:select(T, [{{'$1', '_'}, [], ['$1']}])) end)},
     {select3, err(fun() -> element(1, ets:select(T, [{'_', [], [true]}], 1)) end)},
     {select_count, err(fun() -> ets:select_count(T, [{'_', [], [true]}]) end)},
     {match, err(fun() -> lists:sort(ets:match(T, {'$1', '_'})) end)},
     {match_object, err(fun() -> length(ets:match_object(T, '_')) end)},
     {foldl, err(fun() -> ets:foldl(fun(_, A) -> A + 1 end, 0, T) end)},
     {slot, err(fun() -> is_list(ets:slot(T, 0)) end)},
     {info_size, err(fun() -> ets:info(T, size) end)},
     {info_prot, err(fun() -> ets:info(T, protection) end)},
     {insert, err(fun() -> ets:insert(T, {10, 10}) end)},
     {insert_new, err(fun() -> ets:insert_new(T, {11, 11}) end)},
     {update_counter, err(fun() -> ets:update_counter(T, 1, 5) end)},
     {update_element, err(fun() -> ets:update_element(T, 2, {2, x}) end)},
     {delete_key, err(fun() -> ets:delete(T, 3) end)},
     {delete_object, err(fun() -> ets:delete_object(T, {4, 4}) end)},
     {take, err(fun() -> ets:take(T, 5) end)},
     {select_delete, err(fun() -> ets:select_delete(T, [{{6, '_'}, [], [true]}]) end)},
     {select_replace, err(fun() -> ets:select_replace(T, [{{7, '_'}, [], [{{7, seven}}]}]) end)},
     {match_delete, err(fun() -> ets:match_delete(T, {8, '_'}) end)},
     {setopts, err(fun() -> ets:setopts(T, {heir, none}) end)},
     {give_away, err(fun() -> ets:give_away(T, self(), x) end)},
     {delete_all, err(fun() -> ets:delete_all_objects(T) end)},
     {rename, err(fun() -> ets:rename(T, renamed_by_other) end)},
     {delete, err(fun() -> ets:delete(renamed_by_other) end)},
     {delete, err(fun() -> ets:delete(T) end)}].

%% Runs ops(T) in another process and returns its answers.
from_other(T) ->
    Me = self(),
    P = spawn(fun() -> Me ! {self(), ops(T)} end),
    receive {P, R} -> R end.

fill(T) -> ets:insert(T, [{I, I} || I <- lists:seq(1, 9)]).

main() ->
    lists:foreach(fun({Type, Prot}) ->
        T = ets:new(acc, [Type, Prot, named_table]),
        fill(T),
        io:format("~p ~p:~n", [Type, Prot]),
        [io:format("  ~p~n", [R]) || R <- from_other(T)],
        io:format("  after: exists ~p ~p, owner is me ~p~n",
                  [ets:info(acc) =/= undefined, ets:info(renamed_by_other) =/= undefined, ets:info(acc, owner) =:= self()]),
        io:format("  contents ~p~n", [err(fun() -> lists:sort(ets:tab2list(acc)) end)]),
        catch ets:delete(acc),
        catch ets:delete(renamed_by_other)
    end, [{T, P} || T <- [set, ordered_set, bag], P <- [protected, private, public]]),
    %% an unnamed protected table whose tid reached another process: reads work there
    U = ets:new(u, []),
    ets:insert(U, {k, 1}),
    Me = self(),
    spawn(fun() -> Me ! {u, ets:lookup(U, k), err(fun() -> ets:insert(U, {k, 2}) end)} end),
    receive {u, A, B} -> io:format("unnamed protected: ~p ~p~n", [A, B]) end,
    %% the owner itself may do everything on a private table
    V = ets:new(v, [private]),
    io:format("owner on private: ~p ~p ~p~n", [ets:insert(V, {a, 1}), ets:lookup(V, a), ets:delete(V)]),
    ok.
