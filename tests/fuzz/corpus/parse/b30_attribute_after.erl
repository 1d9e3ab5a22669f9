-module(b30_attribute_after).
-export([f/0]).
f() -> ok.
-export([g/0]).
g() -> ok.
