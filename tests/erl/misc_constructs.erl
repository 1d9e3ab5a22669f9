-module(misc_constructs).
-export([main/0]).
-record(r, {a = 1, b = #{}}).
pre("http://" ++ R) -> {http, R};
pre(_) -> other.
mk(N) -> fun(X) -> G = fun(Y) -> X + Y + N end, G(1) end.
sz(<<Len:8, Data:Len/binary, Rest/binary>>) -> {Len, Data, Rest}.
main() ->
    io:format("~p~n", [pre("http://x.com")]),
    io:format("~p~n", [(mk(10))(5)]),
    io:format("~p~n", [sz(<<3, "abcde">>)]),
    R = #r{},
    io:format("~p~n", [R#r{b = (R#r.b)#{k => v}}]),
    F = fun({a, X}) -> X; ({b, Y}) -> Y * 2; (_) -> none end,
    io:format("~p~n", [[F(T) || T <- [{a, 1}, {b, 2}, c]]]),
    io:format("~p~n", [receive x -> x after 0 -> timeout end]),
    L = [{1, a}, {2, b}],
    io:format("~p~n", [[V || {K, V} <- L, K > 1]]),
    io:format("~p~n", [lists:foldr(fun(X, Acc) -> [X | Acc] end, [], [1, 2, 3])]),
    X = 5,
    Y = case X of 5 when X > 3, X < 10 -> mid; _ -> other end,
    io:format("~p~n", [Y]),
    io:format("~p~n", [[A || <<A>> <= <<1,2,3>>]]),
    ok.
