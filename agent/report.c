#include "report.h"

#include <cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "atom.h"

/* Builders note the first cJSON failure in B and keep going (each cJSON_Add* frees what it
 * could not attach); the caller deletes the whole tree when b.oom is set. */
typedef struct B { bool oom; } B;

static cJSON *add_obj(B *b, cJSON *parent, const char *key)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) { b->oom = true; return NULL; }
    bool ok = key ? cJSON_AddItemToObject(parent, key, o) : cJSON_AddItemToArray(parent, o);
    if (!ok) { cJSON_Delete(o); b->oom = true; return NULL; }
    return o;
}

static cJSON *add_arr(B *b, cJSON *parent, const char *key)
{
    cJSON *o = cJSON_CreateArray();
    if (!o) { b->oom = true; return NULL; }
    bool ok = key ? cJSON_AddItemToObject(parent, key, o) : cJSON_AddItemToArray(parent, o);
    if (!ok) { cJSON_Delete(o); b->oom = true; return NULL; }
    return o;
}

static void add_num(B *b, cJSON *o, const char *key, double v)
{
    if (!o) return;
    if (!isfinite(v)) v = 0;
    if (!cJSON_AddNumberToObject(o, key, v)) b->oom = true;
}

static void add_u64(B *b, cJSON *o, const char *key, uint64_t v) { add_num(b, o, key, (double)v); }

static void add_str(B *b, cJSON *o, const char *key, const char *s)
{
    if (!o) return;
    if (!(s ? cJSON_AddStringToObject(o, key, s) : cJSON_AddNullToObject(o, key))) b->oom = true;
}

static void add_bool(B *b, cJSON *o, const char *key, bool v)
{
    if (o && !cJSON_AddBoolToObject(o, key, v)) b->oom = true;
}

static void add_null(B *b, cJSON *o, const char *key)
{
    if (o && !cJSON_AddNullToObject(o, key)) b->oom = true;
}

static void push_num(B *b, cJSON *arr, double v)
{
    if (!arr) return;
    cJSON *n = cJSON_CreateNumber(isfinite(v) ? v : 0);
    if (!n || !cJSON_AddItemToArray(arr, n)) { cJSON_Delete(n); b->oom = true; }
}

static cJSON *finish(B *b, cJSON *root)
{
    if (b->oom || !root) { cJSON_Delete(root); return NULL; }
    return root;
}

/* ---- names ---- */

static const char *atom_str(Term a, char *buf, size_t cap)
{
    if (a == NIL || a == 0 || !term_is_atom(a)) return NULL;
    size_t len = 0;
    const char *s = atom_name(a, &len);
    if (!s) return NULL;
    snprintf(buf, cap, "%.*s", (int)(len < cap - 1 ? len : cap - 1), s);
    return buf;
}

static void add_atom(B *b, cJSON *o, const char *key, Term a)
{
    char buf[300];
    add_str(b, o, key, atom_str(a, buf, sizeof buf));
}

static void add_pid(B *b, cJSON *o, const char *key, uint64_t pid)
{
    char buf[32];
    snprintf(buf, sizeof buf, "<0.%" PRIu64 ".0>", pid);
    add_str(b, o, key, buf);
}

static void add_pid_term(B *b, cJSON *o, const char *key, Term pid)
{
    if (term_is_pid(pid)) add_pid(b, o, key, pid_number(pid));
    else add_null(b, o, key);
}

static void add_mfa(B *b, cJSON *o, const char *key, Term m, Term f, unsigned arity)
{
    char mb[300], fb[300], out[620];
    const char *ms = atom_str(m, mb, sizeof mb), *fs = atom_str(f, fb, sizeof fb);
    if (!ms || !fs) { add_null(b, o, key); return; }
    snprintf(out, sizeof out, "%s:%s/%u", ms, fs, arity);
    add_str(b, o, key, out);
}

static double ms_of(uint64_t ns) { return (double)ns / 1e6; }

static double rel_ms(uint64_t t, uint64_t start) { return t > start ? ms_of(t - start) : 0; }

