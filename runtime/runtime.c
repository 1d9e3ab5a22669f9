/*
 * runtime.c — schedulers running processes, spawn, send, exit, halt (runtime.h).
 */
#include "runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "atom.h"
#include "code.h"
#include "copy.h"
#include "ets/ets.h"
#include "gc.h"
#include "print.h"
#include "probe.h"
#include "ptab.h"
#include "rtimer.h"
#include "procsig.h"
#include "strbuf.h"
#include "vm.h"

/* Signals handled at the start of a slice, at most (the rest wait for the next check). */
#define FETCH_ALL ((Uint)-1) /* a slice starts with everything in transit (send_onto_heap) */

static struct {
    Sched *sched;
    RtOptions opt;
    TimerWheel *wheels;
    unsigned n_wheels;
    pthread_mutex_t halt_lock;
    pthread_cond_t halt_cond;
    bool halted;
    int status;
    _Atomic bool running;
    _Atomic Uint reductions;
} rt = {.halt_lock = PTHREAD_MUTEX_INITIALIZER, .halt_cond = PTHREAD_COND_INITIALIZER};

static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local TimerWheel *my_wheel;
/* The first code a spawned process runs: apply_list_last (x0 module, x1 function, x2 args). */
static Instr spawn_code[2];

bool rt_running(void) { return atomic_load_explicit(&rt.running, memory_order_acquire); }
const RtOptions *rt_options(void) { return &rt.opt; }
TimerWheel *rt_wheel(void) { return my_wheel; }

void rt_notify(Process *q)
{
    if (rt.sched) sched_notify(rt.sched, &q->sched);
}

uint64_t rt_run_queue(void) { return rt.sched ? sched_run_queue_total(rt.sched) : 0; }
Uint rt_total_reductions(void) { return atomic_load_explicit(&rt.reductions, memory_order_relaxed); }

void rt_spawn_opts_default(SpawnOpts *o)
{
    memset(o, 0, sizeof *o);
    o->fullsweep_after = RT_DEFAULT;
    o->max_heap_flags = HEAP_MAX_KILL | HEAP_MAX_LOG;
    o->off_heap = -1;
    o->prio = SCHED_PRIO_NORMAL;
}

/* ---- crash reports ---------------------------------------------------------------------- */

/* The report erl -noshell prints when a process dies of an error or an uncaught throw
 * (error_logger's shape): "=ERROR REPORT==== date ===\nError in process P with exit value:". */
/* erl's report header line, "=ERROR REPORT==== 25-Nov-2026::19:43:29.542493 ===". */
static void report_header(StrBuf *sb)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    localtime_r(&tv.tv_sec, &tm);
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    sb_printf(sb, "=ERROR REPORT==== %d-%s-%d::%02d:%02d:%02d.%06ld ===\n", tm.tm_mday,
              mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
              (long)tv.tv_usec);
}

/* Writes a finished report to stderr after what the program printed so far. */
static void report_write(StrBuf *sb)
{
    pthread_mutex_lock(&report_lock);
    fflush(stdout);
    fwrite(sb->data, 1, sb->len, stderr);
    fflush(stderr);
    pthread_mutex_unlock(&report_lock);
    sb_free(sb);
}

static void crash_report(Process *p, Term value)
{
    StrBuf sb = STRBUF_INIT;
    report_header(&sb);
    sb_puts(&sb, "Error in process ");
    print_w(&sb, p->pid, -1);
    sb_puts(&sb, " with exit value:\n");
    PrintOpts po = PRINT_OPTS_DEFAULT;
    print_p(&sb, value, &po);
    sb_puts(&sb, "\n\n");
    report_write(&sb);
}

/* The exit reason of an exception: exit's reason as is, {Reason, Stack} for an error,
 * {{nocatch, Value}, Stack} for a throw; those two are reported. */
