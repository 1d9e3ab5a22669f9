/*
 * absform.h — prints the syntax tree as OTP's abstract format, the text `io:format("~w~n",
 * [Form])` prints for each form of `epp:parse_file(File, [{location, {1,1}}])`. Tests compare
 * it with what OTP 25 prints for the same file, which checks the lexer, the preprocessor and
 * the parser together, down to every location.
 */
#ifndef HS_LANG_ABSFORM_H
#define HS_LANG_ABSFORM_H

#include "lang/ast.h"
#include "strbuf.h"

/* One form (A_FUNCTION, A_ATTRIBUTE, A_EOF), without a newline. */
void absform_print_form(StrBuf *out, const Ast *form);
/* A literal expression as the term it denotes (erl_parse:normalise/1), printed with ~w, or
 * with p_style as ~tp prints it on one line (strings as "..."): for -error and -warning. */
void absform_print_term(StrBuf *out, const Ast *node, int p_style);
/* Any node (expression, pattern, clause, type). */
void absform_print(StrBuf *out, const Ast *node);

#endif
