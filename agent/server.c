/*
 * server.c — the control socket: JSON lines, one poll() thread for every client.
 * docs/protocol.md is the contract; server.h states the invariants.
 *
 * Two layers: server_dispatch turns one request line into one reply line (pure, no sockets,
 * the fuzz target drives it), and the server thread moves bytes between sockets and it.
 */
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define ID_STRING_MAX 256
#define KEY_MAX 64
#define JSON_SAFE_INT 9007199254740992.0 /* 2^53: larger integers do not survive a double */
#define PID_NUMBER_MAX (UINT64_MAX >> 4)   /* a pid immediate keeps the number above 4 tag bits */

/* ---- strict JSON syntax -------------------------------------------------------------------
 * cJSON is lenient (leading zeros, bad \u escapes, \u0000 cutting a string short); a protocol
 * decoder must not be, so each line passes RFC 8259's grammar here first. Requests are flat:
 * nesting deeper than JSON_DEPTH_MAX is refused too, which also bounds cJSON's recursion. */

#define JSON_DEPTH_MAX 32

typedef struct Lex { const char *p, *end; } Lex;

static void skip_ws(Lex *l)
{
    while (l->p < l->end && (*l->p == ' ' || *l->p == '\t' || *l->p == '\r' || *l->p == '\n'))
        l->p++;
}

static bool lit(Lex *l, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(l->end - l->p) < n || memcmp(l->p, word, n) != 0) return false;
    l->p += n;
    return true;
}

static bool digits(Lex *l)
{
    const char *start = l->p;
    while (l->p < l->end && *l->p >= '0' && *l->p <= '9') l->p++;
    return l->p > start;
}

static bool number(Lex *l)
{
    if (l->p < l->end && *l->p == '-') l->p++;
    if (l->p < l->end && *l->p == '0') l->p++;
    else if (!digits(l)) return false;
    if (l->p < l->end && *l->p == '.') { l->p++; if (!digits(l)) return false; }
    if (l->p < l->end && (*l->p == 'e' || *l->p == 'E')) {
        l->p++;
        if (l->p < l->end && (*l->p == '+' || *l->p == '-')) l->p++;
        if (!digits(l)) return false;
    }
    return true;
}

static int hex4(Lex *l)
{
    if (l->end - l->p < 4) return -1;
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = l->p[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    l->p += 4;
    return v;
}

static bool string(Lex *l)
{
    l->p++; /* the opening quote */
    while (l->p < l->end) {
        unsigned char c = (unsigned char)*l->p++;
        if (c == '"') return true;
        if (c < 0x20) return false;
        if (c != '\\') continue;
        if (l->p >= l->end) return false;
        c = (unsigned char)*l->p++;
        if (strchr("\"\\/bfnrt", c) && c) continue;
        if (c != 'u') return false;
        int u = hex4(l);
        if (u <= 0) return false; /* bad hex, or \u0000 (C strings cannot carry it) */
        if (u >= 0xDC00 && u <= 0xDFFF) return false; /* lone low surrogate */
        if (u >= 0xD800 && u <= 0xDBFF) {
            if (!lit(l, "\\u")) return false;
            int lo = hex4(l);
            if (lo < 0xDC00 || lo > 0xDFFF) return false;
        }
    }
    return false;
}

static bool value(Lex *l, int depth);

static bool members(Lex *l, int depth, bool object)
{
    char close = object ? '}' : ']';
    l->p++;
    skip_ws(l);
    if (l->p < l->end && *l->p == close) { l->p++; return true; }
    for (;;) {
        if (object) {
            skip_ws(l);
            if (l->p >= l->end || *l->p != '"' || !string(l)) return false;
            skip_ws(l);
            if (l->p >= l->end || *l->p++ != ':') return false;
        }
        if (!value(l, depth + 1)) return false;
        skip_ws(l);
        if (l->p >= l->end) return false;
        char c = *l->p++;
        if (c == close) return true;
        if (c != ',') return false;
    }
}

static bool value(Lex *l, int depth)
{
    if (depth > JSON_DEPTH_MAX) return false;
    skip_ws(l);
    if (l->p >= l->end) return false;
    switch (*l->p) {
    case '{': return members(l, depth, true);
    case '[': return members(l, depth, false);
    case '"': return string(l);
    case 't': return lit(l, "true");
    case 'f': return lit(l, "false");
    case 'n': return lit(l, "null");
    default: return number(l);
    }
}

/* True when [s, s+len) is exactly one JSON value (blanks around it allowed). */
static bool json_strict(const char *s, size_t len)
{
    Lex l = {s, s + len};
    if (!value(&l, 0)) return false;
    skip_ws(&l);
    return l.p == l.end;
}

/* ---- small pure helpers ------------------------------------------------------------------ */

bool server_utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        if (c < 0x80) { i++; continue; }
        size_t n;
        unsigned cp, min;
        if (c >= 0xC2 && c <= 0xDF) { n = 1; cp = c & 0x1F; min = 0x80; }
        else if (c >= 0xE0 && c <= 0xEF) { n = 2; cp = c & 0x0F; min = 0x800; }
        else if (c >= 0xF0 && c <= 0xF4) { n = 3; cp = c & 0x07; min = 0x10000; }
        else return false; /* continuation byte first, or C0/C1/F5..FF */
        if (len - i - 1 < n) return false;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += n + 1;
    }
    return true;
}

