/*
 * copy.c — measuring and copying terms, after OTP 25's copy.c and erts_debug.erl (see copy.h;
 * reference §1.3, §2, §5).
 *
 * No function here recurses in C: a term may be a million cells deep. The measuring walks keep
 * pending subterms on an explicit stack (TermStack); the copies use no stack at all, because the
 * destination area is its own work queue (Cheney's scan): each object is first copied shallowly,
 * with its term slots still pointing at the source, and a scan pointer then walks the copied
 * words and copies whatever those slots point at. A slot that already points into the
 * destination (or at a literal, when literals stay shared) is done. This works because every
 * object we place in the destination is self-describing: a header word tells how many raw words
 * to skip and how many term words follow; anything else is a cons cell, whose CAR is a term and
 * so never looks like a header.
 *
 * Sharing: the flat functions treat the term as a tree and count or copy a subterm once per
 * path that reaches it (loss of sharing, as OTP's send and ETS do). The shared functions
 * remember each boxed object and cons cell by address in AddrMap, an open-addressing hash table
 * of our own, instead of marking the heap in place as OTP does: the source is never written to,
 * so nothing needs restoring and another thread may read the term meanwhile.
 */
#include "copy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bin.h"
#include "literal.h"

/* ---- failures that are bugs ---------------------------------------------------------------- */

static void copy_bug(const char *what)
{
    fprintf(stderr, "heapscope: copy.c: %s\n", what);
    abort();
}

static void *xmalloc(size_t bytes)
{
    void *p = malloc(bytes);
    if (!p) copy_bug("out of memory");
    return p;
}

/* ---- an explicit stack of terms ------------------------------------------------------------ */

/* Starts on the C stack; only deep or wide terms pay for malloc. */
#define STACK_INLINE 64

typedef struct TermStack {
    Term *items;
    size_t n, cap;
    Term inline_items[STACK_INLINE];
} TermStack;

static void stack_init(TermStack *s)
{
    s->items = s->inline_items;
    s->n = 0;
    s->cap = STACK_INLINE;
}

static void stack_push(TermStack *s, Term t)
{
    if (s->n == s->cap) {
        size_t cap = s->cap * 2;
        Term *items = xmalloc(cap * sizeof(Term));
        memcpy(items, s->items, s->n * sizeof(Term));
        if (s->items != s->inline_items) free(s->items);
        s->items = items;
        s->cap = cap;
    }
    s->items[s->n++] = t;
}

static bool stack_pop(TermStack *s, Term *t)
{
    if (s->n == 0) return false;
    *t = s->items[--s->n];
    return true;
}

static void stack_free(TermStack *s)
{
    if (s->items != s->inline_items) free(s->items);
}

/* ---- an address-keyed hash map --------------------------------------------------------------- */

/*
 * Keys are object addresses (never 0: 0 marks an empty slot); values are the object's copy as
 * a term, NONVALUE until it has one. Linear probing in a power-of-two table kept at most half
 * full, so probes stay short; Fibonacci hashing spreads the 8-aligned addresses. The first
 * table lives inside the map (a sampled send's size_shared of a small message allocates
 * nothing): a map must not move once initialised, and only a grown table is malloc'd. A
 * value slot is written when its key is, so only the keys need clearing.
 */
#define ADDR_INITIAL_CAP 64

typedef struct AddrMap {
    uintptr_t *keys;
    Term *vals;
    size_t cap, n;
    unsigned shift; /* 64 - log2(cap) */
    uintptr_t inline_keys[ADDR_INITIAL_CAP];
    Term inline_vals[ADDR_INITIAL_CAP];
} AddrMap;

static void addr_init(AddrMap *m)
{
    m->cap = ADDR_INITIAL_CAP;
    m->shift = 64 - 6;
    m->n = 0;
    m->keys = m->inline_keys;
    m->vals = m->inline_vals;
    memset(m->inline_keys, 0, sizeof m->inline_keys);
}

static void addr_free(AddrMap *m)
{
    if (m->keys != m->inline_keys) {
        free(m->keys);
        free(m->vals);
    }
    m->keys = NULL;
    m->vals = NULL;
}

