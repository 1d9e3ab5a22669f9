-module(b14_record_undefined).
-export([f/1]).
-record(r, {a, b}).
f(X) -> {#nope{}, X#r.c, #r{d = 1}, X#other.a}.
