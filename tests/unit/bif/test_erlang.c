/*
 * test_erlang.c — erlang BIFs and the external term format where a table of ~w outcomes
 * (test_bif_cases.c) cannot look: side effects on the process, identity (refs, pids, time),
 * exact bytes for pids and ports, terms too deep or too large to write down, and the heap forms
 * results take. Expected bytes come from erl 25 (quoted beside each check).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "atom.h"
#include "bif/bif.h"
#include "bignum.h"
#include "bin.h"
#include "copy.h"
#include "etf.h"
#include "gc.h"
#include "hs.h"
#include "literal.h"
#include "map.h"
#include "testhelp.h"

static Process proc;

static void setup(void)
{
    memset(&proc, 0, sizeof proc);
    heap_init(&proc.heap, 233, 65535);
    proc.pid = make_pid(9);
}
static void teardown(void) { heap_destroy(&proc.heap); }

static Term call(const char *m, const char *f, unsigned n, const Term *args)
{
    const BifDef *d = bif_lookup(atom_put(m, strlen(m)), atom_put(f, strlen(f)), n);
    if (!d) {
        printf("no BIF %s:%s/%u\n", m, f, n);
        abort();
    }
    return d->fn(&proc, args);
}
static Term call1(const char *f, Term a) { return call("erlang", f, 1, &a); }
static Term call2(const char *f, Term a, Term b)
{
    Term args[2] = {a, b};
    return call("erlang", f, 2, args);
}

static Term atom(const char *s) { return atom_put(s, strlen(s)); }

static Term t2b(Term t) { return call1("term_to_binary", t); }
static Term b2t(Term b) { return call1("binary_to_term", b); }

/* The bytes of a binary term (byte aligned). */
static const unsigned char *bytes(Term b, Uint *n)
{
    static unsigned char buf[1 << 16];
    BinView v;
    if (!bin_view(b, &v)) return NULL;
    *n = v.bit_size / 8;
    if (*n > sizeof buf) {
        *n = sizeof buf;
    }
    bin_copy_bits(v.base, v.bit_offset, buf, 0, *n * 8);
    return buf;
}

static bool bytes_are(Term b, const unsigned char *want, size_t n)
{
    Uint got;
    const unsigned char *d = bytes(b, &got);
    return d && got == n && memcmp(d, want, n) == 0;
}

TEST(garbage_collect_asks_the_vm_for_a_major)
{
    setup();
    CHECK(call("erlang", "garbage_collect", 0, NULL) == AM(true));
    CHECK(proc.heap.flags & HEAP_NEED_FULLSWEEP);
    CHECK(proc.heap.flags & HEAP_FORCE_GC);
    teardown();
}

/* erl: [erlang:phash2(T,R) || T <- [foo, {1,2}, "abc", 12345678901234567890],
 *                             R <- [7, 1000, 1 bsl 32, 1 bsl 28]] */
TEST(phash2_ranges)
{
    setup();
    static const long long want[] = {6, 999, 27999, 27999, 3, 950, 4118095950LL, 91564110,
                                     2, 486, 519996486, 251561030, 6, 509, 4008297509LL, 250201125};
    Term *hp = heap_halloc(&proc.heap, 3 + 6);
    hp[0] = make_tuple_header(2);
    hp[1] = make_small(1);
    hp[2] = make_small(2);
    Term abc = NIL;
    for (int i = 2; i >= 0; i--) abc = cons_at(hp + 3 + 2 * i, make_small("abc"[i]), abc);
    Term big = int_from_string(&proc.heap, "12345678901234567890", 20, 10);
    Term terms[4] = {atom("foo"), make_boxed(hp), abc, big};
    Sint ranges[4] = {7, 1000, (Sint)1 << 32, (Sint)1 << 28};
    int k = 0;
    for (int t = 0; t < 4; t++)
        for (int r = 0; r < 4; r++) {
            Term v = call2("phash2", terms[t], make_small(ranges[r]));
            CHECK(term_is_small(v));
            CHECK_EQ(small_val(v), want[k]);
            k++;
        }
    teardown();
}

TEST(identity)
{
    setup();
    CHECK(call("erlang", "self", 0, NULL) == make_pid(9));
    CHECK(call("erlang", "node", 0, NULL) == AM(nonode_nohost));
    Term r1 = call("erlang", "make_ref", 0, NULL), r2 = call("erlang", "make_ref", 0, NULL);
    CHECK(term_is_ref(r1) && term_is_ref(r2));
    CHECK(!term_eq_exact(r1, r2));
    CHECK(call1("is_reference", r1) == AM(true));
    CHECK_EQ(size_object(r1), 3);
    /* a ref survives the external format */
    CHECK(term_eq_exact(b2t(t2b(r1)), r1));
    teardown();
}

