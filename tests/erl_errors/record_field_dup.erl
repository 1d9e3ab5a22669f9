-module(record_field_dup).
-export([main/0]).
-record(r, {a, b, a}).
main() -> #r{}.
