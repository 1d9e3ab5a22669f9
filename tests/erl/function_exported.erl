%% erlang:function_exported/3: loaded modules' exports and BIFs; nothing is loaded by asking.
-module(function_exported).
-export([main/0, pub/1]).

pub(X) -> X.
priv(X) -> X.

id(X) -> X.

main() ->
    _ = priv(1),
    _ = lists:seq(1, 3),
    Cases = [{?MODULE, pub, 1}, {?MODULE, priv, 1}, {?MODULE, pub, 2}, {?MODULE, main, 0},
             {?MODULE, module_info, 0}, {?MODULE, module_info, 1}, {?MODULE, module_info, 2},
             {lists, seq, 2}, {lists, reverse, 1}, {lists, no_such_function, 1},
             {erlang, length, 1}, {erlang, apply, 3}, {erlang, apply, 2}, {erlang, no_bif, 1},
             {math, sqrt, 1}, {no_such_module_xyz, f, 0}, {sets, new, 0},
             {?MODULE, pub, -1}, {?MODULE, pub, 1000}],
    [io:format("~w ~w~n", [C, erlang:function_exported(M, F, A)]) || {M, F, A} = C <- Cases],
    _ = sets:new(),
    io:format("~w~n", [erlang:function_exported(sets, new, 0)]),
    [io:format("~w~n", [try erlang:function_exported(id(M), F, A) catch C:E -> {C, E} end])
     || {M, F, A} <- [{"lists", seq, 2}, {lists, "seq", 2}, {lists, seq, a}, {lists, seq, 1 bsl 64},
                      {lists, seq, 2.0}]],
    ok.