bool server_parse_pid(const char *s, uint64_t *number)
{
    if (strncmp(s, "<0.", 3) != 0) return false;
    const char *p = s + 3;
    if (*p < '0' || *p > '9') return false;
    if (*p == '0' && p[1] >= '0' && p[1] <= '9') return false; /* no leading zeros */
    uint64_t n = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (n > (PID_NUMBER_MAX - d) / 10) return false;
        n = n * 10 + d;
    }
    if (strcmp(p, ".0>") != 0) return false;
    *number = n;
    return true;
}

static void set_err(ServerError *e, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_err(ServerError *e, const char *code, const char *fmt, ...)
{
    va_list ap;
    e->code = code;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
}

/* A copy of a request id for a reply. Integer ids are written by hand: cJSON prints doubles past
 * 2^31 with 15 significant digits, which would echo 9007199254740991 as something else. */
static cJSON *dup_id(const cJSON *id)
{
    if (!id) return cJSON_CreateNull();
    if (cJSON_IsNumber(id)) {
        char buf[32];
        snprintf(buf, sizeof buf, "%.0f", id->valuedouble);
        return cJSON_CreateRaw(buf);
    }
    return cJSON_Duplicate(id, true);
}

static char *print_line(cJSON *obj)
{
    char *s = cJSON_PrintUnformatted(obj);
    cJSON_Delete(obj);
    return s;
}

char *server_error_line(const cJSON *id, const char *code, const char *message)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddItemToObject(r, "id", dup_id(id));
    cJSON_AddBoolToObject(r, "ok", false);
    cJSON_AddStringToObject(r, "error", code);
    cJSON_AddStringToObject(r, "message", message);
    return print_line(r);
}

static char *error_reply(const cJSON *id, const ServerError *e)
{
    return server_error_line(id, e->code ? e->code : SERVER_E_INTERNAL,
                             e->message[0] ? e->message : "the command failed");
}

/* Moves result's members into a reply that starts with id and ok: true. */
static char *ok_reply(const cJSON *id, cJSON *result)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddItemToObject(r, "id", dup_id(id));
    cJSON_AddBoolToObject(r, "ok", true);
    if (result) {
        cJSON *m;
        while ((m = result->child) != NULL) {
            cJSON_DetachItemViaPointer(result, m);
            if (m->string && (!strcmp(m->string, "id") || !strcmp(m->string, "ok"))) {
                cJSON_Delete(m); /* a handler cannot override the envelope */
                continue;
            }
            cJSON_AddItemToArray(r, m); /* keeps m->string: an object member */
        }
        cJSON_Delete(result);
    }
    return print_line(r);
}

/* ---- argument checking ------------------------------------------------------------------- */

/* An integral JSON number in [lo, hi] (both within 2^53). */
static bool get_int(const cJSON *req, const char *name, bool required, double lo, double hi,
                    double dflt, double *out, ServerError *e)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(req, name);
    if (!v) {
        if (required) { set_err(e, SERVER_E_BAD_ARGS, "\"%s\" is required", name); return false; }
        *out = dflt;
        return true;
    }
    if (!cJSON_IsNumber(v)) {
        set_err(e, SERVER_E_BAD_ARGS, "\"%s\" must be an integer", name);
        return false;
    }
    double d = v->valuedouble;
    if (!isfinite(d) || d != floor(d) || d < lo || d > hi) {
        set_err(e, SERVER_E_BAD_ARGS, "\"%s\" must be an integer in [%.0f, %.0f]", name, lo, hi);
        return false;
    }
    *out = d;
    return true;
}

static bool get_pid(const cJSON *req, bool allow_all, ServerArgs *a, ServerError *e)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(req, "pid");
    if (!v) { set_err(e, SERVER_E_BAD_ARGS, "\"pid\" is required"); return false; }
    if (!cJSON_IsString(v)) {
        set_err(e, SERVER_E_BAD_ARGS, "\"pid\" must be a string like \"<0.42.0>\"%s",
                allow_all ? " or \"all\"" : "");
        return false;
    }
    if (allow_all && !strcmp(v->valuestring, "all")) { a->all = true; return true; }
    if (!server_parse_pid(v->valuestring, &a->pid)) {
        set_err(e, SERVER_E_BAD_PID, "not a pid: expected \"<0.N.0>\"%s",
                allow_all ? " or \"all\"" : "");
        return false;
    }
    return true;
}

