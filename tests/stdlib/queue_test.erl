%% Exercises the bundled queue module and prints the queues themselves: the representation
%% must be OTP's (and so must erts_debug:size).
-module(queue_test).
-export([main/0]).

p(X) -> io:format("~p~n", [X]).

t(F) -> try F() catch C:R -> {C, R} end.

main() ->
    Q0 = queue:new(),
    Q = queue:from_list([1, 2, 3, 4, 5, 6, 7]),
    p({Q0, Q}),
    p([queue:from_list(lists:seq(1, N)) || N <- lists:seq(0, 6)]),
    p({queue:is_queue(Q), queue:is_queue(x), queue:is_empty(Q0), queue:is_empty(Q)}),
    p({queue:len(Q), queue:to_list(Q), queue:member(3, Q), queue:member(9, Q)}),
    Q1 = lists:foldl(fun queue:in/2, Q0, [a, b, c, d]),
    p(Q1),
    Q2 = lists:foldl(fun queue:in_r/2, Q0, [a, b, c, d]),
    p(Q2),
    p(queue:out(Q1)),
    p(queue:out(Q0)),
    p(queue:out_r(Q1)),
    p(queue:out_r(Q2)),
    p(queue:out(queue:in(x, queue:in(y, Q0)))),
    p(lists:foldl(fun(_, {Acc, QQ}) -> {{value, V}, QQ2} = queue:out(QQ), {[V | Acc], QQ2} end, {[], Q}, [1, 2, 3, 4])),
    p({queue:get(Q), queue:get_r(Q), queue:peek(Q), queue:peek_r(Q), queue:peek(Q0), queue:peek_r(Q0)}),
    p(t(fun() -> queue:get(Q0) end)),
    p(t(fun() -> queue:get_r(Q0) end)),
    p({queue:drop(Q), queue:drop_r(Q), queue:drop(queue:drop(Q1))}),
    p(t(fun() -> queue:drop(Q0) end)),
    p(queue:reverse(Q)),
    p(queue:join(Q, Q1)),
    p(queue:join(Q0, Q1)),
    p([queue:split(N, Q) || N <- lists:seq(0, 7)]),
    p(t(fun() -> queue:split(8, Q) end)),
    p(queue:filter(fun(X) -> X rem 2 =:= 0 end, Q)),
    p(queue:filter(fun(X) when X < 3 -> [X, X * 10]; (X) -> X > 5 end, Q)),
    p(queue:filtermap(fun(X) when X < 3 -> {true, -X}; (X) -> X > 5 end, Q)),
    p(queue:fold(fun(X, A) -> [X | A] end, [], Q)),
    p({queue:any(fun(X) -> X > 6 end, Q), queue:all(fun(X) -> X > 6 end, Q)}),
    p({queue:delete(3, Q), queue:delete(6, Q), queue:delete(9, Q)}),
    p({queue:delete_r(3, queue:from_list([3, 1, 3, 2])), queue:delete_with(fun(X) -> X > 4 end, Q), queue:delete_with_r(fun(X) -> X < 4 end, Q)}),
    p({queue:cons(z, Q), queue:head(Q), queue:tail(Q), queue:snoc(Q, z)}),
    p({queue:last(Q), queue:daeh(Q), queue:liat(Q), queue:init(Q), queue:lait(Q)}),
    p(t(fun() -> queue:head(Q0) end)),
    p(t(fun() -> queue:in(1, notaqueue) end)),
    p(t(fun() -> queue:len(notaqueue) end)),
    p(t(fun() -> queue:out({1, 2}) end)),
    Long = lists:foldl(fun queue:in/2, Q0, lists:seq(1, 20)),
    Drained = lists:foldl(fun(_, QQ) -> queue:drop(QQ) end, Long, lists:seq(1, 9)),
    p(Drained),
    p(lists:foldl(fun(_, QQ) -> queue:drop_r(QQ) end, Drained, lists:seq(1, 9))),
    p({erts_debug:size(Long), erts_debug:size(Drained), erts_debug:size(Q)}),
    ok.
