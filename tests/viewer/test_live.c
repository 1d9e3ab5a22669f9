/*
 * test_live.c — the viewer against real control sockets: a real agent and server over the fake
 * host (tests/agent/fakehost.h) for --once, forced GCs and reports; servers with fake handlers
 * for losing a runtime and finding the same program again.
 *
 * The same binary is the fake runtime and the viewer of tests/viewer/run.sh (tmux):
 *   test_live --serve DIR      serves a fake demo (a leaky server that grows until a GC) in DIR
 *   test_live --top TARGET     runs `heapscope top TARGET` (viewer_top_main)
 */
#include "viewer.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "agent/fakehost.h"
#include "atom.h"
#include "client.h"
#include "hs.h"
#include "model.h"
#include "server.h"
#include "session.h"
#include "testhelp.h"

static FakeHost fh;
static char sock[512];
static char err[512];

static void setup_host(FakeHost *f, int os_pid)
{
    fh_init(f, 2);
    f->host.os_pid = os_pid;
    f->host.program = "examples/demo.erl";
    size_t a = fh_proc(f, 42), b = fh_proc(f, 43);
    f->procs[a].registered_name = atom_put("leaky_server", 12);
    f->procs[a].mod = atom_put("leaky_server", 12);
    f->procs[a].fun = atom_put("init", 4);
    f->procs[a].arity = 1;
    strcpy(f->procs[a].current, "leaky_server:loop/2");
    f->procs[a].gc = (GcInfo){.heap_size = 600, .heap_block_size = 987, .old_heap_size = 300,
                              .old_heap_block_size = 376, .stack_size = 5};
    f->procs[a].total_heap_words = 987 + 376;
    f->procs[a].memory_bytes = 12000;
    f->procs[a].message_queue_len = 7;
    f->procs[a].dict_size = 3;
    f->procs[a].links = 2;
    f->gc_after[a] = (GcInfo){.heap_size = 100, .heap_block_size = 233, .stack_size = 5};
    f->gc_after_set[a] = true;
    f->procs[b].mod = atom_put("worker", 6);
    f->procs[b].fun = atom_put("loop", 4);
    f->procs[b].gc = (GcInfo){.heap_size = 10, .heap_block_size = 233, .stack_size = 2};
    f->procs[b].total_heap_words = 233;
    f->procs[b].memory_bytes = 2500;
    f->ntabs = 1;
    f->tabs[0] = (HostEts){.table_id = 9, .name = atom_put("cache", 5), .owner = make_pid(42),
                           .type = atom_put("set", 3), .protection = atom_put("public", 6),
                           .size = 3, .memory_words = 1500};
    f->mem = (HostMemory){.total = 8 << 20, .processes = 1 << 20, .ets = 12000, .binary = 4096,
                          .atom = 300000, .code = 5000000};
}

static bool start_agent(FakeHost *f, const char *dir, Server **s)
{
    AgentConfig cfg;
    agent_config_default(&cfg);
    cfg.sample_interval_ms = 10;
    cfg.bt_capture = NULL;
    cfg.bt_symbolise = NULL;
    if (!agent_attach(&f->host, &cfg)) { printf("agent_attach failed\n"); return false; }
    *s = server_start_agent(dir, err, sizeof err);
    if (!*s) { printf("server_start_agent: %s\n", err); return false; }
    snprintf(sock, sizeof sock, "%s", server_path(*s));
    return true;
}

static char *once(const char *target, int cols, int rows, const char *panel)
{
    char c[16], r[16];
    snprintf(c, sizeof c, "%d", cols);
    snprintf(r, sizeof r, "%d", rows);
    char *argv[] = {"top", (char *)target, "--once", "--plain", "--interval", "20",
                    "--samples", "3", "--cols", c, "--rows", r, "--panel", (char *)panel, NULL};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    int rc = viewer_top_run(14, argv, f, stdout);
    fclose(f);
    CHECK_EQ(rc, 0);
    return buf;
}

