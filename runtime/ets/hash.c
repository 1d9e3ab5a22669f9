/*
 * hash.c — set, bag and duplicate_bag: OTP's linear hash table (erl_db_hash.c).
 *
 * Buckets come in segments: a first one of 256 slots allocated with the table, then 2048-slot
 * segments reached through an extended segment table (6 words + one per segment: 256 entries,
 * then 128 more each time it fills; the outgrown tables stay allocated, as OTP keeps them for
 * shrinking back). The table grows one bucket at a time while it holds more objects than active
 * buckets (load factor 1): bucket `nactive` is split off bucket nactive & (szm>>1). So memory
 * jumps at n = 257, 2305, 4353, ... exactly where OTP's does. Deletes shrink it as OTP's
 * try_shrink does: once 4352 slots are allocated, while objects < (slots - 2048) / 2, up to
 * five top buckets per delete are joined back (the top chain in front of its partner's) and a
 * top segment is freed when it empties of active buckets.
 *
 * Chains are OTP's node for node: a new key is appended at its chain's tail, a bag's further
 * object goes in front of its key's objects, and a split keeps both halves in chain order. So
 * the walk OTP 25 makes (buckets upwards, chains from the head: hash_visit, first/next) visits
 * objects in OTP's order, and select/match/tab2list, which OTP conses while walking, list them
 * in its order too — for every table size, as long as the keys hash as OTP's do (docs/ets.md).
 *
 * A key's bucket is hv & szm, folded once when past nactive. Since szm >= 255, a bucket's
 * stripe (hv & 63) is the bucket index & 63: splitting a bucket moves objects between buckets of
 * the same stripe. Growth still takes the table lock exclusively because it can reallocate the
 * segment table.
 */
#include <stdlib.h>

#include "atom.h"
#include "copy.h"
#include "jenkins.h"
#include "map.h"
#include "ets/ets_impl.h"

/* OTP's atom_hash (atom.c): hashpjw over the name, latin-1 letters taken as one byte. */
static uint32_t atom_text_hash(Term a)
{
    size_t len;
    const unsigned char *p = (const unsigned char *)atom_name(a, &len);
    uint32_t h = 0, g;
    while (len--) {
        unsigned v = *p++;
        if (len && (v & 0xFE) == 0xC2 && (*p & 0xC0) == 0x80) {
            v = (v << 6) | (*p & 0x3F);
            p++;
            len--;
        }
        h = (h << 4) + (v & 0xFF);
        if ((g = h & 0xf0000000u)) {
            h ^= g >> 24;
            h ^= g;
        }
    }
    return h;
}

/* make_internal_hash(Key, 0) of an immediate (map.c's internal_hash, its first step): one
 * Jenkins mix of the term word from OTP's salt. Inline here because small integer keys are the
 * common case and the general walk's set-up costs more than the mix. */
static inline uint32_t immed_hash(Term key)
{
    return jenkins_u32x2(3432918353u /* INTERNAL_HASH_SALT */, (uint32_t)key, (uint32_t)(key >> 32), HCONST);
}

uint32_t hash_key(Term key)
{
    /* OTP 25's MAKE_HASH: an atom's table hash, else make_internal_hash(key, 0), & MAX_HASH_MASK.
     * Immediates inside compound keys hash by their tag word, whose atom and pid numbering
     * differs from OTP's: such keys iterate in an order of their own (docs/ets.md). */
    uint32_t h;
    if (term_is_atom(key)) h = atom_text_hash(key);
    else if (term_is_immed(key)) h = immed_hash(key);
    else h = map_hash(key, 0);
    return h & 0x7FFFFFFFu; /* MAX_HASH_MASK */
}

static HashNode **bucket_slot(EtsHash *h, Uint ix)
{
    if (ix < ETS_FIRST_SEGSZ) return &h->seg0[ix];
    Uint e = ix - ETS_FIRST_SEGSZ;
    return &h->segtab[1 + e / ETS_EXT_SEGSZ][e % ETS_EXT_SEGSZ];
}

