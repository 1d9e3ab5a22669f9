/*
 * test_gc.c — the collector against OTP 25's measured behaviour.
 *
 * Expected sequences come from the measurements in reference/beam-memory.md (§3.3 "Measured
 * growth", §3.4 bin1.erl, §4.4 gc2.erl, §4.5 gc3.erl), re-run here on erl 25.2.3 with the
 * programs in reference/measure/. The C code below rebuilds each program's live data with the
 * same allocation pattern; where OTP's numbers include words our C version does not allocate
 * (the tracer's 5-word messages, a spawn closure), the comment says which figure we compare.
 */
#include <stdlib.h>

#include "bin.h"
#include "gc.h"
#include "heap.h"
#include "hs.h"
#include "literal.h"
#include "testhelp.h"

/* ---- helpers ---------------------------------------------------------------------------- */

static Heap heap;
static Term xregs[8];
static GcRoots roots;

static void fresh(Uint min_heap, Uint fullsweep_after, unsigned live)
{
    heap_init(&heap, min_heap, fullsweep_after);
    for (unsigned i = 0; i < 8; i++) xregs[i] = NIL;
    roots = (GcRoots){.xregs = xregs, .live = live};
}

/* [1..n] built from its end into *dst (a root), one cons at a time as lists:seq does not
 * bother to, but as gc1:build/2 does: each cons is its own 2-word allocation. [may GC] */
static void build_list(Term *dst, Sint n)
{
    *dst = NIL;
    for (Sint i = n; i > 0; i--) {
        heap_reserve_maybe_gc(&heap, 2, &roots);
        *dst = cons_at(heap_alloc(&heap, 2), make_small(i), *dst);
    }
}

/* Prepends x to the list in *dst (one cons). [may GC] */
static void push_cons(Term *dst, Term *x)
{
    heap_reserve_maybe_gc(&heap, 2, &roots);
    *dst = cons_at(heap_alloc(&heap, 2), *x, *dst);
}

static Sint count_list(Term l)
{
    Sint n = 0;
    for (; term_is_list(l); l = list_tail(l)) n++;
    return l == NIL ? n : -1;
}

static bool is_seq(Term l, Sint n)
{
    for (Sint i = 1; i <= n; i++, l = list_tail(l))
        if (!term_is_list(l) || list_head(l) != make_small(i)) return false;
    return l == NIL;
}

static GcEvent gc(bool major)
{
    GcEvent ev;
    gc_collect(&heap, 0, &roots, major, GC_REASON_EXPLICIT, &ev);
    return ev;
}

/* Records the events of collections triggered inside heap_reserve_maybe_gc. */
#define MAX_EVENTS 4096
static GcEvent events[MAX_EVENTS];
static unsigned n_events;
static void record_event(const Heap *h, const GcEvent *ev)
{
    (void)h;
    if (n_events < MAX_EVENTS) events[n_events] = *ev;
    n_events++;
}
static void record_start(void)
{
    n_events = 0;
    gc_event_hook = record_event;
}
static void record_stop(void) { gc_event_hook = NULL; }

/* The first max_tokens *_end trace events OTP would emit for the recorded collections: a
 * failed minor shows as "mi" then "MA" (gc.h: failed_minor). */
static void trace_pattern(char *out, size_t cap, unsigned max_tokens)
{
    size_t len = 0;
    unsigned tokens = 0;
    out[0] = 0;
    for (unsigned i = 0; i < n_events && i < MAX_EVENTS && len + 8 < cap; i++) {
        const GcEvent *e = &events[i];
        if (e->failed_minor && tokens++ < max_tokens)
            len += (size_t)snprintf(out + len, cap - len, "mi,");
        if (tokens++ < max_tokens)
            len += (size_t)snprintf(out + len, cap - len, e->type == GC_MAJOR ? "MA," : "mi,");
    }
}

static bool saved_stress;
static HeapStress saved_mode;
static void no_stress(void)
{
    saved_stress = heap_gc_stress;
    saved_mode = heap_stress_mode;
    heap_gc_stress = false; /* these tests count collections */
    heap_stress_mode = HEAP_STRESS_OFF;
}
static void restore_stress(void)
{
    heap_gc_stress = saved_stress;
    heap_stress_mode = saved_mode;
}

/* ---- §4.2, §4.4: minor vs major and promotion ------------------------------------------- */

TEST(first_gc_is_major)
{
    no_stress();
    fresh(233, 65535, 1);
    build_list(&xregs[0], 10);
    GcEvent ev = gc(false);
    CHECK_EQ(ev.type, GC_MAJOR);
    CHECK(ev.failed_minor);
    CHECK_EQ(heap.gen_gcs, 0);
    CHECK_EQ(heap.num_major, 1);
    CHECK_EQ(heap.num_minor, 0);
    CHECK(heap.old_heap == NULL);
    /* recent_size equals the live size: everything survived once (§4.2 [M]). */
    CHECK_EQ(ev.after.recent_size, 20);
    CHECK_EQ(ev.after.heap_size, 20);
    CHECK(is_seq(xregs[0], 10));
    heap_destroy(&heap);
    restore_stress();
}

