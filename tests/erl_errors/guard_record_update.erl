-module(guard_record_update).
-export([main/0]).
-record(r, {a}).
main() -> f(#r{}).
f(R) when R#r{a = 1} =:= R -> ok.
