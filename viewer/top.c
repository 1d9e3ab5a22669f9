/*
 * top.c — `heapscope top` and `heapscope run --top` (viewer.h): the command line, the live loop
 * (one loop, dirty flag, htop's ScreenManager), --once frames and --replay of recorded sessions.
 *
 * The loop: wait in poll() for a key, a message from the runtime, or 200 ms; take in every
 * message (snapshots go to the model; after each, the GC log and the detail are polled); carry
 * out keys; when detached, look for the runtime every second; redraw when something changed.
 */
#include "viewer.h"

#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "crt.h"
#include "draw.h"
#include "session.h"

#define DEFAULT_INTERVAL_MS 500
#define REATTACH_EVERY_MS 1000
#define LOOP_TICK_MS 200

typedef struct Opts {
    const char *target;
    bool once, plain;
    unsigned interval_ms;
    int cols, rows;
    int samples;
    const char *replay;
    VwPanel panel;
    char select[24];
} Opts;

static const char usage[] =
    "usage: heapscope top [TARGET] [--interval MS]\n"
    "       heapscope top [TARGET] --once [--plain] [--cols N] [--rows N] [--samples N]\n"
    "                     [--panel NAME] [--select PID] [--replay FILE]\n"
    "  TARGET        an OS pid or a socket path; left out: the only runtime running\n"
    "  --interval MS snapshot interval (default 500; + and - change it live)\n"
    "  --once        print one frame as text and exit\n"
    "  --plain       with --once: no colour, ASCII sparklines and arrows\n"
    "  --cols N --rows N  frame size for --once (default: the terminal's, else 80x24)\n"
    "  --samples N   with --once: snapshots to take first (default 2, so rates show)\n"
    "  --panel NAME  processes, detail, gc, ets, sharing, leaks\n"
    "  --select PID  the selected process\n"
    "  --replay FILE with --once: a recorded session (protocol messages, one per line)\n";

static double mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static bool parse_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < lo || v > hi) return false;
    *out = v;
    return true;
}

/* 0 ok, 2 usage error (message printed), 3 --help printed. */
static int parse(int argc, char **argv, Opts *o, FILE *out, FILE *err)
{
    memset(o, 0, sizeof *o);
    o->interval_ms = DEFAULT_INTERVAL_MS;
    o->samples = 2;
    o->panel = VW_PANEL_PROCS;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        long n;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) { fputs(usage, out); return 3; }
        else if (!strcmp(a, "--once")) o->once = true;
        else if (!strcmp(a, "--plain")) o->plain = true;
        else if (!strcmp(a, "--interval") || !strcmp(a, "--cols") || !strcmp(a, "--rows") ||
                 !strcmp(a, "--samples")) {
            bool iv = !strcmp(a, "--interval"), sm = !strcmp(a, "--samples");
            if (!v || !parse_int(v, iv ? 10 : 1, iv ? 3600000 : sm ? 100 : 1000, &n)) {
                fprintf(err, "heapscope top: %s needs a number%s\n", a,
                        iv ? " from 10 to 3600000" : "");
                return 2;
            }
            if (iv) o->interval_ms = (unsigned)n;
            else if (sm) o->samples = (int)n;
            else if (!strcmp(a, "--cols")) o->cols = (int)n;
            else o->rows = (int)n;
            i++;
        } else if (!strcmp(a, "--replay")) {
            if (!v) { fprintf(err, "heapscope top: --replay needs a file\n"); return 2; }
            o->replay = v;
            i++;
        } else if (!strcmp(a, "--panel")) {
            o->panel = v ? vw_panel_parse(v) : VW_PANEL_N;
            if (o->panel == VW_PANEL_N) {
                fprintf(err, "heapscope top: --panel takes processes, detail, gc, ets, sharing "
                             "or leaks\n");
                return 2;
            }
            i++;
        } else if (!strcmp(a, "--select")) {
            if (!v || !client_normalize_pid(v, o->select, sizeof o->select)) {
                fprintf(err, "heapscope top: --select needs a pid like <0.42.0>\n");
                return 2;
            }
            i++;
        } else if (a[0] == '-' && a[1]) {
            fprintf(err, "heapscope top: unknown option %s\n%s", a, usage);
            return 2;
        } else if (!o->target) o->target = a;
        else { fprintf(err, "heapscope top: one TARGET only\n%s", usage); return 2; }
    }
    if ((o->plain || o->replay || o->cols || o->rows) && !o->once) {
        fprintf(err, "heapscope top: --plain, --replay, --cols and --rows go with --once\n");
        return 2;
    }
    return 0;
}