static Term exception_reason(Process *p, bool *report)
{
    Term cls = p->exc.class, reason = p->exc.reason;
    *report = cls != AM(exit);
    if (cls == AM(exit)) return reason;
    if (cls == AM(throw)) reason = heap_tuple2(&p->heap, atom_put("nocatch", 7), reason);
    return heap_tuple2(&p->heap, reason, p->exc.stacktrace == NONVALUE ? NIL : p->exc.stacktrace);
}

/* ---- max_heap_size ------------------------------------------------------------------------ */

/* OTP's reached_max_heap_size report (erl_gc.c), on stderr as erl -noshell's logger prints it. */
static void max_heap_report(Process *p)
{
    Heap *h = &p->heap;
    GcInfo gi;
    gc_info(h, &gi);
    StrBuf sb = STRBUF_INIT;
    report_header(&sb);
    sb_puts(&sb, "     Process:            ");
    print_w(&sb, p->pid, -1);
    sb_puts(&sb, " \n     Context:            maximum heap size reached\n");
    sb_printf(&sb, "     Max Heap Size:      %llu\n", (unsigned long long)h->max_heap_size);
    sb_printf(&sb, "     Total Heap Size:    %llu\n", (unsigned long long)h->max_heap_seen);
    sb_printf(&sb, "     Kill:               %s\n", (h->flags & HEAP_MAX_KILL) ? "true" : "false");
    sb_printf(&sb, "     Error Logger:       %s\n", (h->flags & HEAP_MAX_LOG) ? "true" : "false");
    sb_printf(&sb, "     Message Queue Len:  %llu\n", (unsigned long long)mailbox_len(&p->mailbox));
    Uint vals[GC_INFO_ITEMS];
    gc_info_values(&gi, vals);
    for (int i = 0; i < GC_INFO_ITEMS; i++)
        sb_printf(&sb, "%s{%s,%llu}%s", i ? "                          " : "     GC Info:            [",
                  gc_info_names[i], (unsigned long long)vals[i],
                  i < GC_INFO_ITEMS - 1 ? ",\n" : "]\n\n");
    report_write(&sb);
}

bool rt_max_heap_reached(Process *p)
{
    Heap *h = &p->heap;
    if (!(h->flags & HEAP_MAX_REACHED)) return false;
    h->flags &= ~(unsigned)HEAP_MAX_REACHED;
    if (h->flags & HEAP_MAX_LOG) max_heap_report(p);
    if (!(h->flags & HEAP_MAX_KILL)) return false;
    proc_raise(p, AM(exit), AM(killed));
    return true;
}

/* ---- exit ------------------------------------------------------------------------------- */

static bool pid_alive(Term pid)
{
    Process *q = ptab_lookup(pid);
    if (q) process_release(q);
    return q != NULL;
}

void rt_deliver_ets_transfers(Term from, struct EtsTransfer *list)
{
    for (EtsTransfer *t = list; t; t = t->next)
        sig_send_to(t->to, mailbox_message_new(t->msg, from, false, NULL));
    ets_transfer_free(list);
}

/* p exits with reason: it leaves the table, tells links and monitors, gives up its ETS
 * tables and frees its memory. [owner, lock held] */
static unsigned current_sched(void)
{
    int id = rt.sched ? sched_current(rt.sched) : -1;
    return id < 0 ? 0 : (unsigned)id;
}

static void probe_exit(Process *p, Term reason)
{
    ProbeExit ev = {.p = {probe_now_ns(), current_sched(), p->pid}};
    ev.memory_bytes = process_memory_bytes(p);
    ev.heap_words = p->heap.heap_sz;
    ev.old_heap_words = p->heap.old_heap ? heap_old_block_words(&p->heap) : 0;
    ev.mbuf_words = p->heap.mbuf_sz;
    ev.reason_atom = term_is_atom(reason) ? reason : NIL;
    StrBuf sb = STRBUF_INIT;
    print_w(&sb, reason, 6);
    size_t n = sb.len < sizeof ev.reason - 1 ? sb.len : sizeof ev.reason - 1;
    memcpy(ev.reason, sb.data, n);
    ev.reason[n] = 0;
    sb_free(&sb);
    probe.exit(&ev);
}

