-module(old_guard_clash).
-export([main/0]).
main() -> f(1).
f(X) when integer(X) -> X;
f(X) -> integer(X).
integer(X) -> X.
