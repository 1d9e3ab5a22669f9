/*
 * test_dict.c — the process dictionary against OTP 25.2.3.
 *
 * Expected figures were measured on erl 25.2.3 (x86_64):
 *  - table bytes: process_info(P, memory) - 8 * total_heap_size - 776 for a process that put
 *    integer keys 1..N (erts_dicts_mem_size is the only other term in that difference);
 *  - heap words: the growth of garbage_collection_info's heap_size across one operation,
 *    read from another process (min_heap_size 100000, so no GC in between), less the 7 words
 *    the measuring message costs;
 *  - orders: get/0, get_keys/0,1 printed by erl.
 */
#include <stdlib.h>

#include "atom.h"
#include "dict.h"
#include "gc.h"
#include "heap.h"
#include "hs.h"
#include "testhelp.h"

static Heap heap;

static void fresh(Uint min_heap) { heap_init(&heap, min_heap, 65535); }

static Uint words_used(void) { return heap_used_words(&heap) + heap.mbuf_sz; }

/* A 2-element list [n, n] on the heap: a value that is not an immediate. */
static Term boxed_value(Sint n)
{
    Term *hp = heap_halloc(&heap, 4);
    return cons_at(hp, make_small(n), cons_at(hp + 2, make_small(n), NIL));
}

/* Does list l hold exactly these small integers (or these terms when raw)? */
static bool list_is_smalls(Term l, const Sint *want, size_t n)
{
    for (size_t i = 0; i < n; i++, l = list_tail(l))
        if (!term_is_list(l) || list_head(l) != make_small(want[i])) return false;
    return l == NIL;
}

static Sint list_len(Term l)
{
    Sint n = 0;
    for (; term_is_list(l); l = list_tail(l)) n++;
    return n;
}

static void put_range(ProcDict **pd, Sint from, Sint to)
{
    for (Sint i = from; i <= to; i++) dict_put(pd, &heap, make_small(i), make_small(i));
}

/* ---- memory: erts_dicts_mem_size ------------------------------------------------------- */

TEST(memory_follows_next_array_size)
{
    fresh(1u << 20);
    ProcDict *pd = NULL;
    CHECK_EQ(dict_memory_bytes(pd), 0);
    static const struct { Sint n; Uint bytes; } steps[] = {
        {1, 88},   {7, 88},    {8, 104},   {9, 104},     {10, 184},    {16, 184},
        {17, 184}, {20, 344},  {40, 664},  {80, 1304},   {100, 1304},  {1000, 10264},
        {5000, 24 + 8 * 5120}, {40000, 24 + 8 * 40960}, {81000, 24 + 8 * 81920},
        {82000, 24 + 8 * 163840},  {100000, 24 + 8 * 163840},
    };
    Sint done = 0;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        put_range(&pd, done + 1, steps[i].n);
        done = steps[i].n;
        CHECK_EQ(dict_count(pd), steps[i].n);
        CHECK_EQ(dict_memory_bytes(pd), steps[i].bytes);
    }
    dict_free(pd);
    heap_destroy(&heap);
}

TEST(erase_shrinks_the_table)
{
    fresh(100000);
    ProcDict *pd = NULL;
    put_range(&pd, 1, 1000);
    for (Sint i = 1; i <= 700; i++) CHECK(dict_erase(&pd, &heap, make_small(i)) == make_small(i));
    CHECK_EQ(dict_memory_bytes(pd), 10264);
    for (Sint i = 701; i <= 990; i++) dict_erase(&pd, &heap, make_small(i));
    CHECK_EQ(dict_memory_bytes(pd), 664);
    CHECK_EQ(dict_count(pd), 10);
    static const Sint order[] = {991, 1000, 999, 998, 997, 996, 995, 994, 993, 992};
    CHECK(list_is_smalls(dict_get_keys(pd, &heap), order, 10));
    CHECK(dict_erase(&pd, &heap, make_small(5)) == AM(undefined));
    Term all = dict_erase_all(&pd, &heap);
    CHECK(pd == NULL);
    CHECK_EQ(list_len(all), 10);
    CHECK_EQ(dict_memory_bytes(pd), 0);
    CHECK(dict_get_all(pd, &heap) == NIL);
    heap_destroy(&heap);
}

/* ---- words on the heap ------------------------------------------------------------------ */

