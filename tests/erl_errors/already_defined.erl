-module(already_defined).
-export([main/0]).
main() -> ok.
f() -> 1.
f() -> 2.
