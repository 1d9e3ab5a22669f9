/*
 * pp.h — the preprocessor, a port of OTP 25's epp as compile uses it.
 *
 * pp_next hands out the module's forms one at a time as token lists ready for the parser,
 * exactly as epp:scan_erl_form does: directives (-define, -undef, -ifdef, -ifndef, -else,
 * -endif, -if, -elif, -include, -include_lib) are consumed, macros are expanded with epp's
 * rules (the tokens of a macro body take the location of the macro name, and after an
 * argument the location of the argument's last token; ??Arg stringifies; circular macros are
 * refused), ?MODULE, ?MODULE_STRING, ?FILE, ?LINE, ?FUNCTION_NAME, ?FUNCTION_ARITY,
 * ?MACHINE, ?OTP_RELEASE are predefined, and the -file attribute forms epp inserts at the
 * start of the module and around each included file are produced too.
 *
 * Scanner and preprocessor errors go to the Diags with erl_scan's and epp's wording and are
 * skipped, as epp does; the next form follows. Limits that epp lacks (macro nesting, the size
 * of one form after expansion) turn pathological input into an error instead of a hang.
 * [owner only]
 */
#ifndef HS_LANG_PP_H
#define HS_LANG_PP_H

#include "lang/diag.h"
#include "lang/lex.h"

typedef struct Pp Pp;

typedef struct PpOptions {
    const char *const *include_dirs; /* searched after the including file's directory */
    int n_include_dirs;
    const char *source;              /* when non-NULL: the text of the main file (not read) */
    size_t source_len;
    int no_include;                  /* refuse -include (fuzzing: never read other files) */
} PpOptions;

/* Opens the main file (name as given: it appears in messages and ?FILE). NULL with a
 * message in diags when the file cannot be read. Tokens live in ar. */
Pp *pp_open(const char *path, const PpOptions *opt, Arena *ar, Diags *diags);

typedef enum PpStatus { PP_FORM, PP_EOF } PpStatus;

/* The next form: its tokens (in ar) and the file they come from. At PP_EOF, *line and *col
 * hold the end location ({eof, Location}). */
PpStatus pp_next(Pp *pp, const Token **toks, size_t *n, const char **file, int *line, int *col);
void pp_close(Pp *pp);

#endif
