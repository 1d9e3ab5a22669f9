/*
 * host_rt.c — AgentHost over the running runtime (host_rt.h).
 */
#include "host_rt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atom.h"
#include "bin.h"
#include "code.h"
#include "dict.h"
#include "ets/ets_probe.h"
#include "procsig.h"
#include "ptab.h"
#include "runtime.h"
#include "sysmem.h"

/* "m:f/a" of the code q will resume at; "" when unknown. The code tables change under
 * code_lock only, so the lookup takes it (a process holding its own lock may take the code
 * lock too, but never waits for another process's lock: no cycle). */
static void current_function(const Process *q, char *buf, size_t cap)
{
    buf[0] = 0;
    if (!q->ip) return;
    Module *mod;
    const CodeFunc *fn;
    int line;
    code_lock();
    if (code_lookup(q->ip, &mod, &fn, &line)) {
        size_t ml, fl;
        const char *m = atom_name(mod->name, &ml), *f = atom_name(fn->name, &fl);
        snprintf(buf, cap, "%.*s:%.*s/%u", (int)ml, m, (int)fl, f, fn->arity);
    }
    code_unlock();
}

/* The figures of q, locked by the caller and not exiting. */
static void fill_proc(Process *q, HostProc *o, bool with_current)
{
    memset(o, 0, sizeof *o);
    o->pid = q->pid;
    o->registered_name = ptab_name_of(q);
    o->mod = q->initial_call[0];
    o->fun = q->initial_call[1];
    o->arity = (unsigned)small_val(q->initial_call[2]);
    if (with_current) current_function(q, o->current, sizeof o->current);
    gc_info(&q->heap, &o->gc);
    Uint onheap = mailbox_is_off_heap(&q->mailbox) ? 0 : mailbox_onheap_data_words(&q->mailbox);
    o->gc.mbuf_size += onheap;   /* as process_info(garbage_collection_info) (bif/info.c) */
    const Heap *h = &q->heap;
    o->total_heap_words = h->heap_sz + h->mbuf_sz + (h->old_heap ? heap_old_block_words(h) : 0) + onheap;
    o->memory_bytes = process_memory_bytes(q);
    o->message_queue_len = mailbox_len(&q->mailbox);
    o->reductions = q->reductions;
    o->minor_gcs = h->num_minor;
    o->major_gcs = h->num_major;
    o->dict_size = q->dict ? dict_count(q->dict) : 0;
    const ProcLinks *pl = sig_links(q);
    o->links = pl ? pl->n_links : 0;
    o->monitors = pl ? pl->n_mons : 0;
    o->off_heap_queue = mailbox_is_off_heap(&q->mailbox);
}

typedef struct ListCtx {
    HostProc *out;
    size_t cap, n;
} ListCtx;

static bool list_one(Process *q, void *arg)
{
    ListCtx *c = arg;
    if (c->n >= c->cap) {   /* only counting now: no lock needed */
        if (!process_is_exiting(q)) c->n++;
        return true;
    }
    process_lock(q);
    if (!process_is_exiting(q)) fill_proc(q, &c->out[c->n++], true);
    process_unlock(q);
    return true;
}

static size_t rt_list_procs(void *ctx, HostProc *out, size_t cap)
{
    (void)ctx;
    ListCtx c = {out, cap, 0};
    ptab_each(list_one, &c);
    return c.n;
}

typedef struct EachCtx {
    void (*fn)(void *arg, const HostProc *hp);
    void *arg;
    size_t n;
} EachCtx;

static bool each_one(Process *q, void *arg)
{
    EachCtx *c = arg;
    HostProc h;
    process_lock(q);
    bool alive = !process_is_exiting(q);
    if (alive) fill_proc(q, &h, false);
    process_unlock(q);
    if (alive) { c->fn(c->arg, &h); c->n++; }   /* outside the process lock */
    return true;
}

static size_t rt_each_proc(void *ctx, void (*fn)(void *arg, const HostProc *hp), void *arg)
{
    (void)ctx;
    EachCtx c = {fn, arg, 0};
    ptab_each(each_one, &c);
    return c.n;
}

static bool rt_proc_info(void *ctx, Term pid, HostProc *out)
{
    (void)ctx;
    Process *q = ptab_lookup(pid);
    if (!q) return false;
    process_lock(q);
    bool alive = !process_is_exiting(q);
    if (alive) fill_proc(q, out, true);
    process_unlock(q);
    process_release(q);
    return alive;
}

static Term type_atom(EtsType t)
{
    static const char *const n[] = {"set", "ordered_set", "bag", "duplicate_bag"};
    return atom_put(n[t], strlen(n[t]));
}

static Term access_atom(EtsAccess a)
{
    static const char *const n[] = {"public", "protected", "private"};
    return atom_put(n[a], strlen(n[a]));
}

static size_t rt_list_ets(void *ctx, HostEts *out, size_t cap)
{
    (void)ctx;
    EtsProbeInfo stack[64];
    EtsProbeInfo *buf = cap <= 64 ? stack : malloc(cap * sizeof *buf);
    if (!buf) return 0;
    size_t n = ets_probe_list(buf, cap);
    for (size_t i = 0; i < n && i < cap; i++) {
        out[i].table_id = buf[i].table_id;
        out[i].name = buf[i].name;
        out[i].owner = buf[i].owner;
        out[i].type = type_atom(buf[i].type);
        out[i].protection = access_atom(buf[i].access);
        out[i].size = buf[i].size;
        out[i].memory_words = buf[i].memory_words;
    }
    if (buf != stack) free(buf);
    return n;
}

void host_rt_memory(HostMemory *c)
{
    SysMem m;
    sysmem_get(NULL, &m);
    *c = (HostMemory){m.total, m.processes, m.processes_used, m.system, m.atom, m.atom_used,
                      m.binary, m.code, m.ets};
}

static void rt_memory(void *ctx, HostMemory *out)
{
    (void)ctx;
    host_rt_memory(out);
}

static bool rt_force(void *ctx, Term pid, bool major, GcInfo *before, GcInfo *after,
                     Uint *reclaimed)
{
    (void)ctx;
    GcEvent ev;
    memset(&ev, 0, sizeof ev);
    if (!rt_force_gc(pid, major, &ev)) return false;
    if (before) *before = ev.before;
    if (after) *after = ev.after;
    if (reclaimed) *reclaimed = ev.reclaimed;
    return true;
}

static bool rt_resolve_site(void *ctx, const void *ip, ProbeSite *out)
{
    (void)ctx;
    Module *mod;
    const CodeFunc *fn;
    int line;
    if (!code_lookup(ip, &mod, &fn, &line)) return false;
    out->module = mod->name;
    out->function = fn->name;
    out->arity = fn->arity;
    out->line = line > 0 ? (unsigned)line : 0;
    return true;
}

static bool rt_ready(void *ctx)
{
    (void)ctx;
    return rt_running();
}

void host_rt_init(AgentHost *h, const char *program, unsigned schedulers)
{
    memset(h, 0, sizeof *h);
    h->list_procs = rt_list_procs;
    h->each_proc = rt_each_proc;
    h->proc_info = rt_proc_info;
    h->list_ets = rt_list_ets;
    h->memory = rt_memory;
    h->force_gc = rt_force;
    h->ready = rt_ready;
    h->resolve_site = rt_resolve_site;
    h->program = program;
    h->os_pid = (int)getpid();
    h->schedulers = schedulers;
}
