/*
 * bignum.c — integer arithmetic across the small/big boundary, with GMP's mpn_* layer.
 *
 * Operands are read in place: a bignum's digits are GMP limbs already, and a small is viewed
 * as a one-limb magnitude (Num). Results are computed into a scratch buffer (on the C stack
 * when small, malloc'd otherwise) and only then copied to the heap at their normalised size,
 * because a heap allocation cannot be shrunk and a heap walker must never meet a hole. That
 * costs one copy per big result, which is cheap next to the arithmetic, and keeps heap usage
 * exactly 1 + digits words per bignum, as OTP measures it.
 *
 * Sizes: no result may exceed BIG_MAX_DIGITS digits (OTP's BIG_ARITY_MAX); the check is on the
 * normalised result, as OTP's big_norm does, plus cheap early checks where an operation would
 * otherwise build something huge first (bsl, mul).
 */
#include "bignum.h"

#include <assert.h>
#include <gmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "atom.h"

_Static_assert(sizeof(mp_limb_t) == sizeof(Uint), "bignum digits are GMP limbs");
_Static_assert(GMP_NUMB_BITS == 64, "GMP built without nails, 64-bit limbs");

#define LIMB_BITS 64
#define SCRATCH_LOCAL 32

/* A view of an integer operand as sign and magnitude. Points into the term or into `one`, so a
 * Num must not be copied. n == 0 means zero. */
typedef struct Num {
    const mp_limb_t *d;
    mp_size_t n;
    bool neg;
    mp_limb_t one;
} Num;

static void num_of(Term t, Num *x)
{
    if (term_is_small(t)) {
        Sint v = small_val(t);
        x->neg = v < 0;
        x->one = x->neg ? (Uint)0 - (Uint)v : (Uint)v;
        x->n = v != 0;
        x->d = &x->one;
    } else {
        assert(term_is_big(t));
        x->neg = big_is_neg(t);
        x->n = (mp_size_t)big_digits(t);
        x->d = big_limbs(t);
    }
}

/* Temporary limbs: a stack array for the common sizes, malloc beyond. */
typedef struct Scratch {
    mp_limb_t *p;
    mp_limb_t local[SCRATCH_LOCAL];
} Scratch;

static mp_limb_t *scratch_get(Scratch *s, size_t limbs)
{
    if (limbs <= SCRATCH_LOCAL) {
        s->p = s->local;
    } else {
        s->p = malloc(limbs * sizeof(mp_limb_t));
        if (!s->p) {
            fprintf(stderr, "heapscope: out of memory for a bignum (%zu limbs)\n", limbs);
            abort();
        }
    }
    return s->p;
}

static void scratch_put(Scratch *s)
{
    if (s->p != s->local) free(s->p);
}

static Term fail(Term *err, Term reason)
{
    if (err) *err = reason;
    return NONVALUE;
}

/* The integer sign * {d, n} on the heap, normalised: a small when it fits, else a bignum of
 * exactly its significant digits. NONVALUE when it has more than BIG_MAX_DIGITS digits. */
static Term make_int(Heap *h, bool neg, const mp_limb_t *d, mp_size_t n)
{
    while (n > 0 && d[n - 1] == 0) n--;
    if (n == 0) return make_small(0);
    if (n == 1) {
        if (!neg && d[0] <= (Uint)MAX_SMALL) return make_small((Sint)d[0]);
        if (neg && d[0] <= (Uint)MAX_SMALL + 1) return make_small(-(Sint)(d[0] - 1) - 1);
    }
    if ((Uint)n > BIG_MAX_DIGITS) return NONVALUE;
    Term *hp = heap_halloc(h, big_words((Uint)n));
    hp[0] = make_header(neg ? SUB_NEG_BIG : SUB_POS_BIG, 0, (Uint)n);
    memcpy(hp + 1, d, (size_t)n * sizeof(mp_limb_t));
    return make_boxed(hp);
}

