%% Story: a consumer slower than its producer.
%% The producer sends 2 messages for every one the consumer can handle, so the consumer's
%% message queue keeps growing. heapscope's verdict is mailbox / leak.
-module(slow_consumer).
-export([main/0, consumer/1]).

main() ->
    C = spawn(?MODULE, consumer, [0]),
    register(slow_consumer, C),
    produce(C, 0, 50),
    ok.

%% 50 rounds of 40 messages, 40 ms apart: 1000 messages per second offered.
produce(_C, _N, 0) -> ok;
produce(C, N, Rounds) ->
    [C ! {job, N + I, lists:seq(1, 10)} || I <- lists:seq(1, 40)],
    receive after 40 -> ok end,
    produce(C, N + 40, Rounds - 1).

%% Handles about 500 messages per second at most: 2 ms each.
consumer(Done) ->
    receive
        {job, _N, Work} ->
            _ = lists:sum(Work),
            receive after 2 -> ok end,
            consumer(Done + 1)
    end.
