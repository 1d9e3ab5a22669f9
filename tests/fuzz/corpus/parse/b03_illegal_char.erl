-module(b03_illegal_char).
-export([f/0]).
f() -> ok ☺ ok.
g() -> fine.
