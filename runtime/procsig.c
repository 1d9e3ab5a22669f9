/*
 * procsig.c — links, monitors and exit signals (procsig.h).
 */
#include "procsig.h"

#include <stdlib.h>
#include <string.h>

#include "atom.h"
#include "ptab.h"
#include "runtime.h"

/* ---- the sets ---------------------------------------------------------------------------- */

static ProcLinks *links_of(Process *p)
{
    if (!p->links) {
        p->links = calloc(1, sizeof *p->links);
        if (!p->links) abort();
    }
    return p->links;
}

static int link_index(const ProcLinks *l, Term pid)
{
    if (!l) return -1;
    for (uint32_t i = 0; i < l->n_links; i++)
        if (l->links[i] == pid) return (int)i;
    return -1;
}

static void link_add(Process *p, Term pid)
{
    ProcLinks *l = links_of(p);
    if (link_index(l, pid) >= 0) return;
    if (l->n_links == l->cap_links) {
        l->cap_links = l->cap_links ? 2 * l->cap_links : 4;
        l->links = realloc(l->links, l->cap_links * sizeof *l->links);
        if (!l->links) abort();
    }
    l->links[l->n_links++] = pid;
}

static bool link_remove(Process *p, Term pid)
{
    ProcLinks *l = p->links;
    int i = link_index(l, pid);
    if (i < 0) return false;
    l->links[i] = l->links[--l->n_links];
    return true;
}

static Monitor *mon_add(Process *p, uint64_t ref, Term other, Term name, bool origin)
{
    ProcLinks *l = links_of(p);
    if (l->n_mons == l->cap_mons) {
        l->cap_mons = l->cap_mons ? 2 * l->cap_mons : 4;
        l->mons = realloc(l->mons, l->cap_mons * sizeof *l->mons);
        if (!l->mons) abort();
    }
    Monitor *m = &l->mons[l->n_mons++];
    *m = (Monitor){ref, other, name, origin};
    return m;
}

/* Removes the entry with this ref and end; fills *out with it. */
static bool mon_remove(Process *p, uint64_t ref, bool origin, Monitor *out)
{
    ProcLinks *l = p->links;
    if (!l) return false;
    for (uint32_t i = 0; i < l->n_mons; i++) {
        if (l->mons[i].ref == ref && l->mons[i].origin == origin) {
            if (out) *out = l->mons[i];
            /* Keep the order: process_info(monitors) lists them as made. */
            memmove(&l->mons[i], &l->mons[i + 1], (l->n_mons - i - 1) * sizeof *l->mons);
            l->n_mons--;
            return true;
        }
    }
    return false;
}

Uint sig_links_memory_bytes(const Process *p)
{
    const ProcLinks *l = p->links;
    if (!l) return 0;
    Uint b = (Uint)l->n_links * SIG_LINK_BYTES;
    for (uint32_t i = 0; i < l->n_mons; i++)
        b += l->mons[i].name != NIL ? SIG_MONITOR_NAMED_BYTES : SIG_MONITOR_BYTES;
    return b;
}

void sig_links_free(Process *p)
{
    if (!p->links) return;
    free(p->links->links);
    free(p->links->mons);
    free(p->links);
    p->links = NULL;
}

/* ---- sending ----------------------------------------------------------------------------- */

bool sig_send_to(Term pid, Message *m)
{
    Process *q = ptab_lookup(pid);
    if (!q) {
        mailbox_message_free(m);
        return false;
    }
    if (mailbox_push(&q->mailbox, m) == MAILBOX_PUSH_WAKE) rt_notify(q);
    process_release(q);
    return true;
}

/* Queues a signal to p itself (it is running: no wake-up is needed). */
static void send_self(Process *p, Message *m)
{
    mailbox_push(&p->mailbox, m);
}

bool sig_link(Process *p, Term pid)
{
    if (pid == p->pid || link_index(p->links, pid) >= 0) return true;
    link_add(p, pid);
    if (sig_send_to(pid, mailbox_signal_new(SIG_LINK, p->pid, NIL, NIL))) return true;
    link_remove(p, pid);
    if (!(p->flags & PROC_TRAP_EXIT)) return false;
    send_self(p, mailbox_signal_new(SIG_EXIT, pid, NIL, AM(noproc)));
    return true;
}

void sig_spawn_link(Process *parent, Process *child)
{
    link_add(parent, child->pid);
    link_add(child, parent->pid);
}