/*
 * gc2.erl: the child keeps its lists in a state list [L2, L1]; L1 = lists:seq(1, 50) is 100
 * words and the state cell 2 more, so 102 words are live after the first GC, 154 after L2 =
 * lists:seq(1, 25). OTP's "used" between GCs also counts a few words of message garbage that
 * we do not allocate; every figure after a GC is compared as measured.
 */
TEST(promotion_sequence)
{
    no_stress();
    fresh(233, 65535, 3);
    Term *state = &xregs[0], *l = &xregs[1];
    GcInfo i;
    gc_info(&heap, &i);
    CHECK_EQ(i.heap_block_size, 233);
    CHECK_EQ(i.recent_size, 0);
    CHECK_EQ(i.old_heap_block_size, 0);

    build_list(l, 50);
    push_cons(state, l);
    *l = NIL;
    CHECK_EQ(heap_used_words(&heap), 102);

    GcEvent ev = gc(false); /* minor #1 runs as a major */
    CHECK_EQ(ev.type, GC_MAJOR);
    CHECK_EQ(ev.after.heap_block_size, 233);
    CHECK_EQ(ev.after.heap_size, 102);
    CHECK_EQ(ev.after.recent_size, 102);
    CHECK_EQ(ev.after.old_heap_block_size, 0);
    CHECK_EQ(heap.gen_gcs, 0);

    ev = gc(false); /* minor #2: old heap created at next_heap_size(102, 1) = 233 */
    CHECK_EQ(ev.type, GC_MINOR);
    CHECK(!ev.failed_minor);
    CHECK_EQ(ev.after.heap_block_size, 233);
    CHECK_EQ(ev.after.heap_size, 0);
    CHECK_EQ(ev.after.recent_size, 0);
    CHECK_EQ(ev.after.old_heap_block_size, 233);
    CHECK_EQ(ev.after.old_heap_size, 102);
    CHECK_EQ(heap.gen_gcs, 1);

    ev = gc(false); /* minor #3: nothing young */
    CHECK_EQ(ev.type, GC_MINOR);
    CHECK_EQ(ev.after.heap_size, 0);
    CHECK_EQ(ev.after.old_heap_size, 102);
    CHECK_EQ(heap.gen_gcs, 2);

    build_list(l, 25);
    push_cons(state, l);
    *l = NIL;
    CHECK_EQ(heap_used_words(&heap), 52);

    ev = gc(false); /* minor #4: new data survives once and stays young */
    CHECK_EQ(ev.type, GC_MINOR);
    CHECK_EQ(ev.after.heap_size, 52);
    CHECK_EQ(ev.after.recent_size, 52);
    CHECK_EQ(ev.after.old_heap_block_size, 233);
    CHECK_EQ(ev.after.old_heap_size, 102);
    CHECK_EQ(heap.gen_gcs, 3);

    ev = gc(false); /* minor #5: now promoted */
    CHECK_EQ(ev.after.heap_size, 0);
    CHECK_EQ(ev.after.recent_size, 0);
    CHECK_EQ(ev.after.old_heap_size, 154);
    CHECK_EQ(heap.gen_gcs, 4);

    ev = gc(true); /* major: all back in the young block */
    CHECK_EQ(ev.type, GC_MAJOR);
    CHECK(!ev.failed_minor);
    CHECK_EQ(ev.after.heap_block_size, 233);
    CHECK_EQ(ev.after.heap_size, 154);
    CHECK_EQ(ev.after.recent_size, 154);
    CHECK_EQ(ev.after.old_heap_block_size, 0);
    CHECK_EQ(ev.after.old_heap_size, 0);
    CHECK_EQ(heap.gen_gcs, 0);

    ev = gc(false); /* minor #6: old heap = next_heap_size(154, 1) = 376 */
    CHECK_EQ(ev.type, GC_MINOR);
    CHECK_EQ(ev.after.heap_size, 0);
    CHECK_EQ(ev.after.old_heap_block_size, 376);
    CHECK_EQ(ev.after.old_heap_size, 154);
    CHECK_EQ(heap.gen_gcs, 1);

    Sint n = count_list(*state);
    CHECK_EQ(n, 2);
    CHECK(is_seq(list_head(*state), 25));
    CHECK(is_seq(list_head(list_tail(*state)), 50));

    *state = NIL; /* drop all lists */
    ev = gc(false); /* minor #7: garbage in the old heap stays */
    CHECK_EQ(ev.type, GC_MINOR);
    CHECK_EQ(ev.after.heap_size, 0);
    CHECK_EQ(ev.after.old_heap_block_size, 376);
    CHECK_EQ(ev.after.old_heap_size, 154);
    CHECK_EQ(heap.gen_gcs, 2);

    ev = gc(true); /* major: old heap freed */
    CHECK_EQ(ev.after.heap_block_size, 233);
    CHECK_EQ(ev.after.heap_size, 0);
    CHECK_EQ(ev.after.recent_size, 0);
    CHECK_EQ(ev.after.old_heap_block_size, 0);
    CHECK_EQ(ev.after.old_heap_size, 0);
    CHECK_EQ(ev.reclaimed, 154);
    CHECK_EQ(heap.gen_gcs, 0);
    CHECK_EQ(heap.num_major, 3);
    CHECK_EQ(heap.num_minor, 6);
    heap_destroy(&heap);
    restore_stress();
}

