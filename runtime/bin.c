/*
 * bin.c — heap binaries, refc binaries (Binary + ProcBin), sub binaries and the bit syntax
 * helpers (see bin.h; reference §1.2, §2, §3.4).
 */
#include "bin.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bignum.h"
#include "probe.h"


BinStats bin_stats;

/* ---- off-heap Binary -------------------------------------------------------------------- */

Binary *binary_alloc(Uint size)
{
    Binary *b = malloc(sizeof(Binary) + size);
    if (!b) {
        fprintf(stderr, "heapscope: out of memory allocating a %llu-byte binary\n",
                (unsigned long long)size);
        abort();
    }
    b->flags = 0;
    atomic_init(&b->refc, 1);
    b->orig_size = size;
    /* Statistics only: no other memory is published through them, so relaxed is enough. */
    atomic_fetch_add_explicit(&bin_stats.allocs, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&bin_stats.bytes_live, sizeof(Binary) + size, memory_order_relaxed);
    if (PROBE_ON(bin)) probe_bin_event(PROBE_BIN_ALLOC, b, size);
    if (PROBE_ON(native_alloc)) probe_native(NATIVE_BINARY, b, sizeof(Binary) + size);
    return b;
}

void binary_incref(Binary *b)
{
    /* Relaxed: a new reference is always made from an existing one, which keeps the Binary
     * alive; the count cannot reach zero meanwhile, and nothing else is ordered by it. */
    atomic_fetch_add_explicit(&b->refc, 1, memory_order_relaxed);
}

void binary_decref(Binary *b)
{
    /* Release: every write this thread made to (or through) the Binary happens before our
     * decrement is seen. The thread that takes the count to zero then issues an acquire fence,
     * so all the other holders' releases happen before the free: nobody's late reads or writes
     * can touch freed memory. (The same pattern as Boost's and Rust's Arc.) */
    if (atomic_fetch_sub_explicit(&b->refc, 1, memory_order_release) != 1) return;
    atomic_thread_fence(memory_order_acquire);
    atomic_fetch_add_explicit(&bin_stats.frees, 1, memory_order_relaxed);
    atomic_fetch_sub_explicit(&bin_stats.bytes_live, sizeof(Binary) + b->orig_size,
                              memory_order_relaxed);
    if (PROBE_ON(bin)) probe_bin_event(PROBE_BIN_FREE, b, b->orig_size);
    if (PROBE_ON(native_free)) probe_native(NATIVE_BINARY, b, 0);
    free(b);
}

/* ---- building binaries on a heap -------------------------------------------------------- */

/* Links a ProcBin that heap_halloc just placed. Always on the process list h->off_heap, even
 * when heap_halloc put the words in a fragment: OTP links HAlloc'd ProcBins on MSO(p) whatever
 * memory they landed in, and heap.h's invariant says the process list covers the fragments. The
 * GC sweeps that one list, so a ProcBin in a fragment is released or kept like any other; a
 * fragment's own off_heap is only for message data, which arrives with its own list. The vheap
 * grows by size/8 words (OTP's OH_OVERHEAD). */
static void link_procbin(Heap *h, ProcBin *pb)
{
    heap_link_offheap(h, (OffHeapHeader *)pb, pb->size / sizeof(Term));
}

/* A ProcBin for b (whose reference the caller hands over) at heap words from heap_halloc. */
static Term make_procbin(Heap *h, Binary *b, const unsigned char *bytes, Uint size)
{
    ProcBin *pb = (ProcBin *)heap_halloc(h, PROC_BIN_SIZE);
    pb->thing_word = make_header(SUB_REFC_BIN, 0, PROC_BIN_SIZE - 1);
    pb->size = size;
    pb->next = NULL;
    pb->val = b;
    pb->bytes = (unsigned char *)bytes;
    pb->flags = 0;
    link_procbin(h, pb);
    return make_boxed((Term *)pb);
}

/* A heap binary of size ≤ 64 bytes whose bytes the caller fills. The padding of the last word
 * is zeroed so that the heap stays deterministic (hashing and verifying read whole words). */
static Term make_heap_bin(Heap *h, Uint size, unsigned char **bytes)
{
    Uint words = heap_bin_words(size);
    Term *p = heap_halloc(h, words);
    p[0] = make_header(SUB_HEAP_BIN, 0, words - 1);
    p[1] = size;
    if (words > 2) p[words - 1] = 0;
    *bytes = (unsigned char *)(p + 2);
    return make_boxed(p);
}

