-module(proc_stacktrace).
-export([main/0, entry/1, exiter/0]).
%% The stack trace of an exception in a spawned process holds that process's frames only: the
%% spawner's frames (or init's, under which OTP runs main) are not in it. Named functions only,
%% so that fun naming plays no part.

main() ->
    spawn(?MODULE, entry, [self()]),
    io:format("~p~n", [receive {mfa_trace, T} -> T end]),
    {P, R} = spawn_monitor(?MODULE, exiter, []),
    io:format("~p~n", [receive {'DOWN', R, process, P, Why} -> Why end]),
    io:format("~p~n", [trace()]),
    ok.

entry(Me) -> Me ! {mfa_trace, trace()}.

exiter() -> exit({reason, trace()}).

%% The frames' module, function and arity (no line numbers).
trace() ->
    try boom() catch _:_:S -> [{M, Fn, A} || {M, Fn, A, _} <- S] end.

boom() -> erlang:error(boom).
