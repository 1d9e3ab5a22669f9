/*
 * test_sched.c — the scheduler (runtime/scheduler.h, runq.h) with fake processes: a struct
 * that embeds a SchedLink, a lock-free inbox of messages and a "running" flag that catches a
 * unit run by two threads at once.
 *
 * Expected values here are the scheduler's own contract (exactly-once delivery, priority order,
 * the steal-half rule), not OTP facts: nothing in this file is an Erlang-visible figure.
 * Threaded tests take HEAPSCOPE_SEED (th_seed) for the seeded mode; failures print it.
 */
#include "scheduler.h"
#include "testhelp.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- fake processes ---------------------------------------------------------------------- */

typedef struct Msg {
    struct Msg *next;
    unsigned token;
    unsigned hops_left;
} Msg;

typedef struct FakeProc {
    SchedLink link;
    _Atomic(Msg *) inbox;     /* [any thread] push; [owner] take all */
    _Atomic int running;      /* 1 while a scheduler runs it */
    _Atomic int pending;      /* counter mailbox (notify storm) */
    unsigned idx;
    unsigned received;        /* [owner] */
    unsigned slices;          /* [owner] */
    unsigned work_slices;     /* stealing test: slices to run before exiting */
    int ran_on;               /* [owner] last scheduler */
} FakeProc;

static void inbox_push(FakeProc *p, Msg *m)
{
    Msg *head = atomic_load_explicit(&p->inbox, memory_order_relaxed);
    do m->next = head;
    /* release: the receiver's acquire exchange sees the message's fields */
    while (!atomic_compare_exchange_weak_explicit(&p->inbox, &head, m, memory_order_release,
                                                  memory_order_relaxed));
}

static void procs_init(FakeProc *ps, unsigned n, SchedPrio prio)
{
    for (unsigned i = 0; i < n; i++) {
        memset(&ps[i], 0, sizeof ps[i]);
        sched_link_init(&ps[i].link, prio);
        atomic_init(&ps[i].inbox, NULL);
        atomic_init(&ps[i].running, 0);
        atomic_init(&ps[i].pending, 0);
        ps[i].idx = i;
        ps[i].ran_on = -1;
    }
}

/* Enter/leave a slice, counting any overlap. */
static _Atomic int overlaps;
static void slice_enter(FakeProc *p)
{
    if (atomic_exchange(&p->running, 1) != 0) atomic_fetch_add(&overlaps, 1);
}
static void slice_leave(FakeProc *p) { atomic_store(&p->running, 0); }

/* ---- the ring ---------------------------------------------------------------------------- */

typedef struct Ring {
    Sched *s;
    FakeProc *procs;
    unsigned n;
    Msg *msgs;
    unsigned n_tokens;
    _Atomic unsigned *token_done;
    _Atomic unsigned tokens_done;
    _Atomic uint64_t receptions;
    bool deterministic;
    uint64_t trace;            /* deterministic mode only: hash of (scheduler, process) */
} Ring;

/* Every 4th slice of a process "uses up its reductions" before reading its mailbox (SCHED_YIELD),
 * so the yield path and RUNNING_NOTIFIED both get exercised. */
static SchedResult ring_run(void *ctx, unsigned sched_id, SchedLink *l)
{
    Ring *r = ctx;
    FakeProc *p = SCHED_OWNER(l, FakeProc, link);
    slice_enter(p);
    p->ran_on = (int)sched_id;
    if (r->deterministic) r->trace = (r->trace ^ (sched_id * 1000003u + p->idx)) * 0x100000001B3ULL;
    if (p->slices++ % 4 == 3) {
        slice_leave(p);
        return SCHED_YIELD;
    }
    /* acquire: pairs with inbox_push's release */
    Msg *m = atomic_exchange_explicit(&p->inbox, NULL, memory_order_acquire);
    while (m) {
        Msg *next = m->next;
        p->received++;
        atomic_fetch_add_explicit(&r->receptions, 1, memory_order_relaxed);
        if (m->hops_left == 0) {
            atomic_fetch_add(&r->token_done[m->token], 1);
            atomic_fetch_add(&r->tokens_done, 1);
        } else {
            m->hops_left--;
            FakeProc *q = &r->procs[(p->idx + 1) % r->n];
            inbox_push(q, m);
            sched_notify(r->s, &q->link);
        }
        m = next;
    }
    slice_leave(p);
    return SCHED_WAIT;
}

