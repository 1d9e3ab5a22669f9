%% lists:sort/1 of 100 000 integers from a fixed LCG, so both runtimes sort the same data.
%% The check is a position-weighted sum of the sorted list (mod 2^32), which a wrong order changes.
-module(sort100k).
-export([main/0]).

-define(REPS, 5).

-define(N, 100000).

%% Numerical Recipes LCG, kept below 2^32 so every value stays a small integer on both sides.
gen(0, _, Acc) -> Acc;
gen(K, X, Acc) ->
    X1 = (1664525 * X + 1013904223) band 16#FFFFFFFF,
    gen(K - 1, X1, [X1 bsr 8 | Acc]).

check([], _, S) -> S;
check([H | T], I, S) -> check(T, I + 1, (S + H * I) band 16#FFFFFFFF).

main() ->
    L = gen(?N, 12345, []),
    _ = lists:sort(gen(1000, 1, [])),
    #{result := S} = T = benchlib:time_reps(?REPS, fun() -> lists:sort(L) end),
    benchlib:report("sort100k", T, check(S, 1, 0)).