TEST(time_bifs)
{
    setup();
    Term s = call1("system_time", atom("second"));
    CHECK(term_is_small(s));
    Sint now = (Sint)time(NULL);
    CHECK(small_val(s) >= now - 2 && small_val(s) <= now + 2);
    Term ms = call1("system_time", atom("millisecond"));
    CHECK(small_val(ms) / 1000 >= now - 2 && small_val(ms) / 1000 <= now + 2);
    Term a = call("erlang", "monotonic_time", 0, NULL);
    Term b = call("erlang", "monotonic_time", 0, NULL);
    CHECK(term_is_integer(a) && term_compare(a, b, false) <= 0);
    Term per = call1("monotonic_time", make_small(1000)); /* parts per second */
    Term milli = call1("monotonic_time", atom("millisecond"));
    CHECK(small_val(milli) - small_val(per) >= 0 && small_val(milli) - small_val(per) < 1000);
    CHECK(call1("monotonic_time", make_small(0)) == NONVALUE);
    CHECK(proc.exc.reason == AM(badarg));
    teardown();
}

TEST(exceptions)
{
    setup();
    CHECK(call1("throw", atom("x")) == NONVALUE);
    CHECK(proc.exc.class == AM(throw) && proc.exc.reason == atom("x"));
    Term arglist = call1("tuple_to_list", call2("make_tuple", make_small(2), make_small(7)));
    CHECK(call2("error", atom("r"), arglist) == NONVALUE);
    CHECK(proc.exc.class == AM(error) && proc.exc.args == arglist);
    CHECK(call2("error", atom("r"), atom("none")) == NONVALUE && proc.exc.args == NIL);
    /* raise/3 keeps the given stack trace */
    Term *hp = heap_halloc(&proc.heap, 5 + 2);
    hp[0] = make_tuple_header(4);
    hp[1] = atom("m");
    hp[2] = atom("f");
    hp[3] = make_small(1);
    hp[4] = NIL;
    Term st = cons_at(hp + 5, make_boxed(hp), NIL);
    Term args[3] = {AM(exit), atom("why"), st};
    CHECK(call("erlang", "raise", 3, args) == NONVALUE);
    CHECK(proc.exc.class == AM(exit) && proc.exc.reason == atom("why") && proc.exc.stacktrace == st);
    args[0] = atom("oops"); /* a bad class: raise returns badarg, it does not raise */
    CHECK(call("erlang", "raise", 3, args) == AM(badarg));
    teardown();
}

/* erl: term_to_binary(<0.9.0>) and term_to_binary(hd(erlang:ports())) (#Port<0.0>). */
TEST(pid_and_port_bytes)
{
    setup();
    static const unsigned char pid[] = {131, 88, 100, 0, 13, 'n', 'o', 'n', 'o', 'd', 'e', '@', 'n', 'o', 'h', 'o',
                                        's', 't', 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0};
    static const unsigned char port[] = {131, 89, 100, 0, 13, 'n', 'o', 'n', 'o', 'd', 'e', '@', 'n', 'o', 'h', 'o',
                                         's', 't', 0, 0, 0, 0, 0, 0, 0, 0};
    CHECK(bytes_are(t2b(make_pid(9)), pid, sizeof pid));
    CHECK(bytes_are(t2b(make_port(0)), port, sizeof port));
    CHECK(b2t(t2b(make_pid(9))) == make_pid(9));
    CHECK(b2t(t2b(make_port(77))) == make_port(77));
    teardown();
}

