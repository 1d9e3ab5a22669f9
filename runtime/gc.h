/*
 * gc.h — the generational copying collector (OTP 25's erl_gc.c; reference §3, §4).
 *
 * Invariants. gc_verify (gc_verify.c) checks each numbered sentence; builds with HS_TEST_HOOKS
 * run it after every collection.
 *
 *  1. Areas. A heap has a young block [heap, htop) with the stack [stop, hend) at its other
 *     end, an optional old heap [old_heap, old_htop) inside [old_heap, old_hend), and heap
 *     fragments (mbuf), which are young. heap_sz == hend - heap; heap <= htop <= stop <= hend.
 *     heap_sz and the old heap's block size are entries of the heap-size table (the block may
 *     be larger than min_heap_size, never smaller). mbuf_sz is the sum of the fragments' used
 *     words.
 *  2. Objects. Every area is a sequence of objects: a boxed object is a header word (primary
 *     tag 00, never 0) and hdr_arity() words, of which the first hdr_raw_words() are raw data
 *     and the rest terms; a cons cell is two term words and never starts with a header-tagged
 *     word. So a walker needs nothing but the words to step from object to object.
 *  3. What may point where. A pointer term (list or boxed) points at the start of an object of
 *     its kind (a cons cell, or a header) inside the used part of an area or into the literal
 *     area. Young data (block and fragments) may point to young, old and literal data; old data
 *     points only to old and literal data; nothing points into the stack or outside these
 *     areas. Literals are never copied, scanned or changed by the GC.
 *  4. Roots. The live X registers (GcRoots.xregs[0..live)), the slots each_extra visits, and
 *     the stack words [stop, hend). On the stack a word with primary tag 00 is a return
 *     address (an aligned code pointer) and is skipped, as are immediates; list and boxed
 *     words are roots. Everything else the heap holds is garbage at a GC.
 *  5. Promotion. high_water is in [heap, htop]: data below it survived the previous GC
 *     ("mature"). A minor GC copies live mature data to the old heap and other live young data
 *     (block above high_water, fragments) to a new block, then sets high_water = htop, so data
 *     is promoted at the second minor it survives. Whatever promoted data refers to is promoted
 *     with it (it is older, hence mature, by immutability), so sentence 3 holds for old data.
 *     A major copies all live data (young and old) into one new block, frees the old heap and
 *     sets high_water = htop. The first GC of a fresh heap is a major: no old heap, nothing
 *     mature. The old heap is created by the first minor that has mature data, at
 *     heap_next_size(young usage, 1) words, and never grows: a minor whose mature data does not
 *     fit in its free words, or whose old binary vheap is full (bin_old_vheap >=
 *     bin_old_vheap_sz), is impossible and becomes a major in the same call. gen_gcs counts
 *     minors since the last major; gen_gcs >= max_gen_gcs (fullsweep_after) or
 *     HEAP_NEED_FULLSWEEP makes the next GC a major.
 *  6. Forwarding. During a collection only, a copied boxed object's header is replaced by a
 *     boxed pointer to its copy (a header never has primary tag 10), and a copied cons cell
 *     gets CAR = NONVALUE and CDR = a list pointer to its copy. None of these markers survive a
 *     collection: no header word at an object start is a pointer and no CAR is NONVALUE.
 *  7. Off-heap list. h->off_heap.first links every ProcBin (and magic ref) in the block and the
 *     old heap: entries in the young block first, old-heap entries at the tail, so a minor
 *     sweeps only the young part. A fragment's ProcBins may instead sit on that fragment's own
 *     list. off_heap.overhead is the sum of size/8 over the young ProcBins of h's list;
 *     bin_old_vheap the same over the old-heap ones; each fragment's overhead over its own
 *     list. Magic refs count 0 words. Every ProcBin in an area is on exactly one list. A GC
 *     relinks the ProcBins whose header was forwarded (young survivors first, promoted ones
 *     next, the untouched old tail last), merges the fragments' lists, and releases the others
 *     with binary_decref. bin_vheap_size (gc_info) is h's overhead plus the fragments'.
 *  8. Sizing after a GC (§3.3, §3.4), with stack = hend - stop, young usage = (htop - heap) +
 *     mbuf_sz, need = the words the trigger asked for:
 *     minor: new block = next(stack + young usage, 0); then with need_after = young live +
 *       need + stack + S_RESERVED: shrink when heap_sz > 3000, 4·need_after < heap_sz and
 *       (heap_sz > 8000 or heap_sz > old block) to next(3·need_after, raised to old block/8
 *       when 9·(3·need_after) < old block) if smaller; else grow to next(need_after) when
 *       need_after > heap_sz.
 *     major: new block = next(stack + young usage + old used + S_RESERVED, 0), one entry
 *       larger when that equals heap_sz and HEAP_GROW is set; then with need_after = live +
 *       need + stack + S_RESERVED: grow to next(need_after) when heap_sz < need_after; else set
 *       HEAP_GROW when 3·heap_sz < 4·need_after; else shrink to next(2·need_after) when
 *       4·need_after < heap_sz and that is smaller.
 *     next() never goes below min_heap_size. Afterwards at least need + S_RESERVED words are
 *     free. When a list was swept, bin_vheap_sz = next_vheap(young binary words, bin_vheap_sz)
 *     and, after a major, bin_old_vheap_sz = next_vheap(pre-GC overhead, bin_old_vheap_sz),
 *     both at least min_vheap_size (OTP's do_next_vheap_size).
 *  9. Triggers (heap_reserve_maybe_gc): fewer than need + S_REDZONE free words (the JIT's red
 *     zone, reference §3.1; measured: a 2-word cons triggers with 3 words free), HEAP_FORCE_GC,
 *     bin_vheap_size > bin_vheap_sz, mbuf_sz > free words, or heap_gc_stress.
 * 10. max_heap_size (reference §4.8), checked by every collection before it copies, against
 *     the memory its peak would hold: a minor counts the young usage, the old block (or the
 *     one about to be created) and the new young block; a major the young usage, the whole
 *     old block, the young block's free words and stack, and the new block. Over the limit,
 *     HEAP_MAX_REACHED is set with max_heap_seen; with HEAP_MAX_KILL the collection does not
 *     run at all (the process is killed, OTP emits no gc end), else it runs as usual.
 * 11. Roots may point at data the collection does not own: a receive leaves pointers into a
 *     message it skipped in dead stack slots (the compiler does not clear them), and the
 *     message is still queued, in a fragment outside the heap. A root is evacuated only when
 *     it points into the young block, the old heap or a heap fragment; any other root is left
 *     as it is (with an on_heap queue, moving the queued data relocates such roots too).
 *     Copying it instead would write forwarding words into the queued message.
 *
 * [owner only]: a collection touches only its own heap; the Binary refcounts it drops are
 * atomic (bin.h).
 */
