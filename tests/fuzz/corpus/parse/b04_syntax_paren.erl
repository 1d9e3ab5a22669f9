-module(b04_syntax_paren).
-export([f/1]).
f(X) -> foo(X,).
