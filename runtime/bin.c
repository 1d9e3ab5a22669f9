/*
 * bin.c — heap binaries, refc binaries (Binary + ProcBin), sub binaries and the bit syntax
 * helpers (see bin.h; reference §1.2, §2, §3.4).
 */
#include "bin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

BinStats bin_stats;

/* ---- off-heap Binary -------------------------------------------------------------------- */

Binary *binary_alloc(Uint size)
{
    Binary *b = malloc(sizeof(Binary) + size);
    if (!b) {
        fprintf(stderr, "heapscope: out of memory allocating a %llu-byte binary\n",
                (unsigned long long)size);
        abort();
    }
    b->flags = 0;
    atomic_init(&b->refc, 1);
    b->orig_size = size;
    /* Statistics only: no other memory is published through them, so relaxed is enough. */
    atomic_fetch_add_explicit(&bin_stats.allocs, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&bin_stats.bytes_live, sizeof(Binary) + size, memory_order_relaxed);
    return b;
}

void binary_incref(Binary *b)
{
    /* Relaxed: a new reference is always made from an existing one, which keeps the Binary
     * alive; the count cannot reach zero meanwhile, and nothing else is ordered by it. */
    atomic_fetch_add_explicit(&b->refc, 1, memory_order_relaxed);
}

void binary_decref(Binary *b)
{
    /* Release: every write this thread made to (or through) the Binary happens before our
     * decrement is seen. The thread that takes the count to zero then issues an acquire fence,
     * so all the other holders' releases happen before the free: nobody's late reads or writes
     * can touch freed memory. (The same pattern as Boost's and Rust's Arc.) */
    if (atomic_fetch_sub_explicit(&b->refc, 1, memory_order_release) != 1) return;
    atomic_thread_fence(memory_order_acquire);
    atomic_fetch_add_explicit(&bin_stats.frees, 1, memory_order_relaxed);
    atomic_fetch_sub_explicit(&bin_stats.bytes_live, sizeof(Binary) + b->orig_size,
                              memory_order_relaxed);
    free(b);
}

/* ---- building binaries on a heap -------------------------------------------------------- */

/* Links a ProcBin that heap_halloc just placed on the off-heap list of the area its words live
 * in: the block's list when they are in the block, else the list of the fragment that holds
 * them (a fragment is freed with its own list by the GC that merges it). Either way the
 * process's vheap grows by size/8 words (OTP's OH_OVERHEAD on MSO(p)). */
static void link_procbin(Heap *h, ProcBin *pb)
{
    Term *p = (Term *)pb;
    Uint vheap_words = pb->size / sizeof(Term);
    if (p >= h->heap && p < h->hend) {
        heap_link_offheap(h, (OffHeapHeader *)pb, vheap_words);
        return;
    }
    for (HeapFrag *f = h->mbuf; f; f = f->next) {
        if (p >= f->mem && p < f->mem + f->alloc_size) {
            pb->next = f->off_heap.first;
            f->off_heap.first = (OffHeapHeader *)pb;
            f->off_heap.overhead += vheap_words;
            return;
        }
    }
    /* heap_halloc returned words that are neither in the block nor in a fragment. */
    fprintf(stderr, "heapscope: bin.c: ProcBin outside its heap\n");
    abort();
}

/* A ProcBin for b (whose reference the caller hands over) at heap words from heap_halloc. */
static Term make_procbin(Heap *h, Binary *b, const unsigned char *bytes, Uint size)
{
    ProcBin *pb = (ProcBin *)heap_halloc(h, PROC_BIN_SIZE);
    pb->thing_word = make_header(SUB_REFC_BIN, 0, PROC_BIN_SIZE - 1);
    pb->size = size;
    pb->next = NULL;
    pb->val = b;
    pb->bytes = (unsigned char *)bytes;
    pb->flags = 0;
    link_procbin(h, pb);
    return make_boxed((Term *)pb);
}

/* A heap binary of size ≤ 64 bytes whose bytes the caller fills. The padding of the last word
 * is zeroed so that the heap stays deterministic (hashing and verifying read whole words). */
static Term make_heap_bin(Heap *h, Uint size, unsigned char **bytes)
{
    Uint words = heap_bin_words(size);
    Term *p = heap_halloc(h, words);
    p[0] = make_header(SUB_HEAP_BIN, 0, words - 1);
    p[1] = size;
    if (words > 2) p[words - 1] = 0;
    *bytes = (unsigned char *)(p + 2);
    return make_boxed(p);
}

Term bin_new_uninit(Heap *h, Uint size, unsigned char **bytes)
{
    if (size <= BIN_ONHEAP_LIMIT) return make_heap_bin(h, size, bytes);
    Binary *b = binary_alloc(size);
    *bytes = b->data;
    return make_procbin(h, b, b->data, size);
}

Term bin_new(Heap *h, const void *data, Uint size)
{
    unsigned char *bytes;
    Term t = bin_new_uninit(h, size, &bytes);
    if (size) memcpy(bytes, data, size);
    return t;
}

Term bin_procbin(Heap *h, Binary *b, const unsigned char *bytes, Uint size)
{
    binary_incref(b);
    return make_procbin(h, b, bytes, size);
}
