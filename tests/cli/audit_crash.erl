-module(audit_crash).
-export([main/0]).
%% main prints, then crashes: exit status 1, what was printed before the crash kept.
main() ->
    io:format("before~n"),
    erlang:error({audit, crashed}).
