/*
 * test_ets_probe.c — the agent's view of ETS (runtime/ets/ets_probe.c): the table listing and
 * the probe event; and the agent's coalescing of a table's inserts and object deletes
 * (agent/agent.c "ETS coalescing") through a fake host, with figures the test makes up (the
 * real runtime's, against OTP's, are tests/agent/ets_events.py's). Memory figures are OTP
 * 25's, measured with erl:
 *   T = ets:new(cache, [set, public, named_table]), 3 x ets:insert(T, {I, I*2}):
 *       ets:info(T, memory) = 326, size 3
 *   U = ets:new(other, [ordered_set, private]), ets:insert(U, {a, [1,2,3]}):
 *       ets:info(U, memory) = 153, size 1
 */
#include <cJSON.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "agent.h"
#include "atom.h"
#include "ets/ets_probe.h"
#include "fakehost.h"
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

/* ---- the agent's coalescing: a scheduler thread's operations, then the events stream ---- */

typedef struct Op { char kind; uint64_t table; Uint size, memory; } Op;   /* kind I, D, T */
typedef struct OpList { const Op *ops; size_t n; } OpList;

static void op_post(const Op *o)
{
    ProbeEts e;
    memset(&e, 0, sizeof e);             /* time 0: the runtime gives inserts no time */
    e.p.pid = make_pid(500);
    e.kind = o->kind == 'I' ? PROBE_ETS_INSERT : o->kind == 'D' ? PROBE_ETS_DELETE_OBJECT
                                                                : PROBE_ETS_TRANSFER;
    e.table_id = o->table;
    e.name = A("coal");
    e.owner = make_pid(o->kind == 'T' ? 501 : 500);
    e.size = o->size;
    e.memory_words = o->memory;
    probe.ets(&e);
}

static void *scheduler0(void *arg)
{
    const OpList *l = arg;
    agent_thread_attach(0);
    for (size_t i = 0; i < l->n; i++) op_post(&l->ops[i]);
    agent_thread_detach();
    return NULL;
}

static void run_on_scheduler(const Op *ops, size_t n)
{
    OpList l = {ops, n};
    pthread_t th;
    pthread_create(&th, NULL, scheduler0, &l);
    pthread_join(th, NULL);
}

/* What an ETS event of the stream says. */
typedef struct Ev {
    char kind[16];
    uint64_t table;
    double count, deletes, size, memory, t, first, last;
    bool interleaved;
} Ev;

static double num(cJSON *o, const char *k)
{
    cJSON *v = cJSON_GetObjectItem(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

/* The ETS events after *since, of table (0: any); *since moves past every event read. */
static size_t ets_events(uint64_t *since, uint64_t table, Ev *out, size_t cap)
{
    uint64_t next = *since;
    cJSON *j = agent_events_cjson(*since, 0, &next);
    size_t n = 0;
    cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(j, "events")) {
        if (strcmp(cJSON_GetObjectItem(e, "type")->valuestring, "ets")) continue;
        if (table && (uint64_t)num(e, "table_id") != table) continue;
        if (n < cap) {
            Ev *v = &out[n];
            snprintf(v->kind, sizeof v->kind, "%s", cJSON_GetObjectItem(e, "ets_kind")->valuestring);
            v->table = (uint64_t)num(e, "table_id");
            v->count = num(e, "count");
            v->deletes = num(e, "deletes");
            v->size = num(e, "size");
            v->memory = num(e, "memory_words");
            v->t = num(e, "t_ms");
            v->first = num(e, "first_t_ms");
            v->last = num(e, "last_t_ms");
            v->interleaved = cJSON_IsTrue(cJSON_GetObjectItem(e, "interleaved"));
        }
        n++;
    }
    cJSON_Delete(j);
    *since = next;
    return n;
}

static bool ev_is(const Ev *v, const char *kind, double count, double size, double memory,
                  bool interleaved)
{
    bool ok = !strcmp(v->kind, kind) && v->count == count && v->size == size &&
              v->memory == memory && v->interleaved == interleaved &&
              v->deletes == (!strcmp(kind, "delete_object") ? count : 0) &&
              v->first <= v->last && v->last <= v->t;
    if (!ok)
        fprintf(stderr, "  got %s count %g size %g memory %g interleaved %d deletes %g "
                "first %g last %g t %g\n", v->kind, v->count, v->size, v->memory,
                v->interleaved, v->deletes, v->first, v->last, v->t);
    return ok;
}

static FakeHost agent_fh;

/* The collector steps only when the test asks (agent_flush, queries). */
static void attach_quiet(void)
{
    fh_init(&agent_fh, 1);
    AgentConfig cfg;
    agent_config_default(&cfg);
    cfg.drain_interval_ms = 60000;
    cfg.sample_interval_ms = 60000;
    CHECK(agent_attach(&agent_fh.host, &cfg));
    agent_flush();
}

static cJSON *table_of(cJSON *report, uint64_t id)
{
    cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItem(report, "ets"))
        if ((uint64_t)num(t, "id") == id) return t;
    return NULL;
}

