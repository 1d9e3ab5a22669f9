/*
 * term.c: Erlang's term order (term_compare), erlang:phash2/1 (term_phash2), term_hash and
 * list_length. Every expected value was printed by OTP 25 (erl -noshell); the comment beside
 * each group gives the expression.
 */
#include "testhelp.h"

#include <stdarg.h>

#include "atom.h"
#include "hs.h"
#include "term.h"

/* ---- building terms by hand in a static arena (no heap needed) -------------------------- */

static Term arena[1 << 16];
static size_t arena_top;

static Term *take(size_t n)
{
    Term *p = arena + arena_top;
    arena_top += n;
    if (arena_top > sizeof arena / sizeof arena[0]) abort();
    return p;
}

static Term A(const char *s) { return atom_put(s, strlen(s)); }
static Term I(Sint v) { return make_small(v); }
static Term F(double d) { return float_at(take(FLOAT_SIZE), d); }

static Term T(int n, ...)
{
    Term *p = take(1 + (size_t)n);
    p[0] = make_tuple_header((Uint)n);
    va_list ap;
    va_start(ap, n);
    for (int i = 1; i <= n; i++) p[i] = va_arg(ap, Term);
    va_end(ap);
    return make_boxed(p);
}

/* A list of n elements ending in tail. */
static Term Lt(Term tail, int n, ...)
{
    Term elems[64];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) elems[i] = va_arg(ap, Term);
    va_end(ap);
    Term l = tail;
    for (int i = n - 1; i >= 0; i--) l = cons_at(take(2), elems[i], l);
    return l;
}
#define L(...) Lt(NIL, __VA_ARGS__)

static Term S(const char *s)
{
    Term l = NIL;
    for (size_t i = strlen(s); i-- > 0;) l = cons_at(take(2), I((unsigned char)s[i]), l);
    return l;
}

/* A bignum from its limbs, least significant first. */
static Term Big(bool neg, int n, ...)
{
    Term *p = take(1 + (size_t)n);
    p[0] = make_header(neg ? SUB_NEG_BIG : SUB_POS_BIG, 0, (Uint)n);
    va_list ap;
    va_start(ap, n);
    for (int i = 1; i <= n; i++) p[i] = va_arg(ap, Uint);
    va_end(ap);
    return make_boxed(p);
}

static Term Bin(const void *bytes, size_t n)
{
    Term *p = take(2 + (n + 7) / 8);
    p[0] = make_header(SUB_HEAP_BIN, 0, 1 + (n + 7) / 8);
    p[1] = n;
    memcpy(p + 2, bytes, n);
    return make_boxed(p);
}

/* A sub binary: byte offset, byte size, bit offset and bit size over orig (bin.h layout). */
static Term SubBin(Term orig, Uint offs, Uint size, unsigned bitoffs, unsigned bitsize)
{
    Term *p = take(5);
    p[0] = make_header(SUB_SUB_BIN, 0, 4);
    p[1] = size;
    p[2] = offs;
    p[3] = (Uint)bitsize | (Uint)bitoffs << 8;
    p[4] = orig;
    return make_boxed(p);
}

/* A flatmap; keys must be given in term order. */
static Term FMap(int n, const Term *keys, const Term *vals)
{
    Term kt;
    if (n) {
        Term *k = take(1 + (size_t)n);
        k[0] = make_tuple_header((Uint)n);
        memcpy(k + 1, keys, (size_t)n * sizeof(Term));
        kt = make_boxed(k);
    } else {
        kt = T(0);
    }
    Term *p = take(3 + (size_t)n);
    p[0] = make_map_header(MAP_FLAT, 0, 2 + (Uint)n);
    p[1] = (Uint)n;
    p[2] = kt;
    if (n) memcpy(p + 3, vals, (size_t)n * sizeof(Term));
    return make_boxed(p);
}

/*
 * A HAMT with these pairs, in an arbitrary but valid shape: a bitmap head whose slots hold
 * bitmap nodes of up to 16 leaves. Compare and hash do not depend on where a pair sits.
 */
