%% Stack frames as OTP 25's compiler and loader shape them (found by scripts/difftest.py):
%% which arithmetic failures show an erlang:Op/N frame, the line of case/if/try clause errors,
%% the order of a commutative operator's arguments, fun names and arities, maps:get/2 and
%% maps:is_key/2 as BIFs, the evaluation order of a record update.
-module(lang_otp_frames).
-export([main/0, id/1, p/2, inc/1, sub/2, flt/2, mul/1]).
-record(r, {a = 0, b = []}).

id(X) -> X.

%% Prints the reason and the first two frames.
p(N, F) ->
    try F() of
        V -> io:format("~p: ~p~n", [N, V])
    catch
        C:R:S -> io:format("~p: ~p:~p~n   ~p~n", [N, C, R, lists:sublist(S, 2)])
    end.

%% X + K, K + X, X - K (K >= 0), +X: OTP's i_increment, no erlang:'+' frame.
inc(X) -> X + 1.
sub(X, K) when K =:= 1 -> X - 1; sub(X, _) -> X - -1.
%% Float arithmetic: no frame.
flt(X, Y) -> {X / Y, X * 2.0}.
%% A constant first operand goes second.
mul(X) -> 3 * X.

%% A local function every call passes the same atom: OTP makes it a constant, and the
%% failing '+' on two constants shows its frame.
konst(X) -> X + 1.

clauses(X) ->
    case
        X of
        a -> 1;
        b ->
            2
    end.

ifs(X) ->
    if
        X =:= a -> 1;
        X =:= b ->
            2
    end.

trys(X) ->
    try
        id(X)
    of
        a -> 1;
        b ->
            2
    catch
        _ -> 3
    end.

%% Funs are numbered as v3_core does: the inner fun before the outer, comprehensions and
%% call arguments taken right to left.
funs(X) ->
    A = fun() -> fun(Y) -> X + Y end end,
    B = [fun() -> Z end || Z <- [X]],
    C = id({fun(K) -> K + X end, [W || W <- [1]], fun F(0) -> X + 1; F(N) -> F(N - 1) end}),
    {A, B, C}.

main() ->
    X = id(x),
    p(1, fun() -> inc(x) end),
    p(2, fun() -> X + 1 end),
    p(3, fun() -> 7 + X end),
    p(4, fun() -> sub(X, 1) end),
    p(5, fun() -> sub(X, 2) end),
    p(6, fun() -> +X end),
    p(7, fun() -> -X end),
    p(8, fun() -> X + 100000000000000000000 end),
    p(9, fun() -> flt(X, 2) end),
    p(10, fun() -> flt(1, 0) end),
    p(11, fun() -> mul(X) end),
    p(12, fun() -> X band 3 end),
    p(13, fun() -> 5 bor X end),
    p(14, fun() -> 5 - X end),
    p(15, fun() -> konst(x) end),
    p(16, fun() -> clauses(X) end),
    p(17, fun() -> ifs(X) end),
    p(18, fun() -> trys(X) end),
    {A, [B], {C, _, F}} = funs(1),
    p(19, fun() -> (A())(x) end),
    p(20, fun() -> B() end),
    p(21, fun() -> C(x) end),
    p(22, fun() -> F(x) end),
    p(23, fun() -> maps:get(a, X) end),
    p(24, fun() -> maps:is_key(a, X) end),
    p(25, fun() -> (id(X))#r{b = if X =:= y -> 1 end} end),
    p(26, fun() -> (id(X))#r{b = 2} end),
    p(27, fun() -> #r{a = X} end),
    ok.
