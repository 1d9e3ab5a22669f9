-module(bs_unbound_size).
-export([main/0]).
main() -> f(<<1,2>>).
f(<<A:N, N:8>>) -> {A, N}.
