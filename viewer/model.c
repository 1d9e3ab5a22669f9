/*
 * model.c — the viewer's state from protocol messages (model.h). No curses, no socket.
 */
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading JSON ------------------------------------------------------------------------ */

static const cJSON *get(const cJSON *o, const char *key)
{
    return o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = get(o, key);
    return cJSON_IsNumber(v) && isfinite(v->valuedouble) ? v->valuedouble : 0;
}

/* Counts and sizes: negative is 0, past the range is the largest (a cast would be UB). */
static uint64_t u64(const cJSON *o, const char *key)
{
    double d = num(o, key);
    if (d <= 0) return 0;
    return d >= 18446744073709551615.0 ? UINT64_MAX : (uint64_t)d;
}

static unsigned uint_of(const cJSON *o, const char *key)
{
    uint64_t v = u64(o, key);
    return v > UINT32_MAX ? UINT32_MAX : (unsigned)v;
}

/* Copies a string member (or "" when missing or null). */
static void str(const cJSON *o, const char *key, char *buf, size_t cap)
{
    const cJSON *v = get(o, key);
    snprintf(buf, cap, "%s", cJSON_IsString(v) ? v->valuestring : "");
}

static void gcfig(const cJSON *o, VwGcFig *g)
{
    g->heap = u64(o, "heap_size");
    g->heap_block = u64(o, "heap_block_size");
    g->old_heap = u64(o, "old_heap_size");
    g->old_heap_block = u64(o, "old_heap_block_size");
    g->mbuf = u64(o, "mbuf_size");
    g->stack = u64(o, "stack_size");
    g->bin_vheap = u64(o, "bin_vheap_size");
}

uint64_t vw_gcfig_used(const VwGcFig *g) { return g->heap + g->old_heap + g->mbuf; }

/* ---- series ------------------------------------------------------------------------------ */

void vw_series_push(VwSeries *s, double v)
{
    s->v[s->head] = v;
    s->head = (s->head + 1) % VW_HIST;
    if (s->n < VW_HIST) s->n++;
}

size_t vw_series_copy(const VwSeries *s, double *out, size_t max)
{
    size_t k = s->n < max ? s->n : max;
    for (size_t i = 0; i < k; i++)
        out[i] = s->v[(s->head + VW_HIST - k + i) % VW_HIST];
    return k;
}

static void pseries_push(VwPSeries *s, double t, double v, double v2)
{
    if (s->n == VW_PHIST) {
        memmove(s->t_ms, s->t_ms + 1, (VW_PHIST - 1) * sizeof s->t_ms[0]);
        memmove(s->v, s->v + 1, (VW_PHIST - 1) * sizeof s->v[0]);
        memmove(s->v2, s->v2 + 1, (VW_PHIST - 1) * sizeof s->v2[0]);
        s->n--;
    }
    s->t_ms[s->n] = t;
    s->v[s->n] = v;
    s->v2[s->n] = v2;
    s->n++;
}

/* Units of v per second between the newest point and the one VW_GROWTH_SPAN back. */
static double pseries_slope(const VwPSeries *s)
{
    if (s->n < 2) return 0;
    unsigned a = s->n > VW_GROWTH_SPAN ? s->n - 1 - VW_GROWTH_SPAN : 0, b = s->n - 1;
    double dt = s->t_ms[b] - s->t_ms[a];
    return dt > 0 ? (s->v[b] - s->v[a]) / dt * 1000.0 : 0;
}

/* ---- lifetime ---------------------------------------------------------------------------- */

VwModel *vw_model_new(void)
{
    return calloc(1, sizeof(VwModel));
}

static void clear_data(VwModel *m)
{
    free(m->procs);
    free(m->tables);
    free(m->sites);
    free(m->verdicts);
}

void vw_model_free(VwModel *m)
{
    if (!m) return;
    clear_data(m);
    free(m);
}

