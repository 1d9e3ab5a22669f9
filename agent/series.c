#include "series.h"

#include <stdlib.h>
#include <string.h>

void (*ag_store_evict_hook)(AgStore *st, const AgProc *p, const AgTable *t);

/* ---- series ---- */

void ag_series_init(AgSeries *s)
{
    memset(s, 0, sizeof *s);
    s->stride = 1;
}

/* Halves the points, keeping the even ones (the first point of the run stays), so the series
 * keeps spanning the whole run at twice the grain; the point being added is then exactly one
 * new stride after the last kept one, so the spacing stays regular. */
static void series_compact(AgSeries *s)
{
    unsigned k = 0;
    for (unsigned i = 0; i < s->n; i += 2) s->pts[k++] = s->pts[i];
    s->n = k;
    s->stride *= 2;
}

void ag_series_add(AgSeries *s, uint64_t t_ns, uint64_t v)
{
    if (s->stride == 0) s->stride = 1;
    s->offered++;
    s->last = v;
    if (v > s->peak) s->peak = v;
    if (s->offered > 1 && ++s->skipped < s->stride) return;
    s->skipped = 0;
    if (s->n == AG_SERIES_CAP) series_compact(s);
    s->pts[s->n].t_ns = t_ns;
    s->pts[s->n].v = v;
    s->n++;
}

/* ---- histogram ---- */

static unsigned hist_bucket(uint64_t v)
{
    if (v < AG_HIST_SUB) return (unsigned)v;
    unsigned msb = 63u - (unsigned)__builtin_clzll(v);        /* >= 3 */
    unsigned sub = (unsigned)((v >> (msb - 3)) & (AG_HIST_SUB - 1));
    unsigned b = (msb - 2) * AG_HIST_SUB + sub;
    return b < AG_HIST_BUCKETS ? b : AG_HIST_BUCKETS - 1;
}

static uint64_t bucket_upper(unsigned b)
{
    if (b < AG_HIST_SUB) return b;
    unsigned msb = b / AG_HIST_SUB + 2, sub = b % AG_HIST_SUB;
    if (msb >= 63) return UINT64_MAX;
    uint64_t lo = ((uint64_t)(AG_HIST_SUB + sub)) << (msb - 3);
    return lo + (((uint64_t)1) << (msb - 3)) - 1;
}

void ag_hist_add(AgHist *h, uint64_t v)
{
    h->counts[hist_bucket(v)]++;
    h->n++;
    h->sum += v;
    if (v > h->max) h->max = v;
}

void ag_hist_merge(AgHist *into, const AgHist *from)
{
    if (!from->n) return;
    /* no bucket above max's holds anything: pauses fill a few dozen of the 512 */
    for (unsigned b = 0, top = hist_bucket(from->max); b <= top; b++)
        into->counts[b] += from->counts[b];
    into->n += from->n;
    into->sum += from->sum;
    if (from->max > into->max) into->max = from->max;
}

void ag_hist_clear(AgHist *h)
{
    if (h->n) memset(h->counts, 0, (hist_bucket(h->max) + 1) * sizeof h->counts[0]);
    h->n = h->max = h->sum = 0;
}

uint64_t ag_hist_quantile(const AgHist *h, double q)
{
    if (h->n == 0) return 0;
    uint64_t rank = (uint64_t)(q * (double)h->n + 0.999999);
    if (rank < 1) rank = 1;
    if (rank > h->n) rank = h->n;
    uint64_t seen = 0;
    for (unsigned b = 0; b < AG_HIST_BUCKETS; b++) {
        seen += h->counts[b];
        if (seen >= rank) {
            uint64_t u = bucket_upper(b);
            return u < h->max ? u : h->max;
        }
    }
    return h->max;
}

/* ---- tracked allocation ---- */

void *ag_store_calloc(AgStore *st, size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (!p) { st->alloc_failures++; return NULL; }
    st->bytes += n * size;
    return p;
}

void ag_store_release(AgStore *st, void *p, size_t size)
{
    if (!p) return;
    free(p);
    st->bytes -= size;
}

/* ---- map ---- */

#define MAP_EMPTY 0
#define MAP_TOMB 1
/* Keys 0 and 1 are markers; real keys are stored +2 (a pid number or table id may be 0). */

