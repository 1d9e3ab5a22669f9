/* The collector's store: bounded series that span the run, pause histograms, events applied to
 * processes, tables, send sites, binaries and native blocks, bounded memory. */
#include "atom.h"
#include "hs.h"
#include "series.h"
#include "testhelp.h"

static Term atom(const char *s) { return atom_put(s, strlen(s)); }

TEST(series_keeps_spanning_the_run)
{
    AgSeries s;
    ag_series_init(&s);
    for (uint64_t i = 0; i < 1000; i++) ag_series_add(&s, i * 1000, i);
    CHECK(s.n <= AG_SERIES_CAP);
    CHECK(s.n >= AG_SERIES_CAP / 2);
    CHECK_EQ(s.offered, 1000);
    CHECK_EQ(s.last, 999);
    CHECK_EQ(s.peak, 999);
    /* the kept points start near the beginning and end near the end */
    CHECK_EQ(s.pts[0].v, 0);      /* the start of the run is kept */
    CHECK(s.pts[s.n - 1].v >= 1000 - s.stride);
    for (unsigned i = 1; i < s.n; i++) CHECK(s.pts[i].t_ns > s.pts[i - 1].t_ns);
    /* evenly strided */
    for (unsigned i = 1; i < s.n; i++) CHECK_EQ(s.pts[i].v - s.pts[i - 1].v, s.stride);
}

TEST(series_small_keeps_everything)
{
    AgSeries s;
    ag_series_init(&s);
    for (uint64_t i = 0; i < 10; i++) ag_series_add(&s, i, 100 - i);
    CHECK_EQ(s.n, 10);
    CHECK_EQ(s.pts[9].v, 91);
    CHECK_EQ(s.peak, 100);
}

TEST(hist_quantiles)
{
    static AgHist h;
    memset(&h, 0, sizeof h);
    CHECK_EQ(ag_hist_quantile(&h, 0.5), 0);
    for (uint64_t v = 1; v <= 1000; v++) ag_hist_add(&h, v * 1000);   /* 1us .. 1ms */
    uint64_t p50 = ag_hist_quantile(&h, 0.5), p99 = ag_hist_quantile(&h, 0.99);
    CHECK(p50 >= 500000 && p50 <= 500000 + 500000 / 8);
    CHECK(p99 >= 990000 && p99 <= 1000000);
    CHECK_EQ(ag_hist_quantile(&h, 1.0), 1000000);
    CHECK_EQ(h.max, 1000000);
    CHECK_EQ(h.n, 1000);
    memset(&h, 0, sizeof h);
    for (int i = 0; i < 7; i++) ag_hist_add(&h, 5);
    CHECK_EQ(ag_hist_quantile(&h, 0.5), 5);   /* small values are exact */
}

/* Merging histograms equals adding every value into one; merge reads and clear empties only
 * the buckets up to max's, so a cleared histogram must be all zero again. */
TEST(hist_merge_and_clear)
{
    static AgHist all, a, b, zero;
    memset(&all, 0, sizeof all); memset(&a, 0, sizeof a); memset(&b, 0, sizeof b);
    memset(&zero, 0, sizeof zero);
    for (uint64_t v = 0; v < 3000; v++) {
        uint64_t x = v * v * 7 + 3;           /* 3 ns .. 63 ms */
        ag_hist_add(&all, x);
        ag_hist_add(v % 3 ? &a : &b, x);
    }
    ag_hist_merge(&a, &b);
    CHECK(memcmp(&a, &all, sizeof a) == 0);
    ag_hist_clear(&a);
    ag_hist_clear(&b);
    CHECK(memcmp(&a, &zero, sizeof a) == 0);
    CHECK(memcmp(&b, &zero, sizeof b) == 0);
    ag_hist_add(&b, 0);                        /* a single 0: bucket 0 */
    ag_hist_merge(&a, &b);
    CHECK_EQ(a.n, 1);
    CHECK_EQ(a.counts[0], 1);
    ag_hist_clear(&b);
    CHECK(memcmp(&b, &zero, sizeof b) == 0);
}

static AgEvent ev(AgEventKind k, uint64_t t)
{
    AgEvent e;
    memset(&e, 0, sizeof e);
    e.kind = k;
    e.time_ns = t;
    return e;
}

