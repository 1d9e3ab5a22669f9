/*
 * test_bin.c — binaries: sizes, refcounts, extraction, bit copying and the bit syntax helpers.
 * Expected sizes come from reference/beam-memory.md §1.2 and §1.4 (measured on OTP 25); expected
 * bytes and values were printed by erl (OTP 25.2.3), e.g.
 *   erl -noshell -eval 'io:format("~w~n", [<<(-1):13/little-signed>>]), halt().'
 * Bitstrings are written here as their bytes with the trailing bits left-aligned and zero-padded,
 * as <<B/bitstring, 0:Pad>> prints them.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>

#include "bignum.h"
#include "bin.h"
#include "gc.h"
#include "heap.h"
#include "hs.h"
#include "testhelp.h"

/* ---- helpers ---------------------------------------------------------------------------- */

static Heap heap;

static void fresh_heap(void)
{
    heap_init(&heap, 233, 65535);
}

/* xorshift64*: deterministic from th_seed(). */
static uint64_t rng_state;
static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1Dull;
}
static void seed_rng(void) { rng_state = th_seed() * 2654435761u + 1; }

static int naive_get(const unsigned char *p, Uint bit) { return p[bit / 8] >> (7 - bit % 8) & 1; }
static void naive_set(unsigned char *p, Uint bit, int v)
{
    unsigned char m = (unsigned char)(0x80u >> (bit % 8));
    p[bit / 8] = (unsigned char)(v ? p[bit / 8] | m : p[bit / 8] & ~m);
}

/* Same integer: both the same small, or bignums with equal sign and digits. */
static bool int_same(Term a, Term b)
{
    if (term_is_small(a) || term_is_small(b)) return a == b;
    if (!term_is_big(a) || !term_is_big(b)) return false;
    if (boxed_header(a) != boxed_header(b)) return false;
    return memcmp(big_limbs(a), big_limbs(b), big_digits(a) * sizeof(Uint)) == 0;
}

/* The integer with these 64-bit digits (little endian). */
static Term int_of(bool neg, const Uint *limbs, Uint n) { return int_from_limbs(&heap, neg, limbs, n); }

/* Writes t at bit offset off of a zeroed buffer and compares the bytes with OTP's. */
static bool put_matches(Term t, Uint bits, unsigned flags, Uint off, const unsigned char *want,
                        size_t nwant)
{
    unsigned char buf[64] = {0};
    bin_put_integer(t, bits, flags, buf, off);
    return memcmp(buf, want, nwant) == 0 && buf[nwant] == 0;
}

/* ---- sizes ------------------------------------------------------------------------------ */

static Uint words_of_new_bin(Uint n)
{
    unsigned char *data = calloc(n ? n : 1, 1);
    Uint before = heap_used_words(&heap);
    bin_new(&heap, data, n);
    free(data);
    return heap_used_words(&heap) - before;
}

TEST(heap_binary_sizes)
{
    fresh_heap();
    CHECK_EQ(words_of_new_bin(0), 2);
    CHECK_EQ(words_of_new_bin(1), 3);
    CHECK_EQ(words_of_new_bin(7), 3);
    CHECK_EQ(words_of_new_bin(8), 3);
    CHECK_EQ(words_of_new_bin(9), 4);
    CHECK_EQ(words_of_new_bin(63), 10);
    CHECK_EQ(words_of_new_bin(64), 10);
    heap_destroy(&heap);
}

TEST(refc_binary_sizes_and_vheap)
{
    fresh_heap();
    Uint live0 = atomic_load(&bin_stats.bytes_live);
    CHECK_EQ(words_of_new_bin(65), PROC_BIN_SIZE);
    CHECK_EQ(words_of_new_bin(4096), PROC_BIN_SIZE);
    /* OH_OVERHEAD: size / 8 words per ProcBin. */
    CHECK_EQ(heap.off_heap.overhead, 65 / 8 + 4096 / 8);
    CHECK_EQ(atomic_load(&bin_stats.bytes_live) - live0, 2 * sizeof(Binary) + 65 + 4096);
    /* Both are on the off-heap list, newest first. */
    OffHeapHeader *e = heap.off_heap.first;
    CHECK(e && e->size == 4096 && e->next && e->next->size == 65 && !e->next->next);
    heap_destroy(&heap);
    CHECK_EQ(atomic_load(&bin_stats.bytes_live), live0);
}

