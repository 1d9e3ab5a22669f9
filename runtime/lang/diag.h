/*
 * diag.h — compile diagnostics in erlc's form.
 *
 * Every message the front end emits is "FILE:LINE:COLUMN: TEXT" with erlc's wording, and, when
 * printed for a user, followed by the quoted source line and a caret as sys_messages does. The
 * order is erlc's (compile:messages_per_file): first the scanner, preprocessor and parser
 * messages of each file sorted by position, then the checker's, each group file by file.
 * Warnings are kept apart: erlc prints them after all errors and they never fail a compile.
 */
#ifndef HS_LANG_DIAG_H
#define HS_LANG_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* Who found the problem; erlc sorts the first three before the checker's messages. */
typedef enum DiagOrigin { DIAG_SCAN, DIAG_EPP, DIAG_PARSE, DIAG_LINT } DiagOrigin;

typedef struct Diag {
    char *file;
    int line, col;      /* 1-based; col 0 when erlc gives a line only */
    DiagOrigin origin;
    int warning;
    char *msg;          /* the text after "FILE:LINE:COL: " */
    char *key;          /* tie-break between messages at one position (erlc sorts terms) */
} Diag;

typedef struct Diags {
    Diag *v;
    size_t n, cap;
    size_t errors;      /* entries that are not warnings */
} Diags;

#define DIAGS_INIT {NULL, 0, 0, 0}

void diags_add(Diags *d, const char *file, int line, int col, DiagOrigin origin,
               const char *key, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
void diags_vadd(Diags *d, const char *file, int line, int col, DiagOrigin origin, int warning,
                const char *key, const char *fmt, va_list ap);
void diags_warn(Diags *d, const char *file, int line, int col, const char *key,
                const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Puts the messages in erlc's order (errors first, then warnings). */
void diags_sort(Diags *d);
/* One line per message, "FILE:L:C: TEXT" ("Warning: " before warnings' text); with
 * quote_source, each followed by the source excerpt erlc prints. */
void diags_print(const Diags *d, FILE *out, int quote_source);
/* The same lines into a malloc'd string, without excerpts (for tests). */
char *diags_text(const Diags *d, int with_warnings);
void diags_free(Diags *d);

#endif
