/* The leak detector on synthetic series: every kind, positive and negative; bounded churn
 * (sawtooth, growth then plateau, noise) never gives a leak. */
#include <cJSON.h>
#include <math.h>
#include <stdatomic.h>
#include <unistd.h>

#include "agent.h"
#include "atom.h"
#include "fakehost.h"
#include "hs.h"
#include "leak.h"
#include "testhelp.h"

#define MS 1000000ull

static Term atom(const char *s) { return atom_put(s, strlen(s)); }

static uint64_t rng_state;
static double rnd(void)   /* [0, 1) */
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng_state >> 11) / 9007199254740992.0;
}

typedef double (*Shape)(unsigned i, unsigned n);
static void fill(AgSeries *s, unsigned n, Shape f)
{
    ag_series_init(s);
    for (unsigned i = 0; i < n; i++) ag_series_add(s, (uint64_t)i * 100 * MS, (uint64_t)f(i, n));
}

static double linear(unsigned i, unsigned n) { return 5000 + 400.0 * i; }
static double linear_noisy(unsigned i, unsigned n) { return 5000 + 400.0 * i + rnd() * 3000; }
static double sawtooth(unsigned i, unsigned n) { return 2000 + (i % 8) * 1500; }
static double plateau(unsigned i, unsigned n) { return i < n / 3 ? 2000 + 900.0 * i : 2000 + 900.0 * (n / 3); }
static double noisy_flat(unsigned i, unsigned n) { return 20000 + rnd() * 6000; }
static double flat(unsigned i, unsigned n) { return 7000; }
static double tiny_growth(unsigned i, unsigned n) { return 1000000 + 5.0 * i; }
static double shrinking(unsigned i, unsigned n) { return 90000 - 500.0 * i; }
static double sawtooth_rising_peaks(unsigned i, unsigned n) { return 3000 + (i % 10) * (200.0 + 10 * i); }

TEST(trend_growing_series)
{
    AgLeakConfig c;
    ag_leak_config_default(&c);
    AgSeries s;
    AgFit f;
    rng_state = th_seed();
    fill(&s, 60, linear);
    CHECK(ag_leak_trend(&s, &c.heap, &f));
    CHECK(f.r2 > 0.99);
    CHECK(f.slope_per_s > 3900 && f.slope_per_s < 4100);   /* 400 per 100 ms */
    CHECK(f.growing);
    fill(&s, 60, linear_noisy);
    CHECK(ag_leak_trend(&s, &c.heap, &f));
    fill(&s, 500, linear);          /* compacted: still spans the run */
    CHECK(ag_leak_trend(&s, &c.heap, &f));
    CHECK(f.first_min < 10000);
}

TEST(trend_bounded_churn_is_not_growth)
{
    AgLeakConfig c;
    ag_leak_config_default(&c);
    AgSeries s;
    AgFit f;
    rng_state = th_seed();
    fill(&s, 60, sawtooth);
    CHECK(!ag_leak_trend(&s, &c.heap, &f));
    fill(&s, 60, plateau);
    CHECK(!ag_leak_trend(&s, &c.heap, &f));
    CHECK(f.tail_share < 0.2);
    for (int k = 0; k < 50; k++) {   /* many noisy draws: never a trend */
        fill(&s, 60, noisy_flat);
        if (ag_leak_trend(&s, &c.heap, &f)) { CHECK(!"noise judged growing"); break; }
    }
    fill(&s, 60, flat);
    CHECK(!ag_leak_trend(&s, &c.heap, &f));
    CHECK_EQ(f.r2, 0);
    fill(&s, 60, tiny_growth);      /* grows, but by a fraction of a percent */
    CHECK(!ag_leak_trend(&s, &c.heap, &f));
    fill(&s, 60, shrinking);
    CHECK(!ag_leak_trend(&s, &c.heap, &f));
    fill(&s, 60, sawtooth_rising_peaks);   /* garbage grows between GCs, the floor does not */
    CHECK(!ag_leak_trend(&s, &c.heap, &f));
    fill(&s, 3, linear);            /* too few points */
    CHECK(!ag_leak_trend(&s, &c.heap, &f));
}

/* ---- the detector on a store ---- */

