%% ets:select over an ordered_set of one million {Int, {Int, Int}} objects, a quarter matching.
-module(ets_oset_select).
-export([main/0]).

-define(REPS, 3).
-define(N, 1000000).

obj(I) -> {I, {I, I * 2}}.

insert_loop(_T, I, N) when I > N -> ok;
insert_loop(T, I, N) ->
    true = ets:insert(T, obj(I)),
    insert_loop(T, I + 1, N).

filled(Type) ->
    T = ets:new(bench, [Type, public]),
    insert_loop(T, 1, ?N),
    T.

%% One select over the whole table: a guard on the key, the inner tuple returned.
main() ->
    T = filled(ordered_set),
    MS = [{{'$1', '$2'}, [{'=<', '$1', ?N div 4}], ['$2']}],
    Res = benchlib:time_setup(?REPS, fun() -> T end, fun(Tab) -> length(ets:select(Tab, MS)) end),
    #{result := Len} = Res,
    benchlib:report("ets_oset_select", Res, Len).