static size_t addr_slot(const AddrMap *m, uintptr_t key)
{
    return (size_t)(((uint64_t)key >> 3) * UINT64_C(0x9E3779B97F4A7C15) >> m->shift);
}

static void addr_grow(AddrMap *m)
{
    uintptr_t *old_keys = m->keys;
    Term *old_vals = m->vals;
    size_t old_cap = m->cap;
    m->cap *= 2;
    m->shift--;
    m->keys = calloc(m->cap, sizeof *m->keys);
    m->vals = malloc(m->cap * sizeof *m->vals);
    if (!m->keys || !m->vals) copy_bug("out of memory");
    for (size_t i = 0; i < old_cap; i++) {
        if (!old_keys[i]) continue;
        size_t j = addr_slot(m, old_keys[i]);
        while (m->keys[j]) j = (j + 1) & (m->cap - 1);
        m->keys[j] = old_keys[i];
        m->vals[j] = old_vals[i];
    }
    if (old_keys != m->inline_keys) {
        free(old_keys);
        free(old_vals);
    }
}

/* The slot of p, inserted (with value NONVALUE) when absent; *added says which. */
static size_t addr_put(AddrMap *m, const Term *p, bool *added)
{
    if (2 * (m->n + 1) > m->cap) addr_grow(m);
    uintptr_t key = (uintptr_t)p;
    size_t i = addr_slot(m, key);
    while (m->keys[i]) {
        if (m->keys[i] == key) {
            *added = false;
            return i;
        }
        i = (i + 1) & (m->cap - 1);
    }
    m->keys[i] = key;
    m->vals[i] = NONVALUE;
    m->n++;
    *added = true;
    return i;
}

/* True the first time p is seen. */
static bool addr_first_visit(AddrMap *m, const Term *p)
{
    bool added;
    addr_put(m, p, &added);
    return added;
}

/* ---- sub binaries ---------------------------------------------------------------------------- */

/*
 * A sub binary is measured and copied as what OTP 25's copy_struct makes of it (copy.c,
 * SUB_BINARY_SUBTAG): its bytes, plus the one or two bytes a bit offset or a trailing bit count
 * spills into, become a binary of their own — a new ProcBin on the same Binary when the original
 * is a refc binary, a heap binary copy when it is a heap binary — and a 5-word sub binary on top
 * of that when bits are involved.
 */
typedef struct SubBinCopy {
    Term orig;                  /* the ProcBin or heap binary the sub binary looks into */
    const unsigned char *first; /* the sub binary's first byte */
    Uint size;                  /* whole bytes */
    unsigned bitoffs, bitsize;
    Uint real_size;             /* bytes the copy's binary holds: size + extra */
    bool bits;                  /* bit offset or bit size non-zero: a sub binary on top */
} SubBinCopy;

static void sub_bin_plan(Term sub, SubBinCopy *c)
{
    c->orig = sub_bin_orig(sub);
    c->size = bin_byte_size(sub);
    c->bitoffs = sub_bin_bitoffs(sub);
    c->bitsize = sub_bin_bitsize(sub);
    const unsigned char *base = term_is_refc_bin(c->orig) ? procbin_ptr(c->orig)->bytes
                                                           : heap_bin_data(c->orig);
    c->first = base + sub_bin_offs(sub);
    unsigned bits = c->bitoffs + c->bitsize;
    Uint extra = bits > 8 ? 2 : bits > 0 ? 1 : 0;
    c->real_size = c->size + extra;
    c->bits = extra != 0;
}

static Uint sub_bin_copy_words(Term sub)
{
    SubBinCopy c;
    sub_bin_plan(sub, &c);
    Uint words = c.bits ? SUB_BIN_SIZE : 0;
    return words + (term_is_refc_bin(c.orig) ? PROC_BIN_SIZE : heap_bin_words(c.real_size));
}

/* ---- measuring ------------------------------------------------------------------------------- */

