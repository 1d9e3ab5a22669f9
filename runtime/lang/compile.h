/*
 * compile.h — the code generator: checked forms (front.h) to VM code (code.h), then loaded.
 *
 * One pass over each function: every variable and every intermediate value lives in a Y slot
 * of the function's frame, so X registers are live only between loading call arguments and
 * the call, and every heap reservation (test_heap, a BIF return) has at most one live X
 * register. Constant subterms (and arithmetic on constants, as OTP's compiler folds it) become
 * literals. Funs and named funs are compiled as extra functions taking their free variables
 * after their arguments, as OTP does; so are list comprehensions' generators (OTP's
 * '-F/A-lc$^N/1-M-' functions, called directly); binary comprehensions are loops in the frame.
 */
#ifndef HS_LANG_COMPILE_H
#define HS_LANG_COMPILE_H

#include <stdbool.h>
#include <stddef.h>

#include "code.h"

/* Compiles the file (source text given, or read from path when source is NULL) and loads it.
 * Errors are printed to stderr as erlc prints them; returns NULL then. */
Module *compile_and_load(const char *path, const char *source, size_t len);

/* Set when the last compile_and_load failed because of errors in the source. */
extern int compile_had_errors;

/* Compiles without loading or printing (the fuzz driver's entry: tests/fuzz/fuzz_compile.c):
 * on success the image is in *out (free it with codebuf_free) and true is returned; -include
 * finds nothing. */
bool compile_only(const char *path, const char *source, size_t len, CodeBuf *out);

/* Counts the compiler's own consistency failures (never a fault of the source). */
extern int compile_internal_errors;

#endif
