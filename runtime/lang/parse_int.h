/*
 * parse_int.h — the parser's state, shared by parse.c (forms and expressions) and
 * parse_type.c (types, -spec, -type). Private to the front end.
 *
 * The parser works on one form's tokens at a time, as erl_parse:parse_form/1 does. It is
 * recursive descent with precedence climbing, written so that it stops at the same token as
 * OTP's LALR parser: every token is looked at once, and a token that cannot continue the form
 * is reported as "syntax error before: TOKEN" at its location. The first error ends the form.
 * Recursion is bounded (PARSE_MAX_DEPTH): absurdly deep nesting gets an error, never a stack
 * overflow; chains of operators count towards the same bound because the tree walkers recurse
 * on them.
 */
#ifndef HS_LANG_PARSE_INT_H
#define HS_LANG_PARSE_INT_H

#include "lang/ast.h"
#include "lang/diag.h"
#include "lang/lex.h"

#define PARSE_MAX_DEPTH 500

typedef struct Parser {
    Arena *ar;
    const Token *t;
    size_t n, pos;
    Token end;          /* '$end': at the location of the last token */
    Diags *diags;
    const char *file;
    int depth;
    int failed;
} Parser;

const Token *parse_peek(Parser *p, size_t k);
TokKind parse_kind(Parser *p, size_t k);
const Token *parse_next(Parser *p);
/* "syntax error before: X" at the current token; returns NULL for convenience. */
Ast *parse_syntax_error(Parser *p);
/* An error with its own text at a location (ret_err/return_error of erl_parse). */
Ast *parse_error_at(Parser *p, int line, int col, const char *msg);
/* Consumes a token of kind k or reports a syntax error before the current token. */
const Token *parse_expect(Parser *p, TokKind k);
int parse_enter(Parser *p, int cost);
void parse_leave(Parser *p, int cost);
Ast *parse_tok_atom(Parser *p, const Token *t);
Ast *parse_tok_var(Parser *p, const Token *t);
Ast *parse_tok_literal(Parser *p, const Token *t);

/* parse.c */
Ast *parse_expr(Parser *p);

/* parse_type.c */
Ast *parse_top_type(Parser *p);
/* '-' 'spec' | '-' 'callback' type_spec, after the keyword token at kw. */
Ast *parse_spec_attribute(Parser *p, const Token *kw);
/* erl_internal:is_type/2 */
int parse_is_builtin_type(const char *name, size_t len, int arity);

#endif
