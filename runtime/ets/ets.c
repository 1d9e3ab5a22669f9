/*
 * ets.c — the table registry, memory accounting, access rules, ownership and the ets module's
 * operations on single keys (match.c does match specifications).
 *
 * Every change of a table's existence, contents or owner goes through ets_event() below: the
 * single hook point for issue 6's probe events (create, insert, delete, owner exit, transfer),
 * which carry the table's memory after the change.
 */
#include <stdlib.h>

#include "atom.h"
#include "bignum.h"
#include "bin.h"
#include "copy.h"
#include "literal.h"
#include "ptab.h"
#include "ets/ets_impl.h"
#include "ets/etsmem.h"
#include "ets/ets_probe.h"

/* ---- atoms ------------------------------------------------------------------------------- */
static Term a_set, a_ordered_set, a_bag, a_duplicate_bag, a_public, a_protected, a_private,
    a_named_table, a_keypos, a_heir, a_none, a_read_concurrency, a_write_concurrency, a_auto,
    a_compressed, a_decentralized_counters, a_eot, a_size, a_memory, a_owner, a_name, a_type,
    a_protection, a_id, a_node, a_ets_transfer;
static pthread_once_t atoms_once = PTHREAD_ONCE_INIT;

static Term atom(const char *s) { return atom_put(s, strlen(s)); }
static void atoms_init(void)
{
    a_set = atom("set"); a_ordered_set = atom("ordered_set"); a_bag = atom("bag");
    a_duplicate_bag = atom("duplicate_bag"); a_public = atom("public"); a_protected = atom("protected");
    a_private = atom("private"); a_named_table = atom("named_table"); a_keypos = atom("keypos");
    a_heir = atom("heir"); a_none = atom("none"); a_read_concurrency = atom("read_concurrency");
    a_write_concurrency = atom("write_concurrency"); a_auto = atom("auto"); a_compressed = atom("compressed");
    a_decentralized_counters = atom("decentralized_counters"); a_eot = atom("$end_of_table");
    a_size = atom("size"); a_memory = atom("memory"); a_owner = atom("owner"); a_name = atom("name");
    a_type = atom("type"); a_protection = atom("protection"); a_id = atom("id"); a_node = atom("node");
    a_ets_transfer = atom("ETS-TRANSFER");
}
static void atoms(void) { pthread_once(&atoms_once, atoms_init); }

/* ---- the hook point for probe events (issue 6) ------------------------------------------- */
typedef enum { EV_CREATE, EV_INSERT, EV_DELETE, EV_OWNER_EXIT, EV_TRANSFER } EtsEvent;
static void ets_event(EtsTable *tb, EtsEvent ev)
{
    static const ProbeEtsKind kinds[] = {
        [EV_CREATE] = PROBE_ETS_CREATE, [EV_INSERT] = PROBE_ETS_INSERT,
        [EV_DELETE] = PROBE_ETS_DELETE_OBJECT, /* ets_probe_event: a dead table's is DELETE_TABLE */
        [EV_OWNER_EXIT] = PROBE_ETS_OWNER_EXIT, [EV_TRANSFER] = PROBE_ETS_TRANSFER,
    };
    if (PROBE_ON(ets)) ets_probe_event(tb, kinds[ev]);
}

/* ---- memory ------------------------------------------------------------------------------ */
/* The total over every table, kept per thread slot (one cache line each) so that inserting
 * threads do not all write one shared word; read (rarely) as the sum. A slot's count may go
 * below 0 (freed by another thread than the allocating one): only the sum is meaningful. */
typedef struct BytesSlot {
    _Atomic Uint bytes;
    char pad[64 - sizeof(Uint)];
} __attribute__((aligned(64))) BytesSlot;
static BytesSlot total_bytes[TABLOCK_SLOTS];

Uint ets_total_bytes(void)
{
    Uint sum = 0;
    for (int i = 0; i < TABLOCK_SLOTS; i++) sum += atomic_load(&total_bytes[i].bytes);
    return sum;
}

void ets_charge(EtsTable *tb, Sint bytes)
{
    unsigned slot = tablock_thread_slot();
    if (tb->mem_slots) atomic_fetch_add_explicit(&tb->mem_slots[slot].bytes, (Uint)bytes, memory_order_relaxed);
    else atomic_fetch_add(&tb->mem_bytes, (Uint)bytes);
    atomic_fetch_add(&total_bytes[slot].bytes, (Uint)bytes);
}

void *ets_alloc(EtsTable *tb, size_t bytes)
{
    void *p = etsmem_alloc(bytes);
    ets_charge(tb, (Sint)bytes);
    return p;
}

void ets_free(EtsTable *tb, void *ptr, size_t bytes)
{
    etsmem_free(ptr, bytes);
    ets_charge(tb, -(Sint)bytes);
}

Uint ets_words(EtsTable *tb)
{
    Uint b = atomic_load(&tb->mem_bytes);
    if (tb->mem_slots)
        for (int i = 0; i < TABLOCK_SLOTS; i++) b += atomic_load(&tb->mem_slots[i].bytes);
    return (b + 7) / 8;
}

/* Moves the flat term of n words at src to dst: pointers inside it shifted by the distance,
 * raw words (after a header) and pointers elsewhere (the empty tuple literal) kept. */
static void flat_move(const Term *src, Term *dst, Uint n)
{
    uintptr_t lo = (uintptr_t)src, bytes = n * sizeof(Term), delta = (uintptr_t)dst - lo;
    for (Uint i = 0; i < n;) {
        Term w = src[i];
        Uint tag = w & TAG_PRIMARY_MASK;
        if (tag == TAG_PRIMARY_HEADER) {
            dst[i++] = w;
            for (Uint end = i + hdr_raw_words(w); i < end; i++) dst[i] = src[i];
            continue;
        }
        if (tag != TAG_PRIMARY_IMMED1 && (w - tag) - lo < bytes) w += delta; /* points inside */
        dst[i++] = w;
    }
}

/*
 * The flat copy of a small object made of tuples, lists, immediates and raw objects (floats,
 * bignums, heap binaries, ordinary refs) into buf, in one walk: what copy_struct gives (the
 * root first, shared subterms copied each time, the empty tuple left as its literal) without
 * its measuring pass and work stack (some 430 instructions for a {K, {A, B}}). NONVALUE when
 * the object holds anything else, nests deeper than FLAT_DEPTH or exceeds FLAT_WORDS.
 */
enum { FLAT_WORDS = 128, FLAT_DEPTH = 16 };

static Term flat_copy(Term t, Term *buf, Uint *n, int depth)
{
    if (term_is_immed(t)) return t;
    if (depth > FLAT_DEPTH) return NONVALUE;
    if (term_is_list(t)) {
        Term first, *link = &first;
        for (; term_is_list(t); t = list_tail(t)) {
            if (*n + 2 > FLAT_WORDS) return NONVALUE;
            Term *cell = buf + *n;
            *n += 2;
            Term h = flat_copy(list_head(t), buf, n, depth + 1);
            if (h == NONVALUE) return NONVALUE;
            cell[0] = h;
            *link = make_list(cell);
            link = &cell[1];
        }
        Term tail = flat_copy(t, buf, n, depth + 1);
        if (tail == NONVALUE) return NONVALUE;
        *link = tail;
        return first;
    }
    const Term *p = boxed_ptr(t);
    Term h = p[0];
    unsigned st = hdr_subtag(h);
    Uint sz = hdr_size(h);
    if (st == SUB_TUPLE && sz == 1) return literal_empty_tuple();
    if (*n + sz > FLAT_WORDS) return NONVALUE;
    Term *o = buf + *n;
    if (st == SUB_TUPLE) {
        *n += sz;
        o[0] = h;
        for (Uint i = 1; i < sz; i++)
            if ((o[i] = flat_copy(p[i], buf, n, depth + 1)) == NONVALUE) return NONVALUE;
        return make_boxed(o);
    }
    bool raw = st == SUB_FLOAT || st == SUB_POS_BIG || st == SUB_NEG_BIG || st == SUB_HEAP_BIN ||
               (st == SUB_REF && hdr_extra(h) == REF_ORDINARY);
    if (!raw) return NONVALUE;
    *n += sz;
    memcpy(o, p, sz * sizeof(Term));
    return make_boxed(o);
}

/*
 * The usual object, a tuple whose elements are immediates or non-empty tuples of immediates
 * ({K, V}, {K, {A, B}}): its words, 0 when it is not of that shape. Such an object is written
 * straight into its node (shallow_write), without flat_copy's recursion, buffer and relocating
 * move: the same words in the same order (the root, then each inner tuple in turn).
 */
