/*
 * info.c — process_info/1,2, garbage_collect/1,2, erlang:memory/0,1 and the process-related
 * statistics/1 keys.
 *
 * Another process is read under its lock (process.h: the caller lets go of its own first), so
 * what it reports is one consistent moment of that process: between two of its slices, or in
 * a receive. Values are built on the caller's heap; terms of the other process (messages, the
 * dictionary) are copied.
 */
#include <stdlib.h>
#include <string.h>

#include "atom.h"
#include "bif.h"
#include "code.h"
#include "copy.h"
#include "bin.h"
#include "dict.h"
#include "ets/ets.h"
#include "gc.h"
#include "map.h"
#include "procsig.h"
#include "ptab.h"
#include "runtime.h"
#include "scheduler.h"
#include "sysmem.h"
#include "vm.h"

static Term am_s(const char *s) { return atom_put(s, strlen(s)); }

static Term uint_term(Heap *h, Uint n)
{
    (void)h;
    return make_small((Sint)n); /* sizes and counts stay far below 2^59 */
}

/* A list from an array, in order. */
static Term list_of(Heap *h, const Term *el, Uint n)
{
    Term *hp = heap_halloc(h, 2 * n);
    Term l = NIL;
    for (Uint i = n; i-- > 0;) l = cons_at(hp + 2 * i, el[i], l);
    return l;
}

/* A copy of q's term t on h (q is locked or is the caller). */
static Term copy_term(Heap *h, Term t)
{
    Uint sz = size_object(t);
    if (!sz) return t;
    Term *hp = heap_halloc(h, sz);
    return copy_struct(t, sz, &hp, &h->off_heap);
}

/* ---- items ------------------------------------------------------------------------------ */

static Term gc_info_list(Heap *h, Process *q)
{
    GcInfo gi;
    gc_info(&q->heap, &gi);
    if (!mailbox_is_off_heap(&q->mailbox)) gi.mbuf_size += mailbox_onheap_data_words(&q->mailbox);
    Uint vals[GC_INFO_ITEMS];
    gc_info_values(&gi, vals);
    Term el[GC_INFO_ITEMS];
    for (int i = 0; i < GC_INFO_ITEMS; i++)
        el[i] = heap_tuple2(h, am_s(gc_info_names[i]), uint_term(h, vals[i]));
    return list_of(h, el, GC_INFO_ITEMS);
}

static Term gc_settings_list(Process *self, Process *q)
{
    Heap *h = &self->heap;
    Term el[5] = {
        heap_tuple2(h, AM(max_heap_size), bif_max_heap_map(self, q->heap.max_heap_size, q->heap.flags)),
        heap_tuple2(h, AM(min_bin_vheap_size), uint_term(h, q->heap.min_vheap_size)),
        heap_tuple2(h, AM(min_heap_size), uint_term(h, q->heap.min_heap_size)),
        heap_tuple2(h, AM(fullsweep_after), uint_term(h, q->heap.max_gen_gcs)),
        heap_tuple2(h, am_s("minor_gcs"), uint_term(h, q->heap.gen_gcs)),
    };
    return list_of(h, el, 5);
}

static Uint total_heap_size(Process *q)
{
    const Heap *qh = &q->heap;
    Uint t = qh->heap_sz + qh->mbuf_sz + (qh->old_heap ? heap_old_block_words(qh) : 0);
    if (!mailbox_is_off_heap(&q->mailbox)) t += mailbox_onheap_data_words(&q->mailbox);
    return t;
}

static Term status_atom(Process *self, Process *q)
{
    if (q == self) return AM(running);
    if (process_is_exiting(q)) return AM(exiting);
    switch (sched_status(&q->sched)) {
    case SCHED_WAITING: return AM(waiting);
    case SCHED_RUNNABLE: return AM(runnable);
    case SCHED_EXITED: return AM(exiting);
    default: return AM(running);
    }
}

static Term mfa_tuple(Heap *h, Term m, Term f, Term a) { return heap_tuple3(h, m, f, a); }

