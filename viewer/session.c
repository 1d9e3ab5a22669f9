/*
 * session.c — the viewer's connection to a runtime (session.h).
 */
#include "session.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client.h"

#define EVENTS_LIMIT 2000
#define GC_TIMEOUT_MS 60000
#define REPORT_TIMEOUT_MS 60000

struct VwSession {
    Client *c;
    char path[512];   /* the socket we are (or were last) attached to */
    char dir[512];    /* where to look for it again */
};

bool vw_session_attached(const VwSession *s) { return s && s->c; }
int vw_session_fd(const VwSession *s) { return s && s->c ? client_fd(s->c) : -1; }
const char *vw_session_path(const VwSession *s) { return s->path; }

static void set_dir(VwSession *s)
{
    snprintf(s->dir, sizeof s->dir, "%s", s->path);
    char *slash = strrchr(s->dir, '/');
    if (slash && slash != s->dir) *slash = 0;
    else snprintf(s->dir, sizeof s->dir, "%s", slash ? "/" : ".");
}

bool vw_session_subscribe(VwSession *s, unsigned interval_ms)
{
    if (!s->c) return false;
    cJSON *a = cJSON_CreateObject();
    cJSON_AddNumberToObject(a, "interval_ms", interval_ms);
    /* the reply comes back through pump like any message; the model ignores it */
    return client_send(s->c, "subscribe", a, NULL);
}

/* hello on a fresh connection; the reply is returned (the caller checks the program). */
static cJSON *hello(Client *c)
{
    char err[256];
    return client_call(c, "hello", NULL, -1, err, sizeof err);
}

static void attach(VwSession *s, Client *c, const cJSON *hello_reply, VwModel *m,
                   unsigned interval_ms)
{
    s->c = c;
    vw_model_apply_hello(m, hello_reply);
    vw_model_attached(m);
    m->events_seq = 0; /* a new runtime numbers its events from 1 again */
    vw_session_subscribe(s, interval_ms);
}

VwSession *vw_session_open(const char *target, unsigned interval_ms, VwModel *m, char *err,
                           size_t errcap)
{
    VwSession *s = calloc(1, sizeof *s);
    if (!s) { snprintf(err, errcap, "out of memory"); return NULL; }
    if (!client_resolve(target, s->path, sizeof s->path, err, errcap)) { free(s); return NULL; }
    set_dir(s);
    Client *c = client_connect(s->path, err, errcap);
    if (!c) { free(s); return NULL; }
    cJSON *h = hello(c);
    if (!h) {
        snprintf(err, errcap, "%s does not answer hello", s->path);
        client_close(c);
        free(s);
        return NULL;
    }
    attach(s, c, h, m, interval_ms);
    cJSON_Delete(h);
    return s;
}

void vw_session_close(VwSession *s)
{
    if (!s) return;
    client_close(s->c);
    free(s);
}

static void lost(VwSession *s, VwModel *m)
{
    client_close(s->c);
    s->c = NULL;
    vw_model_detached(m);
}

int vw_session_pump(VwSession *s, VwModel *m, bool paused)
{
    if (!s->c) return 0;
    int snaps = 0;
    for (;;) {
        int st;
        cJSON *msg = client_read_message(s->c, 0, &st);
        if (!msg) {
            if (st < 0) { lost(s, m); return -1; }
            if (st == 0) break;
            continue; /* a line that was not an object: skipped */
        }
        const cJSON *push = cJSON_GetObjectItemCaseSensitive(msg, "push");
        if (push && paused) { cJSON_Delete(msg); continue; }
        if (vw_model_apply(m, msg) == VW_MSG_SNAPSHOT) snaps++;
        cJSON_Delete(msg);
    }
    return snaps;
}

static void call_apply(VwSession *s, VwModel *m, const char *cmd, cJSON *args)
{
    char err[256];
    cJSON *r = client_call(s->c, cmd, args, -1, err, sizeof err);
    if (r) vw_model_apply(m, r);
    cJSON_Delete(r);
}

/* The detail's process: `proc` first; when its reply lacks the process_info items (current,
 * dict_size, links, monitors, message_queue_data: the agent's series entry does not carry
 * them), the `procs` listing supplies them, at the cost of listing every process. */
static void refresh_detail(VwSession *s, VwModel *m, const char *pid)
{
    char err[256];
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "pid", pid);
    cJSON *r = client_call(s->c, "proc", a, -1, err, sizeof err);
    bool extra = r && cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "proc"),
                                                       "current");
    if (r) vw_model_apply(m, r);
    cJSON_Delete(r);
    if (!extra && s->c) call_apply(s, m, "procs", NULL);
}