/* An insert then an object delete of one table: two events, each with the figures after it
 * (one event with the delete's figures hid the insert). Flushed by the collector. */
TEST(insert_then_delete_are_two_events)
{
    attach_quiet();
    uint64_t since = 0;
    Ev v[8];
    ets_events(&since, 0, v, 8);
    static const Op ops[] = {{'I', 1001, 1, 400}, {'D', 1001, 0, 300}};
    run_on_scheduler(ops, 2);
    agent_flush();
    size_t n = ets_events(&since, 1001, v, 8);
    CHECK_EQ(n, 2);
    if (n == 2) {
        CHECK(ev_is(&v[0], "insert", 1, 1, 400, false));
        CHECK(ev_is(&v[1], "delete_object", 1, 0, 300, false));
        CHECK(v[0].last <= v[1].first);
    }
    agent_detach();
}

/* insert, delete, insert, insert: the delete's event, then the inserts' (the kind of the last
 * operation last: the table's state now), both interleaved; the store's figures are the
 * last insert's. A transfer posts the batch from the hook, before itself. */
TEST(interleaved_batch_last_kind_last)
{
    attach_quiet();
    uint64_t since = 0;
    Ev v[8];
    ets_events(&since, 0, v, 8);
    static const Op ops[] = {{'I', 1002, 1, 500}, {'D', 1002, 0, 420}, {'I', 1002, 1, 510},
                             {'I', 1002, 2, 530}, {'T', 1002, 2, 530}};
    run_on_scheduler(ops, 5);
    /* The collector's own step may drain the ring before the flush: the events are those of
     * both reads. */
    size_t n = ets_events(&since, 1002, v, 8);
    agent_flush();
    n += ets_events(&since, 1002, v + n, 8 - n);
    CHECK_EQ(n, 3);
    if (n == 3) {
        CHECK(ev_is(&v[0], "delete_object", 1, 0, 420, true));
        CHECK(ev_is(&v[1], "insert", 3, 2, 530, true));
        CHECK(!strcmp(v[2].kind, "transfer") && v[2].count == 1 && !v[2].interleaved);
        CHECK(v[0].first >= v[1].first);       /* the inserts began first */
        CHECK(v[0].t <= v[1].t && v[1].t <= v[2].t);
    }
    cJSON *r = agent_report_cjson(NULL, NULL);
    cJSON *t = table_of(r, 1002);
    CHECK(t != NULL);
    if (t) {
        CHECK_EQ(num(t, "inserts"), 3);
        CHECK_EQ(num(t, "deletes"), 1);
        CHECK_EQ(num(t, "size"), 2);
        CHECK_EQ(num(t, "memory_words"), 530);
        CHECK_EQ(num(t, "peak_memory_words"), 530);
    }
    cJSON_Delete(r);
    agent_detach();
}

/* A stream alternating insert and delete costs one event per kind per flush, whatever its
 * length (splitting at each change made ets_heavy 860k events); each kind's peak is kept. */
