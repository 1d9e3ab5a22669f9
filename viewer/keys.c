/*
 * keys.c — key bindings (ui.h): single key presses change the UI state or ask the loop for a
 * command; nothing here talks to the runtime or the terminal.
 *
 *   Up/Down j/k, PgUp/PgDn, Home/End   move the selection      Tab, Shift-Tab, 1..6  panels
 *   Enter  detail of the selection      Esc  back / clear filter  /  filter   o < >  sort  r  reverse
 *   g  minor GC   G  major GC   A  GC all   s  save report   p  pause   + -  interval   ?  help
 *   q  quit
 */
#include "ui.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const panel_names[VW_PANEL_N] = {
    [VW_PANEL_PROCS] = "processes", [VW_PANEL_DETAIL] = "detail", [VW_PANEL_GC] = "gc",
    [VW_PANEL_ETS] = "ets", [VW_PANEL_SHARING] = "sharing", [VW_PANEL_LEAKS] = "leaks",
};

const char *const vw_help_lines[] = {
    "Up Down j k   select a row           PgUp PgDn Home End  move faster",
    "Tab S-Tab 1-6 next / previous panel  Enter  detail of the selected process",
    "o < >         sort column            r      reverse the sort",
    "/             filter processes       Esc    clear the filter / back",
    "g             minor GC of selection  G      major GC of selection",
    "A             major GC of all        s      save a JSON report",
    "p             pause / resume         + -    slower / faster updates",
    "?             this help              q      quit",
    NULL,
};

static const unsigned intervals[] = {100, 200, 500, 1000, 2000, 5000, 10000};
#define NINTERVALS (sizeof intervals / sizeof intervals[0])

const char *vw_panel_name(VwPanel p) { return p < VW_PANEL_N ? panel_names[p] : "?"; }

VwPanel vw_panel_parse(const char *name)
{
    for (int i = 0; i < VW_PANEL_N; i++)
        if (!strcmp(name, panel_names[i])) return (VwPanel)i;
    if (!strcmp(name, "procs")) return VW_PANEL_PROCS;
    return VW_PANEL_N;
}

void vw_ui_init(VwUi *ui, unsigned interval_ms, bool unicode, bool color)
{
    memset(ui, 0, sizeof *ui);
    ui->interval_ms = interval_ms;
    ui->unicode = unicode;
    ui->color = color;
    ui->sort = VW_SORT_MEMORY;
    for (int i = 0; i < VW_PANEL_N; i++) ui->page[i] = 10;
}

void vw_ui_status(VwUi *ui, const VwModel *m, VwAttr a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ui->status, sizeof ui->status, fmt, ap);
    va_end(ap);
    ui->status_attr = a;
    ui->status_at_ms = m->now_ms;
}

/* The processes as the table shows them (malloc'd; NULL when there are none). */
static size_t *view_of(const VwUi *ui, const VwModel *m, size_t *n)
{
    *n = 0;
    if (!m->nprocs) return NULL;
    size_t *v = malloc(m->nprocs * sizeof *v);
    if (v) *n = vw_model_view(m, ui->sort, ui->reverse, ui->filter, v, m->nprocs);
    return v;
}

static long index_of(const VwModel *m, const size_t *v, size_t n, const char *pid)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(m->procs[v[i]].pid, pid)) return (long)i;
    return -1;
}

void vw_ui_sync(VwUi *ui, const VwModel *m)
{
    if (ui->panel == VW_PANEL_DETAIL && ui->selected[0]) return;
    size_t n;
    size_t *v = view_of(ui, m, &n);
    if (index_of(m, v, n, ui->selected) < 0) {
        if (n) snprintf(ui->selected, sizeof ui->selected, "%s", m->procs[v[0]].pid);
        else if (!m->nprocs) ui->selected[0] = 0;
    }
    free(v);
}

static int clamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

/* Rows of the list panels other than processes. */
static int rows_of(const VwModel *m, VwPanel p)
{
    switch (p) {
    case VW_PANEL_GC: return (int)m->gclog_n;
    case VW_PANEL_ETS: return (int)m->ntables;
    case VW_PANEL_SHARING: return (int)m->nsites;
    case VW_PANEL_LEAKS: return (int)m->nverdicts;
    default: return 0;
    }
}

