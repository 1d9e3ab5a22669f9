/*
 * gc.c — the generational copying collector (see gc.h for the invariants; OTP 25's erl_gc.c).
 *
 * A Cheney copy: roots are evacuated first, then the copied area is scanned word by word and
 * every pointer into from-space is replaced by its copy's address, copying the object when it
 * has not moved yet. A minor has two to-spaces: the new young block, and the old heap for
 * mature data; a major has one. The scan loops are written out per mode so that the inner
 * loop makes no calls and no decisions it could make once.
 */
#include "gc.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bin.h"
#include "literal.h"
#include "probe.h"

void (*gc_event_hook)(const Heap *h, const GcEvent *ev);
bool gc_verify_after_gc = true;

/* ---- the copying core ------------------------------------------------------------------ */

/* What one collection leaves alone and what it promotes. Areas are kept as (start, size) in
 * bytes so that each membership test is one subtraction and one unsigned compare. In a major
 * only the literal area is set. */
typedef struct Bounds {
    uintptr_t lit_lo, lit_sz; /* the literal area: never copied */
    uintptr_t old_lo, old_sz; /* minor: the old heap block, not collected */
    uintptr_t blk_lo, blk_sz; /* minor: the young block's data [heap, htop) */
    uintptr_t mature_end;     /* minor: high_water; block data below it is promoted */
} Bounds;

/* An area of foreign data (sentence 11), for telling it apart at roots. */
typedef struct FragRange {
    const Term *lo, *hi;
} FragRange;

typedef struct Gc {
    Bounds b;
    Term *ytop; /* allocation pointer in the new young block */
    Term *otop; /* minor: allocation pointer in the old heap */
    /* Roots only (sentence 11): what this collection owns besides the literal area. */
    const Term *own_blk_lo, *own_blk_hi;   /* the young block's data */
    const Term *own_old_lo, *own_old_hi;   /* the old heap's data */
    FragRange *frags;                      /* the foreign areas, sorted; built on first need */
    size_t n_frags, cap_frags;
    const GcRoots *roots;
} Gc;

static inline bool in_area(const Term *p, uintptr_t lo, uintptr_t sz)
{
    return (uintptr_t)p - lo < sz;
}

static inline bool in_range(const Term *p, const Term *lo, const Term *hi)
{
    return p >= lo && p < hi;
}

/* Copies the cons cell at p to *top unless it moved already; leaves the forwarding marker. */
static inline Term move_cons(Term *p, Term **top)
{
    Term car = p[0];
    if (car == NONVALUE) return p[1];
    Term *to = *top;
    *top = to + 2;
    to[0] = car;
    to[1] = p[1];
    Term moved = make_list(to);
    p[0] = NONVALUE;
    p[1] = moved;
    return moved;
}

/* Copies the boxed object at p to *top unless it moved already; its header becomes a boxed
 * pointer to the copy. */
static inline Term move_boxed(Term *p, Term **top)
{
    Term hdr = p[0];
    if (term_is_boxed(hdr)) return hdr;
    Uint n = hdr_size(hdr);
    Term *to = *top;
    *top = to + n;
    to[0] = hdr;
    for (Uint i = 1; i < n; i++) to[i] = p[i];
    Term moved = make_boxed(to);
    p[0] = moved;
    return moved;
}

static inline Term move_to(Term t, Term **top)
{
    return (t & TAG_PRIMARY_LIST) ? move_cons(list_ptr(t), top) : move_boxed(boxed_ptr(t), top);
}

/*
 * The evacuation rules. Each takes the bounds and the to-space tops by pointer to the caller's
 * locals: the scan loops below copy them out of the Gc first, because heap words are stored as
 * uint64_t, the same type as the bounds, and the compiler would otherwise reload every bound
 * after every store.
 */

/* A major: everything but literals is copied into the new block. */
static inline Term evac_major(const Bounds *b, Term t, Term **ytop)
{
    if (in_area(term_ptr(t), b->lit_lo, b->lit_sz)) return t;
    return move_to(t, ytop);
}

/* A minor: old and literal data stay, mature data is promoted, other young data (block above
 * high_water, fragments) goes to the new block. The block is tested first: most pointers a
 * minor meets point there. */
static inline Term evac_minor(const Bounds *b, Term t, Term **ytop, Term **otop)
{
    const Term *p = term_ptr(t);
    if (in_area(p, b->blk_lo, b->blk_sz)) {
        /* Two calls, not one with a chosen pointer: choosing between the addresses of the
         * tops would keep both in memory instead of registers. */
        if ((uintptr_t)p < b->mature_end) return move_to(t, otop);
        return move_to(t, ytop);
    }
    if (in_area(p, b->old_lo, b->old_sz) || in_area(p, b->lit_lo, b->lit_sz)) return t;
    return move_to(t, ytop); /* a fragment */
}