static bool args_gc(const cJSON *req, ServerArgs *a, ServerError *e)
{
    if (!get_pid(req, true, a, e)) return false;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(req, "type");
    a->major = true;
    if (!t) return true;
    if (cJSON_IsString(t) && !strcmp(t->valuestring, "major")) return true;
    if (cJSON_IsString(t) && !strcmp(t->valuestring, "minor")) { a->major = false; return true; }
    set_err(e, SERVER_E_BAD_ARGS, "\"type\" must be \"minor\" or \"major\"");
    return false;
}

static bool args_events(const cJSON *req, ServerArgs *a, ServerError *e)
{
    double since, limit;
    if (!get_int(req, "since", false, 0, JSON_SAFE_INT, 0, &since, e)) return false;
    if (!get_int(req, "limit", false, 1, SERVER_EVENTS_LIMIT_MAX, 1000, &limit, e)) return false;
    a->since = (uint64_t)since;
    a->limit = (uint64_t)limit;
    return true;
}

static bool args_set(const cJSON *req, ServerArgs *a, ServerError *e)
{
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(req, "key");
    if (!cJSON_IsString(k) || !k->valuestring[0] || strlen(k->valuestring) > KEY_MAX) {
        set_err(e, SERVER_E_BAD_ARGS, "\"key\" must be a non-empty string of at most %d bytes",
                KEY_MAX);
        return false;
    }
    a->key = k->valuestring;
    a->value = cJSON_GetObjectItemCaseSensitive(req, "value");
    if (!a->value) { set_err(e, SERVER_E_BAD_ARGS, "\"value\" is required"); return false; }
    return true;
}

static bool args_proc(const cJSON *req, ServerArgs *a, ServerError *e)
{
    return get_pid(req, false, a, e);
}

/* ---- commands ---------------------------------------------------------------------------- */

typedef enum { CMD_HANDLER, CMD_HELLO, CMD_SUBSCRIBE, CMD_UNSUBSCRIBE } CmdKind;

typedef struct Command {
    const char *name;
    CmdKind kind;
    size_t handler_off;   /* offsetof(ServerHandlers, ...) for CMD_HANDLER and CMD_HELLO */
    bool (*args)(const cJSON *req, ServerArgs *a, ServerError *e);
} Command;

static const Command COMMANDS[] = {
    {"hello", CMD_HELLO, offsetof(ServerHandlers, hello), NULL},
    {"snapshot", CMD_HANDLER, offsetof(ServerHandlers, snapshot), NULL},
    {"procs", CMD_HANDLER, offsetof(ServerHandlers, procs), NULL},
    {"proc", CMD_HANDLER, offsetof(ServerHandlers, proc), args_proc},
    {"ets", CMD_HANDLER, offsetof(ServerHandlers, ets), NULL},
    {"events", CMD_HANDLER, offsetof(ServerHandlers, events), args_events},
    {"subscribe", CMD_SUBSCRIBE, 0, NULL},
    {"unsubscribe", CMD_UNSUBSCRIBE, 0, NULL},
    {"gc", CMD_HANDLER, offsetof(ServerHandlers, gc), args_gc},
    {"report", CMD_HANDLER, offsetof(ServerHandlers, report), NULL},
    {"set", CMD_HANDLER, offsetof(ServerHandlers, set), args_set},
};
#define N_COMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

static const Command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (!strcmp(COMMANDS[i].name, name)) return &COMMANDS[i];
    return NULL;
}

static ServerHandler handler_at(const ServerHandlers *h, size_t off)
{
    ServerHandler fn;
    memcpy(&fn, (const char *)h + off, sizeof fn);
    return fn;
}

static cJSON *call(const ServerHandlers *h, size_t off, const ServerArgs *a, ServerError *e,
                   const char *name)
{
    ServerHandler fn = handler_at(h, off);
    if (!fn) {
        set_err(e, SERVER_E_UNSUPPORTED, "\"%s\" is not available in this runtime", name);
        return NULL;
    }
    cJSON *r = fn(h->ctx, a, e);
    if (r && !cJSON_IsObject(r)) { /* a handler bug must not break the framing */
        cJSON_Delete(r);
        set_err(e, SERVER_E_INTERNAL, "\"%s\" produced no object", name);
        return NULL;
    }
    return r;
}