/* Forgets everything the last runtime said (a different program attached). */
static void reset(VwModel *m)
{
    double now = m->now_ms;
    unsigned attaches = m->attaches;
    clear_data(m);
    memset(m, 0, sizeof *m);
    m->now_ms = now;
    m->attaches = attaches;
    m->ever_attached = attaches > 0;
}

void vw_model_set_clock(VwModel *m, double now_ms) { m->now_ms = now_ms; }

void vw_model_attached(VwModel *m)
{
    m->attached = true;
    m->attaches++;
    m->ever_attached = true;
}

void vw_model_detached(VwModel *m)
{
    if (!m->attached) return;
    m->attached = false;
    m->detached_at_ms = m->now_ms;
}

/* ---- hello ------------------------------------------------------------------------------- */

void vw_model_apply_hello(VwModel *m, const cJSON *r)
{
    char program[sizeof m->program];
    str(r, "program", program, sizeof program);
    if (m->snapshots && strcmp(program, m->program) != 0) reset(m);
    memcpy(m->program, program, sizeof program);
    str(r, "version", m->version, sizeof m->version);
    m->os_pid = (int)(u64(r, "pid") > INT32_MAX ? 0 : u64(r, "pid"));
    m->schedulers = uint_of(r, "schedulers");
}

/* ---- snapshot ---------------------------------------------------------------------------- */

static const char *const mem_keys[VW_MEM_N] = {"total", "processes", "ets", "binary", "atom",
                                               "code"};

static void snap_memory(VwModel *m, const cJSON *mem)
{
    const cJSON *peak = get(mem, "peak");
    for (int i = 0; i < VW_MEM_N; i++) {
        m->mem[i] = u64(mem, mem_keys[i]);
        m->mem_peak[i] = u64(peak, mem_keys[i]);
        vw_series_push(&m->mem_hist[i], (double)m->mem[i]);
    }
}

static double lost_total(uint64_t flat, double ratio)
{
    return ratio > 1 ? (double)flat * (1.0 - 1.0 / ratio) : 0;
}

/* GC and sharing totals, and their rates against the previous snapshot (dt_ms > 0). */
static void snap_rates(VwModel *m, const cJSON *snap, double dt_ms)
{
    const cJSON *gc = get(snap, "gc"), *sh = get(snap, "sharing");
    uint64_t gcs = u64(gc, "minor_gcs") + u64(gc, "major_gcs");
    uint64_t prev_gcs = m->minor_gcs + m->major_gcs;
    double prev_lost = lost_total(m->flat_words, m->sharing_ratio);
    m->minor_gcs = u64(gc, "minor_gcs");
    m->major_gcs = u64(gc, "major_gcs");
    m->gc_reclaimed_words = u64(gc, "reclaimed_words");
    const cJSON *pause = get(gc, "pause_ms");
    m->pause_p50_ms = num(pause, "p50");
    m->pause_p99_ms = num(pause, "p99");
    m->pause_max_ms = num(pause, "max");
    m->sends = u64(sh, "sends");
    m->flat_words = u64(sh, "flat_words");
    m->sampled_flat = u64(sh, "sampled_flat_words");
    m->sampled_shared = u64(sh, "sampled_shared_words");
    m->sharing_ratio = num(sh, "ratio");
    m->sharing_threshold = num(sh, "threshold");
    m->sites_total = u64(sh, "sites_total");
    if (dt_ms > 0) {
        m->gc_rate = gcs >= prev_gcs ? (double)(gcs - prev_gcs) / dt_ms * 1000.0 : 0;
        double lost = lost_total(m->flat_words, m->sharing_ratio) - prev_lost;
        m->lost_wps = lost > 0 ? lost / dt_ms * 1000.0 : 0;
        vw_series_push(&m->gc_rate_hist, m->gc_rate);
        vw_series_push(&m->lost_hist, m->lost_wps);
    }
}

static int proc_by_pid(const void *a, const void *b)
{
    const VwProc *x = a, *y = b;
    return x->pidnum < y->pidnum ? -1 : x->pidnum > y->pidnum;
}