/* make_int with system_limit on overflow. */
static Term result(Heap *h, bool neg, const mp_limb_t *d, mp_size_t n, Term *err)
{
    Term r = make_int(h, neg, d, n);
    return r == NONVALUE ? fail(err, AM(system_limit)) : r;
}

static bool both_integers(Term a, Term b)
{
    return term_is_integer(a) && term_is_integer(b);
}

/* Compares magnitudes. */
static int mag_cmp(const Num *a, const Num *b)
{
    if (a->n != b->n) return a->n < b->n ? -1 : 1;
    int c = mpn_cmp(a->d, b->d, a->n);
    return (c > 0) - (c < 0);
}

/* ---- constructors ---------------------------------------------------------------------- */

Term int_from_sint(Heap *h, Sint v)
{
    if (small_fits(v)) return make_small(v);
    mp_limb_t m = v < 0 ? (Uint)0 - (Uint)v : (Uint)v;
    return make_int(h, v < 0, &m, 1);
}

Term int_from_uint(Heap *h, Uint v)
{
    if (v <= (Uint)MAX_SMALL) return make_small((Sint)v);
    return make_int(h, false, &v, 1);
}

Term int_from_limbs(Heap *h, bool neg, const Uint *limbs, Uint n)
{
    return make_int(h, neg, limbs, (mp_size_t)n);
}

/* |d| (finite, integral, >= 1) as limbs; returns the count (at most 16). */
static mp_size_t double_to_limbs(double ad, mp_limb_t out[17])
{
    int e;
    double frac = frexp(ad, &e);               /* ad = frac * 2^e, frac in [0.5, 1) */
    Uint mant = (Uint)ldexp(frac, 53);         /* exact: 53 significant bits */
    int shift = e - 53;                        /* ad = mant * 2^shift */
    if (shift <= 0) {
        out[0] = mant >> -shift;
        return 1;
    }
    mp_size_t ls = shift / LIMB_BITS, n = ls + 2;
    unsigned bs = (unsigned)(shift % LIMB_BITS);
    memset(out, 0, (size_t)n * sizeof(mp_limb_t));
    out[ls] = mant << bs;
    out[ls + 1] = bs ? mant >> (LIMB_BITS - bs) : 0;
    while (n > 1 && out[n - 1] == 0) n--;
    return n;
}

Term int_from_double(Heap *h, double d)
{
    if (!isfinite(d)) return NONVALUE;
    double t = trunc(d);
    if (fabs(t) < 0x1p63) return int_from_sint(h, (Sint)t);
    mp_limb_t limbs[17];
    mp_size_t n = double_to_limbs(fabs(t), limbs);
    return make_int(h, t < 0, limbs, n);
}

/* The value of a digit character in base 36, or 36 when it is none. */
static unsigned digit_value(char c)
{
    if (c >= '0' && c <= '9') return (unsigned)(c - '0');
    if (c >= 'A' && c <= 'Z') return (unsigned)(c - 'A' + 10);
    if (c >= 'a' && c <= 'z') return (unsigned)(c - 'a' + 10);
    return 36;
}

/* Many digits: through mpn_set_str, which wants digit values, not characters. */
static Term from_digits_big(Heap *h, bool neg, const char *s, size_t len, unsigned base)
{
    while (len > 1 && *s == '0') s++, len--;
    unsigned char *digits = malloc(len);
    if (!digits) abort();
    for (size_t i = 0; i < len; i++) digits[i] = (unsigned char)digit_value(s[i]);
    /* bits <= len * ceil(log2(base)); mpn_set_str wants one limb more than the value needs. */
    unsigned floor_bits = 1, ceil_bits = 1; /* floor and ceil of log2(base) */
    while ((2u << floor_bits) <= base) floor_bits++;
    while ((1u << ceil_bits) < base) ceil_bits++;
    size_t limbs = len * ceil_bits / LIMB_BITS + 2;
    Term r = NONVALUE;
    /* The first digit is not 0, so the value has at least (len - 1) * floor_bits bits: refuse
     * what is surely too large before allocating for it. */
    if ((len - 1) * floor_bits < (size_t)BIG_MAX_DIGITS * LIMB_BITS) {
        Scratch sc;
        mp_limb_t *d = scratch_get(&sc, limbs);
        mp_size_t n = (mp_size_t)mpn_set_str(d, digits, len, (int)base);
        r = make_int(h, neg, d, n);
        scratch_put(&sc);
    }
    free(digits);
    return r;
}

