/*
 * Term sizes against OTP 25.2.3: every line of conformance/sizes.expected (erts_debug:flat_size/1
 * and erts_debug:size/1 of the terms sizes.erl builds), the further rows of
 * reference/beam-memory.md §1.4 (with erts_debug:size_shared/1 where measured) and the literal
 * rows of §2. Each term is built through the C API the way the Erlang program builds it at run
 * time, so the compiler's constant folding (literals) only happens where the row says so.
 */
#include "testhelp.h"

#include <stdarg.h>

#include "atom.h"
#include "bignum.h"
#include "bin.h"
#include "copy.h"
#include "heap.h"
#include "hs.h"
#include "literal.h"
#include "map.h"

/* ---- building terms as the Erlang programs do ------------------------------------------------ */

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

/* list_to_tuple(lists:seq(1, n)) */
static Term seq_tuple(Heap *h, unsigned n)
{
    Term *p = heap_halloc(h, 1 + n);
    p[0] = make_tuple_header(n);
    for (unsigned i = 1; i <= n; i++) p[i] = make_small(i);
    return make_boxed(p);
}

/* lists:duplicate(n, elem) */
static Term dup(Heap *h, unsigned n, Term elem)
{
    Term l = NIL;
    while (n--) l = cons(h, elem, l);
    return l;
}

/* A string: a list of character codes. */
static Term string(Heap *h, const char *s)
{
    size_t n = strlen(s);
    Term l = NIL;
    while (n--) l = cons(h, make_small((unsigned char)s[n]), l);
    return l;
}

static Term atom(const char *name) { return atom_put(name, strlen(name)); }

/* list_to_binary(lists:duplicate(n, c)) */
static Term bytes_of(Heap *h, Uint n, int c)
{
    unsigned char *bytes;
    Term b = bin_new_uninit(h, n, &bytes);
    memset(bytes, c, n);
    return b;
}

/* 1 bsl k, built at run time (id(1) bsl id(k)) */
static Term pow2(Heap *h, Sint k)
{
    Term err = NONVALUE;
    Term r = int_bsl(h, make_small(1), make_small(k), &err);
    CHECK(r != NONVALUE);
    return r;
}

static Term neg(Heap *h, Term t)
{
    Term err = NONVALUE;
    return int_neg(h, t, &err);
}

static Term minus1(Heap *h, Term t)
{
    Term err = NONVALUE;
    return int_sub(h, t, make_small(1), &err);
}

static Term flt(Heap *h, double d) { return float_at(heap_halloc(h, FLOAT_SIZE), d); }

static FunEntry local_fe = {0, 0, 0, 0, 0, 0, NULL};
static FunEntry export_fe = {0, 0, 2, 0, 0, 1, NULL};

/* A local fun with these free variables (fun() -> ... end). */
static Term fun(Heap *h, unsigned nfree, const Term *env)
{
    return fun_at(heap_halloc(h, FUN_BASE_SIZE + nfree), &local_fe, make_pid(0), nfree, env);
}

/* erlang:make_fun(lists, map, 2): an export fun on the heap. */
static Term export_fun(Heap *h)
{
    export_fe.module = atom("lists");
    export_fe.name = atom("map");
    return fun_at(heap_halloc(h, FUN_BASE_SIZE), &export_fe, AM(external), 0, NULL);
}

/* maps:from_list([{I, I} || I <- lists:seq(1, n)]) */
static Term int_map(Heap *h, unsigned n)
{
    Term l = NIL;
    for (unsigned i = n; i >= 1; i--) l = cons(h, tuple(h, 2, make_small(i), make_small(i)), l);
    return map_from_list(h, l);
}

/* ---- conformance/sizes.expected ---------------------------------------------------------------- */

static Term big300(Heap *h) { return bytes_of(h, 300, 'y'); }
static Term l20(Heap *h) { return seq(h, 1, 20); }

