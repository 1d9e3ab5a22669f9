%% io_lib — the parts of OTP 25's io_lib written in Erlang here; format/2, fwrite/2, write/1,2
%% and print/1,4 are BIFs (runtime/bif/io.c) and are deliberately not defined in this file.
%%
%% Quoting and escapes are OTP's: write_string/1,2 and write_char/1 keep every character from
%% 160 up (unicode_as_unicode), the latin1 variants only up to 255, and the *_as_latin1
%% variants write characters above 255 as \x{HHH}; control characters are \n \r \t \v \b \f
%% \e \d or three octal digits. An atom is quoted unless it is a name (a lower-case or
%% Latin-1 lower letter first, then letters, digits, _ and @) and no reserved word.
-module(io_lib).

-export([nl/0, write_atom/1, write_atom_as_latin1/1, quote_atom/2,
         write_string/1, write_string/2, write_unicode_string/1, write_latin1_string/1,
         write_latin1_string/2, write_string_as_latin1/1, write_string_as_latin1/2,
         write_char/1, write_unicode_char/1, write_latin1_char/1, write_char_as_latin1/1,
         char_list/1, latin1_char_list/1, deep_char_list/1, deep_latin1_char_list/1,
         deep_unicode_char_list/1, printable_list/1, printable_latin1_list/1,
         printable_unicode_list/1, indentation/2, chars_length/1]).

nl() ->
    "\n".

write_atom(Atom) ->
    possibly_quoted(Atom, fun write_string/2).

write_atom_as_latin1(Atom) ->
    possibly_quoted(Atom, fun write_string_as_latin1/2).

