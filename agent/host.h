/*
 * host.h — what the agent asks of the runtime that hosts it.
 *
 * The agent never reads process heaps or runtime structures itself: events arrive through the
 * probe table (runtime/probe.h), and everything else — the list of processes with their current
 * figures, ETS tables, memory by category, a forced GC — goes through these callbacks, which the
 * runtime implements (issue 4 wires them) and tests replace with a fake host. Every callback may
 * be called from the agent's collector or server thread; the runtime makes it safe (it may
 * answer from figures published by the schedulers, and it runs a forced GC on the process's own
 * scheduler and waits for it).
 */
#ifndef HS_AGENT_HOST_H
#define HS_AGENT_HOST_H

#include <stdbool.h>
#include <stddef.h>

#include "gc.h"
#include "probe.h"
#include "term.h"

typedef struct HostProc {
    Term pid;
    Term registered_name;        /* atom, or NIL */
    Term mod, fun;               /* initial call */
    unsigned arity;
    char current[128];           /* current function as "m:f/a", "" when unknown */
    GcInfo gc;                   /* garbage_collection_info now */
    Uint memory_bytes;           /* process_info(memory) */
    Uint total_heap_words;       /* process_info(total_heap_size) */
    Uint message_queue_len;
    Uint reductions;
    Uint minor_gcs, major_gcs;
    Uint dict_size;              /* entries in the process dictionary */
    Uint links, monitors;
    bool off_heap_queue;         /* message_queue_data = off_heap */
} HostProc;

typedef struct HostEts {
    uint64_t table_id;
    Term name;                   /* atom */
    Term owner;                  /* pid */
    Term type;                   /* set, ordered_set, bag, duplicate_bag */
    Term protection;
    Uint size, memory_words;
} HostEts;

/* erlang:memory/0 categories, bytes. */
typedef struct HostMemory {
    Uint total, processes, processes_used, system, atom, atom_used, binary, code, ets;
} HostMemory;

typedef struct AgentHost {
    void *ctx;
    /* Fills up to cap entries; returns how many processes exist (may be > cap). */
    size_t (*list_procs)(void *ctx, HostProc *out, size_t cap);
    /* Calls fn once per live process with its figures (as list_procs, one at a time, so the
     * agent needs no buffer of every process: 336 bytes each); returns how many. May be NULL:
     * the agent then uses list_procs. fn must not call back into the host. */
    size_t (*each_proc)(void *ctx, void (*fn)(void *arg, const HostProc *hp), void *arg);
    bool (*proc_info)(void *ctx, Term pid, HostProc *out);
    size_t (*list_ets)(void *ctx, HostEts *out, size_t cap);
    void (*memory)(void *ctx, HostMemory *out);
    /* Runs a GC of pid (major or minor as erlang:garbage_collect(Pid, [{type, T}])) and waits
     * for it; false when the process does not exist. */
    bool (*force_gc)(void *ctx, Term pid, bool major, GcInfo *before, GcInfo *after,
                     Uint *reclaimed);
    /* Module, function, arity and line of a code address a send probe gave (ProbeSite.ip);
     * false when unknown. May be NULL. Called on the collector thread. */
    bool (*resolve_site)(void *ctx, const void *ip, ProbeSite *out);
    /* Whether the host can be sampled now (may be NULL: always). The runtime says no before
     * its schedulers start and once it halted, while it frees its processes: a sample then
     * would see a half-empty system, so the agent keeps its last real one. */
    bool (*ready)(void *ctx);
    /* The program being run ("examples/demo.erl"), the runtime's OS pid, schedulers. */
    const char *program;
    int os_pid;
    unsigned schedulers;
} AgentHost;

#endif
