/*
 * gc.h — the generational copying collector.
 *
 * (The invariants in prose belong at the top of this file: the GC's owner writes them here.)
 */
#ifndef HS_GC_H
#define HS_GC_H

#include "heap.h"

typedef enum { GC_MINOR, GC_MAJOR } GcType;

typedef enum {
    GC_REASON_HEAP_FULL,      /* an allocation would make heap and stack meet */
    GC_REASON_BIN_VHEAP,      /* bin_vheap_size passed bin_vheap_block_size */
    GC_REASON_FRAGMENTS,      /* heap fragments larger than the free space */
    GC_REASON_EXPLICIT,       /* erlang:garbage_collect, a forced GC from the agent */
    GC_REASON_FULLSWEEP_AFTER,/* gen_gcs reached fullsweep_after: the minor became a major */
    GC_REASON_STRESS,         /* HEAPSCOPE_GC_STRESS */
} GcReason;

/* OTP's garbage_collection_info list (erl_gc.c erts_process_gc_info), in words. */
typedef struct GcInfo {
    Uint old_heap_block_size;
    Uint heap_block_size;
    Uint mbuf_size;
    Uint recent_size;
    Uint stack_size;
    Uint old_heap_size;
    Uint heap_size;
    Uint bin_vheap_size;
    Uint bin_vheap_block_size;
    Uint bin_old_vheap_size;
    Uint bin_old_vheap_block_size;
} GcInfo;

/* One collection, as the agent sees it. */
typedef struct GcEvent {
    GcType type;
    GcReason reason;
    Uint need;        /* words the triggering allocation asked for */
    GcInfo before, after;
    Uint reclaimed;   /* size before - size after (young + old + fragments) */
    uint64_t duration_ns;
} GcEvent;

void gc_info(const Heap *h, GcInfo *out);

/*
 * Collects now. major requests a fullsweep (erlang:garbage_collect/0, the agent's forced GC);
 * otherwise OTP's choice: a minor unless one is impossible (no old heap yet, mature data does
 * not fit, old binary vheap full) or gen_gcs reached fullsweep_after. Afterwards at least `need`
 * words are free. Fills *ev when not NULL. [may GC]
 */
void gc_collect(Heap *h, Uint need, GcRoots *roots, bool major, GcReason reason, GcEvent *ev);

/* Checks every invariant of this file's prose on h (test and stress builds run it after each
 * collection: HS_TEST_HOOKS). Returns NULL when the heap is sound, else what is wrong. */
const char *gc_verify(const Heap *h, const GcRoots *roots);

/* Called after every collection when set (the probe table will own this pointer). */
extern void (*gc_event_hook)(const Heap *h, const GcEvent *ev);

#endif
