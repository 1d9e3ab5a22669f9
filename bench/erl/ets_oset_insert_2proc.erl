%% ets:insert of one million {Int, {Int, Int}} objects into a public ordered_set (write_concurrency)
%% from two processes at once, each inserting its own half of the keys.
-module(ets_oset_insert_2proc).
-export([main/0]).

-define(REPS, 3).
-define(N, 1000000).
-define(P, 2).

obj(I) -> {I, {I, I * 2}}.

insert_loop(_T, I, N, _S) when I > N -> 0;
insert_loop(T, I, N, S) ->
    true = ets:insert(T, obj(I)),
    insert_loop(T, I + S, N, S).

main() ->
    New = fun() ->
              catch ets:delete(bench),
              ets:new(bench, [ordered_set, public, named_table, {write_concurrency, true}])
          end,
    Res = benchlib:time_setup(?REPS, New,
                              fun(T) -> benchlib:par(?P, fun(I) -> insert_loop(T, I, ?N, ?P) end), ets:info(T, size) end),
    #{result := Size} = Res,
    benchlib:report("ets_oset_insert_2proc", Res, Size).