/* ---- --once ------------------------------------------------------------------------------ */

static void frame_size(const Opts *o, FILE *out, int *cols, int *rows)
{
    struct winsize ws;
    *cols = 80;
    *rows = 24;
    if (isatty(fileno(out)) && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col && ws.ws_row) {
        *cols = ws.ws_col;
        *rows = ws.ws_row;
    }
    if (o->cols) *cols = o->cols;
    if (o->rows) *rows = o->rows;
}

static void ui_from_opts(VwUi *ui, const Opts *o, const VwModel *m, bool unicode, bool color)
{
    vw_ui_init(ui, o->interval_ms, unicode, color);
    ui->panel = o->panel;
    snprintf(ui->selected, sizeof ui->selected, "%s", o->select);
    if (!o->select[0] || o->panel != VW_PANEL_DETAIL) vw_ui_sync(ui, m);
    if (o->select[0]) snprintf(ui->selected, sizeof ui->selected, "%s", o->select);
}

static int print_frame(const Opts *o, const VwModel *m, FILE *out)
{
    bool ansi = !o->plain && isatty(fileno(out)) && !vw_no_color_env();
    VwUi ui;
    ui_from_opts(&ui, o, m, !o->plain, ansi);
    int cols, rows;
    frame_size(o, out, &cols, &rows);
    VwGrid g;
    if (!vw_grid_init(&g, cols, rows)) return 1;
    vw_draw(&g, m, &ui);
    vw_grid_write(&g, out, ansi);
    vw_grid_free(&g);
    return 0;
}

/* A recorded session: one protocol message per line, in the order they were received, plus
 * {"replay": "attached"} / {"replay": "detached"} lines for the connection's state. */
static int once_replay(const Opts *o, FILE *out, FILE *err)
{
    FILE *f = fopen(o->replay, "r");
    if (!f) { fprintf(err, "heapscope top: cannot open %s\n", o->replay); return 1; }
    VwModel *m = vw_model_new();
    if (!m) { fclose(f); return 1; }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int lineno = 0, rc = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (len <= 1) continue;
        cJSON *msg = cJSON_Parse(line);
        if (!msg) { fprintf(err, "%s:%d: not JSON\n", o->replay, lineno); rc = 1; break; }
        const cJSON *r = cJSON_GetObjectItemCaseSensitive(msg, "replay");
        if (cJSON_IsString(r) && !strcmp(r->valuestring, "detached")) vw_model_detached(m);
        else if (cJSON_IsString(r) && !strcmp(r->valuestring, "attached")) vw_model_attached(m);
        else if (vw_model_apply(m, msg) == VW_MSG_HELLO && !m->attached) vw_model_attached(m);
        cJSON_Delete(msg);
    }
    free(line);
    fclose(f);
    if (!rc) rc = print_frame(o, m, out);
    vw_model_free(m);
    return rc;
}

/* Waits up to ms for the session's socket; false when it is gone. */
static bool wait_socket(VwSession *s, int ms)
{
    int fd = vw_session_fd(s);
    if (fd < 0) return false;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    poll(&p, 1, ms);
    return true;
}

static int once_live(const Opts *o, FILE *out, FILE *err)
{
    VwModel *m = vw_model_new();
    if (!m) return 1;
    char msg[512];
    vw_model_set_clock(m, mono_ms());
    VwSession *s = vw_session_open(o->target, o->interval_ms, m, msg, sizeof msg);
    if (!s) { fprintf(err, "heapscope top: %s\n", msg); vw_model_free(m); return 1; }
    int got = 0;
    double deadline = mono_ms() + 10000.0 + (double)o->interval_ms * o->samples;
    while (got < o->samples && mono_ms() < deadline) {
        int n = vw_session_pump(s, m, false);
        if (n < 0) break;
        if (n > 0) {
            got += n;
            VwUi ui;
            ui_from_opts(&ui, o, m, true, false);
            vw_session_refresh(s, m, ui.selected);
            continue;
        }
        if (!wait_socket(s, 100)) break;
    }
    vw_model_set_clock(m, mono_ms());
    int rc = 0;
    if (!got) { fprintf(err, "heapscope top: no snapshot from %s\n", vw_session_path(s)); rc = 1; }
    else rc = print_frame(o, m, out);
    vw_session_close(s);
    vw_model_free(m);
    return rc;
}

