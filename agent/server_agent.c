/*
 * server_agent.c — the glue between the control socket (server.h) and the agent (agent.h,
 * host.h): one ServerHandler per command, each a thin translation into JSON. Kept apart from
 * server.c so that the protocol layer is tested (and fuzzed) with fake handlers alone.
 *
 * procs, proc (fallback), ets and gc read the host directly and use OTP's names and units
 * (words, as process_info and garbage_collection_info give them; memory in bytes);
 * snapshot, proc, events and report are the agent's own JSON (docs/report-schema.md).
 */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "atom.h"

#define PROCS_CAP_START 256

static void add_atom(cJSON *o, const char *name, Term a)
{
    if (!term_is_atom(a)) { cJSON_AddNullToObject(o, name); return; }
    size_t len;
    const char *s = atom_name(a, &len);
    char buf[512];
    snprintf(buf, sizeof buf, "%.*s", (int)(len < 500 ? len : 500), s);
    cJSON_AddStringToObject(o, name, buf);
}

static void add_pid(cJSON *o, const char *name, Term pid)
{
    if (!term_is_pid(pid)) { cJSON_AddNullToObject(o, name); return; }
    char buf[40];
    snprintf(buf, sizeof buf, "<0.%llu.0>", (unsigned long long)pid_number(pid));
    cJSON_AddStringToObject(o, name, buf);
}

static void add_mfa(cJSON *o, const char *name, Term m, Term f, unsigned arity)
{
    size_t ml = 0, fl = 0;
    const char *ms = term_is_atom(m) ? atom_name(m, &ml) : "?";
    const char *fs = term_is_atom(f) ? atom_name(f, &fl) : "?";
    if (!term_is_atom(m)) ml = 1;
    if (!term_is_atom(f)) fl = 1;
    char buf[600];
    snprintf(buf, sizeof buf, "%.*s:%.*s/%u", (int)(ml < 250 ? ml : 250), ms,
             (int)(fl < 250 ? fl : 250), fs, arity);
    cJSON_AddStringToObject(o, name, buf);
}

static cJSON *gc_info_json(const GcInfo *g)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "old_heap_block_size", (double)g->old_heap_block_size);
    cJSON_AddNumberToObject(o, "heap_block_size", (double)g->heap_block_size);
    cJSON_AddNumberToObject(o, "mbuf_size", (double)g->mbuf_size);
    cJSON_AddNumberToObject(o, "recent_size", (double)g->recent_size);
    cJSON_AddNumberToObject(o, "stack_size", (double)g->stack_size);
    cJSON_AddNumberToObject(o, "old_heap_size", (double)g->old_heap_size);
    cJSON_AddNumberToObject(o, "heap_size", (double)g->heap_size);
    cJSON_AddNumberToObject(o, "bin_vheap_size", (double)g->bin_vheap_size);
    cJSON_AddNumberToObject(o, "bin_vheap_block_size", (double)g->bin_vheap_block_size);
    cJSON_AddNumberToObject(o, "bin_old_vheap_size", (double)g->bin_old_vheap_size);
    cJSON_AddNumberToObject(o, "bin_old_vheap_block_size", (double)g->bin_old_vheap_block_size);
    return o;
}

static void add_who(cJSON *o, const HostProc *p)
{
    add_pid(o, "pid", p->pid);
    add_atom(o, "registered_name", p->registered_name);
    add_mfa(o, "initial_call", p->mod, p->fun, p->arity);
}

static cJSON *proc_json(const HostProc *p)
{
    cJSON *o = cJSON_CreateObject();
    add_who(o, p);
    cJSON_AddStringToObject(o, "current", p->current);
    cJSON_AddNumberToObject(o, "memory", (double)p->memory_bytes);
    cJSON_AddNumberToObject(o, "heap_size", (double)p->gc.heap_size);
    cJSON_AddNumberToObject(o, "old_heap_size", (double)p->gc.old_heap_size);
    cJSON_AddNumberToObject(o, "heap_block_size", (double)p->gc.heap_block_size);
    cJSON_AddNumberToObject(o, "old_heap_block_size", (double)p->gc.old_heap_block_size);
    cJSON_AddNumberToObject(o, "stack_size", (double)p->gc.stack_size);
    cJSON_AddNumberToObject(o, "mbuf_size", (double)p->gc.mbuf_size);
    cJSON_AddNumberToObject(o, "total_heap_size", (double)p->total_heap_words);
    cJSON_AddNumberToObject(o, "bin_vheap_size", (double)p->gc.bin_vheap_size);
    cJSON_AddNumberToObject(o, "bin_old_vheap_size", (double)p->gc.bin_old_vheap_size);
    cJSON_AddNumberToObject(o, "message_queue_len", (double)p->message_queue_len);
    cJSON_AddStringToObject(o, "message_queue_data", p->off_heap_queue ? "off_heap" : "on_heap");
    cJSON_AddNumberToObject(o, "reductions", (double)p->reductions);
    cJSON_AddNumberToObject(o, "minor_gcs", (double)p->minor_gcs);
    cJSON_AddNumberToObject(o, "major_gcs", (double)p->major_gcs);
    cJSON_AddNumberToObject(o, "dict_size", (double)p->dict_size);
    cJSON_AddNumberToObject(o, "links", (double)p->links);
    cJSON_AddNumberToObject(o, "monitors", (double)p->monitors);
    return o;
}

