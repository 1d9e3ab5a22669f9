-module(b37_record_fields).
-export([f/0]).
-record(r, {a, a, b = X}).
-record(r, {c}).
f() -> #r{a = 1, a = 2}.