/* ---- the live dashboard ------------------------------------------------------------------ */

typedef struct Live {
    VwModel *m;
    VwSession *s;
    VwUi ui;
    VwGrid g;
    bool dirty, full;
    double last_reattach;
    bool exit_on_detach;
} Live;

static void redraw(Live *L)
{
    int cols, rows;
    vw_crt_size(&cols, &rows);
    if (cols != L->g.cols || rows != L->g.rows) {
        vw_grid_free(&L->g);
        if (!vw_grid_init(&L->g, cols, rows)) return;
        L->full = true;
    }
    vw_model_set_clock(L->m, mono_ms());
    vw_draw(&L->g, L->m, &L->ui);
    vw_crt_show(&L->g, L->full);
    L->full = false;
    L->dirty = false;
}

static const char *detail_pid(const Live *L)
{
    int cols, rows;
    vw_crt_size(&cols, &rows);
    bool shown = L->ui.panel == VW_PANEL_DETAIL || (cols >= VW_WIDE_COLS && L->ui.panel == VW_PANEL_PROCS);
    return shown ? L->ui.selected : NULL;
}

/* Shows a "working" line before a command that waits for the runtime. */
static void busy(Live *L, const char *what)
{
    vw_ui_status(&L->ui, L->m, VW_A_WARN, "%s", what);
    redraw(L);
}

static void do_gc(Live *L, VwCmd cmd)
{
    char msg[256], what[96];
    bool all = cmd == VW_CMD_GC_ALL, major = cmd != VW_CMD_GC_MINOR;
    snprintf(what, sizeof what, "%s GC of %s ...", major ? "major" : "minor",
             all ? "all processes" : L->ui.selected);
    busy(L, what);
    vw_model_set_clock(L->m, mono_ms());
    if (!vw_session_gc(L->s, L->m, all ? NULL : L->ui.selected, major, msg, sizeof msg)) {
        vw_ui_status(&L->ui, L->m, VW_A_BAD, "GC failed: %s", msg);
        return;
    }
    if (all) L->ui.status[0] = 0; /* the model's summary shows instead */
    else vw_ui_status(&L->ui, L->m, VW_A_GOOD, "%s GC of %s done", major ? "major" : "minor",
                      L->ui.selected);
    vw_session_refresh(L->s, L->m, detail_pid(L));
}

static bool run_cmd(Live *L, VwCmd cmd)
{
    char msg[512];
    switch (cmd) {
    case VW_CMD_QUIT: return false;
    case VW_CMD_GC_MINOR: case VW_CMD_GC_MAJOR: case VW_CMD_GC_ALL: do_gc(L, cmd); break;
    case VW_CMD_REPORT:
        busy(L, "writing the report ...");
        vw_model_set_clock(L->m, mono_ms());
        if (vw_session_report(L->s, L->m, NULL, msg, sizeof msg))
            vw_ui_status(&L->ui, L->m, VW_A_GOOD, "%s", msg);
        else vw_ui_status(&L->ui, L->m, VW_A_BAD, "report failed: %s", msg);
        break;
    case VW_CMD_INTERVAL: vw_session_subscribe(L->s, L->ui.interval_ms); break;
    case VW_CMD_DETAIL: vw_session_refresh(L->s, L->m, L->ui.selected); break;
    case VW_CMD_NONE: return true;
    case VW_CMD_REDRAW: break;
    }
    L->dirty = true;
    return true;
}

static bool take_keys(Live *L)
{
    int k;
    while ((k = vw_crt_key()) >= 0) {
        vw_model_set_clock(L->m, mono_ms());
        if (k == VW_KEY_RESIZE) L->full = true;
        if (!run_cmd(L, vw_keys_handle(&L->ui, L->m, k))) return false;
    }
    return true;
}

