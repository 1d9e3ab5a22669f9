-module(b21_bad_attribute).
-export([f/0, g]).
-vsn(X).
-foo(a, b).
-record(r).
-record(r2, {f(x)}).
f() -> ok.
