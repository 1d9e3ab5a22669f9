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

%% 2400 jobs in 60 rounds of 5 waves (a job per worker each), 40 ms between rounds: about 2.5
%% seconds. Few sleeps: on a loaded machine each wake-up waits its turn for a core, and 300
%% of them (one per wave) stretched the run past 10 s.
dispatch(_Ws, _N, 0) -> ok;
dispatch(Ws, N, K) ->
    N1 = waves(Ws, N, 5),
    receive after 40 -> ok end,
    dispatch(Ws, N1, K - 5 * length(Ws)).

waves(_Ws, N, 0) -> N;
waves(Ws, N, K) ->
    [W ! {job, self(), N + I} || {I, W} <- lists:zip(lists:seq(1, length(Ws)), Ws)],
    [receive {done, W, _} -> ok end || W <- Ws],
    waves(Ws, N + length(Ws), K - 1).

worker(Lru) ->
    receive
        {job, From, N} ->
            Blob = binary:copy(<<N:64>>, 2048),
            Items = [{I, I * N} || I <- lists:seq(1, 100)],
            R = {N, byte_size(Blob), length(Items)},
            From ! {done, self(), R},
            worker(lists:sublist([R | Lru], 64));
        stop -> ok
    end.
