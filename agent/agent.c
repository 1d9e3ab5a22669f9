/*
 * agent.c — attach/detach, the probe hooks, the collector thread and the query entry points.
 * The threading contract is in agent.h; the ring protocol in ring.h.
 */
#include "agent.h"

#include <cJSON.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "leak.h"
#include "report.h"
#include "ring.h"
#include "series.h"
#include "unwind.h"

/* Events taken from one ring per pass (bounds the batch buffers: nrings * 2 * DRAIN_CHUNK
 * events, touched whenever a burst fills them); a drain makes up to DRAIN_PASSES passes, 32768
 * events a ring a step as before, when a chunk of 4096 made 7.4 MB of buffers that a burst of
 * spawns (100k idle processes) touched. */
#define DRAIN_CHUNK 1024u
#define DRAIN_PASSES 32
#define MAX_SAMPLED_PROCS (1u << 20)
#define CACHE_FLUSH_MS 20u  /* the scheduler threads' caches are emptied this often */

/*
 * Send coalescing. A send event per message is the agent's largest cost in message-heavy
 * programs (the collector copies and applies each one, on a core the schedulers want). So a
 * scheduler thread keeps its unsampled sends in a small cache, one slot per (sender, site) in
 * a 4-way set, counting them and summing their flat words, and posts one event per slot
 * (AgEvent.count) when the slot is evicted or holds SEND_COALESCE_MAX sends. The collector
 * empties every cache every CACHE_FLUSH_MS and at every sample round or query, so counts lag
 * by that much at most, and the final report sees every send. Sampled sends (shared_words measured) are summed in the same slot
 * (AgEvent.sampled, sampled_flat): posted alone they were 1 in 16 of all messages, each a
 * 270-byte event the collector copied four times (message_heavy: 122k events, 8.7k drops).
 * A cache is touched by its scheduler thread and, during a step, by the collector, never
 * both at once, and nobody waits: see "cache ownership" below.
 */
#define SEND_SLOTS 64u
#define SEND_COALESCE_MAX 65536u

/* One (sender, site) key's sends since the slot was last posted; 64 bytes, one cache line, the
 * key and count first (what hook_send reads on every send). */
typedef struct SendSlot {
    Term pid;              /* the sender */
    const void *ip;        /* the site's code address (ProbeSite.ip) */
    uint32_t count;        /* 0: free */
    uint32_t sampled;      /* sends among count whose shared size was measured */
    Uint flat_words;       /* the sum over every send */
    Uint shared_words;     /* the sum over the sampled ones */
    uint64_t sampled_flat; /* the sampled ones' flat words */
    Term receiver;         /* the first send's */
    uint64_t time_ns;      /* the first send's (stamped by the hook) */
} SendSlot;

/* GCs coalesce the same way, one slot per process (direct-mapped), minor and major apart: a
 * GC-heavy program makes a minor GC every few hundred microseconds per process, and a
 * message-heavy one as many majors (a small heap that a message fills: message_heavy makes
 * 35k a second, as OTP does), and the store only sums them. Their pauses go into the cache's
 * own histograms, merged into the store's at each step, so the p99 stays exact. A batch of
 * majors gives the live-words series (the leak evidence) its last GC's point and its largest
 * live size (AgEvent.peak_size): one point per process per CACHE_FLUSH_MS at most, where the
 * series keeps one in `stride` anyway. GCs forced from outside a scheduler (the gc command,
 * the detector's) have no cache and go alone. */
#define GC_SLOTS 64u
#define GC_COALESCE_MAX 65536u

typedef struct GcSlot {
    ProbeGc g;        /* reclaimed and duration_ns the sums, after and time the last GC's */
    uint32_t count;   /* 0: free */
    Uint peak_live;   /* majors: the largest heap + old heap + mbuf after any of them */
} GcSlot;

/*
 * ETS coalescing. ETS inserts and object deletes coalesce per table (direct-mapped): an
 * ETS-heavy program makes one per operation, and the store keeps only counts, the latest
 * figures and peaks. A slot's batch keeps one record per kind (EtsKindRec): its count, the
 * figures after its last operation, its peaks, its first and last time; and how often the
 * kind changed (a run: operations of one kind in a row; more runs than kinds: interleaved).
 * A flush posts one event per kind present, the kind of the batch's last operation last, so
 * a table's last event is its state now and a thread's events stay in time order (with two
 * kinds that orders them by their last operations): insert then delete_object gives an
 * insert and a delete_object event, each with the memory after it, and an alternating stream
 * still costs one event per kind per flush (splitting at every change of kind made ets_heavy
 * 860k events, 124k dropped).
 * Creates, table deletes, owner exits and transfers go alone, after that table's batch.
 * Times: a kind's first operation in a batch reads the clock; the others take the later of
 * the batch's last clock read and the collector's tick (ets_tick_ns, its clock at each step,
 * every drain_interval_ms): never later than the operation, and no clock read per operation
 * (a coarse read is ~12 ns here, about as much as the rest of the hook).
 */
#define ETS_SLOTS 16u
enum { ETS_K_INSERT, ETS_K_DELETE, ETS_KINDS };

typedef struct EtsKindRec {
    uint32_t count;                     /* in this batch; 0: none */
    Uint size, memory_words;            /* after the last one */
    Uint peak_size, peak_memory_words;  /* the largest after any of them */
    uint64_t first_ns, last_ns;
} EtsKindRec;

/* Free when every kind's count is 0. */
typedef struct EtsSlot {
    uint64_t table_id;
    unsigned last_kind;    /* the last operation's: its kind's event goes last */
    uint32_t changes;      /* operations whose kind is not the one before's (runs - 1) */
    uint64_t now_ns;       /* the batch's latest clock read */
    Term name, owner, pid; /* the batch's first operation's (a rename posts no event; owner
                              and pid change only with a transfer or owner exit, which flush) */
    EtsKindRec k[ETS_KINDS];
} EtsSlot;

/* The collector's clock at its last step (step()), for the ETS hook (above). */
static _Atomic uint64_t ets_tick_ns;

typedef struct SendCache {
    _Atomic unsigned char in_use;   /* the scheduler thread is in its slots */
    _Atomic unsigned char claim;    /* the collector is, or wants to be */
    SendSlot slot[SEND_SLOTS];
    EtsSlot ets[ETS_SLOTS];
    GcSlot gc[GC_SLOTS], gc_major[GC_SLOTS];
    AgHist minor_pauses;   /* pauses of the minor GCs coalesced since the last step */
    AgHist major_pauses;   /* and of the major ones */
} SendCache;

/* Code addresses of send sites resolved by the host (ProbeSite.ip), a direct-mapped cache. */
#define SITE_CACHE 512u
typedef struct SiteEntry {
    const void *ip;
    ProbeSite site;
} SiteEntry;

