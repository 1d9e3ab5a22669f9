%% ets:lookup of each of one million keys of an ordered_set of {Int, {Int, Int}} objects.
-module(ets_oset_lookup).
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

lookup_loop(_T, I, N, Acc) when I > N -> Acc;
lookup_loop(T, I, N, Acc) ->
    [{_, {_, V}}] = ets:lookup(T, I),
    lookup_loop(T, I + 1, N, Acc + V).

main() ->
    T = filled(ordered_set),
    Res = benchlib:time_setup(?REPS, fun() -> T end, fun(Tab) -> lookup_loop(Tab, 1, ?N, 0) end),
    #{result := Sum} = Res,
    benchlib:report("ets_oset_lookup", Res, Sum).
