/*
 * print.c — io_lib:write (~w), io_lib_pretty (~p), float_to_list(F, [short]), atom quoting.
 *
 * Each function below names the OTP 25 function it ports (stdlib io_lib.erl, io_lib_pretty.erl,
 * erts erl_printf_term.c, erts/emulator/ryu/to_chars.h) and keeps its clause order: the output
 * must be the same byte for byte, quirks included (write_map at depth 1 is "#{}", a map's
 * ",..." at the depth limit even when no pair is left, list elements losing one depth level
 * each, the column arithmetic of io_lib_pretty). See print.h for the text encoding.
 */
#include "print.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atom.h"
#include "bignum.h"
#include "bin.h"
#include "map.h"

/* ---- characters ------------------------------------------------------------------------- */

static void put_spaces(StrBuf *sb, long n)
{
    for (long i = 0; i < n; i++) sb_putc(sb, ' ');
}

/* Characters (code points) in UTF-8 text: io_lib:chars_length of what we printed. */
static long count_chars(const char *s, size_t n)
{
    long c = 0;
    for (size_t i = 0; i < n; i++) c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c;
}

/* One UTF-8 character as Erlang's <<C/utf8>> accepts it (no overlongs, no surrogates, at most
 * U+10FFFF). Returns its length, 0 when the bytes are not one. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *out)
{
    if (n == 0) return 0;
    unsigned c = s[0];
    size_t len;
    uint32_t cp, min;
    if (c < 0x80) {
        *out = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    *out = cp;
    return len;
}

/* An atom's characters. Names are UTF-8; a byte that does not decode stands for itself. */
static size_t atom_chars(Term atom, uint32_t *cps)
{
    size_t len, n = 0;
    const unsigned char *s = (const unsigned char *)atom_name(atom, &len);
    for (size_t i = 0; i < len;) {
        size_t k = utf8_decode(s + i, len - i, &cps[n]);
        if (k == 0) cps[n] = s[i], k = 1;
        i += k;
        n++;
    }
    return n;
}

/* ---- io_lib:write_string and friends ---------------------------------------------------- */

typedef enum { ENC_LATIN1, ENC_UNI_AS_UNI, ENC_UNI_AS_LATIN1 } CharEnc;

/* io_lib:string_char/4, clause by clause. */
static void put_string_char(StrBuf *sb, CharEnc enc, uint32_t c, uint32_t q)
{
    if (c == q) {
        sb_putc(sb, '\\');
        sb_put_utf8(sb, c);
    } else if (c == '\\') {
        sb_puts(sb, "\\\\");
    } else if (c >= ' ' && c <= '~') {
        sb_putc(sb, (char)c);
    } else if ((enc == ENC_LATIN1 || enc == ENC_UNI_AS_LATIN1) && c >= 160 && c <= 255) {
        sb_put_utf8(sb, c);
    } else if (enc == ENC_UNI_AS_UNI && c >= 160) {
        sb_put_utf8(sb, c);
    } else if (enc == ENC_UNI_AS_LATIN1 && c >= 255) {
        sb_printf(sb, "\\x{%X}", (unsigned)c);
    } else {
        switch (c) {
        case '\n': sb_puts(sb, "\\n"); break;
        case '\r': sb_puts(sb, "\\r"); break;
        case '\t': sb_puts(sb, "\\t"); break;
        case '\v': sb_puts(sb, "\\v"); break;
        case '\b': sb_puts(sb, "\\b"); break;
        case '\f': sb_puts(sb, "\\f"); break;
        case 27: sb_puts(sb, "\\e"); break;
        case 127: sb_puts(sb, "\\d"); break;
        default: sb_printf(sb, "\\%c%c%c", '0' + (c >> 6), '0' + (c >> 3 & 7), '0' + (c & 7));
        }
    }
}

static void put_quoted(StrBuf *sb, CharEnc enc, const uint32_t *cs, size_t n, uint32_t q)
{
    sb_put_utf8(sb, q);
    for (size_t i = 0; i < n; i++) put_string_char(sb, enc, cs[i], q);
    sb_put_utf8(sb, q);
}

/* ---- atoms: io_lib:write_atom / write_atom_as_latin1 ------------------------------------ */

/* erl_scan:reserved_word/1 in OTP 25 (maybe and else only with the maybe_expr feature). */
static bool reserved_word(const char *s, size_t n)
{
    static const char *const words[] = {
        "after", "and", "andalso", "band", "begin", "bnot", "bor", "bsl", "bsr", "bxor",
        "case", "catch", "cond", "div", "end", "fun", "if", "let", "not", "of", "or",
        "orelse", "receive", "rem", "try", "when", "xor",
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0) return true;
    return false;
}

/* Latin-1 lowercase letters (ß..ÿ but ÷), then name characters: io_lib:name_char/1. */
static bool lower_char(uint32_t c) { return (c >= 'a' && c <= 'z') || (c >= 223 && c <= 255 && c != 247); }
static bool name_char(uint32_t c)
{
    return lower_char(c) || (c >= 'A' && c <= 'Z') || (c >= 192 && c <= 222 && c != 215) ||
           (c >= '0' && c <= '9') || c == '_' || c == '@';
}

/* io_lib:quote_atom/2. */
static bool atom_needs_quotes(Term atom, const uint32_t *cs, size_t n)
{
    size_t len;
    const char *name = atom_name(atom, &len);
    if (reserved_word(name, len)) return true;
    if (n == 0 || !lower_char(cs[0])) return true;
    for (size_t i = 1; i < n; i++)
        if (!name_char(cs[i])) return true;
    return false;
}

static void write_atom_enc(StrBuf *sb, Term atom, bool unicode)
{
    uint32_t cs[ATOM_MAX_CHARS * 4 + 1];
    size_t n = atom_chars(atom, cs);
    if (atom_needs_quotes(atom, cs, n)) {
        put_quoted(sb, unicode ? ENC_UNI_AS_UNI : ENC_UNI_AS_LATIN1, cs, n, '\'');
    } else {
        for (size_t i = 0; i < n; i++) sb_put_utf8(sb, cs[i]);
    }
}

void print_atom(StrBuf *sb, Term atom) { write_atom_enc(sb, atom, false); }

/*
 * erl_printf_term.c print_atom_name, as fun_to_list/1 uses it for fun M:F/A: quoting decided
 * on Latin-1 letters, digits and '_' (no '@', no reserved words), and the name's bytes come out
 * as characters one by one (see print.h).
 */
static int printf_latin1_char(const unsigned char *s, size_t i, size_t n)
{
    unsigned c1 = s[i], c2 = i + 1 < n ? s[i + 1] : 0;
    if ((c1 & 0x80) == 0) return (int)c1;
    if ((c1 & 0xE0) == 0xC0) return (int)((c1 & 0x1F) << 6 | (c2 & 0x3F));
    if ((c1 & 0xC0) == 0x80) return 'a'; /* a continuation byte passes as a letter */
    return 0;
}

static bool printf_lower(int c) { return (c >= 'a' && c <= 'z') || (c >= 223 && c <= 255 && c != 247); }
static bool printf_alnum(int c)
{
    return printf_lower(c) || (c >= 'A' && c <= 'Z') || (c >= 192 && c <= 222 && c != 215) ||
           (c >= '0' && c <= '9');
}

