%% ets:select over an ordered_set of one million {Int, {Int, Int}} objects, a quarter matching.
-module(ets_oset_select).
-export([main/0]).

-define(REPS, 5).
-define(N, 1000000).

%% One select over the whole table: a guard on the key, the inner tuple returned.
main() ->
    T = benchlib:ets_filled([ordered_set, public], ?N),
    MS = [{{'$1', '$2'}, [{'=<', '$1', ?N div 4}], ['$2']}],
    %% Each run starts on a collected heap: the run before left its 250 000 results as
    %% garbage, and where a collection of them fell (inside a timed run or not, depending on
    %% how the heap had grown) made one run take up to four times another.
    Res = benchlib:time_setup(?REPS, fun() -> erlang:garbage_collect(), T end,
                              fun(Tab) -> length(ets:select(Tab, MS)) end),
    #{result := Len} = Res,
    benchlib:report("ets_oset_select", Res, Len).