static AgEvent gc_end(uint64_t pid, uint64_t t, bool major, Uint live)
{
    AgEvent e;
    memset(&e, 0, sizeof e);
    e.kind = AG_EV_GC_END;
    e.time_ns = t;
    e.u.gc.p.pid = make_pid(pid);
    e.u.gc.ev.type = major ? GC_MAJOR : GC_MINOR;
    e.u.gc.ev.after.heap_size = live;
    e.u.gc.ev.after.heap_block_size = live * 2;
    return e;
}

static size_t count(const AgVerdictList *l, AgLeakKind k, AgVerdictLevel v)
{
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++) n += l->v[i].kind == k && l->v[i].level == v;
    return n;
}

static const AgVerdict *find(const AgVerdictList *l, AgLeakKind k)
{
    for (size_t i = 0; i < l->n; i++) if (l->v[i].kind == k) return &l->v[i];
    return NULL;
}

TEST(process_state_leak_survives_exit)
{
    static AgStore st;
    AgLeakConfig c;
    ag_leak_config_default(&c);
    CHECK(ag_store_init(&st));
    AgEvent e;
    memset(&e, 0, sizeof e);
    e.kind = AG_EV_SPAWN;
    e.u.spawn.p.pid = make_pid(50);
    e.u.spawn.mod = atom("state_server"); e.u.spawn.fun = atom("init"); e.u.spawn.arity = 1;
    ag_store_apply(&st, &e);
    /* live words after each major keep growing; minors in between are ignored */
    for (unsigned i = 0; i < 12; i++) {
        e = gc_end(50, (uint64_t)i * 300 * MS, true, 2000 + 1500 * i);
        ag_store_apply(&st, &e);
        e = gc_end(50, (uint64_t)i * 300 * MS + 100 * MS, false, 100);
        ag_store_apply(&st, &e);
    }
    /* a bounded neighbour: live words go up and down */
    for (unsigned i = 0; i < 12; i++) {
        e = gc_end(51, (uint64_t)i * 300 * MS, true, 3000 + (i % 3) * 1000);
        ag_store_apply(&st, &e);
    }
    e.kind = AG_EV_EXIT;
    e.time_ns = 4000 * MS;
    e.u.exit.p.pid = make_pid(50);
    strcpy(e.u.exit.reason, "normal");
    ag_store_apply(&st, &e);
    AgVerdictList l = { 0 };
    CHECK(ag_leak_judge(&st, &c, false, 5000 * MS, &l));
    CHECK_EQ(l.n, 1);
    const AgVerdict *v = find(&l, AG_LEAK_PROCESS_STATE);
    CHECK(v != NULL);
    if (v) {
        CHECK_EQ(v->level, AG_VERDICT_LEAK);
        CHECK_EQ(v->pid, 50);
        CHECK_EQ(v->mod, atom("state_server"));
        CHECK_STR(v->metric, "live_words_after_major");
        CHECK_EQ(v->fit.first_min, 2000);   /* min of the first group (points 0-1) */
        CHECK_EQ(v->fit.last_min, 2000 + 1500 * 10);   /* min of the last (points 10-11) */
        CHECK(v->samples.n == 12);
        CHECK(strstr(v->summary, "state_server:init/1") != NULL);
    }
    ag_verdicts_free(&st, &l);
    ag_store_free(&st);
}

TEST(verdicts_kept_after_the_store_forgets_the_process)
{
    static AgStore st;
    AgLeakConfig c;
    ag_leak_config_default(&c);
    ag_leak_install(&c);
    CHECK(ag_store_init(&st));
    AgEvent e;
    for (unsigned i = 0; i < 10; i++) {
        e = gc_end(9, (uint64_t)i * 300 * MS, true, 2000 + 3000 * i);
        ag_store_apply(&st, &e);
    }
    memset(&e, 0, sizeof e);
    e.kind = AG_EV_EXIT;
    e.u.exit.p.pid = make_pid(9);
    ag_store_apply(&st, &e);
    for (uint64_t pid = 100; pid < 100 + AG_MAX_DEAD_PROCS + 5; pid++) {   /* push it out */
        e.u.exit.p.pid = make_pid(pid);
        ag_store_apply(&st, &e);
    }
    CHECK(ag_store_proc(&st, 9) == NULL);
    AgVerdictList l = { 0 };
    CHECK(ag_leak_judge(&st, &c, false, 0, &l));
    CHECK_EQ(count(&l, AG_LEAK_PROCESS_STATE, AG_VERDICT_LEAK), 1);
    CHECK_EQ(l.n, 1);
    ag_verdicts_free(&st, &l);
    ag_verdicts_free(&st, st.kept);
    ag_store_release(&st, st.kept, sizeof *st.kept);
    st.kept = NULL;
    ag_store_free(&st);
    CHECK_EQ(st.bytes, 0);
    ag_store_evict_hook = NULL;
}