/* Pumps until n snapshots arrived (or 5 s). */
static int pump_snapshots(VwSession *s, VwModel *m, int n)
{
    int got = 0;
    for (int i = 0; i < 500 && got < n; i++) {
        int k = vw_session_pump(s, m, false);
        if (k < 0) return -1;
        got += k;
        if (!k) {
            struct pollfd p = {.fd = vw_session_fd(s), .events = POLLIN};
            poll(&p, 1, 10);
        }
    }
    return got;
}

TEST(once_against_a_live_runtime)
{
    char *f = once(sock, 80, 24, "processes");
    CHECK(strstr(f, " heapscope top  examples/demo.erl  os pid 4243  attached  every 20 ms") == f);
    /* the host's figures: leaky heap 600, old 300, stack 5, mailbox 7, memory 12000 B */
    CHECK(strstr(f, " <0.42.0> leaky_server       600    300     5    0    7  11.7K") != NULL);
    CHECK(strstr(f, " <0.43.0> worker:loop/0       10      0     2    0    0   2.4K") != NULL);
    /* erlang:memory total 8 MiB */
    CHECK(strstr(f, " total       8.0M ") != NULL);
    free(f);
    f = once(sock, 80, 24, "ets");
    CHECK(strstr(f, " cache        set           public    <0.42.0>        3   1500") != NULL);
    free(f);
    /* the detail gets current function, dictionary and links from the procs command */
    f = once(sock, 80, 24, "detail");
    CHECK(strstr(f, " current leaky_server:loop/2  dict 3  links 2  monitors 0  queue on_heap")
          != NULL);
    free(f);
}

TEST(forced_gc_before_after)
{
    VwModel *m = vw_model_new();
    VwSession *s = vw_session_open(sock, 20, m, err, sizeof err);
    CHECK(s != NULL);
    if (!s) { printf("  %s\n", err); vw_model_free(m); return; }
    CHECK_STR(m->program, "examples/demo.erl");
    CHECK(m->attached);
    CHECK(pump_snapshots(s, m, 1) >= 1);
    char msg[256];
    CHECK(vw_session_gc(s, m, "<0.42.0>", true, msg, sizeof msg));
    const VwGcResult *r = vw_model_result(m, "<0.42.0>");
    CHECK(r != NULL);
    if (r) {
        /* fakehost: before = the host's figures, after = gc_after (old heap emptied: major) */
        CHECK(r->major);
        CHECK_EQ(r->before.heap, 600);
        CHECK_EQ(r->before.old_heap, 300);
        CHECK_EQ(r->after.heap, 100);
        CHECK_EQ(r->after.old_heap, 0);
        CHECK_EQ(r->reclaimed, 800);
    }
    CHECK(!m->have_all);
    CHECK(vw_session_gc(s, m, NULL, false, msg, sizeof msg));
    CHECK(m->have_all && !m->all_major);
    CHECK_EQ(m->all_procs, 2);
    CHECK(!vw_session_gc(s, m, "<0.99.0>", true, msg, sizeof msg));
    CHECK(!strncmp(msg, "no_such_process: ", 17));
    /* the GC log hears about the forced GCs (the fake host emits gc_end like the runtime) */
    for (int i = 0; i < 100 && m->gclog_n < 3; i++) {
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL); /* the collector drains its rings every few ms */
        vw_session_refresh(s, m, "<0.42.0>");
    }
    CHECK_EQ(m->gclog_n, 3); /* one of <0.42.0>, then one per process */
    const VwGcEvent *e = vw_model_gc_event(m, 2);
    CHECK(e && !strcmp(e->pid, "<0.42.0>") && e->major && e->reclaimed == 800);
    CHECK(vw_model_proc(m, "<0.42.0>") && vw_model_proc(m, "<0.42.0>")->have_extra);
    vw_session_close(s);
    vw_model_free(m);
}

