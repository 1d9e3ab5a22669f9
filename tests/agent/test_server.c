/*
 * test_server.c — the control socket against fake handlers (docs/protocol.md is what is checked):
 * malformed requests by the hundred, each answered by one well-formed error with the right code
 * while the connection stays usable; line limit; clients vanishing mid-line; concurrent
 * clients; subscription pushes and a subscriber that does not read; directory and uid checks.
 */
#include "server.h"
#include "client.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "testhelp.h"

/* ---- fake handlers ----------------------------------------------------------------------- */

static size_t snapshot_pad; /* bytes of padding in each snapshot (slow-subscriber test) */
static atomic_int snapshots_made;

static cJSON *fake_hello(void *ctx, const ServerArgs *a, ServerError *e)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "program", "fake.erl");
    cJSON_AddNumberToObject(r, "pid", 4242);
    cJSON_AddNumberToObject(r, "schedulers", 2);
    cJSON_AddStringToObject(r, "version", "test");
    return r;
}

static cJSON *proc_json(uint64_t n, double heap)
{
    char pid[32];
    snprintf(pid, sizeof pid, "<0.%llu.0>", (unsigned long long)n);
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "pid", pid);
    if (n == 42) cJSON_AddStringToObject(p, "registered_name", "my_server");
    else cJSON_AddNullToObject(p, "registered_name");
    cJSON_AddStringToObject(p, "initial_call", "m:f/0");
    cJSON_AddNumberToObject(p, "memory", heap * 8 + 300);
    cJSON_AddNumberToObject(p, "heap_size", heap);
    cJSON_AddNumberToObject(p, "old_heap_size", 0);
    cJSON_AddNumberToObject(p, "total_heap_size", heap + 100);
    cJSON_AddNumberToObject(p, "message_queue_len", 3);
    cJSON_AddNumberToObject(p, "reductions", 1000);
    return p;
}

static cJSON *fake_snapshot(void *ctx, const ServerArgs *a, ServerError *e)
{
    atomic_fetch_add(&snapshots_made, 1);
    cJSON *r = cJSON_CreateObject();
    cJSON_AddNumberToObject(r, "time_ms", 5);
    cJSON *procs = cJSON_AddArrayToObject(r, "procs");
    cJSON_AddItemToArray(procs, proc_json(42, 233));
    if (snapshot_pad) {
        char *pad = malloc(snapshot_pad + 1);
        memset(pad, 'p', snapshot_pad);
        pad[snapshot_pad] = 0;
        cJSON_AddStringToObject(r, "pad", pad);
        free(pad);
    }
    return r;
}

static cJSON *fake_procs(void *ctx, const ServerArgs *a, ServerError *e)
{
    cJSON *r = cJSON_CreateObject();
    cJSON *procs = cJSON_AddArrayToObject(r, "procs");
    cJSON_AddItemToArray(procs, proc_json(0, 376));
    cJSON_AddItemToArray(procs, proc_json(42, 233));
    return r;
}

static cJSON *fake_proc(void *ctx, const ServerArgs *a, ServerError *e)
{
    if (a->pid != 42 && a->pid != 0) {
        e->code = SERVER_E_NO_SUCH_PROCESS;
        snprintf(e->message, sizeof e->message, "no process <0.%llu.0>",
                 (unsigned long long)a->pid);
        return NULL;
    }
    cJSON *r = cJSON_CreateObject();
    cJSON_AddItemToObject(r, "proc", proc_json(a->pid, 233));
    return r;
}

static cJSON *fake_ets(void *ctx, const ServerArgs *a, ServerError *e)
{
    cJSON *r = cJSON_CreateObject();
    cJSON *t = cJSON_CreateObject();
    cJSON_AddStringToObject(t, "name", "cache");
    cJSON_AddNumberToObject(t, "id", 7);
    cJSON_AddStringToObject(t, "owner", "<0.42.0>");
    cJSON_AddStringToObject(t, "type", "set");
    cJSON_AddStringToObject(t, "protection", "protected");
    cJSON_AddNumberToObject(t, "size", 10);
    cJSON_AddNumberToObject(t, "memory_words", 1234);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(r, "tables"), t);
    return r;
}

static cJSON *fake_events(void *ctx, const ServerArgs *a, ServerError *e)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddNumberToObject(r, "since", (double)a->since);
    cJSON_AddNumberToObject(r, "limit", (double)a->limit);
    cJSON_AddArrayToObject(r, "events");
    return r;
}

static cJSON *gc_entry(uint64_t n)
{
    char pid[32];
    snprintf(pid, sizeof pid, "<0.%llu.0>", (unsigned long long)n);
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "pid", pid);
    cJSON *b = cJSON_AddObjectToObject(p, "before");
    cJSON_AddNumberToObject(b, "heap_size", 600);
    cJSON_AddNumberToObject(b, "old_heap_size", 100);
    cJSON_AddNumberToObject(b, "bin_vheap_size", 10);
    cJSON *af = cJSON_AddObjectToObject(p, "after");
    cJSON_AddNumberToObject(af, "heap_size", 50);
    cJSON_AddNumberToObject(af, "old_heap_size", 0);
    cJSON_AddNumberToObject(af, "bin_vheap_size", 0);
    cJSON_AddNumberToObject(p, "reclaimed", 650);
    return p;
}

static cJSON *fake_gc(void *ctx, const ServerArgs *a, ServerError *e)
{
    if (!a->all && a->pid != 42) {
        e->code = SERVER_E_NO_SUCH_PROCESS;
        snprintf(e->message, sizeof e->message, "no such process");
        return NULL;
    }
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "type", a->major ? "major" : "minor");
    cJSON *procs = cJSON_AddArrayToObject(r, "procs");
    cJSON_AddItemToArray(procs, gc_entry(42));
    if (a->all) cJSON_AddItemToArray(procs, gc_entry(43));
    return r;
}

static cJSON *fake_report(void *ctx, const ServerArgs *a, ServerError *e)
{
    cJSON *r = cJSON_CreateObject();
    cJSON *rep = cJSON_AddObjectToObject(r, "report");
    cJSON_AddStringToObject(rep, "schema", "heapscope-report/1");
    return r;
}

