/*
 * bench_gc.c — copy throughput of our collector, the C side of bench/otp/gc_bench.erl.
 *
 * Both sides build the same live data and time the same three collections; scripts/bench.sh
 * pairs the entries by name and divides. The data is a list of ELEMS 3-tuples
 * {I, [I, I+1, I+2], float(I)}: cons 2 + tuple 4 + short list 6 + float 2 = 14 words an element,
 * 1,050,000 words in all, no sharing, rooted in X register 0.
 *
 * Every benchmark runs on a fresh heap whose min_heap_size (as the Erlang side's spawn_opt) is
 * large enough that building never collects, so the only collections are the ones we ask for:
 *   gc_major          a fullsweep copies all the data into a new block;
 *   gc_minor_young    the data was built after the last collection (above the high-water mark)
 *                     and an old heap exists: a minor copies it within the young generation;
 *   gc_minor_promote  the data survived a major (below the high-water mark): the next minor
 *                     creates the old heap and promotes all of it there.
 * Each measured collection is checked — it was the kind we asked for and it left the data in the
 * generation OTP leaves it in — and afterwards the data is walked (every word of the shape
 * checked and summed) and the heap verified, so a broken collector fails instead of looking fast.
 *
 * Output: one JSON object on stdout,
 *   {"gc_major": {"words": W, "seconds": S, "words_per_sec": W/S, "reps": N,
 *                 "min_seconds": .., "max_seconds": ..}, ...}
 * with S the median of N timed collections (CLOCK_MONOTONIC), and "page_faults" the median
 * number of minor page faults one collection took (getrusage, read outside the timed span): a
 * new block that the allocator had to map afresh costs more than the copying itself.
 * Exit status 1 and a message on stderr when a check fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "gc.h"
#include "heap.h"
#include "hs.h"

#define ELEMS 75000
#define WORDS_PER_ELEM 14
#define DATA_WORDS ((Uint)ELEMS * WORDS_PER_ELEM)
#define KEEP_ELEMS 100
#define REPS 9
#define MIN_HEAP 4000000 /* rounded up through the heap-size table, as OTP does: 4298223 */
#define CHECK_MASK 0xFFFFFFFFFFFFull

typedef struct {
    const char *name;
    double times[REPS];
    long faults[REPS]; /* minor page faults during each timed collection */
    Uint words;
} Result;

/* One timed collection: its wall time and the page faults it took. */
typedef struct {
    double seconds;
    long faults;
} Sample;

/* The roots: X0 holds the measured data, X1 the small list that gives gc_minor_young an old
 * heap. Everything else on the heap is garbage. */
typedef struct {
    Heap heap;
    Term x[2];
    GcRoots roots;
} Bench;

