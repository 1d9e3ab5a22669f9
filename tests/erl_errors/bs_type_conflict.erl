-module(bs_type_conflict).
-export([main/0]).
main() -> X = id(1), <<X/integer-float>>.
id(X) -> X.
