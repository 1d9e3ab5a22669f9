-module(bs_utf_unit).
-export([main/0]).
main() -> <<65/utf8-unit:8>>.