/* n processes, k tokens spaced n/k apart, each received laps*n/k times: every process receives
 * exactly laps messages. */
static void ring_setup(Ring *r, Sched *s, unsigned n, unsigned k, unsigned laps)
{
    memset(r, 0, sizeof *r);
    r->s = s;
    r->n = n;
    r->n_tokens = k;
    r->procs = calloc(n, sizeof *r->procs);
    r->msgs = calloc(k, sizeof *r->msgs);
    r->token_done = calloc(k, sizeof *r->token_done);
    procs_init(r->procs, n, SCHED_PRIO_NORMAL);
    for (unsigned t = 0; t < k; t++) {
        r->msgs[t].token = t;
        r->msgs[t].hops_left = (unsigned)((uint64_t)laps * n / k - 1);
    }
}

static void ring_free(Ring *r)
{
    free(r->procs);
    free(r->msgs);
    free((void *)r->token_done);
}

/* Spawn every process (each runs once and waits, as a real one reaches receive), then send the
 * tokens from outside the schedulers. */
static void ring_launch(Ring *r)
{
    for (unsigned i = 0; i < r->n; i++) sched_spawn(r->s, &r->procs[i].link);
    for (unsigned t = 0; t < r->n_tokens; t++) {
        FakeProc *p = &r->procs[(uint64_t)t * r->n / r->n_tokens];
        inbox_push(p, &r->msgs[t]);
        sched_notify(r->s, &p->link);
    }
}

static void ring_check(Ring *r, unsigned laps)
{
    CHECK_EQ(atomic_load(&r->tokens_done), r->n_tokens);
    CHECK_EQ(atomic_load(&r->receptions), (uint64_t)laps * r->n);
    unsigned bad_tokens = 0, bad_procs = 0, not_waiting = 0;
    for (unsigned t = 0; t < r->n_tokens; t++) bad_tokens += atomic_load(&r->token_done[t]) != 1;
    for (unsigned i = 0; i < r->n; i++) {
        bad_procs += r->procs[i].received != laps;
        not_waiting += atomic_load(&r->procs[i].link.state) != SCHED_WAITING;
    }
    CHECK_EQ(bad_tokens, 0);
    CHECK_EQ(bad_procs, 0);
    CHECK_EQ(not_waiting, 0);
    CHECK_EQ(atomic_load(&overlaps), 0);
}

static void ring_threaded(unsigned n, unsigned k, unsigned laps, unsigned n_sched, uint64_t seed)
{
    Ring r;
    SchedConfig cfg = {.n_schedulers = n_sched, .seed = seed, .run = ring_run};
    cfg.ctx = &r;
    Sched *s = sched_new(&cfg);
    CHECK(s != NULL);
    if (!s) return;
    ring_setup(&r, s, n, k, laps);
    atomic_store(&overlaps, 0);
    CHECK(sched_start(s));
    ring_launch(&r);
    uint64_t t0 = now_ns();
    while (atomic_load(&r.tokens_done) < k && now_ns() - t0 < 120000000000ull) sleep_ms(1);
    /* the last reception may still be finishing its slice: let the queues drain */
    while (sched_run_queue_total(s) != 0 && now_ns() - t0 < 125000000000ull) sleep_ms(1);
    sleep_ms(20);
    sched_stop(s);
    ring_check(&r, laps);
    uint64_t switches = 0;
    for (unsigned i = 0; i < n_sched; i++) {
        SchedStats st;
        sched_stats(s, i, &st);
        switches += st.context_switches;
    }
    /* at least one slice per process (a slice may take several messages) */
    CHECK(switches >= (uint64_t)n);
    ring_free(&r);
    sched_free(s);
}