static Uint shallow_words(Term obj)
{
    const Term *p = boxed_ptr(obj);
    Uint a = tuple_arity(obj), n = a + 1;
    for (Uint i = 1; i <= a; i++) {
        Term e = p[i];
        if (term_is_immed(e)) continue;
        if (!term_is_tuple(e) || tuple_arity(e) == 0) return 0;
        const Term *q = boxed_ptr(e);
        Uint b = tuple_arity(e);
        for (Uint j = 1; j <= b; j++)
            if (!term_is_immed(q[j])) return 0;
        n += b + 1;
    }
    return n;
}

static void shallow_write(Term obj, Term *dst)
{
    const Term *p = boxed_ptr(obj);
    Uint a = tuple_arity(obj);
    Term *o = dst + a + 1;
    dst[0] = p[0];
    for (Uint i = 1; i <= a; i++) {
        Term e = p[i];
        if (term_is_immed(e)) {
            dst[i] = e;
            continue;
        }
        Uint w = tuple_arity(e) + 1;
        memcpy(o, boxed_ptr(e), w * sizeof(Term));
        dst[i] = make_boxed(o);
        o += w;
    }
}

DbTerm *ets_dbterm_new(EtsTable *tb, Term obj, size_t head, void **block)
{
    Uint n = term_is_tuple(obj) ? shallow_words(obj) : 0;
    if (n) {
        char *blk = ets_alloc(tb, head + sizeof(DbTerm) + n * sizeof(Term));
        DbTerm *d = (DbTerm *)(blk + head);
        d->size = n;
        d->first_oh = NULL;
        shallow_write(obj, d->tpl);
        *block = blk;
        return d;
    }
    Term buf[FLAT_WORDS];
    if (flat_copy(obj, buf, &n, 0) != NONVALUE) {
        char *blk = ets_alloc(tb, head + sizeof(DbTerm) + n * sizeof(Term));
        DbTerm *d = (DbTerm *)(blk + head);
        d->size = n;
        d->first_oh = NULL;
        flat_move(buf, d->tpl, n);
        *block = blk;
        return d;
    }
    Uint sz = size_object(obj);
    char *blk = ets_alloc(tb, head + sizeof(DbTerm) + sz * sizeof(Term));
    DbTerm *d = (DbTerm *)(blk + head);
    d->size = sz;
    Term *hp = d->tpl;
    OffHeap oh = {NULL, 0};
    Term r = copy_struct(obj, sz, &hp, &oh);
    if (r != make_boxed(d->tpl)) abort(); /* the root tuple is copied first */
    d->first_oh = oh.first;
    *block = blk;
    return d;
}

void ets_dbterm_release(DbTerm *d)
{
    for (OffHeapHeader *e = d->first_oh; e; e = e->next)
        if (hdr_subtag(e->thing_word) == SUB_REFC_BIN) binary_decref(((ProcBin *)e)->val);
    d->first_oh = NULL;
}

/* A flat copy on its own (the heir's data), always a DbTerm (store_heir_data keeps an
 * immediate in the struct instead, as OTP does). */
static DbTerm *store_term(EtsTable *tb, Term t)
{
    /* Wrapped in a 1-tuple so the DbTerm layout (a tuple first) holds for any term. */
    Term tmp[2] = {make_tuple_header(1), t};
    void *blk;
    return ets_dbterm_new(tb, make_boxed(tmp), 0, &blk);
}
static void free_stored(EtsTable *tb, DbTerm *d)
{
    if (!d) return;
    ets_dbterm_release(d);
    ets_free(tb, d, sizeof(DbTerm) + d->size * sizeof(Term));
}

/* The heir's data: OTP keeps an immediate in its table struct (no memory counted) and copies
 * anything else (size + 4 words, which store_term's 1-tuple wrapping happens to match). */
static void store_heir_data(EtsTable *tb, Term data)
{
    free_stored(tb, tb->heir_data);
    tb->heir_data = NULL;
    tb->heir_imm = AM(undefined);
    if (data == NONVALUE) return;
    if (term_is_immed(data)) tb->heir_imm = data;
    else tb->heir_data = store_term(tb, data);
}
static Term heir_data(EtsTable *tb) { return tb->heir_data ? tb->heir_data->tpl[1] : tb->heir_imm; }

/* OTP's set_heir: an heir that is not alive (other than the caller) becomes none; its data is
 * still stored. */
static Term live_heir(Process *p, Term heir)
{
    if (heir == a_none || heir == p->pid) return heir;
    Process *q = ptab_lookup(heir);
    if (!q) return a_none;
    process_release(q);
    return heir;
}

/*
 * Fixed parts, charged as OTP allocates them (reference §7.3); the rest is real allocation:
 *  - the DbTable struct, 49 words, for every table (ours is a different C struct);
 *  - a frequent-read rwlock extension, 32 words, for the table lock with read or write
 *    concurrency, and for each of the 64 stripe locks with read concurrency (OTP's stripes are
 *    16 words each, which our 128-byte EtsStripe really is);
 *  - write_concurrency auto: 34 more words (decentralised counters);
 *  - the CA tree of an ordered_set with write_concurrency: 133 words in all instead of 139.
 */
enum { DBTABLE_WORDS = 49, FREQREAD_WORDS = 32, AUTO_EXTRA_WORDS = 34, CATREE_DELTA_WORDS = -6 };

static Sint fixed_words(const EtsTable *tb)
{
    Sint w = DBTABLE_WORDS;
    if (ets_is_hash(tb)) {
        if (tb->read_conc || tb->write_conc != ETS_WC_FALSE) w += FREQREAD_WORDS;
        if (tb->write_conc != ETS_WC_FALSE && tb->read_conc) w += ETS_LOCK_CNT * FREQREAD_WORDS;
        if (tb->write_conc == ETS_WC_AUTO) w += AUTO_EXTRA_WORDS;
    } else {
        if (tb->write_conc != ETS_WC_FALSE) w += CATREE_DELTA_WORDS;
        else if (tb->read_conc) w += FREQREAD_WORDS;
    }
    return w;
}

/* ---- registry ---------------------------------------------------------------------------- */
#define NAMED_BUCKETS 256
static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static EtsTable *all_tables;
static EtsTable *named[NAMED_BUCKETS];
static EtsTable *graveyard; /* deleted tables' structs (tombstones), linked by next_all */
/* Bumped (under reg_lock) by every change of the named tables: a name's table found under it
 * may be kept in a thread's cache while it stays the same (lookup_table). */
static _Atomic Uint named_gen;

static EtsTable **named_slot(Term name) { return &named[atom_index(name) % NAMED_BUCKETS]; }

/* [reg_lock] */
static EtsTable *named_find(Term name)
{
    for (EtsTable *t = *named_slot(name); t; t = t->next_named)
        if (t->name == name) return t;
    return NULL;
}
static void named_remove(EtsTable *tb)
{
    atomic_fetch_add(&named_gen, 1);
    for (EtsTable **pp = named_slot(tb->name); *pp; pp = &(*pp)->next_named)
        if (*pp == tb) { *pp = tb->next_named; return; }
}
static void all_remove(EtsTable *tb)
{
    for (EtsTable **pp = &all_tables; *pp; pp = &(*pp)->next_all)
        if (*pp == tb) { *pp = tb->next_all; return; }
}

static bool is_magic_ref(Term t)
{
    return term_is_ref(t) && hdr_extra(boxed_header(t)) == REF_MAGIC;
}

/* A thread's recent name lookups: without it every operation on a named table would take
 * reg_lock, one mutex all schedulers share. An entry holds while named_gen is unchanged. */
typedef struct NameCache {
    Term name;
    Uint gen;
    EtsTable *tb;
} NameCache;
#define NAME_CACHE 8
static _Thread_local NameCache name_cache[NAME_CACHE];

static EtsTable *lookup_name(Term name)
{
    NameCache *e = &name_cache[atom_index(name) % NAME_CACHE];
    Uint gen = atomic_load(&named_gen);
    if (e->name == name && e->gen == gen && e->tb) return e->tb;
    pthread_mutex_lock(&reg_lock);
    EtsTable *tb = named_find(name);
    gen = atomic_load(&named_gen);
    pthread_mutex_unlock(&reg_lock);
    *e = (NameCache){name, gen, tb};
    return tb;
}

/* The table a tid or name names, dead or alive; NULL when it names none. */
static EtsTable *lookup_table(Term tab)
{
    if (term_is_atom(tab)) return lookup_name(tab);
    if (is_magic_ref(tab)) return (EtsTable *)(uintptr_t)boxed_ptr(tab)[1];
    return NULL;
}

EtsTable *ets_resolve(Process *p, Term tab, EtsAccessKind k)
{
    EtsTable *tb = lookup_table(tab);
    if (!tb || atomic_load(&tb->dead)) return NULL;
    if (tb->owner != p->pid) {
        if (tb->access == ETS_PRIVATE) return NULL;
        if (tb->access == ETS_PROTECTED && k == ETS_WRITE) return NULL;
    }
    return tb;
}

