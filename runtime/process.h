/*
 * process.h — the process control block, its lifetime and its lock.
 *
 * Who touches what. A process is run by one scheduler thread at a time (scheduler.h invariant
 * 2), and that thread holds the process's main lock for the whole slice (runtime.c). So:
 *   [owner]   the fields the running code uses: only the thread running the process, or a
 *             thread holding `lock` while the process is not running (process_info of another
 *             process, the agent's forced GC). Either way, one thread at a time.
 *   [any]     fields that say so: atomics, or fixed before the process is published.
 * Nothing else takes `lock` for long, and a process that holds its own lock never blocks on
 * another's (it tries, and yields when it fails: bif/info.c), so two processes inspecting each
 * other cannot deadlock.
 *
 * Lifetime. refc counts the references that may outlive a lookup: the process table's (one
 * while the process is alive), each sender between its lookup and its push (ptab_lookup), each
 * pending receive timer. process_release frees the process when the count reaches zero, after
 * answering the signals still in its queue as a dead process does (links and monitors get
 * noproc). A dead process's struct may thus live on for a moment with its heap already freed:
 * `exiting` says so, under the lock.
 *
 * Memory: OTP's idle process costs 2640 bytes (776 of PCB, 233 words of heap). The fields here
 * stay lean for the same reason: sets that most processes never use (links, monitors, the
 * exit reason) are pointers to blocks allocated on first use.
 */
#ifndef HS_PROCESS_H
#define HS_PROCESS_H

#include <pthread.h>
#include <stdatomic.h>

#include "heap.h"
#include "mailbox.h"
#include "runq.h"

#define VM_X_REGS 1024        /* X registers: arguments and temporaries (OTP's MAX_REG) */
#define PROC_CONTEXT_REDS 4000 /* reductions per time slice (OTP's CONTEXT_REDS) */
#define PROC_DEF_ARG_REGS 6    /* argument registers saved inline when a process is switched out */
/* OTP 25's sizeof(Process): what process_info(memory) counts for the control block. */
#define PROC_OTP_PCB_BYTES 776

/* An exception being raised: BIFs set it and return NONVALUE; the VM unwinds. */
typedef struct ProcException {
    Term class;      /* AM(error), AM(exit) or AM(throw) */
    Term reason;     /* the reason term */
    Term args;       /* for errors raised by a BIF: the argument list, else NIL */
    Term stacktrace; /* built by the VM while unwinding; NONVALUE until then */
} ProcException;

/* Process flags (Process.flags) [owner]. */
enum {
    PROC_TRAP_EXIT = 1u << 0,
    PROC_SENSITIVE = 1u << 3,
    PROC_HALTING = 1u << 4,         /* erlang:halt was called: the process ends at once */
    PROC_BOOT = 1u << 5,            /* the main process: its stack traces end in init's frames */
};

struct Monitor;
struct ProcLinks;
struct Timer;

typedef struct Process {
    Heap heap;
    Term pid;                /* local pid immediate [any, fixed] */
    int reds_left;           /* reductions left in this slice */
    unsigned flags;          /* PROC_* */
    Uint reductions;         /* total, for process_info(reductions) */
    ProcException exc;
    struct ProcDict *dict;   /* the process dictionary (its terms are GC roots); NULL if empty */
    const void *ip;          /* where the VM resumes this process */
    unsigned arity;          /* live argument registers saved below */
    uint16_t leaf_live;      /* waiting in a frameless function: its X slot count (vm.c) */
    Term arg_reg[PROC_DEF_ARG_REGS];
    Term *extra_arg_reg;     /* when arity > PROC_DEF_ARG_REGS */
    Term initial_call[3];    /* {M, F, A}: atoms and arity as a small [any, fixed] */
    Term reg_name;           /* registered name or NIL [ptab's lock] */
    Term group_leader;       /* a pid; the runtime's io server when NIL */
    struct ProcLinks *links; /* links and monitors (procsig.c), NULL until the first */
    struct Timer *recv_timer;/* the running receive's timeout, or NULL */
    Message *exit_sig;       /* an exit signal being acted on (its reason term lives in it) */
    Term result;             /* the value the initial call returned (vm_run's VM_DONE) */

    Mailbox mailbox;         /* the signal queue (mailbox.h says who touches what) */
    SchedLink sched;         /* the scheduler's unit (scheduler.h) */
    pthread_mutex_t lock;    /* held by the thread running the process or inspecting it */
    _Atomic uint32_t refc;   /* see Lifetime above */
    _Atomic unsigned char exiting; /* set once, under lock, when the process begins to exit */
    _Atomic unsigned char in_bif;  /* see process_lock_other */
    _Atomic unsigned char timer_dest; /* a BIF timer was ever aimed at this pid (rtimer.c) */
} Process;