/* Moves the process selection by delta rows of the view (INT_MIN/INT_MAX: first/last). */
static void move_proc(VwUi *ui, const VwModel *m, int delta)
{
    size_t n;
    size_t *v = view_of(ui, m, &n);
    if (n) {
        long i = index_of(m, v, n, ui->selected);
        long j = i < 0 ? 0 : clamp((int)i + delta, 0, (int)n - 1);
        if (delta == -1000000) j = 0;
        if (delta == 1000000) j = (long)n - 1;
        snprintf(ui->selected, sizeof ui->selected, "%s", m->procs[v[j]].pid);
    }
    free(v);
}

static void move(VwUi *ui, const VwModel *m, int delta)
{
    if (ui->panel == VW_PANEL_PROCS || ui->panel == VW_PANEL_DETAIL) {
        move_proc(ui, m, delta);
        return;
    }
    int n = rows_of(m, ui->panel);
    int c = delta == -1000000 ? 0 : delta == 1000000 ? n - 1 : ui->cursor[ui->panel] + delta;
    ui->cursor[ui->panel] = clamp(c, 0, n > 0 ? n - 1 : 0);
}

/* The pid the selected row of a list panel is about ("" when none). */
static const char *row_pid(const VwUi *ui, const VwModel *m)
{
    int c = ui->cursor[ui->panel];
    if (ui->panel == VW_PANEL_GC) {
        const VwGcEvent *e = vw_model_gc_event(m, (unsigned)c);
        return e ? e->pid : "";
    }
    if (ui->panel == VW_PANEL_ETS && c < (int)m->ntables) return m->tables[c].owner;
    if (ui->panel == VW_PANEL_LEAKS && c < (int)m->nverdicts &&
        !strncmp(m->verdicts[c].subject, "<0.", 3)) {
        static char pid[24];
        snprintf(pid, sizeof pid, "%.*s", (int)strcspn(m->verdicts[c].subject, " "),
                 m->verdicts[c].subject);
        return pid;
    }
    return "";
}

static VwCmd enter(VwUi *ui, const VwModel *m)
{
    if (ui->panel != VW_PANEL_PROCS) {
        const char *pid = row_pid(ui, m);
        if (!pid[0]) return VW_CMD_NONE;
        snprintf(ui->selected, sizeof ui->selected, "%s", pid);
    }
    if (!ui->selected[0]) return VW_CMD_NONE;
    ui->panel = VW_PANEL_DETAIL;
    return VW_CMD_DETAIL;
}

static VwCmd filter_key(VwUi *ui, const VwModel *m, int key)
{
    size_t len = strlen(ui->filter);
    if (key == VW_KEY_ENTER) ui->filtering = false;
    else if (key == VW_KEY_ESC) { ui->filtering = false; ui->filter[0] = 0; }
    else if (key == VW_KEY_BACKSPACE) { if (len) ui->filter[len - 1] = 0; }
    else if (key >= 0x20 && key < 0x7f && len + 1 < sizeof ui->filter) {
        ui->filter[len] = (char)key;
        ui->filter[len + 1] = 0;
    } else if (key == VW_KEY_UP || key == VW_KEY_DOWN) {
        move(ui, m, key == VW_KEY_UP ? -1 : 1);
        return VW_CMD_REDRAW;
    } else return VW_CMD_NONE;
    vw_ui_sync(ui, m);
    return VW_CMD_REDRAW;
}

static VwCmd set_interval(VwUi *ui, const VwModel *m, int dir)
{
    size_t i = 0;
    while (i + 1 < NINTERVALS && intervals[i] < ui->interval_ms) i++;
    if (dir > 0 && intervals[i] <= ui->interval_ms && i + 1 < NINTERVALS) i++;
    else if (dir < 0 && i > 0) i--;
    if (intervals[i] == ui->interval_ms) return VW_CMD_NONE;
    ui->interval_ms = intervals[i];
    vw_ui_status(ui, m, VW_A_NORMAL, "interval %u ms", ui->interval_ms);
    return VW_CMD_INTERVAL;
}

