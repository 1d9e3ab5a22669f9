%% ets:update_counter from 8 processes at once: one million increments in all, each process
%% spreading its share over 64 counters of one public set (write_concurrency) that all
%% processes share.
-module(ets_update_counter_par).
-export([main/0]).

-define(REPS, 3).
-define(N, 1000000).
-define(P, 8).
-define(KEYS, 64).

count_loop(_T, 0, _K) -> 0;
count_loop(T, Left, K) ->
    ets:update_counter(T, K rem ?KEYS, {2, 1}, {K rem ?KEYS, 0}),
    count_loop(T, Left - 1, K + 7).

main() ->
    Res = benchlib:time_setup(?REPS, fun() -> ets:new(bench, [set, public, {write_concurrency, true}]) end,
                              fun(T) ->
                                  benchlib:par(?P, fun(I) -> count_loop(T, ?N div ?P, I) end),
                                  Sum = lists:sum([C || {_, C} <- ets:tab2list(T)]),
                                  ets:delete(T),
                                  Sum
                              end),
    #{result := Sum} = Res,
    benchlib:report("ets_update_counter_par", Res, Sum).
