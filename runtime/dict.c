/*
 * dict.c — the process dictionary: OTP 25's linear-hash table of {Key, Value} tuples on the
 * process heap (erl_process_dict.c). See dict.h for the layout, the hash and what GC sees.
 */
#include "dict.h"

#include <stddef.h>
#include <stdlib.h>

#include "atom.h"
#include "map.h"

/* OTP's MAX_HASH: the table stops growing there. */
#define DICT_MAX_HASH 1342177280u

/* OTP's struct proc_dict, field for field: its sizeof with data[1] is 32 on 64-bit, and
 * erts_dicts_mem_size counts sizeof + (size - 1) words; ours, with a flexible array, is
 * offsetof(data) + size words, the same bytes. */
struct ProcDict {
    unsigned mask;  /* sizeMask: 2·home size - 1, a power of 2 minus 1 */
    unsigned used;  /* usedSlots: the hash range */
    unsigned size;  /* arraySize: slots allocated */
    unsigned split; /* splitPosition: the next slot a grow step splits */
    Uint n;         /* numElements */
    Term data[];
};

_Static_assert(offsetof(ProcDict, data) + sizeof(Term) == 32, "OTP's sizeof(ProcDict)");

/* ---- sizes ------------------------------------------------------------------------------ */

/*
 * OTP's next_array_size: the first entry >= need. Its search starts at entry 1, so a need of at
 * most 10 is returned as it is (a fresh table has 8 slots, 88 bytes), as is one beyond the
 * table. Measured on 25.2.3: 8 entries take 10 slots, 10 take 20, 82000 take 163840.
 */
static unsigned next_array_size(unsigned need)
{
    static const unsigned tab[] = {
        10u, 20u, 40u, 80u, 160u, 320u, 640u, 1280u, 2560u, 5120u, 10240u, 20480u, 40960u,
        81920u, 163840u, 327680u, 655360u, 1310720u, 2621440u, 5242880u, 10485760u, 20971520u,
        41943040u, 83886080u, 167772160u, 335544320u, 671088640u, 1342177280u, 2684354560u};
    int hi = (int)(sizeof tab / sizeof tab[0]) - 1, lo = 1, cur = 4;
    while (hi >= lo) {
        if (tab[cur] >= need && tab[cur - 1] < need) return tab[cur];
        if (tab[cur] > need)
            hi = cur - 1;
        else
            lo = cur + 1;
        cur = (hi + lo) / 2;
    }
    return need;
}

static size_t table_bytes(unsigned size) { return offsetof(ProcDict, data) + size * sizeof(Term); }

/* OTP's ensure_array_size: at least `size` slots, new ones NIL. */
static void ensure_array_size(ProcDict **pdp, unsigned size)
{
    ProcDict *pd = *pdp;
    unsigned old = pd ? pd->size : 0;
    if (pd && size <= old) return;
    unsigned nsize = next_array_size(size);
    pd = realloc(pd, table_bytes(nsize));
    if (!pd) abort();
    for (unsigned i = old; i < nsize; i++) pd->data[i] = NIL;
    pd->size = nsize;
    *pdp = pd;
}

/* OTP's array_shrink: only ever smaller. */
static void array_shrink(ProcDict **pdp, unsigned need)
{
    unsigned siz = next_array_size(need);
    if (siz >= (*pdp)->size) return;
    ProcDict *pd = realloc(*pdp, table_bytes(siz));
    if (!pd) abort();
    pd->size = siz;
    *pdp = pd;
}

/* ---- hashing ---------------------------------------------------------------------------- */

/* OTP's MAKE_HASH (see dict.h for atoms). */
static uint32_t key_hash(Term key)
{
    if (term_is_small(key)) return (uint32_t)(Uint)small_val(key);
    if (term_is_atom(key)) return (uint32_t)atom_index(key);
    return map_hash(key, 0);
}

static unsigned slot_of_hash(const ProcDict *pd, uint32_t hx)
{
    unsigned high = hx & pd->mask;
    if (high >= pd->used) return hx & (pd->mask >> 1);
    return high;
}

