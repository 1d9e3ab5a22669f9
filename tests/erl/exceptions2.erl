-module(exceptions2).
-export([main/0, risky/1]).
risky(0) -> throw(zero);
risky(1) -> error(one);
risky(2) -> exit(two);
risky(N) -> N.
safe(N) ->
    try risky(N) of
        V -> {ok, V}
    catch
        throw:T -> {thrown, T};
        error:E -> {error, E};
        exit:X -> {exit, X}
    end.
nested(N) ->
    try
        try risky(N)
        catch throw:T -> {inner, T}
        end
    catch error:E -> {outer, E}
    after
        io:format("after ~p~n", [N])
    end.
loop(0, Acc) -> Acc;
loop(N, Acc) ->
    R = try risky(N rem 4) catch _:W -> W end,
    loop(N - 1, [R | Acc]).
rethrow() ->
    try
        try error(deep) catch error:E:S -> erlang:raise(error, {wrapped, E}, S) end
    catch error:{wrapped, W} -> {unwrapped, W}
    end.
main() ->
    io:format("~p~n", [[safe(N) || N <- [0, 1, 2, 3]]]),
    io:format("~p~n", [[nested(N) || N <- [0, 1, 3]]]),
    io:format("~p~n", [catch nested(2)]),
    io:format("~p~n", [loop(9, [])]),
    io:format("~p~n", [rethrow()]),
    io:format("~p~n", [catch lists:map(fun(X) -> risky(X) end, [5, 0, 6])]),
    io:format("~p~n", [try lists:foldl(fun(X, A) -> X + A end, 0, [1, a]) catch error:badarith -> bad end]),
    ok.
