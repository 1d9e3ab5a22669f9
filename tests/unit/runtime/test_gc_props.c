/*
 * test_gc_props.c — randomised property tests of the collector.
 *
 * A random program builds term graphs with sharing (tuples, lists, floats, bignum-shaped raw
 * objects, heap binaries, refc binaries, sub binaries, funs, refs, flatmaps built by hand and
 * maps (flat and HAMT) built by map_put, literals) held by
 * X registers, extra root slots and the stack, makes garbage, allocates into heap fragments, and
 * collects — explicitly (minor or major) and whenever heap_reserve_maybe_gc decides to. Around
 * every explicit collection it checks:
 *   - gc_verify passes (the build also runs it after every collection: HS_TEST_HOOKS);
 *   - the live graph is identical: a canonical depth-first traversal of all roots, which numbers
 *     objects at first visit and records later visits as back references, gives the same token
 *     sequence before and after, so values and the sharing structure are both preserved;
 *   - size_object and size_shared of every register are unchanged (copy.h);
 *   - refc binaries are freed exactly when unreachable: a minor frees the dead young ones, a
 *     major every dead one; bin_stats.frees moves by exactly that many.
 * The seed comes from th_seed() (HEAPSCOPE_SEED replays a run) and is printed on failure.
 */
#include <stdlib.h>

#include "bin.h"
#include "copy.h"
#include "gc.h"
#include "heap.h"
#include "hs.h"
#include "literal.h"
#include "map.h"
#include "testhelp.h"

/* ---- random numbers --------------------------------------------------------------------- */

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
static unsigned rnd_below(unsigned n) { return (unsigned)(rnd() % n); }

/* ---- growable vectors and an address → id map ------------------------------------------- */

typedef struct Vec {
    uint64_t *v;
    size_t n, cap;
} Vec;

static void vec_push(Vec *a, uint64_t x)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 1024;
        a->v = realloc(a->v, a->cap * sizeof *a->v);
        if (!a->v) abort();
    }
    a->v[a->n++] = x;
}
static bool vec_pop(Vec *a, uint64_t *x)
{
    if (!a->n) return false;
    *x = a->v[--a->n];
    return true;
}

typedef struct AddrMap {
    uintptr_t *keys;
    uint64_t *vals;
    size_t cap, n;
} AddrMap;

static void amap_init(AddrMap *m)
{
    m->cap = 1024;
    m->n = 0;
    m->keys = calloc(m->cap, sizeof *m->keys);
    m->vals = calloc(m->cap, sizeof *m->vals);
    if (!m->keys || !m->vals) abort();
}
static void amap_free(AddrMap *m)
{
    free(m->keys);
    free(m->vals);
}
static size_t amap_slot(const AddrMap *m, uintptr_t k)
{
    size_t i = (size_t)((k >> 3) * 0x9E3779B97F4A7C15ull) & (m->cap - 1);
    while (m->keys[i] && m->keys[i] != k) i = (i + 1) & (m->cap - 1);
    return i;
}
static bool amap_get(const AddrMap *m, const void *p, uint64_t *val)
{
    size_t i = amap_slot(m, (uintptr_t)p);
    if (!m->keys[i]) return false;
    *val = m->vals[i];
    return true;
}
static void amap_put(AddrMap *m, const void *p, uint64_t val)
{
    if (2 * (m->n + 1) > m->cap) {
        AddrMap bigger = {calloc(2 * m->cap, sizeof(uintptr_t)), calloc(2 * m->cap, sizeof(uint64_t)),
                          2 * m->cap, 0};
        if (!bigger.keys || !bigger.vals) abort();
        for (size_t i = 0; i < m->cap; i++)
            if (m->keys[i]) {
                size_t j = amap_slot(&bigger, m->keys[i]);
                bigger.keys[j] = m->keys[i];
                bigger.vals[j] = m->vals[i];
                bigger.n++;
            }
        amap_free(m);
        *m = bigger;
    }
    size_t i = amap_slot(m, (uintptr_t)p);
    if (!m->keys[i]) m->n++;
    m->keys[i] = (uintptr_t)p;
    m->vals[i] = val;
}

