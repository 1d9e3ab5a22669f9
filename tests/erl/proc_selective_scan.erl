-module(proc_selective_scan).
-export([main/0]).
%% Selective receives over long queues (more than a few skipped messages, so the scan runs in
%% C: runtime/recvscan.h): which message each clause takes, what is left in the queue and in
%% which order, bound variables, guards, exact equality (1 vs 1.0), several clauses, a wait
%% in the middle of a scan, leaf and frame functions.

main() ->
    io:format("tagged: ~p~n", [tagged()]),
    io:format("clauses: ~p~n", [clauses()]),
    io:format("bound: ~p~n", [bound()]),
    io:format("refs: ~p~n", [refs()]),
    io:format("guards: ~p~n", [guards()]),
    io:format("exact: ~p~n", [exact()]),
    io:format("whole: ~p~n", [whole()]),
    io:format("nested: ~p~n", [nested()]),
    io:format("catch all: ~p~n", [catch_all()]),
    io:format("after 0: ~p~n", [after_zero()]),
    io:format("timeout: ~p~n", [with_timeout()]),
    io:format("arrives later: ~p~n", [arrives_later()]),
    io:format("leaf: ~p~n", [leaf_recv(20)]),
    io:format("binaries: ~p~n", [binaries()]),
    io:format("big: ~p~n", [big()]),
    io:format("records: ~p~n", [records()]),
    ok.

noise(N) -> [self() ! {noise, I} || I <- lists:seq(1, N)].

flush() -> receive X -> [X | flush()] after 0 -> [] end.

tagged() ->
    noise(50),
    self() ! {match, 7},
    noise(3),
    R = receive {match, X} -> X end,
    Left = flush(),
    {R, length(Left), hd(Left), lists:last(Left)}.

clauses() ->
    noise(40),
    self() ! {b, 2},
    self() ! {a, 1},
    self() ! {c, 3, x},
    R1 = receive {a, A} -> {got_a, A}; {c, C, _} -> {got_c, C} end,
    R2 = receive {a, A2} -> {got_a, A2}; {c, C2, _} -> {got_c, C2} end,
    R3 = receive {b, B} -> {got_b, B} end,
    {R1, R2, R3, length(flush())}.

bound() ->
    [self() ! {val, I} || I <- lists:seq(1, 30)],
    Got = [receive {val, K} -> K end || K <- [25, 3, 30, 1, 12]],
    {Got, [V || {val, V} <- flush()]}.

refs() ->
    Refs = [make_ref() || _ <- lists:seq(1, 20)],
    [self() ! {R, I} || {R, I} <- lists:zip(Refs, lists:seq(1, 20))],
    Pick = lists:nth(17, Refs),
    Got = receive {Pick, V} -> V end,
    Pick2 = lists:nth(2, Refs),
    Got2 = receive {Pick2, V2} -> V2 end,
    {Got, Got2, length(flush())}.

guards() ->
    [self() ! {n, I} || I <- lists:seq(1, 40)],
    A = receive {n, X} when X > 35 -> X end,
    B = receive {n, Y} when Y rem 7 =:= 0, Y > 20 -> Y end,
    C = receive {n, Z} when is_integer(Z), Z < 0 -> Z after 0 -> none end,
    {A, B, C, length(flush())}.

exact() ->
    [self() ! {num, float(I)} || I <- lists:seq(1, 20)],
    self() ! {num, 5},
    A = receive {num, 5} -> int end,
    self() ! 1.0,
    noise(10),
    self() ! 1,
    B = receive 1 -> int_one end,
    C = receive 1.0 -> float_one end,
    {A, B, C, length(flush())}.

whole() ->
    [self() ! I || I <- lists:seq(1, 30)],
    [self() ! A || A <- [x, y, z]],
    self() ! done,
    R = receive done -> done end,
    R2 = receive y -> y end,
    {R, R2, flush()}.

nested() ->
    [self() ! {a, {b, I}} || I <- lists:seq(1, 20)],
    self() ! {a, {c, 99}},
    self() ! {a, {b, 99}, extra},
    R = receive {a, {c, X}} -> X end,
    R2 = receive {a, {b, Y}, extra} -> Y end,
    {R, R2, length(flush())}.

catch_all() ->
    noise(20),
    R = receive {match, _} -> match; Other -> {other, Other} end,
    {R, length(flush())}.

after_zero() ->
    noise(25),
    R = receive {match, _} -> match after 0 -> timeout end,
    {R, length(flush())}.

with_timeout() ->
    noise(25),
    R = receive {match, _} -> match after 20 -> timeout end,
    {R, length(flush())}.

arrives_later() ->
    noise(30),
    Me = self(),
    spawn(fun() ->
                  [Me ! {noise, late, I} || I <- lists:seq(1, 30)],
                  receive after 10 -> ok end,
                  [Me ! {noise, later, I} || I <- lists:seq(1, 30)],
                  Me ! {match, from_child}
          end),
    R = receive {match, W} -> W end,
    {R, length(flush())}.

%% A frameless function: the message and its pieces live in X registers.
leaf_recv(N) ->
    noise(N),
    self() ! {leaf, N},
    receive {leaf, V} -> {V, length(flush())} end.

binaries() ->
    [self() ! {bin, <<I:16>>} || I <- lists:seq(1, 20)],
    R = receive {bin, <<0, 7>>} -> seven end,
    R2 = receive {bin, <<X:16>>} when X > 18 -> X end,
    {R, R2, length(flush())}.

big() ->
    Big = 1 bsl 100,
    [self() ! {big, Big + I} || I <- lists:seq(1, 20)],
    R = receive {big, V} when V =:= Big + 13 -> V - Big end,
    K = Big + 4,
    R2 = receive {big, K} -> matched end,
    {R, R2, length(flush())}.

-record(req, {id, body}).

records() ->
    [self() ! #req{id = I, body = I * 2} || I <- lists:seq(1, 20)],
    noise(10),
    R = receive #req{id = 15, body = B} -> B end,
    R2 = receive {noise, 10} -> last_noise end,
    {R, R2, length(flush())}.
