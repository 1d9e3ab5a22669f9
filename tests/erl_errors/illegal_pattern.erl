-module(illegal_pattern).
-export([main/0]).
main() ->
    f(1) = 1.
f(X) -> X.
