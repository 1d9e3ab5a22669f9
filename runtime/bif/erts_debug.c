/*
 * erts_debug.c — BIFs of the erts_debug module: the size functions heapscope exists to
 * reproduce (copy.h says how each counts) and same/2.
 *
 *   flat_size/1    size_object: every path counted
 *   size/1         size_shared: each distinct subterm once, literals counted
 *   size_shared/1  size_shared_litopt: each distinct subterm once, literals free
 *   same/2         the same term word (same address for boxed terms)
 */
#include "bif/bif.h"

#include "bignum.h"
#include "copy.h"

static Term bif_flat_size(Process *p, const Term *a) { return int_from_uint(&p->heap, size_object(a[0])); }
static Term bif_size(Process *p, const Term *a) { return int_from_uint(&p->heap, size_shared(a[0])); }
static Term bif_size_shared(Process *p, const Term *a)
{
    return int_from_uint(&p->heap, size_shared_litopt(a[0]));
}
static Term bif_same(Process *p, const Term *a) { return a[0] == a[1] ? AM(true) : AM(false); }

const BifDef bif_table_erts_debug[] = {
    {"erts_debug", "flat_size", 1, bif_flat_size, 0},
    {"erts_debug", "size", 1, bif_size, 0},
    {"erts_debug", "size_shared", 1, bif_size_shared, 0},
    {"erts_debug", "same", 2, bif_same, 0},
    {0},
};
