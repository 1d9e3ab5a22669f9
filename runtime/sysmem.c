/*
 * sysmem.c — erlang:memory's categories (sysmem.h).
 */
#include "sysmem.h"

#include <string.h>

#include "atom.h"
#include "bin.h"
#include "code.h"
#include "ets/ets.h"
#include "ptab.h"

typedef struct MemSum {
    Process *caller;
    Uint bytes;
} MemSum;

static bool add_process(Process *q, void *arg)
{
    MemSum *ms = arg;
    if (q == ms->caller) {
        ms->bytes += process_memory_bytes(q);
        return true;
    }
    if (ms->caller) process_lock_other(ms->caller, q);
    else process_lock(q);
    if (!process_is_exiting(q)) ms->bytes += process_memory_bytes(q);
    if (ms->caller) process_unlock_other(ms->caller, q);
    else process_unlock(q);
    return true;
}

void sysmem_get(Process *caller, SysMem *c)
{
    MemSum ms = {caller, 0};
    ptab_each(add_process, &ms);
    memset(c, 0, sizeof *c);
    c->processes = c->processes_used = ms.bytes;
    c->ets = ets_total_bytes();
    c->binary = (Uint)atomic_load_explicit(&bin_stats.bytes_live, memory_order_relaxed);
    c->atom = atom_memory_bytes();
    c->atom_used = atom_used_bytes();
    c->code = code_memory_bytes();
    c->system = c->ets + c->binary + c->atom + c->code;
    c->total = c->processes + c->system;
}
