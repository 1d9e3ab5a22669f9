/*
 * hash.c — set, bag and duplicate_bag: OTP's linear hash table (erl_db_hash.c).
 *
 * Buckets come in segments: a first one of 256 slots allocated with the table, then 2048-slot
 * segments reached through an extended segment table (262 words for the first 256 extension
 * segments, doubled when full). The table grows one bucket at a time while it holds more objects
 * than active buckets (load factor 1): bucket `nactive` is split off bucket nactive & (szm>>1).
 * So memory jumps at n = 257, 2305, 4353, ... exactly where OTP's does. We never shrink except
 * on delete_all_objects (OTP shrinks lazily; see docs/ets.md).
 *
 * A key's bucket is hv & szm, folded once when past nactive. Since szm >= 255, a bucket's
 * stripe (hv & 63) is the bucket index & 63: splitting a bucket moves objects between buckets of
 * the same stripe. Growth still takes the table lock exclusively because it can reallocate the
 * segment table.
 */
#include <stdlib.h>

#include "atom.h"
#include "copy.h"
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

uint32_t hash_key(Term key)
{
    /* OTP's MAKE_HASH: an atom's table hash, else make_internal_hash(key, 0), mod MAX_HASH.
     * Immediates inside compound keys hash by their tag word, whose atom and pid numbering
     * differs from OTP's: such keys iterate in an order of their own (docs/ets.md). */
    uint32_t h = term_is_atom(key) ? atom_text_hash(key) : map_hash(key, 0);
    return h % 0xEFFFFFFFu;
}

static HashNode **bucket_slot(EtsHash *h, Uint ix)
{
    if (ix < ETS_FIRST_SEGSZ) return &h->seg0[ix];
    Uint e = ix - ETS_FIRST_SEGSZ;
    return &h->segtab[1 + e / ETS_EXT_SEGSZ][e % ETS_EXT_SEGSZ];
}

static Uint bucket_of(const EtsHash *h, uint32_t hv)
{
    Uint ix = hv & h->szm;
    if (ix >= h->nactive) ix &= h->szm >> 1;
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
    h->segtab = malloc(sizeof(HashNode **)); /* the DbTable's own one-entry segtab: not charged */
    if (!h->segtab) abort();
    h->segtab[0] = h->seg0;
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

static void free_ext(EtsTable *tb)
{
    EtsHash *h = &tb->u.hash;
    for (Uint s = 1; s < h->nsegs; s++) ets_free(tb, h->segtab[s], ETS_EXT_SEGSZ * sizeof(HashNode *));
    if (h->segtab_block) {
        ets_free(tb, h->segtab_block, (ETS_SEGTAB_HDR + h->segcap - 1) * sizeof(Term));
        h->segtab_block = NULL;
        h->segtab = malloc(sizeof(HashNode **));
        if (!h->segtab) abort();
        h->segtab[0] = h->seg0;
    }
    h->nsegs = h->segcap = 1;
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
    free(h->segtab);
    h->segtab = NULL;
    h->seg0 = NULL;
}

/* Room for one more extension segment in the segment table. */
static void ensure_segtab(EtsTable *tb)
{
    EtsHash *h = &tb->u.hash;
    if (h->nsegs < h->segcap) return;
    /* OTP's first ext_segtab holds 256 extension segments in 262 words; we double after. */
    Uint cap = h->segtab_block ? 2 * (h->segcap - 1) + 1 : 1 + 256;
    Uint words = ETS_SEGTAB_HDR + cap - 1;
    Uint *blk = ets_alloc(tb, words * sizeof(Term));
    memset(blk, 0, words * sizeof(Term));
    HashNode ***tab = (HashNode ***)(blk + ETS_SEGTAB_HDR - 1);
    for (Uint s = 0; s < h->nsegs; s++) tab[s] = h->segtab[s];
    if (h->segtab_block) ets_free(tb, h->segtab_block, (ETS_SEGTAB_HDR + h->segcap - 1) * sizeof(Term));
    else free(h->segtab);
    h->segtab_block = blk;
    h->segtab = tab;
    h->segcap = cap;
}

static void grow_one(EtsTable *tb)
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
}

