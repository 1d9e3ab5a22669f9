-module(b43_pmod, [A, B]).
-export([f/0]).
f() -> ok.
