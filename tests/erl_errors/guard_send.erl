-module(guard_send).
-export([main/0]).
main() -> f(1).
f(X) when X ! 1 -> X.
