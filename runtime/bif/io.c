/*
 * io.c — BIFs of the io and io_lib modules: formatted and plain output, io_lib's text.
 *
 * Output goes where erl -noshell's standard_io goes: stdout, through a device in latin1 mode
 * (OTP 25 leaves -noshell's standard_io in latin1 whatever the locale; io:getopts() says
 * {encoding,latin1}). Such a device writes a character below 256 as that one byte and a
 * character above as the text \x{HHH} (upper-case hex): io:format("~ts", [[1024]]) prints
 * the six bytes \x{400}. standard_error is stderr, the same way. Every write is flushed, so
 * that stdout and stderr (crash reports) interleave as they were written.
 *
 * io_lib:format/2 returns a flat list of characters. OTP returns a possibly deep list (chars
 * and sublists); the two differ only to a program that inspects the structure (length/1, ~w
 * of the result unflattened); printing it with ~s, or lists:flatten/1, gives the same text.
 *
 * Errors: a bad format or arguments raise error:badarg, as OTP's io:format/2 and
 * io_lib:format/2 do. (OTP's io functions also fail with other reasons when the device
 * rejects the text, e.g. put_chars of [-1]; here those are badarg too.)
 *
 * These BIFs never collect: result lists come from heap_halloc.
 */
#include "bif/bif.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bin.h"
#include "fmt.h"
#include "print.h"

/* ---- output devices --------------------------------------------------------------------- */

/* The FILE for a device argument: standard_io and user are stdout, standard_error stderr. */
static FILE *device_file(Term dev)
{
    if (dev == atom_put("standard_io", 11) || dev == atom_put("user", 4)) return stdout;
    if (dev == atom_put("standard_error", 14)) return stderr;
    return NULL;
}

/* Writes UTF-8 text through a latin1 device (see the top of the file) and flushes. */
static void device_write(FILE *f, const char *s, size_t n)
{
    StrBuf bytes = STRBUF_INIT;
    const char *p = s, *end = s + n;
    while (p < end) {
        uint32_t c = fmt_next_char(&p, end);
        if (c < 256) sb_putc(&bytes, (char)c);
        else sb_printf(&bytes, "\\x{%X}", (unsigned)c);
    }
    if (bytes.len) fwrite(bytes.data, 1, bytes.len, f);
    fflush(f);
    sb_free(&bytes);
}

/* ---- chardata (unicode:characters_to_binary/1's input) ---------------------------------- */

static bool put_utf8_binary(StrBuf *sb, Term b)
{
    BinView v;
    if (!term_is_binary_any(b) || !bin_view(b, &v) || !bin_view_is_binary(&v)) return false;
    StrBuf raw = STRBUF_INIT;
    for (Uint i = 0; i < v.bit_size / 8; i++) {
        Uint bit = v.bit_offset + 8 * i;
        unsigned sh = (unsigned)(bit % 8);
        const unsigned char *q = v.base + bit / 8;
        sb_putc(&raw, (char)(sh == 0 ? q[0] : (unsigned char)(q[0] << sh | q[1] >> (8 - sh))));
    }
    /* valid UTF-8 only: decode and re-encode must give the same bytes */
    bool ok = true;
    const char *p = raw.data, *end = raw.data + raw.len;
    size_t start = sb->len;
    while (ok && p < end) {
        const char *at = p;
        uint32_t c = fmt_next_char(&p, end);
        size_t before = sb->len;
        if (c >= 0xD800 && c <= 0xDFFF) ok = false;
        fmt_put_char(sb, c);
        if (sb->len - before != (size_t)(p - at) || memcmp(sb->data + before, at, (size_t)(p - at)) != 0)
            ok = false;
    }
    if (!ok) sb_truncate(sb, start);
    sb_free(&raw);
    return ok;
}

/* Appends chardata as UTF-8: a deep list of code points and UTF-8 binaries, or a binary.
 * Walks nested heads with an explicit stack. False when it is not chardata. */
static bool put_chardata(StrBuf *sb, Term t)
{
    Term *stack = NULL;
    size_t sp = 0, cap = 0;
    bool ok = true;
    Term cur = t;
    while (ok) {
        if (cur == NIL) {
            if (sp == 0) break;
            cur = stack[--sp];
        } else if (term_is_list(cur)) {
            Term h = list_head(cur);
            if (term_is_small(h)) {
                Sint c = small_val(h);
                ok = c >= 0 && c <= 0x10FFFF && !(c >= 0xD800 && c <= 0xDFFF);
                if (ok) fmt_put_char(sb, (uint32_t)c);
                cur = list_tail(cur);
            } else if (term_is_list(h) || h == NIL) {
                if (sp == cap) {
                    cap = cap ? 2 * cap : 16;
                    stack = realloc(stack, cap * sizeof *stack);
                    if (!stack) abort();
                }
                stack[sp++] = list_tail(cur);
                cur = h;
            } else {
                ok = put_utf8_binary(sb, h);
                cur = list_tail(cur);
            }
        } else {
            ok = put_utf8_binary(sb, cur);
            cur = NIL;
        }
    }
    free(stack);
    return ok;
}

/* ---- results ---------------------------------------------------------------------------- */

/* The UTF-8 text as a list of characters on the process heap. */
static Term chars_to_list(Process *p, const char *s, size_t n)
{
    Uint count = 0;
    for (const char *q = s, *end = s + n; q < end; count++) fmt_next_char(&q, end);
    if (count == 0) return NIL;
    Term *hp = heap_halloc(&p->heap, 2 * count);
    Term list = make_list(hp);
    for (const char *q = s, *end = s + n; q < end; hp += 2) {
        hp[0] = make_small((Sint)fmt_next_char(&q, end));
        hp[1] = q < end ? make_list(hp + 2) : NIL;
    }
    return list;
}