TEST(binary_contents_and_view)
{
    fresh_heap();
    unsigned char data[200];
    for (int i = 0; i < 200; i++) data[i] = (unsigned char)(i * 7 + 1);
    Term hb = bin_new(&heap, data, 40);
    Term rb = bin_new(&heap, data, 200);
    CHECK(term_is_heap_bin(hb) && term_is_refc_bin(rb));
    CHECK(term_is_binary_any(hb) && term_is_binary_any(rb));
    CHECK_EQ(bin_byte_size(hb), 40);
    CHECK_EQ(bin_byte_size(rb), 200);
    BinView v;
    CHECK(bin_view(hb, &v) && v.bit_offset == 0 && v.bit_size == 320);
    CHECK(memcmp(v.base, data, 40) == 0);
    CHECK(bin_view(rb, &v) && v.bit_offset == 0 && v.bit_size == 1600);
    CHECK(memcmp(v.base, data, 200) == 0);
    CHECK(!bin_view(make_small(3), &v));
    CHECK(!bin_view(NIL, &v));
    /* The padding of a heap binary's last word is zero: 5 bytes leave 3. */
    Term h5 = bin_new(&heap, data, 5);
    CHECK(memcmp(heap_bin_data(h5) + 5, "\0\0\0", 3) == 0);
    heap_destroy(&heap);
}

TEST(procbin_in_a_fragment_is_on_the_process_list)
{
    fresh_heap();
    /* Fill the block so that heap_halloc must use a fragment. */
    heap_halloc(&heap, heap_free_words(&heap));
    unsigned char data[100] = {1, 2, 3};
    Term rb = bin_new(&heap, data, 100);
    CHECK(heap.mbuf != NULL);
    CHECK(heap.mbuf && boxed_ptr(rb) >= heap.mbuf->mem &&
          boxed_ptr(rb) < heap.mbuf->mem + heap.mbuf->alloc_size);
    CHECK(heap.off_heap.first == (OffHeapHeader *)boxed_ptr(rb));
    CHECK_EQ(heap.off_heap.overhead, 100 / 8);
    CHECK(heap.mbuf && heap.mbuf->off_heap.first == NULL);
    Uint frees = atomic_load(&bin_stats.frees);
    heap_destroy(&heap);
    CHECK_EQ(atomic_load(&bin_stats.frees), frees + 1);
}

/* ---- refcounts -------------------------------------------------------------------------- */

TEST(refcount_frees_exactly_at_last_reference)
{
    Uint allocs = atomic_load(&bin_stats.allocs), frees = atomic_load(&bin_stats.frees);
    Binary *b = binary_alloc(1000);
    CHECK_EQ(atomic_load(&bin_stats.allocs), allocs + 1);
    CHECK_EQ(atomic_load(&b->refc), 1);
    CHECK_EQ(b->orig_size, 1000);
    binary_incref(b);
    binary_incref(b);
    CHECK_EQ(atomic_load(&b->refc), 3);
    binary_decref(b);
    binary_decref(b);
    CHECK_EQ(atomic_load(&bin_stats.frees), frees);
    binary_decref(b);
    CHECK_EQ(atomic_load(&bin_stats.frees), frees + 1);
}

/* Several threads take and drop references to one Binary, as processes and ETS do. */
static void *ref_churn(void *arg)
{
    Binary *b = arg;
    for (int i = 0; i < 20000; i++) {
        binary_incref(b);
        /* Touch the data between taking and dropping the reference. */
        if (b->data[i % 64] != 0x5A) abort();
        binary_decref(b);
    }
    binary_decref(b); /* the reference main took for this thread */
    return NULL;
}

TEST(refcount_across_threads)
{
    Uint frees = atomic_load(&bin_stats.frees);
    Binary *b = binary_alloc(64);
    memset(b->data, 0x5A, 64);
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        binary_incref(b);
        pthread_create(&th[i], NULL, ref_churn, b);
    }
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    CHECK_EQ(atomic_load(&b->refc), 1);
    CHECK_EQ(atomic_load(&bin_stats.frees), frees);
    binary_decref(b);
    CHECK_EQ(atomic_load(&bin_stats.frees), frees + 1);
}