static void iso_time(uint64_t epoch_ms, char *buf, size_t cap)
{
    time_t s = (time_t)(epoch_ms / 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    size_t n = strftime(buf, cap, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, cap - n, ".%03uZ", (unsigned)(epoch_ms % 1000));
}

/* ---- sections ---- */

static void build_run(B *b, cJSON *root, const AgRunInfo *r)
{
    cJSON *o = add_obj(b, root, "run");
    char t[64];
    add_str(b, o, "program", r->program ? r->program : "");
    add_num(b, o, "os_pid", r->os_pid);
    add_num(b, o, "schedulers", r->schedulers);
    iso_time(r->start_wall_ms, t, sizeof t);
    add_str(b, o, "start_time", t);
    if (r->finished) { iso_time(r->end_wall_ms, t, sizeof t); add_str(b, o, "end_time", t); }
    else add_null(b, o, "end_time");
    add_num(b, o, "duration_ms", rel_ms(r->now_ns, r->start_ns));
    add_bool(b, o, "finished", r->finished);
    if (r->finished) add_num(b, o, "exit_status", r->exit_status);
    else add_null(b, o, "exit_status");
}

static void memory_fields(B *b, cJSON *o, const HostMemory *m)
{
    add_u64(b, o, "total", m->total);
    add_u64(b, o, "processes", m->processes);
    add_u64(b, o, "processes_used", m->processes_used);
    add_u64(b, o, "ets", m->ets);
    add_u64(b, o, "binary", m->binary);
    add_u64(b, o, "atom", m->atom);
    add_u64(b, o, "code", m->code);
    add_u64(b, o, "system", m->system);
}

static void build_memory(B *b, cJSON *root, const AgStore *st)
{
    cJSON *o = add_obj(b, root, "memory");
    memory_fields(b, o, &st->memory);
    add_bool(b, o, "sampled", st->memory_sampled);
    memory_fields(b, add_obj(b, o, "peak"), &st->memory_peak);
}

static void pause_obj(B *b, cJSON *parent, const char *key, const AgHist *h)
{
    cJSON *o = add_obj(b, parent, key);
    add_u64(b, o, "count", h->n);
    add_num(b, o, "p50", ms_of(ag_hist_quantile(h, 0.50)));
    add_num(b, o, "p90", ms_of(ag_hist_quantile(h, 0.90)));
    add_num(b, o, "p99", ms_of(ag_hist_quantile(h, 0.99)));
    add_num(b, o, "max", ms_of(h->max));
    add_num(b, o, "mean", h->n ? ms_of(h->sum) / (double)h->n : 0);
    add_num(b, o, "total", ms_of(h->sum));
}

static void build_gc(B *b, cJSON *root, const AgStore *st)
{
    cJSON *o = add_obj(b, root, "gc");
    add_u64(b, o, "minor_gcs", st->minor_gcs);
    add_u64(b, o, "major_gcs", st->major_gcs);
    add_u64(b, o, "reclaimed_words", st->gc_reclaimed_words);
    pause_obj(b, o, "pause_ms", &st->pause_all);
    pause_obj(b, o, "minor_pause_ms", &st->pause_minor);
    pause_obj(b, o, "major_pause_ms", &st->pause_major);
}

static void proc_fields(B *b, cJSON *o, const AgProc *p)
{
    const GcInfo *g = &p->last.gc;
    add_pid(b, o, "pid", p->pid);
    add_atom(b, o, "registered_name", p->registered_name);
    add_mfa(b, o, "initial_call", p->mod, p->fun, p->arity);
    add_bool(b, o, "alive", p->alive);
    if (p->alive) add_null(b, o, "exit_reason"); else add_str(b, o, "exit_reason", p->exit_reason ? p->exit_reason : "");
    add_u64(b, o, "heap_words", g->heap_size);
    add_u64(b, o, "heap_block_words", g->heap_block_size);
    add_u64(b, o, "old_heap_words", g->old_heap_size);
    add_u64(b, o, "old_heap_block_words", g->old_heap_block_size);
    add_u64(b, o, "stack_words", g->stack_size);
    add_u64(b, o, "mbuf_words", g->mbuf_size);
    add_u64(b, o, "total_heap_words", p->last.total_heap_words);
    add_u64(b, o, "memory_bytes", p->last.memory_bytes);
    add_u64(b, o, "message_queue_len", p->last.message_queue_len);
    add_u64(b, o, "bin_vheap_words", g->bin_vheap_size + g->bin_old_vheap_size);
    add_u64(b, o, "minor_gcs", p->minor_gcs > p->last.minor_gcs ? p->minor_gcs : p->last.minor_gcs);
    add_u64(b, o, "major_gcs", p->major_gcs > p->last.major_gcs ? p->major_gcs : p->last.major_gcs);
    add_u64(b, o, "gc_reclaimed_words", p->gc_reclaimed);
    add_num(b, o, "gc_pause_ms", ms_of(p->gc_pause_ns));
    add_u64(b, o, "reductions", p->last.reductions);
    add_u64(b, o, "sends", p->sends);
    cJSON *pk = add_obj(b, o, "peak");
    add_u64(b, pk, "heap_words", p->peak_heap);
    add_u64(b, pk, "old_heap_words", p->peak_old_heap);
    add_u64(b, pk, "stack_words", p->peak_stack);
    add_u64(b, pk, "mbuf_words", p->peak_mbuf);
    add_u64(b, pk, "total_heap_words", p->peak_total_heap);
    add_u64(b, pk, "memory_bytes", p->peak_memory);
    add_u64(b, pk, "message_queue_len", p->peak_mailbox);
    add_u64(b, pk, "bin_vheap_words", p->peak_bin_vheap);
}

static int proc_cmp(const void *a, const void *b)
{
    const AgProc *x = *(const AgProc *const *)a, *y = *(const AgProc *const *)b;
    if (x->peak_memory != y->peak_memory) return x->peak_memory < y->peak_memory ? 1 : -1;
    return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static void build_procs(B *b, cJSON *root, AgStore *st, bool alive_only)
{
    size_t n = st->procs.used, k = 0, it = 0;
    AgProc **v = n ? malloc(n * sizeof *v) : NULL;
    if (n && !v) { b->oom = true; return; }
    AgProc *p;
    while ((p = ag_map_next(&st->procs, &it)) && k < n)
        if (!alive_only || p->alive) v[k++] = p;
    if (k > 1) qsort(v, k, sizeof *v, proc_cmp);
    add_u64(b, root, "processes_total", k);
    cJSON *arr = add_arr(b, root, "processes");
    for (size_t i = 0; i < k && i < AG_REPORT_MAX_PROCS && arr; i++)
        proc_fields(b, add_obj(b, arr, NULL), v[i]);
    free(v);
}

static void table_fields(B *b, cJSON *o, const AgTable *t)
{
    add_u64(b, o, "id", t->id);
    add_atom(b, o, "name", t->name);
    add_pid_term(b, o, "owner", t->owner);
    add_atom(b, o, "type", t->type);
    add_atom(b, o, "protection", t->protection);
    add_bool(b, o, "alive", t->alive);
    add_u64(b, o, "size", t->size);
    add_u64(b, o, "memory_words", t->memory_words);
    add_u64(b, o, "peak_size", t->peak_size);
    add_u64(b, o, "peak_memory_words", t->peak_memory_words);
    add_u64(b, o, "inserts", t->inserts);
    add_u64(b, o, "deletes", t->deletes);
}

static int table_cmp(const void *a, const void *b)
{
    const AgTable *x = *(const AgTable *const *)a, *y = *(const AgTable *const *)b;
    if (x->peak_memory_words != y->peak_memory_words)
        return x->peak_memory_words < y->peak_memory_words ? 1 : -1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static void build_tables(B *b, cJSON *root, AgStore *st, bool alive_only)
{
    size_t n = st->tables.used, k = 0, it = 0;
    AgTable **v = n ? malloc(n * sizeof *v) : NULL;
    if (n && !v) { b->oom = true; return; }
    AgTable *t;
    while ((t = ag_map_next(&st->tables, &it)) && k < n)
        if (!alive_only || t->alive) v[k++] = t;
    if (k > 1) qsort(v, k, sizeof *v, table_cmp);
    cJSON *arr = add_arr(b, root, "ets");
    for (size_t i = 0; i < k && i < AG_REPORT_MAX_TABLES && arr; i++)
        table_fields(b, add_obj(b, arr, NULL), v[i]);
    free(v);
}

static double site_ratio(const AgSite *s)
{
    return s->sampled_shared ? (double)s->sampled_flat / (double)s->sampled_shared : 0;
}

static void site_fields(B *b, cJSON *o, const ProbeSite *s)
{
    add_atom(b, o, "module", s->module);
    add_atom(b, o, "function", s->function);
    add_num(b, o, "arity", s->arity);
    add_num(b, o, "line", s->line);
}

/* Sites ranked by the words their copies cost beyond sharing (flat - shared), then flat. */
static double site_excess(const AgSite *s)
{
    double r = site_ratio(s);
    return r > 0 ? (double)s->flat_words * (1.0 - 1.0 / r) : 0;
}

static int site_cmp(const void *a, const void *b)
{
    const AgSite *x = *(const AgSite *const *)a, *y = *(const AgSite *const *)b;
    double ex = site_excess(x), ey = site_excess(y);
    if (ex != ey) return ex < ey ? 1 : -1;
    return x->flat_words < y->flat_words ? 1 : x->flat_words > y->flat_words ? -1 : 0;
}

static void build_sharing(B *b, cJSON *root, const AgReportArgs *a)
{
    AgStore *st = a->st;
    cJSON *o = add_obj(b, root, "sharing");
    add_u64(b, o, "sends", st->sends);
    add_u64(b, o, "flat_words", st->send_flat_words);
    add_u64(b, o, "sampled_sends", st->send_sampled);
    add_u64(b, o, "sampled_flat_words", st->send_sampled_flat);
    add_u64(b, o, "sampled_shared_words", st->send_sampled_shared);
    if (st->send_sampled_shared)
        add_num(b, o, "ratio", (double)st->send_sampled_flat / (double)st->send_sampled_shared);
    else add_null(b, o, "ratio");
    add_num(b, o, "threshold", a->lost_sharing_ratio);
    add_u64(b, o, "sites_total", st->nsites + (st->other_site ? 1 : 0));
    size_t n = st->sites.used + 1, k = 0, it = 0;
    AgSite **v = malloc(n * sizeof *v);
    if (!v) { b->oom = true; return; }
    AgSite *s;
    while ((s = ag_map_next(&st->sites, &it)) && k < n) v[k++] = s;
    if (st->other_site) v[k++] = st->other_site;
    if (k > 1) qsort(v, k, sizeof *v, site_cmp);
    cJSON *arr = add_arr(b, o, "top_sites");
    for (size_t i = 0; i < k && i < AG_REPORT_TOP_SITES && arr; i++) {
        cJSON *e = add_obj(b, arr, NULL);
        site_fields(b, e, &v[i]->site);
        add_bool(b, e, "other", v[i]->other);
        add_u64(b, e, "messages", v[i]->messages);
        add_u64(b, e, "flat_words", v[i]->flat_words);
        add_u64(b, e, "sampled", v[i]->sampled);
        add_u64(b, e, "sampled_flat_words", v[i]->sampled_flat);
        add_u64(b, e, "sampled_shared_words", v[i]->sampled_shared);
        if (v[i]->sampled_shared) add_num(b, e, "ratio", site_ratio(v[i]));
        else add_null(b, e, "ratio");
    }
    free(v);
}

static void build_binaries(B *b, cJSON *root, const AgStore *st)
{
    cJSON *o = add_obj(b, root, "binaries");
    add_u64(b, o, "allocs", st->bin_allocs);
    add_u64(b, o, "alloc_bytes", st->bin_alloc_bytes);
    add_u64(b, o, "frees", st->bin_frees);
    add_u64(b, o, "free_bytes", st->bin_free_bytes);
    add_u64(b, o, "live_bytes", st->bin_live_bytes);
    add_u64(b, o, "peak_live_bytes", st->bin_peak_live_bytes);
}

static void gcinfo_obj(B *b, cJSON *parent, const char *key, const GcInfo *g)
{
    cJSON *o = add_obj(b, parent, key);
    add_u64(b, o, "heap_block_size", g->heap_block_size);
    add_u64(b, o, "heap_size", g->heap_size);
    add_u64(b, o, "old_heap_block_size", g->old_heap_block_size);
    add_u64(b, o, "old_heap_size", g->old_heap_size);
    add_u64(b, o, "mbuf_size", g->mbuf_size);
    add_u64(b, o, "recent_size", g->recent_size);
    add_u64(b, o, "stack_size", g->stack_size);
    add_u64(b, o, "bin_vheap_size", g->bin_vheap_size);
    add_u64(b, o, "bin_vheap_block_size", g->bin_vheap_block_size);
    add_u64(b, o, "bin_old_vheap_size", g->bin_old_vheap_size);
    add_u64(b, o, "bin_old_vheap_block_size", g->bin_old_vheap_block_size);
}

static void samples_arr(B *b, cJSON *parent, const char *key, const AgSeries *s, uint64_t start)
{
    cJSON *arr = add_arr(b, parent, key);
    for (unsigned i = 0; i < s->n && arr; i++) {
        cJSON *pt = add_arr(b, arr, NULL);
        push_num(b, pt, rel_ms(s->pts[i].t_ns, start));
        push_num(b, pt, (double)s->pts[i].v);
    }
}

static void fit_obj(B *b, cJSON *parent, const char *key, const AgFit *f)
{
    cJSON *o = add_obj(b, parent, key);
    add_num(b, o, "points", f->points);
    add_num(b, o, "groups", f->groups);
    add_num(b, o, "slope_per_s", f->slope_per_s);
    add_num(b, o, "r2", f->r2);
    add_u64(b, o, "first_min", f->first_min);
    add_u64(b, o, "last_min", f->last_min);
    add_num(b, o, "tail_share", f->tail_share);
    add_bool(b, o, "growing", f->growing);
}

static const char *native_kind_name(NativeKind k)
{
    switch (k) {
    case NATIVE_ETS: return "ets";
    case NATIVE_BINARY: return "binary";
    case NATIVE_MESSAGE: return "message";
    case NATIVE_DETS: return "dets";
    case NATIVE_HEAP: return "heap";
    case NATIVE_OTHER: return "other";
    }
    return "other";
}

static void add_backtrace(B *b, cJSON *o, uint64_t stack_id, AgentBacktraceSymbolise sym)
{
    char buf[4096];
    if (stack_id && sym && sym(stack_id, buf, sizeof buf)) {
        buf[sizeof buf - 1] = 0;
        add_str(b, o, "backtrace", buf);
    } else add_null(b, o, "backtrace");
}

static void verdict_obj(B *b, cJSON *arr, const AgVerdict *v, const AgReportArgs *a)
{
    uint64_t start = a->run->start_ns;
    cJSON *o = add_obj(b, arr, NULL);
    add_str(b, o, "kind", ag_leak_kind_name(v->kind));
    add_str(b, o, "verdict", ag_verdict_name(v->level));
    add_str(b, o, "summary", v->summary);
    add_num(b, o, "judged_at_ms", rel_ms(v->time_ns, start));
    cJSON *s = add_obj(b, o, "subject");
    switch (v->kind) {
    case AG_LEAK_PROCESS_STATE: case AG_LEAK_MAILBOX: case AG_LEAK_BINARY:
        add_pid(b, s, "pid", v->pid);
        add_atom(b, s, "registered_name", v->registered_name);
        add_mfa(b, s, "initial_call", v->mod, v->fun, v->arity);
        break;
    case AG_LEAK_ETS_TABLE:
        add_u64(b, s, "table_id", v->table_id);
        add_atom(b, s, "table", v->table_name);
        add_pid_term(b, s, "owner", v->owner);
        break;
    case AG_LEAK_LOST_SHARING:
        site_fields(b, add_obj(b, s, "site"), &v->site);
        break;
    case AG_LEAK_NATIVE:
        add_str(b, s, "native_kind", native_kind_name(v->native_kind));
        add_u64(b, s, "stack_id", v->stack_id);
        break;
    }
    cJSON *e = add_obj(b, o, "evidence");
    add_str(b, e, "metric", v->metric);
    if (v->kind == AG_LEAK_LOST_SHARING) {
        add_u64(b, e, "messages", v->messages);
        add_u64(b, e, "sampled_flat_words", v->flat_words);
        add_u64(b, e, "sampled_shared_words", v->shared_words);
        add_num(b, e, "ratio", v->ratio);
    } else if (v->kind == AG_LEAK_NATIVE) {
        add_u64(b, e, "blocks", v->blocks);
        add_u64(b, e, "bytes", v->bytes);
        add_backtrace(b, e, v->stack_id, a->symbolise);
    } else {
        samples_arr(b, e, "samples", &v->samples, start);
        fit_obj(b, e, "fit", &v->fit);
        if (v->metric2) {
            add_str(b, e, "metric2", v->metric2);
            samples_arr(b, e, "samples2", &v->samples2, start);
            fit_obj(b, e, "fit2", &v->fit2);
        }
    }
    if (v->has_gc) {
        cJSON *g = add_obj(b, e, "forced_gc");
        add_num(b, g, "at_ms", rel_ms(v->gc.t_ns, start));
        gcinfo_obj(b, g, "before", &v->gc.before);
        gcinfo_obj(b, g, "after", &v->gc.after);
        add_u64(b, g, "reclaimed_words", v->gc.reclaimed);
    }
}

static void build_verdicts(B *b, cJSON *root, const AgReportArgs *a)
{
    cJSON *arr = add_arr(b, root, "verdicts");
    for (size_t i = 0; a->verdicts && i < a->verdicts->n && arr; i++)
        verdict_obj(b, arr, &a->verdicts->v[i], a);
}

static void build_native(B *b, cJSON *root, const AgReportArgs *a)
{
    const AgStore *st = a->st;
    cJSON *o = add_obj(b, root, "native");
    add_u64(b, o, "allocs", st->native_allocs);
    add_u64(b, o, "frees", st->native_frees);
    add_u64(b, o, "untracked", st->native_untracked);
    uint64_t blocks = 0, bytes = 0;
    size_t it = 0;
    AgNativeBlock *nb;
    while ((nb = ag_map_next(&st->native, &it))) { blocks++; bytes += nb->bytes; }
    add_u64(b, o, "outstanding_blocks", blocks);
    add_u64(b, o, "outstanding_bytes", bytes);
    cJSON *arr = add_arr(b, o, "groups");
    for (size_t i = 0; a->verdicts && i < a->verdicts->n && arr; i++) {
        const AgVerdict *v = &a->verdicts->v[i];
        if (v->kind != AG_LEAK_NATIVE) continue;
        cJSON *g = add_obj(b, arr, NULL);
        add_str(b, g, "native_kind", native_kind_name(v->native_kind));
        add_u64(b, g, "stack_id", v->stack_id);
        add_u64(b, g, "blocks", v->blocks);
        add_u64(b, g, "bytes", v->bytes);
        add_backtrace(b, g, v->stack_id, a->symbolise);
    }
}

static void build_agent(B *b, cJSON *root, const AgReportArgs *a)
{
    const AgCost *c = a->cost;
    double secs = (double)(a->run->now_ns > a->run->start_ns ? a->run->now_ns - a->run->start_ns
                                                              : 0) / 1e9;
    cJSON *o = add_obj(b, root, "agent");
    add_u64(b, o, "events", c->events);
    add_num(b, o, "events_per_s", secs > 0 ? (double)c->events / secs : 0);
    add_u64(b, o, "drops", c->drops);
    add_num(b, o, "drops_per_s", secs > 0 ? (double)c->drops / secs : 0);
    add_u64(b, o, "bookkeeping_bytes", c->bookkeeping_bytes);
    add_u64(b, o, "ring_bytes", c->ring_bytes);
    add_num(b, o, "rings", c->rings);
    add_num(b, o, "ring_capacity", c->ring_capacity);
    add_u64(b, o, "drains", c->drains);
    add_u64(b, o, "samples", c->samples);
    add_u64(b, o, "forced_gcs", c->forced_gcs);
    add_u64(b, o, "alloc_failures", c->alloc_failures);
    add_num(b, o, "collector_busy_ms", ms_of(c->collector_busy_ns));
}

/* ---- --fail-on ---- */

static void check_result(B *b, cJSON *arr, const char *name, double limit, bool has_limit,
                         double value, bool tripped, const char *detail)
{
    cJSON *o = add_obj(b, arr, NULL);
    add_str(b, o, "check", name);
    if (has_limit) add_num(b, o, "limit", limit); else add_null(b, o, "limit");
    add_num(b, o, "value", value);
    add_bool(b, o, "tripped", tripped);
    add_str(b, o, "detail", detail);
}

static bool build_checks(B *b, cJSON *root, const AgReportArgs *a)
{
    const AgentFailOn *f = a->fail_on;
    cJSON *o = add_obj(b, root, "checks");
    cJSON *arr = add_arr(b, o, "results");
    bool any = false;
    char detail[256];
    if (f && f->leak) {
        size_t leaks = 0;
        for (size_t i = 0; a->verdicts && i < a->verdicts->n; i++)
            if (a->verdicts->v[i].level == AG_VERDICT_LEAK) leaks++;
        snprintf(detail, sizeof detail, "%zu leak verdict(s)", leaks);
        check_result(b, arr, "leak", 0, false, (double)leaks, leaks > 0, detail);
        any |= leaks > 0;
    }
    if (f && f->lost_sharing) {
        double worst = 0;
        size_t it = 0;
        AgSite *s;
        while ((s = ag_map_next(&a->st->sites, &it))) {
            if (s->sampled < a->site_min_messages || s->flat_words < a->site_min_flat_words)
                continue;
            double r = site_ratio(s);
            if (r > worst) worst = r;
        }
        bool t = worst >= f->lost_sharing_ratio;
        snprintf(detail, sizeof detail, "worst send site flat/shared ratio %.2f", worst);
        check_result(b, arr, "lost-sharing", f->lost_sharing_ratio, true, worst, t, detail);
        any |= t;
    }
    if (f && f->peak_memory) {
        double peak = (double)a->st->memory_peak.total;
        bool t = a->st->memory_peak.total > f->peak_memory_bytes;
        snprintf(detail, sizeof detail, "peak erlang:memory(total) %.0f bytes", peak);
        check_result(b, arr, "peak-memory", (double)f->peak_memory_bytes, true, peak, t, detail);
        any |= t;
    }
    if (f && f->gc_pause_p99) {
        double p99 = ms_of(ag_hist_quantile(&a->st->pause_all, 0.99));
        bool t = p99 > f->gc_pause_p99_ms;
        snprintf(detail, sizeof detail, "p99 GC pause %.3f ms over %" PRIu64 " GCs", p99,
                 a->st->pause_all.n);
        check_result(b, arr, "gc-pause-p99", f->gc_pause_p99_ms, true, p99, t, detail);
        any |= t;
    }
    add_bool(b, o, "passed", !any);
    return any;
}

bool agent_failon_parse(const char *list, AgentFailOn *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
#define FAIL(...) do { if (err && errlen) snprintf(err, errlen, __VA_ARGS__); return false; } while (0)
    if (!list || !*list) FAIL("--fail-on: empty list");
    const char *p = list;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char item[128];
        if (len == 0) FAIL("--fail-on: empty check in '%s'", list);
        if (len >= sizeof item) FAIL("--fail-on: check too long in '%s'", list);
        memcpy(item, p, len);
        item[len] = 0;
        char *eq = strchr(item, '=');
        char *val = NULL;
        if (eq) { *eq = 0; val = eq + 1; }
        if (!strcmp(item, "leak")) {
            if (val) FAIL("--fail-on: 'leak' takes no value");
            out->leak = true;
        } else if (!strcmp(item, "lost-sharing") || !strcmp(item, "gc-pause-p99")) {
            if (!val || !*val) FAIL("--fail-on: '%s' needs a value (%s=N)", item, item);
            char *e;
            errno = 0;
            double d = strtod(val, &e);
            if (e == val || *e || errno || !isfinite(d) || isspace((unsigned char)*val))
                FAIL("--fail-on: bad number '%s' for '%s'", val, item);
            if (!strcmp(item, "lost-sharing")) {
                if (d < 1) FAIL("--fail-on: lost-sharing ratio must be >= 1, got '%s'", val);
                out->lost_sharing = true; out->lost_sharing_ratio = d;
            } else {
                if (d < 0) FAIL("--fail-on: gc-pause-p99 must be >= 0 ms, got '%s'", val);
                out->gc_pause_p99 = true; out->gc_pause_p99_ms = d;
            }
        } else if (!strcmp(item, "peak-memory")) {
            if (!val || !*val) FAIL("--fail-on: 'peak-memory' needs a value (peak-memory=BYTES)");
            if (!isdigit((unsigned char)*val)) FAIL("--fail-on: bad size '%s' for 'peak-memory'", val);
            char *e;
            errno = 0;
            unsigned long long n = strtoull(val, &e, 10);
            unsigned shift = 0;
            if (*e == 'k' || *e == 'K') { shift = 10; e++; }
            else if (*e == 'm' || *e == 'M') { shift = 20; e++; }
            else if (*e == 'g' || *e == 'G') { shift = 30; e++; }
            if (*e || errno) FAIL("--fail-on: bad size '%s' for 'peak-memory'", val);
            if (shift && n > (UINT64_MAX >> shift)) FAIL("--fail-on: size '%s' too large", val);
            out->peak_memory = true; out->peak_memory_bytes = (uint64_t)n << shift;
        } else {
            FAIL("--fail-on: unknown check '%s' (leak, lost-sharing=RATIO, peak-memory=BYTES, "
                 "gc-pause-p99=MS)", item);
        }
        if (!end) break;
        p = end + 1;
        if (!*p) FAIL("--fail-on: trailing comma in '%s'", list);
    }
#undef FAIL
    return true;
}

/* ---- entry points ---- */

cJSON *ag_report_build(const AgReportArgs *a, bool *tripped)
{
    B b = { false };
    cJSON *root = cJSON_CreateObject();
    if (!root) return NULL;
    add_str(&b, root, "schema", "heapscope-report/1");
    build_run(&b, root, a->run);
    build_memory(&b, root, a->st);
    build_gc(&b, root, a->st);
    build_procs(&b, root, a->st, false);
    build_tables(&b, root, a->st, false);
    build_sharing(&b, root, a);
    build_binaries(&b, root, a->st);
    build_verdicts(&b, root, a);
    build_native(&b, root, a);
    build_agent(&b, root, a);
    bool t = build_checks(&b, root, a);
    if (tripped) *tripped = t;
    return finish(&b, root);
}

cJSON *ag_snapshot_build(const AgReportArgs *a)
{
    B b = { false };
    cJSON *root = cJSON_CreateObject();
    if (!root) return NULL;
    add_str(&b, root, "schema", "heapscope-snapshot/1");
    add_num(&b, root, "time_ms", rel_ms(a->run->now_ns, a->run->start_ns));
    build_memory(&b, root, a->st);
    build_gc(&b, root, a->st);
    build_procs(&b, root, a->st, true);
    build_tables(&b, root, a->st, true);
    build_sharing(&b, root, a);
    build_binaries(&b, root, a->st);
    build_verdicts(&b, root, a);
    build_agent(&b, root, a);
    return finish(&b, root);
}

cJSON *ag_report_proc(const AgReportArgs *a, uint64_t pid)
{
    AgProc *p = ag_store_proc(a->st, pid);
    if (!p) return NULL;
    B b = { false };
    cJSON *root = cJSON_CreateObject();
    if (!root) return NULL;
    proc_fields(&b, root, p);
    uint64_t start = a->run->start_ns;
    cJSON *h = add_arr(&b, root, "history");
    /* total heap and mailbox are sampled together, so their points line up; a quiet process
     * (series.h) has the first and last sample of its run */
    const AgProcSeries *ps = ag_proc_series(p);
    for (unsigned i = 0; i < ps->total_heap.n && h; i++) {
        cJSON *pt = add_arr(&b, h, NULL);
        push_num(&b, pt, rel_ms(ps->total_heap.pts[i].t_ns, start));
        push_num(&b, pt, (double)ps->total_heap.pts[i].v);
        push_num(&b, pt, i < ps->mailbox.n ? (double)ps->mailbox.pts[i].v : 0);
    }
    for (uint32_t i = 0; !p->ser && h && i < (p->quiet_n > 1 ? 2u : p->quiet_n); i++) {
        cJSON *pt = add_arr(&b, h, NULL);
        push_num(&b, pt, rel_ms(i ? p->quiet_last_ns : p->quiet_first_ns, start));
        push_num(&b, pt, (double)p->quiet_v[0]);
        push_num(&b, pt, (double)p->quiet_v[1]);
    }
    samples_arr(&b, root, "live_after_major", &ps->live_major, start);
    return finish(&b, root);
}

static const char *ev_type(const AgEvent *ev)
{
    switch (ev->kind) {
    case AG_EV_SPAWN: return "spawn";
    case AG_EV_EXIT: return "exit";
    case AG_EV_GC_START: return "gc_start";
    case AG_EV_GC_END: return "gc_end";
    case AG_EV_SEND: return "send";
    case AG_EV_ETS: return "ets";
    case AG_EV_BIN: return "bin";
    case AG_EV_NATIVE_ALLOC: return "native_alloc";
    case AG_EV_NATIVE_FREE: return "native_free";
    }
    return "unknown";
}

static const char *ets_kind(ProbeEtsKind k)
{
    switch (k) {
    case PROBE_ETS_CREATE: return "create";
    case PROBE_ETS_INSERT: return "insert";
    case PROBE_ETS_DELETE_OBJECT: return "delete_object";
    case PROBE_ETS_DELETE_TABLE: return "delete_table";
    case PROBE_ETS_OWNER_EXIT: return "owner_exit";
    case PROBE_ETS_TRANSFER: return "transfer";
    }
    return "unknown";
}

static const char *gc_reason(GcReason r)
{
    switch (r) {
    case GC_REASON_HEAP_FULL: return "heap_full";
    case GC_REASON_BIN_VHEAP: return "bin_vheap";
    case GC_REASON_FRAGMENTS: return "fragments";
    case GC_REASON_EXPLICIT: return "explicit";
    case GC_REASON_FULLSWEEP_AFTER: return "fullsweep_after";
    case GC_REASON_STRESS: return "stress";
    }
    return "unknown";
}

/* An ETS event's operations: the first's and the last's time (one operation: the event's),
 * and whether they overlap another kind's of the same batch (ring.h). */
static void ets_batch_times(B *b, cJSON *o, const AgEvent *ev, uint64_t start_ns)
{
    uint64_t last = ev->count ? ev->u.ets.p.time_ns : ev->time_ns;
    uint64_t first = ev->count ? ev->ets_first_ns : last;
    add_num(b, o, "first_t_ms", rel_ms(first, start_ns));
    add_num(b, o, "last_t_ms", rel_ms(last, start_ns));
    add_bool(b, o, "interleaved", ev->count && ev->ets_interleaved);
}

cJSON *ag_report_event(const AgEvent *ev, uint64_t start_ns)
{
    B b = { false };
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    add_u64(&b, o, "seq", ev->seq);
    add_num(&b, o, "t_ms", rel_ms(ev->time_ns, start_ns));
    if (ev->sched == AG_RING_FALLBACK) add_null(&b, o, "sched");
    else add_num(&b, o, "sched", ev->sched);
    add_str(&b, o, "type", ev_type(ev));
    switch (ev->kind) {
    case AG_EV_SPAWN:
        add_pid_term(&b, o, "pid", ev->u.spawn.p.pid);
        add_pid_term(&b, o, "parent", ev->u.spawn.parent);
        add_mfa(&b, o, "initial_call", ev->u.spawn.mod, ev->u.spawn.fun, ev->u.spawn.arity);
        break;
    case AG_EV_EXIT:
        add_pid_term(&b, o, "pid", ev->u.exit.p.pid);
        add_u64(&b, o, "memory_bytes", ev->u.exit.memory_bytes);
        {
            char r[sizeof ev->u.exit.reason + 1];
            memcpy(r, ev->u.exit.reason, sizeof ev->u.exit.reason);
            r[sizeof ev->u.exit.reason] = 0;
            add_str(&b, o, "reason", r);
        }
        break;
    case AG_EV_GC_START: case AG_EV_GC_END:
        add_pid_term(&b, o, "pid", ev->u.gc.p.pid);
        add_str(&b, o, "gc_type", ev->u.gc.ev.type == GC_MAJOR ? "major" : "minor");
        add_str(&b, o, "reason", gc_reason(ev->u.gc.ev.reason));
        gcinfo_obj(&b, o, "before", &ev->u.gc.ev.before);
        if (ev->kind == AG_EV_GC_END) {
            gcinfo_obj(&b, o, "after", &ev->u.gc.ev.after);
            add_u64(&b, o, "reclaimed_words", ev->u.gc.ev.reclaimed);
            add_num(&b, o, "duration_ms", ms_of(ev->u.gc.ev.duration_ns));
        }
        break;
    case AG_EV_SEND:
        add_pid_term(&b, o, "pid", ev->u.send.p.pid);
        add_pid_term(&b, o, "receiver", ev->u.send.receiver);
        add_u64(&b, o, "flat_words", ev->u.send.flat_words);
        add_u64(&b, o, "shared_words", ev->u.send.shared_words);
        add_u64(&b, o, "count", ev->count ? ev->count : 1);
        site_fields(&b, add_obj(&b, o, "site"), &ev->u.send.site);
        break;
    case AG_EV_ETS:
        add_pid_term(&b, o, "pid", ev->u.ets.p.pid);
        add_str(&b, o, "ets_kind", ets_kind(ev->u.ets.kind));
        add_u64(&b, o, "table_id", ev->u.ets.table_id);
        add_atom(&b, o, "table", ev->u.ets.name);
        add_pid_term(&b, o, "owner", ev->u.ets.owner);
        add_u64(&b, o, "size", ev->u.ets.size);
        add_u64(&b, o, "memory_words", ev->u.ets.memory_words);
        add_u64(&b, o, "count", ev->count ? ev->count : 1);   /* a coalesced batch (ring.h) */
        add_u64(&b, o, "deletes", ev->ets_deletes);
        ets_batch_times(&b, o, ev, start_ns);
        break;
    case AG_EV_BIN:
        add_str(&b, o, "bin_kind", ev->u.bin.kind == PROBE_BIN_ALLOC ? "alloc" : "free");
        add_u64(&b, o, "bytes", ev->u.bin.bytes);
        break;
    case AG_EV_NATIVE_ALLOC: case AG_EV_NATIVE_FREE:
        add_str(&b, o, "native_kind", native_kind_name(ev->u.native.n.kind));
        add_u64(&b, o, "bytes", ev->u.native.n.bytes);
        add_u64(&b, o, "stack_id", ev->u.native.stack_id);
        break;
    }
    return finish(&b, o);
}
