-module(dq).
%% Random differential test: 2000 random sequences of 200 queue operations, comparing the
%% queue terms and the order of fun calls of hs_queue with OTP's queue.
-export([main/0]).
t(F) -> try F() catch C:R -> {C,R} end.
log(X) -> put(log, [X|get(log)]).
run(M, Op, Q) -> put(log, []), R = t(fun() -> apply1(M, Op, Q) end), {R, get(log)}.
apply1(M, {in, X}, Q) -> M:in(X, Q);
apply1(M, {in_r, X}, Q) -> M:in_r(X, Q);
apply1(M, out, Q) -> M:out(Q);
apply1(M, out_r, Q) -> M:out_r(Q);
apply1(M, drop, Q) -> M:drop(Q);
apply1(M, drop_r, Q) -> M:drop_r(Q);
apply1(M, get, Q) -> M:get(Q);
apply1(M, get_r, Q) -> M:get_r(Q);
apply1(M, peek, Q) -> M:peek(Q);
apply1(M, peek_r, Q) -> M:peek_r(Q);
apply1(M, reverse, Q) -> M:reverse(Q);
apply1(M, {split, N}, Q) -> M:split(N, Q);
apply1(M, {join, L}, Q) -> M:join(Q, queue:from_list(L));
apply1(M, {joinb, L}, Q) -> M:join(queue:from_list(L), Q);
apply1(M, {filter, K}, Q) -> M:filter(fun(X) -> log(X), case X rem K of 0 -> false; 1 -> true; 2 -> [X, X]; _ -> [] end end, Q);
apply1(M, {filtermap, K}, Q) -> M:filtermap(fun(X) -> log(X), case X rem K of 0 -> false; 1 -> true; _ -> {true, -X} end end, Q);
apply1(M, {delete, X}, Q) -> M:delete(X, Q);
apply1(M, {delete_r, X}, Q) -> M:delete_r(X, Q);
apply1(M, {delete_with, X}, Q) -> M:delete_with(fun(Y) -> log(Y), Y rem 5 =:= X end, Q);
apply1(M, {delete_with_r, X}, Q) -> M:delete_with_r(fun(Y) -> log(Y), Y rem 5 =:= X end, Q);
apply1(M, fold, Q) -> M:fold(fun(X, A) -> [X|A] end, [], Q);
apply1(M, any, Q) -> M:any(fun(X) -> log(X), X > 7 end, Q);
apply1(M, all, Q) -> M:all(fun(X) -> log(X), X < 7 end, Q);
apply1(M, from_list, Q) -> M:from_list(M:to_list(Q));
apply1(M, len, Q) -> M:len(Q);
apply1(M, member, Q) -> M:member(3, Q);
apply1(M, head, Q) -> M:head(Q);
apply1(M, liat, Q) -> M:liat(Q).
op() ->
  case rand:uniform(27) of
    N when N < 6 -> {in, rand:uniform(12)};
    N when N < 9 -> {in_r, rand:uniform(12)};
    9 -> out; 10 -> out_r; 11 -> drop; 12 -> drop_r; 13 -> get; 14 -> get_r;
    15 -> peek; 16 -> peek_r; 17 -> reverse; 18 -> {split, rand:uniform(6) - 1};
    19 -> {join, lists:seq(1, rand:uniform(5) - 1)}; 20 -> {joinb, lists:seq(1, rand:uniform(5) - 1)};
    21 -> {filter, rand:uniform(4)}; 22 -> {filtermap, rand:uniform(4)};
    23 -> lists:nth(rand:uniform(4), [{delete, rand:uniform(12)}, {delete_r, rand:uniform(12)}, {delete_with, rand:uniform(5)-1}, {delete_with_r, rand:uniform(5)-1}]);
    24 -> lists:nth(rand:uniform(3), [fold, any, all]);
    25 -> from_list; 26 -> lists:nth(rand:uniform(4), [len, member, head, liat]);
    27 -> out
  end.
loop(0, _) -> ok;
loop(N, Q) ->
  Op = op(),
  A = run(queue, Op, Q), B = run(hs_queue, Op, Q),
  case A =:= B of true -> ok; false -> io:format("DIFF ~p on ~p~n otp ~p~n our ~p~n", [Op, Q, A, B]), halt(1) end,
  {R, _} = A,
  Q2 = case R of
     {_, _} = X when is_list(element(1, X)), is_list(element(2, X)) -> X;
     {{value, _}, Y} -> Y;
     {empty, Y} -> Y;
     {Y1, Y2} when is_tuple(Y1), is_tuple(Y2) -> case rand:uniform(2) of 1 -> Y1; 2 -> Y2 end;
     _ -> Q end,
  loop(N - 1, Q2).
main() ->
  [loop(200, queue:new()) || _ <- lists:seq(1, 2000)],
  io:format("all ok~n").