TEST(ring_one_token_100k_8_schedulers)
{
    ring_threaded(100000, 1, 10, 8, 0);
}

TEST(ring_1000_tokens_100k_8_schedulers_seeded)
{
    ring_threaded(100000, 1000, 10, 8, th_seed() | 1);
}

/* Deterministic mode: the same seed gives the same schedule (the trace), and exactly-once. */
static uint64_t ring_deterministic(uint64_t seed, uint64_t *steals)
{
    Ring r;
    SchedConfig cfg = {.n_schedulers = 4, .seed = seed, .run = ring_run};
    cfg.ctx = &r;
    Sched *s = sched_new(&cfg);
    ring_setup(&r, s, 1000, 10, 5);
    r.deterministic = true;
    atomic_store(&overlaps, 0);
    ring_launch(&r);
    uint64_t slices = sched_run_until_idle(s);
    ring_check(&r, 5);
    CHECK(slices >= 1000 + 5000);
    *steals = 0;
    for (unsigned i = 0; i < 4; i++) {
        SchedStats st;
        sched_stats(s, i, &st);
        *steals += st.steals;
    }
    uint64_t trace = r.trace;
    ring_free(&r);
    sched_free(s);
    return trace;
}

TEST(deterministic_replay)
{
    uint64_t seed = th_seed() | 1, st1, st2, st3;
    uint64_t a = ring_deterministic(seed, &st1);
    uint64_t b = ring_deterministic(seed, &st2);
    CHECK(a == b);
    CHECK_EQ(st1, st2);
    CHECK(st1 > 0);
    uint64_t c = ring_deterministic(seed + 2, &st3);
    CHECK(c != a);
}

/* ---- priorities -------------------------------------------------------------------------- */

typedef struct Order {
    unsigned seq[64];
    unsigned n;
    unsigned yields_left[64];
    FakeProc *procs;
} Order;

static SchedResult order_run(void *ctx, unsigned sched_id, SchedLink *l)
{
    Order *o = ctx;
    FakeProc *p = SCHED_OWNER(l, FakeProc, link);
    if (o->n < 64) o->seq[o->n++] = p->idx;
    if (o->yields_left[p->idx]) {
        o->yields_left[p->idx]--;
        return SCHED_YIELD;
    }
    return SCHED_EXIT;
}

TEST(priority_order_one_scheduler)
{
    Order o = {0};
    FakeProc ps[4];
    procs_init(ps, 4, SCHED_PRIO_NORMAL);
    sched_set_prio(&ps[2].link, SCHED_PRIO_HIGH);
    sched_set_prio(&ps[3].link, SCHED_PRIO_MAX);
    o.yields_left[2] = 2; /* high yields twice: it still runs before the normal ones */
    SchedConfig cfg = {.n_schedulers = 1, .run = order_run, .ctx = &o};
    Sched *s = sched_new(&cfg);
    for (unsigned i = 0; i < 4; i++) sched_spawn(s, &ps[i].link);
    CHECK_EQ(sched_run_queue_total(s), 4);
    SchedStats st;
    sched_stats(s, 0, &st);
    CHECK_EQ(st.run_queue[SCHED_PRIO_NORMAL], 2);
    CHECK_EQ(st.run_queue[SCHED_PRIO_HIGH], 1);
    CHECK_EQ(st.run_queue[SCHED_PRIO_MAX], 1);
    CHECK_EQ(sched_status(&ps[0].link), SCHED_RUNNABLE);
    CHECK_EQ(sched_run_until_idle(s), 6);
    unsigned want[] = {3, 2, 2, 2, 0, 1};
    CHECK_EQ(o.n, 6);
    for (unsigned i = 0; i < 6; i++) CHECK_EQ(o.seq[i], want[i]);
    for (unsigned i = 0; i < 4; i++) CHECK_EQ(atomic_load(&ps[i].link.state), SCHED_EXITED);
    sched_free(s);
}