Term int_from_string(Heap *h, const char *s, size_t len, unsigned base)
{
    assert(base >= 2 && base <= 36);
    bool neg = false;
    if (len > 0 && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        s++, len--;
    }
    if (len == 0) return NONVALUE;
    Uint acc = 0;
    bool overflow = false;
    for (size_t i = 0; i < len; i++) {
        unsigned v = digit_value(s[i]);
        if (v >= base) return NONVALUE;
        if (!overflow && (__builtin_mul_overflow(acc, (Uint)base, &acc) ||
                          __builtin_add_overflow(acc, (Uint)v, &acc)))
            overflow = true;
    }
    if (overflow) return from_digits_big(h, neg, s, len, base);
    return make_int(h, neg, &acc, 1);
}

/* ---- add, subtract, multiply, divide --------------------------------------------------- */

/* a + (bneg ? -|b| : |b|), both non-zero. */
static Term add_mags(Heap *h, const Num *a, const Num *b, bool bneg, Term *err)
{
    Scratch sc;
    Term r;
    if (a->neg == bneg) {
        const Num *big = a->n >= b->n ? a : b, *sml = a->n >= b->n ? b : a;
        mp_limb_t *d = scratch_get(&sc, (size_t)big->n + 1);
        d[big->n] = mpn_add(d, big->d, big->n, sml->d, sml->n);
        r = result(h, a->neg, d, big->n + 1, err);
    } else {
        int c = mag_cmp(a, b);
        if (c == 0) return make_small(0);
        const Num *big = c > 0 ? a : b, *sml = c > 0 ? b : a;
        mp_limb_t *d = scratch_get(&sc, (size_t)big->n);
        mpn_sub(d, big->d, big->n, sml->d, sml->n);
        r = result(h, c > 0 ? a->neg : bneg, d, big->n, err);
    }
    scratch_put(&sc);
    return r;
}

Term int_add(Heap *h, Term a, Term b, Term *err)
{
    if (term_is_small(a) && term_is_small(b))
        return int_from_sint(h, small_val(a) + small_val(b)); /* 61 bits: cannot overflow */
    if (!both_integers(a, b)) return fail(err, AM(badarith));
    if (a == make_small(0)) return b;
    if (b == make_small(0)) return a;
    Num x, y;
    num_of(a, &x);
    num_of(b, &y);
    return add_mags(h, &x, &y, y.neg, err);
}

Term int_sub(Heap *h, Term a, Term b, Term *err)
{
    if (term_is_small(a) && term_is_small(b))
        return int_from_sint(h, small_val(a) - small_val(b));
    if (!both_integers(a, b)) return fail(err, AM(badarith));
    if (b == make_small(0)) return a;
    if (a == make_small(0)) return int_neg(h, b, err);
    Num x, y;
    num_of(a, &x);
    num_of(b, &y);
    return add_mags(h, &x, &y, !y.neg, err);
}

