/*
 * timer.c: firing order (expiry, then insertion), exact firing times across every level,
 * cancellation (local, remote, during a firing batch), far-future timers, remaining-time reads,
 * next-expiry bounds, and 100k pending timers.
 *
 * These are properties of our wheel, not OTP figures: OTP only promises that a timer does not
 * fire before its time (erlang:send_after/3) and that read_timer returns the time left or false.
 */
#include "testhelp.h"

#include <pthread.h>
#include <time.h>

#include "timer.h"

typedef struct Log {
    uint64_t seq[4096];
    uint64_t at[4096];
    int n;
    TimerWheel *w;
    bool exact; /* every fired timer had expiry == the wheel's time */
} Log;

static void record(void *ctx, Timer *t)
{
    Log *log = ctx;
    if (log->n < 4096) {
        log->seq[log->n] = t->seq;
        log->at[log->n] = timer_wheel_now(log->w);
    }
    if (t->expiry_ms != timer_wheel_now(log->w)) log->exact = false;
    log->n++;
}

TEST(order_and_exact_times)
{
    TimerWheel w;
    timer_wheel_init(&w, 1000, NULL, NULL);
    /* expiries over every level: 0..63 ms, 64 ms.., 4 s.., 4.4 min.., 4.7 h.. */
    uint64_t exp[] = {1005, 1003, 1003, 1064, 1010, 5096, 1000 + 262144, 1000 + 16777216, 1003,
                      1000 + 4095, 1000 + 4096, 1000 + 262143, 1001, 1000 + 500000000};
    enum { N = sizeof exp / sizeof exp[0] };
    Timer t[N];
    for (int i = 0; i < N; i++) CHECK_EQ(timer_insert(&w, &t[i], exp[i]), i + 1);
    CHECK_EQ(timer_wheel_count(&w), N);
    /* the expected order: by expiry, ties by insertion */
    int order[N];
    for (int i = 0; i < N; i++) order[i] = i;
    for (int i = 1; i < N; i++)
        for (int j = i; j > 0 && exp[order[j - 1]] > exp[order[j]]; j--) {
            int x = order[j];
            order[j] = order[j - 1];
            order[j - 1] = x;
        }
    Log log = {.w = &w, .exact = true};
    CHECK_EQ(timer_advance(&w, 1002, record, &log), 1);
    CHECK_EQ(log.seq[0], 13); /* 1001 */
    CHECK_EQ(timer_advance(&w, 1002, record, &log), 0);
    /* the rest, in small and large steps */
    uint64_t now = 1002;
    while (timer_wheel_count(&w)) {
        now += now < 2000 ? 1 : 99991;
        timer_advance(&w, now, record, &log);
    }
    CHECK_EQ(log.n, N);
    CHECK(log.exact);
    for (int i = 0; i < N; i++) {
        CHECK_EQ(log.seq[i], order[i] + 1);
        CHECK_EQ(log.at[i], exp[order[i]]);
    }
    CHECK_EQ(timer_next_expiry(&w), UINT64_MAX);
    timer_wheel_destroy(&w);
}

TEST(one_big_jump_keeps_order)
{
    TimerWheel w;
    timer_wheel_init(&w, 0, NULL, NULL);
    Timer t[64];
    /* 64 timers spread over 10 days, fired by one advance */
    uint64_t x = 12345;
    for (int i = 0; i < 64; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        timer_insert(&w, &t[i], x >> 34); /* < 2^30 ms */
    }
    Log log = {.w = &w, .exact = true};
    CHECK_EQ(timer_advance(&w, (uint64_t)1 << 30, record, &log), 64);
    CHECK(log.exact);
    for (int i = 1; i < 64; i++) CHECK(log.at[i - 1] <= log.at[i]);
    timer_wheel_destroy(&w);
}

TEST(already_due_and_zero_timeouts)
{
    TimerWheel w;
    timer_wheel_init(&w, 500, NULL, NULL);
    Timer a, b, c;
    timer_insert(&w, &a, 400); /* in the past */
    timer_insert(&w, &b, 500); /* now: after 0 */
    timer_insert(&w, &c, 501);
    CHECK_EQ(timer_next_expiry(&w), 500);
    CHECK_EQ(timer_remaining(&a, 500), 0);
    Log log = {.w = &w, .exact = true};
    CHECK_EQ(timer_advance(&w, 500, record, &log), 2); /* no time passes: the due ones fire */
    CHECK_EQ(log.seq[0], 1);
    CHECK_EQ(log.seq[1], 2);
    CHECK_EQ(timer_remaining(&a, 500), -1);
    CHECK_EQ(timer_next_expiry(&w), 501);
    CHECK_EQ(timer_advance(&w, 501, record, &log), 1);
    timer_wheel_destroy(&w);
}