Term sig_spawn_monitor(Process *parent, Process *child)
{
    Term ref = ref_at(heap_halloc(&parent->heap, REF_SIZE));
    mon_add(parent, ref_number(ref), child->pid, NIL, true);
    mon_add(child, ref_number(ref), parent->pid, NIL, false);
    return ref;
}

void sig_unlink(Process *p, Term pid)
{
    if (link_remove(p, pid)) sig_send_to(pid, mailbox_signal_new(SIG_UNLINK, p->pid, NIL, NIL));
}

Term sig_monitor(Process *p, Term pid, Term name)
{
    Term ref = ref_at(heap_halloc(&p->heap, REF_SIZE));
    uint64_t n = ref_number(ref);
    if (pid == p->pid) return ref; /* monitoring oneself: a no-op that still returns a ref */
    Message *req = pid == NIL ? NULL : mailbox_signal_new(SIG_MONITOR, p->pid, ref, name);
    mon_add(p, n, pid, name, true);
    if (req && sig_send_to(pid, req)) return ref;
    /* Dead or unregistered: 'DOWN' with noproc at once (a named one says {Name, Node}). */
    mon_remove(p, n, true, NULL);
    mon_add(p, n, name != NIL ? NIL : pid, name, true);
    send_self(p, mailbox_signal_new(SIG_DOWN, name != NIL ? NIL : pid, ref, AM(noproc)));
    return ref;
}

/* Removes a queued 'DOWN' message for ref number n from p's private queue (demonitor flush).
 * A BIF never runs inside a receive, so the save point is at the start. */
static void flush_down(Process *p, uint64_t n)
{
    sig_fetch(p, (Uint)-1);
    Mailbox *mb = &p->mailbox;
    for (Message *m; (m = mailbox_peek(mb)) != NULL; mailbox_skip(mb)) {
        Term t = m->msg;
        if (term_is_tuple(t) && tuple_arity(t) == 5 && tuple_elems(t)[1] == AM(DOWN) &&
            ref_is_ordinary(tuple_elems(t)[2]) && ref_number(tuple_elems(t)[2]) == n) {
            mailbox_remove(mb, &p->heap); /* its words become garbage on p's heap */
            return;
        }
    }
    mailbox_receive_done(mb);
}

bool sig_demonitor(Process *p, Term ref, bool flush)
{
    if (!ref_is_ordinary(ref)) return false;
    uint64_t n = ref_number(ref);
    Monitor m;
    if (!mon_remove(p, n, true, &m)) {
        if (flush) flush_down(p, n);
        return false;
    }
    if (term_is_pid(m.other))
        sig_send_to(m.other, mailbox_signal_new(SIG_DEMONITOR, p->pid, ref, NIL));
    if (flush) flush_down(p, n);
    return true;
}

void sig_exit(Process *p, Term pid, Term reason)
{
    Message *m = mailbox_signal_new(SIG_EXIT, p->pid, NIL, reason);
    if (pid == p->pid) send_self(p, m);
    else sig_send_to(pid, m);
}

/* ---- receiving -------------------------------------------------------------------------- */

/* Turns sig into the message {Tag, From, Reason} (or 'DOWN''s five-tuple) and queues it. */
static void queue_exit_message(Process *p, Message *sig)
{
    Term *hp = mailbox_message_extend(sig, 4);
    hp[0] = make_tuple_header(3);
    hp[1] = AM(EXIT);
    hp[2] = sig->from;
    hp[3] = sig->msg;
    sig->msg = make_boxed(hp);
    sig->kind = SIG_MESSAGE;
    mailbox_enqueue_private(&p->mailbox, sig);
}

static void queue_down_message(Process *p, Message *sig)
{
    Term *hp = mailbox_message_extend(sig, 6);
    hp[0] = make_tuple_header(5);
    hp[1] = AM(DOWN);
    hp[2] = sig->ref;
    hp[3] = AM(process);
    hp[4] = sig->from;
    hp[5] = sig->msg;
    sig->msg = make_boxed(hp);
    sig->kind = SIG_MESSAGE;
    mailbox_enqueue_private(&p->mailbox, sig);
}

