-module(if_bad_remote).
-export([main/0]).
% erlc refuses a remote call in an -if condition unless it is erlang:F of a guard BIF.
-if(lists:member(a, [a])).
-define(X, yes).
-endif.
main() -> ok.