/* Samples a fake process whose heap grows by `step` words per tick for n ticks. */
static void grow_heap(AgStore *st, FakeHost *fh, size_t i, unsigned n, uint64_t t0, Uint base,
                      Uint step)
{
    for (unsigned k = 0; k < n; k++) {
        HostProc *hp = &fh->procs[i];
        hp->gc.heap_block_size = 1000;
        hp->gc.heap_size = 800;
        hp->gc.old_heap_block_size = base + step * k;
        hp->gc.old_heap_size = base + step * k;
        hp->total_heap_words = hp->gc.heap_block_size + hp->gc.old_heap_block_size;
        ag_store_sample_procs(st, t0 + (uint64_t)k * 100 * MS, hp, 1);
    }
}

TEST(pseudo_leak_when_a_forced_fullsweep_gives_it_back)
{
    static AgStore st;
    AgLeakConfig c;
    ag_leak_config_default(&c);
    CHECK(ag_store_init(&st));
    FakeHost fh;
    fh_init(&fh, 1);
    size_t i = fh_proc(&fh, 60);
    fh.procs[i].registered_name = atom("garbage_maker");
    grow_heap(&st, &fh, i, 30, 0, 1000, 800);
    /* the fullsweep leaves 700 live words in a 1000-word heap */
    fh.gc_after[i] = (GcInfo){ .heap_block_size = 1000, .heap_size = 700 };
    fh.gc_after_set[i] = true;
    CHECK_EQ(ag_leak_scan(&st, &fh.host, &c, 3000 * MS), 1);
    CHECK_EQ(fh.forced, 1);
    /* rate limited: no second GC right away */
    CHECK_EQ(ag_leak_scan(&st, &fh.host, &c, 3000 * MS + 10 * MS), 0);
    AgVerdictList l = { 0 };
    CHECK(ag_leak_judge(&st, &c, false, 3100 * MS, &l));
    CHECK_EQ(l.n, 1);
    const AgVerdict *v = find(&l, AG_LEAK_PROCESS_STATE);
    CHECK(v && v->level == AG_VERDICT_PSEUDO_LEAK);
    if (v) {
        CHECK(v->has_gc);
        CHECK_EQ(v->gc.before.old_heap_size, 1000 + 800 * 29);
        CHECK_EQ(v->gc.after.heap_size, 700);
        CHECK_EQ(v->gc.after.old_heap_size, 0);
        CHECK_EQ(v->registered_name, atom("garbage_maker"));
    }
    /* no scan is allowed to force: nothing happens */
    c.force_gc = false;
    CHECK_EQ(ag_leak_scan(&st, &fh.host, &c, 9000 * MS), 0);
    ag_verdicts_free(&st, &l);
    ag_store_free(&st);
}