TEST(save_report)
{
    VwModel *m = vw_model_new();
    VwSession *s = vw_session_open(sock, 20, m, err, sizeof err);
    CHECK(s != NULL);
    if (!s) { vw_model_free(m); return; }
    char dir[] = "/tmp/hs-viewer-report-XXXXXX", msg[600];
    CHECK(mkdtemp(dir) != NULL);
    CHECK(vw_session_report(s, m, dir, msg, sizeof msg));
    char path[700];
    CHECK(sscanf(msg, "report saved to %699s", path) == 1);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (f) {
        char head[64] = "";
        CHECK(fgets(head, sizeof head, f) != NULL);
        CHECK(!strncmp(head, "{\"schema\":\"heapscope-report/1\"", 30));
        fclose(f);
        unlink(path);
    }
    CHECK(strstr(path, "heapscope-report-4243-") != NULL);
    rmdir(dir);
    vw_session_close(s);
    vw_model_free(m);
}

/* ---- a runtime that goes away and comes back --------------------------------------------- */

typedef struct Fake { const char *program; int os_pid; } Fake;

static cJSON *fake_hello(void *ctx, const ServerArgs *a, ServerError *e)
{
    const Fake *f = ctx;
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "program", f->program);
    cJSON_AddNumberToObject(r, "pid", f->os_pid);
    return r;
}

static cJSON *fake_snapshot(void *ctx, const ServerArgs *a, ServerError *e)
{
    const Fake *f = ctx;
    char text[512];
    snprintf(text, sizeof text,
             "{\"schema\":\"heapscope-snapshot/1\",\"time_ms\":5,\"processes\":[{\"pid\":"
             "\"<0.%d.0>\",\"registered_name\":\"p\",\"memory_bytes\":100}],\"ets\":[],"
             "\"verdicts\":[]}", f->os_pid);
    return cJSON_Parse(text);
}

static cJSON *fake_events(void *ctx, const ServerArgs *a, ServerError *e)
{
    return cJSON_Parse("{\"first_seq\":0,\"last_seq\":0,\"dropped_before\":0,\"events\":[]}");
}

static Server *fake_server(const char *dir, Fake *f)
{
    ServerConfig cfg = {.dir = dir, .os_pid = f->os_pid, .allowed_uid = -1};
    cfg.handlers = (ServerHandlers){.ctx = f, .hello = fake_hello, .snapshot = fake_snapshot,
                                    .events = fake_events};
    Server *s = server_start(&cfg, err, sizeof err);
    if (!s) printf("  server_start: %s\n", err);
    return s;
}

TEST(detach_and_reattach_same_program)
{
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/hs-viewer-reattach-%d", (int)getpid());
    Fake a = {"x.erl", 5001}, b = {"x.erl", 5002}, other = {"other.erl", 5003};
    Server *sa = fake_server(dir, &a);
    CHECK(sa != NULL);
    if (!sa) return;
    VwModel *m = vw_model_new();
    VwSession *s = vw_session_open(server_path(sa), 20, m, err, sizeof err);
    CHECK(s != NULL);
    if (!s) { server_stop(sa); vw_model_free(m); return; }
    CHECK(pump_snapshots(s, m, 1) >= 1);
    CHECK(vw_model_proc(m, "<0.5001.0>") != NULL);
    server_stop(sa);
    CHECK_EQ(pump_snapshots(s, m, 100), -1);
    CHECK(!m->attached && m->ever_attached);
    CHECK(!vw_session_attached(s));
    CHECK(vw_model_proc(m, "<0.5001.0>") != NULL); /* the last data stays */
    CHECK(!vw_session_reattach(s, m, 20));          /* nobody there */
    Server *so = fake_server(dir, &other);
    CHECK(!vw_session_reattach(s, m, 20));          /* another program is not ours */
    CHECK(!m->attached);
    Server *sb = fake_server(dir, &b);
    CHECK(vw_session_reattach(s, m, 20));
    CHECK(m->attached);
    CHECK_EQ(m->os_pid, 5002);
    CHECK_EQ(m->attaches, 2);
    CHECK(pump_snapshots(s, m, 1) >= 1);
    CHECK(vw_model_proc(m, "<0.5002.0>") != NULL);
    CHECK(strstr(vw_session_path(s), "5002.sock") != NULL);
    vw_session_close(s);
    vw_model_free(m);
    server_stop(sb);
    server_stop(so);
    rmdir(dir);
}