TEST(store_process_events)
{
    static AgStore st;
    CHECK(ag_store_init(&st));
    AgEvent e = ev(AG_EV_SPAWN, 10);
    e.u.spawn.p.pid = make_pid(42);
    e.u.spawn.mod = atom("srv"); e.u.spawn.fun = atom("loop"); e.u.spawn.arity = 1;
    ag_store_apply(&st, &e);
    for (int i = 0; i < 3; i++) {
        e = ev(AG_EV_GC_END, 20 + i);
        e.u.gc.p.pid = make_pid(42);
        e.u.gc.ev.type = i == 2 ? GC_MAJOR : GC_MINOR;
        e.u.gc.ev.after.heap_size = 300 + i;
        e.u.gc.ev.after.heap_block_size = 610;
        e.u.gc.ev.after.old_heap_size = i == 2 ? 0 : 50;
        e.u.gc.ev.reclaimed = 100;
        e.u.gc.ev.duration_ns = 2000;
        ag_store_apply(&st, &e);
    }
    AgProc *p = ag_store_proc(&st, 42);
    CHECK(p != NULL);
    CHECK_EQ(p->minor_gcs, 2);
    CHECK_EQ(p->major_gcs, 1);
    CHECK_EQ(p->gc_reclaimed, 300);
    CHECK_EQ(ag_proc_series(p)->live_major.n, 1);
    CHECK_EQ(ag_proc_series(p)->live_major.pts[0].v, 302);
    CHECK_EQ(p->peak_heap, 302);
    CHECK_EQ(p->peak_old_heap, 50);
    CHECK_EQ(st.minor_gcs, 2);
    CHECK_EQ(st.major_gcs, 1);
    CHECK_EQ(st.pause_all.n, 3);
    e = ev(AG_EV_EXIT, 30);
    e.u.exit.p.pid = make_pid(42);
    e.u.exit.memory_bytes = 5000;
    strcpy(e.u.exit.reason, "normal");
    ag_store_apply(&st, &e);
    CHECK(!p->alive);
    CHECK_STR(p->exit_reason, "normal");
    CHECK_EQ(p->peak_memory, 5000);
    /* a sample after the exit does not bring it back */
    HostProc hp;
    memset(&hp, 0, sizeof hp);
    hp.pid = make_pid(42);
    hp.total_heap_words = 999;
    ag_store_sample_procs(&st, 40, &hp, 1);
    CHECK_EQ(ag_proc_series(p)->total_heap.n, 0);
    CHECK_EQ(p->quiet_n, 0);
    ag_store_free(&st);
    CHECK_EQ(st.bytes, 0);
}

TEST(store_samples_and_peaks)
{
    static AgStore st;
    CHECK(ag_store_init(&st));
    HostProc hp;
    memset(&hp, 0, sizeof hp);
    hp.pid = make_pid(7);
    hp.registered_name = atom("logger");
    hp.mod = hp.fun = NIL;
    for (Uint i = 0; i < 5; i++) {
        hp.total_heap_words = 1000 + i * 10;
        hp.message_queue_len = i == 2 ? 50 : 1;
        hp.memory_bytes = 8000 + i;
        hp.gc.bin_vheap_size = 3; hp.gc.bin_old_vheap_size = 4;
        ag_store_sample_procs(&st, 100 + i, &hp, 1);
    }
    AgProc *p = ag_store_proc(&st, 7);
    CHECK_EQ(p->registered_name, atom("logger"));
    CHECK_EQ(ag_proc_series(p)->total_heap.n, 5);
    CHECK_EQ(ag_proc_series(p)->total_heap.pts[4].v, 1040);
    CHECK_EQ(p->peak_total_heap, 1040);
    CHECK_EQ(p->peak_mailbox, 50);
    CHECK_EQ(p->last.message_queue_len, 1);
    CHECK_EQ(ag_proc_series(p)->bin_vheap.last, 7);
    HostMemory m = { .total = 100, .processes = 40, .ets = 5 };
    ag_store_sample_memory(&st, 1, &m);
    m.total = 80; m.ets = 9;
    ag_store_sample_memory(&st, 2, &m);
    CHECK_EQ(st.memory.total, 80);
    CHECK_EQ(st.memory_peak.total, 100);
    CHECK_EQ(st.memory_peak.ets, 9);
    ag_store_free(&st);
    CHECK_EQ(st.bytes, 0);
}

