/*
 * copy.c: copies keep the term, lose sharing (flat) or keep it (copy_shared), leave literals
 * shared only when asked, take binary references, and never recurse in C.
 *
 * Expected figures come from OTP 25.2.3: conformance/sharing.expected (sender, receiver and
 * ETS sizes), reference/beam-memory.md §1.4 and §2, and a few terms measured with erl for this
 * file (noted where used).
 */
#include "testhelp.h"

#include <stdarg.h>

#include "atom.h"
#include "bin.h"
#include "copy.h"
#include "heap.h"
#include "hs.h"
#include "literal.h"
#include "map.h"

/* ---- building terms ------------------------------------------------------------------------ */

static Term tuple(Heap *h, unsigned n, ...)
{
    Term *p = heap_halloc(h, 1 + n);
    p[0] = make_tuple_header(n);
    va_list ap;
    va_start(ap, n);
    for (unsigned i = 1; i <= n; i++) p[i] = va_arg(ap, Term);
    va_end(ap);
    return make_boxed(p);
}

static Term cons(Heap *h, Term head, Term tail) { return cons_at(heap_halloc(h, 2), head, tail); }

/* lists:seq(from, to) */
static Term seq(Heap *h, Sint from, Sint to)
{
    Term l = NIL;
    for (Sint i = to; i >= from; i--) l = cons(h, make_small(i), l);
    return l;
}

static Term list_of(Heap *h, unsigned n, Term elem)
{
    Term l = NIL;
    while (n--) l = cons(h, elem, l);
    return l;
}

static Term bytes_of(Heap *h, Uint n, int c)
{
    unsigned char *bytes;
    Term b = bin_new_uninit(h, n, &bytes);
    memset(bytes, c, n);
    return b;
}

/* A flatmap with small keys 1..n (values v), laid out by hand as term.h describes. */
static Term flatmap(Heap *h, unsigned n, Term v)
{
    Term *kt = heap_halloc(h, 1 + n);
    kt[0] = make_tuple_header(n);
    Term *m = heap_halloc(h, 3 + n);
    m[0] = make_map_header(MAP_FLAT, 0, 2 + n);
    m[1] = n;
    m[2] = make_boxed(kt);
    for (unsigned i = 1; i <= n; i++) {
        kt[i] = make_small(i);
        m[2 + i] = v;
    }
    return make_boxed(m);
}

static FunEntry test_fe = {0, 0, 0, 0, 0, 0, NULL};

static Term fun(Heap *h, unsigned nfree, const Term *env)
{
    return fun_at(heap_halloc(h, FUN_BASE_SIZE + nfree), &test_fe, make_pid(1), nfree, env);
}

/* ---- copying ---------------------------------------------------------------------------------- */

/* A send: the receiver's words for size_object_litopt, then copy_struct_litopt into them. */
static Term send_to(Heap *to, Term t)
{
    Uint sz = size_object_litopt(t);
    Term *hp = sz ? heap_halloc(to, sz) : NULL, *start = hp;
    Term c = copy_struct_litopt(t, sz, &hp, &to->off_heap);
    CHECK(hp == start + sz);
    return c;
}

/* An ETS object: its own memory, flat, literals copied. */
typedef struct Stored {
    Term *mem;
    Uint sz;
    OffHeap oh;
    Term term;
} Stored;

static void store(Stored *s, Term t)
{
    s->sz = size_object(t);
    s->mem = malloc((s->sz ? s->sz : 1) * sizeof(Term));
    s->oh.first = NULL;
    s->oh.overhead = 0;
    Term *hp = s->mem;
    s->term = copy_struct(t, s->sz, &hp, &s->oh);
    CHECK(hp == s->mem + s->sz);
}

static void unstore(Stored *s)
{
    for (OffHeapHeader *e = s->oh.first; e; e = e->next)
        if (hdr_subtag(e->thing_word) == SUB_REFC_BIN) binary_decref(((ProcBin *)e)->val);
    free(s->mem);
}

/* ets:lookup: the stored object copied flat into a process heap. */
static Term lookup(Heap *to, const Stored *s)
{
    Uint sz = size_object(s->term);
    CHECK_EQ(sz, s->sz);
    Term *hp = sz ? heap_halloc(to, sz) : NULL;
    return copy_struct(s->term, sz, &hp, &to->off_heap);
}

static Term copy_shared_to(Heap *to, Term t, bool litopt, Uint *words)
{
    CopySharedInfo *info = copy_shared_calculate(t, litopt, words);
    Term *hp = *words ? heap_halloc(to, *words) : NULL, *start = hp;
    Term c = copy_shared_perform(info, &hp, &to->off_heap);
    copy_shared_done(info);
    CHECK(hp == start + *words);
    return c;
}

/*
 * Does every pointer reachable from t (literals aside, when allowed) lie in [lo, hi)? A sub
 * binary's original is checked too: it must have been copied with it.
 */
