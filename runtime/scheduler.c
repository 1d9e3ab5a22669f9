/*
 * scheduler.c — scheduler threads, the state word, stealing, sleep and wake.
 * The protocol and the reasons for each memory order: docs/scheduling.md.
 */
#include "scheduler.h"

#include <assert.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SPIN_ROUNDS 4 /* own-queue + steal attempts (with a yield between) before sleeping */
#define STEAL_MAX 64  /* units taken per steal at most */

/* Worker.sleep_state. WOKEN_SEARCHING: the waker handed this worker the search token (it is
 * counted in n_searching and must give the token back). */
enum { SLEEP_AWAKE, SLEEP_SLEEPING, SLEEP_WOKEN, SLEEP_WOKEN_SEARCHING };

typedef struct Worker {
    _Alignas(64) RunQueue rq;        /* [any thread] its own lock */
    struct Sched *s;
    unsigned id;
    pthread_t thread;                /* written before thread_live is published */
    _Atomic bool thread_live;
    pthread_mutex_t sleep_lock;
    pthread_cond_t sleep_cond;       /* CLOCK_MONOTONIC */
    _Atomic int sleep_state;         /* [any thread] SLEEP_* */
    bool searching;                  /* [owner] holds a search token (counted in n_searching) */
    uint64_t rng;                    /* [owner] victims, seeded placement and yields */
    _Atomic uint64_t switches, steals, stolen, sleeps, wakeups; /* [owner] writes, relaxed */
} Worker;

struct Sched {
    SchedConfig cfg;
    unsigned n;
    Worker *w;
    bool started;                    /* [starter] */
    _Atomic int halting;             /* [any thread] */
    _Atomic int n_searching;         /* schedulers looking for work (Go's nmspinning) */
    _Atomic unsigned n_sleeping;     /* schedulers in sleep_until_work */
    _Atomic unsigned spawn_rr;       /* round-robin placement of spawns from outside */
    uint64_t det_rng;                /* [run_until_idle caller] */
    unsigned det_rr;
};

/* The worker this thread is (a scheduler thread, or the deterministic loop's current step). */
static _Thread_local Worker *cur_worker;

static uint64_t rng_next(uint64_t *x)
{
    uint64_t v = *x; /* xorshift64* */
    v ^= v >> 12;
    v ^= v << 25;
    v ^= v >> 27;
    *x = v;
    return v * 0x2545F4914F6CDD1DULL;
}

