/*
 * scheduler.h — scheduler threads: N run queues, work stealing, sleeping, the process state word.
 * (Named scheduler.h, not sched.h: with -Iruntime, <sched.h> inside pthread.h would find ours.)
 * The protocol in full, with the memory orders, is docs/scheduling.md; this is the contract.
 *
 * Unit of work. The scheduler runs SchedLinks (runq.h) that the Process embeds; it never looks
 * at anything else in the process. The VM gives it a run callback that executes one time slice
 * (PROC_CONTEXT_REDS reductions) and says what became of the process:
 *   SCHED_YIELD  still runnable (slice used up, or it yielded): queued again at the back;
 *   SCHED_WAIT   blocked in receive with nothing matching: it sleeps until sched_notify;
 *   SCHED_EXIT   finished: never run again; the exited callback is called once.
 *
 * State word (SchedLink.state), the invariants:
 *   1. A unit is in a run queue iff its state is SCHED_RUNNABLE (or it is in a thief's hands
 *      between two queues, still RUNNABLE): never in two queues, never lost.
 *   2. Only the scheduler that popped a RUNNABLE unit moves it to RUNNING, so a unit is run by
 *      one thread at a time.
 *   3. sched_notify makes a WAITING unit RUNNABLE and queues it exactly once, however many
 *      threads notify at once (one CAS wins); on a RUNNING unit it sets RUNNING_NOTIFIED, and
 *      the slice's end then queues the unit again instead of letting it wait, so a message
 *      pushed while the receiver decided to wait is never missed.
 *   4. EXITED is final: notify ignores it.
 *
 *   Transitions:
 *     WAITING           -> RUNNABLE  sched_spawn, sched_notify (CAS)   queued exactly once
 *     RUNNABLE          -> RUNNING   popped by one scheduler
 *     RUNNING           -> RUNNING_NOTIFIED   sched_notify (CAS)
 *     RUNNING           -> WAITING   the slice returned SCHED_WAIT (CAS)
 *     RUNNING_NOTIFIED  -> RUNNABLE  the slice returned SCHED_WAIT (that CAS failed): requeued
 *     RUNNING(_NOTIFIED)-> RUNNABLE  the slice returned SCHED_YIELD: requeued
 *     RUNNING(_NOTIFIED)-> EXITED    the slice returned SCHED_EXIT
 *
 * The mailbox contract that makes 3 work (with mailbox.h: return SCHED_WAIT only after
 * mailbox_prepare_wait succeeded; notify on MAILBOX_PUSH_WAKE or a won mailbox_claim_wake):
 * a sender first pushes its signal (with release semantics, in the signal queue) and then calls
 * sched_notify; the receiver's slice returns SCHED_WAIT only after it saw no message in transit.
 * Both then meet on the state word, whose RMWs are totally ordered: either the sender sees
 * WAITING (and queues the receiver) or the receiver's RUNNING -> WAITING CAS fails on
 * RUNNING_NOTIFIED (and it is queued again). Notifying after every push is correct too, slower.
 *
 * Lifetime: the scheduler holds no reference after the exited callback; but sched_notify reads
 * the link, so a process may be freed only once no sender can still notify it (the process
 * table's job, as OTP's erts_proc_inc_refc).
 *
 * Threads. sched_start runs N threads; a thread that finds no work steals (half of a victim's
 * queue), spins briefly, then sleeps on its condition variable until work is queued for it,
 * its next timer deadline passes or sched_halt. Queuing wakes a sleeper only when needed: the
 * queue's owner if it sleeps, or one idle scheduler (none if one is already searching) when
 * the owner is busy and has more than one unit waiting.
 *
 * Deterministic mode (tests): without sched_start, sched_run_until_idle runs the N schedulers'
 * steps on the calling thread, in a seeded random order, until every queue is empty; the same
 * seed replays the same schedule. With threads, a non-zero seed randomises victims and slips
 * random yields in (STYLE.md habit 3): print it when a test fails.
 */
#ifndef HS_SCHEDULER_H
#define HS_SCHEDULER_H

#include "runq.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum SchedState {
    SCHED_WAITING = 0,          /* not queued, not running: blocked in receive, or not started */
    SCHED_RUNNABLE = 1,         /* in a run queue */
    SCHED_RUNNING = 2,          /* a scheduler is running its slice */
    SCHED_RUNNING_NOTIFIED = 3, /* running, and notified since: requeue, do not wait */
    SCHED_EXITED = 4,
} SchedState;

typedef enum SchedResult { SCHED_YIELD, SCHED_WAIT, SCHED_EXIT } SchedResult;

#define SCHED_NO_DEADLINE UINT64_MAX
#define SCHED_MAX_THREADS 1024

/* The struct around a link: SCHED_OWNER(l, Process, sched) gives the Process. */
#define SCHED_OWNER(link, type, member) ((type *)(void *)((char *)(link) - offsetof(type, member)))

