-module(bs_utf_size).
-export([main/0]).
main() -> <<65:8/utf8>>.
