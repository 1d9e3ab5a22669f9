/* The JSON report end to end through the agent (fake host, synthetic events from scheduler
 * threads), validated against docs/report.schema.json by tests/agent/validate_report.py;
 * --fail-on parsing and checks; cJSON allocation failures never crash or leak. */
#include <cJSON.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "atom.h"
#include "fakehost.h"
#include "hs.h"
#include "testhelp.h"

static Term atom(const char *s) { return atom_put(s, strlen(s)); }

static const char *root_dir(void)
{
    static const char *cands[] = { ".", "..", "../..", "../../..", "../../../.." };
    static char buf[256];
    const char *env = getenv("HEAPSCOPE_ROOT");
    if (env) return env;
    for (size_t i = 0; i < sizeof cands / sizeof *cands; i++) {
        snprintf(buf, sizeof buf, "%s/docs/report.schema.json", cands[i]);
        if (access(buf, R_OK) == 0) return cands[i];
    }
    return ".";
}

/* Writes j to a file and runs the validator on it; true when valid. */
static bool schema_valid(const cJSON *j, const char *def)
{
    char *s = cJSON_PrintUnformatted(j);
    if (!s) return false;
    char path[] = "/tmp/hs-report-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) { free(s); return false; }
    FILE *f = fdopen(fd, "w");
    fputs(s, f);
    fclose(f);
    const char *keep = getenv("HEAPSCOPE_KEEP_REPORTS");   /* a directory: keep what we validated */
    if (keep) {
        static int seq;
        char kp[512];
        snprintf(kp, sizeof kp, "%s/%s-%d.json", keep, def ? def : "report", seq++);
        FILE *k = fopen(kp, "w");
        if (k) { fputs(s, k); fclose(k); }
    }
    free(s);
    char cmd[1024];
    const char *root = root_dir();
    snprintf(cmd, sizeof cmd,
             "python3 %s/tests/agent/validate_report.py %s/docs/report.schema.json %s %s %s "
             ">/tmp/hs-validate.log 2>&1 || { cat /tmp/hs-validate.log; cp %s /tmp/hs-invalid.json; exit 1; }",
             root, root, path, def ? "--def" : "", def ? def : "", path);
    int rc = system(cmd);
    unlink(path);
    return rc == 0;
}

static cJSON *get(const cJSON *o, const char *path)   /* "a.b.c" */
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    const cJSON *cur = o;
    for (char *tok = strtok(buf, "."); tok && cur; tok = strtok(NULL, "."))
        cur = cJSON_GetObjectItemCaseSensitive(cur, tok);
    return (cJSON *)cur;
}

static double num(const cJSON *o, const char *path)
{
    cJSON *x = get(o, path);
    return cJSON_IsNumber(x) ? x->valuedouble : NAN;
}

/* ---- --fail-on ---- */

TEST(failon_parse_good)
{
    AgentFailOn f;
    char err[256];
    CHECK(agent_failon_parse("leak", &f, err, sizeof err));
    CHECK(f.leak && !f.lost_sharing && !f.peak_memory && !f.gc_pause_p99);
    CHECK(agent_failon_parse("leak,lost-sharing=4,peak-memory=100M,gc-pause-p99=2.5", &f, err,
                             sizeof err));
    CHECK(f.leak && f.lost_sharing && f.peak_memory && f.gc_pause_p99);
    CHECK(f.lost_sharing_ratio == 4.0);
    CHECK_EQ(f.peak_memory_bytes, 104857600);
    CHECK(f.gc_pause_p99_ms == 2.5);
    CHECK(agent_failon_parse("peak-memory=1024", &f, err, sizeof err));
    CHECK_EQ(f.peak_memory_bytes, 1024);
    CHECK(!f.leak);
    CHECK(agent_failon_parse("peak-memory=2k", &f, err, sizeof err));
    CHECK_EQ(f.peak_memory_bytes, 2048);
    CHECK(agent_failon_parse("peak-memory=3G", &f, err, sizeof err));
    CHECK_EQ(f.peak_memory_bytes, 3ull << 30);
    CHECK(agent_failon_parse("lost-sharing=4,lost-sharing=8", &f, err, sizeof err));
    CHECK(f.lost_sharing_ratio == 8.0);
    CHECK(agent_failon_parse("gc-pause-p99=0", &f, NULL, 0));
    CHECK(f.gc_pause_p99 && f.gc_pause_p99_ms == 0);
}

