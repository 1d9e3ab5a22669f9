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
 * OTP's next_array_size, quirks included because they decide the memory figure: the search
 * starts at entry 1, so a need of at most 10 is returned as it is (a fresh table has 8
 * slots); and its upper bound is computed as sizeof(tab) / sizeof(Uint) - 1 over a table of
 * 4-byte entries, i.e. 13 on 64-bit, so needs above 81920 are also returned as they are.
 */
static unsigned next_array_size(unsigned need)
{
    static const unsigned tab[] = {10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120, 10240,
                                   20480, 40960, 81920};
    int hi = 13, lo = 1, cur = 4;
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

/* Replaces the entry at index i of chain old (OTP: the prefix before it is rebuilt, reversed,
 * behind the new entry, so no old cell is changed). Returns the old value. */
static Term replace_in_chain(Term *slot, Heap *h, Term old, Uint i, Term key, Term value)
{
    Term *hp = alloc_words(h, 3 + 2 * (i + 1));
    Term tpl = make_entry(hp, key, value);
    hp += 3;
    Term rest = old;
    for (Uint j = 0; j < i; j++) rest = list_tail(rest);
    Term hit = list_head(rest);
    Term nlist = list_tail(rest);
    for (Term t = old; i-- > 0; t = list_tail(t), hp += 2) nlist = cons_at(hp, list_head(t), nlist);
    *slot = cons_at(hp, tpl, nlist);
    return entry_value(hit);
}

Term dict_put(ProcDict **pdp, Heap *h, Term key, Term value)
{
    if (!*pdp) *pdp = create();
    ProcDict *pd = *pdp;
    Term *slot = &pd->data[slot_of(pd, key)];
    Term old = *slot;
    if (old == NIL) {
        *slot = make_entry(alloc_words(h, 3), key, value);
    } else if (term_is_boxed(old)) {
        if (entry_is(old, key)) {
            *slot = make_entry(alloc_words(h, 3), key, value);
            return entry_value(old);
        }
        Term *hp = alloc_words(h, 7);
        Term tpl = make_entry(hp, key, value);
        *slot = cons_at(hp + 5, tpl, cons_at(hp + 3, old, NIL));
    } else {
        Uint i = 0;
        Term t = old;
        for (; t != NIL && !entry_is(list_head(t), key); t = list_tail(t)) i++;
        if (t != NIL) return replace_in_chain(slot, h, old, i, key, value);
        Term *hp = alloc_words(h, 5);
        *slot = cons_at(hp + 3, make_entry(hp, key, value), old);
    }
    pd->n++;
    if (pd->used <= pd->n) grow(pdp, h);
    return AM(undefined);
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

/* What a listing takes from an entry. */
typedef enum { TAKE_PAIR, TAKE_KEY } Take;

static Term take(Term e, Take what) { return what == TAKE_PAIR ? e : entry_key(e); }

/* Slots in order, each chain in order, each entry prepended: OTP's pd_hash_get_all. */
static Term list_entries(const ProcDict *pd, Heap *h, Take what)
{
    if (!pd) return NIL;
    Term *hp = alloc_words(h, 2 * pd->n);
    Term res = NIL;
    for (unsigned i = 0; i < pd->used; i++) {
        Term t = pd->data[i];
        if (term_is_boxed(t)) {
            res = cons_at(hp, take(t, what), res);
            hp += 2;
        } else {
            for (; t != NIL; t = list_tail(t), hp += 2) res = cons_at(hp, take(list_head(t), what), res);
        }
    }
    return res;
}

Term dict_get_all(const ProcDict *pd, Heap *h) { return list_entries(pd, h, TAKE_PAIR); }
Term dict_get_keys(const ProcDict *pd, Heap *h) { return list_entries(pd, h, TAKE_KEY); }

/* Calls fn on each entry in table order. */
static void each_entry(const ProcDict *pd, void (*fn)(Term e, void *arg), void *arg)
{
    for (unsigned i = 0; i < pd->used; i++) {
        Term t = pd->data[i];
        if (term_is_boxed(t))
            fn(t, arg);
        else
            for (; t != NIL; t = list_tail(t)) fn(list_head(t), arg);
    }
}

typedef struct KeysOf {
    Term value;
    Uint count;
    Term *hp;
    Term res;
} KeysOf;

static void count_match(Term e, void *arg)
{
    KeysOf *k = arg;
    if (term_eq_exact(entry_value(e), k->value)) k->count++;
}

static void cons_match(Term e, void *arg)
{
    KeysOf *k = arg;
    if (!term_eq_exact(entry_value(e), k->value)) return;
    k->res = cons_at(k->hp, entry_key(e), k->res);
    k->hp += 2;
}

Term dict_get_keys_of(const ProcDict *pd, Heap *h, Term value)
{
    if (!pd) return NIL;
    KeysOf k = {value, 0, NULL, NIL};
    each_entry(pd, count_match, &k);
    k.hp = alloc_words(h, 2 * k.count);
    each_entry(pd, cons_match, &k);
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
    Term all = dict_get_all(*pdp, h);
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