/* ---- the program's state ---------------------------------------------------------------- */

#define NREG 10
#define NEXTRA 4

static Heap heap;
static Term xregs[NREG];
static Term extra[NEXTRA];
static GcRoots roots;
static Term literals[3];
static FunEntry fun_entry_a = {0, 0, 2, 0, 12345, 0, NULL};

static void each_extra(void *ctx, GcVisitFn fn, void *arg)
{
    Term *slots = ctx;
    for (int i = 0; i < NEXTRA; i++) fn(&slots[i], arg);
}

/* A root slot by number: registers, then extra slots. */
static Term *slot(unsigned i) { return i < NREG ? &xregs[i] : &extra[i - NREG]; }
static unsigned any_slot(void) { return rnd_below(NREG + NEXTRA); }

/* ---- the canonical fingerprint ---------------------------------------------------------- */

enum { TOK_IMM = 1, TOK_LIT, TOK_REF, TOK_CONS, TOK_BOX, TOK_CP, TOK_ROOT };

/* Raw words that hold heap addresses of the off-heap list, which legitimately change. */
static bool raw_is_link(Term hdr, Uint i)
{
    unsigned sub = hdr_subtag(hdr);
    return i == 2 && (sub == SUB_REFC_BIN || sub == SUB_FUN ||
                      (sub == SUB_REF && hdr_extra(hdr) == REF_MAGIC));
}

typedef struct Walk {
    Vec tokens;
    Vec binaries; /* Binary* of every distinct live ProcBin */
    Uint objects;
} Walk;

static void walk_term(Walk *w, AddrMap *ids, Vec *stack, Term root)
{
    vec_push(stack, root);
    uint64_t x;
    while (vec_pop(stack, &x)) {
        Term t = x;
        if (!term_is_ptr(t)) {
            vec_push(&w->tokens, TOK_IMM);
            vec_push(&w->tokens, t);
            continue;
        }
        const Term *p = term_ptr(t);
        if (ptr_is_literal(p)) {
            vec_push(&w->tokens, TOK_LIT);
            vec_push(&w->tokens, t);
            continue;
        }
        uint64_t id;
        if (amap_get(ids, p, &id)) {
            vec_push(&w->tokens, TOK_REF);
            vec_push(&w->tokens, id);
            continue;
        }
        amap_put(ids, p, w->objects++);
        if (term_is_list(t)) {
            vec_push(&w->tokens, TOK_CONS);
            vec_push(stack, p[1]);
            vec_push(stack, p[0]);
            continue;
        }
        Term hdr = p[0];
        vec_push(&w->tokens, TOK_BOX);
        vec_push(&w->tokens, hdr);
        Uint raw = hdr_raw_words(hdr), arity = hdr_arity(hdr);
        for (Uint i = 1; i <= raw; i++)
            if (!raw_is_link(hdr, i)) vec_push(&w->tokens, p[i]);
        for (Uint i = arity; i > raw; i--) vec_push(stack, p[i]);
        if (hdr_subtag(hdr) == SUB_REFC_BIN) vec_push(&w->binaries, (uint64_t)(uintptr_t)((const ProcBin *)p)->val);
    }
}

/* Every root in a fixed order: registers, extra slots, then the stack from its top. */
static void fingerprint(Walk *w)
{
    AddrMap ids;
    amap_init(&ids);
    Vec stack = {0};
    memset(w, 0, sizeof *w);
    for (unsigned i = 0; i < NREG + NEXTRA; i++) {
        vec_push(&w->tokens, TOK_ROOT);
        walk_term(w, &ids, &stack, *slot(i));
    }
    for (const Term *s = heap.stop; s < heap.hend; s++) {
        if (term_is_header(*s)) {
            vec_push(&w->tokens, TOK_CP);
            vec_push(&w->tokens, *s);
        } else {
            walk_term(w, &ids, &stack, *s);
        }
    }
    free(stack.v);
    amap_free(&ids);
}

