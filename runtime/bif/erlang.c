/*
 * erlang.c — BIFs of the erlang module: type tests, arithmetic, comparisons, term access and
 * the conversions between lists, atoms, binaries, integers, floats and tuples; the term hashes
 * (phash/2 is OTP's old make_hash, here; phash2 is term.c's make_hash2), fun_info, code
 * queries, time and calendar, checksums; and erts_internal:map_next/3, the maps iteration step
 * (in this table: it has no module file of its own).
 *
 * Semantics and error behaviour follow OTP 25 (each edge case checked on erl 25.2.3; the
 * expected values in tests/unit/bif/test_erlang.c come from it). Conventions:
 *   - BIFs never collect (bif.h): every allocation is heap_halloc, so raw terms stay valid;
 *   - argument errors are badarg, arithmetic errors badarith, as OTP raises them;
 *   - nothing recurses in C over a term's depth: iolists are walked with an explicit stack.
 */
#include "bif/bif.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bignum.h"
#include "bin.h"
#include "code.h"
#include "etf.h"
#include "literal.h"
#include "map.h"
#include "print.h"
#include "strbuf.h"

#define MAX_ARITY ((Uint)(1u << 24) - 1) /* OTP's MAX_ARITY: a larger tuple is badarg */

/* ---- atoms this file compares options against ------------------------------------------ */

enum {
    A_SHORT, A_DECIMALS, A_SCIENTIFIC, A_COMPACT, A_UTF8, A_UNICODE, A_LATIN1,
    A_SECOND, A_MILLISECOND, A_MICROSECOND, A_NANOSECOND, A_NATIVE, A_PERF_COUNTER,
    A_SECONDS, A_MILLI_SECONDS, A_MICRO_SECONDS, A_NANO_SECONDS, A_NONE,
    A_COMPRESSED, A_MINOR_VERSION, A_DETERMINISTIC, A_SAFE, A_USED, A_LOCAL,
    A_TYPE, A_PID, A_MODULE, A_NEW_INDEX, A_NEW_UNIQ, A_INDEX, A_UNIQ, A_ENV, A_REFC, A_ARITY,
    A_NAME, A_APPLY, A_MODULE_INFO, A_VISIBLE, A_HIDDEN, A_CONNECTED, A_THIS, A_KNOWN,
    A_RUNTIME, A_WALL_CLOCK, A_OTP_RELEASE, A_VERSION, A_WORDSIZE, A_INTERNAL, A_EXTERNAL,
    A_MACHINE, A_SMP_SUPPORT,
    A_COUNT
};
static const char *const atom_names[A_COUNT] = {
    "short", "decimals", "scientific", "compact", "utf8", "unicode", "latin1",
    "second", "millisecond", "microsecond", "nanosecond", "native", "perf_counter",
    "seconds", "milli_seconds", "micro_seconds", "nano_seconds", "none",
    "compressed", "minor_version", "deterministic", "safe", "used", "local",
    "type", "pid", "module", "new_index", "new_uniq", "index", "uniq", "env", "refc", "arity",
    "name", "apply", "module_info", "visible", "hidden", "connected", "this", "known",
    "runtime", "wall_clock", "otp_release", "version", "wordsize", "internal", "external",
    "machine", "smp_support",
};
static Term atoms[A_COUNT];
static pthread_once_t atoms_once = PTHREAD_ONCE_INIT;
static void atoms_init(void)
{
    for (int i = 0; i < A_COUNT; i++) atoms[i] = atom_put(atom_names[i], strlen(atom_names[i]));
}
static Term am(int i)
{
    pthread_once(&atoms_once, atoms_init);
    return atoms[i];
}

/* ---- small helpers ---------------------------------------------------------------------- */

static Term make_bool(bool b) { return b ? AM(true) : AM(false); }
static Term badarith(Process *p) { return bif_error(p, AM(badarith)); }

/* A float result; OTP raises badarith when an operation gives inf or NaN. */
static Term float_result(Process *p, double d)
{
    if (!isfinite(d)) return badarith(p);
    return float_at(heap_halloc(&p->heap, FLOAT_SIZE), d);
}

static Term make_float(Process *p, double d) { return float_at(heap_halloc(&p->heap, FLOAT_SIZE), d); }

/* A number as a double: false when it is not a number or an integer too large for a double. */
static bool num_to_double(Term t, double *d)
{
    if (term_is_float(t)) {
        *d = float_val(t);
        return true;
    }
    if (term_is_small(t)) {
        *d = (double)small_val(t);
        return true;
    }
    if (term_is_big(t)) return int_to_double(t, d);
    return false;
}

/* A list built from n terms (in order) ending in tail. */
static Term build_list(Process *p, const Term *elems, Uint n, Term tail)
{
    if (n == 0) return tail;
    Term *hp = heap_halloc(&p->heap, 2 * n);
    Term r = tail;
    for (Uint i = n; i-- > 0;) r = cons_at(hp + 2 * i, elems[i], r);
    return r;
}

/* The list of the bytes, as small integers. */
static Term bytes_to_list(Process *p, const unsigned char *b, Uint n, Term tail)
{
    if (n == 0) return tail;
    Term *hp = heap_halloc(&p->heap, 2 * n);
    Term r = tail;
    for (Uint i = n; i-- > 0;) r = cons_at(hp + 2 * i, make_small(b[i]), r);
    return r;
}

static Term codepoints_to_list(Process *p, const uint32_t *cs, Uint n)
{
    if (n == 0) return NIL;
    Term *hp = heap_halloc(&p->heap, 2 * n);
    Term r = NIL;
    for (Uint i = n; i-- > 0;) r = cons_at(hp + 2 * i, make_small(cs[i]), r);
    return r;
}

/* A small integer argument in [lo, hi]. */
static bool small_in(Term t, Sint lo, Sint hi, Sint *out)
{
    if (!term_is_small(t)) return false;
    Sint v = small_val(t);
    if (v < lo || v > hi) return false;
    *out = v;
    return true;
}

/* A proper list of bytes (0..255) into sb; false otherwise. */
static bool byte_list(Term l, StrBuf *sb)
{
    while (term_is_list(l)) {
        Term h = list_head(l);
        if (!term_is_small(h) || small_val(h) < 0 || small_val(h) > 255) return false;
        sb_putc(sb, (char)small_val(h));
        l = list_tail(l);
    }
    return term_is_nil(l);
}

/* A byte-aligned binary's bytes; false for non-binaries and bitstrings. */
static bool binary_bytes(Term t, const unsigned char **bytes, Uint *len, StrBuf *tmp)
{
    BinView v;
    if (!bin_view(t, &v) || !bin_view_is_binary(&v)) return false;
    *len = v.bit_size / 8;
    if (v.bit_offset % 8 == 0) {
        *bytes = v.base + v.bit_offset / 8;
        return true;
    }
    /* an unaligned window (a sub binary from bit matching): copy it out */
    sb_truncate(tmp, 0);
    for (Uint i = 0; i < *len; i++) sb_putc(tmp, 0);
    bin_copy_bits(v.base, v.bit_offset, (unsigned char *)tmp->data, 0, v.bit_size);
    *bytes = (const unsigned char *)tmp->data;
    return true;
}

/* Decodes strict UTF-8 (no overlongs, no surrogates); returns the number of code points or -1.
 * cs may be NULL to count only. */