static void take_messages(Live *L)
{
    vw_model_set_clock(L->m, mono_ms());
    int n = vw_session_pump(L->s, L->m, L->ui.paused);
    if (n < 0) { L->dirty = true; return; }
    if (n > 0) {
        vw_ui_sync(&L->ui, L->m);
        vw_session_refresh(L->s, L->m, detail_pid(L));
        L->dirty = true;
    }
}

static void try_reattach(Live *L)
{
    double now = mono_ms();
    if (now - L->last_reattach < REATTACH_EVERY_MS) return;
    L->last_reattach = now;
    vw_model_set_clock(L->m, now);
    if (vw_session_reattach(L->s, L->m, L->ui.interval_ms)) {
        vw_ui_status(&L->ui, L->m, VW_A_GOOD, "reattached to %s (os pid %d)", L->m->program,
                     L->m->os_pid);
    }
    L->dirty = true; /* the detached time moves on */
}

/* Whether something on screen expires with time (a status line, a forced GC's before/after,
 * the detached clock): then each tick redraws, even while paused or detached. */
static bool aging(const Live *L)
{
    double now = mono_ms(), slack = 2 * LOOP_TICK_MS;
    const VwModel *m = L->m;
    if (L->ui.status[0] && now - L->ui.status_at_ms < VW_STATUS_SHOW_MS + slack) return true;
    if (m->have_all && now - m->all_at_ms < VW_RESULT_SHOW_MS + slack) return true;
    for (unsigned i = 0; i < m->nresults; i++)
        if (now - m->results[i].at_ms < VW_RESULT_SHOW_MS + slack) return true;
    return !m->attached;
}

static void loop(Live *L)
{
    redraw(L);
    for (;;) {
        if (!take_keys(L)) break;
        take_messages(L);
        if (!vw_session_attached(L->s)) {
            if (L->exit_on_detach) break;
            try_reattach(L);
        }
        if (L->dirty) redraw(L);
        struct pollfd p[2] = {{.fd = STDIN_FILENO, .events = POLLIN},
                              {.fd = vw_session_fd(L->s), .events = POLLIN}};
        poll(p, p[1].fd >= 0 ? 2 : 1, LOOP_TICK_MS);
        if (aging(L)) L->dirty = true;
    }
}

static int live(const char *target, unsigned interval_ms, bool exit_on_detach, FILE *err)
{
    Live L;
    memset(&L, 0, sizeof L);
    L.exit_on_detach = exit_on_detach;
    L.m = vw_model_new();
    if (!L.m) return 1;
    char msg[512];
    vw_model_set_clock(L.m, mono_ms());
    L.s = vw_session_open(target, interval_ms, L.m, msg, sizeof msg);
    if (!L.s) { fprintf(err, "heapscope top: %s\n", msg); vw_model_free(L.m); return 1; }
    bool color = false;
    if (!vw_crt_start(&color)) {
        fprintf(err, "heapscope top: stdin and stdout must be a terminal (try --once)\n");
        vw_session_close(L.s);
        vw_model_free(L.m);
        return 1;
    }
    vw_ui_init(&L.ui, interval_ms, vw_locale_utf8(), color);
    loop(&L);
    vw_crt_stop();
    vw_grid_free(&L.g);
    vw_session_close(L.s);
    vw_model_free(L.m);
    return 0;
}

int viewer_top_run(int argc, char **argv, FILE *out, FILE *err)
{
    Opts o;
    int rc = parse(argc, argv, &o, out, err);
    if (rc) return rc == 3 ? 0 : rc;
    if (o.replay) return once_replay(&o, out, err);
    if (o.once) return once_live(&o, out, err);
    return live(o.target, o.interval_ms, false, err);
}

int viewer_top_main(int argc, char **argv)
{
    setlocale(LC_CTYPE, ""); /* only the character set: numbers stay in C */
    return viewer_top_run(argc, argv, stdout, stderr);
}

int viewer_run_attached(const char *socket_path, unsigned interval_ms, bool exit_on_detach)
{
    setlocale(LC_CTYPE, ""); /* only the character set: numbers stay in C */
    return live(socket_path, interval_ms ? interval_ms : DEFAULT_INTERVAL_MS, exit_on_detach,
                stderr);
}