static void printf_atom_name(StrBuf *sb, Term atom)
{
    size_t n;
    const unsigned char *s = (const unsigned char *)atom_name(atom, &n);
    if (n == 0) {
        sb_puts(sb, "''");
        return;
    }
    bool quote = !printf_lower(printf_latin1_char(s, 0, n));
    for (size_t i = 1; !quote && i < n; i++) {
        int lc = printf_latin1_char(s, i, n);
        if (!printf_alnum(lc) && lc != '_') quote = true;
    }
    if (quote) sb_putc(sb, '\'');
    for (size_t i = 0; i < n; i++) {
        unsigned c = s[i];
        switch (c) {
        case '\'': sb_puts(sb, "\\'"); break;
        case '\\': sb_puts(sb, "\\\\"); break;
        case '\n': sb_puts(sb, "\\n"); break;
        case '\f': sb_puts(sb, "\\f"); break;
        case '\t': sb_puts(sb, "\\t"); break;
        case '\r': sb_puts(sb, "\\r"); break;
        case '\b': sb_puts(sb, "\\b"); break;
        case '\v': sb_puts(sb, "\\v"); break;
        default:
            if (c < ' ') {
                sb_printf(sb, "\\%03o", c);
            } else if (c == 0xC2 && i + 1 < n && s[i + 1] < 0xA0) {
                sb_printf(sb, "\\%03o", s[i + 1]); /* U+0080..U+009F */
                i++;
            } else {
                sb_put_utf8(sb, c); /* ASCII, or one byte of a UTF-8 sequence as its own character */
            }
        }
    }
    if (quote) sb_putc(sb, '\'');
}

/* ---- floats: float_to_list(F, [short]) -------------------------------------------------- */

/*
 * The shortest digits that read back as v (> 0), and the decimal exponent of the first digit:
 * v ~ d1.d2d3... x 10^exp. Where several shortest candidates exist, the nearest to v, as Ryu
 * picks. "%.*e" gives the nearest decimal of each length; at a power of two the interval
 * around v is lopsided, so a neighbour of the nearest one may read back when it does not.
 */
static int shortest_digits(double v, char *digits, int *exp10)
{
    for (int p = 1; p <= 17; p++) {
        char buf[48];
        snprintf(buf, sizeof buf, "%.*e", p - 1, v);
        char *e = strchr(buf, 'e');
        int ex = atoi(e + 1);
        unsigned long long m = 0;
        for (char *c = buf; c < e; c++)
            if (*c >= '0' && *c <= '9') m = m * 10 + (unsigned)(*c - '0');
        unsigned long long cand[3] = {m, m + 1, m - 1};
        for (int k = 0; k < 3; k++) {
            if (cand[k] == 0) continue;
            char t[48];
            snprintf(t, sizeof t, "%llue%d", cand[k], ex - (p - 1));
            if (strtod(t, NULL) != v) continue;
            /* digits of cand[k]; a carry (999 + 1) adds one digit and one to the exponent */
            int n = snprintf(digits, 24, "%llu", cand[k]);
            int e10 = ex - (p - 1) + n - 1;
            while (n > 1 && digits[n - 1] == '0') n--;
            digits[n] = '\0';
            *exp10 = e10;
            return n;
        }
    }
    abort(); /* 17 significant digits always read back */
}

/* The format choice of OTP's to_chars (erts/emulator/ryu/to_chars.h). */
void print_float_short(StrBuf *sb, double d)
{
    if (d == 0.0) {
        sb_puts(sb, signbit(d) ? "-0.0" : "0.0");
        return;
    }
    if (d < 0) sb_putc(sb, '-');
    char dg[24];
    int sci;
    int olen = shortest_digits(d < 0 ? -d : d, dg, &sci);
    int ryu_exp = sci - (olen - 1); /* value = digits x 10^ryu_exp */
    int lower, upper;
    if (olen == 1) {
        lower = -4, upper = 2;
    } else if (sci >= 10) {
        lower = -(olen + 2), upper = 2;
    } else {
        lower = -(olen + 2), upper = 1;
    }
    bool fixed = lower <= ryu_exp && ryu_exp <= upper;
    if (fixed) {
        /* 2^53 and above always print in scientific form */
        unsigned long long out = strtoull(dg, NULL, 10);
        if ((out >= (1ull << 53) && ryu_exp == 0) || (out > (1ull << 52) / 5 && ryu_exp == 1) ||
            (out > (1ull << 51) / 25 && ryu_exp == 2))
            fixed = false;
    }
    if (fixed) {
        int whole = olen + ryu_exp;
        if (ryu_exp >= 0) {
            sb_puts(sb, dg);
            for (int i = 0; i < ryu_exp; i++) sb_putc(sb, '0');
            sb_puts(sb, ".0");
        } else if (whole > 0) {
            sb_putn(sb, dg, (size_t)whole);
            sb_putc(sb, '.');
            sb_puts(sb, dg + whole);
        } else {
            sb_puts(sb, "0.");
            for (int i = 0; i < -whole; i++) sb_putc(sb, '0');
            sb_puts(sb, dg);
        }
        return;
    }
    sb_putc(sb, dg[0]);
    sb_putc(sb, '.');
    sb_puts(sb, olen > 1 ? dg + 1 : "0");
    sb_printf(sb, "e%d", sci);
}

/* ---- leaves: numbers, pids, ports, refs, funs ------------------------------------------- */

static void write_integer(StrBuf *sb, Term t)
{
    if (term_is_small(t)) {
        sb_printf(sb, "%lld", (long long)small_val(t));
        return;
    }
    size_t n = int_to_string(t, 10, NULL, 0);
    char *buf = malloc(n + 1);
    if (!buf) abort();
    int_to_string(t, 10, buf, n);
    sb_putn(sb, buf, n);
    free(buf);
}

/* erlang:ref_to_list: #Ref<0.N2.N1.N0>, the ref's 32-bit numbers most significant first. For
 * an ordinary ref they are its stored number (low, high word) and the word after it; a magic
 * ref (ETS tid) shows the address it holds, its identity. */
static void write_ref(StrBuf *sb, Term t)
{
    const Term *p = boxed_ptr(t);
    uint32_t n0 = (uint32_t)p[1], n1 = (uint32_t)(p[1] >> 32);
    uint32_t n2 = hdr_extra(p[0]) == REF_MAGIC ? 0 : (uint32_t)p[2];
    sb_printf(sb, "#Ref<0.%u.%u.%u>", n2, n1, n0);
}

/* erlang:fun_to_list/1 (erl_printf_term.c). */
static void write_fun(StrBuf *sb, Term t)
{
    FunEntry *fe = fun_entry(t);
    if (fe->is_export) {
        sb_puts(sb, "fun ");
        printf_atom_name(sb, fe->module);
        sb_putc(sb, ':');
        printf_atom_name(sb, fe->name);
        sb_printf(sb, "/%u", fe->arity);
        return;
    }
    size_t n;
    const unsigned char *m = (const unsigned char *)atom_name(fe->module, &n);
    sb_puts(sb, "#Fun<");
    for (size_t i = 0; i < n; i++) sb_put_utf8(sb, m[i]); /* raw bytes, unquoted */
    sb_printf(sb, ".%d.%d>", (int)fe->index, (int)fe->uniq);
}

