/* Rings: SPSC transfer without loss or reordering (run under TSan too), drops when full, the
 * k-way merge, and the collector's merge of several schedulers' rings in time order. */
#include <cJSON.h>
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "agent.h"
#include "atom.h"
#include "fakehost.h"
#include "hs.h"
#include "ring.h"
#include "testhelp.h"

static AgEvent ev_at(uint64_t t)
{
    AgEvent e;
    memset(&e, 0, sizeof e);
    e.kind = AG_EV_BIN;
    e.time_ns = t;
    e.u.bin.kind = PROBE_BIN_ALLOC;
    e.u.bin.bytes = t;
    return e;
}

TEST(ring_capacity_is_power_of_two)
{
    AgRing *r = ag_ring_create(1000);
    CHECK(r != NULL);
    CHECK_EQ(ag_ring_capacity(r), 1024);
    ag_ring_destroy(r);
    r = ag_ring_create(0);
    CHECK_EQ(ag_ring_capacity(r), 2);
    ag_ring_destroy(r);
}

TEST(ring_full_drops_and_counts)
{
    AgRing *r = ag_ring_create(8);
    for (uint64_t i = 0; i < 20; i++) {
        AgEvent e = ev_at(i);
        CHECK_EQ(ag_ring_push(r, &e), i < 8);
    }
    CHECK_EQ(ag_ring_pushed(r), 8);
    CHECK_EQ(ag_ring_drops(r), 12);
    AgEvent out[16];
    CHECK_EQ(ag_ring_pop(r, out, 3), 3);
    CHECK_EQ(out[0].time_ns, 0);
    CHECK_EQ(out[2].time_ns, 2);
    CHECK_EQ(out[2].seq, 2);
    /* room for three more, not four */
    for (uint64_t i = 100; i < 104; i++) {
        AgEvent e = ev_at(i);
        CHECK_EQ(ag_ring_push(r, &e), i < 103);
    }
    CHECK_EQ(ag_ring_drops(r), 13);
    size_t n = ag_ring_pop(r, out, 16);
    CHECK_EQ(n, 8);
    CHECK_EQ(out[0].time_ns, 3);
    CHECK_EQ(out[4].time_ns, 7);
    CHECK_EQ(out[5].time_ns, 100);
    CHECK_EQ(out[7].time_ns, 102);
    CHECK_EQ(out[7].seq, 10);
    CHECK_EQ(ag_ring_pop(r, out, 16), 0);
    ag_ring_destroy(r);
}

#define SPSC_N 200000u
static AgRing *spsc_ring;

static void *producer(void *arg)
{
    (void)arg;
    for (uint64_t i = 1; i <= SPSC_N; i++) {
        AgEvent e = ev_at(i);
        ag_ring_push(spsc_ring, &e);
    }
    return NULL;
}

TEST(ring_spsc_no_loss_no_reorder)
{
    spsc_ring = ag_ring_create(256);
    pthread_t th;
    pthread_create(&th, NULL, producer, NULL);
    AgEvent out[64];
    uint64_t got = 0, last = 0, bad = 0;
    for (;;) {
        size_t n = ag_ring_pop(spsc_ring, out, 64);
        for (size_t i = 0; i < n; i++) {
            /* every event arrives whole: its payload matches its time, in increasing order */
            if (out[i].time_ns <= last || out[i].u.bin.bytes != out[i].time_ns) bad++;
            if (out[i].seq != got + i) bad++;
            last = out[i].time_ns;
        }
        got += n;
        if (got + ag_ring_drops(spsc_ring) == SPSC_N && ag_ring_pushed(spsc_ring) == got) break;
    }
    pthread_join(th, NULL);
    CHECK_EQ(bad, 0);
    CHECK_EQ(got + ag_ring_drops(spsc_ring), SPSC_N);
    CHECK_EQ(ag_ring_pushed(spsc_ring), got);
    ag_ring_destroy(spsc_ring);
}

TEST(ring_merge_time_order_stable)
{
    AgEvent a[3] = { ev_at(1), ev_at(5), ev_at(9) };
    AgEvent b[4] = { ev_at(2), ev_at(5), ev_at(6), ev_at(20) };
    AgEvent c[1] = { ev_at(0) };
    a[1].sched = 0; b[1].sched = 1;
    AgEvent *batches[3] = { a, b, c };
    size_t counts[3] = { 3, 4, 1 };
    AgEvent out[8];
    CHECK_EQ(ag_ring_merge(batches, counts, 3, out), 8);
    uint64_t want[8] = { 0, 1, 2, 5, 5, 6, 9, 20 };
    for (int i = 0; i < 8; i++) CHECK_EQ(out[i].time_ns, want[i]);
    CHECK_EQ(out[3].sched, 0);   /* equal times: lower batch first */
    CHECK_EQ(out[4].sched, 1);
}

