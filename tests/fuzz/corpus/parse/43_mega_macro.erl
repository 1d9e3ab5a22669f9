-module('43_mega_macro').
-export([f/1]).

-define(LOG(Fmt, Args), io:format("~s:~p " Fmt "~n", [?MODULE_STRING, ?LINE | Args])).
-define(assert(E), case E of true -> ok; _ -> erlang:error({assert, ??E}) end).
-define(swap(A, B), {B, A}).
-define(twice(X), X X).
-define(CASE(V, P, R), case V of P -> R end).
-define(EMPTY_ARGS(), empty).
-define(last_arg_anno(A, B), {A, B, after_b}).

f(X) ->
    ?LOG("x=~p", [X]),
    ?assert(X > 0),
    S = ?swap(1, two),
    T = [?twice(1 +) 2],
    U = ?CASE(X, {a, Y}, Y),
    V = ?EMPTY_ARGS(),
    W = ?last_arg_anno(first, (second)),
    {S, T, U, V, W}.