/* Inside promoted data: whatever young data it reaches is promoted too, so that old data never
 * points into the young generation (gc.h sentence 5). */
static inline Term evac_promote(const Bounds *b, Term t, Term **otop)
{
    const Term *p = term_ptr(t);
    if (in_area(p, b->old_lo, b->old_sz) || in_area(p, b->lit_lo, b->lit_sz)) return t;
    return move_to(t, otop);
}

/* Words to step over at a header: itself and its raw words; its term words are then scanned
 * like any other word. Tuples, the commonest boxed objects, skip the subtag switch. */
static inline Uint header_skip(Term w)
{
    return hdr_subtag(w) == SUB_TUPLE ? 1 : 1 + hdr_raw_words(w);
}

/* The three Cheney scans; each runs until it catches up with its own to-space top. */
static void scan_major(Gc *gc, Term *scan)
{
    const Bounds b = gc->b;
    Term *ytop = gc->ytop;
    while (scan < ytop) {
        Term w = *scan;
        /* Pointers first: in a major they are most of the words, and one well-predicted
         * test beats the three-way switch (measured: 20% faster on bench_gc's major). */
        if (__builtin_expect(term_is_ptr(w), 1))
            *scan++ = evac_major(&b, w, &ytop);
        else
            scan += term_is_header(w) ? header_skip(w) : 1;
    }
    gc->ytop = ytop;
}

static void scan_minor(Gc *gc, Term *scan)
{
    const Bounds b = gc->b;
    Term *ytop = gc->ytop, *otop = gc->otop;
    while (scan < ytop) {
        Term w = *scan;
        switch (w & TAG_PRIMARY_MASK) {
        case TAG_PRIMARY_HEADER: scan += header_skip(w); break;
        case TAG_PRIMARY_LIST:
        case TAG_PRIMARY_BOXED: *scan++ = evac_minor(&b, w, &ytop, &otop); break;
        default: scan++; break;
        }
    }
    gc->ytop = ytop;
    gc->otop = otop;
}

static void scan_promoted(Gc *gc, Term *scan)
{
    const Bounds b = gc->b;
    Term *otop = gc->otop;
    while (scan < otop) {
        Term w = *scan;
        switch (w & TAG_PRIMARY_MASK) {
        case TAG_PRIMARY_HEADER: scan += header_skip(w); break;
        case TAG_PRIMARY_LIST:
        case TAG_PRIMARY_BOXED: *scan++ = evac_promote(&b, w, &otop); break;
        default: scan++; break;
        }
    }
    gc->otop = otop;
}

/* ---- roots ----------------------------------------------------------------------------- */

static int frag_cmp(const void *a, const void *b)
{
    const FragRange *x = a, *y = b;
    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static void add_foreign(const Term *lo, const Term *hi, void *arg)
{
    Gc *gc = arg;
    if (gc->n_frags == gc->cap_frags) {
        gc->cap_frags = gc->cap_frags ? 2 * gc->cap_frags : 16;
        FragRange *n = realloc(gc->frags, gc->cap_frags * sizeof *n);
        if (!n) abort();
        gc->frags = n;
    }
    gc->frags[gc->n_frags++] = (FragRange){lo, hi};
}

static bool in_foreign(Gc *gc, const Term *p)
{
    if (!gc->frags) {
        gc->roots->each_foreign(gc->roots->ctx, add_foreign, gc);
        if (!gc->frags) add_foreign(NULL, NULL, gc); /* nothing: remember that we looked */
        qsort(gc->frags, gc->n_frags, sizeof *gc->frags, frag_cmp);
    }
    size_t lo = 0, hi = gc->n_frags;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (gc->frags[mid].hi <= p) lo = mid + 1;
        else hi = mid;
    }
    return lo < gc->n_frags && p >= gc->frags[lo].lo;
}

/* Sentence 11: a root may point at data the collection does not own (a queued message's
 * fragment, through a slot a receive left behind); such a root is left as it is. Anything
 * outside the block, the old heap and the literals is a heap fragment unless the process
 * holds foreign data at all and p is in it. */
static bool owned(Gc *gc, const Term *p)
{
    if (in_range(p, gc->own_blk_lo, gc->own_blk_hi) || in_range(p, gc->own_old_lo, gc->own_old_hi) ||
        in_area(p, gc->b.lit_lo, gc->b.lit_sz))
        return true;
    if (!gc->roots || !gc->roots->foreign_words || !gc->roots->each_foreign) return true;
    return !in_foreign(gc, p);
}

static void visit_major(Term *slot, void *arg)
{
    Gc *gc = arg;
    if (term_is_ptr(*slot) && owned(gc, term_ptr(*slot))) *slot = evac_major(&gc->b, *slot, &gc->ytop);
}

static void visit_minor(Term *slot, void *arg)
{
    Gc *gc = arg;
    if (term_is_ptr(*slot) && owned(gc, term_ptr(*slot)))
        *slot = evac_minor(&gc->b, *slot, &gc->ytop, &gc->otop);
}

