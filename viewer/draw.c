/*
 * draw.c — the frame around the panels (draw.h): title, memory header with sparklines, GC and
 * sharing rates, tabs, status line, help, the small-terminal message, and the choice of panels
 * for the layout.
 */
#include "draw.h"

#include <stdio.h>
#include <string.h>

#include "sparkline.h"
#include "units.h"

const char *vw_arrow(double delta, bool unicode)
{
    if (delta > 0) return unicode ? "↑" : "^";
    if (delta < 0) return unicode ? "↓" : "v";
    return unicode ? "·" : "-";
}

const char *vw_to(bool unicode) { return unicode ? "→" : "->"; }

int vw_scroll(VwUi *ui, VwPanel p, int cursor, int rows, int n)
{
    int first = ui->scroll[p];
    if (rows < 1) rows = 1;
    if (cursor < first) first = cursor;
    if (cursor >= first + rows) first = cursor - rows + 1;
    if (first > n - rows) first = n - rows;
    if (first < 0) first = 0;
    ui->scroll[p] = first;
    ui->page[p] = rows;
    return first;
}

static void draw_title(VwGrid *g, VwRect r, const VwModel *m, const VwUi *ui)
{
    vw_grid_fill(g, r.x, r.y, r.w, VW_A_TITLE, " ");
    int x = vw_grid_put(g, r.x, r.y, r.w, VW_A_TITLE, " heapscope top  ");
    const char *prog = m->program[0] ? m->program : "(no runtime yet)";
    x += vw_grid_put(g, x, r.y, r.w - x, VW_A_BOLD, prog);
    if (m->os_pid) x += vw_grid_printf(g, x, r.y, r.w - x, VW_A_TITLE, "  os pid %d", m->os_pid);
    x += vw_grid_put(g, x, r.y, r.w - x, VW_A_TITLE, "  ");
    if (m->attached) x += vw_grid_put(g, x, r.y, r.w - x, VW_A_GOOD, "attached");
    else if (m->ever_attached) x += vw_grid_put(g, x, r.y, r.w - x, VW_A_BAD, "DETACHED");
    else x += vw_grid_put(g, x, r.y, r.w - x, VW_A_WARN, "not attached");
    x += vw_grid_printf(g, x, r.y, r.w - x, VW_A_TITLE, "  every %u ms  t %.1fs",
                        ui->interval_ms, m->time_ms / 1000.0);
    if (ui->paused) vw_grid_put(g, x + 2, r.y, r.w - x - 2, VW_A_WARN, "PAUSED");
}

static const char *const mem_labels[VW_MEM_N] = {"total", "processes", "ets", "binary", "atom",
                                                 "code"};

static void draw_memory(VwGrid *g, VwRect r, int per_row, const VwModel *m, const VwUi *ui)
{
    int cw = r.w / per_row;
    for (int i = 0; i < VW_MEM_N; i++) {
        int x = r.x + (i % per_row) * cw, y = r.y + i / per_row;
        char v[VW_NUM_CAP], spark[VW_HIST * 4 + 1];
        vw_grid_put(g, x + 1, y, 10, VW_A_BOLD, mem_labels[i]);
        vw_grid_put_right(g, x + 11, y, 6, VW_A_NORMAL,
                          vw_fmt_bytes((double)m->mem[i], v, sizeof v));
        double vals[VW_HIST];
        size_t n = vw_series_copy(&m->mem_hist[i], vals, VW_HIST);
        int sw = cw - 20;
        vw_sparkline(vals, n, sw, ui->unicode, spark, sizeof spark);
        vw_grid_put(g, x + 18, y, sw, VW_A_SPARK, spark);
    }
}

static int put_spark(VwGrid *g, int x, int y, int w, const VwSeries *s, bool unicode)
{
    double vals[VW_HIST];
    char spark[64];
    size_t n = vw_series_copy(s, vals, VW_HIST);
    int k = vw_sparkline(vals, n, w, unicode, spark, sizeof spark);
    vw_grid_put(g, x, y, w, VW_A_SPARK, spark);
    return k;
}

/* The rates line. Its texts are measured first and the two sparklines share what is left (at
 * most 8 cells each), so that the process count at its end is never cut off at 80 columns. */