/* The bytes of a bitstring, byte aligned (a copy when it starts mid-byte; *owned to free). */
static const unsigned char *bits_bytes(Term t, BinView *v, unsigned char **owned)
{
    bin_view(t, v);
    *owned = NULL;
    if (v->bit_offset % 8 == 0) return v->base + v->bit_offset / 8;
    *owned = malloc(v->bit_size / 8 + 1);
    if (!*owned) abort();
    bin_copy_bits(v->base, v->bit_offset, *owned, 0, v->bit_size);
    return *owned;
}

/* io_lib:write_binary/3 with no chars limit: <<B1,B2,...>>, "..." when the depth runs out,
 * the last partial byte as Value:Bits. */
static void write_binary(StrBuf *sb, Term t, int depth)
{
    BinView v;
    unsigned char *owned;
    const unsigned char *b = bits_bytes(t, &v, &owned);
    Uint bytes = v.bit_size / 8;
    unsigned tail = (unsigned)(v.bit_size % 8);
    sb_puts(sb, "<<");
    int d = depth;
    for (Uint i = 0; i < bytes || tail; i++) {
        if (i > 0) sb_putc(sb, ',');
        if (d == 1) {
            sb_puts(sb, "...");
            break;
        }
        if (i == bytes) {
            sb_printf(sb, "%u:%u", (unsigned)b[i] >> (8 - tail), tail);
            break;
        }
        sb_printf(sb, "%u", b[i]);
        d--;
        if (i + 1 == bytes && !tail) break;
    }
    sb_puts(sb, ">>");
    free(owned);
}

/* Terms that io_lib:write prints without looking inside: numbers, atoms, pids, ports, refs,
 * funs. Returns false for the others. */
static bool write_leaf(StrBuf *sb, Term t, bool unicode)
{
    if (term_is_integer(t)) write_integer(sb, t);
    else if (term_is_float(t)) print_float_short(sb, float_val(t));
    else if (term_is_atom(t)) write_atom_enc(sb, t, unicode);
    else if (term_is_port(t)) sb_printf(sb, "#Port<0.%llu>", (unsigned long long)port_number(t));
    else if (term_is_pid(t)) sb_printf(sb, "<0.%llu.0>", (unsigned long long)pid_number(t));
    else if (term_is_ref(t)) write_ref(sb, t);
    else if (term_is_fun(t)) write_fun(sb, t);
    else return false;
    return true;
}

/* ---- ~w: io_lib:write1/3 with an explicit stack ----------------------------------------- */

typedef struct MapPairs {
    Term *kv; /* k0, v0, k1, v1, ... in maps:iterator order */
    Uint n, cap;
} MapPairs;

static bool collect_pair(Term k, Term v, void *arg)
{
    MapPairs *mp = arg;
    if (mp->n == mp->cap) {
        mp->cap = mp->cap ? 2 * mp->cap : 8;
        mp->kv = realloc(mp->kv, 2 * mp->cap * sizeof *mp->kv);
        if (!mp->kv) abort();
    }
    mp->kv[2 * mp->n] = k;
    mp->kv[2 * mp->n + 1] = v;
    mp->n++;
    return true;
}

/*
 * A map's pairs in maps:iterator order, the order io_lib walks them. For a flatmap that is
 * maps:to_list order (keys sorted); for a hashmap it is the reverse: maps:to_list accumulates
 * erts_internal:map_next's pairs by prepending, while the iterator hands them out as they come.
 */
static MapPairs map_pairs(Term m)
{
    MapPairs mp = {NULL, 0, 0};
    map_foreach(m, collect_pair, &mp);
    if (map_hdr_type(boxed_header(m)) != MAP_FLAT) {
        for (Uint i = 0, j = mp.n ? mp.n - 1 : 0; i < j; i++, j--) {
            Term k = mp.kv[2 * i], v = mp.kv[2 * i + 1];
            mp.kv[2 * i] = mp.kv[2 * j];
            mp.kv[2 * i + 1] = mp.kv[2 * j + 1];
            mp.kv[2 * j] = k;
            mp.kv[2 * j + 1] = v;
        }
    }
    return mp;
}

/* What is left to write: a term, the rest of a list or tuple or map, or a literal string. */
typedef enum { W_TERM, W_TAIL, W_TUPLE, W_MAP_BODY, W_TEXT } WKind;
typedef struct WItem {
    WKind kind;
    int depth, depth0;
    Term t;
    Uint i;
    MapPairs pairs;     /* W_MAP_BODY: owned, freed when the body is done */
    const char *text;   /* W_TEXT */
} WItem;

typedef struct WStackP {
    WItem *items;
    size_t len, cap;
} WStackP;

static void wpush(WStackP *s, WItem it)
{
    if (s->len == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 32;
        s->items = realloc(s->items, s->cap * sizeof *s->items);
        if (!s->items) abort();
    }
    s->items[s->len++] = it;
}

static void wpush_term(WStackP *s, Term t, int d) { wpush(s, (WItem){.kind = W_TERM, .t = t, .depth = d}); }
static void wpush_text(WStackP *s, const char *text) { wpush(s, (WItem){.kind = W_TEXT, .text = text}); }

static void write_pair_items(WStackP *s, const MapPairs *mp, Uint i, int d0)
{
    wpush_term(s, mp->kv[2 * i + 1], d0);
    wpush_text(s, " => ");
    wpush_term(s, mp->kv[2 * i], d0);
}

static void write_term_step(StrBuf *sb, WStackP *s, Term t, int d, bool unicode)
{
    if (d == 0) {
        sb_puts(sb, "...");
    } else if (write_leaf(sb, t, unicode)) {
        /* done */
    } else if (term_is_binary_any(t)) {
        write_binary(sb, t, d);
    } else if (term_is_nil(t)) {
        sb_puts(sb, "[]");
    } else if (term_is_tuple(t) && tuple_arity(t) == 0) {
        sb_puts(sb, "{}");
    } else if (term_is_list(t)) {
        if (d == 1) {
            sb_puts(sb, "[...]");
            return;
        }
        sb_putc(sb, '[');
        wpush_text(s, "]");
        wpush(s, (WItem){.kind = W_TAIL, .t = list_tail(t), .depth = d - 1});
        wpush_term(s, list_head(t), d - 1);
    } else if (term_is_map(t)) {
        if (d == 1) {
            sb_puts(sb, "#{}");
            return;
        }
        MapPairs mp = map_pairs(t);
        if (mp.n == 0) {
            sb_puts(sb, "#{}");
            free(mp.kv);
            return;
        }
        sb_puts(sb, "#{");
        wpush_text(s, "}");
        wpush(s, (WItem){.kind = W_MAP_BODY, .pairs = mp, .i = 1, .depth = d - 1, .depth0 = d - 1});
        write_pair_items(s, &mp, 0, d - 1);
    } else if (term_is_tuple(t)) {
        if (d == 1) {
            sb_puts(sb, "{...}");
            return;
        }
        sb_putc(sb, '{');
        wpush_text(s, "}");
        wpush(s, (WItem){.kind = W_TUPLE, .t = t, .i = 2, .depth = d - 1});
        wpush_term(s, tuple_elem(t, 1), d - 1);
    } else {
        abort(); /* not a term */
    }
}