static void stat_add(_Atomic uint64_t *c, uint64_t n)
{
    /* relaxed: statistics; only the owner writes, readers want a recent figure */
    atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

uint64_t sched_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

unsigned sched_online_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

/* ---- creation ---------------------------------------------------------------------------- */

static void worker_init(Sched *s, Worker *w, unsigned id)
{
    memset(w, 0, sizeof *w);
    runq_init(&w->rq);
    w->s = s;
    w->id = id;
    atomic_init(&w->thread_live, false);
    pthread_mutex_init(&w->sleep_lock, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->sleep_cond, &ca);
    pthread_condattr_destroy(&ca);
    atomic_init(&w->sleep_state, SLEEP_AWAKE);
    w->rng = ((s->cfg.seed ? s->cfg.seed : 0x853C49E6748FEA9BULL) ^
              (0x9E3779B97F4A7C15ULL * (id + 1))) | 1;
    atomic_init(&w->switches, 0);
    atomic_init(&w->steals, 0);
    atomic_init(&w->stolen, 0);
    atomic_init(&w->sleeps, 0);
    atomic_init(&w->wakeups, 0);
}

Sched *sched_new(const SchedConfig *cfg)
{
    if (!cfg || !cfg->run) return NULL;
    unsigned n = cfg->n_schedulers ? cfg->n_schedulers : sched_online_cores();
    if (n > SCHED_MAX_THREADS) return NULL;
    Sched *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    size_t bytes = (n * sizeof(Worker) + 63) / 64 * 64;
    s->w = aligned_alloc(64, bytes);
    if (!s->w) {
        free(s);
        return NULL;
    }
    s->cfg = *cfg;
    s->n = n;
    atomic_init(&s->halting, 0);
    atomic_init(&s->n_searching, 0);
    atomic_init(&s->n_sleeping, 0);
    atomic_init(&s->spawn_rr, 0);
    s->det_rng = (cfg->seed ? cfg->seed : 1) | 1;
    for (unsigned i = 0; i < n; i++) worker_init(s, &s->w[i], i);
    return s;
}

void sched_free(Sched *s)
{
    if (!s) return;
    for (unsigned i = 0; i < s->n; i++) {
        runq_destroy(&s->w[i].rq);
        pthread_mutex_destroy(&s->w[i].sleep_lock);
        pthread_cond_destroy(&s->w[i].sleep_cond);
    }
    free(s->w);
    free(s);
}

unsigned sched_count(const Sched *s) { return s->n; }

int sched_current(const Sched *s)
{
    Worker *w = cur_worker;
    return w && w->s == s ? (int)w->id : -1;
}

/* ---- sleep and wake ---------------------------------------------------------------------- */

/* Wakes v if it sleeps, telling it how (SLEEP_WOKEN or SLEEP_WOKEN_SEARCHING). The CAS is
 * seq_cst: it is the waker's half of the Dekker pair with sleep_until_work (the unit was pushed
 * by a seq_cst RMW before it; the sleeper stores SLEEPING then reads the queues, seq_cst). */
static bool try_wake(Worker *v, int how)
{
    int expect = SLEEP_SLEEPING;
    if (!atomic_compare_exchange_strong_explicit(&v->sleep_state, &expect, how,
                                                 memory_order_seq_cst, memory_order_seq_cst))
        return false;
    /* Under the lock: the sleeper checks sleep_state under it before waiting, so the signal
     * cannot fall between its check and its wait. */
    pthread_mutex_lock(&v->sleep_lock);
    pthread_cond_signal(&v->sleep_cond);
    pthread_mutex_unlock(&v->sleep_lock);
    return true;
}

void sched_wake(Sched *s, unsigned sched_id)
{
    if (sched_id < s->n) try_wake(&s->w[sched_id], SLEEP_WOKEN);
}

/* Wakes one sleeping scheduler to steal, unless one is already searching (it will find the
 * work, or hand the search on when it finds some: stop_searching). The search token is taken
 * before the wake so that simultaneous enqueues wake one sleeper, not all (no thundering
 * herd). seq_cst: pairs with a searcher's seq_cst decrement followed by its seq_cst re-check
 * of the queues before sleeping; if we saw it searching, it sees our push. */
static void wake_idle(Sched *s)
{
    if (!s->started || s->n < 2) return;
    /* Plain loads first: when every scheduler is busy (nobody sleeps) or one already searches,
     * this costs no RMW on the shared counters, which every requeue of a yielding process would
     * otherwise hit. seq_cst as the rest of the protocol; a stale answer only skips a wake that
     * liveness does not need (the queue's owner is awake). */
    if (atomic_load_explicit(&s->n_sleeping, memory_order_seq_cst) == 0 ||
        atomic_load_explicit(&s->n_searching, memory_order_seq_cst) != 0)
        return;
    int expect = 0;
    if (!atomic_compare_exchange_strong_explicit(&s->n_searching, &expect, 1,
                                                 memory_order_seq_cst, memory_order_seq_cst))
        return;
    /* seq_cst: read after our push like every other read of the sleep protocol */
    if (atomic_load_explicit(&s->n_sleeping, memory_order_seq_cst) != 0) {
        Worker *cw = cur_worker;
        unsigned start = cw && cw->s == s ? cw->id + 1 : 0;
        for (unsigned i = 0; i < s->n; i++)
            if (try_wake(&s->w[(start + i) % s->n], SLEEP_WOKEN_SEARCHING)) return;
    }
    /* Nobody asleep: give the token back. The unit's queue owner is awake and will run it. */
    atomic_fetch_sub_explicit(&s->n_searching, 1, memory_order_seq_cst);
}

/* After a push that left w's queue at len: wake its owner if it sleeps; else, when w has more
 * than the unit it is about to run, wake an idle scheduler to steal. */
static void after_push(Sched *s, Worker *w, uint32_t len)
{
    if (!s->started) return;
    /* seq_cst: the Dekker pair with sleep_until_work (our push's seq_cst RMW of total came
     * first; the sleeper stored SLEEPING, then reads the totals): one of us sees the other. */
    if (atomic_load_explicit(&w->sleep_state, memory_order_seq_cst) == SLEEP_SLEEPING &&
        try_wake(w, SLEEP_WOKEN))
        return;
    if (len >= 2) wake_idle(s);
}

static bool any_work(Sched *s)
{
    for (unsigned i = 0; i < s->n; i++)
        if (runq_total(&s->w[i].rq) != 0) return true; /* seq_cst read (runq.h) */
    return false;
}

static bool halting(Sched *s)
{
    /* seq_cst: read after publishing SLEEPING, the Dekker pair with sched_halt's store */
    return atomic_load_explicit(&s->halting, memory_order_seq_cst) != 0;
}

static void stop_searching(Worker *w, bool found)
{
    if (!w->searching) return;
    w->searching = false;
    Sched *s = w->s;
    /* seq_cst: pairs with wake_idle's CAS (see there) */
    int before = atomic_fetch_sub_explicit(&s->n_searching, 1, memory_order_seq_cst);
    /* The last searcher found work: there may be more, so hand the search on (Go's
     * resetspinning). Without this, a burst queued while one thief searched would wait for
     * its queue's owner. */
    if (found && before == 1) {
        for (unsigned i = 0; i < s->n; i++)
            if (runq_total(&s->w[i].rq) != 0) {
                wake_idle(s);
                break;
            }
    }
}

/* Sleeps until woken, halted or the deadline (SCHED_NO_DEADLINE: none). The sleeper's half of
 * the protocol: publish SLEEPING (seq_cst), then look at every queue and the halt flag
 * (seq_cst); a pusher does the mirror image, so a unit is never left queued while all sleep. */
static void sleep_until_work(Worker *w, uint64_t deadline_ms)
{
    Sched *s = w->s;
    pthread_mutex_lock(&w->sleep_lock);
    /* seq_cst: wake_idle reads n_sleeping after its push */
    atomic_fetch_add_explicit(&s->n_sleeping, 1, memory_order_seq_cst);
    atomic_store_explicit(&w->sleep_state, SLEEP_SLEEPING, memory_order_seq_cst);
    if (!halting(s) && !any_work(s)) {
        stat_add(&w->sleeps, 1);
        struct timespec ts;
        if (deadline_ms != SCHED_NO_DEADLINE) {
            ts.tv_sec = (time_t)(deadline_ms / 1000u);
            ts.tv_nsec = (long)(deadline_ms % 1000u) * 1000000L;
        }
        /* acquire: a waker's CAS is seq_cst; nothing else to see here but the flag */
        while (atomic_load_explicit(&w->sleep_state, memory_order_acquire) == SLEEP_SLEEPING &&
               !halting(s)) {
            if (deadline_ms == SCHED_NO_DEADLINE)
                pthread_cond_wait(&w->sleep_cond, &w->sleep_lock);
            else if (pthread_cond_timedwait(&w->sleep_cond, &w->sleep_lock, &ts) == ETIMEDOUT)
                break;
        }
    }
    /* acq_rel: learn whether a waker handed us the search token (its CAS may race our timeout
     * or our early return; the exchange settles who came last). */
    int was = atomic_exchange_explicit(&w->sleep_state, SLEEP_AWAKE, memory_order_acq_rel);
    atomic_fetch_sub_explicit(&s->n_sleeping, 1, memory_order_seq_cst); /* as the add above */
    pthread_mutex_unlock(&w->sleep_lock);
    if (was == SLEEP_WOKEN || was == SLEEP_WOKEN_SEARCHING) stat_add(&w->wakeups, 1);
    if (was == SLEEP_WOKEN_SEARCHING) w->searching = true;
}

/* ---- queuing ----------------------------------------------------------------------------- */

static void enqueue(Sched *s, Worker *w, SchedLink *l)
{
    /* relaxed: priority is advisory; process_flag(priority) may change it at any time */
    unsigned prio = atomic_load_explicit(&l->prio, memory_order_relaxed);
    uint32_t len = runq_push(&w->rq, l, prio);
    after_push(s, w, len);
}

/* Where a unit made runnable goes: the scheduler doing it when that is one of ours (the sender
 * usually waits next, so the receiver runs hot on the same core, as Go's runnext; stealing
 * spreads the load), else the unit's home (timers, outside threads). The seeded mode sends a
 * quarter of them to a random scheduler to stir the interleavings. */
static Worker *place(Sched *s, SchedLink *l)
{
    Worker *cw = cur_worker;
    if (cw && cw->s == s) {
        if (s->cfg.seed && (rng_next(&cw->rng) & 3) == 0)
            return &s->w[rng_next(&cw->rng) % s->n];
        return cw;
    }
    /* relaxed: a placement hint; the state word orders everything that matters */
    unsigned home = atomic_load_explicit(&l->home, memory_order_relaxed);
    return &s->w[home < s->n ? home : 0];
}

void sched_link_init(SchedLink *l, SchedPrio prio)
{
    l->next = NULL;
    atomic_init(&l->state, SCHED_WAITING);
    atomic_init(&l->prio, (uint8_t)prio);
    atomic_init(&l->home, 0);
}

void sched_set_prio(SchedLink *l, SchedPrio prio)
{
    /* relaxed: read at the next enqueue; a stale read only delays the change by one queuing */
    atomic_store_explicit(&l->prio, (uint8_t)prio, memory_order_relaxed);
}

static void make_runnable_new(SchedLink *l)
{
    uint32_t expect = SCHED_WAITING;
    /* acq_rel: release publishes the spawner's initialisation of the process to the runner
     * (the queue lock does too); acquire is moot for a unit never run. */
    bool ok = atomic_compare_exchange_strong_explicit(&l->state, &expect, SCHED_RUNNABLE,
                                                      memory_order_acq_rel,
                                                      memory_order_relaxed);
    assert(ok && "sched_spawn of a unit that is not new");
    (void)ok;
}

void sched_spawn_on(Sched *s, SchedLink *l, unsigned sched_id)
{
    Worker *w = &s->w[sched_id < s->n ? sched_id : 0];
    /* relaxed: hint, see place() */
    atomic_store_explicit(&l->home, (uint16_t)w->id, memory_order_relaxed);
    make_runnable_new(l);
    enqueue(s, w, l);
}

void sched_spawn(Sched *s, SchedLink *l)
{
    Worker *cw = cur_worker;
    unsigned id;
    if (cw && cw->s == s)
        id = cw->id;
    else /* relaxed: any spread will do */
        id = atomic_fetch_add_explicit(&s->spawn_rr, 1, memory_order_relaxed) % s->n;
    sched_spawn_on(s, l, id);
}

bool sched_notify(Sched *s, SchedLink *l)
{
    /* relaxed first read: the CAS below re-reads with the right order */
    uint32_t st = atomic_load_explicit(&l->state, memory_order_relaxed);
    for (;;) {
        if (st == SCHED_WAITING) {
            /* acq_rel: acquire pairs with the runner's release CAS to WAITING, so we read the
             * unit's home and the next runner (via the queue lock) sees the last slice's
             * writes; release orders the caller's signal push before the unit is queued. */
            if (atomic_compare_exchange_weak_explicit(&l->state, &st, SCHED_RUNNABLE,
                                                      memory_order_acq_rel,
                                                      memory_order_relaxed)) {
                enqueue(s, place(s, l), l);
                return true;
            }
        } else if (st == SCHED_RUNNING) {
            /* release: the runner's failing CAS (RUNNING -> WAITING) reads this value; the
             * signal itself is published by the mailbox's own release. */
            if (atomic_compare_exchange_weak_explicit(&l->state, &st, SCHED_RUNNING_NOTIFIED,
                                                      memory_order_release,
                                                      memory_order_relaxed))
                return false;
        } else {
            return false; /* RUNNABLE or NOTIFIED: it will look at its mailbox; EXITED: gone */
        }
    }
}

/* ---- running ----------------------------------------------------------------------------- */

static void requeue(Worker *w, SchedLink *l)
{
    /* release: documents that the slice's writes go with the unit to its next runner (the
     * queue lock carries them as well). Exchange, not store: the assert sees what it replaced. */
    uint32_t was = atomic_exchange_explicit(&l->state, SCHED_RUNNABLE, memory_order_release);
    assert(was == SCHED_RUNNING || was == SCHED_RUNNING_NOTIFIED);
    (void)was;
    enqueue(w->s, w, l);
}

static void run_one(Worker *w, SchedLink *l)
{
    Sched *s = w->s;
    /* relaxed: placement hint for outside notifiers */
    atomic_store_explicit(&l->home, (uint16_t)w->id, memory_order_relaxed);
    /* acquire: pairs with the release that made it RUNNABLE (requeue/notify/spawn); the queue
     * lock we popped it under orders the same things, this states it at the state word. */
    uint32_t was = atomic_exchange_explicit(&l->state, SCHED_RUNNING, memory_order_acquire);
    assert(was == SCHED_RUNNABLE && "a unit was run twice or popped while not runnable");
    (void)was;
    stat_add(&w->switches, 1);
    SchedResult r = s->cfg.run(s->cfg.ctx, w->id, l);
    if (r == SCHED_YIELD) {
        requeue(w, l);
    } else if (r == SCHED_WAIT) {
        uint32_t expect = SCHED_RUNNING;
        /* release on success: a notifier that acquires WAITING passes this slice's writes on.
         * relaxed on failure: the value is RUNNING_NOTIFIED and we only requeue. */
        if (!atomic_compare_exchange_strong_explicit(&l->state, &expect, SCHED_WAITING,
                                                     memory_order_release,
                                                     memory_order_relaxed)) {
            assert(expect == SCHED_RUNNING_NOTIFIED);
            requeue(w, l);
        }
    } else {
        /* release: a notifier that reads EXITED reads it after the last slice's writes */
        atomic_store_explicit(&l->state, SCHED_EXITED, memory_order_release);
        if (s->cfg.exited) s->cfg.exited(s->cfg.ctx, w->id, l);
    }
}

static SchedLink *steal(Worker *w)
{
    Sched *s = w->s;
    if (s->n < 2) return NULL;
    unsigned start = (unsigned)(rng_next(&w->rng) % s->n);
    for (unsigned i = 0; i < s->n; i++) {
        Worker *v = &s->w[(start + i) % s->n];
        if (v == w) continue;
        SchedLink *list;
        unsigned got = runq_steal(&v->rq, &list, STEAL_MAX);
        if (!got) continue;
        stat_add(&w->steals, 1);
        stat_add(&w->stolen, got);
        if (list->next) runq_push_list(&w->rq, list->next);
        list->next = NULL;
        return list;
    }
    return NULL;
}

/* Own queue empty: search (steal, a few rounds with a yield between), holding a search token. */
static SchedLink *find_work(Worker *w)
{
    Sched *s = w->s;
    if (!w->searching) {
        /* seq_cst: see wake_idle */
        atomic_fetch_add_explicit(&s->n_searching, 1, memory_order_seq_cst);
        w->searching = true;
    }
    SchedLink *l = NULL;
    for (unsigned round = 0; round < SPIN_ROUNDS && !l; round++) {
        if (round) sched_yield();
        l = runq_pop(&w->rq);
        if (!l) l = steal(w);
        if (halting(s)) break;
    }
    stop_searching(w, l != NULL);
    return l;
}

static void *worker_main(void *arg)
{
    Worker *w = arg;
    Sched *s = w->s;
    cur_worker = w;
    if (s->cfg.thread_start) s->cfg.thread_start(s->cfg.ctx, w->id);
    /* acquire: everything sched_halt's caller did before halting is visible on the way out */
    while (!atomic_load_explicit(&s->halting, memory_order_acquire)) {
        if (s->cfg.advance_timers) s->cfg.advance_timers(s->cfg.ctx, w->id);
        SchedLink *l = runq_pop(&w->rq);
        if (l)
            stop_searching(w, true);
        else
            l = find_work(w);
        if (l) {
            run_one(w, l);
            if (s->cfg.seed && (rng_next(&w->rng) & 15) == 0) sched_yield();
            continue;
        }
        uint64_t deadline = s->cfg.next_deadline_ms
                                ? s->cfg.next_deadline_ms(s->cfg.ctx, w->id)
                                : SCHED_NO_DEADLINE;
        if (deadline != SCHED_NO_DEADLINE && deadline <= sched_now_ms()) continue;
        sleep_until_work(w, deadline);
    }
    stop_searching(w, false);
    if (s->cfg.thread_stop) s->cfg.thread_stop(s->cfg.ctx, w->id);
    cur_worker = NULL;
    return NULL;
}

/* ---- threads ----------------------------------------------------------------------------- */

bool sched_start(Sched *s)
{
    if (s->started) return false;
    s->started = true;
    for (unsigned i = 0; i < s->n; i++) {
        Worker *w = &s->w[i];
        if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
            sched_stop(s);
            s->started = false;
            return false;
        }
        /* release: publishes w->thread to sched_stats readers */
        atomic_store_explicit(&w->thread_live, true, memory_order_release);
    }
    return true;
}

