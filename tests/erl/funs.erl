-module(funs).
-export([main/0, double/1]).
double(X) -> 2 * X.
apply_twice(F, X) -> F(F(X)).
make_adder(N) -> fun(X) -> X + N end.
make_counter(Start) -> fun() -> Start + 1 end.
main() ->
    Add3 = make_adder(3),
    io:format("~p~n", [Add3(4)]),
    io:format("~p~n", [apply_twice(Add3, 10)]),
    io:format("~p~n", [apply_twice(fun double/1, 5)]),
    io:format("~p~n", [apply_twice(fun funs:double/1, 5)]),
    io:format("~p~n", [lists:map(fun(X) -> X * X end, [1, 2, 3])]),
    io:format("~p~n", [(make_counter(41))()]),
    Fact = fun F(0) -> 1; F(N) -> N * F(N - 1) end,
    io:format("~p~n", [Fact(10)]),
    A = 1, B = 2,
    G = fun(C) -> {A, B, C} end,
    io:format("~p~n", [G(3)]),
    io:format("~p~n", [erlang:fun_info(Add3, arity)]),
    io:format("~p~n", [is_function(G, 1)]),
    io:format("~p~n", [apply(fun(X, Y) -> X - Y end, [10, 4])]),
    io:format("~p~n", [apply(funs, double, [21])]),
    M = funs, Fn = double,
    io:format("~p~n", [M:Fn(8)]),
    ok.
