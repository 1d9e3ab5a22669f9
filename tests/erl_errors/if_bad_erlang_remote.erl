-module(if_bad_erlang_remote).
-export([main/0]).
% erlang:max/2 is a BIF but not a guard BIF (OTP 25): badly formed.
-if(is_integer(1) andalso erlang:max(1, 2) == 2).
-define(X, yes).
-endif.
main() -> ok.
