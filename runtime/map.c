/*
 * map.c — flatmaps and OTP 25's hashmaps (see map.h).
 *
 * Everything here follows erts/emulator/beam/erl_map.c and utils.c of OTP 25.2.3 so that a map
 * built by the same operations has the same nodes, the same number of words and the same
 * maps:to_list order as on OTP. The facts this file depends on were checked against the
 * installed erl (tests/unit/runtime/test_map.c holds the figures):
 *
 *  - Key order in a flatmap is CMP_TERM, the exact term order: all integers (small and big,
 *    by value) before all floats, 0.0 and -0.0 the same key. key_compare below is
 *    term_compare(a, b, true), which must give that order.
 *  - The hashmap hash is make_internal_hash(Key, Salt) (Bob Jenkins' mix, not the CRC32C
 *    variant: Debian's build has no SSE 4.2). Immediates hash their raw word, so atom keys
 *    hash by atom index: their order matches OTP only where the indexes agree.
 *  - Every 8 levels the 32 hash bits are used up; OTP 25's make_map_hash(Key, Depth) rehashes
 *    with Salt = UINT32_HASH_2(Depth, 1, HCONST_22) from 0 (verified on 16 colliding pairs).
 *  - The trie is canonical: a leaf sits at the shallowest level where its hash prefix is its
 *    own, a node exists for every prefix that two or more keys share, the root is a head
 *    array iff all 16 slots are used, inner nodes are always bitmap nodes (OTP 25 never makes
 *    inner array nodes; a full bitmap node has the same 17 words). from_list, put and remove
 *    all keep that shape, so we build it directly instead of replaying OTP's algorithms.
 *  - maps:to_list lists a hashmap in the reverse of the depth-first, slot-order walk (OTP
 *    iterates forwards and conses); removing a key from a 33-key hashmap gives a flatmap;
 *    put/update with the identical value word returns the map itself.
 *
 * Heap use follows OTP's allocations, holes included, because heap figures are compared with
 * OTP's: a flatmap put of a new key leaves one filler word as OTP's does (its optimistic
 * allocation becomes the new keys tuple plus a hole), and from_list with duplicate keys leaves
 * the unused part of the keys area as filler. Fillers are bignum headers covering the hole, as
 * in OTP, so an area walker sees an object there.
 */
#include "map.h"

#include <stdio.h>
#include <stdlib.h>

#include "bin.h"
#include "jenkins.h"
#include "literal.h"

/* ---- hashing: OTP's make_internal_hash -------------------------------------------------- */

/* OTP starts every internal hash from this prime so that it differs from phash2. */
#define INTERNAL_HASH_SALT 3432918353u

/* OTP's UINT32_HASH_2 and UINT32_HASH. */
static inline void hash_u32x2(uint32_t *hash, uint32_t x, uint32_t y, uint32_t k)
{
    *hash = jenkins_u32x2(*hash, x, y, k);
}
static inline void hash_u32(uint32_t *hash, uint32_t x, uint32_t k) { hash_u32x2(hash, x, 0, k); }
/* OTP's CONST_HASH: light mixing of a type marker. */
static inline void hash_const(uint32_t *hash, uint32_t k)
{
    *hash ^= k;
    *hash = (*hash << 17) ^ (*hash >> 15);
}
static inline void hash_pointer(uint32_t *hash, const void *p, uint32_t k)
{
    uintptr_t u = (uintptr_t)p;
    hash_u32x2(hash, (uint32_t)u, (uint32_t)((uint64_t)u >> 32), k);
}

/* The explicit stack of the hash walk: terms still to hash, and a marker word. A header word
 * is never a term, so the marker cannot be confused with one. */
#define HASH_CDR_MARK ((Term)SUB_MATCHSTATE << HDR_SUBTAG_SHIFT)

typedef struct HashStack {
    Term *items;
    size_t n, cap;
    Term local[64];
} HashStack;

static void stack_push(HashStack *s, Term t)
{
    if (s->n == s->cap) {
        size_t cap = s->cap * 2;
        Term *items = s->items == s->local ? malloc(cap * sizeof *items)
                                           : realloc(s->items, cap * sizeof *items);
        if (!items) {
            fprintf(stderr, "heapscope: out of memory hashing a map key\n");
            abort();
        }
        if (s->items == s->local) memcpy(items, s->local, sizeof s->local);
        s->items = items;
        s->cap = cap;
    }
    s->items[s->n++] = t;
}

static bool is_byte(Term t) { return term_is_small(t) && (Uint)small_val(t) <= 255; }

static void hash_binary(uint32_t *hash, Term t)
{
    BinView v;
    bin_view(t, &v);
    Uint sz = v.bit_size / 8, bits = v.bit_size % 8;
    uint32_t con = HCONST_13 + *hash;
    if (sz == 0 && bits == 0) {
        *hash = con;
        return;
    }
    const unsigned char *bytes = v.base + v.bit_offset / 8;
    unsigned char local[256], *buf = NULL;
    if (v.bit_offset % 8 != 0) {
        Uint need = sz + (bits != 0);
        buf = need <= sizeof local ? local : malloc(need);
        if (!buf) {
            fprintf(stderr, "heapscope: out of memory hashing a bitstring\n");
            abort();
        }
        bin_copy_bits(v.base, v.bit_offset, buf, 0, v.bit_size);
        bytes = buf;
    }
    *hash = jenkins_block_hash(bytes, sz, con);
    if (bits > 0) hash_u32x2(hash, (uint32_t)bits, (uint32_t)(bytes[sz] >> (8 - bits)), HCONST_15);
    if (buf && buf != local) free(buf);
}