static Term sb_result_list(Process *p, StrBuf *sb)
{
    Term r = chars_to_list(p, sb->data ? sb->data : "", sb->len);
    sb_free(sb);
    return r;
}

/* ---- io ------------------------------------------------------------------------------------ */

static Term format_to(Process *p, FILE *f, Term format, Term args)
{
    if (!f) return bif_badarg(p);
    StrBuf sb = STRBUF_INIT;
    if (!fmt_format(&sb, format, args)) {
        sb_free(&sb);
        return bif_badarg(p);
    }
    device_write(f, sb.data ? sb.data : "", sb.len);
    sb_free(&sb);
    return AM(ok);
}

static Term io_format_1(Process *p, const Term *args) { return format_to(p, stdout, args[0], NIL); }
static Term io_format_2(Process *p, const Term *args) { return format_to(p, stdout, args[0], args[1]); }
static Term io_format_3(Process *p, const Term *args)
{
    return format_to(p, device_file(args[0]), args[1], args[2]);
}

static Term put_chars_to(Process *p, FILE *f, Term chars)
{
    if (!f) return bif_badarg(p);
    StrBuf sb = STRBUF_INIT;
    if (!put_chardata(&sb, chars)) {
        sb_free(&sb);
        return bif_badarg(p);
    }
    device_write(f, sb.data ? sb.data : "", sb.len);
    sb_free(&sb);
    return AM(ok);
}

static Term io_put_chars_1(Process *p, const Term *args) { return put_chars_to(p, stdout, args[0]); }
static Term io_put_chars_2(Process *p, const Term *args)
{
    return put_chars_to(p, device_file(args[0]), args[1]);
}

static Term io_nl_0(Process *p, const Term *args)
{
    device_write(stdout, "\n", 1);
    return AM(ok);
}

static Term io_nl_1(Process *p, const Term *args)
{
    FILE *f = device_file(args[0]);
    if (!f) return bif_badarg(p);
    device_write(f, "\n", 1);
    return AM(ok);
}

/* ---- io_lib -------------------------------------------------------------------------------- */

static Term io_lib_format_2(Process *p, const Term *args)
{
    StrBuf sb = STRBUF_INIT;
    if (!fmt_format(&sb, args[0], args[1])) {
        sb_free(&sb);
        return bif_badarg(p);
    }
    return sb_result_list(p, &sb);
}

static Term io_lib_write_1(Process *p, const Term *args)
{
    StrBuf sb = STRBUF_INIT;
    print_w(&sb, args[0], -1);
    return sb_result_list(p, &sb);
}

/* io_lib:write(Term, Depth): Depth an integer; negative means unlimited. */
static Term io_lib_write_2(Process *p, const Term *args)
{
    if (!term_is_small(args[1])) return bif_badarg(p);
    Sint d = small_val(args[1]);
    StrBuf sb = STRBUF_INIT;
    print_w(&sb, args[0], d < 0 ? -1 : d > 1000000000 ? 1000000000 : (int)d);
    return sb_result_list(p, &sb);
}

/* io_lib:print(Term) = print(Term, 1, 80, -1): column 1, line length 80, no depth limit. */
static Term io_lib_print_1(Process *p, const Term *args)
{
    StrBuf sb = STRBUF_INIT;
    PrintOpts o = PRINT_OPTS_DEFAULT;
    print_p(&sb, args[0], &o);
    return sb_result_list(p, &sb);
}

/* io_lib:print(Term, Column, LineLength, Depth): ~p from column Column (1 is the line's
 * start), lines of LineLength, Depth as ~P's (-1: unlimited). */
static Term io_lib_print_4(Process *p, const Term *args)
{
    if (!term_is_small(args[1]) || !term_is_small(args[2]) || !term_is_small(args[3]))
        return bif_badarg(p);
    Sint col = small_val(args[1]), ll = small_val(args[2]), d = small_val(args[3]);
    if (col < 1 || col > 1000000 || ll < 0 || ll > 1000000) return bif_badarg(p);
    PrintOpts o = PRINT_OPTS_DEFAULT;
    o.indent = (int)(col - 1);
    o.line_length = (int)ll;
    o.depth = d < 0 ? -1 : d > 1000000000 ? 1000000000 : (int)d;
    StrBuf sb = STRBUF_INIT;
    print_p(&sb, args[0], &o);
    return sb_result_list(p, &sb);
}

const BifDef bif_table_io[] = {
    {"io", "format", 1, io_format_1, 0},
    {"io", "format", 2, io_format_2, 0},
    {"io", "format", 3, io_format_3, 0},
    {"io", "fwrite", 1, io_format_1, 0},
    {"io", "fwrite", 2, io_format_2, 0},
    {"io", "fwrite", 3, io_format_3, 0},
    {"io", "put_chars", 1, io_put_chars_1, 0},
    {"io", "put_chars", 2, io_put_chars_2, 0},
    {"io", "nl", 0, io_nl_0, 0},
    {"io", "nl", 1, io_nl_1, 0},
    {"io_lib", "format", 2, io_lib_format_2, 0},
    {"io_lib", "fwrite", 2, io_lib_format_2, 0},
    {"io_lib", "write", 1, io_lib_write_1, 0},
    {"io_lib", "write", 2, io_lib_write_2, 0},
    {"io_lib", "print", 1, io_lib_print_1, 0},
    {"io_lib", "print", 4, io_lib_print_4, 0},
    {0},
};
