/*
 * Maps against OTP 25.2.3: sizes (erts_debug:flat_size), maps:to_list orders, the internal hash
 * (erts_debug:get_internal_state({internal_hash, T})) and conversions between flatmaps and
 * hashmaps. Every expected figure below was printed by erl on OTP 25.2.3; the Erlang that
 * printed it is quoted beside it.
 */
#include "testhelp.h"

#include "atom.h"
#include "bin.h"
#include "heap.h"
#include "hs.h"
#include "literal.h"
#include "map.h"

static Heap H;

static void heap_fresh(void)
{
    heap_destroy(&H);
    heap_init(&H, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
}

/* ---- term builders ------------------------------------------------------------------------ */

static Term sm(Sint v) { return make_small(v); }
static Term tup(unsigned n, const Term *e)
{
    Term *p = heap_halloc(&H, 1 + n);
    p[0] = make_tuple_header(n);
    memcpy(p + 1, e, n * sizeof *e);
    return make_boxed(p);
}
static Term t1(Term a) { return tup(1, &a); }
static Term t2(Term a, Term b) { Term e[2] = {a, b}; return tup(2, e); }
static Term t3(Term a, Term b, Term c) { Term e[3] = {a, b, c}; return tup(3, e); }
static Term cons(Term hd, Term tl) { return cons_at(heap_halloc(&H, 2), hd, tl); }
static Term list_of(unsigned n, const Term *e)
{
    Term l = NIL;
    while (n-- > 0) l = cons(e[n], l);
    return l;
}
static Term str(const char *s)
{
    Term l = NIL;
    for (size_t i = strlen(s); i-- > 0;) l = cons(sm((unsigned char)s[i]), l);
    return l;
}
static Term flt(double d) { return float_at(heap_halloc(&H, FLOAT_SIZE), d); }
static Term big(bool neg, unsigned n, const Uint *limbs)
{
    Term *p = heap_halloc(&H, 1 + n);
    p[0] = make_header(neg ? SUB_NEG_BIG : SUB_POS_BIG, 0, n);
    memcpy(p + 1, limbs, n * sizeof *limbs);
    return make_boxed(p);
}
static Term big1(bool neg, Uint l0) { return big(neg, 1, &l0); }
static Term big2(bool neg, Uint l0, Uint l1) { Uint l[2] = {l0, l1}; return big(neg, 2, l); }
static Term bin(const void *bytes, size_t n) { return bin_new(&H, bytes, n); }
static Term bin_str(const char *s) { return bin(s, strlen(s)); }
static Term atom(const char *s) { return atom_put(s, strlen(s)); }

static Term pairs(Uint n, const Term *ks, Term v)
{
    Term l = NIL;
    while (n-- > 0) l = cons(t2(ks[n], v), l);
    return l;
}
static Term int_map(Sint from, Sint to)
{
    Term l = NIL;
    for (Sint i = to; i >= from; i--) l = cons(t2(sm(i), sm(i)), l);
    return map_from_list(&H, l);
}

/* ---- erts_debug:flat_size/1 (copy.c size_object), written out for the test ----------- */

static Uint words(Term t)
{
    Uint sum = 0;
    while (term_is_list(t)) {
        sum += 2 + words(list_head(t));
        t = list_tail(t);
    }
    if (!term_is_boxed(t)) return sum;
    Term *p = boxed_ptr(t);
    Term hdr = p[0];
    switch (hdr_subtag(hdr)) {
    case SUB_TUPLE:
        if (hdr_arity(hdr) == 0) return sum; /* size_object skips {} */
        sum += hdr_size(hdr);
        for (Uint i = 1; i <= hdr_arity(hdr); i++) sum += words(p[i]);
        return sum;
    case SUB_MAP:
        sum += hdr_size(hdr);
        for (Uint i = 1 + hdr_raw_words(hdr); i <= hdr_arity(hdr); i++) sum += words(p[i]);
        return sum;
    case SUB_SUB_BIN:
        CHECK(!"no sub binaries in sized maps");
        return sum;
    default:
        return sum + hdr_size(hdr);
    }
}

/* The position in keys[] of each key of maps:to_list(map), in order. */
static void to_list_perm(Term map, const Term *keys, Uint n, int *perm)
{
    Term l = map_to_list(&H, map);
    for (Uint i = 0; i < n; i++, l = list_tail(l)) {
        CHECK(term_is_list(l));
        if (!term_is_list(l)) return;
        Term k = tuple_elem(list_head(l), 1);
        perm[i] = -1;
        for (Uint j = 0; j < n; j++)
            if (term_eq_exact(keys[j], k)) perm[i] = (int)j;
    }
    CHECK(term_is_nil(l));
}

static void check_perm(Term map, const Term *keys, Uint n, const int *expect, const char *what)
{
    int got[128];
    to_list_perm(map, keys, n, got);
    for (Uint i = 0; i < n; i++) {
        if (got[i] != expect[i]) {
            char m[200];
            snprintf(m, sizeof m, "%s: to_list position %llu is key %d, OTP says %d", what,
                     (unsigned long long)i, got[i], expect[i]);
            th_fail(__FILE__, __LINE__, m);
            return;
        }
    }
}

/* ---- the internal hash ------------------------------------------------------------------- */

TEST(hash_matches_otp_internal_hash)
{
    heap_fresh();
    /* erts_debug:get_internal_state({internal_hash, T}) for each T. */
    unsigned char b100[100], hello[] = "hello world", one = 1, abc8[] = "abcdefgh", b160 = 160;
    for (int i = 0; i < 100; i++) b100[i] = (unsigned char)(i + 1);
    Term refc100 = bin(b100, 100);
    struct { Term t; uint32_t h; } cases[] = {
        {sm(0), 3620831944u}, {sm(1), 2441450838u}, {sm(-1), 559702020u}, {sm(42), 137677985u},
        {sm(1 << 27), 3413405710u}, {sm(1 << 28), 3879279084u}, {sm(-(1 << 28)), 902552588u},
        {sm(MAX_SMALL), 2748343757u}, {sm(MIN_SMALL), 767231620u},
        {big1(false, (Uint)1 << 59), 2160620466u},           /* 1 bsl 59 */
        {big1(true, ((Uint)1 << 59) + 1), 1026718139u},      /* -(1 bsl 59) - 1 */
        {big2(false, 0, 1), 1670597026u},                    /* 1 bsl 64 */
        {big1(false, ~(Uint)0), 1068377571u},                /* (1 bsl 64) - 1 */
        {big2(true, 0, (Uint)1 << 36), 1615963138u},         /* -(1 bsl 100) */
        {big(false, 4, (Uint[]){0, 0, 0, 256}), 676454571u}, /* 1 bsl 200 */
        {flt(1.0), 1476340101u}, {flt(-1.0), 250165494u}, {flt(0.0), 2778859731u},
        {flt(-0.0), 2778859731u}, {flt(3.14159), 1065597409u}, {flt(1.0e300), 4116291860u},
        {NIL, 2464209347u}, {literal_empty_tuple(), 904478834u}, {t1(sm(1)), 3083022094u},
        {t2(sm(1), sm(2)), 240741374u}, {t2(sm(1), t2(sm(2), sm(3))), 3248188546u},
        {list_of(1, (Term[]){sm(1)}), 1762143407u},
        {list_of(3, (Term[]){sm(1), sm(2), sm(3)}), 2915507666u},
        {str("abc"), 4050146831u}, {str("abcd"), 2584962673u}, {str("abcdefghi"), 2559566225u},
        {cons(sm(1), sm(2)), 813403020u}, {list_of(1, (Term[]){sm(300)}), 3431643858u},
        {list_of(3, (Term[]){sm(1), sm(300), sm(2)}), 206126964u},
        {list_of(2, (Term[]){t1(sm(1)), sm(2)}), 2109310251u},
        {list_of(1, (Term[]){list_of(1, (Term[]){sm(1)})}), 3087188736u},
        {list_of(1, (Term[]){flt(1.5)}), 2769640432u},
        {cons(str("ab"), str("cd")), 1298579526u},
        {bin("", 0), 3580844982u}, {bin(&one, 1), 1985782986u}, {bin(hello, 11), 678914913u},
        {refc100, 3578012041u},
        /* <<_:3, Sub:20/binary, _/bits>> = list_to_binary(lists:seq(1,100)) */
        {bin_extract(&H, refc100, 3, 160), 923161892u},
        /* <<_:5, Bits:13/bits, _/bits>> = <<"abcdefgh">>, Bits = <<44,9:5>> */
        {bin_extract(&H, bin(abc8, 8), 5, 13), 3594418192u},
        {bin_extract(&H, bin(&b160, 1), 0, 3), 1285585474u}, /* <<5:3>> */
        {literal_empty_map(), 4050418618u},
        {map_from_list(&H, list_of(1, (Term[]){t2(sm(1), sm(2))})), 3344407571u},
        {map_from_list(&H, list_of(2, (Term[]){t2(sm(1), sm(2)), t2(sm(3), t1(sm(4)))})),
         1730088942u},
        {int_map(1, 40), 2742925189u},
        {tup(4, (Term[]){sm(1), flt(2.5), list_of(2, (Term[]){sm(3), bin_str("x")}), sm(-7)}),
         3281787802u}, /* {1, 2.5, [3, <<"x">>], -7} */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint32_t got = map_hash(cases[i].t, 0);
        if (got != cases[i].h) {
            char m[120];
            snprintf(m, sizeof m, "case %zu: hash %u, OTP %u", i, got, cases[i].h);
            th_fail(__FILE__, __LINE__, m);
        }
    }
    /* The same hash for every level of the first round, another from level 8 on. */
    CHECK_EQ(map_hash(sm(1), 7), 2441450838u);
    CHECK(map_hash(sm(1), 8) != 2441450838u);
    CHECK_EQ(map_hash(sm(1), 8), map_hash(sm(1), 15));
}

/* ---- sizes ----------------------------------------------------------------------------- */

TEST(flatmap_sizes)
{
    heap_fresh();
    /* erts_debug:flat_size(maps:from_list([{I,I} || I <- lists:seq(1,N)])) */
    Sint n[] = {1, 2, 3, 10, 31, 32};
    Uint otp[] = {6, 8, 10, 24, 66, 68};
    for (int i = 0; i < 6; i++) {
        Term m = int_map(1, n[i]);
        CHECK(map_is_flat(m));
        CHECK_EQ(map_size(m), n[i]);
        CHECK_EQ(words(m), otp[i]);
        /* the same map by puts */
        Term p = map_new();
        for (Sint k = n[i]; k >= 1; k--) p = map_put(&H, p, sm(k), sm(k));
        CHECK_EQ(words(p), otp[i]);
    }
}

TEST(hashmap_sizes)
{
    heap_fresh();
    /* the same, for hashmaps */
    Sint n[] = {33, 34, 40, 50, 64, 100, 1000, 10000};
    Uint otp[] = {127, 130, 152, 190, 246, 366, 3710, 37898};
    for (int i = 0; i < 8; i++) {
        Term m = int_map(1, n[i]);
        CHECK(!map_is_flat(m));
        CHECK_EQ(map_size(m), n[i]);
        CHECK_EQ(words(m), otp[i]);
    }
    /* by puts in increasing order, through the 32 -> 33 conversion */
    Term p = map_new();
    for (Sint k = 1; k <= 100; k++) {
        p = map_put(&H, p, sm(k), sm(k));
        if (k == 32) CHECK_EQ(words(p), 68);
        if (k == 33) CHECK_EQ(words(p), 127);
        if (k == 64) CHECK_EQ(words(p), 246);
    }
    CHECK_EQ(words(p), 366);
}

/* erts_debug:map_info/1: node and leaf counts by kind, width and level. */
typedef struct Census {
    unsigned depth, arrays, bitmaps;
    unsigned by_width[16], leaves_at[16];
} Census;

static void census(Term node, unsigned level, Census *c)
{
    if (term_is_list(node)) {
        c->leaves_at[level]++;
        if (level > c->depth) c->depth = level;
        return;
    }
    Term hdr = boxed_header(node);
    unsigned type = map_hdr_type(hdr);
    bool head = type == MAP_HEAD_ARRAY || type == MAP_HEAD_BITMAP;
    unsigned n = type == MAP_HEAD_ARRAY ? 16 : (unsigned)__builtin_popcount(map_hdr_bitmap(hdr));
    if (type == MAP_HEAD_ARRAY) {
        c->arrays++;
    } else {
        c->bitmaps++;
        c->by_width[n - 1]++;
    }
    for (unsigned i = 0; i < n; i++) census(boxed_ptr(node)[(head ? 2 : 1) + i], level + 1, c);
}

TEST(hashmap_node_census)
{
    heap_fresh();
    /* erts_debug:map_info(maps:from_list([{I,I} || I <- lists:seq(1,N)])): depth, head arrays,
     * bitmap nodes by number of children, leaves by level */
    static const struct { Sint n; unsigned depth, arrays, bitmaps, width[16], leaves[8]; } otp[] = {
        {33, 3, 0, 14, {1,8,3,0,1,0,0,0,0,0,0,0,0,0,1,0}, {0,4,25,4,0,0,0,0}},
        {40, 3, 0, 16, {0,8,5,1,1,0,0,0,0,0,0,0,0,0,1,0}, {0,3,31,6,0,0,0,0}},
        {100, 4, 1, 32, {2,13,2,6,2,2,4,1,0,0,0,0,0,0,0,0}, {0,0,69,27,4,0,0,0}},
        {1000, 6, 1, 354, {6,148,60,53,45,16,10,0,0,0,0,0,0,0,3,13}, {0,0,24,766,198,10,2,0}},
        {10000, 7, 1, 3948, {114,1891,946,465,193,50,16,1,0,1,0,16,35,70,84,66}, {0,0,0,817,7666,1413,98,6}},
    };
    for (size_t i = 0; i < sizeof otp / sizeof otp[0]; i++) {
        Census c;
        memset(&c, 0, sizeof c);
        census(int_map(1, otp[i].n), 0, &c);
        CHECK_EQ(c.depth, otp[i].depth);
        CHECK_EQ(c.arrays, otp[i].arrays);
        CHECK_EQ(c.bitmaps, otp[i].bitmaps);
        for (int w = 0; w < 16; w++) CHECK_EQ(c.by_width[w], otp[i].width[w]);
        for (int l = 0; l < 8; l++) CHECK_EQ(c.leaves_at[l], otp[i].leaves[l]);
    }
    /* 33 keys: a bitmap head with 15 slots, 11 of them inner nodes
     * (length([X || X <- erts_internal:map_hashmap_children(M), is_map(X)])) */
    Term m = int_map(1, 33);
    CHECK_EQ(map_hdr_type(boxed_header(m)), MAP_HEAD_BITMAP);
    CHECK_EQ(hdr_size(boxed_header(m)), 17);
    int inner = 0;
    for (int i = 0; i < 15; i++) inner += term_is_boxed(boxed_ptr(m)[2 + i]);
    CHECK_EQ(inner, 11);
}

TEST(big_hashmap_get)
{
    heap_fresh();
    Term m = int_map(1, 10000);
    int bad = 0;
    for (Sint k = 1; k <= 10000; k++) {
        Term v;
        if (!map_get(m, sm(k), &v) || v != sm(k)) bad++;
    }
    CHECK_EQ(bad, 0);
    CHECK(!map_get(m, sm(0), NULL));
    CHECK(!map_get(m, sm(10001), NULL));
    CHECK(!map_get(m, flt(5.0), NULL)); /* 5.0 =/= 5 */
    CHECK(!map_get(m, atom("x"), NULL));
}

TEST(empty_maps)
{
    heap_fresh();
    /* maps:new() is the global literal (size_shared 0); maps:from_list([]) a fresh map
     * (flat_size 3, size_shared 3) */
    CHECK(term_is_literal(map_new()));
    CHECK_EQ(map_size(map_new()), 0);
    Term e = map_from_list(&H, NIL);
    CHECK(term_is_map(e) && !term_is_literal(e));
    CHECK_EQ(words(e), 3);
    CHECK(term_is_nil(map_to_list(&H, e)));
    Term one = map_put(&H, e, sm(1), sm(2));
    CHECK_EQ(words(one), 6);
    Term none = map_remove(&H, one, sm(1));
    CHECK_EQ(map_size(none), 0);
    CHECK_EQ(words(none), 3);
    CHECK(map_remove(&H, e, sm(1)) == e);
    CHECK(map_update(&H, e, sm(1), sm(1)) == NONVALUE);
}

/* ---- maps:to_list orders ----------------------------------------------------------------- */

TEST(to_list_order_ints)
{
    heap_fresh();
    /* [K || {K,_} <- maps:to_list(maps:from_list([{I,I} || I <- lists:seq(1,40)]))] */
    static const Sint otp[40] = {33, 12, 23, 29, 30, 39, 26, 31, 11, 37, 9, 32, 34, 25, 28, 6,
                                 38, 13, 40, 20, 15, 14, 2, 7, 1, 8, 3, 17, 22, 21, 4, 36, 24,
                                 10, 35, 27, 19, 5, 18, 16};
    Term m = int_map(1, 40);
    Term l = map_to_list(&H, m), ks = map_keys(&H, m), vs = map_values(&H, m);
    for (int i = 0; i < 40; i++, l = list_tail(l), ks = list_tail(ks), vs = list_tail(vs)) {
        CHECK_EQ(small_val(tuple_elem(list_head(l), 1)), otp[i]);
        CHECK_EQ(small_val(list_head(ks)), otp[i]);
        CHECK_EQ(small_val(list_head(vs)), otp[i]);
    }
    CHECK(term_is_nil(l) && term_is_nil(ks) && term_is_nil(vs));
}

typedef struct Seen {
    Term keys[128];
    int n, stop_at;
} Seen;

static bool see(Term k, Term v, void *arg)
{
    Seen *s = arg;
    s->keys[s->n++] = k;
    return s->n != s->stop_at;
}

TEST(foreach_follows_to_list)
{
    heap_fresh();
    Term maps[] = {int_map(1, 40), int_map(1, 20)};
    for (int i = 0; i < 2; i++) {
        Seen s = {.n = 0, .stop_at = -1};
        map_foreach(maps[i], see, &s);
        CHECK_EQ(s.n, (int)map_size(maps[i]));
        Term l = map_keys(&H, maps[i]);
        for (int j = 0; j < s.n; j++, l = list_tail(l)) CHECK(s.keys[j] == list_head(l));
        Seen early = {.n = 0, .stop_at = 5};
        map_foreach(maps[i], see, &early);
        CHECK_EQ(early.n, 5);
    }
}

static void keyset_check(const char *name, Term *keys, Uint n, Uint otp_fs, const int *otp_perm)
{
    Term m = map_from_list(&H, pairs(n, keys, atom("v")));
    CHECK_EQ(map_size(m), n);
    if (words(m) != otp_fs) {
        char msg[120];
        snprintf(msg, sizeof msg, "%s: flat_size %llu, OTP %llu", name,
                 (unsigned long long)words(m), (unsigned long long)otp_fs);
        th_fail(__FILE__, __LINE__, msg);
    }
    check_perm(m, keys, n, otp_perm, name);
    /* incremental puts build the same map */
    Term p = map_new();
    for (Uint i = 0; i < n; i++) p = map_put(&H, p, keys[i], atom("v"));
    CHECK_EQ(words(p), otp_fs);
    check_perm(p, keys, n, otp_perm, name);
}

TEST(to_list_order_key_kinds)
{
    heap_fresh();
    /* show(Name, Keys): M = maps:from_list([{K, v} || K <- Keys]), flat_size(M) and the
     * index in Keys of each key of maps:to_list(M); N = lists:seq(1,40) */
    Term k[40];
    for (int i = 0; i < 40; i++) k[i] = flt((i + 1) * 0.5); /* [I * 0.5 || I <- N] */
    keyset_check("floats", k, 40, 230, (int[]){21, 9, 32, 12, 20, 14, 30, 28, 13, 31, 25, 22, 23, 10, 19, 7, 26, 2, 38, 11, 29, 16, 33, 1, 39, 4, 17, 5, 0, 8, 34, 6, 15, 35, 36, 27, 18, 24, 3, 37});
    for (int i = 0; i < 40; i++) k[i] = big2(false, (Uint)i + 1, 1); /* (1 bsl 64) + I */
    keyset_check("bigs", k, 40, 276, (int[]){25, 21, 8, 2, 19, 5, 20, 1, 16, 39, 31, 6, 29, 26, 18, 35, 34, 32, 3, 23, 15, 0, 38, 14, 37, 28, 10, 7, 33, 11, 30, 36, 27, 4, 22, 13, 9, 17, 24, 12});
    for (int i = 0; i < 40; i++) k[i] = big2(true, (Uint)i + 1, 64); /* -(1 bsl 70) - I */
    keyset_check("negbigs", k, 40, 260, (int[]){28, 24, 8, 3, 10, 12, 23, 18, 38, 22, 32, 5, 39, 2, 1, 27, 31, 15, 37, 36, 6, 7, 13, 35, 9, 20, 33, 21, 11, 16, 14, 4, 30, 19, 17, 0, 25, 26, 34, 29});
    for (int i = 0; i < 40; i++) { /* <<I:32>> */
        unsigned char b[4] = {0, 0, 0, (unsigned char)(i + 1)};
        k[i] = bin(b, 4);
    }
    keyset_check("bins", k, 40, 272, (int[]){36, 32, 5, 3, 15, 27, 20, 29, 2, 22, 37, 35, 9, 28, 23, 25, 4, 0, 30, 14, 19, 16, 34, 6, 38, 18, 26, 12, 31, 39, 33, 21, 11, 13, 1, 7, 8, 10, 24, 17});
    for (int i = 0; i < 40; i++) k[i] = t2(sm(i + 1), sm(2 * (i + 1))); /* {I, I * 2} */
    keyset_check("tuples", k, 40, 270, (int[]){18, 35, 28, 22, 0, 13, 23, 2, 1, 34, 3, 39, 30, 10, 25, 24, 4, 8, 9, 12, 16, 19, 26, 15, 37, 20, 27, 7, 21, 36, 5, 6, 11, 14, 33, 31, 32, 17, 38, 29});
    for (int i = 0; i < 40; i++) k[i] = list_of(2, (Term[]){sm(i + 1), sm(i + 2)}); /* [I, I + 1] */
    keyset_check("lists", k, 40, 304, (int[]){36, 16, 6, 11, 8, 24, 26, 25, 31, 13, 30, 21, 34, 0, 19, 15, 9, 39, 32, 22, 17, 1, 7, 37, 18, 23, 14, 33, 29, 20, 2, 28, 38, 3, 10, 27, 35, 12, 5, 4});
    for (int i = 0; i < 40; i++) { /* "k" ++ integer_to_list(I) */
        char s[16];
        snprintf(s, sizeof s, "k%d", i + 1);
        k[i] = str(s);
    }
    keyset_check("strings", k, 40, 370, (int[]){14, 21, 39, 2, 35, 8, 1, 17, 20, 38, 24, 12, 3, 34, 19, 32, 13, 7, 9, 5, 25, 36, 16, 28, 27, 11, 23, 0, 15, 4, 29, 18, 33, 10, 26, 22, 6, 31, 30, 37});
    for (int i = 0; i < 8; i++) { /* lists:append([[I, I + 0.25, {I}, <<I>>, [I | I]] || I <- lists:seq(1, 8)]) */
        unsigned char b = (unsigned char)(i + 1);
        k[5 * i] = sm(i + 1);
        k[5 * i + 1] = flt(i + 1.25);
        k[5 * i + 2] = t1(sm(i + 1));
        k[5 * i + 3] = bin(&b, 1);
        k[5 * i + 4] = cons(sm(i + 1), sm(i + 1));
    }
    keyset_check("mixed", k, 40, 216, (int[]){1, 31, 33, 34, 36, 19, 39, 12, 13, 4, 22, 2, 6, 14, 8, 21, 3, 18, 25, 24, 23, 29, 38, 28, 5, 37, 30, 0, 35, 10, 17, 15, 16, 26, 11, 7, 32, 9, 27, 20});
    for (int i = 0; i < 40; i++) k[i] = sm(-(i + 1) * 1000003); /* -I * 1000003 */
    keyset_check("negs", k, 40, 152, (int[]){4, 18, 17, 19, 26, 14, 37, 23, 31, 32, 29, 34, 1, 11, 9, 28, 10, 30, 2, 27, 8, 0, 20, 13, 6, 35, 33, 39, 16, 24, 36, 5, 3, 22, 21, 7, 12, 38, 15, 25});
}

TEST(flatmap_key_order)
{
    heap_fresh();
    /* Keys = [b, a, 1, 2.0, {1}, [1], <<"x">>, [], 1 bsl 70, -3, 1.5, "ab", {a, b}, <<1:3>>,
     *         {1, 2}, {0, 5, 6}, <<"ab">>, aa, 3, -(1 bsl 64), 0.0]: every integer before every
     * float (CMP_TERM is the exact order), then atoms, tuples by arity, [], lists, bitstrings */
    unsigned char b32 = 32;
    Term k[21] = {atom("b"), atom("a"), sm(1), flt(2.0), t1(sm(1)), list_of(1, (Term[]){sm(1)}),
                  bin_str("x"), NIL, big2(false, 0, 64), sm(-3), flt(1.5), str("ab"),
                  t2(atom("a"), atom("b")), bin_extract(&H, bin(&b32, 1), 0, 3),
                  t2(sm(1), sm(2)), t3(sm(0), sm(5), sm(6)), bin_str("ab"), atom("aa"), sm(3),
                  big2(true, 0, 1), flt(0.0)};
    int otp[21] = {19, 9, 2, 18, 8, 20, 10, 3, 1, 17, 0, 4, 14, 12, 15, 7, 5, 11, 13, 16, 6};
    Term m = map_from_list(&H, pairs(21, k, atom("v")));
    CHECK(map_is_flat(m));
    check_perm(m, k, 21, otp, "flatmixed");
    Term p = map_new();
    for (int i = 0; i < 21; i++) p = map_put(&H, p, k[i], sm(i));
    check_perm(p, k, 21, otp, "flatmixed by put");
}

/* ---- put, update, remove ----------------------------------------------------------------- */

TEST(remove_converts_to_flatmap)
{
    heap_fresh();
    /* M40 = int map 1..40, then maps:remove(K, M) for K = 1..10: flat_size after each */
    Uint otp[10] = {149, 146, 141, 136, 133, 130, 127, 68, 66, 64};
    Term m = int_map(1, 40);
    for (int k = 1; k <= 10; k++) {
        m = map_remove(&H, m, sm(k));
        CHECK_EQ(words(m), otp[k - 1]);
        CHECK_EQ(map_is_flat(m), k >= 8);
        CHECK(!map_get(m, sm(k), NULL));
    }
    /* R = maps:remove(1, M33): 32 keys 2..33 in order */
    Term r = map_remove(&H, int_map(1, 33), sm(1));
    Term l = map_keys(&H, r);
    for (Sint k = 2; k <= 33; k++, l = list_tail(l)) CHECK_EQ(small_val(list_head(l)), k);
    CHECK(map_remove(&H, m, sm(99)) == m);
}

TEST(put_sequence)
{
    heap_fresh();
    /* Seq = [(I * 37) rem 101 || I <- lists:seq(1, 70)], foldl maps:put(K, K, M) from #{}:
     * flat_size after each put, then the order of to_list */
    Uint otp[70] = {6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 40, 42, 44, 46, 48, 50, 52, 54, 56, 58, 60, 62, 64, 66, 68, 133, 136, 139, 142, 145, 148, 151, 154, 157, 160, 165, 168, 171, 174, 177, 184, 189, 192, 195, 200, 205, 208, 211, 216, 219, 222, 227, 230, 235, 238, 241, 244, 247, 250, 253, 256, 261, 264};
    int perm[70] = {19, 43, 31, 16, 38, 3, 56, 8, 22, 41, 63, 6, 27, 50, 28, 29, 33, 0, 32, 42, 49, 57, 68, 21, 61, 45, 23, 13, 47, 11, 12, 5, 54, 17, 40, 34, 1, 59, 18, 62, 10, 26, 66, 46, 55, 15, 48, 64, 30, 25, 14, 39, 2, 60, 20, 36, 58, 44, 4, 7, 67, 52, 35, 9, 37, 69, 51, 65, 53, 24};
    Term seq[70];
    Term m = map_new();
    for (int i = 0; i < 70; i++) {
        seq[i] = sm(((i + 1) * 37) % 101);
        m = map_put(&H, m, seq[i], seq[i]);
        CHECK_EQ(words(m), otp[i]);
    }
    check_perm(m, seq, 70, perm, "put seq");
    /* then remove every key divisible by 3: 46 keys, flat_size 174 */
    int rm3[46] = {31, 16, 38, 3, 56, 22, 27, 29, 33, 0, 42, 49, 57, 68, 45, 23, 13, 47, 11, 12, 5, 40, 34, 1, 18, 62, 66, 46, 55, 64, 25, 14, 2, 60, 20, 36, 58, 44, 7, 67, 35, 9, 69, 51, 53, 24};
    for (int i = 0; i < 70; i++)
        if (small_val(seq[i]) % 3 == 0) m = map_remove(&H, m, seq[i]);
    CHECK_EQ(map_size(m), 46);
    CHECK_EQ(words(m), 174);
    Term l = map_to_list(&H, m);
    for (int i = 0; i < 46; i++, l = list_tail(l))
        CHECK(tuple_elem(list_head(l), 1) == seq[rm3[i]]);
}

TEST(update_and_identity)
{
    heap_fresh();
    /* OTP 25: erts_debug:same(maps:put(K, V, M), M) and the same for maps:update/3 are true
     * when V is the value already there; maps:remove of an absent key returns M */
    Term flat = int_map(1, 5), hash = int_map(1, 35);
    Term ms[2] = {flat, hash};
    for (int i = 0; i < 2; i++) {
        Term m = ms[i];
        CHECK(map_put(&H, m, sm(3), sm(3)) == m);
        CHECK(map_update(&H, m, sm(3), sm(3)) == m);
        CHECK(map_remove(&H, m, sm(99)) == m);
        CHECK(map_update(&H, m, sm(99), sm(1)) == NONVALUE);
        CHECK(map_update(&H, m, flt(3.0), sm(1)) == NONVALUE);
        Term u = map_update(&H, m, sm(3), atom("x"));
        Term v;
        CHECK(u != m && map_get(u, sm(3), &v) && v == atom("x"));
        CHECK_EQ(words(u), words(m));
        CHECK_EQ(map_size(u), map_size(m));
        CHECK(map_get(m, sm(3), &v) && v == sm(3)); /* the old map is unchanged */
    }
}

TEST(from_list_duplicates)
{
    heap_fresh();
    /* maps:from_list([{I rem 20, I} || I <- lists:seq(1, 50)]): flat_size 44, to_list
     * [{0,40},...,{10,50},{11,31},...,{19,39}] (the last value wins) */
    Term l = NIL;
    for (Sint i = 50; i >= 1; i--) l = cons(t2(sm(i % 20), sm(i)), l);
    Term m = map_from_list(&H, l);
    CHECK(map_is_flat(m));
    CHECK_EQ(words(m), 44);
    Term tl = map_to_list(&H, m);
    for (Sint k = 0; k < 20; k++, tl = list_tail(tl)) {
        CHECK_EQ(small_val(tuple_elem(list_head(tl), 1)), k);
        CHECK_EQ(small_val(tuple_elem(list_head(tl), 2)), k <= 10 ? k + 40 : k + 20);
    }
    /* maps:from_list([{I rem 45, I} || I <- lists:seq(1, 100)]): flat_size 173 */
    static const Sint otp[45][2] = {{33,78},{12,57},{44,89},{23,68},{29,74},{30,75},{43,88},{39,84},{26,71},{31,76},{11,56},{37,82},{9,99},{32,77},{34,79},{25,70},{28,73},{6,96},{0,90},{38,83},{13,58},{40,85},{41,86},{20,65},{15,60},{14,59},{2,92},{7,97},{1,91},{8,98},{3,93},{17,62},{22,67},{21,66},{4,94},{36,81},{24,69},{10,100},{35,80},{27,72},{42,87},{19,64},{5,95},{18,63},{16,61}};
    l = NIL;
    for (Sint i = 100; i >= 1; i--) l = cons(t2(sm(i % 45), sm(i)), l);
    m = map_from_list(&H, l);
    CHECK(!map_is_flat(m));
    CHECK_EQ(words(m), 173);
    tl = map_to_list(&H, m);
    for (int i = 0; i < 45; i++, tl = list_tail(tl)) {
        CHECK_EQ(small_val(tuple_elem(list_head(tl), 1)), otp[i][0]);
        CHECK_EQ(small_val(tuple_elem(list_head(tl), 2)), otp[i][1]);
    }
    /* maps:from_list([{1,a},{1.0,b},{2,c},{1,d},{0.0,e},{-0.0,f}]) =
     * [{1,d},{2,c},{-0.0,f},{1.0,b}]: 0.0 and -0.0 are one key, the later one kept */
    Term z = flt(-0.0);
    Term in[6] = {t2(sm(1), atom("a")), t2(flt(1.0), atom("b")), t2(sm(2), atom("c")),
                  t2(sm(1), atom("d")), t2(flt(0.0), atom("e")), t2(z, atom("f"))};
    m = map_from_list(&H, list_of(6, in));
    CHECK_EQ(map_size(m), 4);
    tl = map_to_list(&H, m);
    CHECK(tuple_elem(list_head(tl), 2) == atom("d"));
    tl = list_tail(list_tail(tl));
    CHECK(tuple_elem(list_head(tl), 1) == z && tuple_elem(list_head(tl), 2) == atom("f"));
    /* more than 32 pairs that shrink to 32 or fewer keys give a flatmap */
    l = NIL;
    for (Sint i = 40; i >= 1; i--) l = cons(t2(sm(i % 10), sm(i)), l);
    m = map_from_list(&H, l);
    CHECK(map_is_flat(m));
    CHECK_EQ(words(m), 24);
}

TEST(from_list_rejects_bad_input)
{
    heap_fresh();
    CHECK(map_from_list(&H, cons(t2(sm(1), sm(2)), sm(3))) == NONVALUE);
    CHECK(map_from_list(&H, list_of(1, (Term[]){t1(sm(1))})) == NONVALUE);
    CHECK(map_from_list(&H, list_of(1, (Term[]){sm(1)})) == NONVALUE);
    CHECK(map_from_list(&H, sm(1)) == NONVALUE);
}

TEST(from_arrays_like_from_list)
{
    heap_fresh();
    Term ks[50], vs[50];
    for (int i = 0; i < 50; i++) {
        ks[i] = sm(i % 40 + 1);
        vs[i] = sm(i);
    }
    Term a = map_from_arrays(&H, ks, vs, 50);
    CHECK_EQ(words(a), 152); /* 40 distinct int keys */
    Term v;
    CHECK(map_get(a, sm(1), &v) && v == sm(40));
    Term b = map_from_arrays(&H, ks, vs, 10);
    CHECK_EQ(words(b), 24);
}

/* ---- hash collisions -------------------------------------------------------------------- */

TEST(colliding_keys)
{
    heap_fresh();
    /* Pairs of integers with the same 32-bit internal hash. Keys = [A, B | lists:seq(1, 40)]:
     * flat_size, to_list order, and flat_size after maps:remove(A, M) */
    static const struct { Sint a, b; Uint fs; int perm[42]; Uint rmfs; } otp[] = {
        {1067020, 1376086, 172, {34,13,24,30,31,40,27,32,12,38,10,33,35,26,29,7,1,0,39,14,41,21,16,15,3,8,2,9,4,18,23,22,5,37,25,11,36,28,20,6,19,17}, 155},
        {1159085, 1171162, 172, {34,13,24,30,31,40,27,32,12,38,10,33,35,26,29,7,39,14,41,21,16,15,3,8,2,9,4,18,23,22,5,37,25,11,36,28,0,1,20,6,19,17}, 155},
        {388950, 892162, 172, {34,13,24,30,31,40,27,32,12,38,10,33,35,26,29,7,39,14,41,21,16,15,3,8,2,9,4,18,23,22,5,37,25,11,36,0,1,28,20,6,19,17}, 155},
        {1225186, 1928568, 174, {34,13,24,30,31,40,27,32,12,38,10,33,35,26,29,7,39,14,41,21,16,15,3,8,2,9,4,18,23,22,5,37,25,11,36,28,20,0,1,6,19,17}, 155},
        {351613, 1206153, 174, {34,13,24,30,31,40,27,1,0,32,12,38,10,33,35,26,29,7,39,14,41,21,16,15,3,8,2,9,4,18,23,22,5,37,25,11,36,28,20,6,19,17}, 157},
    };
    for (size_t i = 0; i < sizeof otp / sizeof otp[0]; i++) {
        CHECK_EQ(map_hash(sm(otp[i].a), 0), map_hash(sm(otp[i].b), 0));
        Term keys[42] = {sm(otp[i].a), sm(otp[i].b)};
        for (int k = 0; k < 40; k++) keys[2 + k] = sm(k + 1);
        Term m = map_from_list(&H, pairs(42, keys, atom("v")));
        CHECK_EQ(words(m), otp[i].fs);
        check_perm(m, keys, 42, otp[i].perm, "collision from_list");
        Term p = int_map(1, 40);
        p = map_put(&H, map_put(&H, p, keys[0], atom("v")), keys[1], atom("v"));
        CHECK_EQ(words(p), otp[i].fs);
        Term v;
        CHECK(map_get(p, keys[0], &v) && map_get(p, keys[1], &v));
        Term r = map_remove(&H, m, keys[0]);
        CHECK_EQ(words(r), otp[i].rmfs);
        CHECK(!map_get(r, keys[0], NULL) && map_get(r, keys[1], NULL));
    }
    /* Keys2 = [1067020,1376086,1159085,1171162] ++ lists:seq(1, 29): flat_size 155 */
    Term k2[33] = {sm(1067020), sm(1376086), sm(1159085), sm(1171162)};
    for (int k = 0; k < 29; k++) k2[4 + k] = sm(k + 1);
    Term m2 = map_from_list(&H, pairs(33, k2, atom("v")));
    CHECK_EQ(words(m2), 155);
    check_perm(m2, k2, 33, (int[]){15,26,32,29,14,12,28,31,9,1,0,16,23,18,17,5,10,4,11,6,20,25,24,7,27,13,30,2,3,22,8,21,19}, "two pairs");
    Term r2 = map_remove(&H, m2, sm(1159085));
    CHECK(map_is_flat(r2));
    CHECK_EQ(words(r2), 68);
}

/* ---- heap use ----------------------------------------------------------------------------- */

TEST(heap_use_follows_otp_allocations)
{
    heap_fresh();
    /* erl_map.c erts_maps_put: a new key in a flatmap of n keys takes 3 + n words (kept as the
     * keys tuple and a one-word hole) and 4 + n for the map */
    Term m = int_map(1, 10);
    Uint before = heap_used_words(&H) + H.mbuf_sz;
    Term p = map_put(&H, m, sm(11), sm(11));
    CHECK_EQ(heap_used_words(&H) + H.mbuf_sz - before, 2 * 10 + 7);
    CHECK_EQ(words(p), 26);
    /* a value replaced: 3 + n, the keys tuple shared */
    before = heap_used_words(&H) + H.mbuf_sz;
    Term q = map_put(&H, p, sm(5), atom("x"));
    CHECK_EQ(heap_used_words(&H) + H.mbuf_sz - before, 3 + 11);
    CHECK(boxed_ptr(q)[2] == boxed_ptr(p)[2]);
    /* nothing when the key is absent or the value identical */
    before = heap_used_words(&H) + H.mbuf_sz;
    map_remove(&H, q, sm(99));
    map_put(&H, q, sm(5), atom("x"));
    map_update(&H, q, sm(99), sm(1));
    CHECK_EQ(heap_used_words(&H) + H.mbuf_sz - before, 0);
}

/* ---- randomized against a model -------------------------------------------------------- */

static uint64_t rng_state;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

typedef struct Model {
    Term k[200], v[200];
    int n;
} Model;

static int model_find(const Model *md, Term key)
{
    for (int i = 0; i < md->n; i++)
        if (term_eq_exact(md->k[i], key)) return i;
    return -1;
}

static bool count_pair(Term k, Term v, void *arg)
{
    (*(int *)arg)++;
    return true;
}

TEST(randomized_against_model)
{
    heap_fresh();
    rng_state = th_seed() | 1;
    /* a universe of keys of every kind the hash handles exactly */
    Term uni[120];
    for (int i = 0; i < 60; i++) uni[i] = sm(i * 7 - 100);
    for (int i = 60; i < 75; i++) uni[i] = flt(i * 0.75);
    for (int i = 75; i < 90; i++) uni[i] = t2(sm(i), atom(i % 2 ? "odd" : "even"));
    for (int i = 90; i < 100; i++) uni[i] = big2(i % 2, (Uint)i, 3);
    for (int i = 100; i < 110; i++) {
        char s[16];
        snprintf(s, sizeof s, "b%d", i);
        uni[i] = bin_str(s);
    }
    for (int i = 110; i < 120; i++) uni[i] = str(i % 2 ? "x" : "yz");
    Model md = {.n = 0};
    Term m = map_new();
    int mismatches = 0, crossings = 0;
    bool was_flat = true;
    for (int step = 0; step < 4000; step++) {
        Term key = uni[rng() % 120], val = sm((Sint)(rng() % 1000));
        int at = model_find(&md, key);
        /* phases of 500 steps that grow and shrink the map across the 32-key limit: growing,
         * puts (60%) against removes (25%) settle near 85 of the 120 keys; shrinking, puts
         * (15%) against removes (70%) settle near 21, well below the limit whatever the seed */
        unsigned r = (unsigned)(rng() % 20), grow = (step / 500) % 2 == 0;
        switch (r < (grow ? 12u : 3u) ? 0 : r < (grow ? 15u : 6u) ? 2 : 3) {
        case 0:
            m = map_put(&H, m, key, val);
            if (at < 0) { md.k[md.n] = key; md.v[md.n] = val; md.n++; } else md.v[at] = val;
            break;
        case 2: {
            Term u = map_update(&H, m, key, val);
            if (at < 0) { mismatches += u != NONVALUE; break; }
            m = u;
            md.v[at] = val;
            break;
        }
        default:
            m = map_remove(&H, m, key);
            if (at >= 0) { md.k[at] = md.k[md.n - 1]; md.v[at] = md.v[md.n - 1]; md.n--; }
        }
        mismatches += map_size(m) != (Uint)md.n;
        mismatches += map_is_flat(m) != (md.n <= MAP_SMALL_MAP_LIMIT);
        crossings += map_is_flat(m) != was_flat;
        was_flat = map_is_flat(m);
        if (step % 50 == 0) {
            for (int i = 0; i < 120; i++) {
                Term v;
                int j = model_find(&md, uni[i]);
                bool got = map_get(m, uni[i], &v);
                mismatches += got != (j >= 0) || (got && v != md.v[j]);
            }
            /* the shape depends only on the key set: from_list of the model gives the same
             * words and the same order */
            Term f = map_from_arrays(&H, md.k, md.v, (Uint)md.n);
            mismatches += words(f) != words(m);
            Term a = map_to_list(&H, m), b = map_to_list(&H, f);
            for (; term_is_list(a) && term_is_list(b); a = list_tail(a), b = list_tail(b))
                mismatches += !term_eq_exact(list_head(a), list_head(b));
            int c = 0;
            map_foreach(m, count_pair, &c);
            mismatches += c != md.n;
        }
        if (mismatches) {
            char msg[80];
            snprintf(msg, sizeof msg, "model mismatch at step %d", step);
            th_fail(__FILE__, __LINE__, msg);
            break;
        }
    }
    CHECK(crossings >= 4);
}

int main(void)
{
    hs_init();
    heap_init(&H, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    TH_RUN(hash_matches_otp_internal_hash);
    TH_RUN(flatmap_sizes);
    TH_RUN(hashmap_sizes);
    TH_RUN(hashmap_node_census);
    TH_RUN(big_hashmap_get);
    TH_RUN(empty_maps);
    TH_RUN(to_list_order_ints);
    TH_RUN(foreach_follows_to_list);
    TH_RUN(to_list_order_key_kinds);
    TH_RUN(flatmap_key_order);
    TH_RUN(remove_converts_to_flatmap);
    TH_RUN(put_sequence);
    TH_RUN(update_and_identity);
    TH_RUN(from_list_duplicates);
    TH_RUN(from_list_rejects_bad_input);
    TH_RUN(from_arrays_like_from_list);
    TH_RUN(colliding_keys);
    TH_RUN(heap_use_follows_otp_allocations);
    TH_RUN(randomized_against_model);
    heap_destroy(&H);
    return th_done();
}
