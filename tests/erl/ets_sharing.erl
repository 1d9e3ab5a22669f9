%% Loss of sharing through ETS (single-process part of conformance/sharing.erl).
-module(ets_sharing).
-export([main/0, id/1]).

id(X) -> X.

report(Label, T, Tab) ->
    ets:insert(Tab, {Label, T}),
    [{_, Back}] = ets:lookup(Tab, Label),
    io:format("~s sender=~w/~w ets=~w/~w~n",
              [Label, erts_debug:flat_size(T), erts_debug:size(T),
               erts_debug:flat_size(Back), erts_debug:size(Back)]).

main() ->
    Tab = ets:new(sharing_tab, [set, public]),
    L = lists:seq(1, id(50)),
    report("no_sharing", lists:seq(1, id(50)), Tab),
    report("pair", {L, L}, Tab),
    report("four", [L, L, L, L], Tab),
    Pair = {L, L},
    report("nested", {Pair, Pair, Pair}, Tab),
    Chain = lists:foldl(fun(_, Acc) -> {Acc, Acc} end, id(leaf), lists:seq(1, id(10))),
    report("doubling_chain_10", Chain, Tab),
    Bin = list_to_binary(lists:duplicate(id(1000), $z)),
    report("refc_binary_twice", {Bin, Bin}, Tab),
    Small = list_to_binary(id("small")),
    report("heap_binary_twice", {Small, Small}, Tab),
    report("literal", {[1, 2, 3], "abc"}, Tab),
    M0 = ets:info(Tab, memory),
    ets:insert(Tab, {lit, [1, 2, 3]}),
    io:format("literal copied into the table: ~w words~n", [ets:info(Tab, memory) - M0]),
    ok.