#define ALT_N 10000
TEST(alternating_stream_one_event_per_kind)
{
    attach_quiet();
    uint64_t since = 0;
    Ev v[8];
    ets_events(&since, 0, v, 8);
    static Op ops[ALT_N];
    for (size_t i = 0; i < ALT_N; i++) {
        bool ins = i % 2 == 0;
        Uint size = i < ALT_N / 2 ? 1 + (Uint)i / 2 : 1 + (Uint)(ALT_N - i) / 2;
        ops[i] = (Op){ins ? 'I' : 'D', 1003, ins ? size : size - 1, 100 * (ins ? size : size - 1)};
    }
    run_on_scheduler(ops, ALT_N);
    agent_flush();
    size_t n = ets_events(&since, 1003, v, 8);
    CHECK_EQ(n, 2);
    if (n == 2) {   /* the last operation is a delete: its event last */
        CHECK(ev_is(&v[0], "insert", ALT_N / 2, 2, 200, true));   /* i = ALT_N - 2 */
        CHECK(ev_is(&v[1], "delete_object", ALT_N / 2, 0, 0, true));
    }
    cJSON *r = agent_report_cjson(NULL, NULL);
    cJSON *t = table_of(r, 1003);
    CHECK(t != NULL);
    if (t) {
        CHECK_EQ(num(t, "peak_size"), ALT_N / 4 + 1);   /* the insert at i = ALT_N / 2 */
        CHECK_EQ(num(t, "size"), 0);
        CHECK_EQ(num(cJSON_GetObjectItem(r, "agent"), "drops"), 0);
    }
    cJSON_Delete(r);
    agent_detach();
}

/* A kind's record holds 65,536 operations; the next one posts the batch from the hook. */
#define FULL_N 70000
TEST(full_kind_posts_its_batch)
{
    attach_quiet();
    uint64_t since = 0;
    Ev v[8];
    ets_events(&since, 0, v, 8);
    static Op ops[FULL_N];
    for (size_t i = 0; i < FULL_N; i++) ops[i] = (Op){'I', 1004, (Uint)i + 1, 10 * ((Uint)i + 1)};
    run_on_scheduler(ops, FULL_N);
    agent_flush();
    size_t n = ets_events(&since, 1004, v, 8);
    CHECK_EQ(n, 2);
    if (n == 2) {
        CHECK(ev_is(&v[0], "insert", 65536, 65536, 655360, false));
        CHECK(ev_is(&v[1], "insert", FULL_N - 65536, FULL_N, 10.0 * FULL_N, false));
    }
    agent_detach();
}

/* More tables than slots: each insert evicts or joins a batch, and every table's counts and
 * final figures (after its delete) still come out exact. */
#define NTAB 40
TEST(many_tables_exact)
{
    attach_quiet();
    uint64_t since = 0;
    static Ev v[4 * NTAB];
    ets_events(&since, 0, v, 4 * NTAB);
    static Op ops[2 * NTAB];
    for (size_t t = 0; t < NTAB; t++) {
        ops[t] = (Op){'I', 2000 + t, 1, 300 + t};
        ops[NTAB + t] = (Op){'D', 2000 + t, 0, 200 + t};
    }
    run_on_scheduler(ops, 2 * NTAB);
    agent_flush();
    size_t n = ets_events(&since, 0, v, 4 * NTAB);
    CHECK(n >= 2 * NTAB && n <= 4 * NTAB);
    double ins[NTAB] = {0}, del[NTAB] = {0}, last_mem[NTAB];
    for (size_t t = 0; t < NTAB; t++) last_mem[t] = -1;
    for (size_t i = 0; i < n && i < 4 * NTAB; i++) {
        size_t t = (size_t)(v[i].table - 2000);
        if (t >= NTAB) { CHECK(!"a table of this test"); continue; }
        if (!strcmp(v[i].kind, "insert")) ins[t] += v[i].count; else del[t] += v[i].count;
        last_mem[t] = v[i].memory;
    }
    int bad = 0;
    for (size_t t = 0; t < NTAB; t++)
        bad += ins[t] != 1 || del[t] != 1 || last_mem[t] != 200.0 + (double)t;
    CHECK_EQ(bad, 0);
    agent_detach();
}

int main(void)
{
    hs_init();
    TH_RUN(list_and_events);
    TH_RUN(insert_then_delete_are_two_events);
    TH_RUN(interleaved_batch_last_kind_last);
    TH_RUN(alternating_stream_one_event_per_kind);
    TH_RUN(full_kind_posts_its_batch);
    TH_RUN(many_tables_exact);
    return th_done();
}
