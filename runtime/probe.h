/*
 * probe.h — the only surface the agent sees: one table of hook pointers and the event structs.
 *
 * The runtime calls a hook only when it is set, so without an agent every probe point costs one
 * load and one predictable branch (PROBE_ON). The runtime computes nothing that only a probe
 * needs unless that probe is on: a send measures the message's shared size (a size_shared walk)
 * only when probe.send is set and the send is sampled (probe_send_sampled).
 *
 * Events are plain C structs with fixed-size fields: no Erlang terms (a term dies with the next
 * GC of its process) and no pointers the agent could follow into a heap. Strings that name
 * something (module, function, table name, exit reason) are atoms (their index stays valid
 * forever) or short text copied into the event. A hook runs on the scheduler thread that caused
 * the event: it must copy the event into its per-scheduler ring and return, never block, never
 * allocate on a process heap, never call back into the runtime (STYLE.md habit 4).
 *
 * The table is written once, by the agent at start-up, before any scheduler thread runs, and
 * cleared only after they stopped; schedulers read it without synchronisation. [any thread]
 */
#ifndef HS_PROBE_H
#define HS_PROBE_H

#include <stdint.h>

#include "gc.h"
#include "term.h"

/* Monotonic nanoseconds, the time base of every event: CLOCK_MONOTONIC_COARSE, whose
 * resolution is the kernel tick (1-4 ms) but which costs a quarter of CLOCK_MONOTONIC's ~25 ns,
 * and a send reads it once per message. Events are ordered and series are judged over
 * hundreds of milliseconds, so the tick is fine; durations that need better (a GC's pause,
 * GcEvent.duration_ns) are measured with the precise clock where they happen. */
uint64_t probe_now_ns(void);

typedef struct ProbeProc {
    uint64_t time_ns;   /* probe_now_ns at the event; 0: the hook stamps it (sends, ETS
                           events: the agent coalesces most of them and reads the clock only
                           when it makes a record, not once per message or insert) */
    unsigned sched_id;  /* scheduler thread that emitted the event; 0 when the emitter does
                           not say (sends, ETS: the agent knows its thread's ring) */
    Term pid;           /* local pid immediate (pid_number gives <0.N.0>) */
} ProbeProc;

/* Where a send happened: the sender's current function and source line. The runtime gives
 * only the code address (ip; module NIL): the agent resolves it on its collector thread
 * (AgentHost.resolve_site), so a send costs no code-table lookup. */
typedef struct ProbeSite {
    Term module, function; /* atoms; NIL when unknown or not resolved yet */
    unsigned arity;
    unsigned line;         /* 0 when unknown */
    const void *ip;        /* the code address of the send, or NULL */
} ProbeSite;

typedef struct ProbeSpawn {
    ProbeProc p;
    Term parent;                    /* pid, or NIL for the first process */
    Term mod, fun;                  /* initial call */
    unsigned arity;
} ProbeSpawn;

typedef struct ProbeExit {
    ProbeProc p;
    Uint memory_bytes;              /* process_info(memory) just before it died */
    Uint heap_words, old_heap_words, mbuf_words;
    Term reason_atom;               /* the reason when it is an atom, else NIL */
    char reason[96];                /* the reason printed with ~P depth 6, truncated */
} ProbeExit;

typedef struct ProbeGc {
    ProbeProc p;
    GcEvent ev;                     /* before/after garbage_collection_info, reclaimed, duration */
} ProbeGc;

/* A send as the agent records it (the runtime passes its fields to probe.send as arguments;
 * the hook fills in the time). */
typedef struct ProbeSend {
    ProbeProc p;                    /* the sender */
    Term receiver;                  /* pid */
    Uint flat_words;                /* what the copy cost (size_object_litopt) */
    Uint shared_words;              /* size_shared of the message; 0 when not sampled */
    ProbeSite site;
} ProbeSend;

typedef enum {
    PROBE_ETS_CREATE, PROBE_ETS_INSERT, PROBE_ETS_DELETE_OBJECT, PROBE_ETS_DELETE_TABLE,
    PROBE_ETS_OWNER_EXIT, PROBE_ETS_TRANSFER,
} ProbeEtsKind;

