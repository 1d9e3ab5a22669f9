/*
 * unwind.c — sampled native backtraces, a lock-free stack table, late symbolisation.
 * unwind.h states the hot/cold split and the invariants.
 */
#include "unwind.h"

#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROBES_MAX 64     /* bounded probing: a crowded table drops rather than loops */
#define LIVE_EMPTY ((uintptr_t)0)
#define LIVE_TOMB ((uintptr_t)1)

/* A stack slot is claimed by CASing its hash from 0; the claimer then writes the frames and
 * publishes them by storing depth with release. Readers trust depth (acquire) only. */
typedef struct StackSlot {
    _Atomic uint64_t hash;
    _Atomic unsigned depth;
    void *frames[UNWIND_DEPTH];
} StackSlot;

/* A live slot: key is the pointer (EMPTY, TOMB after a free). stack and bytes are written
 * after the key is claimed; a concurrent reader may see them 0 for a moment (harmless). */
typedef struct LiveSlot {
    _Atomic uintptr_t key;
    _Atomic uint64_t stack;
    _Atomic uint64_t bytes;
} LiveSlot;

static StackSlot *stacks;
static LiveSlot *live;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static atomic_bool ready;
static _Atomic unsigned sample_every = 1;
static _Atomic size_t large_bytes;
static _Atomic uint64_t n_seen, n_sampled, n_frees, n_stacks, n_stacks_dropped, n_live_dropped;
static _Thread_local unsigned tick; /* per-thread sampling counter: no shared cache line */

#define RELAXED memory_order_relaxed
#define INC(c) atomic_fetch_add_explicit(&(c), 1, RELAXED)

/* unw_backtrace keeps a per-thread trace cache whose thread-exit destructor takes a lock after
 * ThreadSanitizer has torn the thread down (a crash in TSan builds only). Those builds walk with
 * unw_step, which has no such cache; the others take the fast path. */
#if defined(__SANITIZE_THREAD__)
#define UNWIND_STEP_WALK 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define UNWIND_STEP_WALK 1
#endif
#endif

/* Always inlined: frame 0 must be the caller (unwind_capture), as with unw_backtrace. */
static inline __attribute__((always_inline)) int backtrace_here(void **frames, int max)
{
#ifdef UNWIND_STEP_WALK
    unw_context_t ctx;
    unw_cursor_t cur;
    if (unw_getcontext(&ctx) != 0 || unw_init_local(&cur, &ctx) != 0) return 0;
    int n = 0;
    do {
        unw_word_t ip;
        if (unw_get_reg(&cur, UNW_REG_IP, &ip) != 0 || ip == 0) break;
        frames[n++] = (void *)ip;
    } while (n < max && unw_step(&cur) > 0);
    return n;
#else
    return unw_backtrace(frames, max);
#endif
}

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static void alloc_tables(void)
{
    stacks = calloc(UNWIND_STACKS, sizeof *stacks);
    live = calloc(UNWIND_LIVE, sizeof *live);
    if (!stacks || !live) {
        free(stacks);
        free(live);
        stacks = NULL;
        live = NULL;
        return;
    }
    /* libunwind sets itself up lazily (address space, caches): do it now, off the hot path. */
    void *warm[4];
    (void)backtrace_here(warm, 4);
    atomic_store_explicit(&ready, true, memory_order_release);
}

bool unwind_init(unsigned every, size_t large)
{
    pthread_once(&init_once, alloc_tables);
    atomic_store_explicit(&sample_every, every ? every : 1, RELAXED);
    atomic_store_explicit(&large_bytes, large, RELAXED);
    return atomic_load_explicit(&ready, memory_order_acquire);
}

static uint64_t intern(void *const *frames, unsigned n)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;
    for (unsigned i = 0; i < n; i++) h = mix(h ^ (uint64_t)(uintptr_t)frames[i]);
    h |= 1; /* 0 marks an empty slot */
    for (unsigned p = 0; p < PROBES_MAX; p++) {
        size_t i = (size_t)((h + p) & (UNWIND_STACKS - 1));
        StackSlot *s = &stacks[i];
        uint64_t k = atomic_load_explicit(&s->hash, memory_order_acquire);
        if (k == 0) {
            if (atomic_compare_exchange_strong_explicit(&s->hash, &k, h, memory_order_acq_rel,
                                                        memory_order_acquire)) {
                memcpy(s->frames, frames, n * sizeof *frames);
                atomic_store_explicit(&s->depth, n, memory_order_release);
                INC(n_stacks);
                return i + 1;
            }
        }
        /* 64-bit hashes of whole stacks: equal hash is taken as the same stack. */
        if (k == h) return i + 1;
    }
    INC(n_stacks_dropped);
    return 0;
}

