%% OTP folds type tests, comparisons and some BIFs of constants early (the constant then goes
%% second in the frame of a commutative operator: and, or, xor, +, *), but not map_size/1.
-module(lang_const_fold).
-export([main/0, id/1]).
id(X) -> X.
main() ->
    X = id({a}),
    [try E() of V -> io:format("~p~n", [V]) catch _:R:S -> io:format("~p ~p~n", [R, hd(S)]) end || E <- [
        fun() -> ("  pad  " >= 101) xor X end, fun() -> (1 < a) and X end, fun() -> (1 == 1.0) or X end,
        fun() -> (1 =:= 1.0) or X end, fun() -> (a > b) or X end, fun() -> ([] =/= {}) xor X end,
        fun() -> {1 =< 2, 2.0 /= 2, "a" < "b"} end,
        fun() -> map_size(#{}) + X end, fun() -> map_size(#{a => 1}) + X end,
        fun() -> is_map(#{a => 1}) or X end, fun() -> is_map(#{}) or X end,
        fun() -> (#{a => 1} == #{a => 1}) or X end, fun() -> tuple_size({1,2}) + X end,
        fun() -> length([1,2]) + X end, fun() -> is_list([#{a => 1}]) or X end,
        fun() -> is_tuple({#{}}) or X end, fun() -> abs(-3) * X end]],
    ok.
