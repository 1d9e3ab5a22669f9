/*
 * tree.c — ordered_set: an AVL tree in term order (OTP's erl_db_tree.c).
 *
 * Keys compare with == (1 and 1.0 are the same key), as OTP's ordered_set. Each node is
 * [left][right][balance][DbTerm]: 5 words + the object, OTP's TreeDbTerm. The tree also owns
 * a 90-word stack as OTP's DbTableTree does (its static traversal stack, STACK_NEED); our
 * traversals recurse instead (depth <= 1.44 log2 n), so the stack is only charged.
 * Callers hold the table lock: shared for lookups and visits, exclusive for changes.
 */
#include <stdint.h>
#include <stdlib.h>

#include "ets/ets_impl.h"

#define STACK_NEED 90

static int key_cmp(Term a, Term b)
{
    if (a == b) return 0;
    if (term_is_small(a) && term_is_small(b)) return small_val(a) < small_val(b) ? -1 : 1;
    return term_compare(a, b, false);
}
static Term node_key(EtsTable *tb, TreeNode *n) { return dbterm_key(&n->dbterm, tb->keypos); }
static size_t node_bytes(const TreeNode *n) { return ets_node_bytes(offsetof(TreeNode, dbterm), &n->dbterm); }

void tree_create(EtsTable *tb)
{
    tb->u.tree.root = NULL;
    tb->u.tree.gen = 0;
    tb->u.tree.stack = ets_alloc(tb, STACK_NEED * sizeof(Term));
}

static void free_node(EtsTable *tb, TreeNode *n)
{
    ets_dbterm_release(&n->dbterm);
    ets_free(tb, n, node_bytes(n));
}

static void free_all(EtsTable *tb, TreeNode *n)
{
    /* Iterative: a right spine walk with rotations would do, but freeing by pointer reversal
     * is simpler: flatten left children into the right spine as we go. */
    while (n) {
        if (n->left) {
            TreeNode *l = n->left;
            n->left = l->right;
            l->right = n;
            n = l;
        } else {
            TreeNode *r = n->right;
            free_node(tb, n);
            n = r;
        }
    }
}

void tree_clear(EtsTable *tb)
{
    free_all(tb, tb->u.tree.root);
    tb->u.tree.root = NULL;
    tb->u.tree.gen++;
    atomic_store(&tb->nitems, 0);
}

void tree_destroy(EtsTable *tb)
{
    tree_clear(tb);
    ets_free(tb, tb->u.tree.stack, STACK_NEED * sizeof(Term));
    tb->u.tree.stack = NULL;
}

/* Rotations keep balance = height(right) - height(left). */
static TreeNode *rot_left(TreeNode *x)
{
    TreeNode *y = x->right;
    x->right = y->left;
    y->left = x;
    x->balance = x->balance - 1 - (y->balance > 0 ? y->balance : 0);
    y->balance = y->balance - 1 + (x->balance < 0 ? x->balance : 0);
    return y;
}

static TreeNode *rot_right(TreeNode *x)
{
    TreeNode *y = x->left;
    x->left = y->right;
    y->right = x;
    x->balance = x->balance + 1 - (y->balance < 0 ? y->balance : 0);
    y->balance = y->balance + 1 + (x->balance > 0 ? x->balance : 0);
    return y;
}

static TreeNode *rebalance(TreeNode *n)
{
    if (n->balance > 1) {
        if (n->right->balance < 0) n->right = rot_right(n->right);
        return rot_left(n);
    }
    if (n->balance < -1) {
        if (n->left->balance > 0) n->left = rot_left(n->left);
        return rot_right(n);
    }
    return n;
}

TreeNode *tree_node_new(EtsTable *tb, Term obj)
{
    void *blk;
    ets_dbterm_new(tb, obj, offsetof(TreeNode, dbterm), &blk);
    TreeNode *n = blk;
    n->left = n->right = NULL;
    n->balance = 0;
    return n;
}

void tree_node_free(EtsTable *tb, TreeNode *n) { free_node(tb, n); }