possibly_quoted(Atom, Write) ->
    Chars = atom_to_list(Atom),
    case quote_atom(Atom, Chars) of
        true -> Write(Chars, $');
        false -> Chars
    end.

quote_atom(Atom, Chars) ->
    case reserved_word(Atom) of
        true -> true;
        false ->
            case Chars of
                [C | Cs] when C >= $a, C =< $z -> not name_chars(Cs);
                [C | Cs] when C >= 223, C =< 255, C =/= 247 -> not name_chars(Cs);
                _ -> true
            end
    end.

%% erl_scan:reserved_word/1 of OTP 25 without features (maybe and else are plain atoms).
reserved_word(A) ->
    lists:member(A, ['after', 'begin', 'case', 'try', 'cond', 'catch', 'andalso', 'orelse',
                     'end', 'fun', 'if', 'let', 'of', 'receive', 'when', 'bnot', 'not',
                     'div', 'rem', 'band', 'and', 'bor', 'bxor', 'bsl', 'bsr', 'or', 'xor']).

name_chars([C | Cs]) ->
    case name_char(C) of
        true -> name_chars(Cs);
        false -> false
    end;
name_chars([]) ->
    true.

name_char(C) when C >= $a, C =< $z -> true;
name_char(C) when C >= 223, C =< 255, C =/= 247 -> true;
name_char(C) when C >= $A, C =< $Z -> true;
name_char(C) when C >= 192, C =< 222, C =/= 215 -> true;
name_char(C) when C >= $0, C =< $9 -> true;
name_char($_) -> true;
name_char($@) -> true;
name_char(_) -> false.

write_string(S) ->
    write_string(S, $").

write_string(S, Q) ->
    [Q | quoted_chars(unicode_as_unicode, S, Q)].

write_unicode_string(S) ->
    write_string(S).

write_latin1_string(S) ->
    write_latin1_string(S, $").

write_latin1_string(S, Q) ->
    [Q | quoted_chars(latin1, S, Q)].

write_string_as_latin1(S) ->
    write_string_as_latin1(S, $").

write_string_as_latin1(S, Q) ->
    [Q | quoted_chars(unicode_as_latin1, S, Q)].

quoted_chars(_Enc, [], Q) ->
    [Q];
quoted_chars(Enc, [C | Cs], Q) ->
    escape(Enc, C, Q, quoted_chars(Enc, Cs, Q)).

%% C written inside quotes Q, before Tail.
escape(_, Q, Q, Tail) -> [$\\, Q | Tail];
escape(_, $\\, _, Tail) -> [$\\, $\\ | Tail];
escape(_, C, _, Tail) when C >= $\s, C =< $~ -> [C | Tail];
escape(latin1, C, _, Tail) when C >= 160, C =< 255 -> [C | Tail];
escape(unicode_as_unicode, C, _, Tail) when C >= 160 -> [C | Tail];
escape(unicode_as_latin1, C, _, Tail) when C >= 160, C =< 255 -> [C | Tail];
escape(unicode_as_latin1, C, _, Tail) when C >= 255 ->
    "\\x{" ++ integer_to_list(C, 16) ++ "}" ++ Tail;
escape(_, $\n, _, Tail) -> [$\\, $n | Tail];
escape(_, $\r, _, Tail) -> [$\\, $r | Tail];
escape(_, $\t, _, Tail) -> [$\\, $t | Tail];
escape(_, $\v, _, Tail) -> [$\\, $v | Tail];
escape(_, $\b, _, Tail) -> [$\\, $b | Tail];
escape(_, $\f, _, Tail) -> [$\\, $f | Tail];
escape(_, $\e, _, Tail) -> [$\\, $e | Tail];
escape(_, $\d, _, Tail) -> [$\\, $d | Tail];
escape(_, C, _, Tail) when C < 160 ->
    [$\\, (C bsr 6) + $0, ((C bsr 3) band 7) + $0, (C band 7) + $0 | Tail].

write_char($\s) ->
    "$\\s";
write_char(C) when is_integer(C), C >= 0 ->
    [$$ | escape(unicode_as_unicode, C, -1, [])].

write_unicode_char(C) ->
    write_char(C).

write_latin1_char(C) when is_integer(C), C >= 0, C =< 255 ->
    [$$ | escape(latin1, C, -1, [])].

write_char_as_latin1(C) when is_integer(C), C >= 0 ->
    [$$ | escape(unicode_as_latin1, C, -1, [])].

latin1_char_list([C | Cs]) when is_integer(C), C >= 0, C =< 255 -> latin1_char_list(Cs);
latin1_char_list([]) -> true;
latin1_char_list(_) -> false.

%% A Unicode code point: not a surrogate, not U+FFFE or U+FFFF.
char_list([C | Cs]) when is_integer(C), C >= 0, C < 16#D800;
                         is_integer(C), C > 16#DFFF, C < 16#FFFE;
                         is_integer(C), C > 16#FFFF, C =< 16#10FFFF ->
    char_list(Cs);
char_list([]) -> true;
char_list(_) -> false.

deep_latin1_char_list(Cs) ->
    deep_latin1_char_list(Cs, []).

deep_latin1_char_list([C | Cs], More) when is_list(C) ->
    deep_latin1_char_list(C, [Cs | More]);
deep_latin1_char_list([C | Cs], More) when is_integer(C), C >= 0, C =< 255 ->
    deep_latin1_char_list(Cs, More);
deep_latin1_char_list([], [Cs | More]) -> deep_latin1_char_list(Cs, More);
deep_latin1_char_list([], []) -> true;
deep_latin1_char_list(_, _More) -> false.

deep_char_list(Cs) ->
    deep_char_list(Cs, []).

deep_char_list([C | Cs], More) when is_list(C) ->
    deep_char_list(C, [Cs | More]);
deep_char_list([C | Cs], More) when is_integer(C), C >= 0, C < 16#D800;
                                    is_integer(C), C > 16#DFFF, C < 16#FFFE;
                                    is_integer(C), C > 16#FFFF, C =< 16#10FFFF ->
    deep_char_list(Cs, More);
deep_char_list([], [Cs | More]) -> deep_char_list(Cs, More);
deep_char_list([], []) -> true;
deep_char_list(_, _More) -> false.

deep_unicode_char_list(Term) ->
    deep_char_list(Term).

%% The printable range is OTP's default, latin1 (erl +pc latin1): io:printable_range/0.
printable_list(L) ->
    printable_latin1_list(L).

printable_latin1_list([C | Cs]) when is_integer(C), C >= $\s, C =< $~ -> printable_latin1_list(Cs);
printable_latin1_list([C | Cs]) when is_integer(C), C >= 160, C =< 255 -> printable_latin1_list(Cs);
printable_latin1_list([C | Cs]) when C =:= $\n; C =:= $\r; C =:= $\t; C =:= $\v; C =:= $\b;
                                     C =:= $\f; C =:= $\e ->
    printable_latin1_list(Cs);
printable_latin1_list([]) -> true;
printable_latin1_list(_) -> false.

printable_unicode_list([C | Cs]) when is_integer(C), C >= $\s, C =< $~ -> printable_unicode_list(Cs);
printable_unicode_list([C | Cs]) when is_integer(C), C >= 160, C < 16#D800;
                                      is_integer(C), C > 16#DFFF, C < 16#FFFE;
                                      is_integer(C), C > 16#FFFF, C =< 16#10FFFF ->
    printable_unicode_list(Cs);
printable_unicode_list([C | Cs]) when C =:= $\n; C =:= $\r; C =:= $\t; C =:= $\v; C =:= $\b;
                                      C =:= $\f; C =:= $\e ->
    printable_unicode_list(Cs);
printable_unicode_list([]) -> true;
printable_unicode_list(_) -> false.

%% The column after writing Chars (a deep list) from column Current: a newline goes back to
%% 0, a tab to the next multiple of 8.
indentation([$\n | Cs], _I) -> indentation(Cs, 0);
indentation([$\t | Cs], I) -> indentation(Cs, ((I + 8) div 8) * 8);
indentation([C | Cs], I) when is_integer(C) -> indentation(Cs, I + 1);
indentation([C | Cs], I) -> indentation(Cs, indentation(C, I));
indentation([], I) -> I.

chars_length(S) ->
    try iolist_size(S)
    catch _:_ -> string:length(S)
    end.
