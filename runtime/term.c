/*
 * term.c — the total order of terms, hashing, list length.
 *
 * term_compare follows OTP 25's erts_cmp (utils.c): kinds first (number < atom < ref < fun <
 * port < pid < tuple < map < nil < list < bitstring), then within a kind. It walks the terms
 * with an explicit work stack instead of C recursion, so a list of a million elements or a
 * million-deep nesting costs heap memory, never C stack; list tails are compared in a loop.
 *
 * term_phash2 is OTP 25's make_hash2 masked to 27 bits (erlang:phash2/1), bit for bit: the same
 * Bob Jenkins mix, the same constants, the same order of work. term_hash reuses that walk
 * seeded with a salt and finishes with an avalanche step, which keeps it consistent with =:=
 * (0.0 and -0.0 hash alike, binaries hash by content whatever their form, maps by their pairs
 * whatever their layout or order).
 */
#include "term.h"

#include <stdlib.h>
#include <string.h>

#include "atom.h"
#include "bignum.h"
#include "bin.h"
#include "jenkins.h"

_Static_assert(((Sint)-16 >> 4) == -1, "small_val needs an arithmetic right shift");

/* ---- kinds ------------------------------------------------------------------------------ */

TermKind term_kind(Term t)
{
    switch (term_primary(t)) {
    case TAG_PRIMARY_LIST: return KIND_LIST;
    case TAG_PRIMARY_BOXED:
        switch (hdr_subtag(boxed_header(t))) {
        case SUB_TUPLE: return KIND_TUPLE;
        case SUB_POS_BIG:
        case SUB_NEG_BIG:
        case SUB_FLOAT: return KIND_NUMBER;
        case SUB_REF:
        case SUB_EXT_REF: return KIND_REF;
        case SUB_FUN: return KIND_FUN;
        case SUB_EXT_PORT: return KIND_PORT;
        case SUB_EXT_PID: return KIND_PID;
        case SUB_MAP: return KIND_MAP;
        default: return KIND_BITSTRING;
        }
    case TAG_PRIMARY_IMMED1:
        switch (t & TAG_IMMED1_MASK) {
        case TAG_IMMED1_PID: return KIND_PID;
        case TAG_IMMED1_PORT: return KIND_PORT;
        case TAG_IMMED1_SMALL: return KIND_NUMBER;
        default: return term_is_nil(t) ? KIND_NIL : KIND_ATOM;
        }
    default:
        abort(); /* a header word is never a term: the caller handed us garbage */
    }
}

Sint list_length(Term t)
{
    Sint n = 0;
    while (term_is_list(t)) {
        n++;
        t = list_tail(t);
    }
    return term_is_nil(t) ? n : -1;
}

/* ---- a growable word stack shared by the compare and hash walks ------------------------- */

typedef struct WStack {
    Uint *items;
    size_t len, cap;
    Uint inline_items[64];
} WStack;

static void ws_init(WStack *s)
{
    s->items = s->inline_items;
    s->len = 0;
    s->cap = sizeof s->inline_items / sizeof s->inline_items[0];
}

static void ws_free(WStack *s)
{
    if (s->items != s->inline_items) free(s->items);
}

static void ws_push(WStack *s, Uint w)
{
    if (s->len == s->cap) {
        size_t cap = s->cap * 2;
        Uint *p = s->items == s->inline_items ? malloc(cap * sizeof *p)
                                              : realloc(s->items, cap * sizeof *p);
        if (!p) abort(); /* out of memory while walking a term: nothing sensible to do */
        if (s->items == s->inline_items) memcpy(p, s->items, s->len * sizeof *p);
        s->items = p;
        s->cap = cap;
    }
    s->items[s->len++] = w;
}

static Uint ws_pop(WStack *s) { return s->items[--s->len]; }

/* ---- shared helpers --------------------------------------------------------------------- */

static int sign_of(Sint v) { return (v > 0) - (v < 0); }

static int cmp_bytes(const unsigned char *a, size_t la, const unsigned char *b, size_t lb)
{
    size_t n = la < lb ? la : lb;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c < 0 ? -1 : 1;
    return (la > lb) - (la < lb);
}

