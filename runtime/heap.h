/*
 * heap.h — a process's memory: one block with the heap growing up and the stack growing down,
 * an old generation, heap fragments and the off-heap list.
 *
 * Areas (reference: ../shared/reference/beam-memory.md §3, §4):
 *
 *   young block   [heap ........ htop)   free   [stop ........ hend)
 *                  data, grows up                stack, grows down
 *                 heap_sz = hend - heap words. process_info(heap_size) is heap_sz: it includes
 *                 the stack. Free words = stop - htop.
 *   high_water    an address in [heap, htop]: data below it survived the previous GC ("mature")
 *                 and is promoted to the old heap by the next minor GC.
 *   old heap      [old_heap .. old_htop) used, [old_htop .. old_hend) free. Created by the first
 *                 minor GC that has mature data, at erts_next_heap_size(young usage, 1) words;
 *                 it never grows (a minor whose mature data does not fit becomes a major) and
 *                 every major frees it.
 *   fragments     mbuf: heap fragments made when a term had to be built and the block had no
 *                 room (heap_halloc). They are young data: GC roots point into them and the
 *                 next GC copies their live data into the block and frees them. mbuf_sz is the
 *                 sum of their used words.
 *   off-heap list off_heap.first: every ProcBin (and magic ref) on the young heap, the old heap
 *                 and the fragments, young entries first and old-heap entries at the tail, so a
 *                 minor GC sweeps only the young part. off_heap.overhead is bin_vheap_size.
 *
 * What may point where: young data may point to young, old and literal data; old data points
 * only to old and literal data (Erlang terms are immutable: a term can only refer to terms
 * that existed before it, and promotion moves whole generations); nothing points into the
 * stack. Roots (the VM's live X registers, the stack, the process dictionary, queued on_heap
 * messages) may point anywhere.
 *
 * "May GC" is visible: only heap_reserve_maybe_gc (and the gc_* entry points) may move terms.
 * After heap_reserve_maybe_gc(h, n, roots) returns, heap_alloc may take up to n words without
 * failing. heap_halloc never collects: it uses the block when it has room, else a fragment, so C
 * code that builds a term of unknown size (a BIF) may hold raw terms across it.
 *
 * [owner only]: a Heap belongs to one process and is touched only by the thread running it.
 */
#ifndef HS_HEAP_H
#define HS_HEAP_H

#include "term.h"

/* CP_SIZE + S_REDZONE on OTP 25's x86_64 JIT: words kept free above a new stack. */
#define S_RESERVED 4
/* The JIT's red zone below the stack: an allocation check fails unless need + S_REDZONE words
 * are free (reference §3.1; measured: a 2-word cons collects when 3 words are free). */
#define S_REDZONE 3
#define H_DEFAULT_SIZE 233     /* min_heap_size */
#define H_MIN_SIZE 233
#define VH_DEFAULT_SIZE 46422  /* min_bin_vheap_size after rounding 32768 through the table */
#define FULLSWEEP_AFTER_DEFAULT 65535

/* A heap fragment: words outside the block that belong to the young generation. */
typedef struct HeapFrag {
    struct HeapFrag *next;
    OffHeap off_heap; /* ProcBins created inside this fragment (messages bring their own) */
    Uint alloc_size;  /* words in mem */
    Uint used_size;   /* words used */
    Term mem[];
} HeapFrag;

/* Heap flags. */
enum {
    HEAP_NEED_FULLSWEEP = 1u << 0, /* the next GC is a major (OTP's F_NEED_FULLSWEEP) */
    HEAP_GROW = 1u << 1,           /* the next major grows one step (F_HEAP_GROW) */
    HEAP_FORCE_GC = 1u << 2,       /* collect at the next safe point (F_FORCE_GC) */
    HEAP_MAX_KILL = 1u << 3,       /* max_heap_size's kill flag */
    HEAP_MAX_LOG = 1u << 4,        /* max_heap_size's error_logger flag */
    HEAP_MAX_REACHED = 1u << 5,    /* a GC found max_heap_size exceeded (see gc.h) */
};