static void write_item(StrBuf *sb, WStackP *s, WItem it, bool unicode)
{
    switch (it.kind) {
    case W_TEXT: sb_puts(sb, it.text); break;
    case W_TERM: write_term_step(sb, s, it.t, it.depth, unicode); break;
    case W_TAIL: /* io_lib:write_tail/3 */
        if (term_is_nil(it.t)) break;
        if (it.depth == 1) {
            sb_puts(sb, "|...");
        } else if (term_is_list(it.t)) {
            sb_putc(sb, ',');
            wpush(s, (WItem){.kind = W_TAIL, .t = list_tail(it.t), .depth = it.depth - 1});
            wpush_term(s, list_head(it.t), it.depth - 1);
        } else {
            sb_putc(sb, '|');
            wpush_term(s, it.t, it.depth - 1);
        }
        break;
    case W_TUPLE: /* io_lib:write_tuple/4 */
        if (it.i > tuple_arity(it.t)) break;
        if (it.depth == 1) {
            sb_puts(sb, ",...");
            break;
        }
        sb_putc(sb, ',');
        wpush(s, (WItem){.kind = W_TUPLE, .t = it.t, .i = it.i + 1, .depth = it.depth - 1});
        wpush_term(s, tuple_elem(it.t, it.i), it.depth - 1);
        break;
    case W_MAP_BODY: /* io_lib:write_map_body/4: the depth check comes before the end check */
        if (it.depth == 1 || it.i == it.pairs.n) {
            if (it.depth == 1) sb_puts(sb, ",...");
            free(it.pairs.kv);
            break;
        }
        sb_putc(sb, ',');
        {
            WItem next = it;
            next.i++;
            next.depth--;
            wpush(s, next);
            write_pair_items(s, &it.pairs, it.i, it.depth0);
        }
        break;
    }
}

static void write_term(StrBuf *sb, Term t, int depth, bool unicode)
{
    WStackP s = {NULL, 0, 0};
    write_term_step(sb, &s, t, depth, unicode);
    while (s.len) {
        WItem it = s.items[--s.len];
        write_item(sb, &s, it, unicode);
    }
    free(s.items);
}

void print_w(StrBuf *sb, Term t, int depth) { write_term(sb, t, depth, false); }

/* ---- ~p: io_lib_pretty ------------------------------------------------------------------ */

/*
 * The intermediate form of io_lib_pretty:print_length/6, one node per {S, Len, Dots, More}:
 * PN_STR a flat string, PN_BIN {bin, S}, PN_LIST {list, L}, PN_TUPLE {tuple, IsTagged, L},
 * PN_MAP {map, Pairs}, PN_PAIR {map_pair, K, V}. L is elems[0..n) then its tail: [] (TAIL_NIL),
 * {dots, ...} (TAIL_DOTS) or an improper tail element (TAIL_ELEM, in elems[n]). Text lives in
 * the context's buffer; len counts characters.
 */
enum { PN_STR, PN_BIN, PN_LIST, PN_TUPLE, PN_MAP, PN_PAIR };
enum { TAIL_NIL, TAIL_DOTS, TAIL_ELEM };

typedef struct PNode {
    unsigned char kind, tail;
    bool tagged;
    long len;
    size_t off, nbytes;
    struct PNode **elems;
    size_t n;
} PNode;

typedef struct ArenaBlock {
    struct ArenaBlock *next;
    size_t used, cap;
    max_align_t data[];
} ArenaBlock;

typedef struct PCtx {
    StrBuf text;
    ArenaBlock *blocks;
    bool unicode, printable_unicode;
    bool strings; /* false for ~lp: no string detection at all */
} PCtx;

static void *palloc(PCtx *c, size_t n)
{
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    if (!c->blocks || c->blocks->cap - c->blocks->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        ArenaBlock *b = malloc(sizeof *b + cap);
        if (!b) abort();
        b->next = c->blocks;
        b->used = 0;
        b->cap = cap;
        c->blocks = b;
    }
    void *p = (char *)c->blocks->data + c->blocks->used;
    c->blocks->used += n;
    return p;
}

static PNode *new_node(PCtx *c, int kind)
{
    PNode *n = palloc(c, sizeof *n);
    memset(n, 0, sizeof *n);
    n->kind = (unsigned char)kind;
    return n;
}

static const char *node_text(const PCtx *c, const PNode *n) { return c->text.data + n->off; }

/* A string node from what `fill` appends to the text buffer. */
static PNode *str_begin(PCtx *c, int kind)
{
    PNode *n = new_node(c, kind);
    n->off = c->text.len;
    return n;
}

static PNode *str_end(PCtx *c, PNode *n)
{
    n->nbytes = c->text.len - n->off;
    n->len = count_chars(c->text.data + n->off, n->nbytes);
    return n;
}

static PNode *str_node(PCtx *c, const char *s)
{
    PNode *n = str_begin(c, PN_STR);
    sb_puts(&c->text, s);
    return str_end(c, n);
}

/* A growable array of node pointers, copied into the arena when complete. */
typedef struct NodeVec {
    PNode **v;
    size_t n, cap;
} NodeVec;

static void nv_push(NodeVec *nv, PNode *p)
{
    if (nv->n == nv->cap) {
        nv->cap = nv->cap ? 2 * nv->cap : 8;
        nv->v = realloc(nv->v, nv->cap * sizeof *nv->v);
        if (!nv->v) abort();
    }
    nv->v[nv->n++] = p;
}

/* io_lib_pretty:list_length/3 over elems then the tail. */
static void seq_finish(PCtx *c, PNode *node, NodeVec *nv, int tail, long acc0)
{
    node->n = tail == TAIL_ELEM ? nv->n - 1 : nv->n;
    node->tail = (unsigned char)tail;
    node->elems = palloc(c, (nv->n ? nv->n : 1) * sizeof *node->elems);
    if (nv->n) memcpy(node->elems, nv->v, nv->n * sizeof *node->elems);
    long acc = acc0;
    for (size_t i = 0; i < node->n; i++) acc += (i ? 1 : 0) + node->elems[i]->len;
    if (tail == TAIL_DOTS) acc += (node->n ? 1 : 0) + 3;
    if (tail == TAIL_ELEM) acc += (node->n ? 1 : 0) + node->elems[node->n]->len;
    node->len = acc;
    free(nv->v);
}

/* io_lib:printable_latin1_list/1 and printable_unicode_list/1 */
static bool printable_char(uint32_t ch, bool unicode_range)
{
    if (ch == '\n' || ch == '\r' || ch == '\t' || ch == '\v' || ch == '\b' || ch == '\f' || ch == 27)
        return true;
    if (ch >= ' ' && ch <= '~') return true;
    if (!unicode_range) return ch >= 160 && ch <= 255;
    return (ch >= 160 && ch < 0xD800) || (ch > 0xDFFF && ch < 0xFFFE) || (ch > 0xFFFF && ch <= 0x10FFFF);
}

