/*
 * model.h — the viewer's state, built from protocol messages (docs/protocol.md): snapshots,
 * events, procs, proc, gc and hello replies. No curses and no socket here (STYLE.md habit 4,
 * htop's Machine/Panel split): session.c feeds it what the runtime says, draw.c reads it, and
 * the tests feed it recorded messages.
 *
 * Invariants:
 *  - Everything shown comes from the last message of its kind; nothing is computed from the
 *    runtime except rates, which are differences between two consecutive snapshots divided by
 *    the difference of their time_ms (the agent's clock, not ours), and growth, which is the
 *    slope between the oldest and newest point of a short per-process / per-table history.
 *  - Histories follow identities across snapshots: a process by its pid, a table by its id. A
 *    process or table missing from a snapshot is gone (snapshots list alive ones only).
 *  - When the connection is lost the model keeps its data and says detached; a new attach to
 *    the same program continues the header series (they are "the last minutes" of memory).
 *  - Memory figures keep the protocol's units: words where the name says words, bytes else.
 */
#ifndef HS_VIEWER_MODEL_H
#define HS_VIEWER_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#define VW_HIST 600        /* header samples kept: 5 minutes at the default 500 ms */
#define VW_PHIST 120       /* per process / per table samples kept */
#define VW_GROWTH_SPAN 20  /* growth compares the newest sample with up to this many back */
#define VW_GC_LOG 512      /* gc_end events kept for the GC panel and the detail */
#define VW_GC_RESULTS 64   /* forced-GC results kept (one per pid) */
#define VW_VERDICT_SAMPLES 32

typedef struct VwSeries {
    double v[VW_HIST];
    unsigned n, head;      /* n values; the oldest at (head + VW_HIST - n) % VW_HIST */
} VwSeries;

typedef struct VwPSeries {
    double t_ms[VW_PHIST], v[VW_PHIST], v2[VW_PHIST];
    unsigned n;            /* oldest first; the oldest is dropped when full */
} VwPSeries;

typedef enum VwMemCat {
    VW_MEM_TOTAL, VW_MEM_PROCESSES, VW_MEM_ETS, VW_MEM_BINARY, VW_MEM_ATOM, VW_MEM_CODE,
    VW_MEM_N
} VwMemCat;

/* garbage_collection_info figures used in before/after displays, words. */
typedef struct VwGcFig {
    uint64_t heap, heap_block, old_heap, old_heap_block, mbuf, stack, bin_vheap;
} VwGcFig;

typedef struct VwProc {
    char pid[24];
    uint64_t pidnum;
    char name[64];          /* registered name, "" when none */
    char initial_call[96];  /* "m:f/a", "" when unknown */
    uint64_t heap_words, heap_block_words, old_heap_words, old_heap_block_words;
    uint64_t stack_words, mbuf_words, total_heap_words, memory_bytes, mailbox, bin_vheap_words;
    uint64_t minor_gcs, major_gcs, reductions, gc_reclaimed_words, sends;
    double growth_wps;      /* total_heap_words per second over the recent history */
    VwPSeries hist;         /* v: heap_words, v2: old_heap_words, per snapshot */
    VwPSeries total;        /* v: total_heap_words (growth) */
    /* from the procs command, when fetched (detail panel) */
    bool have_extra;
    char current[128], mq_data[12];
    uint64_t dict_size, links, monitors;
} VwProc;

typedef struct VwTable {
    uint64_t id;
    char name[64], owner[24], type[16], protection[12];
    uint64_t size, memory_words, peak_memory_words, inserts, deletes;
    double growth_wps;      /* memory_words per second */
    VwPSeries hist;         /* v: memory_words, v2: size */
} VwTable;

typedef struct VwSite {
    char where[160];        /* "m:f/a:line", "(other sites)" for the overflow bucket */
    uint64_t messages, flat_words, sampled;
    double ratio;           /* flat / shared over the sampled sends; 0 when none sampled */
    double lost_words;      /* flat_words * (1 - 1/ratio) */
} VwSite;

typedef struct VwVerdict {
    char kind[20], verdict[16], summary[200], subject[200], metric[40];
    double judged_at_ms;
    bool has_fit;
    double slope_per_s, r2;
    uint64_t first_min, last_min;
    double samples[VW_VERDICT_SAMPLES];
    unsigned nsamples;
    bool has_gc;
    VwGcFig gc_before, gc_after;
    uint64_t gc_reclaimed;
    uint64_t messages;      /* lost_sharing */
    double ratio;
    uint64_t blocks, bytes; /* native */
} VwVerdict;

typedef struct VwGcEvent {
    uint64_t seq;
    double t_ms, duration_ms;
    char pid[24];
    bool major;
    char reason[20];
    VwGcFig before, after;
    uint64_t reclaimed;
} VwGcEvent;

/* The outcome of a forced GC (g, G, A), shown in place under the process's row. */
typedef struct VwGcResult {
    char pid[24];
    bool major;
    VwGcFig before, after;
    uint64_t reclaimed;
    double at_ms;           /* model clock (vw_model_set_clock) when it arrived */
} VwGcResult;