static int cmp_atoms(Term a, Term b)
{
    size_t la, lb;
    const char *na = atom_name(a, &la), *nb = atom_name(b, &lb);
    return cmp_bytes((const unsigned char *)na, la, (const unsigned char *)nb, lb);
}

/*
 * A ref as OTP's 32-bit ref numbers, least significant first: an ordinary ref keeps them in
 * its two raw words; a magic ref (an ETS tid) has none of its own, so its identity, the
 * pointer it holds, stands in for them.
 */
static void ref_numbers(Term t, uint32_t num[3])
{
    const Term *p = boxed_ptr(t);
    num[0] = (uint32_t)p[1];
    num[1] = (uint32_t)(p[1] >> 32);
    num[2] = hdr_extra(p[0]) == REF_MAGIC ? 0 : (uint32_t)p[2];
}

/* The bits of a bitstring from bit k on, 8 at a time; past the end they read as zero. */
static unsigned bits_at(const BinView *v, Uint k)
{
    Uint off = v->bit_offset + k;
    Uint end_bytes = (v->bit_offset + v->bit_size + 7) / 8;
    const unsigned char *p = v->base + off / 8;
    unsigned sh = (unsigned)(off % 8);
    unsigned w = (unsigned)p[0] << 8;
    if (sh && off / 8 + 1 < end_bytes) w |= p[1];
    return (w >> (8 - sh)) & 0xFFu;
}

static int cmp_bitstrings(Term a, Term b)
{
    BinView va, vb;
    bin_view(a, &va);
    bin_view(b, &vb);
    Uint n = va.bit_size < vb.bit_size ? va.bit_size : vb.bit_size;
    if (va.bit_offset % 8 == 0 && vb.bit_offset % 8 == 0) {
        Uint bytes = n / 8;
        int c = bytes ? memcmp(va.base + va.bit_offset / 8, vb.base + vb.bit_offset / 8, bytes) : 0;
        if (c) return c < 0 ? -1 : 1;
        if (n % 8) {
            unsigned mask = (0xFFu << (8 - n % 8)) & 0xFFu;
            unsigned x = va.base[va.bit_offset / 8 + bytes] & mask;
            unsigned y = vb.base[vb.bit_offset / 8 + bytes] & mask;
            if (x != y) return x < y ? -1 : 1;
        }
    } else {
        for (Uint k = 0; k < n; k += 8) {
            unsigned x = bits_at(&va, k), y = bits_at(&vb, k);
            if (n - k < 8) {
                unsigned mask = (0xFFu << (8 - (n - k))) & 0xFFu;
                x &= mask;
                y &= mask;
            }
            if (x != y) return x < y ? -1 : 1;
        }
    }
    return (va.bit_size > vb.bit_size) - (va.bit_size < vb.bit_size);
}

/* ---- maps: size and a walk over their pairs in layout order ----------------------------- */

static bool map_is_flat(Term m) { return map_hdr_type(boxed_header(m)) == MAP_FLAT; }
static Uint map_count(Term m) { return boxed_ptr(m)[1]; }

/* Children of a HAMT node (head or inner): the words after its raw part. */
static void hamt_children(Term node, const Term **first, Uint *n)
{
    Term h = boxed_header(node);
    Uint raw = hdr_raw_words(h);
    *first = boxed_ptr(node) + 1 + raw;
    *n = hdr_arity(h) - raw;
}

/* Appends every pair of map m to kv as [k, v] couples; *n counts pairs. */
static void map_collect(Term m, Term *kv, Uint *n)
{
    if (map_is_flat(m)) {
        Uint cnt = map_count(m);
        const Term *keys = tuple_elems(boxed_ptr(m)[2]) + 1;
        const Term *vals = boxed_ptr(m) + 3;
        for (Uint i = 0; i < cnt; i++) {
            kv[2 * *n] = keys[i];
            kv[2 * *n + 1] = vals[i];
            (*n)++;
        }
        return;
    }
    WStack s;
    ws_init(&s);
    ws_push(&s, m);
    while (s.len) {
        const Term *c;
        Uint cn;
        hamt_children(ws_pop(&s), &c, &cn);
        for (Uint i = 0; i < cn; i++) {
            if (term_is_list(c[i])) {
                kv[2 * *n] = list_head(c[i]);
                kv[2 * *n + 1] = list_tail(c[i]);
                (*n)++;
            } else {
                ws_push(&s, c[i]);
            }
        }
    }
    ws_free(&s);
}

