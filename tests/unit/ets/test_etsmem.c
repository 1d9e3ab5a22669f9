/*
 * test_etsmem.c — the ETS block allocator (runtime/ets/etsmem.c): blocks of every class and
 * past the classes hold their bytes without overlapping, freed blocks are reused (the last
 * freed of a class first), threads allocating and freeing at once keep their blocks apart, and
 * memory freed goes back to the system (resident size falls back near where it started) with
 * hysteresis (alloc/free across a chunk's boundary maps nothing new).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ets/etsmem.h"
#include "testhelp.h"

#if defined(__SANITIZE_ADDRESS__)
#define MALLOC_MODE 1 /* etsmem.h: every block is malloc'd under AddressSanitizer */
#endif

enum { NBLK = 600 };

static size_t size_of(int i)
{
    static const size_t big[] = {1024, 1025, 2048, 4000, 8192, 16384, 16385, 40000};
    return i % 10 == 9 ? big[(i / 10) % 8] : (size_t)(8 + (i * 37) % 1017);
}

static bool filled_with(const unsigned char *p, size_t n, unsigned char v)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != v) return false;
    return true;
}

TEST(blocks_hold_their_bytes)
{
    unsigned char *b[NBLK];
    for (int i = 0; i < NBLK; i++) {
        b[i] = etsmem_alloc(size_of(i));
        CHECK(((uintptr_t)b[i] & 15) == 0);
        memset(b[i], i & 0xFF, size_of(i));
    }
    for (int i = 0; i < NBLK; i += 2) etsmem_free(b[i], size_of(i));
    for (int i = 0; i < NBLK; i += 2) {
        b[i] = etsmem_alloc(size_of(i));
        memset(b[i], (i + 1) & 0xFF, size_of(i));
    }
    int bad = 0;
    for (int i = 0; i < NBLK; i++) bad += !filled_with(b[i], size_of(i), (unsigned char)((i + (i % 2 == 0)) & 0xFF));
    CHECK_EQ(bad, 0);
    for (int i = 0; i < NBLK; i++) etsmem_free(b[i], size_of(i));
}

TEST(last_freed_is_reused_first)
{
    void *a = etsmem_alloc(80), *b = etsmem_alloc(80), *c = etsmem_alloc(72);
    CHECK(a != b);
    etsmem_free(a, 80);
    etsmem_free(b, 80);
    void *b2 = etsmem_alloc(80), *a2 = etsmem_alloc(66); /* 66 rounds up to 80: same class */
#ifndef MALLOC_MODE
    CHECK(b2 == b); /* last in, first out */
    CHECK(a2 == a);
#endif
    etsmem_free(b2, 80);
    etsmem_free(a2, 66);
    etsmem_free(c, 72);
}

typedef struct Worker {
    int id;
    int bad;
} Worker;

static void *churn(void *arg)
{
    Worker *w = arg;
    unsigned char *mine[64] = {0};
    for (int round = 0; round < 20000; round++) {
        int k = round % 64;
        size_t n = 16 + (size_t)((round * 7 + w->id) % 200);
        if (mine[k]) {
            size_t was = 16 + (size_t)(((round - 64) * 7 + w->id) % 200);
            w->bad += !filled_with(mine[k], was, (unsigned char)w->id);
            etsmem_free(mine[k], was);
        }
        mine[k] = etsmem_alloc(n);
        memset(mine[k], w->id, n);
    }
    for (int k = 0; k < 64; k++) {
        int round = 20000 - 64 + k;
        etsmem_free(mine[k], 16 + (size_t)((round * 7 + w->id) % 200));
    }
    return NULL;
}

TEST(threads_keep_their_blocks_apart)
{
    enum { T = 6 };
    pthread_t th[T];
    Worker w[T];
    for (int i = 0; i < T; i++) {
        w[i] = (Worker){i + 1, 0};
        pthread_create(&th[i], NULL, churn, &w[i]);
    }
    int bad = 0;
    for (int i = 0; i < T; i++) {
        pthread_join(th[i], NULL);
        bad += w[i].bad;
    }
    CHECK_EQ(bad, 0);
}

/* Resident bytes of this process (/proc/self/statm's second field). */
static size_t rss_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0, res = 0;
    if (f) {
        if (fscanf(f, "%lu %lu", &size, &res) != 2) res = 0;
        fclose(f);
    }
    return (size_t)res * (size_t)sysconf(_SC_PAGESIZE);
}

/* Under AddressSanitizer (malloc'd blocks, nothing to check) a tenth of the sizes. */
#ifdef MALLOC_MODE
enum { MB = 1 << 20, SCALED_MB = MB / 10 };
#else
enum { MB = 1 << 20, SCALED_MB = MB };
#endif

