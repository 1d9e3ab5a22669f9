/*
 * ring.h — per-scheduler single-producer single-consumer event rings (STYLE.md habit 4).
 *
 * Invariants.
 *  1. One producer (the scheduler thread bound to the ring, or whoever holds the fallback
 *     ring's try-lock) writes slots and advances head; one consumer (the collector thread)
 *     reads slots and advances tail. 0 <= head - tail <= capacity at every moment.
 *  2. A slot [tail, head) (mod capacity) holds a complete event: the producer fills the slot,
 *     then publishes head with a release store; the consumer loads head with acquire, so it
 *     sees the slot's bytes. The consumer copies a slot out and then publishes tail with a
 *     release store; the producer loads tail with acquire before reusing that slot.
 *  3. A push that finds the ring full (head - tail == capacity) does not wait: it increments
 *     drops (relaxed: a statistic nobody synchronises on) and returns false.
 *  4. pushed counts accepted events; pushed + drops is every event offered.
 * Each event gets its ring-local sequence number (head at push); the collector gives the
 * merged stream global sequence numbers.
 */
#ifndef HS_AG_RING_H
#define HS_AG_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe.h"

typedef enum {
    AG_EV_SPAWN, AG_EV_EXIT, AG_EV_GC_START, AG_EV_GC_END, AG_EV_SEND, AG_EV_ETS, AG_EV_BIN,
    AG_EV_NATIVE_ALLOC, AG_EV_NATIVE_FREE,
} AgEventKind;

/* A native event plus what the hook added on the allocating thread. */
typedef struct AgNative {
    ProbeNative n;
    uint64_t stack_id;  /* AgentBacktraceCapture's id, 0 when not sampled */
} AgNative;

/* One fixed-size record: a tagged union of the probe structs, copied by value. */
typedef struct AgEvent {
    AgEventKind kind;
    unsigned sched;     /* ring it came through (the fallback ring's id is AG_RING_FALLBACK) */
    uint64_t time_ns;   /* probe_now_ns at the event (stamped by the hook when absent) */
    uint64_t seq;       /* ring-local at push; global after the collector's merge */
    uint32_t count;     /* AG_EV_SEND: sends coalesced into this event (flat_words is their
                           sum; agent.c "send coalescing"); 0 or 1: one.
                           AG_EV_GC_END: 0 for one GC; n >= 1 for n GCs of one process and
                           one type coalesced (reclaimed and duration_ns their sums, after the
                           last's, peak_size for majors the largest heap + old heap + mbuf
                           after any of them; their pauses are already in a scheduler's
                           histogram, agent.c).
                           Other kinds: unused */
    uint32_t sampled;   /* AG_EV_SEND with count > 1: how many of them were sampled;
                           u.send.shared_words is the sum of their shared sizes and
                           sampled_flat of their flat sizes. count <= 1: unused (the one send
                           is sampled when shared_words != 0) */
    union {
        uint64_t sampled_flat;   /* AG_EV_SEND */
        uint64_t ets_first_ns;   /* AG_EV_ETS with count >= 1: the first operation's time */
    };
    /* AG_EV_ETS with count >= 1: count operations of one kind (u.ets.kind: inserts or object
       deletes) of one table from one batch coalesced on a scheduler thread (agent.c "ETS
       coalescing"); ets_deletes is count for object deletes, 0 for inserts. u.ets holds the
       figures after the last of them and u.ets.p.time_ns its time (time_ns may be later: a
       thread's ring stays in time order), ets_first_ns the first's time, peak_* the largest
       after any of them; ets_interleaved: the batch's kinds came in more runs than kinds
       (e.g. insert, delete, insert), so this event's operations overlap another kind's.
       count 0: one event. */
    uint32_t ets_deletes;
    bool ets_interleaved;
    uint64_t peak_size, peak_memory_words;
    union {
        ProbeSpawn spawn;
        ProbeExit exit;
        ProbeGc gc;
        ProbeSend send;
        ProbeEts ets;
        ProbeBin bin;
        AgNative native;
    } u;
} AgEvent;

#define AG_RING_FALLBACK 0xffffu

typedef struct AgRing {
    _Atomic uint64_t head;     /* written by the producer only */
    char pad1[56];             /* head and tail on their own cache lines */
    _Atomic uint64_t tail;     /* written by the consumer only */
    char pad2[56];
    _Atomic uint64_t drops;    /* producer increments; anyone reads (statistic) */
    uint64_t mask;             /* capacity - 1; immutable after create */
    AgEvent *slots;
} AgRing;

/* capacity is rounded up to a power of two (at least 2). NULL when out of memory. */
AgRing *ag_ring_create(size_t capacity);
void ag_ring_destroy(AgRing *r);
size_t ag_ring_capacity(const AgRing *r);

/* [producer only] Copies *ev into the ring; false (and a counted drop) when full. */
bool ag_ring_push(AgRing *r, const AgEvent *ev);

/* [consumer only] Copies up to max events into out, oldest first; returns how many. */
size_t ag_ring_pop(AgRing *r, AgEvent *out, size_t max);

/* [any thread] Events accepted so far, dropped so far. */
uint64_t ag_ring_pushed(const AgRing *r);
uint64_t ag_ring_drops(const AgRing *r);

/* Merges k batches, each sorted by time_ns, into out (capacity >= the sum of counts), in time
 * order; equal times keep batch order (lower batch index first), so the merge is stable and
 * deterministic. Returns the number written. */
size_t ag_ring_merge(AgEvent *const *batches, const size_t *counts, size_t k, AgEvent *out);

#endif