TEST(real_leak_when_the_forced_fullsweep_keeps_it)
{
    static AgStore st;
    AgLeakConfig c;
    ag_leak_config_default(&c);
    CHECK(ag_store_init(&st));
    FakeHost fh;
    fh_init(&fh, 1);
    size_t i = fh_proc(&fh, 61);
    /* every forced GC finds all of it live: its live-words points keep growing */
    uint64_t t = 0;
    for (unsigned round = 0; round < 6; round++) {
        grow_heap(&st, &fh, i, 10, t, 1000 + 8000 * round, 800);
        t += 1000 * MS;
        GcInfo g = fh.procs[i].gc;
        fh.gc_after[i] = (GcInfo){ .heap_block_size = g.heap_block_size + g.old_heap_block_size,
                                   .heap_size = g.heap_size + g.old_heap_size };
        fh.gc_after_set[i] = true;
        CHECK_EQ(ag_leak_scan(&st, &fh.host, &c, t), 1);
        AgEvent e = gc_end(61, t, true, (Uint)fh.gc_after[i].heap_size);   /* what the GC emits */
        ag_store_apply(&st, &e);
    }
    AgVerdictList l = { 0 };
    CHECK(ag_leak_judge(&st, &c, false, t, &l));
    CHECK_EQ(count(&l, AG_LEAK_PROCESS_STATE, AG_VERDICT_LEAK), 1);
    CHECK_EQ(count(&l, AG_LEAK_PROCESS_STATE, AG_VERDICT_PSEUDO_LEAK), 0);
    const AgVerdict *v = find(&l, AG_LEAK_PROCESS_STATE);
    CHECK(v && v->has_gc);
    ag_verdicts_free(&st, &l);
    ag_store_free(&st);
}

static void sample_mailbox(AgStore *st, uint64_t pid, unsigned n, Shape f)
{
    HostProc hp;
    memset(&hp, 0, sizeof hp);
    hp.pid = make_pid(pid);
    hp.registered_name = hp.mod = hp.fun = NIL;
    for (unsigned k = 0; k < n; k++) {
        hp.message_queue_len = (Uint)f(k, n);
        hp.total_heap_words = 1000;
        ag_store_sample_procs(st, (uint64_t)k * 100 * MS, &hp, 1);
    }
}

static double queue_grows(unsigned i, unsigned n) { return 3.0 * i * i / 4 + 10 * i; }
static double queue_bursts(unsigned i, unsigned n) { return (i % 5) * 200.0; }

TEST(mailbox_leak_and_bursty_consumer)
{
    static AgStore st;
    AgLeakConfig c;
    ag_leak_config_default(&c);
    CHECK(ag_store_init(&st));
    sample_mailbox(&st, 70, 40, queue_grows);
    sample_mailbox(&st, 71, 40, queue_bursts);
    AgVerdictList l = { 0 };
    CHECK(ag_leak_judge(&st, &c, false, 0, &l));
    CHECK_EQ(l.n, 1);
    const AgVerdict *v = find(&l, AG_LEAK_MAILBOX);
    CHECK(v && v->pid == 70 && v->level == AG_VERDICT_LEAK);
    if (v) CHECK_STR(v->metric, "message_queue_len");
    ag_verdicts_free(&st, &l);
    ag_store_free(&st);
}

static void sample_table(AgStore *st, uint64_t id, Term name, unsigned n, Shape size)
{
    HostEts h = { .table_id = id, .name = name, .owner = make_pid(5), .type = atom("set"),
                  .protection = atom("protected") };
    for (unsigned k = 0; k < n; k++) {
        h.size = (Uint)size(k, n) / 100;
        h.memory_words = 300 + h.size * 12;
        ag_store_sample_ets(st, (uint64_t)k * 100 * MS, &h, 1);
    }
}

TEST(ets_table_that_only_grows)
{
    static AgStore st;
    AgLeakConfig c;
    ag_leak_config_default(&c);
    CHECK(ag_store_init(&st));
    sample_table(&st, 1, atom("cache"), 50, linear);
    sample_table(&st, 2, atom("lru"), 50, plateau);
    sample_table(&st, 3, atom("sessions"), 50, sawtooth);
    AgVerdictList l = { 0 };
    CHECK(ag_leak_judge(&st, &c, false, 0, &l));
    CHECK_EQ(l.n, 1);
    const AgVerdict *v = find(&l, AG_LEAK_ETS_TABLE);
    CHECK(v && v->table_id == 1 && v->level == AG_VERDICT_LEAK);
    if (v) {
        CHECK_EQ(v->table_name, atom("cache"));
        CHECK_STR(v->metric2, "memory_words");
        CHECK(v->fit2.growing);
    }
    ag_verdicts_free(&st, &l);
    ag_store_free(&st);
}