/* ---- the collector merges the schedulers' rings ---- */

/* The collector's first step (it samples the host once at start) is done and it sleeps for
 * drain_interval_ms: agent_flush alone decides the batches from here on. */
static void wait_collector_asleep(void)
{
    for (int i = 0; i < 5000; i++) {
        cJSON *snap = agent_snapshot_cjson();
        double samples = cJSON_GetObjectItem(cJSON_GetObjectItem(snap, "agent"), "samples")->valuedouble;
        cJSON_Delete(snap);
        if (samples >= 2) return;     /* agent_flush's and the collector's own */
        struct timespec ts = { 0, 1000000L };
        nanosleep(&ts, NULL);
    }
}

#define PER_THREAD 500
typedef struct PostArg { unsigned sched; uint64_t base; } PostArg;

static void *poster(void *arg)
{
    PostArg *p = arg;
    agent_thread_attach(p->sched);
    for (uint64_t i = 0; i < PER_THREAD; i++) {
        ProbeSpawn s;
        memset(&s, 0, sizeof s);
        s.p.time_ns = p->base + 2 * i + p->sched;   /* the two threads interleave in time */
        s.p.sched_id = p->sched;
        s.p.pid = make_pid(100 + p->sched);
        s.parent = NIL; s.mod = s.fun = NIL;
        probe.spawn(&s);
    }
    agent_thread_detach();
    return NULL;
}

TEST(collector_merges_rings_in_time_order)
{
    FakeHost fh;
    fh_init(&fh, 2);
    AgentConfig cfg;
    agent_config_default(&cfg);
    cfg.drain_interval_ms = 60000;    /* only agent_flush drains: one batch, one merge */
    cfg.sample_interval_ms = 60000;
    cfg.ring_capacity = 1024;
    cfg.recent_events = 4096;
    CHECK(agent_attach(&fh.host, &cfg));
    agent_flush();
    wait_collector_asleep();
    uint64_t base = probe_now_ns();
    PostArg pa[2] = { { 0, base }, { 1, base } };
    pthread_t th[2];
    for (int i = 0; i < 2; i++) pthread_create(&th[i], NULL, poster, &pa[i]);
    for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
    /* one more from an unattached thread: the fallback ring */
    ProbeBin b = { .time_ns = base + 2 * PER_THREAD + 5, .kind = PROBE_BIN_ALLOC, .binary = &b,
                   .bytes = 100 };
    probe.bin(&b);
    agent_flush();
    uint64_t next = 0;
    cJSON *j = agent_events_cjson(0, 0, &next);
    CHECK(j != NULL);
    cJSON *evs = cJSON_GetObjectItem(j, "events");
    int n = cJSON_GetArraySize(evs);
    CHECK_EQ(n, 2 * PER_THREAD + 1);
    double last_t = -1;
    double first_seq = -1, prev_seq = 0;
    int ordered = 1, alternate = 1, consecutive = 1;
    for (int i = 0; i < n; i++) {
        cJSON *e = cJSON_GetArrayItem(evs, i);
        double t = cJSON_GetObjectItem(e, "t_ms")->valuedouble;
        double seq = cJSON_GetObjectItem(e, "seq")->valuedouble;
        if (t < last_t) ordered = 0;
        last_t = t;
        if (first_seq < 0) first_seq = seq; else if (seq != prev_seq + 1) consecutive = 0;
        prev_seq = seq;
        cJSON *sched = cJSON_GetObjectItem(e, "sched");
        if (i < 2 * PER_THREAD && (!cJSON_IsNumber(sched) || sched->valueint != i % 2)) alternate = 0;
        if (i == n - 1) {
            CHECK(cJSON_IsNull(sched));
            CHECK_STR(cJSON_GetObjectItem(e, "type")->valuestring, "bin");
        }
    }
    CHECK(ordered);
    CHECK(alternate);
    CHECK(consecutive);
    CHECK_EQ((double)next, prev_seq);
    cJSON_Delete(j);
    /* events since the last one: none */
    j = agent_events_cjson(next, 0, NULL);
    CHECK_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "events")), 0);
    cJSON_Delete(j);
    agent_detach();
    CHECK(!agent_attached());
}