static void walk_free(Walk *w)
{
    free(w->tokens.v);
    free(w->binaries.v);
}

/* Flat size with memoisation: linear even when sharing makes the real flat size explode, so we
 * only ask size_object when it will finish. */
static Uint flat_size_bounded(Term t, AddrMap *memo, unsigned depth)
{
    if (!term_is_ptr(t)) return 0;
    if (depth > 2000) return (Uint)1 << 40; /* too deep to bound: assume huge */
    const Term *p = term_ptr(t);
    uint64_t v;
    if (amap_get(memo, p, &v)) return v;
    Uint sum;
    if (term_is_list(t)) {
        sum = 2 + flat_size_bounded(p[0], memo, depth + 1);
        /* tails iteratively */
        Term tail = p[1];
        while (term_is_list(tail) && !amap_get(memo, list_ptr(tail), &v)) {
            sum += 2 + flat_size_bounded(list_ptr(tail)[0], memo, depth + 1);
            tail = list_ptr(tail)[1];
        }
        sum += flat_size_bounded(tail, memo, depth + 1);
    } else {
        Term hdr = p[0];
        sum = 1 + hdr_arity(hdr);
        for (Uint i = 1 + hdr_raw_words(hdr); i <= hdr_arity(hdr); i++)
            sum += flat_size_bounded(p[i], memo, depth + 1);
    }
    if (sum > ((Uint)1 << 40)) sum = (Uint)1 << 40;
    amap_put(memo, p, sum);
    return sum;
}

typedef struct Sizes {
    Uint flat[NREG], shared[NREG];
} Sizes;

static void measure_sizes(Sizes *s)
{
    for (unsigned i = 0; i < NREG; i++) {
        AddrMap memo;
        amap_init(&memo);
        Uint bound = flat_size_bounded(xregs[i], &memo, 0);
        amap_free(&memo);
        s->flat[i] = bound < 200000 ? size_object(xregs[i]) : 0;
        s->shared[i] = size_shared(xregs[i]);
    }
}

/* ---- building random terms -------------------------------------------------------------- */

static unsigned hamts_built;

static bool use_reserve(void) { return rnd_below(8) != 0; } /* else heap_halloc: fragments */

/* Words for n terms of fresh data: reserve (may GC) or not (heap_halloc will use fragments). */
static Term *take(Uint n)
{
    if (use_reserve()) {
        heap_reserve_maybe_gc(&heap, n, &roots);
        return heap_alloc(&heap, n);
    }
    return heap_halloc(&heap, n);
}

static Term random_immediate(void)
{
    switch (rnd_below(4)) {
    case 0: return make_small((Sint)(rnd() % 2001) - 1000);
    case 1: return make_atom(rnd_below(50));
    case 2: return make_pid(rnd_below(1000));
    default: return NIL;
    }
}

/* A leaf object into *dst. */
static void make_leaf(Term *dst)
{
    static unsigned char bytes[256];
    switch (rnd_below(8)) {
    case 0: *dst = random_immediate(); break;
    case 1: *dst = float_at(take(FLOAT_SIZE), (double)(rnd() % 100000) / 7.0); break;
    case 2: { /* a bignum-shaped raw object */
        Uint k = 1 + rnd_below(4);
        Term *hp = take(1 + k);
        hp[0] = make_header(rnd_below(2) ? SUB_POS_BIG : SUB_NEG_BIG, 0, k);
        for (Uint i = 1; i <= k; i++) hp[i] = rnd() | 1;
        *dst = make_boxed(hp);
        break;
    }
    case 3: {
        Uint n = rnd_below(65);
        for (Uint i = 0; i < n; i++) bytes[i] = (unsigned char)rnd();
        if (use_reserve()) heap_reserve_maybe_gc(&heap, heap_bin_words(n), &roots);
        *dst = bin_new(&heap, bytes, n);
        break;
    }
    case 4: {
        Uint n = 65 + rnd_below(190);
        for (Uint i = 0; i < n; i++) bytes[i] = (unsigned char)rnd();
        if (use_reserve()) heap_reserve_maybe_gc(&heap, PROC_BIN_SIZE, &roots);
        *dst = bin_new(&heap, bytes, n);
        break;
    }
    case 5: *dst = ref_at(take(REF_SIZE)); break;
    case 6: *dst = literals[rnd_below(3)]; break;
    default: *dst = make_small((Sint)rnd_below(100)); break;
    }
}