/* X registers, extra slots and the stack. Stack words with primary tag 00 are return
 * addresses and immediates are not pointers: term_is_ptr skips both. */
static void evacuate_roots(Heap *h, GcRoots *roots, Gc *gc, GcVisitFn visit)
{
    gc->own_blk_lo = h->heap;
    gc->own_blk_hi = h->htop;
    gc->own_old_lo = h->old_heap;
    gc->own_old_hi = h->old_htop;
    gc->roots = roots;
    for (Term *s = h->stop; s < h->hend; s++) visit(s, gc);
    if (!roots) return;
    for (unsigned i = 0; i < roots->live; i++) visit(&roots->xregs[i], gc);
    if (roots->each_extra) roots->each_extra(roots->ctx, visit, gc);
}

/* ---- off-heap sweep -------------------------------------------------------------------- */

static inline Uint vheap_words(const OffHeapHeader *e)
{
    return hdr_subtag(e->thing_word) == SUB_REFC_BIN ? e->size / sizeof(Term) : 0;
}

static void release_entry(OffHeapHeader *e)
{
    if (hdr_subtag(e->thing_word) == SUB_REFC_BIN) binary_decref(((ProcBin *)e)->val);
}

/* A list under construction: first entry and the slot the next one goes into. */
typedef struct OhList {
    OffHeapHeader *first, **tail;
    Uint words;
} OhList;

static void ohlist_init(OhList *l)
{
    l->first = NULL;
    l->tail = &l->first;
    l->words = 0;
}

static void ohlist_append(OhList *l, OffHeapHeader *e)
{
    *l->tail = e;
    l->tail = &e->next;
    l->words += vheap_words(e);
}

/* Sorts the young part of one list (it stops at the first old-heap entry, which it returns):
 * survivors by where their copy went, the rest released. */
static OffHeapHeader *sweep_young_part(OffHeapHeader *e, const Term *old_lo, const Term *old_hi,
                                       OhList *young, OhList *promoted)
{
    while (e) {
        if (in_range((const Term *)e, old_lo, old_hi)) return e;
        OffHeapHeader *next = e->next; /* from-space keeps its link: only the header moved */
        if (term_is_boxed(e->thing_word)) {
            OffHeapHeader *copy = (OffHeapHeader *)boxed_ptr(e->thing_word);
            ohlist_append(in_range((const Term *)copy, old_lo, old_hi) ? promoted : young, copy);
        } else {
            release_entry(e);
        }
        e = next;
    }
    return NULL;
}

static inline Uint fragments_overhead(const Heap *h)
{
    Uint n = 0;
    for (const HeapFrag *f = h->mbuf; f; f = f->next) n += f->off_heap.overhead;
    return n;
}

static Uint next_vheap(const Heap *h, Uint vheap, Uint vheap_sz)
{
    Uint s = gc_next_vheap_size(vheap, vheap_sz);
    return s < h->min_vheap_size ? h->min_vheap_size : s;
}

/*
 * After copying, before from-space is freed: rebuilds h's off-heap list as young survivors,
 * then promoted ones, then the untouched old tail (minor only), merging the fragments' lists,
 * and recomputes the vheap counters and limits (OTP's sweep_off_heap). In a major old_lo ==
 * old_hi == NULL: nothing is old.
 */
static void sweep_offheap(Heap *h, bool major, const Term *old_lo, const Term *old_hi)
{
    bool any = h->off_heap.first != NULL;
    Uint pre_overhead = h->off_heap.overhead + fragments_overhead(h);
    OhList young, promoted;
    ohlist_init(&young);
    ohlist_init(&promoted);
    OffHeapHeader *old_tail = sweep_young_part(h->off_heap.first, old_lo, old_hi, &young, &promoted);
    for (HeapFrag *f = h->mbuf; f; f = f->next) {
        any |= f->off_heap.first != NULL;
        sweep_young_part(f->off_heap.first, NULL, NULL, &young, &promoted);
        f->off_heap.first = NULL;
        f->off_heap.overhead = 0;
    }
    Uint old_words = promoted.words;
    for (const OffHeapHeader *o = old_tail; o; o = o->next) old_words += vheap_words(o);
    *promoted.tail = old_tail;
    *young.tail = promoted.first ? promoted.first : old_tail;
    h->off_heap.first = young.first;
    h->off_heap.overhead = young.words;
    h->bin_old_vheap = old_words;
    if (!any) return; /* OTP skips sweep_off_heap, and its limit updates, on an empty list */
    if (major) h->bin_old_vheap_sz = next_vheap(h, old_words + pre_overhead, h->bin_old_vheap_sz);
    h->bin_vheap_sz = next_vheap(h, young.words, h->bin_vheap_sz);
}

