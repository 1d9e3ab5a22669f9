/*
 * client.c — connecting to a runtime's control socket and the ps / gc / report / ets commands.
 * client.h states the contract; docs/protocol.md the wire format.
 */
#include "client.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "server.h"

typedef struct Pending {
    struct Pending *next;
    char *line;
} Pending;

struct Client {
    int fd;
    char *buf;
    size_t len, cap;
    bool closed;
    uint64_t next_id;
    Pending *head, *tail;   /* lines read while waiting for a reply, oldest first */
};

/* ---- finding a runtime ------------------------------------------------------------------- */

static bool all_digits(const char *s)
{
    if (!*s) return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9') return false;
    return true;
}

static bool sock_name(const char *name)
{
    size_t n = strlen(name);
    if (n < 6 || strcmp(name + n - 5, ".sock") != 0) return false;
    for (size_t i = 0; i < n - 5; i++)
        if (name[i] < '0' || name[i] > '9') return false;
    return true;
}

static int connect_path(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path) { errno = ENAMETOOLONG; return -1; }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* The live sockets of dir (someone accepts on them); stale files from dead runtimes are
 * skipped, not removed: they are the server's to clean. */
static bool find_only(const char *dir, char *path, size_t cap, char *err, size_t errcap)
{
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errcap, "no heapscope runtime is running (cannot open %s: %s)", dir,
                 strerror(errno));
        return false;
    }
    int found = 0;
    char names[256] = "";
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!sock_name(e->d_name)) continue;
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        int fd = connect_path(p);
        if (fd < 0) continue;
        close(fd);
        if (++found == 1) snprintf(path, cap, "%s", p);
        size_t used = strlen(names);
        snprintf(names + used, sizeof names - used, "%s%.*s", used ? ", " : "",
                 (int)(strlen(e->d_name) - 5), e->d_name);
    }
    closedir(d);
    if (found == 0) {
        snprintf(err, errcap, "no heapscope runtime is running (no live socket in %s)", dir);
        return false;
    }
    if (found > 1) {
        snprintf(err, errcap, "%d runtimes are running (OS pids %s): give one as TARGET", found,
                 names);
        return false;
    }
    return true;
}

bool client_resolve(const char *target, char *path, size_t cap, char *err, size_t errcap)
{
    char dir[256];
    if (target && *target && !all_digits(target)) {
        if (snprintf(path, cap, "%s", target) >= (int)cap) {
            snprintf(err, errcap, "socket path too long");
            return false;
        }
        return true;
    }
    if (!server_socket_dir(dir, sizeof dir)) {
        snprintf(err, errcap, "socket directory path too long");
        return false;
    }
    if (!target || !*target) return find_only(dir, path, cap, err, errcap);
    if (snprintf(path, cap, "%s/%s.sock", dir, target) >= (int)cap) {
        snprintf(err, errcap, "socket path too long");
        return false;
    }
    return true;
}

Client *client_connect(const char *path, char *err, size_t errcap)
{
    int fd = connect_path(path);
    if (fd < 0) {
        snprintf(err, errcap, "cannot connect to %s: %s", path,
                 errno == ENOENT || errno == ECONNREFUSED ? "no runtime listens there"
                                                          : strerror(errno));
        return NULL;
    }
    Client *c = calloc(1, sizeof *c);
    if (!c) { close(fd); snprintf(err, errcap, "out of memory"); return NULL; }
    c->fd = fd;
    c->next_id = 1;
    return c;
}

Client *client_open(const char *target, char *err, size_t errcap)
{
    char path[512];
    if (!client_resolve(target, path, sizeof path, err, errcap)) return NULL;
    return client_connect(path, err, errcap);
}

void client_close(Client *c)
{
    if (!c) return;
    close(c->fd);
    while (c->head) {
        Pending *p = c->head;
        c->head = p->next;
        free(p->line);
        free(p);
    }
    free(c->buf);
    free(c);
}

int client_fd(const Client *c) { return c->fd; }

/* ---- lines ------------------------------------------------------------------------------- */

static bool send_all(int fd, const char *p, size_t len)
{
    while (len) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        p += n;
        len -= (size_t)n;
    }
    return true;
}