/* low shares normal's turn: it gets through after RUNQ_LOW_EVERY - 1 normal pops. */
TEST(priority_low_gets_a_turn)
{
    Order o = {0};
    FakeProc ps[11];
    procs_init(ps, 11, SCHED_PRIO_NORMAL);
    sched_set_prio(&ps[0].link, SCHED_PRIO_LOW);
    SchedConfig cfg = {.n_schedulers = 1, .run = order_run, .ctx = &o};
    Sched *s = sched_new(&cfg);
    for (unsigned i = 0; i < 11; i++) sched_spawn(s, &ps[i].link);
    CHECK_EQ(sched_run_until_idle(s), 11);
    CHECK_EQ(o.n, 11);
    unsigned pos = 99;
    for (unsigned i = 0; i < o.n; i++)
        if (o.seq[i] == 0) pos = i;
    CHECK_EQ(pos, RUNQ_LOW_EVERY - 1);
    /* the normal ones keep their FIFO order around it */
    unsigned prev = 0, fifo = 1;
    for (unsigned i = 0; i < o.n; i++)
        if (o.seq[i] != 0) {
            fifo &= o.seq[i] > prev;
            prev = o.seq[i];
        }
    CHECK(fifo);
    sched_free(s);
}

/* ---- stealing ---------------------------------------------------------------------------- */

/* Two schedulers, round-robin steps, ten units on scheduler 0: step 1 is scheduler 0 running
 * one, step 2 scheduler 1 stealing half of the nine left (rounded up: 5). */
TEST(steal_half_deterministic)
{
    Order o = {0};
    FakeProc ps[10];
    procs_init(ps, 10, SCHED_PRIO_NORMAL);
    SchedConfig cfg = {.n_schedulers = 2, .run = order_run, .ctx = &o};
    Sched *s = sched_new(&cfg);
    for (unsigned i = 0; i < 10; i++) sched_spawn_on(s, &ps[i].link, 0);
    CHECK_EQ(sched_run_until_idle(s), 10);
    SchedStats a, b;
    sched_stats(s, 0, &a);
    sched_stats(s, 1, &b);
    CHECK_EQ(a.steals, 0);
    CHECK_EQ(b.steals, 1);
    CHECK_EQ(b.stolen, 5);
    CHECK_EQ(a.context_switches, 5);
    CHECK_EQ(b.context_switches, 5);
    /* the thief took the oldest: 1..5 (0 was running), in order */
    CHECK_EQ(o.seq[0], 0);
    CHECK_EQ(o.seq[1], 1);
    CHECK_EQ(o.seq[2], 6);
    CHECK_EQ(o.seq[3], 2);
    sched_free(s);
}

typedef struct Busy {
    _Atomic uint64_t slices, exits;
    _Atomic int per_sched[8];
} Busy;

static void spin_us(unsigned us)
{
    uint64_t end = now_ns() + us * 1000ull;
    while (now_ns() < end) {
    }
}

static SchedResult busy_run(void *ctx, unsigned sched_id, SchedLink *l)
{
    Busy *b = ctx;
    FakeProc *p = SCHED_OWNER(l, FakeProc, link);
    slice_enter(p);
    atomic_fetch_add(&b->slices, 1);
    atomic_fetch_add(&b->per_sched[sched_id], 1);
    spin_us(20);
    bool done = ++p->slices >= p->work_slices;
    slice_leave(p);
    if (done) {
        atomic_fetch_add(&b->exits, 1);
        return SCHED_EXIT;
    }
    return SCHED_YIELD;
}

