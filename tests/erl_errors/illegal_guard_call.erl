-module(illegal_guard_call).
-export([main/0]).
main() -> f(1).
f(X) when g(X) -> X.
g(_) -> true.