static cJSON *fake_set(void *ctx, const ServerArgs *a, ServerError *e)
{
    if (strcmp(a->key, "sample_interval_ms") || !cJSON_IsNumber(a->value)) {
        e->code = SERVER_E_BAD_ARGS;
        snprintf(e->message, sizeof e->message, "unknown setting or bad value");
        return NULL;
    }
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "key", a->key);
    cJSON_AddNumberToObject(r, "value", a->value->valuedouble);
    return r;
}

static const ServerHandlers FAKE = {
    .hello = fake_hello, .snapshot = fake_snapshot, .procs = fake_procs, .proc = fake_proc,
    .ets = fake_ets, .events = fake_events, .gc = fake_gc, .report = fake_report,
    .set = fake_set,
};

/* ---- helpers ----------------------------------------------------------------------------- */

static char test_dir[256];

static void make_test_dir(void)
{
    snprintf(test_dir, sizeof test_dir, "/tmp/hs-srv-%d", (int)getpid());
    mkdir(test_dir, 0700);
    chmod(test_dir, 0700);
}

static Server *start(long uid)
{
    ServerConfig cfg = {.dir = test_dir, .os_pid = 0, .allowed_uid = uid, .handlers = FAKE};
    char err[256] = "";
    Server *s = server_start(&cfg, err, sizeof err);
    if (!s) printf("server_start: %s\n", err);
    return s;
}

static int raw_connect(const char *path)
{
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) { close(fd); return -1; }
    return fd;
}

static bool send_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0) { if (errno == EINTR) continue; return false; }
        p += n;
        len -= (size_t)n;
    }
    return true;
}

static bool send_str(int fd, const char *s)
{
    return send_all(fd, s, strlen(s));
}

/* Reads one line (newline stripped) into a static-ish caller buffer; NULL on timeout/EOF. */
typedef struct Reader { int fd; char buf[1 << 16]; size_t len; char line[1 << 16]; } Reader;

static char *read_line(Reader *r, int timeout_ms)
{
    char *line = r->line;
    for (;;) {
        char *nl = memchr(r->buf, '\n', r->len);
        if (nl) {
            size_t n = (size_t)(nl - r->buf);
            memcpy(line, r->buf, n);
            line[n] = 0;
            memmove(r->buf, nl + 1, r->len - n - 1);
            r->len -= n + 1;
            return line;
        }
        struct pollfd p = {.fd = r->fd, .events = POLLIN};
        if (poll(&p, 1, timeout_ms) <= 0) return NULL;
        if (r->len == sizeof r->buf) r->len = 0; /* a line longer than we care about */
        ssize_t n = read(r->fd, r->buf + r->len, sizeof r->buf - r->len);
        if (n <= 0) return NULL;
        r->len += (size_t)n;
    }
}

/* The envelope comes first and the id is echoed byte for byte: {"id":ID,"ok":... */
static bool id_prefix(const char *reply, const char *id_json)
{
    char want[512];
    snprintf(want, sizeof want, "{\"id\":%s,\"ok\":", id_json);
    return !strncmp(reply, want, strlen(want));
}

/* Checks that reply is one well-formed error object with code and the given id (NULL: null). */
static bool is_error(const char *reply, const char *code, const char *id_json)
{
    if (!reply) return false;
    cJSON *r = cJSON_Parse(reply);
    bool good = r && cJSON_IsObject(r);
    const cJSON *ok = cJSON_GetObjectItemCaseSensitive(r, "ok");
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(r, "error");
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(r, "message");
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(r, "id");
    good = good && cJSON_IsFalse(ok) && cJSON_IsString(err) && cJSON_IsString(msg) &&
           msg->valuestring[0] && id;
    if (good && code) good = !strcmp(err->valuestring, code);
    if (good) good = id_prefix(reply, id_json ? id_json : "null");
    if (!good) printf("  unexpected reply (want %s): %.300s\n", code ? code : "an error", reply);
    cJSON_Delete(r);
    return good;
}

static bool is_ok(const char *reply, const char *id_json)
{
    if (!reply) return false;
    cJSON *r = cJSON_Parse(reply);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(r, "id");
    bool good = r && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "ok")) && id;
    if (good) good = id_prefix(reply, id_json);
    if (!good) printf("  unexpected reply (want ok): %.300s\n", reply);
    cJSON_Delete(r);
    return good;
}

static bool num_eq(const cJSON *o, const char *name, double v)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(x) && x->valuedouble == v;
}

/* ---- the malformed corpus ---------------------------------------------------------------- */

typedef struct Bad {
    char *text;
    size_t len;
    const char *code;   /* NULL: any error code */
    const char *id;     /* expected id in the reply as JSON; NULL: null */
    char idbuf[24];
} Bad;

static Bad bads[1024];
static size_t nbads;

static void add_bad_len(const char *text, size_t len, const char *code, const char *id)
{
    Bad *b = &bads[nbads++];
    b->text = malloc(len + 1);
    memcpy(b->text, text, len);
    b->text[len] = 0;
    b->len = len;
    b->code = code;
    b->id = NULL;
    if (id) {
        snprintf(b->idbuf, sizeof b->idbuf, "%s", id);
        b->id = b->idbuf;
    }
}

static void add_bad(const char *text, const char *code, const char *id)
{
    add_bad_len(text, strlen(text), code, id);
}

static void add_prefixes(const char *valid)
{
    size_t n = strlen(valid);
    for (size_t i = 1; i < n; i++) {
        if (valid[i - 1] == ' ') continue; /* a prefix ending in a blank is the same as before */
        add_bad_len(valid, i, SERVER_E_BAD_JSON, NULL);
    }
}