/* The bitmaps are 16 bits. __builtin_popcount without -mpopcnt (the x86-64 baseline we build
 * for) is a call into libgcc's table code, 12% of a map-heavy loop; this is a dozen inline
 * ALU operations. */
static inline unsigned popcount(unsigned x)
{
    x = x - ((x >> 1) & 0x5555u);
    x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
    x = (x + (x >> 4)) & 0x0F0Fu;
    return (x + (x >> 8)) & 0x1Fu;
}

/* Pushes a map's keys and values so that they are hashed in OTP's order. */
static void hash_map_node(uint32_t *hash, Term t, HashStack *s)
{
    Term *p = boxed_ptr(t);
    unsigned type = map_hdr_type(p[0]);
    if (type == MAP_FLAT) {
        Uint n = p[1];
        hash_u32(hash, (uint32_t)n, HCONST_16);
        const Term *ks = tuple_elems(p[2]) + 1, *vs = p + 3;
        for (Uint i = n; i-- > 0;) {
            stack_push(s, vs[i]);
            stack_push(s, ks[i]);
        }
        return;
    }
    const Term *kids = p + 1;
    if (type == MAP_HEAD_ARRAY || type == MAP_HEAD_BITMAP) {
        hash_u32(hash, (uint32_t)p[1], HCONST_16);
        if (p[1] == 0) return;
        kids++;
    }
    unsigned n = (type == MAP_HEAD_ARRAY || type == MAP_NODE_ARRAY)
                     ? 16 : popcount(map_hdr_bitmap(p[0]));
    for (unsigned i = 0; i < n; i++) {
        if (term_is_list(kids[i])) {
            stack_push(s, list_tail(kids[i]));
            stack_push(s, list_head(kids[i]));
        } else {
            stack_push(s, kids[i]);
        }
    }
}

/*
 * One boxed term: mixes what it can into *hash and either sets *next to the subterm to hash
 * now (true) or leaves the rest to the stack (false).
 */
static bool hash_boxed(uint32_t *hash, Term t, HashStack *s, Term *next)
{
    Term *p = boxed_ptr(t);
    Term hdr = p[0];
    switch (hdr_subtag(hdr)) {
    case SUB_TUPLE: {
        Uint arity = hdr_arity(hdr);
        hash_u32(hash, (uint32_t)arity, HCONST_9);
        if (arity == 0) return false;
        for (Uint i = arity; i > 1; i--) stack_push(s, p[i]);
        *next = p[1];
        return true;
    }
    case SUB_MAP:
        hash_map_node(hash, t, s);
        return false;
    case SUB_FUN: {
        FunEntry *fe = fun_entry(t);
        if (fe->is_export) {
            hash_pointer(hash, fe, HCONST_14); /* OTP hashes the Export entry's address */
            return false;
        }
        unsigned nfree = fun_num_free(t);
        hash_u32x2(hash, nfree, (uint32_t)fe->module, HCONST_20);
        hash_u32x2(hash, fe->index, fe->uniq, HCONST_21);
        if (nfree == 0) return false;
        const Term *env = fun_env(t);
        for (unsigned i = nfree; i > 1; i--) stack_push(s, env[i - 1]);
        *next = env[0];
        return true;
    }
    case SUB_REFC_BIN:
    case SUB_HEAP_BIN:
    case SUB_SUB_BIN:
        hash_binary(hash, t);
        return false;
    case SUB_POS_BIG:
    case SUB_NEG_BIG: {
        uint32_t con = hdr_subtag(hdr) == SUB_NEG_BIG ? HCONST_10 : HCONST_11;
        for (Uint i = 1; i <= hdr_arity(hdr); i++)
            hash_u32x2(hash, (uint32_t)p[i], (uint32_t)(p[i] >> 32), con);
        return false;
    }
    case SUB_REF:
        if (hdr_extra(hdr) == REF_MAGIC) {
            hash_pointer(hash, (const void *)(uintptr_t)p[1], HCONST_7);
        } else {
            /* OTP hashes its three 32-bit ref numbers; ours are these 64 + 64 bits. */
            hash_u32(hash, (uint32_t)p[1], HCONST_7);
            hash_u32x2(hash, (uint32_t)(p[1] >> 32), (uint32_t)p[2], HCONST_8);
        }
        return false;
    case SUB_FLOAT: {
        double d = float_val(t);
        if (d == 0.0) d = 0.0; /* -0.0 hashes as 0.0: they are the same key */
        uint32_t w[2];
        memcpy(w, &d, sizeof w);
        hash_u32x2(hash, w[0], w[1], HCONST_12);
        return false;
    }
    default:
        /* Not made by this runtime (external pids, ports, refs): hash the body words. */
        for (Uint i = 1; i <= hdr_arity(hdr); i++)
            hash_u32x2(hash, (uint32_t)p[i], (uint32_t)(p[i] >> 32), HCONST_7);
        return false;
    }
}

/* A list: runs of bytes are hashed four at a time (OTP's string shortcut), other cells as
 * CAR then CDR with type markers. */
static bool hash_list(uint32_t *hash, Term t, HashStack *s, Term *next)
{
    Term *cell = list_ptr(t);
    uint32_t sh = 0, c = 0;
    while (is_byte(cell[0])) {
        sh = (sh << 8) + (uint32_t)small_val(cell[0]);
        if (c == 3) {
            hash_u32(hash, sh, HCONST_4);
            c = sh = 0;
        } else {
            c++;
        }
        t = cell[1];
        if (!term_is_list(t)) break;
        cell = list_ptr(t);
    }
    if (c > 0) hash_u32x2(hash, sh, c, HCONST_22);
    if (term_is_list(t)) {
        Term tail = cell[1];
        hash_const(hash, HCONST_17);
        stack_push(s, tail);
        if (!term_is_list(tail)) stack_push(s, HASH_CDR_MARK);
        *next = cell[0];
    } else {
        *next = t; /* the tail after a run of bytes */
    }
    return true;
}