/* Returns false when p must exit (p->exit_sig = sig). */
static bool handle_exit(Process *p, Message *sig, bool linked)
{
    Term reason = sig->msg;
    if (linked && !link_remove(p, sig->from)) {
        mailbox_message_free(sig);
        return true;
    }
    if (!linked && reason == AM(kill)) {
        sig->msg = AM(killed);
    } else if (p->flags & PROC_TRAP_EXIT) {
        queue_exit_message(p, sig);
        return true;
    } else if (reason == AM(normal) && !(!linked && sig->from == p->pid)) {
        mailbox_message_free(sig);
        return true;
    }
    p->exit_sig = sig;
    return false;
}

static bool handle_signal(void *ctx, Mailbox *mb, Message *sig)
{
    Process *p = ctx;
    (void)mb;
    switch ((SignalKind)sig->kind) {
    case SIG_EXIT:
        return handle_exit(p, sig, false);
    case SIG_EXIT_LINKED:
        return handle_exit(p, sig, true);
    case SIG_LINK:
        link_add(p, sig->from);
        break;
    case SIG_UNLINK:
        link_remove(p, sig->from);
        break;
    case SIG_MONITOR:
        mon_add(p, ref_number(sig->ref), sig->from, sig->msg, false);
        break;
    case SIG_DEMONITOR:
        mon_remove(p, ref_number(sig->ref), false, NULL);
        break;
    case SIG_DOWN: {
        Monitor m;
        if (!mon_remove(p, ref_number(sig->ref), true, &m)) break;
        if (m.name != NIL) {
            /* Monitored by name: the DOWN names {Name, Node}. */
            Term *hp = mailbox_message_extend(sig, 3);
            hp[0] = make_tuple_header(2);
            hp[1] = m.name;
            hp[2] = AM(nonode_nohost);
            sig->from = make_boxed(hp);
        }
        queue_down_message(p, sig);
        return true;
    }
    case SIG_RPC: {
        RtRequest *rq = sig->aux;
        rq->fn(p, rq);
        break;
    }
    default:
        break;
    }
    mailbox_message_free(sig);
    return true;
}

bool sig_fetch(Process *p, Uint max)
{
    if (p->exit_sig) return false;
    mailbox_fetch(&p->mailbox, max, handle_signal, p);
    return p->exit_sig == NULL;
}

Term sig_exit_reason(Process *p) { return p->exit_sig ? p->exit_sig->msg : AM(normal); }

/* ---- exiting ---------------------------------------------------------------------------- */

/* Signals a process finds in its queue as it exits (reason) or after it is gone (noproc). */
static bool answer_dead(void *ctx, Mailbox *mb, Message *sig)
{
    Term reason = ((Term *)ctx)[0];
    (void)mb;
    switch ((SignalKind)sig->kind) {
    case SIG_LINK:
        sig_send_to(sig->from, mailbox_signal_new(SIG_EXIT_LINKED, ((Term *)ctx)[1], NIL, reason));
        break;
    case SIG_MONITOR:
        sig_send_to(sig->from, mailbox_signal_new(SIG_DOWN, ((Term *)ctx)[1], sig->ref, reason));
        break;
    case SIG_RPC: {
        RtRequest *rq = sig->aux;
        rq->fn(NULL, rq);
        break;
    }
    default:
        break;
    }
    mailbox_message_free(sig);
    return true;
}

static void drain(Process *p, Term reason)
{
    Term ctx[2] = {reason, p->pid};
    while (mailbox_fetch(&p->mailbox, (Uint)-1, answer_dead, ctx) != 0) {
    }
}

void sig_process_exited(Process *p, Term reason)
{
    ProcLinks *l = p->links;
    if (l) {
        for (uint32_t i = 0; i < l->n_links; i++)
            sig_send_to(l->links[i], mailbox_signal_new(SIG_EXIT_LINKED, p->pid, NIL, reason));
        for (uint32_t i = 0; i < l->n_mons; i++) {
            Monitor *m = &l->mons[i];
            if (!term_is_pid(m->other)) continue;
            Term rh[REF_SIZE];
            Term ref = ref_with_number(rh, m->ref);
            if (m->origin)
                sig_send_to(m->other, mailbox_signal_new(SIG_DEMONITOR, p->pid, ref, NIL));
            else
                sig_send_to(m->other, mailbox_signal_new(SIG_DOWN, p->pid, ref, reason));
        }
        l->n_links = l->n_mons = 0;
    }
    drain(p, reason);
}

void sig_finalize(Process *p) { drain(p, AM(noproc)); }