static bool printable_list(Term l, bool unicode_range)
{
    for (; term_is_list(l); l = list_tail(l)) {
        Term h = list_head(l);
        if (!term_is_small(h) || small_val(h) < 0 || !printable_char((uint32_t)small_val(h), unicode_range))
            return false;
    }
    return term_is_nil(l);
}

static PNode *print_length(PCtx *c, Term t, int d);

static PNode *print_length_list(PCtx *c, Term l, int d)
{
    PNode *node = new_node(c, PN_LIST);
    NodeVec nv = {NULL, 0, 0};
    int tail = TAIL_NIL;
    for (;;) {
        if (term_is_nil(l)) break;
        if (d == 1) {
            tail = TAIL_DOTS;
            break;
        }
        if (!term_is_list(l)) {
            nv_push(&nv, print_length(c, l, d - 1));
            tail = TAIL_ELEM;
            break;
        }
        nv_push(&nv, print_length(c, list_head(l), d - 1));
        l = list_tail(l);
        d--;
    }
    seq_finish(c, node, &nv, tail, 2);
    return node;
}

static PNode *print_length_tuple(PCtx *c, Term t, int d)
{
    PNode *node = new_node(c, PN_TUPLE);
    NodeVec nv = {NULL, 0, 0};
    int tail = TAIL_NIL;
    Uint arity = tuple_arity(t);
    for (Uint i = 1; i <= arity; i++, d--) {
        if (d == 1) {
            tail = TAIL_DOTS;
            break;
        }
        nv_push(&nv, print_length(c, tuple_elem(t, i), d - 1));
    }
    node->tagged = term_is_atom(tuple_elem(t, 1)) && arity > 1;
    seq_finish(c, node, &nv, tail, 2);
    return node;
}

static PNode *print_length_map(PCtx *c, Term m, int d)
{
    PNode *node = new_node(c, PN_MAP);
    NodeVec nv = {NULL, 0, 0};
    int tail = TAIL_NIL;
    MapPairs mp = map_pairs(m);
    int d0 = d - 1;
    for (Uint i = 0; i < mp.n; i++, d--) {
        if (d == 1) {
            tail = TAIL_DOTS;
            break;
        }
        PNode *pair = new_node(c, PN_PAIR);
        pair->elems = palloc(c, 2 * sizeof *pair->elems);
        pair->n = 2;
        pair->elems[0] = print_length(c, mp.kv[2 * i], d0);
        pair->elems[1] = print_length(c, mp.kv[2 * i + 1], d0);
        pair->len = pair->elems[0]->len + 4 + pair->elems[1]->len;
        nv_push(&nv, pair);
    }
    free(mp.kv);
    seq_finish(c, node, &nv, tail, 3);
    return node;
}

/* io_lib_pretty:printable_latin1_list/2: "all" (-1) or the count left at the first
 * character that is not printable. */
static long printable_latin1_bytes(const unsigned char *b, long n)
{
    for (long i = 0; i < n; i++)
        if (!printable_char(b[i], false)) return n - i;
    return -1;
}

/* Result of io_lib_pretty:printable_bin0/4: false, or a string with flags. */
typedef struct BinStr {
    bool ok;
    bool plain;   /* {true, ...}: no /utf8 suffix */
    bool prefix;  /* {_, true, Prefix}: depth-limited, "..." follows */
    uint32_t *cs; /* the characters; malloc'd */
    size_t n;
} BinStr;

/* The first n bytes as characters; prefix when more follow ("..."). */
static BinStr bin_chars(const unsigned char *b, long n, bool prefix)
{
    BinStr r = {true, true, prefix, malloc((size_t)(n ? n : 1) * sizeof(uint32_t)), (size_t)n};
    if (!r.cs) abort();
    for (long i = 0; i < n; i++) r.cs[i] = b[i];
    return r;
}

static BinStr printable_bin_latin1(const unsigned char *b, long size, long len, int d)
{
    BinStr no = {false, false, false, NULL, 0};
    long n = len < 20 ? len : 20;
    long nc = printable_latin1_bytes(b, n);
    if (nc < 0) {
        if (n == size) return bin_chars(b, n, false);
        if (n == len) return bin_chars(b, n, true);
        /* printable_bin1/3 over the rest, in chunks of 10000 as OTP (same result) */
        long rest = printable_latin1_bytes(b + n, len - n);
        long left = rest < 0 ? 0 : rest;
        if (left == 0 && size == len) return bin_chars(b, size, false);
        if (d > 0 && len - left >= d) return bin_chars(b, len - left, true);
        return no;
    }
    if (d > 0 && n - nc >= d) return bin_chars(b, n - nc, true);
    return no;
}

static BinStr printable_bin(PCtx *c, const unsigned char *b, long size, long len, int d)
{
    BinStr no = {false, false, false, NULL, 0};
    if (len == 0) return no;
    if (!c->unicode) return printable_bin_latin1(b, size, len, d);
    /* valid_utf8/2: the first len characters (not bytes) decode */
    size_t off = 0;
    bool valid = true;
    for (long i = 0; i < len && off < (size_t)size; i++) {
        uint32_t cp;
        size_t k = utf8_decode(b + off, (size_t)size - off, &cp);
        if (!k) {
            valid = false;
            break;
        }
        off += k;
    }
    if (!valid) return printable_bin_latin1(b, size, len, d);
    /* printable_unicode/4 */
    BinStr r = {true, true, false, malloc((size_t)len * sizeof(uint32_t)), 0};
    if (!r.cs) abort();
    long left = len;
    off = 0;
    while (left > 0 && off < (size_t)size) {
        uint32_t cp;
        size_t k = utf8_decode(b + off, (size_t)size - off, &cp);
        if (!k || !printable_char(cp, c->printable_unicode)) break;
        r.cs[r.n++] = cp;
        off += k;
        left--;
    }
    if (off == (size_t)size) {
        r.plain = (size_t)size == r.n;
        return r;
    }
    if (d > 0 && len - left >= d) {
        r.plain = off == r.n;
        r.prefix = true;
        return r;
    }
    free(r.cs);
    return no;
}

static PNode *print_length_bits(PCtx *c, Term t, int d)
{
    BinView v;
    unsigned char *owned;
    const unsigned char *b = bits_bytes(t, &v, &owned);
    int d1 = d - 1;
    BinStr s = {false, false, false, NULL, 0};
    if (v.bit_size % 8 == 0 && c->strings) {
        long size = (long)(v.bit_size / 8);
        long len = d1 >= 0 ? (4L * d1 < size ? 4L * d1 : size) : size;
        s = printable_bin(c, b, size, len, d1);
    }
    free(owned);
    if (!s.ok) {
        PNode *n = str_begin(c, PN_BIN);
        write_binary(&c->text, t, d);
        return str_end(c, n);
    }
    PNode *n = str_begin(c, PN_STR);
    sb_puts(&c->text, "<<");
    put_quoted(&c->text, ENC_UNI_AS_UNI, s.cs, s.n, '"');
    if (!s.plain) sb_puts(&c->text, "/utf8");
    if (s.prefix) sb_puts(&c->text, "...");
    sb_puts(&c->text, ">>");
    free(s.cs);
    return str_end(c, n);
}

