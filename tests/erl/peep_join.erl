%% A value that reaches a join point along two paths (a receive's message or its after
%% branch; a case's two arms) and is then used: the peephole pass once forwarded one path's
%% source into the join (a label left on an instruction it had deleted), so the received map
%% was replaced by the argument.
-module(peep_join).
-export([main/0]).

recv_or(D) -> (receive V -> V after 0 -> D end)#{e := 9}.

case_or(X, D) -> (case X of {ok, V} -> V; _ -> D end) + 1.

recv_pair(D) ->
    R = receive {m, V} -> V after 0 -> D end,
    {R, R}.

main() ->
    self() ! #{e => 1, m => 2},
    io:format("~p~n", [recv_or(#{e => 0, d => 1})]),
    io:format("~p~n", [recv_or(#{e => 0, d => 1})]),
    io:format("~p ~p~n", [case_or({ok, 10}, 20), case_or(none, 20)]),
    self() ! {m, got},
    io:format("~p ~p~n", [recv_pair(dflt), recv_pair(dflt)]).
