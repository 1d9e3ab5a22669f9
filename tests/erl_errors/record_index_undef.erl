-module(record_index_undef).
-export([main/0]).
-record(r, {a}).
main() -> #r.b.
