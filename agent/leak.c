#include "leak.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atom.h"

#define AG_MAX_KEPT_VERDICTS 1024
#define AG_MAX_NATIVE_GROUPS 32

const char *ag_leak_kind_name(AgLeakKind k)
{
    switch (k) {
    case AG_LEAK_PROCESS_STATE: return "process_state";
    case AG_LEAK_ETS_TABLE: return "ets_table";
    case AG_LEAK_MAILBOX: return "mailbox";
    case AG_LEAK_BINARY: return "binary";
    case AG_LEAK_LOST_SHARING: return "lost_sharing";
    case AG_LEAK_NATIVE: return "native";
    }
    return "unknown";
}

const char *ag_verdict_name(AgVerdictLevel v)
{
    switch (v) {
    case AG_VERDICT_LEAK: return "leak";
    case AG_VERDICT_SUSPECT: return "suspect";
    case AG_VERDICT_PSEUDO_LEAK: return "pseudo_leak";
    }
    return "unknown";
}

static AgTrendConfig trend(unsigned min_points, double r2, double rel, uint64_t abs_growth)
{
    AgTrendConfig t = { .windows = 6, .min_points = min_points, .min_r2 = r2,
                        .min_rel_growth = rel, .tail_fraction = 0.15, .min_abs_growth = abs_growth,
                        .min_span_ms = 500 };
    return t;
}

void ag_leak_config_default(AgLeakConfig *c)
{
    memset(c, 0, sizeof *c);
    c->live = trend(4, 0.6, 0.25, 1000);
    c->heap = trend(6, 0.5, 0.25, 2000);
    c->mailbox = trend(6, 0.6, 0.5, 100);
    c->ets_size = trend(6, 0.6, 0.25, 100);
    c->ets_memory = trend(6, 0.6, 0.25, 1000);
    c->force_gc = true;
    c->force_interval_ms = 500;
    c->max_forced_per_scan = 4;
    c->pseudo_fraction = 0.5;
    c->bin_min_words = 16384;          /* 128 KiB of referenced refc binaries */
    c->bin_free_fraction = 0.5;
    c->lost_sharing_ratio = 4.0;
    c->site_min_flat_words = 10000;
    c->site_min_messages = 10;
}

/* ---- the trend test ---- */

bool ag_leak_trend(const AgSeries *s, const AgTrendConfig *c, AgFit *fit)
{
    memset(fit, 0, sizeof *fit);
    unsigned n = s->n;
    fit->points = n;
    unsigned g = c->windows < n ? c->windows : n;
    fit->groups = g;
    if (n < c->min_points || g < 3 || n == 0) return false;
    if (s->pts[n - 1].t_ns - s->pts[0].t_ns < c->min_span_ms * 1000000u) return false;
    double mins[64], ts[64];
    if (g > 64) g = 64;
    double t0 = (double)s->pts[0].t_ns;
    for (unsigned k = 0; k < g; k++) {
        unsigned lo = k * n / g, hi = (k + 1) * n / g;
        uint64_t m = UINT64_MAX;
        double tsum = 0;
        for (unsigned i = lo; i < hi; i++) {
            if (s->pts[i].v < m) m = s->pts[i].v;
            tsum += ((double)s->pts[i].t_ns - t0) / 1e9;
        }
        mins[k] = (double)m;
        ts[k] = tsum / (double)(hi - lo);
    }
    /* least squares of the minima over time */
    double mt = 0, mv = 0;
    for (unsigned k = 0; k < g; k++) { mt += ts[k]; mv += mins[k]; }
    mt /= g; mv /= g;
    double sxx = 0, sxy = 0, syy = 0;
    for (unsigned k = 0; k < g; k++) {
        sxx += (ts[k] - mt) * (ts[k] - mt);
        sxy += (ts[k] - mt) * (mins[k] - mv);
        syy += (mins[k] - mv) * (mins[k] - mv);
    }
    fit->slope_per_s = sxx > 0 ? sxy / sxx : 0;
    fit->r2 = (sxx > 0 && syy > 0) ? (sxy * sxy) / (sxx * syy) : 0;
    fit->first_min = (uint64_t)mins[0];
    fit->last_min = (uint64_t)mins[g - 1];
    double rise = mins[g - 1] - mins[0];
    /* the rise over the last third of the groups (at least the last step) */
    unsigned tail_from = g - 1 - (g / 3 > 1 ? g / 3 : 1);
    fit->tail_share = rise > 0 ? (mins[g - 1] - mins[tail_from]) / rise : 0;
    if (rise <= 0 || fit->slope_per_s <= 0) return false;
    if (fit->r2 < c->min_r2) return false;
    if (rise < (double)c->min_abs_growth) return false;
    if (rise < c->min_rel_growth * mins[0]) return false;
    if (fit->tail_share < c->tail_fraction) return false;
    fit->growing = true;
    return true;
}

