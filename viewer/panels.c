/*
 * panels.c — the six panels (draw.h): processes, process detail, GC log, ETS tables, send
 * sites that lose sharing, leak verdicts. Each paints into its rectangle of the grid.
 */
#include "draw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sparkline.h"
#include "units.h"

/* ---- shared bits ------------------------------------------------------------------------- */

static void heading(VwGrid *g, VwRect r, int y)
{
    vw_grid_fill(g, r.x, y, r.w, VW_A_COLHEAD, " ");
}

static void center_note(VwGrid *g, VwRect r, int y, const char *text)
{
    int w = vw_text_width(text);
    vw_grid_put(g, r.x + (r.w > w ? (r.w - w) / 2 : 0), y, r.w, VW_A_DIM, text);
}

/* One "name before→after" part of a before/after line; nothing when both are 0. */
static size_t fig_part(char *buf, size_t cap, const char *name, uint64_t b, uint64_t a,
                       const char *to)
{
    if (!b && !a) return 0;
    char x[VW_NUM_CAP], y[VW_NUM_CAP];
    int n = snprintf(buf, cap, "  %s %s%s%s", name, vw_fmt_count((double)b, x, sizeof x), to,
                     vw_fmt_count((double)a, y, sizeof y));
    return n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
}

/* "used 900→100 (-800)  heap 600→100  old 300→0": the used total (heap + old heap + fragments)
 * leads because it is what a GC shrinks (the young heap alone can grow in a major GC, which
 * merges the old heap and the fragments into it); parts that were and stay 0 are left out so
 * that the line fits 80 columns. */
static void before_after(char *buf, size_t cap, const VwGcFig *b, const VwGcFig *a,
                         uint64_t reclaimed, bool unicode)
{
    const char *to = vw_to(unicode);
    char x[3][VW_NUM_CAP];
    int n = snprintf(buf, cap, "used %s%s%s (-%s)",
                     vw_fmt_count((double)vw_gcfig_used(b), x[0], sizeof x[0]), to,
                     vw_fmt_count((double)vw_gcfig_used(a), x[1], sizeof x[1]),
                     vw_fmt_count((double)reclaimed, x[2], sizeof x[2]));
    size_t len = n < 0 ? 0 : (size_t)n < cap ? (size_t)n : cap - 1;
    len += fig_part(buf + len, cap - len, "heap", b->heap, a->heap, to);
    len += fig_part(buf + len, cap - len, "old", b->old_heap, a->old_heap, to);
    fig_part(buf + len, cap - len, "frag", b->mbuf, a->mbuf, to);
}

static bool result_fresh(const VwModel *m, const VwGcResult *r)
{
    return r && m->now_ms - r->at_ms < VW_RESULT_SHOW_MS;
}

/* A GC reason in at most 9 cells. */
static const char *short_reason(const char *r)
{
    return !strcmp(r, "fullsweep_after") ? "fullsweep" : r;
}

/* ---- processes --------------------------------------------------------------------------- */

typedef struct Col { const char *head; int w; int sort; } Col;

#define PID_W 10
static const Col pcols[] = {
    {"HEAP", 7, VW_SORT_HEAP},   {"OLD", 7, VW_SORT_OLD_HEAP}, {"STACK", 6, -1},
    {"FRAG", 5, -1},             {"MBOX", 5, VW_SORT_MAILBOX}, {"MEMORY", 7, VW_SORT_MEMORY},
    {"GCS", 8, VW_SORT_GCS},     {"REDS", 6, VW_SORT_REDUCTIONS}, {"GR", 3, VW_SORT_GROWTH},
};
#define NPCOLS (int)(sizeof pcols / sizeof pcols[0])

static int pcols_width(void)
{
    int w = 0;
    for (int i = 0; i < NPCOLS; i++) w += pcols[i].w;
    return w;
}