TEST(steal_spreads_a_loaded_queue)
{
    enum { N = 2000, SLICES = 3, NS = 4 };
    static FakeProc ps[N];
    static Busy b;
    memset(&b, 0, sizeof b);
    procs_init(ps, N, SCHED_PRIO_NORMAL);
    for (unsigned i = 0; i < N; i++) ps[i].work_slices = SLICES;
    atomic_store(&overlaps, 0);
    SchedConfig cfg = {.n_schedulers = NS, .run = busy_run, .ctx = &b, .seed = 0};
    Sched *s = sched_new(&cfg);
    CHECK(sched_start(s));
    for (unsigned i = 0; i < N; i++) sched_spawn_on(s, &ps[i].link, 0);
    uint64_t t0 = now_ns();
    while (atomic_load(&b.exits) < N && now_ns() - t0 < 60000000000ull) sleep_ms(1);
    sched_stop(s);
    CHECK_EQ(atomic_load(&b.exits), N);
    CHECK_EQ(atomic_load(&b.slices), N * SLICES);
    CHECK_EQ(atomic_load(&overlaps), 0);
    uint64_t thief_steals = 0, thief_slices = 0;
    for (unsigned i = 1; i < NS; i++) {
        SchedStats st;
        sched_stats(s, i, &st);
        thief_steals += st.steals;
        thief_slices += (uint64_t)atomic_load(&b.per_sched[i]);
    }
    CHECK(thief_steals > 0);
    CHECK(thief_slices > 0);
    sched_free(s);
}

/* ---- sleeping and waking ----------------------------------------------------------------- */

typedef struct Wake {
    _Atomic uint64_t ran_at_ns;
    _Atomic int runs;
    _Atomic int ran_on;
} Wake;

static SchedResult wake_run(void *ctx, unsigned sched_id, SchedLink *l)
{
    Wake *w = ctx;
    atomic_store(&w->ran_at_ns, now_ns());
    atomic_store(&w->ran_on, (int)sched_id);
    atomic_fetch_add(&w->runs, 1);
    return SCHED_WAIT;
}

/* Waits (at most 5 s) until every scheduler sleeps: a loaded box may start threads late. */
static void wait_all_asleep(Sched *s)
{
    uint64_t t0 = now_ns();
    while (sched_sleeping(s) < sched_count(s) && now_ns() - t0 < 5000000000ull) sleep_ms(1);
    sleep_ms(5);
    CHECK_EQ(sched_sleeping(s), sched_count(s));
}

static uint64_t total_wakeups(Sched *s)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < sched_count(s); i++) {
        SchedStats st;
        sched_stats(s, i, &st);
        n += st.wakeups;
    }
    return n;
}

static _Atomic int thread_starts, thread_stops;
static void count_start(void *ctx, unsigned id) { atomic_fetch_add(&thread_starts, 1 << id); }
static void count_stop(void *ctx, unsigned id) { atomic_fetch_add(&thread_stops, 1 << id); }

TEST(idle_schedulers_sleep)
{
    Wake w = {0};
    SchedConfig cfg = {.n_schedulers = 4, .run = wake_run, .ctx = &w,
                       .thread_start = count_start, .thread_stop = count_stop};
    atomic_store(&thread_starts, 0);
    atomic_store(&thread_stops, 0);
    Sched *s = sched_new(&cfg);
    CHECK(sched_start(s));
    wait_all_asleep(s);
    uint64_t before[4], after[4];
    for (unsigned i = 0; i < 4; i++) {
        SchedStats st;
        sched_stats(s, i, &st);
        before[i] = st.cpu_ns;
        CHECK(st.sleeps >= 1);
    }
    sleep_ms(200);
    for (unsigned i = 0; i < 4; i++) {
        SchedStats st;
        sched_stats(s, i, &st);
        after[i] = st.cpu_ns;
        /* 200 ms idle: well under 1 ms of CPU (a spinning thread would show ~100 ms here) */
        CHECK(after[i] - before[i] < 1000000u);
    }
    CHECK_EQ(atomic_load(&thread_starts), 0xF); /* each of the 4 threads once */
    CHECK_EQ(atomic_load(&thread_stops), 0);
    sched_stop(s);
    CHECK_EQ(atomic_load(&thread_stops), 0xF);
    sched_free(s);
}