static Term b_small_int(Heap *h) { (void)h; return make_small(42); }
static Term b_neg_small_int(Heap *h) { (void)h; return make_small(-7); }
static Term b_largest_small(Heap *h) { return minus1(h, pow2(h, 59)); }
static Term b_smallest_big(Heap *h) { return pow2(h, 59); }
static Term b_big_64bit(Heap *h) { return pow2(h, 64); }
static Term b_big_200bit(Heap *h) { return pow2(h, 200); }
static Term b_neg_big(Heap *h) { return neg(h, pow2(h, 100)); }
static Term b_atom(Heap *h) { (void)h; return atom("hello"); }
static Term b_nil(Heap *h) { (void)h; return NIL; }
static Term b_pid(Heap *h) { (void)h; return make_pid(83); }
static Term b_ref(Heap *h) { return ref_at(heap_halloc(h, REF_SIZE)); }
static Term b_float(Heap *h) { return flt(h, 2.5 * 2); }
static Term b_empty_tuple(Heap *h) { (void)h; return literal_empty_tuple(); }
static Term b_tuple_2(Heap *h) { return tuple(h, 2, atom("a"), atom("b")); }
static Term b_tuple_5(Heap *h) { return seq_tuple(h, 5); }
static Term b_list_4(Heap *h) { return seq(h, 1, 4); }
static Term b_string_5(Heap *h) { return string(h, "abcde"); }
static Term b_improper(Heap *h) { return cons(h, make_small(1), make_small(2)); }
static Term b_heap_bin_0(Heap *h) { return bin_new(h, "", 0); }
static Term b_heap_bin_7(Heap *h) { return bin_new(h, "abcdefg", 7); }
static Term b_heap_bin_8(Heap *h) { return bin_new(h, "abcdefgh", 8); }
static Term b_heap_bin_9(Heap *h) { return bin_new(h, "abcdefghi", 9); }
static Term b_heap_bin_64(Heap *h) { return bytes_of(h, 64, 'x'); }
static Term b_refc_bin_65(Heap *h) { return bytes_of(h, 65, 'x'); }
static Term b_refc_bin_4096(Heap *h) { return bytes_of(h, 4096, 'x'); }
/* <<_:20/binary, Sub/binary>> = Big */
static Term b_sub_bin(Heap *h) { return bin_extract(h, big300(h), 20 * 8, 280 * 8); }
static Term b_fun_0_free(Heap *h) { return fun(h, 0, NULL); }
static Term b_fun_1_free(Heap *h)
{
    Term env[1] = {make_small(1)};
    return fun(h, 1, env);
}
static Term b_fun_3_free(Heap *h)
{
    Term env[3] = {make_small(1), atom("two"), cons(h, make_small(3), NIL)};
    return fun(h, 3, env);
}
static Term b_map_empty(Heap *h) { (void)h; return literal_empty_map(); }
static Term b_map_1(Heap *h) { return map_put(h, literal_empty_map(), atom("k"), atom("v")); }
static Term b_map_3(Heap *h)
{
    Term l = cons(h, tuple(h, 2, atom("a"), make_small(1)),
                  cons(h, tuple(h, 2, atom("b"), make_small(2)),
                       cons(h, tuple(h, 2, atom("c"), make_small(3)), NIL)));
    return map_from_list(h, l);
}
static Term b_map_10(Heap *h) { return int_map(h, 10); }
static Term b_map_32(Heap *h) { return int_map(h, 32); }
static Term b_nested_tuple(Heap *h)
{
    Term inner = tuple(h, 2, atom("c"), seq(h, 1, 2));
    return tuple(h, 2, atom("a"), tuple(h, 2, atom("b"), inner));
}
static Term b_shared_pair(Heap *h)
{
    Term l = l20(h);
    return tuple(h, 2, l, l);
}
static Term b_shared_list_of_5(Heap *h) { return dup(h, 5, l20(h)); }
static Term b_shared_nested(Heap *h)
{
    Term l = l20(h);
    Term t = tuple(h, 2, l, l);
    return dup(h, 3, t);
}
static Term b_shared_binary(Heap *h)
{
    Term big = big300(h);
    return tuple(h, 2, big, big);
}
static Term b_shared_float(Heap *h) { return dup(h, 4, flt(h, 1.0 + 0.5)); }
static Term b_deep_list(Heap *h)
{
    Term acc = NIL;
    for (int i = 0; i < 50; i++) acc = cons(h, acc, NIL);
    return acc;
}

typedef struct Row {
    const char *label;
    Uint flat, size;
    Term (*build)(Heap *h);
} Row;

