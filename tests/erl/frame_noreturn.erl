-module(frame_noreturn).
-export([main/0]).
%% A call to a function that never returns (every clause raises, loops, or calls such a
%% function: OTP's type analysis gives it the return type none) ends its caller's body, and
%% OTP compiles it as a tail call: the caller's frame is gone while it runs, so neither the
%% stack nor the stacktrace holds it. Inside a try or catch the frame stays (the handler's).

st() -> {stack_size, S} = process_info(self(), stack_size), S.

fail(X) -> put(st, st()), erlang:error({bad, X}).
fail2(Y) when Y > 0 -> put(st, st()), throw(Y);
fail2(Y) -> put(st, st()), exit(Y).
%% Never returns: each clause raises or calls itself.
rd(0) -> put(st, st()), erlang:error(done);
rd(N) -> rd(N - 1), never.
%% A receive loop never returns either.
lp() -> receive {stop, R} -> put(st, st()), exit(R); _ -> lp() end.
loopy(X) -> self() ! hello, self() ! {stop, X}, [X | lp()].

f(X) -> fail(X), ok.
h(X) -> Y = X + 1, fail2(Y), Y.
k(X) -> [X | f(X)].
m(X) -> case X of 1 -> fail(X); _ -> ok end, X.
t(X) -> try fail(X) catch _:_ -> caught end.
deep(0, F) -> F();
deep(N, F) -> [N | deep(N - 1, F)].

%% The stack at the failing function (from the bottom of deep/2's 20 levels) and the
%% stacktrace's function names.
probe(Name, F) ->
    Base = (fun() -> deep(0, fun() -> st() end) end)(),
    R = try deep(20, F) of V -> {returned, V} catch C:E:S -> {C, E, [Fn || {_, Fn, _, _} <- S]} end,
    io:format("~p: ~p ~p~n", [Name, get(st) - Base, R]).

main() ->
    probe(f, fun() -> f(1) end),
    probe(h, fun() -> h(1) end),
    probe(h0, fun() -> h(-5) end),
    probe(k, fun() -> k(2) end),
    probe(m, fun() -> m(1) end),
    probe(rd, fun() -> rd(5) end),
    probe(t, fun() -> t(3) end),
    probe(loop, fun() -> loopy(9) end),
    ok.
