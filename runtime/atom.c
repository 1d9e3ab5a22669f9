/*
 * atom.c — the global atom table.
 *
 * Three structures, all append-only:
 *   entries   AtomEntry records in fixed chunks of ATOM_CHUNK entries. The chunk directory is
 *             a static array, so a chunk never moves once published; index i lives in
 *             chunk[i >> ATOM_CHUNK_SHIFT][i & (ATOM_CHUNK - 1)].
 *   text      atom names, NUL-terminated, packed into blocks that are never freed.
 *   hash      open addressing with linear probing; a slot holds index + 1 (0 = empty). Grown
 *             (doubled) when half full; a grown table replaces the old one with a release store
 *             and the old one is kept on a retired list (see below).
 *
 * Writers take `lock`. Readers (atom_get, the atom_put fast path, atom_name) take nothing.
 * Why the lock-free readers are safe:
 *   - An entry is written completely (len, hash, then name with a release store) before its
 *     index is stored in any hash slot (release) and before count is raised (release). A reader
 *     reaches an entry only through an acquire load of a slot, of `count`, or of the entry's
 *     name, so it sees the entry's fields as written.
 *   - A grown hash table is filled completely before its pointer is published (release); a
 *     reader loads the pointer with acquire and so sees every slot that the writer filled.
 *   - A reader that still probes the previous table sees every atom that existed when that
 *     table was replaced; it may miss one inserted after, which is the same answer it would
 *     have got had it run a moment earlier. atom_put re-checks under the lock before
 *     inserting, so a missed atom is never inserted twice.
 *   - Retired tables are never freed, so a reader never touches freed memory. They cost at most
 *     the size of the current table (1 + 1/2 + 1/4 ...), and are counted in the figures below.
 */
#include "atom.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define ATOM_CHUNK_SHIFT 10
#define ATOM_CHUNK (1u << ATOM_CHUNK_SHIFT)
#define ATOM_CHUNKS (ATOM_LIMIT / ATOM_CHUNK)
#define ATOM_MAX_BYTES (4 * ATOM_MAX_CHARS) /* a UTF-8 character takes at most 4 bytes */
#define ATOM_TEXT_BLOCK 65536u
#define ATOM_HASH_MIN_SLOTS 1024u

typedef struct AtomEntry {
    _Atomic(const char *) name; /* stored last, with release: non-NULL means complete */
    uint32_t len;
    uint32_t hash;
} AtomEntry;

typedef struct AtomHash {
    struct AtomHash *retired_next; /* [lock] */
    uint32_t mask;
    _Atomic uint32_t slot[];
} AtomHash;

typedef struct TextBlock {
    struct TextBlock *next;
    size_t used, cap;
    char data[];
} TextBlock;

static struct {
    pthread_mutex_t lock;
    _Atomic(AtomEntry *) chunk[ATOM_CHUNKS]; /* written [lock], read [any thread] */
    _Atomic uint32_t count;                 /* written [lock], read [any thread] */
    _Atomic(AtomHash *) hash;               /* written [lock], read [any thread] */
    /* The rest: [lock]. */
    AtomHash *retired;
    TextBlock *text;
    size_t chunks_allocated;
    size_t hash_bytes; /* current and retired tables */
    size_t text_reserved, text_used;
    bool initialised;
} tab = { .lock = PTHREAD_MUTEX_INITIALIZER };

static const struct {
    const char *name;
    size_t len;
} predefined[] = {
#define ATOM(c, s) { s, sizeof(s) - 1 },
#include "atoms.def"
#undef ATOM
};

static void *alloc_or_die(size_t bytes)
{
    void *p = calloc(1, bytes);
    if (!p) {
        fprintf(stderr, "heapscope: out of memory in the atom table (%zu bytes)\n", bytes);
        abort();
    }
    return p;
}