/* key against node n's key: small integers as tagged words (same tag bits, same order). */
static inline int node_cmp(Term key, Term k)
{
    if (key == k) return 0;
    if (term_is_small(key) && term_is_small(k)) return (Sint)key < (Sint)k ? -1 : 1;
    return term_compare(key, k, false);
}

enum { MAX_HEIGHT = 100 }; /* an AVL tree of 2^64 nodes is under 93 high */

/*
 * Iterative AVL insert: descend recording the path (the link to each node and the side taken),
 * link the node, then retrace upwards: each node on the side that grew gains 1 in balance; a
 * node back at 0 ends it (height unchanged), one at +-2 is rebalanced in its link (the subtree
 * is back to its height before the insert) and ends it, one at +-1 passes the growth up.
 */
bool tree_insert_node(EtsTable *tb, TreeNode *node, bool only_new, TreeNode **replaced)
{
    TreeNode **links[MAX_HEIGHT];
    signed char side[MAX_HEIGHT];
    unsigned kp = tb->keypos, depth = 0;
    Term key = node->dbterm.tpl[kp];
    TreeNode **link = &tb->u.tree.root;
    *replaced = NULL;
    tb->u.tree.gen++;
    while (*link) {
        TreeNode *n = *link;
        int d = node_cmp(key, n->dbterm.tpl[kp]);
        if (d == 0) {
            if (only_new) return false;
            node->left = n->left;
            node->right = n->right;
            node->balance = n->balance;
            *link = node;
            *replaced = n;
            return true;
        }
        links[depth] = link;
        side[depth++] = d < 0 ? -1 : 1;
        link = d < 0 ? &n->left : &n->right;
    }
    *link = node;
    atomic_fetch_add(&tb->nitems, 1);
    while (depth-- > 0) {
        TreeNode *n = *links[depth];
        n->balance += side[depth];
        if (n->balance == 0) break;
        if (n->balance > 1 || n->balance < -1) {
            *links[depth] = rebalance(n);
            break;
        }
    }
    return true;
}

bool tree_insert(EtsTable *tb, Term obj, bool only_new)
{
    TreeNode *n = tree_node_new(tb, obj), *old;
    bool done = tree_insert_node(tb, n, only_new, &old);
    if (!done) free_node(tb, n);
    if (old) free_node(tb, old);
    return done;
}

/*
 * The finger: a thread's last small-integer lookup path, as OTP's tree keeps its last
 * traversal's path in its static stack for next/prev. node[d] is the d-th node from the root
 * on the path, and every key in its subtree lies strictly between lo[d] and hi[d] (tagged
 * small integers compared as signed words: the tag bits are the same, so the order is the
 * values'; TERM_LO/TERM_HI: no bound). A small key inside node[d]'s bounds is searched for
 * from node[d]: every node above it sends that key the same way as the path did. A lookup of
 * key K+1 after K (a scan in key order, the usual access pattern of a lookup loop) then walks
 * two levels on average instead of the whole height, and none of its compare branches (the
 * ones a processor cannot predict on a walk from the root) is taken on the upper levels.
 * The path holds while the table is the same one (EtsTable structs are never reused) and its
 * gen is unchanged (every change of links or nodes bumps it under the exclusive lock; a lookup
 * holds the lock at least shared). Only paths made of small-integer keys are kept.
 */
#define TERM_LO INTPTR_MIN
#define TERM_HI INTPTR_MAX
typedef struct Finger {
    const EtsTable *tb;
    Uint gen;
    unsigned depth;
    TreeNode *node[MAX_HEIGHT];
    Sint lo[MAX_HEIGHT], hi[MAX_HEIGHT];
} Finger;
static _Thread_local Finger finger;

/* The depth to resume a search for small key k from: the deepest node on the finger whose
 * bounds hold k (nested bounds: the first such from the bottom), 0 when none does. */
static unsigned finger_resume(const Finger *f, Sint k)
{
    unsigned d = f->depth;
    while (d > 0 && !(f->lo[d - 1] < k && k < f->hi[d - 1])) d--;
    return d;
}

