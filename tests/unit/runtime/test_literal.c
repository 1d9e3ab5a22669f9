/*
 * test_literal.c — the literal area: the reserved range, membership, the global {} and #{},
 * bump allocation under concurrency, and literal_copy keeping refc binaries alive.
 * OTP facts used (reference §1.1, §1.4, §2): {} is one global literal of 0 heap words; maps:new()
 * is a global literal flatmap of 3 words (flat_size 3); the literal range is 1 GiB.
 */
#include <pthread.h>
#include <stdlib.h>

#include "bin.h"
#include "copy.h"
#include "heap.h"
#include "hs.h"
#include "literal.h"
#include "testhelp.h"

TEST(area_is_reserved_once)
{
    Term *base = literal_base;
    CHECK(base != NULL);
    CHECK_EQ((Uint)(literal_end - literal_base) * sizeof(Term), (Uint)1 << 30);
    literal_init(); /* idempotent */
    CHECK(literal_base == base);
}

TEST(empty_tuple_is_a_global_literal)
{
    Term t = literal_empty_tuple();
    CHECK(term_is_tuple(t));
    CHECK_EQ(tuple_arity(t), 0);
    CHECK_EQ(hdr_size(boxed_header(t)), 1);
    CHECK(term_is_literal(t));
    CHECK(literal_empty_tuple() == t);
}

TEST(empty_map_is_a_flatmap_literal)
{
    Term m = literal_empty_map();
    CHECK(term_is_map(m));
    CHECK(term_is_literal(m));
    Term *p = boxed_ptr(m);
    CHECK_EQ(map_hdr_type(p[0]), MAP_FLAT);
    CHECK_EQ(hdr_size(p[0]), 3); /* maps:new(): flat_size 3 */
    CHECK_EQ(hdr_raw_words(p[0]), 1);
    CHECK_EQ(p[1], 0);
    CHECK(p[2] == literal_empty_tuple());
}

TEST(membership)
{
    Term *p = literal_alloc(10);
    CHECK(p != NULL);
    CHECK(ptr_is_literal(p) && ptr_is_literal(p + 9));
    CHECK(!ptr_is_literal(literal_end));
    CHECK(!ptr_is_literal(literal_base - 1));
    p[0] = make_tuple_header(1);
    p[1] = make_small(1);
    CHECK(term_is_literal(make_boxed(p)));
    CHECK(term_is_literal(make_list(p + 2)));
    /* Immediates are never literals, even when their bits fall in the range. */
    CHECK(!term_is_literal(make_small(7)));
    CHECK(!term_is_literal(NIL));
    CHECK(!term_is_literal(make_atom(3)));
    CHECK(!term_is_literal((Term)(uintptr_t)p)); /* header-tagged: not a pointer term */
    /* Heap and C memory are not. */
    Heap h;
    heap_init(&h, 233, 65535);
    Term *hp = heap_halloc(&h, 2);
    CHECK(!ptr_is_literal(hp));
    CHECK(!term_is_literal(make_list(hp)));
    Term local[2];
    CHECK(!ptr_is_literal(local));
    heap_destroy(&h);
}

TEST(used_words_and_exhaustion)
{
    Uint used = literal_used_words();
    CHECK(used >= 4); /* at least {} and #{} */
    Term *a = literal_alloc(5);
    Term *b = literal_alloc(3);
    CHECK(b == a + 5);
    CHECK_EQ(literal_used_words(), used + 8);
    /* More than is left: NULL, and nothing is taken. */
    CHECK(literal_alloc(LITERAL_AREA_BYTES / sizeof(Term)) == NULL);
    CHECK_EQ(literal_used_words(), used + 8);
}

#define THREADS 4
#define PER_THREAD 2000

static void *alloc_many(void *arg)
{
    Term **out = arg;
    for (int i = 0; i < PER_THREAD; i++) {
        Term *p = literal_alloc(3);
        p[0] = p[1] = p[2] = (Term)(uintptr_t)out; /* owner mark */
        out[i] = p;
    }
    return NULL;
}