static void process_exit(Process *p, Term reason)
{
    if (PROBE_ON(exit)) probe_exit(p, reason);
    atomic_store_explicit(&p->exiting, 1, memory_order_release);
    ptab_remove(p);
    ptab_unregister_process(p);
    rtimer_receive_done(p);
    rtimer_dest_exited(p);
    /* OTP hands the tables over before links and monitors hear of the exit: an heir that
     * also monitors the owner gets 'ETS-TRANSFER' before 'DOWN'. */
    rt_deliver_ets_transfers(p->pid, ets_owner_exited(p->pid, pid_alive));
    sig_process_exited(p, reason);
    if (p->flags & PROC_BOOT) rt_halt(reason == AM(normal) ? 0 : 1);
    process_drop_memory(p);
}

/* ---- the slice -------------------------------------------------------------------------- */

static SchedResult run_slice(void *ctx, unsigned sched_id, SchedLink *l)
{
    Process *p = SCHED_OWNER(l, Process, sched);
    (void)ctx;
    (void)sched_id;
    process_lock(p);
    Uint reds_before = p->reductions;
    VmStatus st;
    if (rt_max_heap_reached(p)) {
        st = VM_CRASHED; /* a GC from outside tripped max_heap_size */
    } else if (sig_fetch(p, FETCH_ALL)) {
        st = vm_run(p);
        if ((st == VM_YIELD || st == VM_WAIT) && rt_max_heap_reached(p)) st = VM_CRASHED;
    } else {
        proc_raise(p, AM(exit), sig_exit_reason(p));
        st = VM_CRASHED;
    }
    atomic_fetch_add_explicit(&rt.reductions, p->reductions - reds_before, memory_order_relaxed);
    switch (st) {
    case VM_YIELD:
        process_unlock(p);
        return SCHED_YIELD;
    case VM_WAIT:
        process_unlock(p);
        return SCHED_WAIT;
    case VM_DONE:
        process_exit(p, AM(normal));
        break;
    case VM_CRASHED: {
        bool report = false;
        Term reason = p->exit_sig || (p->flags & PROC_HALTING) ? sig_exit_reason(p)
                                                               : exception_reason(p, &report);
        if (report) crash_report(p, reason);
        process_exit(p, reason);
        break;
    }
    }
    process_unlock(p);
    return SCHED_EXIT;
}

static void on_exited(void *ctx, unsigned sched_id, SchedLink *l)
{
    (void)ctx;
    (void)sched_id;
    process_release(SCHED_OWNER(l, Process, sched)); /* the table's reference */
}

static void advance_timers(void *ctx, unsigned sched_id)
{
    (void)ctx;
    rtimer_advance(&rt.wheels[sched_id]);
}

static uint64_t next_deadline(void *ctx, unsigned sched_id)
{
    (void)ctx;
    uint64_t t = timer_next_expiry(&rt.wheels[sched_id]);
    return t == UINT64_MAX ? SCHED_NO_DEADLINE : t;
}

static void thread_start(void *ctx, unsigned sched_id)
{
    (void)ctx;
    my_wheel = &rt.wheels[sched_id];
    if (probe.thread_start) probe.thread_start(sched_id); /* the agent's per-scheduler ring */
}

/* ---- start, halt, wait ------------------------------------------------------------------ */