static int cmp_pair_keys(const void *x, const void *y)
{
    return term_compare(*(const Term *)x, *(const Term *)y, true);
}

/*
 * The pairs of a map as two arrays sorted by key in exact term order: keys at [0, n), values
 * at [n, 2n). Malloc'd; the caller frees. OTP walks hashmaps in hash order with a two-phase
 * tie-break (erts_cmp_compound); the outcome is the documented one this gives directly: keys
 * in term order first, then values in key order.
 */
static Term *map_sorted_arrays(Term m)
{
    Uint n = 0, cnt = map_count(m);
    Term *kv = malloc(2 * cnt * sizeof *kv);
    Term *out = malloc(2 * cnt * sizeof *out);
    if (!kv || !out) abort();
    map_collect(m, kv, &n);
    qsort(kv, n, 2 * sizeof *kv, cmp_pair_keys);
    for (Uint i = 0; i < n; i++) {
        out[i] = kv[2 * i];
        out[n + i] = kv[2 * i + 1];
    }
    free(kv);
    return out;
}

/* ---- term_compare ----------------------------------------------------------------------- */

/*
 * Work items on the stack, three words each (pushed b, a, op): OP_PAIR compares two terms,
 * OP_ARRAY compares two arrays element by element (a, b are the array pointers, the count in
 * the op word), OP_EXACT restores the exact flag once a map's keys have been compared.
 */
enum { OP_PAIR, OP_ARRAY, OP_EXACT };
#define OP_WORD(op, arg) (((Uint)(arg) << 2) | (op))

typedef struct CmpState {
    WStack stack;
    void **owned; /* sorted map arrays, freed at the end */
    size_t n_owned, cap_owned;
} CmpState;

static void push_item(CmpState *st, unsigned op, Uint arg, Uint a, Uint b)
{
    ws_push(&st->stack, b);
    ws_push(&st->stack, a);
    ws_push(&st->stack, OP_WORD(op, arg));
}

static void own(CmpState *st, void *p)
{
    if (st->n_owned == st->cap_owned) {
        st->cap_owned = st->cap_owned ? 2 * st->cap_owned : 4;
        st->owned = realloc(st->owned, st->cap_owned * sizeof *st->owned);
        if (!st->owned) abort();
    }
    st->owned[st->n_owned++] = p;
}

static int cmp_numbers(Term a, Term b, bool exact)
{
    if (term_is_small(a) && term_is_small(b)) return sign_of(small_val(a) - small_val(b));
    bool af = term_is_float(a), bf = term_is_float(b);
    if (af && bf) {
        double x = float_val(a), y = float_val(b);
        return (x > y) - (x < y);
    }
    if (!af && !bf) return sign_of(int_compare(a, b));
    /* Mixed: =:= order puts every integer before every float (tag order in erts_cmp). */
    if (exact) return af ? 1 : -1;
    if (af) return -sign_of(int_compare_double(b, float_val(a)));
    return sign_of(int_compare_double(a, float_val(b)));
}

static int cmp_refs(Term a, Term b)
{
    uint32_t x[3], y[3];
    ref_numbers(a, x);
    ref_numbers(b, y);
    for (int i = 2; i >= 0; i--) {
        /* OTP returns the signed 32-bit difference: kept for the same order on wrap-around */
        if (x[i] != y[i]) return sign_of((int32_t)(x[i] - y[i]));
    }
    return 0;
}

static int cmp_funs(CmpState *st, Term a, Term b)
{
    FunEntry *fa = fun_entry(a), *fb = fun_entry(b);
    if (fa->is_export != fb->is_export) return fa->is_export ? 1 : -1; /* local before export */
    int c;
    if (fa->is_export) {
        if ((c = cmp_atoms(fa->module, fb->module))) return c;
        if ((c = cmp_atoms(fa->name, fb->name))) return c;
        return sign_of((Sint)fa->arity - (Sint)fb->arity);
    }
    if ((c = cmp_atoms(fa->module, fb->module))) return c;
    if (fa->index != fb->index) return sign_of((Sint)fa->index - (Sint)fb->index);
    if (fa->uniq != fb->uniq) return sign_of((Sint)fa->uniq - (Sint)fb->uniq);
    unsigned na = fun_num_free(a), nb = fun_num_free(b);
    if (na != nb) return sign_of((Sint)na - (Sint)nb);
    if (na) push_item(st, OP_ARRAY, na, (Uint)(uintptr_t)fun_env(a), (Uint)(uintptr_t)fun_env(b));
    return 0;
}