/* ---- §4.5: fullsweep_after -------------------------------------------------------------- */

/*
 * gc3.erl: 2000 rounds of G = lists:seq(1, 100) (garbage), keeping hd(G) in an accumulator
 * every 50 rounds. lists:seq builds four cells per step (8 words per heap test).
 */
static void gc3_garbage(unsigned rounds)
{
    Term *acc = &xregs[0], *g = &xregs[1];
    for (unsigned n = rounds; n > 0; n--) {
        *g = NIL;
        for (Sint k = 100; k > 0; k -= 4) {
            heap_reserve_maybe_gc(&heap, 8, &roots);
            Term *hp = heap_alloc(&heap, 8);
            for (Sint j = 0; j < 4; j++) *g = cons_at(hp + 2 * j, make_small(k - j), *g);
        }
        if (n % 50 == 0) {
            xregs[2] = list_head(*g);
            push_cons(acc, &xregs[2]);
        }
    }
    *g = NIL;
}

static void fsa_pattern(Uint fsa, char *out, size_t cap, unsigned *minor_gcs)
{
    fresh(233, fsa, 3);
    record_start();
    gc3_garbage(2000);
    record_stop();
    trace_pattern(out, cap, 30);
    *minor_gcs = heap.gen_gcs;
    CHECK_EQ(count_list(xregs[0]), 40);
    heap_destroy(&heap);
}

TEST(fullsweep_after_patterns)
{
    no_stress();
    char p[256];
    unsigned minors;
    /* OTP (gc3:fsa/0): the first 30 *_end events, as printed. */
    fsa_pattern(0, p, sizeof p, &minors);
    CHECK_STR(p, "MA,MA,MA,MA,MA,MA,MA,MA,MA,MA,MA,MA,MA,MA,MA,MA,MA,MA,MA,MA,MA,MA,MA,MA,MA,MA,MA,"
                 "MA,MA,MA,");
    CHECK_EQ(minors, 0);
    fsa_pattern(1, p, sizeof p, &minors);
    CHECK_STR(p, "mi,MA,mi,MA,mi,MA,mi,MA,mi,MA,mi,MA,mi,MA,mi,MA,mi,MA,mi,MA,mi,MA,mi,MA,mi,MA,mi,"
                 "MA,mi,MA,");
    fsa_pattern(2, p, sizeof p, &minors);
    CHECK_STR(p, "mi,MA,mi,mi,MA,mi,mi,MA,mi,mi,MA,mi,mi,MA,mi,mi,MA,mi,mi,MA,mi,mi,MA,mi,mi,MA,mi,"
                 "mi,MA,mi,");
    fsa_pattern(5, p, sizeof p, &minors);
    CHECK_STR(p, "mi,MA,mi,mi,mi,mi,mi,MA,mi,mi,mi,mi,mi,MA,mi,mi,mi,mi,mi,MA,mi,mi,mi,mi,mi,MA,mi,"
                 "mi,mi,mi,");
    fsa_pattern(65535, p, sizeof p, &minors);
    CHECK_STR(p, "mi,MA,mi,mi,mi,mi,mi,mi,mi,mi,mi,mi,mi,mi,mi,mi,mi,mi,mi,mi,mi,mi,mi,mi,mi,mi,mi,"
                 "mi,mi,mi,");
    /* OTP: only minors after the first GC. Every event after the first is a minor. */
    bool only_minors = n_events > 100;
    for (unsigned i = 1; i < n_events && i < MAX_EVENTS; i++)
        if (events[i].type != GC_MINOR) only_minors = false;
    CHECK(only_minors);
    CHECK_EQ(minors, n_events - 1);
    /* The reason of a count-forced major. */
    fresh(233, 1, 1);
    build_list(&xregs[0], 10);
    gc(false);
    gc(false);
    GcEvent ev = gc(false);
    CHECK_EQ(ev.type, GC_MAJOR);
    CHECK(!ev.failed_minor);
    CHECK_EQ(ev.reason, GC_REASON_FULLSWEEP_AFTER);
    heap_destroy(&heap);
    restore_stress();
}

/* ---- §3.3: measured growth -------------------------------------------------------------- */

/*
 * gc1:growth(20000): one process builds a 20000-element list cons by cons (test_heap 2 each);
 * its stack held 5 words meanwhile. OTP's young block went 233 → 376 → 987 → 2586 → 6772 →
 * 17731 → 46422, each step at a major; the old heaps created after those majors were 610, 1598,
 * 4185, 10958, 28690.
 */
