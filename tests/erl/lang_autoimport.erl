%% Auto-imported BIFs that are called without the erlang: prefix (erl_internal:bif/2).
-module(lang_autoimport).
-export([main/0]).

main() ->
    io:format("~p~n", [nodes()]),
    io:format("~p~n", [nodes(connected)]),
    io:format("~p~n", [module_loaded(?MODULE)]),
    io:format("~p~n", [module_loaded(no_such_module_here)]),
    P = list_to_port("#Port<0.7>"),
    io:format("~p ~p~n", [is_port(P), port_to_list(P)]).