TEST(notify_from_outside_wakes_one_sleeper_promptly)
{
    Wake w = {0};
    FakeProc p;
    procs_init(&p, 1, SCHED_PRIO_NORMAL);
    SchedConfig cfg = {.n_schedulers = 4, .run = wake_run, .ctx = &w};
    Sched *s = sched_new(&cfg);
    CHECK(sched_start(s));
    sched_spawn_on(s, &p.link, 2);
    uint64_t t0 = now_ns();
    while (atomic_load(&w.runs) < 1 && now_ns() - t0 < 2000000000ull) sleep_ms(1);
    CHECK_EQ(atomic_load(&w.runs), 1);
    int home = atomic_load(&w.ran_on); /* 2, unless a searching scheduler stole it first */
    CHECK(home >= 0 && home < 4);
    wait_all_asleep(s);
    uint64_t wakes0 = total_wakeups(s);
    t0 = now_ns();
    CHECK(sched_notify(s, &p.link)); /* it waits: this call queues it */
    while (atomic_load(&w.runs) < 2 && now_ns() - t0 < 2000000000ull) sleep_ms(0);
    CHECK_EQ(atomic_load(&w.runs), 2);
    uint64_t latency = atomic_load(&w.ran_at_ns) - t0;
    CHECK(latency < 200000000u); /* generous for a loaded box: a missed wake never runs it */
    CHECK_EQ(atomic_load(&w.ran_on), home); /* its home: the scheduler that ran it last */
    sleep_ms(50);
    /* exactly one scheduler was woken: no thundering herd */
    CHECK_EQ(total_wakeups(s) - wakes0, 1);
    sched_stop(s);
    sched_free(s);
}

/* Many threads notify one process while it runs: it is queued at most once at a time (the
 * assert in run_one and the overlap counter), and no increment is missed. */
typedef struct Storm {
    Sched *s;
    FakeProc *p;
    _Atomic uint64_t consumed;
    _Atomic uint64_t queued_by_notify;
} Storm;

static SchedResult storm_run(void *ctx, unsigned sched_id, SchedLink *l)
{
    Storm *st = ctx;
    FakeProc *p = SCHED_OWNER(l, FakeProc, link);
    slice_enter(p);
    int n = atomic_exchange(&p->pending, 0);
    atomic_fetch_add(&st->consumed, (uint64_t)n);
    slice_leave(p);
    return SCHED_WAIT;
}

static void *storm_sender(void *arg)
{
    Storm *st = arg;
    for (int i = 0; i < 20000; i++) {
        atomic_fetch_add(&st->p->pending, 1);
        if (sched_notify(st->s, &st->p->link)) atomic_fetch_add(&st->queued_by_notify, 1);
    }
    return NULL;
}

TEST(notify_storm_exactly_once)
{
    FakeProc p;
    procs_init(&p, 1, SCHED_PRIO_NORMAL);
    static Storm st;
    memset(&st, 0, sizeof st);
    st.p = &p;
    atomic_store(&overlaps, 0);
    SchedConfig cfg = {.n_schedulers = 4, .run = storm_run, .ctx = &st, .seed = th_seed() | 1};
    Sched *s = sched_new(&cfg);
    st.s = s;
    CHECK(sched_start(s));
    pthread_t t[4];
    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, storm_sender, &st);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    uint64_t t0 = now_ns();
    while (atomic_load(&st.consumed) < 80000 && now_ns() - t0 < 10000000000ull) sleep_ms(1);
    sleep_ms(10);
    sched_stop(s);
    CHECK_EQ(atomic_load(&st.consumed), 80000);
    CHECK_EQ(atomic_load(&overlaps), 0);
    CHECK_EQ(atomic_load(&p.link.state), SCHED_WAITING);
    SchedStats total = {0};
    for (unsigned i = 0; i < 4; i++) {
        SchedStats x;
        sched_stats(s, i, &x);
        total.context_switches += x.context_switches;
    }
    /* every queuing by notify led to one slice; the rest came from RUNNING_NOTIFIED requeues */
    CHECK(total.context_switches >= atomic_load(&st.queued_by_notify));
    CHECK(atomic_load(&st.queued_by_notify) >= 1);
    sched_free(s);
}

/* ---- timers hook ------------------------------------------------------------------------- */

typedef struct Timer {
    Sched *s;
    FakeProc *p;
    _Atomic uint64_t deadline_ms; /* SCHED_NO_DEADLINE when none */
    _Atomic int advances;
    Wake wake;
} Timer;

