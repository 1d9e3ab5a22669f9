/*
 * heap.c — the process heap block, the heap-size table and heap fragments.
 *
 * Everything that moves terms lives in gc.c; this file only creates, measures and extends the
 * areas that heap.h describes. heap_halloc is OTP's HAlloc (utils.c erts_heap_alloc): the block
 * when it has room, else the current fragment while it has room, else a new fragment of exactly
 * the words asked for.
 */
#include "heap.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "bin.h"
#include "gc.h"

bool heap_gc_stress;
HeapStress heap_stress_mode;

/* OTP's array has 154 slots on 64-bit; the computed table stops well before that. */
#define HEAP_SIZES_MAX 154

static Uint heap_sizes[HEAP_SIZES_MAX];
static unsigned num_heap_sizes;
static pthread_once_t heap_sizes_once = PTHREAD_ONCE_INIT;

/* erl_gc.c erts_init_gc: two seeds, Fibonacci + 1 (one word for the block header) up to entry
 * 22, then +20 % steps while the size stays within 2^53 bytes. */
static void init_heap_sizes(void)
{
    const Uint max_heap_size = ((Uint)1 << 53) / sizeof(Term);
    heap_sizes[0] = 12;
    heap_sizes[1] = 38;
    for (unsigned i = 2; i < 23; i++) heap_sizes[i] = heap_sizes[i - 1] + heap_sizes[i - 2] + 1;
    unsigned i;
    for (i = 23; i < HEAP_SIZES_MAX; i++) {
        heap_sizes[i] = heap_sizes[i - 1] + heap_sizes[i - 1] / 5;
        if (heap_sizes[i] > max_heap_size) {
            /* OTP steps back one entry here, so its table ends one size early: 137 entries,
             * the last 885767171276247, as system_info(heap_sizes) shows. */
            i--;
            break;
        }
    }
    num_heap_sizes = i;
}

static void ensure_heap_sizes(void) { pthread_once(&heap_sizes_once, init_heap_sizes); }

Uint heap_size_at(unsigned index)
{
    ensure_heap_sizes();
    return index < num_heap_sizes ? heap_sizes[index] : 0;
}

unsigned heap_size_count(void)
{
    ensure_heap_sizes();
    return num_heap_sizes;
}

Uint heap_next_size(Uint size, unsigned offset)
{
    ensure_heap_sizes();
    if (size < heap_sizes[0]) return heap_sizes[0];
    /* Binary search for the covering entry, as erts_next_heap_size. */
    unsigned lo = 0, hi = num_heap_sizes;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (size < heap_sizes[mid]) {
            hi = mid;
        } else if (size == heap_sizes[mid]) {
            unsigned k = mid + offset;
            return heap_sizes[k < num_heap_sizes ? k : num_heap_sizes - 1];
        } else if (mid + 1 < num_heap_sizes && size < heap_sizes[mid + 1]) {
            unsigned k = mid + 1 + offset;
            return heap_sizes[k < num_heap_sizes ? k : num_heap_sizes - 1];
        } else {
            lo = mid + 1;
        }
    }
    fprintf(stderr, "heapscope: no next heap size beyond %llu words\n", (unsigned long long)size);
    abort();
}

void heap_init(Heap *h, Uint min_heap_size, Uint fullsweep_after)
{
    memset(h, 0, sizeof *h);
    if (min_heap_size < H_MIN_SIZE) min_heap_size = H_MIN_SIZE;
    h->min_heap_size = heap_next_size(min_heap_size, 0);
    h->heap_sz = h->min_heap_size;
    h->heap = malloc(h->heap_sz * sizeof(Term));
    if (!h->heap) {
        fprintf(stderr, "heapscope: out of memory for a %llu-word heap\n",
                (unsigned long long)h->heap_sz);
        abort();
    }
    h->htop = h->heap;
    h->high_water = h->heap;
    h->hend = h->heap + h->heap_sz;
    /* A fresh OTP process's stack holds its return address: a header-tagged word the GC skips. */
    h->stop = h->hend - 1;
    h->stop[0] = NONVALUE;
    h->min_vheap_size = VH_DEFAULT_SIZE;
    h->bin_vheap_sz = VH_DEFAULT_SIZE;
    h->bin_old_vheap_sz = VH_DEFAULT_SIZE;
    h->max_gen_gcs = (uint16_t)(fullsweep_after > 65535 ? 65535 : fullsweep_after);
}

void heap_grow_fresh(Heap *h, Uint words)
{
    Uint sz = heap_next_size(words, 0);
    if (sz <= h->heap_sz) return;
    Uint stack = heap_stack_words(h);
    Term *nb = malloc(sz * sizeof(Term));
    if (!nb) abort();
    memcpy(nb + sz - stack, h->stop, stack * sizeof(Term));
    free(h->heap);
    h->heap = h->htop = h->high_water = nb;
    h->hend = nb + sz;
    h->stop = h->hend - stack;
    h->heap_sz = sz;
}

void heap_set_min_vheap(Heap *h, Uint words)
{
    Uint v = heap_next_size(words, 0);
    if (v < VH_DEFAULT_SIZE) v = VH_DEFAULT_SIZE;
    h->min_vheap_size = v;
    if (h->bin_vheap_sz < v) h->bin_vheap_sz = v;
    if (h->bin_old_vheap_sz < v) h->bin_old_vheap_sz = v;
}

/* Drops every entry of an off-heap list. Magic refs belong to ETS, which keeps its own
 * reference; only ProcBins hold a count here. */
static void release_offheap(OffHeap *oh)
{
    for (OffHeapHeader *e = oh->first; e; e = e->next)
        if (hdr_subtag(e->thing_word) == SUB_REFC_BIN) binary_decref(((ProcBin *)e)->val);
    oh->first = NULL;
    oh->overhead = 0;
}

void heap_destroy(Heap *h)
{
    release_offheap(&h->off_heap);
    for (HeapFrag *f = h->mbuf, *next; f; f = next) {
        next = f->next;
        release_offheap(&f->off_heap);
        free(f);
    }
    free(h->heap);
    free(h->old_heap);
    gc_verify_memo_free(h);
    memset(h, 0, sizeof *h);
}

Term *heap_halloc(Heap *h, Uint n)
{
    if (heap_free_words(h) >= n) return heap_alloc(h, n);
    HeapFrag *f = h->mbuf;
    if (f && f->alloc_size - f->used_size >= n) {
        Term *p = f->mem + f->used_size;
        f->used_size += n;
        h->mbuf_sz += n;
        return p;
    }
    f = malloc(sizeof(HeapFrag) + n * sizeof(Term));
    if (!f) {
        fprintf(stderr, "heapscope: out of memory for a %llu-word heap fragment\n",
                (unsigned long long)n);
        abort();
    }
    f->next = h->mbuf;
    f->off_heap.first = NULL;
    f->off_heap.overhead = 0;
    f->alloc_size = n;
    f->used_size = n;
    h->mbuf = f;
    h->mbuf_sz += n;
    return f->mem;
}

bool heap_in_young(const Heap *h, const Term *p)
{
    if (p >= h->heap && p < h->htop) return true;
    for (const HeapFrag *f = h->mbuf; f; f = f->next)
        if (p >= f->mem && p < f->mem + f->used_size) return true;
    return false;
}

void heap_link_offheap(Heap *h, OffHeapHeader *oh, Uint vheap_words)
{
    /* New entries are young: they go to the head, ahead of the old-heap tail. */
    oh->next = h->off_heap.first;
    h->off_heap.first = oh;
    h->off_heap.overhead += vheap_words;
}