__attribute__((noinline)) uint64_t unwind_capture(unsigned skip)
{
    if (!atomic_load_explicit(&ready, memory_order_acquire)) return 0;
    void *frames[UNWIND_DEPTH + 8];
    int want = UNWIND_DEPTH + 1 + (int)(skip > 7 ? 7 : skip);
    int n = backtrace_here(frames, want);
    int first = 1 + (int)(skip > 7 ? 7 : skip); /* frames[0] is this function */
    if (n <= first) return 0;
    unsigned depth = (unsigned)(n - first);
    if (depth > UNWIND_DEPTH) depth = UNWIND_DEPTH;
    return intern(frames + first, depth);
}

/* Skips itself and the agent's native_alloc hook (which calls it directly): frame 0 is then
 * the runtime function that fired probe.native_alloc. */
__attribute__((noinline)) uint64_t unwind_capture_hook(void)
{
    uint64_t id = unwind_capture(2);
    __asm__ volatile("" : "+r"(id)); /* no tail call: this frame must exist to be skipped */
    return id;
}

unsigned unwind_frames(uint64_t id, const void *const **frames)
{
    if (!stacks || id == 0 || id > UNWIND_STACKS) return 0;
    StackSlot *s = &stacks[id - 1];
    unsigned n = atomic_load_explicit(&s->depth, memory_order_acquire);
    if (n) *frames = (const void *const *)s->frames;
    return n;
}

/* libunwind's ELF lookup for an arbitrary address: a local cursor moved to ip. It reads the
 * object's .symtab, so static functions get names that dladdr cannot give. */
static bool proc_name(uintptr_t ip, char *buf, size_t cap, unw_word_t *off)
{
    unw_context_t ctx;
    unw_cursor_t cur;
    if (unw_getcontext(&ctx) != 0 || unw_init_local(&cur, &ctx) != 0) return false;
    if (unw_set_reg(&cur, UNW_REG_IP, (unw_word_t)ip) != 0) return false;
    return unw_get_proc_name(&cur, buf, cap, off) == 0 && buf[0];
}