static Term current_function(Heap *h, Process *q, bool self)
{
    Module *mod;
    const CodeFunc *fn;
    int line;
    const Instr *ip = q->ip;
    (void)self; /* for the caller, ip is the call site (the VM records it before a BIF) */
    if (!ip || !code_lookup(ip, &mod, &fn, &line)) return AM(undefined);
    return mfa_tuple(h, mod->name, fn->name, make_small(fn->arity));
}

static Term links_list(Heap *h, Process *q)
{
    const ProcLinks *l = sig_links(q);
    if (!l) return NIL;
    return list_of(h, l->links, l->n_links);
}

/* monitors: [{process, Pid | {Name, Node}}] for the ones q made; monitored_by: the pids
 * monitoring q. */
static Term monitors_list(Heap *h, Process *q, bool origin)
{
    const ProcLinks *l = sig_links(q);
    if (!l) return NIL;
    Term *el = malloc((l->n_mons + 1) * sizeof *el);
    if (!el) abort();
    Uint n = 0;
    for (uint32_t i = 0; i < l->n_mons; i++) {
        const Monitor *m = &l->mons[i];
        if (m->origin != origin) continue;
        if (!origin) el[n++] = m->other;
        else if (m->name != NIL) el[n++] = heap_tuple2(h, AM(process), heap_tuple2(h, m->name, AM(nonode_nohost)));
        else el[n++] = heap_tuple2(h, AM(process), m->other);
    }
    Term r = list_of(h, el, n);
    free(el);
    return r;
}

static Term messages_list(Heap *h, Process *q)
{
    Uint n = mailbox_len(&q->mailbox);
    Term *el = malloc((n + 1) * sizeof *el);
    if (!el) abort();
    Uint i = 0;
    for (Message *m = mailbox_first(&q->mailbox); m && i < n; m = mailbox_next(m)) el[i++] = copy_term(h, m->msg);
    Term r = list_of(h, el, i);
    free(el);
    return r;
}

static void binary_entries(Heap *h, OffHeap *oh, Term *list)
{
    for (OffHeapHeader *e = oh->first; e; e = e->next) {
        if (hdr_subtag(e->thing_word) != SUB_REFC_BIN) continue;
        ProcBin *pb = (ProcBin *)e;
        Term t = heap_tuple3(h, uint_term(h, (Uint)(uintptr_t)pb->val & (((Uint)1 << 59) - 1)),
                        uint_term(h, pb->val->orig_size), uint_term(h, (Uint)atomic_load_explicit(&pb->val->refc, memory_order_relaxed)));
        Term *hp = heap_halloc(h, 2);
        *list = cons_at(hp, t, *list);
    }
}

static Term binary_list(Heap *h, Process *q)
{
    Term l = NIL;
    binary_entries(h, &q->heap.off_heap, &l);
    for (HeapFrag *f = q->heap.mbuf; f; f = f->next) binary_entries(h, &f->off_heap, &l);
    return vm_reverse(h, l);
}

static Term dictionary_list(Heap *h, Process *q) { return copy_term(h, dict_get_all(q->dict, h)); }

