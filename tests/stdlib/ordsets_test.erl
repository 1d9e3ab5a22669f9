%% Exercises the bundled ordsets module.
-module(ordsets_test).
-export([main/0]).

p(X) -> io:format("~p~n", [X]).

main() ->
    A = ordsets:from_list([c, a, b, a, 1, 1.0, 2]),
    B = ordsets:from_list([b, d, 1.0, 3]),
    p({A, B, ordsets:new()}),
    p({ordsets:is_set(A), ordsets:is_set([b, a]), ordsets:is_set(x), ordsets:is_set([])}),
    p({ordsets:size(A), ordsets:is_empty(A), ordsets:is_empty([])}),
    p(ordsets:to_list(A)),
    p({ordsets:is_element(b, A), ordsets:is_element(z, A), ordsets:is_element(1.0, A)}),
    p(ordsets:add_element(bb, A)),
    p(ordsets:add_element(1.0, A)),
    p(ordsets:del_element(b, A)),
    p(ordsets:del_element(z, A)),
    p(ordsets:union(A, B)),
    p(ordsets:union(B, A)),
    p(ordsets:union([A, B, [z]])),
    p(ordsets:intersection(A, B)),
    p(ordsets:intersection(B, A)),
    p(ordsets:intersection([A, B, [b]])),
    p({ordsets:is_disjoint(A, B), ordsets:is_disjoint(A, [z])}),
    p(ordsets:subtract(A, B)),
    p({ordsets:is_subset([a, b], A), ordsets:is_subset([a, z], A)}),
    p(ordsets:fold(fun(X, Acc) -> [X | Acc] end, [], A)),
    p(ordsets:filter(fun is_atom/1, A)),
    ok.
