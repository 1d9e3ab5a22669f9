/*
 * process.c — creating, starting, measuring and freeing processes (process.h).
 */
#include "process.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "code.h"
#include "dict.h"
#include "ptab.h"
#include "scheduler.h"
#include "procsig.h"
#include "timer.h"

void (*process_finalize_hook)(Process *p);

Process *process_new_opts(Uint min_heap_size, Uint min_vheap_size, Uint fullsweep_after)
{
    Process *p = calloc(1, sizeof *p);
    if (!p) abort();
    heap_init(&p->heap, min_heap_size, fullsweep_after);
    if (min_vheap_size > p->heap.min_vheap_size) heap_set_min_vheap(&p->heap, min_vheap_size);
    p->pid = make_pid(ptab_next_number());
    p->exc.stacktrace = NONVALUE;
    p->result = NIL;
    p->reg_name = NIL;
    p->group_leader = NIL;
    p->heap.flags |= HEAP_MAX_KILL | HEAP_MAX_LOG; /* max_heap_size's defaults */
    p->initial_call[0] = p->initial_call[1] = AM(undefined);
    p->initial_call[2] = make_small(0);
    mailbox_init(&p->mailbox);
    sched_link_init(&p->sched, SCHED_PRIO_NORMAL);
    pthread_mutex_init(&p->lock, NULL);
    atomic_init(&p->refc, 1);
    return p;
}

Process *process_new(void)
{
    /* A process run by vm_run alone (tests, tools) is a program's first process. */
    Process *p = process_new_opts(H_DEFAULT_SIZE, 0, FULLSWEEP_AFTER_DEFAULT);
    p->flags |= PROC_BOOT;
    return p;
}

void process_drop_memory(Process *p)
{
    heap_destroy(&p->heap);
    memset(&p->heap, 0, sizeof p->heap);
    dict_free(p->dict);
    p->dict = NULL;
    free(p->extra_arg_reg);
    p->extra_arg_reg = NULL;
    p->arity = 0;
    sig_links_free(p);
    if (p->exit_sig) {
        mailbox_message_free(p->exit_sig);
        p->exit_sig = NULL;
    }
}

void process_free(Process *p)
{
    if (!p) return;
    process_drop_memory(p);
    mailbox_destroy(&p->mailbox);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

void process_release(Process *p)
{
    if (atomic_fetch_sub_explicit(&p->refc, 1, memory_order_acq_rel) != 1) return;
    if (process_finalize_hook) process_finalize_hook(p);
    process_free(p);
}

void process_setup_call(Process *p, const void *entry, const Term *args, unsigned arity)
{
    /* The stack is one word: the return address of the initial call. */
    p->heap.stop = p->heap.hend - 1;
    p->heap.stop[0] = (Term)(uintptr_t)code_normal_exit();
    p->ip = entry;
    p->arity = arity;
    Term *dst = p->arg_reg;
    if (arity > PROC_DEF_ARG_REGS) {
        free(p->extra_arg_reg);
        p->extra_arg_reg = malloc(arity * sizeof(Term));
        if (!p->extra_arg_reg) abort();
        dst = p->extra_arg_reg;
    }
    if (arity) memcpy(dst, args, arity * sizeof(Term));
}

void process_lock_other(Process *self, Process *q)
{
    atomic_store_explicit(&self->in_bif, 1, memory_order_relaxed);
    process_unlock(self);
    process_lock(q);
}

void process_unlock_other(Process *self, Process *q)
{
    process_unlock(q);
    process_lock(self);
    atomic_store_explicit(&self->in_bif, 0, memory_order_relaxed);
}

void process_lock_for_gc(Process *q)
{
    for (;;) {
        process_lock(q);
        if (!atomic_load_explicit(&q->in_bif, memory_order_relaxed)) return;
        process_unlock(q);
        sched_yield();
    }
}

/* OTP's erts_process_memory: the control block, the heap block and fragments, the old heap,
 * the queue, the extra argument registers, the dictionary, links and monitors. */
Uint process_memory_bytes(const Process *p)
{
    const Heap *h = &p->heap;
    Uint words = h->heap_sz + h->mbuf_sz + (h->old_heap ? heap_old_block_words(h) : 0);
    Uint bytes = PROC_OTP_PCB_BYTES + words * sizeof(Term);
    bytes += mailbox_memory_bytes(&p->mailbox);
    if (p->arity > PROC_DEF_ARG_REGS) bytes += p->arity * sizeof(Term);
    bytes += dict_memory_bytes(p->dict);
    bytes += sig_links_memory_bytes(p);
    return bytes;
}