Term int_mul(Heap *h, Term a, Term b, Term *err)
{
    if (term_is_small(a) && term_is_small(b)) {
        Sint p;
        if (!__builtin_mul_overflow(small_val(a), small_val(b), &p)) return int_from_sint(h, p);
    } else if (!both_integers(a, b)) {
        return fail(err, AM(badarith));
    }
    if (a == make_small(0) || b == make_small(0)) return make_small(0);
    Num x, y;
    num_of(a, &x);
    num_of(b, &y);
    /* The product has at least x.n + y.n - 1 digits: refuse before allocating. */
    if ((Uint)(x.n + y.n - 1) > BIG_MAX_DIGITS) return fail(err, AM(system_limit));
    const Num *big = x.n >= y.n ? &x : &y, *sml = x.n >= y.n ? &y : &x;
    Scratch sc;
    mp_limb_t *d = scratch_get(&sc, (size_t)(x.n + y.n));
    if (sml->n == 1) d[big->n] = mpn_mul_1(d, big->d, big->n, sml->d[0]);
    else mpn_mul(d, big->d, big->n, sml->d, sml->n);
    Term r = result(h, x.neg != y.neg, d, x.n + y.n, err);
    scratch_put(&sc);
    return r;
}

/* Truncating division of magnitudes: quotient (want_q) or remainder. */
static Term divide(Heap *h, Term a, Term b, bool want_q, Term *err)
{
    if (!both_integers(a, b) || b == make_small(0)) return fail(err, AM(badarith));
    if (term_is_small(a) && term_is_small(b)) {
        Sint x = small_val(a), y = small_val(b);
        return int_from_sint(h, want_q ? x / y : x % y); /* MIN_SMALL / -1 = 2^59: a bignum */
    }
    Num x, y;
    num_of(a, &x);
    num_of(b, &y);
    if (x.n < y.n) return want_q ? make_small(0) : a;
    Scratch sq, sr;
    mp_limb_t *q = scratch_get(&sq, (size_t)(x.n - y.n + 1));
    mp_limb_t *r = scratch_get(&sr, (size_t)y.n);
    mpn_tdiv_qr(q, r, 0, x.d, x.n, y.d, y.n);
    Term res = want_q ? result(h, x.neg != y.neg, q, x.n - y.n + 1, err)
                      : result(h, x.neg, r, y.n, err);
    scratch_put(&sq);
    scratch_put(&sr);
    return res;
}

Term int_div(Heap *h, Term a, Term b, Term *err)
{
    return divide(h, a, b, true, err);
}

Term int_rem(Heap *h, Term a, Term b, Term *err)
{
    return divide(h, a, b, false, err);
}

Term int_neg(Heap *h, Term a, Term *err)
{
    if (term_is_small(a)) return int_from_sint(h, -small_val(a));
    if (!term_is_big(a)) return fail(err, AM(badarith));
    return result(h, !big_is_neg(a), big_limbs(a), (mp_size_t)big_digits(a), err);
}

/* ---- bitwise operations ---------------------------------------------------------------- */

/* x in two's complement over n limbs (n > x->n, so the top limb holds only sign bits). */
static void to_twos(const Num *x, mp_limb_t *t, mp_size_t n)
{
    if (x->n) memcpy(t, x->d, (size_t)x->n * sizeof(mp_limb_t));
    memset(t + x->n, 0, (size_t)(n - x->n) * sizeof(mp_limb_t));
    if (x->neg) { /* -m = ~(m - 1) */
        mpn_sub_1(t, t, n, 1);
        mpn_com(t, t, n);
    }
}

enum { BIT_AND, BIT_OR, BIT_XOR };