/* The magic ref naming tb, on p's heap. */
static Term make_ref_term(Process *p, EtsTable *tb)
{
    Term *hp = heap_halloc(&p->heap, REF_SIZE);
    hp[0] = make_header(SUB_REF, REF_MAGIC, 2);
    hp[1] = (Term)(uintptr_t)tb;
    hp[2] = 0;
    heap_link_offheap(&p->heap, (OffHeapHeader *)hp, 0);
    return make_boxed(hp);
}

Term ets_tid_term(Process *p, EtsTable *tb) { return tb->named ? tb->name : make_ref_term(p, tb); }

Term ets_copy_out(Process *p, Term t, Uint size)
{
    if (size == 0) return t;
    Term *hp = heap_halloc(&p->heap, size);
    OffHeap oh = {NULL, 0};
    Term r = copy_struct(t, size, &hp, &oh);
    for (OffHeapHeader *e = oh.first, *next; e; e = next) {
        next = e->next;
        Uint vw = hdr_subtag(e->thing_word) == SUB_REFC_BIN ? e->size / 8 : 0;
        heap_link_offheap(&p->heap, e, vw);
    }
    return r;
}

/* ---- locking ----------------------------------------------------------------------------- */
static EtsStripe *stripes_of(EtsTable *tb) { return ets_is_hash(tb) ? tb->u.hash.stripes : NULL; }

static void unlock_key(EtsTable *tb, uint32_t hv, bool write)
{
    EtsStripe *s = stripes_of(tb);
    if (s) {
        spinrw_unlock(&s[hv % ETS_LOCK_CNT].lock, write);
        tablock_rdunlock(&tb->lock);
    } else {
        tablock_unlock(&tb->lock, write);
    }
}

/* Locks for an operation on one key with hash hv (hash tables) and returns false — with
 * nothing held — when the table died meanwhile. */
static bool lock_key(EtsTable *tb, uint32_t hv, bool write)
{
    EtsStripe *s = stripes_of(tb);
    if (s) {
        tablock_rdlock(&tb->lock);
        spinrw_lock(&s[hv % ETS_LOCK_CNT].lock, write);
    } else {
        tablock_lock(&tb->lock, write);
    }
    if (atomic_load(&tb->dead)) {
        unlock_key(tb, hv, write);
        return false;
    }
    return true;
}

/* Stripe holders hold the table lock shared, so exclusive table access excludes them. With
 * stripes, a whole-table read still needs them out: take the table lock exclusively. */
static bool lock_all_excl(EtsTable *tb, bool write) { return write || stripes_of(tb); }

void ets_lock_all(EtsTable *tb, bool write) { tablock_lock(&tb->lock, lock_all_excl(tb, write)); }
void ets_unlock_all(EtsTable *tb, bool write) { tablock_unlock(&tb->lock, lock_all_excl(tb, write)); }

/* Does a hash table need more buckets? */
static bool needs_grow(EtsTable *tb)
{
    return ets_is_hash(tb) && atomic_load(&tb->nitems) > tb->u.hash.nactive;
}

/* Ends a write on one key (lock_key(tb, hv, true)) that may have added objects, growing the
 * table when it needs more buckets: a striped table under the stripes (hash_grow_striped) while
 * still holding the table lock shared, any other under the exclusive table lock it holds. */
static void unlock_key_grow(EtsTable *tb, uint32_t hv)
{
    EtsStripe *s = stripes_of(tb);
    if (s) {
        spinrw_wrunlock(&s[hv % ETS_LOCK_CNT].lock);
        if (needs_grow(tb)) hash_grow_striped(tb);
        tablock_rdunlock(&tb->lock);
        return;
    }
    if (needs_grow(tb)) hash_grow(tb);
    tablock_wrunlock(&tb->lock);
}

/* Whether a delete of one key should be followed by OTP's try_shrink (something went). [the
 * key's lock] */
static bool wants_shrink(EtsTable *tb, Uint nitems_before)
{
    return ets_is_hash(tb) && atomic_load(&tb->nitems) < nitems_before && hash_should_shrink(tb);
}

/* Ends a delete on one key (lock_key(tb, hv, true)) with OTP's try_shrink when it is due: a
 * striped table needs the exclusive table lock for it, taken after letting go of the key's. */
static void unlock_key_shrink(EtsTable *tb, uint32_t hv, Uint nitems_before)
{
    bool shrink = wants_shrink(tb, nitems_before);
    if (!stripes_of(tb)) {
        if (shrink) hash_shrink(tb);
        tablock_wrunlock(&tb->lock);
        return;
    }
    unlock_key(tb, hv, true);
    if (!shrink) return;
    tablock_wrlock(&tb->lock);
    if (!atomic_load(&tb->dead)) hash_shrink(tb);
    tablock_wrunlock(&tb->lock);
}

/* ---- ets:new ----------------------------------------------------------------------------- */
typedef struct NewOpts {
    EtsType type;
    EtsAccess access;
    bool named, read_conc, compressed;
    EtsWriteConc wc;
    unsigned keypos;
    Term heir, heir_data;
} NewOpts;

static bool is_bool(Term t) { return t == AM(true) || t == AM(false); }

static bool parse_opt(Term o, NewOpts *n)
{
    if (o == a_set) n->type = ETS_SET;
    else if (o == a_ordered_set) n->type = ETS_ORDERED_SET;
    else if (o == a_bag) n->type = ETS_BAG;
    else if (o == a_duplicate_bag) n->type = ETS_DUPLICATE_BAG;
    else if (o == a_public) n->access = ETS_PUBLIC;
    else if (o == a_protected) n->access = ETS_PROTECTED;
    else if (o == a_private) n->access = ETS_PRIVATE;
    else if (o == a_named_table) n->named = true;
    else if (o == a_compressed) n->compressed = true;
    else if (term_is_tuple(o) && tuple_arity(o) == 2) {
        Term k = tuple_elem(o, 1), v = tuple_elem(o, 2);
        if (k == a_keypos && term_is_small(v) && small_val(v) >= 1 && small_val(v) < (1 << 24))
            n->keypos = (unsigned)small_val(v);
        else if (k == a_read_concurrency && is_bool(v)) n->read_conc = v == AM(true);
        else if (k == a_write_concurrency && is_bool(v)) n->wc = v == AM(true) ? ETS_WC_TRUE : ETS_WC_FALSE;
        else if (k == a_write_concurrency && v == a_auto) n->wc = ETS_WC_AUTO;
        else if (k == a_decentralized_counters && is_bool(v)) { /* accepted */ }
        else if (k == a_heir && v == a_none) { n->heir = a_none; n->heir_data = NONVALUE; }
        else return false;
    } else if (term_is_tuple(o) && tuple_arity(o) == 3 && tuple_elem(o, 1) == a_heir &&
               term_is_pid(tuple_elem(o, 2))) {
        n->heir = tuple_elem(o, 2);
        n->heir_data = tuple_elem(o, 3);
    } else {
        return false;
    }
    return true;
}

static EtsTable *table_create(Term name, const NewOpts *o, Term owner)
{
    /* 64-byte aligned: the counters have a cache line of their own (ets_impl.h). */
    EtsTable *tb = aligned_alloc(64, (sizeof *tb + 63) / 64 * 64);
    if (!tb) abort();
    memset(tb, 0, sizeof *tb);
    /* OTP's frequent-read table lock with read or write concurrency, where single-key
     * operations take the table lock shared; an ordered_set with write_concurrency alone
     * writes under it exclusively (no CA tree here), where a plain rwlock is cheaper. */
    bool shared_ops = o->read_conc || (o->type != ETS_ORDERED_SET && o->wc != ETS_WC_FALSE);
    tablock_init(&tb->lock, shared_ops);
    if (o->type == ETS_ORDERED_SET && o->wc != ETS_WC_FALSE) {
        /* never freed, as the struct (a tombstone): a late charge may still land here */
        tb->mem_slots = aligned_alloc(64, TABLOCK_SLOTS * sizeof(EtsMemSlot));
        if (!tb->mem_slots) abort();
        for (int i = 0; i < TABLOCK_SLOTS; i++) atomic_init(&tb->mem_slots[i].bytes, 0);
    }
    tb->name = name;
    tb->type = o->type;
    tb->access = o->access;
    tb->named = o->named;
    tb->keypos = o->keypos;
    tb->read_conc = o->read_conc;
    tb->write_conc = o->wc;
    tb->compressed = o->compressed;
    tb->owner = owner;
    tb->heir = o->heir;
    tb->fixed_bytes = (Uint)fixed_words(tb) * sizeof(Term);
    ets_charge(tb, (Sint)tb->fixed_bytes);
    store_heir_data(tb, o->heir_data);
    if (ets_is_hash(tb)) {
        hash_create(tb);
        if (o->wc != ETS_WC_FALSE) {
            EtsStripe *s = aligned_alloc(128, ETS_LOCK_CNT * sizeof(EtsStripe));
            if (!s) abort();
            ets_charge(tb, ETS_LOCK_CNT * sizeof(EtsStripe));
            for (int i = 0; i < ETS_LOCK_CNT; i++) spinrw_init(&s[i].lock);
            tb->u.hash.stripes = s;
        }
    } else {
        tree_create(tb);
    }
    return tb;
}

