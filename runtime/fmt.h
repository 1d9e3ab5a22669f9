/*
 * fmt.h — io_lib:format/2 byte for byte as OTP 25 (lib/stdlib/src/io_lib_format.erl).
 *
 * The format (a flat character list, a binary read as Latin-1 bytes, or an atom) is scanned
 * as io_lib_format:collect/2 does: "~" then an optional field width (digits or *), an optional
 * precision (".digits" or ".*"), an optional pad character (".c" or ".*"), the modifiers t
 * (Unicode) and l (no string detection), and one control character of
 * p P w W s e f g b B x X + # c ~ n i. Each control takes its arguments from the list in
 * order; the list must be used up exactly.
 *
 * The result is text, UTF-8 encoded: OTP returns a list of characters (code points), and each
 * of them is appended UTF-8 encoded. ~p and ~P start at the column the text before them ends
 * at (newlines reset it, tabs move it to the next multiple of 8), as io_lib_format's
 * build_limited/5 computes it.
 *
 * Anything OTP rejects (a bad control sequence, a wrong argument type, arguments left over or
 * missing, a field width smaller than the precision, ...) makes fmt_format return false:
 * io_lib:format/2 and io:format/2 then raise error:badarg. We also refuse what OTP's
 * io_lib:format accepts but no device could write: a ~tc character, a ~ts list element or a
 * ".*" pad character that is not a Unicode code point (negative or above 16#10FFFF), when it
 * would appear in the output.
 *
 * Known difference: characters are counted as code points where
 * OTP's string:length/slice count grapheme clusters (they differ for combining sequences).
 *
 * Nothing here allocates on a process heap or collects.
 */
#ifndef HS_FMT_H
#define HS_FMT_H

#include <stdbool.h>
#include <stdint.h>

#include "strbuf.h"
#include "term.h"

/* Appends io_lib:format(Format, Args) to out as UTF-8. On false (badarg) out is unchanged. */
bool fmt_format(StrBuf *out, Term format, Term args);

/* The default ~f / ~e / ~g renderings with these field settings, for callers outside format
 * strings (and tests): width and precision -1 when absent; left adjusts left. False when OTP
 * would reject the precision. */
bool fmt_float_f(StrBuf *out, double d, long width, long prec, bool left, uint32_t pad);
bool fmt_float_e(StrBuf *out, double d, long width, long prec, bool left, uint32_t pad);
bool fmt_float_g(StrBuf *out, double d, long width, long prec, bool left, uint32_t pad);

/* UTF-8 helpers shared with the io BIFs. fmt_put_char appends one code point. fmt_next_char
 * decodes the character at *p (advancing it); a byte that does not start a well-formed
 * sequence decodes as itself, so any text round-trips. */
void fmt_put_char(StrBuf *out, uint32_t cp);
uint32_t fmt_next_char(const char **p, const char *end);

#endif
