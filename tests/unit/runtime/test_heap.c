/*
 * test_heap.c — the heap-size table, heap creation, heap_halloc and fragments.
 *
 * Expected values: reference/beam-memory.md §3.1, §3.2 (erlang:system_info(heap_sizes) and
 * spawn_opt min_heap_size on OTP 25.2.3), e.g.
 *   erl -noshell -eval 'L = erlang:system_info(heap_sizes), io:format("~p ~p~n",
 *       [length(L), lists:last(L)]), halt().'          → 137 885767171276247
 *   spawn_opt(F, [{min_heap_size, N}]), process_info(P, heap_size) for N = 100, 233, 234, 1000,
 *   5000, 100000                                       → 233, 233, 376, 1598, 6772, 121536
 */
#include "bin.h"
#include "gc.h"
#include "heap.h"
#include "hs.h"
#include "testhelp.h"

TEST(size_table)
{
    static const Uint first25[25] = {12,    38,    51,    90,     142,    233,    376,
                                     610,   987,   1598,  2586,   4185,   6772,   10958,
                                     17731, 28690, 46422, 75113,  121536, 196650, 318187,
                                     514838, 833026, 999631, 1199557};
    for (unsigned i = 0; i < 25; i++) CHECK_EQ(heap_size_at(i), first25[i]);
    CHECK_EQ(heap_size_count(), 137);
    CHECK_EQ(heap_size_at(136), 885767171276247ull);
    CHECK_EQ(heap_size_at(137), 0);
    /* +20 % steps after entry 22 (§3.2). */
    for (unsigned i = 23; i < heap_size_count(); i++)
        CHECK_EQ(heap_size_at(i), heap_size_at(i - 1) + heap_size_at(i - 1) / 5);
}

TEST(next_size)
{
    /* offset 0: the smallest entry >= size; below 12 → 12. */
    CHECK_EQ(heap_next_size(0, 0), 12);
    CHECK_EQ(heap_next_size(11, 0), 12);
    CHECK_EQ(heap_next_size(12, 0), 12);
    CHECK_EQ(heap_next_size(13, 0), 38);
    CHECK_EQ(heap_next_size(233, 0), 233);
    CHECK_EQ(heap_next_size(234, 0), 376);
    CHECK_EQ(heap_next_size(5025, 0), 6772);
    CHECK_EQ(heap_next_size(885767171276247ull, 0), 885767171276247ull);
    /* offset 1: one entry beyond the covering one (§3.3: old heaps 233 for 102 young words,
     * 376 for 154, 610 for 368). */
    CHECK_EQ(heap_next_size(102, 1), 233);
    CHECK_EQ(heap_next_size(154, 1), 376);
    CHECK_EQ(heap_next_size(368, 1), 610);
    CHECK_EQ(heap_next_size(233, 1), 376);
    CHECK_EQ(heap_next_size(978, 1), 1598);
    CHECK_EQ(heap_next_size(2578, 1), 4185);
    CHECK_EQ(heap_next_size(6764, 1), 10958);
    CHECK_EQ(heap_next_size(17722, 1), 28690);
}

TEST(min_heap_size_rounding)
{
    static const Uint in[] = {100, 233, 234, 1000, 5000, 100000};
    static const Uint want[] = {233, 233, 376, 1598, 6772, 121536};
    for (unsigned i = 0; i < 6; i++) {
        Heap h;
        heap_init(&h, in[i], 65535);
        CHECK_EQ(h.heap_sz, want[i]);
        CHECK_EQ(h.min_heap_size, want[i]);
        CHECK_EQ((Uint)(h.hend - h.heap), want[i]);
        heap_destroy(&h);
    }
}