/* Column headings; the sorted one gets its arrow in the gap after it. */
static void procs_heading(VwGrid *g, VwRect r, int y, int name_w, const VwUi *ui)
{
    heading(g, r, y);
    const char *mark = ui->reverse ? (ui->unicode ? "▲" : "^") : (ui->unicode ? "▼" : "v");
    vw_grid_put(g, r.x + 1, y, PID_W - 1, VW_A_COLHEAD, "PID");
    if (ui->sort == VW_SORT_PID) vw_grid_put(g, r.x + 4, y, 1, VW_A_COLHEAD, mark);
    vw_grid_put(g, r.x + PID_W, y, name_w, VW_A_COLHEAD, "NAME");
    int x = r.x + PID_W + name_w;
    for (int i = 0; i < NPCOLS; i++) {
        vw_grid_put_right(g, x, y, pcols[i].w - 1, VW_A_COLHEAD, pcols[i].head);
        if (pcols[i].sort == (int)ui->sort)
            vw_grid_put(g, x + pcols[i].w - 1, y, 1, VW_A_COLHEAD, mark);
        x += pcols[i].w;
    }
}

static void proc_row(VwGrid *g, VwRect r, int y, int name_w, const VwProc *p, bool unicode,
                     VwAttr a)
{
    char v[8][VW_NUM_CAP], gcs[2 * VW_NUM_CAP];
    vw_grid_fill(g, r.x, y, r.w, a, " ");
    vw_grid_put(g, r.x + 1, y, PID_W - 1, a, p->pid);
    vw_grid_put(g, r.x + PID_W, y, name_w - 1, a, vw_proc_label(p));
    vw_fmt_count((double)p->minor_gcs, v[6], sizeof v[6]);
    vw_fmt_count((double)p->major_gcs, v[7], sizeof v[7]);
    snprintf(gcs, sizeof gcs, "%s/%s", v[6], v[7]);
    const char *cells[] = {
        vw_fmt_count((double)p->heap_words, v[0], sizeof v[0]),
        vw_fmt_count((double)p->old_heap_words, v[1], sizeof v[1]),
        vw_fmt_count((double)p->stack_words, v[2], sizeof v[2]),
        vw_fmt_count((double)p->mbuf_words, v[3], sizeof v[3]),
        vw_fmt_count((double)p->mailbox, v[4], sizeof v[4]),
        vw_fmt_bytes((double)p->memory_bytes, v[5], sizeof v[5]),
        gcs,
        vw_fmt_count((double)p->reductions, v[6], sizeof v[6]),
    };
    int x = r.x + PID_W + name_w;
    for (int i = 0; i < NPCOLS - 1; i++) {
        VwAttr va = a;
        if (i == 4 && p->mailbox >= 100 && a == VW_A_NORMAL) va = VW_A_WARN;
        vw_grid_put_right(g, x, y, pcols[i].w - 1, va, cells[i]);
        x += pcols[i].w;
    }
    VwAttr ga = a != VW_A_NORMAL ? a : p->growth_wps > 0 ? VW_A_WARN
                                   : p->growth_wps < 0 ? VW_A_GOOD : VW_A_DIM;
    vw_grid_put(g, x + 1, y, 1, ga, vw_arrow(p->growth_wps, unicode));
}

/* The before/after of a forced GC, on the line under its process's row. */
static void result_line(VwGrid *g, VwRect r, int y, const VwGcResult *res, bool unicode)
{
    char ba[200];
    before_after(ba, sizeof ba, &res->before, &res->after, res->reclaimed, unicode);
    vw_grid_printf(g, r.x + 2, y, r.w - 2, VW_A_GOOD, "%s %s GC: %s", unicode ? "└─" : "`-",
                   res->major ? "major" : "minor", ba);
}

void vw_draw_procs(VwGrid *g, VwRect r, const VwModel *m, VwUi *ui, bool focused)
{
    int name_w = r.w - PID_W - pcols_width();
    if (name_w < 6) name_w = 6;
    procs_heading(g, r, r.y, name_w, ui);
    size_t *v = m->nprocs ? malloc(m->nprocs * sizeof *v) : NULL;
    size_t n = v ? vw_model_view(m, ui->sort, ui->reverse, ui->filter, v, m->nprocs) : 0;
    if (!n) {
        center_note(g, r, r.y + 2, !m->nprocs ? (m->snapshots ? "no processes"
                                                               : "waiting for the first snapshot")
                                              : "no process matches the filter");
        free(v);
        return;
    }
    int sel = -1;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(m->procs[v[i]].pid, ui->selected)) sel = (int)i;
    const VwGcResult *res = sel >= 0 ? vw_model_result(m, ui->selected) : NULL;
    bool show_res = result_fresh(m, res);
    int rows = r.h - 1 - (show_res ? 1 : 0);
    int first = vw_scroll(ui, VW_PANEL_PROCS, sel < 0 ? 0 : sel, rows, (int)n);
    int y = r.y + 1;
    for (int i = first; i < (int)n && y < r.y + r.h; i++) {
        bool is_sel = i == sel;
        proc_row(g, r, y++, name_w, &m->procs[v[i]], ui->unicode,
                 is_sel ? (focused ? VW_A_SELECT : VW_A_BOLD) : VW_A_NORMAL);
        if (is_sel && show_res && y < r.y + r.h) result_line(g, r, y++, res, ui->unicode);
    }
    free(v);
}

