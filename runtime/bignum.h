/*
 * bignum.h — integers outside the small range (|n| >= 2^59), on the process heap.
 *
 * A bignum is [header][digit 0]...[digit n-1]: the sign in the subtag (SUB_POS_BIG,
 * SUB_NEG_BIG), the magnitude as n 64-bit GMP limbs, least significant first, the top limb
 * non-zero. A result that fits a small is always returned as a small: a bignum in the small
 * range never exists. Arithmetic uses GMP's mpn_* functions directly on the heap limbs.
 *
 * Every function that builds a result takes the Heap and allocates with heap_halloc, so it never
 * collects: operands stay valid. Integer operations return NONVALUE with *err set to the atom
 * to raise (badarith, system_limit) when they cannot produce a value.
 */
#ifndef HS_BIGNUM_H
#define HS_BIGNUM_H

#include "heap.h"

/* Words a bignum with this many digits takes: 1 + digits. */
static inline Uint big_words(Uint digits) { return 1 + digits; }
static inline Uint big_digits(Term t) { return hdr_arity(boxed_header(t)); }
static inline bool big_is_neg(Term t) { return hdr_subtag(boxed_header(t)) == SUB_NEG_BIG; }
static inline const Uint *big_limbs(Term t) { return boxed_ptr(t) + 1; }

/* OTP's BIG_ARITY_MAX (big.h): the most digits a bignum may have; a larger result raises
 * system_limit. */
#define BIG_MAX_DIGITS ((1u << 19) - 1)

/* Integer constructors: small when it fits, else a bignum. */
Term int_from_sint(Heap *h, Sint v);
Term int_from_uint(Heap *h, Uint v);
/* Normalises (drops zero top limbs, gives a small when it fits); NONVALUE when more than
 * BIG_MAX_DIGITS limbs remain (raise system_limit). */
Term int_from_limbs(Heap *h, bool neg, const Uint *limbs, Uint n);
/* trunc(d) as an integer; NONVALUE when d is not finite. */
Term int_from_double(Heap *h, double d);
/* Parses digits in base 2..36, either case (optional sign); NONVALUE when malformed or when the
 * value would pass BIG_MAX_DIGITS. */
Term int_from_string(Heap *h, const char *s, size_t len, unsigned base);

/* Arithmetic on any integers (small or big). NONVALUE + *err on failure. */
Term int_add(Heap *h, Term a, Term b, Term *err);
Term int_sub(Heap *h, Term a, Term b, Term *err);
Term int_mul(Heap *h, Term a, Term b, Term *err);
Term int_div(Heap *h, Term a, Term b, Term *err); /* div: truncates toward zero */
Term int_rem(Heap *h, Term a, Term b, Term *err); /* rem: sign of the dividend */
Term int_neg(Heap *h, Term a, Term *err);
Term int_band(Heap *h, Term a, Term b, Term *err); /* two's complement semantics */
Term int_bor(Heap *h, Term a, Term b, Term *err);
Term int_bxor(Heap *h, Term a, Term b, Term *err);
Term int_bnot(Heap *h, Term a, Term *err);
Term int_bsl(Heap *h, Term a, Term b, Term *err); /* negative shift shifts right */
Term int_bsr(Heap *h, Term a, Term b, Term *err);

/* Compare two integers: < 0, 0, > 0. */
int int_compare(Term a, Term b);
/* The integer as a double; false when it overflows (badarith in OTP). */
bool int_to_double(Term t, double *out);
/* Compare an integer with a float exactly as OTP orders mixed numbers. */
int int_compare_double(Term i, double d);
/* Writes the digits in base 2..36 (upper-case letters, '-' sign) to buf, as snprintf does: at
 * most cap bytes, then a NUL if there is room. Returns the full length (without NUL); call with
 * buf NULL to get the length. */
size_t int_to_string(Term t, unsigned base, char *buf, size_t cap);
/* Number of significant bits of |t| (for bit syntax and size checks). */
Uint int_bit_length(Term t);

#endif