TEST(failon_parse_bad)
{
    static const char *bad[] = {
        "", "lek", "leak,", ",leak", "leak,,leak", "leak=1", "lost-sharing", "lost-sharing=",
        "lost-sharing=abc", "lost-sharing=0.5", "lost-sharing=4x", "peak-memory",
        "peak-memory=-5", "peak-memory=10X", "peak-memory=5MB", "peak-memory=M",
        "peak-memory=99999999999999999999", "peak-memory=17179869184G", "gc-pause-p99=-1",
        "gc-pause-p99=nan", "gc-pause-p99=inf", "gc-pause-p99= 5", "LEAK", "leak ", " leak",
        "peak_memory=5",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        AgentFailOn f;
        char err[256] = "";
        bool ok = agent_failon_parse(bad[i], &f, err, sizeof err);
        if (ok) printf("  accepted '%s'\n", bad[i]);
        CHECK(!ok);
        CHECK(strncmp(err, "--fail-on: ", 11) == 0);
    }
    AgentFailOn f;
    char err[256];
    CHECK(!agent_failon_parse(NULL, &f, err, sizeof err));
    CHECK(!agent_failon_parse("lek", &f, err, sizeof err));
    CHECK(strstr(err, "unknown check 'lek'") != NULL);
    CHECK(!agent_failon_parse("lek", &f, NULL, 0));   /* no buffer: still fails cleanly */
}

/* ---- a whole run through the agent ---- */

static FakeHost fh;
static volatile int sched_stop;

typedef struct Story { unsigned ticks; } Story;

static void post_gc(Uint pid, Uint live)
{
    ProbeGc g;
    memset(&g, 0, sizeof g);
    g.p.time_ns = probe_now_ns();
    g.p.pid = make_pid(pid);
    g.ev.type = GC_MAJOR;
    g.ev.reason = GC_REASON_HEAP_FULL;
    g.ev.before.heap_size = live + 500;
    g.ev.after.heap_size = live;
    g.ev.after.heap_block_size = live * 2;
    g.ev.reclaimed = 500;
    g.ev.duration_ns = 20000 + live;
    if (probe.gc_start) probe.gc_start(&g);   /* off by default (AgentConfig.gc_start_events) */
    probe.gc_end(&g);
}

