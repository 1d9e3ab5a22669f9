-module(export_all_dyn_fun).
-compile(export_all).
dbl(X) -> 2 * X.
main() ->
    M = export_all_dyn_fun, F = dbl,
    G = fun M:F/1,
    io:format("~p ~p~n", [G(4), erts_debug:flat_size(G)]),
    io:format("~p~n", [lists:map(fun ?MODULE:dbl/1, [1, 2])]),
    io:format("~p~n", [apply(export_all_dyn_fun, dbl, [5])]).
