/*
 * front.h — the Erlang front end in one call: source file -> preprocessed, parsed, checked
 * forms in OTP's abstract-format shape, or compile errors in erlc's words and order.
 *
 *   LangModule m;
 *   if (!lang_parse_file("x.erl", NULL, &m)) diags_print(&m.diags, stderr, 1);
 *   ... m.forms ...
 *   lang_module_free(&m);
 *
 * The forms are those of epp:parse_file/2 (with -file attributes and a final {eof, L});
 * forms that had errors are left out, their messages are in diags. Everything lives in the
 * module's arena and goes with lang_module_free.
 */
#ifndef HS_LANG_FRONT_H
#define HS_LANG_FRONT_H

#include "lang/ast.h"
#include "lang/diag.h"

typedef struct LangOptions {
    const char *const *include_dirs;  /* -I directories, after the file's own */
    int n_include_dirs;
    int no_check;                     /* parse only: skip the checks of check.c */
    const char *source;               /* when non-NULL, the text of the file (not read) */
    size_t source_len;
    int no_include;                   /* -include finds nothing (for fuzzing) */
    int check_module_name;            /* with source: still require -module(basename) (erlc
                                       * fails "Module name 'y' does not match file name 'x'");
                                       * always checked for files read from disk */
} LangOptions;

typedef struct LangModule {
    Arena arena;
    AstList forms;
    Diags diags;
    const char *name;                 /* from -module, or NULL */
} LangModule;

/* Returns 1 when the module has no errors (warnings allowed). */
int lang_parse_file(const char *path, const LangOptions *opt, LangModule *m);
void lang_module_free(LangModule *m);

#endif
