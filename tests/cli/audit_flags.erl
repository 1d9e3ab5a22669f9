-module(audit_flags).
-export([main/0]).
%% Run with +hms 1000 +hmqd off_heap +fsa 5: the defaults of every new process.
main() ->
    Me = self(),
    P = spawn(fun() -> Me ! {self(), process_info(self(), [min_heap_size, fullsweep_after, message_queue_data, heap_size])} end),
    receive {P, I} -> io:format("~p~n", [I]) end,
    {garbage_collection, G} = process_info(self(), garbage_collection),
    io:format("~p~n", [[{K, V} || {K, V} <- G, lists:member(K, [min_heap_size, fullsweep_after])]]).
