/*
 * fmt.c — io_lib_format in C. The functions follow io_lib_format.erl's (OTP 25) one for one:
 * collect_cseq/field_width/precision/pad_char/modifiers/collect_cc scan a control sequence,
 * and term/string/char/newline/fwrite_e/fwrite_f/fwrite_g/(un)prefixed_integer render it.
 *
 * OTP scans the whole format first and builds afterwards; both passes fail as a whole, so one
 * pass that writes into the caller's buffer and truncates it back on failure is equivalent.
 */
#include "fmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atom.h"
#include "bignum.h"
#include "bin.h"
#include "print.h"

/* Field widths and precisions above this are refused: OTP would build a list that long. */
#define FMT_MAX_FIELD (1L << 24)
#define MAX_CP 0x10FFFFu

/* ---- UTF-8 ---------------------------------------------------------------------------- */

void fmt_put_char(StrBuf *out, uint32_t cp) { sb_put_utf8(out, cp); }

/* Length of the well-formed UTF-8 sequence at s (strict: no overlongs, no surrogates, at most
 * 16#10FFFF), 0 when there is none; *cp receives the character. */
static size_t utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t n;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        n = 2, v = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, v = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (avail < n) return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        v = v << 6 | (s[i] & 0x3F);
    }
    if (v < min || v > MAX_CP || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return n;
}

