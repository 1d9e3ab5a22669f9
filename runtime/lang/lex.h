/*
 * lex.h — the scanner of the Erlang front end, a port of OTP 25's erl_scan as epp drives it.
 *
 * Input is the file decoded to code points (UTF-8 by default, Latin-1 when a "coding:"
 * comment says so). Lines and columns are 1-based and count code points, a tab being one
 * column, exactly as erl_scan with the {Line, Column} start location does.
 *
 * The scanner hands out one form at a time, as io:scan_erl_form does: the tokens up to and
 * including the next `dot` (a '.' followed by white space, '%' or the end of the file). At the
 * end of the file a form may lack its dot (the parser then reports "syntax error before: ").
 * After a scan error the form's tokens are dropped and scanning resumes right after the
 * offending text, at the error's end location, as erl_scan's continuation does; so one bad
 * character can split a form in two, with the same follow-on messages erlc prints.
 *
 * Token values live in the caller's arena and stay valid until it is freed.
 */
#ifndef HS_LANG_LEX_H
#define HS_LANG_LEX_H

#include <stddef.h>
#include <stdint.h>

#include "lang/arena.h"
#include "strbuf.h"

typedef enum TokKind {
    TK_NONE = 0,
    /* tokens with a value */
    TK_ATOM, TK_VAR, TK_INTEGER, TK_FLOAT, TK_CHAR, TK_STRING,
    TK_DOT,         /* end of form */
    /* punctuation */
    TK_LPAREN, TK_RPAREN, TK_LBRACE, TK_RBRACE, TK_LBRACKET, TK_RBRACKET,
    TK_COMMA, TK_SEMI, TK_PERIOD /* '.' not ending a form */, TK_DOTDOT, TK_DOTDOTDOT,
    TK_LTLT, TK_GTGT, TK_LARROW /* <- */, TK_LDARROW /* <= */, TK_LT, TK_GE, TK_GT,
    TK_RARROW /* -> */, TK_MINUSMINUS, TK_MINUS, TK_PLUSPLUS, TK_PLUS,
    TK_EXACT_EQ /* =:= */, TK_EXACT_NE /* =/= */, TK_LE /* =< */, TK_ASSOC /* => */,
    TK_EQEQ, TK_MATCH /* = */, TK_NE /* /= */, TK_SLASH, TK_OROR, TK_BAR,
    TK_EXACT /* := */, TK_COLONCOLON, TK_COLON, TK_HASH, TK_QMARK, TK_QMARKEQ /* ?= */,
    TK_STAR, TK_BANG,
    TK_SYMBOL,      /* any other single character below 256 ('@', '\\', '^', '`', '~', '&', ...) */
    /* reserved words (erl_scan:f_reserved_word/1) */
    TK_AFTER, TK_BEGIN, TK_CASE, TK_TRY, TK_COND, TK_CATCH, TK_ANDALSO, TK_ORELSE, TK_END,
    TK_FUN, TK_IF, TK_LET, TK_OF, TK_RECEIVE, TK_WHEN, TK_BNOT, TK_NOT, TK_DIV, TK_REM,
    TK_BAND, TK_AND, TK_BOR, TK_BXOR, TK_BSL, TK_BSR, TK_OR, TK_XOR,
    /* introduced by the parser for '-spec' and '-callback' (erl_parse:parse_form/1) */
    TK_SPEC, TK_CALLBACK,
    TK_KIND_COUNT
} TokKind;

typedef struct Token {
    TokKind kind;
    int line, col;          /* col 0: a location with a line only (epp's predefined macros) */
    int text;               /* ANNO_TEXT_* of ast.h: the quoted atoms 'maybe' and 'else' */
    /* TK_ATOM, TK_VAR: the name as UTF-8 (NUL-terminated; len excludes the NUL).
     * TK_SYMBOL: the character. */
    const char *name;
    size_t len;
    /* TK_STRING: code points */
    const uint32_t *str;
    size_t slen;
    /* TK_INTEGER: ival, or big (decimal digits) when the value does not fit an int64.
     * TK_CHAR: ival is the code point. */
    int64_t ival;
    const char *big;
    double fval;            /* TK_FLOAT */
} Token;

typedef struct Lexer {
    const uint32_t *src;
    size_t n, pos;
    size_t valid_end;       /* input past here could not be decoded: "cannot parse file" */
    int line, col;          /* location of src[pos] */
} Lexer;

typedef enum LexStatus { LEX_FORM, LEX_EOF, LEX_ERROR, LEX_FATAL } LexStatus;

typedef struct LexError {
    int line, col;
    char msg[160];
} LexError;

/* Decodes file bytes: Latin-1 when one of the first two lines has an Emacs-style
 * "coding: latin-1" comment, else UTF-8. Returns a malloc'd array; *valid_end is where
 * decoding stopped on an invalid sequence (== *n when the whole text decoded). */
uint32_t *lex_decode(const unsigned char *bytes, size_t len, size_t *n, size_t *valid_end);

void lex_init(Lexer *lx, const uint32_t *src, size_t n, size_t valid_end);

/* The next form. LEX_FORM: *toks and *ntoks hold its tokens (arena memory). LEX_EOF: nothing left
 * (lx->line/col is the end location). LEX_ERROR: err says what and where; the next call goes on
 * after the bad text. LEX_FATAL: undecodable input reached ("cannot parse file, giving up");
 * the file should be abandoned. */
LexStatus lex_form(Lexer *lx, Arena *a, Token **toks, size_t *ntoks, LexError *err);

/* How the parser names a token in "syntax error before: X" (yecctoken2string). */
void lex_token_text(const Token *t, StrBuf *out);
/* The text epp uses for ??Arg and "illegal macro call '?X'" (token_src / ~tp of the symbol). */
void lex_token_src(const Token *t, StrBuf *out);
void lex_token_symbol(const Token *t, StrBuf *out);
/* The printable name of a punctuation or keyword kind ("(" , "->", "end" ...). */
const char *lex_kind_name(TokKind k);
int lex_is_keyword(TokKind k);

/* io_lib:write_atom/1 of an atom name (UTF-8), io_lib:write_string/2 of code points with a
 * quote character, io_lib:write_char/1, and the float format of io_lib:write/1 (~w). */
void lex_write_atom(StrBuf *out, const char *name, size_t len);
/* write_atom as ~w prints it: Latin-1 characters as single bytes, others as \x{H} */
void lex_write_atom_latin1(StrBuf *out, const char *name, size_t len);
void lex_write_string(StrBuf *out, const uint32_t *s, size_t n, uint32_t quote);
void lex_write_char(StrBuf *out, uint32_t c);
void lex_write_float(StrBuf *out, double f);
/* Appends a code point as UTF-8. */
void lex_put_utf8(StrBuf *out, uint32_t c);
/* Is the name a reserved word (quoted by write_atom)? */
int lex_reserved_word(const char *name, size_t len);

#endif