/* ---- process detail ---------------------------------------------------------------------- */

static int detail_gcs(VwGrid *g, VwRect r, int y, const VwModel *m, const char *pid, bool uni)
{
    char a[VW_NUM_CAP], b[VW_NUM_CAP], c[VW_NUM_CAP], d[VW_NUM_CAP], e2[VW_NUM_CAP];
    int shown = 0;
    for (unsigned i = 0; y < r.y + r.h; i++) {
        const VwGcEvent *e = vw_model_gc_event(m, i);
        if (!e) break;
        if (strcmp(e->pid, pid) != 0) continue;
        vw_grid_printf(g, r.x + 1, y++, r.w - 1, VW_A_NORMAL,
                       "t %-7s %s %-9s %6s %s %-6s reclaimed %-6s pause %s",
                       vw_fmt_ms(e->t_ms, a, sizeof a), e->major ? "major" : "minor",
                       short_reason(e->reason),
                       vw_fmt_count((double)vw_gcfig_used(&e->before), b, sizeof b), vw_to(uni),
                       vw_fmt_count((double)vw_gcfig_used(&e->after), c, sizeof c),
                       vw_fmt_count((double)e->reclaimed, d, sizeof d),
                       vw_fmt_ms(e->duration_ms, e2, sizeof e2));
        shown++;
    }
    if (!shown && y < r.y + r.h)
        vw_grid_put(g, r.x + 1, y++, r.w - 1, VW_A_DIM, "no collection seen yet");
    return y;
}

static void detail_figures(VwGrid *g, VwRect r, int *y, const VwProc *p)
{
    char a[7][VW_NUM_CAP];
    if (p->have_extra)
        vw_grid_printf(g, r.x + 1, (*y)++, r.w - 1, VW_A_NORMAL,
                       "current %s  dict %llu  links %llu  monitors %llu  queue %s",
                       p->current[0] ? p->current : "?", (unsigned long long)p->dict_size,
                       (unsigned long long)p->links, (unsigned long long)p->monitors,
                       p->mq_data[0] ? p->mq_data : "?");
    else vw_grid_put(g, r.x + 1, (*y)++, r.w - 1, VW_A_DIM, "current ?  (fetching details)");
    vw_grid_printf(g, r.x + 1, (*y)++, r.w - 1, VW_A_NORMAL,
                   "heap %s/%s  old %s/%s  stack %s  frag %s  mailbox %llu  memory %s",
                   vw_fmt_count((double)p->heap_words, a[0], sizeof a[0]),
                   vw_fmt_count((double)p->heap_block_words, a[1], sizeof a[1]),
                   vw_fmt_count((double)p->old_heap_words, a[2], sizeof a[2]),
                   vw_fmt_count((double)p->old_heap_block_words, a[3], sizeof a[3]),
                   vw_fmt_count((double)p->stack_words, a[4], sizeof a[4]),
                   vw_fmt_count((double)p->mbuf_words, a[5], sizeof a[5]),
                   (unsigned long long)p->mailbox,
                   vw_fmt_bytes((double)p->memory_bytes, a[6], sizeof a[6]));
    vw_grid_printf(g, r.x + 1, (*y)++, r.w - 1, VW_A_NORMAL,
                   "GCs %llu minor %llu major  reclaimed %s  reductions %s  sends %s",
                   (unsigned long long)p->minor_gcs, (unsigned long long)p->major_gcs,
                   vw_fmt_count((double)p->gc_reclaimed_words, a[0], sizeof a[0]),
                   vw_fmt_count((double)p->reductions, a[1], sizeof a[1]),
                   vw_fmt_count((double)p->sends, a[2], sizeof a[2]));
}

