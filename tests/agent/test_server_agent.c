/*
 * test_server_agent.c — the control socket wired to a real agent over a fake host
 * (tests/agent/fakehost.h): every command through the socket, and the gc command's before/after
 * against what the host reports for the process before and after.
 */
#include "server.h"
#include "client.h"

#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "atom.h"
#include "fakehost.h"
#include "hs.h"
#include "testhelp.h"

static FakeHost fh;
static Client *cl;
static char err[512];

static double num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static const char *str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : "(none)";
}

static cJSON *call_pid(const char *cmd, const char *pid, const char *type)
{
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "pid", pid);
    if (type) cJSON_AddStringToObject(a, "type", type);
    return client_call(cl, cmd, a, -1, err, sizeof err);
}

static void setup_host(void)
{
    fh_init(&fh, 2);
    size_t a = fh_proc(&fh, 42), b = fh_proc(&fh, 43);
    fh.procs[a].registered_name = atom_put("my_server", 9);
    fh.procs[a].mod = atom_put("leaky", 5);
    fh.procs[a].fun = atom_put("loop", 4);
    fh.procs[a].arity = 1;
    fh.procs[a].gc = (GcInfo){.heap_size = 600, .heap_block_size = 987, .old_heap_size = 300,
                              .old_heap_block_size = 376, .bin_vheap_size = 20, .stack_size = 5};
    fh.procs[a].memory_bytes = 12000;
    fh.procs[a].message_queue_len = 7;
    fh.gc_after[a] = (GcInfo){.heap_size = 100, .heap_block_size = 233, .old_heap_size = 50,
                              .old_heap_block_size = 376, .bin_vheap_size = 0, .stack_size = 5};
    fh.gc_after_set[a] = true;
    fh.procs[b].gc = (GcInfo){.heap_size = 10, .heap_block_size = 233, .stack_size = 2};
    fh.ntabs = 1;
    fh.tabs[0] = (HostEts){.table_id = 9, .name = atom_put("cache", 5), .owner = make_pid(42),
                           .type = atom_put("set", 3), .protection = atom_put("public", 6),
                           .size = 3, .memory_words = 1500};
}

TEST(all_commands)
{
    cJSON *r = client_call(cl, "hello", NULL, -1, err, sizeof err);
    CHECK(r != NULL);
    CHECK_STR(str(r, "program"), "tests/agent/fake.erl");
    CHECK_EQ(num(r, "pid"), 4242);
    CHECK_EQ(num(r, "schedulers"), 2);
    cJSON_Delete(r);

    r = client_call(cl, "procs", NULL, -1, err, sizeof err);
    const cJSON *procs = cJSON_GetObjectItem(r, "procs");
    CHECK_EQ(cJSON_GetArraySize(procs), 2);
    const cJSON *p = cJSON_GetArrayItem(procs, 0);
    CHECK_STR(str(p, "pid"), "<0.42.0>");
    CHECK_STR(str(p, "registered_name"), "my_server");
    CHECK_STR(str(p, "initial_call"), "leaky:loop/1");
    CHECK_EQ(num(p, "heap_size"), 600);
    CHECK_EQ(num(p, "old_heap_size"), 300);
    CHECK_EQ(num(p, "memory"), 12000);
    CHECK_EQ(num(p, "message_queue_len"), 7);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(procs, 1), "registered_name")));
    cJSON_Delete(r);

    r = client_call(cl, "ets", NULL, -1, err, sizeof err);
    const cJSON *t = cJSON_GetArrayItem(cJSON_GetObjectItem(r, "tables"), 0);
    CHECK_STR(str(t, "name"), "cache");
    CHECK_STR(str(t, "owner"), "<0.42.0>");
    CHECK_STR(str(t, "type"), "set");
    CHECK_EQ(num(t, "memory_words"), 1500);
    cJSON_Delete(r);

    r = client_call(cl, "snapshot", NULL, -1, err, sizeof err);
    CHECK(r != NULL);
    cJSON_Delete(r);
    cJSON *a = cJSON_CreateObject();
    cJSON_AddNumberToObject(a, "since", 0);
    r = client_call(cl, "events", a, -1, err, sizeof err);
    CHECK(r && cJSON_IsArray(cJSON_GetObjectItem(r, "events")));
    cJSON_Delete(r);
    r = client_call(cl, "report", NULL, -1, err, sizeof err);
    CHECK(r && !strcmp(str(cJSON_GetObjectItem(r, "report"), "schema"), "heapscope-report/1"));
    cJSON_Delete(r);
    a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "key", "sample_interval_ms");
    cJSON_AddNumberToObject(a, "value", 50);
    r = client_call(cl, "set", a, -1, err, sizeof err);
    CHECK(r && num(r, "value") == 50);
    cJSON_Delete(r);
    a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "key", "no_such_setting");
    cJSON_AddNumberToObject(a, "value", 1);
    r = client_call(cl, "set", a, -1, err, sizeof err);
    CHECK(r == NULL && !strncmp(err, "bad_args: ", 10));
}