static uint32_t internal_hash(Term t, uint32_t salt)
{
    uint32_t hash = salt ^ INTERNAL_HASH_SALT;
    HashStack s = {.items = NULL, .n = 0, .cap = 64};
    s.items = s.local;
    for (;;) {
        bool more;
        if (term_is_immed(t)) {
            hash_u32x2(&hash, (uint32_t)t, (uint32_t)(t >> 32), HCONST);
            more = false;
        } else if (term_is_list(t)) {
            more = hash_list(&hash, t, &s, &t);
        } else {
            more = hash_boxed(&hash, t, &s, &t);
        }
        if (more) continue;
        for (;;) {
            if (s.n == 0) {
                if (s.items != s.local) free(s.items);
                return hash;
            }
            t = s.items[--s.n];
            if (t != HASH_CDR_MARK) break;
            hash_const(&hash, HCONST_18);
        }
    }
}

uint32_t map_hash(Term key, unsigned level)
{
    unsigned round = level / 8;
    uint32_t salt = 0;
    if (round > 0) hash_u32x2(&salt, round, 1, HCONST_22);
    return internal_hash(key, salt);
}

/* ---- node layout ------------------------------------------------------------------------ */

/* Deeper paths need keys whose 32-bit hashes collide in 8 salt rounds in a row: we stop there
 * rather than grow the path arrays. */
#define MAP_MAX_LEVELS 64

static inline bool hdr_is_head(Term hdr)
{
    unsigned t = map_hdr_type(hdr);
    return t == MAP_HEAD_ARRAY || t == MAP_HEAD_BITMAP;
}
static inline unsigned hdr_bitmap(Term hdr)
{
    unsigned t = map_hdr_type(hdr);
    return t == MAP_HEAD_ARRAY || t == MAP_NODE_ARRAY ? 0xFFFFu : map_hdr_bitmap(hdr);
}
static inline Term *node_kids(Term node)
{
    Term *p = boxed_ptr(node);
    return p + (hdr_is_head(p[0]) ? 2 : 1);
}
static inline Term head_header(unsigned bitmap, unsigned nkids)
{
    return bitmap == 0xFFFFu ? make_map_header(MAP_HEAD_ARRAY, 0xFFFFu, 17)
                             : make_map_header(MAP_HEAD_BITMAP, bitmap, 1 + nkids);
}
static inline Term inner_header(unsigned bitmap, unsigned nkids)
{
    return make_map_header(MAP_NODE_BITMAP, bitmap, nkids);
}

static inline bool is_flat(Term map) { return map_hdr_type(boxed_header(map)) == MAP_FLAT; }
static inline Uint flat_count(Term map) { return boxed_ptr(map)[1]; }
static inline Term *flat_keys(Term map) { return tuple_elems(boxed_ptr(map)[2]) + 1; }
static inline Term *flat_vals(Term map) { return boxed_ptr(map) + 3; }

/* A hole of n >= 1 words that an area walker reads as one object (OTP writes the same). */
static inline void write_filler(Term *hp, Uint n) { hp[0] = make_header(SUB_POS_BIG, 0, n - 1); }

/* The builders size their nodes first and fill them after: a mismatch would corrupt the heap. */
static void check_filled(const Term *hp, const Term *start, Uint words)
{
    if (hp != start + words) {
        fprintf(stderr, "heapscope: map builder wrote %lld words of %llu\n",
                (long long)(hp - start), (unsigned long long)words);
        abort();
    }
}

static void too_deep(void)
{
    fprintf(stderr, "heapscope: map keys collide beyond %d hash levels\n", MAP_MAX_LEVELS);
    abort();
}

/* ---- keys ------------------------------------------------------------------------------ */

/* CMP_TERM: the exact order (integers before floats). */
static inline int key_compare(Term a, Term b) { return a == b ? 0 : term_compare(a, b, true); }
/* OTP compares immediates by word; other keys with the exact order's equality. */
static inline bool key_eq(Term a, Term b)
{
    if (a == b) return true;
    if (term_is_immed(a) || term_is_immed(b)) return false;
    return term_compare(a, b, true) == 0;
}

/* A key's hash, recomputed only when the walk crosses into another salt round. */
typedef struct KeyHash {
    Term key;
    unsigned round;
    uint32_t hash;
} KeyHash;

static void keyhash_init(KeyHash *kh, Term key)
{
    kh->key = key;
    kh->round = 0;
    kh->hash = map_hash(key, 0);
}
static unsigned keyhash_index(KeyHash *kh, unsigned level)
{
    if (level / 8 != kh->round) {
        kh->round = level / 8;
        kh->hash = map_hash(kh->key, level);
    }
    return (kh->hash >> (4 * (level % 8))) & 0xFu;
}

/* ---- flatmaps -------------------------------------------------------------------------- */

/* A flatmap of n sorted pairs: a keys tuple of 1 + n words (plus `hole` filler words after
 * it, the unused part of OTP's allocation), then the map, 3 + n words. */