TEST(procbin_takes_its_own_reference)
{
    fresh_heap();
    Uint frees = atomic_load(&bin_stats.frees);
    Binary *b = binary_alloc(300);
    memset(b->data, 0xAB, 300);
    /* A second handle over bytes 100..299, as a copy of a sub binary makes. */
    Term pb = bin_procbin(&heap, b, b->data + 100, 200);
    CHECK_EQ(atomic_load(&b->refc), 2);
    CHECK_EQ(procbin_ptr(pb)->val == b, 1);
    CHECK_EQ(bin_byte_size(pb), 200);
    BinView v;
    CHECK(bin_view(pb, &v) && v.base == b->data + 100 && v.bit_size == 1600);
    CHECK_EQ(heap.off_heap.overhead, 200 / 8);
    binary_decref(b); /* ours */
    CHECK_EQ(atomic_load(&bin_stats.frees), frees);
    heap_destroy(&heap); /* the ProcBin's */
    CHECK_EQ(atomic_load(&bin_stats.frees), frees + 1);
}

/* With gc.c: ProcBins in the block and in fragments live and die with their handles. */
TEST(binaries_live_and_die_with_the_gc)
{
    fresh_heap();
    unsigned char data[300];
    for (int i = 0; i < 300; i++) data[i] = (unsigned char)(i ^ 0x33);
    Uint frees = atomic_load(&bin_stats.frees);
    Term x = bin_new(&heap, data, 200);              /* kept only through a sub binary */
    Term sub = bin_extract(&heap, x, 8 * 50, 8 * 100);
    bin_new(&heap, data, 150);                       /* garbage */
    heap_halloc(&heap, heap_free_words(&heap));      /* the block is full: fragments next */
    Term z = bin_new(&heap, data + 10, 290);         /* in a fragment, kept */
    bin_new(&heap, data, 100);                       /* in a fragment, garbage */
    CHECK(heap.mbuf != NULL);
    CHECK_EQ(heap.off_heap.overhead, 200 / 8 + 150 / 8 + 290 / 8 + 100 / 8);
    Term xregs[2] = {sub, z};
    GcRoots roots = {.xregs = xregs, .live = 2, .each_extra = NULL, .ctx = NULL};
    GcEvent ev;
    gc_collect(&heap, 0, &roots, true, GC_REASON_EXPLICIT, &ev);
    CHECK_EQ(atomic_load(&bin_stats.frees), frees + 2);
    CHECK(heap.mbuf == NULL);
    CHECK_EQ(heap.off_heap.overhead, 200 / 8 + 290 / 8);
    BinView v;
    CHECK(term_is_sub_bin(xregs[0]) && bin_view(xregs[0], &v));
    CHECK(v.bit_size == 800 && memcmp(v.base + v.bit_offset / 8, data + 50, 100) == 0);
    CHECK(term_is_refc_bin(xregs[1]) && bin_view(xregs[1], &v));
    CHECK(v.bit_size == 290 * 8 && memcmp(v.base, data + 10, 290) == 0);
    heap_destroy(&heap);
    CHECK_EQ(atomic_load(&bin_stats.frees), frees + 4);
}

/* ---- extraction ------------------------------------------------------------------------- */

TEST(extract_follows_otp)
{
    fresh_heap();
    unsigned char data[200];
    for (int i = 0; i < 200; i++) data[i] = (unsigned char)(255 - i);
    Term refc = bin_new(&heap, data, 200);

    /* binary:part(Refc200, 10, 20): a heap binary copy, 5 words. */
    Uint before = heap_used_words(&heap);
    Term p20 = bin_extract(&heap, refc, 80, 160);
    CHECK(term_is_heap_bin(p20));
    CHECK_EQ(heap_used_words(&heap) - before, 5);
    CHECK(memcmp(heap_bin_data(p20), data + 10, 20) == 0);

    /* binary:part(Refc200, 10, 100): a 5-word sub binary over the ProcBin. */
    before = heap_used_words(&heap);
    Term p100 = bin_extract(&heap, refc, 80, 800);
    CHECK(term_is_sub_bin(p100));
    CHECK_EQ(heap_used_words(&heap) - before, SUB_BIN_SIZE);
    CHECK(sub_bin_orig(p100) == refc);
    CHECK_EQ(sub_bin_offs(p100), 10);
    CHECK_EQ(bin_byte_size(p100), 100);
    CHECK_EQ(sub_bin_bitoffs(p100), 0);
    CHECK_EQ(sub_bin_bitsize(p100), 0);
    CHECK(!sub_bin_is_writable(p100));
    BinView v;
    CHECK(bin_view(p100, &v) && v.bit_offset == 80 && v.bit_size == 800);
    CHECK(memcmp(v.base + 10, data + 10, 100) == 0);

    /* 64 bytes is still a heap binary (10 words), 65 a sub binary. */
    CHECK(term_is_heap_bin(bin_extract(&heap, refc, 8, 64 * 8)));
    CHECK(term_is_sub_bin(bin_extract(&heap, refc, 8, 65 * 8)));
    /* <<>>: a 2-word heap binary. */
    before = heap_used_words(&heap);
    CHECK(term_is_heap_bin(bin_extract(&heap, refc, 1599, 0)));
    CHECK_EQ(heap_used_words(&heap) - before, 2);
    heap_destroy(&heap);
}