TEST(cancel_and_remaining)
{
    TimerWheel w;
    timer_wheel_init(&w, 0, NULL, NULL);
    Timer t[5];
    uint64_t exp[] = {10, 100, 100, 5000, 70000};
    for (int i = 0; i < 5; i++) timer_insert(&w, &t[i], exp[i]);
    CHECK_EQ(timer_remaining(&t[3], 0), 5000);
    CHECK_EQ(timer_remaining(&t[3], 1234), 3766);
    CHECK_EQ(timer_cancel(&w, &t[1]), TIMER_CANCEL_DONE);
    CHECK_EQ(timer_cancel(&w, &t[1]), TIMER_CANCEL_LATE);
    CHECK_EQ(timer_remaining(&t[1], 0), -1);
    CHECK_EQ(timer_cancel(&w, &t[4]), TIMER_CANCEL_DONE);
    CHECK_EQ(timer_wheel_count(&w), 3);
    Log log = {.w = &w, .exact = true};
    CHECK_EQ(timer_advance(&w, 100000, record, &log), 3);
    CHECK_EQ(log.seq[0], 1);
    CHECK_EQ(log.seq[1], 3);
    CHECK_EQ(log.seq[2], 4);
    CHECK(log.exact);
    CHECK_EQ(timer_cancel(&w, &t[0]), TIMER_CANCEL_LATE); /* fired */
    CHECK_EQ(timer_remaining(&t[0], 0), -1);
    /* a cancelled timer can be inserted again */
    CHECK(timer_insert(&w, &t[1], 100010) > 5);
    CHECK_EQ(timer_remaining(&t[1], 100000), 10);
    CHECK_EQ(timer_advance(&w, 100010, record, &log), 1);
    CHECK_EQ(timer_wheel_count(&w), 0);
    timer_wheel_destroy(&w);
}

/* A callback that cancels the next timer of the same batch and re-arms itself. */
typedef struct Rearm {
    TimerWheel *w;
    Timer *victim;
    int fired, rearmed;
} Rearm;

static void rearm(void *ctx, Timer *t)
{
    Rearm *r = ctx;
    r->fired++;
    if (t->arg == (void *)1) {
        if (r->victim) {
            CHECK_EQ(timer_cancel(r->w, r->victim), TIMER_CANCEL_DONE);
            r->victim = NULL;
        }
        if (r->rearmed++ < 3) timer_insert(r->w, t, timer_wheel_now(r->w) + 7);
    }
}

TEST(callbacks_may_cancel_and_insert)
{
    TimerWheel w;
    timer_wheel_init(&w, 0, NULL, NULL);
    Timer a, b;
    a.arg = (void *)1;
    b.arg = NULL;
    timer_insert(&w, &a, 50);
    timer_insert(&w, &b, 50);
    Rearm r = {&w, &b, 0, 0};
    CHECK_EQ(timer_advance(&w, 50, rearm, &r), 1); /* b was cancelled in a's callback */
    CHECK_EQ(timer_remaining(&a, 50), 7);
    r.victim = &b;
    timer_insert(&w, &b, 1000);
    CHECK_EQ(timer_advance(&w, 57, rearm, &r), 1);
    CHECK_EQ(timer_advance(&w, 1000, rearm, &r), 2); /* a at 64 and 71; b was cancelled at 57 */
    CHECK_EQ(r.fired, 4);
    CHECK_EQ(timer_wheel_count(&w), 0);
    timer_wheel_destroy(&w);
}

TEST(far_future)
{
    TimerWheel w;
    uint64_t start = 7;
    timer_wheel_init(&w, start, NULL, NULL);
    Timer near, far1, far2;
    uint64_t day = 86400000;
    timer_insert(&w, &far2, start + 40 * day);
    timer_insert(&w, &far1, start + 30 * day);
    timer_insert(&w, &near, start + 1);
    CHECK_EQ(timer_remaining(&far1, start), 30 * day);
    CHECK_EQ(timer_next_expiry(&w), start + 1);
    Log log = {.w = &w, .exact = true};
    CHECK_EQ(timer_advance(&w, start + 30 * day - 1, record, &log), 1);
    CHECK(timer_next_expiry(&w) <= start + 30 * day);
    CHECK_EQ(timer_remaining(&far1, start + 30 * day - 1), 1);
    CHECK_EQ(timer_advance(&w, start + 30 * day, record, &log), 1);
    CHECK_EQ(log.seq[1], 2);
    CHECK_EQ(timer_advance(&w, start + 41 * day, record, &log), 1);
    CHECK_EQ(log.at[2], start + 40 * day);
    CHECK(log.exact);
    /* beyond 2^32 ms, and near the end of time */
    Timer huge;
    timer_insert(&w, &huge, ((uint64_t)1 << 50) + 3);
    CHECK_EQ(timer_advance(&w, ((uint64_t)1 << 50) + 2, record, &log), 0);
    CHECK_EQ(timer_advance(&w, ((uint64_t)1 << 50) + 3, record, &log), 1);
    CHECK(log.exact);
    timer_wheel_destroy(&w);
}

static int released;
static void count_release(void *ctx, Timer *t) { released++; }