static Term bitwise(Heap *h, Term a, Term b, int op, Term *err)
{
    if (!both_integers(a, b)) return fail(err, AM(badarith));
    if (term_is_small(a) && term_is_small(b)) {
        /* Both have the same sign bits above bit 59, so the result does too: still a small. */
        Sint x = small_val(a), y = small_val(b);
        return make_small(op == BIT_AND ? (x & y) : op == BIT_OR ? (x | y) : (x ^ y));
    }
    Num x, y;
    num_of(a, &x);
    num_of(b, &y);
    mp_size_t n = (x.n > y.n ? x.n : y.n) + 1;
    Scratch sc;
    mp_limb_t *tx = scratch_get(&sc, 3 * (size_t)n), *ty = tx + n, *r = ty + n;
    to_twos(&x, tx, n);
    to_twos(&y, ty, n);
    if (op == BIT_AND) mpn_and_n(r, tx, ty, n);
    else if (op == BIT_OR) mpn_ior_n(r, tx, ty, n);
    else mpn_xor_n(r, tx, ty, n);
    bool neg = r[n - 1] >> (LIMB_BITS - 1);
    if (neg) { /* |r| = ~r + 1; ~r has its top bit clear, so this cannot carry out */
        mpn_com(r, r, n);
        mpn_add_1(r, r, n, 1);
    }
    Term res = result(h, neg, r, n, err);
    scratch_put(&sc);
    return res;
}

Term int_band(Heap *h, Term a, Term b, Term *err) { return bitwise(h, a, b, BIT_AND, err); }
Term int_bor(Heap *h, Term a, Term b, Term *err) { return bitwise(h, a, b, BIT_OR, err); }
Term int_bxor(Heap *h, Term a, Term b, Term *err) { return bitwise(h, a, b, BIT_XOR, err); }

/* bnot a = -a - 1: a positive m gives -(m + 1), a negative -m gives m - 1. */
Term int_bnot(Heap *h, Term a, Term *err)
{
    if (term_is_small(a)) return make_small(~small_val(a));
    if (!term_is_big(a)) return fail(err, AM(badarith));
    Num x;
    num_of(a, &x);
    Scratch sc;
    mp_limb_t *d = scratch_get(&sc, (size_t)x.n + 1);
    if (x.neg) {
        mpn_sub_1(d, x.d, x.n, 1);
        d[x.n] = 0;
    } else {
        d[x.n] = mpn_add_1(d, x.d, x.n, 1);
    }
    Term r = result(h, !x.neg, d, x.n + 1, err);
    scratch_put(&sc);
    return r;
}

/* a * 2^s, s > 0. */
static Term shift_left(Heap *h, Term a, Uint s, Term *err)
{
    if (term_is_small(a) && s < 64) {
        Sint v = small_val(a);
        Sint r = (Sint)((Uint)v << s);
        if ((r >> s) == v && small_fits(r)) return make_small(r);
    }
    /* The result has exactly bit_length(a) + s significant bits. */
    Uint bits = int_bit_length(a) + s;
    if ((bits + LIMB_BITS - 1) / LIMB_BITS > BIG_MAX_DIGITS) return fail(err, AM(system_limit));
    Num x;
    num_of(a, &x);
    mp_size_t ls = (mp_size_t)(s / LIMB_BITS), n = x.n + ls + 1;
    unsigned bs = (unsigned)(s % LIMB_BITS);
    Scratch sc;
    mp_limb_t *d = scratch_get(&sc, (size_t)n);
    memset(d, 0, (size_t)ls * sizeof(mp_limb_t));
    if (bs) {
        d[n - 1] = mpn_lshift(d + ls, x.d, x.n, bs);
    } else {
        memcpy(d + ls, x.d, (size_t)x.n * sizeof(mp_limb_t));
        d[n - 1] = 0;
    }
    Term r = result(h, x.neg, d, n, err);
    scratch_put(&sc);
    return r;
}