static uint64_t pid_number(const char *pid)
{
    unsigned long long n = 0;
    if (sscanf(pid, "<0.%llu.0>", &n) != 1) return 0;
    return n;
}

static void proc_fields(VwProc *p, const cJSON *o)
{
    str(o, "pid", p->pid, sizeof p->pid);
    p->pidnum = pid_number(p->pid);
    str(o, "registered_name", p->name, sizeof p->name);
    str(o, "initial_call", p->initial_call, sizeof p->initial_call);
    p->heap_words = u64(o, "heap_words");
    p->heap_block_words = u64(o, "heap_block_words");
    p->old_heap_words = u64(o, "old_heap_words");
    p->old_heap_block_words = u64(o, "old_heap_block_words");
    p->stack_words = u64(o, "stack_words");
    p->mbuf_words = u64(o, "mbuf_words");
    p->total_heap_words = u64(o, "total_heap_words");
    p->memory_bytes = u64(o, "memory_bytes");
    p->mailbox = u64(o, "message_queue_len");
    p->bin_vheap_words = u64(o, "bin_vheap_words");
    p->minor_gcs = u64(o, "minor_gcs");
    p->major_gcs = u64(o, "major_gcs");
    p->reductions = u64(o, "reductions");
    p->gc_reclaimed_words = u64(o, "gc_reclaimed_words");
    p->sends = u64(o, "sends");
}

/* The new process list; each process keeps its history and extra fields from the old one. */
static void snap_procs(VwModel *m, const cJSON *arr)
{
    size_t n = (size_t)cJSON_GetArraySize(arr);
    VwProc *v = n ? calloc(n, sizeof *v) : NULL;
    if (n && !v) return; /* keep the old list rather than show nothing */
    if (m->nprocs > 1) qsort(m->procs, m->nprocs, sizeof *m->procs, proc_by_pid);
    size_t k = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, arr) {
        VwProc *p = &v[k];
        VwProc key;
        key.pidnum = pid_number(cJSON_GetStringValue(get(o, "pid")) ? get(o, "pid")->valuestring
                                                                    : "");
        const VwProc *old = m->nprocs ? bsearch(&key, m->procs, m->nprocs, sizeof key,
                                                proc_by_pid)
                                      : NULL;
        if (old) *p = *old;
        proc_fields(p, o);
        pseries_push(&p->hist, m->time_ms, (double)p->heap_words, (double)p->old_heap_words);
        pseries_push(&p->total, m->time_ms, (double)p->total_heap_words, 0);
        p->growth_wps = pseries_slope(&p->total);
        k++;
    }
    free(m->procs);
    m->procs = v;
    m->nprocs = k;
}

static void snap_tables(VwModel *m, const cJSON *arr)
{
    size_t n = (size_t)cJSON_GetArraySize(arr);
    VwTable *v = n ? calloc(n, sizeof *v) : NULL;
    if (n && !v) return;
    size_t k = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, arr) {
        VwTable *t = &v[k++];
        uint64_t id = u64(o, "id");
        for (size_t i = 0; i < m->ntables; i++)
            if (m->tables[i].id == id) { *t = m->tables[i]; break; }
        t->id = id;
        str(o, "name", t->name, sizeof t->name);
        str(o, "owner", t->owner, sizeof t->owner);
        str(o, "type", t->type, sizeof t->type);
        str(o, "protection", t->protection, sizeof t->protection);
        t->size = u64(o, "size");
        t->memory_words = u64(o, "memory_words");
        t->peak_memory_words = u64(o, "peak_memory_words");
        t->inserts = u64(o, "inserts");
        t->deletes = u64(o, "deletes");
        pseries_push(&t->hist, m->time_ms, (double)t->memory_words, (double)t->size);
        t->growth_wps = pseries_slope(&t->hist);
    }
    free(m->tables);
    m->tables = v;
    m->ntables = k;
}

