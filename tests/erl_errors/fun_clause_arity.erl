-module(fun_clause_arity).
-export([main/0]).
main() -> fun(1) -> a; (1, 2) -> b end.