/* The value of one item, or NONVALUE for a key process_info does not know. */
static Term item_value(Process *self, Process *q, Term k)
{
    Heap *h = &self->heap;
    const Heap *qh = &q->heap;
    const char *name;
    size_t len;
    if (!term_is_atom(k)) return NONVALUE;
    name = atom_name(k, &len);
#define IS(s) (len == sizeof(s) - 1 && !memcmp(name, s, len))
    if (IS("memory")) return uint_term(h, process_memory_bytes(q));
    if (IS("heap_size")) return uint_term(h, qh->heap_sz);
    if (IS("total_heap_size")) return uint_term(h, total_heap_size(q));
    if (IS("stack_size")) return uint_term(h, heap_stack_words(qh));
    if (IS("message_queue_len")) return uint_term(h, mailbox_len(&q->mailbox));
    if (IS("message_queue_data")) return mailbox_is_off_heap(&q->mailbox) ? AM(off_heap) : AM(on_heap);
    if (IS("messages")) return messages_list(h, q);
    if (IS("garbage_collection")) return gc_settings_list(self, q);
    if (IS("garbage_collection_info")) return gc_info_list(h, q);
    if (IS("reductions")) return uint_term(h, q->reductions + (q == self ? (Uint)(PROC_CONTEXT_REDS - q->reds_left) : 0));
    if (IS("registered_name")) {
        Term n = ptab_name_of(q);
        return n == NIL ? NIL : n;
    }
    if (IS("status")) return status_atom(self, q);
    if (IS("links")) return links_list(h, q);
    if (IS("monitors")) return monitors_list(h, q, true);
    if (IS("monitored_by")) return monitors_list(h, q, false);
    if (IS("dictionary")) return dictionary_list(h, q);
    if (IS("initial_call")) {
        if (q->initial_call[0] == AM(undefined))
            return mfa_tuple(h, am_s("erlang"), am_s("apply"), make_small(2));
        return mfa_tuple(h, q->initial_call[0], q->initial_call[1], q->initial_call[2]);
    }
    if (IS("current_function")) return current_function(h, q, q == self);
    if (IS("binary")) return binary_list(h, q);
    if (IS("trap_exit")) return (q->flags & PROC_TRAP_EXIT) ? AM(true) : AM(false);
    if (IS("priority")) {
        switch ((SchedPrio)atomic_load(&q->sched.prio)) {
        case SCHED_PRIO_MAX: return AM(max);
        case SCHED_PRIO_HIGH: return AM(high);
        case SCHED_PRIO_LOW: return AM(low);
        default: return atom_put("normal", 6);
        }
    }
    if (IS("group_leader")) return make_pid(65);
    if (IS("error_handler")) return am_s("error_handler");
    if (IS("min_heap_size")) return uint_term(h, qh->min_heap_size);
    if (IS("min_bin_vheap_size")) return uint_term(h, qh->min_vheap_size);
    if (IS("fullsweep_after")) return uint_term(h, qh->max_gen_gcs);
    if (IS("max_heap_size")) return bif_max_heap_map(self, q->heap.max_heap_size, q->heap.flags);
    if (IS("suspending")) return NIL;
    if (IS("sensitive")) return (q->flags & PROC_SENSITIVE) ? AM(true) : AM(false);
#undef IS
    return NONVALUE;
}

/* {Key, Value}, or [] for registered_name of an unregistered process asked alone. */
static Term item(Process *self, Process *q, Term k, bool alone)
{
    Term v = item_value(self, q, k);
    if (v == NONVALUE) return NONVALUE;
    if (alone && k == am_s("registered_name") && v == NIL) return NIL;
    return heap_tuple2(&self->heap, k, v);
}

/* The process to inspect: self, or another locked with process_lock_other; NULL when dead. */
static Process *acquire(Process *self, Term pid)
{
    if (pid == self->pid) {
        /* Messages in transit count too (OTP fetches before it answers). */
        mailbox_fetch(&self->mailbox, (Uint)-1, NULL, NULL);
        return self;
    }
    Process *q = ptab_lookup(pid);
    if (!q) return NULL;
    process_lock_other(self, q);
    /* OTP answers process_info by a signal, behind everything the caller sent before: handle
     * q's queued signals first (we hold its lock, so we act as its owner), unless q is inside
     * a BIF of its own (then it handles them itself later). */
    bool dying = !atomic_load_explicit(&q->in_bif, memory_order_relaxed) && !sig_fetch(q, (Uint)-1);
    if (dying || process_is_exiting(q)) {
        process_unlock_other(self, q);
        process_release(q);
        return NULL;
    }
    return q;
}

static void release(Process *self, Process *q)
{
    if (q == self) return;
    process_unlock_other(self, q);
    process_release(q);
}