static Term HMap(int n, const Term *keys, const Term *vals)
{
    int nodes = (n + 15) / 16;
    Term child[16];
    for (int c = 0; c < nodes; c++) {
        int lo = c * 16, cnt = n - lo < 16 ? n - lo : 16;
        Term *nd = take(1 + (size_t)cnt);
        nd[0] = make_map_header(MAP_NODE_BITMAP, (1u << cnt) - 1, (Uint)cnt);
        for (int i = 0; i < cnt; i++) nd[1 + i] = cons_at(take(2), keys[lo + i], vals[lo + i]);
        child[c] = make_boxed(nd);
    }
    Term *h = take(2 + (size_t)nodes);
    h[0] = make_map_header(MAP_HEAD_BITMAP, (1u << nodes) - 1, 1 + (Uint)nodes);
    h[1] = (Uint)n;
    for (int c = 0; c < nodes; c++) h[2 + c] = child[c];
    return make_boxed(h);
}

static FunEntry fe_local, fe_export, fe_export2;

static Term Fun(FunEntry *fe, unsigned nfree, const Term *env)
{
    return fun_at(take(5 + nfree), fe, make_pid(0), nfree, env);
}

static Term Ref(uint32_t n0, uint32_t n1, uint32_t n2)
{
    Term *p = take(REF_SIZE);
    p[0] = make_header(SUB_REF, REF_ORDINARY, 2);
    p[1] = (Uint)n0 | (Uint)n1 << 32;
    p[2] = n2;
    return make_boxed(p);
}

static int sgn(int v) { return (v > 0) - (v < 0); }
#define CMP(a, b, exact, want) CHECK_EQ(sgn(term_compare((a), (b), (exact))), (want))
/* Both directions, both modes. */
#define ORDER(a, b, want)                                                                      \
    do {                                                                                       \
        Term a_ = (a), b_ = (b);                                                               \
        CMP(a_, b_, false, want);                                                              \
        CMP(b_, a_, false, -(want));                                                           \
        CMP(a_, b_, true, want);                                                               \
        CMP(b_, a_, true, -(want));                                                            \
    } while (0)

/* ---- order ------------------------------------------------------------------------------ */

TEST(kinds_in_order)
{
    /* lists:sort([<<>>,[1],[],#{},{},self(),Port,fun,Ref,a,1]) keeps this order */
    Term env[1] = {I(1)};
    Term terms[] = {I(1), F(-5.0), A("a"), Ref(1, 0, 0), Fun(&fe_local, 0, env),
                    Fun(&fe_export, 0, env), make_port(3), make_pid(2), T(0), FMap(0, NULL, NULL),
                    NIL, L(1, I(1)), Bin("", 0)};
    size_t n = sizeof terms / sizeof terms[0];
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            int want = i < j ? -1 : i > j ? 1 : 0;
            if ((i == 0 && j == 1) || (i == 1 && j == 0)) want = i == 0 ? 1 : -1; /* 1 > -5.0 */
            CMP(terms[i], terms[j], false, want);
        }
    }
    CHECK_EQ(term_kind(F(1.0)), KIND_NUMBER);
    CHECK_EQ(term_kind(Big(false, 1, (Uint)1 << 60)), KIND_NUMBER);
    CHECK_EQ(term_kind(NIL), KIND_NIL);
    CHECK_EQ(term_kind(SubBin(Bin("ab", 2), 0, 1, 0, 0)), KIND_BITSTRING);
}

TEST(numbers)
{
    /* 1 == 1.0, 1 =/= 1.0; maps:keys(#{2 => a, 1.0 => b}) =:= [2,1.0]: integers first */
    CMP(I(1), F(1.0), false, 0);
    CMP(I(1), F(1.0), true, -1);
    CMP(F(1.0), I(1), true, 1);
    CMP(I(2), F(1.0), true, -1);
    CMP(I(2), F(1.0), false, 1);
    CMP(F(0.5), I(0), false, 1);
    ORDER(I(-3), I(7), -1);
    ORDER(F(-0.5), F(0.25), -1);
    CMP(F(0.0), F(-0.0), true, 0); /* 0.0 =:= -0.0 is true in OTP 25 */
    /* 1 bsl 64 == 18446744073709551616.0; -(1 bsl 64) < -(1 bsl 63); 1 bsl 59 > 1 bsl 59 - 1 */
    Term two64 = Big(false, 2, (Uint)0, (Uint)1);
    CMP(two64, F(18446744073709551616.0), false, 0);
    CMP(two64, F(18446744073709551616.0), true, -1);
    ORDER(Big(true, 2, (Uint)0, (Uint)1), Big(true, 1, (Uint)1 << 63), -1);
    ORDER(I(MAX_SMALL), Big(false, 1, (Uint)1 << 59), -1);
    ORDER(Big(true, 1, ((Uint)1 << 59) + 1), I(MIN_SMALL), -1);
    ORDER(F(1.0e300), Big(false, 2, (Uint)0, (Uint)1), 1);
}

