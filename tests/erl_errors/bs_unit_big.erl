-module(bs_unit_big).
-export([main/0]).
main() -> <<1:8/unit:300>>.
