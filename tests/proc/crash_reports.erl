-module(crash_reports).
-export([main/0, erroring/1, throwing/0, exiting/0, growing/0]).
%% Spawned processes that crash, one at a time. Errors and throws print an error report;
%% exit/1 does not; a max_heap_size kill prints its own report. Prints nothing itself: the
%% reports are the output (stderr under heapscope, stdout under OTP's logger).

main() ->
    [wait(spawn_monitor(?MODULE, F, A)) || {F, A} <- [{erroring, [{custom, one}]},
                                                      {throwing, []},
                                                      {exiting, []},
                                                      {erroring, [badarg]},
                                                      {growing, []}]],
    %% OTP's logger prints asynchronously: give it time before init stops the node.
    receive after 300 -> ok end.

wait({P, R}) -> receive {'DOWN', R, process, P, _} -> ok end.

erroring(Reason) -> erlang:error(Reason).
throwing() -> throw(ball).
exiting() -> exit(quiet).
growing() ->
    process_flag(max_heap_size, #{size => 5000, kill => true, error_logger => true}),
    length(lists:seq(1, 50000)).
