-module(bs_unit_nosize).
-export([main/0]).
main() -> X = 1, <<X/unit:8>>.
