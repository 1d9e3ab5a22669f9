/*
 * process.c — the erlang module's process BIFs: spawn*, send, links, monitors, exit/2,
 * process_flag, registered names, timers, halt. process_info and memory are in info.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bif.h"
#include "code.h"
#include "heap.h"
#include "map.h"
#include "procsig.h"
#include "ptab.h"
#include "rtimer.h"
#include "runtime.h"

static Term am_s(const char *s) { return atom_put(s, strlen(s)); }

/* ---- spawn ----------------------------------------------------------------------------- */

/* One {Key, Value} or atom of spawn_opt's list into o. */
static bool spawn_option(Term opt, SpawnOpts *o)
{
    if (opt == AM(link)) return o->link = true;
    if (opt == AM(monitor)) return o->monitor = true;
    if (!term_is_tuple(opt) || tuple_arity(opt) != 2) return false;
    Term k = tuple_elems(opt)[1], v = tuple_elems(opt)[2];
    if (k == AM(min_heap_size) || k == AM(min_bin_vheap_size) || k == AM(fullsweep_after)) {
        if (!term_is_small(v) || small_val(v) < 0) return false;
        Uint n = (Uint)small_val(v);
        if (k == AM(min_heap_size)) o->min_heap_size = n ? n : 1;
        else if (k == AM(fullsweep_after)) o->fullsweep_after = n;
        else o->min_vheap_size = n;
        if (k != AM(min_bin_vheap_size)) o->use_args = true;
        return true;
    }
    if (k == AM(priority)) {
        if (v == AM(low)) o->prio = SCHED_PRIO_LOW;
        else if (v == atom_put("normal", 6)) o->prio = SCHED_PRIO_NORMAL;
        else if (v == AM(high)) o->prio = SCHED_PRIO_HIGH;
        else if (v == AM(max)) o->prio = SCHED_PRIO_MAX;
        else return false;
        return true;
    }
    if (k == AM(message_queue_data)) {
        if (v != AM(on_heap) && v != AM(off_heap)) return false;
        o->off_heap = v == AM(off_heap);
        return true;
    }
    if (k == AM(max_heap_size)) return bif_max_heap_size_value(v, &o->max_heap_size, &o->max_heap_flags);
    return false;
}

bool bif_max_heap_size_value(Term v, Uint *size, unsigned *flags)
{
    *flags |= HEAP_MAX_KILL | HEAP_MAX_LOG;
    if (term_is_small(v) && small_val(v) >= 0) {
        *size = (Uint)small_val(v);
        return true;
    }
    if (!term_is_map(v)) return false;
    Term sz, kill, log;
    if (!map_get(v, AM(size), &sz)) return false; /* OTP: a map must give the size */
    if (!map_get(v, AM(kill), &kill)) kill = NONVALUE;
    if (!map_get(v, AM(error_logger), &log)) log = NONVALUE;
    if (sz != NONVALUE) {
        if (!term_is_small(sz) || small_val(sz) < 0) return false;
        *size = (Uint)small_val(sz);
    }
    if (kill != NONVALUE) {
        if (kill != AM(true) && kill != AM(false)) return false;
        *flags = kill == AM(true) ? *flags | HEAP_MAX_KILL : *flags & ~(unsigned)HEAP_MAX_KILL;
    }
    if (log != NONVALUE) {
        if (log != AM(true) && log != AM(false)) return false;
        *flags = log == AM(true) ? *flags | HEAP_MAX_LOG : *flags & ~(unsigned)HEAP_MAX_LOG;
    }
    return true;
}

/* spawn of M:F(Args) or of a fun (m = NIL, f = the fun, args = []). Returns the pid, or
 * {Pid, Ref} with monitor. */