/* The young and old heap of the last snapshots as sparklines, side by side. */
static void detail_sparks(VwGrid *g, VwRect r, int y, const VwProc *p, bool unicode)
{
    int half = (r.w - 2) / 2;
    char spark[VW_PHIST * 4 + 1], v[VW_NUM_CAP];
    const double *series[2] = {p->hist.v, p->hist.v2};
    const char *labels[2] = {"young", "old"};
    double last[2] = {(double)p->heap_words, (double)p->old_heap_words};
    for (int i = 0; i < 2; i++) {
        int x = r.x + 1 + i * half;
        vw_grid_put(g, x, y, 6, VW_A_BOLD, labels[i]);
        int sw = half - 15;
        vw_sparkline(series[i], p->hist.n, sw, unicode, spark, sizeof spark);
        vw_grid_put(g, x + 6, y, sw, VW_A_SPARK, spark);
        vw_grid_put(g, x + 7 + sw, y, 7, VW_A_NORMAL, vw_fmt_count(last[i], v, sizeof v));
    }
}

void vw_draw_detail(VwGrid *g, VwRect r, const VwModel *m, VwUi *ui)
{
    const char *pid = ui->selected;
    if (!pid[0]) { center_note(g, r, r.y + 2, "select a process (Enter) to see its detail"); return; }
    const VwProc *p = vw_model_proc(m, pid);
    heading(g, r, r.y);
    vw_grid_printf(g, r.x + 1, r.y, r.w - 1, VW_A_COLHEAD, "%s %s  %s", pid,
                   p ? p->name : "", p ? p->initial_call : "(not in the last snapshot: exited?)");
    int y = r.y + 1, bottom = r.y + r.h;
    if (p) detail_figures(g, r, &y, p);
    const VwGcResult *res = vw_model_result(m, pid);
    if (res && y < bottom) {
        char ba[200];
        before_after(ba, sizeof ba, &res->before, &res->after, res->reclaimed, ui->unicode);
        vw_grid_printf(g, r.x + 1, y++, r.w - 1, VW_A_GOOD, "forced %s GC: %s",
                       res->major ? "major" : "minor", ba);
    }
    if (p && y < bottom) detail_sparks(g, r, y++, p, ui->unicode);
    /* the heap chart: the agent's history of this process (since it was first seen) when we
     * have it, else what our snapshots saw */
    bool agent_hist = m->detail_n > 0 && !strcmp(m->detail_pid, pid);
    const double *hv = agent_hist ? m->detail_total : p ? p->total.v : NULL;
    size_t hn = agent_hist ? m->detail_n : p ? p->total.n : 0;
    int chart_h = (bottom - y - 2) / 2;
    if (chart_h > 8) chart_h = 8;
    if (hv && hn && chart_h >= 2) {
        double hi = 0;
        for (size_t i = 0; i < hn; i++) if (hv[i] > hi) hi = hv[i];
        char a[VW_NUM_CAP];
        vw_grid_printf(g, r.x + 1, y++, r.w - 1, VW_A_BOLD,
                       "total heap, words (max %s, %zu samples%s)",
                       vw_fmt_count(hi, a, sizeof a), hn, agent_hist ? " since spawn" : "");
        vw_chart(g, r.x + 1, y, r.w - 2, chart_h, hv, hn, ui->unicode, VW_A_SPARK);
        y += chart_h;
    }
    if (y < bottom) vw_grid_put(g, r.x + 1, y++, r.w - 1, VW_A_BOLD, "last GCs");
    detail_gcs(g, r, y, m, pid, ui->unicode);
}

/* ---- GC log ------------------------------------------------------------------------------ */