TEST(store_ets_sends_binaries_native)
{
    static AgStore st;
    CHECK(ag_store_init(&st));
    AgEvent e = ev(AG_EV_ETS, 1);
    e.u.ets.kind = PROBE_ETS_CREATE;
    e.u.ets.table_id = 0;            /* id 0 is a valid key */
    e.u.ets.name = atom("cache");
    e.u.ets.owner = make_pid(3);
    e.u.ets.memory_words = 300;
    ag_store_apply(&st, &e);
    e.u.ets.kind = PROBE_ETS_INSERT; e.u.ets.size = 1; e.u.ets.memory_words = 320;
    ag_store_apply(&st, &e);
    e.u.ets.kind = PROBE_ETS_DELETE_TABLE; e.u.ets.size = 0; e.u.ets.memory_words = 0;
    ag_store_apply(&st, &e);
    AgTable *t = ag_store_table(&st, 0);
    CHECK(t != NULL);
    CHECK_EQ(t->inserts, 1);
    CHECK_EQ(t->peak_memory_words, 320);
    CHECK(!t->alive);

    ProbeSite site = { atom("m"), atom("f"), 2, 17, NULL };
    for (int i = 0; i < 4; i++) {
        e = ev(AG_EV_SEND, 2 + i);
        e.u.send.p.pid = make_pid(3);
        e.u.send.flat_words = 100;
        e.u.send.shared_words = i % 2 ? 0 : 20;   /* every other send sampled */
        e.u.send.site = site;
        ag_store_apply(&st, &e);
    }
    CHECK_EQ(st.sends, 4);
    CHECK_EQ(st.send_flat_words, 400);
    CHECK_EQ(st.send_sampled, 2);
    CHECK_EQ(st.send_sampled_shared, 40);
    CHECK_EQ(st.nsites, 1);

    e = ev(AG_EV_BIN, 3);
    e.u.bin.kind = PROBE_BIN_ALLOC; e.u.bin.bytes = 1000;
    ag_store_apply(&st, &e);
    ag_store_apply(&st, &e);
    e.u.bin.kind = PROBE_BIN_FREE;
    ag_store_apply(&st, &e);
    CHECK_EQ(st.bin_live_bytes, 1000);
    CHECK_EQ(st.bin_peak_live_bytes, 2000);

    int blocks[3];
    for (int i = 0; i < 3; i++) {
        e = ev(AG_EV_NATIVE_ALLOC, 4);
        e.u.native.n.kind = NATIVE_ETS; e.u.native.n.ptr = &blocks[i]; e.u.native.n.bytes = 64;
        ag_store_apply(&st, &e);
    }
    e = ev(AG_EV_NATIVE_FREE, 5);
    e.u.native.n.ptr = &blocks[1];
    ag_store_apply(&st, &e);
    CHECK_EQ(st.native.used, 2);
    CHECK_EQ(st.native_allocs, 3);
    CHECK_EQ(st.native_frees, 1);
    ag_store_free(&st);
    CHECK_EQ(st.bytes, 0);
}

TEST(store_memory_is_bounded)
{
    static AgStore st;
    CHECK(ag_store_init(&st));
    for (uint64_t pid = 1; pid <= 5000; pid++) {
        AgEvent e = ev(AG_EV_SPAWN, pid);
        e.u.spawn.p.pid = make_pid(pid);
        e.u.spawn.mod = e.u.spawn.fun = NIL;
        ag_store_apply(&st, &e);
        e = ev(AG_EV_EXIT, pid);
        e.u.exit.p.pid = make_pid(pid);
        ag_store_apply(&st, &e);
    }
    CHECK(st.procs.used <= AG_MAX_DEAD_PROCS);
    CHECK(ag_store_proc(&st, 1) == NULL);       /* the oldest went first */
    CHECK(ag_store_proc(&st, 5000) != NULL);
    size_t bytes = st.bytes;
    for (uint64_t pid = 5001; pid <= 9000; pid++) {
        AgEvent e = ev(AG_EV_SPAWN, pid);
        e.u.spawn.p.pid = make_pid(pid);
        e.u.spawn.mod = e.u.spawn.fun = NIL;
        ag_store_apply(&st, &e);
        e = ev(AG_EV_EXIT, pid);
        e.u.exit.p.pid = make_pid(pid);
        ag_store_apply(&st, &e);
    }
    CHECK(st.bytes <= bytes + bytes / 2);        /* steady state: no growth per process */
    /* many sites: the overflow bucket */
    for (unsigned i = 0; i < AG_MAX_SITES + 10; i++) {
        AgEvent e = ev(AG_EV_SEND, 1);
        e.u.send.p.pid = make_pid(9000);
        e.u.send.flat_words = 1;
        e.u.send.site.module = e.u.send.site.function = NIL;
        e.u.send.site.line = i;
        ag_store_apply(&st, &e);
    }
    CHECK_EQ(st.nsites, AG_MAX_SITES);
    CHECK(st.other_site != NULL);
    CHECK_EQ(st.other_site->messages, 10);
    ag_store_free(&st);
    CHECK_EQ(st.bytes, 0);
}