TEST(extract_unaligned)
{
    fresh_heap();
    unsigned char data[200];
    for (int i = 0; i < 200; i++) data[i] = (unsigned char)(i * 13 + 5);
    Term refc = bin_new(&heap, data, 200);
    Term heap40 = bin_new(&heap, data, 40);

    /* <<_:3, A:10/binary, _/bitstring>> = Refc200: a heap binary copy (OTP: flat_size 4). */
    Term a = bin_extract(&heap, refc, 3, 80);
    CHECK(term_is_heap_bin(a));
    CHECK_EQ(hdr_size(boxed_header(a)), 4);
    unsigned char want[10] = {0};
    bin_copy_bits(data, 3, want, 0, 80);
    CHECK(memcmp(heap_bin_data(a), want, 10) == 0);
    /* <<_:3, B:64/binary, _/bitstring>> = Refc200: still a heap binary (10 words). */
    CHECK(term_is_heap_bin(bin_extract(&heap, refc, 3, 512)));

    /* <<_:3, R/bitstring>> = Refc200: a sub binary, 199 bytes + 5 bits at bit offset 3. */
    Term r = bin_extract(&heap, refc, 3, 1597);
    CHECK(term_is_sub_bin(r));
    CHECK_EQ(bin_byte_size(r), 199);
    CHECK_EQ(sub_bin_bitsize(r), 5);
    CHECK_EQ(sub_bin_offs(r), 0);
    CHECK_EQ(sub_bin_bitoffs(r), 3);
    CHECK_EQ(bin_bit_size(r), 1597);

    /* <<_:8, G:13/bitstring, _/bitstring>> = Heap40: a sub binary over the heap binary. */
    Term g = bin_extract(&heap, heap40, 8, 13);
    CHECK(term_is_sub_bin(g) && sub_bin_orig(g) == heap40);
    CHECK_EQ(bin_byte_size(g), 1);
    CHECK_EQ(sub_bin_bitsize(g), 5);
    CHECK_EQ(sub_bin_offs(g), 1);

    /* A piece of a sub binary points at the original, offsets combined. */
    Term rr = bin_extract(&heap, r, 10, 1000);
    CHECK(term_is_sub_bin(rr) && sub_bin_orig(rr) == refc);
    CHECK_EQ(sub_bin_offs(rr), 1);
    CHECK_EQ(sub_bin_bitoffs(rr), 5);
    CHECK_EQ(bin_byte_size(rr), 125);
    CHECK_EQ(sub_bin_bitsize(rr), 0);
    BinView v;
    CHECK(bin_view(rr, &v) && v.bit_offset == 13 && v.bit_size == 1000);
    /* ... and its small whole-byte pieces are heap binaries with the right bits. */
    Term small = bin_extract(&heap, rr, 7, 16);
    CHECK(term_is_heap_bin(small));
    unsigned char w2[2] = {0};
    bin_copy_bits(data, 20, w2, 0, 16);
    CHECK(memcmp(heap_bin_data(small), w2, 2) == 0);
    heap_destroy(&heap);
}

/* ---- bit copying ------------------------------------------------------------------------ */

TEST(copy_bits_all_offsets_against_naive)
{
    seed_rng();
    unsigned char src[40], dst[40], ref[40];
    for (int round = 0; round < 4; round++) {
        for (Uint so = 0; so < 16; so++) {
            for (Uint dof = 0; dof < 16; dof++) {
                for (Uint n = 0; n <= 130; n += (n < 20 ? 1 : 7)) {
                    for (size_t i = 0; i < sizeof src; i++) {
                        src[i] = (unsigned char)rnd();
                        dst[i] = ref[i] = (unsigned char)rnd();
                    }
                    bin_copy_bits(src, so, dst, dof, n);
                    for (Uint i = 0; i < n; i++) naive_set(ref, dof + i, naive_get(src, so + i));
                    if (memcmp(dst, ref, sizeof dst) != 0) {
                        char m[96];
                        snprintf(m, sizeof m, "soffs %llu doffs %llu n %llu",
                                 (unsigned long long)so, (unsigned long long)dof,
                                 (unsigned long long)n);
                        th_fail(__FILE__, __LINE__, m);
                        return;
                    }
                }
            }
        }
    }
}

