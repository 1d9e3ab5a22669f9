/*
 * runq.c — per-scheduler run queues (see runq.h for the policy and docs/scheduling.md).
 */
#include "runq.h"

#include <assert.h>
#include <stddef.h>

void runq_init(RunQueue *rq)
{
    pthread_mutex_init(&rq->lock, NULL);
    for (unsigned i = 0; i < SCHED_NPRIO; i++) {
        rq->head[i] = rq->tail[i] = NULL;
        atomic_init(&rq->len[i], 0);
    }
    rq->low_turn = 0;
    atomic_init(&rq->total, 0);
}

void runq_destroy(RunQueue *rq)
{
    pthread_mutex_destroy(&rq->lock);
}

/* Lengths change under the lock; readers outside it want a recent value only (relaxed), except
 * total, which the sleep protocol reads after publishing its sleep flag: the seq_cst RMW here
 * and the seq_cst load in runq_total order "pushed" against "went to sleep" (scheduler.c). */
static void count(RunQueue *rq, unsigned prio, int delta)
{
    atomic_fetch_add_explicit(&rq->len[prio], (uint32_t)delta, memory_order_relaxed);
    atomic_fetch_add_explicit(&rq->total, (uint32_t)delta, memory_order_seq_cst);
}

static void append(RunQueue *rq, SchedLink *l, unsigned prio)
{
    l->next = NULL;
    if (rq->tail[prio])
        rq->tail[prio]->next = l;
    else
        rq->head[prio] = l;
    rq->tail[prio] = l;
    count(rq, prio, 1);
}

static SchedLink *take(RunQueue *rq, unsigned prio)
{
    SchedLink *l = rq->head[prio];
    if (!l) return NULL;
    rq->head[prio] = l->next;
    if (!rq->head[prio]) rq->tail[prio] = NULL;
    l->next = NULL;
    count(rq, prio, -1);
    return l;
}

static unsigned clamp_prio(unsigned prio)
{
    return prio < SCHED_NPRIO ? prio : SCHED_PRIO_NORMAL;
}

uint32_t runq_push(RunQueue *rq, SchedLink *l, unsigned prio)
{
    pthread_mutex_lock(&rq->lock);
    append(rq, l, clamp_prio(prio));
    uint32_t n = atomic_load_explicit(&rq->total, memory_order_relaxed); /* under the lock */
    pthread_mutex_unlock(&rq->lock);
    return n;
}

uint32_t runq_push_list(RunQueue *rq, SchedLink *list)
{
    pthread_mutex_lock(&rq->lock);
    while (list) {
        SchedLink *next = list->next;
        /* relaxed: prio is advisory (process_flag may change it at any time) */
        append(rq, list, clamp_prio(atomic_load_explicit(&list->prio, memory_order_relaxed)));
        list = next;
    }
    uint32_t n = atomic_load_explicit(&rq->total, memory_order_relaxed); /* under the lock */
    pthread_mutex_unlock(&rq->lock);
    return n;
}

/* Normal and low share a turn: low goes first when normal is empty or has had its
 * RUNQ_LOW_EVERY - 1 turns in a row while low waited. */
static SchedLink *pop_locked(RunQueue *rq)
{
    for (unsigned p = SCHED_PRIO_MAX; p < SCHED_PRIO_NORMAL; p++)
        if (rq->head[p]) return take(rq, p);
    if (rq->head[SCHED_PRIO_LOW] &&
        (!rq->head[SCHED_PRIO_NORMAL] || rq->low_turn >= RUNQ_LOW_EVERY - 1)) {
        rq->low_turn = 0;
        return take(rq, SCHED_PRIO_LOW);
    }
    if (rq->head[SCHED_PRIO_NORMAL] && rq->head[SCHED_PRIO_LOW]) rq->low_turn++;
    return take(rq, SCHED_PRIO_NORMAL);
}

SchedLink *runq_pop(RunQueue *rq)
{
    /* seq_cst is not needed for the early-out: an owner that misses a push made an instant ago
     * re-checks before sleeping (scheduler.c), and a push to a sleeping owner wakes it. */
    if (atomic_load_explicit(&rq->total, memory_order_relaxed) == 0) return NULL;
    pthread_mutex_lock(&rq->lock);
    SchedLink *l = pop_locked(rq);
    pthread_mutex_unlock(&rq->lock);
    return l;
}

unsigned runq_steal(RunQueue *rq, SchedLink **list, unsigned max)
{
    *list = NULL;
    /* relaxed: an empty-looking victim is skipped; the thief re-checks before it sleeps */
    if (atomic_load_explicit(&rq->total, memory_order_relaxed) == 0 || max == 0) return 0;
    SchedLink *first = NULL, *last = NULL;
    unsigned got = 0;
    pthread_mutex_lock(&rq->lock);
    unsigned want = (atomic_load_explicit(&rq->total, memory_order_relaxed) + 1) / 2;
    if (want > max) want = max;
    while (got < want) {
        SchedLink *l = pop_locked(rq);
        if (!l) break;
        if (last) last->next = l; else first = l;
        last = l;
        got++;
    }
    pthread_mutex_unlock(&rq->lock);
    *list = first;
    return got;
}

uint32_t runq_total(RunQueue *rq)
{
    return atomic_load_explicit(&rq->total, memory_order_seq_cst); /* pairs with count() */
}

uint32_t runq_len(RunQueue *rq, unsigned prio)
{
    /* relaxed: statistics only */
    return prio < SCHED_NPRIO ? atomic_load_explicit(&rq->len[prio], memory_order_relaxed) : 0;
}