static long utf8_decode(const unsigned char *s, size_t n, uint32_t *cs)
{
    long k = 0;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        uint32_t cp;
        size_t len;
        if (c < 0x80) cp = c, len = 1;
        else if (c >= 0xC2 && c < 0xE0) cp = c & 0x1F, len = 2;
        else if (c >= 0xE0 && c < 0xF0) cp = c & 0x0F, len = 3;
        else if (c >= 0xF0 && c < 0xF5) cp = c & 0x07, len = 4;
        else return -1;
        if (i + len > n) return -1;
        for (size_t j = 1; j < len; j++) {
            if ((s[i + j] & 0xC0) != 0x80) return -1;
            cp = cp << 6 | (s[i + j] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return -1;
        if (cs) cs[k] = cp;
        k++;
        i += len;
    }
    return k;
}

/* ---- iolists ---------------------------------------------------------------------------- */

/*
 * Walks an iolist (bytes, binaries and iolists, improper tails that are binaries) without C
 * recursion, appending its bytes to out (NULL: only count). False when t is not an iolist:
 * bitstrings, integers above 255, atoms ... anywhere.
 */
static bool iolist_walk(Term t, StrBuf *out, Uint *size)
{
    Term *stack = NULL;
    size_t sp = 0, cap = 0;
    Uint total = 0;
    bool ok = true;
    StrBuf tmp = STRBUF_INIT;
    for (;;) {
        while (term_is_list(t)) {
            Term h = list_head(t);
            Term tl = list_tail(t);
            if (term_is_small(h)) {
                Sint v = small_val(h);
                if (v < 0 || v > 255) goto fail;
                if (out) sb_putc(out, (char)v);
                total++;
            } else if (term_is_list(h) || term_is_nil(h)) {
                if (sp == cap) {
                    cap = cap ? 2 * cap : 32;
                    Term *ns = realloc(stack, cap * sizeof *stack);
                    if (!ns) abort();
                    stack = ns;
                }
                stack[sp++] = tl;
                t = h;
                continue;
            } else {
                const unsigned char *b;
                Uint n;
                if (!binary_bytes(h, &b, &n, &tmp)) goto fail;
                if (out) sb_putn(out, (const char *)b, n);
                total += n;
            }
            t = tl;
        }
        if (!term_is_nil(t)) {
            const unsigned char *b;
            Uint n;
            if (!binary_bytes(t, &b, &n, &tmp)) goto fail;
            if (out) sb_putn(out, (const char *)b, n);
            total += n;
        }
        if (sp == 0) break;
        t = stack[--sp];
    }
    goto done;
fail:
    ok = false;
done:
    free(stack);
    sb_free(&tmp);
    *size = total;
    return ok;
}

static Term sb_to_binary(Process *p, StrBuf *sb)
{
    Term r = bin_new(&p->heap, sb->data, sb->len);
    sb_free(sb);
    return r;
}

/* ---- type tests ------------------------------------------------------------------------- */

static Term bif_is_atom(Process *p, const Term *a) { return make_bool(term_is_atom(a[0])); }
static Term bif_is_binary(Process *p, const Term *a)
{
    return make_bool(term_is_binary_any(a[0]) && bin_bit_size(a[0]) % 8 == 0);
}
static Term bif_is_bitstring(Process *p, const Term *a) { return make_bool(term_is_binary_any(a[0])); }
static Term bif_is_boolean(Process *p, const Term *a)
{
    return make_bool(a[0] == AM(true) || a[0] == AM(false));
}
static Term bif_is_float(Process *p, const Term *a) { return make_bool(term_is_float(a[0])); }
static Term bif_is_function1(Process *p, const Term *a) { return make_bool(term_is_fun(a[0])); }
static Term bif_is_function2(Process *p, const Term *a)
{
    Sint ar;
    if (!term_is_small(a[1])) {
        if (term_is_big(a[1]) && !big_is_neg(a[1])) return AM(false);
        return bif_badarg(p);
    }
    ar = small_val(a[1]);
    if (ar < 0) return bif_badarg(p);
    return make_bool(term_is_fun(a[0]) && (Sint)fun_arity(a[0]) == ar);
}
static Term bif_is_integer(Process *p, const Term *a) { return make_bool(term_is_integer(a[0])); }
static Term bif_is_list(Process *p, const Term *a)
{
    return make_bool(term_is_list(a[0]) || term_is_nil(a[0]));
}
static Term bif_is_map(Process *p, const Term *a) { return make_bool(term_is_map(a[0])); }
static Term bif_is_number(Process *p, const Term *a) { return make_bool(term_is_number(a[0])); }
static Term bif_is_pid(Process *p, const Term *a) { return make_bool(term_kind(a[0]) == KIND_PID); }
static Term bif_is_port(Process *p, const Term *a) { return make_bool(term_kind(a[0]) == KIND_PORT); }
static Term bif_is_reference(Process *p, const Term *a) { return make_bool(term_kind(a[0]) == KIND_REF); }
static Term bif_is_tuple(Process *p, const Term *a) { return make_bool(term_is_tuple(a[0])); }

/* ---- arithmetic ------------------------------------------------------------------------- */

typedef Term (*IntOp)(Heap *h, Term a, Term b, Term *err);
enum { FOP_ADD, FOP_SUB, FOP_MUL, FOP_NONE };

/* Integer op when both are integers; float op when both are numbers and fop allows floats. */
static Term arith(Process *p, Term a, Term b, IntOp iop, int fop)
{
    if (term_is_integer(a) && term_is_integer(b)) {
        Term err = AM(badarith);
        Term r = iop(&p->heap, a, b, &err);
        if (r == NONVALUE) return bif_error(p, err);
        return r;
    }
    double x, y;
    if (fop == FOP_NONE || !term_is_number(a) || !term_is_number(b)) return badarith(p);
    if (!num_to_double(a, &x) || !num_to_double(b, &y)) return badarith(p);
    switch (fop) {
    case FOP_ADD: return float_result(p, x + y);
    case FOP_SUB: return float_result(p, x - y);
    default: return float_result(p, x * y);
    }
}

static Term bif_plus(Process *p, const Term *a)
{
    if (term_is_small(a[0]) && term_is_small(a[1]))
        return int_from_sint(&p->heap, small_val(a[0]) + small_val(a[1]));
    return arith(p, a[0], a[1], int_add, FOP_ADD);
}
static Term bif_minus(Process *p, const Term *a)
{
    if (term_is_small(a[0]) && term_is_small(a[1]))
        return int_from_sint(&p->heap, small_val(a[0]) - small_val(a[1]));
    return arith(p, a[0], a[1], int_sub, FOP_SUB);
}
static Term bif_times(Process *p, const Term *a) { return arith(p, a[0], a[1], int_mul, FOP_MUL); }

static Term bif_fdiv(Process *p, const Term *a)
{
    double x, y;
    if (!term_is_number(a[0]) || !term_is_number(a[1])) return badarith(p);
    if (!num_to_double(a[0], &x) || !num_to_double(a[1], &y)) return badarith(p);
    if (y == 0.0) return badarith(p);
    return float_result(p, x / y);
}

static Term int_only(Process *p, const Term *a, IntOp op)
{
    if (!term_is_integer(a[0]) || !term_is_integer(a[1])) return badarith(p);
    Term err = AM(badarith);
    Term r = op(&p->heap, a[0], a[1], &err);
    return r == NONVALUE ? bif_error(p, err) : r;
}
static Term bif_div(Process *p, const Term *a)
{
    if (a[1] == make_small(0)) return badarith(p);
    return int_only(p, a, int_div);
}
static Term bif_rem(Process *p, const Term *a)
{
    if (a[1] == make_small(0)) return badarith(p);
    return int_only(p, a, int_rem);
}
static Term bif_band(Process *p, const Term *a) { return int_only(p, a, int_band); }
static Term bif_bor(Process *p, const Term *a) { return int_only(p, a, int_bor); }
static Term bif_bxor(Process *p, const Term *a) { return int_only(p, a, int_bxor); }
static Term bif_bsl(Process *p, const Term *a) { return int_only(p, a, int_bsl); }
static Term bif_bsr(Process *p, const Term *a) { return int_only(p, a, int_bsr); }

static Term bif_bnot(Process *p, const Term *a)
{
    if (!term_is_integer(a[0])) return badarith(p);
    Term err = AM(badarith);
    Term r = int_bnot(&p->heap, a[0], &err);
    return r == NONVALUE ? bif_error(p, err) : r;
}

static Term negate(Process *p, Term t)
{
    if (term_is_float(t)) return make_float(p, -float_val(t));
    Term err = AM(badarith);
    Term r = int_neg(&p->heap, t, &err);
    return r == NONVALUE ? bif_error(p, err) : r;
}

static Term bif_uminus(Process *p, const Term *a)
{
    if (!term_is_number(a[0])) return badarith(p);
    return negate(p, a[0]);
}
static Term bif_uplus(Process *p, const Term *a)
{
    return term_is_number(a[0]) ? a[0] : badarith(p);
}

static Term bif_abs(Process *p, const Term *a)
{
    Term t = a[0];
    if (term_is_float(t)) return float_val(t) < 0 ? make_float(p, -float_val(t)) : t; /* abs(-0.0) is -0.0 */
    if (term_is_small(t)) return small_val(t) < 0 ? int_from_sint(&p->heap, -small_val(t)) : t;
    if (term_is_big(t)) return big_is_neg(t) ? negate(p, t) : t;
    return bif_badarg(p);
}

/* ---- comparisons and boolean operators -------------------------------------------------- */

static Term bif_eq_exact(Process *p, const Term *a) { return make_bool(term_eq_exact(a[0], a[1])); }
static Term bif_ne_exact(Process *p, const Term *a) { return make_bool(!term_eq_exact(a[0], a[1])); }
static Term bif_eq(Process *p, const Term *a) { return make_bool(term_eq(a[0], a[1])); }
static Term bif_ne(Process *p, const Term *a) { return make_bool(!term_eq(a[0], a[1])); }
static Term bif_lt(Process *p, const Term *a) { return make_bool(term_compare(a[0], a[1], false) < 0); }
static Term bif_gt(Process *p, const Term *a) { return make_bool(term_compare(a[0], a[1], false) > 0); }
static Term bif_le(Process *p, const Term *a) { return make_bool(term_compare(a[0], a[1], false) <= 0); }
static Term bif_ge(Process *p, const Term *a) { return make_bool(term_compare(a[0], a[1], false) >= 0); }

/* OTP 25: when the arguments compare equal (1 == 1.0), both return the first. */
static Term bif_min(Process *p, const Term *a) { return term_compare(a[0], a[1], false) <= 0 ? a[0] : a[1]; }
static Term bif_max(Process *p, const Term *a) { return term_compare(a[0], a[1], false) >= 0 ? a[0] : a[1]; }

static bool is_bool(Term t) { return t == AM(true) || t == AM(false); }
static Term bif_and(Process *p, const Term *a)
{
    if (!is_bool(a[0]) || !is_bool(a[1])) return bif_badarg(p);
    return make_bool(a[0] == AM(true) && a[1] == AM(true));
}
static Term bif_or(Process *p, const Term *a)
{
    if (!is_bool(a[0]) || !is_bool(a[1])) return bif_badarg(p);
    return make_bool(a[0] == AM(true) || a[1] == AM(true));
}
static Term bif_xor(Process *p, const Term *a)
{
    if (!is_bool(a[0]) || !is_bool(a[1])) return bif_badarg(p);
    return make_bool(a[0] != a[1]);
}
static Term bif_not(Process *p, const Term *a)
{
    if (!is_bool(a[0])) return bif_badarg(p);
    return make_bool(a[0] == AM(false));
}

/* ---- numbers: rounding and conversion ---------------------------------------------------- */

static Term float_to_int(Process *p, Term t, double (*fn)(double))
{
    if (term_is_integer(t)) return t;
    if (!term_is_float(t)) return bif_badarg(p);
    Term r = int_from_double(&p->heap, fn(float_val(t)));
    return r == NONVALUE ? bif_badarg(p) : r;
}
static Term bif_round(Process *p, const Term *a) { return float_to_int(p, a[0], round); }
static Term bif_trunc(Process *p, const Term *a) { return float_to_int(p, a[0], trunc); }
static Term bif_ceil(Process *p, const Term *a) { return float_to_int(p, a[0], ceil); }
static Term bif_floor(Process *p, const Term *a) { return float_to_int(p, a[0], floor); }

static Term bif_float(Process *p, const Term *a)
{
    if (term_is_float(a[0])) return a[0];
    double d;
    if (!term_is_integer(a[0]) || !num_to_double(a[0], &d)) return bif_badarg(p);
    return make_float(p, d);
}

/* ---- tuples, lists and sizes ------------------------------------------------------------ */

static Term bif_element(Process *p, const Term *a)
{
    Sint i;
    if (!term_is_tuple(a[1]) || !small_in(a[0], 1, (Sint)tuple_arity(a[1]), &i)) return bif_badarg(p);
    return tuple_elem(a[1], (Uint)i);
}

static Term bif_setelement(Process *p, const Term *a)
{
    Sint i;
    if (!term_is_tuple(a[1]) || !small_in(a[0], 1, (Sint)tuple_arity(a[1]), &i)) return bif_badarg(p);
    Uint n = tuple_arity(a[1]);
    Term *hp = heap_halloc(&p->heap, 1 + n);
    memcpy(hp, boxed_ptr(a[1]), (1 + n) * sizeof(Term));
    hp[i] = a[2];
    return make_boxed(hp);
}

static Term bif_tuple_size(Process *p, const Term *a)
{
    if (!term_is_tuple(a[0])) return bif_badarg(p);
    return make_small((Sint)tuple_arity(a[0]));
}

static Term bif_size(Process *p, const Term *a)
{
    if (term_is_tuple(a[0])) return make_small((Sint)tuple_arity(a[0]));
    if (term_is_binary_any(a[0])) return int_from_uint(&p->heap, bin_byte_size(a[0]));
    return bif_badarg(p);
}

static Term bif_byte_size(Process *p, const Term *a)
{
    if (!term_is_binary_any(a[0])) return bif_badarg(p);
    return int_from_uint(&p->heap, (bin_bit_size(a[0]) + 7) / 8);
}

static Term bif_bit_size(Process *p, const Term *a)
{
    if (!term_is_binary_any(a[0])) return bif_badarg(p);
    return int_from_uint(&p->heap, bin_bit_size(a[0]));
}

static Term bif_length(Process *p, const Term *a)
{
    Sint n = list_length(a[0]);
    return n < 0 ? bif_badarg(p) : make_small(n);
}

static Term bif_hd(Process *p, const Term *a)
{
    return term_is_list(a[0]) ? list_head(a[0]) : bif_badarg(p);
}
static Term bif_tl(Process *p, const Term *a)
{
    return term_is_list(a[0]) ? list_tail(a[0]) : bif_badarg(p);
}

static Term bif_list_to_tuple(Process *p, const Term *a)
{
    Sint n = list_length(a[0]);
    if (n < 0 || (Uint)n > MAX_ARITY) return bif_badarg(p);
    if (n == 0) return literal_empty_tuple();
    Term *hp = heap_halloc(&p->heap, 1 + (Uint)n);
    hp[0] = make_tuple_header((Uint)n);
    Term l = a[0];
    for (Sint i = 1; i <= n; i++, l = list_tail(l)) hp[i] = list_head(l);
    return make_boxed(hp);
}

static Term bif_tuple_to_list(Process *p, const Term *a)
{
    if (!term_is_tuple(a[0])) return bif_badarg(p);
    return build_list(p, tuple_elems(a[0]) + 1, tuple_arity(a[0]), NIL);
}

static Term new_tuple(Process *p, Uint n, Term fill)
{
    if (n == 0) return literal_empty_tuple();
    Term *hp = heap_halloc(&p->heap, 1 + n);
    hp[0] = make_tuple_header(n);
    for (Uint i = 1; i <= n; i++) hp[i] = fill;
    return make_boxed(hp);
}

static Term bif_make_tuple2(Process *p, const Term *a)
{
    Sint n;
    if (!small_in(a[0], 0, (Sint)MAX_ARITY, &n)) return bif_badarg(p);
    return new_tuple(p, (Uint)n, a[1]);
}

static Term bif_make_tuple3(Process *p, const Term *a)
{
    Sint n;
    if (!small_in(a[0], 0, (Sint)MAX_ARITY, &n) || list_length(a[2]) < 0) return bif_badarg(p);
    for (Term l = a[2]; term_is_list(l); l = list_tail(l)) {
        Term e = list_head(l);
        Sint i;
        if (!term_is_tuple(e) || tuple_arity(e) != 2 || !small_in(tuple_elem(e, 1), 1, n, &i))
            return bif_badarg(p);
    }
    Term t = new_tuple(p, (Uint)n, a[1]);
    for (Term l = a[2]; term_is_list(l); l = list_tail(l)) {
        Term e = list_head(l);
        boxed_ptr(t)[small_val(tuple_elem(e, 1))] = tuple_elem(e, 2);
    }
    return t;
}

static Term bif_append_element(Process *p, const Term *a)
{
    if (!term_is_tuple(a[0]) || tuple_arity(a[0]) >= MAX_ARITY) return bif_badarg(p);
    Uint n = tuple_arity(a[0]);
    Term *hp = heap_halloc(&p->heap, 2 + n);
    hp[0] = make_tuple_header(n + 1);
    memcpy(hp + 1, tuple_elems(a[0]) + 1, n * sizeof(Term));
    hp[n + 1] = a[1];
    return make_boxed(hp);
}

/* '++'/2: copies the left list; the right one may be anything. */
static Term bif_append(Process *p, const Term *a)
{
    if (term_is_nil(a[0])) return a[1];
    Sint n = list_length(a[0]);
    if (n < 0) return bif_badarg(p);
    Term *hp = heap_halloc(&p->heap, 2 * (Uint)n);
    Term r = a[1];
    Term *cells = hp;
    Term l = a[0];
    for (Sint i = 0; i < n; i++, l = list_tail(l)) {
        cells[2 * i] = list_head(l);
        cells[2 * i + 1] = i + 1 < n ? make_list(cells + 2 * i + 2) : r;
    }
    return make_list(cells);
}

/*
 * '--'/2: for each element of B, the first element of A that is =:= to it is removed; the
 * order of what remains is kept. A's elements are sorted by (hash, term order, index) so that
 * equal ones form runs; each run hands out its members in index order.
 */
typedef struct SubEntry {
    uint32_t hash;
    Uint index;
    Term t;
} SubEntry;

static int sub_cmp(const void *x, const void *y)
{
    const SubEntry *a = x, *b = y;
    if (a->hash != b->hash) return a->hash < b->hash ? -1 : 1;
    int c = term_compare(a->t, b->t, true);
    if (c) return c;
    return a->index < b->index ? -1 : a->index > b->index;
}

static Term bif_subtract(Process *p, const Term *a)
{
    Sint na = list_length(a[0]), nb = list_length(a[1]);
    if (na < 0 || nb < 0) return bif_badarg(p);
    if (na == 0 || nb == 0) return a[0];
    SubEntry *es = malloc((Uint)na * sizeof *es);
    Uint *cursor = malloc((Uint)na * sizeof *cursor); /* per run start: next member to take */
    bool *removed = calloc((Uint)na, 1);
    Term *elems = malloc((Uint)na * sizeof *elems);
    if (!es || !cursor || !removed || !elems) abort();
    Term l = a[0];
    for (Sint i = 0; i < na; i++, l = list_tail(l)) {
        elems[i] = list_head(l);
        es[i] = (SubEntry){term_hash(elems[i], 0), (Uint)i, elems[i]};
    }
    qsort(es, (size_t)na, sizeof *es, sub_cmp);
    for (Sint i = 0; i < na; i++) cursor[i] = (Uint)i;
    for (l = a[1]; term_is_list(l); l = list_tail(l)) {
        SubEntry key = {term_hash(list_head(l), 0), 0, list_head(l)};
        /* the first entry of the run equal to key: lower bound on (hash, term) */
        size_t lo = 0, hi = (size_t)na;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            int c = es[mid].hash != key.hash ? (es[mid].hash < key.hash ? -1 : 1)
                                             : term_compare(es[mid].t, key.t, true);
            if (c < 0) lo = mid + 1;
            else hi = mid;
        }
        if (lo == (size_t)na || es[lo].hash != key.hash || term_compare(es[lo].t, key.t, true) != 0)
            continue;
        Uint c = cursor[lo];
        if (c >= (Uint)na || es[c].hash != key.hash || term_compare(es[c].t, key.t, true) != 0)
            continue; /* all of this run are gone */
        removed[es[c].index] = true;
        cursor[lo] = c + 1;
    }
    Uint kept = 0;
    for (Sint i = 0; i < na; i++)
        if (!removed[i]) elems[kept++] = elems[i];
    Term r = build_list(p, elems, kept, NIL);
    free(es);
    free(cursor);
    free(removed);
    free(elems);
    return r;
}

/* ---- atoms ------------------------------------------------------------------------------ */