/* floor(a / 2^s), s > 0: for a negative a, -ceil(|a| / 2^s). */
static Term shift_right(Heap *h, Term a, Uint s, Term *err)
{
    if (term_is_small(a)) {
        Sint v = small_val(a);
        return make_small(s >= 63 ? (v < 0 ? -1 : 0) : v >> s);
    }
    Num x;
    num_of(a, &x);
    Uint ls = s / LIMB_BITS;
    unsigned bs = (unsigned)(s % LIMB_BITS);
    if (ls >= (Uint)x.n) return make_small(x.neg ? -1 : 0);
    mp_size_t n = x.n - (mp_size_t)ls;
    Scratch sc;
    mp_limb_t *d = scratch_get(&sc, (size_t)n + 1);
    mp_limb_t lost = 0;
    if (bs) lost = mpn_rshift(d, x.d + ls, n, bs);
    else memcpy(d, x.d + ls, (size_t)n * sizeof(mp_limb_t));
    d[n] = 0;
    if (x.neg) {
        for (Uint i = 0; i < ls && !lost; i++) lost = x.d[i];
        if (lost) mpn_add_1(d, d, n + 1, 1);
    }
    Term r = result(h, x.neg, d, n + 1, err);
    scratch_put(&sc);
    return r;
}

/* a bsl s for a small count; a negative count shifts right. */
static Term shift(Heap *h, Term a, Sint s, Term *err)
{
    if (s == 0 || a == make_small(0)) return a;
    if (s > 0) return shift_left(h, a, (Uint)s, err);
    return shift_right(h, a, (Uint)0 - (Uint)s, err);
}

/* A count too large for a small (OTP's shift in erl_arith.c): shifting left is system_limit
 * unless a is 0; shifting right leaves 0 or -1. */
static Term shift_huge(Term a, bool left, Term *err)
{
    if (a == make_small(0)) return a;
    if (left) return fail(err, AM(system_limit));
    bool neg = term_is_small(a) ? small_val(a) < 0 : big_is_neg(a);
    return make_small(neg ? -1 : 0);
}

Term int_bsl(Heap *h, Term a, Term b, Term *err)
{
    if (!both_integers(a, b)) return fail(err, AM(badarith));
    if (term_is_big(b)) return shift_huge(a, !big_is_neg(b), err);
    return shift(h, a, small_val(b), err);
}

Term int_bsr(Heap *h, Term a, Term b, Term *err)
{
    if (!both_integers(a, b)) return fail(err, AM(badarith));
    if (term_is_big(b)) return shift_huge(a, big_is_neg(b), err);
    return shift(h, a, -small_val(b), err); /* -MIN_SMALL still fits a Sint */
}

/* ---- comparison and conversion --------------------------------------------------------- */

int int_compare(Term a, Term b)
{
    if (term_is_small(a) && term_is_small(b)) {
        Sint x = small_val(a), y = small_val(b);
        return (x > y) - (x < y);
    }
    Num x, y;
    num_of(a, &x);
    num_of(b, &y);
    if (x.neg != y.neg) return x.neg ? -1 : 1;
    int c = mag_cmp(&x, &y);
    return x.neg ? -c : c;
}

/* OTP's big_to_double: d = d * 2^64 + digit from the top digit down, rounding at every step
 * (so not always the correctly rounded value, e.g. for 2^64 + 2^63 + 6143), and overflow
 * when d stops being finite. */
bool int_to_double(Term t, double *out)
{
    if (term_is_small(t)) {
        *out = (double)small_val(t);
        return true;
    }
    const Uint *d = big_limbs(t);
    double r = 0.0;
    for (Uint i = big_digits(t); i-- > 0;) {
        r = r * 0x1p64;
        r = r + (double)d[i];
        if (!isfinite(r)) return false;
    }
    *out = big_is_neg(t) ? -r : r;
    return true;
}

/*
 * OTP 25's erts_cmp (utils.c, mixed_types) orders a small against a float by float comparison
 * when |f| < 2^53 - 2, by sign when the float is out of the small range, and by an integer
 * subtraction in between; a bignum against a float by its size, then by converting the float
 * to a bignum. Every one of those branches is exact, so the order is the exact order of the
 * two numbers (9007199254740993 > 9007199254740992.0, 1 bsl 64 == 18446744073709551616.0).
 * That is what we compute, exactly.
 */