static void *flood(void *arg)
{
    (void)arg;
    agent_thread_attach(0);
    for (int i = 0; i < 100; i++) {
        ProbeSpawn s;
        memset(&s, 0, sizeof s);
        s.p.time_ns = probe_now_ns();
        s.p.pid = make_pid(7);
        s.parent = s.mod = s.fun = NIL;
        probe.spawn(&s);
    }
    agent_thread_detach();
    return NULL;
}

TEST(agent_counts_drops_of_a_full_ring)
{
    FakeHost fh;
    fh_init(&fh, 1);
    AgentConfig cfg;
    agent_config_default(&cfg);
    cfg.drain_interval_ms = 60000;
    cfg.sample_interval_ms = 60000;
    cfg.ring_capacity = 16;
    CHECK(agent_attach(&fh.host, &cfg));
    agent_flush();
    wait_collector_asleep();
    pthread_t th;
    pthread_create(&th, NULL, flood, NULL);
    pthread_join(th, NULL);
    cJSON *r = agent_report_cjson(NULL, NULL);
    CHECK(r != NULL);
    cJSON *ag = cJSON_GetObjectItem(r, "agent");
    CHECK_EQ(cJSON_GetObjectItem(ag, "drops")->valuedouble, 84);
    CHECK_EQ(cJSON_GetObjectItem(ag, "events")->valuedouble, 16);
    CHECK_EQ(cJSON_GetObjectItem(ag, "ring_capacity")->valuedouble, 16);
    cJSON_Delete(r);
    agent_detach();
}

/* Two schedulers and an unattached thread post while the collector drains every millisecond
 * and a client asks for snapshots and events: every event is accepted or counted as dropped,
 * and the collector saw every accepted one (run under TSan for the memory orders). */
#define CONC_N 20000
static void *conc_poster(void *arg)
{
    long sched = (long)arg;
    if (sched >= 0) agent_thread_attach((unsigned)sched);
    for (int i = 0; i < CONC_N; i++) {
        fh_send(200 + (Uint)(sched + 1), 1, NULL, 10, 5);
    }
    if (sched >= 0) agent_thread_detach();
    return NULL;
}

TEST(concurrent_posting_draining_querying)
{
    FakeHost fh;
    fh_init(&fh, 2);
    AgentConfig cfg;
    agent_config_default(&cfg);
    cfg.drain_interval_ms = 1;
    cfg.sample_interval_ms = 5;
    cfg.ring_capacity = 512;
    CHECK(agent_attach(&fh.host, &cfg));
    pthread_t th[3];
    for (long i = 0; i < 3; i++) pthread_create(&th[i], NULL, conc_poster, (void *)(i - 1));
    uint64_t since = 0;
    for (int q = 0; q < 50; q++) {
        char *s = agent_snapshot_json();
        CHECK(s != NULL);
        free(s);
        s = agent_events_since(since, 100, &since);
        CHECK(s != NULL);
        free(s);
    }
    for (int i = 0; i < 3; i++) pthread_join(th[i], NULL);
    agent_flush();
    cJSON *r = agent_report_cjson(NULL, NULL);
    double events = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "agent"), "events")->valuedouble;
    double drops = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "agent"), "drops")->valuedouble;
    double sends = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "sharing"), "sends")->valuedouble;
    double sampled = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "sharing"), "sampled_sends")->valuedouble;
    /* The two schedulers coalesce their sends (agent.c), sampled ones too; the unattached
     * thread posts one event a send. An event holds one send or more. */
    CHECK(events + drops <= 3 * CONC_N);
    CHECK(events + drops >= CONC_N);   /* the fallback thread's, at least */
    CHECK(sends >= events);            /* every accepted event reached the store */
    CHECK(sends <= 3 * CONC_N);
    if (drops == 0) CHECK_EQ(sends, 3 * CONC_N);
    CHECK_EQ(sampled, sends);          /* every send here had its shared size measured */
    CHECK(events >= 512);
    cJSON_Delete(r);
    agent_detach();
}

/* A scheduler thread coalesces sends (sampled ones too), minor and major GCs and ETS
 * inserts/deletes, with a ring too small to hold them one by one: every count, sum, pause and
 * peak still comes out exact, and the process's batch is posted before its exit. */