void sched_halt(Sched *s)
{
    /* seq_cst: the Dekker pair with a sleeper's SLEEPING store then halting() read */
    atomic_store_explicit(&s->halting, 1, memory_order_seq_cst);
    for (unsigned i = 0; i < s->n; i++) try_wake(&s->w[i], SLEEP_WOKEN);
}

void sched_wait(Sched *s)
{
    for (unsigned i = 0; i < s->n; i++) {
        Worker *w = &s->w[i];
        /* acquire: see sched_start */
        if (atomic_load_explicit(&w->thread_live, memory_order_acquire)) {
            pthread_join(w->thread, NULL);
            atomic_store_explicit(&w->thread_live, false, memory_order_relaxed); /* joined */
        }
    }
}

void sched_stop(Sched *s)
{
    sched_halt(s);
    sched_wait(s);
}

/* ---- deterministic mode ------------------------------------------------------------------ */

uint64_t sched_run_until_idle(Sched *s)
{
    assert(!s->started && "sched_run_until_idle with threads running");
    uint64_t slices = 0;
    Worker *saved = cur_worker;
    while (!halting(s) && any_work(s)) {
        unsigned id = s->cfg.seed ? (unsigned)(rng_next(&s->det_rng) % s->n) : s->det_rr++ % s->n;
        Worker *w = &s->w[id];
        cur_worker = w;
        if (s->cfg.advance_timers) s->cfg.advance_timers(s->cfg.ctx, w->id);
        SchedLink *l = runq_pop(&w->rq);
        if (!l) l = steal(w);
        if (l) {
            run_one(w, l);
            slices++;
        }
    }
    cur_worker = saved;
    return slices;
}