typedef struct SchedConfig {
    unsigned n_schedulers;  /* 0: online cores; at most SCHED_MAX_THREADS */
    uint64_t seed;          /* 0: plain; else seeded victims/order and random yields */
    void *ctx;              /* passed to every callback */
    /* [scheduler thread] Runs one slice of the unit. Required. */
    SchedResult (*run)(void *ctx, unsigned sched_id, SchedLink *l);
    /* [scheduler thread] After a unit returned SCHED_EXIT and became EXITED. Optional. */
    void (*exited)(void *ctx, unsigned sched_id, SchedLink *l);
    /* [scheduler thread] Called before each pick of work: fire due timers (sched_notify the
     * processes they wake). Optional. */
    void (*advance_timers)(void *ctx, unsigned sched_id);
    /* [scheduler thread] The earliest pending deadline of this scheduler's timers, in
     * sched_now_ms() milliseconds, or SCHED_NO_DEADLINE; bounds the idle sleep. Optional. */
    uint64_t (*next_deadline_ms)(void *ctx, unsigned sched_id);
    /* [scheduler thread] First and last thing each thread does (per-thread VM state). Optional. */
    void (*thread_start)(void *ctx, unsigned sched_id);
    void (*thread_stop)(void *ctx, unsigned sched_id);
} SchedConfig;

typedef struct Sched Sched;

/* Per scheduler, readable from any thread while it runs (each figure is a relaxed read). */
typedef struct SchedStats {
    uint32_t run_queue[SCHED_NPRIO]; /* units waiting, by SchedPrio */
    uint64_t context_switches;       /* slices run */
    uint64_t steals;                 /* successful steal operations by this scheduler */
    uint64_t stolen;                 /* units this scheduler took from others */
    uint64_t sleeps;                 /* times it went to sleep */
    uint64_t wakeups;                /* times another thread woke it */
    uint64_t cpu_ns;                 /* thread CPU time (0 when its thread is not running) */
} SchedStats;

/* Creates the schedulers (no threads yet). Returns NULL on a bad config or out of memory. */
Sched *sched_new(const SchedConfig *cfg);
/* Frees a stopped (or never started) Sched. Units still queued are left to their owner. */
void sched_free(Sched *s);
/* Starts the threads. Returns false if a thread could not be created (none are then left). */
bool sched_start(Sched *s);
/* [any thread] Asks every scheduler to stop after its current slice and wakes them. */
void sched_halt(Sched *s);
/* Waits for the threads to stop (after sched_halt); not from a scheduler thread. */
void sched_wait(Sched *s);
/* sched_halt then sched_wait: the runtime's halt path. */
void sched_stop(Sched *s);

/* Deterministic mode: runs steps on the calling thread until all queues are empty; returns the
 * number of slices run. Not with sched_start. Callbacks may notify and spawn from inside. */
uint64_t sched_run_until_idle(Sched *s);

/* Initialises a link: WAITING at prio, home scheduler 0. Before any other use of the link. */
void sched_link_init(SchedLink *l, SchedPrio prio);
/* [any thread] Queues a new (WAITING, never run) unit: on the calling scheduler's queue when
 * called from one, else round-robin. */
void sched_spawn(Sched *s, SchedLink *l);
/* Same, on scheduler sched_id's queue (tests, and placement policies). */
void sched_spawn_on(Sched *s, SchedLink *l, unsigned sched_id);
/* [any thread] After pushing a signal to l's process: makes it runnable if it waits. Returns
 * true when this call queued it. */
bool sched_notify(Sched *s, SchedLink *l);
/* [any thread] process_flag(priority): applies from the next time the unit is queued. */
void sched_set_prio(SchedLink *l, SchedPrio prio);
/* [any thread] Wakes scheduler sched_id if it sleeps: a timer module calls this after adding a
 * deadline earlier than the one that scheduler sleeps towards. */
void sched_wake(Sched *s, unsigned sched_id);

/* [any thread] The state word, for process_info(status): WAITING is waiting, RUNNABLE
 * runnable, RUNNING and RUNNING_NOTIFIED running, EXITED exiting. Stale as soon as read. */
SchedState sched_status(SchedLink *l);

/* [any thread] Queries. */
unsigned sched_count(const Sched *s);
void sched_stats(Sched *s, unsigned sched_id, SchedStats *out);
uint64_t sched_run_queue_total(Sched *s); /* statistics(run_queue) */
/* Schedulers asleep (or about to sleep) right now. */
unsigned sched_sleeping(Sched *s);
/* The id of the scheduler running on this thread, or -1 outside any scheduler of s. */
int sched_current(const Sched *s);
/* CLOCK_MONOTONIC in milliseconds: the time base of next_deadline_ms. */
uint64_t sched_now_ms(void);
/* Online cores (the default scheduler count). */
unsigned sched_online_cores(void);

#endif