/* Allocates `total` bytes in blocks of sz bytes, touching every byte; returns the blocks (n of
 * them) in an array of its own mapping, so that malloc's heap (which keeps what it had) stays
 * out of the resident size measured. Free the array with drop(). */
static void **fill(size_t total, size_t sz, size_t *n)
{
    *n = total / sz;
    void **v = mmap(NULL, *n * sizeof *v, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    for (size_t i = 0; i < *n; i++) {
        v[i] = etsmem_alloc(sz);
        memset(v[i], 0x5A, sz);
    }
    return v;
}

static void drop(void **v, size_t n) { munmap(v, n * sizeof *v); }

/* Scrambles the blocks' order: freed so, chunks empty only at the end, as after a table's
 * deletes. */
static void scramble(void **v, size_t n, unsigned seed)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (seed = seed * 1103515245u + 12345u) % i;
        void *t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

TEST(freed_memory_goes_back_to_the_system)
{
    static const size_t sizes[] = {40, 96, 200, 520, 1000, 3000, 9000, 16000};
    enum { NS = sizeof sizes / sizeof *sizes };
    size_t start = rss_bytes(), mapped0 = etsmem_mapped_bytes();
    /* 200 MB in eight sizes, freed size by size in a scrambled order. */
    void **by[NS];
    size_t nby[NS];
    for (int s = 0; s < NS; s++) by[s] = fill(25 * (size_t)SCALED_MB, sizes[s], &nby[s]);
    size_t peak = rss_bytes();
#ifndef MALLOC_MODE
    CHECK(peak >= start + 190 * (size_t)MB);
    CHECK(etsmem_mapped_bytes() >= mapped0 + 200 * (size_t)MB);
#endif
    for (int s = 0; s < NS; s++) {
        scramble(by[s], nby[s], 7u + (unsigned)s);
        for (size_t i = 0; i < nby[s]; i++) etsmem_free(by[s][i], sizes[s]);
        drop(by[s], nby[s]);
    }
    size_t after = rss_bytes();
    printf("  rss: start %zu MB, peak %zu MB, after %zu MB; etsmem mapped %zu -> %zu MB\n", start / MB,
           peak / MB, after / MB, mapped0 / MB, etsmem_mapped_bytes() / MB);
#ifndef MALLOC_MODE
    CHECK(after <= start + 8 * (size_t)MB); /* at most 2 empty chunks kept, and the slack */
    CHECK(etsmem_mapped_bytes() <= mapped0 + 4 * (size_t)MB);
#endif
}

TEST(churning_through_sizes_keeps_no_peak)
{
    /* 60 MB of one size, freed, then 60 MB of the next: never more than one size's worth. */
    static const size_t sizes[] = {32, 112, 400, 1024, 2048, 8192};
    size_t start = rss_bytes(), worst = 0;
    for (int round = 0; round < 2; round++) {
        for (int s = 0; s < 6; s++) {
            size_t n;
            void **v = fill(60 * (size_t)SCALED_MB, sizes[s], &n);
            scramble(v, n, 3u + (unsigned)s);
            for (size_t i = 0; i < n; i++) etsmem_free(v[i], sizes[s]);
            drop(v, n);
            size_t now = rss_bytes();
            if (now > worst) worst = now;
        }
    }
    printf("  churn: rss start %zu MB, worst after a size %zu MB\n", start / MB, worst / MB);
#ifndef MALLOC_MODE
    CHECK(worst <= start + 8 * (size_t)MB);
#endif
}

TEST(crossing_a_chunk_boundary_maps_nothing_new)
{
    /* Fill one class to a chunk and a block past it, then free and take back those last blocks
     * many times: the chunk that empties is kept, not unmapped and mapped again. */
    enum { SZ = 4096 };
    size_t n;
    void **v = fill(2 * (size_t)MB, SZ, &n);
    size_t maps = etsmem_chunks_mapped_ever();
    for (int round = 0; round < 1000; round++) {
        for (size_t i = n - 4; i < n; i++) etsmem_free(v[i], SZ);
        for (size_t i = n - 4; i < n; i++) v[i] = etsmem_alloc(SZ);
    }
#ifndef MALLOC_MODE
    CHECK(etsmem_chunks_mapped_ever() - maps <= 1);
#else
    (void)maps;
#endif
    for (size_t i = 0; i < n; i++) etsmem_free(v[i], SZ);
    drop(v, n);
}

int main(void)
{
    TH_RUN(blocks_hold_their_bytes);
    TH_RUN(last_freed_is_reused_first);
    TH_RUN(threads_keep_their_blocks_apart);
    TH_RUN(freed_memory_goes_back_to_the_system);
    TH_RUN(churning_through_sizes_keeps_no_peak);
    TH_RUN(crossing_a_chunk_boundary_maps_nothing_new);
    return th_done();
}
