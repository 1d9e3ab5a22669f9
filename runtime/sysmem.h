/*
 * sysmem.h — erlang:memory's categories, in bytes, for the BIF and the agent alike.
 *
 *   processes       every live process's memory as process_info(P, memory) counts it
 *                   (processes_used is the same: we have no allocator slack to tell apart)
 *   ets             ets_total_bytes: every table's own memory
 *   binary          refc binary data still referenced (bin_stats)
 *   atom, atom_used the atom table and its text
 *   code            the loaded modules and the export table
 *   system          ets + binary + atom + code; total = processes + system
 *
 * Each process is read under its lock (process.h's rule: a process reading others lets go of
 * its own first). [any thread]
 */
#ifndef HS_SYSMEM_H
#define HS_SYSMEM_H

#include "process.h"

typedef struct SysMem {
    Uint total, processes, processes_used, system, atom, atom_used, binary, code, ets;
} SysMem;

/* caller: the process asking (erlang:memory), or NULL from a thread that runs no process and
 * holds no process lock (the agent). */
void sysmem_get(Process *caller, SysMem *out);

#endif