TEST(binary_hoarder_is_suspect)
{
    static AgStore st;
    AgLeakConfig c;
    ag_leak_config_default(&c);
    CHECK(ag_store_init(&st));
    FakeHost fh;
    fh_init(&fh, 1);
    size_t hoard = fh_proc(&fh, 80), keeper = fh_proc(&fh, 81);
    fh.procs[hoard].gc = (GcInfo){ .heap_block_size = 987, .heap_size = 500,
                                   .bin_vheap_size = 200000, .bin_vheap_block_size = 300000 };
    fh.gc_after[hoard] = (GcInfo){ .heap_block_size = 987, .heap_size = 400,
                                   .bin_vheap_size = 1000, .bin_vheap_block_size = 46422 };
    fh.gc_after_set[hoard] = true;
    /* this one needs its binaries: the GC frees none */
    fh.procs[keeper].gc = fh.procs[hoard].gc;
    ag_store_sample_procs(&st, 0, fh.procs, fh.nprocs);
    CHECK_EQ(ag_leak_scan(&st, &fh.host, &c, 100 * MS), 2);
    AgVerdictList l = { 0 };
    CHECK(ag_leak_judge(&st, &c, false, 0, &l));
    CHECK_EQ(l.n, 1);
    const AgVerdict *v = find(&l, AG_LEAK_BINARY);
    CHECK(v && v->pid == 80 && v->level == AG_VERDICT_SUSPECT);
    if (v) {
        CHECK_EQ(v->gc.before.bin_vheap_size, 200000);
        CHECK_EQ(v->gc.after.bin_vheap_size, 1000);
    }
    ag_verdicts_free(&st, &l);
    ag_store_free(&st);
}

static void sends(AgStore *st, unsigned line, unsigned n, Uint flat, Uint shared)
{
    AgEvent e;
    memset(&e, 0, sizeof e);
    e.kind = AG_EV_SEND;
    e.u.send.p.pid = make_pid(90);
    e.u.send.site = (ProbeSite){ atom("sharer"), atom("loop"), 1, line, NULL };
    e.u.send.flat_words = flat;
    e.u.send.shared_words = shared;
    for (unsigned i = 0; i < n; i++) ag_store_apply(st, &e);
}

TEST(lost_sharing_site_is_suspect)
{
    static AgStore st;
    AgLeakConfig c;
    ag_leak_config_default(&c);
    CHECK(ag_store_init(&st));
    sends(&st, 10, 100, 2048, 40);     /* 51x: suspect */
    sends(&st, 20, 100, 300, 100);     /* 3x: below the threshold */
    sends(&st, 30, 3, 100000, 10);     /* huge ratio, too few messages */
    sends(&st, 40, 50, 20, 2);         /* 10x but no real volume (1000 words) */
    AgVerdictList l = { 0 };
    CHECK(ag_leak_judge(&st, &c, false, 0, &l));
    CHECK_EQ(l.n, 1);
    const AgVerdict *v = find(&l, AG_LEAK_LOST_SHARING);
    CHECK(v && v->site.line == 10 && v->level == AG_VERDICT_SUSPECT);
    if (v) {
        CHECK(fabs(v->ratio - 51.2) < 1e-9);
        CHECK_EQ(v->messages, 100);
    }
    ag_verdicts_free(&st, &l);
    ag_store_free(&st);
}

TEST(native_outstanding_at_exit_grouped)
{
    static AgStore st;
    AgLeakConfig c;
    ag_leak_config_default(&c);
    CHECK(ag_store_init(&st));
    static char blocks[10];
    AgEvent e;
    memset(&e, 0, sizeof e);
    for (int i = 0; i < 10; i++) {
        e.kind = AG_EV_NATIVE_ALLOC;
        e.u.native.n = (ProbeNative){ i < 6 ? NATIVE_ETS : NATIVE_BINARY, &blocks[i], 100 };
        e.u.native.stack_id = i < 6 ? 7 : 8;
        ag_store_apply(&st, &e);
    }
    for (int i = 0; i < 4; i++) {       /* frees 4 of the ETS blocks */
        e.kind = AG_EV_NATIVE_FREE;
        e.u.native.n = (ProbeNative){ NATIVE_ETS, &blocks[i], 0 };
        ag_store_apply(&st, &e);
    }
    AgVerdictList l = { 0 };
    CHECK(ag_leak_judge(&st, &c, false, 0, &l));
    CHECK_EQ(l.n, 0);                   /* only at exit */
    CHECK(ag_leak_judge(&st, &c, true, 0, &l));
    CHECK_EQ(l.n, 2);
    CHECK_EQ(count(&l, AG_LEAK_NATIVE, AG_VERDICT_SUSPECT), 2);
    CHECK_EQ(l.v[0].bytes, 400);        /* largest group first */
    CHECK_EQ(l.v[0].stack_id, 8);
    CHECK_EQ(l.v[1].blocks, 2);
    CHECK_EQ(l.v[1].native_kind, NATIVE_ETS);
    ag_verdicts_free(&st, &l);
    ag_store_free(&st);
}