typedef struct ProbeEts {
    ProbeProc p;                    /* the process that acted (owner for create/exit) */
    ProbeEtsKind kind;
    uint64_t table_id;              /* stable for the table's life */
    Term name;                      /* atom */
    Term owner;                     /* owner after the event (heir after a transfer) */
    Uint size;                      /* objects after the event */
    Uint memory_words;              /* ets:info(T, memory) after the event */
} ProbeEts;

typedef enum { PROBE_BIN_ALLOC, PROBE_BIN_FREE } ProbeBinKind;

typedef struct ProbeBin {
    uint64_t time_ns;
    ProbeBinKind kind;
    const void *binary;             /* identity only: never dereferenced by the agent */
    Uint bytes;
} ProbeBin;

/* The runtime's own off-heap allocations, for the native-leak report. */
typedef enum {
    NATIVE_ETS, NATIVE_BINARY, NATIVE_MESSAGE, NATIVE_DETS, NATIVE_HEAP, NATIVE_OTHER,
} NativeKind;

typedef struct ProbeNative {
    NativeKind kind;
    const void *ptr;                /* identity of the block */
    Uint bytes;                     /* 0 on free */
} ProbeNative;

typedef struct ProbeTable {
    void (*spawn)(const ProbeSpawn *ev);
    void (*exit)(const ProbeExit *ev);
    void (*gc_start)(const ProbeGc *ev); /* ev->after is not filled yet */
    void (*gc_end)(const ProbeGc *ev);
    /* A send, as scalars rather than a ProbeSend: a message-heavy program makes millions, and
     * building and reading back the 88-byte struct was a third of the probe's cost (callgrind).
     * site_ip is the sender's code address at the send (ProbeSite.ip: the agent resolves it on
     * its collector thread); flat_words what the copy cost (size_object_litopt); shared_words
     * the message's size_shared when the send was sampled, else 0. */
    void (*send)(Term from, Term to, const void *site_ip, Uint flat_words, Uint shared_words);
    void (*ets)(const ProbeEts *ev);
    void (*bin)(const ProbeBin *ev);
    /* Called at the allocation itself, on the allocating thread: the agent may take a
     * backtrace here (sampled), since only this frame knows the call stack. */
    void (*native_alloc)(const ProbeNative *ev);
    void (*native_free)(const ProbeNative *ev);
    /* Called by each scheduler thread when it starts, before it runs a process (runtime.c's
     * thread_start), so the agent can bind the thread to its own ring. */
    void (*thread_start)(unsigned sched_id);
    /* 1 in send_sample_every sends measures shared_words (0: never, 1: every send). */
    unsigned send_sample_every;
} ProbeTable;

extern ProbeTable probe;

#define PROBE_ON(hook) __builtin_expect(probe.hook != NULL, 0)

/*
 * Emitters for probe points in modules that know nothing of events (probe.c builds the event).
 * Call each only behind its PROBE_ON test, so that without an agent nothing is computed.
 *   probe_gc_start / probe_gc_end   gc.c, around a collection of h, which is a process's heap
 *                                   (Process.heap: the pid is read from the process); ev holds
 *                                   `before` (and, at the end, everything)
 *   probe_bin_event                 bin.c: a refc Binary made or freed (bytes: its data size)
 *   probe_native                    an off-heap block of the runtime's own (alloc: bytes > 0,
 *                                   free: bytes 0), on the allocating/freeing thread
 */
void probe_gc_start(const Heap *h, const GcEvent *ev, bool major_requested);
void probe_gc_end(const Heap *h, const GcEvent *ev);
void probe_bin_event(ProbeBinKind kind, const void *binary, Uint bytes);
/* Inline, so the backtrace the agent takes in native_alloc starts at the allocating frame. */
__attribute__((always_inline)) static inline void probe_native(NativeKind kind, const void *ptr,
                                                               Uint bytes)
{
    ProbeNative e = {.kind = kind, .ptr = ptr, .bytes = bytes};
    if (bytes) {
        if (probe.native_alloc) probe.native_alloc(&e);
    } else if (probe.native_free) {
        probe.native_free(&e);
    }
}

#endif