uint32_t fmt_next_char(const char **p, const char *end)
{
    const unsigned char *s = (const unsigned char *)*p;
    uint32_t cp;
    size_t n = utf8_decode(s, (size_t)(end - *p), &cp);
    if (n == 0) {
        /* Our own encoder also writes surrogates; accept those, else take the byte. */
        if ((s[0] & 0xF0) == 0xE0 && end - *p >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
            *p += 3;
            return (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
        }
        *p += 1;
        return s[0];
    }
    *p += n;
    return cp;
}

/* Characters in UTF-8 text: bytes that do not continue a sequence. */
static long utf8_chars(const char *s, size_t n)
{
    long k = 0;
    for (size_t i = 0; i < n; i++) k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

/* Bytes taken by the first `chars` characters of s. */
static size_t utf8_prefix(const char *s, size_t n, long chars)
{
    size_t i = 0;
    for (long k = 0; i < n; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (k == chars) break;
            k++;
        }
    }
    return i;
}

/* ---- reading terms ---------------------------------------------------------------------- */

/* Byte i of a byte-aligned-or-not binary view. */
static unsigned char view_byte(const BinView *v, Uint i)
{
    Uint bit = v->bit_offset + 8 * i;
    unsigned s = (unsigned)(bit % 8);
    const unsigned char *b = v->base + bit / 8;
    return s == 0 ? b[0] : (unsigned char)(b[0] << s | b[1] >> (8 - s));
}

/* A binary (not a bitstring) as a view; false otherwise. */
static bool binary_view(Term t, BinView *v)
{
    return term_is_binary_any(t) && bin_view(t, v) && bin_view_is_binary(v);
}

/* A small integer in [lo, hi]. */
static bool small_in(Term t, Sint lo, Sint hi, Sint *out)
{
    if (!term_is_small(t)) return false;
    Sint v = small_val(t);
    if (v < lo || v > hi) return false;
    *out = v;
    return true;
}

/* Appends a binary's bytes as characters: UTF-8 decoded when unicode and the whole binary is
 * valid UTF-8 (unicode:characters_to_list/1), else each byte is one Latin-1 character. */
static long put_binary_chars(StrBuf *sb, const BinView *v, bool unicode)
{
    Uint n = v->bit_size / 8;
    unsigned char *bytes = calloc(n + 1, 1);
    if (!bytes) abort();
    for (Uint i = 0; i < n; i++) bytes[i] = view_byte(v, i);
    bool utf8 = unicode;
    for (Uint i = 0; utf8 && i < n;) {
        uint32_t cp;
        size_t k = utf8_decode(bytes + i, n - i, &cp);
        if (k == 0) utf8 = false;
        i += k;
    }
    long chars = 0;
    if (utf8) {
        sb_putn(sb, (const char *)bytes, n);
        chars = utf8_chars((const char *)bytes, n);
    } else {
        for (Uint i = 0; i < n; i++) fmt_put_char(sb, bytes[i]);
        chars = (long)n;
    }
    free(bytes);
    return chars;
}

/*
 * ~s's argument as characters (io_lib_format:iolist_to_chars/1 for Latin-1, cdata_to_chars/1
 * for Unicode): a deep list of characters and binaries, with a binary allowed as a tail.
 * Latin-1 takes characters 0..255 and binary bytes; Unicode takes any code point and decodes
 * binaries. Walks nested heads with an explicit stack. -1 when the argument is not chardata.
 */
static long put_chardata(StrBuf *sb, Term t, bool unicode)
{
    Term small_stack[32], *stack = small_stack;
    size_t sp = 0, cap = 32;
    long chars = 0;
    Sint hi = unicode ? (Sint)MAX_CP : 255;
    Term cur = t;
    for (;;) {
        if (cur == NIL) {
            if (sp == 0) break;
            cur = stack[--sp];
            continue;
        }
        if (term_is_list(cur)) {
            Term h = list_head(cur);
            Sint c;
            if (small_in(h, 0, hi, &c)) {
                fmt_put_char(sb, (uint32_t)c);
                chars++;
                cur = list_tail(cur);
                continue;
            }
            if (term_is_list(h) || h == NIL) {
                if (sp == cap) {
                    cap *= 2;
                    Term *ns = malloc(cap * sizeof *ns);
                    if (!ns) abort();
                    memcpy(ns, stack, sp * sizeof *ns);
                    if (stack != small_stack) free(stack);
                    stack = ns;
                }
                stack[sp++] = list_tail(cur);
                cur = h;
                continue;
            }
            BinView v;
            if (binary_view(h, &v)) {
                chars += put_binary_chars(sb, &v, unicode);
                cur = list_tail(cur);
                continue;
            }
            chars = -1;
            break;
        }
        BinView v;
        if (binary_view(cur, &v)) {
            chars += put_binary_chars(sb, &v, unicode);
            cur = NIL;
            continue;
        }
        chars = -1;
        break;
    }
    if (stack != small_stack) free(stack);
    return chars;
}

/* An atom's characters (atom_to_list/1); with latin1, -1 if one is above 255. */
static long put_atom_chars(StrBuf *sb, Term a, bool latin1)
{
    size_t len;
    const char *s = atom_name(a, &len);
    const char *p = s, *end = s + len;
    long chars = 0;
    while (p < end) {
        uint32_t cp = fmt_next_char(&p, end);
        if (latin1 && cp > 255) return -1;
        fmt_put_char(sb, cp);
        chars++;
    }
    return chars;
}

/* io_lib:deep_char_list/1 (for ~x's prefix): a deep list of characters, nothing else. Prefixes
 * nested deeper than 10000 lists are refused (OTP takes them). */
static bool put_deep_chars(StrBuf *sb, Term t, int depth)
{
    if (depth > 10000) return false;
    while (term_is_list(t)) {
        Term h = list_head(t);
        Sint c;
        if (small_in(h, 0, MAX_CP, &c)) fmt_put_char(sb, (uint32_t)c);
        else if (term_is_list(h) || h == NIL) {
            if (!put_deep_chars(sb, h, depth + 1)) return false;
        } else return false;
        t = list_tail(t);
    }
    return t == NIL;
}

/* ---- the control sequence --------------------------------------------------------------- */

typedef struct Spec {
    long width;     /* -1 when absent */
    bool left;      /* adjust left ('-' width) */
    long prec;      /* -1 when absent */
    Term pad;       /* a term: ".*" takes any argument; checked when used */
    bool unicode;   /* t */
    bool strings;   /* false with l */
    uint32_t cc;    /* the control character */
    Term a[2];      /* its arguments */
} Spec;

/* The cursor over the format's characters and the argument list. */
typedef struct Scan {
    const uint32_t *f;
    size_t n, i;
    Term args;
} Scan;

static bool next_arg(Scan *s, Term *a)
{
    if (!term_is_list(s->args)) return false;
    *a = list_head(s->args);
    s->args = list_tail(s->args);
    return true;
}

/* field_value/2: "*" takes an integer argument, digits give a number, else absent (FV_NONE).
 * False when "*" has no integer argument (OTP then fails in collect_cc on '*'), or the value
 * is beyond FMT_MAX_FIELD. */
#define FV_NONE ((long)-0x7fffffff)
static bool field_value(Scan *s, long *out)
{
    *out = FV_NONE;
    if (s->i < s->n && s->f[s->i] == '*') {
        Term a;
        Sint v;
        if (!next_arg(s, &a) || !small_in(a, -FMT_MAX_FIELD, FMT_MAX_FIELD, &v)) return false;
        s->i++;
        *out = (long)v;
        return true;
    }
    if (s->i < s->n && s->f[s->i] >= '0' && s->f[s->i] <= '9') {
        long v = 0;
        while (s->i < s->n && s->f[s->i] >= '0' && s->f[s->i] <= '9') {
            v = 10 * v + (long)(s->f[s->i++] - '0');
            if (v > FMT_MAX_FIELD) return false;
        }
        *out = v;
    }
    return true;
}

/* collect_cseq/2 after the "~": false on a malformed sequence or missing arguments. */
static bool collect_cseq(Scan *s, Spec *sp)
{
    long v;
    /* field_width/2 */
    bool neg = s->i < s->n && s->f[s->i] == '-';
    if (neg) s->i++;
    if (!field_value(s, &v)) return false;
    if (v == FV_NONE) {
        if (neg) return false; /* -none: badarith in OTP */
        sp->width = -1;
        sp->left = false;
    } else {
        if (neg) v = -v;
        sp->left = v < 0;
        sp->width = v < 0 ? -v : v;
    }
    /* precision/2 */
    sp->prec = -1;
    if (s->i < s->n && s->f[s->i] == '.') {
        s->i++;
        if (!field_value(s, &v)) return false;
        if (v != FV_NONE) {
            if (v < 0) return false;
            sp->prec = v;
        }
    }
    /* pad_char/2 */
    sp->pad = make_small(' ');
    if (s->i + 1 < s->n && s->f[s->i] == '.') {
        if (s->f[s->i + 1] == '*' && term_is_list(s->args)) {
            next_arg(s, &sp->pad);
        } else {
            sp->pad = make_small((Sint)s->f[s->i + 1]);
        }
        s->i += 2;
    }
    /* modifiers/3 (OTP 25 has t and l) */
    sp->unicode = false;
    sp->strings = true;
    for (; s->i < s->n; s->i++) {
        if (s->f[s->i] == 't') sp->unicode = true;
        else if (s->f[s->i] == 'l') sp->strings = false;
        else break;
    }
    /* collect_cc/2 */
    if (s->i >= s->n) return false;
    sp->cc = s->f[s->i++];
    switch (sp->cc) {
    case 'W': case 'P': case 'x': case 'X':
        return next_arg(s, &sp->a[0]) && next_arg(s, &sp->a[1]);
    case 'w': case 'p': case 's': case 'e': case 'f': case 'g': case 'b': case 'B':
    case '+': case '#': case 'c': case 'i':
        return next_arg(s, &sp->a[0]);
    case '~': case 'n':
        return true;
    default:
        return false;
    }
}

/* ---- rendering helpers -------------------------------------------------------------------- */

/* chars(Pad, n): false if the pad is not a character and is needed. */
static bool put_rep(StrBuf *out, Term pad, long n)
{
    if (n <= 0) return true;
    Sint c;
    if (!small_in(pad, 0, MAX_CP, &c)) return false;
    if (c < 0x80) {
        for (long i = 0; i < n; i++) sb_putc(out, (char)c);
    } else {
        for (long i = 0; i < n; i++) fmt_put_char(out, (uint32_t)c);
    }
    return true;
}

/* adjust(Data, chars(Pad, n), Adj) */
static bool adjust(StrBuf *out, const char *s, size_t nb, Term pad, long n, bool left)
{
    if (!left && !put_rep(out, pad, n)) return false;
    sb_putn(out, s, nb);
    return !left || put_rep(out, pad, n);
}

/* term(T, F, Adj, P, Pad): a rendering cut to the field, or stars when it does not fit. */
static bool term_field(StrBuf *out, const char *s, size_t nb, long f, bool left, long p0, Term pad)
{
    if (f < 0 && p0 < 0) {
        sb_putn(out, s, nb);
        return true;
    }
    if (f < 0) f = p0;
    long len = utf8_chars(s, nb);
    long lim = p0 < 0 ? f : (p0 < f ? p0 : f);
    long p = len < lim ? len : lim;
    if (len > p) {
        StrBuf stars = STRBUF_INIT;
        for (long i = 0; i < p; i++) sb_putc(&stars, '*');
        bool ok = adjust(out, stars.data ? stars.data : "", stars.len, pad, f - p, left);
        sb_free(&stars);
        return ok;
    }
    return adjust(out, s, nb, pad, f - len, left);
}

/* string_field/6 */
static bool string_field(StrBuf *out, const char *s, size_t nb, long f, bool left, long n, Term pad)
{
    if (n > f) {
        sb_putn(out, s, utf8_prefix(s, nb, f));
        return true;
    }
    return adjust(out, s, nb, pad, f - n, left);
}

/* string/6 */
static bool string_out(StrBuf *out, const char *s, size_t nb, const Spec *sp)
{
    long f = sp->width, p = sp->prec, n = utf8_chars(s, nb);
    if (f < 0 && p < 0) {
        sb_putn(out, s, nb);
        return true;
    }
    if (p < 0) return string_field(out, s, nb, f, sp->left, n, sp->pad);
    if (f < 0) return string_field(out, s, nb, p, true, n, sp->pad);
    if (f < p) return false;
    if (f == p) return string_field(out, s, nb, f, sp->left, n, sp->pad);
    if (n > p) return adjust(out, s, utf8_prefix(s, nb, p), sp->pad, f - p, sp->left);
    if (n == p) return adjust(out, s, nb, sp->pad, f - p, sp->left);
    /* [S|chars(Pad, P-N)] then the field */
    StrBuf inner = STRBUF_INIT;
    sb_putn(&inner, s, nb);
    bool ok = put_rep(&inner, sp->pad, p - n) &&
              adjust(out, inner.data, inner.len, sp->pad, f - p, sp->left);
    sb_free(&inner);
    return ok;
}

/* char/5. The character is only checked when written: OTP's ~0tc of -1 is "". */
static bool char_out(StrBuf *out, Term ct, const Spec *sp)
{
    long f = sp->width, p = sp->prec;
    if (f < 0 && p < 0) return put_rep(out, ct, 1);
    if (p < 0) return put_rep(out, ct, f);
    if (f < 0) return put_rep(out, ct, p);
    if (f < p) return false;
    if (!sp->left && !put_rep(out, sp->pad, f - p)) return false;
    put_rep(out, ct, p);
    return !sp->left || put_rep(out, sp->pad, f - p);
}

/* ---- floats ---------------------------------------------------------------------------- */

/*
 * float_data/1: the digits of float_to_list(A) ("%.20e": 21 significant digits) and the
 * exponent plus one. a >= 0.
 */
static long float_data(double a, char ds[32])
{
    char buf[64];
    snprintf(buf, sizeof buf, "%.20e", a);
    const char *e = strchr(buf, 'e');
    size_t k = 0;
    for (const char *q = buf; q < e; q++)
        if (*q >= '0' && *q <= '9') ds[k++] = *q;
    ds[k] = '\0';
    return strtol(e + 1, NULL, 10) + 1;
}

/*
 * float_man/3: ic digits, '.', dc digits from ds (zero padded), rounded half up on the next
 * digit alone, as OTP does on the already-rounded 21 digits. Writes ic + 1 + dc characters
 * to o; returns the carry out of the first digit.
 */
static bool float_man(const char *ds, long nd, long ic, long dc, char *o)
{
    long total = ic + dc;
    for (long k = 0; k < total; k++) o[k < ic ? k : k + 1] = k < nd ? ds[k] : '0';
    o[ic] = '.';
    bool carry = total < nd && ds[total] >= '5';
    for (long k = total - 1; k >= 0 && carry; k--) {
        char *c = &o[k < ic ? k : k + 1];
        if (*c == '9') *c = '0';
        else {
            (*c)++;
            carry = false;
        }
    }
    return carry;
}

static bool float_neg(double d) { return d < 0.0 || (d == 0.0 && signbit(d)); }

/* float_e/3 */
static void float_e(StrBuf *sb, double d, long p)
{
    char ds[32];
    long e = float_data(fabs(d), ds);
    char *o = malloc((size_t)p + 2);
    if (!o) abort();
    if (float_neg(d)) sb_putc(sb, '-');
    if (float_man(ds, (long)strlen(ds), 1, p - 1, o)) {
        o[0] = '1';
    } else {
        e -= 1;
    }
    sb_putn(sb, o, (size_t)p + 1);
    sb_printf(sb, e >= 0 ? "e+%ld" : "e%ld", e);
    free(o);
}

/* float_f/3 */
static void float_f(StrBuf *sb, double d, long p)
{
    char ds0[32];
    long e = float_data(fabs(d), ds0);
    long nd = (long)strlen(ds0);
    char *ds = ds0, *grown = NULL;
    if (e <= 0) { /* prepend -E+1 zeros */
        long z = -e + 1;
        grown = malloc((size_t)(z + nd + 1));
        if (!grown) abort();
        memset(grown, '0', (size_t)z);
        memcpy(grown + z, ds0, (size_t)nd + 1);
        ds = grown;
        nd += z;
        e = 1;
    }
    char *o = malloc((size_t)(e + p + 2));
    if (!o) abort();
    if (float_neg(d)) sb_putc(sb, '-');
    if (float_man(ds, nd, e, p, o)) sb_putc(sb, '1');
    sb_putn(sb, o, (size_t)(e + 1 + p));
    free(o);
    free(grown);
}

static bool float_e_field(StrBuf *out, double d, long width, long prec, bool left, Term pad)
{
    if (prec < 0) prec = 6;
    if (prec < 2 || prec > FMT_MAX_FIELD) return false;
    StrBuf s = STRBUF_INIT;
    float_e(&s, d, prec);
    bool ok = term_field(out, s.data, s.len, width, left, width, pad);
    sb_free(&s);
    return ok;
}

static bool float_f_field(StrBuf *out, double d, long width, long prec, bool left, Term pad)
{
    if (prec < 0) prec = 6;
    if (prec < 1 || prec > FMT_MAX_FIELD) return false;
    StrBuf s = STRBUF_INIT;
    float_f(&s, d, prec);
    bool ok = term_field(out, s.data, s.len, width, left, width, pad);
    sb_free(&s);
    return ok;
}

/* fwrite_g/5: ~f when 0.1 <= |d| < 10^4 and the precision covers the integer digits, else ~e;
 * the precision counts significant digits. */
static bool float_g_field(StrBuf *out, double d, long width, long prec, bool left, Term pad)
{
    if (prec < 0) prec = 6;
    if (prec < 1) return false;
    double a = fabs(d);
    /* E; "big" stands for OTP's atom fwrite_f, which compares above every integer */
    bool big = false;
    long e = 0;
    if (a < 1.0e-1) e = -2;
    else if (a < 1.0e0) e = -1;
    else if (a < 1.0e1) e = 0;
    else if (a < 1.0e2) e = 1;
    else if (a < 1.0e3) e = 2;
    else if (a < 1.0e4) e = 3;
    else big = true;
    if ((!big && prec <= 1 && e == -1) || (!big && prec - 1 > e && e >= -1))
        return float_f_field(out, d, width, prec - 1 - e, left, pad);
    if (prec <= 1) return float_e_field(out, d, width, 2, left, pad);
    return float_e_field(out, d, width, prec, left, pad);
}

bool fmt_float_e(StrBuf *out, double d, long width, long prec, bool left, uint32_t pad)
{
    return float_e_field(out, d, width, prec, left, make_small((Sint)pad));
}

bool fmt_float_f(StrBuf *out, double d, long width, long prec, bool left, uint32_t pad)
{
    return float_f_field(out, d, width, prec, left, make_small((Sint)pad));
}

bool fmt_float_g(StrBuf *out, double d, long width, long prec, bool left, uint32_t pad)
{
    return float_g_field(out, d, width, prec, left, make_small((Sint)pad));
}

static bool float_out(StrBuf *out, const Spec *sp)
{
    if (!term_is_float(sp->a[0])) return false;
    double d = float_val(sp->a[0]);
    switch (sp->cc) {
    case 'e': return float_e_field(out, d, sp->width, sp->prec, sp->left, sp->pad);
    case 'f': return float_f_field(out, d, sp->width, sp->prec, sp->left, sp->pad);
    default: return float_g_field(out, d, sp->width, sp->prec, sp->left, sp->pad);
    }
}

/* ---- integers --------------------------------------------------------------------------- */

/* unprefixed_integer/6 and prefixed_integer/7: [-] prefix digits, then term/6 without a
 * precision. */
static bool integer_out(StrBuf *out, const Spec *sp)
{
    Term a = sp->a[0];
    if (!term_is_integer(a)) return false;
    long base = sp->prec < 0 ? 10 : sp->prec;
    if (base < 2 || base > 36) return false;
    bool lower = sp->cc == 'b' || sp->cc == 'x' || sp->cc == '+';
    StrBuf s = STRBUF_INIT;
    size_t n = int_to_string(a, (unsigned)base, NULL, 0);
    char *digits = malloc(n + 1);
    if (!digits) abort();
    int_to_string(a, (unsigned)base, digits, n + 1);
    const char *d = digits;
    if (*d == '-') {
        sb_putc(&s, '-');
        d++;
    }
    bool ok = true;
    if (sp->cc == 'x' || sp->cc == 'X') {
        if (term_is_atom(sp->a[1])) put_atom_chars(&s, sp->a[1], false);
        else ok = put_deep_chars(&s, sp->a[1], 0);
    } else if (sp->cc == '+' || sp->cc == '#') {
        sb_printf(&s, "%ld#", base);
    }
    for (; ok && *d; d++) sb_putc(&s, lower && *d >= 'A' && *d <= 'Z' ? (char)(*d - 'A' + 'a') : *d);
    ok = ok && term_field(out, s.data, s.len, sp->width, sp->left, -1, sp->pad);
    free(digits);
    sb_free(&s);
    return ok;
}

/* ~c: the low 8 bits (band 255) without t, the code point with t. */
static bool c_out(StrBuf *out, const Spec *sp)
{
    Term a = sp->a[0];
    if (!term_is_integer(a)) return false;
    if (sp->unicode) return char_out(out, a, sp); /* a bignum is no character: fails if written */
    Uint low = term_is_small(a) ? (Uint)small_val(a) : big_limbs(a)[0];
    if (term_is_big(a) && big_is_neg(a)) low = ~low + 1;
    return char_out(out, make_small((Sint)(low & 255)), sp);
}

/* ---- terms ------------------------------------------------------------------------------ */

/* A depth argument of ~W / ~P: an integer; any negative one means unlimited. */
static bool depth_arg(Term t, int *depth)
{
    if (term_is_small(t)) {
        Sint v = small_val(t);
        *depth = v < 0 ? -1 : v > 1000000000 ? 1000000000 : (int)v;
        return true;
    }
    if (term_is_big(t)) {
        *depth = big_is_neg(t) ? -1 : 1000000000;
        return true;
    }
    return false;
}

/*
 * ~tw writes atoms as io_lib:write_atom/1 does: characters above 255 as themselves, where ~w
 * (write_atom_as_latin1) writes \x{HHH}. Quoting is the same in both (no character above 255
 * may stand in an unquoted atom), and in ~w text backslashes appear only inside quoted atoms,
 * each escaping the next character; so every unescaped \x{HHH} goes back to its character.
 */
static void unescape_wide(StrBuf *s)
{
    if (!s->data || !memchr(s->data, '\\', s->len)) return;
    StrBuf o = STRBUF_INIT;
    for (size_t i = 0; i < s->len; i++) {
        char c = s->data[i];
        if (c != '\\' || i + 1 >= s->len) {
            sb_putc(&o, c);
            continue;
        }
        if (s->data[i + 1] == 'x' && i + 2 < s->len && s->data[i + 2] == '{') {
            char *end;
            unsigned long cp = strtoul(s->data + i + 3, &end, 16);
            if (*end == '}' && end > s->data + i + 3 && cp > 255 && cp <= MAX_CP) {
                fmt_put_char(&o, (uint32_t)cp);
                i = (size_t)(end - s->data);
                continue;
            }
        }
        sb_putn(&o, s->data + i, 2); /* an escape: keep it and the character it escapes */
        i++;
    }
    sb_free(s);
    *s = o;
}

static bool w_out(StrBuf *out, const Spec *sp)
{
    int depth = -1;
    if (sp->cc == 'W' && !depth_arg(sp->a[1], &depth)) return false;
    StrBuf s = STRBUF_INIT;
    print_w(&s, sp->a[0], depth);
    if (sp->unicode) unescape_wide(&s);
    bool ok = term_field(out, s.data ? s.data : "", s.len, sp->width, sp->left, sp->prec, sp->pad);
    sb_free(&s);
    return ok;
}

/* print/12: the field width is the line length, the precision the starting column. */
static bool p_out(StrBuf *out, const Spec *sp, long col)
{
    if (sp->left) return false; /* OTP has no clause for left adjustment */
    PrintOpts o = PRINT_OPTS_DEFAULT;
    o.no_strings = !sp->strings;
    if (sp->cc == 'P' && !depth_arg(sp->a[1], &o.depth)) return false;
    o.line_length = sp->width < 0 ? 80 : (int)sp->width;
    long column = sp->prec < 0 ? col + 1 : sp->prec;
    o.indent = (int)(column - 1);
    o.unicode = sp->unicode;
    print_p(out, sp->a[0], &o);
    return true;
}

static bool s_out(StrBuf *out, const Spec *sp)
{
    StrBuf s = STRBUF_INIT;
    Term a = sp->a[0];
    long n = term_is_atom(a) ? put_atom_chars(&s, a, !sp->unicode) : put_chardata(&s, a, sp->unicode);
    bool ok = n >= 0 && string_out(out, s.data ? s.data : "", s.len, sp);
    sb_free(&s);
    return ok;
}

static bool control(StrBuf *out, const Spec *sp, long col)
{
    switch (sp->cc) {
    case 'w': case 'W': return w_out(out, sp);
    case 'p': case 'P': return p_out(out, sp, col);
    case 's': return s_out(out, sp);
    case 'e': case 'f': case 'g': return float_out(out, sp);
    case 'b': case 'B': case 'x': case 'X': case '+': case '#': return integer_out(out, sp);
    case 'c': return c_out(out, sp);
    case '~': return char_out(out, make_small('~'), sp);
    case 'n':
        if (sp->width < 0) {
            sb_putc(out, '\n');
            return true;
        }
        return !sp->left && put_rep(out, make_small('\n'), sp->width);
    case 'i': return true;
    default: return false;
    }
}

/* ---- the format ------------------------------------------------------------------------ */

typedef struct Cps {
    uint32_t *c;
    size_t n, cap;
} Cps;

static void cps_push(Cps *v, uint32_t c)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? 2 * v->cap : 64;
        v->c = realloc(v->c, v->cap * sizeof *v->c);
        if (!v->c) abort();
    }
    v->c[v->n++] = c;
}

