/*
 * parse.h — the parser of the Erlang front end: one preprocessed form's tokens to one
 * abstract-format form (A_FUNCTION or A_ATTRIBUTE), as erl_parse:parse_form/1.
 *
 * Errors are erl_parse's: "syntax error before: X" at the offending token, "head mismatch",
 * "bad attribute", "bad ... declaration", "bad function arity" and so on, at the locations
 * erl_parse reports. A form with an error yields NULL and exactly one message.
 */
#ifndef HS_LANG_PARSE_H
#define HS_LANG_PARSE_H

#include "lang/ast.h"
#include "lang/diag.h"
#include "lang/lex.h"

/* Parses toks[0..n) (normally ending with a dot). file names the messages. */
Ast *parse_form(Arena *ar, const Token *toks, size_t n, const char *file, Diags *diags);

/* Parses toks as a comma-separated expression sequence (erl_parse:parse_exprs/1), for -if.
 * The tokens end with a dot. Returns 0 on a syntax error (reported). */
int parse_exprs_form(Arena *ar, const Token *toks, size_t n, const char *file, Diags *diags,
                     AstList *out);

#endif
