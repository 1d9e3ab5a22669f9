-module(old_guard_in_expr).
-export([main/0]).
main() -> f(1).
f(X) when integer(X) == true -> X;
f(X) -> X.