static uint64_t map_hash(uint64_t k)
{
    k ^= k >> 33; k *= 0xff51afd7ed558ccdULL; k ^= k >> 33; k *= 0xc4ceb9fe1a85ec53ULL;
    return k ^ (k >> 33);
}

/* A map with key_of keeps no keys: a slot's key is read from its value (the process map: a
 * record's pid), 8 bytes a slot instead of 16; a deleted slot holds TOMB_VAL. */
static const char map_tomb_mark;
#define TOMB_VAL ((void *)&map_tomb_mark)

/* Slot j's stored key (key + 2), or MAP_EMPTY / MAP_TOMB. */
static inline uint64_t slot_key(const AgMap *m, const uint64_t *keys, void *const *vals, size_t j)
{
    if (!m->key_of) return keys[j];
    void *v = vals[j];
    return !v ? MAP_EMPTY : v == TOMB_VAL ? MAP_TOMB : m->key_of(v) + 2;
}

static inline void slot_set(const AgMap *m, uint64_t *keys, void **vals, size_t j, uint64_t k,
                            void *v)
{
    if (!m->key_of) keys[j] = k;
    vals[j] = k == MAP_TOMB ? (m->key_of ? TOMB_VAL : NULL) : k == MAP_EMPTY ? NULL : v;
}

static bool map_grow(AgStore *st, AgMap *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 64;
    if (m->used * 2 < m->cap) ncap = m->cap;   /* only tombstones: rehash in place size */
    uint64_t *nk = m->key_of ? NULL : ag_store_calloc(st, ncap, sizeof *nk);
    void **nv = ag_store_calloc(st, ncap, sizeof *nv);
    if ((!m->key_of && !nk) || !nv) {
        ag_store_release(st, nk, ncap * sizeof *nk);
        ag_store_release(st, nv, ncap * sizeof *nv);
        return false;
    }
    for (size_t i = 0; i < m->cap; i++) {
        uint64_t k = slot_key(m, m->keys, m->vals, i);
        if (k <= MAP_TOMB) continue;
        size_t j = map_hash(k) & (ncap - 1);
        while (slot_key(m, nk, nv, j) != MAP_EMPTY) j = (j + 1) & (ncap - 1);
        slot_set(m, nk, nv, j, k, m->vals[i]);
    }
    ag_store_release(st, m->keys, m->cap * sizeof *m->keys);
    ag_store_release(st, m->vals, m->cap * sizeof *m->vals);
    m->keys = nk; m->vals = nv; m->cap = ncap; m->tomb = 0;
    return true;
}

static void *map_get(const AgMap *m, uint64_t key)
{
    if (!m->cap) return NULL;
    uint64_t k = key + 2;
    size_t j = map_hash(k) & (m->cap - 1);
    for (size_t probes = 0; probes < m->cap; probes++, j = (j + 1) & (m->cap - 1)) {
        uint64_t sk = slot_key(m, m->keys, m->vals, j);
        if (sk == MAP_EMPTY) return NULL;
        if (sk == k) return m->vals[j];
    }
    return NULL;
}

static bool map_put(AgStore *st, AgMap *m, uint64_t key, void *val)
{
    if ((m->used + m->tomb + 1) * 4 >= m->cap * 3 && !map_grow(st, m)) return false;
    uint64_t k = key + 2;
    size_t j = map_hash(k) & (m->cap - 1);
    uint64_t sk;
    while ((sk = slot_key(m, m->keys, m->vals, j)) > MAP_TOMB && sk != k)
        j = (j + 1) & (m->cap - 1);
    if (sk == MAP_TOMB) m->tomb--;
    if (sk != k) m->used++;
    slot_set(m, m->keys, m->vals, j, k, val);
    return true;
}

static void *map_del(AgMap *m, uint64_t key)
{
    if (!m->cap) return NULL;
    uint64_t k = key + 2;
    size_t j = map_hash(k) & (m->cap - 1);
    for (size_t probes = 0; probes < m->cap; probes++, j = (j + 1) & (m->cap - 1)) {
        uint64_t sk = slot_key(m, m->keys, m->vals, j);
        if (sk == MAP_EMPTY) return NULL;
        if (sk == k) {
            void *v = m->vals[j];
            slot_set(m, m->keys, m->vals, j, MAP_TOMB, NULL);
            m->used--; m->tomb++;
            return v;
        }
    }
    return NULL;
}

