-module(errors_semantics).
-export([main/0, id/1]).
id(X) -> X.
g(X) when hd(X) > 1 -> big;
g(X) when element(1, X) =:= a -> a;
g(_) -> other.
c(F) -> try F() catch C:R -> {C, R} end.
main() ->
    io:format("~p~n", [[g([5]), g([]), g({a}), g(x), g([0])]]),
    io:format("~p~n", [[c(fun() -> id(1) div id(0) end), c(fun() -> id(1) rem id(0) end),
                        c(fun() -> id(1.0) / id(0) end), c(fun() -> id(1.0e300) * id(1.0e300) end),
                        c(fun() -> id(a) + 1 end), c(fun() -> -id(b) end), c(fun() -> bnot id(1.0) end),
                        c(fun() -> id(1) bsl id(-2) end), c(fun() -> id(-8) bsr id(1) end),
                        c(fun() -> id(7) rem id(-2) end), c(fun() -> id(-7) div id(-2) end),
                        c(fun() -> id([1,2|3]) ++ [4] end), c(fun() -> id([1,2,1,3,1]) -- [1,1] end),
                        c(fun() -> not id(3) end), c(fun() -> id(true) and id(3) end),
                        c(fun() -> id(1) == id(1.0) end), c(fun() -> id(2) * id(0.5) end),
                        c(fun() -> id(16#7FFFFFFFFFFFFFFF) + 1 end), c(fun() -> -id(1 bsl 59) end),
                        c(fun() -> id(1 bsl 59) - 1 end), c(fun() -> id(10) / id(4) end)]]),
    io:format("~p~n", [c(fun() -> {a, b} = id({a, c}) end)]),
    io:format("~p~n", [c(fun() -> (id(x))(1) end)]),
    {error, {badarity, {_, BA}}} = c(fun() -> (id(fun(A) -> A end))(1, 2) end),
    io:format("~p~n", [BA]),
    io:format("~p~n", [c(fun() -> lists:nope() end)]),
    io:format("~p~n", [c(fun() -> (id(nomod)):f() end)]),
    io:format("~p~n", [c(fun() -> #{a := 1} = id(#{}) end)]),
    io:format("~p~n", [c(fun() -> (id(#{}))#{a := 1} end)]),
    io:format("~p~n", [c(fun() -> (id(3))#{a => 1} end)]),
    io:format("~p~n", [c(fun() -> <<(id(a))>> end)]),
    ok.