static cJSON *hello(const ServerHandlers *h, const ServerArgs *a, ServerError *e)
{
    cJSON *r = h->hello ? call(h, offsetof(ServerHandlers, hello), a, e, "hello")
                        : cJSON_CreateObject();
    if (!r) return NULL;
    cJSON_DeleteItemFromObjectCaseSensitive(r, "protocol");
    cJSON_AddNumberToObject(r, "protocol", SERVER_PROTOCOL_VERSION);
    cJSON_AddNumberToObject(r, "line_max", SERVER_LINE_MAX);
    cJSON *cmds = cJSON_AddArrayToObject(r, "commands");
    for (size_t i = 0; i < N_COMMANDS; i++) {
        const Command *c = &COMMANDS[i];
        if (c->kind == CMD_HANDLER && !handler_at(h, c->handler_off)) continue;
        if ((c->kind == CMD_SUBSCRIBE || c->kind == CMD_UNSUBSCRIBE) && !h->snapshot) continue;
        cJSON_AddItemToArray(cmds, cJSON_CreateString(c->name));
    }
    return r;
}

static cJSON *subscribe(const ServerHandlers *h, ServerSession *sess, const cJSON *req,
                        const cJSON *id, ServerError *e)
{
    double iv;
    if (!h->snapshot) {
        set_err(e, SERVER_E_UNSUPPORTED, "\"subscribe\" needs snapshots, unavailable here");
        return NULL;
    }
    if (!get_int(req, "interval_ms", false, SERVER_INTERVAL_MIN_MS, SERVER_INTERVAL_MAX_MS, 1000,
                 &iv, e))
        return NULL;
    server_session_clear(sess);
    sess->subscribed = true;
    sess->interval_ms = (unsigned)iv;
    sess->sub_id = cJSON_Duplicate(id, true);
    sess->fresh = true;
    cJSON *r = cJSON_CreateObject();
    cJSON_AddNumberToObject(r, "interval_ms", iv);
    return r;
}

static bool id_valid(const cJSON *id)
{
    if (cJSON_IsString(id)) return strlen(id->valuestring) <= ID_STRING_MAX;
    if (!cJSON_IsNumber(id)) return false;
    double d = id->valuedouble;
    return isfinite(d) && d == floor(d) && fabs(d) <= JSON_SAFE_INT;
}

static bool blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') return false;
    return true;
}

/* Parses a NUL-terminated copy: cJSON must never read past the line. */
static cJSON *parse_line(const char *line, size_t len)
{
    char *copy = malloc(len + 1);
    if (!copy) return NULL;
    memcpy(copy, line, len);
    copy[len] = 0;
    const char *end = NULL;
    cJSON *req = cJSON_ParseWithOpts(copy, &end, false);
    if (req && end) {
        while (*end == ' ' || *end == '\t' || *end == '\r') end++;
        if (*end) { cJSON_Delete(req); req = NULL; } /* trailing garbage after the object */
    }
    free(copy);
    return req;
}

static char *dispatch_object(const ServerHandlers *h, ServerSession *sess, const cJSON *req)
{
    ServerError e = {0};
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(req, "id");
    if (!id) return server_error_line(NULL, SERVER_E_BAD_ID, "\"id\" is required");
    if (!id_valid(id))
        return server_error_line(NULL, SERVER_E_BAD_ID,
                                 "\"id\" must be an integer (|id| <= 2^53) or a string of at "
                                 "most 256 bytes");
    const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(req, "cmd");
    if (!cmd) return server_error_line(id, SERVER_E_BAD_CMD, "\"cmd\" is required");
    if (!cJSON_IsString(cmd)) return server_error_line(id, SERVER_E_BAD_CMD, "\"cmd\" must be a string");
    const Command *c = find_command(cmd->valuestring);
    if (!c) {
        char msg[160];
        snprintf(msg, sizeof msg, "unknown command \"%.64s\"", cmd->valuestring);
        return server_error_line(id, SERVER_E_UNKNOWN_CMD, msg);
    }
    ServerArgs a = {0};
    if (c->args && !c->args(req, &a, &e)) return error_reply(id, &e);
    cJSON *r = NULL;
    switch (c->kind) {
    case CMD_HELLO: r = hello(h, &a, &e); break;
    case CMD_HANDLER: r = call(h, c->handler_off, &a, &e, c->name); break;
    case CMD_SUBSCRIBE: r = subscribe(h, sess, req, id, &e); break;
    case CMD_UNSUBSCRIBE:
        r = cJSON_CreateObject();
        cJSON_AddBoolToObject(r, "was_subscribed", sess->subscribed);
        server_session_clear(sess);
        break;
    }
    return r ? ok_reply(id, r) : error_reply(id, &e);
}

