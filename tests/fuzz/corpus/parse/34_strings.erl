-module('34_strings').
-export([words/1, join/2, upper/1, trim/1]).

words(S) -> words(S, [], []).
words([], [], Acc) -> lists:reverse(Acc);
words([], W, Acc) -> lists:reverse([lists:reverse(W) | Acc]);
words([$\s | T], [], Acc) -> words(T, [], Acc);
words([$\s | T], W, Acc) -> words(T, [], [lists:reverse(W) | Acc]);
words([C | T], W, Acc) -> words(T, [C | W], Acc).

join([], _) -> "";
join([W], _) -> W;
join([W | Ws], Sep) -> W ++ Sep ++ join(Ws, Sep).

upper(S) -> [if C >= $a, C =< $z -> C - 32; true -> C end || C <- S].

trim("  " ++ S) -> trim(S);
trim(" " ++ S) -> trim(S);
trim(S) -> S.