/* conformance/sizes.expected, line by line. */
static const Row sizes_expected[] = {
    {"small_int", 0, 0, b_small_int},
    {"neg_small_int", 0, 0, b_neg_small_int},
    {"largest_small", 0, 0, b_largest_small},
    {"smallest_big", 2, 2, b_smallest_big},
    {"big_64bit", 3, 3, b_big_64bit},
    {"big_200bit", 5, 5, b_big_200bit},
    {"neg_big", 3, 3, b_neg_big},
    {"atom", 0, 0, b_atom},
    {"nil", 0, 0, b_nil},
    {"pid", 0, 0, b_pid},
    {"ref", 3, 3, b_ref},
    {"float", 2, 2, b_float},
    {"empty_tuple", 0, 0, b_empty_tuple},
    {"tuple_2", 3, 3, b_tuple_2},
    {"tuple_5", 6, 6, b_tuple_5},
    {"list_4", 8, 8, b_list_4},
    {"string_5", 10, 10, b_string_5},
    {"improper", 2, 2, b_improper},
    {"heap_bin_0", 2, 2, b_heap_bin_0},
    {"heap_bin_7", 3, 3, b_heap_bin_7},
    {"heap_bin_8", 3, 3, b_heap_bin_8},
    {"heap_bin_9", 4, 4, b_heap_bin_9},
    {"heap_bin_64", 10, 10, b_heap_bin_64},
    {"refc_bin_65", 6, 6, b_refc_bin_65},
    {"refc_bin_4096", 6, 6, b_refc_bin_4096},
    {"sub_bin", 6, 6, b_sub_bin},
    {"fun_0_free", 5, 5, b_fun_0_free},
    {"fun_1_free", 6, 6, b_fun_1_free},
    {"fun_3_free", 10, 10, b_fun_3_free},
    {"map_empty", 3, 3, b_map_empty},
    {"map_1", 6, 6, b_map_1},
    {"map_3", 10, 10, b_map_3},
    {"map_10", 24, 24, b_map_10},
    {"map_32", 68, 68, b_map_32},
    {"nested_tuple", 13, 13, b_nested_tuple},
    {"shared_pair", 83, 43, b_shared_pair},
    {"shared_list_of_5", 210, 50, b_shared_list_of_5},
    {"shared_nested", 255, 49, b_shared_nested},
    {"shared_binary", 15, 9, b_shared_binary},
    {"shared_float", 16, 10, b_shared_float},
    {"deep_list", 100, 100, b_deep_list},
};

static void check_row(const char *label, Term t, Uint flat, Uint size, int size_shared_want)
{
    Uint f = size_object(t), s = size_shared(t);
    if (f != flat || s != size || (size_shared_want >= 0 && size_shared_litopt(t) != (Uint)size_shared_want))
        printf("  %s: got %llu %llu %llu, OTP %llu %llu %d\n", label, (unsigned long long)f,
               (unsigned long long)s, (unsigned long long)size_shared_litopt(t),
               (unsigned long long)flat, (unsigned long long)size, size_shared_want);
    CHECK_EQ(f, flat);
    CHECK_EQ(s, size);
    if (size_shared_want >= 0) CHECK_EQ(size_shared_litopt(t), (Uint)size_shared_want);
}

