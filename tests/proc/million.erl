-module(million).
-export([main/0]).
%% One million idle processes alive at once (tests/proc/run.sh checks the figures against
%% 4 GB): spawns them, prints how many are alive and erlang:memory, then stops them all and
%% prints how many are left.

-define(N, 1000000).

main() ->
    Me = self(),
    T0 = erlang:monotonic_time(millisecond),
    M0 = erlang:memory(processes),
    Ps = spawn_all(?N, Me, []),
    T1 = erlang:monotonic_time(millisecond),
    Alive = length([P || P <- Ps, is_process_alive(P)]),
    M1 = erlang:memory(processes),
    io:format("alive ~p~n", [Alive]),
    io:format("total ~p~n", [erlang:memory(total)]),
    io:format("processes ~p~n", [M1]),
    io:format("bytes_per_process ~p~n", [(M1 - M0) div ?N]),
    io:format("spawn_ms ~p~n", [T1 - T0]),
    [P ! stop || P <- Ps],
    wait_done(?N),
    T2 = erlang:monotonic_time(millisecond),
    io:format("stopped ~p~n", [length([P || P <- Ps, is_process_alive(P)])]),
    io:format("stop_ms ~p~n", [T2 - T1]).

spawn_all(0, _, Acc) -> Acc;
spawn_all(N, Me, Acc) ->
    P = spawn(fun() -> receive stop -> Me ! done end end),
    spawn_all(N - 1, Me, [P | Acc]).

wait_done(0) -> ok;
wait_done(N) -> receive done -> wait_done(N - 1) end.
