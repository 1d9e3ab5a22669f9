/*
 * ets_probe.c — ETS probe events and the table listing for the agent (ets_probe.h).
 */
#include "ets/ets_probe.h"

#include <stdlib.h>
#include <string.h>

#include "ets/ets_impl.h"

static void fill_info(EtsTable *tb, EtsProbeInfo *o)
{
    o->table_id = (uint64_t)(uintptr_t)tb;
    o->name = tb->name;
    o->owner = atomic_load_explicit(&tb->owner, memory_order_relaxed);
    o->type = tb->type;
    o->access = tb->access;
    o->size = atomic_load_explicit(&tb->nitems, memory_order_relaxed);
    o->memory_words = ets_words(tb);
}

/* No clock read here: the hook stamps the time when it makes a record (probe.h), and most
 * inserts and deletes only add to a per-table count. */
void ets_probe_event(EtsTable *tb, ProbeEtsKind kind)
{
    if (kind == PROBE_ETS_DELETE_OBJECT && atomic_load(&tb->dead)) kind = PROBE_ETS_DELETE_TABLE;
    Term owner = atomic_load_explicit(&tb->owner, memory_order_relaxed);
    ProbeEts e = {.p = {0, 0, owner}};
    e.kind = kind;
    e.table_id = (uint64_t)(uintptr_t)tb;
    e.name = tb->name;
    e.owner = owner;
    bool gone = kind == PROBE_ETS_DELETE_TABLE || kind == PROBE_ETS_OWNER_EXIT;
    e.size = gone ? 0 : atomic_load_explicit(&tb->nitems, memory_order_relaxed);
    e.memory_words = gone ? 0 : ets_words(tb);
    probe.ets(&e);
}

/* The table a tid term names: a magic ref holds the EtsTable's address (ets.c make_ref_term). */
static EtsTable *tid_table(Term tid)
{
    if (!term_is_boxed(tid)) return NULL;
    Term *p = boxed_ptr(tid);
    return (EtsTable *)(uintptr_t)p[1];
}

/*
 * ets.h lists tables only as ets:all/0 does, on a process heap, so the listing runs it on a
 * scratch heap of its own (a Process that is never published: only .heap is used by
 * ets_bif_all and ets_bif_whereis), then reads each table's atomics.
 */
size_t ets_probe_list(EtsProbeInfo *out, size_t cap)
{
    Process *scratch = calloc(1, sizeof *scratch);
    if (!scratch) return 0;
    heap_init(&scratch->heap, 233, 65535);
    size_t n = 0;
    for (Term l = ets_bif_all(scratch); term_is_list(l); l = list_tail(l)) {
        Term tid = list_head(l);
        if (term_is_atom(tid)) tid = ets_bif_whereis(scratch, tid);
        EtsTable *tb = tid_table(tid);
        if (!tb || atomic_load(&tb->dead)) continue;
        if (n < cap) fill_info(tb, &out[n]);
        n++;
    }
    heap_destroy(&scratch->heap);
    free(scratch);
    return n;
}
