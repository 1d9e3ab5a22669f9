-module('21_macros').
-export([f/1]).

-define(ZERO, 0).
-define(PI, 3.14).
-define(ADD(A, B), A + B).
-define(SQ(X), ((X) * (X))).
-define(PAIR(X, Y), {X, Y}).
-define(NESTED(X), ?ADD(X, ?ZERO)).
-define(STR(X), ??X).
-define(EMPTY, ).
-define(CALL, g).
-define(ARGS, (1, 2)).
-define(F(), no_args).
-define(F(X), one_arg(X)).
-define('quoted', q).
-define(TUPLE(X, Y, Z), {Z, Y, X}).

f(V) ->
    A = ?ZERO,
    B = ?ADD(V, 1),
    C = ?SQ(V + 1),
    D = ?PAIR(?ZERO, [1, 2, 3]),
    E = ?NESTED(V),
    F = ?STR(V + 1 * foo(bar, "s", 'q q', $c, 1.5)),
    G = [?EMPTY 1],
    H = ?CALL(1, 2),
    I = ?F(),
    J = ?F(x),
    K = ?quoted,
    L = ?TUPLE({a, b}, [c, d], fun() -> e end),
    M = ?PAIR((1), {2, 3}),
    N = ?MODULE,
    O = ?MODULE_STRING,
    P = ?LINE,
    Q = ?FUNCTION_NAME,
    R = ?FUNCTION_ARITY,
    S = ?FILE,
    T = ?MACHINE,
    U = ?OTP_RELEASE,
    W = ?PI,
    {A, B, C, D, E, F, G, H, I, J, K, L, M, N, O, P, Q, R, S, T, U, W}.

g(A, B) -> {A, B}.
one_arg(X) -> X.