static void site_where(const cJSON *site, char *buf, size_t cap)
{
    char mod[64], fun[64];
    str(site, "module", mod, sizeof mod);
    str(site, "function", fun, sizeof fun);
    unsigned line = uint_of(site, "line");
    if (!mod[0] && !fun[0]) { snprintf(buf, cap, "(unknown site)"); return; }
    if (line) snprintf(buf, cap, "%s:%s/%u:%u", mod, fun, uint_of(site, "arity"), line);
    else snprintf(buf, cap, "%s:%s/%u", mod, fun, uint_of(site, "arity"));
}

static void snap_sites(VwModel *m, const cJSON *arr)
{
    size_t n = (size_t)cJSON_GetArraySize(arr);
    VwSite *v = n ? calloc(n, sizeof *v) : NULL;
    if (n && !v) return;
    size_t k = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, arr) {
        VwSite *s = &v[k++];
        if (cJSON_IsTrue(get(o, "other"))) snprintf(s->where, sizeof s->where, "(other sites)");
        else site_where(o, s->where, sizeof s->where);
        s->messages = u64(o, "messages");
        s->flat_words = u64(o, "flat_words");
        s->sampled = u64(o, "sampled");
        s->ratio = num(o, "ratio");
        s->lost_words = lost_total(s->flat_words, s->ratio);
    }
    free(m->sites);
    m->sites = v;
    m->nsites = k;
}

static void verdict_subject(VwVerdict *d, const cJSON *s)
{
    char a[64], b[64];
    if (get(s, "pid")) {
        str(s, "pid", a, sizeof a);
        str(s, "registered_name", b, sizeof b);
        if (!b[0]) str(s, "initial_call", b, sizeof b);
        snprintf(d->subject, sizeof d->subject, "%s %s", a, b);
    } else if (get(s, "table_id")) {
        str(s, "table", a, sizeof a);
        str(s, "owner", b, sizeof b);
        if (!a[0]) snprintf(a, sizeof a, "#%llu", (unsigned long long)u64(s, "table_id"));
        snprintf(d->subject, sizeof d->subject, "ets %s owner %s", a, b[0] ? b : "-");
    } else if (get(s, "site")) {
        site_where(get(s, "site"), d->subject, sizeof d->subject);
    } else {
        str(s, "native_kind", a, sizeof a);
        snprintf(d->subject, sizeof d->subject, "native %s stack %llu", a,
                 (unsigned long long)u64(s, "stack_id"));
    }
}

static void verdict_evidence(VwVerdict *d, const cJSON *e)
{
    str(e, "metric", d->metric, sizeof d->metric);
    const cJSON *pt;
    cJSON_ArrayForEach(pt, get(e, "samples")) {
        if (d->nsamples == VW_VERDICT_SAMPLES) break;
        const cJSON *val = cJSON_GetArrayItem(pt, 1);
        d->samples[d->nsamples++] = cJSON_IsNumber(val) ? val->valuedouble : 0;
    }
    const cJSON *fit = get(e, "fit");
    if (fit) {
        d->has_fit = true;
        d->slope_per_s = num(fit, "slope_per_s");
        d->r2 = num(fit, "r2");
        d->first_min = u64(fit, "first_min");
        d->last_min = u64(fit, "last_min");
    }
    const cJSON *gc = get(e, "forced_gc");
    if (gc) {
        d->has_gc = true;
        gcfig(get(gc, "before"), &d->gc_before);
        gcfig(get(gc, "after"), &d->gc_after);
        d->gc_reclaimed = u64(gc, "reclaimed_words");
    }
    d->messages = u64(e, "messages");
    d->ratio = num(e, "ratio");
    d->blocks = u64(e, "blocks");
    d->bytes = u64(e, "bytes");
}

