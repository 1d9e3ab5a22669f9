-module(proc_after).
-export([main/0]).
%% receive ... after: 0 polls, N waits at least N ms, infinity waits for ever; a message that
%% arrives before the timeout wins; timer:sleep.

main() ->
    io:format("after 0 empty: ~p~n", [receive x -> x after 0 -> timeout end]),
    self() ! x,
    io:format("after 0 ready: ~p~n", [receive x -> got after 0 -> timeout end]),
    T0 = erlang:monotonic_time(millisecond),
    R1 = receive x -> got after 50 -> timeout end,
    T1 = erlang:monotonic_time(millisecond),
    io:format("after 50: ~p waited>=50: ~p~n", [R1, T1 - T0 >= 50]),
    Me = self(),
    spawn(fun() -> receive after 20 -> Me ! late end end),
    io:format("message before timeout: ~p~n", [receive late -> late after 5000 -> timeout end]),
    spawn(fun() -> receive after 30 -> Me ! inf end end),
    io:format("after infinity: ~p~n", [receive inf -> inf after infinity -> never end]),
    Inf = infinity,
    spawn(fun() -> Me ! var end),
    io:format("after variable infinity: ~p~n", [receive var -> var after Inf -> never end]),
    T2 = erlang:monotonic_time(millisecond),
    ok = timer:sleep(40),
    T3 = erlang:monotonic_time(millisecond),
    io:format("sleep 40: ~p~n", [T3 - T2 >= 40]),
    io:format("plain after: ~p~n", [receive after 10 -> done end]),
    self() ! keep,
    io:format("skipped kept: ~p~n", [{receive nomatch -> no after 10 -> timeout end,
                                      receive keep -> keep after 0 -> lost end}]),
    %% A timeout that fired must not leak into a later receive.
    _ = receive nomatch -> no after 1 -> t end,
    spawn(fun() -> receive after 30 -> Me ! after_timeout end end),
    io:format("next receive: ~p~n", [receive Any -> Any after 1000 -> none end]),
    %% Many waiting processes with different timeouts wake in order.
    Ps = [spawn(fun() -> receive after T * 10 -> Me ! {woke, T} end end) || T <- [5, 1, 4, 2, 3]],
    io:format("wake order: ~p (~p)~n", [[receive {woke, T} -> T end || _ <- Ps], length(Ps)]),
    io:format("bad timeout: ~p~n", [err(fun() -> bad_after(-1) end)]),
    io:format("bad timeout atom: ~p~n", [err(fun() -> bad_after(foo) end)]),
    ok.

err(F) -> try F() catch C:R -> {C, R} end.

bad_after(T) -> receive x -> x after T -> t end.