typedef struct Agent {
    const AgentHost *host;
    AgentConfig cfg;
    AgLeakConfig leak;
    unsigned nrings;                 /* schedulers + 1; the last is the fallback ring */
    AgRing **rings;
    SendCache *send_caches;          /* one per scheduler ring (nrings - 1) */
    atomic_flag fallback_lock;       /* producers of the fallback ring take it with try-lock */
    _Atomic uint64_t fallback_busy;  /* events dropped because the fallback lock was busy */

    pthread_t thread;
    bool thread_started;
    _Atomic bool stop;
    pthread_mutex_t mu;              /* the store mutex: collector steps and queries */
    pthread_cond_t wake;             /* signalled by agent_detach so the collector stops now */

    /* everything below: under mu */
    AgStore st;
    AgEvent **batches;               /* nrings buffers of DRAIN_CHUNK */
    size_t *counts;
    AgEvent *merged;                 /* nrings * DRAIN_CHUNK */
    AgEvent *recent;                 /* the last recent_cap events, a ring */
    size_t recent_cap, recent_head, recent_n;
    uint64_t next_seq;               /* last global sequence number given */
    uint64_t cache_events;           /* coalesced records applied straight from the caches */
    SiteEntry sites[SITE_CACHE];
    AgVerdictList verdicts;
    AgRunInfo run;
    AgCost cost;
    uint64_t last_sample_ns;
    uint64_t last_cache_flush_ns;
    uint64_t sample_cost_ns;         /* the last round of host samples' CPU time */
    HostProc *procs_buf; size_t procs_cap;
    HostEts *ets_buf; size_t ets_cap;
} Agent;

/* The calling thread's CPU time, finer than the event clock's tick (probe.h). A round of host
 * samples is spaced by what it cost in CPU, not in wall time: the wall time also counts waiting
 * for a process lock held through a slice (pthread mutex: asleep) and the time the collector
 * sat preempted on a loaded box, and ten times that (step) stretched the interval to seconds: a
 * 2 s story got two samples. The collector's busy time is CPU time for the same reason. */
static uint64_t thread_cpu_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Published by agent_attach before the schedulers start, cleared after they stopped. Hooks on
 * threads without a ring read it (acquire) to find the fallback ring. */
static _Atomic(Agent *) the_agent;
/* The calling scheduler's ring (agent_thread_attach); NULL: use the fallback ring. */
static _Thread_local AgRing *tls_ring;
static _Thread_local SendCache *tls_send_cache;
static _Thread_local unsigned tls_sched;
static _Thread_local unsigned tls_native_count;
/* The time of this thread's last timed event: native events reuse it instead of reading the
 * clock (one per message fragment would cost more than the rest of the hook), which keeps each
 * ring in time order; the clock is read when the thread has no event yet or every 64th time. */
static _Thread_local uint64_t tls_last_ns;
static _Thread_local unsigned tls_clock_skip;

static uint64_t native_time(void)
{
    if (!tls_last_ns || (++tls_clock_skip & 63) == 0) tls_last_ns = probe_now_ns();
    return tls_last_ns;
}

void agent_config_default(AgentConfig *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->ring_capacity = 8192;
    cfg->drain_interval_ms = 5;
    cfg->sample_interval_ms = 100;
    cfg->send_sample_every = 16;
    cfg->native_sample_every = 16;
    cfg->native_kinds = ~0u & ~(1u << NATIVE_MESSAGE) & ~(1u << NATIVE_ETS);
    cfg->recent_events = 4096;
    cfg->leak_force_gc = true;
    cfg->lost_sharing_ratio = 4.0;
    cfg->bt_capture = unwind_capture_hook;
    cfg->bt_symbolise = unwind_symbolise;
}

/*
 * Cache ownership: an asymmetric Dekker handshake. The scheduler thread, on every hook, marks
 * in_use (a plain store) and then reads claim; the collector, once per step, sets claim on
 * every cache, then runs one process-wide barrier (membarrier(2), PRIVATE_EXPEDITED: every
 * running thread of the process passes a full fence), then reads in_use. Whichever way the
 * two interleave, one of them sees the other's mark: the thread then posts its event alone
 * (uncoalesced), or the collector skips that cache until the next step. So the hot path has no
 * locked instruction (a test-and-set there, which waits for the thread's pending stores, was
 * most of the send hook's time: message_heavy, perf). Without membarrier (old kernels,
 * seccomp), the thread's mark is a seq_cst store (a locked exchange), correct but slower.
 */
static bool heavy_barrier_ok;   /* set at attach, before any scheduler runs */

__attribute__((always_inline)) static inline bool cache_enter(SendCache *c)
{
    if (heavy_barrier_ok) {
        atomic_store_explicit(&c->in_use, 1, memory_order_relaxed);
        atomic_signal_fence(memory_order_seq_cst);   /* compiler only: membarrier does the rest */
    } else {
        atomic_store_explicit(&c->in_use, 1, memory_order_seq_cst);   /* a locked exchange */
    }
    /* seq_cst (a plain load on x86): against the collector's seq_cst store of claim; it also
     * acquires the collector's release of claim, so its changes to the slots are seen here */
    if (atomic_load_explicit(&c->claim, memory_order_seq_cst)) {
        atomic_store_explicit(&c->in_use, 0, memory_order_relaxed);
        return false;
    }
    return true;
}

/* release: the collector that sees in_use 0 sees the slots as this thread left them */
static void cache_leave(SendCache *c) { atomic_store_explicit(&c->in_use, 0, memory_order_release); }

static bool heavy_barrier_init(void)
{
    long q = syscall(__NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
    if (q < 0 || !(q & MEMBARRIER_CMD_PRIVATE_EXPEDITED)) return false;
    return syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
}

/* The collector's side: claims every cache, then the barrier; returns with claim set on all
 * (release each with cache_release). */
static void caches_claim(Agent *a)
{
    for (unsigned r = 0; r + 1 < a->nrings; r++)
        atomic_store_explicit(&a->send_caches[r].claim, 1, memory_order_seq_cst);
    if (heavy_barrier_ok) syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0);
}

static void cache_release(SendCache *c) { atomic_store_explicit(&c->claim, 0, memory_order_release); }

/* ---- hooks (scheduler threads: no lock, no allocation, no call into the runtime) ---- */

/* Sends and ETS inserts and deletes come without a time (probe.h: time_ns 0): most of them
 * only add to a cache slot, so the clock is read when a record is made, not per event. */
static uint64_t stamp(uint64_t t_ns) { return t_ns ? t_ns : probe_now_ns(); }

static void post(AgEvent *ev)
{
    ev->time_ns = stamp(ev->time_ns);
    tls_last_ns = ev->time_ns;
    AgRing *r = tls_ring;
    if (r) {
        ev->sched = tls_sched;
        ag_ring_push(r, ev);
        return;
    }
    Agent *a = atomic_load_explicit(&the_agent, memory_order_acquire);
    if (!a) return;
    /* acquire/release: the lock hands the fallback ring's producer side from one thread to
     * the next, so it stays single-producer. A busy lock drops the event: never wait. */
    if (atomic_flag_test_and_set_explicit(&a->fallback_lock, memory_order_acquire)) {
        atomic_fetch_add_explicit(&a->fallback_busy, 1, memory_order_relaxed);
        return;
    }
    ev->sched = AG_RING_FALLBACK;
    ag_ring_push(a->rings[a->nrings - 1], ev);
    atomic_flag_clear_explicit(&a->fallback_lock, memory_order_release);
}

