/*
 * runq.h — one scheduler's run queue: a FIFO per priority level, under one mutex.
 *
 * The unit of work is a SchedLink, a small struct that the Process (or a test's fake process)
 * embeds; the queue never sees the struct around it. A link is in at most one run queue at a
 * time, and only while its state word (scheduler.h) says SCHED_RUNNABLE: the scheduler module
 * guarantees that, this module trusts it.
 *
 * Why a mutex and not a lock-free deque: BEAM's run queues are mutex-protected too; a push or a
 * pop holds the lock for a handful of instructions, wakers and thieves touch a queue rarely
 * compared with its owner, and an intrusive lock-free work-stealing deque (Chase-Lev) needs a
 * growable array, which would cost memory per process. Stealing takes half of a queue in one
 * lock hold (runq_steal), so a thief does not come back once per process.
 *
 * Levels, as OTP: max > high > normal > low. max and high are strict (a lower level runs only
 * when every higher one is empty). low shares the normal level's turn: when both have work, one
 * pop in RUNQ_LOW_EVERY takes a low process, as OTP's RESCHEDULE_LOW lets a low process through
 * after being skipped 8 times.
 *
 * Lengths are atomics so that statistics(run_queue) and the sleep protocol can read them
 * without the lock; they change only under the lock.
 */
#ifndef HS_RUNQ_H
#define HS_RUNQ_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

typedef enum SchedPrio {
    SCHED_PRIO_MAX = 0,
    SCHED_PRIO_HIGH = 1,
    SCHED_PRIO_NORMAL = 2,
    SCHED_PRIO_LOW = 3,
} SchedPrio;
#define SCHED_NPRIO 4
#define RUNQ_LOW_EVERY 8

/*
 * Embedded in every schedulable unit (Process). Who touches what:
 *   next   [run-queue lock] the intrusive link, meaningful only while queued
 *   state  [any thread] SchedState (scheduler.h), changed only by the transitions scheduler.c makes
 *   prio   [any thread, relaxed] SchedPrio, read when the unit is queued
 *   home   [any thread, relaxed] the scheduler that ran it last: sched_notify queues it there
 */
typedef struct SchedLink {
    struct SchedLink *next;
    _Atomic uint32_t state;
    _Atomic uint8_t prio;
    _Atomic uint16_t home;
} SchedLink;

typedef struct RunQueue {
    pthread_mutex_t lock;
    SchedLink *head[SCHED_NPRIO], *tail[SCHED_NPRIO]; /* [lock] */
    unsigned low_turn;                                /* [lock] normal pops since a low one */
    _Atomic uint32_t len[SCHED_NPRIO];                /* [lock] to write, [any thread] to read */
    _Atomic uint32_t total;                           /* sum of len: read by the sleep protocol */
} RunQueue;

void runq_init(RunQueue *rq);
void runq_destroy(RunQueue *rq);
/* Appends l at level prio; returns the queue's total length after the push. */
uint32_t runq_push(RunQueue *rq, SchedLink *l, unsigned prio);
/* Appends a list linked through next (each at its own prio); returns the total after. */
uint32_t runq_push_list(RunQueue *rq, SchedLink *list);
/* The next link by priority, or NULL when empty. */
SchedLink *runq_pop(RunQueue *rq);
/* Takes half of the queue (rounded up, at most max), highest levels first, oldest first, as a
 * list linked through next; returns how many. For a thief: the victim's lock only. */
unsigned runq_steal(RunQueue *rq, SchedLink **list, unsigned max);
/* [any thread] Total length; seq_cst because the sleep protocol pairs it with the sleep flag. */
uint32_t runq_total(RunQueue *rq);
/* [any thread, relaxed] Length at one level, for statistics. */
uint32_t runq_len(RunQueue *rq, unsigned prio);

#endif