bool rt_start(const RtOptions *o)
{
    rt.opt = *o;
    if (!rt.opt.min_heap_size) rt.opt.min_heap_size = H_DEFAULT_SIZE;
    if (rt.opt.fullsweep_after == RT_DEFAULT) rt.opt.fullsweep_after = FULLSWEEP_AFTER_DEFAULT;
    const void *const *ops = vm_opcode_addrs();
    spawn_code[0] = (Instr)ops[OPC_apply_list_last];
    spawn_code[1] = 0;
    process_finalize_hook = sig_finalize;
    unsigned n = o->schedulers ? o->schedulers : sched_online_cores();
    if (n > SCHED_MAX_THREADS) n = SCHED_MAX_THREADS;
    rt.n_wheels = n;
    rt.wheels = calloc(n, sizeof *rt.wheels);
    if (!rt.wheels) return false;
    uint64_t now = sched_now_ms();
    for (unsigned i = 0; i < n; i++) timer_wheel_init(&rt.wheels[i], now, rtimer_release, NULL);
    SchedConfig cfg = {
        .n_schedulers = n,
        .seed = o->seed,
        .run = run_slice,
        .exited = on_exited,
        .advance_timers = advance_timers,
        .next_deadline_ms = next_deadline,
        .thread_start = thread_start,
    };
    rt.sched = sched_new(&cfg);
    if (!rt.sched) return false;
    atomic_store_explicit(&rt.running, true, memory_order_release);
    if (!sched_start(rt.sched)) {
        sched_free(rt.sched);
        rt.sched = NULL;
        return false;
    }
    return true;
}

void rt_halt(int status)
{
    pthread_mutex_lock(&rt.halt_lock);
    if (!rt.halted) {
        rt.halted = true;
        rt.status = status;
        fflush(stdout);
        if (rt.sched) sched_halt(rt.sched);
        pthread_cond_broadcast(&rt.halt_cond);
    }
    pthread_mutex_unlock(&rt.halt_lock);
}

static bool free_left(Process *p, void *arg)
{
    (void)arg;
    rtimer_receive_done(p); /* the wheels are gone: this drops the timer and its reference */
    ptab_remove(p);
    /* The lookup's reference is dropped by ptab_each; this drops the table's. */
    process_release(p);
    return true;
}

int rt_wait(void)
{
    pthread_mutex_lock(&rt.halt_lock);
    while (!rt.halted) pthread_cond_wait(&rt.halt_cond, &rt.halt_lock);
    int status = rt.status;
    pthread_mutex_unlock(&rt.halt_lock);
    sched_wait(rt.sched);
    fflush(stdout);
    atomic_store_explicit(&rt.running, false, memory_order_release);
    /* Every thread is stopped: free the processes left, then the wheels (their timers hold
     * references to processes, so the wheels go first). */
    for (unsigned i = 0; i < rt.n_wheels; i++) timer_wheel_destroy(&rt.wheels[i]);
    ptab_each(free_left, NULL);
    rtimer_reset();
    sched_free(rt.sched);
    rt.sched = NULL;
    free(rt.wheels);
    rt.wheels = NULL;
    return status;
}

/* ---- spawn and send --------------------------------------------------------------------- */

static Uint copy_size(Term t)
{
    return rt.opt.sharing_preserving ? size_shared_litopt(t) : size_object_litopt(t);
}

/* Copies t onto h (which has room for copy_size(t) words). */
static Term copy_in(Heap *h, Term t)
{
    Uint sz = copy_size(t);
    if (!sz) return t;
    Term *hp = heap_alloc(h, sz);
    if (!rt.opt.sharing_preserving) return copy_struct_litopt(t, sz, &hp, &h->off_heap);
    Uint words;
    CopySharedInfo *info = copy_shared_calculate(t, true, &words);
    Term r = copy_shared_perform(info, &hp, &h->off_heap);
    copy_shared_done(info);
    return r;
}