TEST(put_words_as_otp)
{
    fresh(100000);
    ProcDict *pd = NULL;
    Term abc = boxed_value(7); /* "abc" in the Erlang program: a non-immediate value */
    Uint w = words_used();
    CHECK(dict_put(&pd, &heap, make_small(5), AM(error)) == AM(undefined)); /* new */
    CHECK_EQ(words_used() - w, 3);
    w = words_used();
    CHECK(dict_put(&pd, &heap, make_small(5), abc) == AM(error)); /* replace single, boxed */
    CHECK_EQ(words_used() - w, 3);
    w = words_used();
    dict_put(&pd, &heap, make_small(13), AM(ok)); /* collides with 5: two cells */
    CHECK_EQ(words_used() - w, 7);
    w = words_used();
    dict_put(&pd, &heap, make_small(21), AM(true)); /* prepended to the chain */
    CHECK_EQ(words_used() - w, 5);
    w = words_used();
    CHECK(dict_put(&pd, &heap, make_small(13), abc) == AM(ok)); /* replace in chain, boxed */
    CHECK_EQ(words_used() - w, 5);
    static const Sint order[] = {5, 21, 13};
    CHECK(list_is_smalls(dict_get_keys(pd, &heap), order, 3));
    w = words_used();
    CHECK(dict_put(&pd, &heap, make_small(5), AM(undefined)) == abc); /* immediate: in place */
    CHECK_EQ(words_used() - w, 0);
    CHECK(dict_put(&pd, &heap, make_small(21), NIL) == AM(true));
    CHECK_EQ(words_used() - w, 0);
    CHECK(list_is_smalls(dict_get_keys(pd, &heap), order, 3));
    w = words_used();
    Term all = dict_get_all(pd, &heap);
    CHECK_EQ(words_used() - w, 15); /* copies: a tuple and a cell each */
    CHECK(tuple_elem(list_head(all), 2) == AM(undefined));
    /* get/0's tuples are copies: a later in-place put does not show through them */
    dict_put(&pd, &heap, make_small(5), AM(false));
    CHECK(tuple_elem(list_head(all), 2) == AM(undefined));
    CHECK(dict_get(pd, make_small(5)) == AM(false));
    w = words_used();
    dict_get_keys(pd, &heap);
    CHECK_EQ(words_used() - w, 6);
    w = words_used();
    all = dict_erase_all(&pd, &heap);
    CHECK_EQ(words_used() - w, 6);
    CHECK_EQ(list_len(all), 3);
    heap_destroy(&heap);
}

typedef struct Visit {
    Sint next;
    bool ok;
} Visit;

/* dict_each_entry walks table order: the reverse of get()'s list. */
static void visit_in_order(Term key, Term value, void *arg)
{
    Visit *v = arg;
    v->next++;
    if (key != make_small(v->next) || value != make_small(v->next)) v->ok = false;
}

/* ---- order ------------------------------------------------------------------------------ */