static void build_bads(void)
{
    nbads = 0;
    /* truncated JSON: every proper prefix of valid requests */
    add_prefixes("{\"id\":1,\"cmd\":\"hello\"}");
    add_prefixes("{\"id\":7,\"cmd\":\"gc\",\"pid\":\"<0.42.0>\",\"type\":\"minor\"}");
    add_prefixes("{\"id\":\"s\",\"cmd\":\"subscribe\",\"interval_ms\":100}");
    /* not JSON at all, or more than one value */
    const char *notjson[] = {"hello", "{", "}", "{{}}", "{'id':1}", "{\"id\":1,}", "{id:1}",
                             "{\"id\":1 \"cmd\":\"hello\"}", "{\"id\":1,\"cmd\":\"hello\"} x",
                             "{\"id\":1,\"cmd\":\"hello\"}{}", "[1,2", "\"abc", "nul", "tru",
                             "{\"id\":01,\"cmd\":\"hello\"}", "{\"id\":1,\"cmd\":\"he\\llo\"}",
                             "{\"id\":1,\"cmd\":\"\\uZZZZ\"}", "{\"id\":-,\"cmd\":\"hello\"}",
                             "{\"id\":1e,\"cmd\":\"hello\"}", "\x01\x02\x03", "#!/bin/sh",
                             "GET / HTTP/1.1"};
    for (size_t i = 0; i < sizeof notjson / sizeof *notjson; i++)
        add_bad(notjson[i], SERVER_E_BAD_JSON, NULL);
    add_bad_len("{\"id\":1,\"cmd\":\"hel\0lo\"}", 24, SERVER_E_BAD_JSON, NULL);
    add_bad_len("\0", 1, SERVER_E_BAD_JSON, NULL);
    add_bad("{\"id\":1,\"cmd\":\"proc\\u0000\"}", SERVER_E_BAD_JSON, NULL);
    add_bad("{\"id\":1,\"cmd\":\"\\udc00\"}", SERVER_E_BAD_JSON, NULL);
    add_bad("{\"id\":1,\"cmd\":\"\\ud800x\"}", SERVER_E_BAD_JSON, NULL);
    add_bad("{\"id\":1,\"cmd\":\"hello\t\"}", SERVER_E_BAD_JSON, NULL);
    add_bad("{\"id\":1.,\"cmd\":\"hello\"}", SERVER_E_BAD_JSON, NULL);
    add_bad("{\"id\":+1,\"cmd\":\"hello\"}", SERVER_E_BAD_JSON, NULL);
    /* nesting deeper than cJSON's limit */
    {
        static char deep[4100];
        for (int i = 0; i < 2050; i++) { deep[i] = '['; deep[4099 - i] = ']'; }
        add_bad_len(deep, 4100, SERVER_E_BAD_JSON, NULL);
    }
    /* valid JSON that is not an object */
    const char *notobj[] = {"1", "-3.5", "\"hello\"", "[]", "null", "true", "false",
                            "[{\"id\":1,\"cmd\":\"hello\"}]", "[\"hello\"]", "  42  "};
    for (size_t i = 0; i < sizeof notobj / sizeof *notobj; i++)
        add_bad(notobj[i], SERVER_E_NOT_OBJECT, NULL);
    /* id missing or ill-typed */
    const char *badid[] = {"{}", "{\"cmd\":\"hello\"}", "{\"id\":null,\"cmd\":\"hello\"}",
                           "{\"id\":true,\"cmd\":\"hello\"}", "{\"id\":[],\"cmd\":\"hello\"}",
                           "{\"id\":{},\"cmd\":\"hello\"}", "{\"id\":1.5,\"cmd\":\"hello\"}",
                           "{\"id\":1e300,\"cmd\":\"hello\"}", "{\"id\":-1e300,\"cmd\":\"hello\"}",
                           "{\"id\":9007199254740994,\"cmd\":\"hello\"}",
                           "{\"ID\":1,\"cmd\":\"hello\"}", "{\"id\":[1],\"cmd\":\"hello\"}",
                           "{\"id\":0.0001,\"cmd\":\"hello\"}"};
    for (size_t i = 0; i < sizeof badid / sizeof *badid; i++)
        add_bad(badid[i], SERVER_E_BAD_ID, NULL);
    {
        char longid[400];
        memset(longid, 0, sizeof longid);
        strcpy(longid, "{\"id\":\"");
        memset(longid + 7, 'x', 300);
        strcat(longid, "\",\"cmd\":\"hello\"}");
        add_bad(longid, SERVER_E_BAD_ID, NULL);
    }
    /* cmd missing, ill-typed, unknown */
    const char *badcmd[] = {"{\"id\":3}", "{\"id\":3,\"cmd\":null}", "{\"id\":3,\"cmd\":1}",
                            "{\"id\":3,\"cmd\":[\"hello\"]}", "{\"id\":3,\"cmd\":{}}",
                            "{\"id\":3,\"cmd\":true}", "{\"id\":3,\"CMD\":\"hello\"}"};
    for (size_t i = 0; i < sizeof badcmd / sizeof *badcmd; i++)
        add_bad(badcmd[i], SERVER_E_BAD_CMD, "3");
    const char *unknown[] = {"", "HELLO", "helo", "hello ", " hello", "snapshots", "kill",
                             "gc_all", "r\\u00e9port", "\\u00e9", "subscribe2",
                             "../../etc/passwd", "%s%s%s%n"};
    for (size_t i = 0; i < sizeof unknown / sizeof *unknown; i++) {
        char buf[128];
        snprintf(buf, sizeof buf, "{\"id\":\"u%zu\",\"cmd\":\"%s\"}", i, unknown[i]);
        char id[16];
        snprintf(id, sizeof id, "\"u%zu\"", i);
        add_bad(buf, SERVER_E_UNKNOWN_CMD, id);
    }
    /* bad pids for proc and gc */
    const char *badpids[] = {"42", "<0.42>", "0.42.0", "<1.42.0>", "<0.-1.0>", "<0.042.0>",
                             "<0.42.0> ", " <0.42.0>", "<0.42.1>", "<0..0>", "<0.4a.0>", "<>",
                             "", "<0.99999999999999999999999.0>", "<0.1152921504606846976.0>",
                             "#PID<0.42.0>", "<0.42.0.0>", "<0.+42.0>", "<0.42.0"};
    for (size_t i = 0; i < sizeof badpids / sizeof *badpids; i++) {
        char buf[160];
        snprintf(buf, sizeof buf, "{\"id\":%zu,\"cmd\":\"proc\",\"pid\":\"%s\"}", 100 + i,
                 badpids[i]);
        char id[16];
        snprintf(id, sizeof id, "%zu", 100 + i);
        add_bad(buf, SERVER_E_BAD_PID, id);
        snprintf(buf, sizeof buf, "{\"id\":%zu,\"cmd\":\"gc\",\"pid\":\"%s\"}", 200 + i,
                 badpids[i]);
        snprintf(id, sizeof id, "%zu", 200 + i);
        add_bad(buf, SERVER_E_BAD_PID, id);
    }
    add_bad("{\"id\":5,\"cmd\":\"proc\",\"pid\":\"all\"}", SERVER_E_BAD_PID, "5");
    /* bad arguments */
    const char *badargs[] = {
        "{\"id\":5,\"cmd\":\"proc\"}", "{\"id\":5,\"cmd\":\"proc\",\"pid\":42}",
        "{\"id\":5,\"cmd\":\"proc\",\"pid\":null}", "{\"id\":5,\"cmd\":\"proc\",\"pid\":[\"<0.1.0>\"]}",
        "{\"id\":5,\"cmd\":\"gc\"}", "{\"id\":5,\"cmd\":\"gc\",\"pid\":true}",
        "{\"id\":5,\"cmd\":\"gc\",\"pid\":\"all\",\"type\":\"full\"}",
        "{\"id\":5,\"cmd\":\"gc\",\"pid\":\"all\",\"type\":1}",
        "{\"id\":5,\"cmd\":\"gc\",\"pid\":\"all\",\"type\":\"MAJOR\"}",
        "{\"id\":5,\"cmd\":\"events\",\"since\":-1}", "{\"id\":5,\"cmd\":\"events\",\"since\":1.5}",
        "{\"id\":5,\"cmd\":\"events\",\"since\":\"3\"}", "{\"id\":5,\"cmd\":\"events\",\"since\":1e300}",
        "{\"id\":5,\"cmd\":\"events\",\"limit\":0}", "{\"id\":5,\"cmd\":\"events\",\"limit\":1e9}",
        "{\"id\":5,\"cmd\":\"events\",\"limit\":-10}", "{\"id\":5,\"cmd\":\"events\",\"limit\":null}",
        "{\"id\":5,\"cmd\":\"subscribe\",\"interval_ms\":-5}",
        "{\"id\":5,\"cmd\":\"subscribe\",\"interval_ms\":0}",
        "{\"id\":5,\"cmd\":\"subscribe\",\"interval_ms\":5}",
        "{\"id\":5,\"cmd\":\"subscribe\",\"interval_ms\":1e12}",
        "{\"id\":5,\"cmd\":\"subscribe\",\"interval_ms\":\"100\"}",
        "{\"id\":5,\"cmd\":\"subscribe\",\"interval_ms\":100.5}",
        "{\"id\":5,\"cmd\":\"subscribe\",\"interval_ms\":false}",
        "{\"id\":5,\"cmd\":\"set\"}", "{\"id\":5,\"cmd\":\"set\",\"key\":1,\"value\":1}",
        "{\"id\":5,\"cmd\":\"set\",\"key\":\"\",\"value\":1}",
        "{\"id\":5,\"cmd\":\"set\",\"key\":\"sample_interval_ms\"}",
        "{\"id\":5,\"cmd\":\"set\",\"key\":\"sample_interval_ms\",\"value\":\"x\"}",
        "{\"id\":5,\"cmd\":\"set\",\"key\":\"nope\",\"value\":1}",
        ("{\"id\":5,\"cmd\":\"set\",\"key\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\","
         "\"value\":1}"),
    };
    for (size_t i = 0; i < sizeof badargs / sizeof *badargs; i++)
        add_bad(badargs[i], SERVER_E_BAD_ARGS, "5");
    add_bad("{\"id\":6,\"cmd\":\"proc\",\"pid\":\"<0.77.0>\"}", SERVER_E_NO_SUCH_PROCESS, "6");
    add_bad("{\"id\":6,\"cmd\":\"gc\",\"pid\":\"<0.77.0>\",\"type\":\"minor\"}",
            SERVER_E_NO_SUCH_PROCESS, "6");
    /* invalid UTF-8, bare and inside strings */
    const char *badutf[] = {"\x80", "\xC0\x80", "\xC1\xBF", "\xE0\x80\x80", "\xED\xA0\x80",
                            "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xFF", "\xFE\xFF", "\xE2\x82",
                            "{\"id\":1,\"cmd\":\"hel\xC3\"}", "{\"id\":\"\xF0\x9F\x98\",\"cmd\":\"hello\"}",
                            "{\"id\":1,\"cmd\":\"hello\",\"x\":\"\xC3\x28\"}",
                            "{\"id\":1,\"cmd\":\"hello\"}\xA0"};
    for (size_t i = 0; i < sizeof badutf / sizeof *badutf; i++)
        add_bad(badutf[i], SERVER_E_BAD_UTF8, NULL);
    /* binary garbage from a fixed generator (any error code, but an error) */
    uint64_t x = 0x9E3779B97F4A7C15u;
    for (int i = 0; i < 60; i++) {
        char g[200];
        size_t len = 1 + (size_t)(i * 3 % 190);
        for (size_t k = 0; k < len; k++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            g[k] = (char)(x >> 24);
            if (g[k] == '\n' || g[k] == '\r' || g[k] == ' ' || g[k] == '\t') g[k] = '!';
        }
        add_bad_len(g, len, NULL, NULL);
    }
}

