-module(exceptions).
-export([main/0]).
f(X) -> X + 1.
g(a) -> ok.
thrower(N) -> throw({thrown, N}).
main() ->
    io:format("~p~n", [catch f(a)]),
    io:format("~p~n", [catch g(b)]),
    io:format("~p~n", [catch error(foo)]),
    io:format("~p~n", [catch exit(bye)]),
    io:format("~p~n", [catch thrower(3)]),
    io:format("~p~n", [catch exceptions:nope(1)]),
    io:format("~p~n", [catch element(1, id({}))]),
    R1 = try thrower(1) catch throw:{thrown, V} -> {got, V} end,
    io:format("~p~n", [R1]),
    R2 = try error(bad) catch error:E:S -> {E, length(S) > 0} end,
    io:format("~p~n", [R2]),
    R3 = try 1 + 1 of 2 -> two; _ -> other catch _:_ -> caught end,
    io:format("~p~n", [R3]),
    R4 = try exit(x) catch exit:X -> {exit, X} after io:format("after~n") end,
    io:format("~p~n", [R4]),
    R5 = (catch (try error(inner) catch throw:_ -> no end)),
    io:format("~p~n", [element(1, element(2, R5))]),
    R6 = try [1, 2] of [A | _] -> A catch _:_ -> none end,
    io:format("~p~n", [R6]),
    R7 = try case id(3) of 1 -> one end catch error:{case_clause, C} -> {cc, C} end,
    io:format("~p~n", [R7]),
    R8 = try {a} = id({b}) catch error:{badmatch, M} -> {bm, M} end,
    io:format("~p~n", [R8]),
    I1 = id(1),
    R9 = try if I1 > 2 -> x end catch error:if_clause -> ifc end,
    io:format("~p~n", [R9]),
    R10 = try erlang:raise(throw, re, []) catch Cl:Re -> {Cl, Re} end,
    io:format("~p~n", [R10]),
    ok.
id(X) -> X.