char *server_dispatch(const ServerHandlers *h, ServerSession *sess, const char *line, size_t len)
{
    if (len > 0 && line[len - 1] == '\r') len--;
    if (blank(line, len)) return NULL;
    if (len > SERVER_LINE_MAX)
        return server_error_line(NULL, SERVER_E_LINE_TOO_LONG, "request lines are at most 1 MiB");
    if (!server_utf8_valid(line, len))
        return server_error_line(NULL, SERVER_E_BAD_UTF8, "the line is not valid UTF-8");
    if (memchr(line, 0, len))
        return server_error_line(NULL, SERVER_E_BAD_JSON, "NUL byte in the line");
    if (!json_strict(line, len))
        return server_error_line(NULL, SERVER_E_BAD_JSON,
                                 "the line is not one JSON value (RFC 8259; no \\u0000, nesting "
                                 "at most 32)");
    cJSON *req = parse_line(line, len);
    if (!req) return server_error_line(NULL, SERVER_E_INTERNAL, "out of memory parsing the line");
    char *out;
    if (!cJSON_IsObject(req))
        out = server_error_line(NULL, SERVER_E_NOT_OBJECT, "a request is a JSON object");
    else
        out = dispatch_object(h, sess, req);
    cJSON_Delete(req);
    return out;
}

void server_session_clear(ServerSession *sess)
{
    cJSON_Delete(sess->sub_id);
    sess->sub_id = NULL;
    sess->subscribed = false;
    sess->fresh = false;
    sess->interval_ms = 0;
}

/* The snapshot as push members ("{...}"), printed once however many subscribers are due.
 * Members that would clash with the push envelope are dropped. NULL when the handler failed. */
static char *snapshot_text(const ServerHandlers *h)
{
    ServerError e = {0};
    ServerArgs a = {0};
    if (!h->snapshot) return NULL;
    cJSON *snap = call(h, offsetof(ServerHandlers, snapshot), &a, &e, "snapshot");
    if (!snap) return NULL;
    static const char *const envelope[] = {"id", "ok", "push", "seq", "dropped"};
    for (size_t i = 0; i < sizeof envelope / sizeof *envelope; i++)
        cJSON_DeleteItemFromObjectCaseSensitive(snap, envelope[i]);
    return print_line(snap);
}

/* {"id":ID,"push":"snapshot","seq":N,"dropped":D, + the snapshot's members. */
static char *push_from(ServerSession *sess, const char *snap)
{
    char *idtext = print_line(dup_id(sess->sub_id));
    if (!idtext) return NULL;
    size_t cap = strlen(idtext) + strlen(snap) + 96;
    char *out = malloc(cap);
    if (out) {
        sess->pushes++;
        bool empty = !strcmp(snap, "{}");
        snprintf(out, cap, "{\"id\":%s,\"push\":\"snapshot\",\"seq\":%llu,\"dropped\":%llu%s%s",
                 idtext, (unsigned long long)sess->pushes,
                 (unsigned long long)sess->pushes_dropped, empty ? "}" : ",",
                 empty ? "" : snap + 1);
    }
    free(idtext);
    return out;
}

char *server_push_line(const ServerHandlers *h, ServerSession *sess)
{
    if (!sess->subscribed) return NULL;
    char *snap = snapshot_text(h);
    if (!snap) return NULL;
    char *out = push_from(sess, snap);
    free(snap);
    return out;
}

/* ---- the socket directory ---------------------------------------------------------------- */

bool server_socket_dir(char *out, size_t cap)
{
    const char *d = getenv("HEAPSCOPE_DIR");
    int n;
    if (d && *d) {
        n = snprintf(out, cap, "%s", d);
    } else {
        const char *x = getenv("XDG_RUNTIME_DIR");
        n = snprintf(out, cap, "%s/heapscope-%u", x && *x ? x : "/tmp", (unsigned)geteuid());
    }
    return n > 0 && (size_t)n < cap;
}

bool server_prepare_dir(const char *dir, char *err, size_t errcap)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errcap, "cannot create %s: %s", dir, strerror(errno));
        return false;
    }
    struct stat st;
    if (lstat(dir, &st) != 0) {
        snprintf(err, errcap, "cannot stat %s: %s", dir, strerror(errno));
        return false;
    }
    if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode)) {
        snprintf(err, errcap, "%s is not a directory (symlinks are refused)", dir);
        return false;
    }
    if (st.st_uid != geteuid()) {
        snprintf(err, errcap, "%s belongs to uid %u, not to us (%u)", dir, (unsigned)st.st_uid,
                 (unsigned)geteuid());
        return false;
    }
    if (st.st_mode & 077) {
        snprintf(err, errcap, "%s has mode %03o; it must be 0700", dir,
                 (unsigned)(st.st_mode & 0777));
        return false;
    }
    return true;
}

/* ---- connections ------------------------------------------------------------------------- */

typedef struct OutLine {
    struct OutLine *next;
    char *data;          /* the line with its newline */
    size_t len, off;     /* off: bytes already sent */
    bool push;
} OutLine;