/* A proper list of Unicode code points, UTF-8 encoded into sb. */
static bool char_list_utf8(Term l, StrBuf *sb)
{
    while (term_is_list(l)) {
        Term h = list_head(l);
        if (!term_is_small(h)) return false;
        Sint c = small_val(h);
        if (c < 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return false;
        sb_put_utf8(sb, (uint32_t)c);
        l = list_tail(l);
    }
    return term_is_nil(l);
}

static Term make_atom_or_error(Process *p, const char *s, size_t n, bool existing)
{
    long chars = utf8_decode((const unsigned char *)s, n, NULL);
    if (chars > ATOM_MAX_CHARS) return existing ? bif_badarg(p) : bif_error(p, AM(system_limit));
    Term r = existing ? atom_get(s, n) : atom_put(s, n);
    if (r == NONVALUE) return existing ? bif_badarg(p) : bif_error(p, AM(system_limit));
    return r;
}

static Term list_to_atom_common(Process *p, Term l, bool existing)
{
    StrBuf sb = STRBUF_INIT;
    Term r;
    if (!char_list_utf8(l, &sb)) r = bif_badarg(p);
    else r = make_atom_or_error(p, sb.data ? sb.data : "", sb.len, existing);
    sb_free(&sb);
    return r;
}
static Term bif_list_to_atom(Process *p, const Term *a) { return list_to_atom_common(p, a[0], false); }
static Term bif_list_to_existing_atom(Process *p, const Term *a) { return list_to_atom_common(p, a[0], true); }

static Term bif_atom_to_list(Process *p, const Term *a)
{
    if (!term_is_atom(a[0])) return bif_badarg(p);
    size_t n;
    const char *s = atom_name(a[0], &n);
    uint32_t cs[ATOM_MAX_CHARS * 4 + 1];
    long k = utf8_decode((const unsigned char *)s, n, cs);
    if (k < 0) { /* not valid UTF-8: the bytes as Latin-1 */
        return bytes_to_list(p, (const unsigned char *)s, n, NIL);
    }
    return codepoints_to_list(p, cs, (Uint)k);
}

/* The encoding argument of atom_to_binary/binary_to_atom: 0 latin1, 1 utf8/unicode, -1 bad. */
static int encoding_arg(Term t)
{
    if (t == am(A_LATIN1)) return 0;
    if (t == am(A_UTF8) || t == am(A_UNICODE)) return 1;
    return -1;
}

static Term atom_to_binary_enc(Process *p, Term atom, int enc)
{
    if (!term_is_atom(atom) || enc < 0) return bif_badarg(p);
    size_t n;
    const char *s = atom_name(atom, &n);
    if (enc == 1) return bin_new(&p->heap, s, n);
    uint32_t cs[ATOM_MAX_CHARS * 4 + 1];
    long k = utf8_decode((const unsigned char *)s, n, cs);
    if (k < 0) return bin_new(&p->heap, s, n);
    unsigned char out[ATOM_MAX_CHARS * 4 + 1];
    for (long i = 0; i < k; i++) {
        if (cs[i] > 255) return bif_badarg(p);
        out[i] = (unsigned char)cs[i];
    }
    return bin_new(&p->heap, out, (Uint)k);
}
static Term bif_atom_to_binary1(Process *p, const Term *a) { return atom_to_binary_enc(p, a[0], 1); }
static Term bif_atom_to_binary2(Process *p, const Term *a)
{
    return atom_to_binary_enc(p, a[0], encoding_arg(a[1]));
}

static Term binary_to_atom_enc(Process *p, Term bin, int enc, bool existing)
{
    const unsigned char *b;
    Uint n;
    StrBuf tmp = STRBUF_INIT, sb = STRBUF_INIT;
    Term r;
    if (enc < 0 || !binary_bytes(bin, &b, &n, &tmp)) {
        r = bif_badarg(p);
    } else if (enc == 1) {
        if (utf8_decode(b, n, NULL) < 0) r = bif_badarg(p);
        else r = make_atom_or_error(p, (const char *)b, n, existing);
    } else {
        for (Uint i = 0; i < n; i++) sb_put_utf8(&sb, b[i]);
        r = make_atom_or_error(p, sb.data ? sb.data : "", sb.len, existing);
    }
    sb_free(&tmp);
    sb_free(&sb);
    return r;
}
static Term bif_binary_to_atom1(Process *p, const Term *a) { return binary_to_atom_enc(p, a[0], 1, false); }
static Term bif_binary_to_atom2(Process *p, const Term *a)
{
    return binary_to_atom_enc(p, a[0], encoding_arg(a[1]), false);
}
static Term bif_binary_to_existing_atom1(Process *p, const Term *a)
{
    return binary_to_atom_enc(p, a[0], 1, true);
}
static Term bif_binary_to_existing_atom2(Process *p, const Term *a)
{
    return binary_to_atom_enc(p, a[0], encoding_arg(a[1]), true);
}

/* ---- binaries and iolists --------------------------------------------------------------- */

static Term bif_list_to_binary(Process *p, const Term *a)
{
    if (!term_is_list(a[0]) && !term_is_nil(a[0])) return bif_badarg(p);
    StrBuf sb = STRBUF_INIT;
    Uint n;
    if (!iolist_walk(a[0], &sb, &n)) {
        sb_free(&sb);
        return bif_badarg(p);
    }
    return sb_to_binary(p, &sb);
}

static Term bif_iolist_to_binary(Process *p, const Term *a)
{
    if (term_is_binary_any(a[0])) {
        if (bin_bit_size(a[0]) % 8) return bif_badarg(p);
        return a[0];
    }
    return bif_list_to_binary(p, a);
}

static Term bif_iolist_size(Process *p, const Term *a)
{
    Uint n;
    if (!term_is_list(a[0]) && !term_is_nil(a[0]) && !term_is_binary_any(a[0])) return bif_badarg(p);
    if (!iolist_walk(a[0], NULL, &n)) return bif_badarg(p);
    return int_from_uint(&p->heap, n);
}

static Term bif_binary_to_list1(Process *p, const Term *a)
{
    const unsigned char *b;
    Uint n;
    StrBuf tmp = STRBUF_INIT;
    Term r = binary_bytes(a[0], &b, &n, &tmp) ? bytes_to_list(p, b, n, NIL) : bif_badarg(p);
    sb_free(&tmp);
    return r;
}

static Term bif_binary_to_list3(Process *p, const Term *a)
{
    const unsigned char *b;
    Uint n;
    Sint s, e;
    StrBuf tmp = STRBUF_INIT;
    Term r;
    if (!binary_bytes(a[0], &b, &n, &tmp) || !small_in(a[1], 1, (Sint)n, &s) ||
        !small_in(a[2], s, (Sint)n, &e))
        r = bif_badarg(p);
    else
        r = bytes_to_list(p, b + s - 1, (Uint)(e - s + 1), NIL);
    sb_free(&tmp);
    return r;
}

/* A sub binary of size bytes (plus bitsize bits) at byte offs of bin, whatever its size: OTP
 * 25's split_binary and binary_part build ErlSubBins, never heap binary copies. */
static Term sub_binary(Process *p, Term bin, Uint offs, Uint size, unsigned bitsize)
{
    Term orig = bin;
    Uint base = 0;
    unsigned bitoffs = 0;
    if (term_is_sub_bin(bin)) {
        orig = sub_bin_orig(bin);
        base = sub_bin_offs(bin);
        bitoffs = sub_bin_bitoffs(bin);
    }
    return sub_bin_at(heap_halloc(&p->heap, SUB_BIN_SIZE), orig, base + offs, size, bitoffs, bitsize);
}

static Term bif_split_binary(Process *p, const Term *a)
{
    Sint pos;
    if (!term_is_binary_any(a[0]) || !small_in(a[1], 0, (Sint)bin_byte_size(a[0]), &pos))
        return bif_badarg(p);
    Uint size = bin_byte_size(a[0]);
    unsigned bits = term_is_sub_bin(a[0]) ? sub_bin_bitsize(a[0]) : 0;
    Term l = sub_binary(p, a[0], 0, (Uint)pos, 0);
    Term r = sub_binary(p, a[0], (Uint)pos, size - (Uint)pos, bits);
    Term *hp = heap_halloc(&p->heap, 3);
    hp[0] = make_tuple_header(2);
    hp[1] = l;
    hp[2] = r;
    return make_boxed(hp);
}

/* binary_part/2,3: Start and a length that may be negative (counts back from Start). OTP 25's
 * binary_part/2 refuses bitstrings; binary_part/3 takes their whole bytes. */
static Term binary_part(Process *p, Term bin, Term start, Term len, bool bits_ok)
{
    if (!term_is_binary_any(bin) || (!bits_ok && bin_bit_size(bin) % 8)) return bif_badarg(p);
    Sint size = (Sint)bin_byte_size(bin), s, l;
    if (!small_in(start, 0, size, &s) || !small_in(len, -size, size, &l)) return bif_badarg(p);
    if (l < 0) {
        s += l;
        l = -l;
    }
    if (s < 0 || s + l > size) return bif_badarg(p);
    return sub_binary(p, bin, (Uint)s, (Uint)l, 0);
}
static Term bif_binary_part2(Process *p, const Term *a)
{
    if (!term_is_tuple(a[1]) || tuple_arity(a[1]) != 2) return bif_badarg(p);
    return binary_part(p, a[0], tuple_elem(a[1], 1), tuple_elem(a[1], 2), false);
}
static Term bif_binary_part3(Process *p, const Term *a) { return binary_part(p, a[0], a[1], a[2], true); }

/* ---- integers <-> text ------------------------------------------------------------------ */

/* The decimal digits of a small integer as a list: integer_to_list/1's common case, without
 * int_to_string's two passes and buffer (strbuild calls it once per item). The heap use is
 * the general path's: 2 words per character. */
static Term small_to_list(Process *p, Sint v)
{
    char buf[24];
    size_t k = sizeof buf;
    Uint m = v < 0 ? -(Uint)v : (Uint)v;
    do {
        buf[--k] = (char)('0' + m % 10);
        m /= 10;
    } while (m);
    if (v < 0) buf[--k] = '-';
    return bytes_to_list(p, (const unsigned char *)buf + k, sizeof buf - k, NIL);
}

static Term int_text(Process *p, Term i, Term base, bool binary)
{
    Sint b = 10;
    if (!term_is_integer(i) || (base != NONVALUE && !small_in(base, 2, 36, &b))) return bif_badarg(p);
    if (!binary && b == 10 && term_is_small(i)) return small_to_list(p, small_val(i));
    size_t n = int_to_string(i, (unsigned)b, NULL, 0);
    char *buf = malloc(n + 1);
    if (!buf) abort();
    int_to_string(i, (unsigned)b, buf, n + 1);
    Term r = binary ? bin_new(&p->heap, buf, n)
                    : bytes_to_list(p, (const unsigned char *)buf, n, NIL);
    free(buf);
    return r;
}
static Term bif_integer_to_list1(Process *p, const Term *a) { return int_text(p, a[0], NONVALUE, false); }
static Term bif_integer_to_list2(Process *p, const Term *a) { return int_text(p, a[0], a[1], false); }
static Term bif_integer_to_binary1(Process *p, const Term *a) { return int_text(p, a[0], NONVALUE, true); }
static Term bif_integer_to_binary2(Process *p, const Term *a) { return int_text(p, a[0], a[1], true); }

static Term parse_int(Process *p, const char *s, size_t n, Term base)
{
    Sint b = 10;
    if (base != NONVALUE && !small_in(base, 2, 36, &b)) return bif_badarg(p);
    Term r = int_from_string(&p->heap, s ? s : "", n, (unsigned)b);
    return r == NONVALUE ? bif_badarg(p) : r;
}

static Term list_to_int(Process *p, Term l, Term base)
{
    StrBuf sb = STRBUF_INIT;
    Term r = byte_list(l, &sb) ? parse_int(p, sb.data, sb.len, base) : bif_badarg(p);
    sb_free(&sb);
    return r;
}
static Term bif_list_to_integer1(Process *p, const Term *a) { return list_to_int(p, a[0], NONVALUE); }
static Term bif_list_to_integer2(Process *p, const Term *a) { return list_to_int(p, a[0], a[1]); }

static Term binary_to_int(Process *p, Term bin, Term base)
{
    const unsigned char *b;
    Uint n;
    StrBuf tmp = STRBUF_INIT;
    Term r = binary_bytes(bin, &b, &n, &tmp) ? parse_int(p, (const char *)b, n, base) : bif_badarg(p);
    sb_free(&tmp);
    return r;
}
static Term bif_binary_to_integer1(Process *p, const Term *a) { return binary_to_int(p, a[0], NONVALUE); }
static Term bif_binary_to_integer2(Process *p, const Term *a) { return binary_to_int(p, a[0], a[1]); }

/* ---- floats <-> text -------------------------------------------------------------------- */

/* OTP's sys_chars_to_double: [+-]digits(.|,)digits[(e|E)[+-]digits], nothing else; a result that
 * overflows is badarg, one that underflows is what strtod gives. */
static bool parse_float(const char *s, size_t n, double *out)
{
    char buf[512];
    char *heap_buf = NULL, *b = buf;
    if (n + 1 > sizeof buf) {
        heap_buf = malloc(n + 1);
        if (!heap_buf) abort();
        b = heap_buf;
    }
    memcpy(b, s, n);
    b[n] = '\0';
    bool ok = false;
    const char *q = b;
    if (strlen(b) != n) goto out; /* an embedded NUL */
    if (*q == '+' || *q == '-') q++;
    if (*q < '0' || *q > '9') goto out;
    while (*q >= '0' && *q <= '9') q++;
    if (*q != '.' && *q != ',') goto out; /* OTP also takes a comma as the radix */
    b[q - b] = '.';
    q++;
    if (*q < '0' || *q > '9') goto out;
    while (*q >= '0' && *q <= '9') q++;
    if (*q == 'e' || *q == 'E') {
        q++;
        if (*q == '+' || *q == '-') q++;
        if (*q < '0' || *q > '9') goto out;
        while (*q >= '0' && *q <= '9') q++;
    }
    if (*q) goto out;
    errno = 0;
    char *end;
    double d = strtod(b, &end);
    if (end != q) goto out;
    if (errno == ERANGE && (d < -1.0e-307 || d > 1.0e-307)) goto out;
    if (!isfinite(d)) goto out;
    *out = d;
    ok = true;
out:
    free(heap_buf);
    return ok;
}

static Term bif_list_to_float(Process *p, const Term *a)
{
    StrBuf sb = STRBUF_INIT;
    double d;
    Term r = byte_list(a[0], &sb) && parse_float(sb.data ? sb.data : "", sb.len, &d)
                 ? make_float(p, d) : bif_badarg(p);
    sb_free(&sb);
    return r;
}

static Term bif_binary_to_float(Process *p, const Term *a)
{
    const unsigned char *b;
    Uint n;
    double d;
    StrBuf tmp = STRBUF_INIT;
    Term r = binary_bytes(a[0], &b, &n, &tmp) && parse_float((const char *)b, n, &d)
                 ? make_float(p, d) : bif_badarg(p);
    sb_free(&tmp);
    return r;
}

/*
 * float_to_list(F, [{decimals, N}]): OTP's sys_double_to_chars_fast. Below 2^53 and with fewer
 * than 19 decimals it rounds the fraction half away from zero (2.5 -> "3", 0.125 -> "0.13"),
 * which printf does not; otherwise it is printf's "%.*f", and longer than 255 bytes is badarg.
 * compact drops trailing zeros but keeps one digit after the point.
 */
static bool format_decimals(StrBuf *sb, double f, int decimals, bool compact)
{
    static const double pow10v[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8, 1e9,
                                    1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};
    size_t start = sb->len;
    double af = fabs(f);
    bool slow = af > (double)((Uint)1 << 53) || decimals >= 19;
    if (slow) {
        sb_printf(sb, "%.*f", decimals, f);
        if (sb->len - start >= 256) return false; /* OTP's 256-byte buffer: badarg */
    } else {
        char rev[64];
        int k = 0;
        Uint int_part;
        if (decimals) {
            double int_f = floor(af);
            double frac_f = round((af - int_f) * pow10v[decimals]);
            int_part = (Uint)int_f;
            Uint frac_part = (Uint)frac_f;
            if (frac_f >= pow10v[decimals]) {
                int_part++;
                frac_part = 0;
            }
            for (int d = decimals; d > 0; d--) {
                rev[k++] = (char)('0' + frac_part % 10);
                frac_part /= 10;
            }
            rev[k++] = '.';
        } else {
            int_part = (Uint)lround(af);
        }
        do {
            rev[k++] = (char)('0' + int_part % 10);
            int_part /= 10;
        } while (int_part);
        if (signbit(f)) rev[k++] = '-';
        while (k > 0) sb_putc(sb, rev[--k]);
    }
    /* OTP strips on the printf path even without a point (1.0e16, [{decimals, 0}, compact]
     * gives "1"), on the fast path only after one */
    if (compact && (decimals > 0 || slow)) {
        size_t e = sb->len;
        while (e > start && sb->data[e - 1] == '0') e--;
        if (e > start && sb->data[e - 1] == '.') e++;
        sb_truncate(sb, e);
    }
    return true;
}

/* The options of float_to_list/2: false on anything else. The last format option wins. */
static bool float_text(Term f, Term opts, StrBuf *sb)
{
    enum { F_DEFAULT, F_SHORT, F_DEC, F_SCI } fmt = F_DEFAULT;
    Sint digits = 20;
    bool compact = false;
    Term l = opts;
    for (; term_is_list(l); l = list_tail(l)) {
        Term o = list_head(l);
        if (o == am(A_SHORT)) {
            fmt = F_SHORT;
        } else if (o == am(A_COMPACT)) {
            compact = true;
        } else if (term_is_tuple(o) && tuple_arity(o) == 2 && tuple_elem(o, 1) == am(A_DECIMALS)) {
            if (!small_in(tuple_elem(o, 2), 0, 253, &digits)) return false;
            fmt = F_DEC;
        } else if (term_is_tuple(o) && tuple_arity(o) == 2 && tuple_elem(o, 1) == am(A_SCIENTIFIC)) {
            if (!small_in(tuple_elem(o, 2), 0, 249, &digits)) return false;
            fmt = F_SCI;
        } else {
            return false;
        }
    }
    if (!term_is_nil(l) || !term_is_float(f)) return false;
    double d = float_val(f);
    switch (fmt) {
    case F_SHORT: print_float_short(sb, d); break;
    case F_DEC: return format_decimals(sb, d, (int)digits, compact);
    case F_SCI: sb_printf(sb, "%.*e", (int)digits, d); break;
    default: sb_printf(sb, "%.20e", d); break;
    }
    return true;
}

static Term float_to_text(Process *p, Term f, Term opts, bool binary)
{
    StrBuf sb = STRBUF_INIT;
    if (!float_text(f, opts, &sb)) {
        sb_free(&sb);
        return bif_badarg(p);
    }
    if (binary) return sb_to_binary(p, &sb);
    Term r = bytes_to_list(p, (const unsigned char *)sb.data, sb.len, NIL);
    sb_free(&sb);
    return r;
}
static Term bif_float_to_list1(Process *p, const Term *a) { return float_to_text(p, a[0], NIL, false); }
static Term bif_float_to_list2(Process *p, const Term *a) { return float_to_text(p, a[0], a[1], false); }
static Term bif_float_to_binary1(Process *p, const Term *a) { return float_to_text(p, a[0], NIL, true); }
static Term bif_float_to_binary2(Process *p, const Term *a) { return float_to_text(p, a[0], a[1], true); }

/* ---- external term format --------------------------------------------------------------- */

static Term t2b(Process *p, Term t, Term opts)
{
    EtfEncodeOpts o = ETF_ENCODE_DEFAULT;
    Term l = opts;
    for (; term_is_list(l); l = list_tail(l)) {
        Term e = list_head(l);
        Sint v;
        if (e == am(A_COMPRESSED)) {
            o.compress_level = 6;
        } else if (e == am(A_DETERMINISTIC)) {
            o.deterministic = true;
        } else if (e == am(A_LOCAL)) {
            /* only affects pids/refs of other nodes, which we do not have */
        } else if (term_is_tuple(e) && tuple_arity(e) == 2 && tuple_elem(e, 1) == am(A_COMPRESSED)) {
            if (!small_in(tuple_elem(e, 2), 0, 9, &v)) return bif_badarg(p);
            o.compress_level = (int)v;
        } else if (term_is_tuple(e) && tuple_arity(e) == 2 &&
                   tuple_elem(e, 1) == am(A_MINOR_VERSION)) {
            if (!small_in(tuple_elem(e, 2), 0, 2, &v)) return bif_badarg(p);
            o.minor_version = (int)v;
        } else {
            return bif_badarg(p);
        }
    }
    if (!term_is_nil(l)) return bif_badarg(p);
    Term r = etf_encode(&p->heap, t, &o);
    return r == NONVALUE ? bif_badarg(p) : r;
}
static Term bif_term_to_binary1(Process *p, const Term *a) { return t2b(p, a[0], NIL); }
static Term bif_term_to_binary2(Process *p, const Term *a) { return t2b(p, a[0], a[1]); }

static Term b2t(Process *p, Term bin, Term opts)
{
    bool safe = false, used = false;
    Term l = opts;
    for (; term_is_list(l); l = list_tail(l)) {
        if (list_head(l) == am(A_SAFE)) safe = true;
        else if (list_head(l) == am(A_USED)) used = true;
        else return bif_badarg(p);
    }
    if (!term_is_nil(l)) return bif_badarg(p);
    const unsigned char *b;
    Uint n;
    StrBuf tmp = STRBUF_INIT;
    Term r;
    size_t consumed = 0;
    if (!binary_bytes(bin, &b, &n, &tmp)) {
        r = bif_badarg(p);
    } else {
        r = etf_decode(&p->heap, b, n, safe, &consumed);
        if (r == NONVALUE) {
            r = bif_badarg(p);
        } else if (used) {
            Term *hp = heap_halloc(&p->heap, 3);
            hp[0] = make_tuple_header(2);
            hp[1] = r;
            hp[2] = int_from_uint(&p->heap, consumed);
            r = make_boxed(hp);
        }
    }
    sb_free(&tmp);
    return r;
}
static Term bif_binary_to_term1(Process *p, const Term *a) { return b2t(p, a[0], NIL); }
static Term bif_binary_to_term2(Process *p, const Term *a) { return b2t(p, a[0], a[1]); }

/* ---- refs, time, identity --------------------------------------------------------------- */

static Term bif_make_ref(Process *p, const Term *a) { return ref_at(heap_halloc(&p->heap, REF_SIZE)); }
static Term bif_self(Process *p, const Term *a) { return p->pid; }
static Term bif_node(Process *p, const Term *a) { return AM(nonode_nohost); }

/* Units per second for a time unit argument; 0 when it is not one. Native is nanoseconds, as
 * on OTP 25 for Linux. */
static Uint time_unit(Term u)
{
    Sint v;
    if (small_in(u, 1, MAX_SMALL, &v)) return (Uint)v;
    if (u == am(A_SECOND) || u == am(A_SECONDS)) return 1;
    if (u == am(A_MILLISECOND) || u == am(A_MILLI_SECONDS)) return 1000;
    if (u == am(A_MICROSECOND) || u == am(A_MICRO_SECONDS)) return 1000000;
    if (u == am(A_NANOSECOND) || u == am(A_NANO_SECONDS) || u == am(A_NATIVE) ||
        u == am(A_PERF_COUNTER))
        return 1000000000;
    return 0;
}

/* An integer term for a 128-bit value. */
static Term int_from_i128(Process *p, __int128 v)
{
    if (v >= INT64_MIN && v <= INT64_MAX) return int_from_sint(&p->heap, (Sint)v);
    bool neg = v < 0;
    unsigned __int128 m = neg ? (unsigned __int128)0 - (unsigned __int128)v : (unsigned __int128)v;
    Uint limbs[2] = {(Uint)m, (Uint)(m >> 64)};
    return int_from_limbs(&p->heap, neg, limbs, 2);
}

/* floor(v * to / from): OTP rounds time conversions toward minus infinity. */
static __int128 scale_floor(Sint v, Uint to, Uint from)
{
    __int128 x = (__int128)v * (__int128)to;
    __int128 q = x / (__int128)from;
    if (x % (__int128)from < 0) q--;
    return q;
}

/* ns converted to units per second. */
static Term time_in(Process *p, Sint ns, Term unit)
{
    Uint ups = unit == NONVALUE ? 1000000000 : time_unit(unit);
    if (!ups) return bif_badarg(p);
    return int_from_i128(p, scale_floor(ns, ups, 1000000000));
}

static Sint clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (Sint)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
static Term bif_monotonic_time0(Process *p, const Term *a) { return time_in(p, clock_ns(CLOCK_MONOTONIC), NONVALUE); }
static Term bif_monotonic_time1(Process *p, const Term *a) { return time_in(p, clock_ns(CLOCK_MONOTONIC), a[0]); }
static Term bif_system_time0(Process *p, const Term *a) { return time_in(p, clock_ns(CLOCK_REALTIME), NONVALUE); }
static Term bif_system_time1(Process *p, const Term *a) { return time_in(p, clock_ns(CLOCK_REALTIME), a[0]); }

/* ---- exceptions ------------------------------------------------------------------------- */

static Term bif_error1(Process *p, const Term *a) { return proc_raise(p, AM(error), a[0]); }
static Term bif_error2(Process *p, const Term *a)
{
    proc_raise(p, AM(error), a[0]);
    if (a[1] != am(A_NONE)) p->exc.args = a[1];
    return NONVALUE;
}
static Term bif_error3(Process *p, const Term *a) { return bif_error2(p, a); }
static Term bif_exit1(Process *p, const Term *a) { return proc_raise(p, AM(exit), a[0]); }
static Term bif_throw1(Process *p, const Term *a) { return proc_raise(p, AM(throw), a[0]); }

/* A stack trace entry raise/3 accepts: {M, F, A, Loc} or {Fun, Args, Loc} (OTP 25 also the
 * older {M, F, A}); A an arity or an argument list, Loc a list. */
static bool valid_frame(Term e)
{
    if (!term_is_tuple(e)) return false;
    Uint n = tuple_arity(e);
    if (n == 4) {
        Term ar = tuple_elem(e, 3);
        return term_is_atom(tuple_elem(e, 1)) && term_is_atom(tuple_elem(e, 2)) &&
               ((term_is_small(ar) && small_val(ar) >= 0) || list_length(ar) >= 0) &&
               list_length(tuple_elem(e, 4)) >= 0;
    }
    if (n == 3) {
        if (term_is_fun(tuple_elem(e, 1))) return list_length(tuple_elem(e, 3)) >= 0;
        Term ar = tuple_elem(e, 3);
        return term_is_atom(tuple_elem(e, 1)) && term_is_atom(tuple_elem(e, 2)) &&
               ((term_is_small(ar) && small_val(ar) >= 0) || list_length(ar) >= 0);
    }
    return false;
}

/* erlang:raise/3: with a bad class or stack trace it does not raise, it returns badarg. */
static Term bif_raise3(Process *p, const Term *a)
{
    if (a[0] != AM(error) && a[0] != AM(exit) && a[0] != AM(throw)) return AM(badarg);
    if (list_length(a[2]) < 0) return AM(badarg);
    for (Term l = a[2]; term_is_list(l); l = list_tail(l))
        if (!valid_frame(list_head(l))) return AM(badarg);
    proc_raise(p, a[0], a[1]);
    p->exc.stacktrace = a[2];
    return NONVALUE;
}

static Term bif_garbage_collect0(Process *p, const Term *a)
{
    p->heap.flags |= HEAP_NEED_FULLSWEEP | HEAP_FORCE_GC;
    return AM(true);
}

/* ---- hashing ---------------------------------------------------------------------------- */

static Term bif_phash2_1(Process *p, const Term *a) { return make_small(term_phash2(a[0])); }

/* phash2/2 reduces OTP's full 32-bit make_hash2 modulo Range (1..2^32). */
static Term bif_phash2_2(Process *p, const Term *a)
{
    Uint range;
    if (term_is_small(a[1]) && small_val(a[1]) >= 1 && small_val(a[1]) <= ((Sint)1 << 32))
        range = (Uint)small_val(a[1]);
    else
        return bif_badarg(p);
    return make_small((Sint)(term_make_hash2(a[0]) % range));
}

/* ---- phash: OTP's old make_hash ---------------------------------------------------------- */

/*
 * erlang:phash/2 is OTP's first term hash (utils.c make_hash), still used by sets version 1
 * whose layout, and so sets:to_list order, depends on its exact values. It is a multiplicative
 * hash, H = H*P + X mod 2^32, with one prime per kind of data:
 *   integers: the bytes of |N|, least significant first, in whole 32-bit words, then *P3 or *P4;
 *   lists: each byte element as H*P2 + B, other elements hashed in turn, then the tail, then *P8;
 *   tuples: the elements, then H*P9 + arity; binaries: the bytes, then H*P4 + byte size;
 *   maps: H*P13 + P14 + make_hash2(Map).
 * Only multiplications and additions touch H, so OTP's 64-bit Eterm accumulator and our 32-bit
 * one agree in the low 32 bits it returns.
 */
enum {
    PH1 = 268440163u, PH2 = 268439161u, PH3 = 268435459u, PH4 = 268436141u,
    PH5 = 268438633u, PH6 = 268437017u, PH8 = 268437511u, PH9 = 268439627u,
    PH10 = 268440479u, PH11 = 268440577u, PH12 = 268440581u, PH13 = 268440593u,
    PH14 = 268440611u,
};

/* The atom's table hash value, atom_hash in erl_atom_table.c: make_hash2 of a lone atom. */
static uint32_t atom_hvalue(Term atom) { return term_make_hash2(atom); }

/* UINT32_HASH_STEP: the four bytes of x, least significant first. */
static uint32_t phash_u32(uint32_t h, uint32_t x, uint32_t prime)
{
    for (int i = 0; i < 4; i++) h = h * prime + ((x >> (8 * i)) & 0xFFu);
    return h;
}

static uint32_t phash_binary(uint32_t h, Term t)
{
    BinView v;
    bin_view(t, &v);
    Uint sz = v.bit_size / 8, bits = v.bit_size % 8;
    for (Uint i = 0; i < sz; i++) {
        unsigned char b;
        bin_copy_bits(v.base, v.bit_offset + 8 * i, &b, 0, 8);
        h = h * PH1 + b;
    }
    if (bits) {
        unsigned char b = 0;
        bin_copy_bits(v.base, v.bit_offset + 8 * sz, &b, 0, bits);
        h = (h * PH1 + (uint32_t)(b >> (8 - bits))) * PH12 + (uint32_t)bits;
    }
    return h * PH4 + (uint32_t)sz;
}

static uint32_t phash_big(uint32_t h, Term t)
{
    const Uint *d = big_limbs(t);
    Uint n = big_digits(t);
    for (Uint i = 0; i < n; i++) {
        Uint x = d[i];
        /* the top digit hashes 4 bytes when its high half is empty, as OTP's 64-bit digits */
        int bytes = i + 1 == n && !(x >> 32) ? 4 : 8;
        for (int j = 0; j < bytes; j++, x >>= 8) h = h * PH2 + (uint32_t)(x & 0xFF);
    }
    return h * (big_is_neg(t) ? PH4 : PH3);
}

/* Work for the explicit stack: the rest of a list, the rest of a tuple or fun environment,
 * or the end of a tuple or list. */
typedef enum { PW_LIST, PW_ARRAY, PW_TUPLE_END, PW_LIST_END } PhashOp;
typedef struct PhashWork {
    PhashOp op;
    const Term *elems; /* PW_ARRAY: the elements left */
    Uint n;            /* PW_ARRAY: how many; PW_TUPLE_END: the arity */
    Term t;            /* PW_LIST: the rest of a list (or its tail) */
} PhashWork;
typedef struct PhashStack {
    PhashWork *w;
    size_t len, cap;
} PhashStack;

static void pw_push(PhashStack *s, PhashWork w)
{
    if (s->len == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 32;
        PhashWork *nw = realloc(s->w, s->cap * sizeof *nw);
        if (!nw) abort();
        s->w = nw;
    }
    s->w[s->len++] = w;
}

/* One term's own contribution; parts to hash afterwards go on the stack (pushed in reverse). */
static uint32_t phash_one(uint32_t h, Term t, PhashStack *s)
{
    if (term_is_nil(t)) return h * PH3 + 1;
    if (term_is_atom(t)) return h * PH1 + atom_hvalue(t);
    if (term_is_small(t)) {
        Sint y = small_val(t);
        Uint m = y < 0 ? (Uint)0 - (Uint)y : (Uint)y;
        h = phash_u32(h, (uint32_t)m, PH2);
        if (m >> 32) h = phash_u32(h, (uint32_t)(m >> 32), PH2);
        return h * (y < 0 ? PH4 : PH3);
    }
    if (term_is_list(t)) {
        /* [E1, ..., En | Tail]: the elements, the tail, then *P8 (OTP's CDR_POST_OP) */
        pw_push(s, (PhashWork){PW_LIST_END, NULL, 0, 0});
        pw_push(s, (PhashWork){PW_LIST, NULL, 0, t});
        return h;
    }
    switch (term_kind(t)) {
    case KIND_PID: return phash_u32(h, (uint32_t)pid_number(t), PH5) * PH6;
    case KIND_PORT: return phash_u32(h, (uint32_t)port_number(t), PH9) * PH10;
    case KIND_REF: return phash_u32(h, (uint32_t)boxed_ptr(t)[1], PH9) * PH10;
    case KIND_NUMBER:
        if (term_is_big(t)) return phash_big(h, t);
        {
            double d = float_val(t);
            uint64_t bits;
            if (d == 0.0) d = 0.0; /* -0.0 hashes as 0.0 */
            memcpy(&bits, &d, sizeof bits);
            return h * PH6 + ((uint32_t)bits ^ (uint32_t)(bits >> 32));
        }
    case KIND_BITSTRING: return phash_binary(h, t);
    case KIND_MAP: return h * PH13 + PH14 + term_make_hash2(t);
    case KIND_TUPLE: {
        Uint n = tuple_arity(t);
        pw_push(s, (PhashWork){PW_TUPLE_END, NULL, n, 0});
        if (n) pw_push(s, (PhashWork){PW_ARRAY, tuple_elems(t) + 1, n, 0});
        return h;
    }
    case KIND_FUN: {
        const FunEntry *fe = fun_entry(t);
        if (fe->is_export) {
            h = h * PH11 + fe->arity;
            h = h * PH1 + atom_hvalue(fe->module);
            return h * PH1 + atom_hvalue(fe->name);
        }
        unsigned nfree = fun_num_free(t);
        h = h * PH10 + nfree;
        h = h * PH1 + atom_hvalue(fe->module);
        h = h * PH2 + fe->index;
        h = h * PH2 + fe->uniq;
        if (nfree) pw_push(s, (PhashWork){PW_ARRAY, fun_env(t), nfree, 0});
        return h;
    }
    default: return h;
    }
}

static uint32_t term_make_hash(Term t)
{
    PhashStack s = {NULL, 0, 0};
    uint32_t h = phash_one(0, t, &s);
    while (s.len) {
        PhashWork w = s.w[--s.len];
        switch (w.op) {
        case PW_LIST: {
            if (!term_is_list(w.t)) {
                h = phash_one(h, w.t, &s); /* the tail: [] or an improper end */
                break;
            }
            pw_push(&s, (PhashWork){PW_LIST, NULL, 0, list_tail(w.t)});
            Term e = list_head(w.t);
            /* bytes in a list (strings) hash inline, unlike a lone small */
            if (term_is_small(e) && small_val(e) >= 0 && small_val(e) <= 255) h = h * PH2 + (uint32_t)small_val(e);
            else h = phash_one(h, e, &s);
            break;
        }
        case PW_ARRAY:
            if (w.n > 1) pw_push(&s, (PhashWork){PW_ARRAY, w.elems + 1, w.n - 1, 0});
            h = phash_one(h, w.elems[0], &s);
            break;
        case PW_TUPLE_END: h = h * PH9 + (uint32_t)w.n; break;
        case PW_LIST_END: h *= PH8; break;
        }
    }
    free(s.w);
    return h;
}

/* phash/2: 1 + hash rem Range, Range in 1..2^32. */
static Term bif_phash_2(Process *p, const Term *a)
{
    if (!term_is_small(a[1]) || small_val(a[1]) < 1 || small_val(a[1]) > ((Sint)1 << 32))
        return bif_badarg(p);
    Uint range = (Uint)small_val(a[1]);
    return make_small((Sint)(term_make_hash(a[0]) % range) + 1);
}

/* ---- maps in guards ---------------------------------------------------------------------- */

static Term bif_map_size(Process *p, const Term *a)
{
    if (!term_is_map(a[0])) return bif_error(p, heap_tuple2(&p->heap, AM(badmap), a[0]));
    return make_small((Sint)map_size(a[0]));
}
static Term bif_map_get(Process *p, const Term *a)
{
    Term v;
    if (!term_is_map(a[1])) return bif_error(p, heap_tuple2(&p->heap, AM(badmap), a[1]));
    return map_get(a[1], a[0], &v) ? v : bif_error(p, heap_tuple2(&p->heap, AM(badkey), a[0]));
}
static Term bif_is_map_key(Process *p, const Term *a)
{
    if (!term_is_map(a[1])) return bif_error(p, heap_tuple2(&p->heap, AM(badmap), a[1]));
    return make_bool(map_get(a[1], a[0], NULL));
}

/* ---- fun_info ---------------------------------------------------------------------------- */

/*
 * fun_info/2's value for one key, NONVALUE for a key OTP 25 does not know. Where a FunEntry
 * cannot hold OTP's value:
 *   - uniq is our FunEntry's uniq (OTP's old_uniq comes from the module's MD5, as does
 *     new_uniq); new_uniq is a 16-byte binary: uniq big endian, then twelve zeros;
 *   - refc is 2 (OTP counts the loaded module plus every fun object not yet collected, which
 *     is 2 for a single live fun); index and new_index are both the fun's index, as in OTP 25;
 *   - env is the free variables in the order our compiler stores them (OTP's beam compiler
 *     orders them by variable name).
 */
static Term fun_info_value(Process *p, Term f, Term key)
{
    const FunEntry *fe = fun_entry(f);
    bool local = !fe->is_export;
    if (key == am(A_TYPE)) return local ? am(A_LOCAL) : AM(external);
    if (key == am(A_MODULE)) return fe->module;
    if (key == am(A_NAME)) return fe->name;
    if (key == am(A_ARITY)) return make_small(fe->arity);
    if (key == am(A_ENV)) {
        if (!local) return NIL;
        return build_list(p, fun_env(f), fun_num_free(f), NIL);
    }
    if (key == am(A_PID)) return local ? fun_creator(f) : AM(undefined);
    if (key == am(A_INDEX) || key == am(A_NEW_INDEX)) return local ? make_small(fe->index) : AM(undefined);
    if (key == am(A_UNIQ)) return local ? make_small(fe->uniq) : AM(undefined);
    if (key == am(A_REFC)) return local ? make_small(2) : AM(undefined);
    if (key == am(A_NEW_UNIQ)) {
        if (!local) return AM(undefined);
        unsigned char md5[16] = {(unsigned char)(fe->uniq >> 24), (unsigned char)(fe->uniq >> 16),
                                 (unsigned char)(fe->uniq >> 8), (unsigned char)fe->uniq};
        return bin_new(&p->heap, (const char *)md5, sizeof md5);
    }
    return NONVALUE;
}

static Term bif_fun_info2(Process *p, const Term *a)
{
    if (!term_is_fun(a[0]) || !term_is_atom(a[1])) return bif_badarg(p);
    Term v = fun_info_value(p, a[0], a[1]);
    return v == NONVALUE ? bif_badarg(p) : heap_tuple2(&p->heap, a[1], v);
}

/* fun_info/1: OTP 25's erlang.erl asks for these keys in this order, consing each pair whose
 * value is not undefined onto the front, so the list comes out reversed. */
static Term bif_fun_info1(Process *p, const Term *a)
{
    static const int keys[] = {A_TYPE, A_ENV, A_ARITY, A_NAME, A_UNIQ, A_INDEX, A_NEW_UNIQ,
                               A_NEW_INDEX, A_MODULE, A_PID};
    if (!term_is_fun(a[0])) return bif_badarg(p);
    Term r = NIL;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        Term v = fun_info_value(p, a[0], am(keys[i]));
        if (v == AM(undefined)) continue;
        r = cons_at(heap_halloc(&p->heap, 2), heap_tuple2(&p->heap, am(keys[i]), v), r);
    }
    return r;
}