/* A compound over existing roots, into slot d. Sources are read after the words are taken, so
 * a collection in between cannot leave stale copies. */
static void make_compound(unsigned d)
{
    switch (rnd_below(8)) {
    case 0: { /* cons */
        Term *hp = take(2);
        *slot(d) = cons_at(hp, *slot(any_slot()), *slot(any_slot()));
        break;
    }
    case 1: { /* tuple */
        Uint n = 1 + rnd_below(6);
        Term *hp = take(1 + n);
        hp[0] = make_tuple_header(n);
        for (Uint i = 1; i <= n; i++) hp[i] = rnd_below(4) ? *slot(any_slot()) : random_immediate();
        *slot(d) = make_boxed(hp);
        break;
    }
    case 2: { /* a list of k elements built cons by cons onto the slot itself */
        Uint k = 1 + rnd_below(60);
        unsigned src = any_slot();
        *slot(d) = NIL;
        for (Uint i = 0; i < k; i++) {
            Term *hp = take(2);
            *slot(d) = cons_at(hp, rnd_below(3) ? make_small((Sint)i) : *slot(src), *slot(d));
        }
        break;
    }
    case 3: { /* flatmap with n small-int keys: [hdr][n][keys][values] + keys tuple */
        Uint n = 1 + rnd_below(5);
        Term *hp = take(3 + n + 1 + n);
        Term *keys = hp + 3 + n;
        keys[0] = make_tuple_header(n);
        for (Uint i = 1; i <= n; i++) keys[i] = make_small((Sint)(i * 3));
        hp[0] = make_map_header(MAP_FLAT, 0, 2 + n);
        hp[1] = n;
        hp[2] = make_boxed(keys);
        for (Uint i = 0; i < n; i++) hp[3 + i] = *slot(any_slot());
        *slot(d) = make_boxed(hp);
        break;
    }
    case 4: { /* fun with free variables */
        unsigned nfree = rnd_below(4);
        Term *hp = take(FUN_BASE_SIZE + nfree);
        Term env[3];
        for (unsigned i = 0; i < nfree; i++) env[i] = *slot(any_slot());
        *slot(d) = fun_at(hp, &fun_entry_a, make_pid(1), nfree, env);
        break;
    }
    case 5: { /* sub binary over a binary held in some slot */
        unsigned s = any_slot();
        Term *hp = take(SUB_BIN_SIZE);
        Term orig = *slot(s);
        if (!(term_is_heap_bin(orig) || term_is_refc_bin(orig)) || bin_byte_size(orig) < 2) {
            hp[0] = make_tuple_header(SUB_BIN_SIZE - 1); /* nothing to window: a tuple */
            for (int i = 1; i < SUB_BIN_SIZE; i++) hp[i] = make_small(i);
            *slot(d) = make_boxed(hp);
            break;
        }
        Uint size = bin_byte_size(orig);
        Uint offs = rnd_below((unsigned)(size - 1));
        *slot(d) = sub_bin_at(hp, orig, offs, 1 + rnd_below((unsigned)(size - offs - 1)), 0, 0);
        break;
    }
    case 6: { /* maps:put/3 repeatedly: flatmaps, and HAMT nodes past 32 keys */
        Term m = *slot(d);
        if (!term_is_map(m) || rnd_below(6) == 0) m = literal_empty_map();
        for (unsigned k = 1 + rnd_below(40); k > 0; k--)
            m = map_put(&heap, m, make_small((Sint)rnd_below(120)), *slot(any_slot()));
        *slot(d) = m; /* map_put never collects: m stayed valid */
        if (map_size(m) > MAP_SMALL_MAP_LIMIT) hamts_built++;
        break;
    }
    default: *slot(d) = *slot(any_slot()); break; /* sharing */
    }
}

