-module(b11_undefined_function).
-export([f/1, g/2]).
f(X) -> h(X) + k(X, X).
