-module(audit_refuse_file).
-export([main/0]).
% erlc accepts -file; heapscope refuses it (docs/language.md 1.2).
-file("other.erl", 10).
main() -> ok.