/* io_lib_pretty:print_length/6 with no chars limit and no record definitions. */
static PNode *print_length(PCtx *c, Term t, int d)
{
    if (term_is_nil(t)) return str_node(c, "[]");
    if (term_is_tuple(t) && tuple_arity(t) == 0) return str_node(c, "{}");
    if (term_is_map(t) && map_size(t) == 0) return str_node(c, "#{}");
    if (term_is_atom(t)) {
        PNode *n = str_begin(c, PN_STR);
        write_atom_enc(&c->text, t, c->unicode);
        return str_end(c, n);
    }
    if (term_is_list(t)) {
        if (d != 1 && c->strings && printable_list(t, c->unicode && c->printable_unicode)) {
            PNode *n = str_begin(c, PN_STR);
            sb_putc(&c->text, '"');
            for (Term l = t; term_is_list(l); l = list_tail(l))
                put_string_char(&c->text, c->unicode ? ENC_UNI_AS_UNI : ENC_LATIN1,
                                (uint32_t)small_val(list_head(l)), '"');
            sb_putc(&c->text, '"');
            return str_end(c, n);
        }
        return print_length_list(c, t, d);
    }
    if (term_is_tuple(t)) return d == 1 ? str_node(c, "{...}") : print_length_tuple(c, t, d);
    if (term_is_map(t)) return d == 1 ? str_node(c, "#{...}") : print_length_map(c, t, d);
    if (term_is_binary_any(t)) {
        BinView v;
        bin_view(t, &v);
        if (v.bit_size == 0) return str_node(c, "<<>>");
        if (d == 1) return str_node(c, "<<...>>");
        return print_length_bits(c, t, d);
    }
    PNode *n = str_begin(c, PN_STR);
    write_leaf(&c->text, t, false); /* io_lib:write/1: Latin-1 */
    return str_end(c, n);
}

/* io_lib_pretty:write/1: the node on one line. */
static void write_node(const PCtx *c, StrBuf *sb, const PNode *n);

static void write_seq(const PCtx *c, StrBuf *sb, const PNode *n, char sep)
{
    if (n->n == 0 && n->tail == TAIL_DOTS) {
        sb_puts(sb, "...");
        return;
    }
    for (size_t i = 0; i < n->n; i++) {
        if (i) sb_putc(sb, ',');
        write_node(c, sb, n->elems[i]);
    }
    if (n->tail == TAIL_DOTS) {
        sb_putc(sb, sep);
        sb_puts(sb, "...");
    } else if (n->tail == TAIL_ELEM) {
        sb_putc(sb, sep);
        write_node(c, sb, n->elems[n->n]);
    }
}

static void write_node(const PCtx *c, StrBuf *sb, const PNode *n)
{
    switch (n->kind) {
    case PN_LIST:
        sb_putc(sb, '[');
        write_seq(c, sb, n, '|');
        sb_putc(sb, ']');
        break;
    case PN_TUPLE:
        sb_putc(sb, '{');
        write_seq(c, sb, n, ',');
        sb_putc(sb, '}');
        break;
    case PN_MAP:
        sb_puts(sb, "#{");
        write_seq(c, sb, n, ',');
        sb_putc(sb, '}');
        break;
    case PN_PAIR:
        write_node(c, sb, n->elems[0]);
        sb_puts(sb, " => ");
        write_node(c, sb, n->elems[1]);
        break;
    default: sb_putn(sb, node_text(c, n), n->nbytes);
    }
}

/* The layout state io_lib_pretty threads through pp/8 and cind/7. */
typedef struct Lay {
    const PCtx *c;
    StrBuf *sb;
    long ll, m;
} Lay;

static bool is_str(const PNode *n) { return n->kind == PN_STR; }
static bool pair_is_str(const PNode *p) { return is_str(p->elems[0]) && is_str(p->elems[1]); }
static bool fits(const Lay *L, const PNode *n, long col, long ld, long w)
{
    return n->len < L->ll - col - ld && n->len + w + ld <= L->m;
}
/* last_depth/2: 0 while elements follow, LD + 1 for the last one. */
static long last_depth(const PNode *seq, size_t i, long ld) { return i + 1 < seq->n ? 0 : ld + 1; }
static long map_value_indent(long tind) { return tind > 0 ? tind : 4; }

/* The test pp_tail / pp_pairs_tail / cind_tail use to keep an element on the current line. */
static bool tail_fits(const Lay *L, long elen, long col, long w, long ld1, bool str)
{
    if (!str) return false;
    if (ld1 == 0) return elen + 1 < L->ll - col && w + elen + 1 <= L->m;
    return elen < L->ll - col - ld1 && w + elen + ld1 <= L->m;
}

static void pp(const Lay *L, const PNode *n, long col, long tind, long ind, long ld, long w);

static void nl_indent(const Lay *L, long ind)
{
    sb_putc(L->sb, '\n');
    put_spaces(L->sb, ind);
}

/* pp_element/8: returns the width it used (its length, or Ll when broken). */
static long pp_element(const Lay *L, const PNode *e, long col, long tind, long ind, long ld, long w)
{
    if (fits(L, e, col, ld, w) && is_str(e)) {
        write_node(L->c, L->sb, e);
        return e->len;
    }
    pp(L, e, col, tind, ind, ld, w);
    return L->ll;
}

/* pp_tail/10 from element i on. */
static void pp_tail(const Lay *L, const PNode *s, size_t i, long col0, long col, long tind, long ind,
                    long ld, char sep, long w)
{
    for (; i < s->n; i++) {
        const PNode *e = s->elems[i];
        long ld1 = last_depth(s, i, ld), elen = 1 + e->len;
        if (tail_fits(L, elen, col, w, ld1, is_str(e))) {
            sb_putc(L->sb, ',');
            write_node(L->c, L->sb, e);
            col += elen;
            w += elen;
        } else {
            sb_putc(L->sb, ',');
            nl_indent(L, ind);
            long we = pp_element(L, e, col0, tind, ind, ld1, 0);
            col = col0 + we;
            w = we;
        }
    }
    if (s->tail == TAIL_DOTS) {
        sb_putc(L->sb, sep);
        sb_puts(L->sb, "...");
    } else if (s->tail == TAIL_ELEM) {
        const PNode *e = s->elems[s->n];
        sb_putc(L->sb, sep);
        if (e->len + 1 < L->ll - col - (ld + 1) && e->len + 1 + w + (ld + 1) <= L->m && is_str(e)) {
            write_node(L->c, L->sb, e);
        } else {
            nl_indent(L, ind);
            pp(L, e, col0, tind, ind, ld + 1, 0);
        }
    }
}

/* pp_list/9 from element i on. */
static void pp_list(const Lay *L, const PNode *s, size_t i, long col0, long tind, long ind, long ld,
                    char sep, long w)
{
    if (i == s->n) {
        sb_puts(L->sb, "..."); /* {dots, ...} */
        return;
    }
    long we = pp_element(L, s->elems[i], col0, tind, ind, last_depth(s, i, ld), w);
    pp_tail(L, s, i + 1, col0, col0 + we, tind, ind, ld, sep, w + we);
}