void vw_draw_gclog(VwGrid *g, VwRect r, const VwModel *m, VwUi *ui, bool focused)
{
    int nw = r.w - 67;
    if (nw < 6) nw = 6;
    heading(g, r, r.y);
    vw_grid_printf(g, r.x, r.y, r.w, VW_A_COLHEAD, "%8s %-9s %-*s %-5s %-9s %6s %6s %9s %7s",
                   "TIME", "PID", nw, "NAME", "TYPE", "REASON", "BEFORE", "AFTER", "RECLAIMED",
                   "PAUSE");
    if (!m->gclog_n) { center_note(g, r, r.y + 2, "no collection seen yet"); return; }
    int rows = r.h - 1, cur = ui->cursor[VW_PANEL_GC];
    int first = vw_scroll(ui, VW_PANEL_GC, cur, rows, (int)m->gclog_n);
    for (int i = first, y = r.y + 1; y < r.y + r.h; i++, y++) {
        const VwGcEvent *e = vw_model_gc_event(m, (unsigned)i);
        if (!e) break;
        const VwProc *p = vw_model_proc(m, e->pid);
        char t[VW_NUM_CAP], b[VW_NUM_CAP], a[VW_NUM_CAP], rc[VW_NUM_CAP], d[VW_NUM_CAP];
        VwAttr at = i == cur && focused ? VW_A_SELECT : VW_A_NORMAL;
        vw_grid_fill(g, r.x, y, r.w, at, " ");
        vw_grid_printf(g, r.x, y, r.w, at, "%8s %-9s %-*.*s %-5s %-9s %6s %6s %9s %7s",
                       vw_fmt_ms(e->t_ms, t, sizeof t), e->pid, nw, nw,
                       p ? vw_proc_label(p) : "", e->major ? "major" : "minor",
                       short_reason(e->reason),
                       vw_fmt_count((double)vw_gcfig_used(&e->before), b, sizeof b),
                       vw_fmt_count((double)vw_gcfig_used(&e->after), a, sizeof a),
                       vw_fmt_count((double)e->reclaimed, rc, sizeof rc),
                       vw_fmt_ms(e->duration_ms, d, sizeof d));
    }
}

/* ---- ETS --------------------------------------------------------------------------------- */

void vw_draw_ets(VwGrid *g, VwRect r, const VwModel *m, VwUi *ui, bool focused)
{
    int name_w = r.w - 67; /* the growth column takes 11 cells: a gap and "+19.2k/s ↑" */
    if (name_w < 8) name_w = 8;
    heading(g, r, r.y);
    vw_grid_printf(g, r.x, r.y, r.w, VW_A_COLHEAD, " %-*s %-13s %-9s %-9s %7s %6s %6s %10s",
                   name_w - 1, "TABLE", "TYPE", "ACCESS", "OWNER", "OBJECTS", "WORDS", "PEAK",
                   "GROWTH");
    if (!m->ntables) { center_note(g, r, r.y + 2, "no ETS tables"); return; }
    int rows = r.h - 1, cur = ui->cursor[VW_PANEL_ETS];
    int first = vw_scroll(ui, VW_PANEL_ETS, cur, rows, (int)m->ntables);
    for (int i = first, y = r.y + 1; i < (int)m->ntables && y < r.y + r.h; i++, y++) {
        const VwTable *t = &m->tables[i];
        char s[VW_NUM_CAP], w[VW_NUM_CAP], pk[VW_NUM_CAP], gr[VW_NUM_CAP], grow[32];
        VwAttr at = i == cur && focused ? VW_A_SELECT : VW_A_NORMAL;
        vw_fmt_count(t->growth_wps < 0 ? -t->growth_wps : t->growth_wps, gr, sizeof gr);
        snprintf(grow, sizeof grow, "%s%s/s %s", t->growth_wps < 0 ? "-" : "+", gr,
                 vw_arrow(t->growth_wps, ui->unicode));
        char name[80];
        if (t->name[0]) snprintf(name, sizeof name, "%s", t->name);
        else snprintf(name, sizeof name, "#%llu", (unsigned long long)t->id);
        vw_grid_fill(g, r.x, y, r.w, at, " ");
        vw_grid_printf(g, r.x, y, r.w, at, " %-*.*s %-13s %-9s %-9s %7s %6s %6s", name_w - 1,
                       name_w - 1, name, t->type, t->protection, t->owner,
                       vw_fmt_count((double)t->size, s, sizeof s),
                       vw_fmt_count((double)t->memory_words, w, sizeof w),
                       vw_fmt_count((double)t->peak_memory_words, pk, sizeof pk));
        VwAttr ga = at != VW_A_NORMAL ? at : t->growth_wps > 0 ? VW_A_WARN : VW_A_DIM;
        vw_grid_put_right(g, r.x + r.w - 11, y, 11, ga, grow);
    }
}

/* ---- sharing ----------------------------------------------------------------------------- */

