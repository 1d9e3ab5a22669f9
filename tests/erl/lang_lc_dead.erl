-module(lang_lc_dead).
%% A comprehension's generators after a filter 'false' are dead code to OTP (sys_core_fold
%% removes them before v3_kernel numbers the letrecs): they take no number, and the later
%% comprehensions' functions are '-F/A-lc$^L/1-N-' with N one less per dead generator. So are
%% the catch clauses of a try whose body cannot raise (a literal or a variable).
-export([main/0, id/1]).

id(X) -> X.

t(N, F) ->
    try F() of
        V -> io:format("~p: ~p~n", [N, V])
    catch
        C:R:S -> io:format("~p: ~p ~p ~p~n", [N, C, R, [Fn || {_, Fn, _, _} <- S]])
    end.

main() ->
    t(1, fun() -> _ = [id(X) || X <- []], [a + X || X <- id([1])] end),
    t(2, fun() -> _ = [id(X) || X <- [1], false], [a + X || X <- id([1])] end),
    t(3, fun() -> _ = [id(X) || X <- id([1]), _ <- [2], false], [a + X || X <- id([1])] end),
    t(4, fun() -> _ = [id(X) || X <- id([1]), false, _ <- [2]], [a + X || X <- id([1])] end),
    t(5, fun() -> _ = [[id(X) || _ <- [X], false] || X <- id([1])], [a + X || X <- id([1])] end),
    t(6, fun() -> _ = [id(X) || X <- id([]), true], [a + X || X <- id([1])] end),
    t(7, fun() -> _ = [[Z || Z <- [X]] || X <- id([1]), false, _ <- [2]], [a + X || X <- id([1])] end),
    t(8, fun() -> [{X, Y} || X <- id([1, 2]), false, Y <- id([3])] end),
    t(9, fun() -> _ = try 276 catch _:_ -> [X || X <- id([1])] end, [a + X || X <- id([1])] end),
    t(10, fun() -> _ = try <<>> catch _:_ -> [X || X <- id([1])] end, [a + X || X <- id([1])] end),
    t(11, fun() -> Y = id(1), _ = try Y catch _:_ -> [X || X <- id([1])] end, [a + X || X <- id([1])] end),
    t(12, fun() -> _ = try id(1) catch _:_ -> [X || X <- id([1])] end, [a + X || X <- id([1])] end),
    t(13, fun() -> _ = try {a, [1]} of {_, L} -> [X || X <- L] catch _:_ -> [X || X <- id([1])] end,
                   [a + X || X <- id([1])] end),
    %% a run of guard-test filters is one guard: dead only if it is made of true and false
    t(14, fun() -> _ = [X || X <- id([1]), is_integer(X), false, _ <- [2]], [a + X || X <- id([1])] end),
    t(15, fun() -> _ = [X || X <- id([1]), false, is_integer(X), _ <- [2]], [a + X || X <- id([1])] end),
    t(16, fun() -> _ = [X || X <- id([1]), true, false, _ <- [2]], [a + X || X <- id([1])] end),
    t(17, fun() -> _ = [X || X <- id([1]), id(true), false, _ <- [2]], [a + X || X <- id([1])] end),
    t(18, fun() -> _ = [X || X <- id([1]), id(true), false, is_atom(X), _ <- [2]], [a + X || X <- id([1])] end),
    t(19, fun() -> _ = [X || X <- id([1]), false, id(true), _ <- [2]], [a + X || X <- id([1])] end),
    t(20, fun() -> _ = << <<X>> || X <- id([1]), is_integer(X), false, _ <- [2] >>, [a + X || X <- id([1])] end),
    t(21, fun() -> _ = << <<X>> || X <- id([1]), false, _ <- [2] >>, [a + X || X <- id([1])] end),
    ok.
