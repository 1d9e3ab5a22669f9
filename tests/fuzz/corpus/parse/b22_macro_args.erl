-module(b22_macro_args).
-export([f/0]).
-define(M(X), X).
f() -> {?M, ?M(1, 2), ?M(}.
g() -> ?M(,).
