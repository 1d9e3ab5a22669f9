%% utf16 and utf32 segments, built and matched, in both byte orders, and their failures.
-module(lang_bs_utf).
-export([main/0, id/1]).
id(X) -> X.
p(N, F) -> try F() of V -> io:format("~p: ~w~n", [N, V]) catch C:R:S -> {_,_,_,L} = hd(S), io:format("~p: ~p:~p ~p~n", [N, C, R, lists:last(L)]) end.
main() ->
    p(1, fun() -> <<(id($a))/utf16, (id(16#1F600))/utf16, (id(955))/utf16-little, (id(16#10FFFF))/utf16-little>> end),
    p(2, fun() -> <<(id($a))/utf32, (id(16#1F600))/utf32-little>> end),
    p(3, fun() -> <<"héllo"/utf16>> end),
    p(4, fun() -> <<"x😀"/utf32-little>> end),
    p(5, fun() -> <<(id(16#D800))/utf16>> end),
    p(6, fun() -> <<(id(x))/utf32>> end),
    p(7, fun() -> <<C1/utf16, C2/utf16, C3/utf16-little, Rest/binary>> = id(<<0,97,216,61,222,0,187,3,1,2>>), {C1, C2, C3, Rest} end),
    p(8, fun() -> <<C/utf32, R/binary>> = id(<<0,1,246,0,9>>), {C, R} end),
    p(9, fun() -> <<C/utf32-little>> = id(<<0,216,0,0>>), C end),
    p(10, fun() -> <<C/utf16>> = id(<<220,0>>), C end),
    p(11, fun() -> [C || <<C/utf16>> <= id(<<0,104,0,105>>)] end),
    p(12, fun() -> case id(<<0,0,0,65>>) of <<C/utf32>> -> C; _ -> no end end),
    p(13, fun() -> <<1:8, (id(-1))/utf16>> end),
    ok.
