%% dets:insert of 100 000 {Int, {Int, Int}} objects, one at a time, then sync, into an emptied set.
-module(dets_insert).
-export([main/0]).

-define(REPS, 3).
-define(N, 100000).

%% heapscope and OTP write different file formats: whichever finds the file in the other's
%% format uses a second name. Each run starts from an empty table.
file(Sx) -> "/tmp/hs_bench_" ++ atom_to_list(?MODULE) ++ Sx ++ ".dets".

open() ->
    case dets:open_file(bench, [{file, file("")}, {auto_save, infinity}]) of
        {ok, bench} -> ok;
        {error, _} -> {ok, bench} = dets:open_file(bench, [{file, file("_2")}, {auto_save, infinity}])
    end,
    ok = dets:delete_all_objects(bench),
    bench.

obj(I) -> {I, {I, I * 2}}.

insert_loop(_T, I, N) when I > N -> ok;
insert_loop(T, I, N) ->
    ok = dets:insert(T, obj(I)),
    insert_loop(T, I + 1, N).

main() ->
    Res = benchlib:time_setup(?REPS, fun() -> open() end, fun(T) -> insert_loop(T, 1, ?N), ok = dets:sync(T), T end),
    Size = dets:info(bench, size),
    ok = dets:close(bench),
    benchlib:report("dets_insert", Res, Size).
