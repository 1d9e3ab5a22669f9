-module(case_if).
-export([main/0]).
sign(X) -> if X > 0 -> pos; X < 0 -> neg; true -> zero end.
describe(X) ->
    case X of
        {ok, V} when V > 10 -> {big, V};
        {ok, V} -> {small, V};
        [_ | _] -> list;
        _ -> unknown
    end.
main() ->
    io:format("~p~n", [[sign(X) || X <- [5, -2, 0]]]),
    io:format("~p~n", [[describe(X) || X <- [{ok, 20}, {ok, 1}, [1], x]]]),
    R = case lists:member(3, [1, 2, 3]) of true -> Y = 1, Y + 1; false -> 0 end,
    io:format("~p~n", [R]),
    Z = case 1 of 1 -> W = a; _ -> W = b end,
    io:format("~p ~p~n", [Z, W]),
    ok.
