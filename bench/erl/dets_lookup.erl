%% dets:lookup of each of 100 000 keys of a set of {Int, {Int, Int}} objects.
-module(dets_lookup).
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

lookup_loop(_T, I, N, Acc) when I > N -> Acc;
lookup_loop(T, I, N, Acc) ->
    [{_, {_, V}}] = dets:lookup(T, I),
    lookup_loop(T, I + 1, N, Acc + V).

main() ->
    T = open(),
    insert_loop(T, 1, ?N),
    ok = dets:sync(T),
    Res = benchlib:time_setup(?REPS, fun() -> T end, fun(Tab) -> lookup_loop(Tab, 1, ?N, 0) end),
    #{result := Sum} = Res,
    ok = dets:close(T),
    benchlib:report("dets_lookup", Res, Sum).
