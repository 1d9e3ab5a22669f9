-module(proc_lifecycle).
-export([main/0, case_/1]).
%% What a process's end gives back: refc binaries it held (erlang:memory(binary)), the ETS
%% tables it owned, its name, the timers sent to it; a killed process in the middle
%% of a receive with a timeout; a burst of processes that all end.

main() ->
    Cases = [binaries_freed, ets_freed, ets_heir_keeps, name_freed, timer_of_dead, killed_in_after, burst, send_to_exiting],
    [io:format("~p: ~p~n", [C, run(fun() -> ?MODULE:case_(C) end)]) || C <- Cases],
    ok.

run(F) ->
    Me = self(),
    {P, R} = spawn_monitor(fun() -> Me ! {res, self(), F()} end),
    receive {res, P, X} -> receive {'DOWN', R, process, P, _} -> {returned, X} end;
            {'DOWN', R, process, P, Why} -> {exited, Why}
    %% Generous: a case runs far slower under GC stress (tests/gcstress), and a wait that
    %% runs out there reports a hang that is not one.
    after 120000 -> hung
    end.

err(F) -> try F() catch C:E -> {C, E} end.

stop(P) ->
    R = monitor(process, P),
    P ! stop,
    receive {'DOWN', R, process, P, W} -> W end.

wait_blocked(P) ->
    case process_info(P, status) of
        {status, waiting} -> ok;
        _ -> receive after 1 -> wait_blocked(P) end
    end.

%% Polls F until it returns true (memory is given back asynchronously in OTP), at most ~2 s.
eventually(F) -> eventually(F, 200).
eventually(F, 0) -> F();
eventually(F, N) ->
    case F() of
        true -> true;
        false -> receive after 10 -> eventually(F, N - 1) end
    end.

case_(binaries_freed) ->
    B0 = erlang:memory(binary),
    Ps = [spawn(fun() ->
                    B = binary:copy(<<I>>, 1000000),
                    receive stop -> byte_size(B) end
                end) || I <- lists:seq(1, 20)],
    Held = eventually(fun() -> erlang:memory(binary) - B0 >= 19000000 end),
    [stop(P) || P <- Ps],
    {Held, eventually(fun() -> erlang:memory(binary) - B0 < 1000000 end)};
case_(ets_freed) ->
    Me = self(),
    P = spawn(fun() ->
                  T = ets:new(owned, [public]),
                  ets:insert(T, [{I, I} || I <- lists:seq(1, 1000)]),
                  Me ! {table, T},
                  receive stop -> ok end
              end),
    T = receive {table, X} -> X end,
    Size = ets:info(T, size),
    stop(P),
    {Size, ets:info(T), err(fun() -> ets:lookup(T, 1) end)};
case_(ets_heir_keeps) ->
    Me = self(),
    P = spawn(fun() ->
                  T = ets:new(inherited, [public, {heir, Me, my_data}]),
                  ets:insert(T, {k, v}),
                  Me ! {table, T},
                  receive stop -> ok end
              end),
    T = receive {table, X} -> X end,
    stop(P),
    Msg = receive {'ETS-TRANSFER', T, From, Data} -> {From =:= P, Data} after 1000 -> none end,
    {Msg, ets:info(T, owner) =:= self(), ets:lookup(T, k)};
case_(name_freed) ->
    P = spawn(fun() -> receive stop -> ok end end),
    register(lifecycle_name, P),
    stop(P),
    {whereis(lifecycle_name), err(fun() -> lifecycle_name ! x end)};
case_(timer_of_dead) ->
    Me = self(),
    P = spawn(fun() ->
                  T = erlang:send_after(60000, self(), never),
                  Me ! {timer, T},
                  receive stop -> ok end
              end),
    T = receive {timer, X} -> X end,
    stop(P),
    %% A timer whose destination is a pid is cancelled when that process exits.
    L = erlang:cancel_timer(T),
    {is_integer(L), erlang:cancel_timer(T)};
case_(killed_in_after) ->
    P = spawn(fun() -> receive never -> ok after 60000 -> ok end end),
    wait_blocked(P),
    R = monitor(process, P),
    exit(P, kill),
    receive {'DOWN', R, process, P, W} -> W end;
case_(burst) ->
    %% 20000 processes alive at once, then all ended. Loops, not comprehensions, and the ends
    %% asked for 1000 at a time: a 20000-deep stack and 20000 queued replies cost every
    %% collection a walk over each, which made this case quadratic under GC stress
    %% (tests/gcstress) and ran out its 20 s wait.
    Me = self(),
    N = 20000,
    Ps = spawn_waiters(Me, 1, N, []),
    Got = end_in_batches(Ps, 1, 0),
    {Got, eventually(fun() -> lists:all(fun(P) -> not is_process_alive(P) end, Ps) end)};
case_(send_to_exiting) ->
    %% Messages to a process that is ending are dropped silently.
    {P, R} = spawn_monitor(fun() -> receive go -> exit(bye) end end),
    P ! go,
    [P ! {m, I} || I <- lists:seq(1, 1000)],
    W = receive {'DOWN', R, process, P, Why} -> Why end,
    {W, P ! after_death}.

%% burst's waiters, numbered 1..N, in that order.
spawn_waiters(_, I, N, Ps) when I > N -> lists:reverse(Ps);
spawn_waiters(Me, I, N, Ps) ->
    P = spawn(fun() -> receive go -> Me ! {done, I} end end),
    spawn_waiters(Me, I + 1, N, [P | Ps]).

%% Tells the next 1000 waiters to end and takes their replies in order; the count of replies.
end_in_batches([], _, Got) -> Got;
end_in_batches(Ps, I, Got) ->
    {Batch, Rest} = lists:split(min(1000, length(Ps)), Ps),
    lists:foreach(fun(P) -> P ! go end, Batch),
    Next = take_done(I, I + length(Batch)),
    end_in_batches(Rest, Next, Got + length(Batch)).

take_done(I, End) when I =:= End -> I;
take_done(I, End) -> receive {done, I} -> take_done(I + 1, End) end.