/* ---- more tuples ------------------------------------------------------------------------ */

static Term bif_insert_element(Process *p, const Term *a)
{
    Sint i;
    if (!term_is_tuple(a[1]) || tuple_arity(a[1]) >= MAX_ARITY ||
        !small_in(a[0], 1, (Sint)tuple_arity(a[1]) + 1, &i))
        return bif_badarg(p);
    Uint n = tuple_arity(a[1]);
    Term *hp = heap_halloc(&p->heap, n + 2);
    hp[0] = make_tuple_header(n + 1);
    const Term *e = tuple_elems(a[1]);
    for (Uint k = 1, src = 1; k <= n + 1; k++) hp[k] = (Sint)k == i ? a[2] : e[src++];
    return make_boxed(hp);
}

static Term bif_delete_element(Process *p, const Term *a)
{
    Sint i;
    if (!term_is_tuple(a[1]) || !small_in(a[0], 1, (Sint)tuple_arity(a[1]), &i)) return bif_badarg(p);
    Uint n = tuple_arity(a[1]);
    if (n == 1) return literal_empty_tuple();
    Term *hp = heap_halloc(&p->heap, n);
    hp[0] = make_tuple_header(n - 1);
    const Term *e = tuple_elems(a[1]);
    for (Uint k = 1, dst = 1; k <= n; k++)
        if ((Sint)k != i) hp[dst++] = e[k];
    return make_boxed(hp);
}