static Uint bucket_of(const EtsHash *h, uint32_t hv)
{
    /* nactive first: a grower in another stripe stores szm before nactive, and any pair read
     * this way gives the same bucket for a key outside the grower's stripe (ets_impl.h). */
    Uint nactive = h->nactive, szm = h->szm;
    Uint ix = hv & szm;
    if (ix >= nactive) ix &= szm >> 1;
    return ix;
}

void hash_create(EtsTable *tb)
{
    EtsHash *h = &tb->u.hash;
    memset(h, 0, sizeof *h);
    h->seg0 = ets_alloc(tb, ETS_FIRST_SEGSZ * sizeof(HashNode *));
    memset(h->seg0, 0, ETS_FIRST_SEGSZ * sizeof(HashNode *));
    h->nactive = ETS_FIRST_SEGSZ;
    h->szm = ETS_FIRST_SEGSZ - 1;
    h->nsegs = 1;
    h->segcap = 1;
    h->first_segtab = malloc(sizeof(HashNode **)); /* the DbTable's own one-entry segtab: not charged */
    if (!h->first_segtab) abort();
    h->first_segtab[0] = h->seg0;
    h->segtab = h->first_segtab;
    pthread_mutex_init(&h->resize, NULL);
}

static void free_node(EtsTable *tb, HashNode *n)
{
    ets_dbterm_release(&n->dbterm);
    ets_free(tb, n, hash_node_bytes(&n->dbterm));
}

static void free_objects(EtsTable *tb)
{
    EtsHash *h = &tb->u.hash;
    for (Uint ix = 0; ix < h->nactive; ix++) {
        HashNode **slot = bucket_slot(h, ix);
        for (HashNode *n = *slot, *next; n; n = next) {
            next = n->next;
            free_node(tb, n);
        }
        *slot = NULL;
    }
    atomic_store(&tb->nitems, 0);
}

/* Extended segment tables: [prev block][prev cap][4 unused][entries...], 6 + cap words. */
enum { SEGTAB_PREV = 0, SEGTAB_PREV_CAP = 1 };

static HashNode ***segtab_entries(Uint *blk) { return (HashNode ***)(blk + ETS_SEGTAB_HDR); }

/* Frees the current extended segment table and goes back to the one it replaced. */
static void segtab_pop(EtsTable *tb)
{
    EtsHash *h = &tb->u.hash;
    Uint *blk = h->segtab_block, *prev = (Uint *)(uintptr_t)blk[SEGTAB_PREV];
    Uint prev_cap = blk[SEGTAB_PREV_CAP];
    HashNode ***to = prev ? segtab_entries(prev) : h->first_segtab;
    for (Uint s = 0; s < h->nsegs && s < prev_cap; s++) to[s] = h->segtab[s];
    ets_free(tb, blk, (ETS_SEGTAB_HDR + h->segcap) * sizeof(Term));
    h->segtab_block = prev;
    h->segtab = to;
    h->segcap = prev_cap;
}

static void free_ext(EtsTable *tb)
{
    EtsHash *h = &tb->u.hash;
    for (Uint s = 1; s < h->nsegs; s++) ets_free(tb, h->segtab[s], ETS_EXT_SEGSZ * sizeof(HashNode *));
    h->nsegs = 1;
    while (h->segtab_block) segtab_pop(tb);
    h->nactive = ETS_FIRST_SEGSZ;
    h->szm = ETS_FIRST_SEGSZ - 1;
}

void hash_clear(EtsTable *tb)
{
    free_objects(tb);
    free_ext(tb);
}

void hash_destroy(EtsTable *tb)
{
    EtsHash *h = &tb->u.hash;
    hash_clear(tb);
    ets_free(tb, h->seg0, ETS_FIRST_SEGSZ * sizeof(HashNode *));
    free(h->first_segtab);
    h->first_segtab = h->segtab = NULL;
    h->seg0 = NULL;
}

/* Room for one more extension segment in the segment table: OTP's alloc_ext_segtab (256
 * entries, then 128 more each time; the old table stays allocated behind the new one). */