static void flush_sends_of(Term pid);

static void hook_spawn(const ProbeSpawn *e)
{
    AgEvent ev; ev.kind = AG_EV_SPAWN; ev.time_ns = e->p.time_ns; ev.u.spawn = *e; post(&ev);
}

static void hook_exit(const ProbeExit *e)
{
    flush_sends_of(e->p.pid);
    AgEvent ev; ev.kind = AG_EV_EXIT; ev.time_ns = e->p.time_ns; ev.u.exit = *e; post(&ev);
}

static void hook_gc_start(const ProbeGc *e)
{
    AgEvent ev; ev.kind = AG_EV_GC_START; ev.time_ns = e->p.time_ns; ev.u.gc = *e; post(&ev);
}

static void post_gc(const ProbeGc *g)
{
    AgEvent ev; ev.kind = AG_EV_GC_END; ev.time_ns = g->p.time_ns; ev.u.gc = *g;
    ev.count = 0;
    post(&ev);
}

/* A coalesced slot's record, stamped no earlier than this thread's last event: the ring stays
 * in time order although the batch began before later events were posted. */
static void post_in_order(AgEvent *ev)
{
    if (tls_last_ns > ev->time_ns) ev->time_ns = tls_last_ns;
    post(ev);
}

/* The record of a slot's GCs (ring.h: AG_EV_GC_END with count >= 1). */
static void gc_slot_event(const GcSlot *x, AgEvent *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->kind = AG_EV_GC_END;
    ev->time_ns = x->g.p.time_ns;
    ev->u.gc = x->g;
    ev->count = x->count;
    ev->peak_size = x->peak_live;
}

__attribute__((noinline)) static void post_gc_slot(GcSlot *x)
{
    AgEvent ev;
    gc_slot_event(x, &ev);
    post_in_order(&ev);
    x->count = 0;
}

static unsigned gc_slot_of(Term pid)
{
    return (unsigned)(((uint64_t)pid * 0x9E3779B97F4A7C15u) >> 58) & (GC_SLOTS - 1);
}

static Uint gc_live(const GcInfo *g) { return g->heap_size + g->old_heap_size + g->mbuf_size; }

static void hook_gc_end(const ProbeGc *e)
{
    SendCache *c = tls_send_cache;
    /* acquire/release: the slots pass between this thread and the collector with the flag */
    if (!c || !cache_enter(c)) {
        post_gc(e);
        return;
    }
    bool major = e->ev.type == GC_MAJOR;
    GcSlot *x = &(major ? c->gc_major : c->gc)[gc_slot_of(e->p.pid)];
    if (x->count && x->g.p.pid != e->p.pid) post_gc_slot(x);
    if (!x->count) {
        x->g = *e;
        x->peak_live = 0;
    } else {
        x->g.ev.reclaimed += e->ev.reclaimed;
        x->g.ev.duration_ns += e->ev.duration_ns;
        x->g.ev.after = e->ev.after;
        x->g.p.time_ns = e->p.time_ns;
    }
    if (major) {
        Uint live = gc_live(&e->ev.after);
        if (live > x->peak_live) x->peak_live = live;
    }
    ag_hist_add(major ? &c->major_pauses : &c->minor_pauses, e->ev.duration_ns);
    if (++x->count >= GC_COALESCE_MAX) post_gc_slot(x);
    cache_leave(c);
}

/* The record of a slot's sends (ring.h: count, sampled, sampled_flat; u.send's sums). */
static void slot_event(const SendSlot *x, AgEvent *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->kind = AG_EV_SEND;
    ev->time_ns = x->time_ns;
    ev->u.send.p.pid = x->pid;
    ev->u.send.receiver = x->receiver;
    ev->u.send.flat_words = x->flat_words;
    ev->u.send.shared_words = x->shared_words;
    ev->u.send.site.module = ev->u.send.site.function = NIL;
    ev->u.send.site.ip = x->ip;
    ev->count = x->count;
    ev->sampled = x->sampled;
    ev->sampled_flat = x->sampled_flat;
}

__attribute__((noinline)) static void post_slot(const SendSlot *x)
{
    AgEvent ev;
    slot_event(x, &ev);
    post(&ev);
}

static void slot_start(SendSlot *x, Term from, Term to, const void *ip)
{
    x->pid = from;
    x->ip = ip;
    x->count = x->sampled = 0;
    x->flat_words = x->shared_words = 0;
    x->sampled_flat = 0;
    x->receiver = to;
    x->time_ns = stamp(0);   /* the first send's */
}

static void slot_add(SendSlot *x, Uint flat, Uint shared)
{
    x->count++;
    x->flat_words += flat;
    if (shared) {
        x->sampled++;
        x->sampled_flat += flat;
        x->shared_words += shared;
    }
}

/* A send that cannot wait in a cache (no cache on this thread, or the collector holds it). */
__attribute__((noinline)) static void post_send_alone(Term from, Term to, const void *ip,
                                                      Uint flat, Uint shared)
{
    SendSlot one;
    slot_start(&one, from, to, ip);
    slot_add(&one, flat, shared);
    post_slot(&one);
}

static unsigned send_slot_of(Term pid, const void *ip)
{
    return (unsigned)((((uint64_t)pid ^ (uint64_t)(uintptr_t)ip) * 0x9E3779B97F4A7C15u) >> 58);
}

/* The slot of (from, ip) in c: its own, else a free one, else the key's first way (posted
 * first). 4-way: direct mapping alone let two busy keys evict each other. */
static SendSlot *send_slot_find(SendCache *c, Term from, Term to, const void *ip)
{
    unsigned base = send_slot_of(from, ip);
    SendSlot *free_slot = NULL;
    for (unsigned w = 0; w < 4; w++) {
        SendSlot *y = &c->slot[(base + w) & (SEND_SLOTS - 1)];
        if (!y->count) {
            if (!free_slot) free_slot = y;
        } else if (y->pid == from && y->ip == ip) {
            return y;
        }
    }
    SendSlot *x = free_slot ? free_slot : &c->slot[base];
    if (x->count) post_slot(x);
    slot_start(x, from, to, ip);
    return x;
}

/* hook_send's other cases, out of line so that its common case saves no registers: the key
 * is not in its first way, or its slot is free or about to fill [c entered]. */
__attribute__((noinline)) static void send_miss(SendCache *c, Term from, Term to,
                                                const void *ip, Uint flat, Uint shared)
{
    SendSlot *x = send_slot_find(c, from, to, ip);
    slot_add(x, flat, shared);
    if (x->count >= SEND_COALESCE_MAX) {
        post_slot(x);
        x->count = 0;
    }
    cache_leave(c);
}

