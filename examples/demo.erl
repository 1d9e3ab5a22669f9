%% The demo system of `make demo`: five parts, each with a story heapscope tells apart.
%%   request_log     a server that keeps every request (process_state leak)
%%   page_cache      an ETS cache that only grows (ets_table leak)
%%   router          keeps sub-binaries of 64 KiB packets (binary suspect)
%%   reporter        sends a table whose rows share one list (lost_sharing suspect)
%%   pool_worker_N   a healthy worker pool with heavy but bounded churn (no verdict)
%% Run it with `heapscope run --top examples/demo.erl [SECONDS]` (default 12 seconds).
-module(demo).
-export([main/0, main/1, log_server/1, router/1, sink/0, worker/1]).

main() -> main([]).

main(Args) ->
    Secs = case Args of [S | _] -> list_to_integer(S); [] -> 12 end,
    Log = spawn(?MODULE, log_server, [[]]),
    register(request_log, Log),
    Cache = ets:new(page_cache, [set, public, named_table]),
    Router = spawn(?MODULE, router, [[]]),
    register(router, Router),
    Sink = spawn(?MODULE, sink, []),
    register(report_sink, Sink),
    Workers = [begin W = spawn(?MODULE, worker, [[]]), register(worker_name(I), W), W end
               || I <- lists:seq(1, 4)],
    Row = lists:seq(1, 100),
    Table = list_to_tuple(lists:duplicate(12, Row)),
    Ticks = Secs * 20,
    loop(0, Ticks, Log, Cache, Router, Sink, Table, Workers),
    ok.

worker_name(I) -> list_to_atom("pool_worker_" ++ integer_to_list(I)).

%% One tick every 50 ms.
loop(T, T, _Log, _Cache, _Router, _Sink, _Table, _Workers) -> ok;
loop(T, Ticks, Log, Cache, Router, Sink, Table, Workers) ->
    [Log ! {request, T * 20 + I, <<"GET /page/", (integer_to_binary(I))/binary>>} || I <- lists:seq(1, 20)],
    [ets:insert(Cache, {{page, T, I}, lists:duplicate(6, I)}) || I <- lists:seq(1, 40)],
    [Router ! {packet, <<(T * 4 + I):32, 0:(65536 * 8 - 32)>>} || I <- lists:seq(1, 4)],
    Sink ! {table, T, Table},
    [W ! {job, self(), T} || W <- Workers],
    [receive {done, W} -> ok end || W <- Workers],
    receive after 50 -> ok end,
    loop(T + 1, Ticks, Log, Cache, Router, Sink, Table, Workers).

log_server(Seen) ->
    receive {request, N, Path} -> log_server([{N, Path} | Seen]) end.

router(Headers) ->
    receive {packet, <<Hdr:4/binary, _/binary>>} -> router(lists:sublist([Hdr | Headers], 4)) end.

sink() ->
    receive {table, _T, Tab} -> _ = tuple_size(Tab), sink() end.

worker(Lru) ->
    receive
        {job, From, N} ->
            Items = [{I, I * N} || I <- lists:seq(1, 2000)],
            R = {N, length(Items)},
            From ! {done, self()},
            worker(lists:sublist([R | Lru], 32))
    end.
