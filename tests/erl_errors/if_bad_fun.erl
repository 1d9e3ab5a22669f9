-module(if_bad_fun).
-export([main/0]).
% A fun is no guard expression.
-if(fun() -> a end == a).
-define(X, yes).
-endif.
main() -> ok.