TEST(atoms_tuples_lists)
{
    ORDER(A("a"), A("b"), -1);
    ORDER(A("ab"), A("a"), 1);
    ORDER(A("B"), A("a"), -1);
    CMP(A("same"), A("same"), true, 0);
    /* {9} < {1,1}: arity first; {1,2} < {1,3}; {a,{b,1}} < {a,{b,1.5}} */
    ORDER(T(1, I(9)), T(2, I(1), I(1)), -1);
    ORDER(T(2, I(1), I(2)), T(2, I(1), I(3)), -1);
    ORDER(T(2, A("a"), T(2, A("b"), I(1))), T(2, A("a"), T(2, A("b"), F(1.5))), -1);
    CMP(T(2, I(1), F(2.0)), T(2, I(1), I(2)), false, 0);
    CMP(T(2, I(1), F(2.0)), T(2, I(1), I(2)), true, 1);
    /* [1,2] < [1,2,3]; [1|2] < [1,2]; [] < [1]; "abc" < "abd"; [1,2] == [1.0,2] */
    ORDER(L(2, I(1), I(2)), L(3, I(1), I(2), I(3)), -1);
    ORDER(Lt(I(2), 1, I(1)), L(2, I(1), I(2)), -1);
    ORDER(NIL, L(1, I(1)), -1);
    ORDER(S("abc"), S("abd"), -1);
    CMP(L(2, I(1), I(2)), L(2, F(1.0), I(2)), false, 0);
    CMP(L(2, I(1), I(2)), L(2, F(1.0), I(2)), true, -1);
    CMP(S("hello"), S("hello"), true, 0);
}

TEST(bitstrings)
{
    static const unsigned char b123[] = {1, 2, 3}, b12[] = {1, 2}, b13[] = {1, 3};
    ORDER(Bin(b12, 2), Bin(b123, 3), -1);
    ORDER(Bin(b12, 2), Bin(b13, 2), -1);
    ORDER(Bin("", 0), Bin(b12, 2), -1);
    /* <<1,2:3>> > <<1,2>>; <<1,2:3>> > <<1,3>> (010 vs 000) */
    static const unsigned char b1_2x3[] = {1, 2u << 5};
    Term bits = SubBin(Bin(b1_2x3, 2), 0, 1, 0, 3);
    ORDER(bits, Bin(b12, 2), 1);
    ORDER(bits, Bin(b13, 2), 1);
    /* the same bits at a bit offset: <<_:3, X/bitstring>> = <<255,1,2,3,4,5>> gives
     * X = <<248,8,16,24,32,5:5>> */
    static const unsigned char src[] = {255, 1, 2, 3, 4, 5}, want[] = {248, 8, 16, 24, 32, 5u << 3, 0};
    Term shifted = SubBin(Bin(src, 6), 0, 5, 3, 5);
    Term aligned = SubBin(Bin(want, 6), 0, 5, 0, 5);
    CMP(shifted, aligned, true, 0);
    static const unsigned char want_hi[] = {248, 8, 16, 24, 33, 0};
    ORDER(shifted, SubBin(Bin(want_hi, 6), 0, 5, 0, 5), -1);
}

