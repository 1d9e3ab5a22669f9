%% Story: garbage on the old heap that only looks like a leak.
%% A batch worker handles ever larger batches. While a batch is in hand its heap grows to hold
%% it; once the batch is done the worker waits for the next one and, idle, never collects, so
%% its heap stays at its largest size, full of the finished batch's garbage. Its total heap
%% keeps growing, yet a forced fullsweep gives nearly all of it back: heapscope's verdict is
%% process_state / pseudo_leak, not a leak.
-module(old_heap_garbage).
-export([main/0, worker/0]).

main() ->
    W = spawn(?MODULE, worker, []),
    register(batch_worker, W),
    batches(W, 1, 24),
    W ! {stop, self()},
    receive stopped -> ok end.

%% 24 batches, each 1200 items larger than the last, 110 ms apart: about 2.7 seconds.
batches(_W, _K, 0) -> ok;
batches(W, K, N) ->
    W ! {batch, K * 1200, self()},
    receive {done, _Sum} -> ok end,
    receive after 110 -> ok end,
    batches(W, K + 1, N - 1).

worker() ->
    receive
        {batch, Size, From} ->
            Items = [{I, I * 2} || I <- lists:seq(1, Size)],
            From ! {done, lists:foldl(fun({A, B}, S) -> S + A + B end, 0, Items)},
            worker();
        {stop, From} ->
            From ! stopped
    end.