static void snap_verdicts(VwModel *m, const cJSON *arr)
{
    size_t n = (size_t)cJSON_GetArraySize(arr);
    VwVerdict *v = n ? calloc(n, sizeof *v) : NULL;
    if (n && !v) return;
    size_t k = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, arr) {
        VwVerdict *d = &v[k++];
        str(o, "kind", d->kind, sizeof d->kind);
        str(o, "verdict", d->verdict, sizeof d->verdict);
        str(o, "summary", d->summary, sizeof d->summary);
        d->judged_at_ms = num(o, "judged_at_ms");
        verdict_subject(d, get(o, "subject"));
        verdict_evidence(d, get(o, "evidence"));
    }
    free(m->verdicts);
    m->verdicts = v;
    m->nverdicts = k;
}

void vw_model_apply_snapshot(VwModel *m, const cJSON *snap)
{
    double t = num(snap, "time_ms");
    double dt = m->snapshots && t > m->time_ms ? t - m->time_ms : 0;
    m->time_ms = t;
    snap_memory(m, get(snap, "memory"));
    snap_rates(m, snap, dt);
    m->processes_total = u64(snap, "processes_total");
    const cJSON *ag = get(snap, "agent");
    m->drops = u64(ag, "drops");
    m->events_total = u64(ag, "events");
    m->bin_live_bytes = u64(get(snap, "binaries"), "live_bytes");
    if (get(snap, "push")) m->push_dropped = u64(snap, "dropped");
    snap_procs(m, get(snap, "processes"));
    snap_tables(m, get(snap, "ets"));
    snap_sites(m, get(get(snap, "sharing"), "top_sites"));
    snap_verdicts(m, get(snap, "verdicts"));
    m->snapshots++;
}

/* ---- events, procs, proc, gc ------------------------------------------------------------- */

static void gclog_push(VwModel *m, const VwGcEvent *e)
{
    m->gclog[m->gclog_head] = *e;
    m->gclog_head = (m->gclog_head + 1) % VW_GC_LOG;
    if (m->gclog_n < VW_GC_LOG) m->gclog_n++;
}

const VwGcEvent *vw_model_gc_event(const VwModel *m, unsigned i)
{
    if (i >= m->gclog_n) return NULL;
    return &m->gclog[(m->gclog_head + VW_GC_LOG - 1 - i) % VW_GC_LOG];
}

void vw_model_apply_events(VwModel *m, const cJSON *r)
{
    m->events_missed += u64(r, "dropped_before");
    const cJSON *o;
    cJSON_ArrayForEach(o, get(r, "events")) {
        uint64_t seq = u64(o, "seq");
        if (seq && seq <= m->events_seq) continue; /* seen already (a repeated poll) */
        if (seq > m->events_seq) m->events_seq = seq;
        const cJSON *type = get(o, "type");
        if (!cJSON_IsString(type) || strcmp(type->valuestring, "gc_end") != 0) continue;
        VwGcEvent e;
        memset(&e, 0, sizeof e);
        e.seq = seq;
        e.t_ms = num(o, "t_ms");
        e.duration_ms = num(o, "duration_ms");
        str(o, "pid", e.pid, sizeof e.pid);
        const cJSON *gt = get(o, "gc_type");
        e.major = cJSON_IsString(gt) && !strcmp(gt->valuestring, "major");
        str(o, "reason", e.reason, sizeof e.reason);
        gcfig(get(o, "before"), &e.before);
        gcfig(get(o, "after"), &e.after);
        e.reclaimed = u64(o, "reclaimed_words");
        gclog_push(m, &e);
    }
    uint64_t last = u64(r, "last_seq");
    if (last > m->events_seq) m->events_seq = last;
}

static VwProc *find_proc(const VwModel *m, const char *pid)
{
    for (size_t i = 0; i < m->nprocs; i++)
        if (!strcmp(m->procs[i].pid, pid)) return &m->procs[i];
    return NULL;
}

const VwProc *vw_model_proc(const VwModel *m, const char *pid) { return find_proc(m, pid); }

