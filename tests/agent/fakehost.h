/*
 * fakehost.h — a fake AgentHost for the agent's tests (the runtime side is not wired yet):
 * processes, tables and memory the test sets, and a force_gc whose outcome the test chooses.
 * A forced GC also emits a gc_end probe event, as the runtime would, so the detector sees its
 * live words through the same path as natural GCs. Header-only; included by tests/agent/test_*.c.
 */
#ifndef HS_TEST_FAKEHOST_H
#define HS_TEST_FAKEHOST_H

#include <pthread.h>
#include <string.h>

#include "agent.h"
#include "probe.h"

#define FH_MAX 64

typedef struct FakeHost {
    pthread_mutex_t mu;
    HostProc procs[FH_MAX]; size_t nprocs;
    HostEts tabs[FH_MAX]; size_t ntabs;
    HostMemory mem;
    /* force_gc outcome: after = what the test put in gc_after[i] for procs[i] */
    GcInfo gc_after[FH_MAX];
    bool gc_after_set[FH_MAX];
    unsigned forced;
    AgentHost host;
} FakeHost;

static inline size_t fh_list_procs(void *ctx, HostProc *out, size_t cap)
{
    FakeHost *f = ctx;
    pthread_mutex_lock(&f->mu);
    size_t n = f->nprocs;
    for (size_t i = 0; i < n && i < cap; i++) out[i] = f->procs[i];
    pthread_mutex_unlock(&f->mu);
    return n;
}

static inline bool fh_proc_info(void *ctx, Term pid, HostProc *out)
{
    FakeHost *f = ctx;
    bool found = false;
    pthread_mutex_lock(&f->mu);
    for (size_t i = 0; i < f->nprocs; i++)
        if (f->procs[i].pid == pid) { *out = f->procs[i]; found = true; }
    pthread_mutex_unlock(&f->mu);
    return found;
}

static inline size_t fh_list_ets(void *ctx, HostEts *out, size_t cap)
{
    FakeHost *f = ctx;
    pthread_mutex_lock(&f->mu);
    size_t n = f->ntabs;
    for (size_t i = 0; i < n && i < cap; i++) out[i] = f->tabs[i];
    pthread_mutex_unlock(&f->mu);
    return n;
}

static inline void fh_memory(void *ctx, HostMemory *out)
{
    FakeHost *f = ctx;
    pthread_mutex_lock(&f->mu);
    *out = f->mem;
    pthread_mutex_unlock(&f->mu);
}

static inline Uint fh_total(const GcInfo *g)
{
    return g->heap_size + g->old_heap_size + g->mbuf_size;
}

static inline bool fh_force_gc(void *ctx, Term pid, bool major, GcInfo *before, GcInfo *after,
                        Uint *reclaimed)
{
    FakeHost *f = ctx;
    pthread_mutex_lock(&f->mu);
    size_t i = 0;
    while (i < f->nprocs && f->procs[i].pid != pid) i++;
    if (i == f->nprocs) { pthread_mutex_unlock(&f->mu); return false; }
    f->forced++;
    *before = f->procs[i].gc;
    *after = f->gc_after_set[i] ? f->gc_after[i] : f->procs[i].gc;
    if (major) { after->old_heap_size = 0; after->old_heap_block_size = 0; }
    *reclaimed = fh_total(before) > fh_total(after) ? fh_total(before) - fh_total(after) : 0;
    f->procs[i].gc = *after;
    f->procs[i].total_heap_words = after->heap_block_size + after->old_heap_block_size +
                                   after->mbuf_size;
    ProbeGc ev;
    memset(&ev, 0, sizeof ev);
    ev.p.time_ns = probe_now_ns();
    ev.p.pid = pid;
    ev.ev.type = major ? GC_MAJOR : GC_MINOR;
    ev.ev.reason = GC_REASON_EXPLICIT;
    ev.ev.before = *before;
    ev.ev.after = *after;
    ev.ev.reclaimed = *reclaimed;
    ev.ev.duration_ns = 1000;
    pthread_mutex_unlock(&f->mu);
    if (probe.gc_end) probe.gc_end(&ev);
    return true;
}

/* Send sites by name. probe.send gives a send's site only as a code address (probe.h), which
 * the host resolves; a test's "code address" is a ProbeSite of its own, registered here
 * (fh_site) before any thread sends from it, and resolved by fh_resolve_site. */
#define FH_SITES 16
static const ProbeSite *fh_sites[FH_SITES];
static unsigned fh_nsites;
static pthread_mutex_t fh_sites_mu = PTHREAD_MUTEX_INITIALIZER;

static inline const void *fh_site(const ProbeSite *s)
{
    pthread_mutex_lock(&fh_sites_mu);
    unsigned i = 0;
    while (i < fh_nsites && fh_sites[i] != s) i++;
    if (i == fh_nsites && fh_nsites < FH_SITES) fh_sites[fh_nsites++] = s;
    pthread_mutex_unlock(&fh_sites_mu);
    return s;
}

static inline bool fh_resolve_site(void *ctx, const void *ip, ProbeSite *out)
{
    (void)ctx;
    bool found = false;
    pthread_mutex_lock(&fh_sites_mu);
    for (unsigned i = 0; i < fh_nsites && !found; i++)
        if (fh_sites[i] == ip) { *out = *fh_sites[i]; found = true; }
    pthread_mutex_unlock(&fh_sites_mu);
    return found;
}

/* A send as the runtime makes it: site an fh_site, or any address the host cannot resolve. */
static inline void fh_send(Uint from, Uint to, const void *site, Uint flat, Uint shared)
{
    probe.send(make_pid(from), make_pid(to), site, flat, shared);
}

static inline void fh_init(FakeHost *f, unsigned schedulers)
{
    memset(f, 0, sizeof *f);
    pthread_mutex_init(&f->mu, NULL);
    f->host.ctx = f;
    f->host.list_procs = fh_list_procs;
    f->host.proc_info = fh_proc_info;
    f->host.list_ets = fh_list_ets;
    f->host.memory = fh_memory;
    f->host.force_gc = fh_force_gc;
    f->host.resolve_site = fh_resolve_site;
    f->host.program = "tests/agent/fake.erl";
    f->host.os_pid = 4242;
    f->host.schedulers = schedulers;
}

/* Adds (or finds) a process; returns its index. */
static inline size_t fh_proc(FakeHost *f, Uint pidnum)
{
    pthread_mutex_lock(&f->mu);
    size_t i = 0;
    while (i < f->nprocs && f->procs[i].pid != make_pid(pidnum)) i++;
    if (i == f->nprocs && f->nprocs < FH_MAX) {
        memset(&f->procs[i], 0, sizeof f->procs[i]);
        f->procs[i].pid = make_pid(pidnum);
        f->procs[i].registered_name = NIL;
        f->procs[i].mod = f->procs[i].fun = NIL;
        f->nprocs++;
    }
    pthread_mutex_unlock(&f->mu);
    return i;
}

static inline void fh_remove_proc(FakeHost *f, Uint pidnum)
{
    pthread_mutex_lock(&f->mu);
    for (size_t i = 0; i < f->nprocs; i++) {
        if (f->procs[i].pid != make_pid(pidnum)) continue;
        f->procs[i] = f->procs[f->nprocs - 1];
        f->gc_after[i] = f->gc_after[f->nprocs - 1];
        f->gc_after_set[i] = f->gc_after_set[f->nprocs - 1];
        f->nprocs--;
        break;
    }
    pthread_mutex_unlock(&f->mu);
}

#endif