typedef struct Client {
    int fd;
    char *in;
    size_t in_len, in_cap;
    bool discarding;     /* inside a line that passed SERVER_LINE_MAX: drop up to its newline */
    OutLine *head, *tail;
    size_t out_bytes;
    ServerSession sess;
    uint64_t next_push_ns;
} Client;

struct Server {
    int lfd;
    int wake[2];
    pthread_t thread;
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    dev_t dev;
    ino_t ino;
    unsigned uid;
    ServerHandlers h;
    Client *clients[SERVER_MAX_CLIENTS];
    size_t nclients;
    atomic_bool stop;
    /* Written by the server thread, read by any thread: relaxed counters. */
    _Atomic uint64_t accepted, refused, requests, errors, pushes, pushes_dropped, clients_now;
};

#define BUMP(s, f) atomic_fetch_add_explicit(&(s)->f, 1, memory_order_relaxed)

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void drop_out(OutLine *o)
{
    free(o->data);
    free(o);
}

/* Queues line (taking it) with a newline. A new push replaces a push not yet begun: a slow
 * subscriber sees fewer snapshots, never an unbounded queue. */
static void enqueue(Server *s, Client *c, char *line, bool push)
{
    if (!line) return;
    size_t len = strlen(line);
    char *data = realloc(line, len + 2);
    if (!data) { free(line); return; }
    data[len] = '\n';
    data[len + 1] = 0;
    if (push) {
        OutLine **pp = &c->head, *prev = NULL;
        while (*pp) {
            OutLine *o = *pp;
            if (o->push && o->off == 0) {
                *pp = o->next;
                if (c->tail == o) c->tail = prev;
                c->out_bytes -= o->len;
                drop_out(o);
                c->sess.pushes_dropped++;
                BUMP(s, pushes_dropped);
                continue;
            }
            prev = o;
            pp = &o->next;
        }
    }
    OutLine *o = calloc(1, sizeof *o);
    if (!o) { free(data); return; }
    o->data = data;
    o->len = len + 1;
    o->push = push;
    if (c->tail) c->tail->next = o; else c->head = o;
    c->tail = o;
    c->out_bytes += o->len;
}

static void client_free(Server *s, size_t i)
{
    Client *c = s->clients[i];
    close(c->fd);
    while (c->head) {
        OutLine *o = c->head;
        c->head = o->next;
        drop_out(o);
    }
    server_session_clear(&c->sess);
    free(c->in);
    free(c);
    s->clients[i] = s->clients[--s->nclients];
    s->clients[s->nclients] = NULL;
    atomic_store_explicit(&s->clients_now, s->nclients, memory_order_relaxed);
}

static void handle_line(Server *s, Client *c, const char *line, size_t len)
{
    char *reply = server_dispatch(&s->h, &c->sess, line, len);
    if (!reply) return;
    BUMP(s, requests);
    if (strstr(reply, "\"ok\":false")) BUMP(s, errors);
    enqueue(s, c, reply, false);
    if (c->sess.fresh) { /* the first push follows the reply at once */
        c->sess.fresh = false;
        c->next_push_ns = now_ns();
    }
}

/* Consumes complete lines from c->in; enforces the line limit. */
static void process_input(Server *s, Client *c)
{
    size_t start = 0;
    while (start < c->in_len) {
        char *nl = memchr(c->in + start, '\n', c->in_len - start);
        if (c->discarding) {
            if (!nl) { start = c->in_len; break; }
            c->discarding = false;
            start = (size_t)(nl - c->in) + 1;
            continue;
        }
        if (!nl) break;
        size_t len = (size_t)(nl - (c->in + start));
        handle_line(s, c, c->in + start, len);
        start += len + 1;
    }
    memmove(c->in, c->in + start, c->in_len - start);
    c->in_len -= start;
    if (!c->discarding && c->in_len > SERVER_LINE_MAX) {
        BUMP(s, requests);
        BUMP(s, errors);
        enqueue(s, c, server_error_line(NULL, SERVER_E_LINE_TOO_LONG,
                                        "request lines are at most 1 MiB; the rest of this line "
                                        "is discarded"), false);
        c->discarding = true;
        c->in_len = 0;
    }
}

/* false: the client is gone (EOF, error). */
static bool read_client(Server *s, Client *c)
{
    if (c->in_cap - c->in_len < 4096) {
        size_t cap = c->in_cap ? c->in_cap * 2 : 8192;
        if (cap > SERVER_LINE_MAX + 65536) cap = SERVER_LINE_MAX + 65536;
        if (cap > c->in_cap) {
            char *p = realloc(c->in, cap);
            if (!p) return false;
            c->in = p;
            c->in_cap = cap;
        }
    }
    ssize_t n = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
    if (n < 0) return errno == EAGAIN || errno == EINTR;
    if (n == 0) return false; /* EOF: a partial line dies with the connection */
    c->in_len += (size_t)n;
    process_input(s, c);
    return true;
}