static int cmp_maps(CmpState *st, Term a, Term b, bool *exact)
{
    Uint na = map_count(a), nb = map_count(b);
    if (na != nb) return na < nb ? -1 : 1;
    if (na == 0) return 0;
    const Term *ka, *kb, *va, *vb;
    if (map_is_flat(a) && map_is_flat(b)) {
        ka = tuple_elems(boxed_ptr(a)[2]) + 1;
        kb = tuple_elems(boxed_ptr(b)[2]) + 1;
        va = boxed_ptr(a) + 3;
        vb = boxed_ptr(b) + 3;
    } else {
        Term *sa = map_sorted_arrays(a), *sb = map_sorted_arrays(b);
        own(st, sa);
        own(st, sb);
        ka = sa;
        kb = sb;
        va = sa + na;
        vb = sb + na;
    }
    /* Keys compare exactly (1 and 1.0 are different keys), values with the caller's mode. */
    push_item(st, OP_ARRAY, na, (Uint)(uintptr_t)va, (Uint)(uintptr_t)vb);
    push_item(st, OP_EXACT, *exact, 0, 0);
    push_item(st, OP_ARRAY, na, (Uint)(uintptr_t)ka, (Uint)(uintptr_t)kb);
    *exact = true;
    return 0;
}

/* Compares a and b of the same kind; pushes sub-comparisons and returns 0 when they decide. */
static int cmp_same_kind(CmpState *st, TermKind k, Term a, Term b, bool *exact)
{
    switch (k) {
    case KIND_NUMBER: return cmp_numbers(a, b, *exact);
    case KIND_ATOM: return cmp_atoms(a, b);
    case KIND_REF: return cmp_refs(a, b);
    case KIND_FUN: return cmp_funs(st, a, b);
    case KIND_PORT: return (port_number(a) > port_number(b)) - (port_number(a) < port_number(b));
    case KIND_PID: return (pid_number(a) > pid_number(b)) - (pid_number(a) < pid_number(b));
    case KIND_TUPLE: {
        Uint na = tuple_arity(a), nb = tuple_arity(b);
        if (na != nb) return na < nb ? -1 : 1;
        if (na)
            push_item(st, OP_ARRAY, na, (Uint)(uintptr_t)(tuple_elems(a) + 1),
                      (Uint)(uintptr_t)(tuple_elems(b) + 1));
        return 0;
    }
    case KIND_MAP: return cmp_maps(st, a, b, exact);
    case KIND_NIL: return 0;
    case KIND_LIST: {
        /* Walk the common prefix here; push only the first differing heads and the tails. */
        const Term *pa = list_ptr(a), *pb = list_ptr(b);
        for (;;) {
            if (pa[0] != pb[0]) {
                push_item(st, OP_PAIR, 0, pa[1], pb[1]);
                push_item(st, OP_PAIR, 0, pa[0], pb[0]);
                return 0;
            }
            Term ta = pa[1], tb = pb[1];
            if (ta == tb) return 0;
            if (!term_is_list(ta) || !term_is_list(tb)) {
                push_item(st, OP_PAIR, 0, ta, tb);
                return 0;
            }
            pa = list_ptr(ta);
            pb = list_ptr(tb);
        }
    }
    case KIND_BITSTRING: return cmp_bitstrings(a, b);
    }
    return 0;
}

static int cmp_one(CmpState *st, Term a, Term b, bool *exact)
{
    if (a == b) return 0;
    if (term_is_small(a) && term_is_small(b)) return sign_of(small_val(a) - small_val(b));
    TermKind ka = term_kind(a), kb = term_kind(b);
    if (ka != kb) return ka < kb ? -1 : 1;
    return cmp_same_kind(st, ka, a, b, exact);
}