/* The detail's process_info items: from the proc reply when it has them (no procs listing),
 * else from procs. The fake's procs says "from_procs" so that the source shows. */
typedef struct DetailFake {
    Fake f;
    bool proc_has_info;
    _Atomic int procs_calls;
} DetailFake;

static cJSON *detail_proc(void *ctx, const ServerArgs *a, ServerError *e)
{
    const DetailFake *d = ctx;
    char text[512];
    snprintf(text, sizeof text, "{\"proc\":{\"pid\":\"<0.%llu.0>\",\"history\":[[0,233,0]]%s}}",
             (unsigned long long)a->pid,
             d->proc_has_info ? ",\"current\":\"m:from_proc/1\",\"dict_size\":4,\"links\":1,"
                                "\"monitors\":2,\"message_queue_data\":\"off_heap\""
                              : "");
    return cJSON_Parse(text);
}

static cJSON *detail_procs(void *ctx, const ServerArgs *a, ServerError *e)
{
    DetailFake *d = ctx;
    d->procs_calls++;
    char text[512];
    snprintf(text, sizeof text, "{\"procs\":[{\"pid\":\"<0.%d.0>\",\"current\":\"m:from_procs/0\","
             "\"dict_size\":0,\"links\":0,\"monitors\":0,\"message_queue_data\":\"on_heap\"}]}",
             d->f.os_pid);
    return cJSON_Parse(text);
}

static cJSON *detail_hello(void *ctx, const ServerArgs *a, ServerError *e)
{
    return fake_hello(&((DetailFake *)ctx)->f, a, e);
}

static cJSON *detail_snapshot(void *ctx, const ServerArgs *a, ServerError *e)
{
    return fake_snapshot(&((DetailFake *)ctx)->f, a, e);
}

TEST(detail_items_from_proc_or_procs)
{
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/hs-viewer-detail-%d", (int)getpid());
    for (int with = 1; with >= 0; with--) {
        DetailFake d = {.f = {"x.erl", 5010 + with}, .proc_has_info = with};
        ServerConfig cfg = {.dir = dir, .os_pid = d.f.os_pid, .allowed_uid = -1};
        cfg.handlers = (ServerHandlers){.ctx = &d, .hello = detail_hello,
                                        .snapshot = detail_snapshot, .events = fake_events,
                                        .proc = detail_proc, .procs = detail_procs};
        Server *sv = server_start(&cfg, err, sizeof err);
        CHECK(sv != NULL);
        if (!sv) return;
        VwModel *m = vw_model_new();
        VwSession *s = vw_session_open(server_path(sv), 20, m, err, sizeof err);
        CHECK(s != NULL);
        if (s) {
            char pid[24];
            snprintf(pid, sizeof pid, "<0.%d.0>", d.f.os_pid);
            CHECK(pump_snapshots(s, m, 1) >= 1);
            vw_session_refresh(s, m, pid);
            const VwProc *p = vw_model_proc(m, pid);
            CHECK(p && p->have_extra);
            CHECK_EQ(m->detail_n, 1);
            if (p && with) {
                CHECK_STR(p->current, "m:from_proc/1");
                CHECK_EQ(p->dict_size, 4);
                CHECK_EQ(p->links, 1);
                CHECK_EQ(p->monitors, 2);
                CHECK_STR(p->mq_data, "off_heap");
                CHECK_EQ(d.procs_calls, 0);
            } else if (p) {
                CHECK_STR(p->current, "m:from_procs/0");
                CHECK_STR(p->mq_data, "on_heap");
                CHECK_EQ(d.procs_calls, 1);
            }
            vw_session_close(s);
        }
        vw_model_free(m);
        server_stop(sv);
    }
    rmdir(dir);
}

