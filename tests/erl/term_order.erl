-module(term_order).
-export([main/0]).
main() ->
    L = [{1}, [], a, 1, 1.0, "s", <<"b">>, #{}, make_ref(), self(), fun() -> ok end, [x]],
    S = lists:sort(L),
    io:format("~p~n", [[erlang:element(1, {T}) || T <- S, not is_reference(T), not is_pid(T), not is_function(T)]]),
    io:format("~p~n", [[1 < a, a < {x}, {x} < [], [] < "a", 1 == 1.0, 1 =:= 1.0, 2 > 1.5]]),
    io:format("~p~n", [lists:sort([3, 2.0, 1, b, a, {1, 2}, {1}, [1], []])]),
    ok.
