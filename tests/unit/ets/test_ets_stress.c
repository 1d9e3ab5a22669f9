/*
 * test_ets_stress.c — 8 threads hammer one public set (write_concurrency: striped locks) and
 * one public ordered_set (AVL under a rwlock) with insert, lookup, delete and update_counter,
 * then the tables' contents and counters are checked. Meant to run under -fsanitize=thread
 * (see docs/ets.md); it also runs in the normal test suite.
 */
#include <pthread.h>
#include <stdio.h>

#include "atom.h"
#include "ets/ets.h"
#include "hs.h"
#include "process.h"
#include "testhelp.h"

enum { THREADS = 8, OPS = 20000, KEYS = 512 };

static Term set_tid, os_tid, set_plain_tid;

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
    Term tabs[3] = {set_tid, os_tid, set_plain_tid};
    for (int i = 0; i < OPS; i++) {
        Term t = tabs[i % 3];
        int k = (int)(rand_r(&w->seed) % KEYS);
        /* keys 0..KEYS-1 are shared; each thread also owns keys 10000*(id+1) + i */
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
        ets_bif_insert(p, t, tup2(p, make_small(10000 * (w->id + 1) + i), make_small(i)), false);
    }
    return NULL;
}

static Sint info_size(Process *p, Term t) { return small_val(ets_bif_info2(p, t, atom_put("size", 4))); }

TEST(eight_threads)
{
    Process *owner = process_new();
    Term pub = atom_put("public", 6), wc = atom_put("write_concurrency", 17);
    Term *hp = heap_halloc(&owner->heap, 3 + 2 * 3 + 2 * 2);
    hp[0] = make_tuple_header(2);
    hp[1] = wc;
    hp[2] = AM(true);
    Term wct = make_boxed(hp);
    Term o1 = cons_at(hp + 3, pub, cons_at(hp + 5, wct, NIL));
    Term o2 = cons_at(hp + 7, atom_put("ordered_set", 11), cons_at(hp + 9, pub, NIL));
    Term o3 = cons_at(hp + 11, pub, NIL);
    set_tid = ets_bif_new(owner, atom_put("s", 1), o1);
    os_tid = ets_bif_new(owner, atom_put("o", 1), o2);
    set_plain_tid = ets_bif_new(owner, atom_put("p", 1), o3);
    Term counter = atom_put("counter", 7);
    Term tabs[3] = {set_tid, os_tid, set_plain_tid};
    for (int t = 0; t < 3; t++) ets_bif_insert(owner, tabs[t], tup2(owner, counter, make_small(0)), false);

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
    /* each table got every thread's private keys: OPS/3 (rounded) per thread */
    for (int t = 0; t < 3; t++) {
        Sint own = 0;
        for (int i = 0; i < THREADS; i++)
            for (int j = 0; j < OPS; j++)
                if (j % 3 == t) own += ets_bif_member(owner, tabs[t], make_small(10000 * (i + 1) + j)) == AM(true);
        CHECK_EQ(own, (Sint)THREADS * ((OPS - t + 2) / 3));
        Sint shared = 0;
        for (int k = 0; k < KEYS; k++) shared += ets_bif_member(owner, tabs[t], make_small(k)) == AM(true);
        CHECK_EQ(info_size(owner, tabs[t]), own + shared + 1);
        printf("  table %d: %lld objects, %lld words\n", t, (long long)info_size(owner, tabs[t]),
               (long long)small_val(ets_bif_info2(owner, tabs[t], atom_put("memory", 6))));
    }
    /* the counters: every update_counter was counted exactly once, over the three tables */
    Sint sum = 0;
    for (int t = 0; t < 3; t++) {
        Term r = ets_bif_lookup(owner, tabs[t], counter);
        CHECK(term_is_list(r));
        if (term_is_list(r)) sum += small_val(tuple_elem(list_head(r), 2));
    }
    CHECK_EQ(sum, (Sint)total_counters);
    printf("  update_counter total %lld, lookups that returned %ld\n", (long long)sum, total_lookups);
    for (int t = 0; t < 3; t++) CHECK_EQ(ets_bif_delete1(owner, tabs[t]), AM(true));
    for (int i = 0; i < THREADS; i++) process_free(w[i].p);
    process_free(owner);
}

int main(void)
{
    hs_init();
    TH_RUN(eight_threads);
    return th_done();
}
