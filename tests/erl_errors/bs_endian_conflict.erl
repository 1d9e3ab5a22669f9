-module(bs_endian_conflict).
-export([main/0]).
main() -> <<1:8/big-little>>.
