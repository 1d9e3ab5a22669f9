/*
 * print.h — terms as text, byte for byte as OTP 25 prints them.
 *
 *   ~w  io_lib:write/1: no line breaks, lists of printable characters are not shown as strings;
 *   ~p  io_lib_pretty with line length 80: printable lists as strings, binaries as <<"...">>,
 *       line breaking and indentation as io_lib_pretty does.
 * Floats print in OTP's shortest round-trip form (float_to_list(F, [short])).
 * Pids print as <0.N.0>, refs as #Ref<0.A.B.C>, funs as #Fun<M.I.U> / fun M:F/A.
 */
#ifndef HS_PRINT_H
#define HS_PRINT_H

#include "strbuf.h"
#include "term.h"

typedef struct PrintOpts {
    int depth;        /* ~P / ~W depth; -1 for unlimited */
    int line_length;  /* ~p: 80 */
    int indent;       /* ~p: the column the term starts at */
    bool unicode;     /* ~tp / ~ts: printable range is Unicode, else Latin-1 */
} PrintOpts;

void print_w(StrBuf *sb, Term t, int depth);
void print_p(StrBuf *sb, Term t, const PrintOpts *opts);
/* float_to_list(D, [short]). */
void print_float_short(StrBuf *sb, double d);
/* io_lib:write_atom: quoted when needed. */
void print_atom(StrBuf *sb, Term atom);

#endif
