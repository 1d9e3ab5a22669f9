%% ets:lookup of each of one million keys of a set of {Int, {Int, Int}} objects.
-module(ets_set_lookup).
-export([main/0]).

-define(REPS, 3).
-define(N, 1000000).

lookup_loop(_T, I, N, Acc) when I > N -> Acc;
lookup_loop(T, I, N, Acc) ->
    [{_, {_, V}}] = ets:lookup(T, I),
    lookup_loop(T, I + 1, N, Acc + V).

main() ->
    T = benchlib:ets_filled([set, public], ?N),
    Res = benchlib:time_setup(?REPS, fun() -> T end, fun(Tab) -> lookup_loop(Tab, 1, ?N, 0) end),
    #{result := Sum} = Res,
    benchlib:report("ets_set_lookup", Res, Sum).