TEST(growth_sequence)
{
    no_stress();
    fresh(233, 65535, 1);
    for (int i = 0; i < 4; i++) heap_push(&heap, (Term)0x1000 * (Term)(i + 1)); /* return addresses */
    CHECK_EQ(heap_stack_words(&heap), 5);
    record_start();
    build_list(&xregs[0], 20000);
    record_stop();
    Uint blocks[16], olds[16];
    unsigned nb = 0, no = 0;
    Uint last_block = 233;
    blocks[nb++] = 233;
    bool old_seen = false;
    for (unsigned i = 0; i < n_events && i < MAX_EVENTS; i++) {
        const GcEvent *e = &events[i];
        if (e->after.heap_block_size != last_block && nb < 16) {
            last_block = e->after.heap_block_size;
            blocks[nb++] = last_block;
        }
        if (e->after.old_heap_block_size && !old_seen && no < 16) olds[no++] = e->after.old_heap_block_size;
        old_seen = e->after.old_heap_block_size != 0;
    }
    static const Uint want_blocks[] = {233, 376, 987, 2586, 6772, 17731, 46422};
    static const Uint want_olds[] = {610, 1598, 4185, 10958, 28690};
    CHECK_EQ(nb, 7);
    for (unsigned i = 0; i < 7 && i < nb; i++) CHECK_EQ(blocks[i], want_blocks[i]);
    CHECK_EQ(no, 5);
    for (unsigned i = 0; i < 5 && i < no; i++) CHECK_EQ(olds[i], want_olds[i]);
    /* Each major was forced: a minor was tried and the mature data did not fit. OTP's trace,
     * one collection per entry: */
    char p[256];
    trace_pattern(p, sizeof p, 100);
    CHECK_STR(p, "mi,MA,mi,mi,mi,mi,MA,mi,mi,mi,MA,mi,mi,mi,MA,mi,mi,mi,MA,mi,mi,mi,MA,");
    CHECK_EQ(n_events, 17);
    /* From the third major on OTP's live sizes are ours word for word (before that its heap
     * held 9 words of the spawn closure that our C process does not have). heap_size used at
     * each gc_*_start, and after each *_end, as OTP traced them: */
    static const Uint want_before[] = {978, 2578, 2578, 2578, 6764, 6764, 6764, 17722, 17722, 17722};
    static const Uint want_after[] = {1956, 622, 1956, 5156, 1608, 5156, 13528, 4194, 13528, 35444};
    for (unsigned i = 7; i < 17 && i < n_events; i++) {
        CHECK_EQ(events[i].before.heap_size, want_before[i - 7]);
        CHECK_EQ(events[i].after.heap_size, want_after[i - 7]);
    }
    /* The red zone: a 2-word cons collects with 3 or 4 words free (§3.1): 368 used in a
     * 376-word block with 5 stack words, 978 in 987. */
    CHECK_EQ(events[1].before.heap_size, 368);
    CHECK_EQ(events[5].before.heap_size, 978);
    CHECK_EQ(heap.heap_sz, 46422);
    CHECK(is_seq(xregs[0], 20000));
    CHECK_EQ(heap_stack_words(&heap), 5);
    CHECK_EQ(heap.stop[0], (Term)0x4000);
    CHECK_EQ(heap.hend[-1], NONVALUE);
    heap_destroy(&heap);
    restore_stress();
}

/* ---- §3.4: the binary vheap ------------------------------------------------------------- */

TEST(vheap_growth_rule)
{
    /* §3.4's measured limits: 46422 → 75110 → 318147 → 832883 and 75110 → 121527 → 514761. */
    CHECK_EQ(gc_next_vheap_size(50000, 46422), 75110);
    CHECK_EQ(gc_next_vheap_size(175000, 75110), 318147);
    CHECK_EQ(gc_next_vheap_size(500000, 318147), 832883);
    CHECK_EQ(gc_next_vheap_size(87500, 75110), 121527);
    CHECK_EQ(gc_next_vheap_size(325000, 121527), 514761);
    /* 25 %..75 %: unchanged; below 25 %: halved. */
    CHECK_EQ(gc_next_vheap_size(37500, 75110), 75110);
    CHECK_EQ(gc_next_vheap_size(12500, 46422), 46422);
    CHECK_EQ(gc_next_vheap_size(1000, 75110), 37555);
}

/* A 100000-byte refc binary (12500 vheap words), as binary:copy(<<"b">>, 100000). OTP checks
 * ERTS_IS_GC_DESIRED right after the BIF returns: heap_reserve_maybe_gc(h, 0) here. */
static void make_big_bin(Term *dst)
{
    static unsigned char bytes[100000];
    heap_reserve_maybe_gc(&heap, PROC_BIN_SIZE, &roots);
    *dst = bin_new(&heap, bytes, sizeof bytes);
    heap_reserve_maybe_gc(&heap, 0, &roots);
}

/*
 * bin1.erl keep_loop(40, 100000, []): 40 binaries kept in a list. OTP's trace (bin1:run/0)
 * after each GC: bin_vheap_size, its block size, bin_old_vheap_size, its block size. OTP's
 * sizes before each GC carry 10 extra words (a small binary the tracer made); after each GC
 * they are exactly the binaries', which is what we compare.
 */