void *ag_map_next(const AgMap *m, size_t *i)
{
    while (*i < m->cap) {
        size_t j = (*i)++;
        if (slot_key(m, m->keys, m->vals, j) > MAP_TOMB) return m->vals[j];
    }
    return NULL;
}

static void map_free(AgStore *st, AgMap *m, size_t val_size)
{
    for (size_t i = 0; val_size && i < m->cap; i++)   /* 0: the values live elsewhere */
        if (slot_key(m, m->keys, m->vals, i) > MAP_TOMB) ag_store_release(st, m->vals[i], val_size);
    ag_store_release(st, m->keys, m->cap * sizeof *m->keys);
    ag_store_release(st, m->vals, m->cap * sizeof *m->vals);
    memset(m, 0, sizeof *m);
}

/* ---- store ---- */

static uint64_t proc_key(const void *p) { return ((const AgProc *)p)->pid; }

bool ag_store_init(AgStore *st)
{
    memset(st, 0, sizeof *st);
    st->procs.key_of = proc_key;
    ag_series_init(&st->memory_total);
    st->dead_cap = AG_MAX_DEAD_PROCS;
    st->dtab_cap = AG_MAX_DEAD_TABLES;
    st->dead_fifo = ag_store_calloc(st, st->dead_cap, sizeof *st->dead_fifo);
    st->dead_tables = ag_store_calloc(st, st->dtab_cap, sizeof *st->dead_tables);
    if (!st->dead_fifo || !st->dead_tables) { ag_store_free(st); return false; }
    return true;
}

/*
 * Slabs. AgProc records are carved from slabs of AG_PROC_SLAB: a million idle processes are a
 * million records, and a calloc each cost malloc's header and rounding (352 bytes took 368).
 * A forgotten process's record goes on a free list (its first word links) and is reused; slabs
 * go back only with the store, so the store holds at most the most records ever alive at once
 * (invariant 2 still holds: a record is forgotten as before).
 */
#define AG_PROC_SLAB 1024
typedef struct AgProcSlab {
    struct AgProcSlab *next;
    AgProc recs[AG_PROC_SLAB];
} AgProcSlab;

static AgProc *proc_alloc(AgStore *st)
{
    AgProc *p = st->proc_free;
    if (p) {
        st->proc_free = *(AgProc **)p;
    } else {
        if (!st->proc_slabs || st->proc_slab_used == AG_PROC_SLAB) {
            AgProcSlab *sl = ag_store_calloc(st, 1, sizeof *sl);
            if (!sl) return NULL;
            sl->next = st->proc_slabs;
            st->proc_slabs = sl;
            st->proc_slab_used = 0;
        }
        p = &st->proc_slabs->recs[st->proc_slab_used++];
    }
    memset(p, 0, sizeof *p);
    return p;
}

static void proc_free(AgStore *st, AgProc *p)
{
    *(AgProc **)p = st->proc_free;
    st->proc_free = p;
}

static void proc_release(AgStore *st, AgProc *p)
{
    ag_store_release(st, p->ser, sizeof *p->ser);
    if (p->exit_reason) ag_store_release(st, p->exit_reason, strlen(p->exit_reason) + 1);
    proc_free(st, p);
}

void ag_store_free(AgStore *st)
{
    size_t it = 0;
    AgProc *p;
    while ((p = ag_map_next(&st->procs, &it))) {
        ag_store_release(st, p->ser, sizeof *p->ser);
        p->ser = NULL;
        if (p->exit_reason) ag_store_release(st, p->exit_reason, strlen(p->exit_reason) + 1);
        p->exit_reason = NULL;
    }
    map_free(st, &st->procs, 0);   /* the records are in the slabs */
    while (st->proc_slabs) {
        AgProcSlab *sl = st->proc_slabs;
        st->proc_slabs = sl->next;
        ag_store_release(st, sl, sizeof *sl);
    }
    st->proc_free = NULL;
    map_free(st, &st->tables, sizeof(AgTable));
    map_free(st, &st->sites, sizeof(AgSite));
    map_free(st, &st->native, sizeof(AgNativeBlock));
    ag_store_release(st, st->other_site, sizeof *st->other_site);
    ag_store_release(st, st->dead_fifo, st->dead_cap * sizeof *st->dead_fifo);
    ag_store_release(st, st->dead_tables, st->dtab_cap * sizeof *st->dead_tables);
    st->other_site = NULL; st->dead_fifo = NULL; st->dead_tables = NULL;
}

