%% module_info/0,1, which the compiler adds to every module, and erlang:make_fun/3.
-module(lang_module_info).
-export([main/0, b/1, a/0]).
-export([z/2]).
-custom({tag, [1, 2]}).
-vsn(7).
-author("someone").

a() -> 1.
b(X) -> X.
hidden() -> 2.
z(_, _) -> 3.

reason(F) ->
    try F() of V -> {ok, V} catch C:R -> {C, R} end.

main() ->
    %% OTP lists exports in its export table's hash order: compared sorted.
    io:format("~p~n", [lists:sort(module_info(exports))]),
    io:format("~p~n", [lists:sort(?MODULE:module_info(exports))]),
    io:format("~p~n", [module_info(module)]),
    io:format("~p~n", [hidden()]),
    Add = fun(X) -> X + hidden() end,
    io:format("~p~n", [Add(1)]),
    %% Funs and comprehensions (OTP compiles the latter to functions) are left out.
    io:format("~p~n", [[FA || {N, _} = FA <- module_info(functions), hd(atom_to_list(N)) =/= $-]]),
    io:format("~p~n", [module_info(attributes)]),
    io:format("~p~n", [[K || {K, _} <- module_info()]]),
    io:format("~p~n", [[K || {K, _} <- module_info(compile)]]),
    io:format("~p~n", [is_binary(module_info(md5)) andalso byte_size(module_info(md5))]),
    io:format("~p~n", [reason(fun() -> module_info(no_such_key) end)]),
    io:format("~p~n", [erlang:function_exported(?MODULE, module_info, 1)]),
    io:format("~p~n", [lists:member({module_info, 0}, lists:module_info(exports))]),
    F = erlang:make_fun(?MODULE, b, 1),
    io:format("~p ~p~n", [F, F(42)]),
    G = erlang:make_fun(lists, reverse, 1),
    io:format("~p ~p ~p~n", [G, G([1, 2, 3]), G =:= fun lists:reverse/1]),
    io:format("~p~n", [erlang:make_fun(no_such_module, f, 3)]),
    io:format("~p~n", [reason(fun() -> (erlang:make_fun(no_such_module, f, 0))() end)]),
    io:format("~p~n", [[reason(fun() -> erlang:make_fun(M, Fn, A) end)
                        || {M, Fn, A} <- [{lists, reverse, -1}, {lists, reverse, 256},
                                          {"lists", reverse, 1}, {lists, 1, 1}]]]),
    io:format("~p~n", [erlang:fun_info(G, type)]).