static bool inside(Term t, const Term *lo, const Term *hi, bool literals_ok)
{
    size_t cap = 1024, n = 0;
    Term *stack = malloc(cap * sizeof(Term));
    bool ok = true;
    stack[n++] = t;
    while (n && ok) {
        Term x = stack[--n];
        if (!term_is_ptr(x)) continue;
        Term *p = term_ptr(x);
        if (ptr_is_literal(p)) {
            ok = literals_ok || x == literal_empty_tuple();
            continue;
        }
        if (p < lo || p >= hi) {
            ok = false;
            break;
        }
        Uint first, last;
        if (term_is_list(x)) {
            first = 0;
            last = 1;
        } else {
            first = 1 + hdr_raw_words(p[0]);
            last = hdr_arity(p[0]);
        }
        for (Uint i = first; i <= last; i++) {
            if (n == cap) stack = realloc(stack, (cap *= 2) * sizeof(Term));
            stack[n++] = p[i];
        }
    }
    free(stack);
    return ok;
}

static Uint refc(Term procbin) { return atomic_load(&procbin_ptr(procbin)->val->refc); }

/* ---- conformance/sharing.expected ------------------------------------------------------------- */

typedef struct SharingRow {
    const char *label;
    Uint flat, shared;         /* sender */
    Uint recv_flat, recv_size; /* receiver, after a send */
    Uint ets_flat, ets_size;   /* after ets:insert + ets:lookup */
} SharingRow;

/* Copied from conformance/sharing.expected (OTP 25.2.3). */
static const SharingRow sharing_rows[] = {
    {"no_sharing", 100, 100, 100, 100, 100, 100},
    {"pair", 203, 103, 203, 203, 203, 203},
    {"four", 408, 108, 408, 408, 408, 408},
    {"nested", 613, 107, 613, 613, 613, 613},
    {"doubling_chain_10", 3069, 30, 3069, 3069, 3069, 3069},
    {"refc_binary_twice", 15, 9, 15, 15, 15, 15},
    {"heap_binary_twice", 9, 6, 9, 9, 9, 9},
};

/* Builds the term of sharing.erl's row i on h. */
static Term sharing_term(Heap *h, size_t i)
{
    Term l = seq(h, 1, 50);
    switch (i) {
    case 0: return seq(h, 1, 50);
    case 1: return tuple(h, 2, l, l);
    case 2: return list_of(h, 4, l);
    case 3: {
        Term pair = tuple(h, 2, l, l);
        return tuple(h, 3, pair, pair, pair);
    }
    case 4: {
        Term chain = AM(ok); /* the atom 'leaf': any immediate gives the same sizes */
        for (int k = 0; k < 10; k++) chain = tuple(h, 2, chain, chain);
        return chain;
    }
    case 5: {
        Term bin = bytes_of(h, 1000, 'z');
        return tuple(h, 2, bin, bin);
    }
    default: {
        Term small = bin_new(h, "small", 5);
        return tuple(h, 2, small, small);
    }
    }
}