TEST(copy_bits_does_not_read_past_the_source)
{
    /* Exactly sized heap buffers: ASan flags a read of the byte after the last source bit. */
    for (Uint n = 1; n <= 24; n++) {
        for (Uint so = 0; so < 8; so++) {
            Uint bytes = (so + n + 7) / 8;
            unsigned char *src = malloc(bytes);
            unsigned char *dst = calloc(8, 1);
            memset(src, 0xFF, bytes);
            bin_copy_bits(src, so, dst, 3, n);
            CHECK_EQ(naive_get(dst, 3 + n - 1), 1);
            free(src);
            free(dst);
        }
    }
}

/* ---- integers: fixed cases from erl ----------------------------------------------------- */

TEST(put_integer_matches_otp)
{
    fresh_heap();
    /* <<(-1):13/little-signed>> = <<255,31:5>> */
    CHECK(put_matches(make_small(-1), 13, BIN_LITTLE | BIN_SIGNED, 0,
                      (const unsigned char[]){255, 248}, 2));
    /* <<16#123:12/little>> = <<35,1:4>> */
    CHECK(put_matches(make_small(0x123), 12, BIN_LITTLE, 0, (const unsigned char[]){35, 16}, 2));
    /* <<(-5):7>> */
    CHECK(put_matches(make_small(-5), 7, 0, 0, (const unsigned char[]){246}, 1));
    /* <<(-2):70>> and <<(-2):70/little>> */
    CHECK(put_matches(make_small(-2), 70, 0, 0,
                      (const unsigned char[]){255, 255, 255, 255, 255, 255, 255, 255, 248}, 9));
    CHECK(put_matches(make_small(-2), 70, BIN_LITTLE, 0,
                      (const unsigned char[]){254, 255, 255, 255, 255, 255, 255, 255, 252}, 9));
    /* <<5:3, 16#1234:16/little>>: written as two pieces */
    {
        unsigned char buf[8] = {0};
        bin_put_integer(make_small(5), 3, 0, buf, 0);
        bin_put_integer(make_small(0x1234), 16, BIN_LITTLE, buf, 3);
        CHECK(buf[0] == 166 && buf[1] == 130 && buf[2] == 64 && buf[3] == 0);
    }
    /* <<16#123456789ABCDEF0123:100>> and /little */
    Uint x[2] = {0x456789ABCDEF0123ull, 0x123};
    Term big = int_of(false, x, 2);
    CHECK(term_is_big(big));
    CHECK(put_matches(big, 100, 0, 0,
                      (const unsigned char[]){0, 0, 0, 18, 52, 86, 120, 154, 188, 222, 240, 18, 48},
                      13));
    CHECK(put_matches(big, 100, BIN_LITTLE, 0,
                      (const unsigned char[]){35, 1, 239, 205, 171, 137, 103, 69, 35, 1, 0, 0, 0},
                      13));
    /* <<(-(1 bsl 70) - 5):100/little-signed>> and /signed */
    Uint m[2] = {5, 0x40};
    Term nbig = int_of(true, m, 2);
    CHECK(put_matches(nbig, 100, BIN_LITTLE | BIN_SIGNED, 0,
                      (const unsigned char[]){251, 255, 255, 255, 255, 255, 255, 255, 191, 255, 255,
                                              255, 240},
                      13));
    CHECK(put_matches(nbig, 100, BIN_SIGNED, 0,
                      (const unsigned char[]){255, 255, 255, 251, 255, 255, 255, 255, 255, 255, 255,
                                              255, 176},
                      13));
    /* <<16#FEDCBA9876543210FFFF:40>>: truncated to the low 40 bits */
    Uint t[2] = {0xBA9876543210FFFFull, 0xFEDC};
    CHECK(put_matches(int_of(false, t, 2), 40, 0, 0, (const unsigned char[]){84, 50, 16, 255, 255},
                      5));
    heap_destroy(&heap);
}