TEST(vheap_sequence)
{
    no_stress();
    fresh(233, 65535, 2);
    record_start();
    for (int i = 0; i < 40; i++) {
        make_big_bin(&xregs[1]);
        push_cons(&xregs[0], &xregs[1]);
        xregs[1] = NIL;
    }
    record_stop();
    static const struct {
        bool major;
        Uint vh, vh_blk, old_vh, old_blk;
    } want[] = {
        {true, 50000, 75110, 0, 75110},
        {false, 37500, 75110, 50000, 75110},
        {false, 50000, 75110, 87500, 75110},
        {true, 175000, 318147, 0, 121527},
        {false, 150000, 318147, 175000, 121527},
        {true, 500000, 832883, 0, 514761},
    };
    CHECK_EQ(n_events, 6);
    for (unsigned i = 0; i < 6 && i < n_events; i++) {
        const GcEvent *e = &events[i];
        CHECK_EQ(e->reason, GC_REASON_BIN_VHEAP);
        CHECK_EQ(e->type == GC_MAJOR, want[i].major);
        if (want[i].major) CHECK(e->failed_minor); /* OTP: mi, MA each time */
        CHECK_EQ(e->after.bin_vheap_size, want[i].vh);
        CHECK_EQ(e->after.bin_vheap_block_size, want[i].vh_blk);
        CHECK_EQ(e->after.bin_old_vheap_size, want[i].old_vh);
        CHECK_EQ(e->after.bin_old_vheap_block_size, want[i].old_blk);
    }
    CHECK_EQ(count_list(xregs[0]), 40);
    heap_destroy(&heap);
    restore_stress();
}

/*
 * bin1.erl drop_loop(20, 100000): each binary is dropped right after it is made. OTP: the first
 * GC (failed minor, major) leaves 12500 (the binary just made) with limits 46422 / 75110, then
 * minors each leaving 12500; the binaries are freed by the GCs that find them dead.
 */
TEST(vheap_drop_loop_frees)
{
    no_stress();
    fresh(233, 65535, 1);
    Uint frees0 = atomic_load(&bin_stats.frees), allocs0 = atomic_load(&bin_stats.allocs);
    record_start();
    for (int i = 0; i < 20; i++) {
        make_big_bin(&xregs[0]);
        xregs[0] = NIL;
    }
    record_stop();
    CHECK(n_events >= 4);
    CHECK(events[0].failed_minor && events[0].type == GC_MAJOR);
    CHECK_EQ(events[0].after.bin_vheap_size, 12500);
    CHECK_EQ(events[0].after.bin_vheap_block_size, 46422);
    CHECK_EQ(events[0].after.bin_old_vheap_block_size, 75110);
    for (unsigned i = 1; i < n_events && i < MAX_EVENTS; i++) {
        CHECK_EQ(events[i].type, GC_MINOR);
        CHECK_EQ(events[i].after.bin_vheap_size, 12500);
        CHECK_EQ(events[i].after.bin_vheap_block_size, 46422);
        CHECK_EQ(events[i].after.bin_old_vheap_block_size, 75110);
    }
    /* Every GC found all binaries but the newest dead. */
    Uint allocs = atomic_load(&bin_stats.allocs) - allocs0;
    Uint frees = atomic_load(&bin_stats.frees) - frees0;
    CHECK_EQ(allocs, 20);
    Uint live = heap.off_heap.overhead / 12500;
    CHECK_EQ(frees + live, 20);
    gc(true);
    CHECK_EQ(atomic_load(&bin_stats.frees) - frees0, 20);
    CHECK_EQ(heap.off_heap.overhead, 0);
    CHECK(heap.off_heap.first == NULL);
    heap_destroy(&heap);
    restore_stress();
}

/* Refc binaries are released by exactly the GC that finds them unreachable: a minor for young
 * ones, only a major for promoted ones. */
TEST(refc_freed_when_unreachable)
{
    no_stress();
    fresh(233, 65535, 3);
    static unsigned char bytes[200];
    Uint f0 = atomic_load(&bin_stats.frees);
    heap_reserve_maybe_gc(&heap, 3 * PROC_BIN_SIZE, &roots);
    xregs[0] = bin_new(&heap, bytes, 200);
    xregs[1] = bin_new(&heap, bytes, 100);
    xregs[2] = bin_new(&heap, bytes, 65);
    CHECK_EQ(heap.off_heap.overhead, 25 + 12 + 8);
    xregs[2] = NIL;
    GcEvent ev = gc(false); /* major (first GC): frees the 65-byte one */
    CHECK_EQ(atomic_load(&bin_stats.frees) - f0, 1);
    CHECK_EQ(ev.after.bin_vheap_size, 37);
    gc(false); /* minor: promotes both */
    CHECK_EQ(heap.off_heap.overhead, 0);
    CHECK_EQ(heap.bin_old_vheap, 37);
    CHECK(heap_in_old(&heap, boxed_ptr(xregs[0])));
    xregs[1] = NIL;
    gc(false); /* minor: the dead one is old, so it stays */
    CHECK_EQ(atomic_load(&bin_stats.frees) - f0, 1);
    CHECK_EQ(heap.bin_old_vheap, 37);
    heap_reserve_maybe_gc(&heap, PROC_BIN_SIZE, &roots);
    xregs[1] = bin_new(&heap, bytes, 80); /* young */
    CHECK(gc_verify(&heap, &roots) == NULL);
    xregs[1] = NIL;
    gc(false); /* minor: frees the young dead one */
    CHECK_EQ(atomic_load(&bin_stats.frees) - f0, 2);
    gc(true); /* major: frees the old dead one */
    CHECK_EQ(atomic_load(&bin_stats.frees) - f0, 3);
    CHECK_EQ(heap.off_heap.overhead, 25);
    CHECK_EQ(heap.bin_old_vheap, 0);
    ProcBin *pb = (ProcBin *)boxed_ptr(xregs[0]);
    CHECK_EQ(pb->size, 200);
    CHECK((OffHeapHeader *)pb == heap.off_heap.first);
    heap_destroy(&heap); /* releases the last one */
    CHECK_EQ(atomic_load(&bin_stats.frees) - f0, 4);
    restore_stress();
}

