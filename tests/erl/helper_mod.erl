-module(helper_mod).
-export([main/0, twice/1]).
-record(st, {v}).
twice(X) -> #st{v = X * 2}.
main() -> io:format("~p~n", [twice(5)]).