int term_compare(Term a, Term b, bool exact)
{
    if (a == b) return 0;
    if (term_is_atom(a) && term_is_atom(b)) return cmp_atoms(a, b);
    CmpState st = {.owned = NULL, .n_owned = 0, .cap_owned = 0};
    ws_init(&st.stack);
    int res = cmp_one(&st, a, b, &exact);
    while (res == 0 && st.stack.len) {
        Uint op = ws_pop(&st.stack);
        Uint x = ws_pop(&st.stack), y = ws_pop(&st.stack);
        switch (op & 3) {
        case OP_PAIR: res = cmp_one(&st, x, y, &exact); break;
        case OP_EXACT: exact = (op >> 2) != 0; break;
        case OP_ARRAY: {
            const Term *pa = (const Term *)(uintptr_t)x, *pb = (const Term *)(uintptr_t)y;
            Uint n = op >> 2, i = 0;
            while (i < n && pa[i] == pb[i]) i++;
            if (i == n) break;
            if (i + 1 < n)
                push_item(&st, OP_ARRAY, n - i - 1, (Uint)(uintptr_t)(pa + i + 1),
                          (Uint)(uintptr_t)(pb + i + 1));
            res = cmp_one(&st, pa[i], pb[i], &exact);
            break;
        }
        }
    }
    ws_free(&st.stack);
    for (size_t i = 0; i < st.n_owned; i++) free(st.owned[i]);
    free(st.owned);
    return res;
}

/* ---- make_hash2 ------------------------------------------------------------------------- */

/* OTP's tag_val_def of [] (NIL_DEF), hashed when [] is not the first thing hashed. */
#define NIL_DEF 0x2u

static uint32_t uint32_hash2(uint32_t hash, uint32_t x, uint32_t y, uint32_t k)
{
    return jenkins_u32x2(hash, x, y, k);
}

static uint32_t uint32_hash(uint32_t hash, uint32_t x, uint32_t k) { return uint32_hash2(hash, x, 0, k); }

/* erl_atom_table.c atom_hash: hashpjw over the UTF-8 name, two-byte sequences for
 * U+0080..U+00FF folded to their Latin-1 byte ("latin1 clutch for r16"). */
static uint32_t atom_hvalue(Term atom)
{
    size_t len;
    const unsigned char *p = (const unsigned char *)atom_name(atom, &len);
    uint32_t h = 0, g;
    while (len--) {
        unsigned v = *p++;
        if (len && (v & 0xFEu) == 0xC2u && (*p & 0xC0u) == 0x80u) {
            v = ((v << 6) | (*p & 0x3Fu)) & 0xFFu;
            p++;
            len--;
        }
        h = (h << 4) + v;
        if ((g = h & 0xf0000000u)) {
            h ^= (g >> 24);
            h ^= g;
        }
    }
    return h;
}

static uint32_t hash_bitstring(Term t, uint32_t hash)
{
    BinView v;
    bin_view(t, &v);
    Uint sz = v.bit_size / 8;
    unsigned bitsize = (unsigned)(v.bit_size % 8);
    uint32_t con = HCONST_13 + hash;
    if (sz == 0 && bitsize == 0) return con;
    const unsigned char *bytes = v.base + v.bit_offset / 8;
    unsigned char *buf = NULL;
    if (v.bit_offset % 8) {
        buf = malloc(sz + 1);
        if (!buf) abort();
        bin_copy_bits(v.base, v.bit_offset, buf, 0, v.bit_size);
        bytes = buf;
    }
    hash = jenkins_block_hash(bytes, sz, con);
    if (bitsize) hash = uint32_hash2(hash, bitsize, (uint32_t)bytes[sz] >> (8 - bitsize), HCONST_15);
    free(buf);
    return hash;
}

/* A small outside the signed 28-bit range hashes as the one-digit bignum it would be on a
 * 32-bit emulator (make_hash2's small_to_big). */
static bool small_fits28(Sint x) { return x >= -((Sint)1 << 27) && x < ((Sint)1 << 27); }

