/*
 * etsmem.c — size-class arenas in 2 MB huge-page chunks for ETS memory (see etsmem.h).
 *
 * Each chunk serves one class and starts with its header (Chunk): the arena that owns it, its
 * own free list, its bump pointer and its count of live blocks. A block's chunk is its address
 * rounded down to 2 MB, so a free finds the chunk's counts without a search. A chunk whose last
 * block is freed leaves its class: the arena keeps up to KEEP_EMPTY such chunks for the next
 * class that needs one (a table going up and down across a chunk's worth of objects maps
 * nothing), and gives any further one back to the system.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "ets/etsmem.h"
#include "ets/tablock.h"

#if defined(__SANITIZE_ADDRESS__)
#define ETSMEM_USE_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ETSMEM_USE_MALLOC 1
#endif
#endif

enum {
    CHUNK = 2u << 20,     /* one huge page */
    CHUNK_HDR = 64,       /* the Chunk header, one cache line; blocks follow it */
    SMALL_MAX = 1024,     /* 16-byte classes up to here */
    NSMALL = SMALL_MAX / 16,
    NLARGE = 4,           /* then 2, 4, 8 and 16 KB (a hash extension segment is 16 KB) */
    NCLASS = NSMALL + NLARGE,
    NO_CLASS = NCLASS,
    KEEP_EMPTY = 2,       /* empty chunks an arena keeps mapped (hysteresis) */
};

typedef struct FreeBlock {
    struct FreeBlock *next;
} FreeBlock;

struct Arena;

/* The head of a chunk. [owner->lock] */
typedef struct Chunk {
    struct Arena *owner;
    struct Chunk *prev, *next; /* owner's list: partial[cls] while it has room, or empty */
    FreeBlock *free;           /* freed blocks of this chunk */
    char *bump;                /* never-used space from here to the chunk's end */
    unsigned cls;
    unsigned live;             /* blocks handed out, not freed */
    bool listed;               /* on partial[cls] */
} Chunk;
_Static_assert(sizeof(Chunk) <= CHUNK_HDR, "chunk header");

typedef struct Arena {
    pthread_mutex_t lock;
    Chunk *partial[NCLASS];    /* chunks of each class with a free block or room to bump */
    unsigned nchunks[NCLASS];  /* chunks of each class (huge pages from the second on) */
    Chunk *empty;              /* up to KEEP_EMPTY chunks without a class, linked by next */
    unsigned nempty;
} __attribute__((aligned(64))) Arena;

static Arena arenas[TABLOCK_SLOTS];
static pthread_once_t arenas_once = PTHREAD_ONCE_INIT;
static _Atomic size_t mapped_chunks, maps_ever;

static void arenas_init(void)
{
    for (int i = 0; i < TABLOCK_SLOTS; i++) pthread_mutex_init(&arenas[i].lock, NULL);
}

/* The class of a request and its rounded size; NO_CLASS when malloc takes it. */
static unsigned size_class(size_t n, size_t *rounded)
{
    if (n <= SMALL_MAX) {
        size_t c = n ? (n + 15) / 16 : 1;
        *rounded = c * 16;
        return (unsigned)c - 1;
    }
    for (unsigned k = 0; k < NLARGE; k++) {
        if (n <= ((size_t)2048 << k)) {
            *rounded = (size_t)2048 << k;
            return NSMALL + k;
        }
    }
    return NO_CLASS;
}

static Chunk *chunk_of(void *p) { return (Chunk *)((uintptr_t)p & ~(uintptr_t)(CHUNK - 1)); }

/* A fresh 2 MB-aligned chunk: map twice the size, keep the aligned middle. A class's first
 * chunk in an arena stays in small pages, so a program with a few small tables does not hold
 * 2 MB per class and slot; its later chunks are advised for huge pages. [a->lock] */
