-module(bs_tail_not_last).
-export([main/0]).
main() -> f(<<1>>).
f(<<A/bits, B/bits>>) -> {A, B}.