bool client_send(Client *c, const char *cmd, cJSON *args, uint64_t *id_out)
{
    cJSON *req = cJSON_CreateObject();
    uint64_t id = c->next_id++;
    char idtext[32];
    snprintf(idtext, sizeof idtext, "%llu", (unsigned long long)id);
    cJSON_AddItemToObject(req, "id", cJSON_CreateRaw(idtext));
    cJSON_AddStringToObject(req, "cmd", cmd);
    if (args) {
        cJSON *m;
        while ((m = args->child) != NULL) {
            cJSON_DetachItemViaPointer(args, m);
            cJSON_AddItemToArray(req, m);
        }
        cJSON_Delete(args);
    }
    char *text = cJSON_PrintUnformatted(req);
    cJSON_Delete(req);
    if (!text) return false;
    size_t n = strlen(text);
    text[n] = '\n'; /* over the NUL: sent as n + 1 bytes, never used as a string again */
    bool ok = !c->closed && send_all(c->fd, text, n + 1);
    free(text);
    if (!ok) c->closed = true;
    if (id_out) *id_out = id;
    return ok;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A complete line from the buffer, or NULL. */
static char *take_line(Client *c)
{
    char *nl = c->len ? memchr(c->buf, '\n', c->len) : NULL;
    if (!nl) return NULL;
    size_t n = (size_t)(nl - c->buf);
    char *line = malloc(n + 1);
    if (!line) return NULL;
    memcpy(line, c->buf, n);
    line[n] = 0;
    memmove(c->buf, nl + 1, c->len - n - 1);
    c->len -= n + 1;
    return line;
}

/* Reads from the socket into the buffer: 1 data, 0 timeout, -1 closed or too long a line. */
static int fill(Client *c, int timeout_ms)
{
    if (c->closed) return -1;
    struct pollfd p = {.fd = c->fd, .events = POLLIN};
    int r = poll(&p, 1, timeout_ms);
    if (r < 0) return errno == EINTR ? 0 : -1;
    if (r == 0) return 0;
    if (c->cap - c->len < 65536) {
        size_t cap = c->cap ? c->cap * 2 : 131072;
        if (cap > CLIENT_REPLY_MAX + 65536) { c->closed = true; return -1; }
        char *b = realloc(c->buf, cap);
        if (!b) { c->closed = true; return -1; }
        c->buf = b;
        c->cap = cap;
    }
    ssize_t n = read(c->fd, c->buf + c->len, c->cap - c->len);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return 0;
    if (n <= 0) { c->closed = true; return -1; }
    c->len += (size_t)n;
    return 1;
}

/* Waits for a line from the socket itself (not the pending queue). */
static int socket_line(Client *c, int timeout_ms, char **line)
{
    int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
    for (;;) {
        if ((*line = take_line(c)) != NULL) return 1;
        int left = deadline < 0 ? -1 : (int)(deadline - now_ms());
        if (deadline >= 0 && left < 0) left = 0;
        int r = fill(c, left);
        if (r < 0) return -1;
        if (r == 0 && deadline >= 0 && now_ms() >= deadline) return 0;
    }
}

int client_read_line(Client *c, int timeout_ms, char **line)
{
    if (c->head) {
        Pending *p = c->head;
        c->head = p->next;
        if (!c->head) c->tail = NULL;
        *line = p->line;
        free(p);
        return 1;
    }
    return socket_line(c, timeout_ms, line);
}

cJSON *client_read_message(Client *c, int timeout_ms, int *status)
{
    char *line;
    int r = client_read_line(c, timeout_ms, &line);
    if (r <= 0) { *status = r; return NULL; }
    cJSON *j = cJSON_Parse(line);
    free(line);
    if (!cJSON_IsObject(j)) { cJSON_Delete(j); *status = 1; return NULL; }
    *status = 1;
    return j;
}

static void keep(Client *c, char *line)
{
    Pending *p = malloc(sizeof *p);
    if (!p) { free(line); return; }
    p->line = line;
    p->next = NULL;
    if (c->tail) c->tail->next = p; else c->head = p;
    c->tail = p;
}

static bool has_id(const cJSON *msg, uint64_t id)
{
    const cJSON *i = cJSON_GetObjectItemCaseSensitive(msg, "id");
    return cJSON_IsNumber(i) && i->valuedouble == (double)id &&
           !cJSON_GetObjectItemCaseSensitive(msg, "push");
}

cJSON *client_call(Client *c, const char *cmd, cJSON *args, int timeout_ms, char *err,
                   size_t errcap)
{
    uint64_t id;
    if (!client_send(c, cmd, args, &id)) {
        snprintf(err, errcap, "the runtime closed the connection");
        return NULL;
    }
    if (timeout_ms < 0) timeout_ms = CLIENT_TIMEOUT_MS;
    int64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        int left = (int)(deadline - now_ms());
        char *line;
        int r = socket_line(c, left < 0 ? 0 : left, &line);
        if (r < 0) { snprintf(err, errcap, "the runtime closed the connection"); return NULL; }
        if (r == 0) {
            snprintf(err, errcap, "no reply to \"%s\" within %d ms", cmd, timeout_ms);
            return NULL;
        }
        cJSON *msg = cJSON_Parse(line);
        if (!msg || !has_id(msg, id)) { /* a push or an older reply: the reader gets it later */
            cJSON_Delete(msg);
            keep(c, line);
            continue;
        }
        free(line);
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(msg, "ok"))) return msg;
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(msg, "error");
        const cJSON *text = cJSON_GetObjectItemCaseSensitive(msg, "message");
        snprintf(err, errcap, "%s: %s", cJSON_IsString(code) ? code->valuestring : "error",
                 cJSON_IsString(text) ? text->valuestring : "(no message)");
        cJSON_Delete(msg);
        return NULL;
    }
}