/* The procs command's fields the snapshot lacks: current function, dictionary, links. */
static void proc_extra(VwModel *m, const cJSON *o)
{
    char pid[24];
    str(o, "pid", pid, sizeof pid);
    VwProc *p = find_proc(m, pid);
    if (!p || !get(o, "current")) return;
    p->have_extra = true;
    str(o, "current", p->current, sizeof p->current);
    str(o, "message_queue_data", p->mq_data, sizeof p->mq_data);
    p->dict_size = u64(o, "dict_size");
    p->links = u64(o, "links");
    p->monitors = u64(o, "monitors");
}

void vw_model_apply_procs(VwModel *m, const cJSON *r)
{
    const cJSON *o;
    cJSON_ArrayForEach(o, get(r, "procs")) proc_extra(m, o);
}

void vw_model_apply_proc(VwModel *m, const cJSON *r)
{
    const cJSON *p = get(r, "proc");
    if (!cJSON_IsObject(p)) return;
    str(p, "pid", m->detail_pid, sizeof m->detail_pid);
    proc_extra(m, p);
    m->detail_n = 0;
    const cJSON *pt;
    cJSON_ArrayForEach(pt, get(p, "history")) {
        if (m->detail_n == sizeof m->detail_total / sizeof m->detail_total[0]) break;
        const cJSON *a = cJSON_GetArrayItem(pt, 0), *b = cJSON_GetArrayItem(pt, 1),
                    *c = cJSON_GetArrayItem(pt, 2);
        m->detail_hist_t[m->detail_n] = cJSON_IsNumber(a) ? a->valuedouble : 0;
        m->detail_total[m->detail_n] = cJSON_IsNumber(b) ? b->valuedouble : 0;
        m->detail_mailbox[m->detail_n] = cJSON_IsNumber(c) ? c->valuedouble : 0;
        m->detail_n++;
    }
    m->detail_live_n = 0;
    cJSON_ArrayForEach(pt, get(p, "live_after_major")) {
        if (m->detail_live_n == sizeof m->detail_live / sizeof m->detail_live[0]) break;
        const cJSON *b = cJSON_GetArrayItem(pt, 1);
        m->detail_live[m->detail_live_n++] = cJSON_IsNumber(b) ? b->valuedouble : 0;
    }
}

const VwGcResult *vw_model_result(const VwModel *m, const char *pid)
{
    for (unsigned i = 0; i < m->nresults; i++)
        if (!strcmp(m->results[i].pid, pid)) return &m->results[i];
    return NULL;
}

static void keep_result(VwModel *m, const VwGcResult *r)
{
    for (unsigned i = 0; i < m->nresults; i++)
        if (!strcmp(m->results[i].pid, r->pid)) { m->results[i] = *r; return; }
    if (m->nresults == VW_GC_RESULTS) {
        memmove(m->results, m->results + 1, (VW_GC_RESULTS - 1) * sizeof m->results[0]);
        m->nresults--;
    }
    m->results[m->nresults++] = *r;
}

void vw_model_apply_gc(VwModel *m, const cJSON *r)
{
    const cJSON *type = get(r, "type");
    bool major = !cJSON_IsString(type) || strcmp(type->valuestring, "minor") != 0;
    const cJSON *arr = get(r, "procs"), *o;
    unsigned n = 0;
    uint64_t total = 0;
    cJSON_ArrayForEach(o, arr) {
        VwGcResult g;
        memset(&g, 0, sizeof g);
        str(o, "pid", g.pid, sizeof g.pid);
        g.major = major;
        gcfig(get(o, "before"), &g.before);
        gcfig(get(o, "after"), &g.after);
        g.reclaimed = u64(o, "reclaimed");
        g.at_ms = m->now_ms;
        keep_result(m, &g);
        n++;
        total += g.reclaimed;
    }
    if (n != 1) {
        m->have_all = true;
        m->all_major = major;
        m->all_procs = n;
        m->all_reclaimed = total;
        m->all_at_ms = m->now_ms;
    }
}