typedef struct Heap {
    Term *heap, *htop, *stop, *hend; /* the young block */
    Term *high_water;
    Term *old_heap, *old_htop, *old_hend; /* NULL when there is no old heap */
    HeapFrag *mbuf;
    Uint mbuf_sz;
    OffHeap off_heap;
    Uint heap_sz;          /* words in the young block, hend - heap */
    Uint min_heap_size;    /* already rounded through the heap-size table */
    Uint min_vheap_size;   /* min_bin_vheap_size, rounded */
    Uint bin_vheap_sz;     /* young binary vheap limit (bin_vheap_block_size) */
    Uint bin_old_vheap_sz; /* old binary vheap limit */
    Uint bin_old_vheap;    /* binary words promoted to the old heap */
    uint16_t gen_gcs;      /* minor GCs since the last major (minor_gcs) */
    uint16_t max_gen_gcs;  /* fullsweep_after */
    unsigned flags;
    /* Counters for introspection: never read by the collector's decisions. */
    Uint num_minor, num_major, words_reclaimed;
    Uint max_heap_size;    /* words, 0 when off (max_heap_size's size) */
    Uint max_heap_seen;    /* the total a tripped check computed (the report's Total Heap Size) */
    /* What gc_verify_memo already checked of the old heap (gc.h); NULL until it runs. */
    struct GcVerifyMemo *verify_memo;
} Heap;

/* Where the GC finds roots besides the block's own stack. */
typedef void (*GcVisitFn)(Term *slot, void *arg);
typedef void (*GcAreaFn)(const Term *lo, const Term *hi, void *arg);
typedef struct GcRoots {
    Term *xregs;   /* the first `live` X registers are live */
    unsigned live;
    /* Further root slots outside the block (process dictionary, queued messages, a BIF's saved
     * terms): each_extra calls fn(slot, arg) for each. May be NULL. */
    void (*each_extra)(void *ctx, GcVisitFn fn, void *arg);
    void *ctx;
    /* Data outside the heap that the collection brings in (the attached data of messages
     * queued on an on_heap queue, mailbox.h): extra_words counts in the young usage that sizes
     * the new block, and move_extra copies it above the high-water mark once the collection
     * proper is done, returning the words it moved. Both 0/NULL when there is none. */
    Uint extra_words;
    Uint (*move_extra)(void *ctx, Heap *h, const struct GcRoots *roots);
    /* Data the process holds outside its heap that a dead root may still point into (queued
     * messages' fragments: gc.h sentence 11): foreign_words says how much there is (0: none,
     * the common case, and then no root is checked), each_foreign lists its areas. */
    Uint foreign_words;
    void (*each_foreign)(void *ctx, GcAreaFn fn, void *arg);
} GcRoots;

/* The heap-size table (erl_gc.c erts_init_gc): 12, 38, then Fibonacci + 1 up to entry 22, then
 * +20 % steps. */
Uint heap_size_at(unsigned index);
unsigned heap_size_count(void);
/* erts_next_heap_size: offset 0 → smallest entry >= size (12 below 12); offset 1 → the entry
 * after that. */
Uint heap_next_size(Uint size, unsigned offset);

/* A fresh heap: min_heap_size words rounded as OTP rounds it (233 → 233, 234 → 376,
 * 1000 → 1598); fullsweep_after; the stack holds one word, as a fresh OTP process's does. */
void heap_init(Heap *h, Uint min_heap_size, Uint fullsweep_after);
/* Gives a fresh, empty heap a block of next_heap_size(words) words when that is larger (spawn
 * arguments that do not fit the minimum); min_heap_size stays. */
void heap_grow_fresh(Heap *h, Uint words);
/* min_bin_vheap_size (spawn_opt, process_flag): rounded through the heap-size table as OTP
 * does, never below the default; raises the current limits to it. */
void heap_set_min_vheap(Heap *h, Uint words);
/* Frees the block, the old heap and fragments and releases the off-heap list. */
void heap_destroy(Heap *h);