static Term flat_build(Heap *h, const Term *ks, const Term *vs, Uint n, Uint hole)
{
    Term *tp = heap_halloc(h, 1 + n + hole);
    Term keys;
    if (n == 0) {
        /* No keys: OTP points at the global literal {} (a 0-arity tuple on a heap would read
         * as a moved cons cell to the GC: term.h), and the words stay allocated as filler. */
        write_filler(tp, 1 + hole);
        keys = literal_empty_tuple();
    } else {
        tp[0] = make_tuple_header(n);
        memcpy(tp + 1, ks, n * sizeof *ks);
        if (hole) write_filler(tp + 1 + n, hole);
        keys = make_boxed(tp);
    }
    Term *mp = heap_halloc(h, 3 + n);
    mp[0] = make_map_header(MAP_FLAT, 0, 2 + n);
    mp[1] = n;
    mp[2] = keys;
    memcpy(mp + 3, vs, n * sizeof *vs);
    return make_boxed(mp);
}

/* Insertion sort by key (OTP's erts_validate_and_sort_flatmap; n <= 32). */
static void sort_pairs(Term *ks, Term *vs, Uint n)
{
    for (Uint i = 1; i < n; i++) {
        for (Uint j = i; j > 0 && key_compare(ks[j], ks[j - 1]) < 0; j--) {
            Term t = ks[j]; ks[j] = ks[j - 1]; ks[j - 1] = t;
            t = vs[j]; vs[j] = vs[j - 1]; vs[j - 1] = t;
        }
    }
}

static Term flat_lookup(Term map, Term key, Uint *index)
{
    Uint n = flat_count(map);
    const Term *ks = flat_keys(map);
    for (Uint i = 0; i < n; i++) {
        if (key_eq(ks[i], key)) {
            *index = i;
            return flat_vals(map)[i];
        }
    }
    return NONVALUE;
}

/* The same keys tuple with one value changed. */
static Term flat_replace(Heap *h, Term map, Uint index, Term value)
{
    Uint n = flat_count(map);
    Term *mp = heap_halloc(h, 3 + n);
    memcpy(mp, boxed_ptr(map), (3 + n) * sizeof *mp);
    mp[3 + index] = value;
    return make_boxed(mp);
}

static Term hashmap_from_pairs(Heap *h, const Term *ks, const Term *vs, Uint n, Term key,
                               Term value);

static Term flat_put_new(Heap *h, Term map, Term key, Term value)
{
    Uint n = flat_count(map);
    const Term *ks = flat_keys(map), *vs = flat_vals(map);
    if (n >= MAP_SMALL_MAP_LIMIT) return hashmap_from_pairs(h, ks, vs, n, key, value);
    /* OTP first allocates 3 + n words for an in-place update, then reuses them for the new
     * keys tuple (2 + n words) and leaves one word: the same total here. */
    Term *tp = heap_halloc(h, 3 + n);
    Term *mp = heap_halloc(h, 4 + n);
    Uint at = 0;
    while (at < n && key_compare(ks[at], key) < 0) at++;
    tp[0] = make_tuple_header(n + 1);
    memcpy(tp + 1, ks, at * sizeof *ks);
    tp[1 + at] = key;
    memcpy(tp + 2 + at, ks + at, (n - at) * sizeof *ks);
    write_filler(tp + 2 + n, 1);
    mp[0] = make_map_header(MAP_FLAT, 0, 3 + n);
    mp[1] = n + 1;
    mp[2] = make_boxed(tp);
    memcpy(mp + 3, vs, at * sizeof *vs);
    mp[3 + at] = value;
    memcpy(mp + 4 + at, vs + at, (n - at) * sizeof *vs);
    return make_boxed(mp);
}

static Term flat_remove(Heap *h, Term map, Uint index)
{
    Uint n = flat_count(map);
    const Term *ks = flat_keys(map), *vs = flat_vals(map);
    Term *tp = heap_halloc(h, n + 3 + n - 1);
    Term *mp = tp + n;
    tp[0] = make_tuple_header(n - 1);
    mp[0] = make_map_header(MAP_FLAT, 0, 1 + n);
    mp[1] = n - 1;
    mp[2] = make_boxed(tp);
    for (Uint i = 0, j = 0; i < n; i++) {
        if (i == index) continue;
        tp[1 + j] = ks[i];
        mp[3 + j] = vs[i];
        j++;
    }
    return make_boxed(mp);
}

/* maps:from_list for at most 32 pairs: insertion by key, a later duplicate replaces the
 * earlier key and value (OTP's flatmap_from_validated_list). */
static Term flat_from_list(Heap *h, Term list, Uint size)
{
    Term ks[MAP_SMALL_MAP_LIMIT], vs[MAP_SMALL_MAP_LIMIT];
    Uint n = 0;
    for (Term l = list; term_is_list(l); l = list_tail(l)) {
        Term pair = list_head(l), k = tuple_elem(pair, 1), v = tuple_elem(pair, 2);
        Uint at = n;
        int c = 1;
        while (at > 0 && (c = key_compare(k, ks[at - 1])) < 0) at--;
        if (at > 0 && c == 0) {
            ks[at - 1] = k;
            vs[at - 1] = v;
            continue;
        }
        memmove(ks + at + 1, ks + at, (n - at) * sizeof *ks);
        memmove(vs + at + 1, vs + at, (n - at) * sizeof *vs);
        ks[at] = k;
        vs[at] = v;
        n++;
    }
    return flat_build(h, ks, vs, n, size - n);
}

/* ---- hashmaps: lookup ---------------------------------------------------------------------- */

