/*
 * tablock.c — a table's lock, plain or frequent-read (see tablock.h for the invariants).
 */
#include <sched.h>
#include <stdlib.h>
#include <time.h>

#include "ets/tablock.h"

static _Atomic unsigned next_slot;
static _Thread_local unsigned my_slot = ~0u;

unsigned tablock_thread_slot(void)
{
    if (my_slot == ~0u) my_slot = atomic_fetch_add(&next_slot, 1) % TABLOCK_SLOTS;
    return my_slot;
}

void spinrw_wait(unsigned *spins)
{
    unsigned n = ++*spins;
    if (n < 100) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    } else if (n < 200) {
        sched_yield();
    } else {
        /* a long hold (a whole-table operation): stop competing for the processor */
        struct timespec ts = {0, 50000};
        nanosleep(&ts, NULL);
    }
}

void tablock_init(TabLock *l, bool freq_read)
{
    spinrw_init(&l->rw);
    l->slots = NULL;
    atomic_init(&l->writer, 0);
    if (!freq_read) return;
    pthread_mutex_init(&l->wmutex, NULL);
    l->slots = aligned_alloc(64, TABLOCK_SLOTS * sizeof(TabLockSlot));
    if (!l->slots) abort();
    for (int i = 0; i < TABLOCK_SLOTS; i++) atomic_init(&l->slots[i].readers, 0);
}

void tablock_fr_rdlock(TabLock *l)
{
    TabLockSlot *s = &l->slots[tablock_thread_slot()];
    for (;;) {
        atomic_fetch_add(&s->readers, 1);
        if (!atomic_load(&l->writer)) return;
        /* A writer holds or wants the lock: step back and wait for it on its mutex. */
        atomic_fetch_sub(&s->readers, 1);
        pthread_mutex_lock(&l->wmutex);
        pthread_mutex_unlock(&l->wmutex);
    }
}

void tablock_fr_rdunlock(TabLock *l) { atomic_fetch_sub(&l->slots[tablock_thread_slot()].readers, 1); }

void tablock_fr_wrlock(TabLock *l)
{
    pthread_mutex_lock(&l->wmutex);
    atomic_store(&l->writer, 1);
    for (int i = 0; i < TABLOCK_SLOTS; i++) {
        /* Readers hold the lock briefly (one key), or for a whole-table read: spin a little,
         * then give the processor away. */
        for (unsigned spins = 0; atomic_load(&l->slots[i].readers) != 0; spins++)
            if (spins >= 64) sched_yield();
    }
}

void tablock_fr_wrunlock(TabLock *l)
{
    atomic_store(&l->writer, 0);
    pthread_mutex_unlock(&l->wmutex);
}