Term bin_new_uninit(Heap *h, Uint size, unsigned char **bytes)
{
    if (size <= BIN_ONHEAP_LIMIT) return make_heap_bin(h, size, bytes);
    Binary *b = binary_alloc(size);
    *bytes = b->data;
    return make_procbin(h, b, b->data, size);
}

Term bin_new(Heap *h, const void *data, Uint size)
{
    unsigned char *bytes;
    Term t = bin_new_uninit(h, size, &bytes);
    if (size) memcpy(bytes, data, size);
    return t;
}

Term bin_procbin(Heap *h, Binary *b, const unsigned char *bytes, Uint size)
{
    binary_incref(b);
    return make_procbin(h, b, bytes, size);
}

/* ---- views and extraction --------------------------------------------------------------- */

bool bin_view(Term t, BinView *v)
{
    if (!term_is_boxed(t)) return false;
    Term *p = boxed_ptr(t);
    switch (hdr_subtag(p[0])) {
    case SUB_HEAP_BIN:
        v->base = heap_bin_data(t);
        v->bit_offset = 0;
        v->bit_size = p[1] * 8;
        return true;
    case SUB_REFC_BIN:
        v->base = procbin_ptr(t)->bytes;
        v->bit_offset = 0;
        v->bit_size = p[1] * 8;
        return true;
    case SUB_SUB_BIN: {
        BinView o;
        /* orig is a heap binary or a ProcBin by construction (bin_extract never nests). */
        bin_view(sub_bin_orig(t), &o);
        v->base = o.base;
        v->bit_offset = sub_bin_offs(t) * 8 + sub_bin_bitoffs(t);
        v->bit_size = bin_bit_size(t);
        return true;
    }
    default:
        return false;
    }
}

/*
 * OTP's erts_extract_sub_binary: a piece of whole bytes, at most 64 of them, is copied into a
 * new heap binary wherever it starts (measured on OTP 25: <<_:3, A:10/binary, _/bits>> of a
 * 200-byte refc binary gives a 4-word A); anything larger, or with a bit size that is not a
 * multiple of 8, becomes a sub binary over the original heap binary or ProcBin.
 */
Term bin_extract(Heap *h, Term bin, Uint bit_offset, Uint bit_size)
{
    BinView v;
    if (!bin_view(bin, &v) || bit_offset + bit_size > v.bit_size) {
        fprintf(stderr, "heapscope: bin_extract out of range\n");
        abort();
    }
    Uint from = v.bit_offset + bit_offset;
    if (bit_size % 8 == 0 && bit_size / 8 <= BIN_ONHEAP_LIMIT) {
        unsigned char *bytes;
        Term r = make_heap_bin(h, bit_size / 8, &bytes);
        /* heap_halloc never collects, so v.base (which may point into this heap) is valid. */
        bin_copy_bits(v.base, from, bytes, 0, bit_size);
        return r;
    }
    Term orig = term_is_sub_bin(bin) ? sub_bin_orig(bin) : bin;
    Term *hp = heap_halloc(h, SUB_BIN_SIZE);
    return sub_bin_at(hp, orig, from / 8, bit_size / 8, (unsigned)(from % 8),
                      (unsigned)(bit_size % 8));
}

/* ---- bit copying ------------------------------------------------------------------------ */

/* k (1..8) bits of src starting at bit off, MSB first, returned in the low k bits. Reads the
 * next byte only when the bits run into it, so it never reads past the last source bit. */
static unsigned get_bits(const unsigned char *src, Uint off, unsigned k)
{
    const unsigned char *p = src + off / 8;
    unsigned bit = (unsigned)(off % 8);
    unsigned w = p[0];
    unsigned have = 8;
    if (bit + k > 8) {
        w = w << 8 | p[1];
        have = 16;
    }
    return (w >> (have - bit - k)) & ((1u << k) - 1);
}

/* The general case: one destination byte (or the part of one the range covers) at a time;
 * destination bits outside the range keep their values. */
