-module(illegal_guard).
-export([main/0]).
main() -> f(1).
f(X) when length(lists:seq(1, X)) > 0 -> X.