TEST(gc_before_after_match_the_host)
{
    HostProc before;
    CHECK(fh_proc_info(&fh, make_pid(42), &before));
    cJSON *r = call_pid("gc", "<0.42.0>", "major");
    CHECK(r != NULL);
    if (!r) { printf("  %s\n", err); return; }
    const cJSON *p = cJSON_GetArrayItem(cJSON_GetObjectItem(r, "procs"), 0);
    const cJSON *b = cJSON_GetObjectItem(p, "before"), *af = cJSON_GetObjectItem(p, "after");
    HostProc now;
    CHECK(fh_proc_info(&fh, make_pid(42), &now));
    CHECK_STR(str(r, "type"), "major");
    CHECK_EQ(num(b, "heap_size"), before.gc.heap_size);
    CHECK_EQ(num(b, "old_heap_size"), before.gc.old_heap_size);
    CHECK_EQ(num(b, "bin_vheap_size"), before.gc.bin_vheap_size);
    CHECK_EQ(num(af, "heap_size"), now.gc.heap_size);
    CHECK_EQ(num(af, "old_heap_size"), now.gc.old_heap_size);
    CHECK_EQ(num(af, "old_heap_size"), 0); /* a major empties the old heap */
    CHECK_EQ(num(af, "heap_block_size"), now.gc.heap_block_size);
    CHECK_EQ(num(p, "reclaimed"), (600 + 300) - (100 + 0));
    CHECK_STR(str(p, "registered_name"), "my_server");
    cJSON_Delete(r);

    r = call_pid("gc", "all", "minor");
    CHECK(r && cJSON_GetArraySize(cJSON_GetObjectItem(r, "procs")) == 2);
    cJSON_Delete(r);
    r = call_pid("gc", "<0.99.0>", NULL);
    CHECK(r == NULL && !strncmp(err, "no_such_process: ", 17));
    r = call_pid("proc", "<0.99.0>", NULL);
    CHECK(r == NULL && !strncmp(err, "no_such_process: ", 17));
    r = call_pid("proc", "<0.43.0>", NULL);
    CHECK(r && cJSON_IsObject(cJSON_GetObjectItem(r, "proc")));
    cJSON_Delete(r);
}

int main(void)
{
    hs_init();
    char dir[128];
    snprintf(dir, sizeof dir, "/tmp/hs-srvagent-%d", (int)getpid());
    setup_host();
    if (!agent_attach(&fh.host, NULL)) { printf("agent_attach failed\n"); return 1; }
    Server *s = server_start_agent(dir, err, sizeof err);
    if (!s) { printf("server_start_agent: %s\n", err); return 1; }
    cl = client_connect(server_path(s), err, sizeof err);
    if (!cl) { printf("%s\n", err); return 1; }
    TH_RUN(all_commands);
    TH_RUN(gc_before_after_match_the_host);
    client_close(cl);
    server_stop(s);
    agent_detach();
    rmdir(dir);
    return th_done();
}