static void copy_bits_slow(const unsigned char *src, Uint soffs, unsigned char *dst, Uint doffs,
                           Uint n)
{
    while (n > 0) {
        unsigned dbit = (unsigned)(doffs % 8);
        unsigned take = 8 - dbit;
        if (take > n) take = (unsigned)n;
        unsigned shift = 8 - dbit - take;
        unsigned mask = ((1u << take) - 1) << shift;
        unsigned char *d = dst + doffs / 8;
        *d = (unsigned char)((*d & ~mask) | (get_bits(src, soffs, take) << shift));
        soffs += take;
        doffs += take;
        n -= take;
    }
}

void bin_copy_bits(const unsigned char *src, Uint soffs, unsigned char *dst, Uint doffs, Uint n)
{
    if (n == 0) return;
    if (soffs % 8 == 0 && doffs % 8 == 0) {
        /* Byte aligned: memmove for the whole bytes (the ranges may be in the same buffer),
         * then the trailing bits. */
        memmove(dst + doffs / 8, src + soffs / 8, n / 8);
        Uint done = n / 8 * 8;
        if (n % 8) copy_bits_slow(src, soffs + done, dst, doffs + done, n % 8);
        return;
    }
    copy_bits_slow(src, soffs, dst, doffs, n);
}

/* ---- integers --------------------------------------------------------------------------- */

/* Scratch bytes: on the stack for the sizes the bit syntax usually sees, else malloc'd. */
typedef struct Scratch {
    unsigned char *p;
    unsigned char local[64];
} Scratch;

static unsigned char *scratch_get(Scratch *s, Uint bytes)
{
    s->p = bytes <= sizeof s->local ? s->local : malloc(bytes);
    if (!s->p) {
        fprintf(stderr, "heapscope: out of memory in the bit syntax\n");
        abort();
    }
    memset(s->p, 0, bytes);
    return s->p;
}

static void scratch_free(Scratch *s)
{
    if (s->p != s->local) free(s->p);
}

/*
 * Writes nbytes = ceil(bits/8) bytes holding the value whose little-endian bytes byte_at(i)
 * gives, in the bit syntax's layout:
 *   big endian     the bits-bit value MSB first: the value's big-endian bytes with the
 *                  8*nbytes - bits leading pad bits skipped;
 *   little endian  whole bytes least significant first, then the top bits%8 bits
 *                  (<<16#123:12/little>> is <<16#23, 1:4>>).
 * buf gets the byte image; the caller copies `bits` bits of it from bit *start.
 */
static void layout_value(const unsigned char *le, Uint bits, unsigned flags, unsigned char *buf,
                         Uint *start)
{
    Uint nbytes = (bits + 7) / 8;
    unsigned rem = (unsigned)(bits % 8);
    if (flags & BIN_LITTLE) {
        memcpy(buf, le, nbytes);
        if (rem) buf[nbytes - 1] = (unsigned char)(buf[nbytes - 1] << (8 - rem));
        *start = 0;
    } else {
        for (Uint i = 0; i < nbytes; i++) buf[i] = le[nbytes - 1 - i];
        *start = nbytes * 8 - bits;
    }
}

/* The inverse: reads `bits` bits at (src, soffs) into le, the value's little-endian bytes
 * (nbytes of them, zeroed by the caller; bits above `bits` stay zero). */
static void read_value(const unsigned char *src, Uint soffs, Uint bits, unsigned flags,
                       unsigned char *le, unsigned char *tmp)
{
    Uint nbytes = (bits + 7) / 8;
    unsigned rem = (unsigned)(bits % 8);
    if (flags & BIN_LITTLE) {
        bin_copy_bits(src, soffs, le, 0, bits);
        if (rem) le[nbytes - 1] = (unsigned char)(le[nbytes - 1] >> (8 - rem));
    } else {
        bin_copy_bits(src, soffs, tmp, nbytes * 8 - bits, bits);
        for (Uint i = 0; i < nbytes; i++) le[i] = tmp[nbytes - 1 - i];
    }
}

/* The little-endian bytes of t's two's complement, nbytes of them (sign-extended or
 * truncated). */