TEST(maps)
{
    Term ka[] = {A("a")}, kb[] = {A("b")}, kab[] = {A("a"), A("b")};
    Term v1[] = {I(1)}, v2[] = {I(2)}, v12[] = {I(1), I(2)}, vf[] = {F(1.0)};
    /* #{a=>1} < #{a=>1,b=>2} (size); #{a=>2} < #{b=>1} (keys); #{a=>1} < #{a=>2} (values) */
    ORDER(FMap(1, ka, v1), FMap(2, kab, v12), -1);
    ORDER(FMap(1, ka, v2), FMap(1, kb, v1), -1);
    ORDER(FMap(1, ka, v1), FMap(1, ka, v2), -1);
    /* #{a=>1} == #{a=>1.0}, but not =:=; #{1=>a} /= #{1.0=>a} and #{1=>a} < #{1.0=>a} */
    CMP(FMap(1, ka, v1), FMap(1, ka, vf), false, 0);
    CMP(FMap(1, ka, v1), FMap(1, ka, vf), true, -1);
    Term k1[] = {I(1)}, k1f[] = {F(1.0)}, va[] = {A("a")};
    ORDER(FMap(1, k1, va), FMap(1, k1f, va), -1);
    /* #{1.0 => a} > #{2 => a}: keys compare exactly, integers before floats */
    Term k2[] = {I(2)};
    ORDER(FMap(1, k1f, va), FMap(1, k2, va), 1);
    /* Hashmaps (40 keys): equal whatever the layout; the smallest differing key decides. */
    Term keys[40], vals[40], rkeys[40], rvals[40];
    for (int i = 0; i < 40; i++) {
        keys[i] = I(i + 1);
        vals[i] = I(2 * (i + 1));
        rkeys[39 - i] = keys[i];
        rvals[39 - i] = vals[i];
    }
    Term m = HMap(40, keys, vals), mr = HMap(40, rkeys, rvals);
    CMP(m, mr, true, 0);
    /* key 40 -> 41: M1 = #{1..40}, M2 = #{1..39, 41}: M1 < M2 */
    keys[39] = I(41);
    ORDER(HMap(40, rkeys, rvals), HMap(40, keys, vals), -1);
    keys[39] = I(40);
    /* value of key 7 bigger: map with it is bigger, even when a larger key's value is smaller */
    vals[6] = I(1000);
    vals[30] = I(-1);
    ORDER(HMap(40, keys, vals), mr, 1);
    /* values compare with ==: a float value equal to the integer is == but not =:= */
    vals[6] = F(14.0);
    vals[30] = I(62);
    CMP(HMap(40, keys, vals), mr, false, 0);
    CMP(HMap(40, keys, vals), mr, true, 1);
}

TEST(refs_funs_pids_ports)
{
    /* list_to_ref("#Ref<0.1.2.3>") > list_to_ref("#Ref<0.0.0.5>"): most significant first */
    ORDER(Ref(5, 0, 0), Ref(3, 2, 1), -1);
    ORDER(Ref(5, 0, 0), Ref(6, 0, 0), -1);
    CMP(Ref(1, 2, 3), Ref(1, 2, 3), true, 0);
    ORDER(make_pid(80), make_pid(81), -1);
    ORDER(make_port(1), make_port(0), 1);
    /* (fun() -> ok end) < fun lists:map/2; fun lists:map/2 < fun lists:map/3 < fun m:a/0 */
    Term e1[] = {I(1)}, e2[] = {I(2)};
    ORDER(Fun(&fe_local, 0, NULL), Fun(&fe_export, 0, NULL), -1);
    ORDER(Fun(&fe_local, 1, e1), Fun(&fe_local, 1, e2), -1);
    CMP(Fun(&fe_local, 1, e1), Fun(&fe_local, 1, e1), true, 0);
    ORDER(Fun(&fe_local, 0, NULL), Fun(&fe_local, 1, e1), -1);
    ORDER(Fun(&fe_export, 0, NULL), Fun(&fe_export2, 0, NULL), -1);
}

