%% Story: an ETS cache that only grows.
%% Every lookup that misses inserts, and nothing ever evicts: the table's size and memory keep
%% growing while its owner lives. heapscope's verdict is ets_table / leak.
-module(ets_cache).
-export([main/0]).

main() ->
    Cache = ets:new(page_cache, [set, public, named_table]),
    fill(Cache, 0, 50),
    ok.

%% 50 rounds of 400 new keys, 40 ms apart: about 2.5 seconds.
fill(_Cache, _N, 0) -> ok;
fill(Cache, N, Rounds) ->
    N1 = misses(Cache, N, 400),
    receive after 40 -> ok end,
    fill(Cache, N1, Rounds - 1).

misses(_Cache, N, 0) -> N;
misses(Cache, N, K) ->
    Key = {page, N},
    case ets:lookup(Cache, Key) of
        [] -> ets:insert(Cache, {Key, render(N)});
        [_] -> ok
    end,
    misses(Cache, N + 1, K - 1).

render(N) -> lists:duplicate(8, N).