static void twos_complement_bytes(Term t, unsigned char *le, Uint nbytes)
{
    if (term_is_small(t)) {
        Sint v = small_val(t);
        for (Uint i = 0; i < nbytes; i++)
            le[i] = i < 8 ? (unsigned char)((Uint)v >> (8 * i)) : (v < 0 ? 0xFF : 0);
        return;
    }
    const Uint *mag = boxed_ptr(t) + 1;
    Uint n = hdr_arity(boxed_header(t));
    bool neg = hdr_subtag(boxed_header(t)) == SUB_NEG_BIG;
    /* Negative: ~mag + 1, the carry running through the low zero limbs. */
    unsigned carry = 1;
    for (Uint i = 0; i < nbytes; i++) {
        Uint limb = i / 8 < n ? mag[i / 8] : 0;
        unsigned b = (unsigned)(limb >> (8 * (i % 8))) & 0xFFu;
        if (neg) {
            b = (~b & 0xFFu) + carry;
            carry = b >> 8;
            b &= 0xFFu;
        }
        le[i] = (unsigned char)b;
    }
}

static void put_uint64(uint64_t v, Uint bits, unsigned flags, unsigned char *dst, Uint doffs);

void bin_put_integer(Term t, Uint bits, unsigned flags, unsigned char *dst, Uint doffs)
{
    if (bits == 0) return;
    if (bits <= 64 && term_is_small(t)) {
        /* The common case: the low bits of a machine word. */
        put_uint64((uint64_t)small_val(t), bits, flags, dst, doffs);
        return;
    }
    Uint nbytes = (bits + 7) / 8;
    Scratch a, b;
    unsigned char *le = scratch_get(&a, nbytes);
    unsigned char *buf = scratch_get(&b, nbytes);
    twos_complement_bytes(t, le, nbytes);
    Uint start;
    layout_value(le, bits, flags, buf, &start);
    bin_copy_bits(buf, start, dst, doffs, bits);
    scratch_free(&b);
    scratch_free(&a);
}

/* An unsigned value of 1..64 bits: the fast path of integers and the bits of floats. */
static uint64_t get_uint64(const unsigned char *src, Uint soffs, Uint bits, unsigned flags)
{
    unsigned char le[8] = {0}, tmp[8] = {0};
    read_value(src, soffs, bits, flags, le, tmp);
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++) v |= (uint64_t)le[i] << (8 * i);
    return v;
}

static void put_uint64(uint64_t v, Uint bits, unsigned flags, unsigned char *dst, Uint doffs)
{
    unsigned char le[8], buf[8];
    for (unsigned i = 0; i < 8; i++) le[i] = (unsigned char)(v >> (8 * i));
    Uint start;
    layout_value(le, bits, flags, buf, &start);
    bin_copy_bits(buf, start, dst, doffs, bits);
}

/* Sizes ≤ 64 bits: a small when the value fits, else a one-digit bignum. */
static Term get_integer_word(Heap *h, const unsigned char *src, Uint soffs, Uint bits,
                             unsigned flags)
{
    uint64_t u = get_uint64(src, soffs, bits, flags);
    if (flags & BIN_SIGNED) {
        unsigned pad = (unsigned)(64 - bits);
        /* Sign-extend through the top bit: shift it to bit 63, then back arithmetically. */
        Sint s = (Sint)(u << pad) >> pad;
        return small_fits(s) ? make_small(s) : int_from_sint(h, s);
    }
    return u <= (uint64_t)MAX_SMALL ? make_small((Sint)u) : int_from_uint(h, u);
}

Term bin_get_integer(Heap *h, const unsigned char *src, Uint soffs, Uint bits, unsigned flags)
{
    if (bits == 0) return make_small(0);
    if (bits <= 64) return get_integer_word(h, src, soffs, bits, flags);
    Uint nbytes = (bits + 7) / 8;
    Uint nlimbs = (bits + 63) / 64;
    Scratch a, b, c;
    unsigned char *le = scratch_get(&a, nlimbs * 8);
    unsigned char *tmp = scratch_get(&b, nbytes);
    read_value(src, soffs, bits, flags, le, tmp);
    Uint *limbs = (Uint *)(void *)scratch_get(&c, nlimbs * 8);
    for (Uint i = 0; i < nlimbs * 8; i++) limbs[i / 8] |= (Uint)le[i] << (8 * (i % 8));
    bool neg = (flags & BIN_SIGNED) && (limbs[(bits - 1) / 64] >> ((bits - 1) % 64) & 1);
    if (neg) {
        /* The magnitude is 2^bits - u: the two's complement of u, kept to `bits` bits. */
        unsigned carry = 1;
        for (Uint i = 0; i < nlimbs; i++) {
            Uint x = ~limbs[i] + carry;
            carry = carry && x == 0;
            limbs[i] = x;
        }
        unsigned top = (unsigned)(bits % 64);
        if (top) limbs[nlimbs - 1] &= ((Uint)1 << top) - 1;
    }
    Term r = int_from_limbs(h, neg, limbs, nlimbs);
    scratch_free(&c);
    scratch_free(&b);
    scratch_free(&a);
    return r;
}

