-module(audit_small).
-export([main/0]).
%% A small program for the startup time: stdlib modules and a gen_server, all bundled.
main() ->
    {ok, P} = gen_server:start(audit_small_srv, 0, []),
    ok = gen_server:cast(P, {add, 5}),
    io:format("~p ~p~n", [gen_server:call(P, get), lists:sum(lists:seq(1, 10))]),
    gen_server:stop(P).
