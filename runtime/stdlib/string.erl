%% string — OTP 25's string module: the Unicode API (length, trim, split, lexemes, find,
%% slice, pad, take, case mapping, ...) and the old list API (str, substr, tokens, strip,
%% left/right/centre, join, to_upper, ...).
%%
%% Approximations (see docs/stdlib.md):
%% - Chardata: a flat list of code points stays a list and a binary stays a binary (UTF-8),
%%   as in OTP. Deep or mixed chardata is flattened to a list first, so where OTP would return
%%   a mixed structure we return the equivalent flat list.
%% - Grapheme clusters: a cluster is "\r\n", or a code point followed by combining marks
%%   (U+0300..036F, 1AB0..1AFF, 1DC0..1DFF, 20D0..20FF, FE20..FE2F), ZWJ or variation
%%   selectors. Other extended clusters (Hangul syllable sequences, emoji, prepend) are
%%   counted code point by code point.
%% - Case mapping covers ASCII, Latin-1, Latin Extended-A, basic Greek and Cyrillic, plus
%%   the special case of sharp s; other scripts are left unchanged. Normalisation forms in
%%   equal/4 are not applied.
-module(string).

-compile({no_auto_import, [length/1]}).

-export([is_empty/1, length/1, to_graphemes/1, reverse/1, equal/2, equal/3, equal/4,
         slice/2, slice/3, pad/2, pad/3, pad/4, trim/1, trim/2, trim/3, chomp/1,
         take/2, take/3, take/4, lexemes/2, nth_lexeme/3, uppercase/1, lowercase/1,
         titlecase/1, casefold/1, prefix/2, split/2, split/3, replace/3, replace/4,
         find/2, find/3, next_codepoint/1, next_grapheme/1]).
-export([to_float/1, to_integer/1]).
-export([len/1, concat/2, chr/2, rchr/2, str/2, rstr/2, span/2, cspan/2, substr/2,
         substr/3, tokens/2, chars/2, chars/3]).
-export([copies/2, words/1, words/2, strip/1, strip/2, strip/3, sub_word/2, sub_word/3,
         left/2, left/3, right/2, right/3, sub_string/2, sub_string/3, centre/2,
         centre/3, join/2]).
-export([to_upper/1, to_lower/1]).

%% ---------------------------------------------------------------------------
%% Chardata helpers

%% Code points of any chardata. Anything else raises function_clause, as OTP's
%% unicode_util does; a binary that is no UTF-8 raises {badarg, Rest} with the rest from the
%% bad byte on, as OTP's functions that read the whole string do (OTP's lazy ones, slice,
%% trim, take, lexemes, may return before they reach it).
cps(L) when is_list(L) ->
    case is_flat(L) of
        true -> L;
        false -> to_cps(L)
    end;
cps(B) when is_binary(B) -> to_cps(B);
cps(_) -> erlang:error(function_clause).

to_cps(CD) ->
    try unicode:characters_to_list(CD) of
        L when is_list(L) -> L;
        {_, _, [Rest]} when is_binary(Rest) -> erlang:error({badarg, Rest});
        {_, _, Rest} -> erlang:error({badarg, Rest})
    catch
        error:_ -> erlang:error(function_clause)
    end.

is_flat([C|T]) when is_integer(C) -> is_flat(T);
is_flat([]) -> true;
is_flat(_) -> false.

%% Result in the representation of the input.
out(Orig, L) when is_binary(Orig) -> unicode:characters_to_binary(L);
out(_Orig, L) -> L.

empty_of(Orig) when is_binary(Orig) -> <<>>;
empty_of(_) -> [].