TEST(destroy_releases_pending)
{
    TimerWheel w;
    timer_wheel_init(&w, 0, count_release, NULL);
    Timer t[3];
    timer_insert(&w, &t[0], 0);
    timer_insert(&w, &t[1], 100);
    timer_insert(&w, &t[2], (uint64_t)1 << 40);
    released = 0;
    timer_wheel_destroy(&w);
    CHECK_EQ(released, 3);
    CHECK_EQ(timer_remaining(&t[1], 0), -1);
}

/* ---- 100k pending timers ---------------------------------------------------------------- */

typedef struct Bench {
    uint64_t last_exp, last_seq;
    long fired;
    bool ordered;
} Bench;

static void bench_fire(void *ctx, Timer *t)
{
    Bench *b = ctx;
    if (t->expiry_ms < b->last_exp || (t->expiry_ms == b->last_exp && t->seq < b->last_seq))
        b->ordered = false;
    b->last_exp = t->expiry_ms;
    b->last_seq = t->seq;
    b->fired++;
}

static double secs(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

TEST(hundred_thousand_timers)
{
    enum { N = 100000 };
    static Timer t[N];
    TimerWheel w;
    timer_wheel_init(&w, 0, NULL, NULL);
    double t0 = secs();
    uint64_t x = th_seed();
    for (int i = 0; i < N; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        timer_insert(&w, &t[i], 1 + (x >> 33) % 3600000); /* within the hour */
    }
    for (int i = 0; i < N; i += 2) CHECK_EQ(timer_cancel(&w, &t[i]), TIMER_CANCEL_DONE);
    CHECK_EQ(timer_wheel_count(&w), N / 2);
    Bench b = {0, 0, 0, true};
    /* a scheduler's loop: advance every millisecond for the first 10 s, then in 1 s strides */
    uint64_t now = 0;
    while (timer_wheel_count(&w)) {
        now += now < 10000 ? 1 : 1000;
        timer_advance(&w, now, bench_fire, &b);
    }
    double dt = secs() - t0;
    printf("  100k inserts, 50k cancels, 50k fired: %.1f ms\n", dt * 1e3);
    CHECK_EQ(b.fired, N / 2);
    CHECK(b.ordered);
#if defined(__SANITIZE_THREAD__)
    CHECK(dt < 3.0); /* TSan instruments every atomic: about 10x */
#else
    CHECK(dt < 0.5);
#endif
    timer_wheel_destroy(&w);
}

/* ---- cancelling from another thread ------------------------------------------------------ */

enum { RN = 20000 };
static Timer rt[RN];
static _Atomic long remote_cancelled;

static void *canceller(void *arg)
{
    /* cancel every odd timer, from the last to the first, while the owner fires them */
    for (int i = RN - 1; i >= 0; i -= 2)
        if (timer_cancel(NULL, &rt[i]) == TIMER_CANCEL_DEFERRED) atomic_fetch_add(&remote_cancelled, 1);
    return NULL;
}

static long remote_released;
static void remote_release(void *ctx, Timer *t) { remote_released++; }

typedef struct RemoteFire {
    long fired, odd_fired;
} RemoteFire;

static void remote_fire(void *ctx, Timer *t)
{
    RemoteFire *rf = ctx;
    rf->fired++;
    if ((t - rt) % 2) rf->odd_fired++;
}

TEST(remote_cancel)
{
    TimerWheel w;
    timer_wheel_init(&w, 0, remote_release, NULL);
    for (int i = 0; i < RN; i++) timer_insert(&w, &rt[i], 1 + (uint64_t)i / 4);
    atomic_store(&remote_cancelled, 0);
    remote_released = 0;
    pthread_t th;
    /* the timers were inserted before the thread starts: pthread_create publishes them */
    pthread_create(&th, NULL, canceller, NULL);
    RemoteFire rf = {0, 0};
    uint64_t now = 0;
    while (timer_wheel_count(&w) && now < 100000) timer_advance(&w, ++now, remote_fire, &rf);
    pthread_join(th, NULL);
    timer_advance(&w, ++now, remote_fire, &rf); /* releases what was cancelled last */
    long cancelled = atomic_load(&remote_cancelled);
    CHECK_EQ(rf.fired + cancelled, RN);
    CHECK_EQ(rf.fired - rf.odd_fired, RN / 2); /* every even timer fired */
    CHECK_EQ(remote_released, cancelled);       /* each remote cancel released once */
    CHECK_EQ(timer_wheel_count(&w), 0);
    for (int i = 0; i < RN; i++) CHECK(timer_remaining(&rt[i], now) == -1);
    printf("  remote cancels: %ld of %d odd timers cancelled before firing\n", cancelled, RN / 2);
    timer_wheel_destroy(&w);
}

int main(void)
{
    TH_RUN(order_and_exact_times);
    TH_RUN(one_big_jump_keeps_order);
    TH_RUN(already_due_and_zero_timeouts);
    TH_RUN(cancel_and_remaining);
    TH_RUN(callbacks_may_cancel_and_insert);
    TH_RUN(far_future);
    TH_RUN(destroy_releases_pending);
    TH_RUN(hundred_thousand_timers);
    TH_RUN(remote_cancel);
    return th_done();
}