/* probe.send: scalars (probe.h); the common case only adds to the key's slot. */
static void hook_send(Term from, Term to, const void *ip, Uint flat, Uint shared)
{
    SendCache *c = tls_send_cache;
    /* acquire/release: the slots pass between this thread and the collector with the flag */
    if (__builtin_expect(!c || !cache_enter(c), 0)) {
        post_send_alone(from, to, ip, flat, shared);
        return;
    }
    SendSlot *x = &c->slot[send_slot_of(from, ip)];
    /* count in [1, SEND_COALESCE_MAX - 2]: in use, and adding one leaves it below full */
    if (__builtin_expect(x->pid != from || x->ip != ip ||
                         x->count - 1u > SEND_COALESCE_MAX - 3u, 0)) {
        send_miss(c, from, to, ip, flat, shared);
        return;
    }
    slot_add(x, flat, shared);
    cache_leave(c);
}

/* A process's coalesced sends go out before its exit, so the store never sees a send of a
 * process after the process left it. */
static void flush_sends_of(Term pid)
{
    SendCache *c = tls_send_cache;
    if (!c || !cache_enter(c)) return;
    for (unsigned i = 0; i < SEND_SLOTS; i++) {
        SendSlot *x = &c->slot[i];
        if (x->count && x->pid == pid) {
            post_slot(x);
            x->count = 0;
        }
    }
    GcSlot *g = &c->gc[gc_slot_of(pid)], *m = &c->gc_major[gc_slot_of(pid)];
    if (g->count && g->g.p.pid == pid) post_gc_slot(g);
    if (m->count && m->g.p.pid == pid) post_gc_slot(m);
    cache_leave(c);
}

/* The record of one kind of a slot's batch (ring.h: AG_EV_ETS with count >= 1). */
static void ets_kind_event(const EtsSlot *x, unsigned k, unsigned nkinds, AgEvent *ev)
{
    const EtsKindRec *r = &x->k[k];
    memset(ev, 0, sizeof *ev);
    ev->kind = AG_EV_ETS;
    ev->time_ns = r->last_ns;
    ev->u.ets.p.time_ns = r->last_ns;
    ev->u.ets.p.pid = x->pid;
    ev->u.ets.kind = k == ETS_K_DELETE ? PROBE_ETS_DELETE_OBJECT : PROBE_ETS_INSERT;
    ev->u.ets.table_id = x->table_id;
    ev->u.ets.name = x->name;
    ev->u.ets.owner = x->owner;
    ev->u.ets.size = r->size;
    ev->u.ets.memory_words = r->memory_words;
    ev->count = r->count;
    ev->ets_deletes = k == ETS_K_DELETE ? r->count : 0;
    ev->ets_first_ns = r->first_ns;
    ev->ets_interleaved = x->changes >= nkinds;   /* runs > kinds present */
    ev->peak_size = r->peak_size;
    ev->peak_memory_words = r->peak_memory_words;
}

static bool ets_slot_used(const EtsSlot *x)
{
    for (unsigned k = 0; k < ETS_KINDS; k++)
        if (x->k[k].count) return true;
    return false;
}

/* A slot's batch as events, one per kind present, the last operation's kind last (with two
 * kinds, that orders them by their last operations); empties the slot; returns how many. */
static unsigned ets_slot_take(EtsSlot *x, AgEvent ev[ETS_KINDS])
{
    unsigned order[ETS_KINDS], n = 0;
    for (unsigned k = 0; k < ETS_KINDS; k++)
        if (x->k[k].count && k != x->last_kind) order[n++] = k;
    if (x->k[x->last_kind].count) order[n++] = x->last_kind;
    for (unsigned i = 0; i < n; i++) ets_kind_event(x, order[i], n, &ev[i]);
    for (unsigned k = 0; k < ETS_KINDS; k++) x->k[k].count = 0;
    return n;
}

__attribute__((noinline)) static void post_ets_slot(EtsSlot *x)
{
    AgEvent ev[ETS_KINDS];
    unsigned n = ets_slot_take(x, ev);
    for (unsigned i = 0; i < n; i++) post_in_order(&ev[i]);
}

static unsigned ets_slot_of(uint64_t id)
{
    return (unsigned)((id * 0x9E3779B97F4A7C15u) >> 60) & (ETS_SLOTS - 1);
}

/* An event that goes alone (a create, table delete, owner exit or transfer, or any when the
 * cache is busy): with c (not busy), the table's batch is posted first, so it stays in order. */
__attribute__((noinline)) static void post_ets_alone(SendCache *c, const ProbeEts *e)
{
    if (c && cache_enter(c)) {
        EtsSlot *x = &c->ets[ets_slot_of(e->table_id)];
        if (ets_slot_used(x)) post_ets_slot(x);
        cache_leave(c);
    }
    AgEvent ev; memset(&ev, 0, sizeof ev);
    ev.kind = AG_EV_ETS; ev.time_ns = e->p.time_ns; ev.u.ets = *e; post(&ev);
}

/* One more operation of kind k in x's batch [r = &x->k[k] in use]. Its time: the collector's
 * tick or the batch's latest clock read, the later (see "ETS coalescing"). */
__attribute__((always_inline)) static inline void ets_add(EtsSlot *x, EtsKindRec *r, unsigned k,
                                                          const ProbeEts *e)
{
    /* relaxed: a time, synchronising nothing */
    uint64_t tick = atomic_load_explicit(&ets_tick_ns, memory_order_relaxed);
    r->last_ns = tick > x->now_ns ? tick : x->now_ns;
    x->changes += k != x->last_kind;
    x->last_kind = k;
    r->count++;
    r->size = e->size;
    r->memory_words = e->memory_words;
    r->peak_size = e->size > r->peak_size ? e->size : r->peak_size;
    r->peak_memory_words = e->memory_words > r->peak_memory_words ? e->memory_words
                                                                   : r->peak_memory_words;
}

/* hook_ets's other cases, out of line: the slot holds another table's batch, or is free, or
 * this is the kind's first operation in the batch (its time is read now), or it is full
 * [c entered]. */
__attribute__((noinline)) static void ets_miss(SendCache *c, EtsSlot *x, unsigned k,
                                               const ProbeEts *e)
{
    EtsKindRec *r = &x->k[k];
    if (ets_slot_used(x) && (x->table_id != e->table_id || r->count >= SEND_COALESCE_MAX))
        post_ets_slot(x);
    if (!ets_slot_used(x)) {
        x->table_id = e->table_id;
        x->last_kind = k;
        x->changes = 0;
        x->now_ns = 0;
        x->name = e->name;
        x->owner = e->owner;
        x->pid = e->p.pid;
    }
    if (!r->count) {
        uint64_t t = probe_now_ns();
        if (t > x->now_ns) x->now_ns = t;
        r->first_ns = x->now_ns;
        r->peak_size = r->peak_memory_words = 0;
    }
    ets_add(x, r, k, e);
    cache_leave(c);
}