/* Frees the contents; the struct stays (a tombstone, see ets.h). [table lock exclusive] */
static void table_destroy(EtsTable *tb)
{
    if (ets_is_hash(tb)) {
        hash_destroy(tb);
        /* The stripes stay with the tombstone: an operation that read the pointer before the
         * delete still locks them, then sees `dead`. They no longer count as table memory. */
        if (tb->u.hash.stripes) ets_charge(tb, -(Sint)(ETS_LOCK_CNT * sizeof(EtsStripe)));
    } else {
        tree_destroy(tb);
    }
    free_stored(tb, tb->heir_data);
    tb->heir_data = NULL;
    ets_charge(tb, -(Sint)tb->fixed_bytes);
}

Term ets_bif_new(Process *p, Term name, Term opts)
{
    atoms();
    if (!term_is_atom(name)) return NONVALUE;
    NewOpts o = {ETS_SET, ETS_PROTECTED, false, false, false, ETS_WC_FALSE, 1, a_none, NONVALUE};
    Term l = opts;
    for (; term_is_list(l); l = list_tail(l))
        if (!parse_opt(list_head(l), &o)) return NONVALUE;
    if (l != NIL) return NONVALUE;
    if (o.access == ETS_PRIVATE) { /* OTP: a private table is never shared: no concurrency */
        o.read_conc = false;
        o.wc = ETS_WC_FALSE;
    }
    o.heir = live_heir(p, o.heir);
    EtsTable *tb = table_create(name, &o, p->pid);
    pthread_mutex_lock(&reg_lock);
    if (o.named && named_find(name)) {
        pthread_mutex_unlock(&reg_lock);
        atomic_store(&tb->dead, true);
        table_destroy(tb);
        pthread_mutex_lock(&reg_lock);
        tb->next_all = graveyard;
        graveyard = tb;
        pthread_mutex_unlock(&reg_lock);
        return NONVALUE;
    }
    if (o.named) {
        tb->next_named = *named_slot(name);
        *named_slot(name) = tb;
        atomic_fetch_add(&named_gen, 1);
    }
    tb->next_all = all_tables;
    all_tables = tb;
    pthread_mutex_unlock(&reg_lock);
    ets_event(tb, EV_CREATE);
    return ets_tid_term(p, tb);
}

/* Deletes a table: out of the registry, contents freed. */
static void table_delete(EtsTable *tb, EtsEvent ev)
{
    pthread_mutex_lock(&reg_lock);
    if (tb->named) named_remove(tb);
    all_remove(tb);
    tb->next_all = graveyard;
    graveyard = tb;
    pthread_mutex_unlock(&reg_lock);
    tablock_wrlock(&tb->lock);
    atomic_store(&tb->dead, true);
    table_destroy(tb);
    tablock_wrunlock(&tb->lock);
    ets_event(tb, ev);
}

Term ets_bif_delete1(Process *p, Term tab)
{
    atoms();
    EtsTable *tb = ets_resolve(p, tab, ETS_WRITE);
    if (!tb) return NONVALUE;
    /* Two deleters race: the first to set `deleting` deletes, the other gets badarg. */
    if (atomic_exchange(&tb->deleting, true)) return NONVALUE;
    table_delete(tb, EV_DELETE);
    return AM(true);
}

/* ---- single-key operations --------------------------------------------------------------- */
static bool valid_obj(EtsTable *tb, Term o) { return term_is_tuple(o) && tuple_arity(o) >= tb->keypos; }

/* Visits the objects with key (one at most for sets). Lock held by the caller. */
static void key_visit(EtsTable *tb, Term key, uint32_t hv, EtsVisit fn, void *arg)
{
    if (ets_is_hash(tb)) {
        hash_key_visit(tb, key, hv, fn, arg);
        return;
    }
    DbTerm *d = tree_lookup(tb, key);
    if (!d) return;
    if (fn(d, arg) & ETS_V_DELETE) tree_delete(tb, key);
}

static uint32_t key_hash(EtsTable *tb, Term key) { return ets_is_hash(tb) ? hash_key(key) : 0; }

static bool insert_one(EtsTable *tb, Term obj, bool only_new)
{
    if (ets_is_hash(tb)) return hash_insert(tb, obj, hash_key(tuple_elem(obj, tb->keypos)), only_new);
    return tree_insert(tb, obj, only_new);
}

/* One object of a list insert: the table grows as it goes, as OTP's does per object (chains
 * stay short; the final layout is the same either way). [table lock exclusive] */
static void insert_one_growing(EtsTable *tb, Term obj)
{
    insert_one(tb, obj, false);
    if (ets_is_hash(tb)) hash_grow(tb);
}

static int visit_exists(DbTerm *d, void *arg) { (void)d; *(bool *)arg = true; return ETS_V_STOP; }

/* One object into an ordered_set: its copy is made before the table is locked and a node it
 * replaces is freed after, so that the exclusive hold is the tree walk alone (two processes
 * inserting into one table copy their objects in parallel). */
static Term tree_insert_one(EtsTable *tb, Term obj, bool only_new)
{
    TreeNode *n = tree_node_new(tb, obj), *old = NULL;
    if (!lock_key(tb, 0, true)) {
        tree_node_free(tb, n);
        return NONVALUE;
    }
    bool ok = tree_insert_node(tb, n, only_new, &old);
    unlock_key(tb, 0, true);
    if (!ok) tree_node_free(tb, n);
    if (old) tree_node_free(tb, old);
    if (ok) ets_event(tb, EV_INSERT);
    return ok || !only_new ? AM(true) : AM(false);
}

Term ets_bif_insert(Process *p, Term tab, Term objs, bool only_new)
{
    atoms();
    EtsTable *tb = ets_resolve(p, tab, ETS_WRITE);
    if (!tb) return NONVALUE;
    if (!term_is_list(objs) && objs != NIL) {
        if (!valid_obj(tb, objs)) return NONVALUE;
        if (!ets_is_hash(tb)) return tree_insert_one(tb, objs, only_new);
        uint32_t hv = key_hash(tb, tuple_elem(objs, tb->keypos));
        if (!lock_key(tb, hv, true)) return NONVALUE;
        bool ok = insert_one(tb, objs, only_new);
        unlock_key_grow(tb, hv);
        if (ok) ets_event(tb, EV_INSERT);
        return ok || !only_new ? AM(true) : AM(false);
    }
    Term l = objs;
    for (; term_is_list(l); l = list_tail(l))
        if (!valid_obj(tb, list_head(l))) return NONVALUE;
    if (l != NIL) return NONVALUE;
    ets_lock_all(tb, true);
    if (atomic_load(&tb->dead)) { ets_unlock_all(tb, true); return NONVALUE; }
    bool ok = true;
    if (only_new) {
        for (l = objs; term_is_list(l) && ok; l = list_tail(l)) {
            Term key = tuple_elem(list_head(l), tb->keypos);
            bool exists = false;
            key_visit(tb, key, key_hash(tb, key), visit_exists, &exists);
            ok = !exists;
        }
    }
    if (ok && tb->type == ETS_BAG) {
        /* OTP 25 inserts a list into a bag last object first (observable in lookup order). */
        Sint n = list_length(objs);
        Term *v = malloc((size_t)(n ? n : 1) * sizeof(Term));
        if (!v) abort();
        Sint i = 0;
        for (l = objs; term_is_list(l); l = list_tail(l)) v[i++] = list_head(l);
        while (i-- > 0) insert_one_growing(tb, v[i]);
        free(v);
    } else if (ok) {
        for (l = objs; term_is_list(l); l = list_tail(l)) insert_one_growing(tb, list_head(l));
    }
    ets_unlock_all(tb, true);
    if (ok && objs != NIL) ets_event(tb, EV_INSERT);
    return ok ? AM(true) : AM(false);
}

/* Collects the DbTerms under a key. */
typedef struct Collect {
    DbTerm **v;
    Uint n, cap;
    DbTerm *one[4];
    Uint words;
    int del; /* ETS_V_DELETE to take them */
} Collect;