/* Searches small key `key` from the finger's resume point, recording the path as it goes;
 * a non-small key met on the way ends the recording and the search goes on generically. */
static DbTerm *lookup_small(EtsTable *tb, Term key)
{
    Finger *f = &finger;
    Sint k = (Sint)key, lo = TERM_LO, hi = TERM_HI;
    unsigned kp = tb->keypos, d = 0;
    TreeNode *n = tb->u.tree.root;
    if (f->tb == tb && f->gen == tb->u.tree.gen && (d = finger_resume(f, k)) > 0) {
        d--;
        n = f->node[d];
        lo = f->lo[d];
        hi = f->hi[d];
    }
    f->tb = tb;
    f->gen = tb->u.tree.gen;
    for (; n && d < MAX_HEIGHT; d++) {
        Term nk = n->dbterm.tpl[kp];
        f->node[d] = n;
        f->lo[d] = lo;
        f->hi[d] = hi;
        if (nk == key) {
            f->depth = d + 1;
            return &n->dbterm;
        }
        if (!term_is_small(nk)) break;
        if (k < (Sint)nk) {
            hi = (Sint)nk;
            n = n->left;
        } else {
            lo = (Sint)nk;
            n = n->right;
        }
    }
    f->depth = n ? 0 : d;
    if (!n) return NULL;
    f->tb = NULL;
    while (n) { /* a key of another kind on the path: 3 and 3.0 are one key */
        int c = key_cmp(key, node_key(tb, n));
        if (c == 0) return &n->dbterm;
        n = c < 0 ? n->left : n->right;
    }
    return NULL;
}

DbTerm *tree_lookup(EtsTable *tb, Term key)
{
    if (term_is_small(key)) return lookup_small(tb, key);
    TreeNode *n = tb->u.tree.root;
    while (n) {
        int d = key_cmp(key, node_key(tb, n));
        if (d == 0) return &n->dbterm;
        n = d < 0 ? n->left : n->right;
    }
    return NULL;
}

typedef struct DelCtx {
    EtsTable *tb;
    Term key;
    bool found, shrunk;
    TreeNode *victim;
} DelCtx;

static TreeNode *fix_after_left_shrink(DelCtx *c, TreeNode *n)
{
    n->balance++;
    if (n->balance == 1) { c->shrunk = false; return n; }
    if (n->balance > 1) {
        n = rebalance(n);
        c->shrunk = n->balance == 0;
    }
    return n;
}

/* Removes the minimum of n into *min; c->shrunk set when the height fell. */
static TreeNode *del_min(DelCtx *c, TreeNode *n, TreeNode **min)
{
    if (!n->left) {
        *min = n;
        c->shrunk = true;
        return n->right;
    }
    n->left = del_min(c, n->left, min);
    return c->shrunk ? fix_after_left_shrink(c, n) : n;
}

static TreeNode *fix_after_right_shrink(DelCtx *c, TreeNode *n)
{
    n->balance--;
    if (n->balance == -1) { c->shrunk = false; return n; }
    if (n->balance < -1) {
        n = rebalance(n);
        c->shrunk = n->balance == 0;
    }
    return n;
}

static TreeNode *del(DelCtx *c, TreeNode *n)
{
    if (!n) { c->shrunk = false; return NULL; }
    int d = key_cmp(c->key, node_key(c->tb, n));
    if (d < 0) {
        n->left = del(c, n->left);
        return c->shrunk ? fix_after_left_shrink(c, n) : n;
    }
    if (d > 0) {
        n->right = del(c, n->right);
        return c->shrunk ? fix_after_right_shrink(c, n) : n;
    }
    c->found = true;
    c->victim = n;
    if (!n->left || !n->right) {
        c->shrunk = true;
        return n->left ? n->left : n->right;
    }
    TreeNode *min;
    TreeNode *r = del_min(c, n->right, &min);
    min->left = n->left;
    min->right = r;
    min->balance = n->balance;
    return c->shrunk ? fix_after_right_shrink(c, min) : min;
}

