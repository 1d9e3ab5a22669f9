/*
 * etsmem.h — the memory ETS objects, buckets and tree stacks live in.
 *
 * Why not malloc: a big table is read at random (a lookup touches a random bucket and usually
 * one node; a select walks buckets in hash order, so nodes in random order), and with 4 KB
 * pages every such access misses the TLB: on a virtual machine a page walk costs about as much
 * as the cache miss itself. Blocks here come from 2 MB chunks, each 2 MB aligned and advised
 * for transparent huge pages (a class's second chunk in a thread slot on, so that a program
 * with a few small tables does not hold 2 MB per class and slot), so a table of 100 MB spans 50 TLB entries.
 * Blocks are also denser than malloc's (no header: the caller passes the size back on free).
 *
 * Invariants: a request of n bytes is rounded up to its class (16-byte steps up to 1 KB, then
 * 2, 4, 8, 16 KB); larger requests go to malloc. Each thread slot (tablock_thread_slot) has an
 * arena: a mutex (threads past TABLOCK_SLOTS share slots) and its chunks. A chunk serves one
 * class and counts its live blocks; a block freed goes back to its own chunk (under the owning
 * arena's mutex, whichever thread frees it). A chunk left with no live block is kept empty for
 * reuse by any class while its arena keeps fewer than 2 such, else unmapped: memory a table
 * gave back returns to the system, less at most 4 MB per slot (erlang:memory(ets) and
 * ets:info(T, memory) count live bytes, as OTP's accounting, not chunks). Under
 * AddressSanitizer every block is malloc'd, so that overflows and leaks are still seen.
 * [any thread]
 */
#ifndef HS_ETS_ETSMEM_H
#define HS_ETS_ETSMEM_H

#include <stddef.h>

void *etsmem_alloc(size_t bytes);
/* bytes: exactly what was asked of etsmem_alloc for ptr. */
void etsmem_free(void *ptr, size_t bytes);
/* For tests: bytes of the chunks mapped now (all arenas), and chunks mapped since the start. */
size_t etsmem_mapped_bytes(void);
size_t etsmem_chunks_mapped_ever(void);

#endif
