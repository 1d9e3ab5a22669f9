-module(if_syntax).
-export([main/0]).
% An -if condition that does not parse: erl_parse's message at the token.
-if(1 +).
-define(X, yes).
-endif.
main() -> ok.