/* io_lib_format:scan/2's view of the format: a flat list of characters, a binary's bytes, or
 * an atom's characters. */
static bool format_chars(Term format, Cps *v)
{
    if (term_is_atom(format)) {
        size_t len;
        const char *s = atom_name(format, &len), *end = s + len;
        while (s < end) cps_push(v, fmt_next_char(&s, end));
        return true;
    }
    BinView bv;
    if (term_is_binary_any(format)) {
        if (!binary_view(format, &bv)) return false;
        for (Uint i = 0; i < bv.bit_size / 8; i++) cps_push(v, view_byte(&bv, i));
        return true;
    }
    Term t = format;
    for (; term_is_list(t); t = list_tail(t)) {
        Sint c;
        if (!small_in(list_head(t), 0, MAX_CP, &c)) return false;
        cps_push(v, (uint32_t)c);
    }
    return t == NIL;
}

/* build_limited/5's column: characters since the last newline, tabs to multiples of 8. */
static long column_after(long col, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n') col = 0;
        else if (c == '\t') col = (col + 8) / 8 * 8;
        else if ((c & 0xC0) != 0x80) col++;
    }
    return col;
}

bool fmt_format(StrBuf *out, Term format, Term args)
{
    Cps f = {NULL, 0, 0};
    size_t start = out->len;
    bool ok = format_chars(format, &f);
    Scan s = {f.c, f.n, 0, args};
    long col = 0;
    size_t col_mark = start;
    while (ok && s.i < s.n) {
        uint32_t c = s.f[s.i++];
        if (c != '~') {
            fmt_put_char(out, c);
            continue;
        }
        Spec sp;
        if (!collect_cseq(&s, &sp)) {
            ok = false;
            break;
        }
        if (sp.cc == 'p' || sp.cc == 'P') {
            if (out->len > col_mark) col = column_after(col, out->data + col_mark, out->len - col_mark);
            col_mark = out->len;
        }
        ok = control(out, &sp, col);
    }
    if (ok && s.args != NIL) ok = false; /* arguments left over, or an improper list */
    if (!ok) sb_truncate(out, start);
    free(f.c);
    return ok;
}
