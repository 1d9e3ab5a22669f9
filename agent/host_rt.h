/*
 * host_rt.h — the runtime's side of agent/host.h: an AgentHost that answers from the live
 * process table, the ETS registry and the runtime's memory counters.
 *
 * Threads: every callback runs on an agent thread (collector or server), which holds no process
 * lock; it takes one process's main lock at a time (process_lock: allowed for a thread that
 * holds none, process.h) and never two. A process that is exiting is skipped. force_gc goes
 * through rt_force_gc, which runs the GC with the process's own saved registers.
 */
#ifndef HS_AGENT_HOST_RT_H
#define HS_AGENT_HOST_RT_H

#include "host.h"

/* Fills *h with the runtime's callbacks. program is kept (not copied); schedulers is what the
 * run started with (RtOptions.schedulers resolved: never 0). */
void host_rt_init(AgentHost *h, const char *program, unsigned schedulers);

/* erlang:memory/0's categories computed from the same sources as bif/info.c. */
void host_rt_memory(HostMemory *out);

#endif
