/*
 * test_gc_stress.c — the two GC stress modes (heap.h HeapStress) catch a missing root.
 *
 * Each test plants the bug stress exists to find: a raw term held across
 * heap_reserve_maybe_gc without being a root. Afterwards the term must no longer point into the
 * heap (so using it reads a retired, poisoned block) and gc_verify must reject it once it is
 * stored in the heap, while every root still reaches its data. The move mode must also leave
 * every figure (sizes, high-water mark, GC counts) as it was. Under AddressSanitizer retired
 * blocks are freed at once, so the poison itself is read only in other builds.
 */
#include <string.h>

#include "bin.h"
#include "gc.h"
#include "heap.h"
#include "hs.h"
#include "testhelp.h"

#if defined(__SANITIZE_ADDRESS__)
#define READ_RETIRED 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define READ_RETIRED 0
#endif
#endif
#ifndef READ_RETIRED
#define READ_RETIRED 1
#endif

static Heap heap;
static Term xregs[4];
static Term extra_slot; /* a root outside the X registers, as the process dictionary's slots */
static GcRoots roots;

static void each_extra(void *ctx, GcVisitFn fn, void *arg)
{
    (void)ctx;
    fn(&extra_slot, arg);
}

static void set_stress(HeapStress mode)
{
    heap_stress_mode = mode;
    heap_gc_stress = mode != HEAP_STRESS_OFF;
}

/* A fresh heap with [1..n] in x0, built without stress (one cons per reservation). */
static void fresh_with_list(Sint n)
{
    set_stress(HEAP_STRESS_OFF);
    heap_init(&heap, 233, 65535);
    for (unsigned i = 0; i < 4; i++) xregs[i] = NIL;
    extra_slot = NIL;
    roots = (GcRoots){.xregs = xregs, .live = 4, .each_extra = each_extra};
    for (Sint i = n; i > 0; i--) {
        heap_reserve_maybe_gc(&heap, 2, &roots);
        xregs[0] = cons_at(heap_alloc(&heap, 2), make_small(i), xregs[0]);
    }
}

static bool is_seq(Term l, Sint n)
{
    for (Sint i = 1; i <= n; i++, l = list_tail(l))
        if (!term_is_list(l) || list_head(l) != make_small(i)) return false;
    return l == NIL;
}

static bool in_heap(Term t)
{
    return heap_in_young(&heap, term_ptr(t)) || heap_in_old(&heap, term_ptr(t));
}

static Uint gc_count(void) { return heap.num_minor + heap.num_major; }

/* Stores the dangling term in a fresh cons cell held by x3 and asks the verifier; clears x3
 * again so that the collector's own check after the next collection does not abort. */
static const char *verify_with_stored(Term dangling)
{
    heap_reserve_maybe_gc(&heap, 2, &roots); /* may move or collect: dangling is not a root */
    xregs[3] = cons_at(heap_alloc(&heap, 2), dangling, NIL);
    const char *err = gc_verify(&heap, &roots);
    xregs[3] = NIL;
    return err;
}

/* ---- HEAPSCOPE_GC_STRESS=1: a collection at every reservation ---------------------------- */

TEST(collect_moves_every_young_object)
{
    fresh_with_list(10);
    Term held = xregs[0]; /* the planted bug: a raw copy that is no root */
    extra_slot = list_tail(list_tail(xregs[0]));
    Uint before = gc_count();
    set_stress(HEAP_STRESS_COLLECT);
    heap_reserve_maybe_gc(&heap, 2, &roots);
    CHECK_EQ(gc_count(), before + 1);
    CHECK(xregs[0] != held);
    CHECK(is_seq(xregs[0], 10));
    CHECK_EQ(extra_slot, list_tail(list_tail(xregs[0]))); /* sharing kept, root relocated */
    CHECK(!in_heap(held));
#if READ_RETIRED
    CHECK_EQ(list_ptr(held)[0], GC_STRESS_POISON);
    CHECK_EQ(list_ptr(held)[1], GC_STRESS_POISON);
#endif
    /* Nothing else asked for a collection: the next reservation collects again. */
    heap_reserve_maybe_gc(&heap, 2, &roots);
    CHECK_EQ(gc_count(), before + 2);
    CHECK(is_seq(xregs[0], 10));
    set_stress(HEAP_STRESS_OFF);
    heap_destroy(&heap);
}

