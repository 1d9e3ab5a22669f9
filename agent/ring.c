#include "ring.h"

#include <stdlib.h>
#include <string.h>

AgRing *ag_ring_create(size_t capacity)
{
    size_t cap = 2;
    while (cap < capacity && cap < ((size_t)1 << 30)) cap <<= 1;
    AgRing *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->slots = calloc(cap, sizeof *r->slots);
    if (!r->slots) { free(r); return NULL; }
    r->mask = cap - 1;
    atomic_init(&r->head, 0);
    atomic_init(&r->tail, 0);
    atomic_init(&r->drops, 0);
    return r;
}

void ag_ring_destroy(AgRing *r)
{
    if (!r) return;
    free(r->slots);
    free(r);
}

size_t ag_ring_capacity(const AgRing *r) { return (size_t)r->mask + 1; }

bool ag_ring_push(AgRing *r, const AgEvent *ev)
{
    /* head is ours: relaxed. tail: acquire, pairing with the consumer's release in
     * ag_ring_pop, so the consumer's copy-out of the slot we are about to overwrite is done. */
    uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    if (head - tail > r->mask) {
        atomic_fetch_add_explicit(&r->drops, 1, memory_order_relaxed);
        return false;
    }
    AgEvent *slot = &r->slots[head & r->mask];
    memcpy(slot, ev, sizeof *slot);
    slot->seq = head;
    /* release: the slot's bytes are visible before the consumer can see the new head. */
    atomic_store_explicit(&r->head, head + 1, memory_order_release);
    return true;
}

size_t ag_ring_pop(AgRing *r, AgEvent *out, size_t max)
{
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    /* acquire: pairs with the producer's release store of head (the slots are complete). */
    uint64_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    size_t n = 0;
    while (tail + n < head && n < max) {
        memcpy(&out[n], &r->slots[(tail + n) & r->mask], sizeof out[n]);
        n++;
    }
    /* release: our reads of the slots happen before the producer may reuse them. */
    if (n) atomic_store_explicit(&r->tail, tail + n, memory_order_release);
    return n;
}

uint64_t ag_ring_pushed(const AgRing *r)
{
    return atomic_load_explicit(&((AgRing *)r)->head, memory_order_relaxed);
}

uint64_t ag_ring_drops(const AgRing *r)
{
    return atomic_load_explicit(&((AgRing *)r)->drops, memory_order_relaxed);
}

size_t ag_ring_merge(AgEvent *const *batches, const size_t *counts, size_t k, AgEvent *out)
{
    /* k is the number of rings (schedulers + 1): a linear scan for the minimum is cheaper
     * than a heap at these sizes. */
    size_t pos[k ? k : 1];
    for (size_t i = 0; i < k; i++) pos[i] = 0;
    size_t n = 0;
    for (;;) {
        size_t best = k;
        for (size_t i = 0; i < k; i++) {
            if (pos[i] >= counts[i]) continue;
            if (best == k || batches[i][pos[i]].time_ns < batches[best][pos[best]].time_ns)
                best = i;
        }
        if (best == k) return n;
        out[n++] = batches[best][pos[best]++];
    }
}