/* process.c: a fresh process with a default heap (233 words), a new pid, refc 1, and its end.
 * process_new registers nothing: ptab_insert publishes it. */
Process *process_new(void);
/* A fresh process with these heap settings (spawn_opt): min_heap_size and min_bin_vheap_size
 * as given (rounded as OTP), fullsweep_after. */
Process *process_new_opts(Uint min_heap_size, Uint min_vheap_size, Uint fullsweep_after);
/* Frees everything at once: only for a process that was never published (tests, failed
 * spawns) or at teardown. */
void process_free(Process *p);
/* Frees the memory an exited process no longer needs (heap, dictionary, links), keeping the
 * struct for the references still held. [owner, exiting] */
void process_drop_memory(Process *p);

static inline void process_retain(Process *p)
{
    atomic_fetch_add_explicit(&p->refc, 1, memory_order_relaxed);
}
/* Drops a reference; the last one finalises and frees the process. [any thread] */
void process_release(Process *p);
/* What process_release runs on the last reference (signal.c answers the queue); set by the
 * runtime, NULL in unit tests. */
extern void (*process_finalize_hook)(Process *p);

static inline void process_lock(Process *p) { pthread_mutex_lock(&p->lock); }
static inline bool process_trylock(Process *p) { return pthread_mutex_trylock(&p->lock) == 0; }
static inline void process_unlock(Process *p) { pthread_mutex_unlock(&p->lock); }
static inline bool process_is_exiting(const Process *p)
{
    return atomic_load_explicit(&p->exiting, memory_order_acquire) != 0;
}

/* Sets p up to call the code at entry with these arguments, returning to the VM's normal_exit
 * (the stack's first word). vm_run then runs it. */
void process_setup_call(Process *p, const void *entry, const Term *args, unsigned arity);

/* Saved argument registers (p->arity of them). */
static inline Term *process_arg_regs(Process *p)
{
    return p->arity > PROC_DEF_ARG_REGS ? p->extra_arg_reg : p->arg_reg;
}

/* process_info(memory), in bytes, as OTP's erts_process_memory. [owner] */
Uint process_memory_bytes(const Process *p);

/* Raise helpers for BIFs: set the exception and return NONVALUE. */
static inline Term proc_raise(Process *p, Term class_, Term reason)
{
    p->exc.class = class_;
    p->exc.reason = reason;
    p->exc.args = NIL;
    p->exc.stacktrace = NONVALUE;
    return NONVALUE;
}

/*
 * Locking another process from a BIF (process_info, garbage_collect of another pid): the
 * caller holds its own lock, and a thread that holds a process lock must never wait for
 * another, so the caller lets go of its own first and marks itself in_bif: while in_bif its
 * registers are not saved in the process, so nobody may collect its heap (they wait for the
 * flag to clear); reading it is fine, it does not change. [owner of self]
 */
void process_lock_other(Process *self, Process *q);
void process_unlock_other(Process *self, Process *q);
/* Locks q to collect its heap from outside: waits until q is not in a BIF with its lock let
 * go. The caller holds no process lock (or used process_lock_other's rule). */
void process_lock_for_gc(Process *q);

#endif