static void hook_ets(const ProbeEts *e)
{
    SendCache *c = tls_send_cache;
    if (!c || (e->kind != PROBE_ETS_INSERT && e->kind != PROBE_ETS_DELETE_OBJECT)) {
        post_ets_alone(c, e);
        return;
    }
    /* acquire/release: the slots pass between this thread and the collector with the flag */
    if (!cache_enter(c)) {
        post_ets_alone(NULL, e);
        return;
    }
    EtsSlot *x = &c->ets[ets_slot_of(e->table_id)];
    unsigned k = e->kind == PROBE_ETS_DELETE_OBJECT ? ETS_K_DELETE : ETS_K_INSERT;
    EtsKindRec *r = &x->k[k];
    /* count in [1, SEND_COALESCE_MAX - 1]: the kind is in this table's batch, not full */
    if (__builtin_expect(x->table_id != e->table_id || r->count - 1u > SEND_COALESCE_MAX - 2u, 0)) {
        ets_miss(c, x, k, e);
        return;
    }
    ets_add(x, r, k, e);
    cache_leave(c);
}

static void hook_bin(const ProbeBin *e)
{
    AgEvent ev; ev.kind = AG_EV_BIN; ev.time_ns = e->time_ns ? e->time_ns : probe_now_ns();
    ev.u.bin = *e; post(&ev);
}

/* noinline: unwind_capture_hook skips exactly this frame (unwind.h). */
/* AgentConfig.native_kinds, fixed at attach before any scheduler runs (as the hook table). */
static unsigned native_kinds;

__attribute__((noinline)) static void hook_native_alloc(const ProbeNative *e)
{
    if (!(native_kinds & (1u << e->kind))) return;
    Agent *a = atomic_load_explicit(&the_agent, memory_order_relaxed);
    AgEvent ev;
    ev.kind = AG_EV_NATIVE_ALLOC;
    ev.time_ns = native_time();
    ev.u.native.n = *e;
    ev.u.native.stack_id = 0;
    /* sampled per thread: no shared counter for the hot path to contend on */
    if (a && a->cfg.bt_capture && a->cfg.native_sample_every &&
        tls_native_count++ % a->cfg.native_sample_every == 0)
        ev.u.native.stack_id = a->cfg.bt_capture();
    post(&ev);
}

static void hook_native_free(const ProbeNative *e)
{
    if (!e->ptr || !(native_kinds & (1u << e->kind))) return;
    AgEvent ev;
    ev.kind = AG_EV_NATIVE_FREE;
    ev.time_ns = native_time();
    ev.u.native.n = *e;
    ev.u.native.stack_id = 0;
    post(&ev);
}

void agent_thread_attach(unsigned sched_id)
{
    Agent *a = atomic_load_explicit(&the_agent, memory_order_acquire);
    tls_sched = sched_id;
    tls_ring = (a && sched_id + 1 < a->nrings) ? a->rings[sched_id] : NULL;
    tls_send_cache = tls_ring && a->send_caches ? &a->send_caches[sched_id] : NULL;
}

void agent_thread_detach(void)
{
    tls_ring = NULL;
    tls_send_cache = NULL;
}

/* ---- the collector ---- */

static void recent_push(Agent *a, const AgEvent *ev)
{
    if (!a->recent_cap) return;
    a->recent[(a->recent_head + a->recent_n) % a->recent_cap] = *ev;
    if (a->recent_n < a->recent_cap) a->recent_n++;
    else a->recent_head = (a->recent_head + 1) % a->recent_cap;
}

/* A send whose site came as a code address gets its module, function and line [mu held]. */
static void resolve_site(Agent *a, AgEvent *ev)
{
    ProbeSite *s = &ev->u.send.site;
    if (ev->kind != AG_EV_SEND || s->module != NIL || !s->ip) return;
    SiteEntry *e = &a->sites[((uintptr_t)s->ip >> 3) % SITE_CACHE];
    if (e->ip != s->ip) {
        ProbeSite r = {NIL, NIL, 0, 0, s->ip};
        if (!a->host->resolve_site || !a->host->resolve_site(a->host->ctx, s->ip, &r)) {
            r.module = r.function = NIL;
        }
        r.ip = s->ip;
        e->ip = s->ip;
        e->site = r;
    }
    *s = e->site;
}

static void flush_gc_slot(Agent *a, unsigned r, GcSlot *x)
{
    if (!x->count) return;
    AgEvent ev;
    gc_slot_event(x, &ev);
    ev.sched = r;
    x->count = 0;
    a->cache_events++;
    ev.seq = ++a->next_seq;
    ag_store_apply(&a->st, &ev);
    recent_push(a, &ev);
}

static void flush_ets_slot(Agent *a, unsigned r, EtsSlot *x)
{
    AgEvent ev[ETS_KINDS];
    unsigned n = ets_slot_take(x, ev);
    for (unsigned i = 0; i < n; i++) {
        ev[i].sched = r;
        a->cache_events++;
        ev[i].seq = ++a->next_seq;
        ag_store_apply(&a->st, &ev[i]);
        recent_push(a, &ev[i]);
    }
}

static void flush_pauses(AgStore *st, AgHist *h, AgHist *kind)
{
    if (!h->n) return;
    ag_hist_merge(&st->pause_all, h);
    ag_hist_merge(kind, h);
    ag_hist_clear(h);
}

/* Empties the scheduler threads' send caches into the store (after the rings, whose events
 * are older) [mu held]. */
static void flush_send_caches(Agent *a)
{
    if (!a->send_caches) return;
    caches_claim(a);
    for (unsigned r = 0; r + 1 < a->nrings; r++) {
        SendCache *c = &a->send_caches[r];
        /* seq_cst: against the thread's mark; it also acquires cache_leave's release (the
         * thread's last changes to the slots) */
        if (atomic_load_explicit(&c->in_use, memory_order_seq_cst)) {
            cache_release(c);   /* the thread is in it: next step */
            continue;
        }
        for (unsigned i = 0; i < SEND_SLOTS; i++) {
            SendSlot *x = &c->slot[i];
            if (!x->count) continue;
            AgEvent ev;
            slot_event(x, &ev);
            ev.sched = r;
            x->count = 0;
            resolve_site(a, &ev);
            a->cache_events++;
            ev.seq = ++a->next_seq;
            ag_store_apply(&a->st, &ev);
            recent_push(a, &ev);
        }
        for (unsigned i = 0; i < GC_SLOTS; i++) {
            /* a process's minor and major batches in time order: the later's figures last */
            GcSlot *x = &c->gc[i], *y = &c->gc_major[i];
            if (x->count && y->count && x->g.p.time_ns > y->g.p.time_ns) {
                GcSlot *t = x; x = y; y = t;
            }
            flush_gc_slot(a, r, x);
            flush_gc_slot(a, r, y);
        }
        for (unsigned i = 0; i < ETS_SLOTS; i++) flush_ets_slot(a, r, &c->ets[i]);
        flush_pauses(&a->st, &c->minor_pauses, &a->st.pause_minor);
        flush_pauses(&a->st, &c->major_pauses, &a->st.pause_major);
        cache_release(c);
    }
}