static const Term *hashmap_lookup(Term map, Term key)
{
    KeyHash kh;
    keyhash_init(&kh, key);
    Term node = map;
    for (unsigned level = 0;; level++) {
        Term hdr = boxed_header(node);
        unsigned bitmap = hdr_bitmap(hdr), bit = 1u << keyhash_index(&kh, level);
        if (!(bitmap & bit)) return NULL;
        Term kid = node_kids(node)[popcount(bitmap & (bit - 1))];
        if (term_is_list(kid)) return key_eq(list_head(kid), key) ? list_ptr(kid) + 1 : NULL;
        node = kid;
    }
}

/* ---- hashmaps: building from pairs ------------------------------------------------------ */

/* One pair while building: its leaf, the round-0 hash, the hash of the current salt round for
 * groups that went past 8 levels, and its position in the input (a later duplicate wins). */
typedef struct Entry {
    uint32_t h0, hr;
    uint32_t sw; /* h0 with its nibbles reversed: sorting by it sorts by slot, level by level */
    Uint pos;
    Term leaf;
} Entry;

static inline uint32_t swizzle(uint32_t h)
{
    uint32_t r = 0;
    for (int i = 0; i < 8; i++) r |= ((h >> (4 * i)) & 0xFu) << (28 - 4 * i);
    return r;
}

static inline unsigned entry_index(const Entry *e, unsigned level)
{
    return ((level < 8 ? e->h0 : e->hr) >> (4 * (level % 8))) & 0xFu;
}