bool unwind_symbol(const void *ip, char *buf, size_t cap)
{
    unw_word_t off = 0;
    char name[256];
    if (proc_name((uintptr_t)ip, name, sizeof name, &off)) {
        snprintf(buf, cap, "%s+0x%lx", name, (unsigned long)off);
        return true;
    }
    Dl_info di;
    if (dladdr(ip, &di) && di.dli_sname) {
        snprintf(buf, cap, "%s+0x%lx", di.dli_sname,
                 (unsigned long)((uintptr_t)ip - (uintptr_t)di.dli_saddr));
        return true;
    }
    return false;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

bool unwind_symbolise(uint64_t id, char *buf, size_t cap)
{
    const void *const *frames;
    unsigned n = unwind_frames(id, &frames);
    if (!n || cap == 0) return false;
    size_t used = 0;
    buf[0] = 0;
    for (unsigned i = 0; i < n && used + 1 < cap; i++) {
        /* A return address points after the call: look up the call itself. */
        const void *ip = (const char *)frames[i] - 1;
        char sym[300];
        Dl_info di;
        const char *obj = dladdr(ip, &di) && di.dli_fname ? base_name(di.dli_fname) : "?";
        if (!unwind_symbol(ip, sym, sizeof sym))
            snprintf(sym, sizeof sym, "%p", frames[i]);
        int w = snprintf(buf + used, cap - used, "%s%s (%s)", i ? "\n" : "", sym, obj);
        if (w < 0) break;
        used += (size_t)w;
    }
    if (used >= cap) buf[cap - 1] = 0;
    return true;
}

/* ---- the live table ---------------------------------------------------------------------- */

static size_t live_home(uintptr_t p)
{
    return (size_t)(mix((uint64_t)p) & (UNWIND_LIVE - 1));
}

static bool sampled(size_t bytes)
{
    size_t large = atomic_load_explicit(&large_bytes, RELAXED);
    if (large && bytes >= large) return true;
    unsigned every = atomic_load_explicit(&sample_every, RELAXED);
    return ++tick % every == 0;
}

void unwind_alloc(const void *ptr, size_t bytes)
{
    uintptr_t p = (uintptr_t)ptr;
    if (!live || p <= LIVE_TOMB) return;
    INC(n_seen);
    if (!sampled(bytes)) return;
    INC(n_sampled);
    uint64_t stack = unwind_capture(1);
    size_t home = live_home(p);
    for (unsigned k = 0; k < PROBES_MAX; k++) {
        LiveSlot *s = &live[(home + k) & (UNWIND_LIVE - 1)];
        uintptr_t cur = atomic_load_explicit(&s->key, memory_order_acquire);
        while (cur == LIVE_EMPTY || cur == LIVE_TOMB) {
            if (atomic_compare_exchange_weak_explicit(&s->key, &cur, p, memory_order_acq_rel,
                                                      memory_order_acquire)) {
                atomic_store_explicit(&s->stack, stack, RELAXED);
                atomic_store_explicit(&s->bytes, bytes, RELAXED);
                return;
            }
        }
    }
    INC(n_live_dropped);
}

void unwind_free(const void *ptr)
{
    uintptr_t p = (uintptr_t)ptr;
    if (!live || p <= LIVE_TOMB) return;
    size_t home = live_home(p);
    for (unsigned k = 0; k < PROBES_MAX; k++) {
        LiveSlot *s = &live[(home + k) & (UNWIND_LIVE - 1)];
        uintptr_t cur = atomic_load_explicit(&s->key, memory_order_acquire);
        if (cur == LIVE_EMPTY) return; /* never recorded (not sampled) */
        if (cur == p) {
            atomic_store_explicit(&s->bytes, 0, RELAXED);
            atomic_store_explicit(&s->key, LIVE_TOMB, memory_order_release);
            INC(n_frees);
            return;
        }
    }
}

static int by_bytes_desc(const void *a, const void *b)
{
    const UnwindGroup *x = a, *y = b;
    if (x->bytes != y->bytes) return x->bytes < y->bytes ? 1 : -1;
    if (x->count != y->count) return x->count < y->count ? 1 : -1;
    return x->stack_id < y->stack_id ? -1 : x->stack_id > y->stack_id;
}

size_t unwind_outstanding(UnwindGroup *out, size_t cap)
{
    if (!live) return 0;
    UnwindGroup *g = calloc(UNWIND_STACKS + 1, sizeof *g); /* index: stack id (0: unknown) */
    if (!g) return 0;
    for (size_t i = 0; i < UNWIND_LIVE; i++) {
        uintptr_t k = atomic_load_explicit(&live[i].key, memory_order_acquire);
        if (k == LIVE_EMPTY || k == LIVE_TOMB) continue;
        uint64_t id = atomic_load_explicit(&live[i].stack, RELAXED);
        if (id > UNWIND_STACKS) id = 0;
        g[id].stack_id = id;
        g[id].count++;
        g[id].bytes += atomic_load_explicit(&live[i].bytes, RELAXED);
    }
    size_t n = 0;
    for (size_t i = 0; i <= UNWIND_STACKS; i++)
        if (g[i].count) g[n++] = g[i];
    qsort(g, n, sizeof *g, by_bytes_desc);
    memcpy(out, g, (n < cap ? n : cap) * sizeof *g);
    free(g);
    return n;
}

void unwind_stats(UnwindStats *o)
{
    o->allocs_seen = atomic_load_explicit(&n_seen, RELAXED);
    o->allocs_sampled = atomic_load_explicit(&n_sampled, RELAXED);
    o->frees_matched = atomic_load_explicit(&n_frees, RELAXED);
    o->stacks = atomic_load_explicit(&n_stacks, RELAXED);
    o->stacks_dropped = atomic_load_explicit(&n_stacks_dropped, RELAXED);
    o->live_dropped = atomic_load_explicit(&n_live_dropped, RELAXED);
    o->sample_every = atomic_load_explicit(&sample_every, RELAXED);
    o->large_bytes = atomic_load_explicit(&large_bytes, RELAXED);
    o->table_bytes = live ? UNWIND_STACKS * sizeof(StackSlot) + UNWIND_LIVE * sizeof(LiveSlot) : 0;
}

void unwind_reset_live(void)
{
    if (!live) return;
    for (size_t i = 0; i < UNWIND_LIVE; i++) {
        atomic_store_explicit(&live[i].key, LIVE_EMPTY, RELAXED);
        atomic_store_explicit(&live[i].stack, 0, RELAXED);
        atomic_store_explicit(&live[i].bytes, 0, RELAXED);
    }
}