TEST(order_as_otp)
{
    fresh(100000);
    ProcDict *pd = NULL;
    CHECK(dict_get_keys(pd, &heap) == NIL);
    put_range(&pd, 1, 12);
    static const Sint twelve[] = {12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    CHECK(list_is_smalls(dict_get_keys(pd, &heap), twelve, 12));
    Term all = dict_get_all(pd, &heap);
    CHECK(tuple_arity(list_head(all)) == 2);
    CHECK(tuple_elem(list_head(all), 1) == make_small(12));
    CHECK(tuple_elem(list_head(all), 2) == make_small(12));
    Visit v = {0, true};
    dict_each_entry(pd, visit_in_order, &v);
    CHECK(v.ok);
    CHECK_EQ(v.next, 12);
    dict_free(pd);

    /* put(1,a),put(2,b),put(3,a),put(9,a),put(4,1),put(5,1.0): get_keys(a) = [3,1,9],
     * get_keys(1) = [4] (1.0 is not =:= 1), get_keys() = [5,4,3,2,1,9] */
    pd = NULL;
    dict_put(&pd, &heap, make_small(1), AM(error));
    dict_put(&pd, &heap, make_small(2), AM(ok));
    dict_put(&pd, &heap, make_small(3), AM(error));
    dict_put(&pd, &heap, make_small(9), AM(error));
    dict_put(&pd, &heap, make_small(4), make_small(1));
    Term *fp = heap_halloc(&heap, FLOAT_SIZE);
    dict_put(&pd, &heap, make_small(5), float_at(fp, 1.0));
    static const Sint of_a[] = {3, 1, 9}, of_1[] = {4}, keys[] = {5, 4, 3, 2, 1, 9};
    CHECK(list_is_smalls(dict_get_keys_of(pd, &heap, AM(error)), of_a, 3));
    CHECK(list_is_smalls(dict_get_keys_of(pd, &heap, make_small(1)), of_1, 1));
    CHECK(dict_get_keys_of(pd, &heap, AM(true)) == NIL);
    CHECK(list_is_smalls(dict_get_keys(pd, &heap), keys, 6));
    CHECK(dict_get(pd, make_small(9)) == AM(error));
    CHECK(dict_get(pd, make_small(17)) == AM(undefined));
    CHECK(dict_get(NULL, make_small(1)) == AM(undefined));
    /* erase/1 from a chain: slot 1 holds [9, 1] */
    CHECK(dict_erase(&pd, &heap, make_small(1)) == AM(error));
    static const Sint after[] = {5, 4, 3, 2, 9};
    CHECK(list_is_smalls(dict_get_keys(pd, &heap), after, 5));
    dict_free(pd);
    heap_destroy(&heap);
}

/* ---- GC roots --------------------------------------------------------------------------- */

static void each_dict_root(void *ctx, GcVisitFn fn, void *arg) { dict_each_root(ctx, fn, arg); }

static void count_slot(Term *slot, void *arg)
{
    (void)slot;
    ++*(unsigned *)arg;
}

static bool in_heap(Term t)
{
    const Term *p = term_ptr(t);
    return heap_in_young(&heap, p) || heap_in_old(&heap, p);
}

/* Every slot the dictionary hands the GC points into the heap; every value is intact. */
static bool dict_intact(ProcDict *pd, Sint n)
{
    for (Sint i = 1; i <= n; i++) {
        Term v = dict_get(pd, make_small(i));
        if (i % 3 == 0) {
            if (v != make_small(-i)) return false;
        } else if (!term_is_list(v) || !in_heap(v) || list_head(v) != make_small(i) ||
                   list_head(list_tail(v)) != make_small(i)) {
            return false;
        }
    }
    return true;
}

TEST(gc_updates_the_slots)
{
    fresh(233);
    ProcDict *pd = NULL;
    Term xregs[1] = {NIL};
    GcRoots roots = {.xregs = xregs, .live = 0, .each_extra = each_dict_root, .ctx = NULL};
    const Sint n = 300;
    for (Sint i = 1; i <= n; i++) {
        /* the dictionary is the only root: collect before each put, as heap pressure would */
        roots.ctx = pd;
        heap_reserve_maybe_gc(&heap, 8, &roots);
        Term v = i % 3 == 0 ? make_small(-i) : boxed_value(i);
        dict_put(&pd, &heap, make_small(i), v);
    }
    CHECK(dict_intact(pd, n));
    roots.ctx = pd;
    unsigned slots = 0;
    dict_each_root(pd, count_slot, &slots);
    CHECK(slots > 0 && slots <= dict_count(pd));
    Uint before = heap.num_minor + heap.num_major;
    gc_collect(&heap, 0, &roots, false, GC_REASON_EXPLICIT, NULL);
    gc_collect(&heap, 0, &roots, false, GC_REASON_EXPLICIT, NULL); /* promotes: old heap */
    CHECK(heap.num_minor + heap.num_major == before + 2);
    CHECK(gc_verify(&heap, &roots) == NULL);
    CHECK(dict_intact(pd, n));
    /* in-place immediate writes into promoted tuples keep the heap sound */
    for (Sint i = 3; i <= n; i += 3) dict_put(&pd, &heap, make_small(i), make_small(-i));
    for (Sint i = 1; i <= n; i += 7) {
        roots.ctx = pd;
        heap_reserve_maybe_gc(&heap, 8, &roots);
        if (i % 3 == 0) continue;
        dict_put(&pd, &heap, make_small(i), boxed_value(i)); /* new tuples in young chains */
    }
    roots.ctx = pd;
    gc_collect(&heap, 0, &roots, false, GC_REASON_EXPLICIT, NULL);
    CHECK(gc_verify(&heap, &roots) == NULL);
    CHECK(dict_intact(pd, n));
    /* erasing most of it shrinks and merges chains; then a major */
    for (Sint i = n; i > 20; i--) {
        roots.ctx = pd;
        heap_reserve_maybe_gc(&heap, 8, &roots);
        dict_erase(&pd, &heap, make_small(i));
    }
    roots.ctx = pd;
    gc_collect(&heap, 0, &roots, true, GC_REASON_EXPLICIT, NULL);
    CHECK(gc_verify(&heap, &roots) == NULL);
    CHECK(dict_intact(pd, 20));
    CHECK_EQ(dict_count(pd), 20);
    CHECK(dict_get(pd, make_small(21)) == AM(undefined));
    dict_free(pd);
    heap_destroy(&heap);
}

TEST(atom_and_compound_keys)
{
    fresh(1000);
    ProcDict *pd = NULL;
    Term k2 = boxed_value(2), k2b = boxed_value(2);
    CHECK(dict_put(&pd, &heap, AM(ok), make_small(1)) == AM(undefined));
    CHECK(dict_put(&pd, &heap, k2, AM(true)) == AM(undefined));
    CHECK(dict_get(pd, k2b) == AM(true)); /* equal, not the same term */
    CHECK(dict_get(pd, AM(ok)) == make_small(1));
    CHECK(dict_put(&pd, &heap, k2b, AM(false)) == AM(true));
    CHECK_EQ(dict_count(pd), 2);
    CHECK(dict_erase(&pd, &heap, k2) == AM(false));
    CHECK(dict_get(pd, k2b) == AM(undefined));
    CHECK_EQ(dict_count(pd), 1);
    dict_free(pd);
    heap_destroy(&heap);
}

int main(void)
{
    hs_init();
    TH_RUN(memory_follows_next_array_size);
    TH_RUN(erase_shrinks_the_table);
    TH_RUN(put_words_as_otp);
    TH_RUN(order_as_otp);
    TH_RUN(gc_updates_the_slots);
    TH_RUN(atom_and_compound_keys);
    return th_done();
}