TEST(sizes_expected_every_line)
{
    /* The file has 41 lines; the table must cover them all. */
    CHECK_EQ(sizeof sizes_expected / sizeof sizes_expected[0], 41);
    for (size_t i = 0; i < sizeof sizes_expected / sizeof sizes_expected[0]; i++) {
        const Row *r = &sizes_expected[i];
        Heap h;
        heap_init(&h, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
        Term t = r->build(&h);
        /* Nothing in sizes.erl is a literal except maps:new() (the global empty map), so
         * size_shared/1 agrees with size/1 everywhere else (no hashmaps here: §9.2). */
        int ss = strcmp(r->label, "map_empty") == 0 ? 0 : (int)r->size;
        check_row(r->label, t, r->flat, r->size, ss);
        heap_destroy(&h);
    }
}

/* ---- reference §1.4: further measured rows -------------------------------------------------- */

typedef struct Row3 {
    const char *label;
    Uint flat, size;
    int size_shared; /* -1: not measured */
    Term (*build)(Heap *h);
} Row3;

static Term c_max_small(Heap *h) { (void)h; return make_small(MAX_SMALL); }
static Term c_min_small(Heap *h) { return neg(h, pow2(h, 59)); }
static Term c_port(Heap *h) { (void)h; return make_port(5); }
static Term c_big_neg_2_59_minus_1(Heap *h) { return minus1(h, neg(h, pow2(h, 59))); }
static Term c_2_64_minus_1(Heap *h) { return minus1(h, pow2(h, 64)); }
static Term c_2_128(Heap *h) { return pow2(h, 128); }
static Term c_2_1000(Heap *h) { return pow2(h, 1000); }
static Term c_float(Heap *h) { return flt(h, 1.5); }
/* an ETS tid: a magic ref, laid out as term.h describes */
static Term c_magic_ref(Heap *h)
{
    Term *p = heap_halloc(h, 3);
    p[0] = make_header(SUB_REF, REF_MAGIC, 2);
    p[1] = 0;
    p[2] = 0;
    return make_boxed(p);
}
static Term c_list_1(Heap *h) { return seq(h, 1, 1); }
static Term c_list_3(Heap *h) { return seq(h, 1, 3); }
static Term c_abc(Heap *h) { return string(h, "abc"); }
static Term c_hello_world(Heap *h) { return string(h, "hello world"); }
static Term c_tuple_1(Heap *h) { return seq_tuple(h, 1); }
static Term c_tuple_2(Heap *h) { return seq_tuple(h, 2); }
static Term c_tuple_3(Heap *h) { return seq_tuple(h, 3); }
static Term c_tuple_10(Heap *h) { return seq_tuple(h, 10); }
static Term c_bin_1(Heap *h) { return bytes_of(h, 1, 'b'); }
static Term c_bin_63(Heap *h) { return bytes_of(h, 63, 'b'); }
static Term c_bin_1mib(Heap *h) { return bytes_of(h, 1 << 20, 'b'); }
static Term refc200(Heap *h) { return bytes_of(h, 200, 'r'); }
static Term c_part_10_20(Heap *h) { return bin_extract(h, refc200(h), 10 * 8, 20 * 8); }
static Term c_part_10_100(Heap *h) { return bin_extract(h, refc200(h), 10 * 8, 100 * 8); }
static Term c_tail_10(Heap *h) { return bin_extract(h, refc200(h), 10 * 8, 190 * 8); }
static Term c_tail_bits_3(Heap *h) { return bin_extract(h, refc200(h), 3, 200 * 8 - 3); }
/* <<5:3>> */
static Term c_bits_5_3(Heap *h)
{
    unsigned char byte = 5 << 5;
    return bin_extract(h, bin_new(h, &byte, 1), 0, 3);
}
static Term c_heap40_part(Heap *h) { return bin_extract(h, bytes_of(h, 40, 'h'), 10 * 8, 20 * 8); }
static Term c_fun_atoms(Heap *h, unsigned n)
{
    Term env[3] = {atom("a"), atom("b"), atom("c")};
    return fun(h, n, env);
}
static Term c_fun_1_atom(Heap *h) { return c_fun_atoms(h, 1); }
static Term c_fun_2_atoms(Heap *h) { return c_fun_atoms(h, 2); }
static Term c_fun_3_atoms(Heap *h) { return c_fun_atoms(h, 3); }
static Term c_fun_list(Heap *h)
{
    Term env[1] = {seq(h, 1, 3)};
    return fun(h, 1, env);
}
static Term c_export_literal(Heap *h) { return literal_copy(export_fun(h)); }
static Term c_make_fun(Heap *h) { return export_fun(h); }
static Term c_from_list_empty(Heap *h) { return map_from_list(h, NIL); }
static Term c_map_1(Heap *h) { return int_map(h, 1); }
static Term c_map_2(Heap *h) { return int_map(h, 2); }
static Term c_map_3(Heap *h) { return int_map(h, 3); }
static Term c_map_31(Heap *h) { return int_map(h, 31); }
/* #{a => X, b => Y}: the keys tuple is the literal's own (maps:put of existing keys keeps it;
 * measured with erl: 8 8 5, as the §1.4 row). */
static Term c_map_literal_keys(Heap *h)
{
    Term l = cons(h, tuple(h, 2, atom("a"), make_small(1)),
                  cons(h, tuple(h, 2, atom("b"), make_small(2)), NIL));
    Term m0 = literal_copy(map_from_list(h, l));
    Term m1 = map_put(h, m0, atom("a"), atom("x"));
    return map_put(h, m1, atom("b"), atom("y"));
}
static Term c_pair_x(Heap *h)
{
    Term x = seq(h, 1, 3);
    return tuple(h, 2, x, x);
}
static Term c_three_x(Heap *h) { return dup(h, 3, seq(h, 1, 3)); }
static Term c_pair_t(Heap *h)
{
    Term t = c_pair_x(h);
    return tuple(h, 2, t, t);
}
static Term c_pair_y(Heap *h) { return dup(h, 2, tuple(h, 1, flt(h, 1.5))); }
static Term c_pair_big200(Heap *h)
{
    Term b = refc200(h);
    return tuple(h, 2, b, b);
}

/* reference/beam-memory.md §1.4 (flat_size, size, size_shared; -1 where not measured). */
static const Row3 reference_rows[] = {
    {"2^59-1", 0, 0, 0, c_max_small},
    {"-(2^59)", 0, 0, 0, c_min_small},
    {"a local port", 0, 0, 0, c_port},
    {"2^59", 2, 2, 2, b_smallest_big},
    {"-(2^59)-1", 2, 2, 2, c_big_neg_2_59_minus_1},
    {"2^64-1", 2, 2, -1, c_2_64_minus_1},
    {"2^64", 3, 3, 3, b_big_64bit},
    {"2^128", 4, 4, -1, c_2_128},
    {"2^1000", 17, 17, 17, c_2_1000},
    {"1.5", 2, 2, 2, c_float},
    {"make_ref()", 3, 3, 3, b_ref},
    {"ets:new/2 tid", 3, 3, 3, c_magic_ref},
    {"[1]", 2, 2, 2, c_list_1},
    {"[1,2,3]", 6, 6, 6, c_list_3},
    {"[1|2]", 2, 2, 2, b_improper},
    {"\"abc\"", 6, 6, 6, c_abc},
    {"\"hello world\"", 22, 22, 22, c_hello_world},
    {"{1}", 2, 2, 2, c_tuple_1},
    {"{1,2}", 3, 3, 3, c_tuple_2},
    {"{1,2,3}", 4, 4, 4, c_tuple_3},
    {"10-tuple", 11, 11, 11, c_tuple_10},
    {"binary of 0 bytes", 2, 2, 2, b_heap_bin_0},
    {"binary of 1 byte", 3, 3, 3, c_bin_1},
    {"binary of 8 bytes", 3, 3, 3, b_heap_bin_8},
    {"binary of 9 bytes", 4, 4, 4, b_heap_bin_9},
    {"binary of 63 bytes", 10, 10, 10, c_bin_63},
    {"binary of 64 bytes", 10, 10, 10, b_heap_bin_64},
    {"binary of 65 bytes", 6, 6, 6, b_refc_bin_65},
    {"binary of 1 MiB", 6, 6, 6, c_bin_1mib},
    {"binary:part(Refc200, 10, 20)", 5, 5, 5, c_part_10_20},
    {"binary:part(Refc200, 10, 100)", 6, 6, 6, c_part_10_100},
    {"<<_:10/binary, R/binary>>", 6, 6, 6, c_tail_10},
    {"<<_:3, R/bitstring>>", 11, 11, 11, c_tail_bits_3},
    {"<<5:3>>", 8, 8, 8, c_bits_5_3},
    {"binary:part(Heap40, 10, 20)", 5, 5, 5, c_heap40_part},
    {"fun() -> ok end", 5, 5, 5, b_fun_0_free},
    {"fun, 1 atom free", 6, 6, 6, c_fun_1_atom},
    {"fun, 2 atoms free", 7, 7, 7, c_fun_2_atoms},
    {"fun, 3 atoms free", 8, 8, 8, c_fun_3_atoms},
    {"fun, free [1,2,3]", 12, 12, 12, c_fun_list},
    {"fun lists:map/2 (literal)", 5, 5, 0, c_export_literal},
    {"erlang:make_fun/3", 5, 5, 5, c_make_fun},
    {"maps:new()", 3, 3, 0, b_map_empty},
    {"maps:from_list([])", 3, 3, 3, c_from_list_empty},
    {"map, 1 key", 6, 6, 6, c_map_1},
    {"map, 2 keys", 8, 8, 8, c_map_2},
    {"map, 3 keys", 10, 10, 10, c_map_3},
    {"map, 10 keys", 24, 24, 24, b_map_10},
    {"map, 31 keys", 66, 66, 66, c_map_31},
    {"map, 32 keys", 68, 68, 68, b_map_32},
    {"#{a => X, b => Y}", 8, 8, 5, c_map_literal_keys},
    {"{X,X}", 15, 9, 9, c_pair_x},
    {"[X,X,X]", 24, 12, 12, c_three_x},
    {"{T,T}", 33, 12, 12, c_pair_t},
    {"[Y,Y]", 12, 8, 8, c_pair_y},
    {"{Big,Big}", 15, 9, 9, c_pair_big200},
};

TEST(reference_measured_rows)
{
    for (size_t i = 0; i < sizeof reference_rows / sizeof reference_rows[0]; i++) {
        const Row3 *r = &reference_rows[i];
        Heap h;
        heap_init(&h, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
        check_row(r->label, r->build(&h), r->flat, r->size, r->size_shared);
        heap_destroy(&h);
    }
}

/* ---- reference §2: literals ------------------------------------------------------------------ */

static Term d_bin70(Heap *h) { return bytes_of(h, 70, 'l'); }
static Term d_abc_tuple(Heap *h) { return tuple(h, 3, atom("a"), atom("b"), atom("c")); }
static Term d_map_ab(Heap *h)
{
    Term l = cons(h, tuple(h, 2, atom("a"), make_small(1)),
                  cons(h, tuple(h, 2, atom("b"), make_small(2)), NIL));
    return map_from_list(h, l);
}
static Term d_abc_bin(Heap *h) { return bin_new(h, "abc", 3); }

/* reference §2: literal terms in a compiled module (flat_size, size, size_shared). */
static const Row3 literal_rows[] = {
    {"[1,2,3]", 6, 6, 0, c_list_3},
    {"70-byte binary", 6, 6, 0, d_bin70},
    {"\"abc\"", 6, 6, 0, c_abc},
    {"{a,b,c}", 4, 4, 0, d_abc_tuple},
    {"1.5", 2, 2, 0, c_float},
    {"2^64", 3, 3, 0, b_big_64bit},
    {"#{a=>1,b=>2}", 8, 8, 0, d_map_ab},
    {"<<\"abc\">>", 3, 3, 0, d_abc_bin},
};

TEST(literal_area_rows)
{
    for (size_t i = 0; i < sizeof literal_rows / sizeof literal_rows[0]; i++) {
        const Row3 *r = &literal_rows[i];
        Heap h;
        heap_init(&h, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
        Term lit = literal_copy(r->build(&h));
        heap_destroy(&h); /* the literal is a copy of its own */
        CHECK(term_is_literal(lit));
        check_row(r->label, lit, r->flat, r->size, r->size_shared);
        /* Send and spawn copy nothing of a literal (§2: size_object_litopt / copy_struct_litopt). */
        CHECK_EQ(size_object_litopt(lit), 0);
    }
    /* A runtime tuple {L,L} with L a literal list: 15 9 3. */
    Heap h;
    heap_init(&h, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    Term lit = literal_copy(seq(&h, 1, 3));
    check_row("{L,L}, L literal", tuple(&h, 2, lit, lit), 15, 9, 3);
    /* §2, measured in a receiver: a literal 10-int list is 20 flat and 0 without literals. */
    Term l10 = literal_copy(seq(&h, 1, 10));
    CHECK_EQ(size_object(l10), 20);
    CHECK_EQ(size_shared_litopt(l10), 0);
    heap_destroy(&h);
}

int main(void)
{
    hs_init();
    local_fe.module = atom("sizes");
    local_fe.name = atom("-main/0-fun-0-");
    TH_RUN(sizes_expected_every_line);
    TH_RUN(reference_measured_rows);
    TH_RUN(literal_area_rows);
    return th_done();
}
