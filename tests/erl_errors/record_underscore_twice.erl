-module(record_underscore_twice).
-export([main/0]).
-record(r, {a, b}).
main() -> #r{_ = 1, _ = 2}.