void vw_draw_sharing(VwGrid *g, VwRect r, const VwModel *m, VwUi *ui, bool focused)
{
    char a[VW_NUM_CAP], b[VW_NUM_CAP], ratio[24];
    if (m->sharing_ratio > 0) snprintf(ratio, sizeof ratio, "%.2f", m->sharing_ratio);
    else snprintf(ratio, sizeof ratio, "-");
    vw_grid_printf(g, r.x + 1, r.y, r.w - 1, VW_A_BOLD,
                   "sends %s  copied %s words  flat/shared %s (threshold %.1f)  sites %llu",
                   vw_fmt_count((double)m->sends, a, sizeof a),
                   vw_fmt_count((double)m->flat_words, b, sizeof b), ratio,
                   m->sharing_threshold, (unsigned long long)m->sites_total);
    int site_w = r.w - 40;
    heading(g, r, r.y + 1);
    vw_grid_printf(g, r.x, r.y + 1, r.w, VW_A_COLHEAD, " %-*s %7s %7s %7s %6s %8s", site_w - 1,
                   "SEND SITE", "MSGS", "FLAT", "SAMPLED", "RATIO", "LOST");
    if (!m->nsites) { center_note(g, r, r.y + 3, "no sends seen yet"); return; }
    int rows = r.h - 2, cur = ui->cursor[VW_PANEL_SHARING];
    int first = vw_scroll(ui, VW_PANEL_SHARING, cur, rows, (int)m->nsites);
    for (int i = first, y = r.y + 2; i < (int)m->nsites && y < r.y + r.h; i++, y++) {
        const VwSite *s = &m->sites[i];
        char ms[VW_NUM_CAP], fl[VW_NUM_CAP], sa[VW_NUM_CAP], lo[VW_NUM_CAP], rt[24];
        if (s->ratio > 0) snprintf(rt, sizeof rt, "%.2f", s->ratio);
        else snprintf(rt, sizeof rt, "-");
        bool over = s->ratio > 0 && m->sharing_threshold > 0 && s->ratio >= m->sharing_threshold;
        VwAttr at = i == cur && focused ? VW_A_SELECT : over ? VW_A_WARN : VW_A_NORMAL;
        vw_grid_fill(g, r.x, y, r.w, at, " ");
        vw_grid_printf(g, r.x, y, r.w, at, " %-*.*s %7s %7s %7s %6s %8s", site_w - 1,
                       site_w - 1, s->where, vw_fmt_count((double)s->messages, ms, sizeof ms),
                       vw_fmt_count((double)s->flat_words, fl, sizeof fl),
                       vw_fmt_count((double)s->sampled, sa, sizeof sa), rt,
                       vw_fmt_count(s->lost_words, lo, sizeof lo));
    }
}

/* ---- leaks ------------------------------------------------------------------------------- */

static VwAttr verdict_attr(const VwVerdict *v)
{
    if (!strcmp(v->verdict, "leak")) return VW_A_BAD;
    if (!strcmp(v->verdict, "suspect")) return VW_A_WARN;
    return VW_A_GOOD;
}

static void evidence_line(VwGrid *g, VwRect r, int y, const VwVerdict *v, bool unicode)
{
    char a[VW_NUM_CAP], b[VW_NUM_CAP], c[VW_NUM_CAP];
    int x = r.x + 4, end = r.x + r.w;
    if (!strcmp(v->kind, "lost_sharing")) {
        vw_grid_printf(g, x, y, end - x, VW_A_NORMAL, "%s %.2f over %llu sampled messages",
                       v->metric, v->ratio, (unsigned long long)v->messages);
        return;
    }
    if (!strcmp(v->kind, "native")) {
        vw_grid_printf(g, x, y, end - x, VW_A_NORMAL, "%llu blocks, %s outstanding",
                       (unsigned long long)v->blocks, vw_fmt_bytes((double)v->bytes, a, sizeof a));
        return;
    }
    /* the fit's text is measured first: the sparkline gets what is left (at most one cell per
     * sample), so that the slope and r2 stay on the line at 80 columns */
    char fit[96] = "";
    if (v->has_fit)
        snprintf(fit, sizeof fit, " %s%s%s  %s%s/s  r2 %.2f",
                 vw_fmt_count((double)v->first_min, a, sizeof a), vw_to(unicode),
                 vw_fmt_count((double)v->last_min, b, sizeof b), v->slope_per_s < 0 ? "-" : "+",
                 vw_fmt_count(v->slope_per_s < 0 ? -v->slope_per_s : v->slope_per_s, c, sizeof c),
                 v->r2);
    x += vw_grid_printf(g, x, y, end - x, VW_A_NORMAL, "%s ", v->metric);
    int sw = end - x - vw_text_width(fit);
    if (sw > VW_VERDICT_SAMPLES) sw = VW_VERDICT_SAMPLES;
    if (sw < 4) sw = 4;
    char spark[VW_VERDICT_SAMPLES * 4 + 1];
    x += vw_sparkline(v->samples, v->nsamples, sw, unicode, spark, sizeof spark)
             ? vw_grid_put(g, x, y, end - x, VW_A_SPARK, spark) : 0;
    if (fit[0]) vw_grid_put(g, x, y, end - x, VW_A_NORMAL, fit);
}