static inline Uint heap_free_words(const Heap *h) { return (Uint)(h->stop - h->htop); }
static inline Uint heap_used_words(const Heap *h) { return (Uint)(h->htop - h->heap); }
static inline Uint heap_stack_words(const Heap *h) { return (Uint)(h->hend - h->stop); }
static inline Uint heap_old_used_words(const Heap *h) { return (Uint)(h->old_htop - h->old_heap); }
static inline Uint heap_old_block_words(const Heap *h) { return (Uint)(h->old_hend - h->old_heap); }

/*
 * Makes sure `need` words are free between htop and stop; collects (with these roots) when
 * fewer than need + S_REDZONE are, when a GC is forced, when the binary vheap is over its
 * limit, when the fragments outgrow the free space, or in GC stress mode (which may move the
 * block instead: HEAP_STRESS_MOVE).
 * Every raw term the caller holds that is not in `roots` is invalid afterwards. [may GC]
 */
void heap_reserve_maybe_gc(Heap *h, Uint need, GcRoots *roots);

/* Takes n words reserved by heap_reserve_maybe_gc. Cannot fail. */
static inline Term *heap_alloc(Heap *h, Uint n)
{
    Term *p = h->htop;
    h->htop += n;
    return p;
}

/* OTP's HAlloc: n words on the block when free, else in a heap fragment. Never collects. The
 * caller writes every word it takes (heap_alloc too): the young heap is walked word by word (a
 * stress move's relocation, gc_verify), and an unwritten word reads as whatever the block held
 * before. */
Term *heap_halloc(Heap *h, Uint n);

/* {A, B} and {A, B, C} built with heap_halloc (never collects): what BIFs return most. */
static inline Term heap_tuple2(Heap *h, Term a, Term b)
{
    Term *hp = heap_halloc(h, 3);
    hp[0] = make_tuple_header(2);
    hp[1] = a;
    hp[2] = b;
    return make_boxed(hp);
}
static inline Term heap_tuple3(Heap *h, Term a, Term b, Term c)
{
    Term *hp = heap_halloc(h, 4);
    hp[0] = make_tuple_header(3);
    hp[1] = a;
    hp[2] = b;
    hp[3] = c;
    return make_boxed(hp);
}

/* Pushes and pops stack words (the VM's frames). The caller reserved the room. */
static inline void heap_push(Heap *h, Term t) { *--h->stop = t; }
static inline Term heap_pop(Heap *h) { return *h->stop++; }

/* Does p point into the young block's used part or a fragment? Into the old heap? */
bool heap_in_young(const Heap *h, const Term *p);
static inline bool heap_in_old(const Heap *h, const Term *p)
{
    return h->old_heap && p >= h->old_heap && p < h->old_htop;
}

/* Puts a ProcBin (or magic ref) that was just built on this heap on the off-heap list. */
void heap_link_offheap(Heap *h, OffHeapHeader *oh, Uint vheap_words);

/*
 * GC stress: something happens at every heap_reserve_maybe_gc that finds a raw term held
 * across it without being a root (hs_init sets the mode from HEAPSCOPE_GC_STRESS):
 *   HEAP_STRESS_COLLECT ("1", any value but "0" and "move"): a collection (a minor unless
 *     OTP's rules make it a major) at every reservation that had no other reason to collect.
 *     Every live young object moves, so missing roots are found; heap sizes, GC counts and
 *     the figures made of them differ from a run without stress.
 *   HEAP_STRESS_MOVE ("move"): no collection; the young block moves to a fresh block of the
 *     same size, every pointer into it relocated through the GC's roots (stack, X registers,
 *     each_extra, fragments, off-heap links). Every figure stays exactly as without stress.
 * Both poison (gc.c STRESS_POISON) and hold back what they leave, so a dangling term reads
 * poison. heap_gc_stress is true in either mode: it sends every reservation to the slow path.
 */
typedef enum { HEAP_STRESS_OFF, HEAP_STRESS_COLLECT, HEAP_STRESS_MOVE } HeapStress;
extern bool heap_gc_stress;
extern HeapStress heap_stress_mode;

#endif
