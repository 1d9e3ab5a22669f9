-module(pattern_prefix_cons2).
-export([main/0]).
main() -> f("ab").
f([$a, X] ++ "b") -> X;
f("x" ++ [Y | "z"] ++ "b") -> Y.