static void draw_stats(VwGrid *g, VwRect r, const VwModel *m, const VwUi *ui)
{
    char a[VW_NUM_CAP], b[VW_NUM_CAP], t[5][64];
    uint64_t dropped = m->drops + m->push_dropped;
    int n[5];
    n[0] = snprintf(t[0], sizeof t[0], "GC %.1f/s ", m->gc_rate);
    n[1] = snprintf(t[1], sizeof t[1], "  p99 %s", vw_fmt_ms(m->pause_p99_ms, a, sizeof a));
    n[2] = snprintf(t[2], sizeof t[2], "  lost sharing %s w/s ",
                    vw_fmt_count(m->lost_wps, b, sizeof b));
    n[3] = snprintf(t[3], sizeof t[3], "  dropped %llu", (unsigned long long)dropped);
    n[4] = snprintf(t[4], sizeof t[4], "  procs %llu", (unsigned long long)m->processes_total);
    int y = r.y, x = r.x + 1, end = r.x + r.w;
    int sw = (end - x - n[0] - n[1] - n[2] - n[3] - n[4]) / 2;
    if (sw > 8) sw = 8;
    if (sw < 0) sw = 0;
    x += vw_grid_put(g, x, y, end - x, VW_A_NORMAL, t[0]);
    x += sw ? put_spark(g, x, y, sw, &m->gc_rate_hist, ui->unicode) : 0;
    x += vw_grid_put(g, x, y, end - x, VW_A_NORMAL, t[1]);
    x += vw_grid_put(g, x, y, end - x, m->lost_wps > 0 ? VW_A_WARN : VW_A_NORMAL, t[2]);
    x += sw ? put_spark(g, x, y, sw, &m->lost_hist, ui->unicode) : 0;
    x += vw_grid_put(g, x, y, end - x, dropped ? VW_A_WARN : VW_A_NORMAL, t[3]);
    vw_grid_put(g, x, y, end - x, VW_A_NORMAL, t[4]);
}

static void draw_tabs(VwGrid *g, VwRect r, const VwModel *m, const VwUi *ui)
{
    static const char *const names[VW_PANEL_N] = {"Processes", "Detail", "GC", "ETS",
                                                  "Sharing", "Leaks"};
    vw_grid_fill(g, r.x, r.y, r.w, VW_A_TAB, " ");
    int x = r.x;
    for (int i = 0; i < VW_PANEL_N; i++) {
        char t[48];
        if (i == VW_PANEL_LEAKS && m->nverdicts)
            snprintf(t, sizeof t, " %d %s (%zu) ", i + 1, names[i], m->nverdicts);
        else snprintf(t, sizeof t, " %d %s ", i + 1, names[i]);
        VwAttr a = (int)ui->panel == i ? VW_A_TAB_ON : VW_A_TAB;
        x += vw_grid_put(g, x, r.y, r.x + r.w - x, a, t);
    }
    char right[120];
    int n = snprintf(right, sizeof right, "sort %s%s ", vw_sort_name(ui->sort),
                     ui->reverse ? " (reversed)" : "");
    if (ui->filter[0])
        snprintf(right + n, sizeof right - (size_t)n, " filter \"%s\" ", ui->filter);
    int w = vw_text_width(right);
    if (x + 1 + w <= r.x + r.w) vw_grid_put(g, r.x + r.w - w, r.y, w, VW_A_TAB, right);
}

static void draw_status(VwGrid *g, VwRect r, const VwModel *m, const VwUi *ui)
{
    vw_grid_fill(g, r.x, r.y, r.w, VW_A_NORMAL, " ");
    if (ui->filtering) {
        vw_grid_printf(g, r.x, r.y, r.w, VW_A_WARN,
                       "filter: %s_   (Enter keeps it, Esc clears it)", ui->filter);
        return;
    }
    if (ui->status[0] && m->now_ms - ui->status_at_ms < VW_STATUS_SHOW_MS) {
        vw_grid_put(g, r.x, r.y, r.w, ui->status_attr, ui->status);
        return;
    }
    if (m->have_all && m->now_ms - m->all_at_ms < VW_RESULT_SHOW_MS) {
        char a[VW_NUM_CAP], b[VW_NUM_CAP];
        vw_grid_printf(g, r.x, r.y, r.w, VW_A_GOOD,
                       "GC all (%s): %u processes, reclaimed %s words (%s)",
                       m->all_major ? "major" : "minor", m->all_procs,
                       vw_fmt_count((double)m->all_reclaimed, a, sizeof a),
                       vw_fmt_bytes((double)m->all_reclaimed * 8, b, sizeof b));
        return;
    }
    if (!m->attached && m->ever_attached) {
        vw_grid_printf(g, r.x, r.y, r.w, VW_A_BAD,
                       "detached: the runtime went away; showing its last data, reattaching "
                       "when %s runs again", m->program[0] ? m->program : "it");
        return;
    }
    vw_grid_put(g, r.x, r.y, r.w, VW_A_DIM,
                "q quit ? help Tab panel Enter detail g/G gc A gc all s report p pause / filter");
}