Uint gc_next_vheap_size(Uint vheap, Uint vheap_sz)
{
    /* Above 75 %: grow by the golden ratio until under; below 25 %: halve; else keep. */
    if (vheap / 3 > vheap_sz / 4) {
        while (vheap / 3 > vheap_sz / 4) {
            Uint next = (Uint)((double)vheap_sz * 1.618);
            if (next <= vheap_sz) return vheap_sz;
            vheap_sz = next;
        }
        return vheap_sz;
    }
    if (vheap < vheap_sz / 4) return vheap_sz >> 1;
    return vheap_sz;
}

/* ---- blocks ---------------------------------------------------------------------------- */

/*
 * Blocks. A collection allocates a to-space as large as the heap and frees the from-space; for
 * big heaps the C allocator maps fresh pages every time, and touching them (page faults) costs
 * more than the copy itself. So the last two large blocks freed are kept and handed out again
 * when a block of the same size is asked for: heap sizes come from the table, so a heap that
 * keeps its size swaps between two blocks as OTP's allocator carriers let it. Small blocks go
 * straight to malloc, which recycles them itself. [any thread: lock block_cache_lock]
 */
#define BLOCK_CACHE_MIN_WORDS 32768
#define BLOCK_CACHE_SLOTS 2

static pthread_mutex_t block_cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    Term *p;
    Uint words;
} block_cache[BLOCK_CACHE_SLOTS];
static unsigned block_cache_next; /* round-robin victim */

static Term *alloc_words(Uint n)
{
    if (n >= BLOCK_CACHE_MIN_WORDS) {
        Term *hit = NULL;
        pthread_mutex_lock(&block_cache_lock);
        for (unsigned i = 0; i < BLOCK_CACHE_SLOTS && !hit; i++)
            if (block_cache[i].p && block_cache[i].words == n) {
                hit = block_cache[i].p;
                block_cache[i].p = NULL;
            }
        pthread_mutex_unlock(&block_cache_lock);
        if (hit) return hit;
    }
    Term *p = malloc((n ? n : 1) * sizeof(Term));
    if (!p) {
        fprintf(stderr, "heapscope: out of memory for a %llu-word heap\n", (unsigned long long)n);
        abort();
    }
    return p;
}

static void free_words(Term *p, Uint n)
{
    if (p && n >= BLOCK_CACHE_MIN_WORDS) {
        pthread_mutex_lock(&block_cache_lock);
        unsigned i = 0;
        while (i < BLOCK_CACHE_SLOTS && block_cache[i].p) i++;
        if (i == BLOCK_CACHE_SLOTS) i = block_cache_next++ % BLOCK_CACHE_SLOTS;
        Term *evicted = block_cache[i].p;
        block_cache[i].p = p;
        block_cache[i].words = n;
        pthread_mutex_unlock(&block_cache_lock);
        p = evicted;
    }
    free(p);
}

/* OTP's static next_heap_size: the table, never below the process's min_heap_size. */
static Uint next_size(const Heap *h, Uint size, unsigned offset)
{
    Uint s = heap_next_size(size, offset);
    return s < h->min_heap_size ? h->min_heap_size : s;
}

/*
 * GC stress (heap.h HeapStress) is there to catch a raw term held across a reservation without
 * being a root. Such a term still points into the from-space, so the from-space must not look
 * like a heap afterwards: under stress every area a collection or a move leaves is filled with
 * GC_STRESS_POISON (a boxed pointer to an address nothing maps: dereferencing it faults, and
 * gc_verify rejects it as soon as it is stored in a heap) and kept out of the allocator for the
 * next STRESS_QUARANTINE retirements, since the allocator would otherwise hand the same block
 * to the next collection and the dangling term would read live data again at the same offset.
 * Under AddressSanitizer the block is freed at once: ASan's own quarantine reports the read.
 * So is a block over STRESS_QUARANTINE_MAX_BYTES, which the allocator maps and unmaps by
 * itself (a read then faults), so that the quarantine never holds more than a few of them.
 * [any thread: lock quarantine_lock]
 */
#define STRESS_QUARANTINE 8
#define STRESS_QUARANTINE_MAX_BYTES ((size_t)8 << 20)

#if defined(__SANITIZE_ADDRESS__)
#define HS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HS_ASAN 1
#endif
#endif

static void poison(Term *lo, const Term *hi)
{
    for (Term *p = lo; p < hi; p++) *p = GC_STRESS_POISON;
}

#ifndef HS_ASAN
static pthread_mutex_t quarantine_lock = PTHREAD_MUTEX_INITIALIZER;
static void *quarantine[STRESS_QUARANTINE];
static unsigned quarantine_next;
#endif

