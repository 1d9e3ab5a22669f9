%% Exercises the bundled string module: the Unicode API on lists and binaries, and the
%% old list API.
-module(string_test).
-export([main/0]).

p(X) -> io:format("~w~n", [X]).

t(F) -> try F() catch C:R -> {C, R} end.

main() ->
    S = "  Hello, World!  ",
    B = <<"  Hello, World!  ">>,
    U = [104, 233, 108, 108, 111],
    UB = <<"h", 195, 169, "llo">>,
    p({string:length(S), string:length(B), string:length(U), string:length(UB), string:length("e\x{301}\r\n")}),
    p({string:is_empty(""), string:is_empty(<<>>), string:is_empty([[], <<>>]), string:is_empty("a")}),
    p(string:to_graphemes("ab\r\nc")),
    p(string:reverse("abc")),
    p(string:reverse(UB)),
    p({string:equal("abc", <<"abc">>), string:equal("abc", "abd"), string:equal("ABC", "abc", true), string:equal("a", "A", false, none)}),
    p({string:slice(S, 2), string:slice(B, 2, 5), string:slice(U, 1, 2), string:slice(UB, 1, 2), string:slice("abc", 5), string:slice(<<"abc">>, 1, 0), string:slice("abc", 1, infinity)}),
    p({string:pad("abc", 6), string:pad(<<"abc">>, 6, leading), string:pad("abc", 6, both, $*), string:pad("abc", 7, both, $-), string:pad("abcdef", 2)}),
    p({string:trim(S), string:trim(B), string:trim(S, leading), string:trim(S, trailing), string:trim("xxaxx", both, "x"), string:trim("\t\r\n a \r\n")}),
    p({string:chomp("line\n"), string:chomp("line\r\n"), string:chomp(<<"line\n\n">>), string:chomp("line")}),
    p({string:take("aabbcc", "ab"), string:take("aabbcc", "c", true), string:take("aabbcc", "c", false, trailing), string:take(<<"aabbcc">>, "a", true, trailing)}),
    p({string:lexemes("a,b,,c", ","), string:lexemes(<<" a  b ">>, " "), string:lexemes("a b\r\nc", [$\s, "\r\n"]), string:lexemes("", ",")}),
    p({string:nth_lexeme("a b c", 2, " "), string:nth_lexeme(<<"a b c">>, 3, " "), string:nth_lexeme("a b", 5, " ")}),
    p({string:uppercase("hello ß"), string:uppercase(<<"abc">>), string:lowercase("HELLO ÀÉ"), string:lowercase(<<"ABC">>)}),
    p({string:titlecase("hello"), string:titlecase(<<"hello">>), string:titlecase(""), string:casefold("Straße ABC")}),
    p({string:prefix("foobar", "foo"), string:prefix(<<"foobar">>, "foo"), string:prefix("foobar", "bar"), string:prefix("abc", "")}),
    p({string:split("a,b,c", ","), string:split("a,b,c", ",", all), string:split("a,b,c", ",", trailing), string:split(<<"a--b--c">>, "--", all), string:split("abc", "x"), string:split(",a,", ",", all)}),
    p({string:replace("a.b.c", ".", "-"), string:replace("a.b.c", ".", "-", all), string:replace(<<"a.b.c">>, ".", "::", trailing)}),
    p({string:find("ab..cd..ef", ".."), string:find("ab..cd..ef", "..", trailing), string:find(<<"abcd">>, "c"), string:find("abc", "x"), string:find("abc", "")}),
    p({string:next_grapheme("\r\nab"), string:next_grapheme(<<"ab">>), string:next_grapheme(""), string:next_codepoint("abc"), string:next_codepoint(<<>>)}),
    p({string:to_integer("123abc"), string:to_integer(<<"-45 x">>), string:to_integer("abc"), string:to_integer("+-1"), string:to_integer("12.5")}),
    p({string:to_float("1.5e3x"), string:to_float("-2.25"), string:to_float(<<"3.0 ">>), string:to_float("15"), string:to_float("1,5")}),
    p({string:len("abc"), string:concat("ab", "cd"), string:chr("hello", $l), string:rchr("hello", $l), string:chr("hello", $z)}),
    p({string:str("hello", "ll"), string:str("hello", "x"), string:rstr("hellollo", "llo"), string:span("aabc", "ab"), string:cspan("aabc", "c")}),
    p({string:substr("hello", 2), string:substr("hello", 2, 3), string:sub_string("hello", 2, 4), string:sub_string("hello", 3)}),
    p(t(fun() -> string:substr("hello", 7) end)),
    p({string:tokens("a,b;;c", ",;"), string:tokens("", ","), string:tokens("abc", "")}),
    p({string:chars($a, 3), string:chars($a, 2, "bc"), string:copies("ab", 3), string:copies("x", 0)}),
    p({string:words(" a  b c "), string:words("a-b-c", $-), string:sub_word(" a b c ", 2), string:sub_word("a-b-c", 3, $-), string:sub_word("a b", 4)}),
    p({string:strip("  a  "), string:strip("  a  ", left), string:strip("  a  ", right), string:strip("..a..", both, $.)}),
    p({string:left("abc", 5), string:left("abc", 2), string:left("abc", 5, $.), string:right("abc", 5), string:right("abc", 2), string:right("abc", 5, $0)}),
    p({string:centre("ab", 6), string:centre("abcdef", 3), string:centre("ab", 5, $*), string:centre("ab", 0)}),
    p({string:join(["a", "b", "c"], ", "), string:join([], ","), string:join(["x"], "-")}),
    p({string:to_upper("abc é"), string:to_lower("ABC É"), string:to_upper($a), string:to_lower($Q)}),
    p(t(fun() -> string:to_upper(<<"abc">>) end)),
    %% Bad arguments: a binary that is no UTF-8, a term that is no chardata.
    p([t(F) || F <- [fun() -> string:length(<<"ab", 255, "c">>) end,
                     fun() -> string:length(["ab", <<"c", 255>>]) end,
                     fun() -> string:length(<<"ab", 195>>) end,
                     fun() -> string:reverse(<<255>>) end,
                     fun() -> string:to_graphemes(<<"ab", 255>>) end,
                     fun() -> string:pad(<<"ab", 255>>, 5) end,
                     fun() -> string:uppercase(<<"ab", 255, "c">>) end,
                     fun() -> string:uppercase(a) end,
                     fun() -> string:lowercase(1) end,
                     fun() -> string:casefold({x}) end,
                     fun() -> string:uppercase([a]) end,
                     fun() -> string:titlecase(a) end]]),
    ok.
