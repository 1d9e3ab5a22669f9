/*
 * test_atom.c — the atom table: predefined atoms, round trips, OTP's limits (255 characters,
 * 1,048,576 atoms: erlang:system_info(atom_limit) on OTP 25), concurrent insertion.
 * The limit test fills the table, so it runs last.
 */
#include <pthread.h>
#include <stdio.h>

#include "atom.h"
#include "hs.h"
#include "testhelp.h"

static bool name_is(Term a, const char *expect)
{
    size_t len;
    const char *s = atom_name(a, &len);
    return len == strlen(expect) && memcmp(s, expect, len) == 0 && s[len] == '\0';
}

TEST(predefined_atoms_have_fixed_indexes)
{
    CHECK_EQ(atom_index(AM(false)), 0);
    CHECK_EQ(atom_index(AM(true)), 1);
    CHECK(name_is(AM(false), "false"));
    CHECK(name_is(AM(true), "true"));
    CHECK(name_is(AM(badarith), "badarith"));
    CHECK(name_is(AM(nonode_nohost), "nonode@nohost"));
    CHECK(name_is(AM(EXIT), "EXIT"));
    CHECK(name_is(AM(major), "major"));
    CHECK(atom_count() >= ATOM_IDX_PREDEFINED_COUNT);
    /* Putting a predefined name gives back the constant. */
    CHECK_EQ(atom_put("ok", 2), AM(ok));
    CHECK_EQ(atom_put("system_limit", 12), AM(system_limit));
    CHECK_EQ(atom_get("undefined", 9), AM(undefined));
    CHECK_EQ(atom_put("nonode@nohost", 13), AM(nonode_nohost));
}

TEST(put_get_round_trip)
{
    Uint before = atom_count();
    Term a = atom_put("hello_world", 11);
    CHECK(term_is_atom(a));
    CHECK(name_is(a, "hello_world"));
    CHECK_EQ(atom_count(), before + 1);
    CHECK_EQ(atom_put("hello_world", 11), a);
    CHECK_EQ(atom_get("hello_world", 11), a);
    CHECK_EQ(atom_count(), before + 1);
    /* Length, not NUL, delimits a name: a prefix is another atom. */
    Term b = atom_put("hello_world", 5);
    CHECK(b != a);
    CHECK(name_is(b, "hello"));
    /* '' is an atom; so is a name with an embedded NUL. */
    Term e = atom_put("", 0);
    CHECK(e != NONVALUE);
    size_t len = 99;
    atom_name(e, &len);
    CHECK_EQ(len, 0);
    CHECK_EQ(atom_get("", 0), e);
    Term z = atom_put("a\0b", 3);
    CHECK(z != NONVALUE && z != atom_put("a", 1));
    atom_name(z, &len);
    CHECK_EQ(len, 3);
    /* Many atoms, enough to grow the hash table and cross chunk boundaries. */
    char buf[32];
    Term first = NONVALUE;
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(buf, sizeof buf, "rt_%d", i);
        Term t = atom_put(buf, (size_t)n);
        if (i == 0) first = t;
        CHECK_EQ(atom_index(t), atom_index(first) + (Uint)i);
    }
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(buf, sizeof buf, "rt_%d", i);
        CHECK_EQ(atom_get(buf, (size_t)n), make_atom(atom_index(first) + (Uint)i));
        CHECK(name_is(make_atom(atom_index(first) + (Uint)i), buf));
    }
}

TEST(get_of_missing_atom)
{
    Uint before = atom_count();
    CHECK_EQ(atom_get("no_such_atom_xyzzy", 18), NONVALUE);
    CHECK_EQ(atom_count(), before); /* atom_get never creates */
    CHECK_EQ(atom_get("fals", 4), NONVALUE);
    CHECK_EQ(atom_get("falsee", 6), NONVALUE);
}

TEST(name_length_limit_counts_characters)
{
    char buf[1100];
    /* 255 'a' is an atom, 256 is system_limit (list_to_atom on OTP 25). */
    memset(buf, 'a', 256);
    CHECK(atom_put(buf, 255) != NONVALUE);
    CHECK_EQ(atom_put(buf, 256), NONVALUE);
    CHECK_EQ(atom_get(buf, 256), NONVALUE);
    /* 255 x U+4E2D (3 bytes each, 765 bytes) is an atom on OTP 25. */
    for (int i = 0; i < 256; i++) memcpy(buf + 3 * i, "\xE4\xB8\xAD", 3);
    Term cjk = atom_put(buf, 765);
    CHECK(cjk != NONVALUE);
    CHECK_EQ(atom_get(buf, 765), cjk);
    CHECK_EQ(atom_put(buf, 768), NONVALUE);
    /* 256 x U+00E4 (2 bytes each) is system_limit on OTP 25 (binary_to_atom(_, utf8)). */
    for (int i = 0; i < 256; i++) memcpy(buf + 2 * i, "\xC3\xA4", 2);
    CHECK_EQ(atom_put(buf, 512), NONVALUE);
    CHECK(atom_put(buf, 510) != NONVALUE);
    /* Bytes that are not UTF-8 count one character each. */
    memset(buf, 0xE4, 300);
    CHECK(atom_put(buf, 255) != NONVALUE);
    CHECK_EQ(atom_put(buf, 256), NONVALUE);
}

