%% Exercises the bundled orddict module.
-module(orddict_test).
-export([main/0]).

p(X) -> io:format("~p~n", [X]).

t(F) -> try F() catch C:R -> {C, R} end.

main() ->
    D0 = orddict:new(),
    D = orddict:from_list([{c, 3}, {a, 1}, {b, 2}, {a, 10}, {1, one}, {1.0, onef}]),
    p(D0),
    p(D),
    p(orddict:from_list([])),
    p(orddict:from_list([{x, 1}])),
    p({orddict:size(D), orddict:is_empty(D), orddict:is_empty(D0)}),
    p({orddict:is_key(a, D), orddict:is_key(z, D), orddict:is_key(1, D)}),
    p(orddict:to_list(D)),
    p(orddict:fetch(b, D)),
    p(t(fun() -> orddict:fetch(z, D) end)),
    p({orddict:find(a, D), orddict:find(z, D), orddict:find(1.0, D)}),
    p(orddict:fetch_keys(D)),
    p(orddict:erase(b, D)),
    p(orddict:erase(z, D)),
    p(orddict:take(a, D)),
    p(orddict:take(z, D)),
    p(orddict:store(b, 20, D)),
    p(orddict:store(bb, 25, D)),
    p(orddict:store(2, two, D)),
    p(orddict:append(a, x, orddict:store(a, [w], D))),
    p(orddict:append(q, x, D)),
    p(orddict:append_list(q, [x, y], orddict:append_list(q, [w], D))),
    p(orddict:update(a, fun(V) -> V * 2 end, D)),
    p(t(fun() -> orddict:update(z, fun(V) -> V end, D) end)),
    p(orddict:update(z, fun(V) -> V end, 0, D)),
    p(orddict:update(c, fun(V) -> V + 1 end, 0, D)),
    p(orddict:update_counter(c, 5, D)),
    p(orddict:update_counter(zz, 5, D)),
    p(orddict:fold(fun(K, V, A) -> [{V, K} | A] end, [], D)),
    p(orddict:map(fun(_, V) -> {V} end, D)),
    p(orddict:filter(fun(K, _) -> is_atom(K) end, D)),
    p(orddict:merge(fun(K, V1, V2) -> {K, V1, V2} end, D, orddict:from_list([{a, x}, {d, y}, {1, z}]))),
    ok.
