/*
 * test_ets_probe.c — the agent's view of ETS (runtime/ets/ets_probe.c): the table listing and
 * the probe event. Memory figures are OTP 25's, measured with erl:
 *   T = ets:new(cache, [set, public, named_table]), 3 x ets:insert(T, {I, I*2}):
 *       ets:info(T, memory) = 326, size 3
 *   U = ets:new(other, [ordered_set, private]), ets:insert(U, {a, [1,2,3]}):
 *       ets:info(U, memory) = 153, size 1
 */
#include <string.h>

#include "atom.h"
#include "ets/ets_probe.h"
#include "hs.h"
#include "process.h"
#include "testhelp.h"

static Term A(const char *s) { return atom_put(s, strlen(s)); }

static Term tup2(Process *p, Term a, Term b)
{
    Term *hp = heap_halloc(&p->heap, 3);
    hp[0] = make_tuple_header(2);
    hp[1] = a;
    hp[2] = b;
    return make_boxed(hp);
}

static Term list2(Process *p, Term a, Term b)
{
    Term *hp = heap_halloc(&p->heap, 4);
    Term t = cons_at(hp + 2, b, NIL);
    return cons_at(hp, a, t);
}

static Term list3(Process *p, Term a, Term b, Term c)
{
    Term *hp = heap_halloc(&p->heap, 6);
    Term t = cons_at(hp + 4, c, NIL);
    t = cons_at(hp + 2, b, t);
    return cons_at(hp, a, t);
}

static ProbeEts seen[8];
static int nseen;
static void capture(const ProbeEts *e)
{
    if (nseen < 8) seen[nseen] = *e;
    nseen++;
}

static size_t find(const EtsProbeInfo *v, size_t n, Term name)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].name == name) return i;
    return (size_t)-1;
}

TEST(list_and_events)
{
    Process *p = process_new();
    EtsProbeInfo v[8];
    size_t before = ets_probe_list(v, 8);
    Term t = ets_bif_new(p, A("cache"), list3(p, A("set"), A("public"), A("named_table")));
    CHECK(t == A("cache"));
    for (Sint i = 1; i <= 3; i++)
        CHECK(ets_bif_insert(p, t, tup2(p, make_small(i), make_small(2 * i)), false) == AM(true));
    Term u = ets_bif_new(p, A("other"), list2(p, A("ordered_set"), A("private")));
    CHECK(u != NONVALUE);
    CHECK(ets_bif_insert(p, u, tup2(p, A("a"), list3(p, make_small(1), make_small(2), make_small(3))), false) == AM(true));

    size_t n = ets_probe_list(v, 8);
    CHECK_EQ(n, before + 2);
    size_t ic = find(v, n, A("cache")), io = find(v, n, A("other"));
    if (ic >= n || io >= n) {
        CHECK(!"both tables listed");
        return;
    }
    CHECK(ic < io);                              /* oldest first */
    CHECK_EQ(v[ic].size, 3);
    CHECK_EQ(v[ic].memory_words, 326);           /* OTP 25 */
    CHECK_EQ(v[ic].type, ETS_SET);
    CHECK_EQ(v[ic].access, ETS_PUBLIC);
    CHECK(v[ic].owner == p->pid);
    CHECK_EQ(v[io].size, 1);
    CHECK_EQ(v[io].memory_words, 153);           /* OTP 25 */
    CHECK_EQ(v[io].type, ETS_ORDERED_SET);
    CHECK_EQ(v[io].access, ETS_PRIVATE);         /* listed although private */
    CHECK(v[ic].table_id != v[io].table_id);
    CHECK_EQ(ets_probe_list(v, 1), before + 2);  /* the count even when out has no room */

    /* the event: figures after the change; a delete on a dead table is a table delete */
    probe.ets = capture;
    EtsTable *tb = (EtsTable *)(uintptr_t)v[ic].table_id;
    ets_probe_event(tb, PROBE_ETS_INSERT);
    CHECK_EQ(nseen, 1);
    CHECK_EQ(seen[0].kind, PROBE_ETS_INSERT);
    CHECK_EQ(seen[0].table_id, v[ic].table_id);
    CHECK(seen[0].name == A("cache") && seen[0].owner == p->pid);
    CHECK_EQ(seen[0].size, 3);
    CHECK_EQ(seen[0].memory_words, 326);
    CHECK(ets_bif_delete1(p, t) == AM(true));    /* ets:delete/1 posts its own event */
    CHECK_EQ(nseen, 2);
    CHECK_EQ(seen[1].kind, PROBE_ETS_DELETE_TABLE);
    CHECK_EQ(seen[1].size, 0);
    CHECK_EQ(seen[1].memory_words, 0);
    ets_probe_event(tb, PROBE_ETS_DELETE_OBJECT);
    CHECK_EQ(nseen, 3);
    CHECK_EQ(seen[2].kind, PROBE_ETS_DELETE_TABLE);
    CHECK_EQ(seen[2].size, 0);
    probe.ets = NULL;

    n = ets_probe_list(v, 8);                    /* a deleted table is not listed */
    CHECK_EQ(n, before + 1);
    CHECK(find(v, n, A("cache")) == (size_t)-1);
    CHECK(ets_bif_delete1(p, u) == AM(true));
    CHECK_EQ(ets_probe_list(v, 8), before);
    process_free(p);
}

int main(void)
{
    hs_init();
    TH_RUN(list_and_events);
    return th_done();
}