static void make_garbage(void)
{
    Uint n = 1 + rnd_below(40);
    Term *hp = take(n + 1);
    hp[0] = make_tuple_header(n);
    for (Uint i = 1; i <= n; i++) hp[i] = rnd_below(2) ? *slot(any_slot()) : make_small((Sint)i);
}

static void stack_op(void)
{
    if (rnd_below(2) && heap_stack_words(&heap) > 1) {
        (void)heap_pop(&heap);
        return;
    }
    heap_reserve_maybe_gc(&heap, 1, &roots);
    heap_push(&heap, rnd_below(3) ? *slot(any_slot()) : (Term)(0x10000 + 8 * rnd_below(100)));
}

/* ---- the checked collection -------------------------------------------------------------- */

typedef struct Stats {
    unsigned minors, majors, checks_failed;
} Stats;

/* Off-heap entries before a GC: their Binary and whether they are in the old heap. */
static void offheap_census(Vec *young, Vec *old)
{
    for (const OffHeapHeader *e = heap.off_heap.first; e; e = e->next)
        if (hdr_subtag(e->thing_word) == SUB_REFC_BIN)
            vec_push(heap_in_old(&heap, (const Term *)e) ? old : young,
                     (uint64_t)(uintptr_t)((const ProcBin *)e)->val);
    for (const HeapFrag *f = heap.mbuf; f; f = f->next)
        for (const OffHeapHeader *e = f->off_heap.first; e; e = e->next)
            vec_push(young, (uint64_t)(uintptr_t)((const ProcBin *)e)->val);
}

static bool in_vec(const Vec *v, uint64_t x)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->v[i] == x) return true;
    return false;
}

static Uint count_dead(const Vec *entries, const Vec *live)
{
    Uint n = 0;
    for (size_t i = 0; i < entries->n; i++)
        if (!in_vec(live, entries->v[i])) n++;
    return n;
}

static void checked_gc(bool major, Stats *st)
{
    Walk before, after;
    Sizes s1, s2;
    Vec young = {0}, old = {0};
    fingerprint(&before);
    measure_sizes(&s1);
    offheap_census(&young, &old);
    Uint frees0 = atomic_load(&bin_stats.frees);

    GcEvent ev;
    gc_collect(&heap, rnd_below(4) ? 0 : rnd_below(3000), &roots, major, GC_REASON_EXPLICIT, &ev);
    if (ev.type == GC_MAJOR) st->majors++;
    else st->minors++;

    const char *why = gc_verify(&heap, &roots);
    if (why) printf("  gc_verify: %s\n", why);
    CHECK(why == NULL);
    fingerprint(&after);
    bool same = before.tokens.n == after.tokens.n &&
                memcmp(before.tokens.v, after.tokens.v, before.tokens.n * sizeof(uint64_t)) == 0;
    CHECK(same);
    CHECK_EQ(before.objects, after.objects);
    measure_sizes(&s2);
    for (unsigned i = 0; i < NREG; i++) {
        CHECK_EQ(s1.flat[i], s2.flat[i]);
        CHECK_EQ(s1.shared[i], s2.shared[i]);
    }
    /* Refc binaries: young dead ones always go, old dead ones only in a major. */
    Uint expect = count_dead(&young, &before.binaries) +
                  (ev.type == GC_MAJOR ? count_dead(&old, &before.binaries) : 0);
    CHECK_EQ(atomic_load(&bin_stats.frees) - frees0, expect);
    /* After a major exactly the live ProcBins are listed; after any GC every listed young one
     * is live. */
    Vec y2 = {0}, o2 = {0};
    offheap_census(&y2, &o2);
    CHECK_EQ(count_dead(&y2, &after.binaries), 0);
    if (ev.type == GC_MAJOR) CHECK_EQ(y2.n + o2.n, after.binaries.n);
    CHECK_EQ(ev.after.mbuf_size, 0);
    if (!same) st->checks_failed++;
    free(y2.v);
    free(o2.v);
    free(young.v);
    free(old.v);
    walk_free(&before);
    walk_free(&after);
}

