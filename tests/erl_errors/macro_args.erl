-module(macro_args).
-export([main/0]).
-define(TWICE(X), (X) * 2).
main() -> ?TWICE(1, 2).