/* Drains every ring until empty (at most a few passes: producers keep writing), then, with
 * caches, the scheduler threads' caches. */
static void drain(Agent *a, bool caches)
{
    for (int pass = 0; pass < DRAIN_PASSES; pass++) {
        size_t total = 0;
        bool full = false;   /* a ring gave a whole chunk: it may hold more */
        for (unsigned i = 0; i < a->nrings; i++) {
            a->counts[i] = ag_ring_pop(a->rings[i], a->batches[i], DRAIN_CHUNK);
            total += a->counts[i];
            full |= a->counts[i] == DRAIN_CHUNK;
        }
        if (!total) break;
        size_t n = ag_ring_merge(a->batches, a->counts, a->nrings, a->merged);
        for (size_t k = 0; k < n; k++) {
            AgEvent *ev = &a->merged[k];
            ev->seq = ++a->next_seq;
            resolve_site(a, ev);
            ag_store_apply(&a->st, ev);
            recent_push(a, ev);
        }
        a->cost.drains++;
        if (!full) break;
    }
    if (caches) flush_send_caches(a);
}

typedef struct SampleCtx { AgStore *st; uint64_t t_ns; } SampleCtx;

static void sample_one(void *arg, const HostProc *hp)
{
    SampleCtx *c = arg;
    ag_store_sample_proc(c->st, c->t_ns, hp);
}

static void sample_host(Agent *a, uint64_t now)
{
    const AgentHost *h = a->host;
    a->cost.samples++;
    if (h->each_proc) {
        /* one process at a time: no buffer of every process (336 bytes each) */
        SampleCtx c = {&a->st, now};
        h->each_proc(h->ctx, sample_one, &c);
    } else if (h->list_procs) {
        if (!a->procs_buf) {
            a->procs_buf = calloc(256, sizeof *a->procs_buf);
            a->procs_cap = a->procs_buf ? 256 : 0;
            if (!a->procs_buf) a->st.alloc_failures++;
        }
        size_t n = a->procs_cap ? h->list_procs(h->ctx, a->procs_buf, a->procs_cap) : 0;
        if (n > a->procs_cap && n <= MAX_SAMPLED_PROCS) {
            size_t ncap = n + n / 4;
            HostProc *nb = realloc(a->procs_buf, ncap * sizeof *nb);
            if (nb) {
                a->procs_buf = nb; a->procs_cap = ncap;
                n = h->list_procs(h->ctx, a->procs_buf, a->procs_cap);
            } else a->st.alloc_failures++;
        }
        ag_store_sample_procs(&a->st, now, a->procs_buf, n < a->procs_cap ? n : a->procs_cap);
    }
    if (h->list_ets) {
        if (!a->ets_buf) {
            a->ets_buf = calloc(64, sizeof *a->ets_buf);
            a->ets_cap = a->ets_buf ? 64 : 0;
            if (!a->ets_buf) a->st.alloc_failures++;
        }
        size_t n = a->ets_cap ? h->list_ets(h->ctx, a->ets_buf, a->ets_cap) : 0;
        if (n > a->ets_cap && n <= MAX_SAMPLED_PROCS) {
            size_t ncap = n + n / 4;
            HostEts *nb = realloc(a->ets_buf, ncap * sizeof *nb);
            if (nb) {
                a->ets_buf = nb; a->ets_cap = ncap;
                n = h->list_ets(h->ctx, a->ets_buf, a->ets_cap);
            } else a->st.alloc_failures++;
        }
        ag_store_sample_ets(&a->st, now, a->ets_buf, n < a->ets_cap ? n : a->ets_cap);
    }
    if (h->memory) {
        HostMemory m;
        memset(&m, 0, sizeof m);
        h->memory(h->ctx, &m);
        ag_store_sample_memory(&a->st, now, &m);
    }
}

/* One collector step [mu held]. force_ok: the detector may force GCs (never at exit, when no
 * scheduler is left to run them). */
static void step(Agent *a, bool force_ok, bool sample_now)
{
    /* busy: CPU time, which preemption on a loaded box does not inflate (report's
     * collector_busy_ms: what the collector took from the schedulers) */
    uint64_t t0 = probe_now_ns(), busy0 = thread_cpu_ns();
    atomic_store_explicit(&ets_tick_ns, t0, memory_order_relaxed);   /* ETS coalescing */
    uint64_t iv = (uint64_t)a->cfg.sample_interval_ms * 1000000u;
    const AgentHost *h = a->host;
    bool ready = !h->ready || h->ready(h->ctx);
    /* A round of samples walks every process: with a million of them it takes most of a
     * second of CPU, so rounds are spaced to at least 10 times their CPU cost (the collector
     * then takes at most about a tenth of a core from the schedulers). */
    if (iv < 10 * a->sample_cost_ns) iv = 10 * a->sample_cost_ns;
    bool sample = ready && (sample_now || t0 - a->last_sample_ns >= iv);
    /* The caches go every CACHE_FLUSH_MS, and before a sample round or a query's step: each
     * flush costs a membarrier, which interrupts every running scheduler thread. */
    bool caches = sample || t0 - a->last_cache_flush_ns >= CACHE_FLUSH_MS * 1000000u;
    if (caches) a->last_cache_flush_ns = t0;
    drain(a, caches);
    if (sample) {
        a->last_sample_ns = t0;
        uint64_t s0 = thread_cpu_ns();
        sample_host(a, t0);
        a->sample_cost_ns = thread_cpu_ns() - s0;
        /* no forced GC once the program finished: its schedulers may be stopping */
        a->leak.force_gc = a->cfg.leak_force_gc && force_ok && !a->run.finished;
        a->cost.forced_gcs += ag_leak_scan(&a->st, a->host, &a->leak, t0);
        drain(a, true);   /* the forced GCs' own events */
    }
    a->cost.collector_busy_ns += thread_cpu_ns() - busy0;
}

static void *collector_main(void *arg)
{
    Agent *a = arg;
    pthread_mutex_lock(&a->mu);
    while (!atomic_load_explicit(&a->stop, memory_order_acquire)) {
        step(a, true, false);
        unsigned ms = a->cfg.drain_interval_ms ? a->cfg.drain_interval_ms : 1;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += ms / 1000;
        ts.tv_nsec += (long)(ms % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) { ts.tv_sec++; ts.tv_nsec -= 1000000000L; }
        /* releases mu while waiting, so queries get in between steps */
        if (!atomic_load_explicit(&a->stop, memory_order_acquire))
            pthread_cond_timedwait(&a->wake, &a->mu, &ts);
    }
    pthread_mutex_unlock(&a->mu);
    return NULL;
}

/* ---- attach / detach ---- */

