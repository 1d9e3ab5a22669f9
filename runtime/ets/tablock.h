/*
 * tablock.h — a table's own lock: a plain rwlock (a SpinRw, below), or OTP's "frequent read"
 * rwlock for tables with read_concurrency or write_concurrency (ERTS_RWMTX_TYPE_FREQUENT_READ
 * in erl_db.c); and SpinRw, also the lock of a hash table's stripes.
 *
 * Why: with concurrency, every single-key operation takes the table lock shared (a striped
 * table adds its stripe). A plain rwlock's reader count is one cache line every reader writes,
 * so two schedulers reading the table bounce that line on every operation. The frequent-read
 * kind gives each thread slot its own reader count on its own cache line: a reader writes only
 * its slot and reads the writer flag, which stays shared-clean in every cache until a writer
 * comes.
 *
 * Invariants (frequent-read kind): a reader counts itself in its slot, then checks `writer`;
 * a writer sets `writer` (holding `wmutex`, which orders writers), then waits for every slot to
 * be 0 (sequentially consistent atomics: the two cannot both pass). A reader that finds a writer
 * uncounts itself and waits on `wmutex` until the writer is done, so writers are not starved by
 * a stream of readers. Not recursive: a thread must not take the read lock it already holds
 * (a pending writer would wait on it forever). Slots are shared by threads past TABLOCK_SLOTS
 * (the counts just add up). [any thread]
 */
#ifndef HS_ETS_TABLOCK_H
#define HS_ETS_TABLOCK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#define TABLOCK_SLOTS 16

/*
 * SpinRw: one word, a writer bit and a reader count. The uncontended paths are one atomic each
 * way (pthread_rwlock's took two and more, plus a call). A reader counts itself first and steps
 * back if a writer holds the lock; a writer takes the word only from 0 (no readers, no writer),
 * so a steady stream of readers can hold a writer off (as glibc's default rwlock can). A waiter
 * spins briefly, then yields, then sleeps in short naps (spinrw_wait): a stripe is held for one
 * key's operation, but a plain table's lock also for a whole-table select or tab2list.
 */
typedef struct SpinRw {
    _Atomic unsigned state;
} SpinRw;
#define SPINRW_WRITER 0x80000000u

void spinrw_wait(unsigned *spins);
static inline void spinrw_init(SpinRw *l) { atomic_init(&l->state, 0); }
static inline void spinrw_rdlock(SpinRw *l)
{
    unsigned spins = 0;
    while (atomic_fetch_add_explicit(&l->state, 1, memory_order_acquire) & SPINRW_WRITER) {
        atomic_fetch_sub_explicit(&l->state, 1, memory_order_relaxed);
        do spinrw_wait(&spins);
        while (atomic_load_explicit(&l->state, memory_order_relaxed) & SPINRW_WRITER);
    }
}
static inline void spinrw_rdunlock(SpinRw *l) { atomic_fetch_sub_explicit(&l->state, 1, memory_order_release); }
static inline void spinrw_wrlock(SpinRw *l)
{
    unsigned spins = 0, zero = 0;
    while (!atomic_compare_exchange_weak_explicit(&l->state, &zero, SPINRW_WRITER, memory_order_acquire,
                                                  memory_order_relaxed)) {
        zero = 0;
        spinrw_wait(&spins);
    }
}
/* fetch_sub, not a store of 0: readers may have counted themselves for a moment meanwhile. */
static inline void spinrw_wrunlock(SpinRw *l)
{
    atomic_fetch_sub_explicit(&l->state, SPINRW_WRITER, memory_order_release);
}
static inline void spinrw_lock(SpinRw *l, bool write)
{
    if (write) spinrw_wrlock(l);
    else spinrw_rdlock(l);
}
static inline void spinrw_unlock(SpinRw *l, bool write)
{
    if (write) spinrw_wrunlock(l);
    else spinrw_rdunlock(l);
}

typedef struct TabLockSlot {
    _Atomic long readers;
    char pad[64 - sizeof(long)];
} __attribute__((aligned(64))) TabLockSlot;

typedef struct TabLock {
    SpinRw rw;                /* the plain kind */
    TabLockSlot *slots;       /* the frequent-read kind: TABLOCK_SLOTS of them, else NULL */
    _Atomic int writer;       /* frequent-read: a writer holds or is taking the lock */
    pthread_mutex_t wmutex;   /* frequent-read: held by the writer */
} TabLock;

/* Never destroyed: tables keep their struct as a tombstone (ets.h). */
void tablock_init(TabLock *l, bool freq_read);
/* The frequent-read kind (tablock.c); the plain kind is inline below. */
void tablock_fr_rdlock(TabLock *l);
void tablock_fr_rdunlock(TabLock *l);
void tablock_fr_wrlock(TabLock *l);
void tablock_fr_wrunlock(TabLock *l);

static inline void tablock_rdlock(TabLock *l)
{
    if (l->slots) tablock_fr_rdlock(l);
    else spinrw_rdlock(&l->rw);
}
static inline void tablock_rdunlock(TabLock *l)
{
    if (l->slots) tablock_fr_rdunlock(l);
    else spinrw_rdunlock(&l->rw);
}
static inline void tablock_wrlock(TabLock *l)
{
    if (l->slots) tablock_fr_wrlock(l);
    else spinrw_wrlock(&l->rw);
}
static inline void tablock_wrunlock(TabLock *l)
{
    if (l->slots) tablock_fr_wrunlock(l);
    else spinrw_wrunlock(&l->rw);
}
static inline void tablock_lock(TabLock *l, bool write)
{
    if (write) tablock_wrlock(l);
    else tablock_rdlock(l);
}
static inline void tablock_unlock(TabLock *l, bool write)
{
    if (write) tablock_wrunlock(l);
    else tablock_rdunlock(l);
}

/* The calling thread's slot (0 .. TABLOCK_SLOTS-1), fixed for the thread's life: also used to
 * spread other per-thread counters (ets.c's byte total). */
unsigned tablock_thread_slot(void);

#endif