void vw_session_refresh(VwSession *s, VwModel *m, const char *detail_pid)
{
    if (!s->c) return;
    cJSON *a = cJSON_CreateObject();
    cJSON_AddNumberToObject(a, "since", (double)m->events_seq);
    cJSON_AddNumberToObject(a, "limit", EVENTS_LIMIT);
    call_apply(s, m, "events", a);
    if (detail_pid && detail_pid[0]) refresh_detail(s, m, detail_pid);
}

bool vw_session_gc(VwSession *s, VwModel *m, const char *pid, bool major, char *msg,
                   size_t cap)
{
    if (!s->c) { snprintf(msg, cap, "detached"); return false; }
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "pid", pid ? pid : "all");
    cJSON_AddStringToObject(a, "type", major ? "major" : "minor");
    cJSON *r = client_call(s->c, "gc", a, GC_TIMEOUT_MS, msg, cap);
    if (!r) return false;
    vw_model_apply_gc(m, r);
    if (!pid) { /* one process alone still makes an "all" summary */
        m->have_all = true;
        m->all_major = major;
        m->all_at_ms = m->now_ms;
        m->all_procs = (unsigned)cJSON_GetArraySize(cJSON_GetObjectItem(r, "procs"));
        m->all_reclaimed = 0;
        const cJSON *p;
        cJSON_ArrayForEach(p, cJSON_GetObjectItem(r, "procs")) {
            const cJSON *rc = cJSON_GetObjectItem(p, "reclaimed");
            if (cJSON_IsNumber(rc) && rc->valuedouble > 0 && rc->valuedouble < 1e18)
                m->all_reclaimed += (uint64_t)rc->valuedouble;
        }
    }
    cJSON_Delete(r);
    return true;
}

bool vw_session_report(VwSession *s, const VwModel *m, const char *dir, char *msg, size_t cap)
{
    if (!s->c) { snprintf(msg, cap, "detached"); return false; }
    cJSON *r = client_call(s->c, "report", NULL, REPORT_TIMEOUT_MS, msg, cap);
    if (!r) return false;
    char *text = cJSON_PrintUnformatted(cJSON_GetObjectItem(r, "report"));
    cJSON_Delete(r);
    if (!text) { snprintf(msg, cap, "the reply had no report"); return false; }
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char stamp[32], path[1024];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    snprintf(path, sizeof path, "%s%sheapscope-report-%d-%s.json", dir ? dir : "",
             dir ? "/" : "", m->os_pid, stamp);
    FILE *f = fopen(path, "w");
    bool ok = f && fputs(text, f) >= 0 && fputc('\n', f) != EOF;
    if (f && fclose(f) != 0) ok = false;
    if (ok) snprintf(msg, cap, "report saved to %s (%zu bytes)", path, strlen(text) + 1);
    else snprintf(msg, cap, "cannot write %s", path);
    free(text);
    return ok;
}

static bool sock_name(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && !strcmp(name + n - 5, ".sock");
}

/* Tries one socket: connects, asks hello, keeps it when the program is the one we lost. */
static bool try_socket(VwSession *s, VwModel *m, const char *path, unsigned interval_ms)
{
    char err[256];
    Client *c = client_connect(path, err, sizeof err);
    if (!c) return false;
    cJSON *h = client_call(c, "hello", NULL, 2000, err, sizeof err);
    const cJSON *prog = h ? cJSON_GetObjectItemCaseSensitive(h, "program") : NULL;
    bool same = cJSON_IsString(prog) && (!m->program[0] || !strcmp(prog->valuestring, m->program));
    if (!same) {
        cJSON_Delete(h);
        client_close(c);
        return false;
    }
    if (path != s->path) snprintf(s->path, sizeof s->path, "%s", path);
    attach(s, c, h, m, interval_ms);
    cJSON_Delete(h);
    return true;
}

bool vw_session_reattach(VwSession *s, VwModel *m, unsigned interval_ms)
{
    if (s->c) return true;
    if (try_socket(s, m, s->path, interval_ms)) return true;
    DIR *d = opendir(s->dir);
    if (!d) return false;
    struct dirent *e;
    bool ok = false;
    while (!ok && (e = readdir(d)) != NULL) {
        if (!sock_name(e->d_name)) continue;
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", s->dir, e->d_name);
        if (!strcmp(p, s->path)) continue;
        ok = try_socket(s, m, p, interval_ms);
    }
    closedir(d);
    return ok;
}
