/*
 * agent.h — the in-process agent: probe hooks, per-scheduler rings, the collector thread, and
 * the queries the control socket (agent/server.c) and the CLI make of it.
 *
 * Threads and who may call what.
 *  - The runtime's main thread calls agent_attach before any scheduler thread runs and
 *    agent_detach after they all stopped (probe.h: the hook table is written only then).
 *  - Each scheduler thread calls agent_thread_attach(sched_id) once when it starts, before it
 *    runs a process, and agent_thread_detach() before it ends. That sets a thread-local pointer
 *    to the scheduler's own ring; the probe hooks find their ring through it. A thread that
 *    never attached (a DETS or timer thread, the main thread) posts into one shared fallback
 *    ring guarded by a try-lock: when the lock is busy the event is dropped and counted, so a
 *    hook never waits. [any thread]
 *  - The probe hooks copy the event into the ring and return: no lock, no allocation, no call
 *    into the runtime (STYLE.md habit 4). A full ring drops the event and counts the drop.
 *  - One collector thread (started by agent_attach) drains every ring every drain_interval_ms,
 *    merges the drained batch in time order, gives every event a global sequence number, keeps
 *    the last recent_events events for agent_events_since, updates the series (series.h),
 *    asks the host for periodic samples every sample_interval_ms, and runs the leak detector
 *    (leak.h), which may force GCs through host->force_gc (rate limited).
 *  - The query functions below (agent_snapshot_json, agent_report_json, agent_events_since,
 *    agent_proc_json, agent_set) may be called from any thread other than a scheduler (the
 *    server thread, the main thread at exit): they take the agent's store mutex, which only the
 *    collector and these queries hold, never a scheduler. [any non-scheduler thread]
 *
 * Failure. The agent never takes its host down: an allocation failure drops what it was for
 * (counted in the report's "agent" section), a query returns NULL, and agent_attach returns
 * false and leaves the probe table empty when it cannot start.
 *
 * Strings returned by the *_json functions are malloc'd, NUL-terminated, compact JSON (one
 * line, fit for the JSON-lines protocol); the caller frees them with free(). The cJSON
 * variants return a tree the caller owns (cJSON_Delete). The report's schema is
 * docs/report-schema.md / docs/report.schema.json.
 */
#ifndef HS_AGENT_H
#define HS_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host.h"

struct cJSON;

/* Native backtraces (agent/unwind.c provides them). capture runs on the allocating thread
 * inside the native_alloc hook and returns an opaque, deduplicated stack id (0: none); it must
 * not block or allocate with malloc. symbolise runs on the collector thread (or at report
 * time) and writes a printable multi-frame description of a stack id into buf (NUL-terminated,
 * frames separated by "\n"), returning false when it knows no such id. Either may be NULL. */
typedef uint64_t (*AgentBacktraceCapture)(void);
typedef bool (*AgentBacktraceSymbolise)(uint64_t stack_id, char *buf, size_t cap);

typedef struct AgentConfig {
    unsigned ring_capacity;       /* events per scheduler ring, rounded up to a power of two;
                                     default 8192 */
    unsigned drain_interval_ms;   /* collector drains the rings this often; default 5 */
    unsigned sample_interval_ms;  /* host samples (list_procs, list_ets, memory); default 100 */
    unsigned send_sample_every;   /* probe.send_sample_every; default 16: a site needs 10
                                     sampled sends (leak.h) for a lost_sharing verdict */
    unsigned native_sample_every; /* 1 in N native allocations gets a backtrace; default 16 */
    unsigned native_kinds;        /* the NativeKinds recorded, a mask of 1u << kind; default
                                     all but NATIVE_MESSAGE and NATIVE_ETS: a message fragment
                                     lives from a send to its receive and an ETS object from
                                     its insert to its delete, two events each for little (a
                                     queue that keeps them shows as a mailbox verdict, a table
                                     by its own figures) */
    size_t recent_events;         /* events kept for agent_events_since; default 4096 */
    bool gc_start_events;         /* record gc_start events too; default false: gc_end carries
                                     the before figures as well, and a GC-heavy program makes
                                     one start per collection for nothing the store uses */
    bool leak_force_gc;           /* the leak detector may force GCs; default true */
    double lost_sharing_ratio;    /* flat/shared ratio of a lost_sharing verdict; default 4.0 */
    AgentBacktraceCapture bt_capture;     /* default unwind_capture_hook (agent_attach then
                                             calls unwind_init); NULL: no backtraces */
    AgentBacktraceSymbolise bt_symbolise; /* default unwind_symbolise */
} AgentConfig;

void agent_config_default(AgentConfig *cfg);

