%% integer_to_list/1 of small integers (the VM's digit loop) and just past them (bignums, the
%% general path), at every sign and length; integer_to_list/2 and integer_to_binary stay general.
-module(int_to_list_small).
-export([main/0]).

main() ->
    Small = [0, 1, -1, 9, 10, -10, 99, 100, 12345, -98765, 1 bsl 27, 1 bsl 59 - 1, -(1 bsl 59),
             1 bsl 59, -(1 bsl 59) - 1, 1 bsl 64, -(1 bsl 64) + 1],
    [io:format("~s ~w~n", [integer_to_list(id(I)), length(integer_to_list(id(I)))]) || I <- Small],
    io:format("~p~n", [[integer_to_list(id(255), 16), integer_to_binary(id(-42)), integer_to_list(id(7), 2)]]),
    io:format("~p~n", [catch integer_to_list(id(1.0))]),
    io:format("~p~n", [integer_to_list(id(5)) ++ ","]).

id(X) -> X.
