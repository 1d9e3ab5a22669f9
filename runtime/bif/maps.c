/*
 * maps.c — BIFs of the maps module, over map.h. Errors as OTP 25: {badmap, M} when an argument
 * that must be a map is not one, {badkey, K} when a required key is missing, badarg for a bad
 * list. maps:new/0 is the global literal #{} (0 heap words); maps:from_list([]) is a heap map.
 */
#include "bif/bif.h"

#include <stdlib.h>

#include "literal.h"
#include "map.h"

/* A fresh empty map: 3 words, the literal {} as its keys (OTP's flat_size 3). map.c's
 * builders put an on-heap {} there, which the heap verifier rejects; see the report. */
static Term empty_heap_map(Process *p)
{
    Term *mp = heap_halloc(&p->heap, 3);
    mp[0] = make_map_header(MAP_FLAT, 0, 2);
    mp[1] = 0;
    mp[2] = literal_empty_tuple();
    return make_boxed(mp);
}

static Term badmap(Process *p, Term m) { return bif_error(p, heap_tuple2(&p->heap, AM(badmap), m)); }
static Term badkey(Process *p, Term k) { return bif_error(p, heap_tuple2(&p->heap, AM(badkey), k)); }

static Term bif_get2(Process *p, const Term *a)
{
    Term v;
    if (!term_is_map(a[1])) return badmap(p, a[1]);
    return map_get(a[1], a[0], &v) ? v : badkey(p, a[0]);
}

static Term bif_get3(Process *p, const Term *a)
{
    Term v;
    if (!term_is_map(a[1])) return badmap(p, a[1]);
    return map_get(a[1], a[0], &v) ? v : a[2];
}

static Term bif_find(Process *p, const Term *a)
{
    Term v;
    if (!term_is_map(a[1])) return badmap(p, a[1]);
    return map_get(a[1], a[0], &v) ? heap_tuple2(&p->heap, AM(ok), v) : AM(error);
}

static Term bif_put(Process *p, const Term *a)
{
    if (!term_is_map(a[2])) return badmap(p, a[2]);
    return map_put(&p->heap, a[2], a[0], a[1]);
}

static Term bif_update(Process *p, const Term *a)
{
    if (!term_is_map(a[2])) return badmap(p, a[2]);
    Term r = map_update(&p->heap, a[2], a[0], a[1]);
    return r == NONVALUE ? badkey(p, a[0]) : r;
}

static Term bif_remove(Process *p, const Term *a)
{
    if (!term_is_map(a[1])) return badmap(p, a[1]);
    if (map_size(a[1]) == 1 && map_get(a[1], a[0], NULL)) return empty_heap_map(p);
    return map_remove(&p->heap, a[1], a[0]);
}

static Term bif_is_key(Process *p, const Term *a)
{
    if (!term_is_map(a[1])) return badmap(p, a[1]);
    return map_get(a[1], a[0], NULL) ? AM(true) : AM(false);
}

static Term bif_keys(Process *p, const Term *a)
{
    return term_is_map(a[0]) ? map_keys(&p->heap, a[0]) : badmap(p, a[0]);
}
static Term bif_values(Process *p, const Term *a)
{
    return term_is_map(a[0]) ? map_values(&p->heap, a[0]) : badmap(p, a[0]);
}
static Term bif_to_list(Process *p, const Term *a)
{
    return term_is_map(a[0]) ? map_to_list(&p->heap, a[0]) : badmap(p, a[0]);
}
static Term bif_size(Process *p, const Term *a)
{
    return term_is_map(a[0]) ? make_small((Sint)map_size(a[0])) : badmap(p, a[0]);
}

static Term bif_from_list(Process *p, const Term *a)
{
    if (term_is_nil(a[0])) return empty_heap_map(p);
    Term r = map_from_list(&p->heap, a[0]);
    return r == NONVALUE ? bif_badarg(p) : r;
}

static Term bif_new(Process *p, const Term *a) { return literal_empty_map(); }

/* maps:merge/2: the pairs of the second win. Built as maps:from_list of both in order, which
 * gives the map OTP builds for the same key set (the shape depends only on the keys). */
typedef struct Pairs {
    Term *k, *v;
    Uint n;
} Pairs;
static bool add_pair(Term k, Term v, void *arg)
{
    Pairs *ps = arg;
    ps->k[ps->n] = k;
    ps->v[ps->n] = v;
    ps->n++;
    return true;
}

static Term bif_merge(Process *p, const Term *a)
{
    if (!term_is_map(a[0])) return badmap(p, a[0]);
    if (!term_is_map(a[1])) return badmap(p, a[1]);
    Uint n1 = map_size(a[0]), n2 = map_size(a[1]);
    if (n2 == 0) return a[0];
    if (n1 == 0) return a[1];
    Pairs ps = {malloc((n1 + n2) * sizeof(Term)), malloc((n1 + n2) * sizeof(Term)), 0};
    if (!ps.k || !ps.v) abort();
    map_foreach(a[0], add_pair, &ps);
    map_foreach(a[1], add_pair, &ps);
    Term r = map_from_arrays(&p->heap, ps.k, ps.v, ps.n);
    free(ps.k);
    free(ps.v);
    return r;
}

static Term bif_take(Process *p, const Term *a)
{
    Term v;
    if (!term_is_map(a[1])) return badmap(p, a[1]);
    if (!map_get(a[1], a[0], &v)) return AM(error);
    Term m = map_size(a[1]) == 1 ? empty_heap_map(p) : map_remove(&p->heap, a[1], a[0]);
    return heap_tuple2(&p->heap, v, m);
}

static Term bif_from_keys(Process *p, const Term *a)
{
    Sint n = list_length(a[0]);
    if (n < 0) return bif_badarg(p);
    if (n == 0) return empty_heap_map(p);
    Term *ks = malloc((Uint)n * sizeof(Term)), *vs = malloc((Uint)n * sizeof(Term));
    if (!ks || !vs) abort();
    Term l = a[0];
    for (Sint i = 0; i < n; i++, l = list_tail(l)) {
        ks[i] = list_head(l);
        vs[i] = a[1];
    }
    Term r = map_from_arrays(&p->heap, ks, vs, (Uint)n);
    free(ks);
    free(vs);
    return r;
}

#define M(n, ar, f, fl) {"maps", n, ar, f, fl}
const BifDef bif_table_maps[] = {
    M("get", 2, bif_get2, 0),
    M("get", 3, bif_get3, 0),
    M("find", 2, bif_find, 0),
    M("put", 3, bif_put, 0),
    M("update", 3, bif_update, 0),
    M("remove", 2, bif_remove, 0),
    M("is_key", 2, bif_is_key, 0),
    M("keys", 1, bif_keys, 0),
    M("values", 1, bif_values, 0),
    M("to_list", 1, bif_to_list, 0),
    M("size", 1, bif_size, 0),
    M("from_list", 1, bif_from_list, 0),
    M("new", 0, bif_new, 0),
    M("merge", 2, bif_merge, 0),
    M("take", 2, bif_take, 0),
    M("from_keys", 2, bif_from_keys, 0),
    {0},
};