int int_compare_double(Term i, double d)
{
    assert(!isnan(d));
    if (isinf(d)) return d > 0 ? -1 : 1;
    if (term_is_small(i)) {
        Sint v = small_val(i);
        if (d >= 0x1p60) return -1;
        if (d <= -0x1p60) return 1;
        double t = trunc(d); /* |t| < 2^60: exact as a Sint */
        Sint ti = (Sint)t;
        if (v != ti) return v < ti ? -1 : 1;
        return d > t ? -1 : d < t ? 1 : 0;
    }
    bool neg = big_is_neg(i);
    if (d == 0 || (d < 0) != neg) return neg ? -1 : 1;
    /* Same sign: compare magnitudes, by bit length first. */
    double ad = fabs(d);
    int e;
    frexp(ad, &e); /* ad in [2^(e-1), 2^e) */
    Sint bl = (Sint)int_bit_length(i); /* |i| in [2^(bl-1), 2^bl), bl >= 60 */
    int mag;
    if (bl != e) {
        mag = bl > e ? 1 : -1;
    } else { /* ad >= 2^59: an integer */
        mp_limb_t limbs[17];
        mp_size_t n = double_to_limbs(ad, limbs);
        assert((Uint)n == big_digits(i));
        int c = mpn_cmp(big_limbs(i), limbs, n);
        mag = (c > 0) - (c < 0);
    }
    return neg ? -mag : mag;
}

static const char digit_chars[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/* Copies the sign and digits out as snprintf would: at most cap bytes, a NUL when there is
 * room; returns the full length. */
static size_t emit(char *buf, size_t cap, bool neg, const unsigned char *digits, size_t nd,
                   bool raw)
{
    size_t len = nd + neg;
    if (!buf) return len;
    size_t k = 0;
    if (neg && k < cap) buf[k++] = '-';
    for (size_t i = 0; i < nd && k < cap; i++)
        buf[k++] = raw ? digit_chars[digits[i]] : (char)digits[i];
    if (k < cap) buf[k] = '\0';
    return len;
}

size_t int_to_string(Term t, unsigned base, char *buf, size_t cap)
{
    assert(base >= 2 && base <= 36);
    if (term_is_small(t)) {
        Sint v = small_val(t);
        Uint m = v < 0 ? (Uint)0 - (Uint)v : (Uint)v;
        unsigned char tmp[64];
        size_t k = sizeof tmp;
        do {
            tmp[--k] = (unsigned char)digit_chars[m % base];
            m /= base;
        } while (m);
        return emit(buf, cap, v < 0, tmp + k, sizeof tmp - k, false);
    }
    Num x;
    num_of(t, &x);
    /* mpn_get_str clobbers its input and wants room for the largest x.n-limb number plus one
     * character; bits / log2(base) + 2 is an upper bound of that. */
    size_t bound = (size_t)((double)x.n * LIMB_BITS / log2((double)base)) + 3;
    unsigned char *digits = malloc(bound);
    Scratch sc;
    mp_limb_t *copy = scratch_get(&sc, (size_t)x.n + 1);
    if (!digits) abort();
    memcpy(copy, x.d, (size_t)x.n * sizeof(mp_limb_t));
    size_t nd = mpn_get_str(digits, (int)base, copy, x.n);
    size_t skip = 0;
    while (skip + 1 < nd && digits[skip] == 0) skip++;
    size_t len = emit(buf, cap, x.neg, digits + skip, nd - skip, true);
    scratch_put(&sc);
    free(digits);
    return len;
}

Uint int_bit_length(Term t)
{
    if (term_is_small(t)) {
        Sint v = small_val(t);
        Uint m = v < 0 ? (Uint)0 - (Uint)v : (Uint)v;
        return m ? (Uint)(LIMB_BITS - __builtin_clzll(m)) : 0;
    }
    Uint n = big_digits(t);
    return (n - 1) * LIMB_BITS + (Uint)(LIMB_BITS - __builtin_clzll(big_limbs(t)[n - 1]));
}