TEST(memory_figures_are_real)
{
    Uint mem = atom_memory_bytes(), used = atom_used_bytes();
    CHECK(mem > 0);
    CHECK(used > 0);
    CHECK(used <= mem);
    /* A new atom adds its text (and a NUL) to the used figure. */
    Term a = atom_put("memory_probe_atom_0123456789", 28);
    CHECK(a != NONVALUE);
    Uint used2 = atom_used_bytes();
    CHECK(used2 >= used + 29);
    CHECK(atom_memory_bytes() >= mem);
    /* The table costs something per atom: at least the text and an index entry. */
    CHECK(used2 > atom_count() * 8);
}

#define CONC_THREADS 4
#define CONC_NAMES 4000

static Term conc_result[CONC_THREADS][CONC_NAMES];
static pthread_barrier_t conc_barrier;

static void *conc_worker(void *arg)
{
    int t = (int)(intptr_t)arg;
    char buf[32];
    pthread_barrier_wait(&conc_barrier);
    /* Each thread walks the names from a different start and in its own direction, so that
     * every name is raced by threads at different moments. */
    for (int k = 0; k < CONC_NAMES; k++) {
        int i = (t & 1) ? (t * 997 + k) % CONC_NAMES : (CONC_NAMES + t * 997 - k) % CONC_NAMES;
        int n = snprintf(buf, sizeof buf, "conc_%d", i);
        conc_result[t][i] = atom_put(buf, (size_t)n);
        /* Whatever this thread got must be readable right away. */
        Term g = atom_get(buf, (size_t)n);
        if (g != conc_result[t][i]) conc_result[t][i] = NONVALUE;
    }
    return NULL;
}

TEST(concurrent_put_agrees)
{
    Uint before = atom_count();
    pthread_t th[CONC_THREADS];
    pthread_barrier_init(&conc_barrier, NULL, CONC_THREADS);
    for (int t = 0; t < CONC_THREADS; t++)
        pthread_create(&th[t], NULL, conc_worker, (void *)(intptr_t)t);
    for (int t = 0; t < CONC_THREADS; t++) pthread_join(th[t], NULL);
    pthread_barrier_destroy(&conc_barrier);
    CHECK_EQ(atom_count(), before + CONC_NAMES);
    int bad = 0;
    char buf[32];
    for (int i = 0; i < CONC_NAMES; i++) {
        Term a = conc_result[0][i];
        if (a == NONVALUE) bad++;
        for (int t = 1; t < CONC_THREADS; t++)
            if (conc_result[t][i] != a) bad++;
        snprintf(buf, sizeof buf, "conc_%d", i);
        if (a != NONVALUE && !name_is(a, buf)) bad++;
        if (atom_index(a) < before || atom_index(a) >= before + CONC_NAMES) bad++;
    }
    CHECK_EQ(bad, 0);
}

/* Fills the table to exactly ATOM_LIMIT atoms; one more fails cleanly. Must run last. */
TEST(atom_limit)
{
    CHECK_EQ(ATOM_LIMIT, 1048576);
    char buf[32];
    Uint start = atom_count();
    unsigned i = 0;
    Term last = NONVALUE;
    while (atom_count() < ATOM_LIMIT) {
        int n = snprintf(buf, sizeof buf, "L%u", i++);
        last = atom_put(buf, (size_t)n);
        if (last == NONVALUE) break;
    }
    CHECK(last != NONVALUE);
    CHECK_EQ(atom_count(), ATOM_LIMIT);
    CHECK_EQ(atom_index(last), ATOM_LIMIT - 1);
    CHECK_EQ(i, ATOM_LIMIT - start);
    /* Full: a new name fails, existing names still work. */
    CHECK_EQ(atom_put("one_too_many", 12), NONVALUE);
    CHECK_EQ(atom_get("one_too_many", 12), NONVALUE);
    CHECK_EQ(atom_count(), ATOM_LIMIT);
    CHECK_EQ(atom_put("ok", 2), AM(ok));
    int n = snprintf(buf, sizeof buf, "L%u", i - 1);
    CHECK_EQ(atom_put(buf, (size_t)n), last);
    CHECK_EQ(atom_get("L0", 2), make_atom(start));
    CHECK(name_is(last, buf));
    /* A million atoms in a modest amount of memory. */
    CHECK(atom_memory_bytes() < (Uint)96 << 20);
}

int main(void)
{
    hs_init();
    TH_RUN(predefined_atoms_have_fixed_indexes);
    TH_RUN(put_get_round_trip);
    TH_RUN(get_of_missing_atom);
    TH_RUN(name_length_limit_counts_characters);
    TH_RUN(memory_figures_are_real);
    TH_RUN(concurrent_put_agrees);
    TH_RUN(atom_limit);
    return th_done();
}
