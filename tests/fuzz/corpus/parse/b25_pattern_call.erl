-module(b25_pattern_call).
-export([f/1]).
f(g(X)) -> X.