static Term do_spawn(Process *p, Term m, Term f, Term args, SpawnOpts *o)
{
    Term mfa[3];
    if (m == NIL) {
        if (!term_is_fun(f) || fun_entry(f)->arity != 0) return bif_badarg(p);
        mfa[0] = AM(undefined);
        mfa[1] = f;
        mfa[2] = NIL;
    } else {
        Sint n = list_length(args);
        if (!term_is_atom(m) || !term_is_atom(f) || n < 0) return bif_badarg(p);
        mfa[0] = m;
        mfa[1] = f;
        mfa[2] = make_small(n);
    }
    if (o->max_heap_size) {
        /* OTP: a max_heap_size below the min_heap_size it will have is badarg. */
        Uint mh = o->use_args && o->min_heap_size ? heap_next_size(o->min_heap_size, 0) : H_DEFAULT_SIZE;
        if (o->max_heap_size < mh) return bif_badarg(p);
    }
    Process *c = rt_spawn(p, mfa, m == NIL ? NIL : args, o, false);
    if (!c) return bif_error(p, AM(system_limit));
    Term pid = c->pid;
    Term ref = o->monitor_ref;
    process_release(c);
    return o->monitor ? heap_tuple2(&p->heap, pid, ref) : pid;
}

static Term spawn_opts_list(Process *p, Term opts, SpawnOpts *o)
{
    rt_spawn_opts_default(o);
    Term l = opts;
    for (; term_is_list(l); l = list_tail(l))
        if (!spawn_option(list_head(l), o)) return NONVALUE;
    return l == NIL ? AM(ok) : NONVALUE;
}

/* spawn, spawn_link and spawn_monitor of a fun (arity 1) or of M, F, Args (arity 3). */
static Term spawn_plain(Process *p, const Term *a, int arity, bool link, bool monitor)
{
    SpawnOpts o;
    rt_spawn_opts_default(&o);
    o.link = link;
    o.monitor = monitor;
    return arity == 1 ? do_spawn(p, NIL, a[0], NIL, &o) : do_spawn(p, a[0], a[1], a[2], &o);
}
static Term bif_spawn1(Process *p, const Term *a) { return spawn_plain(p, a, 1, false, false); }
static Term bif_spawn3(Process *p, const Term *a) { return spawn_plain(p, a, 3, false, false); }
static Term bif_spawn_link1(Process *p, const Term *a) { return spawn_plain(p, a, 1, true, false); }
static Term bif_spawn_link3(Process *p, const Term *a) { return spawn_plain(p, a, 3, true, false); }
static Term bif_spawn_monitor1(Process *p, const Term *a)
{
    return spawn_plain(p, a, 1, false, true);
}
static Term bif_spawn_monitor3(Process *p, const Term *a)
{
    return spawn_plain(p, a, 3, false, true);
}
static Term bif_spawn_opt2(Process *p, const Term *a)
{
    SpawnOpts o;
    if (spawn_opts_list(p, a[1], &o) == NONVALUE) return bif_badarg(p);
    return do_spawn(p, NIL, a[0], NIL, &o);
}
static Term bif_spawn_opt4(Process *p, const Term *a)
{
    SpawnOpts o;
    if (spawn_opts_list(p, a[3], &o) == NONVALUE) return bif_badarg(p);
    return do_spawn(p, a[0], a[1], a[2], &o);
}
/* The Node variants, for the local node only. */
static Term bif_spawn2(Process *p, const Term *a)
{
    if (a[0] != AM(nonode_nohost)) return bif_badarg(p);
    return bif_spawn1(p, a + 1);
}
static Term bif_spawn4(Process *p, const Term *a)
{
    if (a[0] != AM(nonode_nohost)) return bif_badarg(p);
    return bif_spawn3(p, a + 1);
}

/* ---- send ------------------------------------------------------------------------------ */

/* The pid a send destination names: a pid, a registered name, or {Name, Node} on this node.
 * NONVALUE when it names nothing. */
static Term bif_send2(Process *p, const Term *a)
{
    Term pid = ptab_send_dest(a[0]);
    if (pid == NONVALUE) return bif_badarg(p);
    if (pid != NIL) rt_send(p, pid, a[1]);
    return a[1];
}
static Term bif_send3(Process *p, const Term *a)
{
    Term pid = ptab_send_dest(a[0]);
    Term l = a[2];
    for (; term_is_list(l); l = list_tail(l))
        if (list_head(l) != am_s("noconnect") && list_head(l) != am_s("nosuspend")) return bif_badarg(p);
    if (pid == NONVALUE || l != NIL) return bif_badarg(p);
    if (pid != NIL) rt_send(p, pid, a[1]);
    return AM(ok);
}
static Term bif_process_flag3(Process *p, const Term *a) { return bif_badarg(p); }