static void ensure_segtab(EtsTable *tb)
{
    EtsHash *h = &tb->u.hash;
    if (h->nsegs < h->segcap) return;
    Uint cap = h->segtab_block ? h->segcap + 128 : 256;
    Uint *blk = ets_alloc(tb, (ETS_SEGTAB_HDR + cap) * sizeof(Term));
    memset(blk, 0, (ETS_SEGTAB_HDR + cap) * sizeof(Term));
    blk[SEGTAB_PREV] = (Uint)(uintptr_t)h->segtab_block;
    blk[SEGTAB_PREV_CAP] = h->segcap;
    HashNode ***tab = segtab_entries(blk);
    for (Uint s = 0; s < h->nsegs; s++) tab[s] = h->segtab[s];
    h->segtab_block = blk;
    h->segtab = tab;
    h->segcap = cap;
}

/* Splits bucket nactive off its partner. prefetch: the caller holds the whole table (not one
 * stripe), so bucket from + 1, another stripe's, may be read to prefetch the next split's. */
static void grow_one(EtsTable *tb, bool prefetch)
{
    EtsHash *h = &tb->u.hash;
    Uint nix = h->nactive;
    if (nix >= ETS_FIRST_SEGSZ && (nix - ETS_FIRST_SEGSZ) % ETS_EXT_SEGSZ == 0) {
        ensure_segtab(tb);
        HashNode **seg = ets_alloc(tb, ETS_EXT_SEGSZ * sizeof(HashNode *));
        memset(seg, 0, ETS_EXT_SEGSZ * sizeof(HashNode *));
        h->segtab[h->nsegs++] = seg;
    }
    if (nix > h->szm) h->szm = 2 * h->szm + 1;
    Uint from = nix & (h->szm >> 1);
    h->nactive++;
    HashNode **src = bucket_slot(h, from), **dst = bucket_slot(h, nix);
    HashNode *keep = NULL, **kt = &keep, *move = NULL, **mt = &move;
    for (HashNode *n = *src, *next; n; n = next) {
        next = n->next;
        if ((n->hvalue & h->szm) == nix) { *mt = n; mt = &n->next; }
        else { *kt = n; kt = &n->next; }
    }
    *kt = NULL;
    *mt = NULL;
    *src = keep;
    *dst = move;
    /* The next split (the next insert past nactive, as a rule) walks bucket from + 1, whose
     * nodes are anywhere: start fetching its first one now. */
    if (prefetch && from + 1 < nix) {
        HashNode *next = *bucket_slot(h, from + 1);
        if (next) __builtin_prefetch(next);
    }
}

void hash_grow(EtsTable *tb)
{
    while (atomic_load(&tb->nitems) > tb->u.hash.nactive) grow_one(tb, true);
}

/* As OTP's grow on a fine-locked table: the split runs under the stripe that holds both
 * buckets (nix and its partner are equal mod 64), so the other stripes' operations go on; the
 * table lock held shared keeps shrinking and whole-table operations out. */
void hash_grow_striped(EtsTable *tb)
{
    EtsHash *h = &tb->u.hash;
    while (atomic_load(&tb->nitems) > h->nactive) {
        if (pthread_mutex_trylock(&h->resize) != 0) return; /* the holder re-checks below */
        while (atomic_load(&tb->nitems) > h->nactive) {
            SpinRw *l = &h->stripes[h->nactive % ETS_LOCK_CNT].lock;
            spinrw_wrlock(l);
            grow_one(tb, false);
            spinrw_wrunlock(l);
        }
        pthread_mutex_unlock(&h->resize);
    }
}

/* OTP's calc_shrink_limit: no shrinking below two extension segments (and, with decentralised
 * counters, below 100 slots per lock). */
static Uint shrink_limit(const EtsTable *tb)
{
    const EtsHash *h = &tb->u.hash;
    Uint nslots = ETS_FIRST_SEGSZ + (h->nsegs - 1) * ETS_EXT_SEGSZ;
    if (tb->write_conc == ETS_WC_AUTO && nslots < 100 * ETS_LOCK_CNT) return 0;
    return nslots >= ETS_FIRST_SEGSZ + 2 * ETS_EXT_SEGSZ ? (nslots - ETS_EXT_SEGSZ) / 2 : 0;
}

bool hash_should_shrink(EtsTable *tb) { return atomic_load(&tb->nitems) < shrink_limit(tb); }

