%% Story: a consumer slower than its producer.
%% The producer offers 40 jobs a round but grants the consumer's rate limiter only 20 tokens a
%% round (one job each), so the consumer's message queue grows by 20 jobs every round. The
%% rates are counted in jobs, not timed, so the queue grows the same however loaded the
%% machine is. heapscope's verdict is mailbox / leak.
-module(slow_consumer).
-export([main/0, consumer/1]).

main() ->
    C = spawn(?MODULE, consumer, [0]),
    register(slow_consumer, C),
    produce(C, 0, 50),
    ok.

%% 50 rounds of 40 jobs and 20 tokens, 40 ms apart: about 2 seconds; 1000 jobs left queued.
produce(_C, _N, 0) -> ok;
produce(C, N, Rounds) ->
    [C ! {job, N + I, lists:seq(1, 10)} || I <- lists:seq(1, 40)],
    C ! {tokens, 20},
    receive after 40 -> ok end,
    produce(C, N + 40, Rounds - 1).

%% Waits for tokens (past the queued jobs), then handles that many jobs, oldest first.
consumer(Done) ->
    receive
        {tokens, K} -> consumer(handle(K, Done))
    end.

handle(0, Done) -> Done;
handle(K, Done) ->
    receive
        {job, _N, Work} ->
            _ = lists:sum(Work),
            handle(K - 1, Done + 1)
    end.
