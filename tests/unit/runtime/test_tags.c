/* The tag scheme of term.h: immediates, headers and the raw/term split of boxed bodies. */
#include "testhelp.h"

#include "strbuf.h"
#include "term.h"

TEST(small_range)
{
    /* OTP: 2^59-1 and -2^59 are smalls, 2^59 and -2^59-1 are not (reference §1.1). */
    CHECK(small_fits(((Sint)1 << 59) - 1));
    CHECK(small_fits(-((Sint)1 << 59)));
    CHECK(!small_fits((Sint)1 << 59));
    CHECK(!small_fits(-((Sint)1 << 59) - 1));
    Sint vals[] = {0, 1, -1, 42, -7, MAX_SMALL, MIN_SMALL};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        Term t = make_small(vals[i]);
        CHECK(term_is_small(t));
        CHECK(term_is_immed(t));
        CHECK(!term_is_ptr(t));
        CHECK_EQ(small_val(t), vals[i]);
    }
}

TEST(immediate_tags)
{
    CHECK_EQ(NIL, 0x3B);
    CHECK(term_is_nil(NIL) && !term_is_atom(NIL) && !term_is_small(NIL));
    Term a = make_atom(12345);
    CHECK(term_is_atom(a) && atom_index(a) == 12345 && !term_is_catch(a));
    Term p = make_pid(77);
    CHECK(term_is_pid(p) && pid_number(p) == 77 && !term_is_port(p) && !term_is_small(p));
    Term q = make_port(5);
    CHECK(term_is_port(q) && port_number(q) == 5);
    Term c = make_catch(9);
    CHECK(term_is_catch(c) && catch_index(c) == 9 && !term_is_atom(c));
    CHECK(!term_is_ptr(NONVALUE) && term_is_header(NONVALUE));
}

TEST(pointers_and_headers)
{
    static Term heap[64] __attribute__((aligned(8)));
    Term *hp = heap;
    Term l = cons_at(hp, make_small(1), NIL);
    hp += 2;
    CHECK(term_is_list(l) && term_is_ptr(l) && list_ptr(l) == heap);
    CHECK_EQ(small_val(list_head(l)), 1);
    CHECK(list_tail(l) == NIL);

    hp[0] = make_tuple_header(2);
    hp[1] = l;
    hp[2] = make_atom(3);
    Term t = make_boxed(hp);
    CHECK(term_is_tuple(t) && term_is_ptr(t) && tuple_arity(t) == 2);
    CHECK(tuple_elem(t, 1) == l);
    CHECK_EQ(hdr_size(hp[0]), 3);
    CHECK_EQ(hdr_raw_words(hp[0]), 0);
    hp += 3;

    Term f = float_at(hp, 2.5);
    CHECK(term_is_float(f) && float_val(f) == 2.5 && term_is_number(f));
    CHECK_EQ(hdr_size(boxed_header(f)), FLOAT_SIZE);
    CHECK_EQ(hdr_raw_words(boxed_header(f)), 1);
    hp += FLOAT_SIZE;

    Term r = ref_at(hp);
    Term r2 = ref_at(hp + REF_SIZE);
    CHECK(term_is_ref(r) && hdr_size(boxed_header(r)) == REF_SIZE);
    CHECK(boxed_ptr(r)[1] != boxed_ptr(r2)[1]);
    hp += 2 * REF_SIZE;

    static FunEntry fe = {.arity = 0, .index = 1};
    Term env[2] = {make_small(1), l};
    Term fun = fun_at(hp, &fe, make_pid(1), 2, env);
    CHECK(term_is_fun(fun) && fun_num_free(fun) == 2 && fun_arity(fun) == 0);
    CHECK(fun_entry(fun) == &fe && fun_env(fun)[1] == l);
    CHECK_EQ(hdr_size(boxed_header(fun)), FUN_BASE_SIZE + 2);
    CHECK_EQ(hdr_raw_words(boxed_header(fun)), 3);
}

TEST(map_headers)
{
    Term h = make_map_header(MAP_HEAD_BITMAP, 0xA5A5, 2 + 8);
    CHECK_EQ(hdr_subtag(h), SUB_MAP);
    CHECK_EQ(map_hdr_type(h), MAP_HEAD_BITMAP);
    CHECK_EQ(map_hdr_bitmap(h), 0xA5A5);
    CHECK_EQ(hdr_arity(h), 10);
    CHECK_EQ(hdr_raw_words(h), 1);
    CHECK_EQ(hdr_raw_words(make_map_header(MAP_NODE_BITMAP, 3, 2)), 0);
    CHECK_EQ(hdr_raw_words(make_map_header(MAP_FLAT, 0, 5)), 1);
    CHECK_EQ(hdr_raw_words(make_header(SUB_POS_BIG, 0, 3)), 3);
    CHECK_EQ(hdr_raw_words(make_header(SUB_SUB_BIN, 0, 4)), 3);
}

TEST(strbuf)
{
    StrBuf sb = STRBUF_INIT;
    for (int i = 0; i < 1000; i++) sb_printf(&sb, "%d,", i);
    CHECK_EQ(sb.len, 3890);
    CHECK(!strncmp(sb.data, "0,1,2,", 6));
    sb_truncate(&sb, 2);
    sb_puts(&sb, "x");
    CHECK_STR(sb.data, "0,x");
    char *s = sb_take(&sb);
    CHECK_STR(s, "0,x");
    CHECK(sb.data == NULL);
    free(s);
}

int main(void)
{
    TH_RUN(small_range);
    TH_RUN(immediate_tags);
    TH_RUN(pointers_and_headers);
    TH_RUN(map_headers);
    TH_RUN(strbuf);
    return th_done();
}