TEST(long_and_deep)
{
    /* A million-element list and a million-deep nesting: no C recursion. */
    const size_t n = 1000000;
    Term *cells = malloc(4 * n * sizeof(Term));
    Term la = NIL, lb = NIL;
    for (size_t i = 0; i < n; i++) {
        la = cons_at(cells + 2 * i, I((Sint)(n - i)), la);
        lb = cons_at(cells + 2 * (n + i), I(i == 0 ? (Sint)n + 1 : (Sint)(n - i)), lb);
    }
    CMP(la, lb, true, -1); /* they differ in the last element only */
    CMP(la, la, false, 0);
    CHECK_EQ(list_length(la), (Sint)n);
    Term da = NIL, db = NIL;
    for (size_t i = 0; i < n; i++) {
        da = cons_at(cells + 2 * i, da, NIL);
        db = cons_at(cells + 2 * (n + i), i == 0 ? I(0) : db, NIL);
    }
    CMP(da, db, false, 1); /* [] (nil) vs 0 (number) at the bottom */
    CHECK(term_phash2(da) < (1u << 27));
    free(cells);
}

TEST(list_length_cases)
{
    CHECK_EQ(list_length(NIL), 0);
    CHECK_EQ(list_length(L(3, I(1), I(2), I(3))), 3);
    CHECK_EQ(list_length(Lt(I(2), 1, I(1))), -1);
    CHECK_EQ(list_length(I(5)), -1);
}

/* ---- phash2 ----------------------------------------------------------------------------- */

TEST(phash2_numbers_atoms)
{
    /* erlang:phash2/1 of each */
    CHECK_EQ(term_phash2(I(0)), 88723725);
    CHECK_EQ(term_phash2(I(1)), 2614250);
    CHECK_EQ(term_phash2(I(-1)), 44071773);
    CHECK_EQ(term_phash2(I(255)), 44734653);
    CHECK_EQ(term_phash2(I(256)), 37021655);
    CHECK_EQ(term_phash2(I((1 << 27) - 1)), 112602999);
    CHECK_EQ(term_phash2(I(1 << 27)), 12354923);
    CHECK_EQ(term_phash2(I(-(1 << 27))), 69672967);
    CHECK_EQ(term_phash2(I(-(1 << 27) - 1)), 76739502);
    CHECK_EQ(term_phash2(I(MAX_SMALL)), 27520264);
    CHECK_EQ(term_phash2(I(MIN_SMALL)), 35173814);
    CHECK_EQ(term_phash2(Big(false, 1, (Uint)1 << 59)), 26969617);
    CHECK_EQ(term_phash2(Big(false, 2, (Uint)0, (Uint)1)), 103122609);
    CHECK_EQ(term_phash2(Big(true, 2, (Uint)0, (Uint)1)), 13457787);
    CHECK_EQ(term_phash2(Big(false, 2, (Uint)0, (Uint)1 << 36)), 126219984);
    /* 123456789012345678901234567890 */
    CHECK_EQ(term_phash2(Big(false, 2, (Uint)0xC373E0EE4E3F0AD2ull, (Uint)0x18EE90FF6ull)), 132143600);
    CHECK_EQ(term_phash2(F(0.0)), 20875736);
    CHECK_EQ(term_phash2(F(-0.0)), 20875736);
    CHECK_EQ(term_phash2(F(1.0)), 77147068);
    CHECK_EQ(term_phash2(F(-2.5)), 63894875);
    CHECK_EQ(term_phash2(F(1.0e300)), 119088650);
    CHECK_EQ(term_phash2(F(5.0e-324)), 107647591);
    CHECK_EQ(term_phash2(A("a")), 97);
    CHECK_EQ(term_phash2(A("B")), 66);
    CHECK_EQ(term_phash2(A("")), 0);
    CHECK_EQ(term_phash2(A("hello world")), 18131988);
    CHECK_EQ(term_phash2(A("\xc3\xa9")), 233);  /* list_to_atom([233]) */
    CHECK_EQ(term_phash2(A("\xcf\xa8")), 3480); /* list_to_atom([1000]) */
}

