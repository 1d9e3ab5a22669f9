%% Evaluation order and compile-time folding as OTP 25 does them (found by scripts/difftest.py):
%% a comprehension appended to a list is built onto it (the right operand first); a type test
%% of a constant is a constant (and goes second in the frame of a commutative operator); a
%% comprehension's bad generator fails at the generator expression's line; funs are numbered
%% right to left in lists and calls.
-module(lang_otp_order).
-export([main/0, id/1, f/1]).

id(X) -> X.
f(X) -> io:format("~p ", [X]), [X].

p(N, F) ->
    try F() of
        V -> io:format("~p: ~p~n", [N, V])
    catch
        C:R:S -> io:format("~p: ~p:~p~n   ~p~n", [N, C, R, hd(S)])
    end.

main() ->
    X = id(x),
    p(1, fun() -> [Y || Y <- f(a)] ++ f(b) end),
    p(2, fun() -> [Y || Y <- f(c)] -- f(d) end),
    p(3, fun() -> {[Y || Y <- f(e)], f(g)} end),
    p(4, fun() -> [f(h) || _ <- [1]] ++ [f(i) || _ <- [1]] end),
    p(5, fun() -> is_list(#{}) or X end),
    p(6, fun() -> X or is_atom(1) end),
    p(7, fun() -> is_tuple({}) and X end),
    p(8, fun() -> {[Z || Z <- [1], Z > 0]} end),
    p(9, fun() -> {<< <<Z>>
                      || <<Z>> <=
                             id(r)>>}
         end),
    Fs = [fun() -> 1 end, fun(A) -> A end, fun() -> [W || W <- [1]] end],
    p(10, fun() -> [erlang:fun_info(F, name) || F <- Fs] end),
    ok.