TEST(get_integer_matches_otp)
{
    fresh_heap();
    /* <<A:100/signed>> = <<255 x 12, 254:4>>  ->  -2 */
    {
        unsigned char b[13];
        memset(b, 255, 12);
        b[12] = 0xE0;
        CHECK(bin_get_integer(&heap, b, 0, 100, BIN_SIGNED) == make_small(-2));
    }
    /* <<B:100/little>> = <<1,...,12,13:4>>  ->  16#D0C0B0A090807060504030201 */
    {
        unsigned char b[13] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 << 4};
        Uint w[2] = {0x0807060504030201ull, 0xD0C0B0A09ull};
        CHECK(int_same(bin_get_integer(&heap, b, 0, 100, BIN_LITTLE), int_of(false, w, 2)));
    }
    unsigned char c[10] = {200, 100, 50, 25, 12, 6, 3, 1, 128, 64};
    /* <<_:3, C:67/little-signed, _/bitstring>>  ->  871499720136073539 (above MAX_SMALL) */
    {
        Uint w[1] = {871499720136073539ull};
        Term r = bin_get_integer(&heap, c, 3, 67, BIN_LITTLE | BIN_SIGNED);
        CHECK(term_is_big(r));
        CHECK(int_same(r, int_of(false, w, 1)));
    }
    unsigned char d[3] = {7, 200, 100};
    /* <<_:5, D:13/signed, _/bitstring>> -> -223; /little-signed -> 505 */
    CHECK(bin_get_integer(&heap, d, 5, 13, BIN_SIGNED) == make_small(-223));
    CHECK(bin_get_integer(&heap, d, 5, 13, BIN_LITTLE | BIN_SIGNED) == make_small(505));
    /* <<F:64/signed>> = <<128,0,...>> -> -2^63; <<G:64>> = <<255 x 8>> -> 2^64-1 */
    {
        unsigned char f[8] = {128};
        Uint w[1] = {(Uint)1 << 63};
        CHECK(int_same(bin_get_integer(&heap, f, 0, 64, BIN_SIGNED), int_of(true, w, 1)));
        unsigned char g[8];
        memset(g, 255, 8);
        Uint wg[1] = {~(Uint)0};
        CHECK(int_same(bin_get_integer(&heap, g, 0, 64, 0), int_of(false, wg, 1)));
        /* <<H:60/signed, _:4>> = <<128,0,...>> -> -2^59 = MIN_SMALL, a small */
        CHECK(bin_get_integer(&heap, f, 0, 60, BIN_SIGNED) == make_small(MIN_SMALL));
    }
    CHECK(bin_get_integer(&heap, d, 0, 0, 0) == make_small(0));
    heap_destroy(&heap);
}

/* ---- integers: round trips and a naive layout model ------------------------------------- */

/* Naive bit syntax layout: which bit of value v is written at position i (0 = first). */
static int naive_layout_bit(const Uint *v, Uint bits, unsigned flags, Uint i)
{
    Uint vbit;
    if (!(flags & BIN_LITTLE)) {
        vbit = bits - 1 - i;
    } else {
        Uint full = bits / 8 * 8;
        if (i < full) vbit = (i / 8) * 8 + (7 - i % 8);
        else vbit = bits - 1 - (i - full);
    }
    return (int)(v[vbit / 64] >> (vbit % 64) & 1);
}

TEST(integer_round_trips_1_to_200_bits)
{
    seed_rng();
    fresh_heap();
    unsigned char buf[40], ref[40];
    for (Uint bits = 1; bits <= 200; bits++) {
        for (unsigned flags = 0; flags < 4; flags++) {
            for (int k = 0; k < 6; k++) {
                Uint nl = (bits + 63) / 64;
                Uint v[4] = {rnd(), rnd(), rnd(), rnd()};
                if (k == 0) memset(v, 0, sizeof v);                  /* zero */
                if (k == 1) memset(v, 0xFF, sizeof v);               /* all ones: -1 / max */
                if (k == 2) { memset(v, 0, sizeof v); v[(bits - 1) / 64] = (Uint)1 << ((bits - 1) % 64); }
                if (bits % 64) v[nl - 1] &= ((Uint)1 << (bits % 64)) - 1;
                for (Uint i = nl; i < 4; i++) v[i] = 0;
                /* The expected term: v as unsigned, or v - 2^bits when signed and negative. */
                bool neg = (flags & BIN_SIGNED) && (v[(bits - 1) / 64] >> ((bits - 1) % 64) & 1);
                Uint mag[4];
                memcpy(mag, v, sizeof mag);
                if (neg) {
                    unsigned carry = 1;
                    for (Uint i = 0; i < nl; i++) {
                        mag[i] = ~mag[i] + carry;
                        carry = carry && mag[i] == 0;
                    }
                    if (bits % 64) mag[nl - 1] &= ((Uint)1 << (bits % 64)) - 1;
                }
                Term want = int_of(neg, mag, nl);
                Uint off = rnd() % 11;
                for (size_t i = 0; i < sizeof buf; i++) buf[i] = ref[i] = (unsigned char)rnd();
                bin_put_integer(want, bits, flags, buf, off);
                for (Uint i = 0; i < bits; i++)
                    naive_set(ref, off + i, naive_layout_bit(v, bits, flags, i));
                Term got = bin_get_integer(&heap, buf, off, bits, flags);
                if (memcmp(buf, ref, sizeof buf) != 0 || !int_same(got, want)) {
                    char msg[128];
                    snprintf(msg, sizeof msg, "bits %llu flags %u case %d: %s",
                             (unsigned long long)bits, flags, k,
                             memcmp(buf, ref, sizeof buf) ? "layout" : "value");
                    th_fail(__FILE__, __LINE__, msg);
                    heap_destroy(&heap);
                    return;
                }
            }
        }
    }
    heap_destroy(&heap);
}

