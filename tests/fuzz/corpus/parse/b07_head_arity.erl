-module(b07_head_arity).
-export([f/1]).
f(0) -> zero;
f(N, M) -> N + M.