/* The summary without its leading "<0.81.0> (request_log): " or "ETS table page_cache: " when
 * that names the headline's subject (its pid, or its table): the agent writes summaries to
 * stand alone, and on 80 columns the repeated name would push the figures off the line. */
static const char *summary_rest(const VwVerdict *v)
{
    const char *colon = strstr(v->summary, ": ");
    if (!colon || colon - v->summary > 120) return v->summary;
    const char *sub = v->subject;
    if (!strncmp(sub, "ets ", 4)) sub += 4;
    char key[64];
    size_t k = strcspn(sub, " ");
    if (!k || k >= sizeof key) return v->summary;
    memcpy(key, sub, k);
    key[k] = 0;
    const char *hit = strstr(v->summary, key);
    return hit && hit < colon ? colon + 2 : v->summary;
}

/* Rows one verdict takes: headline, summary, evidence, and its forced GC when there was one. */
static int verdict_rows(const VwVerdict *v) { return 3 + (v->has_gc ? 1 : 0); }

void vw_draw_leaks(VwGrid *g, VwRect r, const VwModel *m, VwUi *ui, bool focused)
{
    heading(g, r, r.y);
    vw_grid_printf(g, r.x + 1, r.y, r.w - 1, VW_A_COLHEAD, "%zu verdict%s", m->nverdicts,
                   m->nverdicts == 1 ? "" : "s");
    if (!m->nverdicts) { center_note(g, r, r.y + 2, "no leak verdicts"); return; }
    int cur = ui->cursor[VW_PANEL_LEAKS];
    /* scroll by whole verdicts: the first shown is the lowest that still shows the cursor */
    int first = ui->scroll[VW_PANEL_LEAKS];
    if (first > cur) first = cur;
    for (;;) {
        int h = 0;
        for (int i = first; i <= cur; i++) h += verdict_rows(&m->verdicts[i]);
        if (h <= r.h - 1 || first == cur) break;
        first++;
    }
    ui->scroll[VW_PANEL_LEAKS] = first;
    ui->page[VW_PANEL_LEAKS] = 1;
    int y = r.y + 1, bottom = r.y + r.h;
    for (int i = first; i < (int)m->nverdicts && y < bottom; i++) {
        const VwVerdict *v = &m->verdicts[i];
        VwAttr va = verdict_attr(v);
        if (i == cur && focused) vw_grid_fill(g, r.x, y, r.w, VW_A_SELECT, " ");
        char up[16];
        snprintf(up, sizeof up, "%s", v->verdict);
        for (char *c = up; *c; c++) *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
        int x = r.x + 1;
        x += vw_grid_printf(g, x, y, 13, i == cur && focused ? VW_A_SELECT : va, "%-12s", up);
        vw_grid_printf(g, x, y, r.x + r.w - x, i == cur && focused ? VW_A_SELECT : VW_A_BOLD,
                       "%-14s %s", v->kind, v->subject);
        if (++y >= bottom) break;
        vw_grid_put(g, r.x + 4, y, r.w - 4, VW_A_NORMAL, summary_rest(v));
        if (++y >= bottom) break;
        evidence_line(g, r, y, v, ui->unicode);
        y++;
        if (v->has_gc && y < bottom) {
            char ba[200];
            before_after(ba, sizeof ba, &v->gc_before, &v->gc_after, v->gc_reclaimed,
                         ui->unicode);
            vw_grid_printf(g, r.x + 4, y++, r.w - 4, VW_A_GOOD, "forced GC: %s", ba);
        }
    }
}
