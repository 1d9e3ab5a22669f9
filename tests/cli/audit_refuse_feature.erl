-module(audit_refuse_feature).
-feature(maybe_expr, enable).
-export([main/0]).
% erlc accepts -feature before the exports; heapscope refuses it (docs/language.md 1.2).
main() -> ok.