bool tree_delete(EtsTable *tb, Term key)
{
    DelCtx c = {tb, key, false, false, NULL};
    tb->u.tree.root = del(&c, tb->u.tree.root);
    if (c.found) {
        tb->u.tree.gen++;
        free_node(tb, c.victim);
        atomic_fetch_sub(&tb->nitems, 1);
    }
    return c.found;
}

/* In-order visit of the keys in [lo, hi] (NONVALUE: no bound); deletions requested by the
 * visitor are done after the walk. A subtree wholly outside the range is not entered, so a
 * select whose spec bounds the key visits only the nodes on the range's two edges and inside. */
typedef struct VisitCtx {
    EtsTable *tb;
    EtsVisit fn;
    void *arg;
    bool reverse, stop;
    Term lo, hi;
    Term *dels;
    Uint ndel, capdel;
} VisitCtx;

static void walk(VisitCtx *v, TreeNode *n)
{
    while (n && !v->stop) {
        Term k = node_key(v->tb, n);
        int cl = v->lo == NONVALUE ? 1 : key_cmp(k, v->lo);  /* > 0: the left side may hold keys >= lo */
        int ch = v->hi == NONVALUE ? -1 : key_cmp(k, v->hi); /* < 0: the right side may hold keys <= hi */
        bool near_ok = v->reverse ? ch < 0 : cl > 0, far_ok = v->reverse ? cl > 0 : ch < 0;
        if (near_ok) walk(v, v->reverse ? n->right : n->left);
        if (v->stop) return;
        if (cl >= 0 && ch <= 0) {
            int r = v->fn(&n->dbterm, v->arg);
            if (r & ETS_V_DELETE) {
                if (v->ndel == v->capdel) {
                    v->capdel = v->capdel ? 2 * v->capdel : 16;
                    v->dels = realloc(v->dels, v->capdel * sizeof(Term));
                    if (!v->dels) abort();
                }
                v->dels[v->ndel++] = make_boxed((Term *)n); /* the node, tagged to keep it a word */
            }
            if (r & ETS_V_STOP) { v->stop = true; return; }
        }
        n = !far_ok ? NULL : v->reverse ? n->left : n->right;
    }
}

void tree_visit_range(EtsTable *tb, Term lo, Term hi, EtsVisit fn, void *arg, bool reverse)
{
    VisitCtx v = {tb, fn, arg, reverse, false, lo, hi, NULL, 0, 0};
    walk(&v, tb->u.tree.root);
    for (Uint i = 0; i < v.ndel; i++) {
        TreeNode *n = (TreeNode *)boxed_ptr(v.dels[i]);
        tree_delete(tb, node_key(tb, n));
    }
    free(v.dels);
}

void tree_visit(EtsTable *tb, EtsVisit fn, void *arg, bool reverse)
{
    tree_visit_range(tb, NONVALUE, NONVALUE, fn, arg, reverse);
}

int tree_key_cmp(Term a, Term b) { return key_cmp(a, b); }

DbTerm *tree_first(EtsTable *tb, bool last)
{
    TreeNode *n = tb->u.tree.root;
    if (!n) return NULL;
    while (last ? n->right : n->left) n = last ? n->right : n->left;
    return &n->dbterm;
}

DbTerm *tree_next(EtsTable *tb, Term key, bool prev)
{
    TreeNode *n = tb->u.tree.root, *best = NULL;
    while (n) {
        int d = key_cmp(key, node_key(tb, n));
        if (!prev) {
            if (d < 0) { best = n; n = n->left; }
            else n = n->right;
        } else {
            if (d > 0) { best = n; n = n->right; }
            else n = n->left;
        }
    }
    return best ? &best->dbterm : NULL;
}

/* For tests: checks the AVL invariants; returns the height or -1. */
Sint tree_check(EtsTable *tb);
static Sint check(TreeNode *n)
{
    if (!n) return 0;
    Sint l = check(n->left), r = check(n->right);
    if (l < 0 || r < 0 || r - l != n->balance || n->balance > 1 || n->balance < -1) return -1;
    return 1 + (l > r ? l : r);
}
Sint tree_check(EtsTable *tb) { return check(tb->u.tree.root); }
