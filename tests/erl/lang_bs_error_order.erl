-module(lang_bs_error_order).
%% Which segment a failing binary construction names: OTP 25's bs_create_bin checks first
%% the sizes it must compute (a whole binary's type, a variable size, a utf32 code point),
%% then the append (<<X/binary, ...>> appends to X), then writes each segment in order.
-export([main/0, id/1]).

id(X) -> X.

t(N, F) ->
    try F() of
        V -> io:format("~p: ~p~n", [N, V])
    catch
        error:R:S ->
            {_, _, _, L} = hd(S),
            Info = proplists:get_value(error_info, L, #{}),
            io:format("~p: ~p ~p~n", [N, R, maps:get(cause, Info, none)])
    end.

main() ->
    t(1, fun() -> <<(id(x))/binary, (id(y))/binary>> end),
    t(2, fun() -> <<(id(x))/binary, 1:16/little, (id(y))/binary>> end),
    t(3, fun() -> <<(id(x))/binary, (id(<<>>))/binary>> end),
    t(4, fun() -> <<(id(x))/binary, (id(y))/binary, (id(<<>>))/binary>> end),
    t(5, fun() -> <<(id(x))/binary, (id(-1))/utf8>> end),
    t(6, fun() -> <<(id(-1))/utf8, (id(x))/binary>> end),
    t(7, fun() -> <<(id(x)):2/binary, (id(y))/binary>> end),
    t(8, fun() -> <<(id(x))/binary, (id(y)):2/binary>> end),
    t(9, fun() -> <<(id(a)):8, (id(<<>>))/binary>> end),
    t(10, fun() -> <<(id(<<1:3>>))/binary, (id(y))/bits>> end),
    t(11, fun() -> <<(id(x))/bits, (id(y))/bits>> end),
    t(12, fun() -> <<(id(x)):(id(a)), (id(y))/binary>> end),
    t(13, fun() -> <<(id(x))/binary, (id(y)):(id(a))>> end),
    t(14, fun() -> <<(id(<<1:3>>))/binary, (id(<<1:3>>))/binary>> end),
    t(15, fun() -> <<(id(a)):8, (id(<<1:3>>))/binary>> end),
    t(16, fun() -> <<(id(a)):8, (id(<<"ab">>)):3/binary>> end),
    t(17, fun() -> <<(id(a)):8, (id(-1))/utf32>> end),
    t(18, fun() -> <<(id(a)):8, (id(-1))/utf16>> end),
    t(19, fun() -> <<"lit", (id(x))/binary, (id(y))/binary>> end),
    t(20, fun() -> <<(id(<<"ab">>)):3/binary, (id(x))/binary>> end),
    t(21, fun() -> <<(id(x))/binary, (id(1.0)):(id(8))/float>> end),
    t(22, fun() -> <<(id(x))/binary, (id(1.0)):(id(-8))/float>> end),
    t(23, fun() -> <<(id(<<1:3>>))/bits, (id(y)):8>> end),
    t(24, fun() -> <<(id(x))/binary, (id(<<"a">>)):(id(z))/binary>> end),
    ok.