TEST(collect_dangling_term_fails_verify)
{
    fresh_with_list(10);
    Term held = xregs[0];
    set_stress(HEAP_STRESS_COLLECT);
    heap_reserve_maybe_gc(&heap, 2, &roots);
    CHECK(gc_verify(&heap, &roots) == NULL);
    const char *err = verify_with_stored(held);
    CHECK(err != NULL);
    CHECK(err && strstr(err, "outside every heap area") != NULL);
    /* The cell is garbage now (x3 was cleared): the next collection drops it. */
    gc_collect(&heap, 0, &roots, false, GC_REASON_EXPLICIT, NULL);
    CHECK(gc_verify(&heap, &roots) == NULL);
    CHECK(is_seq(xregs[0], 10));
    set_stress(HEAP_STRESS_OFF);
    heap_destroy(&heap);
}

/* ---- HEAPSCOPE_GC_STRESS=move: the block moves, the figures stay ------------------------- */

typedef struct Figures {
    Uint heap_sz, used, stack, mature, minors, majors, gc_total;
    Term *old_heap, *old_htop;
    GcInfo info;
} Figures;

static Figures figures(void)
{
    Figures f = {heap.heap_sz, heap_used_words(&heap), heap_stack_words(&heap),
                 (Uint)(heap.high_water - heap.heap), heap.num_minor, heap.num_major,
                 atomic_load(&gc_total_count), heap.old_heap, heap.old_htop, {0}};
    gc_info(&heap, &f.info);
    return f;
}

static bool same_figures(const Figures *a, const Figures *b)
{
    return a->heap_sz == b->heap_sz && a->used == b->used && a->stack == b->stack &&
           a->mature == b->mature && a->minors == b->minors && a->majors == b->majors &&
           a->gc_total == b->gc_total && a->old_heap == b->old_heap && a->old_htop == b->old_htop &&
           memcmp(&a->info, &b->info, sizeof a->info) == 0;
}

TEST(move_keeps_every_figure)
{
    fresh_with_list(30);
    /* Mature data, an old heap, young data above the high-water mark, a ProcBin on the
     * off-heap list, a stack word and an extra root: everything relocation must reach. */
    gc_collect(&heap, 0, &roots, false, GC_REASON_EXPLICIT, NULL);
    gc_collect(&heap, 0, &roots, false, GC_REASON_EXPLICIT, NULL);
    CHECK(heap.old_heap != NULL);
    heap_reserve_maybe_gc(&heap, 4, &roots);
    xregs[1] = cons_at(heap_alloc(&heap, 2), make_small(7), xregs[0]);
    unsigned char data[100];
    for (unsigned i = 0; i < sizeof data; i++) data[i] = (unsigned char)i;
    heap_reserve_maybe_gc(&heap, PROC_BIN_SIZE, &roots);
    xregs[2] = bin_new(&heap, data, sizeof data);
    CHECK(term_is_refc_bin(xregs[2]));
    heap_reserve_maybe_gc(&heap, 3, &roots);
    heap_push(&heap, xregs[1]);
    extra_slot = xregs[1];

    Figures before = figures();
    Term held = xregs[1];
    Term *block = heap.heap;
    set_stress(HEAP_STRESS_MOVE);
    for (int i = 0; i < 3; i++) heap_reserve_maybe_gc(&heap, 2, &roots);
    set_stress(HEAP_STRESS_OFF);
    Figures after = figures();

    CHECK(same_figures(&before, &after));
    CHECK(heap.heap != block);
    CHECK(xregs[1] != held);
    CHECK(!in_heap(held));
#if READ_RETIRED
    CHECK_EQ(list_ptr(held)[0], GC_STRESS_POISON);
#endif
    CHECK_EQ(list_head(xregs[1]), make_small(7));
    CHECK(is_seq(list_tail(xregs[1]), 30));
    CHECK_EQ(heap.stop[0], xregs[1]);
    CHECK_EQ(extra_slot, xregs[1]);
    CHECK_EQ(bin_byte_size(xregs[2]), sizeof data);
    BinView v;
    CHECK(bin_view(xregs[2], &v));
    CHECK(v.bit_offset == 0 && memcmp(v.base, data, sizeof data) == 0);
    CHECK(heap.off_heap.first == (OffHeapHeader *)boxed_ptr(xregs[2]));
    CHECK(gc_verify(&heap, &roots) == NULL);
    heap_pop(&heap);
    heap_destroy(&heap);
}

TEST(move_dangling_term_fails_verify)
{
    fresh_with_list(10);
    Term held = xregs[0];
    set_stress(HEAP_STRESS_MOVE);
    heap_reserve_maybe_gc(&heap, 2, &roots);
    CHECK(is_seq(xregs[0], 10));
    CHECK(!in_heap(held));
    const char *err = verify_with_stored(held);
    CHECK(err != NULL);
    CHECK(err && strstr(err, "outside every heap area") != NULL);
    set_stress(HEAP_STRESS_OFF);
    heap_destroy(&heap);
}

