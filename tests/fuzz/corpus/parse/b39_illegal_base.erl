-module(b39_illegal_base).
-export([f/0]).
f() -> 1#0.
g() -> ok.
