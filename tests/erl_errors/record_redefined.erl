-module(record_redefined).
-export([main/0]).
-record(r, {a}).
-record(r, {b}).
main() -> #r{}.
