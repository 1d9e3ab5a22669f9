-module(head_mismatch).
-export([main/0]).
main() -> f(1).
f(0) -> zero;
g(N) -> N.
