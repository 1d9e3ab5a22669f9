%% erlang BIFs with no process or distribution behind them: is_record/2,3, node/1, nodes/0,1,
%% is_alive/0, module_loaded/1, list_to_ref/1, list_to_port/1, and the shapes of date/0,
%% time/0, now/0, statistics/1.
-module(erlang_misc).
-export([main/0]).

-record(r, {a, b}).

id(X) -> X.

p(F) -> io:format("~w~n", [try F() catch C:E -> {C, E} end]).

main() ->
    [p(fun() -> erlang:is_record(id(T), id(A)) end)
     || {T, A} <- [{{a, 1}, a}, {{a, 1}, b}, {{}, a}, {x, a}, {{a}, "a"}, {x, "a"}, {#r{}, r}]],
    [p(fun() -> erlang:is_record(id(T), id(A), id(S)) end)
     || {T, A, S} <- [{{a, 1}, a, 2}, {{a, 1}, a, 3}, {{a, 1}, "a", 2}, {{a, 1}, a, x}, {x, a, x},
                      {x, 1, 2}, {{a, 1}, a, -1}, {{a}, a, 1}, {{}, a, 0}, {#r{}, r, 3}]],
    R = id(#r{a = 1}),
    io:format("~w ~w~n", [is_record(R, r), if is_record(R, r, 3) -> yes; true -> no end]),
    [p(fun() -> erlang:node(id(X)) end) || X <- [self(), make_ref(), a, 1]],
    io:format("~w ~w ~w~n", [node(), erlang:nodes(), erlang:is_alive()]),
    [p(fun() -> erlang:nodes(id(X)) end)
     || X <- [visible, hidden, connected, this, known, [this, visible], [], [bad], bad, [this | x]]],
    _ = lists:seq(1, 2),
    [p(fun() -> erlang:module_loaded(id(X)) end) || X <- [lists, ?MODULE, no_such_module_q, "x"]],
    {Y, Mo, D} = date(),
    {H, Mi, S} = time(),
    io:format("~w~n", [Y >= 2024 andalso Mo >= 1 andalso Mo =< 12 andalso D >= 1 andalso D =< 31
                       andalso H >= 0 andalso H < 24 andalso Mi >= 0 andalso Mi < 60
                       andalso S >= 0 andalso S < 61]),
    Nows = [erlang:now() || _ <- lists:seq(1, 100)],
    io:format("~w ~w~n", [lists:usort(Nows) =:= Nows,
                          lists:all(fun({A, B, C}) -> is_integer(A) andalso B < 1000000 andalso C < 1000000 end, Nows)]),
    {RT, _} = statistics(runtime),
    {WC, _} = statistics(wall_clock),
    {RT2, RTd} = statistics(runtime),
    {WC2, WCd} = statistics(wall_clock),
    io:format("~w ~w~n", [RT2 >= RT andalso RTd >= 0 andalso RTd =< RT2, WC2 >= WC andalso WCd >= 0 andalso WCd =< WC2]),
    p(fun() -> statistics(id(no_such_key)) end),
    Ref = make_ref(),
    io:format("~w~n", [list_to_ref(ref_to_list(Ref)) =:= Ref]),
    [p(fun() -> list_to_ref(id(S1)) end)
     || S1 <- ["#Ref<0.1.2.3>", "#Ref<0.0.0.0>", "#Ref<0.4294967295.1.2>", "#Ref<0.1.2>",
               "#Ref<0.1.2.3.4>", "#Ref<0.4294967296.2.3>", "#Ref<1.1.2.3>", "#Ref<0.1.2.3> ",
               "#Ref<0.1.-2.3>", "Ref<0.1.2.3>", a]],
    [p(fun() -> erlang:list_to_port(id(S2)) end)
     || S2 <- ["#Port<0.5>", "#Port<0.0>", "#Port<0.268435455>", "#Port<0.268435456>",
               "#Port<0.-5>", "#Port<1.5>", "#Port<0.5", "#Port<0.5.6>", b]],
    io:format("~w~n", [erlang:port_to_list(erlang:list_to_port("#Port<0.77>"))]),
    ok.
