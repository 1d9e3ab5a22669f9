/*
 * series.h — what the collector thread keeps: per-process, per-table and per-send-site series
 * and aggregates, GC pause histograms, binary and memory totals, native allocations.
 *
 * Invariants.
 *  1. One AgStore is touched by one thread at a time: the collector thread, or a query thread
 *     holding the agent's store mutex (agent.c). Nothing here is atomic.
 *  2. Memory is bounded whatever the run's length: a series holds at most AG_SERIES_CAP points
 *     and, when full, keeps every other point and doubles its stride (so it always spans the
 *     whole run, at a coarser grain); at most AG_MAX_DEAD_PROCS exited processes and
 *     AG_MAX_DEAD_TABLES deleted tables are kept (the oldest go first, after the leak detector
 *     judged them, so their verdicts stay); at most AG_MAX_SITES send sites (the rest are
 *     counted in one "other" site); at most AG_MAX_NATIVE tracked native blocks (the rest are
 *     counted as untracked). bytes counts every byte the store holds (the report's
 *     agent.bookkeeping_bytes).
 *  3. Times are probe_now_ns values (CLOCK_MONOTONIC); a series' points are in time order.
 *  4. Figures in words unless the name says bytes.
 */
#ifndef HS_AG_SERIES_H
#define HS_AG_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host.h"
#include "probe.h"
#include "ring.h"

#define AG_SERIES_CAP 32
#define AG_MAX_DEAD_PROCS 2048
#define AG_MAX_DEAD_TABLES 1024
#define AG_MAX_SITES 4096
#define AG_MAX_NATIVE (1u << 20)

typedef struct AgStore AgStore;

typedef struct AgPoint { uint64_t t_ns; uint64_t v; } AgPoint;

typedef struct AgSeries {
    AgPoint pts[AG_SERIES_CAP];
    unsigned n;          /* points held */
    unsigned stride;     /* one offered sample in stride is kept (1, 2, 4, ...) */
    unsigned skipped;    /* samples offered since the last kept one */
    uint64_t offered;    /* samples offered in total */
    uint64_t last, peak; /* the latest and the largest value offered (kept or not) */
} AgSeries;

void ag_series_init(AgSeries *s);
void ag_series_add(AgSeries *s, uint64_t t_ns, uint64_t v);

/* Key-to-pointer map with open addressing (keys are pid numbers, table ids, site hashes). With
 * key_of (the process map) it keeps no key array: a value knows its key. */
typedef struct AgMap {
    uint64_t *keys; void **vals; size_t cap, used, tomb;
    uint64_t (*key_of)(const void *val);
} AgMap;

/* A forced GC's figures (leak evidence and the gc command). */
typedef struct AgForcedGc {
    uint64_t t_ns;
    GcInfo before, after;
    Uint reclaimed;
} AgForcedGc;

/* A process's series and forced-GC evidence: allocated only when the process first moves (a
 * sampled figure changes, a major GC, a forced GC). A quiet process (most of a million idle
 * ones) keeps none: its samples are all equal to AgProc.quiet_v, and when it moves the block
 * starts with that run's first and last sample, so the series read the same. */
typedef struct AgProcSeries {
    AgSeries total_heap;           /* total_heap_size samples */
    AgSeries live_major;           /* live words after each major GC */
    AgSeries mailbox;              /* message_queue_len samples */
    AgSeries memory;               /* process_info(memory) samples, bytes */
    AgSeries bin_vheap;            /* bin_vheap_size + bin_old_vheap_size samples */
    AgForcedGc last_forced, pseudo_gc, bin_gc;   /* leak detector evidence (leak.c) */
    /* leak detector state (leak.c): a process is forced only once it moved, so an idle one
     * carries none of this */
    uint64_t last_forced_ns;
    unsigned forced_count;
    bool pseudo_found, bin_found, has_forced;
    uint64_t pseudo_growth;        /* total heap growth the pseudo-leak GC gave back */
} AgProcSeries;

/* The latest figures of a process: a HostProc's that the store and the report use (the
 * process's name and initial call are AgProc's own fields). */
typedef struct AgProcLast {
    GcInfo gc;
    Uint memory_bytes, total_heap_words, message_queue_len, reductions, minor_gcs, major_gcs;
} AgProcLast;

/* One per process seen, a million idle processes a million of these: what only some need is
 * allocated when needed (ser, exit_reason), and what an idle process never uses lives in ser
 * (the leak detector's state). 352 bytes (was 400). */
typedef struct AgProc {
    uint64_t pid;                  /* pid number: <0.pid.0> */
    Term registered_name, mod, fun;
    unsigned arity;
    bool alive;
    bool sampled;
    uint32_t quiet_n;              /* samples in the quiet run */
    char *exit_reason;             /* made at the exit event; NULL while alive */
    AgProcLast last;               /* latest host sample (or figures from events) */
    Uint peak_heap, peak_old_heap, peak_stack, peak_mbuf, peak_total_heap, peak_memory,
         peak_mailbox, peak_bin_vheap;
    uint64_t minor_gcs, major_gcs, gc_reclaimed, gc_pause_ns;   /* from GC events */
    uint64_t sends;
    AgProcSeries *ser;             /* NULL while quiet (ag_proc_series) */
    uint64_t quiet_v[4];           /* while quiet: total heap, mailbox, memory, bin vheap */
    uint64_t quiet_first_ns, quiet_last_ns;   /* the quiet run's first and last sample */
} AgProc;

