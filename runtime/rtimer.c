/*
 * rtimer.c — receive timeouts and BIF timers on the schedulers' wheels (rtimer.h).
 */
#include "rtimer.h"

#include <stdlib.h>
#include <time.h>

#include "atom.h"
#include "ptab.h"
#include "runtime.h"
#include "procsig.h"

typedef struct RtTimer {
    Timer t;                 /* first: a Timer* is an RtTimer* */
    _Atomic int refs;        /* the wheel's and the user's */
    Process *proc;           /* receive timer: the waiting process (retained) */
    uint64_t ref;            /* BIF timer: its reference number */
    Term dest;               /* BIF timer: a pid or a registered name */
    Message *msg;            /* BIF timer: the message, until delivered */
    struct RtTimer *hnext;   /* BIF timer: hash chain [table lock] */
} RtTimer;

static void unref(RtTimer *rt)
{
    if (atomic_fetch_sub_explicit(&rt->refs, 1, memory_order_acq_rel) != 1) return;
    if (rt->proc) process_release(rt->proc);
    if (rt->msg) mailbox_message_free(rt->msg);
    free(rt);
}

static RtTimer *rtimer_new(void)
{
    RtTimer *rt = calloc(1, sizeof *rt);
    if (!rt) abort();
    atomic_init(&rt->refs, 2);
    rt->t.arg = rt;
    return rt;
}

/* ---- BIF timer table ---------------------------------------------------------------------- */

#define TABLE_BUCKETS 4096
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static RtTimer *table[TABLE_BUCKETS];

static RtTimer **bucket(uint64_t ref) { return &table[(ref * 0x9E3779B97F4A7C15ull) >> 52]; }

static RtTimer *table_take(uint64_t ref)
{
    pthread_mutex_lock(&table_lock);
    RtTimer **pp = bucket(ref);
    while (*pp && (*pp)->ref != ref) pp = &(*pp)->hnext;
    RtTimer *rt = *pp;
    if (rt) *pp = rt->hnext;
    pthread_mutex_unlock(&table_lock);
    return rt;
}

static RtTimer *table_find(uint64_t ref)
{
    RtTimer *rt = *bucket(ref);
    while (rt && rt->ref != ref) rt = rt->hnext;
    return rt;
}

/* The wheel counts whole milliseconds; now_ms is the current one truncated, so a timeout of
 * ms ends at the tick after now + ms: never early (OTP's guarantee), at most 1 ms late. */
static uint64_t expiry(Uint ms) { return sched_now_ms() + ms + 1; }

static void fire(void *ctx, Timer *t);

/* The owner thread's bound: nothing in its wheel is due before this time (timer_next_expiry
 * after the last advance, lowered by inserts). Each wheel has one owner thread. */
static _Thread_local uint64_t next_due;


/* What read_timer and cancel_timer report: the time left without expiry's extra tick, so a
 * timer read at once says the time it was given. 0 once due. */
static int64_t time_left(const Timer *t)
{
    int64_t left = timer_remaining(t, sched_now_ms()) - 1;
    return left < 0 ? 0 : left;
}

/* An idle wheel is not advanced (rtimer_advance), so bring its time up to now first: slots
 * are placed relative to it. [owner of w] */
static void wheel_insert(TimerWheel *w, Timer *t, Uint ms)
{
    uint64_t exp = expiry(ms);
    timer_advance(w, exp - ms - 1, fire, NULL);
    timer_insert(w, t, exp);
    if (exp < next_due) next_due = exp;
}

/* ---- firing ------------------------------------------------------------------------------ */

static void deliver(RtTimer *rt)
{
    Term to = rt->dest;
    if (term_is_atom(to)) to = ptab_whereis(to);
    Message *m = rt->msg;
    rt->msg = NULL;
    if (term_is_pid(to)) sig_send_to(to, m);
    else mailbox_message_free(m);
}

static void fire(void *ctx, Timer *t)
{
    (void)ctx;
    RtTimer *rt = t->arg;
    if (rt->proc) {
        if (mailbox_claim_wake(&rt->proc->mailbox)) rt_notify(rt->proc);
    } else if (table_take(rt->ref) == rt) {
        deliver(rt);
        unref(rt); /* the table's */
    }
    unref(rt); /* the wheel's */
}

void rtimer_advance(TimerWheel *w)
{
    /* Called before every pick of work: an empty wheel with no remote cancels costs no clock
     * read, and a full one only a clock read until something is due. */
    bool cancels = atomic_load_explicit(&w->cancelled, memory_order_relaxed) != NULL;
    if (!timer_wheel_count(w) && !cancels) return;
    uint64_t now = sched_now_ms();
    if (now < next_due && !cancels) return;
    timer_advance(w, now, fire, NULL);
    next_due = timer_next_expiry(w);
}

