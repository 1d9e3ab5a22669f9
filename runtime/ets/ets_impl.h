/*
 * ets_impl.h — the table layout shared by ets.c (registry, API), hash.c, tree.c and match.c.
 * Private to runtime/ets/.
 *
 * Stored objects are OTP's DbTerm: [first_oh][size][flat copy of the tuple...], the tuple's
 * header first. The hash node adds 2 words in front (next, hvalue + pseudo_deleted) and the tree
 * node 3 (left, right, balance), so an object costs 4 + s or 5 + s words as in OTP 25.
 *
 * Memory: every allocation a table makes goes through ets_alloc/ets_free, which add the block's
 * size to the table's counter and the global one. A few fixed parts of OTP's table that we do
 * not reproduce byte for byte (the DbTable struct, the frequent-read rwlock extension, the CA
 * tree's base node) are charged as what OTP allocates for them (ets.c, "fixed parts").
 */
#ifndef HS_ETS_IMPL_H
#define HS_ETS_IMPL_H

#include <pthread.h>

#include "ets/ets.h"
#include "ets/tablock.h"

typedef struct DbTerm {
    OffHeapHeader *first_oh; /* the object's ProcBins and magic refs */
    Uint size;               /* words of the flat copy */
    Term tpl[];              /* tpl[0] is the tuple's header */
} DbTerm;

static inline Term dbterm_obj(DbTerm *d) { return make_boxed(d->tpl); }
static inline Term dbterm_key(DbTerm *d, unsigned keypos) { return d->tpl[keypos]; }

typedef struct HashNode {
    struct HashNode *next;
    uint32_t hvalue;
    uint32_t pseudo_deleted; /* OTP's flag for fixed tables: kept for the layout, always 0 */
    DbTerm dbterm;
} HashNode;

typedef struct TreeNode {
    struct TreeNode *left, *right;
    Sint balance;
    DbTerm dbterm;
} TreeNode;

#define ETS_LOCK_CNT 64       /* OTP's DB_HASH_LOCK_CNT */
#define ETS_FIRST_SEGSZ 256   /* FIRST_SEGSZ */
#define ETS_EXT_SEGSZ 2048    /* EXT_SEGSZ */
#define ETS_SEGTAB_HDR 6      /* words of an extended segment table before its pointers */

/* A stripe lock, one cache line pair as OTP's DbTableHashFineLocks (128 bytes). */
typedef struct EtsStripe {
    SpinRw lock;
    char pad[128 - sizeof(SpinRw)];
} __attribute__((aligned(128))) EtsStripe;

/*
 * Growth of a striped table runs under the table lock shared, the `resize` mutex and the stripe
 * of the bucket being split (hash_grow_striped), while other stripes' operations go on: those
 * read nactive, szm, nsegs and segtab without a common lock, hence atomics. A split touches only
 * its own stripe's buckets (bucket ix is in stripe ix % 64 and splits keep that); a new segment
 * or segment table is filled before nactive or segtab publishes it, and an outgrown segment
 * table stays allocated, so a reader holding the old pointer still reads valid entries.
 */
typedef struct EtsHash {
    HashNode **seg0;       /* the first segment, 256 buckets */
    _Atomic(HashNode ***) segtab; /* segtab[0] = seg0, then 2048-bucket segments */
    HashNode ***first_segtab; /* the DbTable's own one-entry table (not charged) */
    Uint *segtab_block;    /* the current extended segment table (NULL: first_segtab); its
                            * header words hold the previous one, kept as OTP keeps it */
    _Atomic Uint nsegs;    /* segments allocated (seg0 included) */
    Uint segcap;           /* entries of segtab */
    _Atomic Uint nactive;  /* buckets in use (linear hashing) */
    _Atomic Uint szm;      /* 2^k - 1 >= nactive - 1 */
    EtsStripe *stripes;    /* ETS_LOCK_CNT of them with write_concurrency, else NULL */
    pthread_mutex_t resize; /* with stripes: one grower at a time (hash_grow_striped) */
} EtsHash;

