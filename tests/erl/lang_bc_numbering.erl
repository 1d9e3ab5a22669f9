-module(lang_bc_numbering).
%% Letrec numbers ('-F/A-lc$^L/1-N-') around binary comprehensions: OTP evaluates a binary
%% comprehension's first generator's expression outside it, so the comprehensions in that
%% expression are numbered before the binary comprehension's own generators; the others
%% after them. (The binary comprehensions' own '-lbc$^' frames are left out: heapscope
%% compiles them inline.)
-export([main/0, id/1]).

id(X) -> X.

t(N, F) ->
    try F() of
        V -> io:format("~p: ~p~n", [N, V])
    catch
        C:R:S ->
            Fs = [Fn || {_, Fn, _, _} <- S, string:find(atom_to_list(Fn), "lbc$") =:= nomatch],
            io:format("~p: ~p ~p ~p~n", [N, C, R, Fs])
    end.

main() ->
    t(1, fun() -> {<< <<X>> || X <- [a + Y || Y <- id([1])] >>} end),
    t(2, fun() -> {<< <<X>> || X <- id([1]), _ <- [a + Y || Y <- id([1])] >>} end),
    t(3, fun() -> {<< <<(hd([a + Y || Y <- id([X])]))>> || X <- id([1]) >>} end),
    t(4, fun() -> {<< <<X>> || X <- [Y || Y <- id([1])], _ <- [a + Y || Y <- id([1])] >>} end),
    t(5, fun() -> [X || X <- [a + Y || Y <- id([1])]] end),
    t(6, fun() -> {<< <<X>> || <<X>> <= << <<Y>> || Y <- [Z || Z <- id([1])] >>, _ <- [a + W || W <- id([1])] >>} end),
    ok.