/* ---- bitstrings and lists --------------------------------------------------------------- */

/* bitstring_to_list: the whole bytes, then the remaining bits as a bitstring tail. */
static Term bif_bitstring_to_list(Process *p, const Term *a)
{
    BinView v;
    if (!bin_view(a[0], &v)) return bif_badarg(p);
    Uint bytes = v.bit_size / 8, rest = v.bit_size % 8;
    Term tail = NIL;
    if (rest) tail = cons_at(heap_halloc(&p->heap, 2), bin_extract(&p->heap, a[0], bytes * 8, rest), NIL);
    if (bytes == 0) return tail;
    Term *hp = heap_halloc(&p->heap, 2 * bytes);
    Term r = tail;
    for (Uint i = bytes; i-- > 0;) {
        unsigned char b;
        bin_copy_bits(v.base, v.bit_offset + 8 * i, &b, 0, 8);
        r = cons_at(hp + 2 * i, make_small(b), r);
    }
    return r;
}

/* Appends n bits at bit offset soffs of src to a bit buffer. */
typedef struct BitOut {
    StrBuf sb;
    Uint bits;
} BitOut;
static void bits_append(BitOut *o, const unsigned char *src, Uint soffs, Uint n)
{
    Uint need = (o->bits + n + 7) / 8;
    while (o->sb.len < need) sb_putc(&o->sb, 0);
    bin_copy_bits(src, soffs, (unsigned char *)o->sb.data, o->bits, n);
    o->bits += n;
}

/* list_to_bitstring: an iolist whose binaries may be bitstrings, concatenated bit by bit. */
static bool bitlist_walk(Term t, BitOut *o)
{
    Term *stack = NULL;
    size_t sp = 0, cap = 0;
    bool ok = true;
    for (;;) {
        while (term_is_list(t)) {
            Term h = list_head(t);
            BinView v;
            if (term_is_small(h) && small_val(h) >= 0 && small_val(h) <= 255) {
                unsigned char b = (unsigned char)small_val(h);
                bits_append(o, &b, 0, 8);
            } else if (term_is_list(h) || term_is_nil(h)) {
                if (sp == cap) {
                    cap = cap ? 2 * cap : 32;
                    Term *ns = realloc(stack, cap * sizeof *ns);
                    if (!ns) abort();
                    stack = ns;
                }
                stack[sp++] = list_tail(t);
                t = h;
                continue;
            } else if (bin_view(h, &v)) {
                bits_append(o, v.base, v.bit_offset, v.bit_size);
            } else {
                ok = false;
                goto done;
            }
            t = list_tail(t);
        }
        BinView v;
        if (bin_view(t, &v)) bits_append(o, v.base, v.bit_offset, v.bit_size);
        else if (!term_is_nil(t)) {
            ok = false;
            goto done;
        }
        if (sp == 0) break;
        t = stack[--sp];
    }
done:
    free(stack);
    return ok;
}

static Term bif_list_to_bitstring(Process *p, const Term *a)
{
    if (!term_is_list(a[0]) && !term_is_nil(a[0])) return bif_badarg(p);
    BitOut o = {STRBUF_INIT, 0};
    Term r;
    if (!bitlist_walk(a[0], &o)) {
        r = bif_badarg(p);
    } else {
        Term bin = bin_new(&p->heap, o.sb.data, o.sb.len);
        r = o.bits % 8 ? bin_extract(&p->heap, bin, 0, o.bits) : bin;
    }
    sb_free(&o.sb);
    return r;
}

/* ---- term text -------------------------------------------------------------------------- */

/* ~w text of a pid, port, ref or fun as a list of characters (print.h's UTF-8 decoded). */
static Term text_list(Process *p, Term t)
{
    StrBuf sb = STRBUF_INIT;
    print_w(&sb, t, -1);
    uint32_t *cs = malloc((sb.len + 1) * sizeof *cs);
    if (!cs) abort();
    long k = utf8_decode((const unsigned char *)sb.data, sb.len, cs);
    Term r = k < 0 ? bytes_to_list(p, (const unsigned char *)sb.data, sb.len, NIL)
                   : codepoints_to_list(p, cs, (Uint)k);
    free(cs);
    sb_free(&sb);
    return r;
}
static Term bif_pid_to_list(Process *p, const Term *a)
{
    return term_kind(a[0]) == KIND_PID ? text_list(p, a[0]) : bif_badarg(p);
}
static Term bif_port_to_list(Process *p, const Term *a)
{
    return term_kind(a[0]) == KIND_PORT ? text_list(p, a[0]) : bif_badarg(p);
}
static Term bif_ref_to_list(Process *p, const Term *a)
{
    return term_kind(a[0]) == KIND_REF ? text_list(p, a[0]) : bif_badarg(p);
}
static Term bif_fun_to_list(Process *p, const Term *a)
{
    return term_is_fun(a[0]) ? text_list(p, a[0]) : bif_badarg(p);
}

/* list_to_pid("<0.N.0>"): local pids only (no distribution). */
static Term bif_list_to_pid(Process *p, const Term *a)
{
    StrBuf sb = STRBUF_INIT;
    Term r = NONVALUE;
    unsigned long long node, num, serial;
    int used = -1;
    if (byte_list(a[0], &sb) && sb.data &&
        sscanf(sb.data, "<%llu.%llu.%llu>%n", &node, &num, &serial, &used) == 3 &&
        (size_t)used == sb.len && sb.data[1] >= '0' && sb.data[1] <= '9' && node == 0 && serial == 0 &&
        num < ((Uint)1 << 59))
        r = make_pid((Uint)num);
    sb_free(&sb);
    return r == NONVALUE ? bif_badarg(p) : r;
}