/* Frees a poisoned allocation of `bytes` once STRESS_QUARANTINE later ones have been retired. */
static void stress_retire(void *mem, size_t bytes)
{
#ifndef HS_ASAN
    if (bytes > STRESS_QUARANTINE_MAX_BYTES) {
        free(mem);
        return;
    }
    pthread_mutex_lock(&quarantine_lock);
    void *evicted = quarantine[quarantine_next];
    quarantine[quarantine_next] = mem;
    quarantine_next = (quarantine_next + 1) % STRESS_QUARANTINE;
    pthread_mutex_unlock(&quarantine_lock);
    mem = evicted;
#endif
    free(mem);
}

/* A block's used words and stack poisoned and retired (only they can be pointed at). */
static void stress_retire_block(Term *block, const Term *top, Term *stack, const Term *end)
{
    poison(block, top);
    poison(stack, end);
    stress_retire(block, (size_t)(end - block) * sizeof(Term));
}

/* The stress flavour of free_young. */
static void stress_free_young(Heap *h)
{
    for (HeapFrag *f = h->mbuf, *next; f; f = next) {
        next = f->next;
        poison(f->mem, f->mem + f->used_size);
        stress_retire(f, sizeof *f + f->alloc_size * sizeof(Term));
    }
    h->mbuf = NULL;
    h->mbuf_sz = 0;
    stress_retire_block(h->heap, h->htop, h->stop, h->hend);
}

/* Frees the young generation's from-space: the block and every fragment. */
static void free_young(Heap *h)
{
    if (__builtin_expect(heap_gc_stress, 0)) {
        stress_free_young(h);
        return;
    }
    for (HeapFrag *f = h->mbuf, *next; f; f = next) {
        next = f->next;
        free(f);
    }
    h->mbuf = NULL;
    h->mbuf_sz = 0;
    free_words(h->heap, h->heap_sz);
}

/* The old heap a major leaves; what the verifier remembered of it goes with it. */
static void free_old(Heap *h)
{
    gc_verify_memo_free(h);
    if (__builtin_expect(heap_gc_stress, 0))
        stress_retire_block(h->old_heap, h->old_htop, h->old_hend, h->old_hend);
    else
        free_words(h->old_heap, heap_old_block_words(h));
}

/* Installs the new block whose data ends at htop; the stack moves to its end unchanged. */
static void install_block(Heap *h, Term *block, Uint sz, Term *htop)
{
    Uint stack = heap_stack_words(h);
    memcpy(block + sz - stack, h->stop, stack * sizeof(Term));
    free_young(h);
    h->heap = block;
    h->htop = htop;
    h->hend = block + sz;
    h->stop = h->hend - stack;
    h->heap_sz = sz;
}

/* Relocation of pointers into a block that moved (realloc, or a stress move). */
typedef struct Offset {
    uintptr_t lo, hi; /* the data part of the block before it moved */
    Term delta;       /* bytes to add, modulo 2^64 */
} Offset;

static inline void offset_slot(Term *slot, const Offset *o)
{
    Term t = *slot;
    if (term_is_ptr(t) && (uintptr_t)term_ptr(t) >= o->lo && (uintptr_t)term_ptr(t) < o->hi)
        *slot = t + o->delta;
}

static void visit_offset(Term *slot, void *arg) { offset_slot(slot, arg); }

static void offset_area(Term *lo, const Term *hi, const Offset *o)
{
    for (Term *p = lo; p < hi;) {
        Term w = *p;
        if (term_is_header(w)) p += 1 + hdr_raw_words(w);
        else offset_slot(p++, o);
    }
}

/* Every pointer into the block's old data part, after the data and the stack were copied to
 * h's (new) block: the block's own data, the fragments (young data that may point into the
 * block), the stack, the roots, the off-heap links. Old data never points into the block. */
static void relocate_block(Heap *h, const Offset *o, GcRoots *roots)
{
    offset_area(h->heap, h->htop, o);
    for (HeapFrag *f = h->mbuf; f; f = f->next) offset_area(f->mem, f->mem + f->used_size, o);
    for (Term *s = h->stop; s < h->hend; s++) offset_slot(s, o);
    if (roots) {
        for (unsigned i = 0; i < roots->live; i++) offset_slot(&roots->xregs[i], o);
        if (roots->each_extra) roots->each_extra(roots->ctx, visit_offset, (void *)o);
    }
    for (OffHeapHeader **pp = &h->off_heap.first; *pp; pp = &(*pp)->next)
        if ((uintptr_t)*pp >= o->lo && (uintptr_t)*pp < o->hi)
            *pp = (OffHeapHeader *)((uintptr_t)*pp + (uintptr_t)o->delta);
}

/* Grows or shrinks the block in place when the allocator allows, else moves it and relocates
 * every pointer into it. */