#define COAL_N 5000
static Term atom(const char *s) { return atom_put(s, strlen(s)); }
static void *coalescer(void *arg)
{
    (void)arg;
    agent_thread_attach(0);
    static const char coal_ip[1];   /* one send site */
    for (int i = 0; i < COAL_N; i++) {
        fh_send(300 + (Uint)(i % 3), 1, coal_ip, 10, i % 4 == 0 ? 2 : 0); /* 1 in 4 sampled, ratio 5 */
        ProbeGc g;
        memset(&g, 0, sizeof g);
        g.p.time_ns = probe_now_ns();
        g.p.pid = make_pid(300);
        g.ev.type = GC_MINOR;
        g.ev.reclaimed = 7;
        g.ev.duration_ns = 1000 + (uint64_t)i;
        probe.gc_end(&g);
        g.p.pid = make_pid(301);                 /* and a process doing majors */
        g.ev.type = GC_MAJOR;
        g.ev.reclaimed = 3;
        g.ev.duration_ns = 2000 + (uint64_t)i;
        g.ev.after.heap_size = (Uint)(i % 100);
        probe.gc_end(&g);
        ProbeEts e;
        memset(&e, 0, sizeof e);
        e.p.time_ns = probe_now_ns();
        e.p.pid = make_pid(300);
        e.kind = i % 3 == 2 ? PROBE_ETS_DELETE_OBJECT : PROBE_ETS_INSERT;
        e.table_id = 99; e.name = atom("coal_tab"); e.owner = make_pid(300);
        e.size = (Uint)(i < COAL_N / 2 ? i : COAL_N - i);   /* peak in the middle */
        e.memory_words = 100 + e.size;
        probe.ets(&e);
    }
    ProbeExit x;
    memset(&x, 0, sizeof x);
    x.p.time_ns = probe_now_ns();
    x.p.pid = make_pid(300);
    x.reason_atom = NIL;
    probe.exit(&x);
    agent_thread_detach();
    return NULL;
}

TEST(coalesced_counts_are_exact)
{
    FakeHost fh;
    fh_init(&fh, 1);
    AgentConfig cfg;
    agent_config_default(&cfg);
    cfg.ring_capacity = 64;
    cfg.drain_interval_ms = 60000;   /* no step meanwhile: a cache the collector is emptying
                                        makes its thread post alone (never wait) */
    cfg.sample_interval_ms = 60000;
    CHECK(agent_attach(&fh.host, &cfg));
    agent_flush();
    wait_collector_asleep();
    pthread_t th;
    pthread_create(&th, NULL, coalescer, NULL);
    pthread_join(th, NULL);
    cJSON *r = agent_report_cjson(NULL, NULL);
    CHECK(r != NULL);
    cJSON *sh = cJSON_GetObjectItem(r, "sharing"), *gc = cJSON_GetObjectItem(r, "gc");
    CHECK_EQ(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "agent"), "drops")->valuedouble, 0);
    CHECK_EQ(cJSON_GetObjectItem(sh, "sends")->valuedouble, COAL_N);
    CHECK_EQ(cJSON_GetObjectItem(sh, "flat_words")->valuedouble, 10.0 * COAL_N);
    CHECK_EQ(cJSON_GetObjectItem(sh, "sampled_sends")->valuedouble, COAL_N / 4);
    CHECK_EQ(cJSON_GetObjectItem(sh, "sampled_flat_words")->valuedouble, 10.0 * COAL_N / 4);
    CHECK_EQ(cJSON_GetObjectItem(sh, "sampled_shared_words")->valuedouble, 2.0 * COAL_N / 4);
    CHECK_EQ(cJSON_GetObjectItem(gc, "minor_gcs")->valuedouble, COAL_N);
    CHECK_EQ(cJSON_GetObjectItem(gc, "major_gcs")->valuedouble, COAL_N);
    CHECK_EQ(cJSON_GetObjectItem(gc, "reclaimed_words")->valuedouble, 10.0 * COAL_N);
    cJSON *pm = cJSON_GetObjectItem(gc, "minor_pause_ms");
    CHECK_EQ(cJSON_GetObjectItem(pm, "count")->valuedouble, COAL_N);
    CHECK(fabs(cJSON_GetObjectItem(pm, "max")->valuedouble - (1000 + COAL_N - 1) / 1e6) < 1e-9);
    cJSON *pj = cJSON_GetObjectItem(gc, "major_pause_ms");
    CHECK_EQ(cJSON_GetObjectItem(pj, "count")->valuedouble, COAL_N);
    CHECK(fabs(cJSON_GetObjectItem(pj, "max")->valuedouble - (2000 + COAL_N - 1) / 1e6) < 1e-9);
    CHECK_EQ(cJSON_GetObjectItem(cJSON_GetObjectItem(gc, "pause_ms"), "count")->valuedouble,
             2 * COAL_N);
    cJSON *t = cJSON_GetArrayItem(cJSON_GetObjectItem(r, "ets"), 0);
    CHECK(t != NULL);
    CHECK_EQ(cJSON_GetObjectItem(t, "inserts")->valuedouble, COAL_N - COAL_N / 3);
    CHECK_EQ(cJSON_GetObjectItem(t, "deletes")->valuedouble, COAL_N / 3);
    CHECK_EQ(cJSON_GetObjectItem(t, "peak_size")->valuedouble, COAL_N / 2);   /* i = COAL_N / 2 */
    CHECK_EQ(cJSON_GetObjectItem(t, "size")->valuedouble, 1);
    cJSON_Delete(r);
    agent_detach();
}