/* ---- verdict lists ---- */

void ag_verdicts_clear(AgVerdictList *l) { l->n = 0; }

void ag_verdicts_free(AgStore *st, AgVerdictList *l)
{
    if (st) ag_store_release(st, l->v, l->cap * sizeof *l->v);
    else free(l->v);
    l->v = NULL; l->n = l->cap = 0;
}

static AgVerdict *verdict_add(AgStore *st, AgVerdictList *l)
{
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 16;
        AgVerdict *nv = ag_store_calloc(st, ncap, sizeof *nv);
        if (!nv) return NULL;
        if (l->n) memcpy(nv, l->v, l->n * sizeof *nv);
        ag_store_release(st, l->v, l->cap * sizeof *l->v);
        l->v = nv; l->cap = ncap;
    }
    AgVerdict *v = &l->v[l->n++];
    memset(v, 0, sizeof *v);
    v->registered_name = v->mod = v->fun = v->table_name = v->owner = NIL;
    v->site.module = v->site.function = NIL;
    return v;
}

static const char *atom_text(Term a, char *buf, size_t cap)
{
    if (a == NIL || !term_is_atom(a)) { snprintf(buf, cap, "?"); return buf; }
    size_t len = 0;
    const char *s = atom_name(a, &len);
    snprintf(buf, cap, "%.*s", (int)(len < 120 ? len : 120), s ? s : "?");
    return buf;
}

static void proc_subject(AgVerdict *v, const AgProc *p)
{
    v->pid = p->pid; v->has_pid = true;
    v->registered_name = p->registered_name;
    v->mod = p->mod; v->fun = p->fun; v->arity = p->arity;
}

static const char *proc_label(const AgProc *p, char *buf, size_t cap)
{
    char a[128], b[128];
    if (p->registered_name != NIL && term_is_atom(p->registered_name))
        snprintf(buf, cap, "<0.%" PRIu64 ".0> (%s)", p->pid,
                 atom_text(p->registered_name, a, sizeof a));
    else if (p->mod != NIL)
        snprintf(buf, cap, "<0.%" PRIu64 ".0> (%s:%s/%u)", p->pid, atom_text(p->mod, a, sizeof a),
                 atom_text(p->fun, b, sizeof b), p->arity);
    else snprintf(buf, cap, "<0.%" PRIu64 ".0>", p->pid);
    return buf;
}

/* ---- judging ---- */