TEST(phash2_compound)
{
    CHECK_EQ(term_phash2(NIL), 113427502);
    CHECK_EQ(term_phash2(L(1, NIL)), 96416884);
    CHECK_EQ(term_phash2(S("a")), 49011133);
    CHECK_EQ(term_phash2(S("abc")), 117343302);
    CHECK_EQ(term_phash2(S("abcd")), 7922743);
    CHECK_EQ(term_phash2(S("abcde")), 71169904);
    CHECK_EQ(term_phash2(L(1, I(256))), 73608398);
    CHECK_EQ(term_phash2(Lt(I(2), 1, I(1))), 86124794);
    CHECK_EQ(term_phash2(L(2, A("a"), A("b"))), 9075654);
    CHECK_EQ(term_phash2(Lt(A("c"), 8, I(1), A("a"), I(2), I(3), I(4), I(5), I(6), A("b"))), 87386850);
    CHECK_EQ(term_phash2(T(0)), 87486268);
    CHECK_EQ(term_phash2(T(1, A("a"))), 35332806);
    CHECK_EQ(term_phash2(T(3, A("a"), A("b"), A("c"))), 113425870);
    CHECK_EQ(term_phash2(T(1, T(0))), 17560713);
}

TEST(phash2_binaries)
{
    static const unsigned char b123[] = {1, 2, 3}, b1[] = {1}, b12_5[] = {1, 2, 5u << 4};
    CHECK_EQ(term_phash2(Bin("", 0)), 13708901);
    CHECK_EQ(term_phash2(Bin(b1, 1)), 76691218);
    CHECK_EQ(term_phash2(Bin(b123, 3)), 6479071);
    CHECK_EQ(term_phash2(Bin("0123456789abcdef0123", 20)), 95994519);
    static const unsigned char one3[] = {1u << 5};
    CHECK_EQ(term_phash2(SubBin(Bin(one3, 1), 0, 0, 0, 3)), 73037028); /* <<1:3>> */
    CHECK_EQ(term_phash2(SubBin(Bin(b12_5, 3), 0, 2, 0, 4)), 93257328); /* <<1,2,5:4>> */
    /* <<_:3, Sub/bitstring>> = <<255,1,2,3,4,5>>: Sub = <<248,8,16,24,32,5:5>> */
    static const unsigned char src[] = {255, 1, 2, 3, 4, 5};
    CHECK_EQ(term_phash2(SubBin(Bin(src, 6), 0, 5, 3, 5)), 54205473);
}

TEST(phash2_maps)
{
    CHECK_EQ(term_phash2(FMap(0, NULL, NULL)), 39679005);
    Term ka[] = {A("a")}, v1[] = {I(1)};
    CHECK_EQ(term_phash2(FMap(1, ka, v1)), 59617982);
    Term k2[] = {I(1), A("b")}, v2[] = {A("a"), L(1, I(1))};
    CHECK_EQ(term_phash2(FMap(2, k2, v2)), 96829316);
    /* maps:from_list([{I, I*2} || I <- lists:seq(1,40)]) and #{k => that} */
    Term keys[40], vals[40];
    for (int i = 0; i < 40; i++) {
        keys[39 - i] = I(i + 1);
        vals[39 - i] = I(2 * (i + 1));
    }
    Term big = HMap(40, keys, vals);
    CHECK_EQ(term_phash2(big), 78051415);
    Term kk[] = {A("k")}, vv[] = {big};
    CHECK_EQ(term_phash2(FMap(1, kk, vv)), 76586343);
}

TEST(phash2_pids_ports_refs_funs)
{
    CHECK_EQ(term_phash2(make_pid(80)), 64285637);
    CHECK_EQ(term_phash2(make_pid(0)), 39589991);
    CHECK_EQ(term_phash2(make_port(7)), 101549390);
    CHECK_EQ(term_phash2(Ref(5, 0, 0)), 23297808); /* list_to_ref("#Ref<0.0.0.5>") */
    CHECK_EQ(term_phash2(Ref(3, 2, 1)), 75004615); /* list_to_ref("#Ref<0.1.2.3>") */
    CHECK_EQ(term_phash2(Fun(&fe_export, 0, NULL)), 34981515); /* fun lists:map/2 */
    FunEntry foo = {A("Foo"), A("Bar"), 0, 0, 0, 1, NULL};
    CHECK_EQ(term_phash2(Fun(&foo, 0, NULL)), 97439268);
    /* In module t3: F0 = fun() -> ok end (index 0, uniq 54877227): phash2 110378656 */
    FunEntry f0 = {A("t3"), A("-main/0-fun-0-"), 0, 0, 54877227, 0, NULL};
    CHECK_EQ(term_phash2(Fun(&f0, 0, NULL)), 110378656);
    /* In module t4: mk(X, Y) -> {fun() -> X end, fun() -> {X, Y} end}, mk(42, yy): index 0
     * and 1, uniq 12437973, env [42] and [42,yy]: phash2 110177776 and 39164113 */
    FunEntry g0 = {A("t4"), A("-mk/2-fun-0-"), 0, 0, 12437973, 0, NULL};
    FunEntry g1 = {A("t4"), A("-mk/2-fun-1-"), 0, 1, 12437973, 0, NULL};
    Term env[] = {I(42), A("yy")};
    CHECK_EQ(term_phash2(Fun(&g0, 1, env)), 110177776);
    CHECK_EQ(term_phash2(Fun(&g1, 2, env)), 39164113);
    ORDER(Fun(&g0, 1, env), Fun(&g1, 2, env), -1);
}

