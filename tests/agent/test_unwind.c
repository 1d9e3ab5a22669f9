/*
 * test_unwind.c — native backtraces: allocations made through a function are grouped under a
 * stack that names it, frees remove them, sampling takes 1 in N (and every large one), and
 * several threads can record at once.
 */
#include "unwind.h"

#include <pthread.h>

#include "testhelp.h"

/* Loops that call a site use a volatile counter: an unrolled loop would be several call sites,
 * hence several stacks. */
#define SITE __attribute__((noinline))

static void *kept[4096];
static size_t nkept;

SITE static void *leaky_alloc_site(size_t bytes)
{
    void *p = calloc(1, bytes);
    unwind_alloc(p, bytes);
    __asm__ volatile("" ::: "memory"); /* keeps this frame a real call, not a tail call */
    return p;
}

SITE static void *other_alloc_site(size_t bytes)
{
    void *p = calloc(1, bytes);
    unwind_alloc(p, bytes);
    ((char *)p)[0] = 'o'; /* unlike leaky_alloc_site: identical code could be folded into one */
    __asm__ volatile("" ::: "memory");
    return p;
}

static void release(void *p)
{
    unwind_free(p);
    free(p);
}

static void release_all(void)
{
    for (size_t i = 0; i < nkept; i++) release(kept[i]);
    nkept = 0;
}

/* The group whose symbolised stack names fn, or NULL. */
static const UnwindGroup *group_naming(const UnwindGroup *g, size_t n, const char *fn, char *text,
                                       size_t cap)
{
    for (size_t i = 0; i < n; i++)
        if (unwind_symbolise(g[i].stack_id, text, cap) && strstr(text, fn)) return &g[i];
    return NULL;
}

TEST(grouped_by_backtrace)
{
    CHECK(unwind_init(1, 0));
    unwind_reset_live();
    for (volatile int i = 0; i < 10; i++) kept[nkept++] = leaky_alloc_site(100);
    for (volatile int i = 0; i < 5; i++) kept[nkept++] = other_alloc_site(50);
    release(kept[0]);
    release(kept[1]);
    release(kept[2]);
    memmove(kept, kept + 3, (nkept - 3) * sizeof *kept);
    nkept -= 3;
    UnwindGroup g[16];
    size_t n = unwind_outstanding(g, 16);
    CHECK_EQ(n, 2);
    static char text[8192];
    const UnwindGroup *leaky = group_naming(g, n, "leaky_alloc_site", text, sizeof text);
    CHECK(leaky != NULL);
    if (leaky) {
        CHECK_EQ(leaky->count, 7);
        CHECK_EQ(leaky->bytes, 700);
        /* the caller, one frame up (main when the compiler inlined this test into it) */
        CHECK(strstr(text, "\ngrouped_by_backtrace+") || strstr(text, "\nmain+"));
        CHECK(strncmp(text, "leaky_alloc_site", 16) == 0); /* frame 0: the site (or its clone) */
    }
    const UnwindGroup *other = group_naming(g, n, "other_alloc_site", text, sizeof text);
    CHECK(other != NULL);
    if (other) {
        CHECK_EQ(other->count, 5);
        CHECK_EQ(other->bytes, 250);
    }
    CHECK(g[0].bytes == 700); /* largest first */
    release_all();
    CHECK_EQ(unwind_outstanding(g, 16), 0);
    /* the same stack twice is the same id */
    uint64_t a = 0, b = 0;
    for (volatile int i = 0; i < 2; i++) { /* volatile: one call site, not unrolled */
        uint64_t id = unwind_capture(0);
        if (i == 0) a = id; else b = id;
    }
    CHECK(a != 0 && a == b);
    char small[8];
    CHECK(!unwind_symbolise(0, small, sizeof small));
    CHECK(!unwind_symbolise(UNWIND_STACKS + 5, small, sizeof small));
    CHECK(unwind_symbolise(a, small, sizeof small) && strlen(small) == 7); /* truncated, ended */
}