static void resize_block(Heap *h, Uint new_sz, GcRoots *roots)
{
    Uint used = heap_used_words(h), stack = heap_stack_words(h), old_sz = h->heap_sz;
    Term *old = h->heap;
    Offset o = {(uintptr_t)old, (uintptr_t)(old + used), 0};
    Uint hw = (Uint)(h->high_water - old);
    if (new_sz < old_sz) memmove(old + new_sz - stack, h->stop, stack * sizeof(Term));
    Term *nb = realloc(old, new_sz * sizeof(Term));
    if (!nb) {
        fprintf(stderr, "heapscope: out of memory for a %llu-word heap\n",
                (unsigned long long)new_sz);
        abort();
    }
    if (new_sz > old_sz) memmove(nb + new_sz - stack, nb + old_sz - stack, stack * sizeof(Term));
    h->heap = nb;
    h->htop = nb + used;
    h->hend = nb + new_sz;
    h->stop = h->hend - stack;
    h->heap_sz = new_sz;
    h->high_water = nb + hw;
    if ((uintptr_t)nb == o.lo) return;
    o.delta = (Term)((uintptr_t)nb - o.lo);
    relocate_block(h, &o, roots);
}

/*
 * HEAPSCOPE_GC_STRESS=move (heap.h): the young block moves to a fresh block of the same size,
 * every pointer into it relocated by the GC's own root enumeration, the old one poisoned and
 * retired. Nothing a figure is made of changes (sizes, high-water mark, GC counts, events), but
 * a raw term held across the reservation is left pointing into the retired block.
 */
static void stress_move(Heap *h, GcRoots *roots)
{
    Uint used = heap_used_words(h), stack = heap_stack_words(h), sz = h->heap_sz;
    Term *old = h->heap, *old_top = h->htop, *old_stop = h->stop;
    Term *nb = alloc_words(sz);
    memcpy(nb, old, used * sizeof(Term));
    memcpy(nb + sz - stack, old_stop, stack * sizeof(Term));
    Offset o = {(uintptr_t)old, (uintptr_t)old_top, (Term)((uintptr_t)nb - (uintptr_t)old)};
    h->heap = nb;
    h->htop = nb + used;
    h->hend = nb + sz;
    h->stop = h->hend - stack;
    h->high_water = nb + (h->high_water - old);
    relocate_block(h, &o, roots);
    stress_retire_block(old, old_top, old_stop, old + sz);
}

/* ---- minor and major ------------------------------------------------------------------- */

static void init_gc(Gc *gc)
{
    memset(gc, 0, sizeof *gc);
    gc->b.lit_lo = (uintptr_t)literal_base;
    gc->b.lit_sz = (uintptr_t)literal_end - (uintptr_t)literal_base;
}

/* OTP's move_msgs_to_heap: queued on_heap message data comes in above the high-water mark
 * (it is recent), in minor and major alike. The block was sized with extra_words counted. */
static void move_extra(Heap *h, GcRoots *roots)
{
    if (roots && roots->move_extra && roots->extra_words) roots->move_extra(roots->ctx, h, roots);
}

/* OTP's minor_collection. Returns false, having changed nothing but possibly created the old
 * heap, when a minor is impossible (gc.h sentence 5). */
/* max_heap_size (gc.h sentence 10): true when the collection must not run. */
static bool max_heap_trips(Heap *h, Uint total)
{
    if (!h->max_heap_size || total <= h->max_heap_size) return false;
    h->flags |= HEAP_MAX_REACHED;
    h->max_heap_seen = total;
    return (h->flags & HEAP_MAX_KILL) != 0;
}

static bool collect_minor(Heap *h, Uint need, GcRoots *roots, Uint *reclaimed)
{
    Uint mature_size = (Uint)(h->high_water - h->heap);
    Uint extra = roots ? roots->extra_words : 0;
    Uint size_before = heap_used_words(h) + h->mbuf_sz + extra;
    if (h->max_heap_size) {
        Uint total = size_before + next_size(h, heap_stack_words(h) + size_before, 0);
        if (h->old_heap) total += heap_old_block_words(h);
        else if (mature_size) total += heap_next_size(size_before, 1);
        if (max_heap_trips(h, total)) return true;
    }
    if (!h->old_heap && mature_size) {
        /* One size larger than needed: OTP found this saves fullsweeps. */
        Uint sz = heap_next_size(size_before, 1);
        h->old_heap = h->old_htop = alloc_words(sz);
        h->old_hend = h->old_heap + sz;
    }
    if (!h->old_heap || mature_size > (Uint)(h->old_hend - h->old_htop) ||
        h->bin_old_vheap >= h->bin_old_vheap_sz)
        return false;

    Uint stack = heap_stack_words(h);
    Uint new_sz = next_size(h, stack + size_before, 0);
    Term *block = alloc_words(new_sz);
    Term *prev_old_htop = h->old_htop;
    Gc gc;
    init_gc(&gc);
    gc.b.old_lo = (uintptr_t)h->old_heap;
    gc.b.old_sz = (uintptr_t)h->old_hend - (uintptr_t)h->old_heap;
    gc.b.blk_lo = (uintptr_t)h->heap;
    gc.b.blk_sz = (uintptr_t)h->htop - (uintptr_t)h->heap;
    gc.b.mature_end = (uintptr_t)h->high_water;
    gc.ytop = block;
    gc.otop = h->old_htop;

    evacuate_roots(h, roots, &gc, visit_minor);
    free(gc.frags);
    scan_minor(&gc, block);
    scan_promoted(&gc, prev_old_htop);
    h->old_htop = gc.otop;
    sweep_offheap(h, false, h->old_heap, h->old_hend);
    install_block(h, block, new_sz, gc.ytop);
    h->high_water = h->htop;
    h->gen_gcs++;
    move_extra(h, roots);

    Uint size_after = (Uint)(h->old_htop - prev_old_htop) + heap_used_words(h);
    *reclaimed += size_before - size_after;

    /* Shrink an excessively large young block; don't bother with small ones, which a minor
     * often leaves nearly empty after tenuring. */
    Uint need_after = heap_used_words(h) + need + stack + S_RESERVED;
    Uint old_sz = heap_old_block_words(h);
    if (h->heap_sz > 3000 && 4 * need_after < h->heap_sz &&
        (h->heap_sz > 8000 || h->heap_sz > old_sz)) {
        Uint wanted = 3 * need_after;
        if (wanted * 9 < old_sz && old_sz / 8 > wanted) wanted = old_sz / 8;
        wanted = wanted < h->min_heap_size ? h->min_heap_size : next_size(h, wanted, 0);
        if (wanted < h->heap_sz) resize_block(h, wanted, roots);
    } else if (need_after > h->heap_sz) {
        resize_block(h, next_size(h, need_after, 0), roots);
    }
    return true;
}