TEST(fresh_heap)
{
    Heap h;
    heap_init(&h, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    /* §3.1 [M]: heap_size 233, stack_size 1; §3.4: vheap limits 46422; §4.5: 65535. */
    CHECK_EQ(h.heap_sz, 233);
    CHECK_EQ(heap_stack_words(&h), 1);
    CHECK(term_is_header(h.stop[0])); /* a return address: skipped by the GC */
    CHECK_EQ(heap_used_words(&h), 0);
    CHECK_EQ(heap_free_words(&h), 232);
    CHECK(h.high_water == h.heap);
    CHECK(h.old_heap == NULL && h.old_htop == NULL && h.old_hend == NULL);
    CHECK(h.mbuf == NULL);
    CHECK_EQ(h.mbuf_sz, 0);
    CHECK_EQ(h.bin_vheap_sz, 46422);
    CHECK_EQ(h.bin_old_vheap_sz, 46422);
    CHECK_EQ(h.min_vheap_size, 46422);
    CHECK_EQ(h.max_gen_gcs, 65535);
    CHECK_EQ(h.gen_gcs, 0);
    CHECK(h.off_heap.first == NULL);
    GcInfo i;
    gc_info(&h, &i);
    CHECK_EQ(i.heap_block_size, 233);
    CHECK_EQ(i.stack_size, 1);
    CHECK_EQ(i.bin_vheap_block_size, 46422);
    CHECK(gc_verify(&h, NULL) == NULL);
    heap_destroy(&h);

    heap_init(&h, 233, 100000); /* fullsweep_after is a Uint16: clamped as system_flag does */
    CHECK_EQ(h.max_gen_gcs, 65535);
    heap_destroy(&h);
}

TEST(halloc_block_then_fragments)
{
    Heap h;
    heap_init(&h, 233, 65535);
    Term *a = heap_halloc(&h, 200);
    CHECK(a == h.heap);
    CHECK_EQ(heap_used_words(&h), 200);
    CHECK(h.mbuf == NULL);
    for (int i = 0; i < 200; i += 2) cons_at(a + i, NIL, NIL);
    /* 32 free: a 40-word request goes to a fragment of exactly 40 words. */
    Term *b = heap_halloc(&h, 40);
    CHECK(h.mbuf != NULL);
    CHECK(b == h.mbuf->mem);
    CHECK_EQ(h.mbuf->alloc_size, 40);
    CHECK_EQ(h.mbuf->used_size, 40);
    CHECK_EQ(h.mbuf_sz, 40);
    CHECK_EQ(heap_used_words(&h), 200);
    CHECK(heap_in_young(&h, b) && heap_in_young(&h, b + 39));
    CHECK(heap_in_young(&h, a) && !heap_in_young(&h, h.htop));
    /* A request that still fits in the block uses the block. */
    Term *c = heap_halloc(&h, 32);
    CHECK(c == h.heap + 200);
    CHECK_EQ(heap_free_words(&h), 0);
    /* The full fragment cannot take more: a second fragment, linked first. */
    HeapFrag *first = h.mbuf;
    Term *d = heap_halloc(&h, 3);
    CHECK(h.mbuf != first && h.mbuf->next == first);
    CHECK(d == h.mbuf->mem);
    CHECK_EQ(h.mbuf_sz, 43);
    for (int i = 0; i < 40; i += 2) cons_at(b + i, NIL, NIL);
    for (int i = 0; i < 32; i += 2) cons_at(c + i, NIL, NIL);
    d[0] = make_tuple_header(2);
    d[1] = d[2] = NIL;
    /* A zero-word request never needs a fragment. */
    CHECK(heap_halloc(&h, 0) == h.htop);
    CHECK(gc_verify(&h, NULL) == NULL);
    heap_destroy(&h);
}

/* OTP's rule: the current fragment is reused while it has room. Our fragments are exactly the
 * size asked for, so a fragment has room only when someone gave back words (never), or when
 * the request is 0; check the rule directly on a fragment with slack. */
TEST(halloc_reuses_current_fragment)
{
    Heap h;
    heap_init(&h, 233, 65535);
    heap_halloc(&h, heap_free_words(&h));
    Term *f1 = heap_halloc(&h, 10);
    h.mbuf->alloc_size = 10; /* already exact */
    h.mbuf->used_size = 6;   /* pretend 4 words are still free in it */
    h.mbuf_sz -= 4;
    Term *f2 = heap_halloc(&h, 4);
    CHECK(f2 == f1 + 6);
    CHECK(h.mbuf->next == NULL);
    CHECK_EQ(h.mbuf->used_size, 10);
    CHECK_EQ(h.mbuf_sz, 10);
    Term *f3 = heap_halloc(&h, 1);
    CHECK(f3 != f1 + 10);
    CHECK(h.mbuf->next != NULL);
    CHECK_EQ(h.mbuf_sz, 11);
    heap_destroy(&h);
}

TEST(link_offheap_and_destroy_release)
{
    hs_init();
    Heap h;
    heap_init(&h, 233, 65535);
    static unsigned char bytes[300];
    Uint frees = atomic_load(&bin_stats.frees);
    Term a = bin_new(&h, bytes, 300); /* ProcBin in the block */
    Uint fill = heap_free_words(&h) & ~(Uint)1;
    Term *g = heap_halloc(&h, fill);
    for (Uint k = 0; k < fill; k += 2) cons_at(g + k, NIL, NIL);
    Term b = bin_new(&h, bytes, 100); /* ProcBin in a fragment */
    CHECK(h.mbuf != NULL);
    CHECK(term_is_refc_bin(a) && term_is_refc_bin(b));
    /* bin.c links both on the process list, as OTP's MSO(p) (a fragment's own list is for
     * message data); either way the vheap counts both. */
    GcInfo i;
    gc_info(&h, &i);
    CHECK_EQ(i.bin_vheap_size, 37 + 12);
    CHECK(gc_verify(&h, NULL) == NULL);
    /* heap_link_offheap puts new entries first and adds their words. */
    OffHeapHeader *was_first = h.off_heap.first;
    Uint was_overhead = h.off_heap.overhead;
    OffHeapHeader fake = {make_header(SUB_REF, REF_MAGIC, 2), 0, NULL};
    heap_link_offheap(&h, &fake, 5);
    CHECK(h.off_heap.first == &fake && fake.next == was_first);
    CHECK_EQ(h.off_heap.overhead, was_overhead + 5);
    h.off_heap.first = was_first; /* not a real heap object: unlink before destroy */
    h.off_heap.overhead = was_overhead;
    heap_destroy(&h);
    CHECK_EQ(atomic_load(&bin_stats.frees) - frees, 2);
}

int main(void)
{
    hs_init();
    TH_RUN(size_table);
    TH_RUN(next_size);
    TH_RUN(min_heap_size_rounding);
    TH_RUN(fresh_heap);
    TH_RUN(halloc_block_then_fragments);
    TH_RUN(halloc_reuses_current_fragment);
    TH_RUN(link_offheap_and_destroy_release);
    return th_done();
}