TEST(sharing_expected_sender_receiver_ets)
{
    for (size_t i = 0; i < sizeof sharing_rows / sizeof sharing_rows[0]; i++) {
        const SharingRow *r = &sharing_rows[i];
        Heap sender, receiver;
        heap_init(&sender, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
        heap_init(&receiver, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
        Term t = sharing_term(&sender, i);
        printf("  %s\n", r->label);
        CHECK_EQ(size_object(t), r->flat);
        CHECK_EQ(size_shared(t), r->shared);
        CHECK_EQ(size_shared_litopt(t), r->shared); /* nothing literal here */

        Term got = send_to(&receiver, t);
        CHECK_EQ(size_object(got), r->recv_flat);
        CHECK_EQ(size_shared(got), r->recv_size);
        CHECK(term_compare(got, t, true) == 0);

        Stored s;
        store(&s, t);
        CHECK_EQ(s.sz, r->flat);
        Term back = lookup(&receiver, &s);
        CHECK_EQ(size_object(back), r->ets_flat);
        CHECK_EQ(size_shared(back), r->ets_size);
        CHECK(term_compare(back, t, true) == 0);
        unstore(&s);

        /* The sharing-preserving copy keeps the sender's shape. */
        Uint words;
        Term sh = copy_shared_to(&receiver, t, true, &words);
        CHECK_EQ(words, r->shared);
        CHECK_EQ(size_shared(sh), r->shared);
        CHECK_EQ(size_object(sh), r->flat);
        CHECK(term_compare(sh, t, true) == 0);

        heap_destroy(&receiver);
        heap_destroy(&sender);
    }
}

/* ---- loss of sharing and its preservation ---------------------------------------------------- */

TEST(pair_loses_sharing_in_copy_struct_keeps_it_in_copy_shared)
{
    Heap h, to;
    heap_init(&h, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    heap_init(&to, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    Term x = seq(&h, 1, 3);
    Term pair = tuple(&h, 2, x, x);
    /* reference §1.4: X = [1,2,3], {X,X} is 15 flat, 9 shared. */
    CHECK_EQ(size_object(pair), 15);
    CHECK_EQ(size_shared(pair), 9);

    Term *start = heap_halloc(&to, 15), *hp = start;
    Term flat = copy_struct(pair, 15, &hp, &to.off_heap);
    CHECK(hp == start + 15);
    CHECK(inside(flat, start, start + 15, false));
    CHECK(tuple_elem(flat, 1) != tuple_elem(flat, 2));
    CHECK(term_compare(tuple_elem(flat, 1), tuple_elem(flat, 2), true) == 0);
    CHECK_EQ(size_shared(flat), 15);

    Uint words;
    CopySharedInfo *info = copy_shared_calculate(pair, false, &words);
    CHECK_EQ(words, 9);
    start = hp = heap_halloc(&to, words);
    Term sh = copy_shared_perform(info, &hp, &to.off_heap);
    copy_shared_done(info);
    CHECK(hp == start + 9);
    CHECK(inside(sh, start, start + 9, false));
    CHECK(tuple_elem(sh, 1) == tuple_elem(sh, 2));
    CHECK_EQ(size_shared(sh), 9);
    CHECK_EQ(size_object(sh), 15);

    /* reference §1.4: [X,X,X] 24/12, T = {X,X}, {T,T} 33/12, Y = {1.5}, [Y,Y] 12/8 */
    Term three = list_of(&h, 3, x);
    CHECK_EQ(size_object(three), 24);
    CHECK_EQ(size_shared(three), 12);
    Term tt = tuple(&h, 2, pair, pair);
    CHECK_EQ(size_object(tt), 33);
    CHECK_EQ(size_shared(tt), 12);
    Term y = tuple(&h, 1, float_at(heap_halloc(&h, FLOAT_SIZE), 1.5));
    Term yy = list_of(&h, 2, y);
    CHECK_EQ(size_object(yy), 12);
    CHECK_EQ(size_shared(yy), 8);
    /* the smallest term holding one object twice: [F|F], 6 words flat, 4 shared */
    Term f = float_at(heap_halloc(&h, FLOAT_SIZE), 2.5), ff = cons(&h, f, f);
    CHECK_EQ(size_object_litopt(ff), 6);
    CHECK_EQ(size_shared_litopt_flat(ff, 6), 4);
    CHECK_EQ(size_shared_litopt_flat(y, size_object_litopt(y)), size_shared_litopt(y));
    Term cyy = copy_shared_to(&to, yy, false, &words);
    CHECK_EQ(words, 8);
    CHECK(list_head(cyy) == list_head(list_tail(cyy)));
    heap_destroy(&to);
    heap_destroy(&h);
}

TEST(immediates_and_empty_tuple_cost_nothing)
{
    Heap h;
    heap_init(&h, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    Term imm[] = {make_small(42), make_small(MAX_SMALL), AM(ok), NIL, make_pid(3), make_port(2),
                  literal_empty_tuple()};
    for (size_t i = 0; i < sizeof imm / sizeof imm[0]; i++) {
        CHECK_EQ(size_object(imm[i]), 0);
        CHECK_EQ(size_shared(imm[i]), 0);
        CHECK_EQ(size_object_litopt(imm[i]), 0);
        CHECK_EQ(size_shared_litopt(imm[i]), 0);
        Term *hp = NULL;
        CHECK(copy_struct(imm[i], 0, &hp, &h.off_heap) == imm[i]);
        CHECK(copy_struct_litopt(imm[i], 0, &hp, &h.off_heap) == imm[i]);
        CHECK(hp == NULL);
    }
    /* {} inside a term costs 0 and the copy points at the one global {}. */
    Term t = tuple(&h, 2, literal_empty_tuple(), literal_empty_tuple());
    CHECK_EQ(size_object(t), 3);
    CHECK_EQ(size_shared(t), 3);
    Stored s;
    store(&s, t);
    CHECK_EQ(s.sz, 3);
    CHECK(tuple_elem(s.term, 1) == literal_empty_tuple());
    unstore(&s);
    heap_destroy(&h);
}

/* ---- literals --------------------------------------------------------------------------------- */

TEST(literals_shared_by_litopt_copied_by_copy_struct)
{
    Heap h, to;
    heap_init(&h, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    heap_init(&to, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    Term lit = literal_copy(seq(&h, 1, 3));
    CHECK(term_is_literal(lit));
    /* reference §2: literal [1,2,3] is 6 / 6 / 0. */
    CHECK_EQ(size_object(lit), 6);
    CHECK_EQ(size_shared(lit), 6);
    CHECK_EQ(size_shared_litopt(lit), 0);
    CHECK_EQ(size_object_litopt(lit), 0);

    /* reference §2: a runtime tuple {L,L} around a literal L is 15 / 9 / 3. */
    Term t = tuple(&h, 2, lit, lit);
    CHECK_EQ(size_object(t), 15);
    CHECK_EQ(size_shared(t), 9);
    CHECK_EQ(size_shared_litopt(t), 3);
    CHECK_EQ(size_object_litopt(t), 3);

    /* A send copies only the tuple: the receiver measures 15 flat and 3 without literals. */
    Term got = send_to(&to, t);
    CHECK(tuple_elem(got, 1) == lit && tuple_elem(got, 2) == lit);
    CHECK_EQ(size_object(got), 15);
    CHECK_EQ(size_shared_litopt(got), 3);
    CHECK(got != t);

    /* A literal on its own is not copied at all by a send (reference §2: size_shared 0). */
    Term *hp = NULL;
    CHECK(copy_struct_litopt(lit, 0, &hp, &to.off_heap) == lit);

    /* ETS copies literals: afterwards they are plain heap data. */
    Stored s;
    store(&s, t);
    CHECK_EQ(s.sz, 15);
    CHECK(inside(s.term, s.mem, s.mem + s.sz, false));
    CHECK(!term_is_literal(tuple_elem(s.term, 1)));
    CHECK_EQ(size_shared_litopt(s.term), 15);
    Term back = lookup(&to, &s);
    CHECK_EQ(size_shared_litopt(back), 15);
    CHECK(term_compare(back, t, true) == 0);
    unstore(&s);

    /* The sharing-preserving copy: with litopt the literal stays, without it is copied once. */
    Uint words;
    Term c1 = copy_shared_to(&to, t, true, &words);
    CHECK_EQ(words, 3);
    CHECK(tuple_elem(c1, 1) == lit);
    Term c2 = copy_shared_to(&to, t, false, &words);
    CHECK_EQ(words, 9);
    CHECK(!term_is_literal(tuple_elem(c2, 1)));
    CHECK(tuple_elem(c2, 1) == tuple_elem(c2, 2));
    CHECK_EQ(size_shared_litopt(c2), 9);
    heap_destroy(&to);
    heap_destroy(&h);
}

TEST(literal_refc_binary_takes_no_reference_on_send)
{
    Heap h, to;
    heap_init(&h, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    heap_init(&to, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    Term lit = literal_copy(bytes_of(&h, 70, 'q'));
    CHECK(term_is_refc_bin(lit));
    /* reference §2: a 70-byte literal binary is 6 / 6 / 0. */
    CHECK_EQ(size_object(lit), 6);
    CHECK_EQ(size_shared(lit), 6);
    CHECK_EQ(size_shared_litopt(lit), 0);
    Uint before = refc(lit);
    Term t = tuple(&h, 1, lit);
    Term got = send_to(&to, t);
    CHECK(tuple_elem(got, 1) == lit);
    CHECK_EQ(refc(lit), before);
    CHECK_EQ(to.off_heap.overhead, 0);
    Stored s;
    store(&s, t);
    CHECK_EQ(refc(lit), before + 1);
    CHECK(procbin_ptr(tuple_elem(s.term, 1))->val == procbin_ptr(lit)->val);
    unstore(&s);
    CHECK_EQ(refc(lit), before);
    heap_destroy(&to);
    heap_destroy(&h);
}

/* ---- binaries --------------------------------------------------------------------------------- */

TEST(refc_binary_copies_take_references_and_vheap)
{
    Heap h, to;
    heap_init(&h, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    heap_init(&to, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    Term bin = bytes_of(&h, 1000, 'z');
    CHECK_EQ(refc(bin), 1);
    Term t = tuple(&h, 2, bin, bin);
    Uint overhead = to.off_heap.overhead;
    Term got = send_to(&to, t);
    /* reference §2: held by the sender and twice by the receiver, the refcount is 3. */
    CHECK_EQ(refc(bin), 3);
    CHECK_EQ(to.off_heap.overhead - overhead, 2 * (1000 / 8));
    Term a = tuple_elem(got, 1), b = tuple_elem(got, 2);
    CHECK(a != b && a != bin);
    CHECK(procbin_ptr(a)->val == procbin_ptr(bin)->val);
    CHECK(procbin_ptr(a)->bytes == procbin_ptr(bin)->bytes);
    CHECK_EQ(procbin_ptr(a)->size, 1000);
    /* both copies are on the receiver's off-heap list */
    int on_list = 0;
    for (OffHeapHeader *e = to.off_heap.first; e; e = e->next)
        on_list += (e == (OffHeapHeader *)boxed_ptr(a)) + (e == (OffHeapHeader *)boxed_ptr(b));
    CHECK_EQ(on_list, 2);

    /* The sharing-preserving copy takes one reference for the one ProcBin it makes. */
    Uint words;
    Term sh = copy_shared_to(&to, t, true, &words);
    CHECK_EQ(words, 9);
    CHECK(tuple_elem(sh, 1) == tuple_elem(sh, 2));
    CHECK_EQ(refc(bin), 4);
    CHECK_EQ(to.off_heap.overhead - overhead, 3 * (1000 / 8));
    heap_destroy(&to);
    CHECK_EQ(refc(bin), 1);
    heap_destroy(&h);
}

TEST(heap_binaries_copy_by_value)
{
    Heap h, to;
    heap_init(&h, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    heap_init(&to, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    Term hb = bin_new(&h, "hello world", 11);
    CHECK_EQ(size_object(hb), 4);
    Term got = send_to(&to, hb);
    CHECK(term_is_heap_bin(got) && got != hb);
    CHECK_EQ(bin_byte_size(got), 11);
    CHECK(memcmp(heap_bin_data(got), "hello world", 11) == 0);
    CHECK_EQ(boxed_ptr(got)[3] >> 24, 0); /* padding stays zero */
    heap_destroy(&to);
    heap_destroy(&h);
}

TEST(sub_binaries_copy_as_ProcBin_or_heap_binary)
{
    Heap h, to;
    heap_init(&h, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    heap_init(&to, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    unsigned char data[300];
    for (int i = 0; i < 300; i++) data[i] = (unsigned char)(i * 7 + 1);
    Term big = bin_new(&h, data, 300);
    Uint r0 = refc(big);

    /* <<_:20/binary, Sub/binary>>: a 280-byte sub binary costs 6 (sizes.expected sub_bin). */
    Term sub = bin_extract(&h, big, 20 * 8, 280 * 8);
    CHECK(term_is_sub_bin(sub));
    CHECK_EQ(size_object(sub), 6);
    CHECK_EQ(size_shared(sub), 6);
    Uint vh = to.off_heap.overhead;
    Term got = send_to(&to, sub);
    CHECK(term_is_refc_bin(got));
    CHECK(procbin_ptr(got)->val == procbin_ptr(big)->val);
    CHECK(procbin_ptr(got)->bytes == procbin_ptr(big)->bytes + 20);
    CHECK_EQ(procbin_ptr(got)->size, 280);
    CHECK_EQ(refc(big), r0 + 1);
    CHECK_EQ(to.off_heap.overhead - vh, 280 / 8);
    CHECK(term_compare(got, sub, true) == 0);

    /* <<_:3, R/bitstring>> of a refc binary: 11 (reference §1.4), a sub binary over a new
     * ProcBin; {R,R} is 25 flat, 14 shared (measured with erl for this test). */
    Term r = bin_extract(&h, big, 3, 300 * 8 - 3);
    CHECK_EQ(size_object(r), 11);
    Term rr = tuple(&h, 2, r, r);
    CHECK_EQ(size_object(rr), 25);
    CHECK_EQ(size_shared(rr), 14);
    Term gr = send_to(&to, r);
    CHECK(term_is_sub_bin(gr));
    CHECK(term_is_refc_bin(sub_bin_orig(gr)));
    CHECK_EQ(sub_bin_offs(gr), 0);
    CHECK_EQ(sub_bin_bitoffs(gr), 3);
    CHECK_EQ(sub_bin_bitsize(gr), 5);
    CHECK_EQ(bin_byte_size(gr), 299);
    CHECK_EQ(procbin_ptr(sub_bin_orig(gr))->size, 300); /* 299 + 1 spill byte */
    CHECK_EQ(size_object(gr), 11);
    CHECK(term_compare(gr, r, true) == 0);

    /* {S,S} with S a 190-byte sub binary: 15 / 9; {S,Big}: 15 / 15 (measured with erl). */
    Term s = bin_extract(&h, big, 10 * 8, 290 * 8);
    CHECK_EQ(size_object(tuple(&h, 2, s, s)), 15);
    CHECK_EQ(size_shared(tuple(&h, 2, s, s)), 9);
    CHECK_EQ(size_shared(tuple(&h, 2, s, big)), 15);

    /* Over a heap binary: <<_:3, T/bitstring>> of 40 bytes is 12 and a 13-bit piece at byte 1
     * is 8 (measured with erl); the copies are a sub binary over a fresh heap binary. */
    Term h40 = bytes_of(&h, 40, 'h');
    Term t3 = bin_extract(&h, h40, 3, 40 * 8 - 3);
    CHECK_EQ(size_object(t3), 12);
    Term g3 = send_to(&to, t3);
    CHECK(term_is_sub_bin(g3) && term_is_heap_bin(sub_bin_orig(g3)));
    CHECK_EQ(bin_byte_size(sub_bin_orig(g3)), 40);
    CHECK(term_compare(g3, t3, true) == 0);
    Term t13 = bin_extract(&h, h40, 8, 13);
    CHECK_EQ(size_object(t13), 8);
    Term g13 = send_to(&to, t13);
    CHECK_EQ(size_object(g13), 8);
    CHECK(term_compare(g13, t13, true) == 0);

    /* <<5:3>>: 8 words (reference §1.4). */
    unsigned char five = 5 << 5;
    Term b1 = bin_new(&h, &five, 1);
    Term bits = bin_extract(&h, b1, 0, 3);
    CHECK_EQ(size_object(bits), 8);
    Term gb = send_to(&to, bits);
    CHECK_EQ(size_object(gb), 8);
    CHECK(term_compare(gb, bits, true) == 0);

    /* A long aligned sub binary of a heap binary becomes a heap binary when copied. */
    Term h60 = bytes_of(&h, 60, 'x');
    Term s60 = bin_extract(&h, h60, 0, 8 * 8 - 3); /* 7 bytes + 5 bits at offset 0 */
    Term g60 = send_to(&to, s60);
    CHECK_EQ(size_object(g60), size_object(s60));
    CHECK(term_compare(g60, s60, true) == 0);

    heap_destroy(&to);
    CHECK_EQ(refc(big), r0);
    heap_destroy(&h);
}

/* ---- funs and maps ---------------------------------------------------------------------------- */

TEST(funs_and_maps_round_trip)
{
    Heap h, to;
    heap_init(&h, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    heap_init(&to, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    Term l3 = seq(&h, 1, 3);
    /* reference §1.4: a fun whose one free variable is [1,2,3] is 12. */
    Term f = fun(&h, 1, &l3);
    CHECK_EQ(size_object(f), 12);
    CHECK_EQ(size_shared(f), 12);
    Term env[3] = {AM(ok), l3, l3};
    Term f3 = fun(&h, 3, env);
    CHECK_EQ(size_object(f3), 8 + 12);
    CHECK_EQ(size_shared(f3), 8 + 6);
    Term gf = send_to(&to, f3);
    CHECK(term_is_fun(gf) && fun_entry(gf) == &test_fe && fun_num_free(gf) == 3);
    CHECK(fun_env(gf)[1] != fun_env(gf)[2]);
    CHECK(term_compare(gf, f3, true) == 0);
    Uint words;
    Term sf = copy_shared_to(&to, f3, true, &words);
    CHECK_EQ(words, 14);
    CHECK(fun_env(sf)[1] == fun_env(sf)[2]);

    /* reference §1.4: flatmaps of 1, 2, 3, 10 keys are 6, 8, 10, 24. */
    unsigned ns[] = {1, 2, 3, 10};
    Uint want[] = {6, 8, 10, 24};
    for (int i = 0; i < 4; i++) {
        Term m = flatmap(&h, ns[i], AM(ok));
        CHECK_EQ(size_object(m), want[i]);
        CHECK_EQ(size_shared(m), want[i]);
        Term gm = send_to(&to, m);
        CHECK_EQ(size_object(gm), want[i]);
        CHECK(term_compare(gm, m, true) == 0);
    }
    /* Two maps sharing one keys tuple (a maps:put of an existing key keeps it). */
    Term m1 = flatmap(&h, 3, AM(ok));
    Term *m2p = heap_halloc(&h, 6);
    memcpy(m2p, boxed_ptr(m1), 6 * sizeof(Term));
    m2p[5] = AM(error);
    Term pair = tuple(&h, 2, m1, make_boxed(m2p));
    CHECK_EQ(size_object(pair), 3 + 10 + 10);
    CHECK_EQ(size_shared(pair), 3 + 10 + 6);
    Term sp = copy_shared_to(&to, pair, true, &words);
    CHECK_EQ(words, 19);
    CHECK(boxed_ptr(tuple_elem(sp, 1))[2] == boxed_ptr(tuple_elem(sp, 2))[2]);
    CHECK(term_compare(sp, pair, true) == 0);

    /* 33 integer keys: a hashmap of 127 words (reference §1.4). OTP's size_shared/1 says 188
     * because it counts HAMT nodes twice (§9.2); size_shared_litopt does not copy that bug. */
    Term kv = NIL;
    for (Sint k = 33; k >= 1; k--) kv = cons(&h, tuple(&h, 2, make_small(k), make_small(k)), kv);
    Term m33 = map_from_list(&h, kv);
    CHECK_EQ(size_object(m33), 127);
    CHECK_EQ(size_shared(m33), 127);
    CHECK_EQ(size_shared_litopt(m33), 127);
    Term g33 = send_to(&to, m33);
    CHECK_EQ(size_object(g33), 127);
    CHECK(term_compare(g33, m33, true) == 0);

    /* A small hashmap laid out by hand: head (2 children) -> leaf [1|a] and an inner node
     * with leaves [2|b], [3|c]. Words: head 4 + leaf 2 + node 3 + leaves 4 = 13. */
    Term *node = heap_halloc(&h, 3);
    node[0] = make_map_header(MAP_NODE_BITMAP, 0x3, 2);
    node[1] = cons(&h, make_small(2), AM(ok));
    node[2] = cons(&h, make_small(3), AM(error));
    Term *head = heap_halloc(&h, 4);
    head[0] = make_map_header(MAP_HEAD_BITMAP, 0x11, 3);
    head[1] = 3;
    head[2] = cons(&h, make_small(1), AM(true));
    head[3] = make_boxed(node);
    Term hm = make_boxed(head);
    CHECK_EQ(size_object(hm), 13);
    CHECK_EQ(size_shared(hm), 13);
    CHECK_EQ(size_shared_litopt(hm), 13); /* no double counting of HAMT nodes (§9.2) */
    Term ghm = send_to(&to, hm);
    CHECK_EQ(size_object(ghm), 13);
    CHECK(boxed_ptr(ghm)[0] == head[0] && boxed_ptr(ghm)[1] == 3);
    Term gnode = boxed_ptr(ghm)[3];
    CHECK(gnode != make_boxed(node) && boxed_ptr(gnode)[0] == node[0]);
    CHECK(list_head(boxed_ptr(gnode)[2]) == make_small(3));
    heap_destroy(&to);
    heap_destroy(&h);
}

TEST(refs_floats_bignums_copy_by_value)
{
    Heap h, to;
    heap_init(&h, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    heap_init(&to, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    Term ref = ref_at(heap_halloc(&h, REF_SIZE));
    Term fl = float_at(heap_halloc(&h, FLOAT_SIZE), 2.5);
    Term *bp = heap_halloc(&h, 3);
    bp[0] = make_header(SUB_POS_BIG, 0, 2);
    bp[1] = 0;
    bp[2] = 1; /* 2^64: 3 words (reference §1.4) */
    Term big = make_boxed(bp);
    Term t = tuple(&h, 3, ref, fl, big);
    CHECK_EQ(size_object(t), 4 + 3 + 2 + 3);
    Term got = send_to(&to, t);
    CHECK(tuple_elem(got, 1) != ref);
    CHECK(memcmp(boxed_ptr(tuple_elem(got, 1)), boxed_ptr(ref), 3 * sizeof(Term)) == 0);
    CHECK(float_val(tuple_elem(got, 2)) == 2.5);
    CHECK(memcmp(boxed_ptr(tuple_elem(got, 3)), bp, 3 * sizeof(Term)) == 0);
    heap_destroy(&to);
    heap_destroy(&h);
}

/* ---- deep terms: no C recursion --------------------------------------------------------------- */

TEST(million_deep_terms)
{
    enum { N = 1000000 };
    Term *mem = malloc((Uint)5 * N * sizeof(Term));
    Term *hp = mem;
    /* a 1M-element list, a 1M-deep nest of 1-tuples, a 1M-deep nest of [X] */
    Term list = NIL;
    for (Sint i = 0; i < N; i++) list = cons_at((hp += 2) - 2, make_small(i), list);
    Term nest = NIL;
    for (int i = 0; i < N; i++) {
        hp[0] = make_tuple_header(1);
        hp[1] = nest;
        nest = make_boxed(hp);
        hp += 2;
    }
    Term heads = NIL;
    for (int i = 0; i < N / 2; i++) heads = cons_at((hp += 2) - 2, heads, NIL);
    Term roots[] = {list, nest, heads};
    Uint sizes[] = {2 * (Uint)N, 2 * (Uint)N, (Uint)N};
    for (int k = 0; k < 3; k++) {
        CHECK_EQ(size_object(roots[k]), sizes[k]);
        CHECK_EQ(size_shared(roots[k]), sizes[k]);
        Term *dst = malloc(sizes[k] * sizeof(Term)), *dp = dst;
        OffHeap oh = {NULL, 0};
        Term c = copy_struct(roots[k], sizes[k], &dp, &oh);
        CHECK(dp == dst + sizes[k]);
        CHECK_EQ(size_object(c), sizes[k]);
        Uint words;
        CopySharedInfo *info = copy_shared_calculate(roots[k], false, &words);
        CHECK_EQ(words, sizes[k]);
        Term *dst2 = malloc(words * sizeof(Term)), *dp2 = dst2;
        Term c2 = copy_shared_perform(info, &dp2, &oh);
        copy_shared_done(info);
        CHECK(dp2 == dst2 + words);
        CHECK_EQ(size_shared(c2), sizes[k]);
        free(dst2);
        free(dst);
    }
    free(mem);
}

/* ---- randomized term graphs --------------------------------------------------------------------- */

static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * UINT64_C(2685821657736338717);
}
static unsigned rnd_below(unsigned n) { return (unsigned)(rnd() % n); }

/* Independent reference measures, recursive (random terms are shallow): every path counted,
 * or each address once through a plain list of seen addresses. */
typedef struct Seen {
    const Term **addr;
    size_t n, cap;
} Seen;

static bool seen_add(Seen *s, const Term *p)
{
    if (!s) return true;
    for (size_t i = 0; i < s->n; i++)
        if (s->addr[i] == p) return false;
    if (s->n == s->cap) s->addr = realloc(s->addr, (s->cap = s->cap * 2 + 16) * sizeof *s->addr);
    s->addr[s->n++] = p;
    return true;
}

static Uint ref_size(Term t, Seen *seen)
{
    if (!term_is_ptr(t)) return 0;
    Term *p = term_ptr(t);
    if (term_is_list(t)) return seen_add(seen, p) ? 2 + ref_size(p[0], seen) + ref_size(p[1], seen) : 0;
    if (hdr_subtag(p[0]) == SUB_TUPLE && hdr_arity(p[0]) == 0) return 0;
    if (!seen_add(seen, p)) return 0;
    if (term_is_sub_bin(t)) {
        unsigned bits = sub_bin_bitoffs(t) + sub_bin_bitsize(t);
        Uint extra = bits > 8 ? 2 : bits > 0;
        Uint base = term_is_refc_bin(sub_bin_orig(t)) ? PROC_BIN_SIZE
                                                       : heap_bin_words(bin_byte_size(t) + extra);
        return base + (extra ? SUB_BIN_SIZE : 0);
    }
    Uint sum = hdr_size(p[0]);
    for (Uint i = 1 + hdr_raw_words(p[0]); i <= hdr_arity(p[0]); i++) sum += ref_size(p[i], seen);
    return sum;
}

/* A random term graph: new nodes take their children from a pool of earlier terms, so
 * subterms end up shared, sometimes many times over. */
static Term random_term(Heap *h, bool literals)
{
    enum { POOL = 48 };
    Term pool[POOL];
    unsigned n = 0;
    unsigned steps = 5 + rnd_below(60);
    for (unsigned s = 0; s < steps; s++) {
        Term t;
        Term a = n ? pool[rnd_below(n)] : make_small(1);
        Term b = n ? pool[rnd_below(n)] : NIL;
        switch (rnd_below(13)) {
        case 0: t = make_small((Sint)rnd_below(1000)); break;
        case 1: t = float_at(heap_halloc(h, FLOAT_SIZE), (double)rnd_below(100) / 4); break;
        case 2: t = cons(h, a, b); break;
        case 3: t = cons(h, a, NIL); break;
        case 4: t = tuple(h, 2, a, b); break;
        case 5: {
            unsigned k = rnd_below(5);
            Term *p = heap_halloc(h, 1 + k);
            p[0] = make_tuple_header(k);
            for (unsigned i = 1; i <= k; i++) p[i] = n ? pool[rnd_below(n)] : NIL;
            t = k ? make_boxed(p) : literal_empty_tuple();
            break;
        }
        case 6: t = bytes_of(h, rnd_below(3) ? rnd_below(65) : 65 + rnd_below(200), 'a' + (int)s); break;
        case 7: {
            Term bin = bytes_of(h, 1 + rnd_below(150), 'b');
            Uint bits = bin_byte_size(bin) * 8;
            Uint off = rnd_below((unsigned)bits), len = rnd_below((unsigned)(bits - off + 1));
            t = bin_extract(h, bin, off, len);
            break;
        }
        case 8: {
            Term env[3] = {a, b, a};
            t = fun(h, rnd_below(4), env);
            break;
        }
        case 9: t = flatmap(h, 1 + rnd_below(4), a); break;
        case 10: t = literals && term_is_ptr(a) ? literal_copy(a) : ref_at(heap_halloc(h, REF_SIZE)); break;
        case 11: {
            /* a map across the 32-key limit; every version shares its untouched HAMT nodes with
             * the one before, and one of the versions goes in the pool */
            Term m = literal_empty_map();
            unsigned keys = 1 + rnd_below(50), keep = rnd_below(keys);
            t = m;
            for (unsigned k = 0; k < keys; k++) {
                m = map_put(h, m, make_small((Sint)rnd_below(60)), n ? pool[rnd_below(n)] : a);
                if (k == keep) t = m;
            }
            if (n < POOL) pool[n++] = m;
            break;
        }
        default: t = tuple(h, 3, a, b, a); break;
        }
        if (n < POOL) pool[n++] = t;
        else pool[rnd_below(POOL)] = t;
    }
    return tuple(h, 3, pool[n - 1], pool[rnd_below(n)], pool[rnd_below(n)]);
}

TEST(random_graphs_copy_and_measure_consistently)
{
    rng_state = th_seed() | 1;
    for (int iter = 0; iter < 400; iter++) {
        bool literals = iter % 4 == 3;
        Uint live0 = atomic_load(&bin_stats.allocs) - atomic_load(&bin_stats.frees);
        Heap h, to;
        heap_init(&h, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
        heap_init(&to, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
        Term x = random_term(&h, literals);
        Uint so = size_object(x), ss = size_shared(x);
        Seen seen = {NULL, 0, 0};
        CHECK_EQ(so, ref_size(x, NULL));
        CHECK_EQ(ss, ref_size(x, &seen));
        free(seen.addr);
        CHECK(ss <= so);
        CHECK(size_object_litopt(x) <= so);
        CHECK(size_shared_litopt(x) <= ss);
        CHECK_EQ(size_shared_litopt_flat(x, size_object_litopt(x)), size_shared_litopt(x));
        if (!literals) {
            CHECK_EQ(size_object_litopt(x), so);
            CHECK_EQ(size_shared_litopt(x), ss);
        }

        /* flat copy, literals copied: all sharing is gone */
        Stored s;
        store(&s, x);
        CHECK(inside(s.term, s.mem, s.mem + s.sz, false));
        CHECK_EQ(size_object(s.term), so);
        CHECK_EQ(size_shared(s.term), so);
        CHECK(term_compare(s.term, x, true) == 0);
        unstore(&s);

        /* a send: literals stay */
        Uint lo = size_object_litopt(x);
        Term *start = lo ? heap_halloc(&to, lo) : NULL, *hp = start;
        Term sent = copy_struct_litopt(x, lo, &hp, &to.off_heap);
        CHECK(lo == 0 || inside(sent, start, start + lo, true));
        CHECK_EQ(size_object(sent), so);
        CHECK_EQ(size_shared_litopt(sent), lo);
        CHECK(term_compare(sent, x, true) == 0);

        /* sharing-preserving copies, with and without literals */
        for (int lit = 0; lit < 2; lit++) {
            Uint words;
            CopySharedInfo *info = copy_shared_calculate(x, lit, &words);
            CHECK_EQ(words, lit ? size_shared_litopt(x) : ss);
            start = hp = words ? heap_halloc(&to, words) : NULL;
            Term c = copy_shared_perform(info, &hp, &to.off_heap);
            copy_shared_done(info);
            CHECK(hp == start + words);
            CHECK(words == 0 || inside(c, start, start + words, lit));
            CHECK_EQ(size_shared(c), ss);
            CHECK_EQ(size_object(c), so);
            if (lit) CHECK_EQ(size_shared_litopt(c), words);
            CHECK(term_compare(c, x, true) == 0);
        }
        heap_destroy(&to);
        heap_destroy(&h);
        /* Every reference the copies took was given back: the Binaries made for this term are
         * all freed (literal copies keep theirs for good, so those rounds are not counted). */
        if (!literals)
            CHECK_EQ(atomic_load(&bin_stats.allocs) - atomic_load(&bin_stats.frees), live0);
    }
}

int main(void)
{
    hs_init();
    test_fe.module = atom_put("test_copy", 9);
    test_fe.name = atom_put("-main/0-fun-0-", 14);
    TH_RUN(sharing_expected_sender_receiver_ets);
    TH_RUN(pair_loses_sharing_in_copy_struct_keeps_it_in_copy_shared);
    TH_RUN(immediates_and_empty_tuple_cost_nothing);
    TH_RUN(literals_shared_by_litopt_copied_by_copy_struct);
    TH_RUN(literal_refc_binary_takes_no_reference_on_send);
    TH_RUN(refc_binary_copies_take_references_and_vheap);
    TH_RUN(heap_binaries_copy_by_value);
    TH_RUN(sub_binaries_copy_as_ProcBin_or_heap_binary);
    TH_RUN(funs_and_maps_round_trip);
    TH_RUN(refs_floats_bignums_copy_by_value);
    TH_RUN(million_deep_terms);
    TH_RUN(random_graphs_copy_and_measure_consistently);
    return th_done();
}