/* Installs the probe hooks and starts the collector thread. host must outlive the agent (it
 * is not copied). cfg NULL means defaults. false (and nothing installed) when the rings or the
 * thread cannot be made. Call before any scheduler thread runs. */
bool agent_attach(const AgentHost *host, const AgentConfig *cfg);

/* Records the end of the run (exit status of `heapscope run`: 0, 1) for the report; call when
 * main returned or crashed, before agent_report_json. Idempotent: the first call counts. */
void agent_run_finished(int exit_status);

/* Stops the collector after a last drain and sample, clears the probe table and frees
 * everything. Call after the schedulers stopped. Safe when not attached. */
void agent_detach(void);

/* Whether an agent is attached. [any thread] */
bool agent_attached(void);

/* Binds the calling scheduler thread to its ring (sched_id in [0, host->schedulers)); ids
 * beyond the host's count share the fallback ring. */
void agent_thread_attach(unsigned sched_id);
void agent_thread_detach(void);

/* Drains the rings and runs one collector step now (waits for the step if the collector is
 * running one). Tests and the final report use it to see every event posted so far. */
void agent_flush(void);

/* --fail-on LIST (DESIGN.md): comma-separated checks
 *   leak                 trips when any verdict is "leak" (never on suspect or pseudo_leak)
 *   lost-sharing=RATIO   trips when a send site with real volume has flat/shared >= RATIO
 *   peak-memory=BYTES    trips when the peak of erlang:memory(total) > BYTES (suffix k/K=KiB,
 *                        m/M=MiB, g/G=GiB allowed)
 *   gc-pause-p99=MS      trips when the p99 GC pause > MS milliseconds (fraction allowed)
 * A check given twice keeps the last value. */
typedef struct AgentFailOn {
    bool leak;
    bool lost_sharing; double lost_sharing_ratio;
    bool peak_memory;  uint64_t peak_memory_bytes;
    bool gc_pause_p99; double gc_pause_p99_ms;
} AgentFailOn;

/* Parses LIST into *out (zeroed first). false on bad input, with a one-line message in err
 * (e.g. "--fail-on: unknown check 'lek'"). err may be NULL. [any thread] */
bool agent_failon_parse(const char *list, AgentFailOn *out, char *err, size_t errlen);

/* The JSON report now (schema heapscope-report/1). fail_on may be NULL (no checks: the report's
 * "checks" section says passed with an empty list). *tripped (may be NULL) is set to whether
 * a check tripped: `heapscope run` then exits 3. The report runs a collector step first and
 * the final leak judgement over the whole run. NULL on failure. */
char *agent_report_json(const AgentFailOn *fail_on, bool *tripped);
struct cJSON *agent_report_cjson(const AgentFailOn *fail_on, bool *tripped);

/* A live snapshot for the viewer and `heapscope ps`: {"time_ms", "memory": {..}, "procs": [..],
 * "ets": [..], "gc": {..}, "verdicts": [..], "agent": {..}} with the same field names as the
 * report (docs/report-schema.md, "Snapshot"). NULL on failure. */
char *agent_snapshot_json(void);
struct cJSON *agent_snapshot_cjson(void);

/* One process's detail: its report entry plus "history": the heap series
 * [[t_ms, total_heap_words, mailbox_len], ...] and "live_after_major": [[t_ms, words], ...].
 * pid is "<0.N.0>"'s N. NULL when the agent never saw that process or on failure. */
char *agent_proc_json(uint64_t pid_number);
struct cJSON *agent_proc_cjson(uint64_t pid_number);

/* Events with sequence number > since, oldest first, at most max (0: all kept):
 * {"first_seq": S, "last_seq": L, "dropped_before": B, "events": [{"seq", "t_ms", "sched",
 * "type", ...}, ...]}. first_seq is the oldest seq still kept; when since+1 < first_seq the
 * client missed events and dropped_before says how many. *next_since (may be NULL) gets the
 * last seq returned (or since when none). Event objects are described in
 * docs/report-schema.md, "Events". NULL on failure. */
char *agent_events_since(uint64_t since, size_t max, uint64_t *next_since);
struct cJSON *agent_events_cjson(uint64_t since, size_t max, uint64_t *next_since);

/* The protocol's "set": changes a setting while running. Keys: "sample_interval_ms",
 * "drain_interval_ms" (1..60000), "leak_force_gc" (0/1), "lost_sharing_ratio" (> 1).
 * (send_sample_every is fixed at attach: schedulers read probe.send_sample_every without
 * synchronisation, probe.h.) false with a message in err for an unknown key or a value out of
 * range. */
bool agent_set(const char *key, double value, char *err, size_t errlen);

/* The host given to agent_attach (for the server's procs / ets / gc commands), or NULL. */
const AgentHost *agent_host(void);

#endif