/* ---- links, monitors, exit -------------------------------------------------------------- */

static Term bif_link(Process *p, const Term *a)
{
    if (!term_is_pid(a[0])) return bif_badarg(p);
    if (!sig_link(p, a[0])) return bif_error(p, AM(noproc));
    return AM(true);
}
static Term bif_unlink(Process *p, const Term *a)
{
    if (!term_is_pid(a[0])) return bif_badarg(p);
    sig_unlink(p, a[0]);
    return AM(true);
}
static Term bif_monitor2(Process *p, const Term *a)
{
    if (a[0] != AM(process)) return bif_badarg(p);
    Term t = a[1];
    if (term_is_pid(t)) return sig_monitor(p, t, NIL);
    Term name = t;
    if (term_is_tuple(t) && tuple_arity(t) == 2 && term_is_atom(tuple_elems(t)[1]) &&
        tuple_elems(t)[2] == AM(nonode_nohost))
        name = tuple_elems(t)[1];
    if (!term_is_atom(name)) return bif_badarg(p);
    return sig_monitor(p, ptab_whereis(name), name);
}
static Term bif_demonitor1(Process *p, const Term *a)
{
    if (!term_is_ref(a[0])) return bif_badarg(p);
    sig_demonitor(p, a[0], false);
    return AM(true);
}
static Term bif_demonitor2(Process *p, const Term *a)
{
    if (!term_is_ref(a[0])) return bif_badarg(p);
    bool flush = false, info = false;
    Term l = a[1];
    for (; term_is_list(l); l = list_tail(l)) {
        Term o = list_head(l);
        if (o == am_s("flush")) flush = true;
        else if (o == am_s("info")) info = true;
        else return bif_badarg(p);
    }
    if (l != NIL) return bif_badarg(p);
    bool was = sig_demonitor(p, a[0], flush);
    return info ? (was ? AM(true) : AM(false)) : AM(true);
}
static Term bif_exit2(Process *p, const Term *a)
{
    if (!term_is_pid(a[0])) return bif_badarg(p);
    sig_exit(p, a[0], a[1]);
    /* An exit signal to oneself acts before the call returns (OTP): the VM ends the process
     * past any catch when exit_sig is set. */
    if (a[0] == p->pid && !sig_fetch(p, (Uint)-1)) return proc_raise(p, AM(exit), sig_exit_reason(p));
    return AM(true);
}
static Term bif_is_process_alive(Process *p, const Term *a)
{
    if (!term_is_pid(a[0])) return bif_badarg(p);
    if (a[0] == p->pid) return AM(true);
    Process *q = ptab_lookup(a[0]);
    if (!q) return AM(false);
    bool alive = !process_is_exiting(q);
    process_release(q);
    return alive ? AM(true) : AM(false);
}

/* ---- process_flag ------------------------------------------------------------------------ */

static Term prio_atom(SchedPrio pr)
{
    switch (pr) {
    case SCHED_PRIO_MAX: return AM(max);
    case SCHED_PRIO_HIGH: return AM(high);
    case SCHED_PRIO_LOW: return AM(low);
    default: return atom_put("normal", 6);
    }
}

static Term max_heap_map(Process *p, Uint size, unsigned flags);