static unsigned slot_of(const ProcDict *pd, Term key) { return slot_of_hash(pd, key_hash(key)); }

static Term entry_key(Term tpl) { return tuple_elem(tpl, 1); }
static Term entry_value(Term tpl) { return tuple_elem(tpl, 2); }
static bool entry_is(Term tpl, Term key) { return term_eq_exact(entry_key(tpl), key); }

static Term *alloc_words(Heap *h, Uint n) { return n ? heap_halloc(h, n) : NULL; }

static Uint chain_length(Term l)
{
    Uint n = 0;
    for (; l != NIL; l = list_tail(l)) n++;
    return n;
}

/* ---- growing and shrinking -------------------------------------------------------------- */

/* Splits one chain between slot pos and pos + home (OTP builds both halves anew, reversing
 * them, and unwraps a one-entry chain). */
static void split_chain(ProcDict *pd, Heap *h, unsigned pos, unsigned home)
{
    Term l = pd->data[pos];
    Term *hp = alloc_words(h, 2 * chain_length(l));
    Term l1 = NIL, l2 = NIL;
    for (; l != NIL; l = list_tail(l), hp += 2) {
        Term e = list_head(l);
        if (slot_of(pd, entry_key(e)) == pos)
            l1 = cons_at(hp, e, l1);
        else
            l2 = cons_at(hp, e, l2);
    }
    if (l1 != NIL && list_tail(l1) == NIL) l1 = list_head(l1);
    if (l2 != NIL && list_tail(l2) == NIL) l2 = list_head(l2);
    pd->data[pos] = l1;
    pd->data[pos + home] = l2;
}

/* OTP's grow: (used / 4) & 15 split steps, at least one. */
static void grow(ProcDict **pdp, Heap *h)
{
    unsigned steps = ((*pdp)->used / 4) & 0xf;
    if (steps == 0) steps = 1;
    if (DICT_MAX_HASH - steps <= (*pdp)->used) return;
    ensure_array_size(pdp, (*pdp)->used + steps);
    ProcDict *pd = *pdp;
    unsigned home = pd->used - pd->split;
    for (unsigned i = 0; i < steps; i++) {
        if (pd->split == home) {
            home *= 2;
            pd->mask = home * 2 - 1;
            pd->split = 0;
        }
        unsigned pos = pd->split++;
        pd->used++;
        Term l = pd->data[pos];
        if (term_is_boxed(l)) {
            if (slot_of(pd, entry_key(l)) != pos) {
                pd->data[pos + home] = l;
                pd->data[pos] = NIL;
            }
        } else {
            split_chain(pd, h, pos, home);
        }
    }
}

/* Merges the chain hi into slot lo's contents, as OTP's shrink step does. */
static Term merge_slots(Heap *h, Term lo, Term hi)
{
    if (term_is_boxed(lo)) {
        if (term_is_boxed(hi)) {
            Term *hp = alloc_words(h, 4);
            return cons_at(hp + 2, lo, cons_at(hp, hi, NIL));
        }
        return cons_at(alloc_words(h, 2), lo, hi);
    }
    if (term_is_boxed(hi)) return cons_at(alloc_words(h, 2), hi, lo);
    Term *hp = alloc_words(h, 2 * chain_length(hi));
    for (Term t = hi; t != NIL; t = list_tail(t), hp += 2) lo = cons_at(hp, list_head(t), lo);
    return lo;
}

/* OTP's shrink: undoes 30 % of the hash range, then trims the array when a quarter is used. */
static void shrink(ProcDict **pdp, Heap *h)
{
    ProcDict *pd = *pdp;
    unsigned range = pd->used;
    unsigned steps = range * 3 / 10;
    if (range - steps < DICT_INITIAL_SLOTS) steps = range - DICT_INITIAL_SLOTS;
    for (unsigned i = 0; i < steps; i++) {
        if (pd->split == 0) {
            pd->mask = pd->used - 1;
            pd->split = pd->used / 2;
        }
        pd->split--;
        Term hi = pd->data[pd->used - 1];
        Term lo = pd->data[pd->split];
        if (hi != NIL) pd->data[pd->split] = lo == NIL ? hi : merge_slots(h, lo, hi);
        pd->data[--pd->used] = NIL;
    }
    if (pd->used <= pd->size / 4) array_shrink(pdp, pd->used * 3 / 2);
}