AgProc *ag_store_proc(AgStore *st, uint64_t pid) { return map_get(&st->procs, pid); }
AgTable *ag_store_table(AgStore *st, uint64_t id) { return map_get(&st->tables, id); }

static AgProc *proc_get(AgStore *st, uint64_t pid, uint64_t t_ns)
{
    AgProc *p = map_get(&st->procs, pid);
    if (p) return p;
    p = proc_alloc(st);
    if (!p) return NULL;
    p->pid = pid;
    p->registered_name = p->mod = p->fun = NIL;
    p->alive = true;
    if (!map_put(st, &st->procs, pid, p)) { proc_free(st, p); return NULL; }
    return p;
}

static AgTable *table_get(AgStore *st, uint64_t id, uint64_t t_ns)
{
    AgTable *t = map_get(&st->tables, id);
    if (t) return t;
    t = ag_store_calloc(st, 1, sizeof *t);
    if (!t) return NULL;
    t->id = id;
    t->name = t->owner = t->type = t->protection = NIL;
    t->alive = true;
    t->first_ns = t_ns;
    ag_series_init(&t->size_s);
    ag_series_init(&t->memory_s);
    if (!map_put(st, &st->tables, id, t)) { ag_store_release(st, t, sizeof *t); return NULL; }
    return t;
}

static void max_into(Uint *peak, Uint v) { if (v > *peak) *peak = v; }

/* A process's figures from a GcInfo (after a GC, or a sample). */
static void proc_gcinfo(AgProc *p, const GcInfo *g)
{
    p->last.gc = *g;
    max_into(&p->peak_heap, g->heap_size);
    max_into(&p->peak_old_heap, g->old_heap_size);
    max_into(&p->peak_stack, g->stack_size);
    max_into(&p->peak_mbuf, g->mbuf_size);
    max_into(&p->peak_bin_vheap, g->bin_vheap_size + g->bin_old_vheap_size);
}

/* Forgets the oldest exited process once too many are kept (invariant 2). */
static void dead_push(AgStore *st, uint64_t pid)
{
    if (st->dead_n == st->dead_cap) {
        uint64_t old = st->dead_fifo[st->dead_head];
        st->dead_head = (st->dead_head + 1) % st->dead_cap;
        st->dead_n--;
        AgProc *p = map_get(&st->procs, old);
        if (p && !p->alive) {
            if (ag_store_evict_hook) ag_store_evict_hook(st, p, NULL);
            map_del(&st->procs, old);
            proc_release(st, p);
        }
    }
    st->dead_fifo[(st->dead_head + st->dead_n) % st->dead_cap] = pid;
    st->dead_n++;
}

static void dead_table_push(AgStore *st, uint64_t id)
{
    if (st->dtab_n == st->dtab_cap) {
        uint64_t old = st->dead_tables[st->dtab_head];
        st->dtab_head = (st->dtab_head + 1) % st->dtab_cap;
        st->dtab_n--;
        AgTable *t = map_get(&st->tables, old);
        if (t && !t->alive) {
            if (ag_store_evict_hook) ag_store_evict_hook(st, NULL, t);
            map_del(&st->tables, old);
            ag_store_release(st, t, sizeof *t);
        }
    }
    st->dead_tables[(st->dtab_head + st->dtab_n) % st->dtab_cap] = id;
    st->dtab_n++;
}

static uint64_t site_key(const ProbeSite *s)
{
    uint64_t k = map_hash(s->module ^ 0x9e3779b97f4a7c15ULL);
    k = map_hash(k ^ s->function);
    k = map_hash(k ^ ((uint64_t)s->arity << 32 | s->line));
    return k;
}

static AgSite *site_get(AgStore *st, const ProbeSite *s)
{
    uint64_t k = site_key(s);
    AgSite *x = map_get(&st->sites, k);
    if (x) return x;
    if (st->nsites >= AG_MAX_SITES) {
        if (!st->other_site) {
            st->other_site = ag_store_calloc(st, 1, sizeof *st->other_site);
            if (!st->other_site) return NULL;
            st->other_site->other = true;
            st->other_site->site.module = st->other_site->site.function = NIL;
        }
        return st->other_site;
    }
    x = ag_store_calloc(st, 1, sizeof *x);
    if (!x) return NULL;
    x->site = *s;
    if (!map_put(st, &st->sites, k, x)) { ag_store_release(st, x, sizeof *x); return NULL; }
    st->nsites++;
    return x;
}

