%% Clause heads run on X registers and bodies without body calls need no frame: tail calls
%% with permuted arguments (parallel moves, cycles), clauses mixing frame and frameless bodies,
%% allocation (and GC) in frameless bodies, funs and named funs.
-module(lang_frameless).
-export([main/0]).

swap(0, A, B) -> {A, B};
swap(N, A, B) -> swap(N - 1, B, A).

rot(0, A, B, C) -> [A, B, C];
rot(N, A, B, C) -> rot(N - 1, C, A, B).

rot5(0, A, B, C, D, E) -> {A, B, C, D, E};
rot5(N, A, B, C, D, E) -> rot5(N - 1, E, D, A, C, B).

%% One clause frameless (tail call), one with a body call.
count([], Acc) -> Acc;
count([H | T], Acc) when is_integer(H) -> count(T, Acc + H);
count([H | T], Acc) -> N = count(H, 0), count(T, Acc + N).

%% Builds big terms in a frameless loop: the collector runs with the X slots live.
build(0, Acc) -> Acc;
build(N, Acc) -> build(N - 1, [{N, [N, N + 1], <<N:32>>, float(N)} | Acc]).

%% case in tail position choosing between tail calls.
walk([], E, O) -> {E, O};
walk([H | T], E, O) ->
    case H rem 2 of
        0 -> walk(T, [H | E], O);
        _ -> walk(T, E, [H | O])
    end.

%% Calls to another module in tail position.
rev(L) -> lists:reverse(L).
last(L) -> lists:last(L).

%% Mutual recursion through tail calls only.
ev(0) -> true;
ev(N) -> od(N - 1).
od(0) -> false;
od(N) -> ev(N - 1).

%% Arguments that read the same register twice.
dup(0, A, _) -> A;
dup(N, A, B) -> dup(N - 1, B, B + A).

%% A guard that fails after binding variables in the head.
pick({X, Y}, Z) when X + Y > Z -> {big, X, Y};
pick({X, _}, Z) when X > Z -> {x, X};
pick(T, _) -> {other, T}.

deep(0) -> [];
deep(N) -> [N | deep(N - 1)].

main() ->
    io:format("~p~n", [swap(5, a, b)]),
    io:format("~p~n", [swap(6, a, b)]),
    io:format("~p~n", [rot(7, 1, 2, 3)]),
    io:format("~p~n", [rot5(11, a, b, c, d, e)]),
    io:format("~p~n", [count([1, [2, 3, [4]], 5, [[6]]], 0)]),
    L = build(3000, []),
    io:format("~p ~p~n", [length(L), lists:nth(777, L)]),
    io:format("~p~n", [walk(lists:seq(1, 15), [], [])]),
    io:format("~p ~p~n", [rev([1, 2, 3]), last([x, y, z])]),
    io:format("~p ~p~n", [ev(10001), od(10001)]),
    io:format("~p~n", [dup(10, 1, 1)]),
    io:format("~p~n", [[pick({1, 2}, 2), pick({5, -9}, 2), pick({0, 0}, 1), pick(q, 1)]]),
    F = fun Fact(0) -> 1; Fact(K) -> K * Fact(K - 1) end,
    G = fun Loop(0, A) -> A; Loop(K, A) -> Loop(K - 1, [K | A]) end,
    Base = 100,
    H = fun(X) when X > Base -> X - Base; (X) -> Base - X end,
    io:format("~p ~p ~p~n", [F(20), G(5, []), [H(150), H(30)]]),
    io:format("~p~n", [length(deep(3000))]).
