/*
 * etsmem.c — size-class arenas in 2 MB huge-page chunks for ETS memory (see etsmem.h).
 */
#include <pthread.h>
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
    SMALL_MAX = 1024,     /* 16-byte classes up to here */
    NSMALL = SMALL_MAX / 16,
    NLARGE = 4,           /* then 2, 4, 8 and 16 KB (a hash extension segment is 16 KB) */
    NCLASS = NSMALL + NLARGE,
    NO_CLASS = NCLASS,
};

typedef struct FreeBlock {
    struct FreeBlock *next;
} FreeBlock;

typedef struct Arena {
    pthread_mutex_t lock;
    char *bump, *end;     /* the rest of the current chunk */
    unsigned chunks;
    FreeBlock *free[NCLASS];
} __attribute__((aligned(64))) Arena;

static Arena arenas[TABLOCK_SLOTS];
static pthread_once_t arenas_once = PTHREAD_ONCE_INIT;

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

/* A fresh 2 MB-aligned chunk for a: map twice the size, keep the aligned middle. The
 * first chunk of an arena stays in small pages (see etsmem.h). [a->lock] */
static void new_chunk(Arena *a)
{
    char *m = mmap(NULL, 2 * (size_t)CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) abort();
    char *c = (char *)(((uintptr_t)m + CHUNK - 1) & ~(uintptr_t)(CHUNK - 1));
    if (c > m) munmap(m, (size_t)(c - m));
    char *tail = c + CHUNK, *mend = m + 2 * (size_t)CHUNK;
    if (mend > tail) munmap(tail, (size_t)(mend - tail));
    if (a->chunks++ > 0) madvise(c, CHUNK, MADV_HUGEPAGE);
    a->bump = c;
    a->end = c + CHUNK;
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
    void *p = a->free[c];
    if (p) {
        a->free[c] = a->free[c]->next;
    } else {
        if ((size_t)(a->end - a->bump) < sz) new_chunk(a); /* the old chunk's tail is left */
        p = a->bump;
        a->bump += sz;
    }
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
    pthread_once(&arenas_once, arenas_init);
    Arena *a = &arenas[tablock_thread_slot()];
    FreeBlock *b = ptr;
    pthread_mutex_lock(&a->lock);
    b->next = a->free[c];
    a->free[c] = b;
    pthread_mutex_unlock(&a->lock);
}
