%% Control: a busy but healthy worker pool. A dispatcher hands jobs to 8 long-lived workers as
%% fast as they finish them (each job waits for its reply, so no queue builds up); each worker
%% keeps a bounded LRU of its last 64 results and its heap churns through garbage. Large
%% binaries are made and dropped. heapscope must give no leak verdict.
-module(control_pool).
-export([main/0, worker/1]).

main() ->
    Workers = [spawn(?MODULE, worker, [[]]) || _ <- lists:seq(1, 8)],
    dispatch(Workers, 0, 2400),
    [W ! stop || W <- Workers],
    ok.

%% 2400 jobs, one per worker per round, 6 ms between rounds: about 2.5 seconds.
dispatch(_Ws, _N, 0) -> ok;
dispatch(Ws, N, K) ->
    [W ! {job, self(), N + I} || {I, W} <- lists:zip(lists:seq(1, length(Ws)), Ws)],
    [receive {done, W, _} -> ok end || W <- Ws],
    receive after 6 -> ok end,
    dispatch(Ws, N + length(Ws), K - length(Ws)).

worker(Lru) ->
    receive
        {job, From, N} ->
            Blob = binary:copy(<<N:64>>, 2048),
            Items = [{I, I * N} || I <- lists:seq(1, 300)],
            R = {N, byte_size(Blob), length(Items)},
            From ! {done, self(), R},
            worker(lists:sublist([R | Lru], 64));
        stop -> ok
    end.