/* FNV-1a, then a murmur3 finaliser so that names differing in their last bytes spread. */
static uint32_t hash_name(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

/* Bytes taken by the UTF-8 sequence at s; 1 for a byte that does not start a valid one (such a
 * byte counts as one Latin-1 character). */
static size_t utf8_seq_len(const unsigned char *s, size_t left)
{
    unsigned char b = s[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b < 0x80) return 1;
    if (b >= 0xC2 && b <= 0xDF) n = 2;
    else if (b >= 0xE0 && b <= 0xEF) {
        n = 3;
        if (b == 0xE0) lo = 0xA0;      /* overlong */
        else if (b == 0xED) hi = 0x9F; /* surrogates */
    } else if (b >= 0xF0 && b <= 0xF4) {
        n = 4;
        if (b == 0xF0) lo = 0x90;      /* overlong */
        else if (b == 0xF4) hi = 0x8F; /* beyond U+10FFFF */
    } else
        return 1;
    if (left < n || s[1] < lo || s[1] > hi) return 1;
    for (size_t i = 2; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) return 1;
    return n;
}

/* OTP limits atoms to 255 characters; our names are bytes read as UTF-8. */
static bool name_fits(const char *name, size_t len)
{
    if (len <= ATOM_MAX_CHARS) return true;
    if (len > ATOM_MAX_BYTES) return false;
    const unsigned char *s = (const unsigned char *)name;
    size_t chars = 0;
    for (size_t i = 0; i < len; i += utf8_seq_len(s + i, len - i))
        chars++;
    return chars <= ATOM_MAX_CHARS;
}

static AtomEntry *entry_at(uint32_t index)
{
    AtomEntry *c = atomic_load_explicit(&tab.chunk[index >> ATOM_CHUNK_SHIFT], memory_order_acquire);
    return &c[index & (ATOM_CHUNK - 1)];
}

/* The index of name in table t, or -1. [any thread] */
static int64_t probe(AtomHash *t, const char *name, size_t len, uint32_t h)
{
    if (!t) return -1;
    for (uint32_t i = h & t->mask;; i = (i + 1) & t->mask) {
        uint32_t v = atomic_load_explicit(&t->slot[i], memory_order_acquire);
        if (v == 0) return -1;
        AtomEntry *e = entry_at(v - 1);
        if (e->hash == h && e->len == len) {
            const char *s = atomic_load_explicit(&e->name, memory_order_acquire);
            if (len == 0 || memcmp(s, name, len) == 0) return (int64_t)(v - 1);
        }
    }
}

static int64_t lookup(const char *name, size_t len, uint32_t h)
{
    return probe(atomic_load_explicit(&tab.hash, memory_order_acquire), name, len, h);
}

/* Puts index in t, which has a free slot. [lock] */
static void hash_insert(AtomHash *t, uint32_t index, uint32_t h)
{
    uint32_t i = h & t->mask;
    while (atomic_load_explicit(&t->slot[i], memory_order_relaxed) != 0)
        i = (i + 1) & t->mask;
    atomic_store_explicit(&t->slot[i], index + 1, memory_order_release);
}

/* Makes room for `count` atoms at a load of at most one half. [lock] */
static void hash_reserve(uint32_t count)
{
    AtomHash *old = atomic_load_explicit(&tab.hash, memory_order_relaxed);
    size_t slots = old ? (size_t)old->mask + 1 : 0;
    if ((size_t)count * 2 <= slots) return;
    size_t n = slots ? slots * 2 : ATOM_HASH_MIN_SLOTS;
    while ((size_t)count * 2 > n) n *= 2;
    size_t bytes = sizeof(AtomHash) + n * sizeof(_Atomic uint32_t);
    AtomHash *t = alloc_or_die(bytes);
    t->mask = (uint32_t)(n - 1);
    uint32_t have = atomic_load_explicit(&tab.count, memory_order_relaxed);
    for (uint32_t i = 0; i < have; i++)
        hash_insert(t, i, entry_at(i)->hash);
    atomic_store_explicit(&tab.hash, t, memory_order_release);
    tab.hash_bytes += bytes;
    if (old) {
        old->retired_next = tab.retired;
        tab.retired = old;
    }
}

/* A stable NUL-terminated copy of name. [lock] */
static const char *text_copy(const char *name, size_t len)
{
    TextBlock *b = tab.text;
    if (!b || b->cap - b->used < len + 1) {
        size_t cap = ATOM_TEXT_BLOCK;
        b = alloc_or_die(sizeof(TextBlock) + cap);
        b->cap = cap;
        b->next = tab.text;
        tab.text = b;
        tab.text_reserved += sizeof(TextBlock) + cap;
    }
    char *s = b->data + b->used;
    if (len) memcpy(s, name, len);
    s[len] = '\0';
    b->used += len + 1;
    tab.text_used += len + 1;
    return s;
}

/* Appends a new atom. [lock] */
static Term insert(const char *name, size_t len, uint32_t h)
{
    uint32_t index = atomic_load_explicit(&tab.count, memory_order_relaxed);
    if (index >= ATOM_LIMIT) return NONVALUE;
    uint32_t c = index >> ATOM_CHUNK_SHIFT;
    AtomEntry *chunk = atomic_load_explicit(&tab.chunk[c], memory_order_relaxed);
    if (!chunk) {
        chunk = alloc_or_die(ATOM_CHUNK * sizeof(AtomEntry));
        atomic_store_explicit(&tab.chunk[c], chunk, memory_order_release);
        tab.chunks_allocated++;
    }
    AtomEntry *e = &chunk[index & (ATOM_CHUNK - 1)];
    e->len = (uint32_t)len;
    e->hash = h;
    atomic_store_explicit(&e->name, text_copy(name, len), memory_order_release);
    /* Grow before publishing: the rehash copies indexes below count, so the new atom goes in
     * after it. */
    hash_reserve(index + 1);
    hash_insert(atomic_load_explicit(&tab.hash, memory_order_relaxed), index, h);
    atomic_store_explicit(&tab.count, index + 1, memory_order_release);
    return make_atom(index);
}

void atom_init(void)
{
    pthread_mutex_lock(&tab.lock);
    if (!tab.initialised) {
        assert(atomic_load_explicit(&tab.count, memory_order_relaxed) == 0 &&
               "atom_put before atom_init would shift the predefined atoms");
        for (size_t i = 0; i < sizeof predefined / sizeof predefined[0]; i++) {
            uint32_t h = hash_name(predefined[i].name, predefined[i].len);
            /* A duplicate line in atoms.def would break AM(): catch it here. */
            assert(lookup(predefined[i].name, predefined[i].len, h) < 0);
            Term a = insert(predefined[i].name, predefined[i].len, h);
            assert(a == make_atom(i));
            (void)a;
        }
        tab.initialised = true;
    }
    pthread_mutex_unlock(&tab.lock);
}

Term atom_put(const char *name, size_t len)
{
    if (!name_fits(name, len)) return NONVALUE;
    uint32_t h = hash_name(name, len);
    int64_t found = lookup(name, len, h);
    if (found >= 0) return make_atom((Uint)found);
    pthread_mutex_lock(&tab.lock);
    found = lookup(name, len, h);
    Term a = found >= 0 ? make_atom((Uint)found) : insert(name, len, h);
    pthread_mutex_unlock(&tab.lock);
    return a;
}

Term atom_get(const char *name, size_t len)
{
    if (!name_fits(name, len)) return NONVALUE;
    int64_t found = lookup(name, len, hash_name(name, len));
    return found >= 0 ? make_atom((Uint)found) : NONVALUE;
}

const char *atom_name(Term atom, size_t *len)
{
    assert(term_is_atom(atom));
    Uint index = atom_index(atom);
    assert(index < atomic_load_explicit(&tab.count, memory_order_acquire));
    AtomEntry *e = entry_at((uint32_t)index);
    const char *s = atomic_load_explicit(&e->name, memory_order_acquire);
    if (len) *len = e->len;
    return s;
}

Uint atom_count(void)
{
    return atomic_load_explicit(&tab.count, memory_order_acquire);
}

/* erlang:memory(atom): the table as allocated (directory, whole chunks, hash tables) and the
 * text blocks as reserved. */
Uint atom_memory_bytes(void)
{
    pthread_mutex_lock(&tab.lock);
    Uint bytes = sizeof tab.chunk + tab.chunks_allocated * ATOM_CHUNK * sizeof(AtomEntry) +
                 tab.hash_bytes + tab.text_reserved;
    pthread_mutex_unlock(&tab.lock);
    return bytes;
}

/* erlang:memory(atom_used): the directory, the entries in use, the hash tables and the text in
 * use. */
Uint atom_used_bytes(void)
{
    pthread_mutex_lock(&tab.lock);
    Uint bytes = sizeof tab.chunk +
                 (Uint)atomic_load_explicit(&tab.count, memory_order_relaxed) * sizeof(AtomEntry) +
                 tab.hash_bytes + tab.text_used;
    pthread_mutex_unlock(&tab.lock);
    return bytes;
}