/* The runtime gives sends and ETS inserts/deletes no time (probe.h: time_ns 0, no clock read
 * per message): every record the agent makes of them, coalesced or alone, carries the time the
 * hook stamped, within the run. */
#define STAMP_N 100
static void *unstamped_poster(void *arg)
{
    (void)arg;
    agent_thread_attach(0);
    static const char code[4];
    for (int i = 0; i < STAMP_N; i++) {
        fh_send(400 + (Uint)(i % 70), 1, &code[i % 2], 3, 0);   /* more senders than slots: evictions */
        ProbeEts e;
        memset(&e, 0, sizeof e);
        e.p.pid = make_pid(400);
        e.kind = PROBE_ETS_INSERT;
        e.table_id = 77 + (uint64_t)(i % 20);        /* more tables than slots */
        e.name = atom("stamp_tab"); e.owner = make_pid(400);
        e.size = (Uint)i;
        probe.ets(&e);
    }
    ProbeEts c;
    memset(&c, 0, sizeof c);
    c.p.pid = make_pid(400);
    c.kind = PROBE_ETS_CREATE;                        /* posted alone */
    c.table_id = 5; c.name = atom("stamp_new"); c.owner = make_pid(400);
    probe.ets(&c);
    agent_thread_detach();
    return NULL;
}

TEST(unstamped_events_get_the_hook_time)
{
    FakeHost fh;
    fh_init(&fh, 1);
    AgentConfig cfg;
    agent_config_default(&cfg);
    cfg.drain_interval_ms = 60000;
    cfg.sample_interval_ms = 60000;
    CHECK(agent_attach(&fh.host, &cfg));
    /* 20 ms into the run: a stamped record is at >= 10 ms (the coarse clock's tick is at most
     * 4 ms); an unstamped one (time 0) would read as 0 (the report clamps) */
    struct timespec ts = { 0, 20000000L };
    nanosleep(&ts, NULL);
    pthread_t th;
    pthread_create(&th, NULL, unstamped_poster, NULL);
    pthread_join(th, NULL);
    agent_flush();
    cJSON *ev = agent_events_cjson(0, 0, NULL);
    cJSON *r = agent_report_cjson(NULL, NULL);
    CHECK(ev != NULL && r != NULL);
    double end_ms = cJSON_GetObjectItem(cJSON_GetObjectItem(r, "run"), "duration_ms")->valuedouble;
    cJSON *arr = cJSON_GetObjectItem(ev, "events"), *e;
    int n = 0, bad = 0, sends = 0;
    cJSON_ArrayForEach(e, arr) {
        double t = cJSON_GetObjectItem(e, "t_ms")->valuedouble;
        if (t < 10 || t > end_ms) bad++;
        if (!strcmp(cJSON_GetObjectItem(e, "type")->valuestring, "send")) sends++;
        n++;
    }
    CHECK(n > 0);
    CHECK(sends > 0);
    CHECK_EQ(bad, 0);
    CHECK_EQ(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "sharing"), "sends")->valuedouble, STAMP_N);
    cJSON_Delete(ev);
    cJSON_Delete(r);
    agent_detach();
}

int main(void)
{
    hs_init();
    TH_RUN(ring_capacity_is_power_of_two);
    TH_RUN(ring_full_drops_and_counts);
    TH_RUN(ring_spsc_no_loss_no_reorder);
    TH_RUN(ring_merge_time_order_stable);
    TH_RUN(collector_merges_rings_in_time_order);
    TH_RUN(agent_counts_drops_of_a_full_ring);
    TH_RUN(concurrent_posting_draining_querying);
    TH_RUN(coalesced_counts_are_exact);
    TH_RUN(unstamped_events_get_the_hook_time);
    return th_done();
}
