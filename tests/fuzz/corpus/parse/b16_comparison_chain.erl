-module(b16_comparison_chain).
-export([f/3]).
f(A, B, C) -> A < B < C.