/* A real trigger still collects in move mode: only reservations that would not collect
 * move instead. */
TEST(move_still_collects_when_full)
{
    fresh_with_list(10);
    Uint before = gc_count();
    set_stress(HEAP_STRESS_MOVE);
    heap_reserve_maybe_gc(&heap, heap_free_words(&heap), &roots);
    CHECK_EQ(gc_count(), before + 1);
    CHECK(is_seq(xregs[0], 10));
    set_stress(HEAP_STRESS_OFF);
    heap_destroy(&heap);
}

/* ---- the collector's check after each collection: gc_verify_memo ------------------------- */

/* The memo skips old-heap words an earlier call checked, but not the listing of the ProcBins
 * among them, and it starts over when a major frees the old heap. */
TEST(verify_memo_checks_new_old_words_and_every_listing)
{
    fresh_with_list(20);
    unsigned char data[100] = {0};
    heap_reserve_maybe_gc(&heap, PROC_BIN_SIZE, &roots);
    xregs[1] = bin_new(&heap, data, sizeof data);
    gc_collect(&heap, 0, &roots, false, GC_REASON_EXPLICIT, NULL); /* the first: a major */
    gc_collect(&heap, 0, &roots, false, GC_REASON_EXPLICIT, NULL); /* promotes list and bin */
    CHECK(heap_in_old(&heap, list_ptr(xregs[0])));
    CHECK(heap_in_old(&heap, boxed_ptr(xregs[1])));
    CHECK(gc_verify_memo(&heap, &roots) == NULL); /* the whole old heap checked, remembered */
    CHECK(gc_verify_memo(&heap, &roots) == NULL);

    /* A ProcBin among the remembered words dropped from the off-heap list is still seen. */
    OffHeapHeader *first = heap.off_heap.first;
    CHECK(first == (OffHeapHeader *)boxed_ptr(xregs[1]));
    heap.off_heap.first = first->next;
    Uint saved_old_vheap = heap.bin_old_vheap;
    heap.bin_old_vheap = 0;
    const char *err = gc_verify_memo(&heap, &roots);
    CHECK(err && strstr(err, "on the off-heap list") != NULL);
    heap.off_heap.first = first;
    heap.bin_old_vheap = saved_old_vheap;
    CHECK(gc_verify_memo(&heap, &roots) == NULL);

    /* Words promoted since the last call are checked: an old cell made to point into the
     * young block. (The collector's own check would remember them first: it is off here.) */
    heap_reserve_maybe_gc(&heap, 2, &roots);
    xregs[2] = cons_at(heap_alloc(&heap, 2), make_small(99), NIL);
    gc_verify_after_gc = false;
    gc_collect(&heap, 0, &roots, false, GC_REASON_EXPLICIT, NULL);
    gc_collect(&heap, 0, &roots, false, GC_REASON_EXPLICIT, NULL);
    gc_verify_after_gc = true;
    CHECK(heap_in_old(&heap, list_ptr(xregs[2])));
    heap_reserve_maybe_gc(&heap, 2, &roots);
    Term young = cons_at(heap_alloc(&heap, 2), make_small(1), NIL);
    xregs[3] = young;
    Term *cell = list_ptr(xregs[2]);
    Term saved = cell[1];
    cell[1] = young; /* old -> young */
    err = gc_verify_memo(&heap, &roots);
    CHECK(err && strstr(err, "old data points into the young block") != NULL);
    cell[1] = saved;
    CHECK(gc_verify_memo(&heap, &roots) == NULL);

    /* A major frees the old heap and the memo with it; the next old heap starts a new one. */
    gc_collect(&heap, 0, &roots, true, GC_REASON_EXPLICIT, NULL);
    CHECK(heap.old_heap == NULL);
    CHECK(gc_verify_memo(&heap, &roots) == NULL);
    gc_collect(&heap, 0, &roots, false, GC_REASON_EXPLICIT, NULL);
    CHECK(heap.old_heap != NULL);
    CHECK(gc_verify_memo(&heap, &roots) == NULL);
    CHECK(is_seq(xregs[0], 20));
    heap_destroy(&heap);
}

int main(void)
{
    hs_init();
    TH_RUN(collect_moves_every_young_object);
    TH_RUN(collect_dangling_term_fails_verify);
    TH_RUN(move_keeps_every_figure);
    TH_RUN(move_dangling_term_fails_verify);
    TH_RUN(move_still_collects_when_full);
    TH_RUN(verify_memo_checks_new_old_words_and_every_listing);
    return th_done();
}