/*
 * Words of every object reachable from root. With seen, each object counts once (keyed by
 * address); without, once per path. With litopt, literal subterms are neither counted nor
 * entered. The empty tuple always counts 0: it is one global literal in OTP 25, which
 * size_object_x and erts_debug:size both skip. A sub binary counts as its copy (above) and its
 * original is not entered.
 */
static Uint measure(Term root, bool litopt, AddrMap *seen)
{
    TermStack s;
    stack_init(&s);
    Uint sum = 0;
    Term t = root;
    for (;;) {
        while (term_is_ptr(t)) {
            Term *p = term_ptr(t);
            if (litopt && ptr_is_literal(p)) break;
            if (term_is_list(t)) {
                if (seen && !addr_first_visit(seen, p)) break;
                sum += 2;
                if (term_is_ptr(p[0])) stack_push(&s, p[0]);
                t = p[1]; /* follow the tail in the loop: long lists stay flat */
                continue;
            }
            Term h = p[0];
            unsigned sub = hdr_subtag(h);
            Uint arity = hdr_arity(h);
            if (sub == SUB_TUPLE && arity == 0) break;
            if (seen && !addr_first_visit(seen, p)) break;
            if (sub == SUB_SUB_BIN) {
                sum += sub_bin_copy_words(t);
                break;
            }
            sum += 1 + arity;
            for (Uint i = 1 + hdr_raw_words(h); i <= arity; i++)
                if (term_is_ptr(p[i])) stack_push(&s, p[i]);
            break;
        }
        if (!stack_pop(&s, &t)) break;
    }
    stack_free(&s);
    return sum;
}

Uint size_object(Term t) { return measure(t, false, NULL); }
Uint size_object_litopt(Term t) { return measure(t, true, NULL); }

static Uint measure_shared(Term t, bool litopt)
{
    if (!term_is_ptr(t)) return 0;
    AddrMap seen;
    addr_init(&seen);
    Uint sum = measure(t, litopt, &seen);
    addr_free(&seen);
    return sum;
}

Uint size_shared(Term t) { return measure_shared(t, false); }
Uint size_shared_litopt(Term t) { return measure_shared(t, true); }

/*
 * measure(root, true, seen) for a term of at most SMALL_FLAT words flat (size_object_litopt):
 * it holds at most SMALL_FLAT / 2 distinct objects (each takes 2 words or more) and at most
 * SMALL_FLAT references to follow, so the seen set is a short array searched linearly and the
 * stack a fixed one: no 64-slot table to clear and hash into. A sampled send measures its
 * message with it (most messages are small): ~450 instructions for a 9-word one became ~140.
 * Should a caller's flat be wrong, a full set or stack hands over to the general walk.
 */
#define SMALL_FLAT 32u

/* 1: first visit, 0: seen before, -1: the set is full (the caller's flat was wrong) */
static int small_first_visit(const Term **seen, unsigned *n, const Term *p)
{
    for (unsigned i = 0; i < *n; i++)
        if (seen[i] == p) return 0;
    if (*n == SMALL_FLAT / 2) return -1;
    seen[(*n)++] = p;
    return 1;
}

/* Pushes x when it is a pointer; false when the stack is full (the caller's flat was wrong). */
static bool small_push(Term *stack, unsigned *sp, Term x)
{
    if (!term_is_ptr(x)) return true;
    if (*sp == SMALL_FLAT) return false;
    stack[(*sp)++] = x;
    return true;
}

static Uint measure_small_shared(Term root)
{
    const Term *seen[SMALL_FLAT / 2];
    Term stack[SMALL_FLAT];
    unsigned nseen = 0, sp = 0;
    Uint sum = 0;
    Term t = root;
    for (;;) {
        while (term_is_ptr(t)) {
            Term *p = term_ptr(t);
            if (ptr_is_literal(p)) break;
            if (term_is_list(t)) {
                int first = small_first_visit(seen, &nseen, p);
                if (first < 0) return measure_shared(root, true);
                if (!first) break;
                sum += 2;
                if (!small_push(stack, &sp, p[0])) return measure_shared(root, true);
                t = p[1];
                continue;
            }
            Term h = p[0];
            unsigned sub = hdr_subtag(h);
            Uint arity = hdr_arity(h);
            if (sub == SUB_TUPLE && arity == 0) break;
            int first = small_first_visit(seen, &nseen, p);
            if (first < 0) return measure_shared(root, true);
            if (!first) break;
            if (sub == SUB_SUB_BIN) {
                sum += sub_bin_copy_words(t);
                break;
            }
            sum += 1 + arity;
            for (Uint i = 1 + hdr_raw_words(h); i <= arity; i++)
                if (!small_push(stack, &sp, p[i])) return measure_shared(root, true);
            break;
        }
        if (!sp) break;
        t = stack[--sp];
    }
    return sum;
}

