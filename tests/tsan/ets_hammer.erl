%% ETS under many schedulers: W processes insert, update, delete, look up, take and select at
%% once in one public set (write_concurrency, read_concurrency) and one public ordered_set,
%% while readers walk both tables whole, and others race to insert_new shared keys and to
%% create, fill and lose (by exiting) tables of their own. Everything a worker checks is
%% exact: its own keys are touched by it alone, a shared key has exactly one insert_new
%% winner, the shared counters count every update. Prints true when every check holds.
-module(ets_hammer).
-export([main/1]).

main([]) -> main(["32", "2000"]);
main([WS, KS]) ->
    W = list_to_integer(WS), K = list_to_integer(KS),
    S = ets:new(hammer_set, [set, public, {write_concurrency, true}, {read_concurrency, true}]),
    O = ets:new(hammer_oset, [ordered_set, public, {write_concurrency, true}]),
    ets:insert(S, {counter, 0}),
    ets:insert(O, {counter, 0}),
    Me = self(),
    Readers = [spawn_link(fun() -> reader(Me, S, O, 0) end) || _ <- lists:seq(1, 4)],
    Workers = [spawn_link(fun() -> Me ! {done, I, worker(I, K, S, O)} end) || I <- lists:seq(1, W)],
    Churn = [spawn_link(fun() -> Me ! {churned, churn(I, 50)} end) || I <- lists:seq(1, 8)],
    Results = [receive {done, I, R} -> R end || I <- lists:seq(1, W)],
    ChurnOk = [receive {churned, R} -> R end || _ <- Churn],
    [R ! stop || R <- Readers],
    ReadOk = [receive {read, R, N} -> N > 0 end || R <- Readers],
    Own = [ok || {ok, _} <- Results] =:= lists:duplicate(W, ok),
    Wins = lists:sum([N || {ok, N} <- Results]),
    Shared = 500,
    Live = K - K div 3, % each worker deletes one key in three (J rem 3 =:= 0)
    Checks = [{own_keys, Own},
              {insert_new_wins, Wins =:= 2 * Shared},
              {counter_set, ets:lookup_element(S, counter, 2) =:= W * K},
              {counter_oset, ets:lookup_element(O, counter, 2) =:= W * K},
              {size_set, ets:info(S, size) =:= W * Live + Shared + 1},
              {size_oset, ets:info(O, size) =:= W * Live + Shared + 1},
              {select_count, ets:select_count(S, [{{{'_', '_'}, '_'}, [], [true]}]) =:= W * Live + Shared},
              {oset_order, check_order(O)},
              {readers, lists:all(fun(B) -> B end, ReadOk)},
              {churn, lists:all(fun(B) -> B end, ChurnOk)},
              {tables_left, [X || X <- ets:all(), lists:member(ets:info(X, name), [u | churn_names()])] =:= []}],
    case [C || {_, false} = C <- Checks] of
        [] -> io:format("true~n");
        Bad -> io:format("failed: ~p~n", [Bad])
    end.

%% Worker I: keys {I, J} for J in 1..K in both tables, then for each J: update_counter (J rem 3
%% =:= 1), delete (=:= 0, with take on the set), lookup and member of the rest; the shared
%% counters once per J; insert_new on shared keys {shared, X}; select of its own keys now and
%% then. Returns {ok, Wins} or {bad, What}.
worker(I, K, S, O) ->
    [begin ets:insert(S, {{I, J}, J}), ets:insert(O, {{I, J}, J}) end || J <- lists:seq(1, K)],
    Wins = lists:foldl(fun(J, Acc) ->
        ets:update_counter(S, counter, 1),
        ets:update_counter(O, counter, {2, 1}),
        case J rem 3 of
            1 -> ets:update_counter(S, {I, J}, 10), ets:update_counter(O, {I, J}, {2, 10});
            0 -> [{_, J}] = ets:take(S, {I, J}), true = ets:delete(O, {I, J});
            2 -> [{_, J}] = ets:lookup(S, {I, J}), true = ets:member(O, {I, J})
        end,
        X = (J * 7919 + I * 104729) rem 500,
        W1 = case ets:insert_new(S, {{shared, X}, I}) of true -> 1; false -> 0 end,
        W2 = case ets:insert_new(O, {{shared, X}, I}) of true -> 1; false -> 0 end,
        case J rem 500 of
            0 -> %% keys J' =< J with J' rem 3 =:= 0 are gone, the rest are all there
                 Gone = J div 3,
                 Gone = K - ets:select_count(S, [{{{I, '_'}, '_'}, [], [true]}]),
                 Gone = J - length(ets:select(O, [{{{I, '$1'}, '_'}, [{'=<', '$1', J}], ['$1']}]));
            _ -> ok
        end,
        Acc + W1 + W2
    end, 0, lists:seq(1, K)),
    check_own(I, K, S, O, Wins).

check_own(I, K, S, O, Wins) ->
    Want = [{{I, J}, case J rem 3 of 1 -> J + 10; _ -> J end} || J <- lists:seq(1, K), J rem 3 =/= 0],
    GotS = lists:sort(ets:select(S, [{{{I, '_'}, '_'}, [], ['$_']}])),
    GotO = ets:select(O, [{{{I, '_'}, '_'}, [], ['$_']}]),
    if GotS =:= Want, GotO =:= Want -> {ok, Wins};
       true -> {bad, I}
    end.

%% Walks both tables whole until told to stop; reports how many walks it made.
reader(Parent, S, O, N) ->
    receive stop -> Parent ! {read, self(), N}
    after 0 ->
        _ = ets:tab2list(S),
        _ = ets:select_count(O, [{'_', [], [true]}]),
        _ = walk(O, ets:first(O), 0),
        _ = ets:foldl(fun(_, A) -> A + 1 end, 0, S),
        reader(Parent, S, O, N + 1)
    end.

walk(_, '$end_of_table', N) -> N;
walk(T, K, N) -> walk(T, ets:next(T, K), N + 1).

%% Creates and fills tables, some named, some with an heir that exits first, and lets its own
%% exit or ets:delete drop them; true when each behaved.
churn(_, 0) -> true;
churn(I, N) ->
    Me = self(),
    Name = list_to_atom("churn_" ++ integer_to_list(I)),
    {P, R} = spawn_monitor(fun() ->
        T = ets:new(Name, [named_table, public, {heir, Me, N}]),
        ets:insert(T, [{X, X} || X <- lists:seq(1, 100)]),
        U = ets:new(u, [ordered_set]),
        ets:insert(U, [{X} || X <- lists:seq(1, 100)]),
        Me ! {made, self()}
    end),
    receive {made, P} -> ok end,
    receive {'DOWN', R, process, P, normal} -> ok end,
    Ok = receive {'ETS-TRANSFER', Name, P, N} -> ets:info(Name, size) =:= 100 after 5000 -> false end,
    true = ets:delete(Name),
    Ok andalso churn(I, N - 1).

churn_names() -> [list_to_atom("churn_" ++ integer_to_list(I)) || I <- lists:seq(1, 8)].

check_order(O) ->
    Keys = ets:select(O, [{{'$1', '_'}, [], ['$1']}]),
    Keys =:= lists:sort(Keys).