static void apply_gc_end(AgStore *st, const AgEvent *ev)
{
    const GcEvent *g = &ev->u.gc.ev;
    bool major = g->type == GC_MAJOR;
    uint64_t n = ev->count ? ev->count : 1;   /* coalesced GCs (ring.h) */
    if (major) st->major_gcs += n; else st->minor_gcs += n;
    st->gc_reclaimed_words += g->reclaimed;
    if (!ev->count) {   /* a coalesced batch's pauses came through ag_hist_merge */
        ag_hist_add(&st->pause_all, g->duration_ns);
        ag_hist_add(major ? &st->pause_major : &st->pause_minor, g->duration_ns);
    }
    AgProc *p = proc_get(st, pid_number(ev->u.gc.p.pid), ev->time_ns);
    if (!p) return;
    if (major) p->major_gcs += n; else p->minor_gcs += n;
    p->gc_reclaimed += g->reclaimed;
    p->gc_pause_ns += g->duration_ns;
    proc_gcinfo(p, &g->after);
    Uint total = g->after.heap_size + g->after.old_heap_size + g->after.mbuf_size;
    AgProcSeries *ps = major ? ag_proc_series_get(st, p) : NULL;
    if (ps) {
        ag_series_add(&ps->live_major, ev->time_ns, total);
        /* a batch of majors: its largest live size (ring.h) */
        if (ev->count && ev->peak_size > ps->live_major.peak) ps->live_major.peak = ev->peak_size;
    }
}

/* A batch's counts and peaks (ring.h: AG_EV_ETS with count >= 1). */
static void ets_batch_counts(AgTable *t, const AgEvent *ev)
{
    t->inserts += ev->count - ev->ets_deletes;
    t->deletes += ev->ets_deletes;
    max_into(&t->peak_size, (Uint)ev->peak_size);
    max_into(&t->peak_memory_words, (Uint)ev->peak_memory_words);
}

static void apply_ets(AgStore *st, const AgEvent *ev)
{
    const ProbeEts *e = &ev->u.ets;
    AgTable *t = table_get(st, e->table_id, ev->time_ns);
    if (!t) return;
    /* A batch from another scheduler's cache may arrive after the table's delete: its counts
     * and peaks count, its figures are older than the delete's. */
    if (ev->count && !t->alive) {
        ets_batch_counts(t, ev);
        return;
    }
    if (e->name != NIL && e->name != 0) t->name = e->name;
    t->owner = e->owner;
    t->size = e->size;
    t->memory_words = e->memory_words;
    max_into(&t->peak_size, e->size);
    max_into(&t->peak_memory_words, e->memory_words);
    if (ev->count) {   /* a batch of inserts and deletes (ring.h) */
        ets_batch_counts(t, ev);
        return;
    }
    switch (e->kind) {
    case PROBE_ETS_INSERT: t->inserts++; break;
    case PROBE_ETS_DELETE_OBJECT: t->deletes++; break;
    case PROBE_ETS_DELETE_TABLE:
    case PROBE_ETS_OWNER_EXIT:
        if (t->alive) { t->alive = false; t->end_ns = ev->time_ns; dead_table_push(st, t->id); }
        break;
    default: break;
    }
}

static void apply_native(AgStore *st, const AgEvent *ev)
{
    const AgNative *n = &ev->u.native;
    uint64_t key = (uint64_t)(uintptr_t)n->n.ptr;
    if (ev->kind == AG_EV_NATIVE_FREE) {
        st->native_frees++;
        AgNativeBlock *b = map_del(&st->native, key);
        ag_store_release(st, b, sizeof *b);
        return;
    }
    st->native_allocs++;
    AgNativeBlock *b = map_get(&st->native, key);
    if (!b) {
        if (st->native.used >= AG_MAX_NATIVE) { st->native_untracked++; return; }
        b = ag_store_calloc(st, 1, sizeof *b);
        if (!b) { st->native_untracked++; return; }
        if (!map_put(st, &st->native, key, b)) {
            ag_store_release(st, b, sizeof *b);
            st->native_untracked++;
            return;
        }
    }
    b->kind = n->n.kind;
    b->bytes = n->n.bytes;
    b->stack_id = n->stack_id;
    b->t_ns = ev->time_ns;
}