/* A local fun: NEW_FUN_EXT whose size field covers the whole encoding, free variables too. */
TEST(local_fun_encoding)
{
    setup();
    static FunEntry fe;
    fe.module = atom("probe2");
    fe.name = atom("-main/0-fun-0-");
    fe.arity = 0;
    fe.index = 0;
    fe.uniq = 65243344;
    Term env[2] = {make_small(1), atom("free")};
    Term f = fun_at(heap_halloc(&proc.heap, FUN_BASE_SIZE + 2), &fe, make_pid(9), 2, env);
    Uint n;
    const unsigned char *d = bytes(t2b(f), &n);
    CHECK(d[0] == 131 && d[1] == 112);
    uint32_t size = (uint32_t)d[2] << 24 | (uint32_t)d[3] << 16 | (uint32_t)d[4] << 8 | d[5];
    CHECK_EQ(size, n - 2); /* the size counts itself, not the version byte or the tag */
    /* erl: arity 0, 16-byte uniq, index 0, numfree 2, module 'probe2' as ATOM_EXT */
    CHECK(d[6] == 0 && d[23] == 0 && d[26] == 0 && d[30] == 2 && d[31] == 100);
    /* free variables come last: 97,1 then ATOM_EXT 'free' */
    CHECK(d[n - 9] == 97 && d[n - 8] == 1 && d[n - 7] == 100 && memcmp(d + n - 4, "free", 4) == 0);
    /* we cannot rebuild a local fun without the code loader: badarg, not a crash */
    CHECK(b2t(t2b(f)) == NONVALUE && proc.exc.reason == AM(badarg));
    teardown();
}

/* STRING_EXT holds at most 65535 bytes; a longer list of bytes is a LIST_EXT. */
TEST(string_ext_limit)
{
    setup();
    for (Uint len = 65535; len <= 65536; len++) {
        Term l = NIL;
        Term *hp = heap_halloc(&proc.heap, 2 * len);
        for (Uint i = 0; i < len; i++) l = cons_at(hp + 2 * i, make_small(1), l);
        Term b = t2b(l);
        Uint n;
        const unsigned char *d = bytes(b, &n);
        if (len == 65535) {
            CHECK(d[1] == 107 && d[2] == 255 && d[3] == 255);
            CHECK_EQ(bin_byte_size(b), 4 + 65535);
        } else {
            CHECK(d[1] == 108 && d[2] == 0 && d[3] == 1 && d[4] == 0 && d[5] == 0);
            CHECK_EQ(bin_byte_size(b), 1 + 5 + 2 * 65536 + 1);
        }
        CHECK(term_eq_exact(b2t(b), l));
    }
    teardown();
}

/* A million levels of nesting: no C recursion anywhere on the way. */
TEST(deep_terms)
{
    setup();
    const Uint depth = 1000000;
    Term *hp = heap_halloc(&proc.heap, 2 * depth + 2 * depth);
    Term l = NIL, t = atom("x");
    for (Uint i = 0; i < depth; i++) l = cons_at(hp + 2 * i, l, NIL);
    Term *tp = hp + 2 * depth;
    for (Uint i = 0; i < depth; i++, tp += 2) {
        tp[0] = make_tuple_header(1);
        tp[1] = t;
        t = make_boxed(tp);
    }
    Term bl = t2b(l), bt = t2b(t);
    CHECK_EQ(bin_byte_size(bl), 1 + depth * 6 + 1); /* LIST_EXT n=1 per level, then NIL_EXT */
    CHECK_EQ(bin_byte_size(bt), 1 + depth * 2 + 4);  /* SMALL_TUPLE_EXT 1, ATOM_EXT "x" */
    CHECK(term_eq_exact(b2t(bl), l));
    CHECK(term_eq_exact(b2t(bt), t));
    /* a deep iolist */
    Term io = NIL;
    Term *ip = heap_halloc(&proc.heap, 4 * depth);
    for (Uint i = 0; i < depth; i++, ip += 4) io = cons_at(ip, make_small(7), cons_at(ip + 2, io, NIL));
    Term sz = call1("iolist_size", io);
    CHECK(sz == make_small((Sint)depth));
    teardown();
}