static void agent_free(Agent *a)
{
    if (!a) return;
    for (unsigned i = 0; a->rings && i < a->nrings; i++) ag_ring_destroy(a->rings[i]);
    free(a->rings);
    for (unsigned i = 0; a->batches && i < a->nrings; i++) free(a->batches[i]);
    free(a->batches);
    free(a->counts);
    free(a->merged);
    free(a->recent);
    free(a->procs_buf);
    free(a->ets_buf);
    free(a->send_caches);
    ag_verdicts_free(&a->st, &a->verdicts);
    if (a->st.kept) {
        ag_verdicts_free(&a->st, a->st.kept);
        ag_store_release(&a->st, a->st.kept, sizeof *a->st.kept);
        a->st.kept = NULL;
    }
    ag_store_free(&a->st);
    pthread_mutex_destroy(&a->mu);
    pthread_cond_destroy(&a->wake);
    free(a);
}

static void set_hooks(bool on, unsigned send_sample_every, bool gc_start)
{
    probe.spawn = on ? hook_spawn : NULL;
    probe.exit = on ? hook_exit : NULL;
    probe.gc_start = on && gc_start ? hook_gc_start : NULL;
    probe.gc_end = on ? hook_gc_end : NULL;
    probe.send = on ? hook_send : NULL;
    probe.ets = on ? hook_ets : NULL;
    probe.bin = on ? hook_bin : NULL;
    probe.native_alloc = on ? hook_native_alloc : NULL;
    probe.native_free = on ? hook_native_free : NULL;
    probe.thread_start = on ? agent_thread_attach : NULL;
    probe.send_sample_every = on ? send_sample_every : 0;
}

static bool agent_alloc_buffers(Agent *a)
{
    unsigned sched = a->host->schedulers ? a->host->schedulers : 1;
    a->nrings = sched + 1;
    a->rings = calloc(a->nrings, sizeof *a->rings);
    a->batches = calloc(a->nrings, sizeof *a->batches);
    a->counts = calloc(a->nrings, sizeof *a->counts);
    a->merged = calloc((size_t)a->nrings * DRAIN_CHUNK, sizeof *a->merged);
    a->send_caches = calloc(a->nrings, sizeof *a->send_caches);
    for (unsigned i = 0; a->send_caches && i < a->nrings; i++) {
        atomic_init(&a->send_caches[i].in_use, 0);
        atomic_init(&a->send_caches[i].claim, 0);
    }
    a->recent_cap = a->cfg.recent_events;
    a->recent = a->recent_cap ? calloc(a->recent_cap, sizeof *a->recent) : NULL;
    if (!a->rings || !a->batches || !a->counts || !a->merged || !a->send_caches ||
        (a->recent_cap && !a->recent))
        return false;
    for (unsigned i = 0; i < a->nrings; i++) {
        a->rings[i] = ag_ring_create(a->cfg.ring_capacity);
        a->batches[i] = calloc(DRAIN_CHUNK, sizeof *a->batches[i]);
        if (!a->rings[i] || !a->batches[i]) return false;
    }
    a->cost.rings = a->nrings;
    a->cost.ring_capacity = (unsigned)ag_ring_capacity(a->rings[0]);
    a->cost.ring_bytes = (uint64_t)a->nrings * ag_ring_capacity(a->rings[0]) * sizeof(AgEvent);
    return true;
}

bool agent_attach(const AgentHost *host, const AgentConfig *cfg)
{
    if (!host || atomic_load(&the_agent)) return false;
    Agent *a = calloc(1, sizeof *a);
    if (!a) return false;
    a->host = host;
    if (cfg) a->cfg = *cfg; else agent_config_default(&a->cfg);
    if (!a->cfg.ring_capacity) a->cfg.ring_capacity = 8192;
    ag_leak_config_default(&a->leak);
    if (a->cfg.lost_sharing_ratio > 1) a->leak.lost_sharing_ratio = a->cfg.lost_sharing_ratio;
    atomic_flag_clear(&a->fallback_lock);
    if (pthread_mutex_init(&a->mu, NULL) != 0) { free(a); return false; }
    if (pthread_cond_init(&a->wake, NULL) != 0) {
        pthread_mutex_destroy(&a->mu);
        free(a);
        return false;
    }
    if (!ag_store_init(&a->st) || !agent_alloc_buffers(a)) { agent_free(a); return false; }
    ag_leak_install(&a->leak);
    /* libunwind's tables and lazy setup before the first capture, off the hot path */
    if (a->cfg.bt_capture == unwind_capture_hook &&
        !unwind_init(a->cfg.native_sample_every ? a->cfg.native_sample_every : 1, 0))
        a->cfg.bt_capture = NULL;
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    a->run.program = host->program;
    a->run.os_pid = host->os_pid;
    a->run.schedulers = host->schedulers;
    a->run.start_wall_ms = (uint64_t)wall.tv_sec * 1000u + (uint64_t)wall.tv_nsec / 1000000u;
    a->run.start_ns = probe_now_ns();
    a->st.start_ns = a->run.start_ns;
    a->last_sample_ns = 0;
    atomic_store_explicit(&the_agent, a, memory_order_release);
    native_kinds = a->cfg.native_kinds;
    heavy_barrier_ok = heavy_barrier_init();
    set_hooks(true, a->cfg.send_sample_every, a->cfg.gc_start_events);
    if (pthread_create(&a->thread, NULL, collector_main, a) != 0) {
        set_hooks(false, 0, false);
        atomic_store(&the_agent, NULL);
        agent_free(a);
        return false;
    }
    a->thread_started = true;
    return true;
}

bool agent_attached(void) { return atomic_load_explicit(&the_agent, memory_order_acquire) != NULL; }

const AgentHost *agent_host(void)
{
    Agent *a = atomic_load_explicit(&the_agent, memory_order_acquire);
    return a ? a->host : NULL;
}

void agent_run_finished(int exit_status)
{
    Agent *a = atomic_load_explicit(&the_agent, memory_order_acquire);
    if (!a) return;
    pthread_mutex_lock(&a->mu);
    if (!a->run.finished) {
        struct timespec wall;
        clock_gettime(CLOCK_REALTIME, &wall);
        a->run.finished = true;
        a->run.exit_status = exit_status;
        a->run.end_wall_ms = (uint64_t)wall.tv_sec * 1000u + (uint64_t)wall.tv_nsec / 1000000u;
        a->run.now_ns = probe_now_ns();
    }
    pthread_mutex_unlock(&a->mu);
}

void agent_detach(void)
{
    Agent *a = atomic_load_explicit(&the_agent, memory_order_acquire);
    if (!a) return;
    pthread_mutex_lock(&a->mu);
    atomic_store_explicit(&a->stop, true, memory_order_release);
    pthread_cond_signal(&a->wake);
    pthread_mutex_unlock(&a->mu);
    if (a->thread_started) pthread_join(a->thread, NULL);
    set_hooks(false, 0, false);
    atomic_store_explicit(&the_agent, NULL, memory_order_release);
    tls_ring = NULL;
    agent_free(a);
}