static SchedResult timer_run(void *ctx, unsigned sched_id, SchedLink *l)
{
    Timer *t = ctx;
    return wake_run(&t->wake, sched_id, l);
}

static void timer_advance(void *ctx, unsigned sched_id)
{
    Timer *t = ctx;
    if (sched_id != 0) return; /* the timer lives on scheduler 0's wheel */
    atomic_fetch_add(&t->advances, 1);
    uint64_t d = atomic_load(&t->deadline_ms);
    if (d != SCHED_NO_DEADLINE && sched_now_ms() >= d &&
        atomic_compare_exchange_strong(&t->deadline_ms, &d, SCHED_NO_DEADLINE))
        sched_notify(t->s, &t->p->link);
}

static uint64_t timer_next(void *ctx, unsigned sched_id)
{
    Timer *t = ctx;
    return sched_id == 0 ? atomic_load(&t->deadline_ms) : SCHED_NO_DEADLINE;
}

TEST(timer_deadline_bounds_the_sleep)
{
    static Timer t;
    memset(&t, 0, sizeof t);
    FakeProc p;
    procs_init(&p, 1, SCHED_PRIO_NORMAL);
    t.p = &p;
    atomic_store(&t.deadline_ms, SCHED_NO_DEADLINE);
    SchedConfig cfg = {.n_schedulers = 2, .run = timer_run, .ctx = &t,
                       .advance_timers = timer_advance, .next_deadline_ms = timer_next};
    Sched *s = sched_new(&cfg);
    t.s = s;
    CHECK(sched_start(s));
    wait_all_asleep(s); /* both asleep with no deadline */
    uint64_t t0 = now_ns();
    atomic_store(&t.deadline_ms, sched_now_ms() + 60);
    sched_wake(s, 0); /* a new earliest deadline: the timer module wakes its scheduler */
    while (atomic_load(&t.wake.runs) < 1 && now_ns() - t0 < 2000000000ull) sleep_ms(1);
    CHECK_EQ(atomic_load(&t.wake.runs), 1);
    uint64_t after = atomic_load(&t.wake.ran_at_ns) - t0;
    CHECK(after >= 59000000u);
    CHECK(after < 500000000u); /* woke for the deadline (else never): loaded box */
    CHECK_EQ(atomic_load(&t.wake.ran_on), 0); /* notified from scheduler 0's timer */
    CHECK(atomic_load(&t.advances) >= 2);
    sched_stop(s);
    sched_free(s);
}

/* ---- spawning from schedulers, exit -------------------------------------------------------- */

/* A binary tree of processes: each spawns two children from its scheduler thread (on its own
 * queue: stealing must spread them) until depth TREE_DEPTH, then exits. */
enum { TREE_DEPTH = 13, TREE_N = (1 << (TREE_DEPTH + 1)) - 1 };

typedef struct Tree {
    Sched *s;
    FakeProc *procs;
    _Atomic unsigned next;      /* next free slot */
    _Atomic unsigned exited;    /* by the exited callback */
    _Atomic unsigned exited_bad;
} Tree;

static SchedResult tree_run(void *ctx, unsigned sched_id, SchedLink *l)
{
    Tree *t = ctx;
    FakeProc *p = SCHED_OWNER(l, FakeProc, link);
    slice_enter(p);
    if (sched_current(t->s) != (int)sched_id) atomic_fetch_add(&t->exited_bad, 1);
    if (p->work_slices < TREE_DEPTH) {
        for (int i = 0; i < 2; i++) {
            FakeProc *c = &t->procs[atomic_fetch_add(&t->next, 1)];
            c->work_slices = p->work_slices + 1; /* depth, set before the spawn publishes it */
            sched_spawn(t->s, &c->link);
        }
    }
    slice_leave(p);
    return SCHED_EXIT;
}

static void tree_exited(void *ctx, unsigned sched_id, SchedLink *l)
{
    Tree *t = ctx;
    if (atomic_load(&l->state) != SCHED_EXITED) atomic_fetch_add(&t->exited_bad, 1);
    atomic_fetch_add(&t->exited, 1);
}

