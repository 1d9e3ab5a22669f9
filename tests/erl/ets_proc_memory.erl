-module(ets_proc_memory).
-export([main/0]).

%% erlang:memory(ets) follows tables across processes: it grows by a table's
%% ets:info(T, memory) words when another process fills one, is unchanged by a transfer to
%% the heir or a give_away, and drops back when the owner's exit deletes the table. OTP's
%% figure also counts allocator overhead (about a word per object, and a few KB per table
%% beyond ets:info's figure), so growth is checked as at least the table's bytes and at most
%% 1/8 + 8 KB per table more, "unchanged" within 512 bytes and "freed" within 8 KB.

near(A, B) -> abs(A - B) =< 512.

%% After deletes OTP's figure stays about 5 KB above where it was (internal state it keeps).
freed(A, B) -> A >= B andalso A - B =< 8192.

%% OTP frees a deleted table's last parts after thread progress: give it a moment.
settled() -> timer:sleep(20), erlang:memory(ets).

grew(D, Bytes, Tables) -> D >= Bytes - 64 andalso D =< Bytes + Bytes div 8 + 8192 * Tables.

owner(Fun) ->
    Me = self(),
    {Pid, Ref} = spawn_monitor(fun() -> Me ! {self(), Fun()}, receive stop -> ok end end),
    receive {Pid, R} -> {Pid, R, Ref} end.

stop({Pid, _, Ref}) ->
    Pid ! stop,
    receive {'DOWN', Ref, process, Pid, _} -> ok end.

fill(T, N) -> ets:insert(T, [{I, {I, I}} || I <- lists:seq(1, N)]), T.

main() ->
    Me = self(),
    M0 = settled(),
    %% a table of another process
    O1 = {_, T1, _} = owner(fun() -> fill(ets:new(m1, [public]), 10000) end),
    W1 = ets:info(T1, memory),
    M1 = erlang:memory(ets),
    io:format("words ~p, grew by its bytes ~p~n", [W1, grew(M1 - M0, W1 * 8, 1)]),
    stop(O1),
    M2 = settled(),
    io:format("owner exit frees it ~p~n", [freed(M2, M0)]),
    %% transfer to the heir: the memory stays, counted once
    O3 = {_, T3, _} = owner(fun() -> fill(ets:new(m3, [ordered_set, {heir, Me, x}]), 5000) end),
    W3 = ets:info(T3, memory),
    M3 = erlang:memory(ets),
    stop(O3),
    receive {'ETS-TRANSFER', T3, _, x} -> ok end,
    M4 = erlang:memory(ets),
    io:format("words ~p, grew ~p, transfer keeps it ~p, same words ~p~n",
              [W3, grew(M3 - M2, W3 * 8, 1), near(M4, M3), ets:info(T3, memory) =:= W3]),
    %% give_away: unchanged; the receiver's exit frees it
    P = spawn(fun() -> receive stop -> ok end end),
    true = ets:give_away(T3, P, y),
    M5 = erlang:memory(ets),
    io:format("give_away keeps it ~p~n", [near(M5, M4)]),
    R = monitor(process, P), P ! stop,
    receive {'DOWN', R, _, _, _} -> ok end,
    M6 = erlang:memory(ets),
    io:format("receiver exit: back to the heir ~p, memory kept ~p~n", [ets:info(T3, owner) =:= Me, near(M6, M5)]),
    receive {'ETS-TRANSFER', T3, P, x} -> io:format("got it back~n") after 1000 -> io:format("no transfer~n") end,
    ets:delete(T3),
    io:format("delete frees it ~p~n", [freed(settled(), M0)]),
    %% many small tables of many processes, all freed at their exits
    Os = [owner(fun() -> fill(ets:new(s, [bag]), 10) end) || _ <- lists:seq(1, 50)],
    Ws = lists:sum([ets:info(T, memory) || {_, T, _} <- Os]),
    M7 = erlang:memory(ets),
    io:format("50 tables: words ~p, grew ~p~n", [Ws, grew(M7 - M0, Ws * 8, 50)]),
    [stop(O) || O <- Os],
    io:format("all freed ~p~n", [freed(settled(), M0)]),
    ok.