Uint size_shared_litopt_flat(Term t, Uint flat)
{
    if (flat < 6) return flat;
    return flat <= SMALL_FLAT ? measure_small_shared(t) : measure_shared(t, true);
}

/* ---- copying ----------------------------------------------------------------------------------- */

typedef struct Copier {
    Term *start, *top, *end; /* the destination: [start, top) used */
    OffHeap *oh;
    bool litopt;
    AddrMap *fwd; /* sharing-preserving: source address -> its copy */
} Copier;

static Term *take(Copier *c, Uint n)
{
    if (n > (Uint)(c->end - c->top)) copy_bug("copy overruns its size (size and copy disagree)");
    Term *p = c->top;
    c->top += n;
    return p;
}

static void link_procbin(Copier *c, ProcBin *pb)
{
    pb->next = c->oh->first;
    c->oh->first = (OffHeapHeader *)pb;
    c->oh->overhead += pb->size / sizeof(Term);
    pb->flags = 0;
    binary_incref(pb->val);
}

static Term copy_sub_bin(Copier *c, Term sub)
{
    SubBinCopy plan;
    sub_bin_plan(sub, &plan);
    Term bin;
    if (term_is_refc_bin(plan.orig)) {
        const ProcBin *from = (const ProcBin *)boxed_ptr(plan.orig);
        ProcBin *to = (ProcBin *)take(c, PROC_BIN_SIZE);
        to->thing_word = make_header(SUB_REFC_BIN, 0, PROC_BIN_SIZE - 1);
        to->size = plan.real_size;
        to->val = from->val;
        to->bytes = (unsigned char *)plan.first;
        link_procbin(c, to);
        bin = make_boxed((Term *)to);
    } else {
        Uint words = heap_bin_words(plan.real_size);
        Term *hb = take(c, words);
        hb[0] = make_header(SUB_HEAP_BIN, 0, words - 1);
        hb[1] = plan.real_size;
        if (words > 2) hb[words - 1] = 0; /* deterministic padding, as bin.c does */
        if (plan.real_size) memcpy(hb + 2, plan.first, plan.real_size);
        bin = make_boxed(hb);
    }
    if (!plan.bits) return bin;
    /* The same window over the new binary, which starts at the window's first byte. */
    return sub_bin_at(take(c, SUB_BIN_SIZE), bin, 0, plan.size, plan.bitoffs, plan.bitsize);
}

/* The copy of the object t points at, made shallowly: its term slots still point at the
 * source until the scan reaches them. Immediates, literals (with litopt), objects already in
 * the destination and (with fwd) objects copied before come back as they are or forwarded. */