TEST(verdicts_ordered_leak_suspect_pseudo)
{
    static AgStore st;
    AgLeakConfig c;
    ag_leak_config_default(&c);
    CHECK(ag_store_init(&st));
    sends(&st, 10, 100, 2048, 40);
    sample_mailbox(&st, 70, 40, queue_grows);
    AgVerdictList l = { 0 };
    CHECK(ag_leak_judge(&st, &c, false, 0, &l));
    CHECK_EQ(l.n, 2);
    CHECK_EQ(l.v[0].level, AG_VERDICT_LEAK);
    CHECK_EQ(l.v[1].level, AG_VERDICT_SUSPECT);
    ag_verdicts_free(&st, &l);
    ag_store_free(&st);
}


/* ---- the evidence a real run gives the detector ---- */

/* A host whose first round of samples sleeps 300 ms: what a process lock held through a slice,
 * or a collector preempted on a loaded box, looks like from the collector (asleep, no CPU).
 * Rounds are spaced by their CPU cost, so the sampling keeps its interval: spaced by wall time
 * (10 x 300 ms), a 1.3 s run got 2 rounds and a story too few points for any trend. */
static atomic_int slow_rounds;
static size_t slow_first_list_procs(void *ctx, HostProc *out, size_t cap)
{
    if (atomic_fetch_add(&slow_rounds, 1) == 0) usleep(300 * 1000);
    return fh_list_procs(ctx, out, cap);
}

TEST(a_slow_sample_round_does_not_stretch_the_interval)
{
    static FakeHost fh;
    fh_init(&fh, 1);
    fh_proc(&fh, 80);
    fh.host.list_procs = slow_first_list_procs;
    AgentConfig cfg;
    agent_config_default(&cfg);
    cfg.bt_capture = NULL;
    CHECK(agent_attach(&fh.host, &cfg));
    usleep(1300 * 1000);
    cJSON *r = agent_report_cjson(NULL, NULL);
    CHECK(r != NULL);
    cJSON *ag = r ? cJSON_GetObjectItem(r, "agent") : NULL;
    double samples = ag ? cJSON_GetObjectItem(ag, "samples")->valuedouble : 0;
    cJSON_Delete(r);
    agent_detach();
    /* 100 ms apart after the slow one: about 11 with the report's own; at most 2 when stretched */
    CHECK(samples >= 6);
    CHECK(atomic_load(&slow_rounds) >= 6);
}

int main(void)
{
    hs_init();
    TH_RUN(trend_growing_series);
    TH_RUN(trend_bounded_churn_is_not_growth);
    TH_RUN(process_state_leak_survives_exit);
    TH_RUN(verdicts_kept_after_the_store_forgets_the_process);
    TH_RUN(pseudo_leak_when_a_forced_fullsweep_gives_it_back);
    TH_RUN(real_leak_when_the_forced_fullsweep_keeps_it);
    TH_RUN(mailbox_leak_and_bursty_consumer);
    TH_RUN(ets_table_that_only_grows);
    TH_RUN(binary_hoarder_is_suspect);
    TH_RUN(lost_sharing_site_is_suspect);
    TH_RUN(native_outstanding_at_exit_grouped);
    TH_RUN(verdicts_ordered_leak_suspect_pseudo);
    TH_RUN(a_slow_sample_round_does_not_stretch_the_interval);
    return th_done();
}