Process *rt_spawn(Process *parent, Term mfa[3], Term args, SpawnOpts *o, bool is_main)
{
    Uint min_heap = o->use_args && o->min_heap_size ? o->min_heap_size : rt.opt.min_heap_size;
    Uint fsa = o->use_args && o->fullsweep_after != RT_DEFAULT ? o->fullsweep_after
                                                               : rt.opt.fullsweep_after;
    if (!min_heap) min_heap = H_DEFAULT_SIZE;
    Process *c = process_new_opts(min_heap, o->use_args ? o->min_vheap_size : 0, fsa);
    /* The function (a fun, for spawn/1) and the arguments are copied as a send copies them
     * (spawn arguments lose sharing too) onto the new heap, made large enough for them, as
     * OTP's erl_create_process does. */
    Term call[3] = {mfa[0], mfa[1], args};
    Uint sz = copy_size(call[1]) + copy_size(call[2]);
    if (sz + S_RESERVED > heap_free_words(&c->heap)) heap_grow_fresh(&c->heap, sz + S_RESERVED);
    call[1] = copy_in(&c->heap, call[1]);
    call[2] = copy_in(&c->heap, call[2]);
    process_setup_call(c, spawn_code, call, 3);
    /* Links and monitors from spawn_link/spawn_monitor exist before the child can run. */
    if (parent && o->link) sig_spawn_link(parent, c);
    if (parent && o->monitor) o->monitor_ref = sig_spawn_monitor(parent, c);
    c->initial_call[0] = mfa[0];
    c->initial_call[1] = mfa[1];
    c->initial_call[2] = mfa[2];
    c->heap.max_heap_size = o->max_heap_size;
    c->heap.flags = (c->heap.flags & ~(unsigned)(HEAP_MAX_KILL | HEAP_MAX_LOG)) | o->max_heap_flags;
    bool off = o->off_heap < 0 ? rt.opt.off_heap : o->off_heap != 0;
    mailbox_set_off_heap(&c->mailbox, off);
    sched_set_prio(&c->sched, o->prio);
    if (is_main) c->flags |= PROC_BOOT; /* its end halts the runtime */
    ptab_insert(c);
    process_retain(c);
    if (PROBE_ON(spawn)) {
        ProbeSpawn ev = {.p = {probe_now_ns(), current_sched(), c->pid}};
        ev.parent = parent ? parent->pid : NIL;
        ev.mod = mfa[0] == AM(undefined) ? atom_put("erlang", 6) : mfa[0];
        ev.fun = mfa[0] == AM(undefined) ? atom_put("apply", 5) : mfa[1];
        ev.arity = mfa[0] == AM(undefined) ? 2 : (unsigned)small_val(mfa[2]);
        probe.spawn(&ev);
    }
    sched_spawn(rt.sched, &c->sched);
    return c;
}

/* The send probe: the copy's flat size, the shared size when this send is sampled, and the
 * sender's code address (the VM keeps p->ip at the send). */
static _Thread_local unsigned send_skip;   /* per scheduler: no shared line on every send */
static _Thread_local uint32_t send_rng;    /* xorshift state of the gaps between samples */

/*
 * The first send, then one in send_sample_every on average: a countdown (no division per
 * send) over random gaps. A fixed period would alias with a program's own send pattern: a
 * loop that sends from 4 sites in turn, sampled every 16th send, would only ever measure one
 * of them. Gaps uniform in [0, 2(every-1)] keep the mean rate and sample every site.
 */
static __attribute__((noinline)) bool send_sample_next(void)
{
    unsigned every = probe.send_sample_every;
    if (!every) return false;
    if (every > 1) {
        uint32_t r = send_rng ? send_rng : (uint32_t)(uintptr_t)&send_rng | 1u;
        r ^= r << 13;
        r ^= r >> 17;
        r ^= r << 5;
        send_rng = r;
        send_skip = r % (2 * (every - 1) + 1);
    }
    return true;
}

/* The countdown first: most sends only decrement it. */
static bool send_sampled(void)
{
    if (__builtin_expect(send_skip != 0, 1)) {
        send_skip--;
        return false;
    }
    return send_sample_next();
}

