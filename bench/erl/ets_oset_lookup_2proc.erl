%% ets:lookup of each of one million keys of a public ordered_set of {Int, {Int, Int}} objects
%% (read_concurrency) from two processes at once, each looking up its own half of the keys.
-module(ets_oset_lookup_2proc).
-export([main/0]).

-define(REPS, 3).
-define(N, 1000000).
-define(P, 2).

lookup_loop(_T, I, N, _S, Acc) when I > N -> Acc;
lookup_loop(T, I, N, S, Acc) ->
    [{_, {_, V}}] = ets:lookup(T, I),
    lookup_loop(T, I + S, N, S, Acc + V).

main() ->
    T = benchlib:ets_filled([ordered_set, public, {read_concurrency, true}], ?N),
    Res = benchlib:time_setup(?REPS, fun() -> T end,
                              fun(Tab) -> benchlib:par(?P, fun(I) -> lookup_loop(Tab, I, ?N, ?P, 0) end) end),
    #{result := Sum} = Res,
    benchlib:report("ets_oset_lookup_2proc", Res, Sum).