static void draw_help(VwGrid *g, bool unicode)
{
    int n = 0, w = 0;
    while (vw_help_lines[n]) {
        int lw = vw_text_width(vw_help_lines[n]);
        if (lw > w) w = lw;
        n++;
    }
    w += 4;
    int h = n + 4, x = (g->cols - w) / 2, y = (g->rows - h) / 2;
    if (x < 0) x = 0;
    if (y < 0) y = 0;
    const char *hz = unicode ? "─" : "-", *vt = unicode ? "│" : "|";
    for (int i = 0; i < h; i++) {
        vw_grid_fill(g, x, y + i, w, VW_A_NORMAL, " ");
        vw_grid_put(g, x, y + i, 1, VW_A_DIM, vt);
        vw_grid_put(g, x + w - 1, y + i, 1, VW_A_DIM, vt);
    }
    vw_grid_fill(g, x, y, w, VW_A_DIM, hz);
    vw_grid_fill(g, x, y + h - 1, w, VW_A_DIM, hz);
    vw_grid_put(g, x, y, 1, VW_A_DIM, unicode ? "┌" : "+");
    vw_grid_put(g, x + w - 1, y, 1, VW_A_DIM, unicode ? "┐" : "+");
    vw_grid_put(g, x, y + h - 1, 1, VW_A_DIM, unicode ? "└" : "+");
    vw_grid_put(g, x + w - 1, y + h - 1, 1, VW_A_DIM, unicode ? "┘" : "+");
    vw_grid_put(g, x + 2, y, w - 4, VW_A_TITLE, " heapscope top: keys ");
    for (int i = 0; i < n; i++) vw_grid_put(g, x + 2, y + 1 + i, w - 4, VW_A_NORMAL,
                                            vw_help_lines[i]);
    vw_grid_put(g, x + 2, y + h - 2, w - 4, VW_A_DIM, "any key closes this help");
}

static void draw_too_small(VwGrid *g)
{
    char a[96], b[64];
    snprintf(a, sizeof a, "heapscope top needs at least %dx%d", VW_MIN_COLS, VW_MIN_ROWS);
    snprintf(b, sizeof b, "this terminal is %dx%d", g->cols, g->rows);
    const char *lines[] = {a, b, "enlarge it, or press q to quit"};
    int y = g->rows / 2 - 1;
    for (int i = 0; i < 3; i++) {
        int w = vw_text_width(lines[i]);
        int x = (g->cols - w) / 2;
        vw_grid_put(g, x < 0 ? 0 : x, y + i, g->cols, i == 0 ? VW_A_WARN : VW_A_NORMAL,
                    lines[i]);
    }
}

static void draw_panel(VwGrid *g, VwRect r, VwPanel p, const VwModel *m, VwUi *ui, bool focus)
{
    switch (p) {
    case VW_PANEL_PROCS: vw_draw_procs(g, r, m, ui, focus); break;
    case VW_PANEL_DETAIL: vw_draw_detail(g, r, m, ui); break;
    case VW_PANEL_GC: vw_draw_gclog(g, r, m, ui, focus); break;
    case VW_PANEL_ETS: vw_draw_ets(g, r, m, ui, focus); break;
    case VW_PANEL_SHARING: vw_draw_sharing(g, r, m, ui, focus); break;
    case VW_PANEL_LEAKS: vw_draw_leaks(g, r, m, ui, focus); break;
    case VW_PANEL_N: break;
    }
}

void vw_draw(VwGrid *g, const VwModel *m, VwUi *ui)
{
    vw_grid_clear(g);
    VwLayout l;
    vw_layout(&l, g->cols, g->rows);
    if (l.too_small) { draw_too_small(g); return; }
    draw_title(g, l.title, m, ui);
    draw_memory(g, l.memory, l.mem_per_row, m, ui);
    draw_stats(g, l.stats, m, ui);
    draw_tabs(g, l.tabs, m, ui);
    if (l.split) {
        /* processes always on the left; on the right the active panel, or the detail */
        VwPanel right = ui->panel == VW_PANEL_PROCS ? VW_PANEL_DETAIL : ui->panel;
        draw_panel(g, l.main, VW_PANEL_PROCS, m, ui, ui->panel == VW_PANEL_PROCS);
        for (int y = l.main.y; y < l.main.y + l.main.h; y++)
            vw_grid_put(g, l.main.x + l.main.w, y, 1, VW_A_DIM, ui->unicode ? "│" : "|");
        draw_panel(g, l.side, right, m, ui, ui->panel != VW_PANEL_PROCS);
        if (l.stacked) {
            VwPanel third = right == VW_PANEL_LEAKS ? VW_PANEL_GC : VW_PANEL_LEAKS;
            vw_grid_fill(g, l.main.x, l.below.y - 1, l.main.w, VW_A_DIM, ui->unicode ? "─" : "-");
            vw_grid_put(g, l.main.x + 2, l.below.y - 1, l.main.w - 2, VW_A_TITLE,
                        third == VW_PANEL_LEAKS ? " leaks " : " GC log ");
            draw_panel(g, l.below, third, m, ui, false);
        }
    } else {
        draw_panel(g, l.main, ui->panel, m, ui, true);
    }
    draw_status(g, l.status, m, ui);
    if (ui->help) draw_help(g, ui->unicode);
}