void agent_flush(void)
{
    Agent *a = atomic_load_explicit(&the_agent, memory_order_acquire);
    if (!a) return;
    pthread_mutex_lock(&a->mu);
    step(a, false, true);
    pthread_mutex_unlock(&a->mu);
}

/* ---- queries [mu held inside] ---- */

static void fill_cost(Agent *a)
{
    uint64_t pushed = 0, drops = 0;
    for (unsigned i = 0; i < a->nrings; i++) {
        pushed += ag_ring_pushed(a->rings[i]);
        drops += ag_ring_drops(a->rings[i]);
    }
    a->cost.events = pushed + a->cache_events;   /* records: a coalesced batch is one */
    a->cost.drops = drops + atomic_load_explicit(&a->fallback_busy, memory_order_relaxed);
    a->cost.alloc_failures = a->st.alloc_failures;
    a->cost.bookkeeping_bytes = a->st.bytes + a->recent_cap * sizeof(AgEvent) +
        (size_t)a->nrings * (DRAIN_CHUNK * 2 * sizeof(AgEvent)) +
        a->procs_cap * sizeof(HostProc) + a->ets_cap * sizeof(HostEts) + sizeof *a;
}

static AgReportArgs report_args(Agent *a)
{
    if (!a->run.finished) a->run.now_ns = probe_now_ns();
    fill_cost(a);
    AgReportArgs r = {
        .st = &a->st, .verdicts = &a->verdicts, .run = &a->run, .cost = &a->cost,
        .fail_on = NULL, .lost_sharing_ratio = a->leak.lost_sharing_ratio,
        .site_min_flat_words = a->leak.site_min_flat_words,
        .site_min_messages = a->leak.site_min_messages, .symbolise = a->cfg.bt_symbolise,
    };
    return r;
}

static void judge(Agent *a)
{
    if (!ag_leak_judge(&a->st, &a->leak, a->run.finished, probe_now_ns(), &a->verdicts))
        a->st.alloc_failures++;
}

cJSON *agent_report_cjson(const AgentFailOn *fail_on, bool *tripped)
{
    if (tripped) *tripped = false;
    Agent *a = atomic_load_explicit(&the_agent, memory_order_acquire);
    if (!a) return NULL;
    pthread_mutex_lock(&a->mu);
    step(a, false, true);
    judge(a);
    AgReportArgs r = report_args(a);
    r.fail_on = fail_on;
    cJSON *j = ag_report_build(&r, tripped);
    pthread_mutex_unlock(&a->mu);
    return j;
}

static char *print_delete(cJSON *j)
{
    if (!j) return NULL;
    char *s = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    return s;
}

char *agent_report_json(const AgentFailOn *fail_on, bool *tripped)
{
    return print_delete(agent_report_cjson(fail_on, tripped));
}

cJSON *agent_snapshot_cjson(void)
{
    Agent *a = atomic_load_explicit(&the_agent, memory_order_acquire);
    if (!a) return NULL;
    pthread_mutex_lock(&a->mu);
    judge(a);
    AgReportArgs r = report_args(a);
    cJSON *j = ag_snapshot_build(&r);
    pthread_mutex_unlock(&a->mu);
    return j;
}

char *agent_snapshot_json(void) { return print_delete(agent_snapshot_cjson()); }

cJSON *agent_proc_cjson(uint64_t pid_number)
{
    Agent *a = atomic_load_explicit(&the_agent, memory_order_acquire);
    if (!a) return NULL;
    pthread_mutex_lock(&a->mu);
    AgReportArgs r = report_args(a);
    cJSON *j = ag_report_proc(&r, pid_number);
    pthread_mutex_unlock(&a->mu);
    return j;
}

char *agent_proc_json(uint64_t pid_number) { return print_delete(agent_proc_cjson(pid_number)); }

cJSON *agent_events_cjson(uint64_t since, size_t max, uint64_t *next_since)
{
    if (next_since) *next_since = since;
    Agent *a = atomic_load_explicit(&the_agent, memory_order_acquire);
    if (!a) return NULL;
    pthread_mutex_lock(&a->mu);
    cJSON *root = cJSON_CreateObject();
    cJSON *arr = root ? cJSON_AddArrayToObject(root, "events") : NULL;
    bool ok = arr != NULL;
    uint64_t first = a->next_seq - a->recent_n + 1;   /* oldest kept (next_seq+1 when none) */
    uint64_t last = since;
    ok = ok && cJSON_AddNumberToObject(root, "first_seq", (double)first);
    ok = ok && cJSON_AddNumberToObject(root, "last_seq", (double)a->next_seq);
    ok = ok && cJSON_AddNumberToObject(root, "dropped_before",
                                       (double)(since + 1 < first ? first - since - 1 : 0));
    size_t out = 0;
    for (size_t i = 0; ok && i < a->recent_n; i++) {
        const AgEvent *ev = &a->recent[(a->recent_head + i) % a->recent_cap];
        if (ev->seq <= since) continue;
        if (max && out >= max) break;
        cJSON *e = ag_report_event(ev, a->run.start_ns);
        if (!e || !cJSON_AddItemToArray(arr, e)) { cJSON_Delete(e); ok = false; break; }
        last = ev->seq;
        out++;
    }
    pthread_mutex_unlock(&a->mu);
    if (!ok) { cJSON_Delete(root); return NULL; }
    if (next_since) *next_since = last;
    return root;
}

char *agent_events_since(uint64_t since, size_t max, uint64_t *next_since)
{
    return print_delete(agent_events_cjson(since, max, next_since));
}

bool agent_set(const char *key, double value, char *err, size_t errlen)
{
    Agent *a = atomic_load_explicit(&the_agent, memory_order_acquire);
#define BAD(...) do { if (err && errlen) snprintf(err, errlen, __VA_ARGS__); return false; } while (0)
    if (!a) BAD("agent not attached");
    if (!key) BAD("missing key");
    bool ok = true;
    pthread_mutex_lock(&a->mu);
    if (!strcmp(key, "sample_interval_ms") && value >= 1 && value <= 60000)
        a->cfg.sample_interval_ms = (unsigned)value;
    else if (!strcmp(key, "drain_interval_ms") && value >= 1 && value <= 60000)
        a->cfg.drain_interval_ms = (unsigned)value;
    else if (!strcmp(key, "leak_force_gc") && (value == 0 || value == 1))
        a->cfg.leak_force_gc = value == 1;
    else if (!strcmp(key, "lost_sharing_ratio") && value > 1 && value < 1e9)
        a->leak.lost_sharing_ratio = value;
    else ok = false;
    pthread_mutex_unlock(&a->mu);
    if (!ok) {
        if (strcmp(key, "sample_interval_ms") && strcmp(key, "drain_interval_ms") &&
            strcmp(key, "leak_force_gc") && strcmp(key, "lost_sharing_ratio"))
            BAD("unknown setting '%s'", key);
        BAD("value %g out of range for '%s'", value, key);
    }
#undef BAD
    return true;
}
