/*
 * unwind.h — native backtraces of the runtime's own off-heap allocations (libunwind).
 *
 * The split follows heaptrack: the allocating thread only records raw facts, everything
 * expensive happens elsewhere.
 *  - Hot path (any thread, inside probe.native_alloc / native_free): unwind_capture takes the
 *    return addresses with unw_backtrace and interns them in a fixed, preallocated stack table
 *    (hash of the frames -> stack id) with one CAS: no lock, no malloc of ours. unwind_alloc
 *    samples (1 in sample_every allocations per thread, plus every allocation of at least
 *    large_bytes), captures, and records ptr -> (stack id, bytes) in a fixed open-addressed
 *    table; unwind_free forgets the pointer. A full table drops the fact and counts it.
 *  - Cold path (the collector thread, the report at exit): unwind_symbolise turns a stack id into
 *    text (dladdr, then libunwind's ELF symbol lookup, which also names static functions);
 *    unwind_outstanding groups the pointers still recorded by stack.
 * Stack ids are stable for the process's life: 1 + the slot index (0 means "no stack").
 * unwind_init must run before the first capture (agent_attach does it; idempotent): it
 * allocates the tables and warms libunwind up so that its own lazy setup is not on a hot path.
 */
#ifndef HS_AGENT_UNWIND_H
#define HS_AGENT_UNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UNWIND_DEPTH 32            /* frames kept per stack */
#define UNWIND_STACKS 16384        /* distinct stacks */
#define UNWIND_LIVE 262144         /* sampled allocations outstanding at once */

/* sample_every: 1 in N allocations gets a backtrace (1: all; 0 means 1). large_bytes: an
 * allocation at least this big always does (0: no such rule). Later calls only change these
 * two settings. false when the tables cannot be allocated. [any thread, before captures] */
bool unwind_init(unsigned sample_every, size_t large_bytes);

/* The current stack, skipping `skip` callers above unwind_capture's own frame, as a stack id;
 * 0 when the table is full or unwinding failed. [any thread, hot path] */
uint64_t unwind_capture(unsigned skip);

/* AgentConfig.bt_capture: unwind_capture skipping itself and the agent's native_alloc hook,
 * which must call it directly (frame 0 is then the runtime function that fired the probe). */
uint64_t unwind_capture_hook(void);

/* Frames of a stack id (pointers into the table, valid forever); 0 when unknown. */
unsigned unwind_frames(uint64_t stack_id, const void *const **frames);

/* Text of a stack id: one frame a line, "function+0xoff (object)" or "0xaddr (object)".
 * AgentConfig.bt_symbolise. false for an unknown id. [cold path] */
bool unwind_symbolise(uint64_t stack_id, char *buf, size_t cap);

/* Names one address: "function+0xoff" into buf; false when no symbol is known. */
bool unwind_symbol(const void *ip, char *buf, size_t cap);

/* Records an allocation (sampled) and forgets a freed one. [any thread, hot path] */
void unwind_alloc(const void *ptr, size_t bytes);
void unwind_free(const void *ptr);

typedef struct UnwindGroup {
    uint64_t stack_id;
    uint64_t count;      /* sampled allocations outstanding with this stack */
    uint64_t bytes;      /* their bytes */
} UnwindGroup;

/* Groups the recorded allocations by stack, largest bytes first; returns how many groups exist
 * (may exceed cap; out gets the first cap). [cold path] */
size_t unwind_outstanding(UnwindGroup *out, size_t cap);

typedef struct UnwindStats {
    uint64_t allocs_seen, allocs_sampled, frees_matched;
    uint64_t stacks, stacks_dropped, live_dropped;
    unsigned sample_every;
    size_t large_bytes;
    size_t table_bytes;  /* bookkeeping memory of this module */
} UnwindStats;
void unwind_stats(UnwindStats *out);

/* Forgets every recorded allocation (tests; the stack table is kept). No concurrent users. */
void unwind_reset_live(void);

#endif