static Term bif_process_flag(Process *p, const Term *a)
{
    Term k = a[0], v = a[1];
    Heap *h = &p->heap;
    if (k == AM(trap_exit)) {
        if (v != AM(true) && v != AM(false)) return bif_badarg(p);
        Term old = (p->flags & PROC_TRAP_EXIT) ? AM(true) : AM(false);
        if (v == AM(true)) p->flags |= PROC_TRAP_EXIT;
        else p->flags &= ~(unsigned)PROC_TRAP_EXIT;
        return old;
    }
    if (k == AM(priority)) {
        SchedPrio pr;
        if (v == AM(low)) pr = SCHED_PRIO_LOW;
        else if (v == atom_put("normal", 6)) pr = SCHED_PRIO_NORMAL;
        else if (v == AM(high)) pr = SCHED_PRIO_HIGH;
        else if (v == AM(max)) pr = SCHED_PRIO_MAX;
        else return bif_badarg(p);
        Term old = prio_atom((SchedPrio)atomic_load(&p->sched.prio));
        sched_set_prio(&p->sched, pr);
        return old;
    }
    if (k == AM(min_heap_size)) {
        if (!term_is_small(v) || small_val(v) < 0) return bif_badarg(p);
        Term old = make_small((Sint)h->min_heap_size);
        Uint n = (Uint)small_val(v);
        h->min_heap_size = n < H_MIN_SIZE ? H_MIN_SIZE : heap_next_size(n, 0);
        return old;
    }
    if (k == AM(fullsweep_after)) {
        /* OTP stores it in a Uint16 unclamped: 70000 reads back as 4464. The next GC's
         * minor-or-major choice reads it, so 0 makes every collection a fullsweep. */
        if (!term_is_small(v) || small_val(v) < 0) return bif_badarg(p);
        Term old = make_small((Sint)h->max_gen_gcs);
        h->max_gen_gcs = (uint16_t)small_val(v);
        return old;
    }
    if (k == AM(min_bin_vheap_size)) {
        if (!term_is_small(v) || small_val(v) < 0) return bif_badarg(p);
        Term old = make_small((Sint)h->min_vheap_size);
        heap_set_min_vheap(h, (Uint)small_val(v));
        return old;
    }
    if (k == AM(message_queue_data)) {
        if (v != AM(on_heap) && v != AM(off_heap)) return bif_badarg(p);
        Term old = mailbox_is_off_heap(&p->mailbox) ? AM(off_heap) : AM(on_heap);
        mailbox_set_off_heap(&p->mailbox, v == AM(off_heap));
        return old;
    }
    if (k == AM(max_heap_size)) {
        /* OTP's erts_max_heap_size: flags the value does not give take their defaults. */
        Uint size = 0;
        unsigned flags = HEAP_MAX_KILL | HEAP_MAX_LOG;
        if (!bif_max_heap_size_value(v, &size, &flags)) return bif_badarg(p);
        if (size && size < h->min_heap_size) return bif_badarg(p);
        Term old = max_heap_map(p, h->max_heap_size, h->flags);
        h->max_heap_size = size;
        h->flags = (h->flags & ~(unsigned)(HEAP_MAX_KILL | HEAP_MAX_LOG)) |
                   (flags & (HEAP_MAX_KILL | HEAP_MAX_LOG));
        return old;
    }
    if (k == am_s("sensitive")) {
        if (v != AM(true) && v != AM(false)) return bif_badarg(p);
        Term old = (p->flags & PROC_SENSITIVE) ? AM(true) : AM(false);
        if (v == AM(true)) p->flags |= PROC_SENSITIVE;
        else p->flags &= ~(unsigned)PROC_SENSITIVE;
        return old;
    }
    return bif_badarg(p);
}

/* #{error_logger => B, kill => B, size => N}: a flatmap with its keys in term order. */
static Term max_heap_map(Process *p, Uint size, unsigned flags)
{
    Term keys[3] = {AM(error_logger), AM(kill), AM(size)};
    Term vals[3] = {(flags & HEAP_MAX_LOG) ? AM(true) : AM(false),
                    (flags & HEAP_MAX_KILL) ? AM(true) : AM(false), make_small((Sint)size)};
    return map_from_arrays(&p->heap, keys, vals, 3);
}

Term bif_max_heap_map(Process *p, Uint size, unsigned flags) { return max_heap_map(p, size, flags); }

/* ---- registered names, processes/0 ------------------------------------------------------- */

