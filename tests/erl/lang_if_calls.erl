-module(lang_if_calls).
-export([main/0]).
%% -if conditions erlc accepts with calls in them: a local function that is no BIF (foo/0,
%% a guard BIF's name at another arity, an old type test) passes epp's shape check and fails
%% when evaluated, so the condition is false; erlang:F of a guard BIF is evaluated.
-if(foo()).
-define(A, true).
-else.
-define(A, false).
-endif.
-if(is_atom(a, b)).
-define(B, true).
-else.
-define(B, false).
-endif.
-if(integer(1) orelse true).
-define(C, true).
-else.
-define(C, false).
-endif.
-if(is_integer(1) andalso erlang:is_atom(a) andalso erlang:length([1, 2]) == 2).
-define(D, true).
-else.
-define(D, false).
-endif.
-if(not erlang:is_tuple([])).
-define(E, true).
-else.
-define(E, false).
-endif.
main() -> io:format("~p~n", [[?A, ?B, ?C, ?D, ?E]]).