static Term bif_process_info2(Process *p, const Term *a)
{
    if (!term_is_pid(a[0])) return bif_badarg(p);
    Term k = a[1];
    bool is_list = term_is_list(k) || k == NIL;
    if (is_list) {
        if (list_length(k) < 0) return bif_badarg(p);
        for (Term l = k; term_is_list(l); l = list_tail(l))
            if (!term_is_atom(list_head(l))) return bif_badarg(p);
    } else if (!term_is_atom(k)) {
        return bif_badarg(p);
    }
    Process *q = acquire(p, a[0]);
    if (!q) {
        /* A dead process: undefined, but a bad key is still an error. */
        Term probe = is_list ? (k == NIL ? NIL : list_head(k)) : k;
        if (probe != NIL && item_value(p, p, probe) == NONVALUE) return bif_badarg(p);
        return AM(undefined);
    }
    Term r;
    if (!is_list) {
        r = item(p, q, k, true);
    } else {
        Sint n = list_length(k);
        Term *el = malloc(((Uint)n + 1) * sizeof *el);
        if (!el) abort();
        Sint i = 0;
        r = NIL;
        for (Term l = k; term_is_list(l); l = list_tail(l)) {
            Term v = item(p, q, list_head(l), false);
            if (v == NONVALUE) {
                r = NONVALUE;
                break;
            }
            el[i++] = v;
        }
        if (r != NONVALUE) r = list_of(&p->heap, el, (Uint)i);
        free(el);
    }
    release(p, q);
    return r == NONVALUE ? bif_badarg(p) : r;
}

static Term bif_process_info1(Process *p, const Term *a)
{
    if (!term_is_pid(a[0])) return bif_badarg(p);
    Process *q = acquire(p, a[0]);
    if (!q) return AM(undefined);
    static const char *const keys[] = {
        "current_function", "initial_call", "status", "message_queue_len", "links", "dictionary",
        "trap_exit", "error_handler", "priority", "group_leader", "total_heap_size",
        "heap_size", "stack_size", "reductions", "garbage_collection", "suspending"};
    Term el[17];
    Uint n = 0;
    if (ptab_name_of(q) != NIL) el[n++] = item(p, q, am_s("registered_name"), false);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) el[n++] = item(p, q, am_s(keys[i]), false);
    release(p, q);
    return list_of(&p->heap, el, n);
}

/* ---- garbage_collect/1,2 ----------------------------------------------------------------- */

/* Collects q now (a major unless minor): from outside the VM, with its saved registers. */
static void collect_other(Process *q, bool major)
{
    GcRoots r;
    vm_gc_roots(q, &r, process_arg_regs(q), q->arity);
    gc_collect(&q->heap, 0, &r, major, GC_REASON_EXPLICIT, NULL);
}

static Term gc_pid(Process *p, Term pid, bool major)
{
    if (!term_is_pid(pid)) return bif_badarg(p);
    if (pid == p->pid) {
        /* Self: at the next safe point (after this call), as the VM's after_bif does. */
        if (major) p->heap.flags |= HEAP_NEED_FULLSWEEP;
        p->heap.flags |= HEAP_FORCE_GC;
        return AM(true);
    }
    Process *q = ptab_lookup(pid);
    if (!q) return AM(false);
    p->in_bif = 1;
    process_unlock(p);
    process_lock_for_gc(q);
    /* Messages sent onto q's heap are roots only once fetched (runtime.c send_onto_heap). */
    bool alive = !process_is_exiting(q) && sig_fetch(q, (Uint)-1);
    if (alive) collect_other(q, major);
    process_unlock(q);
    process_lock(p);
    p->in_bif = 0;
    process_release(q);
    return alive ? AM(true) : AM(false);
}

static Term bif_garbage_collect1(Process *p, const Term *a) { return gc_pid(p, a[0], true); }

/* garbage_collect/2: [{type, major | minor}, {async, ReqId}]; with async the answer comes as
 * {garbage_collect, ReqId, Result} and the call returns async. */
static Term bif_garbage_collect2(Process *p, const Term *a)
{
    bool major = true, async = false;
    Term req = NIL;
    Term l = a[1];
    for (; term_is_list(l); l = list_tail(l)) {
        Term o = list_head(l);
        if (!term_is_tuple(o) || tuple_arity(o) != 2) return bif_badarg(p);
        Term k = tuple_elems(o)[1], v = tuple_elems(o)[2];
        if (k == am_s("type") && (v == AM(major) || v == AM(minor))) major = v == AM(major);
        else if (k == am_s("async")) async = true, req = v;
        else return bif_badarg(p);
    }
    if (l != NIL) return bif_badarg(p);
    Term r = gc_pid(p, a[0], major);
    if (r == NONVALUE || !async) return r;
    rt_send(p, p->pid, heap_tuple3(&p->heap, am_s("garbage_collect"), req, r));
    return am_s("async");
}