/* ---- checksums --------------------------------------------------------------------------- */

/* zlib's CRC-32 (reflected polynomial 0xEDB88320) and Adler-32, continued from a previous
 * value as erlang:crc32/2 and adler32/2 do. */
static uint32_t crc32_table[256];
static void crc32_table_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc32_table[i] = c;
    }
}
static uint32_t crc32_update(uint32_t crc, const unsigned char *b, size_t n)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, crc32_table_init);
    crc = ~crc;
    for (size_t i = 0; i < n; i++) crc = crc32_table[(crc ^ b[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

static uint32_t adler32_update(uint32_t adler, const unsigned char *b, size_t n)
{
    uint32_t a = adler & 0xFFFF, c = adler >> 16;
    for (size_t i = 0; i < n; i++) {
        a = (a + b[i]) % 65521u;
        c = (c + a) % 65521u;
    }
    return c << 16 | a;
}

typedef uint32_t (*SumFn)(uint32_t, const unsigned char *, size_t);

/* A checksum of iodata continuing from start (a 32-bit unsigned integer). */
static Term checksum(Process *p, Term start, Term data, SumFn fn)
{
    Sint s0;
    if (!small_in(start, 0, 0xFFFFFFFF, &s0)) return bif_badarg(p);
    StrBuf sb = STRBUF_INIT;
    Uint n;
    const unsigned char *bytes;
    StrBuf tmp = STRBUF_INIT;
    Term r;
    if (binary_bytes(data, &bytes, &n, &tmp)) {
        r = make_small(fn((uint32_t)s0, bytes, n));
    } else if ((term_is_list(data) || term_is_nil(data)) && iolist_walk(data, &sb, &n)) {
        r = make_small(fn((uint32_t)s0, (const unsigned char *)sb.data, sb.len));
    } else {
        r = bif_badarg(p);
    }
    sb_free(&sb);
    sb_free(&tmp);
    return r;
}
static Term bif_crc32_1(Process *p, const Term *a) { return checksum(p, make_small(0), a[0], crc32_update); }
static Term bif_crc32_2(Process *p, const Term *a) { return checksum(p, a[0], a[1], crc32_update); }
static Term bif_adler32_1(Process *p, const Term *a) { return checksum(p, make_small(1), a[0], adler32_update); }
static Term bif_adler32_2(Process *p, const Term *a) { return checksum(p, a[0], a[1], adler32_update); }

/* crc32_combine/3 and adler32_combine/3: the checksum of A ++ B from those of A and B and
 * B's length, zlib's algorithms (CRC: appending len2 zero bytes as GF(2) matrix powers). */
static uint32_t gf2_times(const uint32_t *mat, uint32_t vec)
{
    uint32_t sum = 0;
    for (; vec; vec >>= 1, mat++)
        if (vec & 1) sum ^= *mat;
    return sum;
}
static void gf2_square(uint32_t *sq, const uint32_t *mat)
{
    for (int n = 0; n < 32; n++) sq[n] = gf2_times(mat, mat[n]);
}
static uint32_t crc32_combine(uint32_t crc1, uint32_t crc2, uint64_t len2)
{
    if (len2 == 0) return crc1 ^ crc2;
    uint32_t even[32], odd[32];
    odd[0] = 0xEDB88320u;
    for (int n = 1; n < 32; n++) odd[n] = (uint32_t)1 << (n - 1);
    gf2_square(even, odd); /* two zero bits */
    gf2_square(odd, even); /* four */
    for (;;) {
        gf2_square(even, odd);
        if (len2 & 1) crc1 = gf2_times(even, crc1);
        if (!(len2 >>= 1)) break;
        gf2_square(odd, even);
        if (len2 & 1) crc1 = gf2_times(odd, crc1);
        if (!(len2 >>= 1)) break;
    }
    return crc1 ^ crc2;
}
static uint32_t adler32_combine(uint32_t a1, uint32_t a2, uint64_t len2)
{
    const uint64_t base = 65521;
    uint64_t rem = len2 % base;
    uint64_t sum1 = a1 & 0xFFFF;
    uint64_t sum2 = rem * sum1 % base;
    sum1 += (a2 & 0xFFFF) + base - 1;
    sum2 += (a1 >> 16 & 0xFFFF) + (a2 >> 16 & 0xFFFF) + base - rem;
    if (sum1 >= base) sum1 -= base;
    if (sum1 >= base) sum1 -= base;
    if (sum2 >= base << 1) sum2 -= base << 1;
    if (sum2 >= base) sum2 -= base;
    return (uint32_t)(sum1 | sum2 << 16);
}
static Term combine(Process *p, const Term *a, uint32_t (*fn)(uint32_t, uint32_t, uint64_t))
{
    Sint x, y, n;
    if (!small_in(a[0], 0, 0xFFFFFFFF, &x) || !small_in(a[1], 0, 0xFFFFFFFF, &y) ||
        !small_in(a[2], 0, 0xFFFFFFFF, &n))
        return bif_badarg(p);
    return make_small(fn((uint32_t)x, (uint32_t)y, (uint64_t)n));
}
static Term bif_crc32_combine(Process *p, const Term *a) { return combine(p, a, crc32_combine); }
static Term bif_adler32_combine(Process *p, const Term *a) { return combine(p, a, adler32_combine); }

/* MD5 (RFC 1321) for erlang:md5/1. */
typedef struct Md5 {
    uint32_t h[4];
    uint64_t len;
    unsigned char buf[64];
    size_t n;
} Md5;

static uint32_t rol32(uint32_t x, unsigned c) { return x << c | x >> (32 - c); }

static void md5_block(Md5 *m, const unsigned char *b)
{
    static const uint32_t k[64] = {
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
        0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
        0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
        0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
        0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
        0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
        0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
        0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
    static const unsigned char r[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                        5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
                                        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                        6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
    uint32_t w[16];
    for (int i = 0; i < 16; i++)
        w[i] = b[4 * i] | (uint32_t)b[4 * i + 1] << 8 | (uint32_t)b[4 * i + 2] << 16 | (uint32_t)b[4 * i + 3] << 24;
    uint32_t a = m->h[0], bb = m->h[1], c = m->h[2], d = m->h[3];
    for (int i = 0; i < 64; i++) {
        uint32_t f;
        int g;
        if (i < 16) f = (bb & c) | (~bb & d), g = i;
        else if (i < 32) f = (d & bb) | (~d & c), g = (5 * i + 1) % 16;
        else if (i < 48) f = bb ^ c ^ d, g = (3 * i + 5) % 16;
        else f = c ^ (bb | ~d), g = (7 * i) % 16;
        uint32_t t = d;
        d = c;
        c = bb;
        bb = bb + rol32(a + f + k[i] + w[g], r[i]);
        a = t;
    }
    m->h[0] += a;
    m->h[1] += bb;
    m->h[2] += c;
    m->h[3] += d;
}

static void md5_update(Md5 *m, const unsigned char *b, size_t n)
{
    m->len += n;
    while (n) {
        size_t take = 64 - m->n < n ? 64 - m->n : n;
        memcpy(m->buf + m->n, b, take);
        m->n += take;
        b += take;
        n -= take;
        if (m->n == 64) {
            md5_block(m, m->buf);
            m->n = 0;
        }
    }
}

static void md5_digest(const unsigned char *b, size_t n, unsigned char out[16])
{
    Md5 m = {{0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476}, 0, {0}, 0};
    md5_update(&m, b, n);
    uint64_t bits = m.len * 8;
    unsigned char pad[72] = {0x80};
    size_t padlen = (m.n < 56 ? 56 : 120) - m.n;
    for (int i = 0; i < 8; i++) pad[padlen + i] = (unsigned char)(bits >> (8 * i));
    md5_update(&m, pad, padlen + 8);
    for (int i = 0; i < 16; i++) out[i] = (unsigned char)(m.h[i / 4] >> (8 * (i % 4)));
}

static Term bif_md5(Process *p, const Term *a)
{
    StrBuf sb = STRBUF_INIT, tmp = STRBUF_INIT;
    const unsigned char *bytes;
    Uint n;
    Term r;
    unsigned char out[16];
    if (binary_bytes(a[0], &bytes, &n, &tmp)) {
        md5_digest(bytes, n, out);
        r = bin_new(&p->heap, out, 16);
    } else if ((term_is_list(a[0]) || term_is_nil(a[0])) && iolist_walk(a[0], &sb, &n)) {
        md5_digest((const unsigned char *)sb.data, sb.len, out);
        r = bin_new(&p->heap, out, 16);
    } else {
        r = bif_badarg(p);
    }
    sb_free(&sb);
    sb_free(&tmp);
    return r;
}

/* ---- aliases and scheduling hints ---------------------------------------------------------- */

/* erlang:append/2 and subtract/2 are ++ and -- under their names. */
static Term bif_append2(Process *p, const Term *a) { return bif_append(p, a); }
static Term bif_subtract2(Process *p, const Term *a) { return bif_subtract(p, a); }

/* is_builtin/3: M:F/A is implemented in C (apply/2,3 are VM instructions here). */
static Term bif_is_builtin(Process *p, const Term *a)
{
    if (!term_is_atom(a[0]) || !term_is_atom(a[1]) || !term_is_small(a[2])) return bif_badarg(p);
    Sint n = small_val(a[2]);
    if (n < 0 || n > 255) return AM(false);
    if (a[0] == atom_put("erlang", 6) && a[1] == am(A_APPLY) && (n == 2 || n == 3)) return AM(true);
    return make_bool(bif_lookup(a[0], a[1], (unsigned)n) != NULL);
}

/* yield/0: give up the rest of the slice (the VM switches at the next call). */
static Term bif_yield(Process *p, const Term *a)
{
    p->reds_left = 1;
    return AM(true);
}

/* bump_reductions/1: charge N more reductions; N a non-negative small. */
static Term bif_bump_reductions(Process *p, const Term *a)
{
    Sint n;
    if (!small_in(a[0], 0, MAX_SMALL, &n)) return bif_badarg(p);
    if (n >= p->reds_left) n = p->reds_left > 1 ? p->reds_left - 1 : 0;
    p->reds_left -= (int)n;
    p->reductions += (Uint)n;
    return AM(true);
}

/* ports/0: heapscope opens no ports. */
static Term bif_ports(Process *p, const Term *a) { return NIL; }

/* system_info/1: the keys that describe the emulator heapscope reproduces (OTP 25.2.3 on a
 * 64-bit machine); other keys are not provided (badarg). */
static Term chars(Process *p, const char *s) { return bytes_to_list(p, (const unsigned char *)s, strlen(s), NIL); }
static Term bif_system_info(Process *p, const Term *a)
{
    Term k = a[0];
    if (k == am(A_OTP_RELEASE)) return chars(p, "25");
    if (k == am(A_VERSION)) return chars(p, "13.1.5");
    if (k == am(A_MACHINE)) return chars(p, "BEAM");
    if (k == am(A_WORDSIZE)) return make_small(8);
    if (k == am(A_SMP_SUPPORT)) return AM(true);
    if (term_is_tuple(k) && tuple_arity(k) == 2 && tuple_elem(k, 1) == am(A_WORDSIZE) &&
        (tuple_elem(k, 2) == am(A_INTERNAL) || tuple_elem(k, 2) == am(A_EXTERNAL)))
        return make_small(8);
    return bif_badarg(p);
}

/* ---- records, nodes, modules ------------------------------------------------------------- */

/* is_record/2: a tuple whose first element is the atom Tag; a non-atom Tag is badarg. */
static Term bif_is_record2(Process *p, const Term *a)
{
    if (!term_is_atom(a[1])) return bif_badarg(p);
    return make_bool(term_is_tuple(a[0]) && tuple_arity(a[0]) >= 1 && tuple_elem(a[0], 1) == a[1]);
}
/* is_record/3: also of arity Size; Tag must be an atom and Size a small integer. */
static Term bif_is_record3(Process *p, const Term *a)
{
    if (!term_is_atom(a[1]) || !term_is_small(a[2])) return bif_badarg(p);
    Sint n = small_val(a[2]);
    return make_bool(n >= 1 && term_is_tuple(a[0]) && (Sint)tuple_arity(a[0]) == n &&
                     tuple_elem(a[0], 1) == a[1]);
}

/* Without distribution every pid, port and ref is local: node/1 is nonode@nohost, the node
 * is not alive, and nodes/0,1 list only the local node for `this` and `known`. */
static Term bif_node1(Process *p, const Term *a)
{
    TermKind k = term_kind(a[0]);
    return k == KIND_PID || k == KIND_PORT || k == KIND_REF ? AM(nonode_nohost) : bif_badarg(p);
}
static Term bif_nodes0(Process *p, const Term *a) { return NIL; }
static Term bif_is_alive(Process *p, const Term *a) { return AM(false); }
static bool node_type(Term t, bool *self)
{
    if (t == am(A_THIS) || t == am(A_KNOWN)) *self = true;
    else if (t != am(A_VISIBLE) && t != am(A_HIDDEN) && t != am(A_CONNECTED)) return false;
    return true;
}
static Term bif_nodes1(Process *p, const Term *a)
{
    bool self = false;
    if (term_is_atom(a[0])) {
        if (!node_type(a[0], &self)) return bif_badarg(p);
    } else {
        Term l = a[0];
        for (; term_is_list(l); l = list_tail(l))
            if (!node_type(list_head(l), &self)) return bif_badarg(p);
        if (!term_is_nil(l)) return bif_badarg(p);
    }
    return self ? cons_at(heap_halloc(&p->heap, 2), AM(nonode_nohost), NIL) : NIL;
}

/* module_loaded/1: loaded already (it loads nothing). */
static Term bif_module_loaded(Process *p, const Term *a)
{
    if (!term_is_atom(a[0])) return bif_badarg(p);
    return make_bool(code_find_module(a[0]) != NULL);
}

/* ---- code ------------------------------------------------------------------------------ */

/* function_exported/3: true for a BIF, or an exported function of a module already loaded
 * (it loads nothing, as OTP); module_info/0,1 count as exported in every loaded module, as
 * OTP's compiler adds them. A negative or huge arity is false, a bignum arity badarg. */
static Term bif_function_exported(Process *p, const Term *a)
{
    if (!term_is_atom(a[0]) || !term_is_atom(a[1]) || !term_is_small(a[2])) return bif_badarg(p);
    Sint ar = small_val(a[2]);
    if (ar < 0 || ar > 255) return AM(false);
    unsigned n = (unsigned)ar;
    if (bif_lookup(a[0], a[1], n)) return AM(true);
    if (a[0] == atom_put("erlang", 6) && a[1] == am(A_APPLY) && (n == 2 || n == 3)) return AM(true);
    if (!code_find_module(a[0])) return AM(false);
    if (a[1] == am(A_MODULE_INFO) && n <= 1) return AM(true);
    return make_bool(code_export_code(code_export(a[0], a[1], n)) != NULL);
}

/* Parses "<prefix>0.N1.N2...>" (n numbers after the node 0, each at most max, digits only)
 * from a byte list. */
static bool parse_id(Term list, const char *prefix, int n, uint64_t max, uint64_t *out)
{
    StrBuf sb = STRBUF_INIT;
    bool ok = byte_list(list, &sb) && sb.data;
    size_t plen = strlen(prefix);
    const char *q = ok ? sb.data : NULL;
    const char *end = ok ? sb.data + sb.len : NULL;
    ok = ok && sb.len > plen + 2 && memcmp(q, prefix, plen) == 0 && q[plen] == '0' && q[plen + 1] == '.';
    if (ok) q += plen + 2;
    for (int i = 0; ok && i < n; i++) {
        uint64_t v = 0;
        const char *d = q;
        while (q < end && *q >= '0' && *q <= '9') {
            v = v * 10 + (uint64_t)(*q - '0');
            if (v > max) ok = false;
            q++;
        }
        if (q == d || q == end || *q != (i + 1 < n ? '.' : '>')) ok = false;
        out[i] = v;
        q++;
    }
    ok = ok && q == end;
    sb_free(&sb);
    return ok;
}

/* list_to_ref("#Ref<0.A.B.C>"): the ordinary local ref with those numbers. */
static Term bif_list_to_ref(Process *p, const Term *a)
{
    uint64_t n[3];
    if (!parse_id(a[0], "#Ref<", 3, 0xFFFFFFFFu, n)) return bif_badarg(p);
    Term *hp = heap_halloc(&p->heap, REF_SIZE);
    hp[0] = make_header(SUB_REF, REF_ORDINARY, 2);
    hp[1] = (Uint)(n[1] << 32 | n[2]);
    hp[2] = (Uint)n[0];
    return make_boxed(hp);
}

/* list_to_port("#Port<0.N>"), N below 2^28 as OTP's port numbers. */
static Term bif_list_to_port(Process *p, const Term *a)
{
    uint64_t n;
    if (!parse_id(a[0], "#Port<", 1, (1u << 28) - 1, &n)) return bif_badarg(p);
    return make_port((Uint)n);
}

/* ---- unique integers and time ------------------------------------------------------------ */

static _Atomic uint64_t unique_counter;

/* unique_integer/0,1: one global counter; [positive] counts from 1, otherwise values start
 * near the smallest small integer, as OTP's do (-576460752303423487 ...). */
static Term unique(Process *p, Term opts)
{
    bool positive = false;
    Term a_positive = atom_put("positive", 8), a_monotonic = atom_put("monotonic", 9);
    Term l = opts;
    for (; term_is_list(l); l = list_tail(l)) {
        if (list_head(l) == a_positive) positive = true;
        else if (list_head(l) != a_monotonic) return bif_badarg(p);
    }
    if (!term_is_nil(l)) return bif_badarg(p);
    uint64_t n = atomic_fetch_add_explicit(&unique_counter, 1, memory_order_relaxed) + 1;
    return positive ? int_from_uint(&p->heap, n) : int_from_sint(&p->heap, MIN_SMALL + (Sint)n);
}
static Term bif_unique_integer0(Process *p, const Term *a) { return unique(p, NIL); }
static Term bif_unique_integer1(Process *p, const Term *a) { return unique(p, a[0]); }

static Term bif_timestamp(Process *p, const Term *a)
{
    Sint us = clock_ns(CLOCK_REALTIME) / 1000;
    Term *hp = heap_halloc(&p->heap, 4);
    hp[0] = make_tuple_header(3);
    hp[1] = make_small(us / 1000000000000);
    hp[2] = make_small(us / 1000000 % 1000000);
    hp[3] = make_small(us % 1000000);
    return make_boxed(hp);
}

/* date/0 and time/0: the local calendar date and time. */
static Term tuple3_small(Process *p, Sint x, Sint y, Sint z)
{
    Term *hp = heap_halloc(&p->heap, 4);
    hp[0] = make_tuple_header(3);
    hp[1] = make_small(x);
    hp[2] = make_small(y);
    hp[3] = make_small(z);
    return make_boxed(hp);
}
static struct tm local_now(void)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    return tm;
}
static Term bif_date(Process *p, const Term *a)
{
    struct tm tm = local_now();
    return tuple3_small(p, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}
static Term bif_time(Process *p, const Term *a)
{
    struct tm tm = local_now();
    return tuple3_small(p, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* now/0 (deprecated in OTP, still used): system time in microseconds, strictly increasing
 * over all calls as OTP guarantees. */
static _Atomic int64_t now_last_us;
static Term bif_now(Process *p, const Term *a)
{
    int64_t us = clock_ns(CLOCK_REALTIME) / 1000;
    int64_t last = atomic_load_explicit(&now_last_us, memory_order_relaxed);
    for (;;) {
        int64_t want = us > last ? us : last + 1;
        if (atomic_compare_exchange_weak_explicit(&now_last_us, &last, want, memory_order_relaxed,
                                                  memory_order_relaxed)) {
            us = want;
            break;
        }
    }
    return tuple3_small(p, us / 1000000000000, us / 1000000 % 1000000, us % 1000000);
}

/* statistics/1 for runtime (CPU time of the runtime, ms) and wall_clock (ms since the runtime
 * started): {Total, SinceLastCall}. Other keys are not provided (badarg). */
static _Atomic int64_t stat_last_runtime_ms, stat_last_wall_ms;
static int64_t start_ns;
static pthread_once_t start_once = PTHREAD_ONCE_INIT;
/* The runtime's start on the CLOCK_BOOTTIME scale: field 22 of /proc/self/stat, the start
 * time in clock ticks after boot. */
static void start_init(void)
{
    FILE *f = fopen("/proc/self/stat", "r");
    unsigned long long ticks = 0;
    if (f) {
        char buf[1024];
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = 0;
        char *q = strrchr(buf, ')'); /* the command name may hold spaces */
        for (int field = 2; q && field < 22; field++) q = strchr(q + 1, ' ');
        if (q) ticks = strtoull(q + 1, NULL, 10);
    }
    long hz = sysconf(_SC_CLK_TCK);
    start_ns = hz > 0 && ticks ? (int64_t)(ticks * 1000000000ull / (unsigned long long)hz) : clock_ns(CLOCK_BOOTTIME);
}
static int64_t process_start_ns(void)
{
    pthread_once(&start_once, start_init);
    return start_ns;
}
static Term stat_pair(Process *p, int64_t total, _Atomic int64_t *last)
{
    int64_t prev = atomic_exchange_explicit(last, total, memory_order_relaxed);
    Term *hp = heap_halloc(&p->heap, 3);
    hp[0] = make_tuple_header(2);
    hp[1] = int_from_sint(&p->heap, total);
    hp[2] = int_from_sint(&p->heap, total - prev);
    return make_boxed(hp);
}
static Term bif_statistics(Process *p, const Term *a)
{
    if (a[0] == am(A_RUNTIME)) return stat_pair(p, clock_ns(CLOCK_PROCESS_CPUTIME_ID) / 1000000, &stat_last_runtime_ms);
    if (a[0] == am(A_WALL_CLOCK)) {
        int64_t ms = (clock_ns(CLOCK_BOOTTIME) - process_start_ns()) / 1000000;
        return stat_pair(p, ms < 0 ? 0 : ms, &stat_last_wall_ms);
    }
    Term r = bif_statistics_process(p, a[0]);
    return r == NONVALUE ? bif_badarg(p) : r;
}

/* ---- calendar time ------------------------------------------------------------------------ */

static Term datetime(Process *p, const struct tm *tm)
{
    Term d = tuple3_small(p, (Sint)tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday);
    Term t = tuple3_small(p, tm->tm_hour, tm->tm_min, tm->tm_sec);
    return heap_tuple2(&p->heap, d, t);
}
static Term bif_universaltime(Process *p, const Term *a)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    return datetime(p, &tm);
}
static Term bif_localtime(Process *p, const Term *a)
{
    struct tm tm = local_now();
    return datetime(p, &tm);
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* {{Y, M, D}, {H, Mi, S}} with a valid date and time into tm; false otherwise. */
static bool get_datetime(Term t, struct tm *tm)
{
    if (!term_is_tuple(t) || tuple_arity(t) != 2) return false;
    Term d = tuple_elem(t, 1), c = tuple_elem(t, 2);
    if (!term_is_tuple(d) || tuple_arity(d) != 3 || !term_is_tuple(c) || tuple_arity(c) != 3) return false;
    Sint y, mo, dd, h, mi, se;
    if (!small_in(tuple_elem(d, 1), 0, 1000000000, &y) || !small_in(tuple_elem(d, 2), 1, 12, &mo) ||
        !small_in(tuple_elem(d, 3), 1, 31, &dd) || !small_in(tuple_elem(c, 1), 0, 23, &h) ||
        !small_in(tuple_elem(c, 2), 0, 59, &mi) || !small_in(tuple_elem(c, 3), 0, 59, &se))
        return false;
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (dd > mdays[mo - 1] + (mo == 2 && leap)) return false;
    memset(tm, 0, sizeof *tm);
    tm->tm_year = (int)(y - 1900);
    tm->tm_mon = (int)mo - 1;
    tm->tm_mday = (int)dd;
    tm->tm_hour = (int)h;
    tm->tm_min = (int)mi;
    tm->tm_sec = (int)se;
    return true;
}

static Term bif_universaltime_to_localtime(Process *p, const Term *a)
{
    struct tm tm;
    if (!get_datetime(a[0], &tm)) return bif_badarg(p);
    time_t t = (time_t)(days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) * 86400 +
                        tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec);
    struct tm out;
    if (!localtime_r(&t, &out)) return bif_badarg(p);
    return datetime(p, &out);
}

static Term bif_localtime_to_universaltime(Process *p, const Term *a)
{
    struct tm tm;
    if (!get_datetime(a[0], &tm)) return bif_badarg(p);
    tm.tm_isdst = -1;
    time_t t = mktime(&tm);
    struct tm out;
    if (t == (time_t)-1 || !gmtime_r(&t, &out)) return bif_badarg(p);
    return datetime(p, &out);
}

/* time_offset/0,1: system time minus monotonic time. */
static Sint time_offset_ns(void) { return clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC); }
static Term bif_time_offset0(Process *p, const Term *a) { return time_in(p, time_offset_ns(), NONVALUE); }
static Term bif_time_offset1(Process *p, const Term *a) { return time_in(p, time_offset_ns(), a[0]); }

/* convert_time_unit/3: floor(Time * To / From), as OTP rounds. */
static Term bif_convert_time_unit(Process *p, const Term *a)
{
    Uint from = time_unit(a[1]), to = time_unit(a[2]);
    if (!term_is_small(a[0]) || !from || !to) return bif_badarg(p); /* a bignum time: not supported */
    return int_from_i128(p, scale_floor(small_val(a[0]), to, from));
}

/* external_size/1,2: the encoding's exact length (OTP's bound equals it for our terms). */
static Term external_size(Process *p, Term t, Term opts)
{
    EtfEncodeOpts o = ETF_ENCODE_DEFAULT;
    Term l = opts;
    for (; term_is_list(l); l = list_tail(l)) {
        Term e = list_head(l);
        Sint v;
        if (!term_is_tuple(e) || tuple_arity(e) != 2 || tuple_elem(e, 1) != am(A_MINOR_VERSION) ||
            !small_in(tuple_elem(e, 2), 0, 1, &v))
            return bif_badarg(p);
        o.minor_version = (int)v;
    }
    if (!term_is_nil(l)) return bif_badarg(p);
    unsigned char *d;
    size_t n;
    if (!etf_encode_bytes(t, &o, &d, &n)) return bif_badarg(p);
    free(d);
    return int_from_uint(&p->heap, n);
}
static Term bif_external_size1(Process *p, const Term *a) { return external_size(p, a[0], NIL); }
static Term bif_external_size2(Process *p, const Term *a) { return external_size(p, a[0], a[1]); }

/* ---- erts_internal:map_next/3 ------------------------------------------------------------- */

/*
 * The iteration step of maps:next/1 and friends, OTP 25's erts_internal_map_next_3 (erl_map.c)
 * step for step, so iterators are OTP's terms. A flatmap gives all its pairs at once. A
 * hashmap gives up to max(reductions left / 4, 1) pairs (32 on the first call), walking the
 * HAMT depth first, and the path to the next leaf: 4 bits per level, the root's slot lowest,
 * 16 levels to a 64-bit digit (a bignum beyond). Third argument `iterator`:
 * {K1, V1, {K2, V2, none | [Path | Map]}}; a list Acc: [Path, Map | [{Kn,Vn}, ..., {K1,V1} | Acc]]
 * or, when done, the pairs on Acc only. Batch sizes follow our reduction count, which is close
 * to but not OTP's, so only an iterator printed after its first batch can differ.
 */
#define PATH_ELEM_BITS 4
#define PATH_ELEMS_PER_DIGIT 16

typedef struct MapFrame {
    Uint idx; /* the next slot to explore (while walking); the path element + 1 (at the end) */
    Uint sz;
    const Term *ptr;
} MapFrame;

static void hamt_slots(Term node, const Term **ptr, Uint *sz)
{
    Term h = boxed_header(node);
    Uint raw = hdr_raw_words(h);
    *ptr = boxed_ptr(node) + 1 + raw;
    *sz = hdr_arity(h) - raw;
}

/* The pairs collected: the first and every later one, in order. */
typedef struct MapOut {
    bool iterator;
    Term res;       /* iterator: the first tuple; list: the list so far */
    Term *patch;    /* iterator: where the next tuple (or the end) goes */
} MapOut;

static void mapout_add(Process *p, MapOut *o, Term leaf)
{
    Term k = list_head(leaf), v = list_tail(leaf);
    Term *hp = heap_halloc(&p->heap, o->iterator ? 4 : 5);
    if (o->iterator) {
        hp[0] = make_tuple_header(3);
        hp[1] = k;
        hp[2] = v;
        hp[3] = AM(undefined);
        if (o->patch) *o->patch = make_boxed(hp);
        else o->res = make_boxed(hp);
        o->patch = &hp[3];
    } else {
        hp[0] = make_tuple_header(2);
        hp[1] = k;
        hp[2] = v;
        o->res = cons_at(hp + 3, make_boxed(hp), o->res);
    }
}

static Term map_next_flat(Process *p, Term map, bool iterator, Term acc)
{
    Uint n = map_size(map);
    const Term *ks = tuple_elems(boxed_ptr(map)[2]) + 1, *vs = boxed_ptr(map) + 3;
    Term res = iterator ? am(A_NONE) : acc;
    for (Uint i = n; i-- > 0;) {
        Term *hp = heap_halloc(&p->heap, iterator ? 4 : 5);
        if (iterator) {
            hp[0] = make_tuple_header(3);
            hp[1] = ks[i];
            hp[2] = vs[i];
            hp[3] = res;
            res = make_boxed(hp);
        } else {
            hp[0] = make_tuple_header(2);
            hp[1] = ks[i];
            hp[2] = vs[i];
            res = cons_at(hp + 3, make_boxed(hp), res);
        }
    }
    return res;
}

/* The path to the leaf the frames point at: a small, or a bignum of 64-bit digits. */
static Term map_path(Process *p, const MapFrame *st, size_t n)
{
    size_t depth = n; /* path elements: one per frame */
    Uint ndig = (depth + PATH_ELEMS_PER_DIGIT - 1) / PATH_ELEMS_PER_DIGIT;
    if (ndig <= 1) {
        Uint path = 0;
        for (size_t i = n; i-- > 0;) path = path << PATH_ELEM_BITS | (st[i].idx - 1);
        return int_from_uint(&p->heap, path);
    }
    /* beyond 16 levels (colliding 64-bit hashes); OTP makes a bignum from 16 levels on, even
     * of a value that fits a small: we give the normalised integer up to 16 levels */
    Term *hp = heap_halloc(&p->heap, 1 + ndig);
    hp[0] = make_header(SUB_POS_BIG, 0, ndig);
    for (Uint d = 0; d < ndig; d++) {
        Uint w = 0;
        size_t lo = d * PATH_ELEMS_PER_DIGIT, hi = lo + PATH_ELEMS_PER_DIGIT;
        if (hi > n) hi = n;
        for (size_t i = hi; i-- > lo;) w = w << PATH_ELEM_BITS | (st[i].idx - 1);
        hp[1 + d] = w;
    }
    return make_boxed(hp);
}

static void frame_push(MapFrame **st, size_t *n, size_t *cap, MapFrame f)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 16;
        MapFrame *ns = realloc(*st, *cap * sizeof *ns);
        if (!ns) abort();
        *st = ns;
    }
    (*st)[(*n)++] = f;
}

static Term map_next_hash(Process *p, Term path, Term map, bool iterator, Term acc)
{
    Uint size = map_size(map);
    Sint fe = p->reds_left / 4;
    Uint elems = fe > 1 ? (Uint)fe : 1;
    if (elems > size) elems = size;
    Uint cur;
    const Uint *rest = NULL;
    Uint rest_len = 0;
    if (term_is_small(path)) {
        if (small_val(path) < 0) return bif_badarg(p);
        cur = (Uint)small_val(path);
        if (cur == 0 && elems > MAP_SMALL_MAP_LIMIT) elems = MAP_SMALL_MAP_LIMIT;
    } else if (term_is_big(path) && !big_is_neg(path)) {
        cur = big_limbs(path)[0];
        rest = big_limbs(path) + 1;
        rest_len = big_digits(path) - 1;
    } else {
        return bif_badarg(p);
    }
    Uint orig = elems;
    MapFrame *st = NULL;
    size_t n = 0, cap = 0;
    MapOut out = {iterator, iterator ? AM(undefined) : acc, NULL};
    Term node = map;
    for (int i = 1;; i++) { /* down the path to the first leaf */
        const Term *ptr;
        Uint sz, e = cur & 0xF;
        hamt_slots(node, &ptr, &sz);
        if (e >= sz) {
            free(st);
            return bif_badarg(p);
        }
        frame_push(&st, &n, &cap, (MapFrame){e + 1, sz, ptr});
        if (term_is_list(ptr[e])) {
            mapout_add(p, &out, ptr[e]);
            elems--;
            break;
        }
        node = ptr[e];
        cur >>= PATH_ELEM_BITS;
        if (i == PATH_ELEMS_PER_DIGIT) {
            i = 0;
            cur = rest_len ? (rest_len--, *rest++) : 0;
        }
    }
    for (;;) { /* on, depth first, for at most elems more pairs */
        MapFrame f = st[--n];
        while (f.idx < f.sz && elems != 0 && term_is_list(f.ptr[f.idx])) {
            mapout_add(p, &out, f.ptr[f.idx]);
            elems--;
            f.idx++;
        }
        if (elems == 0) {
            if (f.idx < f.sz) {
                frame_push(&st, &n, &cap, (MapFrame){f.idx + 1, f.sz, f.ptr});
            } else {
                while (n) {
                    MapFrame g = st[--n];
                    if (g.idx < g.sz) {
                        frame_push(&st, &n, &cap, (MapFrame){g.idx + 1, g.sz, g.ptr});
                        break;
                    }
                }
            }
            break;
        }
        if (f.idx < f.sz) {
            Term child = f.ptr[f.idx];
            frame_push(&st, &n, &cap, (MapFrame){f.idx + 1, f.sz, f.ptr});
            MapFrame c = {0, 0, NULL};
            hamt_slots(child, &c.ptr, &c.sz);
            frame_push(&st, &n, &cap, c);
        }
        if (n == 0) break;
    }
    Term res;
    if (n) {
        Term pt = map_path(p, st, n);
        if (iterator) {
            *out.patch = cons_at(heap_halloc(&p->heap, 2), pt, map);
            res = out.res;
        } else {
            Term *hp = heap_halloc(&p->heap, 4);
            res = cons_at(hp, map, out.res);
            res = cons_at(hp + 2, pt, res);
        }
    } else {
        if (iterator) *out.patch = am(A_NONE);
        res = out.res;
    }
    p->reds_left -= (int)(4 * (orig - elems));
    free(st);
    return res;
}

static Term bif_map_next(Process *p, const Term *a)
{
    if (!term_is_map(a[1])) return bif_badarg(p);
    bool iterator;
    if (a[2] == atom_put("iterator", 8)) iterator = true;
    else if (term_is_nil(a[2]) || term_is_list(a[2])) iterator = false;
    else return bif_badarg(p);
    if (map_is_flat(a[1])) {
        if (!term_is_small(a[0]) || small_val(a[0]) < 0 || (Uint)small_val(a[0]) > map_size(a[1]))
            return bif_badarg(p);
        return map_next_flat(p, a[1], iterator, a[2]);
    }
    return map_next_hash(p, a[0], a[1], iterator, a[2]);
}

/* ---- the table -------------------------------------------------------------------------- */

#define E(n, a, f, fl) {"erlang", n, a, f, fl}
#define G BIF_GUARD
const BifDef bif_table_erlang[] = {
    E("is_atom", 1, bif_is_atom, G),
    E("is_binary", 1, bif_is_binary, G),
    E("is_bitstring", 1, bif_is_bitstring, G),
    E("is_boolean", 1, bif_is_boolean, G),
    E("is_float", 1, bif_is_float, G),
    E("is_function", 1, bif_is_function1, G),
    E("is_function", 2, bif_is_function2, G),
    E("is_integer", 1, bif_is_integer, G),
    E("is_list", 1, bif_is_list, G),
    E("is_map", 1, bif_is_map, G),
    E("is_number", 1, bif_is_number, G),
    E("is_pid", 1, bif_is_pid, G),
    E("is_port", 1, bif_is_port, G),
    E("is_reference", 1, bif_is_reference, G),
    E("is_tuple", 1, bif_is_tuple, G),
    E("+", 2, bif_plus, G),
    E("-", 2, bif_minus, G),
    E("*", 2, bif_times, G),
    E("/", 2, bif_fdiv, G),
    E("div", 2, bif_div, G),
    E("rem", 2, bif_rem, G),
    E("-", 1, bif_uminus, G),
    E("+", 1, bif_uplus, G),
    E("band", 2, bif_band, G),
    E("bor", 2, bif_bor, G),
    E("bxor", 2, bif_bxor, G),
    E("bnot", 1, bif_bnot, G),
    E("bsl", 2, bif_bsl, G),
    E("bsr", 2, bif_bsr, G),
    E("=:=", 2, bif_eq_exact, G),
    E("=/=", 2, bif_ne_exact, G),
    E("==", 2, bif_eq, G),
    E("/=", 2, bif_ne, G),
    E("<", 2, bif_lt, G),
    E(">", 2, bif_gt, G),
    E("=<", 2, bif_le, G),
    E(">=", 2, bif_ge, G),
    E("and", 2, bif_and, G),
    E("or", 2, bif_or, G),
    E("xor", 2, bif_xor, G),
    E("not", 1, bif_not, G),
    E("abs", 1, bif_abs, G),
    E("min", 2, bif_min, G),
    E("max", 2, bif_max, G),
    E("round", 1, bif_round, G),
    E("trunc", 1, bif_trunc, G),
    E("ceil", 1, bif_ceil, G),
    E("floor", 1, bif_floor, G),
    E("float", 1, bif_float, G),
    E("element", 2, bif_element, G),
    E("setelement", 3, bif_setelement, 0),
    E("tuple_size", 1, bif_tuple_size, G),
    E("size", 1, bif_size, G),
    E("byte_size", 1, bif_byte_size, G),
    E("bit_size", 1, bif_bit_size, G),
    E("length", 1, bif_length, G),
    E("hd", 1, bif_hd, G),
    E("tl", 1, bif_tl, G),
    E("list_to_tuple", 1, bif_list_to_tuple, 0),
    E("tuple_to_list", 1, bif_tuple_to_list, 0),
    E("make_tuple", 2, bif_make_tuple2, 0),
    E("make_tuple", 3, bif_make_tuple3, 0),
    E("append_element", 2, bif_append_element, 0),
    E("++", 2, bif_append, 0),
    E("--", 2, bif_subtract, 0),
    E("list_to_atom", 1, bif_list_to_atom, 0),
    E("list_to_existing_atom", 1, bif_list_to_existing_atom, 0),
    E("atom_to_list", 1, bif_atom_to_list, 0),
    E("atom_to_binary", 1, bif_atom_to_binary1, 0),
    E("atom_to_binary", 2, bif_atom_to_binary2, 0),
    E("binary_to_atom", 1, bif_binary_to_atom1, 0),
    E("binary_to_atom", 2, bif_binary_to_atom2, 0),
    E("binary_to_existing_atom", 1, bif_binary_to_existing_atom1, 0),
    E("binary_to_existing_atom", 2, bif_binary_to_existing_atom2, 0),
    E("list_to_binary", 1, bif_list_to_binary, 0),
    E("iolist_to_binary", 1, bif_iolist_to_binary, 0),
    E("iolist_size", 1, bif_iolist_size, 0),
    E("binary_to_list", 1, bif_binary_to_list1, 0),
    E("binary_to_list", 3, bif_binary_to_list3, 0),
    E("split_binary", 2, bif_split_binary, 0),
    E("binary_part", 2, bif_binary_part2, G),
    E("binary_part", 3, bif_binary_part3, G),
    E("integer_to_list", 1, bif_integer_to_list1, 0),
    E("integer_to_list", 2, bif_integer_to_list2, 0),
    E("integer_to_binary", 1, bif_integer_to_binary1, 0),
    E("integer_to_binary", 2, bif_integer_to_binary2, 0),
    E("list_to_integer", 1, bif_list_to_integer1, 0),
    E("list_to_integer", 2, bif_list_to_integer2, 0),
    E("binary_to_integer", 1, bif_binary_to_integer1, 0),
    E("binary_to_integer", 2, bif_binary_to_integer2, 0),
    E("list_to_float", 1, bif_list_to_float, 0),
    E("binary_to_float", 1, bif_binary_to_float, 0),
    E("float_to_list", 1, bif_float_to_list1, 0),
    E("float_to_list", 2, bif_float_to_list2, 0),
    E("float_to_binary", 1, bif_float_to_binary1, 0),
    E("float_to_binary", 2, bif_float_to_binary2, 0),
    E("term_to_binary", 1, bif_term_to_binary1, 0),
    E("term_to_binary", 2, bif_term_to_binary2, 0),
    E("binary_to_term", 1, bif_binary_to_term1, 0),
    E("binary_to_term", 2, bif_binary_to_term2, 0),
    E("make_ref", 0, bif_make_ref, 0),
    E("self", 0, bif_self, G),
    E("node", 0, bif_node, G),
    E("monotonic_time", 0, bif_monotonic_time0, 0),
    E("monotonic_time", 1, bif_monotonic_time1, 0),
    E("system_time", 0, bif_system_time0, 0),
    E("system_time", 1, bif_system_time1, 0),
    E("error", 1, bif_error1, 0),
    E("error", 2, bif_error2, 0),
    E("error", 3, bif_error3, 0),
    E("exit", 1, bif_exit1, 0),
    E("throw", 1, bif_throw1, 0),
    E("raise", 3, bif_raise3, 0),
    E("garbage_collect", 0, bif_garbage_collect0, 0),
    E("phash2", 1, bif_phash2_1, 0),
    E("phash2", 2, bif_phash2_2, 0),
    E("phash", 2, bif_phash_2, 0),
    E("map_size", 1, bif_map_size, G),
    E("map_get", 2, bif_map_get, G),
    E("is_map_key", 2, bif_is_map_key, G),
    E("insert_element", 3, bif_insert_element, 0),
    E("delete_element", 2, bif_delete_element, 0),
    E("bitstring_to_list", 1, bif_bitstring_to_list, 0),
    E("list_to_bitstring", 1, bif_list_to_bitstring, 0),
    E("pid_to_list", 1, bif_pid_to_list, 0),
    E("port_to_list", 1, bif_port_to_list, 0),
    E("ref_to_list", 1, bif_ref_to_list, 0),
    E("fun_to_list", 1, bif_fun_to_list, 0),
    E("fun_info", 1, bif_fun_info1, 0),
    E("fun_info", 2, bif_fun_info2, 0),
    E("list_to_pid", 1, bif_list_to_pid, 0),
    E("list_to_ref", 1, bif_list_to_ref, 0),
    E("list_to_port", 1, bif_list_to_port, 0),
    E("function_exported", 3, bif_function_exported, 0),
    E("crc32", 1, bif_crc32_1, 0),
    E("crc32", 2, bif_crc32_2, 0),
    E("adler32", 1, bif_adler32_1, 0),
    E("adler32", 2, bif_adler32_2, 0),
    E("crc32_combine", 3, bif_crc32_combine, 0),
    E("adler32_combine", 3, bif_adler32_combine, 0),
    E("md5", 1, bif_md5, 0),
    E("append", 2, bif_append2, 0),
    E("subtract", 2, bif_subtract2, 0),
    E("is_builtin", 3, bif_is_builtin, 0),
    E("yield", 0, bif_yield, 0),
    E("bump_reductions", 1, bif_bump_reductions, 0),
    E("ports", 0, bif_ports, 0),
    E("system_info", 1, bif_system_info, 0),
    E("is_record", 2, bif_is_record2, G),
    E("is_record", 3, bif_is_record3, G),
    E("node", 1, bif_node1, G),
    E("nodes", 0, bif_nodes0, 0),
    E("nodes", 1, bif_nodes1, 0),
    E("is_alive", 0, bif_is_alive, 0),
    E("module_loaded", 1, bif_module_loaded, 0),
    E("date", 0, bif_date, 0),
    E("time", 0, bif_time, 0),
    E("now", 0, bif_now, 0),
    E("universaltime", 0, bif_universaltime, 0),
    E("localtime", 0, bif_localtime, 0),
    E("universaltime_to_localtime", 1, bif_universaltime_to_localtime, 0),
    E("localtime_to_universaltime", 1, bif_localtime_to_universaltime, 0),
    E("time_offset", 0, bif_time_offset0, 0),
    E("time_offset", 1, bif_time_offset1, 0),
    E("statistics", 1, bif_statistics, 0),
    E("unique_integer", 0, bif_unique_integer0, 0),
    E("unique_integer", 1, bif_unique_integer1, 0),
    E("timestamp", 0, bif_timestamp, 0),
    E("convert_time_unit", 3, bif_convert_time_unit, 0),
    E("external_size", 1, bif_external_size1, 0),
    E("external_size", 2, bif_external_size2, 0),
    {"erts_internal", "map_next", 3, bif_map_next, 0},
    {0},
};
