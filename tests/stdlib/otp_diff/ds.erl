-module(ds).
%% Random differential test: every string function on 5000 random lists and binaries of
%% ASCII, Latin-1, CR/LF and combining marks, hs_string against OTP's string.
-export([main/0]).
t(F) -> try F() catch C:R -> {C,R} end.
alpha() -> [$a, $b, $\s, $,, $\r, $\n, $x, 16#E9, 16#301, 16#DF, $A, $\t, $1, $., $-].
rs() -> A = alpha(), [lists:nth(rand:uniform(length(A)), A) || _ <- lists:seq(1, rand:uniform(9) - 1)].
pat() -> lists:nth(rand:uniform(8), [",", "a", "ab", "\n", "\r\n", " ", "x,", [16#301]]).
seps() -> lists:nth(rand:uniform(7), [" ", ", ", "\n", ["\r\n"], [$\r], [$\s, $\t, ["\r\n"]], "a"]).
cmp(Name, In, F) ->
  A = t(fun() -> F(string) end), B = t(fun() -> F(hs_string) end),
  case A =:= B of true -> ok; false -> io:format("DIFF ~p ~w~n otp ~w~n our ~w~n", [Name, In, A, B]), put(bad, get(bad) + 1) end.
main() ->
  put(bad, 0),
  lists:foreach(fun(_) ->
    S0 = rs(), S = case rand:uniform(2) of 1 -> S0; 2 -> unicode:characters_to_binary(S0) end,
    P = pat(), Sp = seps(), N = rand:uniform(5) - 1, D = lists:nth(rand:uniform(2), [leading, trailing]),
    W = lists:nth(rand:uniform(3), [leading, trailing, all]),
    cmp(length, S, fun(M) -> M:length(S) end),
    cmp(to_graphemes, S, fun(M) -> M:to_graphemes(S) end),
    cmp(reverse, S, fun(M) -> M:reverse(S) end),
    cmp(slice2, {S, N}, fun(M) -> M:slice(S, N) end),
    cmp(slice3, {S, N}, fun(M) -> M:slice(S, N, 2) end),
    cmp(pad, {S, N}, fun(M) -> M:pad(S, N + 3, lists:nth(N rem 3 + 1, [leading, trailing, both])) end),
    cmp(trim1, S, fun(M) -> M:trim(S) end),
    cmp(trim3, {S, Sp, D}, fun(M) -> M:trim(S, D, Sp) end),
    cmp(trimboth, {S, Sp}, fun(M) -> M:trim(S, both, Sp) end),
    cmp(chomp, S, fun(M) -> M:chomp(S) end),
    cmp(take, {S, Sp, D}, fun(M) -> M:take(S, Sp, false, D) end),
    cmp(takec, {S, Sp, D}, fun(M) -> M:take(S, Sp, true, D) end),
    cmp(lexemes, {S, Sp}, fun(M) -> M:lexemes(S, Sp) end),
    cmp(nth_lexeme, {S, Sp, N}, fun(M) -> M:nth_lexeme(S, N + 1, Sp) end),
    cmp(uppercase, S, fun(M) -> M:uppercase(S) end),
    cmp(lowercase, S, fun(M) -> M:lowercase(S) end),
    cmp(casefold, S, fun(M) -> M:casefold(S) end),
    cmp(titlecase, S, fun(M) -> M:titlecase(S) end),
    cmp(prefix, {S, P}, fun(M) -> M:prefix(S, P) end),
    cmp(split, {S, P, W}, fun(M) -> M:split(S, P, W) end),
    cmp(replace, {S, P, W}, fun(M) -> M:replace(S, P, "XY", W) end),
    cmp(find, {S, P, D}, fun(M) -> M:find(S, P, D) end),
    cmp(next_grapheme, S, fun(M) -> M:next_grapheme(S) end),
    cmp(next_codepoint, S, fun(M) -> M:next_codepoint(S) end),
    cmp(to_integer, S, fun(M) -> M:to_integer(S) end),
    cmp(to_float, S, fun(M) -> M:to_float(S) end),
    cmp(equal, {S, S0}, fun(M) -> M:equal(S, S0) end),
    cmp(equal3, {S, P}, fun(M) -> M:equal(S, string:uppercase(S), true) end),
    cmp(is_empty, S, fun(M) -> M:is_empty(S) end),
    case is_list(S) of
      true ->
        cmp(tokens, {S, Sp}, fun(M) -> M:tokens(S, lists:flatten(Sp)) end),
        cmp(str, {S, P}, fun(M) -> M:str(S, P) end),
        cmp(rstr, {S, P}, fun(M) -> M:rstr(S, P) end),
        cmp(strip, S, fun(M) -> M:strip(S) end),
        cmp(strip3, S, fun(M) -> M:strip(S, D, $a) end),
        cmp(words, S, fun(M) -> M:words(S) end),
        cmp(sub_word, {S, N}, fun(M) -> M:sub_word(S, N + 1) end),
        cmp(left, {S, N}, fun(M) -> M:left(S, N + 2, $.) end),
        cmp(right, {S, N}, fun(M) -> M:right(S, N + 2) end),
        cmp(centre, {S, N}, fun(M) -> M:centre(S, N + 1) end),
        cmp(substr, {S, N}, fun(M) -> M:substr(S, N + 1) end),
        cmp(substr3, {S, N}, fun(M) -> M:substr(S, N + 1, 2) end),
        cmp(sub_string, {S, N}, fun(M) -> M:sub_string(S, N + 1, N + 3) end),
        cmp(chr, S, fun(M) -> M:chr(S, $a) end),
        cmp(rchr, S, fun(M) -> M:rchr(S, $a) end),
        cmp(span, S, fun(M) -> M:span(S, "ab") end),
        cmp(cspan, S, fun(M) -> M:cspan(S, "ab") end),
        cmp(to_upper, S, fun(M) -> M:to_upper(S) end),
        cmp(to_lower, S, fun(M) -> M:to_lower(S) end);
      false -> ok
    end
  end, lists:seq(1, 5000)),
  io:format("bad ~p~n", [get(bad)]).
