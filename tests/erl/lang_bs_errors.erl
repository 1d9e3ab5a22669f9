%% A failing binary construction: OTP 25's error_info names the first bad segment, its type,
%% what is wrong and the value (sizes and binaries of every segment are checked before the
%% values); a size too large is a system_limit; none in a binary comprehension.
-module(lang_bs_errors).
-export([main/0, id/1, p/2]).
id(X) -> X.
p(N, F) ->
    try F() of
        V -> io:format("~p ok ~p~n", [N, V])
    catch
        C:R:S ->
            {_, _, _, L} = hd(S),
            io:format("~p ~p:~p ~p~n", [N, C, R, L])
    end.
main() ->
    X = id(x), B = id(<<1:3>>), I = id(7), Fl = id(1.5), N = id(-1),
    p(1, fun() -> <<X:8>> end),
    p(2, fun() -> <<1, X:16/little>> end),
    p(3, fun() -> <<X/float>> end),
    p(4, fun() -> <<X/binary>> end),
    p(5, fun() -> <<B/binary>> end),
    p(6, fun() -> <<I:X>> end),
    p(7, fun() -> <<I:N>> end),
    p(8, fun() -> <<Fl:I/float>> end),
    p(9, fun() -> <<X/utf8>> end),
    p(10, fun() -> <<N/utf8>> end),
    p(11, fun() -> <<B:8/binary>> end),
    p(12, fun() -> <<I:8, B/bits, X/binary>> end),
    p(13, fun() -> <<(id(16#110000))/utf8>> end),
    p(14, fun() -> <<I:(id(1 bsl 62))>> end),
    p(15, fun() -> <<"abc", X:8>> end),
    p(16, fun() -> <<B:N/binary>> end),
    p(17, fun() -> <<I:8, X/bitstring>> end),
    p(18, fun() -> <<X:8, I:N>> end),
    p(19, fun() -> <<X:8, (id(-1))/utf8>> end),
    p(20, fun() -> <<X/float, Fl:I/float>> end),
    p(21, fun() -> <<X:8/float>> end),
    p(22, fun() -> <<(id(1 bsl 2000)):64/float>> end),
    p(23, fun() -> << <<Y:8>> || Y <- [1, X] >> end),
    p(24, fun() -> <<Fl:32/float, I:4, 1:4>> end),
    ok.