TEST(put_integer_truncates_and_sign_extends)
{
    fresh_heap();
    /* <<256:8>> = <<0>>, <<(-1):16>> = <<255,255>>, <<300:8/signed>> = <<44>> */
    CHECK(put_matches(make_small(256), 8, 0, 0, (const unsigned char[]){0}, 1));
    CHECK(put_matches(make_small(-1), 16, 0, 0, (const unsigned char[]){255, 255}, 2));
    CHECK(put_matches(make_small(300), 8, BIN_SIGNED, 0, (const unsigned char[]){44}, 1));
    /* The bytes around the written bits are kept. */
    unsigned char buf[3] = {0xFF, 0xFF, 0xFF};
    bin_put_integer(make_small(0), 4, 0, buf, 6);
    CHECK(buf[0] == 0xFC && buf[1] == 0x3F && buf[2] == 0xFF);
    heap_destroy(&heap);
}

/* ---- floats ----------------------------------------------------------------------------- */

static bool put_float_is(double d, Uint bits, unsigned flags, Uint off, const unsigned char *want,
                         size_t n)
{
    unsigned char buf[16] = {0};
    bin_put_float(d, bits, flags, buf, off);
    return memcmp(buf, want, n) == 0 && buf[n] == 0;
}

TEST(put_float_matches_otp)
{
    CHECK(put_float_is(1.5, 64, 0, 0, (const unsigned char[]){63, 248, 0, 0, 0, 0, 0, 0}, 8));
    CHECK(put_float_is(-0.1, 64, BIN_LITTLE, 0,
                       (const unsigned char[]){154, 153, 153, 153, 153, 153, 185, 191}, 8));
    CHECK(put_float_is(3.14159, 32, 0, 0, (const unsigned char[]){64, 73, 15, 208}, 4));
    /* <<1:5, 3.14159:32/float>> */
    {
        unsigned char buf[8] = {0};
        bin_put_integer(make_small(1), 5, 0, buf, 0);
        bin_put_float(3.14159, 32, 0, buf, 5);
        CHECK(buf[0] == 10 && buf[1] == 2 && buf[2] == 72 && buf[3] == 126 && buf[4] == 128);
    }
    /* <<1:3, (-2.5):16/float-little>> */
    {
        unsigned char buf[8] = {0};
        bin_put_integer(make_small(1), 3, 0, buf, 0);
        bin_put_float(-2.5, 16, BIN_LITTLE, buf, 3);
        CHECK(buf[0] == 32 && buf[1] == 24 && buf[2] == 32);
    }
    /* Out of range: infinity, no error (OTP 25.2.3). */
    CHECK(put_float_is(1.0e300, 32, 0, 0, (const unsigned char[]){127, 128, 0, 0}, 4));
    CHECK(put_float_is(1.0e300, 16, 0, 0, (const unsigned char[]){124, 0}, 2));
    /* Half floats: rounding at the top and bottom of the range and at ties. */
    CHECK(put_float_is(65504.0, 16, 0, 0, (const unsigned char[]){123, 255}, 2));
    CHECK(put_float_is(65520.0, 16, 0, 0, (const unsigned char[]){124, 0}, 2));
    CHECK(put_float_is(65519.99, 16, 0, 0, (const unsigned char[]){123, 255}, 2));
    CHECK(put_float_is(1.5, 16, BIN_LITTLE, 0, (const unsigned char[]){0, 62}, 2));
    CHECK(put_float_is(5.0, 16, 0, 0, (const unsigned char[]){69, 0}, 2));
    CHECK(put_float_is(1.0e-10, 16, 0, 0, (const unsigned char[]){0, 0}, 2));
    CHECK(put_float_is(1.0 + 1.0 / 2048 + ldexp(1, -40), 16, 0, 0, (const unsigned char[]){60, 1}, 2));
    CHECK(put_float_is(1.0 + 1.0 / 2048, 16, 0, 0, (const unsigned char[]){60, 0}, 2));
    CHECK(put_float_is(1.0 + 3.0 / 2048, 16, 0, 0, (const unsigned char[]){60, 2}, 2));
    CHECK(put_float_is(1.0e-300, 32, 0, 0, (const unsigned char[]){0, 0, 0, 0}, 4));
}