/* One scheduler thread playing the stories: the event side. */
static void *scheduler(void *arg)
{
    Story *s = arg;
    agent_thread_attach(0);
    ProbeSpawn sp;
    memset(&sp, 0, sizeof sp);
    sp.p.time_ns = probe_now_ns();
    sp.parent = NIL;
    sp.p.pid = make_pid(1);
    sp.mod = atom("state_server"); sp.fun = atom("init"); sp.arity = 1;
    probe.spawn(&sp);
    sp.p.pid = make_pid(2);
    sp.mod = atom("garbage"); sp.fun = atom("loop"); sp.arity = 0;
    probe.spawn(&sp);
    static char native_blocks[64];
    /* send sites by name: probe.send gives a code address, which the fake host resolves (set
     * before the first send, static: the collector may resolve after this thread ended) */
    static ProbeSite sharer, pinger;
    sharer = (ProbeSite){ atom("sharer"), atom("send_all"), 2, 42, NULL };
    pinger = (ProbeSite){ atom("pinger"), atom("loop"), 1, 7, NULL };
    const void *sharer_ip = fh_site(&sharer), *pinger_ip = fh_site(&pinger);
    for (unsigned k = 0; k < s->ticks; k++) {
        post_gc(1, 2000 + 600 * k);                 /* state keeps every request */
        post_gc(5, 3000 + (k % 4) * 100);           /* bounded */
        /* 64x: a shared subterm copied flat */
        for (int r = 0; r < 3; r++) fh_send(6, 7, sharer_ip, 4096, 64);
        fh_send(6, 7, pinger_ip, 20, 20);
        ProbeEts e;
        memset(&e, 0, sizeof e);
        e.p.time_ns = probe_now_ns();
        e.p.pid = make_pid(3);
        e.kind = k == 0 ? PROBE_ETS_CREATE : PROBE_ETS_INSERT;
        e.table_id = 77; e.name = atom("cache"); e.owner = make_pid(3);
        e.size = k; e.memory_words = 300 + 12 * k;
        probe.ets(&e);
        ProbeBin b = { probe_now_ns(), PROBE_BIN_ALLOC, &e, 1000 };
        probe.bin(&b);
        if (k % 2) { b.kind = PROBE_BIN_FREE; probe.bin(&b); }
        if (k < 64) {
            ProbeNative n = { k % 2 ? NATIVE_ETS : NATIVE_MESSAGE, &native_blocks[k], 256 };
            probe.native_alloc(&n);
            if (k % 4 == 0) probe.native_free(&n);
        }
        /* the host side moves on: figures the collector samples */
        pthread_mutex_lock(&fh.mu);
        HostProc *g = &fh.procs[1];                   /* garbage on the old heap */
        g->gc.heap_block_size = 1000; g->gc.heap_size = 600;
        g->gc.old_heap_block_size = 2000 + 500 * k; g->gc.old_heap_size = 2000 + 500 * k;
        g->total_heap_words = g->gc.heap_block_size + g->gc.old_heap_block_size;
        fh.procs[2].message_queue_len = 5 * k;       /* consumer slower than producer */
        fh.procs[3].gc.bin_vheap_size = 100000;       /* binary hoarder */
        fh.mem.total = 1000000 + 1000 * k;
        fh.mem.processes = 400000; fh.mem.processes_used = 390000;
        fh.mem.ets = 3000 + 12 * k; fh.mem.binary = 5000; fh.mem.atom = 20000;
        fh.mem.code = 100000; fh.mem.system = 600000;
        fh.tabs[0].size = k; fh.tabs[0].memory_words = 300 + 12 * k;
        pthread_mutex_unlock(&fh.mu);
        struct timespec ts = { 0, 4 * 1000000L };
        nanosleep(&ts, NULL);
    }
    ProbeExit x;
    memset(&x, 0, sizeof x);
    x.p.time_ns = probe_now_ns();
    x.p.pid = make_pid(1);
    x.memory_bytes = 123456;
    x.reason_atom = atom("normal");
    strcpy(x.reason, "normal");
    probe.exit(&x);
    agent_thread_detach();
    return NULL;
}

static void setup_host(void)
{
    fh_init(&fh, 2);
    const char *names[] = { "state_server", "garbage", "slow_consumer", "hoarder" };
    for (Uint p = 1; p <= 4; p++) {
        size_t i = fh_proc(&fh, p);
        fh.procs[i].registered_name = atom(names[p - 1]);
        fh.procs[i].gc.heap_block_size = 610;
        fh.procs[i].gc.heap_size = 300;
        fh.procs[i].total_heap_words = 610;
        fh.procs[i].memory_bytes = 6000;
        fh.procs[i].reductions = 1000 * p;
    }
    /* garbage: the fullsweep leaves 600 live words */
    fh.gc_after[1] = (GcInfo){ .heap_block_size = 1000, .heap_size = 600 };
    fh.gc_after_set[1] = true;
    /* hoarder: a GC frees its binaries */
    fh.gc_after[3] = (GcInfo){ .heap_block_size = 610, .heap_size = 300, .bin_vheap_size = 10 };
    fh.gc_after_set[3] = true;
    fh.ntabs = 1;
    fh.tabs[0] = (HostEts){ .table_id = 77, .name = atom("cache"), .owner = make_pid(3),
                            .type = atom("set"), .protection = atom("public") };
}

static bool has_verdict(const cJSON *r, const char *kind, const char *verdict, const char *pid)
{
    const cJSON *v;
    cJSON_ArrayForEach(v, cJSON_GetObjectItem(r, "verdicts")) {
        const char *k = cJSON_GetStringValue(cJSON_GetObjectItem(v, "kind"));
        const char *w = cJSON_GetStringValue(cJSON_GetObjectItem(v, "verdict"));
        const char *p = cJSON_GetStringValue(get(v, "subject.pid"));
        if (k && w && !strcmp(k, kind) && !strcmp(w, verdict) && (!pid || (p && !strcmp(p, pid))))
            return true;
    }
    return false;
}

static size_t fail_after, allocs;
static void *failing_malloc(size_t n)
{
    if (allocs++ >= fail_after) return NULL;
    return malloc(n);
}

