-module(maybe_keyword).
-export([main/0]).
main() -> maybe ok end.