/* OTP's shrink(): joins the top bucket into the one it was split from — the top chain first,
 * then the partner's — and frees the top segment once none of its buckets is active. */
static void shrink_one(EtsTable *tb)
{
    EtsHash *h = &tb->u.hash;
    Uint src_ix = h->nactive - 1, low = h->szm >> 1, dst_ix = src_ix & low;
    HashNode **srcp = bucket_slot(h, src_ix), *src = *srcp;
    *srcp = NULL;
    h->nactive = src_ix;
    if (dst_ix == 0) h->szm = low;
    Uint nslots = ETS_FIRST_SEGSZ + (h->nsegs - 1) * ETS_EXT_SEGSZ;
    HashNode **dst = bucket_slot(h, dst_ix);
    if (src) {
        HashNode **tail = &src;
        while (*tail) tail = &(*tail)->next;
        *tail = *dst;
        *dst = src;
    }
    if (nslots - src_ix >= ETS_EXT_SEGSZ) {
        Uint seg = h->nsegs - 1;
        ets_free(tb, h->segtab[seg], ETS_EXT_SEGSZ * sizeof(HashNode *));
        h->nsegs--;
        if (h->segtab_block && seg == h->segtab_block[SEGTAB_PREV_CAP]) segtab_pop(tb);
    }
}

void hash_shrink(EtsTable *tb)
{
    for (int loops = 5; loops-- > 0 && hash_should_shrink(tb);) shrink_one(tb);
}

static HashNode *new_node(EtsTable *tb, Term obj, uint32_t hv)
{
    void *blk;
    ets_dbterm_new(tb, obj, offsetof(HashNode, dbterm), &blk);
    HashNode *n = blk;
    n->hvalue = hv;
    n->pseudo_deleted = 0;
    n->next = NULL;
    return n;
}

static bool same_key(EtsTable *tb, HashNode *n, uint32_t hv, Term key)
{
    return n->hvalue == hv && term_eq_exact(dbterm_key(&n->dbterm, tb->keypos), key);
}

bool hash_insert(EtsTable *tb, Term obj, uint32_t hv, bool only_new)
{
    /* As OTP 25's db_put_hash: a new key goes to the chain's tail; a bag's or duplicate_bag's
     * further object goes in front of the objects with its key (a bag's equal object is not
     * added twice). So every chain is OTP's chain, node for node, and every traversal below
     * can walk it as OTP does. */
    EtsHash *h = &tb->u.hash;
    Term key = tuple_elem(obj, tb->keypos);
    HashNode **pp = bucket_slot(h, bucket_of(h, hv));
    for (; *pp; pp = &(*pp)->next)
        if (same_key(tb, *pp, hv, key)) break;
    if (*pp) {
        HashNode *n = *pp;
        if (only_new) return false;
        if (tb->type == ETS_SET) {
            HashNode *q = new_node(tb, obj, hv);
            q->next = n->next;
            *pp = q;
            free_node(tb, n);
            return true;
        }
        if (tb->type == ETS_BAG)
            for (HashNode *m = n; m && same_key(tb, m, hv, key); m = m->next)
                if (term_eq_exact(dbterm_obj(&m->dbterm), obj)) return true;
    }
    HashNode *q = new_node(tb, obj, hv);
    q->next = *pp;
    *pp = q;
    atomic_fetch_add(&tb->nitems, 1);
    return true;
}

void hash_replace(EtsTable *tb, Term obj, uint32_t hv)
{
    EtsHash *h = &tb->u.hash;
    Term key = tuple_elem(obj, tb->keypos);
    for (HashNode **pp = bucket_slot(h, bucket_of(h, hv)); *pp; pp = &(*pp)->next) {
        HashNode *n = *pp;
        if (!same_key(tb, n, hv, key)) continue;
        HashNode *q = new_node(tb, obj, hv);
        q->next = n->next;
        *pp = q;
        free_node(tb, n);
        return;
    }
}

void hash_replace_node(EtsTable *tb, DbTerm *old, Term obj)
{
    /* As OTP's select_replace: a new node in the old one's place in its chain. */
    EtsHash *h = &tb->u.hash;
    HashNode *n = (HashNode *)((char *)old - offsetof(HashNode, dbterm));
    for (HashNode **pp = bucket_slot(h, bucket_of(h, n->hvalue)); *pp; pp = &(*pp)->next) {
        if (*pp != n) continue;
        HashNode *q = new_node(tb, obj, n->hvalue);
        q->next = n->next;
        *pp = q;
        free_node(tb, n);
        return;
    }
}

