/*
 * timer.c — the per-scheduler timing wheel (timer.h; design notes in docs/signals.md).
 */
#include "timer.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Timer.where for timers outside the slots. */
enum {
    WHERE_NONE = 0xFFFF, /* not linked */
    WHERE_DUE = 0xFFFE,
    WHERE_FAR = 0xFFFD,
    WHERE_FIRING = 0xFFFC, /* on advance's local list, about to fire */
};

#define SLOT_MASK ((uint64_t)TIMER_SLOTS - 1)
#define WHEEL_BITS (TIMER_SLOT_BITS * TIMER_LEVELS)

uint64_t timer_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- circular lists with a sentinel ------------------------------------------------------- */

static void list_init(TimerLink *l) { l->next = l->prev = l; }
static bool list_empty(const TimerLink *l) { return l->next == l; }

static void list_append(TimerLink *l, TimerLink *n)
{
    n->prev = l->prev;
    n->next = l;
    l->prev->next = n;
    l->prev = n;
}

static void list_unlink(TimerLink *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->next = n->prev = n;
}

/* Moves every node of from to the empty list to, in order. */
static void list_take(TimerLink *to, TimerLink *from)
{
    if (list_empty(from)) {
        list_init(to);
        return;
    }
    to->next = from->next;
    to->prev = from->prev;
    to->next->prev = to;
    to->prev->next = to;
    list_init(from);
}

static Timer *timer_of(TimerLink *l) { return (Timer *)l; /* link is the first member */ }

/* ---- placing -------------------------------------------------------------------------------- */

static unsigned digit(uint64_t t, unsigned level) { return (unsigned)(t >> (TIMER_SLOT_BITS * level) & SLOT_MASK); }

/* Links t where timer.h's shape says, relative to w->now. */
static void place(TimerWheel *w, Timer *t)
{
    uint64_t e = t->expiry_ms;
    if (e <= w->now) {
        t->where = WHERE_DUE;
        list_append(&w->due, &t->link);
        return;
    }
    unsigned level = (unsigned)(63 - __builtin_clzll(e ^ w->now)) / TIMER_SLOT_BITS;
    if (level >= TIMER_LEVELS) {
        t->where = WHERE_FAR;
        list_append(&w->far, &t->link);
        return;
    }
    unsigned s = digit(e, level);
    t->where = (uint16_t)(level * TIMER_SLOTS + s);
    list_append(&w->slot[level][s], &t->link);
    w->bitmap[level] |= (uint64_t)1 << s;
}

/* Unlinks t from wherever it is and keeps the bitmap and count right. */
static void detach(TimerWheel *w, Timer *t)
{
    if (t->where == WHERE_NONE) return;
    list_unlink(&t->link);
    if (t->where < TIMER_LEVELS * TIMER_SLOTS) {
        unsigned level = t->where / TIMER_SLOTS, s = t->where % TIMER_SLOTS;
        if (list_empty(&w->slot[level][s])) w->bitmap[level] &= ~((uint64_t)1 << s);
    }
    t->where = WHERE_NONE;
    w->count--;
}

void timer_wheel_init(TimerWheel *w, uint64_t now_ms, TimerReleaseFn release, void *ctx)
{
    w->now = now_ms;
    for (unsigned l = 0; l < TIMER_LEVELS; l++) {
        w->bitmap[l] = 0;
        for (unsigned s = 0; s < TIMER_SLOTS; s++) list_init(&w->slot[l][s]);
    }
    list_init(&w->due);
    list_init(&w->far);
    w->count = 0;
    w->next_seq = 1;
    atomic_init(&w->cancelled, NULL);
    w->release = release;
    w->release_ctx = ctx;
}

uint64_t timer_insert(TimerWheel *w, Timer *t, uint64_t expiry_ms)
{
    t->expiry_ms = expiry_ms;
    t->seq = w->next_seq++;
    t->wheel = w;
    atomic_store_explicit(&t->cancel_next, NULL, memory_order_relaxed);
    /* Release: a thread that later reads state == PENDING through whatever table the caller
     * publishes t in also sees expiry_ms and wheel (read_timer, a remote cancel). */
    atomic_store_explicit(&t->state, TIMER_PENDING, memory_order_release);
    w->count++;
    place(w, t);
    return t->seq;
}

/* ---- cancelling ----------------------------------------------------------------------------- */

TimerCancel timer_cancel(TimerWheel *self, Timer *t)
{
    unsigned expect = TIMER_PENDING;
    /* acq_rel: the CAS decides the race with the owner's PENDING -> FIRED; acquire pairs with
     * timer_insert's release (t->wheel is read next), release orders the push below after it. */
    if (!atomic_compare_exchange_strong_explicit(&t->state, &expect, TIMER_CANCELLED,
                                                 memory_order_acq_rel, memory_order_acquire))
        return TIMER_CANCEL_LATE;
    TimerWheel *w = t->wheel;
    if (w == self) {
        detach(w, t);
        return TIMER_CANCEL_DONE;
    }
    /* A Treiber push: the owner takes the whole stack at once (exchange with NULL), so no node
     * is popped alone and ABA cannot arise. Release on success: the owner's acquire exchange
     * sees cancel_next and the state. Relaxed reload on failure. */
    Timer *head = atomic_load_explicit(&w->cancelled, memory_order_relaxed);
    do {
        atomic_store_explicit(&t->cancel_next, head, memory_order_relaxed);
    } while (!atomic_compare_exchange_weak_explicit(&w->cancelled, &head, t, memory_order_release,
                                                    memory_order_relaxed));
    return TIMER_CANCEL_DEFERRED;
}