void ag_store_apply(AgStore *st, const AgEvent *ev)
{
    st->events++;
    if (ev->time_ns > st->last_event_ns) st->last_event_ns = ev->time_ns;
    switch (ev->kind) {
    case AG_EV_SPAWN: {
        AgProc *p = proc_get(st, pid_number(ev->u.spawn.p.pid), ev->time_ns);
        if (!p) return;
        p->mod = ev->u.spawn.mod;
        p->fun = ev->u.spawn.fun;
        p->arity = ev->u.spawn.arity;
        break;
    }
    case AG_EV_EXIT: {
        AgProc *p = proc_get(st, pid_number(ev->u.exit.p.pid), ev->time_ns);
        if (!p || !p->alive) return;
        p->alive = false;
        size_t n = strnlen(ev->u.exit.reason, sizeof ev->u.exit.reason - 1);
        p->exit_reason = ag_store_calloc(st, 1, n + 1);   /* a failure: the report says "" */
        if (p->exit_reason) memcpy(p->exit_reason, ev->u.exit.reason, n);
        p->last.memory_bytes = ev->u.exit.memory_bytes;
        max_into(&p->peak_memory, ev->u.exit.memory_bytes);
        dead_push(st, p->pid);
        break;
    }
    case AG_EV_GC_START: break;
    case AG_EV_GC_END: apply_gc_end(st, ev); break;
    case AG_EV_SEND: {
        const ProbeSend *s = &ev->u.send;
        uint64_t n = ev->count ? ev->count : 1;   /* coalesced sends (ring.h) */
        st->sends += n;
        st->send_flat_words += s->flat_words;
        AgSite *x = site_get(st, &s->site);
        if (x) {
            x->messages += n;
            x->flat_words += s->flat_words;
        }
        /* a coalesced event carries its sampled sends' sums (ring.h) */
        uint64_t ns = n > 1 ? ev->sampled : s->shared_words != 0;
        uint64_t sflat = n > 1 ? ev->sampled_flat : s->flat_words;
        if (ns) {
            st->send_sampled += ns;
            st->send_sampled_flat += sflat;
            st->send_sampled_shared += s->shared_words;
            if (x) {
                x->sampled += ns;
                x->sampled_flat += sflat;
                x->sampled_shared += s->shared_words;
            }
        }
        AgProc *p = proc_get(st, pid_number(s->p.pid), ev->time_ns);
        if (p) p->sends += n;
        break;
    }
    case AG_EV_ETS: apply_ets(st, ev); break;
    case AG_EV_BIN:
        if (ev->u.bin.kind == PROBE_BIN_ALLOC) {
            st->bin_allocs++;
            st->bin_alloc_bytes += ev->u.bin.bytes;
            st->bin_live_bytes += ev->u.bin.bytes;
            if (st->bin_live_bytes > st->bin_peak_live_bytes)
                st->bin_peak_live_bytes = st->bin_live_bytes;
        } else {
            st->bin_frees++;
            st->bin_free_bytes += ev->u.bin.bytes;
            st->bin_live_bytes -= ev->u.bin.bytes < st->bin_live_bytes ? ev->u.bin.bytes
                                                                       : st->bin_live_bytes;
        }
        break;
    case AG_EV_NATIVE_ALLOC:
    case AG_EV_NATIVE_FREE: apply_native(st, ev); break;
    }
}

/* ---- a process's series, made when it first moves ---- */

static const AgProcSeries quiet_series;   /* all series empty */

const AgProcSeries *ag_proc_series(const AgProc *p) { return p->ser ? p->ser : &quiet_series; }

static void series4_add(AgProcSeries *ps, uint64_t t_ns, const uint64_t v[4])
{
    ag_series_add(&ps->total_heap, t_ns, v[0]);
    ag_series_add(&ps->mailbox, t_ns, v[1]);
    ag_series_add(&ps->memory, t_ns, v[2]);
    ag_series_add(&ps->bin_vheap, t_ns, v[3]);
}