static int entry_order(const void *pa, const void *pb)
{
    const Entry *a = pa, *b = pb;
    if (a->sw != b->sw) return a->sw < b->sw ? -1 : 1;
    int c = key_compare(list_head(a->leaf), list_head(b->leaf));
    if (c) return c;
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int entry_order_salted(const void *pa, const void *pb)
{
    uint32_t a = swizzle(((const Entry *)pa)->hr), b = swizzle(((const Entry *)pb)->hr);
    return a < b ? -1 : a > b;
}

/* Sorts by slot and keeps the last of each run of equal keys. Returns the distinct count. */
static Uint entries_dedupe(Entry *e, Uint n)
{
    for (Uint i = 0; i < n; i++) e[i].sw = swizzle(e[i].h0);
    qsort(e, n, sizeof *e, entry_order);
    Uint m = 0;
    for (Uint i = 0; i < n; i++) {
        /* sorted by position within equal keys: e[i] is the later one */
        if (m > 0 && e[m - 1].h0 == e[i].h0
            && key_eq(list_head(e[m - 1].leaf), list_head(e[i].leaf)))
            m--;
        e[m++] = e[i];
    }
    return m;
}

/* Building walks the sorted entries twice: first counting words (hp NULL), then writing. */
typedef struct Builder {
    Term *hp;
    Uint words;
    Uint total; /* pairs in the map, for the head's size word */
} Builder;

/*
 * The canonical subtrie of e[0..n), entries that share every slot above `level`: a leaf for
 * one entry, else a node with a child per slot used. Groups that reach a multiple of 8 levels
 * share all 32 bits of their round and are rehashed with the next salt.
 */
static Term build_node(Builder *b, Entry *e, Uint n, unsigned level, bool root)
{
    if (n == 1 && !root) return e[0].leaf;
    if (level >= MAP_MAX_LEVELS) too_deep();
    if (level > 0 && level % 8 == 0) {
        for (Uint i = 0; i < n; i++) e[i].hr = map_hash(list_head(e[i].leaf), level);
        qsort(e, n, sizeof *e, entry_order_salted);
    }
    Term kids[16];
    unsigned bitmap = 0, nkids = 0;
    for (Uint i = 0; i < n;) {
        unsigned ix = entry_index(&e[i], level);
        Uint j = i + 1;
        while (j < n && entry_index(&e[j], level) == ix) j++;
        kids[nkids++] = build_node(b, e + i, j - i, level + 1, false);
        bitmap |= 1u << ix;
        i = j;
    }
    Uint size = (root ? 2 : 1) + nkids;
    if (!b->hp) {
        b->words += size;
        return NONVALUE;
    }
    Term *np = b->hp;
    b->hp += size;
    if (root) {
        np[0] = head_header(bitmap, nkids);
        np[1] = b->total;
        memcpy(np + 2, kids, nkids * sizeof *kids);
    } else {
        np[0] = inner_header(bitmap, nkids);
        memcpy(np + 1, kids, nkids * sizeof *kids);
    }
    return make_boxed(np);
}

static Term hashmap_to_flat(Heap *h, Term map, Term without);

/* A hashmap of the distinct entries; OTP turns it into a flatmap when duplicates left 32 or
 * fewer pairs (the hashmap it built first stays behind as garbage, here too). */
static Term hashmap_from_entries(Heap *h, Entry *e, Uint n)
{
    Uint m = entries_dedupe(e, n);
    Builder b = {NULL, 0, m};
    build_node(&b, e, m, 0, true);
    Term *start = b.hp = heap_halloc(h, b.words);
    Term map = build_node(&b, e, m, 0, true);
    check_filled(b.hp, start, b.words);
    if (m <= MAP_SMALL_MAP_LIMIT) return hashmap_to_flat(h, map, NONVALUE);
    return map;
}

static Entry *entries_alloc(Uint n)
{
    Entry *e = malloc((n ? n : 1) * sizeof *e);
    if (!e) {
        fprintf(stderr, "heapscope: out of memory building a map of %llu pairs\n",
                (unsigned long long)n);
        abort();
    }
    return e;
}

static void entry_set(Entry *e, Uint pos, Term *leaf_hp, Term k, Term v)
{
    e->leaf = cons_at(leaf_hp, k, v);
    e->h0 = map_hash(k, 0);
    e->hr = e->h0;
    e->pos = pos;
}

/* n pairs plus, when key is a value, one more (a flatmap growing past 32 keys). */
static Term hashmap_from_pairs(Heap *h, const Term *ks, const Term *vs, Uint n, Term key,
                               Term value)
{
    Uint total = n + (key != NONVALUE);
    Entry *e = entries_alloc(total);
    Term *leaves = heap_halloc(h, 2 * total);
    for (Uint i = 0; i < n; i++) entry_set(&e[i], i, leaves + 2 * i, ks[i], vs[i]);
    if (key != NONVALUE) entry_set(&e[n], n, leaves + 2 * n, key, value);
    Term map = hashmap_from_entries(h, e, total);
    free(e);
    return map;
}

static Term hashmap_from_list(Heap *h, Term list, Uint size)
{
    Entry *e = entries_alloc(size);
    Term *leaves = heap_halloc(h, 2 * size);
    Uint i = 0;
    for (Term l = list; term_is_list(l); l = list_tail(l), i++) {
        Term pair = list_head(l);
        entry_set(&e[i], i, leaves + 2 * i, tuple_elem(pair, 1), tuple_elem(pair, 2));
    }
    Term map = hashmap_from_entries(h, e, size);
    free(e);
    return map;
}

/* ---- hashmaps: walking ------------------------------------------------------------------ */

/* Leaves in OTP's iteration order (depth first, slots in order); false when fn stopped. */
static bool walk_forward(Term node, bool (*fn)(Term leaf, void *arg), void *arg)
{
    unsigned n = popcount(hdr_bitmap(boxed_header(node)));
    const Term *kids = node_kids(node);
    for (unsigned i = 0; i < n; i++) {
        bool go = term_is_list(kids[i]) ? fn(kids[i], arg) : walk_forward(kids[i], fn, arg);
        if (!go) return false;
    }
    return true;
}

/* The reverse: maps:to_list order. */
static bool walk_reverse(Term node, bool (*fn)(Term leaf, void *arg), void *arg)
{
    unsigned n = popcount(hdr_bitmap(boxed_header(node)));
    const Term *kids = node_kids(node);
    for (unsigned i = n; i-- > 0;) {
        bool go = term_is_list(kids[i]) ? fn(kids[i], arg) : walk_reverse(kids[i], fn, arg);
        if (!go) return false;
    }
    return true;
}

typedef struct Collect {
    Term ks[MAP_SMALL_MAP_LIMIT + 1], vs[MAP_SMALL_MAP_LIMIT + 1];
    Uint n;
    Term without;
} Collect;

static bool collect_leaf(Term leaf, void *arg)
{
    Collect *c = arg;
    if (c->without != NONVALUE && key_eq(list_head(leaf), c->without)) return true;
    c->ks[c->n] = list_head(leaf);
    c->vs[c->n] = list_tail(leaf);
    c->n++;
    return true;
}

/* A flatmap of a hashmap's pairs (at most 32 of them once `without` is left out). */
static Term hashmap_to_flat(Heap *h, Term map, Term without)
{
    Collect c;
    c.n = 0;
    c.without = without;
    walk_forward(map, collect_leaf, &c);
    sort_pairs(c.ks, c.vs, c.n);
    /* OTP allocates the tuple and the map as one block */
    Term *tp = heap_halloc(h, 4 + 2 * c.n);
    Term *mp = tp + 1 + c.n;
    tp[0] = make_tuple_header(c.n);
    memcpy(tp + 1, c.ks, c.n * sizeof *tp);
    mp[0] = make_map_header(MAP_FLAT, 0, 2 + c.n);
    mp[1] = c.n;
    mp[2] = make_boxed(tp);
    memcpy(mp + 3, c.vs, c.n * sizeof *mp);
    return make_boxed(mp);
}

/* ---- hashmaps: put and update -------------------------------------------------------------- */

/* One node on the path from the root to a key, and the slot the path takes in it. */
typedef struct Step {
    Term node;
    unsigned bit;
} Step;

/* Copies node with the slot `bit` set to kid (added when it was free); head size += grow. */
static Term copy_with_kid(Term **hpp, Term node, unsigned bit, Term kid, Uint grow)
{
    const Term *p = boxed_ptr(node);
    bool head = hdr_is_head(p[0]);
    unsigned bitmap = hdr_bitmap(p[0]), nb = bitmap | bit, n = popcount(nb);
    unsigned at = popcount(bitmap & (bit - 1));
    bool present = bitmap & bit;
    const Term *src = p + (head ? 2 : 1);
    Term *np = *hpp, *dst;
    if (head) {
        np[0] = head_header(nb, n);
        np[1] = p[1] + grow;
        dst = np + 2;
    } else {
        np[0] = inner_header(nb, n);
        dst = np + 1;
    }
    memcpy(dst, src, at * sizeof *dst);
    dst[at] = kid;
    memcpy(dst + at + 1, src + at + present, (n - at - 1) * sizeof *dst);
    *hpp = dst + n;
    return make_boxed(np);
}

/*
 * maps:put (update false) and maps:update (true; NONVALUE when the key is absent). The path is
 * walked once to size the new nodes, which then take one allocation, as in OTP's
 * erts_hashmap_insert_down / _up.
 */
static Term hashmap_insert(Heap *h, Term map, Term key, Term value, bool update)
{
    Step path[MAP_MAX_LEVELS];
    unsigned depth = 0, level = 0;
    KeyHash kh;
    keyhash_init(&kh, key);
    Uint words = 2; /* the new leaf */
    Term node = map, old_leaf = NONVALUE;
    bool grow = true;
    for (;; level++) {
        if (level >= MAP_MAX_LEVELS) too_deep();
        Term hdr = boxed_header(node);
        unsigned bitmap = hdr_bitmap(hdr), bit = 1u << keyhash_index(&kh, level);
        unsigned n = popcount(bitmap), base = hdr_is_head(hdr) ? 2 : 1;
        path[depth++] = (Step){node, bit};
        if (!(bitmap & bit)) {
            if (update) return NONVALUE;
            words += base + n + 1;
            break;
        }
        words += base + n;
        Term kid = node_kids(node)[popcount(bitmap & (bit - 1))];
        if (term_is_list(kid)) {
            if (key_eq(list_head(kid), key)) {
                if (list_tail(kid) == value) return map;
                grow = false;
            } else if (update) {
                return NONVALUE;
            } else {
                old_leaf = kid;
            }
            break;
        }
        node = kid;
    }
    /* A leaf already in the slot: single-slot nodes down to where the two hashes part. */
    KeyHash okh;
    unsigned chain = 0, ix = 0, oix = 0;
    if (old_leaf != NONVALUE) {
        keyhash_init(&okh, list_head(old_leaf));
        for (;; chain++) {
            if (level + 1 + chain >= MAP_MAX_LEVELS) too_deep();
            ix = keyhash_index(&kh, level + 1 + chain);
            oix = keyhash_index(&okh, level + 1 + chain);
            if (ix != oix) break;
        }
        words += 3 + 2 * chain;
    }
    Term *start = heap_halloc(h, words), *hp = start;
    Term res = cons_at(hp, key, value);
    hp += 2;
    if (old_leaf != NONVALUE) {
        hp[0] = inner_header((1u << ix) | (1u << oix), 2);
        hp[1] = ix < oix ? res : old_leaf;
        hp[2] = ix < oix ? old_leaf : res;
        res = make_boxed(hp);
        hp += 3;
        for (unsigned l = level + chain; l > level; l--) {
            hp[0] = inner_header(1u << keyhash_index(&kh, l), 1);
            hp[1] = res;
            res = make_boxed(hp);
            hp += 2;
        }
    }
    while (depth-- > 0) res = copy_with_kid(&hp, path[depth].node, path[depth].bit, res, grow);
    check_filled(hp, start, words);
    return res;
}

/* ---- hashmaps: remove -------------------------------------------------------------------- */

/*
 * Rebuilds the path without the leaf under its last step (OTP's hashmap_delete): a node left
 * with one leaf disappears and the leaf moves up; a node that loses a slot shrinks. Counts
 * words when *hpp is NULL.
 */
static Term remove_up(const Step *path, unsigned depth, Term **hpp, Uint *words)
{
    Term res = NONVALUE;
    while (depth-- > 0) {
        const Term *p = boxed_ptr(path[depth].node);
        bool head = hdr_is_head(p[0]);
        unsigned bitmap = hdr_bitmap(p[0]), bit = path[depth].bit, n = popcount(bitmap);
        unsigned at = popcount(bitmap & (bit - 1));
        const Term *src = p + (head ? 2 : 1);
        if (!head && res == NONVALUE && n == 1) continue;
        if (!head && res != NONVALUE && term_is_list(res) && n == 1) continue;
        if (!head && res == NONVALUE && n == 2 && term_is_list(src[1 - at])) {
            res = src[1 - at];
            continue;
        }
        Uint size = (head ? 2 : 1) + n - (res == NONVALUE);
        if (!*hpp) {
            *words += size;
            res = (Term)TAG_PRIMARY_BOXED; /* stands for the node this pass does not write */
            continue;
        }
        Term *np = *hpp, *dst;
        *hpp += size;
        if (res == NONVALUE) {
            unsigned nb = bitmap ^ bit;
            if (head) {
                np[0] = head_header(nb, n - 1);
                np[1] = p[1] - 1;
                dst = np + 2;
            } else {
                np[0] = inner_header(nb, n - 1);
                dst = np + 1;
            }
            memcpy(dst, src, at * sizeof *dst);
            memcpy(dst + at, src + at + 1, (n - at - 1) * sizeof *dst);
        } else {
            np[0] = p[0];
            if (head) np[1] = p[1] - 1;
            dst = np + (head ? 2 : 1);
            memcpy(dst, src, n * sizeof *dst);
            dst[at] = res;
        }
        res = make_boxed(np);
    }
    return res;
}

static Term hashmap_remove(Heap *h, Term map, Term key)
{
    Step path[MAP_MAX_LEVELS];
    unsigned depth = 0;
    KeyHash kh;
    keyhash_init(&kh, key);
    Term node = map;
    for (unsigned level = 0;; level++) {
        if (level >= MAP_MAX_LEVELS) too_deep();
        Term hdr = boxed_header(node);
        unsigned bitmap = hdr_bitmap(hdr), bit = 1u << keyhash_index(&kh, level);
        if (!(bitmap & bit)) return map;
        path[depth++] = (Step){node, bit};
        Term kid = node_kids(node)[popcount(bitmap & (bit - 1))];
        if (term_is_list(kid)) {
            if (!key_eq(list_head(kid), key)) return map;
            break;
        }
        node = kid;
    }
    if (boxed_ptr(map)[1] - 1 <= MAP_SMALL_MAP_LIMIT) return hashmap_to_flat(h, map, key);
    Term *hp = NULL;
    Uint words = 0;
    remove_up(path, depth, &hp, &words);
    Term *start = hp = heap_halloc(h, words);
    Term res = remove_up(path, depth, &hp, &words);
    check_filled(hp, start, words);
    return res;
}

/* ---- the API ----------------------------------------------------------------------------- */

Term map_new(void) { return literal_empty_map(); }

bool map_is_flat(Term map) { return is_flat(map); }

Uint map_size(Term map) { return boxed_ptr(map)[1]; }

bool map_get(Term map, Term key, Term *value)
{
    if (is_flat(map)) {
        Uint i;
        Term v = flat_lookup(map, key, &i);
        if (v == NONVALUE) return false;
        if (value) *value = v;
        return true;
    }
    const Term *v = hashmap_lookup(map, key);
    if (!v) return false;
    if (value) *value = *v;
    return true;
}

Term map_put(Heap *h, Term map, Term key, Term value)
{
    if (!is_flat(map)) return hashmap_insert(h, map, key, value, false);
    Uint n = flat_count(map);
    if (n == 0) return flat_build(h, &key, &value, 1, 0);
    Uint i;
    Term old = flat_lookup(map, key, &i);
    if (old == NONVALUE) return flat_put_new(h, map, key, value);
    return old == value ? map : flat_replace(h, map, i, value);
}

Term map_update(Heap *h, Term map, Term key, Term value)
{
    if (!is_flat(map)) return hashmap_insert(h, map, key, value, true);
    Uint i;
    Term old = flat_lookup(map, key, &i);
    if (old == NONVALUE) return NONVALUE;
    return old == value ? map : flat_replace(h, map, i, value);
}

Term map_remove(Heap *h, Term map, Term key)
{
    if (!is_flat(map)) return hashmap_remove(h, map, key);
    Uint i;
    if (flat_lookup(map, key, &i) == NONVALUE) return map;
    return flat_remove(h, map, i);
}

Term map_from_list(Heap *h, Term list)
{
    Uint size = 0;
    Term l = list;
    for (; term_is_list(l); l = list_tail(l), size++) {
        Term pair = list_head(l);
        if (!term_is_tuple(pair) || tuple_arity(pair) != 2) return NONVALUE;
    }
    if (!term_is_nil(l)) return NONVALUE;
    return size <= MAP_SMALL_MAP_LIMIT ? flat_from_list(h, list, size)
                                       : hashmap_from_list(h, list, size);
}

Term map_from_arrays(Heap *h, const Term *ks, const Term *vs, Uint n)
{
    if (n > MAP_SMALL_MAP_LIMIT) return hashmap_from_pairs(h, ks, vs, n, NONVALUE, NONVALUE);
    /* The same insertion as from_list, over arrays. */
    Term sk[MAP_SMALL_MAP_LIMIT], sv[MAP_SMALL_MAP_LIMIT];
    Uint m = 0;
    for (Uint i = 0; i < n; i++) {
        Uint at = m;
        int c = 1;
        while (at > 0 && (c = key_compare(ks[i], sk[at - 1])) < 0) at--;
        if (at > 0 && c == 0) {
            sk[at - 1] = ks[i];
            sv[at - 1] = vs[i];
            continue;
        }
        memmove(sk + at + 1, sk + at, (m - at) * sizeof *sk);
        memmove(sv + at + 1, sv + at, (m - at) * sizeof *sv);
        sk[at] = ks[i];
        sv[at] = vs[i];
        m++;
    }
    return flat_build(h, sk, sv, m, n - m);
}

/* Building a list front to back in maps:to_list order by consing in walk order. */
typedef struct ListBuild {
    Term *hp;
    Term list;
    enum { LB_PAIRS, LB_KEYS, LB_VALUES } what;
} ListBuild;

static bool cons_leaf(Term leaf, void *arg)
{
    ListBuild *b = arg;
    Term item;
    if (b->what == LB_PAIRS) {
        b->hp[0] = make_tuple_header(2);
        b->hp[1] = list_head(leaf);
        b->hp[2] = list_tail(leaf);
        item = make_boxed(b->hp);
        b->hp += 3;
    } else {
        item = b->what == LB_KEYS ? list_head(leaf) : list_tail(leaf);
    }
    b->list = cons_at(b->hp, item, b->list);
    b->hp += 2;
    return true;
}

static Term map_list(Heap *h, Term map, int what)
{
    Uint n = map_size(map);
    if (n == 0) return NIL;
    ListBuild b = {heap_halloc(h, n * (what == LB_PAIRS ? 5 : 2)), NIL, what};
    if (!is_flat(map)) {
        walk_forward(map, cons_leaf, &b);
        return b.list;
    }
    const Term *ks = flat_keys(map), *vs = flat_vals(map);
    for (Uint i = n; i-- > 0;) {
        Term pair[2] = {ks[i], vs[i]};
        cons_leaf(make_list(pair), &b);
    }
    return b.list;
}

Term map_to_list(Heap *h, Term map) { return map_list(h, map, LB_PAIRS); }
Term map_keys(Heap *h, Term map) { return map_list(h, map, LB_KEYS); }
Term map_values(Heap *h, Term map) { return map_list(h, map, LB_VALUES); }

typedef struct ForEach {
    bool (*fn)(Term key, Term value, void *arg);
    void *arg;
} ForEach;

static bool foreach_leaf(Term leaf, void *arg)
{
    ForEach *f = arg;
    return f->fn(list_head(leaf), list_tail(leaf), f->arg);
}

void map_foreach(Term map, bool (*fn)(Term key, Term value, void *arg), void *arg)
{
    if (!is_flat(map)) {
        ForEach f = {fn, arg};
        walk_reverse(map, foreach_leaf, &f);
        return;
    }
    Uint n = flat_count(map);
    const Term *ks = flat_keys(map), *vs = flat_vals(map);
    for (Uint i = 0; i < n; i++)
        if (!fn(ks[i], vs[i], arg)) return;
}
