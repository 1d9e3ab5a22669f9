-module(field_twice).
-export([main/0]).
-record(r, {a, b}).
main() -> #r{a = 1, a = 2}.