/* ---- statistics -------------------------------------------------------------------------- */

void sched_stats(Sched *s, unsigned sched_id, SchedStats *out)
{
    memset(out, 0, sizeof *out);
    if (sched_id >= s->n) return;
    Worker *w = &s->w[sched_id];
    for (unsigned p = 0; p < SCHED_NPRIO; p++) out->run_queue[p] = runq_len(&w->rq, p);
    /* relaxed: statistics (see stat_add) */
    out->context_switches = atomic_load_explicit(&w->switches, memory_order_relaxed);
    out->steals = atomic_load_explicit(&w->steals, memory_order_relaxed);
    out->stolen = atomic_load_explicit(&w->stolen, memory_order_relaxed);
    out->sleeps = atomic_load_explicit(&w->sleeps, memory_order_relaxed);
    out->wakeups = atomic_load_explicit(&w->wakeups, memory_order_relaxed);
    clockid_t cid;
    /* acquire: see sched_start (w->thread is valid once thread_live reads true) */
    if (atomic_load_explicit(&w->thread_live, memory_order_acquire) &&
        pthread_getcpuclockid(w->thread, &cid) == 0) {
        struct timespec ts;
        if (clock_gettime(cid, &ts) == 0)
            out->cpu_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    }
}

uint64_t sched_run_queue_total(Sched *s)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < s->n; i++) n += runq_total(&s->w[i].rq);
    return n;
}

unsigned sched_sleeping(Sched *s)
{
    return atomic_load_explicit(&s->n_sleeping, memory_order_relaxed); /* statistics */
}

SchedState sched_status(SchedLink *l)
{
    return (SchedState)atomic_load_explicit(&l->state, memory_order_relaxed); /* a snapshot */
}