/* No clock read or scheduler lookup per send: the hook stamps the time when it makes a record
 * and knows its own thread. The site goes as a code address: the collector resolves it (a
 * code-table lookup here would take the code lock on every send). Scalars, not a ProbeSend:
 * nothing to build (probe.h). */
static void probe_send(Process *p, Term to, const MessageSizes *ms)
{
    probe.send(p->pid, to, p->ip, ms->flat_words ? ms->flat_words : ms->copied_words,
               ms->shared_words);
}

/*
 * OTP's erts_try_alloc_message_on_heap: when the receiver's queue is on_heap, its main lock is
 * free (it is not running) and its heap has room, the copy goes straight onto its heap and the
 * message carries no data (reference §5.3: the first message to a blocked receiver lands on
 * its heap). The push happens under the lock, so the receiver cannot collect before the
 * message is in its queue; each slice begins by fetching everything in transit, and a GC from
 * outside fetches first too, so the data is a root (a queued message without data) by the
 * time any collection can run.
 */
static bool send_onto_heap(Process *p, Process *q, Term msg, MessageSizes *ms, MailboxPush *pushed)
{
    if (mailbox_is_off_heap(&q->mailbox) || !process_trylock(q)) return false;
    bool done = false;
    if (!process_is_exiting(q) && !atomic_load_explicit(&q->in_bif, memory_order_relaxed)) {
        Heap *h = &q->heap;
        Uint sz = copy_size(msg);
        if (heap_free_words(h) > sz) {
            Term c = copy_in(h, msg);
            if (ms) {
                ms->copied_words = sz;
                if (ms->want_flat) ms->flat_words = rt.opt.sharing_preserving ? size_object_litopt(msg) : sz;
                if (ms->want_shared) ms->shared_words = rt.opt.sharing_preserving ? sz : size_shared_litopt_flat(msg, sz);
            }
            *pushed = mailbox_push(&q->mailbox, mailbox_message_nocopy(c, p->pid));
            done = true;
        }
    }
    process_unlock(q);
    return done;
}

void rt_send(Process *p, Term to, Term msg)
{
    if (to == p->pid) {
        if (!mailbox_is_off_heap(&p->mailbox)) {
            /* On-heap self-send: the term is already here; nothing is copied (OTP). */
            mailbox_enqueue_private(&p->mailbox, mailbox_message_nocopy(msg, p->pid));
        } else {
            mailbox_push(&p->mailbox, mailbox_message_new(msg, p->pid, rt.opt.sharing_preserving, NULL));
        }
        return;
    }
    Process *q = ptab_lookup(to);
    if (!q) return;
    MessageSizes ms = {0}, *msp = NULL;
    if (PROBE_ON(send)) {
        ms.want_flat = rt.opt.sharing_preserving;   /* a flat copy's size is its flat size */
        ms.want_shared = send_sampled();
        msp = &ms;
    }
    MailboxPush pushed;
    if (!send_onto_heap(p, q, msg, msp, &pushed)) {
        Message *m = mailbox_message_new(msg, p->pid, rt.opt.sharing_preserving, msp);
        pushed = mailbox_push(&q->mailbox, m);
    }
    if (pushed == MAILBOX_PUSH_WAKE) rt_notify(q);
    process_release(q);
    if (msp) probe_send(p, to, msp);
}

bool rt_force_gc(Term pid, bool major, GcEvent *ev)
{
    Process *q = ptab_lookup(pid);
    if (!q) return false;
    process_lock_for_gc(q);
    /* Messages sent onto q's heap are roots only once fetched (send_onto_heap). */
    bool alive = !process_is_exiting(q) && sig_fetch(q, FETCH_ALL);
    if (alive) {
        GcRoots r;
        vm_gc_roots(q, &r, process_arg_regs(q), q->arity);
        gc_collect(&q->heap, 0, &r, major, GC_REASON_EXPLICIT, ev);
    }
    process_unlock(q);
    process_release(q);
    return alive;
}
