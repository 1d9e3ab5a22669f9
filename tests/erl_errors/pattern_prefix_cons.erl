-module(pattern_prefix_cons).
-export([main/0]).
main() -> f("ab").
f([$a | T] ++ "b") -> T.