/* ---- term_hash -------------------------------------------------------------------------- */

TEST(term_hash_consistent_with_exact_equality)
{
    CHECK_EQ(term_hash(F(0.0), 7), term_hash(F(-0.0), 7));
    CHECK(term_hash(I(1), 0) != term_hash(F(1.0), 0));
    static const unsigned char src[] = {255, 1, 2, 3, 4, 5}, want[] = {248, 8, 16, 24, 32, 5u << 3};
    CHECK_EQ(term_hash(SubBin(Bin(src, 6), 0, 5, 3, 5), 3), term_hash(SubBin(Bin(want, 6), 0, 5, 0, 5), 3));
    Term keys[40], vals[40], rk[40], rv[40];
    for (int i = 0; i < 40; i++) {
        keys[i] = rk[39 - i] = I(i);
        vals[i] = rv[39 - i] = A(i % 2 ? "odd" : "even");
    }
    CHECK_EQ(term_hash(HMap(40, keys, vals), 11), term_hash(HMap(40, rk, rv), 11));
    CHECK(term_hash(S("abc"), 1) != term_hash(S("abc"), 2));
}

TEST(term_hash_distribution)
{
    /* 2^16 consecutive integers and 2^16 short strings into 1024 buckets: no bucket should be
     * far from the mean of 64. */
    static unsigned buckets[1024];
    for (int round = 0; round < 2; round++) {
        memset(buckets, 0, sizeof buckets);
        size_t mark = arena_top;
        for (int i = 0; i < 65536; i++) {
            char s[16];
            snprintf(s, sizeof s, "k%d", i);
            Term t = round == 0 ? I(i) : S(s);
            buckets[term_hash(t, 0) & 1023]++;
            arena_top = mark;
        }
        unsigned lo = ~0u, hi = 0;
        for (int b = 0; b < 1024; b++) {
            if (buckets[b] < lo) lo = buckets[b];
            if (buckets[b] > hi) hi = buckets[b];
        }
        CHECK(lo >= 30);
        CHECK(hi <= 110);
    }
}

int main(void)
{
    hs_init();
    fe_local = (FunEntry){A("t3"), A("-main/0-fun-0-"), 0, 0, 54877227, 0, NULL};
    fe_export = (FunEntry){A("lists"), A("map"), 2, 0, 0, 1, NULL};
    fe_export2 = (FunEntry){A("lists"), A("map"), 3, 0, 0, 1, NULL};
    TH_RUN(kinds_in_order);
    TH_RUN(numbers);
    TH_RUN(atoms_tuples_lists);
    TH_RUN(bitstrings);
    TH_RUN(maps);
    TH_RUN(refs_funs_pids_ports);
    TH_RUN(long_and_deep);
    TH_RUN(list_length_cases);
    TH_RUN(phash2_numbers_atoms);
    TH_RUN(phash2_compound);
    TH_RUN(phash2_binaries);
    TH_RUN(phash2_maps);
    TH_RUN(phash2_pids_ports_refs_funs);
    TH_RUN(term_hash_consistent_with_exact_equality);
    TH_RUN(term_hash_distribution);
    return th_done();
}
