/*
 * bif.c — the BIF registry: gathers each module's table and indexes it by {M, F, A}.
 */
#include "bif/bif.h"

#include <stdlib.h>
#include <string.h>

/* One table per runtime/bif/<module>.c, each ended by a zeroed entry. */
extern const BifDef bif_table_erlang[], bif_table_erts_debug[], bif_table_lists[],
    bif_table_maps[], bif_table_binary[], bif_table_math[], bif_table_unicode[], bif_table_io[],
    bif_table_ets[], bif_table_dets[], bif_table_dict[], bif_table_process[], bif_table_info[], bif_table_code[];

static const BifDef *const tables[] = {
    bif_table_erlang, bif_table_erts_debug, bif_table_lists, bif_table_maps,
    bif_table_binary, bif_table_math, bif_table_unicode, bif_table_io,
    bif_table_ets, bif_table_dets, bif_table_dict, bif_table_process, bif_table_info, bif_table_code,
};

typedef struct Slot {
    Term module, name;
    unsigned arity;
    const BifDef *def;
} Slot;

/* Open addressing, at most half full; written once by bif_init, then read-only. */
static Slot *index_slots;
static size_t index_mask;

static size_t slot_hash(Term m, Term f, unsigned a)
{
    uint64_t h = (m * 0x9E3779B97F4A7C15u) ^ (f * 0xC2B2AE3D27D4EB4Fu) ^ a;
    h ^= h >> 29;
    return (size_t)(h * 0x94D049BB133111EBu >> 17);
}

void bif_init(void)
{
    if (index_slots) return;
    size_t n = 0;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (const BifDef *d = tables[t]; d->name; d++) n++;
    size_t cap = 64;
    while (cap < 2 * n) cap *= 2;
    index_slots = calloc(cap, sizeof *index_slots);
    if (!index_slots) abort();
    index_mask = cap - 1;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        for (const BifDef *d = tables[t]; d->name; d++) {
            Term m = atom_put(d->module, strlen(d->module));
            Term f = atom_put(d->name, strlen(d->name));
            size_t i = slot_hash(m, f, d->arity) & index_mask;
            while (index_slots[i].def) i = (i + 1) & index_mask;
            index_slots[i] = (Slot){m, f, d->arity, d};
        }
    }
}

const BifDef *bif_lookup(Term module, Term name, unsigned arity)
{
    for (size_t i = slot_hash(module, name, arity) & index_mask; index_slots[i].def;
         i = (i + 1) & index_mask) {
        const Slot *s = &index_slots[i];
        if (s->module == module && s->name == name && s->arity == arity) return s->def;
    }
    return NULL;
}