static VwCmd panel_to(VwUi *ui, VwPanel p)
{
    ui->panel = p;
    return p == VW_PANEL_DETAIL ? VW_CMD_DETAIL : VW_CMD_REDRAW;
}

static VwCmd gc_key(VwUi *ui, const VwModel *m, VwCmd cmd)
{
    if (cmd != VW_CMD_GC_ALL && !ui->selected[0]) {
        vw_ui_status(ui, m, VW_A_WARN, "no process selected");
        return VW_CMD_REDRAW;
    }
    if (!m->attached) {
        vw_ui_status(ui, m, VW_A_WARN, "detached: no runtime to collect");
        return VW_CMD_REDRAW;
    }
    return cmd;
}

VwCmd vw_keys_handle(VwUi *ui, const VwModel *m, int key)
{
    if (key == VW_KEY_RESIZE) return VW_CMD_REDRAW;
    if (ui->help) { ui->help = false; return key == 'q' ? VW_CMD_QUIT : VW_CMD_REDRAW; }
    if (ui->filtering) return filter_key(ui, m, key);
    switch (key) {
    case 'q': case 'Q': return VW_CMD_QUIT;
    case '?': case 'h': ui->help = true; return VW_CMD_REDRAW;
    case VW_KEY_UP: case 'k': move(ui, m, -1); return VW_CMD_REDRAW;
    case VW_KEY_DOWN: case 'j': move(ui, m, 1); return VW_CMD_REDRAW;
    case VW_KEY_PGUP: move(ui, m, -ui->page[ui->panel]); return VW_CMD_REDRAW;
    case VW_KEY_PGDN: move(ui, m, ui->page[ui->panel]); return VW_CMD_REDRAW;
    case VW_KEY_HOME: move(ui, m, -1000000); return VW_CMD_REDRAW;
    case VW_KEY_END: move(ui, m, 1000000); return VW_CMD_REDRAW;
    case '\t': return panel_to(ui, (VwPanel)((ui->panel + 1) % VW_PANEL_N));
    case VW_KEY_BACKTAB: return panel_to(ui, (VwPanel)((ui->panel + VW_PANEL_N - 1) % VW_PANEL_N));
    case '1': case '2': case '3': case '4': case '5': case '6':
        return panel_to(ui, (VwPanel)(key - '1'));
    case VW_KEY_ENTER: return enter(ui, m);
    case VW_KEY_ESC:
        if (ui->panel == VW_PANEL_DETAIL) ui->panel = VW_PANEL_PROCS;
        else ui->filter[0] = 0;
        vw_ui_sync(ui, m);
        return VW_CMD_REDRAW;
    case '/':
        ui->filtering = true;
        if (ui->panel != VW_PANEL_DETAIL) ui->panel = VW_PANEL_PROCS;
        return VW_CMD_REDRAW;
    case 'o': case '>': ui->sort = (VwSort)((ui->sort + 1) % VW_SORT_N); vw_ui_sync(ui, m);
        return VW_CMD_REDRAW;
    case '<': ui->sort = (VwSort)((ui->sort + VW_SORT_N - 1) % VW_SORT_N); vw_ui_sync(ui, m);
        return VW_CMD_REDRAW;
    case 'r': ui->reverse = !ui->reverse; return VW_CMD_REDRAW;
    case 'g': return gc_key(ui, m, VW_CMD_GC_MINOR);
    case 'G': return gc_key(ui, m, VW_CMD_GC_MAJOR);
    case 'A': return gc_key(ui, m, VW_CMD_GC_ALL);
    case 's':
        if (m->attached) return VW_CMD_REPORT;
        vw_ui_status(ui, m, VW_A_WARN, "detached: no runtime to report on");
        return VW_CMD_REDRAW;
    case 'p': case ' ':
        ui->paused = !ui->paused;
        vw_ui_status(ui, m, ui->paused ? VW_A_WARN : VW_A_NORMAL, "%s",
                     ui->paused ? "paused: p resumes" : "resumed");
        return VW_CMD_REDRAW;
    case '+': case '=': return set_interval(ui, m, 1);
    case '-': case '_': return set_interval(ui, m, -1);
    default: return VW_CMD_NONE;
    }
}