static bool judge_proc(AgStore *st, const AgProc *p, const AgLeakConfig *c, uint64_t now,
                       AgVerdictList *out)
{
    char who[300];
    AgFit fit;
    const AgProcSeries *ps = ag_proc_series(p);
    if (ag_leak_trend(&ps->live_major, &c->live, &fit)) {
        AgVerdict *v = verdict_add(st, out);
        if (!v) return false;
        v->kind = AG_LEAK_PROCESS_STATE; v->level = AG_VERDICT_LEAK; v->time_ns = now;
        proc_subject(v, p);
        v->metric = "live_words_after_major"; v->fit = fit; v->samples = ps->live_major;
        v->has_gc = ps->has_forced; v->gc = ps->last_forced;
        snprintf(v->summary, sizeof v->summary,
                 "%s: live words after major GCs grew from %" PRIu64 " to %" PRIu64 " (R2 %.2f)",
                 proc_label(p, who, sizeof who), fit.first_min, fit.last_min, fit.r2);
    } else if (ps->pseudo_found) {
        AgVerdict *v = verdict_add(st, out);
        if (!v) return false;
        v->kind = AG_LEAK_PROCESS_STATE; v->level = AG_VERDICT_PSEUDO_LEAK; v->time_ns = now;
        proc_subject(v, p);
        ag_leak_trend(&ps->total_heap, &c->heap, &fit);
        v->metric = "total_heap_words"; v->fit = fit; v->samples = ps->total_heap;
        v->has_gc = true; v->gc = ps->pseudo_gc;
        snprintf(v->summary, sizeof v->summary,
                 "%s: total heap grew by %" PRIu64 " words but a forced fullsweep gave back %"
                 PRIu64 " (garbage, not a leak)",
                 proc_label(p, who, sizeof who), ps->pseudo_growth, (uint64_t)ps->pseudo_gc.reclaimed);
    }
    if (ag_leak_trend(&ps->mailbox, &c->mailbox, &fit)) {
        AgVerdict *v = verdict_add(st, out);
        if (!v) return false;
        v->kind = AG_LEAK_MAILBOX; v->level = AG_VERDICT_LEAK; v->time_ns = now;
        proc_subject(v, p);
        v->metric = "message_queue_len"; v->fit = fit; v->samples = ps->mailbox;
        snprintf(v->summary, sizeof v->summary,
                 "%s: message queue grew from %" PRIu64 " to %" PRIu64 " messages (R2 %.2f)",
                 proc_label(p, who, sizeof who), fit.first_min, fit.last_min, fit.r2);
    }
    if (ps->bin_found) {
        AgVerdict *v = verdict_add(st, out);
        if (!v) return false;
        v->kind = AG_LEAK_BINARY; v->level = AG_VERDICT_SUSPECT; v->time_ns = now;
        proc_subject(v, p);
        v->metric = "bin_vheap_words"; v->samples = ps->bin_vheap;
        ag_leak_trend(&ps->bin_vheap, &c->heap, &v->fit);
        v->has_gc = true; v->gc = ps->bin_gc;
        uint64_t b = ps->bin_gc.before.bin_vheap_size + ps->bin_gc.before.bin_old_vheap_size;
        uint64_t a = ps->bin_gc.after.bin_vheap_size + ps->bin_gc.after.bin_old_vheap_size;
        snprintf(v->summary, sizeof v->summary,
                 "%s: held %" PRIu64 " words of refc binaries; a forced GC left %" PRIu64,
                 proc_label(p, who, sizeof who), b, a);
    }
    return true;
}

static bool judge_table(AgStore *st, const AgTable *t, const AgLeakConfig *c, uint64_t now,
                        AgVerdictList *out)
{
    AgFit fs, fm;
    bool gs = ag_leak_trend(&t->size_s, &c->ets_size, &fs);
    bool gm = ag_leak_trend(&t->memory_s, &c->ets_memory, &fm);
    if (!gs || !gm) return true;
    AgVerdict *v = verdict_add(st, out);
    if (!v) return false;
    v->kind = AG_LEAK_ETS_TABLE; v->level = AG_VERDICT_LEAK; v->time_ns = now;
    v->table_id = t->id; v->table_name = t->name; v->owner = t->owner;
    v->metric = "size"; v->fit = fs; v->samples = t->size_s;
    v->metric2 = "memory_words"; v->fit2 = fm; v->samples2 = t->memory_s;
    char nm[128];
    snprintf(v->summary, sizeof v->summary,
             "ETS table %s: size grew from %" PRIu64 " to %" PRIu64 ", memory from %" PRIu64
             " to %" PRIu64 " words", atom_text(t->name, nm, sizeof nm), fs.first_min,
             fs.last_min, fm.first_min, fm.last_min);
    return true;
}