typedef struct VwModel {
    /* the runtime (hello) */
    char program[256], version[64];
    int os_pid;
    unsigned schedulers;
    bool attached;          /* a connection is up */
    bool ever_attached;
    double detached_at_ms;  /* model clock when it was lost */
    unsigned attaches;      /* 1 after the first attach, +1 per reattach */

    double now_ms;          /* model clock: the caller's monotonic milliseconds */

    /* the last snapshot */
    uint64_t snapshots;     /* applied so far */
    double time_ms;         /* agent time of the last snapshot */
    uint64_t mem[VW_MEM_N], mem_peak[VW_MEM_N];
    VwSeries mem_hist[VW_MEM_N];
    uint64_t minor_gcs, major_gcs, gc_reclaimed_words;
    double pause_p50_ms, pause_p99_ms, pause_max_ms;
    double gc_rate;         /* collections per second between the last two snapshots */
    double lost_wps;        /* words lost to copying per second, same span */
    VwSeries gc_rate_hist, lost_hist;
    uint64_t processes_total;
    uint64_t sends, flat_words, sampled_flat, sampled_shared;
    double sharing_ratio, sharing_threshold; /* ratio 0: nothing sampled */
    uint64_t sites_total;
    uint64_t drops, events_total;            /* agent.drops, agent.events */
    uint64_t push_dropped;                   /* the subscription's "dropped" */
    uint64_t bin_live_bytes;

    VwProc *procs; size_t nprocs;
    VwTable *tables; size_t ntables;
    VwSite *sites; size_t nsites;
    VwVerdict *verdicts; size_t nverdicts;

    /* the GC log (events command) */
    VwGcEvent gclog[VW_GC_LOG];
    unsigned gclog_n, gclog_head;           /* ring, like VwSeries */
    uint64_t events_seq;                     /* last seq seen: the next "since" */
    uint64_t events_missed;                  /* dropped_before, summed */

    /* the process detail (proc command) */
    char detail_pid[24];
    double detail_hist_t[256], detail_total[256], detail_mailbox[256];
    unsigned detail_n;
    double detail_live[64];
    unsigned detail_live_n;

    VwGcResult results[VW_GC_RESULTS];
    unsigned nresults;
    /* the last "A": processes collected and words reclaimed */
    bool have_all;
    bool all_major;
    unsigned all_procs;
    uint64_t all_reclaimed;
    double all_at_ms;
} VwModel;

/* A model with nothing in it (not attached). Free with vw_model_free. */
VwModel *vw_model_new(void);
void vw_model_free(VwModel *m);

/* The caller's clock (monotonic ms) for the ages of forced-GC results and detachment. */
void vw_model_set_clock(VwModel *m, double now_ms);

/* Applies one protocol message (a reply or a push), recognised by its members:
 * hello ("protocol"), snapshot push or reply ("push": "snapshot" or "schema"
 * "heapscope-snapshot/1"), events ("events"), procs ("procs" without "type"), proc ("proc"),
 * gc ("type" and "procs"). Error replies and anything else are ignored. Returns what it was. */
typedef enum VwMsgKind {
    VW_MSG_OTHER, VW_MSG_HELLO, VW_MSG_SNAPSHOT, VW_MSG_EVENTS, VW_MSG_PROCS, VW_MSG_PROC,
    VW_MSG_GC
} VwMsgKind;
VwMsgKind vw_model_apply(VwModel *m, const cJSON *msg);

void vw_model_apply_hello(VwModel *m, const cJSON *reply);
void vw_model_apply_snapshot(VwModel *m, const cJSON *snap);
void vw_model_apply_events(VwModel *m, const cJSON *reply);
void vw_model_apply_procs(VwModel *m, const cJSON *reply);
void vw_model_apply_proc(VwModel *m, const cJSON *reply);
void vw_model_apply_gc(VwModel *m, const cJSON *reply);

/* Connection state. attach: a runtime of `program` answered hello (program "" keeps the old
 * one). A reattach to another program starts the model afresh. */
void vw_model_attached(VwModel *m);
void vw_model_detached(VwModel *m);

/* The last n values of a series, oldest first; returns how many were copied (≤ max). */
size_t vw_series_copy(const VwSeries *s, double *out, size_t max);
void vw_series_push(VwSeries *s, double v);

const VwProc *vw_model_proc(const VwModel *m, const char *pid);
const VwGcResult *vw_model_result(const VwModel *m, const char *pid);
/* The i-th newest GC event (0: the newest), NULL past the end. */
const VwGcEvent *vw_model_gc_event(const VwModel *m, unsigned i);

/* The process table as shown: indexes into m->procs, filtered (substring of pid, registered
 * name, initial call; case-insensitive; "" keeps all) and sorted. Returns the count. */
typedef enum VwSort {
    VW_SORT_MEMORY, VW_SORT_HEAP, VW_SORT_OLD_HEAP, VW_SORT_MAILBOX, VW_SORT_REDUCTIONS,
    VW_SORT_GCS, VW_SORT_GROWTH, VW_SORT_PID, VW_SORT_N
} VwSort;
const char *vw_sort_name(VwSort s);
size_t vw_model_view(const VwModel *m, VwSort sort, bool reverse, const char *filter,
                     size_t *out, size_t cap);

/* "name" or "initial_call" or "pid": how the viewer names a process. */
const char *vw_proc_label(const VwProc *p);
/* heap + old heap + fragments, used words (what a GC can shrink). */
uint64_t vw_gcfig_used(const VwGcFig *g);

#endif
