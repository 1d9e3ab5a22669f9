-module(b23_fun_head_mismatch).
-export([f/0]).
f() -> fun(X) -> X; (X, Y) -> Y end.