/* Visits one chain; ETS_V_DELETE unlinks. Returns true when the visitor stopped. */
static bool visit_chain(EtsTable *tb, HashNode **pp, EtsVisit fn, void *arg)
{
    while (*pp) {
        HashNode *n = *pp;
        int r = fn(&n->dbterm, arg);
        if (r & ETS_V_DELETE) {
            *pp = n->next;
            free_node(tb, n);
            atomic_fetch_sub(&tb->nitems, 1);
        } else {
            pp = &n->next;
        }
        if (r & ETS_V_STOP) return true;
    }
    return false;
}

void hash_bucket_visit(EtsTable *tb, Uint ix, EtsVisit fn, void *arg)
{
    visit_chain(tb, bucket_slot(&tb->u.hash, ix), fn, arg);
}

void hash_key_visit(EtsTable *tb, Term key, uint32_t hv, EtsVisit fn, void *arg)
{
    /* A key's objects are next to each other in its chain (hash_insert puts a new key at the
     * tail and a bag's further object in front of its key's; splits and joins keep runs), so
     * the walk stops after them, and after the one object of a set: as OTP's db_get_hash, it
     * touches no node past the key's (each would be a cache miss in a big table). */
    EtsHash *h = &tb->u.hash;
    HashNode **pp = bucket_slot(h, bucket_of(h, hv));
    while (*pp && !same_key(tb, *pp, hv, key)) pp = &(*pp)->next;
    while (*pp && same_key(tb, *pp, hv, key)) {
        HashNode *n = *pp;
        int r = fn(&n->dbterm, arg);
        if (r & ETS_V_DELETE) {
            *pp = n->next;
            free_node(tb, n);
            atomic_fetch_sub(&tb->nitems, 1);
        } else {
            pp = &n->next;
        }
        if ((r & ETS_V_STOP) || tb->type == ETS_SET) return;
    }
}

void hash_visit(EtsTable *tb, EtsVisit fn, void *arg, void (*bucket_done)(void *arg))
{
    /* OTP 25's traversal (match_traverse, db_first/next_hash on a table without fine locks):
     * buckets upwards, each chain from its head. select, match and tab2list cons their results
     * while walking, so their lists come out in the reverse of this order. */
    EtsHash *h = &tb->u.hash;
    enum { AHEAD = 8 }; /* buckets: the walk is bound by cache misses on scattered nodes */
    for (Uint ix = 0; ix < h->nactive; ix++) {
        if (ix + AHEAD < h->nactive) {
            HashNode *ahead = *bucket_slot(h, ix + AHEAD);
            if (ahead) {
                __builtin_prefetch(ahead);
                __builtin_prefetch(ahead->dbterm.tpl);
            }
        }
        HashNode **slot = bucket_slot(h, ix);
        if (!*slot) continue;
        if (visit_chain(tb, slot, fn, arg)) return;
        if (bucket_done) bucket_done(arg);
    }
}

static DbTerm *first_from(EtsHash *h, Uint ix)
{
    for (; ix < h->nactive; ix++) {
        HashNode *n = *bucket_slot(h, ix);
        if (n) return &n->dbterm;
    }
    return NULL;
}

DbTerm *hash_first(EtsTable *tb) { return first_from(&tb->u.hash, 0); }

DbTerm *hash_next(EtsTable *tb, Term key, bool *found)
{
    EtsHash *h = &tb->u.hash;
    uint32_t hv = hash_key(key);
    Uint ix = bucket_of(h, hv);
    HashNode *n = *bucket_slot(h, ix);
    while (n && !same_key(tb, n, hv, key)) n = n->next;
    *found = n != NULL;
    if (!n) return first_from(h, ix + 1); /* for a fixed table (ets.c) */
    while (n && same_key(tb, n, hv, key)) n = n->next;
    if (n) return &n->dbterm;
    return first_from(h, ix + 1);
}
