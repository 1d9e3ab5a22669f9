-module(b38_remote_expr).
-export([f/0]).
f() -> lists:map.