void rtimer_release(void *ctx, Timer *t)
{
    (void)ctx;
    unref(t->arg);
}

/* ---- receive ... after -------------------------------------------------------------------- */

void rtimer_receive_start(Process *p, Uint ms)
{
    TimerWheel *w = rt_wheel();
    RtTimer *rt = rtimer_new();
    rt->proc = p;
    process_retain(p);
    p->recv_timer = &rt->t;
    if (!w) {
        /* No schedulers (unit tests): nothing else can arrive, so sleep out the time. */
        struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0) {
        }
        atomic_store(&rt->t.state, TIMER_FIRED);
        unref(rt);
        return;
    }
    wheel_insert(w, &rt->t, ms);
}

bool rtimer_receive_fired(Process *p)
{
    return p->recv_timer && atomic_load(&p->recv_timer->state) == TIMER_FIRED;
}

void rtimer_receive_done(Process *p)
{
    Timer *t = p->recv_timer;
    if (!t) return;
    p->recv_timer = NULL;
    RtTimer *rt = t->arg;
    if (atomic_load(&t->state) == TIMER_PENDING && timer_cancel(rt_wheel(), t) == TIMER_CANCEL_DONE)
        unref(rt); /* the wheel's: we own it again */
    unref(rt);     /* ours */
}

/* ---- BIF timers --------------------------------------------------------------------------- */

Term rtimer_bif_start(Process *p, Uint ms, Term dest, Term msg, bool wrap)
{
    Term ref = ref_at(heap_halloc(&p->heap, REF_SIZE));
    if (wrap) {
        Term *hp = heap_halloc(&p->heap, 4);
        hp[0] = make_tuple_header(3);
        hp[1] = AM(timeout);
        hp[2] = ref;
        hp[3] = msg;
        msg = make_boxed(hp);
    }
    RtTimer *rt = rtimer_new();
    rt->ref = ref_number(ref);
    rt->dest = dest;
    if (term_is_pid(dest)) {
        /* Mark the target so that its exit looks for timers to cancel. */
        Process *q = dest == p->pid ? p : ptab_lookup(dest);
        if (q) {
            atomic_store_explicit(&q->timer_dest, 1, memory_order_relaxed);
            if (q != p) process_release(q);
        }
    }
    rt->msg = mailbox_message_new(msg, p->pid, rt_options()->sharing_preserving, NULL);
    pthread_mutex_lock(&table_lock);
    RtTimer **b = bucket(rt->ref);
    rt->hnext = *b;
    *b = rt;
    pthread_mutex_unlock(&table_lock);
    TimerWheel *w = rt_wheel();
    if (!w) {
        /* No schedulers (unit tests): the timer never fires. */
        table_take(rt->ref);
        unref(rt);
        unref(rt);
        return ref;
    }
    wheel_insert(w, &rt->t, ms);
    return ref;
}

int64_t rtimer_bif_read(Term ref)
{
    if (!ref_is_ordinary(ref)) return -1;
    pthread_mutex_lock(&table_lock);
    RtTimer *rt = table_find(ref_number(ref));
    int64_t left = rt ? time_left(&rt->t) : -1;
    pthread_mutex_unlock(&table_lock);
    return left;
}

int64_t rtimer_bif_cancel(Term ref)
{
    if (!ref_is_ordinary(ref)) return -1;
    RtTimer *rt = table_take(ref_number(ref));
    if (!rt) return -1;
    int64_t left = time_left(&rt->t);
    if (timer_cancel(rt_wheel(), &rt->t) == TIMER_CANCEL_DONE) unref(rt); /* the wheel's */
    unref(rt); /* the table's */
    return left;
}

void rtimer_dest_exited(Process *p)
{
    if (!atomic_load_explicit(&p->timer_dest, memory_order_relaxed)) return;
    RtTimer *gone = NULL;
    pthread_mutex_lock(&table_lock);
    for (unsigned i = 0; i < TABLE_BUCKETS; i++) {
        for (RtTimer **pp = &table[i]; *pp;) {
            RtTimer *rt = *pp;
            if (rt->dest == p->pid) {
                *pp = rt->hnext;
                rt->hnext = gone;
                gone = rt;
            } else {
                pp = &rt->hnext;
            }
        }
    }
    pthread_mutex_unlock(&table_lock);
    while (gone) {
        RtTimer *rt = gone;
        gone = rt->hnext;
        if (timer_cancel(rt_wheel(), &rt->t) == TIMER_CANCEL_DONE) unref(rt); /* the wheel's */
        unref(rt); /* the table's */
    }
}

void rtimer_reset(void)
{
    for (unsigned i = 0; i < TABLE_BUCKETS; i++) {
        while (table[i]) {
            RtTimer *rt = table[i];
            table[i] = rt->hnext;
            unref(rt);
        }
    }
}