/* Young survivors first, promoted ones next, the old tail last (gc.h sentence 7). */
TEST(offheap_list_order)
{
    no_stress();
    fresh(233, 65535, 4);
    static unsigned char bytes[100];
    heap_reserve_maybe_gc(&heap, PROC_BIN_SIZE, &roots);
    xregs[0] = bin_new(&heap, bytes, 100);
    gc(true);
    gc(false); /* xregs[0] old */
    heap_reserve_maybe_gc(&heap, PROC_BIN_SIZE, &roots);
    xregs[1] = bin_new(&heap, bytes, 100);
    gc(false); /* xregs[1] mature */
    heap_reserve_maybe_gc(&heap, PROC_BIN_SIZE, &roots);
    xregs[2] = bin_new(&heap, bytes, 100);
    gc(false); /* xregs[1] promoted, xregs[2] mature young */
    const OffHeapHeader *e = heap.off_heap.first;
    CHECK(e == (OffHeapHeader *)boxed_ptr(xregs[2]));
    CHECK(e && e->next == (OffHeapHeader *)boxed_ptr(xregs[1]));
    CHECK(e && e->next && e->next->next == (OffHeapHeader *)boxed_ptr(xregs[0]));
    CHECK(heap_in_old(&heap, boxed_ptr(xregs[1])));
    CHECK_EQ(heap.off_heap.overhead, 12);
    CHECK_EQ(heap.bin_old_vheap, 24);
    CHECK(gc_verify(&heap, &roots) == NULL);
    heap_destroy(&heap);
    restore_stress();
}

/* ---- fragments, stack, literals, roots -------------------------------------------------- */

TEST(fragments_are_copied_and_freed)
{
    no_stress();
    fresh(233, 65535, 2);
    /* Fill the block, then build a tuple whose parts live in fragments. */
    Term *hp = heap_halloc(&heap, heap_free_words(&heap) - 10);
    for (Term *p = hp; p < heap.htop; p += 2) cons_at(p, NIL, NIL); /* garbage */
    Term *t = heap_halloc(&heap, 40);
    CHECK(heap.mbuf != NULL);
    t[0] = make_tuple_header(39);
    for (int i = 1; i < 40; i++) t[i] = make_small(i);
    Term f = float_at(heap_halloc(&heap, 2), 2.5); /* fits in the block's last words */
    t[39] = f;
    xregs[0] = make_boxed(t);
    CHECK(heap_in_young(&heap, t));
    CHECK(!heap_in_young(&heap, t + 40));
    CHECK_EQ(heap.mbuf_sz, 40);
    CHECK(gc_verify(&heap, &roots) == NULL);
    /* 40 fragment words > 8 free: the next safe point collects for FRAGMENTS. */
    record_start();
    heap_reserve_maybe_gc(&heap, 1, &roots);
    record_stop();
    CHECK_EQ(n_events, 1);
    CHECK_EQ(events[0].reason, GC_REASON_FRAGMENTS);
    CHECK_EQ(events[0].before.mbuf_size, 40);
    CHECK(heap.mbuf == NULL);
    CHECK_EQ(heap.mbuf_sz, 0);
    CHECK_EQ(heap_used_words(&heap), 42);
    Term tt = xregs[0];
    CHECK(term_is_tuple(tt) && tuple_arity(tt) == 39);
    CHECK(term_is_float(tuple_elem(tt, 39)) && float_val(tuple_elem(tt, 39)) == 2.5);
    CHECK_EQ(tuple_elem(tt, 38), make_small(38));
    heap_destroy(&heap);
    restore_stress();
}

TEST(stack_roots_move_with_the_stack)
{
    no_stress();
    fresh(233, 65535, 0);
    heap_reserve_maybe_gc(&heap, 6, &roots);
    Term l = cons_at(heap_alloc(&heap, 2), make_small(7), NIL);
    Term f = float_at(heap_alloc(&heap, 2), 1.5);
    heap_alloc(&heap, 2); /* garbage */
    heap_push(&heap, l);
    heap_push(&heap, (Term)0x7000); /* a return address */
    heap_push(&heap, f);
    heap_push(&heap, make_small(3));
    for (int major = 0; major < 2; major++) {
        GcEvent ev = gc(major);
        CHECK_EQ(ev.after.stack_size, 5);
        CHECK_EQ(heap_used_words(&heap), 4);
        CHECK_EQ(heap.stop[0], make_small(3));
        CHECK(term_is_float(heap.stop[1]) && float_val(heap.stop[1]) == 1.5);
        CHECK_EQ(heap.stop[2], (Term)0x7000);
        CHECK(term_is_list(heap.stop[3]) && list_head(heap.stop[3]) == make_small(7));
        CHECK_EQ(heap.stop[4], NONVALUE);
        CHECK(heap.stop + 5 == heap.hend);
    }
    heap_destroy(&heap);
    restore_stress();
}

