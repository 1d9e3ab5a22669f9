-module(unterminated_atom).
-export([main/0]).
main() ->
    'hello.