TEST(get_float_matches_otp)
{
    double d = 0;
    /* <<X:16/float>> = <<16#7bff:16>> -> 65504.0; <<16#0001:16>> -> 5.960464477539063e-8 */
    CHECK(bin_get_float((const unsigned char[]){0x7B, 0xFF}, 0, 16, 0, &d) && d == 65504.0);
    CHECK(bin_get_float((const unsigned char[]){0x00, 0x01}, 0, 16, 0, &d) &&
          d == 5.960464477539063e-8);
    /* Infinities and NaNs fail the match. */
    CHECK(!bin_get_float((const unsigned char[]){0x7C, 0x00}, 0, 16, 0, &d));
    CHECK(!bin_get_float((const unsigned char[]){127, 128, 0, 0}, 0, 32, 0, &d));
    CHECK(!bin_get_float((const unsigned char[]){127, 192, 0, 0}, 0, 32, 0, &d));
    CHECK(!bin_get_float((const unsigned char[]){0x7F, 0xF0, 0, 0, 0, 0, 0, 0}, 0, 64, 0, &d));
    /* <<I:32/float>> = <<64,73,15,208>> -> 3.141590118408203 */
    CHECK(bin_get_float((const unsigned char[]){64, 73, 15, 208}, 0, 32, 0, &d) &&
          d == 3.141590118408203);
    /* <<_:3, J:64/float-little, _:5>> = <<1,...,9>> -> 24.18811226451365 */
    CHECK(bin_get_float((const unsigned char[]){1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 64, BIN_LITTLE, &d) &&
          d == 24.18811226451365);
    CHECK(!bin_get_float((const unsigned char[]){0, 0, 0, 0}, 0, 24, 0, &d));
}

TEST(float_round_trips)
{
    seed_rng();
    for (int i = 0; i < 2000; i++) {
        unsigned char buf[16];
        Uint off = rnd() % 9;
        unsigned flags = (unsigned)(rnd() & BIN_LITTLE);
        double d = ldexp((double)(int64_t)rnd(), (int)(rnd() % 60) - 80);
        double got = 0;
        bin_put_float(d, 64, flags, buf, off);
        CHECK(bin_get_float(buf, off, 64, flags, &got) && got == d);
        float f = (float)d;
        bin_put_float(d, 32, flags, buf, off);
        CHECK(bin_get_float(buf, off, 32, flags, &got) && got == (double)f);
        /* Every finite half round-trips exactly. */
        uint16_t h = (uint16_t)rnd();
        if ((h & 0x7C00u) == 0x7C00u) continue;
        unsigned char hb[2] = {(unsigned char)(h >> 8), (unsigned char)h};
        CHECK(bin_get_float(hb, 0, 16, 0, &got));
        unsigned char back[2] = {0};
        bin_put_float(got, 16, 0, back, 0);
        CHECK(memcmp(hb, back, 2) == 0);
    }
}

int main(void)
{
    hs_init();
    TH_RUN(heap_binary_sizes);
    TH_RUN(refc_binary_sizes_and_vheap);
    TH_RUN(binary_contents_and_view);
    TH_RUN(procbin_in_a_fragment_is_on_the_process_list);
    TH_RUN(refcount_frees_exactly_at_last_reference);
    TH_RUN(refcount_across_threads);
    TH_RUN(procbin_takes_its_own_reference);
    TH_RUN(binaries_live_and_die_with_the_gc);
    TH_RUN(extract_follows_otp);
    TH_RUN(extract_unaligned);
    TH_RUN(copy_bits_all_offsets_against_naive);
    TH_RUN(copy_bits_does_not_read_past_the_source);
    TH_RUN(put_integer_matches_otp);
    TH_RUN(get_integer_matches_otp);
    TH_RUN(integer_round_trips_1_to_200_bits);
    TH_RUN(put_integer_truncates_and_sign_extends);
    TH_RUN(put_float_matches_otp);
    TH_RUN(get_float_matches_otp);
    TH_RUN(float_round_trips);
    return th_done();
}