static const AgentHost *host_or_err(ServerError *e)
{
    const AgentHost *h = agent_host();
    if (!h) {
        e->code = SERVER_E_UNSUPPORTED;
        snprintf(e->message, sizeof e->message, "no agent is attached");
    }
    return h;
}

/* The host's process list, grown until it fits (processes come and go meanwhile). */
static HostProc *list_procs(const AgentHost *h, size_t *n)
{
    size_t cap = PROCS_CAP_START;
    for (int tries = 0; tries < 8; tries++) {
        HostProc *v = malloc(cap * sizeof *v);
        if (!v) return NULL;
        size_t got = h->list_procs(h->ctx, v, cap);
        if (got <= cap) { *n = got; return v; }
        free(v);
        cap = got + got / 4 + 16;
    }
    return NULL;
}

static cJSON *oom(ServerError *e)
{
    e->code = SERVER_E_INTERNAL;
    snprintf(e->message, sizeof e->message, "out of memory");
    return NULL;
}

static cJSON *on_hello(void *ctx, const ServerArgs *a, ServerError *e)
{
    const AgentHost *h = agent_host();
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "version", "heapscope 0.1");
    cJSON_AddStringToObject(r, "program", h && h->program ? h->program : "");
    cJSON_AddNumberToObject(r, "pid", h ? h->os_pid : 0);
    cJSON_AddNumberToObject(r, "schedulers", h ? h->schedulers : 0);
    return r;
}

static cJSON *wrap(const char *name, cJSON *v, ServerError *e, const char *what)
{
    if (!v) {
        e->code = SERVER_E_INTERNAL;
        snprintf(e->message, sizeof e->message, "the agent could not produce %s", what);
        return NULL;
    }
    if (!name) return v;
    cJSON *r = cJSON_CreateObject();
    cJSON_AddItemToObject(r, name, v);
    return r;
}

static cJSON *on_snapshot(void *ctx, const ServerArgs *a, ServerError *e)
{
    return wrap(NULL, agent_snapshot_cjson(), e, "a snapshot");
}

static cJSON *on_procs(void *ctx, const ServerArgs *a, ServerError *e)
{
    const AgentHost *h = host_or_err(e);
    if (!h) return NULL;
    size_t n = 0;
    HostProc *v = list_procs(h, &n);
    if (!v) return oom(e);
    cJSON *r = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(r, "procs");
    for (size_t i = 0; i < n; i++) cJSON_AddItemToArray(arr, proc_json(&v[i]));
    free(v);
    return r;
}

/* The process_info items the agent's series entry does not keep, for a live process: the
 * viewer's detail then needs no `procs` listing of every process. */
static void add_info(cJSON *o, const HostProc *p)
{
    cJSON_AddStringToObject(o, "current", p->current);
    cJSON_AddStringToObject(o, "message_queue_data", p->off_heap_queue ? "off_heap" : "on_heap");
    cJSON_AddNumberToObject(o, "dict_size", (double)p->dict_size);
    cJSON_AddNumberToObject(o, "links", (double)p->links);
    cJSON_AddNumberToObject(o, "monitors", (double)p->monitors);
}

static cJSON *on_proc(void *ctx, const ServerArgs *a, ServerError *e)
{
    const AgentHost *h = agent_host();
    HostProc hp;
    bool alive = h && h->proc_info(h->ctx, make_pid(a->pid), &hp);
    cJSON *p = agent_proc_cjson(a->pid);
    if (p) {
        if (alive) add_info(p, &hp);
        return wrap("proc", p, e, "");
    }
    if (!host_or_err(e)) return NULL;
    if (!alive) {
        e->code = SERVER_E_NO_SUCH_PROCESS;
        snprintf(e->message, sizeof e->message, "no process <0.%llu.0>",
                 (unsigned long long)a->pid);
        return NULL;
    }
    return wrap("proc", proc_json(&hp), e, "");
}