TEST(no_runtime)
{
    char *argv[] = {"top", "/tmp/hs-viewer-no-such-dir/1.sock", "--once", NULL};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    CHECK_EQ(viewer_top_run(3, argv, stdout, f), 1);
    fclose(f);
    CHECK(strstr(buf, "heapscope top: cannot connect to /tmp/hs-viewer-no-such-dir/1.sock") != NULL);
    free(buf);
    /* the live dashboard says why it cannot start (on stderr: silenced here) */
    fflush(stderr);
    int saved = dup(2), null = open("/dev/null", O_WRONLY);
    dup2(null, 2);
    CHECK_EQ(viewer_run_attached("/tmp/hs-viewer-no-such-dir/1.sock", 0, true), 1);
    dup2(saved, 2);
    close(saved);
    close(null);
}

/* ---- the fake demo for run.sh ------------------------------------------------------------ */

static volatile sig_atomic_t stop;
static void on_term(int sig) { (void)sig; stop = 1; }

/* A heap block grown by half until it holds `used` words (a major GC leaves the old heap's
 * block at 0: it starts again at the minimum heap size). */
static Uint grow_block(Uint block, Uint used)
{
    if (block < 233) block = 233;
    while (used > block) block += block / 2;
    return block;
}

/* The leaky server keeps growing; a forced GC (G in the viewer) takes it back to gc_after. */
static int serve(const char *dir)
{
    setup_host(&fh, (int)getpid());
    Server *s;
    if (!start_agent(&fh, dir, &s)) return 1;
    printf("%s\n", sock);
    fflush(stdout);
    signal(SIGTERM, on_term);
    signal(SIGINT, on_term);
    while (!stop) {
        struct timespec ts = {0, 100 * 1000000L};
        nanosleep(&ts, NULL);
        pthread_mutex_lock(&fh.mu);
        HostProc *p = &fh.procs[0];
        p->gc.heap_size += 120;
        p->gc.heap_block_size = grow_block(p->gc.heap_block_size, p->gc.heap_size);
        p->gc.old_heap_size += 40;
        p->gc.old_heap_block_size = grow_block(p->gc.old_heap_block_size, p->gc.old_heap_size);
        p->total_heap_words = p->gc.heap_block_size + p->gc.old_heap_block_size;
        p->memory_bytes = p->total_heap_words * 8 + 1000;
        p->reductions += 500;
        fh.mem.processes = 1000000 + p->memory_bytes;
        fh.mem.total = fh.mem.processes + 6000000;
        pthread_mutex_unlock(&fh.mu);
    }
    server_stop(s);
    agent_detach();
    return 0;
}

int main(int argc, char **argv)
{
    hs_init();
    if (argc == 3 && !strcmp(argv[1], "--serve")) return serve(argv[2]);
    if (argc >= 3 && !strcmp(argv[1], "--top")) {
        char *targv[] = {"top", argv[2], NULL};
        return viewer_top_main(2, targv);
    }
    char dir[128];
    snprintf(dir, sizeof dir, "/tmp/hs-viewer-live-%d", (int)getpid());
    setup_host(&fh, 4243);
    Server *s;
    if (!start_agent(&fh, dir, &s)) return 1;
    TH_RUN(once_against_a_live_runtime);
    TH_RUN(forced_gc_before_after);
    TH_RUN(save_report);
    TH_RUN(detach_and_reattach_same_program);
    TH_RUN(detail_items_from_proc_or_procs);
    TH_RUN(no_runtime);
    server_stop(s);
    agent_detach();
    rmdir(dir);
    return th_done();
}
