/*
 * check.h — the checks erl_lint makes that belong to the front end, with erl_lint's wording
 * and locations: unbound and unsafe variables, illegal patterns and guards, undefined and
 * redefined functions, records and their fields, exports of undefined functions.
 */
#ifndef HS_LANG_CHECK_H
#define HS_LANG_CHECK_H

#include "lang/ast.h"
#include "lang/diag.h"

/* Checks the forms of one module (as lang_parse_file produced them), adding errors (and the
 * warnings that are implemented) to diags. file is the main file's name. */
void check_module(const char *file, const AstList *forms, Arena *ar, Diags *diags);

/* The checks of the type language (check_type.c): -type, -opaque, -spec, -callback,
 * -export_type and typed record fields. check_module calls it. */
void check_types(const char *file, const AstList *forms, Diags *diags);

/* erl_internal:bif/2 of OTP 25: is name/arity an auto-imported BIF? (The one list, for the
 * checks and for the code generator.) */
int check_auto_imported(const char *name, size_t len, int arity);
/* erl_internal:guard_bif/2 of OTP 25: may name/arity be called in a guard? (The one list, for
 * the checks and for the preprocessor's -if conditions.) */
int check_guard_bif(const char *name, size_t len, int arity);

#endif