static bool judge_site(AgStore *st, const AgSite *s, const AgLeakConfig *c, uint64_t now,
                       AgVerdictList *out)
{
    if (s->other || s->sampled < c->site_min_messages || s->sampled_shared == 0) return true;
    if (s->flat_words < c->site_min_flat_words) return true;
    double ratio = (double)s->sampled_flat / (double)s->sampled_shared;
    if (ratio < c->lost_sharing_ratio) return true;
    AgVerdict *v = verdict_add(st, out);
    if (!v) return false;
    v->kind = AG_LEAK_LOST_SHARING; v->level = AG_VERDICT_SUSPECT; v->time_ns = now;
    v->site = s->site;
    v->metric = "flat_shared_ratio";
    v->messages = s->messages; v->flat_words = s->sampled_flat; v->shared_words = s->sampled_shared;
    v->ratio = ratio;
    char m[128], f[128];
    snprintf(v->summary, sizeof v->summary,
             "send at %s:%s/%u line %u copies %.1fx its shared size (%" PRIu64 " messages)",
             atom_text(s->site.module, m, sizeof m), atom_text(s->site.function, f, sizeof f),
             s->site.arity, s->site.line, ratio, s->messages);
    return true;
}

typedef struct NativeGroup { uint64_t stack_id; NativeKind kind; uint64_t blocks, bytes; } NativeGroup;

static int group_cmp(const void *a, const void *b)
{
    const NativeGroup *x = a, *y = b;
    return x->bytes < y->bytes ? 1 : x->bytes > y->bytes ? -1 : 0;
}

static bool judge_native(AgStore *st, uint64_t now, AgVerdictList *out)
{
    size_t cap = 256, n = 0;
    NativeGroup *g = calloc(cap, sizeof *g);
    if (!g) { st->alloc_failures++; return false; }
    size_t it = 0;
    AgNativeBlock *b;
    while ((b = ag_map_next(&st->native, &it))) {
        size_t k = 0;
        while (k < n && !(g[k].stack_id == b->stack_id && g[k].kind == b->kind)) k++;
        if (k == n) {
            if (n == cap) {
                NativeGroup *ng = realloc(g, cap * 2 * sizeof *g);
                if (!ng) { st->alloc_failures++; break; }
                g = ng; cap *= 2;
            }
            g[n] = (NativeGroup){ b->stack_id, b->kind, 0, 0 };
            n++;
        }
        g[k].blocks++;
        g[k].bytes += b->bytes;
    }
    qsort(g, n, sizeof *g, group_cmp);
    bool ok = true;
    for (size_t k = 0; k < n && k < AG_MAX_NATIVE_GROUPS; k++) {
        AgVerdict *v = verdict_add(st, out);
        if (!v) { ok = false; break; }
        v->kind = AG_LEAK_NATIVE; v->level = AG_VERDICT_SUSPECT; v->time_ns = now;
        v->stack_id = g[k].stack_id; v->native_kind = g[k].kind;
        v->metric = "outstanding_bytes";
        v->blocks = g[k].blocks; v->bytes = g[k].bytes;
        snprintf(v->summary, sizeof v->summary,
                 "%" PRIu64 " native blocks (%" PRIu64 " bytes) still allocated at exit",
                 g[k].blocks, g[k].bytes);
    }
    free(g);
    return ok;
}

static int verdict_cmp(const void *a, const void *b)
{
    const AgVerdict *x = a, *y = b;
    if (x->level != y->level) return (int)x->level - (int)y->level;
    if (x->kind != y->kind) return (int)x->kind - (int)y->kind;
    if (x->pid != y->pid) return x->pid < y->pid ? -1 : 1;
    if (x->table_id != y->table_id) return x->table_id < y->table_id ? -1 : 1;
    return 0;
}