static void pp_tag_tuple(const PNode *s, const Lay *L, long col, long tind, long ind, long ld, long w)
{
    if (s->n == 0) {
        sb_puts(L->sb, "...");
        return;
    }
    const PNode *tag = s->elems[0];
    long tlen = tag->len, tagind = tlen + 2, tcol = col + tagind;
    write_node(L->c, L->sb, tag);
    if (tind > 0 && tagind > tind) {
        pp_tail(L, s, 1, col + tind, tcol, tind, ind + tind, ld, ',', w + tlen);
    } else {
        sb_putc(L->sb, ',');
        pp_list(L, s, 1, tcol, tind, ind + tagind, ld, ',', w + tlen + 1);
    }
}

/* pp_pair/8: returns the width used. */
static long pp_pair(const Lay *L, const PNode *p, long col, long tind, long ind, long ld, long w)
{
    if (fits(L, p, col, ld, w)) {
        write_node(L->c, L->sb, p);
        return pair_is_str(p) ? p->len : L->ll;
    }
    long i = map_value_indent(tind);
    pp(L, p->elems[0], col, tind, ind, ld, w);
    sb_puts(L->sb, " =>");
    nl_indent(L, ind + i);
    pp(L, p->elems[1], col + i, tind, ind + i, ld, 0);
    return L->ll;
}

static void pp_map(const PNode *s, const Lay *L, long col, long tind, long ind, long ld, long w)
{
    if (s->n == 0) {
        if (s->tail == TAIL_DOTS) sb_puts(L->sb, "...");
        return;
    }
    long pw = pp_pair(L, s->elems[0], col, tind, ind, last_depth(s, 0, ld), w);
    /* pp_pairs_tail/9: note W restarts from the first pair's width, as OTP passes it */
    long c2 = col + pw;
    w = pw;
    for (size_t i = 1; i < s->n; i++) {
        const PNode *p = s->elems[i];
        long ld1 = last_depth(s, i, ld), elen = 1 + p->len;
        if (tail_fits(L, elen, c2, w, ld1, pair_is_str(p))) {
            sb_putc(L->sb, ',');
            write_node(L->c, L->sb, p);
            c2 += elen;
            w += elen;
        } else {
            sb_putc(L->sb, ',');
            nl_indent(L, ind);
            pw = pp_pair(L, p, col, tind, ind, ld1, 0);
            c2 = col + pw;
            w = pw;
        }
    }
    if (s->tail == TAIL_DOTS) sb_puts(L->sb, ",...");
}

/* pp_binary/7 and /4: the bytes of <<...>> wrapped at N characters. */
static void pp_binary(const PNode *n, const Lay *L, long col, long ind, long ld, long w)
{
    long lim = L->ll - col < L->m - 4 - w ? L->ll - col : L->m - 4 - w;
    long n0 = lim - ld > 8 ? lim - ld : 8, left = n0;
    const char *t = node_text(L->c, n) + 2, *end = node_text(L->c, n) + n->nbytes - 2;
    sb_puts(L->sb, "<<");
    while (t < end) {
        const char *comma = memchr(t, ',', (size_t)(end - t));
        long tl = (long)((comma ? comma : end) - t);
        if (comma) {
            long len = tl + 1;
            if (left - len < 0) {
                nl_indent(L, ind);
                left = n0 - len;
            } else {
                left -= len;
            }
            sb_putn(L->sb, t, (size_t)tl + 1);
            t = comma + 1;
        } else {
            if (tl > left) nl_indent(L, ind);
            sb_putn(L->sb, t, (size_t)tl);
            t = end;
        }
    }
    sb_puts(L->sb, ">>");
}

/* pp/8 */
static void pp(const Lay *L, const PNode *n, long col, long tind, long ind, long ld, long w)
{
    if (fits(L, n, col, ld, w)) {
        write_node(L->c, L->sb, n);
        return;
    }
    switch (n->kind) {
    case PN_LIST:
        sb_putc(L->sb, '[');
        pp_list(L, n, 0, col + 1, tind, ind + 1, ld, '|', w + 1);
        sb_putc(L->sb, ']');
        break;
    case PN_TUPLE:
        sb_putc(L->sb, '{');
        if (n->tagged) pp_tag_tuple(n, L, col, tind, ind, ld, w + 1);
        else pp_list(L, n, 0, col + 1, tind, ind + 1, ld, ',', w + 1);
        sb_putc(L->sb, '}');
        break;
    case PN_MAP:
        sb_puts(L->sb, "#{");
        pp_map(n, L, col + 2, tind, ind + 2, ld, w + 1);
        sb_putc(L->sb, '}');
        break;
    case PN_BIN: pp_binary(n, L, col + 2, ind + 2, ld, w); break;
    default: write_node(L->c, L->sb, n);
    }
}

/* cind/7 and friends: do the tuple tags fit with this indentation? false is throw(no_good). */
static bool cind(const Lay *L, const PNode *n, long col, long ind, long ld, long w);

static bool cind_element(const Lay *L, const PNode *e, long col, long ind, long ld, long w, long *we)
{
    if (fits(L, e, col, ld, w) && is_str(e)) {
        *we = e->len;
        return true;
    }
    *we = L->ll;
    return cind(L, e, col, ind, ld, w);
}

static bool cind_tail(const Lay *L, const PNode *s, size_t i, long col0, long col, long ind, long ld, long w)
{
    for (; i < s->n; i++) {
        const PNode *e = s->elems[i];
        long ld1 = last_depth(s, i, ld), elen = 1 + e->len;
        if (tail_fits(L, elen, col, w, ld1, is_str(e))) {
            col += elen;
            w += elen;
        } else {
            long we;
            if (!cind_element(L, e, col0, ind, ld1, 0, &we)) return false;
            col = col0 + we;
            w = we;
        }
    }
    if (s->tail == TAIL_ELEM) {
        const PNode *e = s->elems[s->n];
        if (e->len + 1 < L->ll - col - (ld + 1) && e->len + 1 + w + (ld + 1) <= L->m && is_str(e))
            return true;
        return cind(L, e, col, ind, ld + 1, 0); /* col, not col0: as OTP */
    }
    return true;
}

static bool cind_list(const Lay *L, const PNode *s, size_t i, long col0, long ind, long ld, long w)
{
    if (i == s->n) return true; /* {dots, ...} */
    long we;
    if (!cind_element(L, s->elems[i], col0, ind, last_depth(s, i, ld), w, &we)) return false;
    return cind_tail(L, s, i + 1, col0, col0 + we, ind, ld, w + we);
}

static bool cind_tag_tuple(const Lay *L, const PNode *s, long col, long ind, long ld, long w)
{
    if (s->n == 0) return true;
    long tlen = s->elems[0]->len, tagind = tlen + 2, tcol = col + tagind;
    if (ind > 0 && tagind > ind) {
        long col1 = col + ind;
        if (L->m + col1 <= L->ll || col1 <= L->ll / 2)
            return cind_tail(L, s, 1, col1, tcol, ind, ld, w + tlen);
        return false;
    }
    if (L->m + tcol < L->ll || tcol < L->ll / 2) return cind_list(L, s, 1, tcol, ind, ld, w + tlen + 1);
    return false;
}