static void collect_init(Collect *c, int del)
{
    c->v = c->one;
    c->n = 0;
    c->cap = 4;
    c->words = 0;
    c->del = del;
}
static void collect_push(Collect *c, DbTerm *d)
{
    if (c->n == c->cap) {
        DbTerm **nv = malloc(2 * c->cap * sizeof *nv);
        if (!nv) abort();
        memcpy(nv, c->v, c->n * sizeof *nv);
        if (c->v != c->one) free(c->v);
        c->v = nv;
        c->cap *= 2;
    }
    c->v[c->n++] = d;
    c->words += d->size + 2;
}
static void collect_done(Collect *c) { if (c->v != c->one) free(c->v); }

static int visit_collect(DbTerm *d, void *arg)
{
    collect_push(arg, d);
    return 0;
}

/* A key's objects in OTP's lookup order: a hash chain holds them newest first. */
static void collect_key(EtsTable *tb, Term key, uint32_t hv, Collect *c)
{
    key_visit(tb, key, hv, visit_collect, c);
    for (Uint i = 0, j = c->n; i + 1 < j; i++, j--) {
        DbTerm *t = c->v[i];
        c->v[i] = c->v[j - 1];
        c->v[j - 1] = t;
    }
}

/*
 * A copy of stored object d at *hpp (d->size words), advancing *hpp. An object with no
 * off-heap part (no ProcBin, no magic ref) is moved as it is and its pointers, which all
 * point inside the flat copy, shifted by the distance moved: OTP's copy_shallow, what its
 * lookups do. Walking the term as copy_struct does cost some 280 instructions for a
 * {K, {A, B}}. Others go through copy_struct, which links their off-heap parts on oh.
 */
static Term dbterm_copy(const DbTerm *d, Term **hpp, OffHeap *oh)
{
    if (d->first_oh) return copy_struct(make_boxed((Term *)d->tpl), d->size, hpp, oh);
    Term *dst = *hpp;
    Uint n = d->size;
    flat_move(d->tpl, dst, n);
    *hpp = dst + n;
    return make_boxed(dst);
}

/* The list of copies of the collected objects, in order. */
static Term collected_list(Process *p, Collect *c)
{
    if (c->n == 0) return NIL;
    Term *hp = heap_halloc(&p->heap, c->words);
    Term *cells = hp;
    hp += 2 * c->n;
    OffHeap oh = {NULL, 0};
    for (Uint i = 0; i < c->n; i++) {
        Term o = dbterm_copy(c->v[i], &hp, &oh);
        cells[2 * i] = o;
        cells[2 * i + 1] = i + 1 < c->n ? make_list(cells + 2 * i + 2) : NIL;
    }
    for (OffHeapHeader *e = oh.first, *next; e; e = next) {
        next = e->next;
        heap_link_offheap(&p->heap, e, hdr_subtag(e->thing_word) == SUB_REFC_BIN ? e->size / 8 : 0);
    }
    return make_list(cells);
}

/* [d] as a one-element list on p's heap: one block for the cons and the copy. */
static Term one_object_list(Process *p, DbTerm *d)
{
    Term *cell = heap_halloc(&p->heap, 2 + d->size), *hp = cell + 2;
    OffHeap oh = {NULL, 0};
    cell[0] = dbterm_copy(d, &hp, &oh);
    cell[1] = NIL;
    for (OffHeapHeader *e = oh.first, *next; e; e = next) {
        next = e->next;
        heap_link_offheap(&p->heap, e, hdr_subtag(e->thing_word) == SUB_REFC_BIN ? e->size / 8 : 0);
    }
    return make_list(cell);
}

static DbTerm *find_one(EtsTable *tb, Term key, uint32_t hv);

Term ets_bif_lookup(Process *p, Term tab, Term key)
{
    EtsTable *tb = ets_resolve(p, tab, ETS_READ);
    if (!tb) return NONVALUE;
    uint32_t hv = key_hash(tb, key);
    if (!lock_key(tb, hv, false)) return NONVALUE;
    if (tb->type == ETS_SET || tb->type == ETS_ORDERED_SET) {
        /* one object at most: no collecting */
        DbTerm *d = find_one(tb, key, hv);
        Term r = d ? one_object_list(p, d) : NIL;
        unlock_key(tb, hv, false);
        return r;
    }
    Collect c;
    collect_init(&c, 0);
    collect_key(tb, key, hv, &c);
    Term r = collected_list(p, &c);
    unlock_key(tb, hv, false);
    collect_done(&c);
    return r;
}

Term ets_bif_member(Process *p, Term tab, Term key)
{
    EtsTable *tb = ets_resolve(p, tab, ETS_READ);
    if (!tb) return NONVALUE;
    uint32_t hv = key_hash(tb, key);
    if (!lock_key(tb, hv, false)) return NONVALUE;
    bool found = false;
    key_visit(tb, key, hv, visit_exists, &found);
    unlock_key(tb, hv, false);
    return found ? AM(true) : AM(false);
}

Term ets_bif_lookup_element(Process *p, Term tab, Term key, Term pos)
{
    EtsTable *tb = ets_resolve(p, tab, ETS_READ);
    if (!tb || !term_is_small(pos) || small_val(pos) < 1) return NONVALUE;
    Uint ix = (Uint)small_val(pos);
    uint32_t hv = key_hash(tb, key);
    if (!lock_key(tb, hv, false)) return NONVALUE;
    Collect c;
    collect_init(&c, 0);
    collect_key(tb, key, hv, &c);
    Term r = NONVALUE;
    bool ok = c.n > 0;
    Uint words = 0;
    for (Uint i = 0; i < c.n && ok; i++) {
        Term o = dbterm_obj(c.v[i]);
        if (tuple_arity(o) < ix) ok = false;
        else words += size_object(tuple_elem(o, ix)) + 2;
    }
    if (ok && tb->type == ETS_SET) {
        Term e = tuple_elem(dbterm_obj(c.v[0]), ix);
        r = ets_copy_out(p, e, size_object(e));
    } else if (ok && tb->type == ETS_ORDERED_SET) {
        Term e = tuple_elem(dbterm_obj(c.v[0]), ix);
        r = ets_copy_out(p, e, size_object(e));
    } else if (ok) {
        r = NIL;
        for (Uint i = c.n; i-- > 0;) {
            Term e = tuple_elem(dbterm_obj(c.v[i]), ix);
            Term ce = ets_copy_out(p, e, size_object(e));
            Term *hp = heap_halloc(&p->heap, 2);
            r = cons_at(hp, ce, r);
        }
    }
    (void)words;
    unlock_key(tb, hv, false);
    collect_done(&c);
    return r;
}

static int visit_delete(DbTerm *d, void *arg) { (void)d; (void)arg; return ETS_V_DELETE; }

Term ets_bif_delete2(Process *p, Term tab, Term key)
{
    EtsTable *tb = ets_resolve(p, tab, ETS_WRITE);
    if (!tb) return NONVALUE;
    uint32_t hv = key_hash(tb, key);
    if (!lock_key(tb, hv, true)) return NONVALUE;
    Uint before = atomic_load(&tb->nitems);
    key_visit(tb, key, hv, visit_delete, NULL);
    unlock_key_shrink(tb, hv, before);
    ets_event(tb, EV_DELETE);
    return AM(true);
}

static int visit_delete_equal(DbTerm *d, void *arg)
{
    return term_eq_exact(dbterm_obj(d), *(Term *)arg) ? ETS_V_DELETE : ETS_V_NEXT;
}

Term ets_bif_delete_object(Process *p, Term tab, Term obj)
{
    EtsTable *tb = ets_resolve(p, tab, ETS_WRITE);
    if (!tb || !valid_obj(tb, obj)) return NONVALUE;
    Term key = tuple_elem(obj, tb->keypos);
    uint32_t hv = key_hash(tb, key);
    if (!lock_key(tb, hv, true)) return NONVALUE;
    Uint before = atomic_load(&tb->nitems);
    if (ets_is_hash(tb)) {
        hash_key_visit(tb, key, hv, visit_delete_equal, &obj);
    } else {
        /* ordered_set keys compare ==, but the object must match exactly (=:=) */
        DbTerm *d = tree_lookup(tb, key);
        if (d && term_eq_exact(dbterm_obj(d), obj)) tree_delete(tb, key);
    }
    unlock_key_shrink(tb, hv, before);
    ets_event(tb, EV_DELETE);
    return AM(true);
}

Term ets_bif_delete_all_objects(Process *p, Term tab)
{
    EtsTable *tb = ets_resolve(p, tab, ETS_WRITE);
    if (!tb) return NONVALUE;
    ets_lock_all(tb, true);
    if (atomic_load(&tb->dead)) { ets_unlock_all(tb, true); return NONVALUE; }
    if (ets_is_hash(tb)) hash_clear(tb);
    else tree_clear(tb);
    ets_unlock_all(tb, true);
    ets_event(tb, EV_DELETE);
    return AM(true);
}