/* ---- tests ------------------------------------------------------------------------------- */

TEST(utf8_and_pids)
{
    CHECK(server_utf8_valid("abc", 3));
    CHECK(server_utf8_valid("\xC3\xA9", 2));
    CHECK(server_utf8_valid("\xF0\x9F\x98\x80", 4));
    CHECK(server_utf8_valid("\xEF\xBF\xBF", 3));
    CHECK(!server_utf8_valid("\xC0\xAF", 2));
    CHECK(!server_utf8_valid("\xED\xBF\xBF", 3));
    CHECK(!server_utf8_valid("\xF4\x90\x80\x80", 4));
    CHECK(!server_utf8_valid("\xC3", 1));
    uint64_t n = 9;
    CHECK(server_parse_pid("<0.42.0>", &n) && n == 42);
    CHECK(server_parse_pid("<0.0.0>", &n) && n == 0);
    CHECK(server_parse_pid("<0.1152921504606846975.0>", &n) && n == 1152921504606846975u);
    CHECK(!server_parse_pid("<0.1152921504606846976.0>", &n));
    CHECK(!server_parse_pid("<0.00.0>", &n));
    CHECK(!server_parse_pid("<0.42.0>x", &n));
}

TEST(dispatch_malformed)
{
    ServerSession sess = {0};
    size_t good = 0;
    for (size_t i = 0; i < nbads; i++) {
        char *r = server_dispatch(&FAKE, &sess, bads[i].text, bads[i].len);
        if (is_error(r, bads[i].code, bads[i].id)) good++;
        else printf("  input #%zu: %.80s\n", i, bads[i].text);
        free(r);
    }
    CHECK(nbads >= 200);
    CHECK_EQ(good, nbads);
    server_session_clear(&sess);
}