/* ---- the operations --------------------------------------------------------------------- */

static ProcDict *create(void)
{
    ProcDict *pd = NULL;
    ensure_array_size(&pd, DICT_INITIAL_SLOTS);
    pd->used = DICT_INITIAL_SLOTS;
    pd->mask = DICT_INITIAL_SLOTS * 2 - 1;
    pd->split = 0;
    pd->n = 0;
    return pd;
}

static Term make_entry(Term *hp, Term key, Term value)
{
    hp[0] = make_tuple_header(2);
    hp[1] = key;
    hp[2] = value;
    return make_boxed(hp);
}

/*
 * OTP 25's pd_hash_put. An existing key given an immediate value is updated in place (the
 * tuple's value word: no allocation, and an immediate cannot point into a younger area, so
 * gc.h sentence 3 holds even for a tuple on the old heap). Otherwise a new tuple is made; a
 * chain drops the key's old cell (relinking to an older tail) and gets the new tuple in front.
 */
Term dict_put(ProcDict **pdp, Heap *h, Term key, Term value)
{
    if (!*pdp) *pdp = create();
    ProcDict *pd = *pdp;
    Term *slot = &pd->data[slot_of(pd, key)];
    Term old = *slot;
    Term old_val = AM(undefined);
    bool new_key = true;
    if (term_is_boxed(old)) {
        if (entry_is(old, key)) {
            old_val = entry_value(old);
            if (!term_is_ptr(value)) {
                tuple_elems(old)[2] = value;
                return old_val;
            }
            new_key = false;
        }
    } else if (old != NIL) {
        for (Term *prev = slot; *prev != NIL; prev = &list_ptr(*prev)[1]) {
            Term e = list_head(*prev);
            if (!entry_is(e, key)) continue;
            old_val = entry_value(e);
            if (!term_is_ptr(value)) {
                tuple_elems(e)[2] = value;
                return old_val;
            }
            new_key = false;
            *prev = list_tail(*prev);
            break;
        }
    }
    if (old == NIL || (term_is_boxed(old) && !new_key)) {
        *slot = make_entry(alloc_words(h, 3), key, value);
        if (!new_key) return old_val;
    } else if (term_is_boxed(old)) {
        Term *hp = alloc_words(h, 7);
        Term tpl = make_entry(hp, key, value);
        *slot = cons_at(hp + 5, tpl, cons_at(hp + 3, old, NIL));
    } else {
        Term *hp = alloc_words(h, 5);
        *slot = cons_at(hp + 3, make_entry(hp, key, value), *slot);
    }
    pd->n += new_key;
    if (pd->used <= pd->n) grow(pdp, h);
    return old_val;
}

Term dict_get(const ProcDict *pd, Term key)
{
    if (!pd) return AM(undefined);
    Term b = pd->data[slot_of(pd, key)];
    if (term_is_boxed(b)) return entry_is(b, key) ? entry_value(b) : AM(undefined);
    for (; b != NIL; b = list_tail(b))
        if (entry_is(list_head(b), key)) return entry_value(list_head(b));
    return AM(undefined);
}

/* What a listing takes from an entry: a copy of the pair (get/0: put/2 may change the
 * dictionary's own tuples later), the pair itself (erase/0: the table is going) or the key. */
typedef enum { TAKE_COPY, TAKE_PAIR, TAKE_KEY } Take;

static Term take(Term e, Take what, Term **hp)
{
    if (what == TAKE_KEY) return entry_key(e);
    if (what == TAKE_PAIR) return e;
    Term c = make_entry(*hp, entry_key(e), entry_value(e));
    *hp += 3;
    return c;
}

