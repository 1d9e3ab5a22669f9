-module(b15_illegal_guard).
-export([f/1]).
f(X) when length(X) > foo(X) -> ok;
f(X) when X ! 1 -> ok;
f(_) -> no.
foo(_) -> 1.
