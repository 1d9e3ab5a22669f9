/*
 * probe.c — the hook table and the emitters that build events for modules that only know their
 * own structures (gc.c, bin.c, mailbox.c). See probe.h.
 */
#include "probe.h"

#include <stddef.h>
#include <time.h>

#include "process.h"

ProbeTable probe; /* all hooks NULL: no agent */

uint64_t probe_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Every heap the runtime collects is a process's (vm.c, bif/info.c, runtime.c): Heap is
 * Process's first member, so the process is found from the heap alone. */
static Term heap_pid(const Heap *h)
{
    const Process *p = (const Process *)(const void *)((const char *)h - offsetof(Process, heap));
    return p->pid;
}

void probe_gc_start(const Heap *h, const GcEvent *ev, bool major_requested)
{
    ProbeGc e = {.p = {probe_now_ns(), 0, heap_pid(h)}};
    e.ev.type = major_requested ? GC_MAJOR : GC_MINOR;
    e.ev.reason = ev->reason;
    e.ev.need = ev->need;
    e.ev.before = ev->before;
    probe.gc_start(&e);
}

void probe_gc_end(const Heap *h, const GcEvent *ev)
{
    ProbeGc e = {.p = {probe_now_ns(), 0, heap_pid(h)}, .ev = *ev};
    probe.gc_end(&e);
}

void probe_bin_event(ProbeBinKind kind, const void *binary, Uint bytes)
{
    ProbeBin e = {.time_ns = probe_now_ns(), .kind = kind, .binary = binary, .bytes = bytes};
    probe.bin(&e);
}
