%% ets:insert of one million {Int, {Int, Int}} objects, one at a time, into a fresh ordered_set.
-module(ets_oset_insert).
-export([main/0]).

-define(REPS, 3).
-define(N, 1000000).

obj(I) -> {I, {I, I * 2}}.

insert_loop(_T, I, N) when I > N -> ok;
insert_loop(T, I, N) ->
    true = ets:insert(T, obj(I)),
    insert_loop(T, I + 1, N).

%% A new table for each run; the last run's goes first (named, so it can be found).
fresh(Type) ->
    case ets:info(bench, size) of
        undefined -> ok;
        _ -> true = ets:delete(bench)
    end,
    ets:new(bench, [Type, public, named_table]).

main() ->
    #{result := T} = Res = benchlib:time_setup(?REPS, fun() -> fresh(ordered_set) end,
                                               fun(T) -> insert_loop(T, 1, ?N), T end),
    benchlib:report("ets_oset_insert", Res, ets:info(T, size)).
