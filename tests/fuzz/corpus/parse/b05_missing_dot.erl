-module(b05_missing_dot).
-export([f/0]).
f() -> ok