static int cmp_ptr(const void *a, const void *b)
{
    const Term *x = *(Term *const *)a, *y = *(Term *const *)b;
    return x < y ? -1 : x > y;
}

TEST(concurrent_allocations_do_not_overlap)
{
    static Term *got[THREADS][PER_THREAD];
    Uint used = literal_used_words();
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++) pthread_create(&th[i], NULL, alloc_many, got[i]);
    for (int i = 0; i < THREADS; i++) pthread_join(th[i], NULL);
    CHECK_EQ(literal_used_words(), used + THREADS * PER_THREAD * 3);
    static Term *all[THREADS * PER_THREAD];
    for (int i = 0; i < THREADS; i++) {
        for (int j = 0; j < PER_THREAD; j++) {
            all[i * PER_THREAD + j] = got[i][j];
            /* Nobody else wrote into this thread's words. */
            if (got[i][j][2] != (Term)(uintptr_t)got[i]) {
                th_fail(__FILE__, __LINE__, "words overwritten by another thread");
                return;
            }
        }
    }
    qsort(all, THREADS * PER_THREAD, sizeof all[0], cmp_ptr);
    for (int i = 1; i < THREADS * PER_THREAD; i++) CHECK(all[i] - all[i - 1] >= 3);
}

TEST(copy_keeps_refc_binaries_alive)
{
    Heap h;
    heap_init(&h, 233, 65535);
    unsigned char data[200];
    for (int i = 0; i < 200; i++) data[i] = (unsigned char)i;
    Term bin = bin_new(&h, data, 200);
    Binary *b = procbin_ptr(bin)->val;
    Term *hp = heap_halloc(&h, 3 + 4);
    Term list = cons_at(hp + 3, make_small(1), cons_at(hp + 5, make_small(2), NIL));
    hp[0] = make_tuple_header(2);
    hp[1] = bin;
    hp[2] = list;
    Term t = make_boxed(hp);

    Uint used = literal_used_words();
    Term lit = literal_copy(t);
    CHECK(term_is_literal(lit) && term_is_tuple(lit));
    /* {Bin200, [1,2]}: 3 + 6 + 4 words, flat, in the area. */
    CHECK_EQ(literal_used_words() - used, 13);
    CHECK_EQ(size_object(lit), 13);
    Term lbin = tuple_elem(lit, 1);
    CHECK(term_is_refc_bin(lbin) && term_is_literal(lbin));
    CHECK(procbin_ptr(lbin)->val == b);
    CHECK_EQ(atomic_load(&b->refc), 2);
    CHECK(term_is_list(tuple_elem(lit, 2)) && term_is_literal(tuple_elem(lit, 2)));
    CHECK(list_head(tuple_elem(lit, 2)) == make_small(1));

    /* The process lets go of its ProcBin: the literal's reference keeps the data. */
    Uint frees = atomic_load(&bin_stats.frees);
    heap_destroy(&h);
    CHECK_EQ(atomic_load(&bin_stats.frees), frees);
    CHECK_EQ(atomic_load(&b->refc), 1);
    BinView v;
    CHECK(bin_view(lbin, &v) && memcmp(v.base, data, 200) == 0);

    /* Literals and immediates copy to themselves. */
    CHECK(literal_copy(lit) == lit);
    CHECK(literal_copy(make_small(5)) == make_small(5));
    CHECK(literal_copy(literal_empty_tuple()) == literal_empty_tuple());
}

int main(void)
{
    hs_init();
    TH_RUN(area_is_reserved_once);
    TH_RUN(empty_tuple_is_a_global_literal);
    TH_RUN(empty_map_is_a_flatmap_literal);
    TH_RUN(membership);
    TH_RUN(used_words_and_exhaustion);
    TH_RUN(concurrent_allocations_do_not_overlap);
    TH_RUN(copy_keeps_refc_binaries_alive);
    return th_done();
}
