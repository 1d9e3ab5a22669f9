%% erlang:fun_info/1,2 on local and external funs: the keys and values heapscope gives as
%% OTP 25 does (uniq, new_uniq and refc are checked by type only: OTP derives the uniq values
%% from the module's MD5, and refc from live fun objects).
-module(fun_info).
-export([main/0, double/1]).

double(X) -> 2 * X.

id(X) -> X.

adder(N) -> fun(X) -> X + N end.

main() ->
    F = adder(id(5)),
    G = fun() -> ok end,
    Ext = [fun lists:map/2, fun erlang:'+'/2, fun ?MODULE:double/1, fun erlang:self/0],
    [io:format("~w~n", [erlang:fun_info(E)]) || E <- Ext],
    [io:format("~w~n", [[erlang:fun_info(E, K) || K <- [type, pid, module, new_index, new_uniq,
                                                       index, uniq, env, refc, arity, name]]])
     || E <- Ext],
    Self = self(),
    [begin
         Info = erlang:fun_info(L),
         io:format("~w~n", [[K || {K, _} <- Info]]),
         io:format("~w~n", [[erlang:fun_info(L, K) || K <- [type, module, arity, env, index, new_index]]]),
         {pid, P} = erlang:fun_info(L, pid),
         {uniq, U} = erlang:fun_info(L, uniq),
         {new_uniq, NU} = erlang:fun_info(L, new_uniq),
         {refc, R} = erlang:fun_info(L, refc),
         io:format("~w ~w ~w ~w~n", [P =:= Self, is_integer(U), byte_size(NU), is_integer(R)])
     end || L <- [F, G]],
    io:format("~w~n", [erlang:fun_info(G, name)]),
    [io:format("~w~n", [try erlang:fun_info(A, K) catch C:E -> {C, E} end])
     || {A, K} <- [{F, bad}, {F, "arity"}, {a, arity}, {fun lists:map/2, refc2}]],
    io:format("~w~n", [try erlang:fun_info(id(a)) catch C:E -> {C, E} end]),
    ok.