is_extend(C) ->
    (C >= 16#300 andalso C =< 16#36F) orelse
    (C >= 16#1AB0 andalso C =< 16#1AFF) orelse
    (C >= 16#1DC0 andalso C =< 16#1DFF) orelse
    (C >= 16#20D0 andalso C =< 16#20FF) orelse
    (C >= 16#FE20 andalso C =< 16#FE2F) orelse
    (C >= 16#FE00 andalso C =< 16#FE0F) orelse
    C =:= 16#200D.

%% gc(CodePoints) -> [Grapheme|Rest] | []. A grapheme is a code point or a list of them.
gc([$\r, $\n|T]) -> [[$\r, $\n]|T];
gc([C|T]) ->
    case is_control(C) of
        true -> [C|T];
        false -> gc_base(C, T)
    end;
gc([]) -> [].

gc_base(C, T) ->
    case extends(T, []) of
        {[], Rest} -> [C|Rest];
        {Ext, Rest} -> [[C|Ext]|Rest]
    end.

%% Controls never join a cluster (rules GB4/GB5 of UAX #29).
is_control(C) ->
    C < 32 orelse (C >= 16#7F andalso C =< 16#9F) orelse C =:= 16#AD orelse
    C =:= 16#200B orelse C =:= 16#200E orelse C =:= 16#200F orelse
    C =:= 16#2028 orelse C =:= 16#2029 orelse C =:= 16#FEFF.

extends([C|T], Acc) ->
    case is_extend(C) of
        true -> extends(T, [C|Acc]);
        false -> {lists:reverse(Acc), [C|T]}
    end;
extends([], Acc) -> {lists:reverse(Acc), []}.

graphemes(L) ->
    case gc(L) of
        [G|Rest] -> [G|graphemes(Rest)];
        [] -> []
    end.

%% Appends a grapheme (code point or list) in front of a flat list.
app(G, L) when is_integer(G) -> [G|L];
app(G, L) -> G ++ L.

flat_gcs(Gs) -> lists:foldr(fun app/2, [], Gs).

whitespace() -> [[$\r, $\n], $\t, $\n, 16#B, 16#C, $\r, $\s, 16#85, 16#200E, 16#200F, 16#2028, 16#2029].

%% ---------------------------------------------------------------------------
%% The Unicode API

is_empty([]) -> true;
is_empty(<<>>) -> true;
is_empty([L|R]) -> is_empty(L) andalso is_empty(R);
is_empty(_) -> false.

length(CD) -> erlang:length(graphemes(cps(CD))).

to_graphemes(CD) -> graphemes(cps(CD)).

equal(A, B) when is_binary(A), is_binary(B) -> A =:= B;
equal(A, B) -> cps(A) =:= cps(B).

equal(A, B, false) -> equal(A, B);
equal(A, B, true) -> casefold_cps(cps(A)) =:= casefold_cps(cps(B)).

equal(A, B, Case, _Norm) -> equal(A, B, Case).

reverse(CD) -> lists:reverse(graphemes(cps(CD))).

%% For a binary whose last skipped grapheme is a lone "\r", OTP returns the rest as
%% [NextCodePoint|Binary] (slice/2) or as a list (slice/3): an artefact of its unicode_util
%% look-ahead that shows in the printed result, reproduced here.
slice(CD, N) when is_integer(N), N >= 0 ->
    case drop_gcs_last(cps(CD), N, none) of
        {[C|T], $\r} when is_binary(CD) -> [C|unicode:characters_to_binary(T)];
        {Rest, _} -> out(CD, Rest)
    end.

slice(CD, N, Length) when is_integer(N), N >= 0, is_integer(Length), Length > 0 ->
    case drop_gcs_last(cps(CD), N, none) of
        {[_|_] = Rest, $\r} when is_binary(CD) -> take_gcs(Rest, Length);
        {Rest, _} -> out(CD, take_gcs(Rest, Length))
    end;
slice(CD, N, infinity) ->
    slice(CD, N);
slice(CD, _, 0) ->
    empty_of(CD).

drop_gcs_last(L, 0, Last) -> {L, Last};
drop_gcs_last(L, N, _Last) ->
    case gc(L) of
        [G|Rest] -> drop_gcs_last(Rest, N - 1, G);
        [] -> {[], none}
    end.

take_gcs(_, 0) -> [];
take_gcs(L, N) ->
    case gc(L) of
        [G|Rest] -> app(G, take_gcs(Rest, N - 1));
        [] -> []
    end.

pad(CD, Length) -> pad(CD, Length, trailing, $\s).

pad(CD, Length, Dir) -> pad(CD, Length, Dir, $\s).

pad(CD, Length, leading, Char) when is_integer(Length) ->
    Len = length(CD),
    [lists:duplicate(max(0, Length - Len), Char), CD];
pad(CD, Length, trailing, Char) when is_integer(Length) ->
    Len = length(CD),
    [CD|lists:duplicate(max(0, Length - Len), Char)];
pad(CD, Length, both, Char) when is_integer(Length) ->
    Len = length(CD),
    Size = max(0, Length - Len),
    Pre = lists:duplicate(Size div 2, Char),
    Post = case Size rem 2 of
               1 -> [Char];
               _ -> []
           end,
    [Pre, CD, Pre|Post].

trim(Str) -> trim(Str, both, whitespace()).

trim(Str, Dir) -> trim(Str, Dir, whitespace()).

trim(Str, _, []) -> Str;
trim(Str, leading, Seps) when is_list(Seps) ->
    out(Str, skip_gcs_in(cps(Str), Seps));
trim(Str, trailing, Seps) when is_list(Seps) ->
    {Head, _Tail} = split_trailing_run(cps(Str), Seps, true),
    out(Str, Head);
trim(Str, both, Seps) when is_list(Seps) ->
    trim(trim(Str, leading, Seps), trailing, Seps).

chomp(Str) -> trim(Str, trailing, [[$\r, $\n], $\n]).

%% Leading direction: whole graphemes are compared with the separators.
skip_gcs_in(L, Seps) ->
    case gc(L) of
        [G|Rest] ->
            case lists:member(G, Seps) of
                true -> skip_gcs_in(Rest, Seps);
                false -> L
            end;
        [] -> []
    end.

take_gcs_in(L, Seps, Acc) ->
    case gc(L) of
        [G|Rest] ->
            case lists:member(G, Seps) of
                true -> take_gcs_in(Rest, Seps, [G|Acc]);
                false -> {flat_gcs(lists:reverse(Acc)), L}
            end;
        [] -> {flat_gcs(lists:reverse(Acc)), []}
    end.

%% The other directions walk code point by code point, and only read a whole grapheme when
%% the code point can start a separator (as OTP does, so "\n" also matches inside "\r\n").
tokens_cp(L, Seps) -> tokens_cp(L, Seps, first_cps(Seps)).

tokens_cp([C|T] = L, Seps, Firsts) ->
    case lists:member(C, Firsts) of
        true ->
            [G|Rest] = gc(L),
            [{lists:member(G, Seps), G}|tokens_cp(Rest, Seps, Firsts)];
        false ->
            [{false, C}|tokens_cp(T, Seps, Firsts)]
    end;
tokens_cp([], _, _) -> [].

first_cps(Seps) -> [first_cp(S) || S <- Seps].

first_cp([C|_]) -> C;
first_cp(C) -> C.

%% Splits L before its longest trailing run of tokens whose separator-ness is Kind.
split_trailing_run(L, Seps, Kind) ->
    Toks = tokens_cp(L, Seps),
    {Rev, _} = lists:splitwith(fun({IsSep, _}) -> IsSep =:= Kind end, lists:reverse(Toks)),
    N = erlang:length(Toks) - erlang:length(Rev),
    {HeadToks, TailToks} = lists:split(N, Toks),
    {tok_chars(HeadToks), tok_chars(TailToks)}.

tok_chars(Toks) -> flat_gcs([G || {_, G} <- Toks]).

take(Str, Sep) -> take(Str, Sep, false, leading).

take(Str, Sep, Complement) -> take(Str, Sep, Complement, leading).

take(Str, [], Complement, Dir) ->
    Empty = empty_of(Str),
    case {Complement, Dir} of
        {false, leading} -> {Empty, Str};
        {false, trailing} -> {Str, Empty};
        {true, leading} -> {Str, Empty};
        {true, trailing} -> {Empty, Str}
    end;
take(Str, Seps, false, leading) ->
    {H, T} = take_gcs_in(cps(Str), Seps, []),
    {out(Str, H), out(Str, T)};
take(Str, Seps, true, leading) ->
    Toks = tokens_cp(cps(Str), Seps),
    {H, T} = lists:splitwith(fun({IsSep, _}) -> not IsSep end, Toks),
    {out(Str, tok_chars(H)), out(Str, tok_chars(T))};
take(Str, Seps, false, trailing) ->
    {H, T} = split_trailing_run(cps(Str), Seps, true),
    {out(Str, H), out(Str, T)};
take(Str, Seps, true, trailing) when is_binary(Str) ->
    %% OTP's binary search finds separators by code point here ...
    {H, T} = split_trailing_run(cps(Str), Seps, false),
    {out(Str, H), out(Str, T)};
take(Str, Seps, true, trailing) ->
    %% ... and its list walk compares whole graphemes (take_tc).
    Gs = graphemes(cps(Str)),
    {RevT, RevH} = lists:splitwith(fun(G) -> not lists:member(G, Seps) end, lists:reverse(Gs)),
    {out(Str, flat_gcs(lists:reverse(RevH))), out(Str, flat_gcs(lists:reverse(RevT)))}.

lexemes([], _) -> [];
lexemes(Str, []) -> [Str];
lexemes(Str, Seps) when is_list(Seps) ->
    [out(Str, L) || L <- lexeme_list(cps(Str), Seps)].

lexeme_list(L, Seps) -> group_lexemes(tokens_cp(L, Seps), [], []).

group_lexemes([{true, _}|T], [], Acc) -> group_lexemes(T, [], Acc);
group_lexemes([{true, _}|T], Cur, Acc) -> group_lexemes(T, [], [flat_gcs(lists:reverse(Cur))|Acc]);
group_lexemes([{false, G}|T], Cur, Acc) -> group_lexemes(T, [G|Cur], Acc);
group_lexemes([], [], Acc) -> lists:reverse(Acc);
group_lexemes([], Cur, Acc) -> lists:reverse([flat_gcs(lists:reverse(Cur))|Acc]).

nth_lexeme(Str, 1, []) -> Str;
nth_lexeme(Str, N, Seps) when is_binary(Str), is_list(Seps), is_integer(N), N > 0 ->
    %% OTP's binary search skips separators by code point, as lexemes/2 does.
    Ls = lexeme_list(cps(Str), Seps),
    case N =< erlang:length(Ls) of
        true -> out(Str, lists:nth(N, Ls));
        false -> <<>>
    end;
nth_lexeme(Str, N, Seps) when is_list(Seps), is_integer(N), N > 0 ->
    out(Str, nth_lexeme_1(cps(Str), Seps, N)).

%% Separators between lexemes are skipped grapheme by grapheme, but a lexeme is skipped
%% with the code point walk (OTP's nth_lexeme_m and lexeme_skip), which differ on "\r\n".
nth_lexeme_1(L, Seps, N) ->
    case gc(L) of
        [G|Rest] ->
            case lists:member(G, Seps) of
                true -> nth_lexeme_1(Rest, Seps, N);
                false when N > 1 -> nth_lexeme_1(skip_lexeme(Rest, Seps, first_cps(Seps)), Seps, N - 1);
                false -> pick_lexeme(L, Seps)
            end;
        [] -> []
    end.

skip_lexeme([C|T] = L, Seps, Firsts) ->
    case lists:member(C, Firsts) of
        true ->
            [G|Rest] = gc(L),
            case lists:member(G, Seps) of
                true -> Rest;
                false -> skip_lexeme(Rest, Seps, Firsts)
            end;
        false -> skip_lexeme(T, Seps, Firsts)
    end;
skip_lexeme([], _, _) -> [].

pick_lexeme(L, Seps) ->
    Toks = tokens_cp(L, Seps),
    tok_chars(lists:takewhile(fun({IsSep, _}) -> not IsSep end, Toks)).

uppercase(CD) when is_list(CD) -> upper_cps(cps(CD));
uppercase(CD) when is_binary(CD) -> unicode:characters_to_binary(upper_cps(cps(CD)));
uppercase(CD) -> erlang:error({badarg, CD}).

lowercase(CD) when is_list(CD) -> lower_cps(cps(CD));
lowercase(CD) when is_binary(CD) -> unicode:characters_to_binary(lower_cps(cps(CD)));
lowercase(CD) -> erlang:error({badarg, CD}).

casefold(CD) when is_list(CD) -> casefold_cps(cps(CD));
casefold(CD) when is_binary(CD) -> unicode:characters_to_binary(casefold_cps(cps(CD)));
casefold(CD) -> erlang:error({badarg, CD}).

titlecase(CD) when is_list(CD) ->
    case cps(CD) of
        [C|T] -> app(title_cp(C), T);
        [] -> []
    end;
titlecase(CD) when is_binary(CD) ->
    case cps(CD) of
        [C|T] -> unicode:characters_to_binary(app(title_cp(C), T));
        [] -> <<>>
    end.

%% As in OTP, the number is read from the leading graphemes that can be part of one.
to_integer(String) -> to_number(String, "+-0123456789", fun parse_int/1).

to_float(String) -> to_number(String, "+-0123456789eE.,", fun parse_float/1).

to_number(String, Chars, Parse) ->
    try take_gcs_in(cps(String), Chars, []) of
        {Head, Tail} ->
            case Parse(Head) of
                {error, _} = Err -> Err;
                {N, Rest} -> {N, rest_of(String, Rest ++ Tail)}
            end
    catch
        _:_ -> {error, badarg}
    end.

rest_of(String, Rest) when is_binary(String) -> unicode:characters_to_binary(Rest);
rest_of(_, Rest) -> Rest.

parse_int([S|T]) when S =:= $+; S =:= $- ->
    case digits(T, []) of
        {[], _} -> {error, no_integer};
        {Ds, Rest} -> {list_to_integer([S|Ds]), Rest}
    end;
parse_int(L) ->
    case digits(L, []) of
        {[], _} -> {error, no_integer};
        {Ds, Rest} -> {list_to_integer(Ds), Rest}
    end.

parse_float([S|T]) when S =:= $+; S =:= $- ->
    case parse_float(T) of
        {error, _} = E -> E;
        {F, Rest} when S =:= $- -> {-F, Rest};
        Res -> Res
    end;
parse_float(L) ->
    case digits(L, []) of
        {[], _} -> {error, no_float};
        {Int, [P|T]} when P =:= $.; P =:= $, ->
            case digits(T, []) of
                {[], _} -> {error, no_float};
                {Frac, Rest0} ->
                    {Exp, Rest} = exponent(Rest0),
                    {list_to_float(Int ++ "." ++ Frac ++ Exp), Rest}
            end;
        _ -> {error, no_float}
    end.

exponent([E|T] = L) when E =:= $e; E =:= $E ->
    {Sign, T1} = case T of
                     [S|T0] when S =:= $+; S =:= $- -> {[S], T0};
                     _ -> {[], T}
                 end,
    case digits(T1, []) of
        {[], _} -> {[], L};
        {Ds, Rest} -> {"e" ++ Sign ++ Ds, Rest}
    end;
exponent(L) -> {[], L}.

digits([D|T], Acc) when D >= $0, D =< $9 -> digits(T, [D|Acc]);
digits(L, Acc) -> {lists:reverse(Acc), L}.

prefix(Str, Prefix0) ->
    case unicode:characters_to_list(Prefix0) of
        [] -> Str;
        Prefix ->
            case prefix_1(cps(Str), Prefix) of
                nomatch -> nomatch;
                Rest -> out(Str, Rest)
            end
    end.

%% The last code point of the prefix must end a grapheme of the string.
prefix_1([C|T], [C]) ->
    case boundary(C, T) of
        true -> T;
        false -> nomatch
    end;
prefix_1([C|T], [C|P]) -> prefix_1(T, P);
prefix_1(_, _) -> nomatch.

split(String, SearchPattern) -> split(String, SearchPattern, leading).

split(String, SearchPattern, Where) ->
    case is_empty(SearchPattern) of
        true -> [String];
        false ->
            P = unicode:characters_to_list(SearchPattern),
            L = cps(String),
            case match_positions(L, P) of
                [] -> [String];
                Ps ->
                    Parts = cut(L, P, pick(L, P, Ps, Where)),
                    [out(String, Part) || Part <- Parts]
            end
    end.

pick(_L, _P, [First|_], leading) -> [First];
pick(L, P, _Ps, trailing) -> [lists:last(match_positions(L, P, 1))];
pick(_L, _P, Ps, all) -> Ps.

%% Match offsets (in code points) of P in L, left to right, where the match ends on a
%% grapheme boundary: non-overlapping, or (Step 1) every one, as OTP's trailing search sees.
match_positions(L, P) -> match_positions(L, P, erlang:length(P)).

match_positions(L, P, Step) -> match_positions(L, P, erlang:length(P), Step, 0).

match_positions([], _, _, _, _) -> [];
match_positions([_|T] = L, P, N, Step, I) ->
    case match_here(L, P) of
        {true, _} when Step =:= 1 -> [I|match_positions(T, P, N, Step, I + 1)];
        {true, Rest} -> [I|match_positions(Rest, P, N, Step, I + N)];
        false -> match_positions(T, P, N, Step, I + 1)
    end.

match_here(L, P) ->
    case lists:prefix(P, L) of
        true ->
            Rest = lists:nthtail(erlang:length(P), L),
            case boundary(lists:last(P), Rest) of
                true -> {true, Rest};
                false -> false
            end;
        false -> false
    end.

boundary($\r, [$\n|_]) -> false;
boundary(Last, [C|_]) -> is_control(Last) orelse not is_extend(C);
boundary(_, []) -> true.

cut(L, P, Offsets) -> cut(L, erlang:length(P), Offsets, 0).

cut(L, _N, [], _I) -> [L];
cut(L, N, [O|Os], I) ->
    {Before, After} = lists:split(O - I, L),
    [Before|cut(lists:nthtail(N, After), N, Os, O + N)].

replace(String, SearchPattern, Replacement) ->
    lists:join(Replacement, split(String, SearchPattern)).

replace(String, SearchPattern, Replacement, Where) ->
    lists:join(Replacement, split(String, SearchPattern, Where)).

find(String, SearchPattern) -> find(String, SearchPattern, leading).

find(String, "", _) -> String;
find(String, <<>>, _) -> String;
find(String, SearchPattern, Dir) ->
    P = unicode:characters_to_list(SearchPattern),
    L = cps(String),
    case match_positions(L, P) of
        [] -> nomatch;
        Ps ->
            [O] = pick(L, P, Ps, Dir),
            out(String, lists:nthtail(O, L))
    end.

next_grapheme(CD) -> next_with(CD, fun gc/1).

next_codepoint(CD) ->
    next_with(CD, fun([C|T]) -> [C|T];
                     ([]) -> []
                  end).

next_with(B, Fun) when is_binary(B) ->
    case Fun(unicode:characters_to_list(B)) of
        [G|Rest] -> [G|unicode:characters_to_binary(Rest)];
        [] -> []
    end;
next_with(L, Fun) -> Fun(cps(L)).

%% ---------------------------------------------------------------------------
%% Case mapping

upper_cps([C|T]) -> app(upper_cp(C), upper_cps(T));
upper_cps([]) -> [].

lower_cps([C|T]) -> app(lower_cp(C), lower_cps(T));
lower_cps([]) -> [].

casefold_cps([C|T]) -> app(fold_cp(C), casefold_cps(T));
casefold_cps([]) -> [].

upper_cp(C) when C >= $a, C =< $z -> C - 32;
upper_cp(16#DF) -> "SS";
upper_cp(16#B5) -> 16#39C;
upper_cp(16#FF) -> 16#178;
upper_cp(C) when C >= 16#E0, C =< 16#FE, C =/= 16#F7 -> C - 32;
upper_cp(16#131) -> $I;
upper_cp(16#17F) -> $S;
upper_cp(C) when C >= 16#100, C =< 16#17F ->
    case latin_a_case(C) of
        lower -> C - 1;
        _ -> C
    end;
upper_cp(16#3C2) -> 16#3A3;
upper_cp(C) when C >= 16#3B1, C =< 16#3C9 -> C - 32;
upper_cp(C) when C >= 16#430, C =< 16#44F -> C - 32;
upper_cp(C) when C >= 16#450, C =< 16#45F -> C - 80;
upper_cp(C) -> C.

lower_cp(C) when C >= $A, C =< $Z -> C + 32;
lower_cp(C) when C >= 16#C0, C =< 16#DE, C =/= 16#D7 -> C + 32;
lower_cp(16#130) -> [$i, 16#307];
lower_cp(16#178) -> 16#FF;
lower_cp(C) when C >= 16#100, C =< 16#17F ->
    case latin_a_case(C) of
        upper -> C + 1;
        _ -> C
    end;
lower_cp(C) when C >= 16#391, C =< 16#3A9, C =/= 16#3A2 -> C + 32;
lower_cp(C) when C >= 16#410, C =< 16#42F -> C + 32;
lower_cp(C) when C >= 16#400, C =< 16#40F -> C + 80;
lower_cp(C) -> C.

fold_cp(16#DF) -> "ss";
fold_cp(16#B5) -> 16#3BC;
fold_cp(16#17F) -> $s;
fold_cp(16#3C2) -> 16#3C3;
fold_cp(C) -> lower_cp(C).

title_cp(16#DF) -> "Ss";
title_cp(C) -> upper_cp(C).

%% Latin Extended-A alternates upper/lower case in pairs, with a shift of parity in
%% 0139..0148 and 0179..017E.
latin_a_case(C) when C >= 16#100, C =< 16#137, C =/= 16#130, C =/= 16#131 -> parity(C, 0);
latin_a_case(C) when C >= 16#139, C =< 16#148 -> parity(C, 1);
latin_a_case(C) when C >= 16#14A, C =< 16#177 -> parity(C, 0);
latin_a_case(C) when C >= 16#179, C =< 16#17E -> parity(C, 1);
latin_a_case(_) -> none.

parity(C, UpperParity) ->
    case C rem 2 of
        UpperParity -> upper;
        _ -> lower
    end.

%% ---------------------------------------------------------------------------
%% The old list API

len(S) -> erlang:length(S).

concat(S1, S2) -> S1 ++ S2.

chr(S, C) when is_integer(C) -> chr(S, C, 1).

chr([C|_Cs], C, I) -> I;
chr([_|Cs], C, I) -> chr(Cs, C, I + 1);
chr([], _C, _I) -> 0.

rchr(S, C) when is_integer(C) -> rchr(S, C, 1, 0).

rchr([C|Cs], C, I, _L) -> rchr(Cs, C, I + 1, I);
rchr([_|Cs], C, I, L) -> rchr(Cs, C, I + 1, L);
rchr([], _C, _I, L) -> L.

str(S, Sub) when is_list(Sub) -> str(S, Sub, 1).

str([C|S], [C|Sub], I) ->
    case lists:prefix(Sub, S) of
        true -> I;
        false -> str(S, [C|Sub], I + 1)
    end;
str([_|S], Sub, I) -> str(S, Sub, I + 1);
str([], _Sub, _I) -> 0.

rstr(S, Sub) when is_list(Sub) -> rstr(S, Sub, 1, 0).

rstr([C|S], [C|Sub], I, L) ->
    case lists:prefix(Sub, S) of
        true -> rstr(S, [C|Sub], I + 1, I);
        false -> rstr(S, [C|Sub], I + 1, L)
    end;
rstr([_|S], Sub, I, L) -> rstr(S, Sub, I + 1, L);
rstr([], _Sub, _I, L) -> L.

span(S, Cs) when is_list(Cs) -> span(S, Cs, 0).

span([C|S], Cs, I) ->
    case lists:member(C, Cs) of
        true -> span(S, Cs, I + 1);
        false -> I
    end;
span([], _Cs, I) -> I.

cspan(S, Cs) when is_list(Cs) -> cspan(S, Cs, 0).

cspan([C|S], Cs, I) ->
    case lists:member(C, Cs) of
        true -> I;
        false -> cspan(S, Cs, I + 1)
    end;
cspan([], _Cs, I) -> I.

substr(String, 1) when is_list(String) -> String;
substr(String, S) when is_integer(S), S > 1 -> substr2(String, S).

substr(String, S, L) when is_integer(S), S >= 1, is_integer(L), L >= 0 ->
    substr1(substr2(String, S), L).

substr1([C|String], L) when L > 0 -> [C|substr1(String, L - 1)];
substr1(String, _) when is_list(String) -> [].

substr2(String, 1) when is_list(String) -> String;
substr2([_|String], S) -> substr2(String, S - 1).

sub_string(String, Start) -> substr(String, Start).

sub_string(String, Start, Stop) -> substr(String, Start, Stop - Start + 1).

%% As OTP's: the string is walked from its end, so tokens come out in order with no reverse
%% of each, and a string that is no list fails in lists:reverse/1 as OTP's does.
tokens(S, Seps) ->
    case Seps of
        [] ->
            case S of
                [] -> [];
                [_|_] -> [S]
            end;
        [_|_] -> tokens_rev(lists:reverse(S), Seps, [])
    end.

tokens_rev([C|S], Seps, Toks) ->
    case is_sep(C, Seps) of
        true -> tokens_rev(S, Seps, Toks);
        false -> tokens_rev_in(S, Seps, Toks, [C])
    end;
tokens_rev([], _Seps, Toks) -> Toks.

tokens_rev_in([C|S], Seps, Toks, Tok) ->
    case is_sep(C, Seps) of
        true -> tokens_rev(S, Seps, [Tok|Toks]);
        false -> tokens_rev_in(S, Seps, Toks, [C|Tok])
    end;
tokens_rev_in([], _Seps, Toks, Tok) -> [Tok|Toks].

is_sep(C, [Sep]) -> C =:= Sep;
is_sep(C, Seps) -> lists:member(C, Seps).

chars(C, N) -> chars(C, N, []).

chars(C, N, Tail) when N > 0 -> chars(C, N - 1, [C|Tail]);
chars(C, 0, Tail) when is_integer(C) -> Tail.

copies(CharList, Num) when is_list(CharList), is_integer(Num), Num >= 0 ->
    copies(CharList, Num, []).

copies(_CharList, 0, R) -> R;
copies(CharList, Num, R) -> copies(CharList, Num - 1, CharList ++ R).

words(String) -> words(String, $\s).

words(String, Char) when is_integer(Char) -> w_count(strip(String, both, Char), Char, 0).

w_count([], _, Num) -> Num + 1;
w_count([H|T], H, Num) -> w_count(strip(T, left, H), H, Num + 1);
w_count([_H|T], Char, Num) -> w_count(T, Char, Num).

sub_word(String, Index) -> sub_word(String, Index, $\s).

sub_word(String, Index, Char) when is_integer(Index), is_integer(Char) ->
    case words(String, Char) of
        Num when Num < Index -> [];
        _Num -> s_word(strip(String, left, Char), Index, Char, 1, [])
    end.

s_word([], _, _, _, Res) -> lists:reverse(Res);
s_word([Char|_], Index, Char, Index, Res) -> lists:reverse(Res);
s_word([H|T], Index, Char, Index, Res) -> s_word(T, Index, Char, Index, [H|Res]);
s_word([Char|T], Stop, Char, Index, Res) when Index < Stop ->
    s_word(strip(T, left, Char), Stop, Char, Index + 1, Res);
s_word([_|T], Stop, Char, Index, Res) when Index < Stop ->
    s_word(T, Stop, Char, Index, Res).

strip(String) -> strip(String, both).

strip(String, left) -> strip_left(String, $\s);
strip(String, right) -> strip_right(String, $\s);
strip(String, both) -> strip_right(strip_left(String, $\s), $\s).

strip(String, right, Char) -> strip_right(String, Char);
strip(String, left, Char) -> strip_left(String, Char);
strip(String, both, Char) -> strip_right(strip_left(String, Char), Char).

strip_left([Sc|S], Sc) -> strip_left(S, Sc);
strip_left([_|_] = S, Sc) when is_integer(Sc) -> S;
strip_left([], Sc) when is_integer(Sc) -> [].

strip_right([Sc|S], Sc) ->
    case strip_right(S, Sc) of
        [] -> [];
        T -> [Sc|T]
    end;
strip_right([C|S], Sc) -> [C|strip_right(S, Sc)];
strip_right([], Sc) when is_integer(Sc) -> [].

left(String, Len) when is_integer(Len) -> left(String, Len, $\s).

left(String, Len, Char) when is_integer(Char) ->
    Slen = erlang:length(String),
    if
        Slen > Len -> substr(String, 1, Len);
        Slen < Len -> l_pad(String, Len - Slen, Char);
        Slen =:= Len -> String
    end.

l_pad(String, Num, Char) -> String ++ chars(Char, Num).

right(String, Len) when is_integer(Len) -> right(String, Len, $\s).

right(String, Len, Char) when is_integer(Char) ->
    Slen = erlang:length(String),
    if
        Slen > Len -> substr(String, Slen - Len + 1);
        Slen < Len -> r_pad(String, Len - Slen, Char);
        Slen =:= Len -> String
    end.

r_pad(String, Num, Char) -> chars(Char, Num, String).

centre(String, Len) when is_integer(Len) -> centre(String, Len, $\s).

centre(String, 0, Char) when is_list(String), is_integer(Char) -> [];
centre(String, Len, Char) when is_integer(Char) ->
    Slen = erlang:length(String),
    if
        Slen > Len -> substr(String, (Slen - Len) div 2 + 1, Len);
        Slen < Len ->
            N = (Len - Slen) div 2,
            r_pad(l_pad(String, Len - (Slen + N), Char), N, Char);
        Slen =:= Len -> String
    end.

join([], Sep) when is_list(Sep) -> [];
join([H|T], Sep) -> H ++ lists:append([Sep ++ X || X <- T]).

to_upper(S) when is_list(S) -> [to_upper_char(C) || C <- S];
to_upper(C) when is_integer(C) -> to_upper_char(C).

to_lower(S) when is_list(S) -> [to_lower_char(C) || C <- S];
to_lower(C) when is_integer(C) -> to_lower_char(C).

to_upper_char(C) when is_integer(C), $a =< C, C =< $z -> C - 32;
to_upper_char(C) when is_integer(C), 16#E0 =< C, C =< 16#F6 -> C - 32;
to_upper_char(C) when is_integer(C), 16#F8 =< C, C =< 16#FE -> C - 32;
to_upper_char(C) -> C.

to_lower_char(C) when is_integer(C), $A =< C, C =< $Z -> C + 32;
to_lower_char(C) when is_integer(C), 16#C0 =< C, C =< 16#D6 -> C + 32;
to_lower_char(C) when is_integer(C), 16#D8 =< C, C =< 16#DE -> C + 32;
to_lower_char(C) -> C.
