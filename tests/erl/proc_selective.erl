-module(proc_selective).
-export([main/0]).
%% Selective receive: a receive takes the first message that matches; the skipped ones stay
%% in the queue in their order, and the next receive starts from the front again.

main() ->
    io:format("~p~n", [run(fun basic/0)]),
    io:format("~p~n", [run(fun skip_then_more/0)]),
    io:format("~p~n", [run(fun guards/0)]),
    io:format("~p~n", [run(fun after_zero_keeps/0)]),
    io:format("~p~n", [run(fun nested/0)]),
    io:format("~p~n", [run(fun waiting_receiver/0)]),
    io:format("~p~n", [run(fun ref_reply/0)]),
    io:format("~p~n", [run(fun big_queue/0)]),
    ok.

run(F) ->
    Me = self(),
    {P, R} = spawn_monitor(fun() -> Me ! {res, self(), F()} end),
    receive {res, P, X} -> receive {'DOWN', R, process, P, _} -> X end;
            {'DOWN', R, process, P, Why} -> {crashed, Why}
    end.

flush() -> receive X -> [X | flush()] after 0 -> [] end.

basic() ->
    [self() ! M || M <- [a, b, c, d, e]],
    C = receive c -> c end,
    E = receive e -> e end,
    {C, E, flush()}.

%% Skips a and b, then finds the match among messages that arrive later.
skip_then_more() ->
    Me = self(),
    self() ! a,
    self() ! b,
    spawn(fun() -> Me ! {x, 1}, Me ! c, Me ! {x, 2} end),
    First = receive {x, N} -> N end,
    {First, process_info(self(), message_queue_len), flush()}.

guards() ->
    [self() ! {n, I} || I <- [1, 5, 2, 8, 3, 9]],
    Big = receive {n, I} when I > 6 -> I end,
    Even = receive {n, I2} when I2 rem 2 =:= 0 -> I2 end,
    {Big, Even, flush()}.

after_zero_keeps() ->
    [self() ! M || M <- [x, y, z]],
    T = receive nope -> got after 0 -> timeout end,
    {T, process_info(self(), messages)}.

nested() ->
    [self() ! M || M <- [{a, 1}, {b, 1}, {a, 2}, {b, 2}]],
    R = receive {b, X} -> receive {a, Y} -> {X, Y} end end,
    {R, flush()}.

%% The receiver waits with non-matching messages queued; the matching one arrives later.
waiting_receiver() ->
    Me = self(),
    P = spawn(fun() ->
                  receive go -> ok end,
                  Me ! {done, receive {want, W} -> W end, flush()}
              end),
    [P ! {other, I} || I <- lists:seq(1, 5)],
    P ! go,
    wait_blocked(P),
    P ! {other, 6},
    P ! {want, 42},
    P ! {other, 7},
    receive {done, W, Rest} -> {W, Rest} end.

wait_blocked(P) ->
    case process_info(P, status) of
        {status, waiting} -> ok;
        _ -> receive after 1 -> wait_blocked(P) end
    end.

ref_reply() ->
    Me = self(),
    [self() ! {noise, I} || I <- lists:seq(1, 3)],
    Ref = make_ref(),
    spawn(fun() -> Me ! {Ref, reply} end),
    R = receive {Ref, X} -> X end,
    {R, flush()}.

big_queue() ->
    N = 10000,
    [self() ! {m, I} || I <- lists:seq(1, N)],
    self() ! last,
    last = receive last -> last end,
    L = flush(),
    {length(L), L =:= [{m, I} || I <- lists:seq(1, N)]}.