static uint32_t hash_big_digits(uint32_t hash, bool neg, const Uint *d, Uint n)
{
    uint32_t con = neg ? HCONST_10 : HCONST_11;
    for (Uint i = 0; i < n; i++) hash = uint32_hash2(hash, (uint32_t)d[i], (uint32_t)(d[i] >> 32), con);
    return hash;
}

/* Stack markers: header-tagged words, which no term on the stack can be. */
#define HASH_MAP_TAIL make_header(SUB_REF, 1, 0)
#define HASH_MAP_PAIR make_header(SUB_REF, 2, 0)

/* Pushes the pairs (and sub-nodes) of a HAMT node for hashing. */
static void hash_push_hamt_children(WStack *s, Term node)
{
    const Term *c;
    Uint n;
    hamt_children(node, &c, &n);
    for (Uint i = 0; i < n; i++) {
        if (term_is_list(c[i])) {
            ws_push(s, HASH_MAP_PAIR);
            ws_push(s, list_tail(c[i]));
            ws_push(s, list_head(c[i]));
        } else {
            ws_push(s, c[i]);
        }
    }
}

/*
 * make_hash2 with the running hash starting at `hash` (0 for phash2). A "continue" in the loop
 * hashes the new `term` at once (OTP's break out of the switch); "goto common" pops the next
 * piece of work.
 */
