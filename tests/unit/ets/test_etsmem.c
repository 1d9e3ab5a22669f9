/*
 * test_etsmem.c — the ETS block allocator (runtime/ets/etsmem.c): blocks of every class and
 * past the classes hold their bytes without overlapping, freed blocks are reused (the last
 * freed of a class first), and threads allocating and freeing at once keep their blocks apart.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

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

int main(void)
{
    TH_RUN(blocks_hold_their_bytes);
    TH_RUN(last_freed_is_reused_first);
    TH_RUN(threads_keep_their_blocks_apart);
    return th_done();
}
