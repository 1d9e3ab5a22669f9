/*
 * test_ets_stress.c — 8 threads hammer one public set (write_concurrency: striped locks, growth
 * under the stripes), one public ordered_set (AVL under a rwlock), a plain public set, a set with
 * read and write concurrency and an ordered_set with read_concurrency (both under the
 * frequent-read table lock, tablock.h) with insert, lookup, delete and update_counter, then the
 * tables' contents and counters are checked. Meant to run under -fsanitize=thread
 * (see docs/ets.md); it also runs in the normal test suite.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "atom.h"
#include "ets/ets.h"
#include "hs.h"
#include "process.h"
#include "testhelp.h"

enum { THREADS = 8, OPS = 20000, KEYS = 512, NTABS = 5 };

static Term tabs[NTABS];

static Term tup2(Process *p, Term a, Term b)
{
    Term *hp = heap_halloc(&p->heap, 3);
    hp[0] = make_tuple_header(2);
    hp[1] = a;
    hp[2] = b;
    return make_boxed(hp);
}

typedef struct Worker {
    Process *p;
    int id;
    unsigned seed;
    long lookups_ok, counters;
} Worker;

static void *work(void *arg)
{
    Worker *w = arg;
    Process *p = w->p;
    Term counter = atom_put("counter", 7);
    for (int i = 0; i < OPS; i++) {
        Term t = tabs[i % NTABS];
        int k = (int)(rand_r(&w->seed) % KEYS);
        /* keys 0..KEYS-1 are shared; each thread also owns keys 100000*(id+1) + i */
        switch (rand_r(&w->seed) % 4) {
        case 0: ets_bif_insert(p, t, tup2(p, make_small(k), make_small(w->id)), false); break;
        case 1: {
            Term r = ets_bif_lookup(p, t, make_small(k));
            if (r != NONVALUE) w->lookups_ok++;
            break;
        }
        case 2: ets_bif_delete2(p, t, make_small(k)); break;
        default:
            if (ets_bif_update_counter(p, t, counter, make_small(1), NONVALUE) != NONVALUE) w->counters++;
            break;
        }
        ets_bif_insert(p, t, tup2(p, make_small(100000 * (w->id + 1) + i), make_small(i)), false);
    }
    return NULL;
}

static Sint info_size(Process *p, Term t) { return small_val(ets_bif_info2(p, t, atom_put("size", 4))); }

TEST(eight_threads)
{
    Process *owner = process_new();
    Term pub = atom_put("public", 6), wc = atom_put("write_concurrency", 17);
    Term rc = atom_put("read_concurrency", 16), os = atom_put("ordered_set", 11);
    Term *hp = heap_halloc(&owner->heap, 2 * 3 + 2 * 11);
    hp[0] = make_tuple_header(2);
    hp[1] = wc;
    hp[2] = AM(true);
    Term wct = make_boxed(hp);
    hp[3] = make_tuple_header(2);
    hp[4] = rc;
    hp[5] = AM(true);
    Term rct = make_boxed(hp + 3);
    hp += 6;
    Term o1 = cons_at(hp, pub, cons_at(hp + 2, wct, NIL));
    Term o2 = cons_at(hp + 4, os, cons_at(hp + 6, pub, NIL));
    Term o3 = cons_at(hp + 8, pub, NIL);
    Term o4 = cons_at(hp + 10, pub, cons_at(hp + 12, wct, cons_at(hp + 14, rct, NIL)));
    Term o5 = cons_at(hp + 16, os, cons_at(hp + 18, pub, cons_at(hp + 20, rct, NIL)));
    Term topts[NTABS] = {o1, o2, o3, o4, o5};
    const char *names[NTABS] = {"s", "o", "p", "src", "orc"};
    for (int t = 0; t < NTABS; t++) tabs[t] = ets_bif_new(owner, atom_put(names[t], strlen(names[t])), topts[t]);
    Term counter = atom_put("counter", 7);
    for (int t = 0; t < NTABS; t++) ets_bif_insert(owner, tabs[t], tup2(owner, counter, make_small(0)), false);

    Worker w[THREADS];
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i].p = process_new();
        w[i].id = i;
        w[i].seed = (unsigned)th_seed() + (unsigned)i;
        w[i].lookups_ok = 0;
        w[i].counters = 0;
    }
    for (int i = 0; i < THREADS; i++) pthread_create(&th[i], NULL, work, &w[i]);
    for (int i = 0; i < THREADS; i++) pthread_join(th[i], NULL);

    long total_lookups = 0, total_counters = 0;
    for (int i = 0; i < THREADS; i++) total_lookups += w[i].lookups_ok, total_counters += w[i].counters;
    CHECK(total_lookups > 0);
    /* each table got every thread's private keys: OPS/NTABS (rounded) per thread */
    for (int t = 0; t < NTABS; t++) {
        Sint own = 0;
        for (int i = 0; i < THREADS; i++)
            for (int j = 0; j < OPS; j++)
                if (j % NTABS == t) own += ets_bif_member(owner, tabs[t], make_small(100000 * (i + 1) + j)) == AM(true);
        CHECK_EQ(own, (Sint)THREADS * ((OPS - t + NTABS - 1) / NTABS));
        Sint shared = 0;
        for (int k = 0; k < KEYS; k++) shared += ets_bif_member(owner, tabs[t], make_small(k)) == AM(true);
        CHECK_EQ(info_size(owner, tabs[t]), own + shared + 1);
        printf("  table %d: %lld objects, %lld words\n", t, (long long)info_size(owner, tabs[t]),
               (long long)small_val(ets_bif_info2(owner, tabs[t], atom_put("memory", 6))));
    }
    /* the counters: every update_counter was counted exactly once, over the three tables */
    Sint sum = 0;
    for (int t = 0; t < NTABS; t++) {
        Term r = ets_bif_lookup(owner, tabs[t], counter);
        CHECK(term_is_list(r));
        if (term_is_list(r)) sum += small_val(tuple_elem(list_head(r), 2));
    }
    CHECK_EQ(sum, (Sint)total_counters);
    printf("  update_counter total %lld, lookups that returned %ld\n", (long long)sum, total_lookups);
    for (int t = 0; t < NTABS; t++) CHECK_EQ(ets_bif_delete1(owner, tabs[t]), AM(true));
    for (int i = 0; i < THREADS; i++) process_free(w[i].p);
    process_free(owner);
}

int main(void)
{
    hs_init();
    TH_RUN(eight_threads);
    return th_done();
}