#ifndef HS_GC_H
#define HS_GC_H

#include <stdatomic.h>

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

/*
 * One collection (one gc_collect call), as the agent sees it. type is what ran. When a minor
 * was tried and found impossible (sentence 5), failed_minor is set and type is GC_MAJOR: OTP's
 * trace shows that call as gc_minor_start, gc_minor_end (0 reclaimed), gc_major_start,
 * gc_major_end, and counts it as one GC. A major chosen without trying a minor (fullsweep_after
 * reached, HEAP_NEED_FULLSWEEP, an explicit major) has failed_minor false.
 */
typedef struct GcEvent {
    GcType type;
    GcReason reason;
    bool failed_minor;
    Uint need;        /* words the triggering allocation asked for */
    GcInfo before, after;
    Uint reclaimed;   /* size before - size after (young + old + fragments) */
    uint64_t duration_ns;
} GcEvent;

void gc_info(const Heap *h, GcInfo *out);

/* The GcInfo fields as OTP lists them (garbage_collection_info, the max_heap_size report):
 * names and values in the same order. */
#define GC_INFO_ITEMS 11
extern const char *const gc_info_names[GC_INFO_ITEMS];
void gc_info_values(const GcInfo *gi, Uint out[GC_INFO_ITEMS]);

/*
 * Collects now. major requests a fullsweep (erlang:garbage_collect/0, the agent's forced GC);
 * otherwise OTP's choice: a minor unless one is impossible (no old heap yet, mature data does
 * not fit, old binary vheap full) or gen_gcs reached fullsweep_after. Afterwards at least `need`
 * words are free. Fills *ev when not NULL. [may GC]
 */
void gc_collect(Heap *h, Uint need, GcRoots *roots, bool major, GcReason reason, GcEvent *ev);

/* Checks every invariant of this file's prose on h (test and stress builds run it after each
 * collection: HS_TEST_HOOKS). Returns NULL when the heap is sound, else what is wrong (a
 * thread-local buffer, valid until the next call). roots may be NULL. */
const char *gc_verify(const Heap *h, const GcRoots *roots);

/* gc_verify for the collector's own calls: the old heap's words an earlier call on h checked
 * are not walked again (they cannot change: a minor only appends to the old heap), which keeps
 * a check after every collection affordable under GC stress. The memo lives in h->verify_memo;
 * gc_verify_memo_free drops it, as it must be whenever the old heap is freed. */
typedef struct GcVerifyMemo GcVerifyMemo;
const char *gc_verify_memo(Heap *h, const GcRoots *roots);
void gc_verify_memo_free(Heap *h);

/* In HS_TEST_HOOKS builds gc_collect calls gc_verify after each collection and aborts with its
 * message when it fails, while this is true (the default). Benchmarks may turn it off. */
extern bool gc_verify_after_gc;

/* OTP's do_next_vheap_size: the binary vheap limit after a GC that left `vheap` words of live
 * binaries under the limit `vheap_sz` (before the min_bin_vheap_size floor). */
Uint gc_next_vheap_size(Uint vheap, Uint vheap_sz);

/* What GC stress (heap.h HeapStress) fills the areas it leaves with: a boxed pointer to an
 * address nothing maps, so a dangling term faults when dereferenced and fails gc_verify when
 * stored. Those areas stay allocated for a while (gc.c), so a test may read them. */
#define GC_STRESS_POISON ((Term)0xdeadbee0u | TAG_PRIMARY_BOXED)

/* statistics(garbage_collection): collections and words reclaimed, every heap together. */
extern _Atomic Uint gc_total_count, gc_total_reclaimed;

/* Called after every collection when set (the probe table will own this pointer). */
extern void (*gc_event_hook)(const Heap *h, const GcEvent *ev);

#endif