static Term extra_slots[3];
static void each_extra(void *ctx, GcVisitFn fn, void *arg)
{
    Term *slots = ctx;
    for (int i = 0; i < 3; i++) fn(&slots[i], arg);
}

TEST(literals_stay_and_extra_roots_move)
{
    no_stress();
    fresh(233, 65535, 1);
    roots.each_extra = each_extra;
    roots.ctx = extra_slots;
    Term *lit = literal_alloc(3);
    CHECK(lit != NULL);
    if (!lit) return;
    lit[0] = make_tuple_header(2);
    lit[1] = make_small(1);
    lit[2] = NIL;
    Term lt = make_boxed(lit);
    heap_reserve_maybe_gc(&heap, 6, &roots);
    Term c = cons_at(heap_alloc(&heap, 2), lt, NIL);
    extra_slots[0] = c;
    extra_slots[1] = lt;
    extra_slots[2] = make_atom(5);
    xregs[0] = cons_at(heap_alloc(&heap, 2), c, lt);
    for (int i = 0; i < 4; i++) {
        gc(i == 3);
        CHECK_EQ(extra_slots[1], lt);
        CHECK_EQ(list_head(extra_slots[0]), lt);
        CHECK_EQ(list_head(xregs[0]), extra_slots[0]); /* sharing kept */
        CHECK_EQ(list_tail(xregs[0]), lt);
        CHECK_EQ(extra_slots[2], make_atom(5));
        CHECK_EQ(lit[0], make_tuple_header(2));
    }
    CHECK_EQ(heap_used_words(&heap) + (heap.old_heap ? heap_old_used_words(&heap) : 0), 4);
    heap_destroy(&heap);
    restore_stress();
}

/* ---- sizing ----------------------------------------------------------------------------- */

/* The expected sizes below are worked out by hand from §3.3's rules (the arithmetic is in the
 * comments), not taken from our output. */

TEST(reserve_grows_for_large_need)
{
    no_stress();
    fresh(233, 65535, 1);
    build_list(&xregs[0], 10);
    record_start();
    heap_reserve_maybe_gc(&heap, 5000, &roots);
    record_stop();
    CHECK_EQ(n_events, 1);
    CHECK_EQ(events[0].reason, GC_REASON_HEAP_FULL);
    CHECK_EQ(events[0].need, 5000);
    CHECK(heap_free_words(&heap) >= 5000);
    /* major: next(1 + 20 + 4) = 233 < need_after = 20 + 5000 + 1 + 4 → next(5025) = 6772 */
    CHECK_EQ(heap.heap_sz, 6772);
    CHECK(is_seq(xregs[0], 10));
    heap_destroy(&heap);
    restore_stress();
}

TEST(major_shrinks_and_grow_flag)
{
    no_stress();
    /* min_heap_size 1000 → 1598 (§3.2): a major never goes below it. */
    fresh(1000, 65535, 1);
    CHECK_EQ(heap.heap_sz, 1598);
    build_list(&xregs[0], 10);
    gc(true);
    CHECK_EQ(heap.heap_sz, 1598);
    heap_destroy(&heap);

    /* A 6772-word block with 20 live words: need_after 25, 4·25 < 6772 → next(50) clamped to
     * min 233. */
    fresh(233, 65535, 1);
    heap_reserve_maybe_gc(&heap, 5000, &roots);
    CHECK_EQ(heap.heap_sz, 6772);
    build_list(&xregs[0], 10);
    gc(true);
    CHECK_EQ(heap.heap_sz, 233);
    CHECK(is_seq(xregs[0], 10));

    /* Over 75 % used after a major sets HEAP_GROW; the next major takes the next size even
     * though the data still fits. 233: 180 live + 1 stack + 4 → need_after 185, 3·233 < 4·185.
     * Measured on erl 25.2.3: a process holding lists:seq(1, 90) reports heap_size 233 after
     * erlang:garbage_collect() and 376 after a second one. */
    build_list(&xregs[0], 90);
    gc(true);
    CHECK_EQ(heap.heap_sz, 233);
    CHECK(heap.flags & HEAP_GROW);
    gc(true);
    CHECK_EQ(heap.heap_sz, 376);
    CHECK(!(heap.flags & HEAP_GROW));
    CHECK(is_seq(xregs[0], 90));
    heap_destroy(&heap);
    restore_stress();
}

TEST(minor_shrinks_large_young_block)
{
    no_stress();
    fresh(233, 65535, 2);
    build_list(&xregs[0], 20000); /* grows the young block to 46422 */
    CHECK_EQ(heap.heap_sz, 46422);
    gc(true);
    xregs[0] = NIL;
    build_list(&xregs[1], 10);
    GcEvent ev = gc(false);
    /* Minor: old heap = next(young usage 40020, 1) = 75113; 20 young live words → need_after
     * 20 + 0 + 1 + 4 = 25 → 3·25 = 75, 9·75 < 75113 → old/8 = 9389 → next = 10958. */
    CHECK_EQ(ev.type, GC_MINOR);
    CHECK_EQ(ev.after.old_heap_block_size, 75113);
    CHECK_EQ(heap.heap_sz, 10958);
    CHECK(is_seq(xregs[1], 10));
    heap_destroy(&heap);
    restore_stress();
}