/* ---- floats ----------------------------------------------------------------------------- */

/* IEEE binary16 from a double, rounded to nearest even directly (not through float: OTP 25
 * converts with _Float16, so 1 + 2^-11 + 2^-40 gives 16#3C01, where a float detour gives
 * 16#3C00). Out of range gives infinity, as OTP does. */
static uint16_t half_from_double(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    uint16_t sign = (uint16_t)(u >> 48 & 0x8000u);
    uint64_t a = u & 0x7FFFFFFFFFFFFFFFull;
    if (a >= 0x7FF0000000000000ull) /* inf or NaN */
        return (uint16_t)(sign | 0x7C00u | (a > 0x7FF0000000000000ull ? 0x200u : 0));
    int e = (int)(a >> 52) - 1023;
    uint64_t mant = (a & 0xFFFFFFFFFFFFFull) | 0x10000000000000ull; /* 53 bits */
    if (e > 15) return (uint16_t)(sign | 0x7C00u);
    unsigned shift;
    uint64_t base;
    if (e >= -14) {
        /* Normal: keep 11 bits (the implicit one included); adding the exponent below with
         * e + 14 lets the implicit bit carry it to e + 15, and a rounding carry goes on into
         * the exponent (and to infinity, 0x7C00) by itself. */
        shift = 42;
        base = (uint64_t)(e + 14) << 10;
    } else {
        /* Subnormal: units of 2^-24. */
        shift = (unsigned)(28 - e);
        if (shift > 54) return sign; /* below half the smallest subnormal */
        base = 0;
    }
    uint64_t h = mant >> shift;
    uint64_t rest = mant & (((uint64_t)1 << shift) - 1);
    uint64_t half = (uint64_t)1 << (shift - 1);
    if (rest > half || (rest == half && (h & 1))) h++;
    uint64_t r = base + h;
    if (r >= 0x7C00u) r = 0x7C00u;
    return (uint16_t)(sign | r);
}

/* A double from IEEE binary16; false for infinities and NaNs. */
static bool half_to_double(uint16_t h, double *out)
{
    unsigned e = h >> 10 & 0x1Fu, f = h & 0x3FFu;
    if (e == 0x1F) return false;
    double v = e == 0 ? ldexp((double)f, -24) : ldexp((double)(f | 0x400u), (int)e - 25);
    *out = (h & 0x8000u) ? -v : v;
    return true;
}

static void bad_float_size(Uint bits)
{
    fprintf(stderr, "heapscope: bit syntax float of %llu bits\n", (unsigned long long)bits);
    abort();
}

void bin_put_float(double d, Uint bits, unsigned flags, unsigned char *dst, Uint doffs)
{
    uint64_t u;
    if (bits == 64) {
        memcpy(&u, &d, sizeof u);
    } else if (bits == 32) {
        float f = (float)d; /* round to nearest; out of range gives infinity, as OTP 25 */
        uint32_t w;
        memcpy(&w, &f, sizeof w);
        u = w;
    } else if (bits == 16) {
        u = half_from_double(d);
    } else {
        bad_float_size(bits);
        return;
    }
    put_uint64(u, bits, flags, dst, doffs);
}

bool bin_get_float(const unsigned char *src, Uint soffs, Uint bits, unsigned flags, double *out)
{
    if (bits != 16 && bits != 32 && bits != 64) return false;
    uint64_t u = get_uint64(src, soffs, bits, flags);
    if (bits == 16) return half_to_double((uint16_t)u, out);
    double d;
    if (bits == 32) {
        float f;
        uint32_t w = (uint32_t)u;
        memcpy(&f, &w, sizeof f);
        d = f;
    } else {
        memcpy(&d, &u, sizeof d);
    }
    if (!isfinite(d)) return false;
    *out = d;
    return true;
}