/* Binaries over 64 bytes are refc binaries, decoded ones too; pieces of them are sub binaries. */
TEST(binary_forms)
{
    setup();
    unsigned char data[200];
    for (int i = 0; i < 200; i++) data[i] = (unsigned char)i;
    Term big = bin_new(&proc.heap, data, 200);
    Term back = b2t(t2b(big));
    CHECK(term_is_refc_bin(back));
    CHECK(term_eq_exact(back, big));
    Term args[3] = {big, make_small(3), make_small(100)};
    Term part = call("erlang", "binary_part", 3, args);
    CHECK(term_is_sub_bin(part) && bin_byte_size(part) == 100);
    Term small_args[3] = {big, make_small(3), make_small(10)};
    CHECK(term_is_sub_bin(call("erlang", "binary_part", 3, small_args))); /* as OTP 25 */
    Term sp = call2("split_binary", part, make_small(1));
    CHECK(term_is_sub_bin(tuple_elem(sp, 1)) && sub_bin_orig(tuple_elem(sp, 1)) == big);
    CHECK(sub_bin_offs(tuple_elem(sp, 2)) == 4 && bin_byte_size(tuple_elem(sp, 2)) == 99);
    /* an unaligned bitstring (bits 3..) encodes with its own bytes */
    Term odd = bin_extract(&proc.heap, big, 3, 8 * 4 + 5);
    Uint n;
    const unsigned char *d = bytes(t2b(odd), &n);
    /* erl: term_to_binary(<<_:3, X:37/bits, _/bits>> = list_to_binary(lists:seq(0,199))) of X */
    static const unsigned char want[] = {131, 77, 0, 0, 0, 5, 5, 0, 8, 16, 24, 32};
    CHECK(n == sizeof want && memcmp(d, want, n) == 0);
    CHECK(term_eq_exact(b2t(t2b(odd)), odd));
    teardown();
}

/* '--' on long lists stays fast (no n*m scan) and keeps OTP's order. */
TEST(subtract_long_lists)
{
    setup();
    const Uint n = 200000;
    Term *hp = heap_halloc(&proc.heap, 4 * n);
    Term a = NIL, b = NIL;
    for (Uint i = n; i-- > 0;) a = cons_at(hp + 2 * i, make_small((Sint)(i % 1000)), a);
    for (Uint i = 0; i < n / 2; i++) b = cons_at(hp + 2 * n + 2 * i, make_small((Sint)(i % 1000)), b);
    clock_t c0 = clock();
    Term r = call2("--", a, b);
    double secs = (double)(clock() - c0) / CLOCKS_PER_SEC;
    CHECK(secs < 5.0);
    CHECK_EQ(list_length(r), (Sint)(n / 2));
    /* each value 0..999 occurred 200 times and 100 of each were removed, the first ones */
    CHECK(list_head(r) == make_small(0));
    teardown();
}

/* binary_to_term/2 [used] counts the version byte; trailing bytes are allowed. */
TEST(binary_to_term_used)
{
    setup();
    unsigned char in[] = {131, 104, 2, 97, 1, 106, 0xEE, 0xFF};
    size_t used = 0;
    Term t = etf_decode(&proc.heap, in, sizeof in, false, &used);
    CHECK(t != NONVALUE && used == 6);
    CHECK(etf_decode(&proc.heap, in, 5, false, &used) == NONVALUE);
    teardown();
}

/* Decoding garbage never crashes: every prefix and every single-byte change of a rich term. */
TEST(decode_mutations)
{
    setup();
    Term *hp = heap_halloc(&proc.heap, 12);
    hp[0] = make_tuple_header(3);
    hp[1] = atom("abc");
    hp[2] = cons_at(hp + 4, make_small(1000), cons_at(hp + 6, float_at(hp + 8, 1.5), NIL));
    hp[3] = make_small(-5);
    Term t = make_boxed(hp);
    unsigned char *enc;
    size_t n;
    EtfEncodeOpts o = ETF_ENCODE_DEFAULT;
    CHECK(etf_encode_bytes(t, &o, &enc, &n));
    int decoded = 0;
    for (size_t k = 0; k < n; k++) {
        if (etf_decode(&proc.heap, enc, k, false, NULL) != NONVALUE) decoded++;
        for (unsigned v = 0; v < 256; v++) {
            unsigned char save = enc[k];
            enc[k] = (unsigned char)v;
            (void)etf_decode(&proc.heap, enc, n, k % 2 == 0, NULL);
            enc[k] = save;
        }
    }
    CHECK_EQ(decoded, 0);
    CHECK(term_eq_exact(etf_decode(&proc.heap, enc, n, false, NULL), t));
    free(enc);
    teardown();
}

/* [compressed]: zlib's bytes as OTP's, and only when smaller (erl 25 outputs quoted). Without
 * zlib in the build, compressing is badarg and so is compressed input. */