static void *sampling_thread(void *arg)
{
    for (volatile int i = 0; i < 40; i++) kept[nkept++] = leaky_alloc_site(10);
    for (volatile int i = 0; i < 3; i++) kept[nkept++] = leaky_alloc_site(5000);
    return NULL;
}

TEST(sampling)
{
    CHECK(unwind_init(4, 1000));
    unwind_reset_live();
    UnwindStats before, after;
    unwind_stats(&before);
    pthread_t t; /* a fresh thread: its sampling counter starts at 0 */
    pthread_create(&t, NULL, sampling_thread, NULL);
    pthread_join(t, NULL);
    unwind_stats(&after);
    CHECK_EQ(after.allocs_seen - before.allocs_seen, 43);
    CHECK_EQ(after.allocs_sampled - before.allocs_sampled, 13); /* 40/4 + 3 large */
    CHECK_EQ(after.sample_every, 4);
    UnwindGroup g[8];
    size_t n = unwind_outstanding(g, 8);
    CHECK_EQ(n, 2); /* the two loops are two call sites */
    CHECK_EQ(g[0].count + g[1].count, 13);
    CHECK_EQ(g[0].count, 3); /* the large ones come first */
    CHECK_EQ(g[0].bytes, 3 * 5000);
    CHECK_EQ(g[1].bytes, 10 * 10);
    release_all();
    CHECK_EQ(unwind_outstanding(g, 8), 0);
    unwind_init(1, 0);
}

#define THREADS 4
#define PER_THREAD 2000

static void *alloc_thread(void *arg)
{
    void **mine = arg;
    for (volatile int i = 0; i < PER_THREAD; i++) mine[i] = other_alloc_site(8 + (size_t)(i % 7));
    for (int i = 0; i < PER_THREAD; i += 2) release(mine[i]);
    return NULL;
}

TEST(threads)
{
    unwind_init(1, 0);
    unwind_reset_live();
    static void *ptrs[THREADS][PER_THREAD];
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, alloc_thread, ptrs[i]);
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    UnwindGroup g[8];
    size_t n = unwind_outstanding(g, 8);
    CHECK_EQ(n, 1); /* one call site, one thread function: one stack */
    uint64_t bytes = 0;
    for (int i = 1; i < PER_THREAD; i += 2) bytes += 8 + (uint64_t)(i % 7);
    CHECK_EQ(g[0].count, THREADS * PER_THREAD / 2);
    CHECK_EQ(g[0].bytes, THREADS * bytes);
    char text[4096];
    CHECK(unwind_symbolise(g[0].stack_id, text, sizeof text));
    CHECK(strstr(text, "other_alloc_site") && strstr(text, "alloc_thread"));
    for (int i = 0; i < THREADS; i++)
        for (int k = 1; k < PER_THREAD; k += 2) release(ptrs[i][k]);
    CHECK_EQ(unwind_outstanding(g, 8), 0);
    UnwindStats st;
    unwind_stats(&st);
    CHECK_EQ(st.live_dropped, 0);
    CHECK(st.stacks >= 3);
}

/* What agent.c does: its native_alloc hook calls AgentConfig.bt_capture directly. */
SITE static uint64_t fake_agent_hook(void)
{
    uint64_t id = unwind_capture_hook();
    __asm__ volatile("" ::: "memory");
    return id;
}

SITE static uint64_t runtime_alloc_site(void)
{
    uint64_t id = fake_agent_hook();
    __asm__ volatile("" ::: "memory");
    return id;
}

TEST(hook_frame_zero_is_the_probe_site)
{
    unwind_init(1, 0);
    uint64_t id = runtime_alloc_site();
    char text[4096];
    CHECK(unwind_symbolise(id, text, sizeof text));
    CHECK(strncmp(text, "runtime_alloc_site", 18) == 0);
    CHECK(strstr(text, "fake_agent_hook") == NULL);
}

int main(void)
{
    TH_RUN(grouped_by_backtrace);
    TH_RUN(sampling);
    TH_RUN(threads);
    TH_RUN(hook_frame_zero_is_the_probe_site);
    return th_done();
}