/* The process map keeps no keys (a record knows its pid) and its records come from slabs: through
 * growth, exits, evictions (tombstones) and reuse of forgotten records, every live process is
 * found under its own pid, the forgotten are not, and iteration sees exactly procs.used. */
TEST(process_map_and_slabs_through_churn)
{
    static AgStore st;
    CHECK(ag_store_init(&st));
    for (uint64_t pid = 1; pid <= 6000; pid++) {
        AgEvent e = ev(AG_EV_SPAWN, pid);
        e.u.spawn.p.pid = make_pid(pid);
        e.u.spawn.mod = e.u.spawn.fun = NIL;
        ag_store_apply(&st, &e);
        if (pid % 2 == 0) {   /* every other one exits: the oldest exited are forgotten */
            e = ev(AG_EV_EXIT, pid);
            e.u.exit.p.pid = make_pid(pid);
            ag_store_apply(&st, &e);
        }
    }
    CHECK(st.procs.keys == NULL);
    /* 3000 alive, the last AG_MAX_DEAD_PROCS (2048) exited kept */
    CHECK_EQ(st.procs.used, 3000 + AG_MAX_DEAD_PROCS);
    unsigned found = 0, forgotten = 0;
    for (uint64_t pid = 1; pid <= 6000; pid++) {
        AgProc *p = ag_store_proc(&st, pid);
        if (p) { CHECK_EQ(p->pid, pid); found++; } else forgotten++;
        if (pid % 2) CHECK(p && p->alive);
    }
    CHECK_EQ(found, 3000 + AG_MAX_DEAD_PROCS);
    CHECK_EQ(forgotten, 3000 - AG_MAX_DEAD_PROCS);
    CHECK(ag_store_proc(&st, 2) == NULL && ag_store_proc(&st, 6000) != NULL);
    size_t it = 0, seen = 0;
    AgProc *p;
    while ((p = ag_map_next(&st.procs, &it))) { CHECK(p->pid >= 1 && p->pid <= 6000); seen++; }
    CHECK_EQ(seen, st.procs.used);
    ag_store_free(&st);
    CHECK_EQ(st.bytes, 0);
}

/* A process whose figures never change keeps no series; when it moves, its series start with
 * the quiet run's first and last sample (series.h, AgProcSeries). */
TEST(quiet_process_keeps_no_series_until_it_moves)
{
    static AgStore st;
    CHECK(ag_store_init(&st));
    HostProc hp;
    memset(&hp, 0, sizeof hp);
    hp.pid = make_pid(9);
    hp.mod = hp.fun = hp.registered_name = NIL;
    hp.total_heap_words = 233; hp.memory_bytes = 2720;
    for (uint64_t t = 1; t <= 50; t++) ag_store_sample_procs(&st, t * 100, &hp, 1);
    AgProc *p = ag_store_proc(&st, 9);
    CHECK(p != NULL && p->ser == NULL);
    CHECK_EQ(p->quiet_n, 50);
    CHECK_EQ(ag_proc_series(p)->total_heap.n, 0);
    size_t quiet_bytes = st.bytes;
    hp.total_heap_words = 376;
    ag_store_sample_procs(&st, 5100, &hp, 1);
    CHECK(p->ser != NULL);
    CHECK(st.bytes > quiet_bytes);
    const AgSeries *th = &ag_proc_series(p)->total_heap;
    CHECK_EQ(th->n, 3);
    CHECK_EQ(th->pts[0].t_ns, 100);  CHECK_EQ(th->pts[0].v, 233);
    CHECK_EQ(th->pts[1].t_ns, 5000); CHECK_EQ(th->pts[1].v, 233);
    CHECK_EQ(th->pts[2].t_ns, 5100); CHECK_EQ(th->pts[2].v, 376);
    CHECK_EQ(ag_proc_series(p)->memory.pts[2].v, 2720);
    ag_store_free(&st);
    CHECK_EQ(st.bytes, 0);
}

int main(void)
{
    hs_init();
    TH_RUN(series_keeps_spanning_the_run);
    TH_RUN(series_small_keeps_everything);
    TH_RUN(hist_quantiles);
    TH_RUN(hist_merge_and_clear);
    TH_RUN(store_process_events);
    TH_RUN(store_samples_and_peaks);
    TH_RUN(quiet_process_keeps_no_series_until_it_moves);
    TH_RUN(process_map_and_slabs_through_churn);
    TH_RUN(store_ets_sends_binaries_native);
    TH_RUN(store_memory_is_bounded);
    return th_done();
}