TEST(compressed)
{
    setup();
    Term l = NIL, seq = NIL;
    Term *hp = heap_halloc(&proc.heap, 400);
    for (int i = 0; i < 100; i++) l = cons_at(hp + 2 * i, make_small(7), l);
    for (int i = 50; i >= 1; i--) seq = cons_at(hp + 200 + 2 * i, make_small(i), seq);
    Term comp = atom("compressed");
    Term opts = cons_at(heap_halloc(&proc.heap, 2), comp, NIL);
    static const unsigned char want[] = {131, 80, 0, 0, 0, 103, 120, 156, 203, 102, 72, 97, 167, 3, 0, 0, 220, 254, 3, 140};
#ifdef HS_HAVE_ZLIB
    Term b = call2("term_to_binary", l, opts);
    CHECK(bytes_are(b, want, sizeof want));
    CHECK(term_eq_exact(b2t(b), l));
    /* not smaller compressed: the plain encoding */
    Term plain = t2b(seq);
    CHECK(term_eq_exact(call2("term_to_binary", seq, opts), plain));
#else
    CHECK(call2("term_to_binary", l, opts) == NONVALUE && proc.exc.reason == AM(badarg));
    Term b = bin_new(&proc.heap, want, sizeof want);
    CHECK(b2t(b) == NONVALUE);
#endif
    teardown();
}

static Term call3(const char *m, const char *f, Term a, Term b, Term c)
{
    Term args[3] = {a, b, c};
    return call(m, f, 3, args);
}

/* A local fun as OTP 25 made it: module, index and old_uniq from erl's fun_info. */
static Term local_fun(FunEntry *fe, const char *mod, const char *name, unsigned arity,
                      unsigned index, uint32_t uniq, unsigned nfree, const Term *env)
{
    fe->module = atom(mod);
    fe->name = atom(name);
    fe->arity = arity;
    fe->index = index;
    fe->uniq = uniq;
    fe->is_export = 0;
    return fun_at(heap_halloc(&proc.heap, FUN_BASE_SIZE + nfree), fe, make_pid(9), nfree, env);
}

static long long phash32(Term t)
{
    Term v = call2("phash", t, make_small((Sint)1 << 32));
    return term_is_small(v) ? (long long)small_val(v) : -1;
}

/* phash/2 where the ETF cases cannot go: unaligned bitstrings, local funs, very deep terms. */
TEST(phash_old_hash)
{
    setup();
    /* erl: <<_:3, X:37/bits, _/bits>> = <<1,2,3,4,5,6,7>>, erlang:phash(X, 1 bsl 32) */
    static const unsigned char b7[] = {1, 2, 3, 4, 5, 6, 7}, b4[] = {255, 1, 2, 3};
    CHECK_EQ(phash32(bin_extract(&proc.heap, bin_new(&proc.heap, b7, 7), 3, 37)), 994536379);
    /* <<_:5, Y:16/bits, _/bits>> = <<255,1,2,3>> */
    CHECK_EQ(phash32(bin_extract(&proc.heap, bin_new(&proc.heap, b4, 4), 5, 16)), 722264003);
    /* fi3:mk(7, [x]) = fun(X) -> {X, A, B} end: index 0, uniq 61732204, env [7,[x]] */
    static FunEntry fe1, fe2;
    Term x = cons_at(heap_halloc(&proc.heap, 2), atom("x"), NIL);
    Term env[2] = {make_small(7), x};
    CHECK_EQ(phash32(local_fun(&fe1, "fi3", "-mk/2-fun-0-", 1, 0, 61732204, 2, env)), 3630566004LL);
    /* fi3's fun() -> ok end: index 1, no free variables */
    CHECK_EQ(phash32(local_fun(&fe2, "fi3", "-main/0-fun-0-", 0, 1, 61732204, 0, NULL)), 1890251833);
    /* 100000 nested lists / tuples: lists:foldl(fun(_, A) -> [A] end, [], lists:seq(1, 100000)) */
    Term d = NIL, t = literal_empty_tuple();
    for (int i = 0; i < 100000; i++) {
        d = cons_at(heap_halloc(&proc.heap, 2), d, NIL);
        Term *hp = heap_halloc(&proc.heap, 2);
        hp[0] = make_tuple_header(1);
        hp[1] = t;
        t = make_boxed(hp);
    }
    CHECK_EQ(phash32(d), 2744812066LL);
    CHECK_EQ(phash32(t), 2863508161LL);
    teardown();
}