TEST(report_of_a_run_is_valid_and_judged)
{
    CHECK(agent_report_json(NULL, NULL) == NULL);   /* not attached */
    setup_host();
    AgentConfig cfg;
    agent_config_default(&cfg);
    cfg.sample_interval_ms = 10;
    cfg.drain_interval_ms = 2;
    cfg.native_kinds = ~0u;   /* message fragments too (off by default) */
    CHECK(agent_attach(&fh.host, &cfg));
    CHECK(!agent_attach(&fh.host, &cfg));           /* one agent at a time */
    Story s = { 150 };
    pthread_t th;
    pthread_create(&th, NULL, scheduler, &s);
    pthread_join(th, NULL);
    agent_flush();

    /* validated after the report: the validator takes time, and the run should end now */
    cJSON *snap = agent_snapshot_cjson();
    CHECK(snap != NULL);
    cJSON *pd = agent_proc_cjson(2);
    CHECK(pd != NULL);
    CHECK(agent_proc_cjson(999) == NULL);
    char err[128];
    CHECK(agent_set("sample_interval_ms", 20, err, sizeof err));
    CHECK(!agent_set("sample_interval_ms", 0, err, sizeof err));
    CHECK(!agent_set("bogus", 1, err, sizeof err));
    CHECK(strstr(err, "unknown setting 'bogus'") != NULL);

    agent_run_finished(0);
    AgentFailOn fo;
    CHECK(agent_failon_parse("leak,lost-sharing=4,peak-memory=10M,gc-pause-p99=5", &fo, NULL, 0));
    bool tripped = false;
    cJSON *r = agent_report_cjson(&fo, &tripped);
    CHECK(r != NULL);
    if (!r || !snap || !pd) { agent_detach(); return; }
    CHECK(schema_valid(r, NULL));
    CHECK(schema_valid(snap, "snapshot"));
    CHECK(cJSON_GetArraySize(get(snap, "verdicts")) > 0);
    cJSON_Delete(snap);
    CHECK(schema_valid(pd, "process_detail"));
    CHECK_STR(cJSON_GetStringValue(get(pd, "registered_name")), "garbage");
    CHECK(cJSON_GetArraySize(get(pd, "history")) > 10);
    cJSON_Delete(pd);
    CHECK_STR(cJSON_GetStringValue(get(r, "schema")), "heapscope-report/1");
    CHECK_STR(cJSON_GetStringValue(get(r, "run.program")), "tests/agent/fake.erl");
    CHECK_EQ(num(r, "run.os_pid"), 4242);
    CHECK_EQ(num(r, "run.exit_status"), 0);
    CHECK(cJSON_IsString(get(r, "run.end_time")));
    CHECK(num(r, "run.duration_ms") >= 150 * 4);
    CHECK_EQ(num(r, "gc.major_gcs"), 2 * 150 + num(r, "agent.forced_gcs"));
    CHECK(num(r, "gc.pause_ms.p99") > 0.02 && num(r, "gc.pause_ms.p99") < 0.2);
    CHECK(num(r, "gc.pause_ms.max") >= num(r, "gc.pause_ms.p99"));
    CHECK_EQ(num(r, "memory.peak.total"), 1000000 + 1000 * 149);
    CHECK_EQ(num(r, "sharing.sends"), 4 * 150);
    CHECK_STR(cJSON_GetStringValue(get(cJSON_GetArrayItem(get(r, "sharing.top_sites"), 0),
                                       "module")), "sharer");
    CHECK_EQ(num(r, "binaries.allocs"), 150);
    CHECK_EQ(num(r, "binaries.live_bytes"), 75 * 1000);
    CHECK_EQ(num(r, "native.outstanding_blocks"), 48);
    CHECK_EQ(num(r, "native.outstanding_bytes"), 48 * 256);
    CHECK_EQ(cJSON_GetArraySize(get(r, "native.groups")), 2);
    /* 1.5 bin events a tick go alone; GCs, sends and ETS inserts coalesce */
    CHECK(num(r, "agent.events") >= 150 * 3 / 2);
    CHECK_EQ(num(r, "agent.drops"), 0);
    CHECK(num(r, "agent.bookkeeping_bytes") > 0);
    /* the stories */
    CHECK(has_verdict(r, "process_state", "leak", "<0.1.0>"));      /* kept after its exit */
    CHECK(has_verdict(r, "process_state", "pseudo_leak", "<0.2.0>"));
    CHECK(has_verdict(r, "mailbox", "leak", "<0.3.0>"));
    CHECK(has_verdict(r, "binary", "suspect", "<0.4.0>"));
    CHECK(has_verdict(r, "ets_table", "leak", NULL));
    CHECK(has_verdict(r, "lost_sharing", "suspect", NULL));
    CHECK(has_verdict(r, "native", "suspect", NULL));
    CHECK(!has_verdict(r, "process_state", "leak", "<0.5.0>"));     /* the bounded one */
    CHECK(!has_verdict(r, "process_state", "leak", "<0.2.0>"));     /* garbage is no leak */
    /* checks: leak and lost-sharing trip, the limits that were not passed do not */
    CHECK(tripped);
    CHECK(cJSON_IsFalse(get(r, "checks.passed")));
    const cJSON *c;
    int n = 0;
    cJSON_ArrayForEach(c, get(r, "checks.results")) {
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(c, "check"));
        bool t = cJSON_IsTrue(cJSON_GetObjectItem(c, "tripped"));
        if (!strcmp(name, "leak")) CHECK(t);
        if (!strcmp(name, "lost-sharing")) CHECK(t);
        if (!strcmp(name, "peak-memory")) CHECK(!t);
        if (!strcmp(name, "gc-pause-p99")) CHECK(!t);
        n++;
    }
    CHECK_EQ(n, 4);
    cJSON_Delete(r);

    /* only limits that pass: no trip */
    CHECK(agent_failon_parse("peak-memory=1G,gc-pause-p99=1", &fo, NULL, 0));
    char *txt = agent_report_json(&fo, &tripped);
    CHECK(txt != NULL);
    CHECK(!tripped);
    CHECK(txt && !strchr(txt, '\n'));        /* one line: fit for JSON lines */
    free(txt);
    /* no checks at all */
    r = agent_report_cjson(NULL, &tripped);
    CHECK(!tripped);
    CHECK(cJSON_IsTrue(get(r, "checks.passed")));
    CHECK_EQ(cJSON_GetArraySize(get(r, "checks.results")), 0);
    cJSON_Delete(r);

    /* every cJSON allocation failure gives NULL (never a crash, a leak or half a report) */
    size_t nulls = 0, tries = 0;
    for (fail_after = 0;; fail_after += 1 + fail_after / 16) {
        allocs = 0;
        cJSON_Hooks hooks = { failing_malloc, free };
        cJSON_InitHooks(&hooks);
        char *s2 = agent_report_json(&fo, NULL);
        cJSON_InitHooks(NULL);
        tries++;
        if (!s2) { nulls++; continue; }
        cJSON *back = cJSON_Parse(s2);
        CHECK(back != NULL);
        cJSON_Delete(back);
        free(s2);
        break;
    }
    CHECK(nulls > 10);
    CHECK_EQ(tries, nulls + 1);
    agent_detach();
    CHECK(agent_report_json(NULL, NULL) == NULL);
}