typedef struct EtsTree {
    TreeNode *root;
    Term *stack;           /* OTP's static stack (STACK_NEED words), charged and used by none */
    Uint gen;              /* bumped by every change of the tree's nodes (links, replaces,
                            * frees) [table lock exclusive]: a lookup's remembered path
                            * (tree.c, Finger) holds while it is unchanged */
} EtsTree;

/* A table's byte count spread over thread slots (an ordered_set with write_concurrency, whose
 * inserting threads would all write one line: OTP's decentralised counters): summed to read. */
typedef struct EtsMemSlot {
    _Atomic Uint bytes;
    char pad[64 - sizeof(Uint)];
} __attribute__((aligned(64))) EtsMemSlot;

struct EtsTable {
    TabLock lock;
    EtsMemSlot *mem_slots;  /* TABLOCK_SLOTS of them, or NULL: mem_bytes counts */          /* frequent-read kind with read or write concurrency (tablock.h) */
    Term name;
    Term tid;              /* the table's id term: the name atom, or NONVALUE (use a ref) */
    EtsType type;
    EtsAccess access;
    bool named;
    unsigned keypos;
    bool read_conc, compressed;
    EtsWriteConc write_conc;
    _Atomic Term owner;    /* pid; read without the table lock by access checks */
    _Atomic Term heir;     /* pid or the atom none */
    DbTerm *heir_data;     /* flat copy of the heir's data (NULL when none or immediate) */
    Term heir_imm;         /* the heir's data when it is an immediate (not counted, as OTP) */
    _Atomic bool dead;
    _Atomic bool deleting; /* one deleter wins */
    _Atomic Sint fixes;    /* safe_fixtable(T, true) calls not yet undone (see ets.c) */
    Uint fixed_bytes;      /* the charged fixed parts (see ets.c) */
    union {
        EtsHash hash;
        EtsTree tree;
    } u;
    struct EtsTable *next_all;   /* registry: every live table */
    struct EtsTable *next_named; /* registry: named tables' bucket chain */
    /* Written by every insert and delete: a cache line of their own, so that writers do not
     * evict the fields above from the readers' caches (the struct is 64-byte aligned). */
    _Alignas(64) _Atomic Uint mem_bytes;
    _Atomic Uint nitems;
    char counters_pad[64 - 2 * sizeof(Uint)];
};

static inline bool ets_is_hash(const EtsTable *tb) { return tb->type != ETS_ORDERED_SET; }

/* Memory of the table (ets.c). */
void *ets_alloc(EtsTable *tb, size_t bytes);
void ets_free(EtsTable *tb, void *ptr, size_t bytes);
void ets_charge(EtsTable *tb, Sint bytes);

/* A flat copy of obj in a block of `head` bytes + DbTerm (the node header in front). */
DbTerm *ets_dbterm_new(EtsTable *tb, Term obj, size_t head, void **block);
/* Drops the object's off-heap references (not the block). */
void ets_dbterm_release(DbTerm *d);
/* The words of a DbTerm node: head + DbTerm + size words. */
static inline size_t ets_node_bytes(size_t head, const DbTerm *d)
{
    return head + sizeof(DbTerm) + d->size * sizeof(Term);
}

/* Visitor over objects: return one of these. */
enum { ETS_V_NEXT = 0, ETS_V_STOP = 1, ETS_V_DELETE = 2 };
typedef int (*EtsVisit)(DbTerm *d, void *arg);

/* hash.c: set, bag, duplicate_bag. Callers hold the locks (see ets.h). */
void hash_create(EtsTable *tb);
void hash_destroy(EtsTable *tb);           /* frees every object and segment */
void hash_clear(EtsTable *tb);             /* frees the objects, back to the first segment */
uint32_t hash_key(Term key);
/* Inserts obj (a tuple of the right arity); false when only_new and the key exists. */
bool hash_insert(EtsTable *tb, Term obj, uint32_t hv, bool only_new);
/* Visits the objects under key (in bucket order); ETS_V_DELETE removes the visited one. */
void hash_key_visit(EtsTable *tb, Term key, uint32_t hv, EtsVisit fn, void *arg);
/* Visits bucket ix's chain from its head (ix < nactive). */
void hash_bucket_visit(EtsTable *tb, Uint ix, EtsVisit fn, void *arg);
/* Replaces the one object with obj's key by obj (set). */
void hash_replace(EtsTable *tb, Term obj, uint32_t hv);
/* Replaces the object old (a node of the table) by obj, which has the same key, in place. */
void hash_replace_node(EtsTable *tb, DbTerm *old, Term obj);
/* Visits every object in OTP's traversal order (buckets upwards, chains from the head;
 * select, match and tab2list list them in reverse). bucket_done (may be NULL) runs after each
 * non-empty bucket the visitor did not stop in. */