static Term bif_register(Process *p, const Term *a)
{
    Term name = a[0], pid = a[1];
    if (!term_is_atom(name) || name == AM(undefined) || !term_is_pid(pid)) return bif_badarg(p);
    Process *q = pid == p->pid ? p : ptab_lookup(pid);
    if (!q) return bif_badarg(p);
    bool ok = ptab_register(name, q);
    if (q != p) process_release(q);
    return ok ? AM(true) : bif_badarg(p);
}
static Term bif_unregister(Process *p, const Term *a)
{
    if (!term_is_atom(a[0]) || ptab_unregister(a[0]) == NIL) return bif_badarg(p);
    return AM(true);
}
static Term bif_whereis(Process *p, const Term *a)
{
    if (!term_is_atom(a[0])) return bif_badarg(p);
    Term pid = ptab_whereis(a[0]);
    return pid == NIL ? AM(undefined) : pid;
}
static Term bif_registered(Process *p, const Term *a)
{
    Uint n = ptab_registered(NULL, 0);
    Term *names = malloc((n + 1) * sizeof *names);
    if (!names) abort();
    n = ptab_registered(names, n);
    Term l = NIL;
    Term *hp = heap_halloc(&p->heap, 2 * n);
    for (Uint i = 0; i < n; i++) l = cons_at(hp + 2 * i, names[i], l);
    free(names);
    return l;
}

typedef struct PidList {
    Term *pids;
    Uint n, cap;
} PidList;

static bool collect_pid(Process *q, void *arg)
{
    PidList *pl = arg;
    if (pl->n == pl->cap) {
        pl->cap = pl->cap ? 2 * pl->cap : 64;
        pl->pids = realloc(pl->pids, pl->cap * sizeof *pl->pids);
        if (!pl->pids) abort();
    }
    pl->pids[pl->n++] = q->pid;
    return true;
}

static Term bif_processes(Process *p, const Term *a)
{
    PidList pl = {0};
    ptab_each(collect_pid, &pl);
    Term *hp = heap_halloc(&p->heap, 2 * pl.n);
    Term l = NIL;
    for (Uint i = pl.n; i-- > 0;) l = cons_at(hp + 2 * i, pl.pids[i], l);
    free(pl.pids);
    return l;
}

/* ---- halt -------------------------------------------------------------------------------- */

static Term do_halt(Process *p, Term status)
{
    int code;
    if (term_is_small(status) && small_val(status) >= 0) code = (int)(small_val(status) & 0xff);
    else if (status == am_s("abort")) code = 134;
    else if (list_length(status) >= 0) {
        /* halt("message"): the message on stderr, status 1 (a crash dump in OTP). */
        fflush(stdout);
        for (Term l = status; term_is_list(l); l = list_tail(l))
            if (term_is_small(list_head(l))) fputc((int)small_val(list_head(l)), stderr);
        fputc('\n', stderr);
        code = 1;
    } else {
        return bif_badarg(p);
    }
    rt_halt(code);
    /* Nothing more of this process runs: it ends here, past any catch. */
    p->flags |= PROC_HALTING;
    return proc_raise(p, AM(exit), AM(normal));
}
static Term bif_halt0(Process *p, const Term *a) { return do_halt(p, make_small(0)); }
static Term bif_halt1(Process *p, const Term *a) { return do_halt(p, a[0]); }
static Term bif_halt2(Process *p, const Term *a)
{
    if (list_length(a[1]) < 0) return bif_badarg(p);
    return do_halt(p, a[0]);
}

/* ---- timers ------------------------------------------------------------------------------ */

static bool timer_time(Term t, Uint *ms)
{
    if (!term_is_small(t) || small_val(t) < 0 || small_val(t) > ((Sint)1 << 40)) return false;
    *ms = (Uint)small_val(t);
    return true;
}

static Term start_timer(Process *p, const Term *a, bool wrap, Term opts)
{
    Uint ms;
    if (!timer_time(a[0], &ms)) return bif_badarg(p);
    if (!term_is_pid(a[1]) && !term_is_atom(a[1])) return bif_badarg(p);
    if (opts != NIL) {
        Term l = opts;
        for (; term_is_list(l); l = list_tail(l)) {
            Term o = list_head(l);
            if (!term_is_tuple(o) || tuple_arity(o) != 2 || tuple_elems(o)[1] != am_s("abs") ||
                (tuple_elems(o)[2] != AM(true) && tuple_elems(o)[2] != AM(false)))
                return bif_badarg(p);
        }
        if (l != NIL) return bif_badarg(p);
    }
    return rtimer_bif_start(p, ms, a[1], a[2], wrap);
}
static Term bif_send_after3(Process *p, const Term *a) { return start_timer(p, a, false, NIL); }
static Term bif_send_after4(Process *p, const Term *a) { return start_timer(p, a, false, a[3]); }
static Term bif_start_timer3(Process *p, const Term *a) { return start_timer(p, a, true, NIL); }
static Term bif_start_timer4(Process *p, const Term *a) { return start_timer(p, a, true, a[3]); }

