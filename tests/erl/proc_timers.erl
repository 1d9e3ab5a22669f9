-module(proc_timers).
-export([main/0, case_/1]).
%% erlang:send_after, start_timer, cancel_timer, read_timer: messages and return values.

main() ->
    Cases = [send_after, start_timer, order, cancel_pending, cancel_fired, cancel_twice,
             read_pending, read_fired, to_name, to_dead, cancel_opts, badargs, zero,
             many, timer_sleep, receive_after_ordering],
    [io:format("~p: ~p~n", [C, run(fun() -> ?MODULE:case_(C) end)]) || C <- Cases],
    ok.

run(F) ->
    Me = self(),
    {P, R} = spawn_monitor(fun() -> Me ! {res, self(), F()} end),
    receive {res, P, X} -> receive {'DOWN', R, process, P, _} -> {returned, X} end;
            {'DOWN', R, process, P, Why} -> {exited, Why}
    after 5000 -> hung
    end.

err(F) -> try F() catch C:E -> {C, E} end.

flush() -> receive X -> [X | flush()] after 0 -> [] end.

case_(send_after) ->
    T = erlang:send_after(20, self(), hello),
    R = receive hello -> got after 1000 -> none end,
    {is_reference(T), R};
case_(start_timer) ->
    T = erlang:start_timer(20, self(), hello),
    receive {timeout, T2, Msg} -> {T2 =:= T, Msg} after 1000 -> none end;
case_(order) ->
    [erlang:send_after(T, self(), T) || T <- [50, 10, 40, 20, 30]],
    [receive X -> X end || _ <- lists:seq(1, 5)];
case_(cancel_pending) ->
    T = erlang:send_after(10000, self(), never),
    Left = erlang:cancel_timer(T),
    {is_integer(Left), Left > 9000, Left =< 10000, flush()};
case_(cancel_fired) ->
    T = erlang:send_after(1, self(), fired),
    receive fired -> ok end,
    {erlang:cancel_timer(T), flush()};
case_(cancel_twice) ->
    T = erlang:start_timer(10000, self(), x),
    _ = erlang:cancel_timer(T),
    {erlang:cancel_timer(T), erlang:read_timer(T)};
case_(read_pending) ->
    T = erlang:send_after(10000, self(), later),
    L = erlang:read_timer(T),
    L2 = erlang:read_timer(T, []),
    erlang:cancel_timer(T),
    {L > 9000, L =< 10000, L2 =< L};
case_(read_fired) ->
    T = erlang:start_timer(1, self(), x),
    receive {timeout, T, x} -> ok end,
    erlang:read_timer(T);
case_(to_name) ->
    register(timer_target, self()),
    erlang:send_after(10, timer_target, by_name),
    T = erlang:start_timer(10, timer_target, by_name2),
    A = receive by_name -> ok end,
    B = receive {timeout, T, by_name2} -> ok end,
    unregister(timer_target),
    %% A name that is not registered when the timer fires: the message is dropped.
    erlang:send_after(10, timer_target, lost),
    {A, B, receive lost -> got after 100 -> dropped end};
case_(to_dead) ->
    {P, R} = spawn_monitor(fun() -> ok end),
    receive {'DOWN', R, _, _, _} -> ok end,
    T = erlang:send_after(10, P, x),
    {is_reference(T), erlang:cancel_timer(T) =/= x};
case_(cancel_opts) ->
    T1 = erlang:send_after(10000, self(), a),
    A = erlang:cancel_timer(T1, [{async, false}, {info, false}]),
    T2 = erlang:send_after(10000, self(), b),
    B = erlang:cancel_timer(T2, [{async, true}, {info, true}]),
    C = receive {cancel_timer, T2, Left} -> {is_integer(Left), Left > 9000} after 1000 -> none end,
    T3 = erlang:send_after(10000, self(), c),
    D = erlang:cancel_timer(T3, [{async, true}, {info, false}]),
    E = flush(),
    T4 = erlang:send_after(1, self(), d),
    receive d -> ok end,
    F = erlang:cancel_timer(T4, [{async, true}]),
    G = receive {cancel_timer, T4, V} -> V after 1000 -> none end,
    {A, B, C, D, E, F, G};
case_(badargs) ->
    [err(fun() -> erlang:send_after(-1, self(), x) end),
     err(fun() -> erlang:send_after(foo, self(), x) end),
     err(fun() -> erlang:send_after(10, "str", x) end),
     err(fun() -> erlang:start_timer(10, 123, x) end),
     err(fun() -> erlang:cancel_timer(not_a_ref) end),
     err(fun() -> erlang:read_timer(not_a_ref) end),
     err(fun() -> erlang:cancel_timer(make_ref(), [bad]) end)];
case_(zero) ->
    erlang:send_after(0, self(), zero),
    T = erlang:start_timer(0, self(), zero2),
    A = receive zero -> zero after 1000 -> none end,
    B = receive {timeout, T, zero2} -> zero2 after 1000 -> none end,
    {A, B};
case_(many) ->
    Ts = [erlang:send_after(10000 + I, self(), I) || I <- lists:seq(1, 1000)],
    Ls = [erlang:cancel_timer(T) || T <- Ts],
    Fired = [erlang:send_after(I rem 7, self(), {f, I}) || I <- lists:seq(1, 200)],
    Got = [receive {f, I} -> I end || _ <- Fired],
    {lists:all(fun is_integer/1, Ls), lists:sort(Got) =:= lists:seq(1, 200), flush()};
case_(timer_sleep) ->
    T0 = erlang:monotonic_time(millisecond),
    timer:sleep(30),
    erlang:monotonic_time(millisecond) - T0 >= 30;
case_(receive_after_ordering) ->
    %% A timer message due before a receive timeout arrives first.
    erlang:send_after(10, self(), early),
    receive early -> early after 200 -> timeout end.