TEST(report_of_an_idle_run)
{
    FakeHost idle;
    fh_init(&idle, 1);
    idle.host.list_procs = NULL; idle.host.list_ets = NULL; idle.host.memory = NULL;
    idle.host.force_gc = NULL; idle.host.program = NULL;
    CHECK(agent_attach(&idle.host, NULL));
    cJSON *r = agent_report_cjson(NULL, NULL);
    CHECK(r != NULL);
    CHECK(schema_valid(r, NULL));
    CHECK(cJSON_IsNull(get(r, "run.end_time")));
    CHECK(cJSON_IsNull(get(r, "run.exit_status")));
    CHECK(cJSON_IsNull(get(r, "sharing.ratio")));
    CHECK_EQ(cJSON_GetArraySize(get(r, "verdicts")), 0);
    CHECK_EQ(num(r, "gc.pause_ms.p99"), 0);
    cJSON_Delete(r);
    agent_run_finished(1);
    agent_run_finished(0);                    /* the first call counts */
    r = agent_report_cjson(NULL, NULL);
    CHECK_EQ(num(r, "run.exit_status"), 1);
    CHECK(schema_valid(r, NULL));
    cJSON_Delete(r);
    agent_detach();
    agent_detach();                           /* safe twice */
}

int main(void)
{
    hs_init();
    TH_RUN(failon_parse_good);
    TH_RUN(failon_parse_bad);
    TH_RUN(report_of_a_run_is_valid_and_judged);
    TH_RUN(report_of_an_idle_run);
    return th_done();
}
