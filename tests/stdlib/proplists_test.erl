%% Exercises the bundled proplists module.
-module(proplists_test).
-export([main/0]).

p(X) -> io:format("~p~n", [X]).

main() ->
    L = [a, {b, 1}, {c, 2, 3}, {b, 2}, "str", {d, [x]}, {d, y}, {e, false}, {f}, 7, {a, false}],
    p(proplists:get_value(b, L)),
    p(proplists:get_value(a, L)),
    p(proplists:get_value(c, L)),
    p(proplists:get_value(z, L)),
    p(proplists:get_value(z, L, dflt)),
    p(proplists:get_all_values(b, L)),
    p(proplists:get_all_values(a, L)),
    p(proplists:lookup(b, L)),
    p(proplists:lookup(a, L)),
    p(proplists:lookup(c, L)),
    p(proplists:lookup(z, L)),
    p(proplists:lookup_all(a, L)),
    p(proplists:lookup_all(d, L)),
    p({proplists:is_defined(f, L), proplists:is_defined(z, L)}),
    p(proplists:delete(b, L)),
    p({proplists:get_bool(a, L), proplists:get_bool(e, L), proplists:get_bool(b, L), proplists:get_bool(z, L)}),
    p(proplists:get_keys(L)),
    p(proplists:get_keys([{K, 1} || K <- lists:seq(1, 30)])),
    p(proplists:append_values(d, L)),
    p(proplists:append_values(a, L)),
    p(proplists:compact([{a, true}, {b, false}, {c, true, x}, d])),
    p(proplists:unfold([a, {b, 1}, "s", c])),
    p({proplists:property(a, true), proplists:property(a, 1), proplists:property({a, true}), proplists:property({"a", true})}),
    p(proplists:substitute_aliases([{a, alpha}, {b, beta}], L)),
    p(proplists:substitute_negations([{a, no_a}, {e, yes_e}, {d, no_d}], L)),
    p(proplists:normalize([a, {b, true}, {no_c, true}], [{aliases, [{b, bee}]}, {negations, [{no_c, c}]}])),
    p(proplists:split([{c, 2}, {e, 1}, a, {c, 3, 4}, d, {b, 5}, b], [a, b, c])),
    p(proplists:to_map([a, {b, 1}, {c, 2, 3}, {b, 2}, "x", {d, 4}])),
    p(proplists:to_map([{a, 1}, {c}, {c, 3}])),
    p(proplists:to_map([{no_a, true}, b], [{negations, [{no_a, a}]}])),
    p(lists:sort(proplists:from_map(#{a => 1, b => 2}))),
    ok.