static bool cind_pair(const Lay *L, const PNode *p, long col, long ind, long ld, long w, long *pw)
{
    if (fits(L, p, col, ld, w)) {
        *pw = pair_is_str(p) ? p->len : L->ll;
        return true;
    }
    *pw = L->ll;
    if (!cind(L, p->elems[0], col, ind, ld, w)) return false;
    return cind(L, p->elems[1], col + map_value_indent(ind), ind, ld, 0);
}

static bool cind_map(const Lay *L, const PNode *s, long col, long ind, long ld, long w)
{
    if (s->n == 0) return true;
    long pw;
    if (!cind_pair(L, s->elems[0], col, ind, last_depth(s, 0, ld), w, &pw)) return false;
    long c2 = col + pw;
    w += pw; /* cind_map passes W + PW, unlike pp_map */
    for (size_t i = 1; i < s->n; i++) {
        const PNode *p = s->elems[i];
        long ld1 = last_depth(s, i, ld), elen = 1 + p->len;
        if (tail_fits(L, elen, c2, w, ld1, pair_is_str(p))) {
            c2 += elen;
            w += elen;
        } else {
            if (!cind_pair(L, p, col, ind, ld1, 0, &pw)) return false;
            c2 = col + pw;
            w = pw;
        }
    }
    return true;
}

static bool cind(const Lay *L, const PNode *n, long col, long ind, long ld, long w)
{
    if (fits(L, n, col, ld, w)) return true;
    switch (n->kind) {
    case PN_LIST: return cind_list(L, n, 0, col + 1, ind, ld, w + 1);
    case PN_TUPLE:
        if (n->tagged) return cind_tag_tuple(L, n, col, ind, ld, w + 1);
        return cind_list(L, n, 0, col + 1, ind, ld, w + 1);
    case PN_MAP: return cind_map(L, n, col + 2, ind, ld, w + 2);
    default: return true;
    }
}

static void pctx_free(PCtx *c)
{
    sb_free(&c->text);
    while (c->blocks) {
        ArenaBlock *b = c->blocks;
        c->blocks = b->next;
        free(b);
    }
}

/* io_lib_pretty:print/9 as io_lib_format calls it for ~p / ~P. */
static void print_p_here(StrBuf *sb, Term t, const PrintOpts *opts)
{
    if (opts->depth == 0) {
        sb_puts(sb, "...");
        return;
    }
    long col = opts->indent + 1 > 0 ? opts->indent + 1 : 1;
    if (term_is_atom(t)) {
        write_atom_enc(sb, t, opts->unicode);
        return;
    }
    if (!term_is_tuple(t) && !term_is_list(t) && !term_is_map(t) && !term_is_binary_any(t) &&
        !term_is_nil(t)) {
        write_leaf(sb, t, false);
        return;
    }
    PCtx c = {STRBUF_INIT, NULL, opts->unicode, opts->printable_unicode, !opts->no_strings};
    PNode *root = print_length(&c, t, opts->depth);
    Lay L = {&c, sb, opts->line_length, root->len};
    if (L.ll == 0 || root->len < L.ll - col) {
        write_node(&c, sb, root);
    } else {
        long tind = cind(&L, root, col, -1, 0, 0) ? -1 : cind(&L, root, col, 4, 0, 0) ? 4 : 1;
        pp(&L, root, col, tind, col - 1, 0, 0);
    }
    pctx_free(&c);
}

/*
 * ~p recurses once per level of nesting. A term nested deeper than PRINT_DEEP_LEVELS is
 * printed on a helper thread whose stack is sized for it (the caller waits), so a deep term
 * costs memory, never a stack overflow of a scheduler thread.
 */
#define PRINT_DEEP_LEVELS 1000
#define PRINT_STACK_PER_LEVEL 2048 /* measured: ~320 bytes a level at -O2, ~600 under ASan */

typedef struct DepthStack {
    Term *t;
    long *lvl;
    size_t n, cap;
} DepthStack;

static void ds_push(DepthStack *s, Term t, long lvl)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->t = realloc(s->t, s->cap * sizeof *s->t);
        s->lvl = realloc(s->lvl, s->cap * sizeof *s->lvl);
        if (!s->t || !s->lvl) abort();
    }
    s->t[s->n] = t;
    s->lvl[s->n++] = lvl;
}

typedef struct DepthMapArg {
    DepthStack *s;
    long lvl;
} DepthMapArg;

static bool depth_push_pair(Term k, Term v, void *arg)
{
    DepthMapArg *a = arg;
    ds_push(a->s, k, a->lvl);
    ds_push(a->s, v, a->lvl);
    return true;
}

static bool is_container(Term t) { return term_is_list(t) || term_is_tuple(t) || term_is_map(t); }

/* How deep the printer will recurse: containers nested in containers, up to limit. */
static long nesting_depth(Term root, long limit)
{
    DepthStack s = {NULL, NULL, 0, 0};
    long max = 0;
    ds_push(&s, root, 1);
    while (s.n && max < limit) {
        s.n--;
        Term t = s.t[s.n];
        long lvl = s.lvl[s.n];
        if (!is_container(t)) continue;
        if (lvl > max) max = lvl;
        if (term_is_list(t)) {
            for (; term_is_list(t); t = list_tail(t))
                if (is_container(list_head(t))) ds_push(&s, list_head(t), lvl + 1);
            if (is_container(t)) ds_push(&s, t, lvl + 1);
        } else if (term_is_tuple(t)) {
            for (Uint i = 1; i <= tuple_arity(t); i++)
                if (is_container(tuple_elem(t, i))) ds_push(&s, tuple_elem(t, i), lvl + 1);
        } else {
            DepthMapArg a = {&s, lvl + 1};
            map_foreach(t, depth_push_pair, &a);
        }
    }
    free(s.t);
    free(s.lvl);
    return max;
}

typedef struct DeepJob {
    StrBuf *sb;
    Term t;
    const PrintOpts *opts;
} DeepJob;

static void *print_p_job(void *arg)
{
    DeepJob *j = arg;
    print_p_here(j->sb, j->t, j->opts);
    return NULL;
}

void print_p(StrBuf *sb, Term t, const PrintOpts *opts)
{
    long limit = opts->depth >= 0 ? opts->depth : LONG_MAX;
    long depth = is_container(t) ? nesting_depth(t, limit) : 0;
    if (depth <= PRINT_DEEP_LEVELS) {
        print_p_here(sb, t, opts);
        return;
    }
    pthread_attr_t attr;
    pthread_t th;
    DeepJob job = {sb, t, opts};
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, (size_t)depth * PRINT_STACK_PER_LEVEL + ((size_t)1 << 20));
    if (pthread_create(&th, &attr, print_p_job, &job) == 0) {
        pthread_join(th, NULL);
    } else {
        print_p_here(sb, t, opts); /* no memory for the stack: best effort on ours */
    }
    pthread_attr_destroy(&attr);
}
