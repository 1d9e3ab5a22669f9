-module(audit_pa_main).
-export([main/0]).
%% Modules come from beside the file (audit_pa_near), from -pa directories (audit_pa_lib) and
%% from the bundled stdlib (lists, queue).
main() ->
    io:format("~p~n", [audit_pa_lib:double(21)]),
    io:format("~p~n", [audit_pa_near:triple(5)]),
    io:format("~p~n", [queue:to_list(queue:from_list(lists:seq(1, 3)))]).
