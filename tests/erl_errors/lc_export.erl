-module(lc_export).
-export([main/0]).
main() -> _ = [Y = X || X <- [1,2]], Y.