static uint32_t hash2(Term term, uint32_t hash)
{
    WStack s;
    ws_init(&s);
    uint32_t xor_pairs = 0;
    for (;;) {
        switch (term_primary(term)) {
        case TAG_PRIMARY_LIST: {
            /* Bytes are packed four to a word: strings hash fast. */
            int c = 0;
            uint32_t sh = 0;
            const Term *p = list_ptr(term);
            while (term_is_small(p[0]) && (Uint)small_val(p[0]) <= 255) {
                sh = (sh << 8) + (uint32_t)small_val(p[0]);
                if (c == 3) {
                    hash = uint32_hash(hash, sh, HCONST_4);
                    c = 0;
                    sh = 0;
                } else {
                    c++;
                }
                term = p[1];
                if (!term_is_list(term)) break;
                p = list_ptr(term);
            }
            if (c > 0) hash = uint32_hash(hash, sh, HCONST_4);
            if (term_is_list(term)) {
                ws_push(&s, p[1]);
                term = p[0];
            }
            continue;
        }
        case TAG_PRIMARY_BOXED: {
            Term hdr = boxed_header(term);
            switch (hdr_subtag(hdr)) {
            case SUB_TUPLE: {
                Uint arity = hdr_arity(hdr);
                const Term *e = tuple_elems(term);
                hash = uint32_hash(hash, (uint32_t)arity, HCONST_9);
                if (arity == 0) goto common;
                for (Uint i = arity; i > 1; i--) ws_push(&s, e[i]);
                term = e[1];
                continue;
            }
            case SUB_MAP: {
                unsigned ty = map_hdr_type(hdr);
                if (ty == MAP_FLAT || ty == MAP_HEAD_ARRAY || ty == MAP_HEAD_BITMAP) {
                    Uint size = map_count(term);
                    hash = uint32_hash(hash, (uint32_t)size, HCONST_16);
                    if (size == 0) goto common;
                    /* Pairs hash from 0 each and are xor-ed: the order does not matter. */
                    ws_push(&s, xor_pairs);
                    ws_push(&s, hash);
                    ws_push(&s, HASH_MAP_TAIL);
                    hash = 0;
                    xor_pairs = 0;
                }
                if (ty == MAP_FLAT) {
                    const Term *ks = tuple_elems(boxed_ptr(term)[2]) + 1, *vs = boxed_ptr(term) + 3;
                    for (Uint i = map_count(term); i-- > 0;) {
                        ws_push(&s, HASH_MAP_PAIR);
                        ws_push(&s, vs[i]);
                        ws_push(&s, ks[i]);
                    }
                } else {
                    hash_push_hamt_children(&s, term);
                }
                goto common;
            }
            case SUB_FUN: {
                FunEntry *fe = fun_entry(term);
                if (fe->is_export) {
                    hash = uint32_hash2(hash, fe->arity, atom_hvalue(fe->module), HCONST);
                    hash = uint32_hash(hash, atom_hvalue(fe->name), HCONST_14);
                    goto common;
                }
                unsigned nfree = fun_num_free(term);
                hash = uint32_hash2(hash, nfree, atom_hvalue(fe->module), HCONST);
                hash = uint32_hash2(hash, fe->index, fe->uniq, HCONST);
                if (nfree == 0) goto common;
                const Term *env = fun_env(term);
                for (unsigned i = nfree - 1; i > 0; i--) ws_push(&s, env[i]);
                term = env[0];
                continue;
            }
            case SUB_REFC_BIN:
            case SUB_HEAP_BIN:
            case SUB_SUB_BIN: hash = hash_bitstring(term, hash); goto common;
            case SUB_POS_BIG:
            case SUB_NEG_BIG:
                hash = hash_big_digits(hash, big_is_neg(term), big_limbs(term), big_digits(term));
                goto common;
            case SUB_REF: {
                uint32_t num[3];
                ref_numbers(term, num);
                hash = uint32_hash(hash, num[0], HCONST_7);
                goto common;
            }
            case SUB_FLOAT: {
                double d = float_val(term);
                uint64_t bits;
                if (d == 0.0) d = 0.0; /* -0.0 =:= 0.0 in OTP 25: hash as positive zero */
                memcpy(&bits, &d, sizeof bits);
                hash = uint32_hash2(hash, (uint32_t)(bits >> 32), (uint32_t)bits, HCONST_12);
                goto common;
            }
            default: abort(); /* external pids/ports/refs never exist here */
            }
        }
        case TAG_PRIMARY_IMMED1:
            switch (term & TAG_IMMED1_MASK) {
            case TAG_IMMED1_PID: hash = uint32_hash(hash, (uint32_t)pid_number(term), HCONST_5); goto common;
            case TAG_IMMED1_PORT: hash = uint32_hash(hash, (uint32_t)port_number(term), HCONST_6); goto common;
            case TAG_IMMED1_SMALL: {
                Sint x = small_val(term);
                if (!small_fits28(x)) {
                    Uint mag = x < 0 ? (Uint)0 - (Uint)x : (Uint)x;
                    hash = hash_big_digits(hash, x < 0, &mag, 1);
                    goto common;
                }
                int32_t y = (int32_t)x;
                if (y < 0) hash = uint32_hash(hash, (uint32_t)0 - (uint32_t)y, HCONST); /* mixed twice, as OTP */
                hash = uint32_hash(hash, (uint32_t)y, HCONST);
                goto common;
            }
            default:
                if (term_is_atom(term)) {
                    uint32_t hv = atom_hvalue(term);
                    hash = hash == 0 ? hv : uint32_hash(hash, hv, HCONST_3);
                } else if (term_is_nil(term)) {
                    hash = hash == 0 ? 3468870702u : uint32_hash(hash, NIL_DEF, HCONST_2);
                } else {
                    abort(); /* a catch word is not a term */
                }
                goto common;
            }
        default: abort();
        }
    common:
        for (;;) {
            if (s.len == 0) {
                ws_free(&s);
                return hash;
            }
            term = ws_pop(&s);
            if (term == HASH_MAP_TAIL) {
                hash = (uint32_t)ws_pop(&s);
                hash = uint32_hash(hash, xor_pairs, HCONST_19);
                xor_pairs = (uint32_t)ws_pop(&s);
            } else if (term == HASH_MAP_PAIR) {
                xor_pairs ^= hash;
                hash = 0;
            } else if (term_is_boxed(term) && term_is_map(term) &&
                       (map_hdr_type(boxed_header(term)) == MAP_NODE_ARRAY ||
                        map_hdr_type(boxed_header(term)) == MAP_NODE_BITMAP)) {
                /* an inner HAMT node: its pairs join the map's xor */
                hash_push_hamt_children(&s, term);
            } else {
                break;
            }
        }
    }
}

uint32_t term_make_hash2(Term t) { return hash2(t, 0); }
uint32_t term_phash2(Term t) { return hash2(t, 0) & ((1u << 27) - 1); }

uint32_t term_hash(Term t, uint32_t salt)
{
    /* make_hash2 seeded with the salt, then murmur3's finaliser so every bit avalanches. */
    uint32_t h = hash2(t, salt * 0x9e3779b9u + 0x7f4a7c15u);
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}