Term ets_bif_take(Process *p, Term tab, Term key)
{
    EtsTable *tb = ets_resolve(p, tab, ETS_WRITE);
    if (!tb) return NONVALUE;
    uint32_t hv = key_hash(tb, key);
    if (!lock_key(tb, hv, true)) return NONVALUE;
    Collect c;
    collect_init(&c, 0);
    collect_key(tb, key, hv, &c);
    Term r = collected_list(p, &c);
    Uint before = atomic_load(&tb->nitems);
    if (c.n) key_visit(tb, key, hv, visit_delete, NULL);
    unlock_key_shrink(tb, hv, before);
    collect_done(&c);
    if (r != NIL) ets_event(tb, EV_DELETE);
    return r;
}

/* ---- update_counter / update_element ------------------------------------------------------ */
/* One {Pos, Incr[, Threshold, SetValue]} operation, checked. */
typedef struct CounterOp {
    Uint pos;
    Term incr, thr, setv; /* thr NONVALUE when absent */
} CounterOp;

static bool parse_counter_op(Term op, EtsTable *tb, Uint arity, CounterOp *c)
{
    if (term_is_integer(op)) {
        c->pos = tb->keypos + 1;
        c->incr = op;
        c->thr = NONVALUE;
    } else if (term_is_tuple(op) && (tuple_arity(op) == 2 || tuple_arity(op) == 4)) {
        Term pos = tuple_elem(op, 1);
        if (!term_is_small(pos) || small_val(pos) < 1) return false;
        c->pos = (Uint)small_val(pos);
        c->incr = tuple_elem(op, 2);
        if (!term_is_integer(c->incr)) return false;
        c->thr = NONVALUE;
        if (tuple_arity(op) == 4) {
            c->thr = tuple_elem(op, 3);
            c->setv = tuple_elem(op, 4);
            if (!term_is_integer(c->thr) || !term_is_integer(c->setv)) return false;
        }
    } else {
        return false;
    }
    return c->pos != tb->keypos && c->pos <= arity;
}

/* Applies ops to the tuple elements in el (1-based, on p's heap). Results into res[]. */
static bool apply_counters(Process *p, Term *el, const CounterOp *ops, Uint n, Term *res)
{
    for (Uint i = 0; i < n; i++) {
        Term cur = el[ops[i].pos];
        if (!term_is_integer(cur)) return false;
        Term err;
        Term v = int_add(&p->heap, cur, ops[i].incr, &err);
        if (v == NONVALUE) return false;
        if (ops[i].thr != NONVALUE) {
            int s = int_compare(ops[i].incr, make_small(0));
            if ((s >= 0 && int_compare(v, ops[i].thr) > 0) || (s < 0 && int_compare(v, ops[i].thr) < 0))
                v = ops[i].setv;
        }
        el[ops[i].pos] = v;
        res[i] = v;
    }
    return true;
}

/* Finds the one object of key (set, ordered_set), or NULL. Lock held. */
static int visit_first(DbTerm *d, void *arg)
{
    *(DbTerm **)arg = d;
    return ETS_V_STOP;
}

static DbTerm *find_one(EtsTable *tb, Term key, uint32_t hv)
{
    if (!ets_is_hash(tb)) return tree_lookup(tb, key);
    DbTerm *d = NULL;
    hash_key_visit(tb, key, hv, visit_first, &d);
    return d;
}

/* Writes the tuple at tmp back as the key's object. */
static void replace_obj(EtsTable *tb, Term obj, uint32_t hv)
{
    if (ets_is_hash(tb)) hash_replace(tb, obj, hv);
    else tree_insert(tb, obj, false);
}

/* The new counter values go straight into the stored object when they and the values they
 * replace are all immediates, as OTP's db_do_update_element does in place: the object keeps
 * its size and its node (no allocation, memory unchanged). el holds the updated elements. */
static bool update_in_place(DbTerm *d, const Term *el, const CounterOp *ops, Uint n)
{
    for (Uint i = 0; i < n; i++)
        if (!term_is_immed(el[ops[i].pos]) || !term_is_immed(d->tpl[ops[i].pos])) return false;
    for (Uint i = 0; i < n; i++) d->tpl[ops[i].pos] = el[ops[i].pos];
    return true;
}

/* Small calls (the usual one: one op on a short tuple) keep their scratch on the C stack. */
enum { UC_STACK_OPS = 8, UC_STACK_WORDS = 17 };

Term ets_bif_update_counter(Process *p, Term tab, Term key, Term op, Term deflt)
{
    EtsTable *tb = ets_resolve(p, tab, ETS_WRITE);
    if (!tb || (tb->type != ETS_SET && tb->type != ETS_ORDERED_SET)) return NONVALUE;
    if (deflt != NONVALUE && !valid_obj(tb, deflt)) return NONVALUE;
    bool many = term_is_list(op) || op == NIL;
    Sint nops = many ? list_length(op) : 1;
    if (nops < 0) return NONVALUE;
    uint32_t hv = key_hash(tb, key);
    if (!lock_key(tb, hv, true)) return NONVALUE;
    Term result = NONVALUE;
    DbTerm *d = find_one(tb, key, hv);
    bool inserted = false;
    Term src;
    if (d) src = dbterm_obj(d);
    else if (deflt != NONVALUE) { src = deflt; inserted = true; }
    else goto out;
    {
        Uint arity = tuple_arity(src);
        CounterOp ops_buf[UC_STACK_OPS];
        Term res_buf[UC_STACK_OPS], tmp_buf[UC_STACK_WORDS];
        bool big_ops = nops > UC_STACK_OPS, big_tuple = arity + 1 > UC_STACK_WORDS;
        CounterOp *ops = big_ops ? malloc((size_t)nops * sizeof *ops) : ops_buf;
        Term *res = big_ops ? malloc((size_t)nops * sizeof(Term)) : res_buf;
        if (!ops || !res) abort();
        bool ok = true;
        Term l = op;
        for (Sint i = 0; i < nops && ok; i++) {
            ok = parse_counter_op(many ? list_head(l) : op, tb, arity, &ops[i]);
            if (many) l = list_tail(l);
        }
        /* A temporary copy of the tuple whose elements point into the table's object (copied
         * in as a whole when it cannot be updated in place). On p's heap when big: cleared after
         * the write so no heap word is left pointing at freed memory. */
        Term *tmp = big_tuple ? heap_halloc(&p->heap, arity + 1) : tmp_buf;
        memcpy(tmp, boxed_ptr(src), (arity + 1) * sizeof(Term));
        if (inserted) tmp[tb->keypos] = key;
        if (ok) ok = apply_counters(p, tmp, ops, (Uint)nops, res);
        if (ok) {
            Term obj = make_boxed(tmp);
            if (inserted) insert_one(tb, obj, false);
            else if (!update_in_place(d, tmp, ops, (Uint)nops)) replace_obj(tb, obj, hv);
            if (many) {
                Term *hp = heap_halloc(&p->heap, 2 * (Uint)nops);
                result = NIL;
                for (Sint i = nops; i-- > 0;) result = cons_at(hp + 2 * i, res[i], result);
            } else {
                result = res[0];
            }
        }
        if (big_tuple)
            for (Uint i = 1; i <= arity; i++) tmp[i] = NIL;
        if (big_ops) {
            free(ops);
            free(res);
        }
    }
out:;
    unlock_key_grow(tb, hv);
    if (result != NONVALUE) ets_event(tb, EV_INSERT);
    return result;
}

Term ets_bif_update_element(Process *p, Term tab, Term key, Term elems)
{
    EtsTable *tb = ets_resolve(p, tab, ETS_WRITE);
    if (!tb || (tb->type != ETS_SET && tb->type != ETS_ORDERED_SET)) return NONVALUE;
    bool many = term_is_list(elems) || elems == NIL;
    if (many && list_length(elems) < 0) return NONVALUE;
    uint32_t hv = key_hash(tb, key);
    if (!lock_key(tb, hv, true)) return NONVALUE;
    Term result = NONVALUE;
    DbTerm *d = find_one(tb, key, hv);
    Uint arity = d ? tuple_arity(dbterm_obj(d)) : 0;
    /* Check every {Pos, Value} first: badarg even when the key is missing. */
    bool ok = true;
    for (Term l = elems; ok && (many ? term_is_list(l) : true); l = many ? list_tail(l) : NIL) {
        Term e = many ? list_head(l) : l;
        ok = term_is_tuple(e) && tuple_arity(e) == 2 && term_is_small(tuple_elem(e, 1)) &&
             small_val(tuple_elem(e, 1)) >= 1 && (Uint)small_val(tuple_elem(e, 1)) != tb->keypos &&
             (!d || (Uint)small_val(tuple_elem(e, 1)) <= arity);
        if (!many) break;
    }
    if (ok && !d) result = AM(false);
    else if (ok) {
        Term *tmp = heap_halloc(&p->heap, arity + 1);
        memcpy(tmp, d->tpl, (arity + 1) * sizeof(Term));
        for (Term l = elems; many ? term_is_list(l) : true; l = many ? list_tail(l) : NIL) {
            Term e = many ? list_head(l) : l;
            tmp[small_val(tuple_elem(e, 1))] = tuple_elem(e, 2);
            if (!many) break;
        }
        replace_obj(tb, make_boxed(tmp), hv);
        for (Uint i = 1; i <= arity; i++) tmp[i] = NIL;
        result = AM(true);
    }
    unlock_key(tb, hv, true);
    if (result == AM(true)) ets_event(tb, EV_INSERT);
    return result;
}