void hash_visit(EtsTable *tb, EtsVisit fn, void *arg, void (*bucket_done)(void *arg));
/* Grows the bucket array while items exceed buckets. [table lock exclusive] */
void hash_grow(EtsTable *tb);
/* The same for a striped table, one bucket at a time under its stripe; returns at once when
 * another thread is growing the table (that one goes on while items exceed buckets, as OTP's
 * grow gives way to a resize in progress). [table lock shared, no stripe] */
void hash_grow_striped(EtsTable *tb);
/* After a delete: OTP's try_shrink (up to 5 buckets joined while items are under the shrink
 * limit; top segments freed as they empty). hash_should_shrink may be asked under the key's
 * lock; hash_shrink needs the table lock exclusive. */
bool hash_should_shrink(EtsTable *tb);
void hash_shrink(EtsTable *tb);
/* first/next in table order: the first object of the next key, or NULL. A key not in the
 * table (*found false) gives the first object of the buckets after its own. */
DbTerm *hash_first(EtsTable *tb);
DbTerm *hash_next(EtsTable *tb, Term key, bool *found);
/* Bytes of one hash node holding d. */
static inline size_t hash_node_bytes(const DbTerm *d) { return ets_node_bytes(offsetof(HashNode, dbterm), d); }

/* tree.c: ordered_set (AVL). [table lock] */
void tree_create(EtsTable *tb);
void tree_destroy(EtsTable *tb);
void tree_clear(EtsTable *tb);
bool tree_insert(EtsTable *tb, Term obj, bool only_new);
/* tree_insert in two steps, so that the object's copy is made before the table is locked: a
 * node holding a copy of obj [no lock], then linked [table lock exclusive]: false (node not
 * linked) when only_new and the key is there; a node it replaced comes back in *replaced.
 * Either is freed with tree_node_free [no lock]. */
TreeNode *tree_node_new(EtsTable *tb, Term obj);
bool tree_insert_node(EtsTable *tb, TreeNode *node, bool only_new, TreeNode **replaced);
void tree_node_free(EtsTable *tb, TreeNode *n);
DbTerm *tree_lookup(EtsTable *tb, Term key);
bool tree_delete(EtsTable *tb, Term key);
void tree_visit(EtsTable *tb, EtsVisit fn, void *arg, bool reverse);
/* The same over the keys in [lo, hi] only (NONVALUE: unbounded on that side). */
void tree_visit_range(EtsTable *tb, Term lo, Term hi, EtsVisit fn, void *arg, bool reverse);
/* Term order of two keys as the tree sorts them (==: 1 and 1.0 are one key). */
int tree_key_cmp(Term a, Term b);
DbTerm *tree_first(EtsTable *tb, bool last);
/* The next (prev) key's object after key in term order; key need not be in the table. */
DbTerm *tree_next(EtsTable *tb, Term key, bool prev);

/* ets.c: resolving a table argument for an operation. */
typedef enum { ETS_READ, ETS_WRITE } EtsAccessKind;
EtsTable *ets_resolve(Process *p, Term tab, EtsAccessKind k);
Term ets_tid_term(Process *p, EtsTable *tb);
Uint ets_words(EtsTable *tb);
/* Whole-table locking for iteration (match.c). */
void ets_lock_all(EtsTable *tb, bool write);
void ets_unlock_all(EtsTable *tb, bool write);
/* For tests: checks the AVL invariants; the height, or -1 when broken. */
Sint tree_check(EtsTable *tb);

#endif