/* OTP's adjust_after_fullsweep. */
static void adjust_after_major(Heap *h, Uint need, GcRoots *roots)
{
    Uint need_after = heap_used_words(h) + need + heap_stack_words(h) + S_RESERVED;
    if (h->heap_sz < need_after) {
        resize_block(h, next_size(h, need_after, 0), roots);
    } else if (3 * h->heap_sz < 4 * need_after) {
        h->flags |= HEAP_GROW; /* over 75 % used: grow at the next major */
    } else if (4 * need_after < h->heap_sz && h->heap_sz > H_MIN_SIZE) {
        Uint wanted = 2 * need_after;
        Uint sz = wanted < h->min_heap_size ? h->min_heap_size : next_size(h, wanted, 0);
        if (sz < h->heap_sz) resize_block(h, sz, roots);
    }
}

/* OTP's major_collection: young and old into one new block. */
static void collect_major(Heap *h, Uint need, GcRoots *roots, Uint *reclaimed)
{
    Uint old_used = h->old_heap ? heap_old_used_words(h) : 0;
    Uint extra = roots ? roots->extra_words : 0;
    Uint size_before = heap_used_words(h) + h->mbuf_sz + old_used + extra;
    Uint new_sz = next_size(h, heap_stack_words(h) + size_before + S_RESERVED, 0);
    if (new_sz == h->heap_sz && (h->flags & HEAP_GROW)) new_sz = next_size(h, h->heap_sz, 1);
    if (h->max_heap_size) {
        Uint total = size_before + (h->old_heap ? (Uint)(h->old_hend - h->old_htop) : 0) +
                     heap_free_words(h) + heap_stack_words(h) + new_sz;
        if (max_heap_trips(h, total)) return;
    }
    h->flags &= ~(unsigned)(HEAP_GROW | HEAP_NEED_FULLSWEEP);

    Term *block = alloc_words(new_sz);
    Gc gc;
    init_gc(&gc);
    gc.ytop = block;
    evacuate_roots(h, roots, &gc, visit_major);
    free(gc.frags);
    scan_major(&gc, block);
    sweep_offheap(h, true, NULL, NULL);
    if (h->old_heap) free_old(h);
    h->old_heap = h->old_htop = h->old_hend = NULL;
    install_block(h, block, new_sz, gc.ytop);
    h->gen_gcs = 0;
    h->high_water = h->htop;
    move_extra(h, roots);

    *reclaimed += size_before - heap_used_words(h);
    adjust_after_major(h, need, roots);
}

_Atomic Uint gc_total_count, gc_total_reclaimed;

/* ---- entry points ---------------------------------------------------------------------- */

const char *const gc_info_names[GC_INFO_ITEMS] = {
    "old_heap_block_size", "heap_block_size", "mbuf_size", "recent_size",
    "stack_size", "old_heap_size", "heap_size", "bin_vheap_size",
    "bin_vheap_block_size", "bin_old_vheap_size", "bin_old_vheap_block_size"};

void gc_info_values(const GcInfo *gi, Uint out[GC_INFO_ITEMS])
{
    const Uint v[GC_INFO_ITEMS] = {gi->old_heap_block_size, gi->heap_block_size, gi->mbuf_size,
                                   gi->recent_size, gi->stack_size, gi->old_heap_size,
                                   gi->heap_size, gi->bin_vheap_size, gi->bin_vheap_block_size,
                                   gi->bin_old_vheap_size, gi->bin_old_vheap_block_size};
    memcpy(out, v, sizeof v);
}

