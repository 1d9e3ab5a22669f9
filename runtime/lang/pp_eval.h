/*
 * pp_eval.h — the condition of -if and -elif (epp:eval_if/2): the tokens are parsed as
 * expressions, defined(M) is replaced by whether M is a macro, the result must be a single
 * guard expression ("badly formed 'if'" otherwise), and it is evaluated; an evaluation error
 * counts as false, as in epp. Conditions beyond literals, arithmetic, comparisons, boolean
 * operators and the common type tests are refused with a clear message rather than guessed.
 */
#ifndef HS_LANG_PP_EVAL_H
#define HS_LANG_PP_EVAL_H

#include "lang/diag.h"
#include "lang/lex.h"

typedef int (*PpDefinedFn)(void *ctx, const char *name, size_t len);

/* toks: the macro-expanded tokens after 'if' ('(' ... ')' dot). kw: the 'if'/'elif' token for
 * error locations. Returns 1 (true), 0 (false or an evaluation error) or -1 (an error was
 * reported). */
int pp_eval_condition(Arena *ar, const Token *toks, size_t n, const char *file, Diags *diags,
                      const Token *kw, PpDefinedFn defined, void *ctx);

#endif