/* p's series for reading: an empty block while p is quiet. [store owner] */
const AgProcSeries *ag_proc_series(const AgProc *p);
/* p's series for writing, made on first use (the quiet run replayed); NULL when out of
 * memory (counted in alloc_failures). */
AgProcSeries *ag_proc_series_get(AgStore *st, AgProc *p);

typedef struct AgTable {
    uint64_t id;
    Term name, owner, type, protection;
    bool alive;
    uint64_t first_ns, end_ns;
    Uint size, memory_words, peak_size, peak_memory_words;
    uint64_t inserts, deletes;
    AgSeries size_s, memory_s;
} AgTable;

typedef struct AgSite {
    ProbeSite site;
    bool other;                    /* the overflow bucket */
    uint64_t messages, flat_words; /* every send */
    uint64_t sampled, sampled_flat, sampled_shared; /* sends whose shared size was measured */
} AgSite;

/* Log-linear histogram of GC pauses: 8 buckets per power of two of nanoseconds. */
#define AG_HIST_SUB 8
#define AG_HIST_BUCKETS (64 * AG_HIST_SUB)
typedef struct AgHist {
    uint64_t counts[AG_HIST_BUCKETS];
    uint64_t n, max, sum;
} AgHist;
void ag_hist_add(AgHist *h, uint64_t v);
/* The q-quantile (0 < q <= 1): the upper bound of the bucket holding it, capped at max; 0
 * when empty. Relative error under 1/AG_HIST_SUB. */
uint64_t ag_hist_quantile(const AgHist *h, double q);
/* Adds every count of from into into. */
void ag_hist_merge(AgHist *into, const AgHist *from);
/* Empties h (clears only the buckets up to max's: cheap for a cache's few pauses). */
void ag_hist_clear(AgHist *h);

typedef struct AgNativeBlock {
    NativeKind kind;
    uint64_t bytes, stack_id, t_ns;
} AgNativeBlock;

struct AgStore {
    size_t bytes;                  /* bookkeeping bytes (invariant 2) */
    uint64_t alloc_failures;       /* things dropped because malloc failed */
    uint64_t start_ns, last_event_ns, last_sample_ns;
    AgMap procs;                   /* pid -> AgProc */
    struct AgProcSlab *proc_slabs; /* where AgProcs live (series.c "slabs") */
    AgProc *proc_free;             /* forgotten ones, for reuse */
    size_t proc_slab_used;         /* records handed out of the newest slab */
    uint64_t *dead_fifo; size_t dead_cap, dead_head, dead_n; /* exited pids, oldest first */
    AgMap tables;                  /* id -> AgTable */
    uint64_t *dead_tables; size_t dtab_cap, dtab_head, dtab_n;
    AgMap sites;                   /* site hash -> AgSite */
    AgSite *other_site;
    size_t nsites;
    /* GC */
    uint64_t minor_gcs, major_gcs, gc_reclaimed_words;
    AgHist pause_all, pause_minor, pause_major;
    /* binaries */
    uint64_t bin_allocs, bin_alloc_bytes, bin_frees, bin_free_bytes, bin_live_bytes,
             bin_peak_live_bytes;
    /* memory by category (host samples) */
    HostMemory memory, memory_peak;
    bool memory_sampled;
    AgSeries memory_total;
    /* sends */
    uint64_t sends, send_flat_words, send_sampled, send_sampled_flat, send_sampled_shared;
    /* native */
    AgMap native;                  /* ptr -> AgNativeBlock */
    uint64_t native_untracked, native_allocs, native_frees;
    /* events seen, by the collector */
    uint64_t events;
    /* the leak detector's kept verdicts (of evicted processes and tables) */
    struct AgVerdictList *kept;
};

bool ag_store_init(AgStore *st);
void ag_store_free(AgStore *st);

/* Applies one event (already in global time order). */
void ag_store_apply(AgStore *st, const AgEvent *ev);

/* Applies one round of host samples taken at t_ns. procs/tables are the host's full lists. */
void ag_store_sample_procs(AgStore *st, uint64_t t_ns, const HostProc *procs, size_t n);
void ag_store_sample_proc(AgStore *st, uint64_t t_ns, const HostProc *h);   /* one of them */
void ag_store_sample_ets(AgStore *st, uint64_t t_ns, const HostEts *tabs, size_t n);
void ag_store_sample_memory(AgStore *st, uint64_t t_ns, const HostMemory *m);

AgProc *ag_store_proc(AgStore *st, uint64_t pid);   /* NULL when unknown */
AgTable *ag_store_table(AgStore *st, uint64_t id);

/* Iteration over a map's values: for (i = 0; (v = ag_map_next(m, &i)); ) */
void *ag_map_next(const AgMap *m, size_t *i);

/* Tracked memory helpers (count into st->bytes; failures into st->alloc_failures). */
void *ag_store_calloc(AgStore *st, size_t n, size_t size);
void ag_store_release(AgStore *st, void *p, size_t size);

/* Called by the store just before it forgets an exited process or deleted table, so the leak
 * detector can keep its verdicts (set by leak.c; NULL: none). */
extern void (*ag_store_evict_hook)(AgStore *st, const AgProc *p, const AgTable *t);

#endif