static Term copy_one(Copier *c, Term t)
{
    if (!term_is_ptr(t)) return t;
    Term *p = term_ptr(t);
    if (p >= c->start && p < c->end) return t;
    if (c->litopt && ptr_is_literal(p)) return t;
    if (term_is_boxed(t) && hdr_subtag(p[0]) == SUB_TUPLE && hdr_arity(p[0]) == 0)
        return literal_empty_tuple();
    size_t slot = 0;
    if (c->fwd) {
        bool added;
        slot = addr_put(c->fwd, p, &added);
        if (c->fwd->vals[slot] != NONVALUE) return c->fwd->vals[slot];
    }
    Term res;
    if (term_is_list(t)) {
        Term *n = take(c, 2);
        n[0] = p[0];
        n[1] = p[1];
        res = make_list(n);
    } else {
        Term h = p[0];
        switch (hdr_subtag(h)) {
        case SUB_SUB_BIN:
            res = copy_sub_bin(c, t);
            break;
        case SUB_REFC_BIN: {
            ProcBin *pb = (ProcBin *)take(c, PROC_BIN_SIZE);
            memcpy(pb, p, PROC_BIN_SIZE * sizeof(Term));
            link_procbin(c, pb);
            res = make_boxed((Term *)pb);
            break;
        }
        case SUB_REF: {
            Term *n = take(c, hdr_size(h));
            memcpy(n, p, hdr_size(h) * sizeof(Term));
            if (hdr_extra(h) == REF_MAGIC) {
                /* Magic refs sit on the off-heap list like ProcBins; their owner (ETS) keeps
                 * the only count (heap.c release_offheap), so there is nothing to take. */
                OffHeapHeader *e = (OffHeapHeader *)n;
                e->next = c->oh->first;
                c->oh->first = e;
            }
            res = make_boxed(n);
            break;
        }
        default: {
            Term *n = take(c, hdr_size(h));
            memcpy(n, p, hdr_size(h) * sizeof(Term));
            res = make_boxed(n);
            break;
        }
        }
    }
    if (c->fwd) c->fwd->vals[slot] = res;
    return res;
}

/* Copies root, then scans the destination until every slot points at a copy. */
static Term copy_run(Copier *c, Term root)
{
    Term res = copy_one(c, root);
    for (Term *scan = c->start; scan < c->top;) {
        Term w = *scan;
        if (term_is_header(w)) {
            Uint arity = hdr_arity(w);
            /* A sub binary made here already points at its new original: in the area. */
            for (Uint i = 1 + hdr_raw_words(w); i <= arity; i++) scan[i] = copy_one(c, scan[i]);
            scan += 1 + arity;
        } else {
            scan[0] = copy_one(c, scan[0]);
            scan[1] = copy_one(c, scan[1]);
            scan += 2;
        }
    }
    return res;
}

static Term copy_flat(Term t, Uint sz, Term **hpp, OffHeap *oh, bool litopt)
{
    if (!term_is_ptr(t)) return t;
    Copier c = {*hpp, *hpp, *hpp + sz, oh, litopt, NULL};
    Term res = copy_run(&c, t);
    if (c.top != c.end) copy_bug("copy_struct: the copy is smaller than its size");
    *hpp = c.end;
    return res;
}

Term copy_struct(Term t, Uint sz, Term **hpp, OffHeap *oh)
{
    return copy_flat(t, sz, hpp, oh, false);
}

Term copy_struct_litopt(Term t, Uint sz, Term **hpp, OffHeap *oh)
{
    return copy_flat(t, sz, hpp, oh, true);
}

/* ---- the sharing-preserving copy ----------------------------------------------------------- */

/* The calculate pass leaves every object it counted in map (keys only); perform fills in the
 * copies as it makes them, so each distinct object is copied once. */
struct CopySharedInfo {
    Term root;
    bool litopt;
    Uint words;
    AddrMap map;
};

CopySharedInfo *copy_shared_calculate(Term t, bool litopt, Uint *words)
{
    CopySharedInfo *info = xmalloc(sizeof *info);
    info->root = t;
    info->litopt = litopt;
    addr_init(&info->map);
    info->words = term_is_ptr(t) ? measure(t, litopt, &info->map) : 0;
    *words = info->words;
    return info;
}

Term copy_shared_perform(CopySharedInfo *info, Term **hpp, OffHeap *oh)
{
    if (!term_is_ptr(info->root)) return info->root;
    Copier c = {*hpp, *hpp, *hpp + info->words, oh, info->litopt, &info->map};
    Term res = copy_run(&c, info->root);
    if (c.top != c.end) copy_bug("copy_shared: the copy is smaller than its size");
    *hpp = c.end;
    return res;
}

void copy_shared_done(CopySharedInfo *info)
{
    if (!info) return;
    addr_free(&info->map);
    free(info);
}