/* ---- traversal --------------------------------------------------------------------------- */
static Term copy_key_or_eot(Process *p, EtsTable *tb, DbTerm *d)
{
    if (!d) return a_eot;
    Term k = dbterm_key(d, tb->keypos);
    return ets_copy_out(p, k, size_object(k));
}

Term ets_bif_first(Process *p, Term tab, bool last)
{
    atoms();
    EtsTable *tb = ets_resolve(p, tab, ETS_READ);
    if (!tb) return NONVALUE;
    ets_lock_all(tb, false);
    if (atomic_load(&tb->dead)) { ets_unlock_all(tb, false); return NONVALUE; }
    DbTerm *d = ets_is_hash(tb) ? hash_first(tb) : tree_first(tb, last);
    Term r = copy_key_or_eot(p, tb, d);
    ets_unlock_all(tb, false);
    return r;
}

Term ets_bif_next(Process *p, Term tab, Term key, bool prev)
{
    atoms();
    EtsTable *tb = ets_resolve(p, tab, ETS_READ);
    if (!tb) return NONVALUE;
    ets_lock_all(tb, false);
    if (atomic_load(&tb->dead)) { ets_unlock_all(tb, false); return NONVALUE; }
    Term r;
    if (ets_is_hash(tb)) {
        bool found;
        DbTerm *d = hash_next(tb, key, &found);
        /* OTP: a key not in the table is badarg, unless the table is fixed (a walk whose key
         * was deleted meanwhile goes on). OTP keeps a deleted key's node in place while the
         * table is fixed; we go on at the next bucket, which may skip the rest of that key's
         * chain (docs/ets.md). */
        r = found || atomic_load(&tb->fixes) > 0 ? copy_key_or_eot(p, tb, d) : NONVALUE;
    } else {
        r = copy_key_or_eot(p, tb, tree_next(tb, key, prev));
    }
    ets_unlock_all(tb, false);
    return r;
}

static int visit_collect_all(DbTerm *d, void *arg)
{
    collect_push(arg, d);
    return 0;
}

Term ets_bif_tab2list(Process *p, Term tab)
{
    EtsTable *tb = ets_resolve(p, tab, ETS_READ);
    if (!tb) return NONVALUE;
    ets_lock_all(tb, false);
    if (atomic_load(&tb->dead)) { ets_unlock_all(tb, false); return NONVALUE; }
    Collect c;
    collect_init(&c, 0);
    if (ets_is_hash(tb)) {
        /* OTP conses while it walks the buckets: its list is the walk reversed. */
        hash_visit(tb, visit_collect_all, &c, NULL);
        for (Uint i = 0, j = c.n; i + 1 < j; i++, j--) {
            DbTerm *t = c.v[i];
            c.v[i] = c.v[j - 1];
            c.v[j - 1] = t;
        }
    } else {
        tree_visit(tb, visit_collect_all, &c, false);
    }
    Term r = collected_list(p, &c);
    ets_unlock_all(tb, false);
    collect_done(&c);
    return r;
}

/* ---- slot ---------------------------------------------------------------------------------- */
typedef struct Nth {
    Uint want, at;
    DbTerm *found;
} Nth;

static int visit_nth(DbTerm *d, void *arg)
{
    Nth *n = arg;
    if (n->at++ < n->want) return ETS_V_NEXT;
    n->found = d;
    return ETS_V_STOP;
}

Term ets_bif_slot(Process *p, Term tab, Term i)
{
    atoms();
    EtsTable *tb = ets_resolve(p, tab, ETS_READ);
    if (!tb || !term_is_small(i) || small_val(i) < 0) return NONVALUE;
    Uint ix = (Uint)small_val(i);
    ets_lock_all(tb, false);
    Term r = NONVALUE;
    if (atomic_load(&tb->dead)) {
        r = NONVALUE;
    } else if (ets_is_hash(tb)) {
        /* OTP's db_slot_hash: the bucket's chain, consed (so in reverse) */
        if (ix < tb->u.hash.nactive) {
            Collect c;
            collect_init(&c, 0);
            hash_bucket_visit(tb, ix, visit_collect, &c);
            for (Uint a = 0, b = c.n; a + 1 < b; a++, b--) {
                DbTerm *t = c.v[a];
                c.v[a] = c.v[b - 1];
                c.v[b - 1] = t;
            }
            r = collected_list(p, &c);
            collect_done(&c);
        } else if (ix == tb->u.hash.nactive) {
            r = a_eot;
        }
    } else {
        Uint n = atomic_load(&tb->nitems);
        if (ix < n) {
            Nth nth = {ix, 0, NULL};
            tree_visit(tb, visit_nth, &nth, false);
            Collect c;
            collect_init(&c, 0);
            collect_push(&c, nth.found);
            r = collected_list(p, &c);
            collect_done(&c);
        } else if (ix == n) {
            r = a_eot;
        }
    }
    ets_unlock_all(tb, false);
    return r;
}

/* ---- info ---------------------------------------------------------------------------------- */
static Term tuple2(Process *p, Term a, Term b)
{
    Term *hp = heap_halloc(&p->heap, 3);
    hp[0] = make_tuple_header(2);
    hp[1] = a;
    hp[2] = b;
    return make_boxed(hp);
}

static Term type_atom(EtsTable *tb)
{
    switch (tb->type) {
    case ETS_SET: return a_set;
    case ETS_ORDERED_SET: return a_ordered_set;
    case ETS_BAG: return a_bag;
    default: return a_duplicate_bag;
    }
}
static Term bool_atom(bool b) { return b ? AM(true) : AM(false); }

/* One info item's value; NONVALUE when the item is not one. */
static Term info_item(Process *p, EtsTable *tb, Term item)
{
    if (item == a_size) return make_small((Sint)atomic_load(&tb->nitems));
    if (item == a_memory) return make_small((Sint)ets_words(tb));
    if (item == a_owner) return tb->owner;
    if (item == a_name) return tb->name;
    if (item == a_type) return type_atom(tb);
    if (item == a_keypos) return make_small(tb->keypos);
    if (item == a_named_table) return bool_atom(tb->named);
    if (item == a_heir) return tb->heir;
    if (item == a_node) return AM(nonode_nohost);
    if (item == a_compressed) return bool_atom(tb->compressed);
    if (item == a_read_concurrency) return bool_atom(tb->read_conc);
    if (item == a_write_concurrency)
        return tb->write_conc == ETS_WC_AUTO ? a_auto : bool_atom(tb->write_conc == ETS_WC_TRUE);
    if (item == a_decentralized_counters)
        return bool_atom(tb->write_conc == ETS_WC_AUTO || (tb->type == ETS_ORDERED_SET && tb->write_conc == ETS_WC_TRUE));
    if (item == a_id) return make_ref_term(p, tb);
    if (item == a_protection)
        return tb->access == ETS_PUBLIC ? a_public : tb->access == ETS_PROTECTED ? a_protected : a_private;
    return NONVALUE;
}

static bool info_item_known(Term item)
{
    Term known[] = {a_size, a_memory, a_owner, a_name, a_type, a_keypos, a_named_table, a_heir, a_node,
                    a_compressed, a_read_concurrency, a_write_concurrency, a_decentralized_counters, a_id,
                    a_protection, atom("fixed"), atom("safe_fixed"), atom("safe_fixed_monotonic_time"),
                    atom("stats")};
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (item == known[i]) return true;
    return false;
}

Term ets_bif_info2(Process *p, Term tab, Term item)
{
    atoms();
    if (!term_is_atom(tab) && !is_magic_ref(tab)) return NONVALUE;
    if (!term_is_atom(item) || !info_item_known(item)) return NONVALUE;
    EtsTable *tb = lookup_table(tab);
    if (!tb || atomic_load(&tb->dead)) return AM(undefined);
    Term v = info_item(p, tb, item);
    if (v == NONVALUE) return AM(false); /* fixed, safe_fixed: never fixed here */
    return v;
}