static Chunk *map_chunk(Arena *a, unsigned cls)
{
    char *m = mmap(NULL, 2 * (size_t)CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) abort();
    char *c = (char *)(((uintptr_t)m + CHUNK - 1) & ~(uintptr_t)(CHUNK - 1));
    if (c > m) munmap(m, (size_t)(c - m));
    char *tail = c + CHUNK, *mend = m + 2 * (size_t)CHUNK;
    if (mend > tail) munmap(tail, (size_t)(mend - tail));
    if (a->nchunks[cls] > 0) madvise(c, CHUNK, MADV_HUGEPAGE);
    atomic_fetch_add_explicit(&mapped_chunks, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&maps_ever, 1, memory_order_relaxed);
    return (Chunk *)c;
}

static void list_partial(Arena *a, Chunk *k)
{
    k->prev = NULL;
    k->next = a->partial[k->cls];
    if (k->next) k->next->prev = k;
    a->partial[k->cls] = k;
    k->listed = true;
}

static void unlist_partial(Arena *a, Chunk *k)
{
    if (k->prev) k->prev->next = k->next;
    else a->partial[k->cls] = k->next;
    if (k->next) k->next->prev = k->prev;
    k->listed = false;
}

/* A chunk for class cls with room, listed: a kept empty one, else a new one. [a->lock] */
static Chunk *chunk_for(Arena *a, unsigned cls)
{
    Chunk *k = a->empty;
    if (k) {
        a->empty = k->next;
        a->nempty--;
    } else {
        k = map_chunk(a, cls);
    }
    k->owner = a;
    k->free = NULL;
    k->bump = (char *)k + CHUNK_HDR;
    k->cls = cls;
    k->live = 0;
    a->nchunks[cls]++;
    list_partial(a, k);
    return k;
}

/* A chunk whose last block went: kept for reuse while the arena keeps fewer than KEEP_EMPTY,
 * else unmapped. [a->lock] */
static void chunk_emptied(Arena *a, Chunk *k)
{
    if (k->listed) unlist_partial(a, k);
    a->nchunks[k->cls]--;
    if (a->nempty < KEEP_EMPTY) {
        k->next = a->empty;
        a->empty = k;
        a->nempty++;
        return;
    }
    munmap(k, CHUNK);
    atomic_fetch_sub_explicit(&mapped_chunks, 1, memory_order_relaxed);
}

void *etsmem_alloc(size_t bytes)
{
    size_t sz;
    unsigned c = size_class(bytes, &sz);
#ifdef ETSMEM_USE_MALLOC
    c = NO_CLASS;
#endif
    if (c == NO_CLASS) {
        void *p = malloc(bytes);
        if (!p) abort();
        return p;
    }
    pthread_once(&arenas_once, arenas_init);
    Arena *a = &arenas[tablock_thread_slot()];
    pthread_mutex_lock(&a->lock);
    Chunk *k = a->partial[c];
    if (!k) k = chunk_for(a, c);
    void *p = k->free;
    if (p) {
        k->free = k->free->next;
    } else {
        p = k->bump;
        k->bump += sz;
    }
    k->live++;
    if (!k->free && (size_t)((char *)k + CHUNK - k->bump) < sz) unlist_partial(a, k);
    pthread_mutex_unlock(&a->lock);
    return p;
}

void etsmem_free(void *ptr, size_t bytes)
{
    size_t sz;
    unsigned c = size_class(bytes, &sz);
#ifdef ETSMEM_USE_MALLOC
    c = NO_CLASS;
#endif
    if (c == NO_CLASS) {
        free(ptr);
        return;
    }
    /* The chunk's owner is set before the block was handed out (under its lock, which the
     * allocating thread released, and the block reached us after that). */
    Chunk *k = chunk_of(ptr);
    Arena *a = k->owner;
    FreeBlock *b = ptr;
    pthread_mutex_lock(&a->lock);
    b->next = k->free;
    k->free = b;
    if (--k->live == 0) chunk_emptied(a, k);
    else if (!k->listed) list_partial(a, k);
    pthread_mutex_unlock(&a->lock);
}

size_t etsmem_mapped_bytes(void) { return atomic_load_explicit(&mapped_chunks, memory_order_relaxed) * (size_t)CHUNK; }
size_t etsmem_chunks_mapped_ever(void) { return atomic_load_explicit(&maps_ever, memory_order_relaxed); }