TEST(dispatch_good)
{
    ServerSession sess = {0};
    char *r = server_dispatch(&FAKE, &sess, "{\"id\":1,\"cmd\":\"hello\"}", 22);
    cJSON *j = cJSON_Parse(r);
    CHECK(is_ok(r, "1"));
    CHECK_EQ(cJSON_GetObjectItem(j, "protocol")->valuedouble, 1);
    CHECK_STR(cJSON_GetObjectItem(j, "program")->valuestring, "fake.erl");
    CHECK_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "commands")), 11);
    cJSON_Delete(j);
    free(r);
    const char *gc = "{\"cmd\":\"gc\",\"id\":\"abc\",\"pid\":\"all\",\"type\":\"minor\",\"extra\":[1]}";
    r = server_dispatch(&FAKE, &sess, gc, strlen(gc));
    j = cJSON_Parse(r);
    CHECK(is_ok(r, "\"abc\""));
    CHECK_STR(cJSON_GetObjectItem(j, "type")->valuestring, "minor");
    CHECK_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "procs")), 2);
    cJSON_Delete(j);
    free(r);
    const char *ev = "{\"id\":-9007199254740992,\"cmd\":\"events\",\"since\":17,\"limit\":5}\r";
    r = server_dispatch(&FAKE, &sess, ev, strlen(ev));
    j = cJSON_Parse(r);
    CHECK(is_ok(r, "-9007199254740992"));
    CHECK_EQ(cJSON_GetObjectItem(j, "since")->valuedouble, 17);
    CHECK_EQ(cJSON_GetObjectItem(j, "limit")->valuedouble, 5);
    cJSON_Delete(j);
    free(r);
    CHECK(server_dispatch(&FAKE, &sess, "   \r", 4) == NULL);
    CHECK(server_dispatch(&FAKE, &sess, "", 0) == NULL);
    /* a missing handler says unsupported, and hello leaves it out of "commands" */
    ServerHandlers few = {.hello = fake_hello};
    r = server_dispatch(&few, &sess, "{\"id\":2,\"cmd\":\"report\"}", 23);
    CHECK(is_error(r, SERVER_E_UNSUPPORTED, "2"));
    free(r);
    r = server_dispatch(&few, &sess, "{\"id\":2,\"cmd\":\"subscribe\"}", 26);
    CHECK(is_error(r, SERVER_E_UNSUPPORTED, "2"));
    free(r);
    r = server_dispatch(&few, &sess, "{\"id\":2,\"cmd\":\"hello\"}", 22);
    j = cJSON_Parse(r);
    CHECK_EQ(cJSON_GetArraySize(cJSON_GetObjectItem(j, "commands")), 1);
    cJSON_Delete(j);
    free(r);
    server_session_clear(&sess);
}

TEST(directory_checks)
{
    char dir[300], err[256];
    snprintf(dir, sizeof dir, "%s/sub", test_dir);
    rmdir(dir);
    CHECK(server_prepare_dir(dir, err, sizeof err));
    struct stat st;
    CHECK(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700);
    chmod(dir, 0755);
    CHECK(!server_prepare_dir(dir, err, sizeof err));
    CHECK(strstr(err, "0700") != NULL);
    chmod(dir, 0710);
    CHECK(!server_prepare_dir(dir, err, sizeof err));
    chmod(dir, 0700);
    CHECK(server_prepare_dir(dir, err, sizeof err));
    char link[300];
    snprintf(link, sizeof link, "%s/link", test_dir);
    unlink(link);
    CHECK(symlink(dir, link) == 0);
    CHECK(!server_prepare_dir(link, err, sizeof err));
    unlink(link);
    char file[300];
    snprintf(file, sizeof file, "%s/file", test_dir);
    FILE *f = fopen(file, "w");
    fclose(f);
    CHECK(!server_prepare_dir(file, err, sizeof err));
    unlink(file);
    if (geteuid() == 0) { /* root can make a directory that belongs to someone else */
        CHECK(chown(dir, 65534, 65534) == 0);
        CHECK(!server_prepare_dir(dir, err, sizeof err));
        CHECK(strstr(err, "uid 65534") != NULL);
    }
    rmdir(dir);
    /* the environment picks the directory */
    char out[256];
    setenv("HEAPSCOPE_DIR", "/x/y", 1);
    CHECK(server_socket_dir(out, sizeof out) && !strcmp(out, "/x/y"));
    unsetenv("HEAPSCOPE_DIR");
    setenv("XDG_RUNTIME_DIR", "/run/user/7", 1);
    char want[64];
    snprintf(want, sizeof want, "/run/user/7/heapscope-%u", (unsigned)geteuid());
    CHECK(server_socket_dir(out, sizeof out) && !strcmp(out, want));
    unsetenv("XDG_RUNTIME_DIR");
    snprintf(want, sizeof want, "/tmp/heapscope-%u", (unsigned)geteuid());
    CHECK(server_socket_dir(out, sizeof out) && !strcmp(out, want));
    /* a server refuses an unsafe directory */
    chmod(test_dir, 0777);
    ServerConfig cfg = {.dir = test_dir, .allowed_uid = -1, .handlers = FAKE};
    Server *s = server_start(&cfg, err, sizeof err);
    CHECK(s == NULL);
    server_stop(s);
    chmod(test_dir, 0700);
}

