/*
 * runtime.h — the running system: schedulers, timers, spawning, sending, halting.
 *
 * One runtime per OS process (a set of globals, as the BEAM's). rt_start creates the
 * schedulers (scheduler.h) with a timer wheel each (timer.h); the VM runs processes in slices
 * through rt's run callback, which holds the process's main lock for the slice (process.h),
 * handles its signals first (procsig.h) and turns VM results into scheduler results. A process
 * that returns from its initial call or crashes exits there: links and monitors are told, its
 * name and ETS tables go, and its memory is freed at once; the struct follows when the last
 * reference goes.
 *
 * Halting: the main process (the one `heapscope run` spawns) returning halts the runtime with
 * status 0, its crash with status 1, erlang:halt(S) with S. rt_wait blocks until then.
 *
 * Without rt_start (unit tests) processes run by vm_run alone: rt_notify does nothing, sends to
 * self still work, timers do not exist.
 */
#ifndef HS_RUNTIME_H
#define HS_RUNTIME_H

#include "process.h"
#include "scheduler.h"
#include "gc.h"
#include "timer.h"

struct Export;

typedef struct RtOptions {
    unsigned schedulers;      /* 0: online cores */
    bool sharing_preserving;  /* messages and spawn arguments keep sharing (copy_shared) */
    uint64_t seed;            /* scheduler seed (0: none) */
    Uint min_heap_size;       /* +hms: system default min_heap_size (0: 233) */
    Uint fullsweep_after;     /* +fsa (0 means 0; RT_DEFAULT keeps 65535) */
    bool off_heap;            /* +hmqd off_heap */
} RtOptions;
#define RT_DEFAULT ((Uint)-1)

/* A request run by a process on itself when it handles its signals (SIG_RPC), or with p NULL
 * when the process is gone. Embedded first in the requester's own struct. */
typedef struct RtRequest {
    void (*fn)(Process *p, struct RtRequest *rq);
} RtRequest;

/* spawn_opt's options. */
typedef struct SpawnOpts {
    Uint min_heap_size;       /* words; 0: the system default */
    Uint min_vheap_size;      /* words; 0: default */
    Uint fullsweep_after;     /* RT_DEFAULT: the system default */
    bool use_args;            /* OTP's SPO_USE_ARGS: min_heap_size or fullsweep_after given */
    Uint max_heap_size;       /* 0: off */
    unsigned max_heap_flags;  /* HEAP_MAX_KILL | HEAP_MAX_LOG */
    int off_heap;             /* -1: system default, 0 on_heap, 1 off_heap */
    SchedPrio prio;
    bool link, monitor;
    Term monitor_ref;         /* out: with monitor, the reference (on the parent's heap) */
} SpawnOpts;
void rt_spawn_opts_default(SpawnOpts *o);

/* Starts the schedulers. False if they could not start. */
bool rt_start(const RtOptions *o);
/* Blocks until the runtime halts; returns the exit status. Then frees what is left. */
int rt_wait(void);
/* [any thread] Halts with this status (the first call wins). */
void rt_halt(int status);
/* Is a runtime running? */
bool rt_running(void);
const RtOptions *rt_options(void);

/*
 * Creates a process that applies mfa[0]:mfa[1] to the list `args` (or, with mfa[0] undefined,
 * calls the fun mfa[1]; mfa[2] is the arity for initial_call), copying them from the caller's
 * heap as a send does, and queues it. parent (NULL for the main process) gets the link or
 * monitor the options ask for. Returns the process retained once for the caller
 * (process_release it). The new process is the main process when is_main: its end halts the
 * runtime.
 */
Process *rt_spawn(Process *parent, Term mfa[3], Term args, SpawnOpts *o, bool is_main);

/* A GC of pid from a thread that is not running a process and holds no process lock (the
 * agent's forced GC): takes the process's lock, collects with its saved registers. False when
 * pid is not alive. ev may be NULL. */
bool rt_force_gc(Term pid, bool major, GcEvent *ev);

/* max_heap_size tripped in one of p's GCs (HEAP_MAX_REACHED): prints OTP's report when the
 * log flag is set, clears the mark, and returns true (with p->exc set to exit killed) when
 * the kill flag says p must end now. [owner] */
bool rt_max_heap_reached(Process *p);

/* Delivers the messages ETS made for an owner change ('ETS-TRANSFER' to the heir or the
 * receiver of give_away), from `from`, and frees the list. */
struct EtsTransfer;
void rt_deliver_ets_transfers(Term from, struct EtsTransfer *list);

/* [any thread] Makes q runnable if it waits (after a push returned MAILBOX_PUSH_WAKE). */
void rt_notify(Process *q);

/* Sends msg from p to the process `to` (a pid; dead pids swallow it). */
void rt_send(Process *p, Term to, Term msg);

/* The calling scheduler's timer wheel (NULL outside a scheduler). */
TimerWheel *rt_wheel(void);

/* Statistics for statistics/1 and erlang:memory. */
uint64_t rt_run_queue(void);
void rt_gc_totals(Uint *gcs, Uint *words_reclaimed);
Uint rt_total_reductions(void);

#endif