static Term ms_or_false(int64_t left) { return left < 0 ? AM(false) : make_small(left); }

static Term bif_cancel_timer1(Process *p, const Term *a)
{
    if (!term_is_ref(a[0])) return bif_badarg(p);
    return ms_or_false(rtimer_bif_cancel(a[0]));
}
static Term bif_cancel_timer2(Process *p, const Term *a)
{
    if (!term_is_ref(a[0]) || list_length(a[1]) < 0) return bif_badarg(p);
    bool info = true, async = false;
    for (Term l = a[1]; term_is_list(l); l = list_tail(l)) {
        Term o = list_head(l);
        if (!term_is_tuple(o) || tuple_arity(o) != 2) return bif_badarg(p);
        Term k = tuple_elems(o)[1], v = tuple_elems(o)[2];
        if (v != AM(true) && v != AM(false)) return bif_badarg(p);
        if (k == am_s("info")) info = v == AM(true);
        else if (k == am_s("async")) async = v == AM(true);
        else return bif_badarg(p);
    }
    int64_t left = rtimer_bif_cancel(a[0]);
    if (async) {
        if (info) {
            Term *hp = heap_halloc(&p->heap, 4);
            hp[0] = make_tuple_header(3);
            hp[1] = am_s("cancel_timer");
            hp[2] = a[0];
            hp[3] = ms_or_false(left);
            rt_send(p, p->pid, make_boxed(hp));
        }
        return AM(ok);
    }
    return info ? ms_or_false(left) : AM(ok);
}
static Term bif_read_timer1(Process *p, const Term *a)
{
    if (!term_is_ref(a[0])) return bif_badarg(p);
    return ms_or_false(rtimer_bif_read(a[0]));
}
static Term bif_read_timer2(Process *p, const Term *a)
{
    if (!term_is_ref(a[0]) || list_length(a[1]) < 0) return bif_badarg(p);
    return ms_or_false(rtimer_bif_read(a[0]));
}

#define E(n, a, f) {"erlang", n, a, f, 0}
const BifDef bif_table_process[] = {
    E("spawn", 1, bif_spawn1),
    E("spawn", 2, bif_spawn2),
    E("spawn", 3, bif_spawn3),
    E("spawn", 4, bif_spawn4),
    E("spawn_link", 1, bif_spawn_link1),
    E("spawn_link", 3, bif_spawn_link3),
    E("spawn_monitor", 1, bif_spawn_monitor1),
    E("spawn_monitor", 3, bif_spawn_monitor3),
    E("spawn_opt", 2, bif_spawn_opt2),
    E("spawn_opt", 4, bif_spawn_opt4),
    E("send", 2, bif_send2),
    E("send", 3, bif_send3),
    E("link", 1, bif_link),
    E("unlink", 1, bif_unlink),
    E("monitor", 2, bif_monitor2),
    E("demonitor", 1, bif_demonitor1),
    E("demonitor", 2, bif_demonitor2),
    E("exit", 2, bif_exit2),
    E("is_process_alive", 1, bif_is_process_alive),
    E("process_flag", 2, bif_process_flag),
    E("process_flag", 3, bif_process_flag3),
    E("register", 2, bif_register),
    E("unregister", 1, bif_unregister),
    E("whereis", 1, bif_whereis),
    E("registered", 0, bif_registered),
    E("processes", 0, bif_processes),
    E("halt", 0, bif_halt0),
    E("halt", 1, bif_halt1),
    E("halt", 2, bif_halt2),
    E("send_after", 3, bif_send_after3),
    E("send_after", 4, bif_send_after4),
    E("start_timer", 3, bif_start_timer3),
    E("start_timer", 4, bif_start_timer4),
    E("cancel_timer", 1, bif_cancel_timer1),
    E("cancel_timer", 2, bif_cancel_timer2),
    E("read_timer", 1, bif_read_timer1),
    E("read_timer", 2, bif_read_timer2),
    {0},
};