/* ---- events and triggers ---------------------------------------------------------------- */

TEST(event_fields_and_counters)
{
    no_stress();
    fresh(233, 65535, 1);
    build_list(&xregs[0], 30);
    heap_reserve_maybe_gc(&heap, 20, &roots);
    Term *g = heap_alloc(&heap, 20);
    for (int i = 0; i < 20; i += 2) cons_at(g + i, NIL, NIL); /* garbage */
    GcEvent ev = gc(false);
    CHECK_EQ(ev.before.heap_size, 80);
    CHECK_EQ(ev.after.heap_size, 60);
    CHECK_EQ(ev.reclaimed, 20);
    CHECK_EQ(ev.reason, GC_REASON_EXPLICIT);
    CHECK(ev.duration_ns > 0);
    CHECK_EQ(heap.words_reclaimed, 20);
    gc(false);
    CHECK_EQ(heap.num_minor, 1);
    CHECK_EQ(heap.num_major, 1);
    heap.flags |= HEAP_FORCE_GC;
    record_start();
    heap_reserve_maybe_gc(&heap, 1, &roots);
    record_stop();
    CHECK_EQ(n_events, 1);
    CHECK_EQ(events[0].reason, GC_REASON_EXPLICIT);
    CHECK(!(heap.flags & HEAP_FORCE_GC));
    heap_gc_stress = true;
    heap_stress_mode = HEAP_STRESS_COLLECT;
    record_start();
    heap_reserve_maybe_gc(&heap, 1, &roots);
    heap_reserve_maybe_gc(&heap, 1, &roots);
    record_stop();
    heap_gc_stress = false;
    heap_stress_mode = HEAP_STRESS_OFF;
    CHECK_EQ(n_events, 2);
    CHECK_EQ(events[0].reason, GC_REASON_STRESS);
    /* Nothing asks for a GC: no collection. */
    record_start();
    heap_reserve_maybe_gc(&heap, 1, &roots);
    record_stop();
    CHECK_EQ(n_events, 0);
    CHECK(is_seq(xregs[0], 30));
    heap_destroy(&heap);
    restore_stress();
}

/* ---- the verifier catches what it claims to ---------------------------------------------- */

TEST(verify_catches_corruption)
{
    no_stress();
    fresh(233, 65535, 1);
    build_list(&xregs[0], 5);
    gc(true);
    gc(false); /* list in the old heap */
    heap_reserve_maybe_gc(&heap, 4, &roots);
    Term *t = heap_alloc(&heap, 4);
    t[0] = make_tuple_header(3);
    t[1] = xregs[0];
    t[2] = make_small(1);
    t[3] = make_small(2);
    xregs[0] = make_boxed(t);
    CHECK(gc_verify(&heap, &roots) == NULL);

    Term saved = t[2];
    t[2] = make_boxed(t + 1); /* into the middle of the tuple */
    CHECK(gc_verify(&heap, &roots) != NULL);
    t[2] = make_list(heap.stop); /* into the stack */
    CHECK(gc_verify(&heap, &roots) != NULL);
    t[2] = saved;

    Term *old_cell = list_ptr(t[1]);
    Term saved_car = old_cell[0];
    old_cell[0] = make_boxed(t); /* old → young */
    CHECK(gc_verify(&heap, &roots) != NULL);
    old_cell[0] = saved_car;

    Term saved_hdr = t[0];
    t[0] = make_boxed(t); /* a forwarding pointer left behind */
    CHECK(gc_verify(&heap, &roots) != NULL);
    t[0] = saved_hdr;

    heap.off_heap.overhead = 1; /* vheap accounting */
    CHECK(gc_verify(&heap, &roots) != NULL);
    heap.off_heap.overhead = 0;

    Term *saved_hw = heap.high_water;
    heap.high_water = heap.htop + 1;
    CHECK(gc_verify(&heap, &roots) != NULL);
    heap.high_water = saved_hw;
    CHECK(gc_verify(&heap, &roots) == NULL);
    heap_destroy(&heap);
    restore_stress();
}

int main(void)
{
    hs_init();
    TH_RUN(first_gc_is_major);
    TH_RUN(promotion_sequence);
    TH_RUN(fullsweep_after_patterns);
    TH_RUN(growth_sequence);
    TH_RUN(vheap_growth_rule);
    TH_RUN(vheap_sequence);
    TH_RUN(vheap_drop_loop_frees);
    TH_RUN(refc_freed_when_unreachable);
    TH_RUN(offheap_list_order);
    TH_RUN(fragments_are_copied_and_freed);
    TH_RUN(stack_roots_move_with_the_stack);
    TH_RUN(literals_stay_and_extra_roots_move);
    TH_RUN(reserve_grows_for_large_need);
    TH_RUN(major_shrinks_and_grow_flag);
    TH_RUN(minor_shrinks_large_young_block);
    TH_RUN(event_fields_and_counters);
    TH_RUN(verify_catches_corruption);
    return th_done();
}