/* ---- erlang:memory ------------------------------------------------------------------------ */

typedef SysMem MemCats;

static void memory_cats(Process *p, MemCats *c) { sysmem_get(p, c); }

static Term bif_memory0(Process *p, const Term *a)
{
    MemCats c;
    memory_cats(p, &c);
    Heap *h = &p->heap;
    const char *names[] = {"total", "processes", "processes_used", "system", "atom",
                           "atom_used", "binary", "code", "ets"};
    Uint vals[] = {c.total, c.processes, c.processes_used, c.system, c.atom,
                   c.atom_used, c.binary, c.code, c.ets};
    Term el[9];
    for (int i = 0; i < 9; i++) el[i] = heap_tuple2(h, am_s(names[i]), uint_term(h, vals[i]));
    return list_of(h, el, 9);
}

static Term memory_of(Process *p, const MemCats *c, Term k)
{
    const char *names[] = {"total", "processes", "processes_used", "system", "atom",
                           "atom_used", "binary", "code", "ets"};
    Uint vals[] = {c->total, c->processes, c->processes_used, c->system, c->atom,
                   c->atom_used, c->binary, c->code, c->ets};
    for (int i = 0; i < 9; i++)
        if (k == am_s(names[i])) return uint_term(&p->heap, vals[i]);
    return NONVALUE;
}

static Term bif_memory1(Process *p, const Term *a)
{
    MemCats c;
    memory_cats(p, &c);
    if (term_is_atom(a[0])) {
        Term v = memory_of(p, &c, a[0]);
        return v == NONVALUE ? bif_badarg(p) : v;
    }
    if (list_length(a[0]) < 0) return bif_badarg(p);
    Sint n = list_length(a[0]);
    Term *el = malloc(((Uint)n + 1) * sizeof *el);
    if (!el) abort();
    Sint i = 0;
    for (Term l = a[0]; term_is_list(l); l = list_tail(l)) {
        Term v = memory_of(p, &c, list_head(l));
        if (v == NONVALUE) {
            free(el);
            return bif_badarg(p);
        }
        el[i++] = heap_tuple2(&p->heap, list_head(l), v);
    }
    Term r = list_of(&p->heap, el, (Uint)i);
    free(el);
    return r;
}

/* ---- statistics/1 keys ------------------------------------------------------------------ */

static _Atomic Uint last_reductions;

Term bif_statistics_process(Process *p, Term key)
{
    Heap *h = &p->heap;
    if (key == am_s("garbage_collection")) {
        Uint n = atomic_load_explicit(&gc_total_count, memory_order_relaxed);
        Uint w = atomic_load_explicit(&gc_total_reclaimed, memory_order_relaxed);
        return heap_tuple3(h, uint_term(h, n), uint_term(h, w), make_small(0));
    }
    if (key == am_s("reductions")) {
        Uint total = rt_total_reductions() + (Uint)(PROC_CONTEXT_REDS - p->reds_left);
        Uint prev = atomic_exchange_explicit(&last_reductions, total, memory_order_relaxed);
        return heap_tuple2(h, uint_term(h, total), uint_term(h, total - prev));
    }
    if (key == am_s("run_queue")) return uint_term(h, (Uint)rt_run_queue());
    return NONVALUE;
}

#define E(n, ar, f) {"erlang", n, ar, f, 0}
const BifDef bif_table_info[] = {
    E("process_info", 1, bif_process_info1),
    E("process_info", 2, bif_process_info2),
    E("garbage_collect", 1, bif_garbage_collect1),
    E("garbage_collect", 2, bif_garbage_collect2),
    E("memory", 0, bif_memory0),
    E("memory", 1, bif_memory1),
    {0},
};
