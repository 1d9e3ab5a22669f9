-module(head_mismatch_arity).
-export([main/0]).
main() -> f(1).
f(0) -> zero;
f(N, M) -> N + M.
