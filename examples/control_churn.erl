%% Control: heavy but bounded churn. Short-lived workers are spawned by the thousand, each
%% builds garbage and replies; a session table gets as many deletes as inserts; the
%% coordinator's own state is a window of the last 50 results. Nothing here grows without
%% bound: heapscope must give no leak verdict.
-module(control_churn).
-export([main/0, work/2]).

main() ->
    Sessions = ets:new(sessions, [set, public]),
    rounds(Sessions, 0, 60, []),
    ok.

%% 60 rounds of 40 workers, 35 ms apart: about 2.5 seconds.
rounds(_T, _N, 0, _Window) -> ok;
rounds(T, N, R, Window) ->
    Self = self(),
    Ws = [spawn(?MODULE, work, [Self, N + I]) || I <- lists:seq(1, 40)],
    Results = [receive {result, W, V} -> V end || W <- Ws],
    [ets:insert(T, {{session, N + I}, lists:seq(1, 20)}) || I <- lists:seq(1, 40)],
    [ets:delete(T, {session, N + I - 80}) || I <- lists:seq(1, 40)],
    receive after 35 -> ok end,
    rounds(T, N + 40, R - 1, lists:sublist(Results ++ Window, 50)).

%% Each worker's garbage is a few thousand words: enough to collect, little CPU (a loaded box
%% stretches CPU time by its load, and make check runs this under ASan).
work(From, N) ->
    Garbage = [{I, integer_to_list(I)} || I <- lists:seq(1, 100 + N rem 100)],
    From ! {result, self(), length(Garbage) + N}.