TEST(spawn_tree_from_schedulers)
{
    static Tree t;
    memset(&t, 0, sizeof t);
    t.procs = calloc(TREE_N, sizeof *t.procs);
    procs_init(t.procs, TREE_N, SCHED_PRIO_NORMAL);
    atomic_store(&t.next, 1);
    atomic_store(&overlaps, 0);
    SchedConfig cfg = {.n_schedulers = 8, .run = tree_run, .exited = tree_exited, .ctx = &t,
                       .seed = th_seed() | 1};
    Sched *s = sched_new(&cfg);
    t.s = s;
    CHECK(sched_start(s));
    sched_spawn(s, &t.procs[0].link);
    uint64_t t0 = now_ns();
    while (atomic_load(&t.exited) < TREE_N && now_ns() - t0 < 60000000000ull) sleep_ms(1);
    sched_stop(s);
    CHECK_EQ(atomic_load(&t.exited), TREE_N);
    CHECK_EQ(atomic_load(&t.exited_bad), 0);
    CHECK_EQ(atomic_load(&overlaps), 0);
    unsigned ran_on_others = 0;
    uint64_t steals = 0;
    for (unsigned i = 0; i < 8; i++) {
        SchedStats st;
        sched_stats(s, i, &st);
        steals += st.steals;
        ran_on_others += st.context_switches > 0;
    }
    CHECK(steals > 0);
    CHECK(ran_on_others >= 2);
    /* exited is final: a late notify does nothing */
    CHECK(!sched_notify(s, &t.procs[5].link));
    CHECK_EQ(sched_run_queue_total(s), 0);
    sched_free(s);
    free(t.procs);
}

/* ---- shutdown ---------------------------------------------------------------------------- */

static SchedResult forever_run(void *ctx, unsigned sched_id, SchedLink *l)
{
    FakeProc *p = SCHED_OWNER(l, FakeProc, link);
    slice_enter(p);
    spin_us(5);
    slice_leave(p);
    return SCHED_YIELD;
}

TEST(stop_while_busy_joins)
{
    enum { N = 64 };
    static FakeProc ps[N];
    procs_init(ps, N, SCHED_PRIO_NORMAL);
    atomic_store(&overlaps, 0);
    SchedConfig cfg = {.n_schedulers = 8, .run = forever_run, .seed = th_seed() | 1};
    Sched *s = sched_new(&cfg);
    CHECK(sched_start(s));
    for (unsigned i = 0; i < N; i++) sched_spawn(s, &ps[i].link);
    sleep_ms(50);
    sched_stop(s);
    unsigned running = 0;
    for (unsigned i = 0; i < N; i++) running += atomic_load(&ps[i].running);
    CHECK_EQ(running, 0);
    CHECK_EQ(atomic_load(&overlaps), 0);
    CHECK_EQ(sched_run_queue_total(s), N); /* every unit back in a queue, none lost */
    sched_free(s);
}

TEST(config)
{
    SchedConfig bad = {0};
    CHECK(sched_new(&bad) == NULL);
    SchedConfig dflt = {.run = wake_run};
    Sched *s = sched_new(&dflt);
    CHECK_EQ(sched_count(s), sched_online_cores());
    CHECK_EQ(sched_current(s), -1);
    sched_free(s);
}

int main(void)
{
    TH_RUN(config);
    TH_RUN(priority_order_one_scheduler);
    TH_RUN(priority_low_gets_a_turn);
    TH_RUN(steal_half_deterministic);
    TH_RUN(deterministic_replay);
    TH_RUN(steal_spreads_a_loaded_queue);
    TH_RUN(idle_schedulers_sleep);
    TH_RUN(notify_from_outside_wakes_one_sleeper_promptly);
    TH_RUN(notify_storm_exactly_once);
    TH_RUN(timer_deadline_bounds_the_sleep);
    TH_RUN(stop_while_busy_joins);
    TH_RUN(spawn_tree_from_schedulers);
    TH_RUN(ring_one_token_100k_8_schedulers);
    TH_RUN(ring_1000_tokens_100k_8_schedulers_seeded);
    return th_done();
}
