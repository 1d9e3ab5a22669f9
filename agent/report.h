/*
 * report.h — the JSON report (schema heapscope-report/1) and the snapshot, built with cJSON from
 * the store and the judged verdicts. docs/report-schema.md describes every field and
 * docs/report.schema.json is the contract the tests validate against.
 *
 * Every builder returns NULL when cJSON runs out of memory, never a half-built tree.
 * [collector thread, or a query holding the store mutex]
 */
#ifndef HS_AG_REPORT_H
#define HS_AG_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "agent.h"
#include "leak.h"
#include "series.h"

struct cJSON;

typedef struct AgRunInfo {
    const char *program;
    int os_pid;
    unsigned schedulers;
    uint64_t start_wall_ms, end_wall_ms;   /* Unix epoch milliseconds (end: 0 while running) */
    uint64_t start_ns, now_ns;             /* probe_now_ns at start, and now (or at the end) */
    bool finished;
    int exit_status;
} AgRunInfo;

/* The agent's own cost (the report's "agent" section). */
typedef struct AgCost {
    uint64_t events, drops, drains, samples, forced_gcs;
    uint64_t bookkeeping_bytes, ring_bytes, alloc_failures;
    uint64_t collector_busy_ns;            /* time the collector spent in its steps */
    unsigned rings, ring_capacity;
} AgCost;

/* Processes listed in a report or snapshot (the largest by peak memory); the report says how
 * many there were in all. */
#define AG_REPORT_MAX_PROCS 500
#define AG_REPORT_MAX_TABLES 500
#define AG_REPORT_TOP_SITES 20

typedef struct AgReportArgs {
    AgStore *st;
    const AgVerdictList *verdicts;
    const AgRunInfo *run;
    const AgCost *cost;
    const AgentFailOn *fail_on;            /* may be NULL */
    double lost_sharing_ratio;             /* the site threshold shown in sharing */
    uint64_t site_min_flat_words, site_min_messages;
    AgentBacktraceSymbolise symbolise;     /* may be NULL */
} AgReportArgs;

struct cJSON *ag_report_build(const AgReportArgs *a, bool *tripped);
struct cJSON *ag_snapshot_build(const AgReportArgs *a);
/* One process's entry plus its history (agent_proc_json). NULL when unknown. */
struct cJSON *ag_report_proc(const AgReportArgs *a, uint64_t pid);
/* One event as the events query shows it. */
struct cJSON *ag_report_event(const AgEvent *ev, uint64_t start_ns);

#endif
