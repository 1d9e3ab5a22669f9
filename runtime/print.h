/*
 * print.h — terms as text, byte for byte as OTP 25 prints them.
 *
 *   ~w  io_lib:write/1: no line breaks, lists of printable characters are not shown as strings;
 *   ~p  io_lib_pretty with line length 80: printable lists as strings, binaries as <<"...">>,
 *       line breaking and indentation as io_lib_pretty does.
 * Floats print in OTP's shortest round-trip form (float_to_list(F, [short])).
 * Pids print as <0.N.0>, refs as #Ref<0.A.B.C>, funs as #Fun<M.I.U> / fun M:F/A.
 *
 * The output is UTF-8 text: OTP's printers return lists of characters (code points), and each
 * of those characters is appended UTF-8 encoded. A caller that needs Erlang's character list
 * decodes it back; an output device in latin1 mode (erl -noshell's stdout) writes characters
 * below 256 as single bytes. fun_to_list/1 quirk kept: it yields an atom's UTF-8 bytes as
 * separate characters (#Fun<caf\xc3\xa9...> shows as two characters), so those bytes appear
 * here re-encoded one character each.
 *
 * ~w printing walks the term with an explicit stack (no C recursion). ~p recurses once per
 * level of nesting (never per list element), as io_lib_pretty does; a term nested more than
 * 1000 levels deep is printed on a helper thread whose stack is sized for it, while the caller
 * waits. Nothing here allocates on a process heap or collects.
 */
#ifndef HS_PRINT_H
#define HS_PRINT_H

#include "strbuf.h"
#include "term.h"

typedef struct PrintOpts {
    int depth;        /* ~P / ~W depth; -1 for unlimited; 0 prints "..." */
    int line_length;  /* ~p: 80; 0 prints on one line */
    int indent;       /* ~p: characters already on the line before the term (io_lib_format's
                       * indentation; the term starts at column indent + 1) */
    bool unicode;     /* ~tp: atoms and strings written as Unicode (else ~p: Latin-1, with
                       * \x{...} for characters above 255 in atoms) */
    bool printable_unicode; /* erl +pc unicode: lists and binaries of any printable Unicode
                             * character show as strings. Only with unicode (~tp); OTP's
                             * default printable range, latin1, is false. */
    bool no_strings;  /* ~lp: lists and binaries never show as strings (io_lib_pretty's
                       * {strings, false}) */
} PrintOpts;

#define PRINT_OPTS_DEFAULT {-1, 80, 0, false, false, false}

void print_w(StrBuf *sb, Term t, int depth);
void print_p(StrBuf *sb, Term t, const PrintOpts *opts);
/* float_to_list(D, [short]). */
void print_float_short(StrBuf *sb, double d);
/* The atom as ~w and ~p print it (io_lib:write_atom_as_latin1): quoted when needed,
 * characters above 255 as \x{...}. */
void print_atom(StrBuf *sb, Term atom);

#endif
