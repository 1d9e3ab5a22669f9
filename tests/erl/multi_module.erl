-module(multi_module).
-export([main/0]).
-import(helper_mod, [twice/1]).
-include("defs.hrl").
main() -> io:format("~p ~p~n", [twice(?K), helper_mod:twice(1)]).
