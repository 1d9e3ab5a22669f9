-module(b26_local_call_guard).
-export([f/1]).
f(X) when is_ok(X) -> ok;
f(_) -> error.
is_ok(_) -> true.
