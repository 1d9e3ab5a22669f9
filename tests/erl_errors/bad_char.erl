-module(bad_char).
-export([main/0]).
main() -> $.