/* ---- the random program ----------------------------------------------------------------- */

static void run_program(unsigned ops, Uint min_heap, Uint fsa, Stats *st)
{
    heap_init(&heap, min_heap, fsa);
    for (unsigned i = 0; i < NREG; i++) xregs[i] = NIL;
    for (unsigned i = 0; i < NEXTRA; i++) extra[i] = NIL;
    roots = (GcRoots){.xregs = xregs, .live = NREG, .each_extra = each_extra, .ctx = extra};
    for (unsigned op = 0; op < ops; op++) {
        unsigned r = rnd_below(100);
        if (r < 25) make_leaf(slot(any_slot()));
        else if (r < 60) make_compound(any_slot());
        else if (r < 75) make_garbage();
        else if (r < 80) *slot(any_slot()) = NIL;
        else if (r < 86) stack_op();
        else if (r < 93) checked_gc(false, st);
        else checked_gc(true, st);
    }
    checked_gc(true, st);
    heap_destroy(&heap);
}

static void make_literals(void)
{
    Term *t = literal_alloc(3 + 2 + 2);
    if (!t) abort();
    t[0] = make_tuple_header(2);
    t[1] = make_small(1);
    t[2] = cons_at(t + 3, make_small(2), NIL);
    literals[0] = make_boxed(t);
    literals[1] = t[2];
    literals[2] = float_at(t + 5, 3.25);
}

TEST(random_graphs)
{
    bool stress = heap_gc_stress;
    heap_gc_stress = false;
    rng_state = th_seed() * 2654435761u + 0x9E37;
    Stats st = {0};
    static const Uint mins[] = {233, 233, 233, 1000, 12};
    static const Uint fsas[] = {65535, 0, 3, 10, 1};
    for (unsigned round = 0; round < 5; round++)
        run_program(3000, mins[round], fsas[round], &st);
    printf("  random_graphs: %u minor and %u major checked collections\n", st.minors, st.majors);
    CHECK(st.minors >= 200);
    CHECK(st.majors >= 200);
    CHECK(hamts_built > 0);
    CHECK_EQ(st.checks_failed, 0);
    heap_gc_stress = stress;
}

TEST(random_graphs_under_stress)
{
    bool stress = heap_gc_stress;
    HeapStress mode = heap_stress_mode;
    heap_gc_stress = true; /* every reserve collects, and the build verifies each one */
    heap_stress_mode = HEAP_STRESS_COLLECT;
    rng_state = th_seed() * 2654435761u + 0x51;
    Stats st = {0};
    run_program(800, 233, 65535, &st);
    run_program(800, 233, 2, &st);
    CHECK_EQ(st.checks_failed, 0);
    heap_gc_stress = stress;
    heap_stress_mode = mode;
}

/* HEAPSCOPE_GC_STRESS=move: every reserve that does not collect moves the block instead; the
 * graphs must come through every relocation intact. */
TEST(random_graphs_under_move_stress)
{
    bool stress = heap_gc_stress;
    HeapStress mode = heap_stress_mode;
    heap_gc_stress = true;
    heap_stress_mode = HEAP_STRESS_MOVE;
    rng_state = th_seed() * 2654435761u + 0x3d;
    Stats st = {0};
    run_program(800, 233, 65535, &st);
    run_program(800, 1000, 2, &st);
    CHECK_EQ(st.checks_failed, 0);
    CHECK(st.minors + st.majors > 0);
    heap_gc_stress = stress;
    heap_stress_mode = mode;
}

int main(void)
{
    hs_init();
    fun_entry_a.module = make_atom(1);
    fun_entry_a.name = make_atom(2);
    make_literals();
    printf("HEAPSCOPE_SEED=%llu\n", (unsigned long long)th_seed());
    TH_RUN(random_graphs);
    TH_RUN(random_graphs_under_stress);
    TH_RUN(random_graphs_under_move_stress);
    return th_done();
}