void hash_grow(EtsTable *tb)
{
    while (atomic_load(&tb->nitems) > tb->u.hash.nactive) grow_one(tb);
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
    /* As OTP's db_put_hash: a new key goes to the chain's head; a bag's or duplicate_bag's
     * further object goes in front of the objects with its key. Lookups and selects read the
     * chain backwards (OTP conses while walking), so both come out oldest first. */
    EtsHash *h = &tb->u.hash;
    Term key = tuple_elem(obj, tb->keypos);
    HashNode **slot = bucket_slot(h, bucket_of(h, hv));
    HashNode **group = NULL; /* the link to the first object with this key */
    for (HashNode **pp = slot; *pp; pp = &(*pp)->next) {
        HashNode *n = *pp;
        if (!same_key(tb, n, hv, key)) {
            if (group) break; /* objects with one key are contiguous */
            continue;
        }
        if (only_new) return false;
        if (tb->type == ETS_SET) {
            HashNode *q = new_node(tb, obj, hv);
            q->next = n->next;
            *pp = q;
            free_node(tb, n);
            return true;
        }
        if (!group) group = pp;
        if (tb->type == ETS_BAG && term_eq_exact(dbterm_obj(&n->dbterm), obj)) return true;
    }
    HashNode *q = new_node(tb, obj, hv);
    HashNode **at = group ? group : slot;
    q->next = *at;
    *at = q;
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

/* Visits one chain; ETS_V_DELETE unlinks. Returns true when the visitor stopped. */
static bool visit_chain(EtsTable *tb, HashNode **pp, const Term *key, uint32_t hv, EtsVisit fn, void *arg)
{
    while (*pp) {
        HashNode *n = *pp;
        if (key && !same_key(tb, n, hv, *key)) { pp = &n->next; continue; }
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

void hash_key_visit(EtsTable *tb, Term key, uint32_t hv, EtsVisit fn, void *arg)
{
    EtsHash *h = &tb->u.hash;
    visit_chain(tb, bucket_slot(h, bucket_of(h, hv)), &key, hv, fn, arg);
}

/* Visits one chain last node first (OTP's select order); deletions happen after. Returns true
 * when the visitor stopped. */
static bool visit_chain_backwards(EtsTable *tb, HashNode **slot, EtsVisit fn, void *arg)
{
    HashNode *local[16], **v = local;
    Uint n = 0, cap = 16;
    for (HashNode *x = *slot; x; x = x->next) {
        if (n == cap) {
            HashNode **nv = malloc(2 * cap * sizeof *nv);
            if (!nv) abort();
            memcpy(nv, v, n * sizeof *nv);
            if (v != local) free(v);
            v = nv;
            cap *= 2;
        }
        v[n++] = x;
    }
    bool stop = false, any_del = false;
    for (Uint i = n; i-- > 0 && !stop;) {
        int r = fn(&v[i]->dbterm, arg);
        if (r & ETS_V_DELETE) {
            v[i]->pseudo_deleted = 1; /* a mark until the unlinking below */
            any_del = true;
        }
        stop = (r & ETS_V_STOP) != 0;
    }
    if (any_del) {
        for (HashNode **pp = slot; *pp;) {
            HashNode *x = *pp;
            if (!x->pseudo_deleted) { pp = &x->next; continue; }
            *pp = x->next;
            free_node(tb, x);
            atomic_fetch_sub(&tb->nitems, 1);
        }
    }
    if (v != local) free(v);
    return stop;
}

void hash_visit(EtsTable *tb, EtsVisit fn, void *arg)
{
    /* Highest bucket first, each chain backwards: the order OTP 25's select, match and
     * tab2list give (they cons results while walking from bucket 0). */
    EtsHash *h = &tb->u.hash;
    for (Uint ix = h->nactive; ix-- > 0;)
        if (visit_chain_backwards(tb, bucket_slot(h, ix), fn, arg)) return;
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
    if (!n) return NULL;
    while (n && same_key(tb, n, hv, key)) n = n->next;
    if (n) return &n->dbterm;
    return first_from(h, ix + 1);
}
