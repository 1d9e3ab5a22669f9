/*
 * timer.h — a hierarchical timing wheel keyed by monotonic milliseconds, one per scheduler
 * thread (erlang:send_after, start_timer, receive ... after, timer:sleep). The design is in
 * docs/signals.md, "Timers".
 *
 * Shape. TIMER_LEVELS levels of 64 slots; level l covers 6·l..6·l+5 of the expiry's bits. A
 * pending timer with expiry e sits at the level of the highest 6-bit digit in which e differs
 * from the wheel's time `now`, in the slot named by e's digit there: so every timer in a slot
 * shares all higher digits with `now`, and its digit there is greater than now's. Timers whose
 * e differs from now above bit 6·TIMER_LEVELS (about 12.4 days ahead) wait in a far list; timers
 * already due (e <= now) wait in a due list. A 64-bit occupancy bitmap per level finds the next
 * non-empty slot with one count-trailing-zeros, so advancing over an idle hour costs a few steps,
 * not 3.6 million. When `now` enters a slot's range the slot's timers are re-placed one level
 * down (cascading); a timer moves at most TIMER_LEVELS times in its life.
 *
 * Order. Timers fire in expiry order, and those with equal expiries in insertion order: a slot's
 * list is FIFO, cascading keeps it, and a timer placed directly at a low level for expiry e is
 * always inserted after the cascade that brought older e-timers there. A wheel-placed timer
 * fires with timer_wheel_now() == its expiry; a timer inserted already due fires at the next
 * advance, with now >= its expiry.
 *
 * Threads. A wheel and its slot lists belong to one thread (the scheduler that owns it): insert,
 * advance and local cancel take no lock. Any thread may cancel a timer or read its remaining
 * time: Timer.state moves PENDING → FIRED (owner, when firing) or PENDING → CANCELLED (anyone)
 * by compare-and-swap, so exactly one of firing and cancelling wins. A thread other than the
 * owner that wins a cancel pushes the timer on the owner's lock-free cancel stack; the owner
 * unlinks it at its next timer_advance and hands it to the wheel's release callback.
 *
 * Ownership of a Timer's memory. The caller allocates it and keeps it alive while it is
 * pending. It gets it back: from the fire callback (fired); from timer_cancel returning
 * TIMER_CANCEL_DONE (cancelled by the owner thread: unlinked at once); through the wheel's
 * release callback after TIMER_CANCEL_DEFERRED (cancelled by another thread); from
 * timer_wheel_destroy, through the release callback, for timers still pending.
 */
#ifndef HS_TIMER_H
#define HS_TIMER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define TIMER_SLOT_BITS 6
#define TIMER_SLOTS 64
#define TIMER_LEVELS 5 /* 30 bits of milliseconds: about 12.4 days before the far list */

typedef enum TimerState {
    TIMER_IDLE = 0,  /* not inserted, or given back */
    TIMER_PENDING,   /* in a wheel */
    TIMER_FIRED,     /* the callback ran or is running */
    TIMER_CANCELLED, /* cancelled before it fired */
} TimerState;

typedef struct TimerLink {
    struct TimerLink *next, *prev;
} TimerLink;

struct TimerWheel;

typedef struct Timer {
    TimerLink link;            /* [owner] slot list */
    uint64_t expiry_ms;        /* monotonic ms; fixed while pending ([any thread] may read) */
    uint64_t seq;              /* insertion number in its wheel: the handle */
    struct TimerWheel *wheel;  /* the owner; fixed while pending */
    _Atomic unsigned state;    /* TimerState [any thread] */
    uint16_t where;            /* [owner] level·64 + slot, or one of the lists */
    _Atomic(struct Timer *) cancel_next; /* the remote cancel stack */
    void *arg;                 /* the caller's */
} Timer;

typedef void (*TimerFireFn)(void *ctx, Timer *t);
typedef void (*TimerReleaseFn)(void *ctx, Timer *t);

typedef struct TimerWheel {
    uint64_t now;                          /* timers with expiry <= now have fired, except the due list */
    uint64_t bitmap[TIMER_LEVELS];         /* occupied slots */
    TimerLink slot[TIMER_LEVELS][TIMER_SLOTS];
    TimerLink due, far;
    uint64_t count;                        /* timers linked in the wheel */
    uint64_t next_seq;
    _Atomic(Timer *) cancelled;            /* [any thread pushes] cancelled by other threads */
    TimerReleaseFn release;
    void *release_ctx;
} TimerWheel;

/* The monotonic clock in milliseconds (CLOCK_MONOTONIC). */
uint64_t timer_now_ms(void);

/* A wheel whose time starts at now_ms. release receives timers cancelled by other threads and,
 * at destroy, timers still pending; it may be NULL when neither can happen. */
void timer_wheel_init(TimerWheel *w, uint64_t now_ms, TimerReleaseFn release, void *ctx);
/* Releases every timer still linked (and those on the cancel stack). [owner] */
void timer_wheel_destroy(TimerWheel *w);

/* Inserts t to fire at expiry_ms (already due when <= the wheel's time: it fires at the next
 * advance). Returns t->seq, the timer's handle number. t->arg is the caller's. [owner] */
uint64_t timer_insert(TimerWheel *w, Timer *t, uint64_t expiry_ms);

typedef enum TimerCancel {
    TIMER_CANCEL_LATE = 0,  /* not pending: it fired, is firing, or was cancelled already */
    TIMER_CANCEL_DONE,      /* cancelled and unlinked: the caller owns t again */
    TIMER_CANCEL_DEFERRED,  /* cancelled; the owner wheel releases t at its next advance */
} TimerCancel;

/* Cancels t in O(1). self is the calling thread's own wheel (NULL if it has none): when it is
 * t's wheel the timer is unlinked at once, else it goes on its owner's cancel stack. Never
 * blocks. [any thread] */
TimerCancel timer_cancel(TimerWheel *self, Timer *t);

/* Milliseconds left until t fires, as read at now_ms (0 if due), or -1 when it is not pending
 * (erlang:read_timer's false). [any thread] */
int64_t timer_remaining(const Timer *t, uint64_t now_ms);

/* Moves the wheel's time to now_ms, firing every timer due by then in order: fn(ctx, t) with t
 * no longer in the wheel (fn owns it; it may insert or cancel timers, on this wheel too). A
 * timer that fn inserts already due fires at the next step of this call or at the next call,
 * never inside the batch being fired (no livelock). Also releases timers cancelled by other
 * threads. Returns the number fired. [owner] */
uint64_t timer_advance(TimerWheel *w, uint64_t now_ms, TimerFireFn fn, void *ctx);

/* A time at or before the earliest pending expiry (exact when it is less than 64 ms away, else
 * the next cascade step), the wheel's time when something is due, UINT64_MAX when empty: how
 * long a scheduler may sleep. [owner] */
uint64_t timer_next_expiry(const TimerWheel *w);

static inline uint64_t timer_wheel_now(const TimerWheel *w) { return w->now; }
static inline uint64_t timer_wheel_count(const TimerWheel *w) { return w->count; }

#endif