static cJSON *on_ets(void *ctx, const ServerArgs *a, ServerError *e)
{
    const AgentHost *h = host_or_err(e);
    if (!h) return NULL;
    size_t cap = 64, n;
    HostEts *v = NULL;
    for (;;) {
        free(v);
        v = malloc(cap * sizeof *v);
        if (!v) return oom(e);
        n = h->list_ets(h->ctx, v, cap);
        if (n <= cap) break;
        cap = n + n / 4 + 16;
    }
    cJSON *r = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(r, "tables");
    for (size_t i = 0; i < n; i++) {
        cJSON *t = cJSON_CreateObject();
        cJSON_AddNumberToObject(t, "id", (double)v[i].table_id);
        add_atom(t, "name", v[i].name);
        add_pid(t, "owner", v[i].owner);
        add_atom(t, "type", v[i].type);
        add_atom(t, "protection", v[i].protection);
        cJSON_AddNumberToObject(t, "size", (double)v[i].size);
        cJSON_AddNumberToObject(t, "memory_words", (double)v[i].memory_words);
        cJSON_AddItemToArray(arr, t);
    }
    free(v);
    return r;
}

static cJSON *on_events(void *ctx, const ServerArgs *a, ServerError *e)
{
    return wrap(NULL, agent_events_cjson(a->since, a->limit, NULL), e, "events");
}

static cJSON *gc_one(const AgentHost *h, const HostProc *who, bool major)
{
    GcInfo before, after;
    Uint reclaimed = 0;
    if (!h->force_gc(h->ctx, who->pid, major, &before, &after, &reclaimed)) return NULL;
    cJSON *o = cJSON_CreateObject();
    add_who(o, who);
    cJSON_AddItemToObject(o, "before", gc_info_json(&before));
    cJSON_AddItemToObject(o, "after", gc_info_json(&after));
    cJSON_AddNumberToObject(o, "reclaimed", (double)reclaimed);
    return o;
}

static cJSON *on_gc(void *ctx, const ServerArgs *a, ServerError *e)
{
    const AgentHost *h = host_or_err(e);
    if (!h) return NULL;
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "type", a->major ? "major" : "minor");
    cJSON *arr = cJSON_AddArrayToObject(r, "procs");
    if (!a->all) {
        HostProc who;
        cJSON *o = h->proc_info(h->ctx, make_pid(a->pid), &who) ? gc_one(h, &who, a->major) : NULL;
        if (!o) {
            cJSON_Delete(r);
            e->code = SERVER_E_NO_SUCH_PROCESS;
            snprintf(e->message, sizeof e->message, "no process <0.%llu.0>",
                     (unsigned long long)a->pid);
            return NULL;
        }
        cJSON_AddItemToArray(arr, o);
        return r;
    }
    size_t n = 0;
    HostProc *v = list_procs(h, &n);
    if (!v) { cJSON_Delete(r); return oom(e); }
    for (size_t i = 0; i < n; i++) {
        cJSON *o = gc_one(h, &v[i], a->major); /* NULL: it exited since the listing */
        if (o) cJSON_AddItemToArray(arr, o);
    }
    free(v);
    return r;
}

static cJSON *on_report(void *ctx, const ServerArgs *a, ServerError *e)
{
    return wrap("report", agent_report_cjson(NULL, NULL), e, "a report");
}

static cJSON *on_set(void *ctx, const ServerArgs *a, ServerError *e)
{
    double v;
    if (cJSON_IsNumber(a->value)) v = a->value->valuedouble;
    else if (cJSON_IsBool(a->value)) v = cJSON_IsTrue(a->value) ? 1 : 0;
    else {
        e->code = SERVER_E_BAD_ARGS;
        snprintf(e->message, sizeof e->message, "\"value\" must be a number or a boolean");
        return NULL;
    }
    char msg[200] = "";
    if (!agent_set(a->key, v, msg, sizeof msg)) {
        e->code = SERVER_E_BAD_ARGS;
        snprintf(e->message, sizeof e->message, "%s", msg[0] ? msg : "bad setting");
        return NULL;
    }
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "key", a->key);
    cJSON_AddNumberToObject(r, "value", v);
    return r;
}

void server_agent_handlers(ServerHandlers *out)
{
    *out = (ServerHandlers){
        .hello = on_hello, .snapshot = on_snapshot, .procs = on_procs, .proc = on_proc,
        .ets = on_ets, .events = on_events, .gc = on_gc, .report = on_report, .set = on_set,
    };
}

Server *server_start_agent(const char *dir, char *err, size_t errcap)
{
    const AgentHost *h = agent_host();
    ServerConfig cfg = {.dir = dir, .os_pid = h ? h->os_pid : 0, .allowed_uid = -1};
    server_agent_handlers(&cfg.handlers);
    return server_start(&cfg, err, errcap);
}
