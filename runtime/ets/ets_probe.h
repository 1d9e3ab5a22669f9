/*
 * ets_probe.h — what the agent learns of ETS: probe events at each change of a table, and the
 * list of live tables for the agent's periodic samples (issue 6).
 *
 * A table's id for the agent (table_id) is the address of its EtsTable: ets.h says the struct
 * is never freed, so the id is stable and unique for the life of the runtime, and the events
 * and the listing agree on it.
 *
 * [any thread] both; the listing takes the registry's and each table's locks briefly (through
 * ets.h's own functions) and must not be called with a table lock held.
 */
#ifndef HS_ETS_PROBE_H
#define HS_ETS_PROBE_H

#include <stddef.h>

#include "ets/ets.h"
#include "probe.h"

/* Emits the probe event for tb after the change (size and memory as they are now). kind
 * PROBE_ETS_DELETE_OBJECT on a table that is already dead is reported as
 * PROBE_ETS_DELETE_TABLE (ets.c's table_delete reuses its delete event). Call behind
 * PROBE_ON(ets). */
void ets_probe_event(EtsTable *tb, ProbeEtsKind kind);

typedef struct EtsProbeInfo {
    uint64_t table_id;
    Term name;          /* atom */
    Term owner;         /* pid */
    EtsType type;
    EtsAccess access;
    Uint size;          /* objects */
    Uint memory_words;  /* ets:info(T, memory) */
} EtsProbeInfo;

/* Fills up to cap entries (oldest table first); returns how many tables are alive (may be
 * more than cap). */
size_t ets_probe_list(EtsProbeInfo *out, size_t cap);

#endif