bool ag_leak_judge(AgStore *st, const AgLeakConfig *c, bool run_finished, uint64_t now_ns,
                   AgVerdictList *out)
{
    ag_verdicts_clear(out);
    bool ok = true;
    size_t it = 0;
    AgProc *p;
    while (ok && (p = ag_map_next(&st->procs, &it))) ok = judge_proc(st, p, c, now_ns, out);
    AgTable *t;
    it = 0;
    while (ok && (t = ag_map_next(&st->tables, &it))) ok = judge_table(st, t, c, now_ns, out);
    AgSite *s;
    it = 0;
    while (ok && (s = ag_map_next(&st->sites, &it))) ok = judge_site(st, s, c, now_ns, out);
    if (ok && run_finished) ok = judge_native(st, now_ns, out);
    if (st->kept) {
        for (size_t i = 0; ok && i < st->kept->n; i++) {
            AgVerdict *v = verdict_add(st, out);
            if (!v) { ok = false; break; }
            *v = st->kept->v[i];
        }
    }
    if (out->n > 1) qsort(out->v, out->n, sizeof *out->v, verdict_cmp);
    return ok;
}

/* ---- keeping the verdicts of what the store forgets ---- */

static AgLeakConfig installed;

static void on_evict(AgStore *st, const AgProc *p, const AgTable *t)
{
    if (!st->kept) {
        st->kept = ag_store_calloc(st, 1, sizeof *st->kept);
        if (!st->kept) return;
    }
    if (st->kept->n >= AG_MAX_KEPT_VERDICTS) return;
    uint64_t now = p ? st->last_event_ns : t->end_ns;   /* p's exit, or an event after it */
    if (p) judge_proc(st, p, &installed, now, st->kept);
    if (t) judge_table(st, t, &installed, now, st->kept);
}

void ag_leak_install(const AgLeakConfig *c)
{
    installed = *c;
    ag_store_evict_hook = on_evict;
}

/* ---- the periodic scan that forces GCs ---- */

static Uint blocks(const GcInfo *g)
{
    return g->heap_block_size + g->old_heap_block_size + g->mbuf_size;
}

static Uint bin_words(const GcInfo *g) { return g->bin_vheap_size + g->bin_old_vheap_size; }

unsigned ag_leak_scan(AgStore *st, const AgentHost *host, const AgLeakConfig *c, uint64_t now_ns)
{
    if (!c->force_gc || !host || !host->force_gc) return 0;
    unsigned forced = 0;
    size_t it = 0;
    AgProc *p;
    uint64_t interval = (uint64_t)c->force_interval_ms * 1000000u;
    while (forced < c->max_forced_per_scan && (p = ag_map_next(&st->procs, &it))) {
        if (!p->alive || !p->sampled) continue;
        const AgProcSeries *rs = ag_proc_series(p);
        if (rs->forced_count && now_ns - rs->last_forced_ns < interval) continue;
        AgFit fit;
        bool heap_grows = ag_leak_trend(&rs->total_heap, &c->heap, &fit);
        bool bins = !rs->bin_found && bin_words(&p->last.gc) >= c->bin_min_words;
        if (!heap_grows && !bins) continue;
        AgProcSeries *ps = ag_proc_series_get(st, p);   /* the state's and evidence's home */
        if (!ps) continue;
        AgForcedGc g = { .t_ns = now_ns };
        ps->last_forced_ns = now_ns;
        ps->forced_count++;
        forced++;
        if (!host->force_gc(host->ctx, make_pid(p->pid), true, &g.before, &g.after, &g.reclaimed))
            continue;   /* it exited meanwhile */
        ps->has_forced = true;
        ps->last_forced = g;
        if (heap_grows) {
            Uint before = blocks(&g.before), after = blocks(&g.after);
            uint64_t growth = before > fit.first_min ? before - fit.first_min : 0;
            uint64_t freed = before > after ? before - after : 0;
            if (growth > 0 && (double)freed >= c->pseudo_fraction * (double)growth) {
                ps->pseudo_found = true;
                ps->pseudo_gc = g;
                ps->pseudo_growth = growth;
            }
        }
        if (bins) {
            Uint before = bin_words(&g.before), after = bin_words(&g.after);
            if (before >= c->bin_min_words && before > after &&
                (double)(before - after) >= c->bin_free_fraction * (double)before) {
                ps->bin_found = true;
                ps->bin_gc = g;
            }
        }
    }
    return forced;
}