VwMsgKind vw_model_apply(VwModel *m, const cJSON *msg)
{
    if (!cJSON_IsObject(msg) || cJSON_IsFalse(get(msg, "ok"))) return VW_MSG_OTHER;
    const cJSON *push = get(msg, "push"), *schema = get(msg, "schema");
    if ((cJSON_IsString(push) && !strcmp(push->valuestring, "snapshot")) ||
        (cJSON_IsString(schema) && !strcmp(schema->valuestring, "heapscope-snapshot/1"))) {
        vw_model_apply_snapshot(m, msg);
        return VW_MSG_SNAPSHOT;
    }
    if (get(msg, "protocol")) { vw_model_apply_hello(m, msg); return VW_MSG_HELLO; }
    if (cJSON_IsArray(get(msg, "events"))) { vw_model_apply_events(m, msg); return VW_MSG_EVENTS; }
    if (cJSON_IsArray(get(msg, "procs"))) {
        if (get(msg, "type")) { vw_model_apply_gc(m, msg); return VW_MSG_GC; }
        vw_model_apply_procs(m, msg);
        return VW_MSG_PROCS;
    }
    if (cJSON_IsObject(get(msg, "proc"))) { vw_model_apply_proc(m, msg); return VW_MSG_PROC; }
    return VW_MSG_OTHER;
}

/* ---- the process table as shown ---------------------------------------------------------- */

static const char *const sort_names[VW_SORT_N] = {
    [VW_SORT_MEMORY] = "memory",  [VW_SORT_HEAP] = "heap",
    [VW_SORT_OLD_HEAP] = "old heap", [VW_SORT_MAILBOX] = "mailbox",
    [VW_SORT_REDUCTIONS] = "reductions", [VW_SORT_GCS] = "GCs",
    [VW_SORT_GROWTH] = "growth",  [VW_SORT_PID] = "pid",
};

const char *vw_sort_name(VwSort s) { return s < VW_SORT_N ? sort_names[s] : "?"; }

const char *vw_proc_label(const VwProc *p)
{
    if (p->name[0]) return p->name;
    if (p->initial_call[0]) return p->initial_call;
    return p->pid;
}

static double sort_key(const VwProc *p, VwSort s)
{
    switch (s) {
    case VW_SORT_MEMORY: return (double)p->memory_bytes;
    case VW_SORT_HEAP: return (double)p->heap_words;
    case VW_SORT_OLD_HEAP: return (double)p->old_heap_words;
    case VW_SORT_MAILBOX: return (double)p->mailbox;
    case VW_SORT_REDUCTIONS: return (double)p->reductions;
    case VW_SORT_GCS: return (double)(p->minor_gcs + p->major_gcs);
    case VW_SORT_GROWTH: return p->growth_wps;
    case VW_SORT_PID: case VW_SORT_N: break;
    }
    return -(double)p->pidnum; /* pid: the lowest first, like the others' biggest first */
}

typedef struct SortCtx { const VwModel *m; VwSort sort; bool reverse; } SortCtx;

static int view_cmp(const void *a, const void *b, void *ctx)
{
    const SortCtx *c = ctx;
    const VwProc *x = &c->m->procs[*(const size_t *)a], *y = &c->m->procs[*(const size_t *)b];
    double kx = sort_key(x, c->sort), ky = sort_key(y, c->sort);
    int r = kx > ky ? -1 : kx < ky ? 1 : 0;
    if (c->reverse) r = -r;
    if (r) return r;
    return x->pidnum < y->pidnum ? -1 : x->pidnum > y->pidnum; /* ties: stable by pid */
}

static bool matches(const VwProc *p, const char *filter)
{
    return !filter || !filter[0] || strcasestr(p->pid, filter) || strcasestr(p->name, filter) ||
           strcasestr(p->initial_call, filter);
}

size_t vw_model_view(const VwModel *m, VwSort sort, bool reverse, const char *filter,
                     size_t *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < m->nprocs && k < cap; i++)
        if (matches(&m->procs[i], filter)) out[k++] = i;
    SortCtx c = {m, sort, reverse};
    if (k > 1) qsort_r(out, k, sizeof *out, view_cmp, &c);
    return k;
}