TEST(socket_malformed_stays_usable)
{
    Server *s = start(-1);
    CHECK(s != NULL);
    if (!s) return;
    struct stat st;
    CHECK(stat(server_path(s), &st) == 0 && S_ISSOCK(st.st_mode));
    Reader *r = calloc(1, sizeof *r);
    r->fd = raw_connect(server_path(s));
    CHECK(r->fd >= 0);
    size_t good = 0;
    for (size_t i = 0; i < nbads; i++) {
        /* the line's own bytes may hold a newline only in the garbage set, which avoids it */
        CHECK(send_all(r->fd, bads[i].text, bads[i].len));
        CHECK(send_str(r->fd, "\n"));
        char *line = read_line(r, 2000);
        bool e = is_error(line, bads[i].code, bads[i].id);
        CHECK(send_str(r->fd, "{\"id\":0,\"cmd\":\"hello\"}\n"));
        line = read_line(r, 2000);
        if (e && is_ok(line, "0")) good++;
        else printf("  input #%zu: %.80s\n", i, bads[i].text);
    }
    CHECK_EQ(good, nbads);
    /* pipelined: many requests in one write, replies in order */
    char batch[4096] = "";
    for (int i = 0; i < 50; i++) {
        char one[64];
        snprintf(one, sizeof one, i % 2 ? "{\"id\":%d,\"cmd\":\"procs\"}\n" : "{\"id\":%d}\n", i);
        strcat(batch, one);
    }
    CHECK(send_all(r->fd, batch, strlen(batch)));
    for (int i = 0; i < 50; i++) {
        char id[16];
        snprintf(id, sizeof id, "%d", i);
        char *line = read_line(r, 2000);
        CHECK(i % 2 ? is_ok(line, id) : is_error(line, SERVER_E_BAD_CMD, id));
    }
    close(r->fd);
    ServerStats stats;
    server_stats(s, &stats);
    CHECK(stats.errors >= nbads);
    server_stop(s);
    free(r);
}

TEST(oversized_lines)
{
    Server *s = start(-1);
    if (!s) { CHECK(0); return; }
    Reader *r = calloc(1, sizeof *r);
    r->fd = raw_connect(server_path(s));
    size_t big = 3u << 20;
    char *junk = malloc(big);
    memset(junk, 'a', big);
    CHECK(send_all(r->fd, junk, big));
    char *line = read_line(r, 5000);
    CHECK(is_error(line, SERVER_E_LINE_TOO_LONG, NULL));
    CHECK(send_str(r->fd, "still the same line\n{\"id\":1,\"cmd\":\"hello\"}\n"));
    line = read_line(r, 5000);
    CHECK(is_ok(line, "1"));
    /* exactly at the limit is a line that gets parsed (and is bad JSON), one past is too long */
    memset(junk, ' ', SERVER_LINE_MAX);
    junk[0] = '{';
    CHECK(send_all(r->fd, junk, SERVER_LINE_MAX));
    CHECK(send_str(r->fd, "\n"));
    line = read_line(r, 5000);
    CHECK(is_error(line, SERVER_E_BAD_JSON, NULL));
    CHECK(send_all(r->fd, junk, SERVER_LINE_MAX + 1));
    CHECK(send_str(r->fd, "\n"));
    line = read_line(r, 5000);
    CHECK(is_error(line, SERVER_E_LINE_TOO_LONG, NULL));
    CHECK(send_str(r->fd, "{\"id\":2,\"cmd\":\"ets\"}\n"));
    line = read_line(r, 5000);
    CHECK(is_ok(line, "2"));
    CHECK(read_line(r, 100) == NULL); /* one error per long line, not one per chunk */
    free(junk);
    close(r->fd);
    server_stop(s);
    free(r);
}

TEST(vanishing_clients)
{
    snapshot_pad = 4u << 20; /* replies far larger than a socket buffer: cut mid-reply */
    Server *s = start(-1);
    if (!s) { CHECK(0); return; }
    for (int i = 0; i < 20; i++) {
        int fd = raw_connect(server_path(s));
        if (i % 4 == 0) send_str(fd, "{\"id\":1,\"cmd\":\"hel");         /* mid-line */
        if (i % 4 == 1) send_str(fd, "{\"id\":1,\"cmd\":\"snapshot\"}\n"); /* mid-reply */
        if (i % 4 == 2) {
            char *big = malloc(200000);
            memset(big, 'z', 200000);
            send_all(fd, big, 200000);                                    /* mid-long-line */
            free(big);
        }
        if (i % 4 == 3) send_str(fd, "{\"id\":1,\"cmd\":\"subscribe\",\"interval_ms\":10}\n");
        close(fd);
    }
    Reader *r = calloc(1, sizeof *r);
    r->fd = raw_connect(server_path(s));
    CHECK(send_str(r->fd, "{\"id\":9,\"cmd\":\"hello\"}\n"));
    /* the server may still be building the vanished clients' 4 MB snapshots (slow under ASan on
     * a loaded box: 2 s was once too short) */
    CHECK(is_ok(read_line(r, 10000), "9"));
    ServerStats st;
    for (int i = 0; i < 300; i++) { /* the server notices each hang-up on its next poll */
        server_stats(s, &st);
        if (st.clients_now == 1) break;
        usleep(10000);
    }
    CHECK_EQ(st.clients_now, 1);
    CHECK_EQ(st.accepted, 21);
    close(r->fd);
    free(r);
    server_stop(s);
    snapshot_pad = 0;
}

typedef struct Worker { const char *path; int id; int ok; } Worker;

static void *worker(void *arg)
{
    Worker *w = arg;
    Reader *r = calloc(1, sizeof *r);
    r->fd = raw_connect(w->path);
    for (int i = 0; i < 200; i++) {
        char req[128], id[32];
        snprintf(id, sizeof id, "\"w%d-%d\"", w->id, i);
        snprintf(req, sizeof req, "{\"id\":%s,\"cmd\":\"%s\"%s}\n", id,
                 i % 3 == 0 ? "procs" : i % 3 == 1 ? "proc" : "gc",
                 i % 3 == 0 ? "" : ",\"pid\":\"<0.42.0>\"");
        if (!send_all(r->fd, req, strlen(req))) break;
        if (is_ok(read_line(r, 5000), id)) w->ok++;
    }
    close(r->fd);
    free(r);
    return NULL;
}

TEST(concurrent_clients)
{
    Server *s = start(-1);
    if (!s) { CHECK(0); return; }
    pthread_t th[4];
    Worker w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (Worker){.path = server_path(s), .id = i};
        pthread_create(&th[i], NULL, worker, &w[i]);
    }
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    for (int i = 0; i < 4; i++) CHECK_EQ(w[i].ok, 200);
    server_stop(s);
}