AgProcSeries *ag_proc_series_get(AgStore *st, AgProc *p)
{
    if (p->ser) return p->ser;
    AgProcSeries *ps = ag_store_calloc(st, 1, sizeof *ps);
    if (!ps) return NULL;
    ag_series_init(&ps->total_heap);
    ag_series_init(&ps->live_major);
    ag_series_init(&ps->mailbox);
    ag_series_init(&ps->memory);
    ag_series_init(&ps->bin_vheap);
    /* the quiet run so far, as its first and last sample (equal values: the line between
     * them is what the skipped samples said) */
    if (p->quiet_n) series4_add(ps, p->quiet_first_ns, p->quiet_v);
    if (p->quiet_n > 1) series4_add(ps, p->quiet_last_ns, p->quiet_v);
    p->ser = ps;
    return ps;
}

/* A sample equal to the quiet run's values only extends the run; the first that differs
 * gives the process its series. */
static void proc_sample_series(AgStore *st, AgProc *p, uint64_t t_ns, const uint64_t v[4])
{
    if (!p->ser) {
        if (!p->quiet_n) {
            memcpy(p->quiet_v, v, sizeof p->quiet_v);
            p->quiet_first_ns = p->quiet_last_ns = t_ns;
            p->quiet_n = 1;
            return;
        }
        if (!memcmp(p->quiet_v, v, sizeof p->quiet_v)) {
            p->quiet_last_ns = t_ns;
            p->quiet_n++;
            return;
        }
    }
    AgProcSeries *ps = ag_proc_series_get(st, p);
    if (ps) series4_add(ps, t_ns, v);
}

void ag_store_sample_procs(AgStore *st, uint64_t t_ns, const HostProc *procs, size_t n)
{
    for (size_t i = 0; i < n; i++) ag_store_sample_proc(st, t_ns, &procs[i]);
    st->last_sample_ns = t_ns;
}

void ag_store_sample_proc(AgStore *st, uint64_t t_ns, const HostProc *h)
{
    st->last_sample_ns = t_ns;
    AgProc *p = proc_get(st, pid_number(h->pid), t_ns);
    if (!p || !p->alive) return;   /* an exit event already arrived */
    AgProcLast l = {h->gc, h->memory_bytes, h->total_heap_words, h->message_queue_len,
                    h->reductions, h->minor_gcs, h->major_gcs};
    p->last = l;
    p->sampled = true;
    if (h->registered_name != NIL && h->registered_name != 0)
        p->registered_name = h->registered_name;
    if (p->mod == NIL && h->mod != NIL) { p->mod = h->mod; p->fun = h->fun; p->arity = h->arity; }
    proc_gcinfo(p, &h->gc);
    max_into(&p->peak_total_heap, h->total_heap_words);
    max_into(&p->peak_memory, h->memory_bytes);
    max_into(&p->peak_mailbox, h->message_queue_len);
    uint64_t v[4] = {h->total_heap_words, h->message_queue_len, h->memory_bytes,
                     h->gc.bin_vheap_size + h->gc.bin_old_vheap_size};
    proc_sample_series(st, p, t_ns, v);
}

void ag_store_sample_ets(AgStore *st, uint64_t t_ns, const HostEts *tabs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const HostEts *h = &tabs[i];
        AgTable *t = table_get(st, h->table_id, t_ns);
        if (!t || !t->alive) continue;
        t->name = h->name;
        t->owner = h->owner;
        t->type = h->type;
        t->protection = h->protection;
        t->size = h->size;
        t->memory_words = h->memory_words;
        max_into(&t->peak_size, h->size);
        max_into(&t->peak_memory_words, h->memory_words);
        ag_series_add(&t->size_s, t_ns, h->size);
        ag_series_add(&t->memory_s, t_ns, h->memory_words);
    }
}

void ag_store_sample_memory(AgStore *st, uint64_t t_ns, const HostMemory *m)
{
    st->memory = *m;
    st->memory_sampled = true;
    HostMemory *pk = &st->memory_peak;
#define PEAK(f) if (m->f > pk->f) pk->f = m->f
    PEAK(total); PEAK(processes); PEAK(processes_used); PEAK(system); PEAK(atom);
    PEAK(atom_used); PEAK(binary); PEAK(code); PEAK(ets);
#undef PEAK
    ag_series_add(&st->memory_total, t_ns, m->total);
}