Term ets_bif_info1(Process *p, Term tab)
{
    atoms();
    if (!term_is_atom(tab) && !is_magic_ref(tab)) return NONVALUE;
    EtsTable *tb = lookup_table(tab);
    if (!tb || atomic_load(&tb->dead)) return AM(undefined);
    Term items[] = {a_id, a_decentralized_counters, a_read_concurrency, a_write_concurrency, a_compressed,
                    a_memory, a_owner, a_heir, a_name, a_size, a_node, a_named_table, a_type, a_keypos,
                    a_protection};
    size_t n = sizeof items / sizeof *items;
    Term r = NIL;
    for (size_t i = n; i-- > 0;) {
        Term t = tuple2(p, items[i], info_item(p, tb, items[i]));
        r = cons_at(heap_halloc(&p->heap, 2), t, r);
    }
    return r;
}

/* ---- naming and ownership ------------------------------------------------------------------ */
Term ets_bif_whereis(Process *p, Term name)
{
    if (!term_is_atom(name)) return NONVALUE;
    pthread_mutex_lock(&reg_lock);
    EtsTable *tb = named_find(name);
    pthread_mutex_unlock(&reg_lock);
    if (!tb || atomic_load(&tb->dead)) return AM(undefined);
    return make_ref_term(p, tb);
}

Term ets_bif_all(Process *p)
{
    pthread_mutex_lock(&reg_lock);
    Uint n = 0, refs = 0;
    for (EtsTable *t = all_tables; t; t = t->next_all, n++) refs += !t->named;
    Term *hp = heap_halloc(&p->heap, 2 * n + REF_SIZE * refs);
    Term r = NIL;
    /* all_tables is newest first; consing from it gives the oldest first. */
    for (EtsTable *t = all_tables; t; t = t->next_all) {
        Term id = t->name;
        if (!t->named) {
            hp[0] = make_header(SUB_REF, REF_MAGIC, 2);
            hp[1] = (Term)(uintptr_t)t;
            hp[2] = 0;
            heap_link_offheap(&p->heap, (OffHeapHeader *)hp, 0);
            id = make_boxed(hp);
            hp += REF_SIZE;
        }
        r = cons_at(hp, id, r);
        hp += 2;
    }
    pthread_mutex_unlock(&reg_lock);
    return r;
}

Term ets_bif_rename(Process *p, Term tab, Term name)
{
    EtsTable *tb = ets_resolve(p, tab, ETS_WRITE);
    if (!tb || !term_is_atom(name)) return NONVALUE;
    pthread_mutex_lock(&reg_lock);
    if (tb->named) {
        if (named_find(name) && name != tb->name) { pthread_mutex_unlock(&reg_lock); return NONVALUE; }
        named_remove(tb);
        tb->name = name;
        tb->next_named = *named_slot(name);
        *named_slot(name) = tb;
        atomic_fetch_add(&named_gen, 1);
    } else {
        tb->name = name;
    }
    pthread_mutex_unlock(&reg_lock);
    return ets_tid_term(p, tb);
}

/* {'ETS-TRANSFER', Tid, From, Data} as a flat malloc'd term. */
static EtsTransfer *make_transfer(EtsTable *tb, Term to, Term from, Term data)
{
    atoms();
    Uint dsz = size_object(data);
    Uint words = 5 + (tb->named ? 0 : REF_SIZE) + dsz;
    EtsTransfer *m = malloc(sizeof *m + words * sizeof(Term));
    if (!m) abort();
    m->to = to;
    m->size = words;
    m->oh.first = NULL;
    m->oh.overhead = 0;
    m->next = NULL;
    Term *hp = m->words;
    Term tid = tb->name;
    Term *tup = hp;
    hp += 5;
    if (!tb->named) {
        hp[0] = make_header(SUB_REF, REF_MAGIC, 2);
        hp[1] = (Term)(uintptr_t)tb;
        OffHeapHeader *e = (OffHeapHeader *)hp;
        e->next = m->oh.first;
        m->oh.first = e;
        tid = make_boxed(hp);
        hp += REF_SIZE;
    }
    Term d = copy_struct(data, dsz, &hp, &m->oh);
    tup[0] = make_tuple_header(4);
    tup[1] = a_ets_transfer;
    tup[2] = tid;
    tup[3] = from;
    tup[4] = d;
    m->msg = make_boxed(tup);
    return m;
}

void ets_transfer_free(EtsTransfer *list)
{
    for (EtsTransfer *m = list, *next; m; m = next) {
        next = m->next;
        for (OffHeapHeader *e = m->oh.first; e; e = e->next)
            if (hdr_subtag(e->thing_word) == SUB_REFC_BIN) binary_decref(((ProcBin *)e)->val);
        free(m);
    }
}

Term ets_bif_give_away(Process *p, Term tab, Term pid, Term gift, EtsTransfer **out)
{
    *out = NULL;
    EtsTable *tb = ets_resolve(p, tab, ETS_WRITE);
    if (!tb || tb->owner != p->pid || !term_is_pid(pid) || pid == p->pid) return NONVALUE;
    Process *to = ptab_lookup(pid);
    if (!to) return NONVALUE; /* OTP: the receiver must be alive */
    process_release(to);
    tablock_wrlock(&tb->lock);
    tb->owner = pid;
    tablock_wrunlock(&tb->lock);
    *out = make_transfer(tb, pid, p->pid, gift);
    ets_event(tb, EV_TRANSFER);
    return AM(true);
}

/* A count, not OTP's per-process fixation list: a process that exits with the table fixed
 * leaves it fixed, which only keeps next/2 on a missing key from failing. */
Term ets_bif_safe_fixtable(Process *p, Term tab, Term fix)
{
    if (fix != AM(true) && fix != AM(false)) return NONVALUE;
    EtsTable *tb = ets_resolve(p, tab, ETS_READ);
    if (!tb) return NONVALUE;
    if (fix == AM(true)) atomic_fetch_add(&tb->fixes, 1);
    else if (atomic_fetch_sub(&tb->fixes, 1) <= 0) atomic_fetch_add(&tb->fixes, 1);
    return AM(true);
}

Term ets_bif_setopts(Process *p, Term tab, Term opts)
{
    atoms();
    EtsTable *tb = ets_resolve(p, tab, ETS_WRITE);
    if (!tb || tb->owner != p->pid) return NONVALUE;
    Term l = term_is_list(opts) ? opts : NIL;
    Term one[2] = {opts, NIL};
    if (!term_is_list(opts)) l = make_list(one);
    for (; term_is_list(l); l = list_tail(l)) {
        NewOpts o = {ETS_SET, ETS_PROTECTED, false, false, false, ETS_WC_FALSE, 1, NONVALUE, NONVALUE};
        Term opt = list_head(l);
        if (!term_is_tuple(opt) || tuple_elem(opt, 1) != a_heir || !parse_opt(opt, &o)) return NONVALUE;
        tablock_wrlock(&tb->lock);
        tb->heir = live_heir(p, o.heir);
        store_heir_data(tb, o.heir_data);
        tablock_wrunlock(&tb->lock);
    }
    return AM(true);
}

EtsTransfer *ets_owner_exited(Term pid, bool (*alive)(Term pid))
{
    atoms();
    /* Snapshot the owner's tables under the registry lock, then act on each. */
    pthread_mutex_lock(&reg_lock);
    Uint n = 0, cap = 0;
    EtsTable **mine = NULL;
    for (EtsTable *t = all_tables; t; t = t->next_all) {
        if (t->owner != pid) continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 8;
            mine = realloc(mine, cap * sizeof *mine);
            if (!mine) abort();
        }
        mine[n++] = t;
    }
    pthread_mutex_unlock(&reg_lock);
    EtsTransfer *msgs = NULL, **tail = &msgs;
    for (Uint i = 0; i < n; i++) {
        EtsTable *tb = mine[i];
        if (tb->heir != a_none && tb->heir != pid && (!alive || alive(tb->heir))) {
            tablock_wrlock(&tb->lock);
            Term heir = tb->heir;
            tb->owner = heir;
            EtsTransfer *m = make_transfer(tb, heir, pid, heir_data(tb));
            /* OTP keeps the heir (and its data): it is now the owner, whose own exit then
             * deletes the table, unless setopts names another heir. */
            tablock_wrunlock(&tb->lock);
            *tail = m;
            tail = &m->next;
            ets_event(tb, EV_TRANSFER);
        } else {
            if (atomic_exchange(&tb->deleting, true)) continue;
            table_delete(tb, EV_OWNER_EXIT);
        }
    }
    free(mine);
    return msgs;
}
