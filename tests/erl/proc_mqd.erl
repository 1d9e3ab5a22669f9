-module(proc_mqd).
-export([main/0]).
%% message_queue_data: where a blocked receiver's queued messages are counted
%% (../shared/reference/beam-memory.md §5.3). 100 messages of lists:seq(1, 100) (200 words
%% each) to a receiver waiting for something else.

main() ->
    io:format("off_heap: ~p~n", [queue_figures([{message_queue_data, off_heap}])]),
    io:format("on_heap: ~p~n", [queue_figures([{message_queue_data, on_heap}])]),
    io:format("default: ~p~n", [queue_figures([])]),
    io:format("switch to off_heap with a queue: ~p~n", [switch()]),
    io:format("received then gc: ~p~n", [drain()]),
    ok.

wait_blocked(P) ->
    case process_info(P, status) of
        {status, waiting} -> ok;
        _ -> receive after 1 -> wait_blocked(P) end
    end.

stop(P) ->
    R = monitor(process, P),
    P ! stop,
    receive {'DOWN', R, process, P, W} -> W end.

fill(P) ->
    Msg = lists:seq(1, 100),
    [P ! Msg || _ <- lists:seq(1, 100)],
    wait_blocked(P).

queue_figures(Opts) ->
    P = spawn_opt(fun() -> receive stop -> ok end end, Opts),
    wait_blocked(P),
    fill(P),
    Keys = [message_queue_len, message_queue_data, total_heap_size, heap_size, memory],
    [{message_queue_len, N}, {message_queue_data, D}, {total_heap_size, T}, {heap_size, H},
     {memory, M}] = process_info(P, Keys),
    {garbage_collection_info, G} = process_info(P, garbage_collection_info),
    Mbuf = element(2, lists:keyfind(mbuf_size, 1, G)),
    Before = case D of
                 off_heap -> {N, D, T, H, M, Mbuf};
                 %% OTP may put the first message straight on the heap (20033 and 169840),
                 %% we keep it in a fragment (20233 and 171440): docs/signals.md §2.
                 on_heap -> {N, D, T >= 20033, T =< 20233, M >= 169840, M =< 171440,
                             Mbuf >= 19800, Mbuf =< 20000}
             end,
    true = garbage_collect(P),
    After = process_info(P, [message_queue_len, total_heap_size, heap_size, memory]),
    {garbage_collection_info, G2} = process_info(P, garbage_collection_info),
    Pick = [K || K <- [mbuf_size, recent_size, heap_size, old_heap_block_size]],
    stop(P),
    {Before, After, [lists:keyfind(K, 1, G2) || K <- Pick]}.

%% A queue built on_heap, then the flag switched to off_heap: the data already queued stays
%% counted on the heap until a GC moves it (OTP only marks messages at send time).
switch() ->
    Me = self(),
    P = spawn(fun() ->
                  receive go -> ok end,
                  Old = process_flag(message_queue_data, off_heap),
                  Me ! {old, Old},
                  receive stop -> ok end
              end),
    wait_blocked(P),
    fill(P),
    P ! go,
    Old = receive {old, O} -> O end,
    wait_blocked(P),
    I = process_info(P, [message_queue_len, message_queue_data]),
    stop(P),
    {Old, I}.

%% The receiver takes every message and drops them: after a GC it is small again.
drain() ->
    Me = self(),
    P = spawn(fun() ->
                  receive go -> ok end,
                  [receive L when is_list(L) -> ok end || _ <- lists:seq(1, 100)],
                  Me ! drained,
                  receive stop -> ok end
              end),
    wait_blocked(P),
    fill(P),
    P ! go,
    receive drained -> ok end,
    wait_blocked(P),
    true = garbage_collect(P),
    I = process_info(P, [message_queue_len, total_heap_size, memory]),
    stop(P),
    I.