static void fail(const char *bench, const char *what)
{
    fprintf(stderr, "bench_gc: %s: %s\n", bench, what);
    exit(1);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Page faults so far: a new block the kernel must map shows up here, not in the copy loop. */
static long minor_faults(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_minflt;
}

static void bench_open(Bench *b)
{
    heap_init(&b->heap, MIN_HEAP, FULLSWEEP_AFTER_DEFAULT);
    b->x[0] = NIL;
    b->x[1] = NIL;
    b->roots = (GcRoots){.xregs = b->x, .live = 2};
}

/* [I, I+1, I+2] and the rest of the element, allocated in the order the BEAM does: the float
 * (a BIF result) first, then the list from its tail, the tuple, the cons that holds it. */
static Term build_elem(Term *hp, Sint i, Term tail)
{
    Term f = float_at(hp, (double)i);
    Term l = cons_at(hp + 2, make_small(i + 2), NIL);
    l = cons_at(hp + 4, make_small(i + 1), l);
    l = cons_at(hp + 6, make_small(i), l);
    hp[8] = make_tuple_header(3);
    hp[9] = make_small(i);
    hp[10] = l;
    hp[11] = f;
    return cons_at(hp + 12, make_boxed(hp + 8), tail);
}

/* The list [{1, ..}, ..., {n, ..}], built from its end as the Erlang side's build/2 does.
 * One reservation for all of it: the block is large enough, so this never collects. [may GC] */
static Term build(Bench *b, Sint n)
{
    heap_reserve_maybe_gc(&b->heap, (Uint)n * WORDS_PER_ELEM, &b->roots);
    Term acc = NIL;
    for (Sint i = n; i > 0; i--) acc = build_elem(heap_alloc(&b->heap, WORDS_PER_ELEM), i, acc);
    return acc;
}

/* Sum over the elements of I + (I+1) + (I+2) + trunc(F), as the Erlang side's checksum/1. */
static Uint expected_checksum(Sint n)
{
    Uint acc = 0;
    for (Sint i = 1; i <= n; i++) acc = (acc + (Uint)(4 * i + 3)) & CHECK_MASK;
    return acc;
}

static bool small_is(Term t, Sint v) { return term_is_small(t) && small_val(t) == v; }

static bool elem_ok(Term e, Sint i)
{
    if (!term_is_tuple(e) || tuple_arity(e) != 3 || !small_is(tuple_elem(e, 1), i)) return false;
    Term l = tuple_elem(e, 2);
    for (Sint k = 0; k < 3; k++, l = list_tail(l))
        if (!term_is_list(l) || !small_is(list_head(l), i + k)) return false;
    Term f = tuple_elem(e, 3);
    return l == NIL && term_is_float(f) && float_val(f) == (double)i;
}

/* Walks the data, checks every word of its shape and counts its words; fails the benchmark
 * when the data is not what build() made. */
static Uint check_data(const char *bench, Term list, Sint n)
{
    Uint acc = 0, words = 0;
    Sint i = 1;
    for (; term_is_list(list); list = list_tail(list), i++) {
        Term e = list_head(list);
        if (i > n || !elem_ok(e, i)) fail(bench, "the live data is damaged after a collection");
        Term l = tuple_elem(e, 2);
        Sint sum = (Sint)float_val(tuple_elem(e, 3));
        for (; l != NIL; l = list_tail(l)) sum += small_val(list_head(l));
        acc = (acc + (Uint)sum) & CHECK_MASK;
        words += WORDS_PER_ELEM;
    }
    if (list != NIL || i != n + 1) fail(bench, "the live list has the wrong length");
    if (acc != expected_checksum(n)) fail(bench, "checksum mismatch");
    return words;
}

static void check_heap(Bench *b, const char *bench)
{
    const char *why = gc_verify(&b->heap, &b->roots);
    if (why) {
        fprintf(stderr, "bench_gc: %s: gc_verify: %s\n", bench, why);
        exit(1);
    }
}

/* One collection of the kind asked for, timed; fails when the collector ran another kind. */
static Sample collect_timed(Bench *b, bool major, const char *bench)
{
    GcEvent ev;
    Uint minors = b->heap.num_minor, majors = b->heap.num_major;
    long f0 = minor_faults();
    double t0 = now_seconds();
    gc_collect(&b->heap, 0, &b->roots, major, GC_REASON_EXPLICIT, &ev);
    double t = now_seconds() - t0;
    long f = minor_faults() - f0;
    bool ok = major ? ev.type == GC_MAJOR && b->heap.num_major == majors + 1
                    : ev.type == GC_MINOR && b->heap.num_minor == minors + 1 &&
                          b->heap.num_major == majors;
    if (!ok) fail(bench, major ? "the collection was not a major" : "the collection was not a minor");
    return (Sample){t, f};
}

static void record(Result *r, int k, Sample s)
{
    r->times[k] = s.seconds;
    r->faults[k] = s.faults;
}

static void collect(Bench *b, bool major)
{
    gc_collect(&b->heap, 0, &b->roots, major, GC_REASON_EXPLICIT, NULL);
}

static Uint recent_words(const Heap *h) { return (Uint)(h->high_water - h->heap); }

static void run_major(Result *r)
{
    Bench b;
    bench_open(&b);
    b.x[0] = build(&b, ELEMS);
    r->words = check_data(r->name, b.x[0], ELEMS);
    collect(&b, true); /* warm-up: settles the heap sizes */
    for (int k = 0; k < REPS; k++) {
        record(r, k, collect_timed(&b, true, r->name));
        if (recent_words(&b.heap) < DATA_WORDS) fail(r->name, "the data is not in the new block");
        check_data(r->name, b.x[0], ELEMS);
        check_heap(&b, r->name);
    }
    heap_destroy(&b.heap);
}

static void run_minor_young(Result *r)
{
    Bench b;
    bench_open(&b);
    b.x[1] = build(&b, KEEP_ELEMS);
    for (int k = -1; k < REPS; k++) { /* k = -1: warm-up */
        b.x[0] = NIL;
        collect(&b, true);  /* old heap freed; X1 is mature */
        collect(&b, false); /* X1 promoted to a new old heap */
        if (!b.heap.old_heap) fail(r->name, "no old heap after a minor");
        Uint old_before = heap_old_used_words(&b.heap);
        b.x[0] = build(&b, ELEMS); /* young, above the high-water mark */
        Sample t = collect_timed(&b, false, r->name);
        if (heap_old_used_words(&b.heap) != old_before) fail(r->name, "the minor promoted data");
        if (recent_words(&b.heap) < DATA_WORDS) fail(r->name, "the data did not stay young");
        r->words = check_data(r->name, b.x[0], ELEMS);
        check_data(r->name, b.x[1], KEEP_ELEMS);
        check_heap(&b, r->name);
        if (k >= 0) record(r, k, t);
    }
    heap_destroy(&b.heap);
}

static void run_minor_promote(Result *r)
{
    Bench b;
    bench_open(&b);
    b.x[0] = build(&b, ELEMS);
    r->words = check_data(r->name, b.x[0], ELEMS);
    for (int k = -1; k < REPS; k++) {
        collect(&b, true); /* the data is now below the high-water mark */
        Sample t = collect_timed(&b, false, r->name);
        if (heap_old_used_words(&b.heap) < DATA_WORDS) fail(r->name, "the data was not promoted");
        if (recent_words(&b.heap) != 0) fail(r->name, "young data left after promotion");
        check_data(r->name, b.x[0], ELEMS);
        check_heap(&b, r->name);
        if (k >= 0) record(r, k, t);
    }
    heap_destroy(&b.heap);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static void print_result(const Result *r, bool last)
{
    double s[REPS];
    long f[REPS];
    for (int k = 0; k < REPS; k++) s[k] = r->times[k], f[k] = r->faults[k];
    qsort(s, REPS, sizeof s[0], cmp_double);
    qsort(f, REPS, sizeof f[0], cmp_long);
    double med = REPS % 2 ? s[REPS / 2] : (s[REPS / 2 - 1] + s[REPS / 2]) / 2;
    if (med <= 0) med = 1e-9; /* a clock tick below resolution: keep the JSON finite */
    printf("\"%s\": {\"words\": %llu, \"seconds\": %.9g, \"words_per_sec\": %.9g, \"reps\": %d, "
           "\"min_seconds\": %.9g, \"max_seconds\": %.9g, \"page_faults\": %ld}%s",
           r->name, (unsigned long long)r->words, med, (double)r->words / med, REPS, s[0],
           s[REPS - 1], f[REPS / 2], last ? "" : ", ");
}

int main(void)
{
    hs_init();
    heap_gc_stress = false;     /* HEAPSCOPE_GC_STRESS would time a collection at every reserve */
    gc_verify_after_gc = false; /* release builds verify after each GC; we verify untimed */
    Result r[] = {{.name = "gc_major"}, {.name = "gc_minor_young"}, {.name = "gc_minor_promote"}};
    run_major(&r[0]);
    run_minor_young(&r[1]);
    run_minor_promote(&r[2]);
    printf("{");
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) print_result(&r[i], i + 1 == sizeof r / sizeof r[0]);
    printf("}\n");
    return 0;
}