/* fun_info/1,2 of a local fun: OTP 25's keys and order (erl's fun_info of fi3:mk(7, [x])). */
TEST(fun_info_local)
{
    setup();
    static FunEntry fe;
    Term env[2] = {make_small(7), atom("y")};
    Term f = local_fun(&fe, "fi3", "-mk/2-fun-0-", 1, 0, 61732204, 2, env);
    Term l = call1("fun_info", f);
    static const char *const keys[] = {"pid", "module", "new_index", "new_uniq", "index", "uniq",
                                       "name", "arity", "env", "type"};
    for (int i = 0; i < 10; i++) {
        CHECK(term_is_list(l));
        if (!term_is_list(l)) break;
        Term kv = list_head(l);
        CHECK(term_is_tuple(kv) && tuple_arity(kv) == 2 && tuple_elem(kv, 1) == atom(keys[i]));
        l = list_tail(l);
    }
    CHECK(term_is_nil(l));
    Term v = call2("fun_info", f, atom("env"));
    CHECK(tuple_elem(v, 1) == atom("env"));
    Term e = tuple_elem(v, 2);
    CHECK(list_head(e) == make_small(7) && list_head(list_tail(e)) == atom("y"));
    CHECK(tuple_elem(call2("fun_info", f, atom("pid")), 2) == make_pid(9));
    CHECK(tuple_elem(call2("fun_info", f, atom("uniq")), 2) == make_small(61732204));
    CHECK(tuple_elem(call2("fun_info", f, atom("index")), 2) == make_small(0));
    CHECK(tuple_elem(call2("fun_info", f, atom("type")), 2) == atom("local"));
    CHECK(tuple_elem(call2("fun_info", f, atom("name")), 2) == atom("-mk/2-fun-0-"));
    Term nu = tuple_elem(call2("fun_info", f, atom("new_uniq")), 2);
    CHECK(term_is_binary_any(nu) && bin_bit_size(nu) == 128);
    CHECK(call2("fun_info", f, atom("bad")) == NONVALUE && proc.exc.reason == AM(badarg));
    CHECK(call2("fun_info", atom("a"), atom("arity")) == NONVALUE && proc.exc.reason == AM(badarg));
    CHECK(call1("fun_info", make_small(1)) == NONVALUE && proc.exc.reason == AM(badarg));
    teardown();
}

/* map_next with no reductions left gives one pair at a time; walking a 40-key hashmap so
 * visits the keys in OTP's order (erl: lists:reverse of maps:to_list's keys). */
TEST(map_next_one_at_a_time)
{
    setup();
    static const int order[40] = {16, 18, 5, 19, 27, 35, 10, 24, 36, 4, 21, 22, 17, 3, 8, 1, 7, 2,
                                  14, 15, 20, 40, 13, 38, 6, 28, 25, 34, 32, 9, 37, 11, 31, 26,
                                  39, 30, 29, 23, 12, 33};
    Term ks[40], vs[40];
    for (int i = 0; i < 40; i++) ks[i] = make_small(i + 1), vs[i] = make_small((i + 1) * (i + 1));
    Term m = map_from_arrays(&proc.heap, ks, vs, 40);
    Term path = make_small(0), it = atom("iterator");
    int seen = 0;
    for (;;) {
        proc.reds_left = 0;
        Term r = call3("erts_internal", "map_next", path, m, it);
        CHECK(term_is_tuple(r) && tuple_arity(r) == 3);
        if (!term_is_tuple(r)) break;
        CHECK(seen < 40 && tuple_elem(r, 1) == make_small(order[seen]));
        seen++;
        Term next = tuple_elem(r, 3);
        if (next == atom("none")) break;
        CHECK(term_is_list(next) && list_tail(next) == m);
        if (!term_is_list(next)) break;
        path = list_head(next);
    }
    CHECK_EQ(seen, 40);
    CHECK(call3("erts_internal", "map_next", make_small(0), atom("a"), it) == NONVALUE);
    CHECK(call3("erts_internal", "map_next", make_small(0), m, atom("bad")) == NONVALUE);
    teardown();
}

int main(void)
{
    hs_init();
    TH_RUN(garbage_collect_asks_the_vm_for_a_major);
    TH_RUN(identity);
    TH_RUN(phash2_ranges);
    TH_RUN(time_bifs);
    TH_RUN(exceptions);
    TH_RUN(pid_and_port_bytes);
    TH_RUN(local_fun_encoding);
    TH_RUN(string_ext_limit);
    TH_RUN(deep_terms);
    TH_RUN(binary_forms);
    TH_RUN(subtract_long_lists);
    TH_RUN(binary_to_term_used);
    TH_RUN(decode_mutations);
    TH_RUN(compressed);
    TH_RUN(phash_old_hash);
    TH_RUN(fun_info_local);
    TH_RUN(map_next_one_at_a_time);
    return th_done();
}
