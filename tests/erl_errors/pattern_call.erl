-module(pattern_call).
-export([main/0]).
main() -> f(1).
f(id(X)) -> X.