/* Slots in order, each chain in order, each entry prepended: OTP's pd_hash_get_all. */
static Term list_entries(const ProcDict *pd, Heap *h, Take what)
{
    if (!pd) return NIL;
    Term *hp = alloc_words(h, pd->n * (what == TAKE_COPY ? 2 + 3 : 2));
    Term res = NIL;
    for (unsigned i = 0; i < pd->used; i++) {
        Term t = pd->data[i];
        if (term_is_boxed(t)) {
            Term x = take(t, what, &hp);
            res = cons_at(hp, x, res);
            hp += 2;
        } else {
            for (; t != NIL; t = list_tail(t)) {
                Term x = take(list_head(t), what, &hp);
                res = cons_at(hp, x, res);
                hp += 2;
            }
        }
    }
    return res;
}

Term dict_get_all(const ProcDict *pd, Heap *h) { return list_entries(pd, h, TAKE_COPY); }
Term dict_get_keys(const ProcDict *pd, Heap *h) { return list_entries(pd, h, TAKE_KEY); }

void dict_each_entry(const ProcDict *pd, DictVisitFn fn, void *arg)
{
    if (!pd) return;
    for (unsigned i = 0; i < pd->used; i++) {
        Term t = pd->data[i];
        if (term_is_boxed(t)) {
            fn(entry_key(t), entry_value(t), arg);
            continue;
        }
        for (; t != NIL; t = list_tail(t)) {
            Term e = list_head(t);
            fn(entry_key(e), entry_value(e), arg);
        }
    }
}

typedef struct KeysOf {
    Term value;
    Uint count;
    Term *hp;
    Term res;
} KeysOf;

static void count_match(Term key, Term value, void *arg)
{
    KeysOf *k = arg;
    if (term_eq_exact(value, k->value)) k->count++;
}

static void cons_match(Term key, Term value, void *arg)
{
    KeysOf *k = arg;
    if (!term_eq_exact(value, k->value)) return;
    k->res = cons_at(k->hp, key, k->res);
    k->hp += 2;
}

Term dict_get_keys_of(const ProcDict *pd, Heap *h, Term value)
{
    if (!pd) return NIL;
    KeysOf k = {value, 0, NULL, NIL};
    dict_each_entry(pd, count_match, &k);
    k.hp = alloc_words(h, 2 * k.count);
    dict_each_entry(pd, cons_match, &k);
    return k.res;
}

Term dict_erase(ProcDict **pdp, Heap *h, Term key)
{
    ProcDict *pd = *pdp;
    if (!pd) return AM(undefined);
    Term ret = AM(undefined);
    Term *slot = &pd->data[slot_of(pd, key)];
    Term old = *slot;
    if (term_is_boxed(old)) {
        if (entry_is(old, key)) {
            *slot = NIL;
            pd->n--;
            ret = entry_value(old);
        }
    } else if (old != NIL) {
        /* Unlinks the cell in place: its predecessor's tail becomes its tail, which is older
         * than both, so no old cell comes to point at young data. */
        for (Term *prev = slot; *prev != NIL; prev = &list_ptr(*prev)[1]) {
            Term e = list_head(*prev);
            if (entry_is(e, key)) {
                *prev = list_tail(*prev);
                ret = entry_value(e);
                pd->n--;
                break;
            }
        }
        if (list_tail(*slot) == NIL) *slot = list_head(*slot);
    }
    if (pd->used > DICT_INITIAL_SLOTS && pd->used / 2 > pd->n) shrink(pdp, h);
    return ret;
}

void dict_free(ProcDict *pd) { free(pd); }

Term dict_erase_all(ProcDict **pdp, Heap *h)
{
    Term all = list_entries(*pdp, h, TAKE_PAIR);
    dict_free(*pdp);
    *pdp = NULL;
    return all;
}

Uint dict_count(const ProcDict *pd) { return pd ? pd->n : 0; }

Uint dict_memory_bytes(const ProcDict *pd) { return pd ? (Uint)table_bytes(pd->size) : 0; }

void dict_each_root(ProcDict *pd, GcVisitFn fn, void *arg)
{
    if (!pd) return;
    for (unsigned i = 0; i < pd->used; i++)
        if (pd->data[i] != NIL) fn(&pd->data[i], arg);
}