bool client_normalize_pid(const char *in, char *out, size_t cap)
{
    char buf[64];
    uint64_t n;
    if (all_digits(in) && strlen(in) < 24) snprintf(buf, sizeof buf, "<0.%s.0>", in);
    else if (in[0] != '<' && strlen(in) < 40) snprintf(buf, sizeof buf, "<%s>", in);
    else snprintf(buf, sizeof buf, "%.60s", in);
    if (!server_parse_pid(buf, &n)) return false;
    snprintf(out, cap, "<0.%llu.0>", (unsigned long long)n);
    return true;
}

/* ---- printing ---------------------------------------------------------------------------- */

static double num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static const char *str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* Registered name, else the initial call: what a person recognises a process by. */
static const char *proc_label(const cJSON *p)
{
    const char *name = str(p, "registered_name");
    return *name ? name : str(p, "initial_call");
}

void client_print_procs(const cJSON *reply, FILE *out)
{
    const cJSON *procs = cJSON_GetObjectItemCaseSensitive(reply, "procs");
    fprintf(out, "%-14s %-32s %12s %10s %10s %10s %8s %12s %6s\n", "PID", "NAME", "MEMORY",
            "HEAP", "OLD_HEAP", "TOTAL_HEAP", "MSGQ", "REDUCTIONS", "GCS");
    const cJSON *p;
    cJSON_ArrayForEach(p, procs) {
        fprintf(out, "%-14s %-32.32s %12.0f %10.0f %10.0f %10.0f %8.0f %12.0f %6.0f\n",
                str(p, "pid"), proc_label(p), num(p, "memory"), num(p, "heap_size"),
                num(p, "old_heap_size"), num(p, "total_heap_size"),
                num(p, "message_queue_len"), num(p, "reductions"),
                num(p, "minor_gcs") + num(p, "major_gcs"));
    }
    fprintf(out, "%d processes; MEMORY in bytes, heap sizes in words\n", cJSON_GetArraySize(procs));
}

void client_print_gc(const cJSON *reply, FILE *out)
{
    const cJSON *procs = cJSON_GetObjectItemCaseSensitive(reply, "procs");
    fprintf(out, "%s GC of %d process%s (sizes in words)\n", str(reply, "type"),
            cJSON_GetArraySize(procs), cJSON_GetArraySize(procs) == 1 ? "" : "es");
    fprintf(out, "%-14s %-24s %10s %10s %10s %10s %10s %10s %10s\n", "PID", "NAME", "HEAP", "->",
            "OLD_HEAP", "->", "BINARY", "->", "RECLAIMED");
    double total = 0;
    const cJSON *p;
    cJSON_ArrayForEach(p, procs) {
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(p, "before");
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(p, "after");
        fprintf(out, "%-14s %-24.24s %10.0f %10.0f %10.0f %10.0f %10.0f %10.0f %10.0f\n",
                str(p, "pid"), proc_label(p), num(b, "heap_size"), num(a, "heap_size"),
                num(b, "old_heap_size"), num(a, "old_heap_size"),
                num(b, "bin_vheap_size") + num(b, "bin_old_vheap_size"),
                num(a, "bin_vheap_size") + num(a, "bin_old_vheap_size"), num(p, "reclaimed"));
        total += num(p, "reclaimed");
    }
    fprintf(out, "reclaimed in total: %.0f words (%.0f bytes)\n", total, total * 8);
}

