-module(guard_match).
-export([main/0]).
main() -> f(1).
f(X) when Y = X -> Y.