static bool write_client(Client *c)
{
    while (c->head) {
        OutLine *o = c->head;
        ssize_t n = send(c->fd, o->data + o->off, o->len - o->off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        o->off += (size_t)n;
        if (o->off < o->len) return true;
        c->head = o->next;
        if (!c->head) c->tail = NULL;
        c->out_bytes -= o->len;
        drop_out(o);
    }
    return true;
}

static void refuse(int fd, const char *code, const char *msg)
{
    char *line = server_error_line(NULL, code, msg);
    if (line) {
        size_t len = strlen(line);
        line[len] = '\n'; /* replaces the NUL; we send len + 1 bytes, no string use after */
        ssize_t n = send(fd, line, len + 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        (void)n;
        free(line);
    }
    close(fd);
}

static void accept_clients(Server *s)
{
    for (;;) {
        int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;
        struct ucred cred;
        socklen_t len = sizeof cred;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || cred.uid != s->uid) {
            BUMP(s, refused);
            refuse(fd, SERVER_E_FORBIDDEN, "this runtime belongs to another user");
            continue;
        }
        if (s->nclients >= SERVER_MAX_CLIENTS) {
            BUMP(s, refused);
            refuse(fd, SERVER_E_BUSY, "too many clients");
            continue;
        }
        Client *c = calloc(1, sizeof *c);
        if (!c) { close(fd); continue; }
        c->fd = fd;
        s->clients[s->nclients++] = c;
        BUMP(s, accepted);
        atomic_store_explicit(&s->clients_now, s->nclients, memory_order_relaxed);
    }
}

static void send_pushes(Server *s, uint64_t now)
{
    char *snap = NULL; /* one snapshot for every subscriber due this round */
    bool tried = false;
    for (size_t i = 0; i < s->nclients; i++) {
        Client *c = s->clients[i];
        if (!c->sess.subscribed || now < c->next_push_ns) continue;
        if (!snap && !tried) {
            snap = snapshot_text(&s->h);
            tried = true;
        }
        if (snap) {
            enqueue(s, c, push_from(&c->sess, snap), true);
            BUMP(s, pushes);
        }
        uint64_t iv = (uint64_t)c->sess.interval_ms * 1000000u;
        c->next_push_ns += iv;
        if (c->next_push_ns <= now) c->next_push_ns = now + iv; /* fell behind: no burst */
    }
    free(snap);
}

static int poll_timeout_ms(Server *s, uint64_t now)
{
    uint64_t next = UINT64_MAX;
    for (size_t i = 0; i < s->nclients; i++)
        if (s->clients[i]->sess.subscribed && s->clients[i]->next_push_ns < next)
            next = s->clients[i]->next_push_ns;
    if (next == UINT64_MAX) return -1;
    if (next <= now) return 0;
    uint64_t ms = (next - now + 999999) / 1000000;
    return ms > 60000 ? 60000 : (int)ms;
}

static void *server_main(void *arg)
{
    Server *s = arg;
    struct pollfd pfd[SERVER_MAX_CLIENTS + 2];
    while (!atomic_load_explicit(&s->stop, memory_order_acquire)) {
        size_t n = s->nclients;
        pfd[0] = (struct pollfd){.fd = s->lfd, .events = POLLIN};
        pfd[1] = (struct pollfd){.fd = s->wake[0], .events = POLLIN};
        for (size_t i = 0; i < n; i++) {
            Client *c = s->clients[i];
            short ev = 0;
            if (c->out_bytes < SERVER_OUT_MAX) ev |= POLLIN;
            if (c->head) ev |= POLLOUT;
            pfd[i + 2] = (struct pollfd){.fd = c->fd, .events = ev};
        }
        int r = poll(pfd, n + 2, poll_timeout_ms(s, now_ns()));
        if (r < 0 && errno != EINTR) break;
        if (r > 0) {
            /* Backwards: client_free moves the last client into the freed slot. */
            for (size_t i = n; i-- > 0;) {
                Client *c = s->clients[i];
                short re = pfd[i + 2].revents;
                bool alive = true;
                if (re & (POLLIN | POLLHUP | POLLERR)) alive = read_client(s, c);
                if (alive && (re & POLLERR)) alive = false;
                if (alive && c->head) alive = write_client(c);
                if (!alive) client_free(s, i);
            }
            if (pfd[0].revents & POLLIN) accept_clients(s);
        }
        send_pushes(s, now_ns());
        for (size_t i = s->nclients; i-- > 0;) /* flush new pushes without waiting a round */
            if (s->clients[i]->head && !write_client(s->clients[i])) client_free(s, i);
    }
    while (s->nclients) client_free(s, s->nclients - 1);
    return NULL;
}

/* ---- start and stop ---------------------------------------------------------------------- */

/* An existing socket file: replaced when nobody listens on it, else we refuse. */
static bool clear_stale(const char *path, char *err, size_t errcap)
{
    struct stat st;
    if (lstat(path, &st) != 0) return true;
    if (!S_ISSOCK(st.st_mode)) {
        snprintf(err, errcap, "%s exists and is not a socket", path);
        return false;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) { snprintf(err, errcap, "socket: %s", strerror(errno)); return false; }
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int rc = connect(fd, (struct sockaddr *)&sa, sizeof sa);
    close(fd);
    if (rc == 0) {
        snprintf(err, errcap, "%s: another runtime is listening there", path);
        return false;
    }
    if (unlink(path) != 0 && errno != ENOENT) {
        snprintf(err, errcap, "cannot remove stale %s: %s", path, strerror(errno));
        return false;
    }
    return true;
}

static bool bind_listen(Server *s, char *err, size_t errcap)
{
    s->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->lfd < 0) { snprintf(err, errcap, "socket: %s", strerror(errno)); return false; }
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    memcpy(sa.sun_path, s->path, strlen(s->path) + 1);
    if (bind(s->lfd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        snprintf(err, errcap, "bind %s: %s", s->path, strerror(errno));
        return false;
    }
    chmod(s->path, 0600);
    struct stat st;
    if (stat(s->path, &st) == 0) { s->dev = st.st_dev; s->ino = st.st_ino; }
    if (listen(s->lfd, 16) != 0) {
        snprintf(err, errcap, "listen: %s", strerror(errno));
        unlink(s->path);
        return false;
    }
    return true;
}

static void server_free(Server *s)
{
    if (s->lfd >= 0) close(s->lfd);
    if (s->wake[0] >= 0) close(s->wake[0]);
    if (s->wake[1] >= 0) close(s->wake[1]);
    free(s);
}

Server *server_start(const ServerConfig *cfg, char *err, size_t errcap)
{
    char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
    if (cfg->dir) {
        if (snprintf(dir, sizeof dir, "%s", cfg->dir) >= (int)sizeof dir) dir[0] = 0;
    } else if (!server_socket_dir(dir, sizeof dir)) {
        dir[0] = 0;
    }
    if (!dir[0]) { snprintf(err, errcap, "socket directory path too long or empty"); return NULL; }
    if (!server_prepare_dir(dir, err, errcap)) return NULL;
    Server *s = calloc(1, sizeof *s);
    if (!s) { snprintf(err, errcap, "out of memory"); return NULL; }
    s->lfd = s->wake[0] = s->wake[1] = -1;
    s->h = cfg->handlers;
    s->uid = cfg->allowed_uid >= 0 ? (unsigned)cfg->allowed_uid : (unsigned)geteuid();
    int pid = cfg->os_pid ? cfg->os_pid : (int)getpid();
    if (snprintf(s->path, sizeof s->path, "%s/%d.sock", dir, pid) >= (int)sizeof s->path) {
        snprintf(err, errcap, "socket path too long in %s", dir);
        server_free(s);
        return NULL;
    }
    if (!clear_stale(s->path, err, errcap) || !bind_listen(s, err, errcap)) {
        server_free(s);
        return NULL;
    }
    if (pipe2(s->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
        snprintf(err, errcap, "pipe: %s", strerror(errno));
        unlink(s->path);
        server_free(s);
        return NULL;
    }
    if (pthread_create(&s->thread, NULL, server_main, s) != 0) {
        snprintf(err, errcap, "cannot start the server thread");
        unlink(s->path);
        server_free(s);
        return NULL;
    }
    return s;
}

void server_stop(Server *s)
{
    if (!s) return;
    atomic_store_explicit(&s->stop, true, memory_order_release);
    ssize_t n = write(s->wake[1], "x", 1);
    (void)n;
    pthread_join(s->thread, NULL);
    struct stat st;
    if (stat(s->path, &st) == 0 && st.st_dev == s->dev && st.st_ino == s->ino) unlink(s->path);
    server_free(s);
}

const char *server_path(const Server *s) { return s->path; }

void server_stats(Server *s, ServerStats *out)
{
    out->accepted = atomic_load_explicit(&s->accepted, memory_order_relaxed);
    out->refused = atomic_load_explicit(&s->refused, memory_order_relaxed);
    out->requests = atomic_load_explicit(&s->requests, memory_order_relaxed);
    out->errors = atomic_load_explicit(&s->errors, memory_order_relaxed);
    out->pushes = atomic_load_explicit(&s->pushes, memory_order_relaxed);
    out->pushes_dropped = atomic_load_explicit(&s->pushes_dropped, memory_order_relaxed);
    out->clients_now = atomic_load_explicit(&s->clients_now, memory_order_relaxed);
}