void client_print_ets(const cJSON *reply, FILE *out)
{
    const cJSON *tables = cJSON_GetObjectItemCaseSensitive(reply, "tables");
    fprintf(out, "%-8s %-24s %-14s %-10s %-14s %10s %12s\n", "ID", "NAME", "TYPE", "PROTECTION",
            "OWNER", "SIZE", "MEMORY");
    double words = 0;
    const cJSON *t;
    cJSON_ArrayForEach(t, tables) {
        fprintf(out, "%-8.0f %-24.24s %-14s %-10s %-14s %10.0f %12.0f\n", num(t, "id"),
                str(t, "name"), str(t, "type"), str(t, "protection"), str(t, "owner"),
                num(t, "size"), num(t, "memory_words"));
        words += num(t, "memory_words");
    }
    fprintf(out, "%d tables, %.0f words (%.0f bytes); MEMORY in words\n",
            cJSON_GetArraySize(tables), words, words * 8);
}

/* ---- the commands ------------------------------------------------------------------------ */

static cJSON *one_call(const char *target, const char *cmd, cJSON *args, FILE *err)
{
    char msg[512];
    Client *c = client_open(target, msg, sizeof msg);
    if (!c) {
        cJSON_Delete(args);
        fprintf(err, "heapscope: %s\n", msg);
        return NULL;
    }
    cJSON *r = client_call(c, cmd, args, -1, msg, sizeof msg);
    client_close(c);
    if (!r) fprintf(err, "heapscope %s: %s\n", cmd, msg);
    return r;
}

static void print_member_json(const cJSON *reply, const char *name, FILE *out)
{
    char *text = cJSON_Print(cJSON_GetObjectItemCaseSensitive(reply, name));
    fprintf(out, "%s\n", text ? text : "null");
    free(text);
}

int client_cmd_ps(const char *target, bool json, FILE *out, FILE *err)
{
    cJSON *r = one_call(target, "procs", NULL, err);
    if (!r) return 1;
    if (json) print_member_json(r, "procs", out);
    else client_print_procs(r, out);
    cJSON_Delete(r);
    return 0;
}

int client_cmd_gc(const char *target, const char *pid, bool major, bool json, FILE *out,
                  FILE *err)
{
    char norm[64] = "all";
    if (pid && !client_normalize_pid(pid, norm, sizeof norm)) {
        fprintf(err, "heapscope gc: not a pid: %s (write it as <0.42.0>)\n", pid);
        return 2;
    }
    cJSON *args = cJSON_CreateObject();
    cJSON_AddStringToObject(args, "pid", norm);
    cJSON_AddStringToObject(args, "type", major ? "major" : "minor");
    cJSON *r = one_call(target, "gc", args, err);
    if (!r) return 1;
    if (json) {
        cJSON_DeleteItemFromObjectCaseSensitive(r, "id");
        cJSON_DeleteItemFromObjectCaseSensitive(r, "ok");
        char *text = cJSON_Print(r);
        fprintf(out, "%s\n", text ? text : "null");
        free(text);
    } else {
        client_print_gc(r, out);
    }
    cJSON_Delete(r);
    return 0;
}

int client_cmd_report(const char *target, const char *file, FILE *out, FILE *err)
{
    cJSON *r = one_call(target, "report", NULL, err);
    if (!r) return 1;
    char *text = cJSON_Print(cJSON_GetObjectItemCaseSensitive(r, "report"));
    cJSON_Delete(r);
    if (!text) { fprintf(err, "heapscope report: the reply held no report\n"); return 1; }
    int status = 0;
    if (!file || !strcmp(file, "-")) {
        fprintf(out, "%s\n", text);
    } else {
        FILE *f = fopen(file, "w");
        bool written = f && fprintf(f, "%s\n", text) >= 0;
        if (f && fclose(f) != 0) written = false;
        if (!written) {
            fprintf(err, "heapscope report: cannot write %s: %s\n", file, strerror(errno));
            status = 1;
        }
    }
    free(text);
    return status;
}

int client_cmd_ets(const char *target, bool json, FILE *out, FILE *err)
{
    cJSON *r = one_call(target, "ets", NULL, err);
    if (!r) return 1;
    if (json) print_member_json(r, "tables", out);
    else client_print_ets(r, out);
    cJSON_Delete(r);
    return 0;
}