TEST(subscriptions)
{
    Server *s = start(-1);
    if (!s) { CHECK(0); return; }
    Reader *r = calloc(1, sizeof *r);
    r->fd = raw_connect(server_path(s));
    CHECK(send_str(r->fd, "{\"id\":\"sub\",\"cmd\":\"subscribe\",\"interval_ms\":20}\n"));
    char *line = read_line(r, 2000);
    CHECK(is_ok(line, "\"sub\""));
    int pushes = 0;
    double last_seq = 0;
    for (int i = 0; i < 5; i++) {
        line = read_line(r, 2000);
        cJSON *j = cJSON_Parse(line);
        if (j && cJSON_IsString(cJSON_GetObjectItem(j, "push")) &&
            !strcmp(cJSON_GetObjectItem(j, "id")->valuestring, "sub") &&
            cJSON_GetArraySize(cJSON_GetObjectItem(j, "procs")) == 1 &&
            cJSON_GetObjectItem(j, "seq")->valuedouble > last_seq) {
            pushes++;
            last_seq = cJSON_GetObjectItem(j, "seq")->valuedouble;
        }
        cJSON_Delete(j);
    }
    CHECK_EQ(pushes, 5);
    /* requests still answered between pushes */
    CHECK(send_str(r->fd, "{\"id\":77,\"cmd\":\"unsubscribe\"}\n"));
    bool got = false;
    for (int i = 0; i < 10 && !got; i++) {
        line = read_line(r, 2000);
        if (line && strstr(line, "\"id\":77")) {
            got = is_ok(line, "77") && strstr(line, "\"was_subscribed\":true");
        }
    }
    CHECK(got);
    CHECK(read_line(r, 150) == NULL); /* no pushes after unsubscribe */
    close(r->fd);
    free(r);
    server_stop(s);
}

TEST(slow_subscriber_does_not_block)
{
    snapshot_pad = 256 * 1024;
    Server *s = start(-1);
    if (!s) { CHECK(0); snapshot_pad = 0; return; }
    int slow = raw_connect(server_path(s));
    CHECK(send_str(slow, "{\"id\":1,\"cmd\":\"subscribe\",\"interval_ms\":10}\n"));
    Reader *r = calloc(1, sizeof *r);
    r->fd = raw_connect(server_path(s));
    usleep(100000);
    for (int i = 0; i < 20; i++) {
        CHECK(send_str(r->fd, "{\"id\":5,\"cmd\":\"hello\"}\n"));
        CHECK(is_ok(read_line(r, 1000), "5"));
        usleep(10000);
    }
    ServerStats st;
    server_stats(s, &st);
    CHECK(st.pushes >= 5);          /* ~30 due in that time; loose for loaded machines */
    CHECK(st.pushes_dropped >= 2);  /* the unread ones were replaced, not queued */
    close(slow);
    close(r->fd);
    free(r);
    server_stop(s);
    snapshot_pad = 0;
}

TEST(wrong_uid_refused)
{
    Server *s = start((long)geteuid() + 1);
    if (!s) { CHECK(0); return; }
    Reader *r = calloc(1, sizeof *r);
    r->fd = raw_connect(server_path(s));
    CHECK(r->fd >= 0);
    send_str(r->fd, "{\"id\":1,\"cmd\":\"hello\"}\n");
    CHECK(is_error(read_line(r, 2000), SERVER_E_FORBIDDEN, NULL));
    CHECK(read_line(r, 500) == NULL); /* and closed */
    ServerStats st;
    server_stats(s, &st);
    CHECK_EQ(st.refused, 1);
    CHECK_EQ(st.accepted, 0);
    close(r->fd);
    free(r);
    server_stop(s);
}

TEST(socket_file_lifecycle)
{
    /* a stale socket nobody listens on is replaced */
    char path[100];
    snprintf(path, sizeof path, "%.60s/%d.sock", test_dir, (int)getpid());
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    unlink(path);
    CHECK(bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0);
    close(fd); /* the file stays, nobody listens */
    Server *s = start(-1);
    CHECK(s != NULL);
    /* a second server on the same name is refused while the first listens */
    char err[256] = "";
    ServerConfig cfg = {.dir = test_dir, .allowed_uid = -1, .handlers = FAKE};
    Server *s2 = server_start(&cfg, err, sizeof err);
    CHECK(s2 == NULL);
    CHECK(strstr(err, "listening") != NULL);
    server_stop(s);
    struct stat st;
    CHECK(stat(path, &st) != 0); /* removed at stop */
    /* a regular file of that name is never deleted */
    FILE *f = fopen(path, "w");
    fclose(f);
    s2 = server_start(&cfg, err, sizeof err);
    CHECK(s2 == NULL);
    CHECK(stat(path, &st) == 0);
    unlink(path);
}

/* ---- the client side --------------------------------------------------------------------- */

