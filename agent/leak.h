/*
 * leak.h — the leak detector (DESIGN.md "Leak verdicts", issue 6).
 *
 * Verdicts are judged on the series of the whole run (series.h keeps them spanning the run),
 * so a process that grew and then levelled off is not a leak, and one that leaked and then
 * exited keeps its verdict (the store hands exited processes to the detector before it forgets
 * them: ag_leak_install).
 *
 * "Keeps growing" (ag_leak_trend) is one robust test used by every kind. The series' points
 * are cut into W consecutive groups (W = min(windows, points)); each group is summarised by its
 * minimum, so a sawtooth (heap filling with garbage, then collected) is judged by its floor.
 * The series keeps growing when all hold:
 *   - at least min_points points and 3 groups, spanning at least min_span_ms;
 *   - the least-squares line through the group minima rises, with R^2 >= min_r2;
 *   - the last group's minimum exceeds the first's by >= min_abs_growth and by >= min_rel_growth
 *     of the first (a large process growing by a few words is not a leak);
 *   - it still grows at the end: the last third of the groups (at least the last step) rises
 *     by at least tail_fraction of the total rise (bounded growth then a plateau fails here).
 *
 * Kinds and verdicts:
 *   process_state  live words after major GCs keep growing -> leak. The total heap keeps
 *                  growing but a forced fullsweep gives back >= pseudo_fraction of the growth
 *                  -> pseudo_leak. The detector forces that fullsweep itself (ag_leak_scan),
 *                  at most once per force_interval_ms per process and max_forced_per_scan per
 *                  scan; each forced major adds a live-words point, so a real leak shows.
 *   ets_table      size and memory both keep growing while the table lives -> leak.
 *   mailbox        message_queue_len keeps growing -> leak.
 *   binary         a process holding >= bin_min_words of refc binaries, which a forced GC cuts
 *                  by >= bin_free_fraction -> suspect (recon's bin_leak).
 *   lost_sharing   a send site with >= site_min_flat_words flat words and >= site_min_messages
 *                  sampled sends whose flat/shared ratio >= lost_sharing_ratio -> suspect.
 *   native         native blocks outstanding when the run finished, grouped by backtrace ->
 *                  suspect.
 * [collector thread, or a query holding the store mutex]
 */
#ifndef HS_AG_LEAK_H
#define HS_AG_LEAK_H

#include <stdbool.h>
#include <stdint.h>

#include "host.h"
#include "series.h"

typedef enum {
    AG_LEAK_PROCESS_STATE, AG_LEAK_ETS_TABLE, AG_LEAK_MAILBOX, AG_LEAK_BINARY,
    AG_LEAK_LOST_SHARING, AG_LEAK_NATIVE,
} AgLeakKind;

typedef enum { AG_VERDICT_LEAK, AG_VERDICT_SUSPECT, AG_VERDICT_PSEUDO_LEAK } AgVerdictLevel;

const char *ag_leak_kind_name(AgLeakKind k);      /* "process_state", ... */
const char *ag_verdict_name(AgVerdictLevel v);    /* "leak", "suspect", "pseudo_leak" */

typedef struct AgTrendConfig {
    unsigned windows, min_points;
    double min_r2, min_rel_growth, tail_fraction;
    uint64_t min_abs_growth;
    /* The points must span at least this long: growth over a few milliseconds (a short-lived
     * worker building its result) is work in progress, not a leak. 0: no minimum. */
    uint64_t min_span_ms;
} AgTrendConfig;

typedef struct AgFit {
    unsigned points, groups;
    double slope_per_s;     /* of the group minima, value units per second */
    double r2;
    uint64_t first_min, last_min;  /* first and last group minima */
    double tail_share;      /* rise over the last third of the groups / total rise */
    bool growing;
} AgFit;

/* The "keeps growing" test above; fills *fit in every case (growing false when it fails). */
bool ag_leak_trend(const AgSeries *s, const AgTrendConfig *c, AgFit *fit);

typedef struct AgLeakConfig {
    AgTrendConfig live, heap, mailbox, ets_size, ets_memory;
    bool force_gc;
    unsigned force_interval_ms, max_forced_per_scan;
    double pseudo_fraction;
    uint64_t bin_min_words;
    double bin_free_fraction;
    double lost_sharing_ratio;
    uint64_t site_min_flat_words, site_min_messages;
} AgLeakConfig;

void ag_leak_config_default(AgLeakConfig *c);

/* One verdict and its evidence. */
typedef struct AgVerdict {
    AgLeakKind kind;
    AgVerdictLevel level;
    uint64_t time_ns;              /* when judged */
    /* subject */
    uint64_t pid; bool has_pid;
    Term registered_name, mod, fun; unsigned arity;
    uint64_t table_id; Term table_name, owner;
    ProbeSite site;
    uint64_t stack_id;
    /* evidence */
    const char *metric;            /* the series judged: "live_words_after_major", ... */
    AgFit fit;
    AgSeries samples;
    const char *metric2;           /* a second series (ets memory), or NULL */
    AgFit fit2;
    AgSeries samples2;
    bool has_gc;
    AgForcedGc gc;                 /* before/after of the forced GC */
    uint64_t messages, flat_words, shared_words;
    double ratio;
    uint64_t blocks, bytes;        /* native */
    NativeKind native_kind;
    char summary[200];
} AgVerdict;

typedef struct AgVerdictList {
    AgVerdict *v;
    size_t n, cap;
} AgVerdictList;

void ag_verdicts_clear(AgVerdictList *l);
void ag_verdicts_free(AgStore *st, AgVerdictList *l);

/* Sets the config the store's eviction hook judges with and installs the hook. */
void ag_leak_install(const AgLeakConfig *c);

/* Periodic step on the collector thread: forces the GCs the detector needs to tell a leak from
 * a pseudo-leak or a binary hoard (host->force_gc; skipped when c->force_gc is false or the
 * host has none). Returns how many GCs it forced. */
unsigned ag_leak_scan(AgStore *st, const AgentHost *host, const AgLeakConfig *c, uint64_t now_ns);

/* Judges every process, table and site the store holds, adds the verdicts kept for forgotten
 * ones, and, when run_finished, the native groups; replaces out's content. Verdicts are
 * ordered: leak first, then suspect, then pseudo_leak; by kind within. false when memory ran
 * out (out then holds what fitted). */
bool ag_leak_judge(AgStore *st, const AgLeakConfig *c, bool run_finished, uint64_t now_ns,
                   AgVerdictList *out);

#endif
