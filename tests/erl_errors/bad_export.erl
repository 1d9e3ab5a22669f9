-module(bad_export).
-export([main/0, missing/1]).
main() -> ok.