/* Unlinks and releases the timers other threads cancelled. [owner] */
static void drain_cancelled(TimerWheel *w)
{
    /* Relaxed peek first: the common case is an empty stack and costs no read-modify-write. */
    if (!atomic_load_explicit(&w->cancelled, memory_order_relaxed)) return;
    /* Acquire: pairs with the pushers' release CAS. */
    Timer *t = atomic_exchange_explicit(&w->cancelled, NULL, memory_order_acquire);
    while (t) {
        Timer *next = atomic_load_explicit(&t->cancel_next, memory_order_relaxed);
        detach(w, t);
        if (w->release) w->release(w->release_ctx, t);
        t = next;
    }
}

int64_t timer_remaining(const Timer *t, uint64_t now_ms)
{
    /* Acquire: pairs with timer_insert's release, for expiry_ms. */
    if (atomic_load_explicit(&t->state, memory_order_acquire) != TIMER_PENDING) return -1;
    return t->expiry_ms > now_ms ? (int64_t)(t->expiry_ms - now_ms) : 0;
}

/* ---- advancing ------------------------------------------------------------------------------ */

/* Fires the timers on the due list as it is now. */
static uint64_t fire_due(TimerWheel *w, TimerFireFn fn, void *ctx)
{
    if (list_empty(&w->due)) return 0;
    TimerLink local;
    list_take(&local, &w->due);
    for (TimerLink *l = local.next; l != &local; l = l->next) timer_of(l)->where = WHERE_FIRING;
    uint64_t fired = 0;
    while (!list_empty(&local)) {
        Timer *t = timer_of(local.next);
        list_unlink(&t->link);
        t->where = WHERE_NONE;
        w->count--;
        unsigned expect = TIMER_PENDING;
        /* acq_rel: the other side of timer_cancel's CAS. A timer that lost to a remote cancel is
         * released from the cancel stack, not here. */
        if (atomic_compare_exchange_strong_explicit(&t->state, &expect, TIMER_FIRED,
                                                    memory_order_acq_rel, memory_order_relaxed)) {
            fired++;
            fn(ctx, t);
        }
    }
    return fired;
}

/* The first time after w->now at which a slot (or the far list) must be processed, with the
 * level it belongs to (TIMER_LEVELS for the far list); UINT64_MAX when the wheel is empty. A
 * lower level's candidate lies inside the current block of the level above, so the first level
 * with an occupied slot beyond now's digit gives the earliest time. */
static uint64_t next_step(const TimerWheel *w, unsigned *level_out)
{
    for (unsigned l = 0; l < TIMER_LEVELS; l++) {
        unsigned d = digit(w->now, l);
        uint64_t above = d == TIMER_SLOTS - 1 ? 0 : w->bitmap[l] & (~(uint64_t)0 << (d + 1));
        if (above) {
            unsigned shift = TIMER_SLOT_BITS * (l + 1);
            uint64_t block = shift >= 64 ? 0 : w->now >> shift << shift;
            *level_out = l;
            return block | (uint64_t)__builtin_ctzll(above) << (TIMER_SLOT_BITS * l);
        }
    }
    if (!list_empty(&w->far)) {
        *level_out = TIMER_LEVELS;
        return ((w->now >> WHEEL_BITS) + 1) << WHEEL_BITS;
    }
    return UINT64_MAX;
}

/* At w->now == the step time: re-places the timers of the slot (or far list) that became
 * current; the ones whose expiry is now go to the due list. */
static void cascade(TimerWheel *w, unsigned level)
{
    TimerLink local;
    if (level == TIMER_LEVELS) {
        list_take(&local, &w->far);
    } else {
        unsigned s = digit(w->now, level);
        list_take(&local, &w->slot[level][s]);
        w->bitmap[level] &= ~((uint64_t)1 << s);
    }
    while (!list_empty(&local)) {
        Timer *t = timer_of(local.next);
        list_unlink(&t->link);
        place(w, t);
    }
}

uint64_t timer_advance(TimerWheel *w, uint64_t now_ms, TimerFireFn fn, void *ctx)
{
    drain_cancelled(w);
    uint64_t fired = fire_due(w, fn, ctx);
    while (w->now < now_ms) {
        unsigned level;
        uint64_t t = next_step(w, &level);
        if (t > now_ms) {
            /* Nothing happens before now_ms: every occupied slot keeps a digit above now's
             * (else its step would come first), so the shape holds at the new time. */
            w->now = now_ms;
            break;
        }
        w->now = t;
        cascade(w, level);
        fired += fire_due(w, fn, ctx);
    }
    return fired;
}

uint64_t timer_next_expiry(const TimerWheel *w)
{
    if (!list_empty(&w->due)) return w->now;
    unsigned level;
    return next_step(w, &level);
}

void timer_wheel_destroy(TimerWheel *w)
{
    drain_cancelled(w);
    TimerLink *lists[TIMER_LEVELS * TIMER_SLOTS + 2];
    unsigned n = 0;
    lists[n++] = &w->due;
    lists[n++] = &w->far;
    for (unsigned l = 0; l < TIMER_LEVELS; l++)
        for (unsigned s = 0; s < TIMER_SLOTS; s++) lists[n++] = &w->slot[l][s];
    for (unsigned i = 0; i < n; i++) {
        while (!list_empty(lists[i])) {
            Timer *t = timer_of(lists[i]->next);
            detach(w, t);
            unsigned expect = TIMER_PENDING;
            /* A timer cancelled remotely after the drain above is on the stack: leave it. */
            if (atomic_compare_exchange_strong_explicit(&t->state, &expect, TIMER_CANCELLED,
                                                        memory_order_acq_rel, memory_order_relaxed) &&
                w->release)
                w->release(w->release_ctx, t);
        }
    }
    drain_cancelled(w);
    for (unsigned l = 0; l < TIMER_LEVELS; l++) w->bitmap[l] = 0;
}
