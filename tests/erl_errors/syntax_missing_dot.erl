-module(syntax_missing_dot).
-export([main/0]).
main() ->
    ok
f() -> 1.