static char *capture_text(FILE *f)
{
    static char text[16384];
    fflush(f);
    rewind(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = 0;
    return text;
}

TEST(client_finds_runtimes)
{
    char path[256], err[256];
    setenv("HEAPSCOPE_DIR", test_dir, 1);
    CHECK(!client_resolve(NULL, path, sizeof path, err, sizeof err));
    CHECK(strstr(err, "no heapscope runtime") != NULL);
    Server *s = start(-1);
    if (!s) { CHECK(0); return; }
    CHECK(client_resolve(NULL, path, sizeof path, err, sizeof err));
    CHECK_STR(path, server_path(s));
    char pidtext[32];
    snprintf(pidtext, sizeof pidtext, "%d", (int)getpid());
    CHECK(client_resolve(pidtext, path, sizeof path, err, sizeof err));
    CHECK_STR(path, server_path(s));
    CHECK(client_resolve("/some/where.sock", path, sizeof path, err, sizeof err));
    CHECK_STR(path, "/some/where.sock");
    ServerConfig cfg = {.dir = test_dir, .os_pid = 1, .allowed_uid = -1, .handlers = FAKE};
    Server *s2 = server_start(&cfg, err, sizeof err);
    CHECK(s2 != NULL);
    CHECK(!client_resolve(NULL, path, sizeof path, err, sizeof err));
    CHECK(strstr(err, "2 runtimes are running") != NULL);
    server_stop(s2);
    /* a stale socket file (nobody listening) does not count */
    char stale[100];
    snprintf(stale, sizeof stale, "%.60s/999999.sock", test_dir);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", stale);
    CHECK(bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0);
    close(fd);
    CHECK(client_resolve(NULL, path, sizeof path, err, sizeof err));
    CHECK_STR(path, server_path(s));
    unlink(stale);
    Client *c = client_open("99999999", err, sizeof err);
    CHECK(c == NULL && strstr(err, "no runtime listens there"));
    server_stop(s);
    unsetenv("HEAPSCOPE_DIR");
}

TEST(client_calls_and_pushes)
{
    Server *s = start(-1);
    if (!s) { CHECK(0); return; }
    char err[256];
    Client *c = client_connect(server_path(s), err, sizeof err);
    CHECK(c != NULL);
    if (!c) { server_stop(s); return; }
    cJSON *r = client_call(c, "hello", NULL, -1, err, sizeof err);
    CHECK(r && num_eq(r, "schedulers", 2) && num_eq(r, "protocol", 1));
    cJSON_Delete(r);
    cJSON *args = cJSON_CreateObject();
    cJSON_AddStringToObject(args, "pid", "<0.77.0>");
    r = client_call(c, "proc", args, -1, err, sizeof err);
    CHECK(r == NULL);
    CHECK(strncmp(err, "no_such_process: ", 17) == 0);
    args = cJSON_CreateObject();
    cJSON_AddNumberToObject(args, "interval_ms", 10);
    r = client_call(c, "subscribe", args, -1, err, sizeof err);
    CHECK(r != NULL);
    cJSON_Delete(r);
    usleep(60000);
    r = client_call(c, "procs", NULL, -1, err, sizeof err); /* pushes before it are kept */
    CHECK(r && cJSON_GetArraySize(cJSON_GetObjectItem(r, "procs")) == 2);
    cJSON_Delete(r);
    int pushes = 0, status;
    cJSON *m;
    while ((m = client_read_message(c, 0, &status)) != NULL) {
        if (cJSON_IsString(cJSON_GetObjectItem(m, "push"))) pushes++;
        cJSON_Delete(m);
    }
    CHECK(pushes >= 2);
    m = client_read_message(c, 1000, &status); /* and more keep coming */
    CHECK(m && cJSON_IsString(cJSON_GetObjectItem(m, "push")));
    cJSON_Delete(m);
    client_close(c);
    server_stop(s);
}

TEST(client_commands)
{
    setenv("HEAPSCOPE_DIR", test_dir, 1);
    Server *s = start(-1);
    if (!s) { CHECK(0); return; }
    FILE *out = tmpfile(), *err = tmpfile();
    CHECK_EQ(client_cmd_ps(NULL, false, out, err), 0);
    char *text = capture_text(out);
    CHECK(strstr(text, "<0.42.0>") && strstr(text, "my_server") && strstr(text, "2 processes"));
    CHECK(strstr(text, "PID") == text);
    fclose(out);
    out = tmpfile();
    CHECK_EQ(client_cmd_ps(NULL, true, out, err), 0);
    cJSON *j = cJSON_Parse(capture_text(out));
    CHECK(cJSON_IsArray(j) && cJSON_GetArraySize(j) == 2);
    cJSON_Delete(j);
    fclose(out);
    out = tmpfile();
    CHECK_EQ(client_cmd_gc(NULL, "42", true, false, out, err), 0);
    text = capture_text(out);
    CHECK(strstr(text, "major GC of 1 process ") != NULL);
    CHECK(strstr(text, "reclaimed in total: 650 words (5200 bytes)") != NULL);
    fclose(out);
    out = tmpfile();
    CHECK_EQ(client_cmd_gc(NULL, NULL, false, false, out, err), 0);
    text = capture_text(out);
    CHECK(strstr(text, "minor GC of 2 processes") && strstr(text, "reclaimed in total: 1300"));
    fclose(out);
    out = tmpfile();
    CHECK_EQ(client_cmd_gc(NULL, "<0.4x.0>", true, false, out, err), 2);
    CHECK_EQ(client_cmd_gc(NULL, "0.77.0", true, false, out, err), 1);
    text = capture_text(err);
    CHECK(strstr(text, "not a pid: <0.4x.0>") && strstr(text, "no_such_process"));
    fclose(out);
    out = tmpfile();
    char file[300];
    snprintf(file, sizeof file, "%s/report.json", test_dir);
    CHECK_EQ(client_cmd_report(NULL, file, out, err), 0);
    FILE *f = fopen(file, "r");
    CHECK(f != NULL);
    if (f) {
        j = cJSON_Parse(capture_text(f));
        CHECK(j && !strcmp(cJSON_GetObjectItem(j, "schema")->valuestring, "heapscope-report/1"));
        cJSON_Delete(j);
        fclose(f);
    }
    unlink(file);
    CHECK_EQ(client_cmd_ets(NULL, false, out, err), 0);
    text = capture_text(out);
    CHECK(strstr(text, "cache") && strstr(text, "1234") && strstr(text, "1 tables"));
    fclose(out);
    fclose(err);
    server_stop(s);
    err = tmpfile();
    CHECK_EQ(client_cmd_ets(NULL, false, stdout, err), 1); /* nobody running now */
    CHECK(strstr(capture_text(err), "no heapscope runtime") != NULL);
    fclose(err);
    char norm[32];
    CHECK(client_normalize_pid("<0.5.0>", norm, sizeof norm) && !strcmp(norm, "<0.5.0>"));
    CHECK(client_normalize_pid("0.5.0", norm, sizeof norm) && !strcmp(norm, "<0.5.0>"));
    CHECK(client_normalize_pid("5", norm, sizeof norm) && !strcmp(norm, "<0.5.0>"));
    CHECK(!client_normalize_pid("five", norm, sizeof norm));
    unsetenv("HEAPSCOPE_DIR");
}

int main(void)
{
    make_test_dir();
    build_bads();
    printf("%zu malformed inputs\n", nbads);
    TH_RUN(utf8_and_pids);
    TH_RUN(dispatch_malformed);
    TH_RUN(dispatch_good);
    TH_RUN(directory_checks);
    TH_RUN(socket_malformed_stays_usable);
    TH_RUN(oversized_lines);
    TH_RUN(vanishing_clients);
    TH_RUN(concurrent_clients);
    TH_RUN(subscriptions);
    TH_RUN(slow_subscriber_does_not_block);
    TH_RUN(wrong_uid_refused);
    TH_RUN(socket_file_lifecycle);
    TH_RUN(client_finds_runtimes);
    TH_RUN(client_calls_and_pushes);
    TH_RUN(client_commands);
    for (size_t i = 0; i < nbads; i++) free(bads[i].text);
    rmdir(test_dir);
    return th_done();
}
