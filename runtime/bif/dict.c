/*
 * dict.c — the process dictionary BIFs of the erlang module (put/2, get/0,1, get_keys/0,1,
 * erase/0,1) over dict.h. None of them can fail: any term is a key or a value.
 */
#include "bif/bif.h"

#include "dict.h"

static Term bif_put(Process *p, const Term *a) { return dict_put(&p->dict, &p->heap, a[0], a[1]); }
static Term bif_get0(Process *p, const Term *a) { return dict_get_all(p->dict, &p->heap); }
static Term bif_get1(Process *p, const Term *a) { return dict_get(p->dict, a[0]); }
static Term bif_get_keys0(Process *p, const Term *a) { return dict_get_keys(p->dict, &p->heap); }
static Term bif_get_keys1(Process *p, const Term *a)
{
    return dict_get_keys_of(p->dict, &p->heap, a[0]);
}
static Term bif_erase0(Process *p, const Term *a) { return dict_erase_all(&p->dict, &p->heap); }
static Term bif_erase1(Process *p, const Term *a) { return dict_erase(&p->dict, &p->heap, a[0]); }

const BifDef bif_table_dict[] = {
    {"erlang", "put", 2, bif_put, 0},
    {"erlang", "get", 0, bif_get0, 0},
    {"erlang", "get", 1, bif_get1, 0},
    {"erlang", "get_keys", 0, bif_get_keys0, 0},
    {"erlang", "get_keys", 1, bif_get_keys1, 0},
    {"erlang", "erase", 0, bif_erase0, 0},
    {"erlang", "erase", 1, bif_erase1, 0},
    {0},
};
