-module(audit_refuse_if).
-export([main/0]).
% erlc evaluates this -if (element/2 is a guard BIF); heapscope refuses it (docs/language.md 1.2).
-if(element(1, {a}) =:= a).
-define(X, yes).
-endif.
main() -> ok.
