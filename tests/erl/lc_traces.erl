-module(lc_traces).
-export([main/0]).
%% Stack traces raised inside list comprehensions: OTP 25 compiles each generator as a local
%% function '-F/A-lc$^N/1-M-' (arity 1 in the frames), body-recursive.

single(L) -> [1 / X || X <- L].
nested(L, K) -> [{X, Y, 10 div (Y - K)} || X <- L, Y <- [X, X + 1]].
filtered(L) -> [X || X <- L, X > 0, 10 div X > 1].
guard_fail(L) -> [X || X <- L, 1 / X > 0.5].
bad_filter(L) -> [X || X <- L, id(X)].
binary_gen(B) -> [10 div X || <<X:8>> <= B].
bad_gen(T) -> [X || X <- T].
bad_inner(L) -> [Y || X <- L, Y <- X].
in_template(L) -> [[1 / Y || Y <- X] || X <- L].
appended(L, M) -> [10 div X || X <- L] ++ M.
free_vars(L, A, B) -> [{A, X div B} || X <- L].
effect(L) -> [1 / X || X <- L], done.
filter_first(L, F) -> [X || F, X <- L, 10 div X > 0].
multi_line(L) ->
    [10 div Y
     ||
        X <-
            L,
        Y <- [X, X - 1],
        Y > -1].

id(X) -> X.

show(Name, F) ->
    try F() of
        V -> io:format("~p: ~p~n", [Name, V])
    catch C:R:S -> io:format("~p: ~p:~p~n  ~p~n", [Name, C, R, [frame(Fr) || Fr <- S]])
    end.

frame({M, F, A, Loc}) when M =:= lc_traces -> {F, A, proplists:get_value(line, Loc)};
frame({M, F, A, _}) -> {M, F, if is_list(A) -> length(A); true -> A end}.

main() ->
    show(single, fun() -> single([1, 2, 0, 4]) end),
    show(nested, fun() -> nested([1, 2, 3], 3) end),
    show(filtered, fun() -> filtered([5, -1, 0, 3]) end),
    show(filtered_ok, fun() -> filtered([5, -1, 3, 20]) end),
    show(guard_fail, fun() -> guard_fail([1, 0, 3, 2]) end),
    show(bad_filter, fun() -> bad_filter([true, false, 3]) end),
    show(binary_gen, fun() -> binary_gen(<<1, 2, 0, 3>>) end),
    show(binary_gen_rest, fun() -> binary_gen(<<1, 2, 3:4>>) end),
    show(bad_gen, fun() -> bad_gen({1, 2}) end),
    show(bad_inner, fun() -> bad_inner([[1], [2], y]) end),
    show(in_template, fun() -> in_template([[1, 2], [4, 0]]) end),
    show(appended, fun() -> appended([1, 2], [x]) end),
    show(appended_bad, fun() -> appended([1, 0], [x]) end),
    show(free_vars, fun() -> free_vars([4, 8], a, 2) end),
    show(free_vars_bad, fun() -> free_vars([4, 8], a, 0) end),
    show(effect, fun() -> effect([1, 2]) end),
    show(effect_bad, fun() -> effect([1, 0]) end),
    show(filter_first, fun() -> filter_first([1, 2], true) end),
    show(filter_first_false, fun() -> filter_first([1, 2], false) end),
    show(filter_first_bad, fun() -> filter_first([1, 0], true) end),
    show(multi_line, fun() -> multi_line([3, 2, 1]) end),
    show(multi_line_bad, fun() -> multi_line([3, x]) end),
    ok.