void gc_info(const Heap *h, GcInfo *out)
{
    out->old_heap_block_size = h->old_heap ? heap_old_block_words(h) : 0;
    out->heap_block_size = h->heap_sz;
    out->mbuf_size = h->mbuf_sz;
    out->recent_size = (Uint)(h->high_water - h->heap);
    out->stack_size = heap_stack_words(h);
    out->old_heap_size = h->old_heap ? heap_old_used_words(h) : 0;
    out->heap_size = heap_used_words(h);
    out->bin_vheap_size = h->off_heap.overhead + fragments_overhead(h);
    out->bin_vheap_block_size = h->bin_vheap_sz;
    out->bin_old_vheap_size = h->bin_old_vheap;
    out->bin_old_vheap_block_size = h->bin_old_vheap_sz;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#ifdef HS_TEST_HOOKS
static void verify_or_abort(Heap *h, const GcRoots *roots, const GcEvent *ev)
{
    if (!gc_verify_after_gc) return;
    const char *err = gc_verify_memo(h, roots);
    if (!err) return;
    fprintf(stderr, "heapscope: heap unsound after %s GC: %s\n",
            ev->type == GC_MAJOR ? "major" : "minor", err);
    abort();
}
#endif

void gc_collect(Heap *h, Uint need, GcRoots *roots, bool major, GcReason reason, GcEvent *ev)
{
    GcEvent local;
    if (!ev) ev = &local;
    uint64_t start = now_ns();
    ev->need = need;
    ev->reason = reason;
    ev->failed_minor = false;
    gc_info(h, &ev->before);
    if (PROBE_ON(gc_start)) probe_gc_start(h, ev, major);

    Uint reclaimed = 0;
    if (major) h->flags |= HEAP_NEED_FULLSWEEP;
    if (h->gen_gcs >= h->max_gen_gcs && !(h->flags & HEAP_NEED_FULLSWEEP)) {
        ev->reason = GC_REASON_FULLSWEEP_AFTER;
        major = true;
    }
    if (!major && !(h->flags & HEAP_NEED_FULLSWEEP) && collect_minor(h, need, roots, &reclaimed)) {
        ev->type = GC_MINOR;
        h->num_minor++;
    } else {
        ev->failed_minor = !major && !(h->flags & HEAP_NEED_FULLSWEEP);
        collect_major(h, need, roots, &reclaimed);
        ev->type = GC_MAJOR;
        h->num_major++;
    }
    if ((h->flags & (HEAP_MAX_REACHED | HEAP_MAX_KILL)) == (HEAP_MAX_REACHED | HEAP_MAX_KILL)) {
        /* Nothing was collected: the process is killed instead (OTP emits no gc_*_end). */
        return;
    }
    h->flags &= ~(unsigned)HEAP_FORCE_GC;

    /* The sizing rules leave need + S_RESERVED free; this only guards their corner cases. */
    if (heap_free_words(h) < need + S_REDZONE)
        resize_block(h, next_size(h, heap_used_words(h) + heap_stack_words(h) + need + S_RESERVED, 0),
                     roots);

    h->words_reclaimed += reclaimed;
    atomic_fetch_add_explicit(&gc_total_count, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&gc_total_reclaimed, reclaimed, memory_order_relaxed);
    ev->reclaimed = reclaimed;
    gc_info(h, &ev->after);
    ev->duration_ns = now_ns() - start;
#ifdef HS_TEST_HOOKS
    verify_or_abort(h, roots, ev);
#endif
    if (gc_event_hook) gc_event_hook(h, ev);
    if (PROBE_ON(gc_end)) probe_gc_end(h, ev);
}

void heap_reserve_maybe_gc(Heap *h, Uint need, GcRoots *roots)
{
    Uint free_words = heap_free_words(h);
    GcReason reason;
    if (free_words < need + S_REDZONE) reason = GC_REASON_HEAP_FULL;
    else if (h->flags & HEAP_FORCE_GC) reason = GC_REASON_EXPLICIT;
    /* Only h->off_heap: fragments reach h->mbuf with their ProcBins already moved there
     * (mailbox_adopt_frags, heap_link_offheap), and walking the fragment chain on every
     * allocation check would cost O(fragments) per check. */
    else if (h->off_heap.overhead > h->bin_vheap_sz) reason = GC_REASON_BIN_VHEAP;
    else if (h->mbuf_sz > free_words) reason = GC_REASON_FRAGMENTS;
    else if (!heap_gc_stress) return;
    else if (heap_stress_mode != HEAP_STRESS_MOVE) reason = GC_REASON_STRESS;
    else {
        stress_move(h, roots);
        return;
    }
    gc_collect(h, need, roots, false, reason, NULL);
}
