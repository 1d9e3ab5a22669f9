/*
 * crt.c — curses and the terminal's safety (crt.h).
 */
#include "crt.h"

#include <curses.h>
#include <langinfo.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "ui.h"

static bool active;
static bool saved_ok;
static struct termios saved;
static char restore_seq[256];   /* written by the signal handler: prepared at start */
static size_t restore_len;
static bool handlers_set, atexit_set;

static const int fatal_signals[] = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL,
                                    SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define NSIGNALS (sizeof fatal_signals / sizeof fatal_signals[0])
static struct sigaction old_actions[NSIGNALS];

bool vw_no_color_env(void)
{
    const char *s = getenv("NO_COLOR");
    return s && *s;
}

bool vw_locale_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
}

/* A terminfo string capability, or "" when the terminal has none. */
static const char *cap(const char *name)
{
    char *s = tigetstr(name);
    return s && s != (char *)-1 ? s : "";
}

static void add_seq(const char *s)
{
    size_t n = strlen(s);
    if (restore_len + n < sizeof restore_seq) {
        memcpy(restore_seq + restore_len, s, n);
        restore_len += n;
    }
}

/* Async-signal-safe: the saved termios back, the prepared escapes out. */
static void restore_raw(void)
{
    if (!active) return;
    if (restore_len) {
        ssize_t r = write(STDOUT_FILENO, restore_seq, restore_len);
        (void)r;
    }
    if (saved_ok) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    active = false;
}

static void on_signal(int sig)
{
    restore_raw();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void on_exit_restore(void)
{
    if (active) vw_crt_stop();
}

static void install_handlers(void)
{
    if (!atexit_set) { atexit(on_exit_restore); atexit_set = true; }
    if (handlers_set) return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < NSIGNALS; i++) sigaction(fatal_signals[i], &sa, &old_actions[i]);
    handlers_set = true;
}

static void remove_handlers(void)
{
    if (!handlers_set) return;
    for (size_t i = 0; i < NSIGNALS; i++) sigaction(fatal_signals[i], &old_actions[i], NULL);
    handlers_set = false;
}

/* Colour pairs, one per attribute that has a colour. */
static const struct { short fg, bg; } pair_colors[VW_A_COUNT] = {
    [VW_A_TITLE] = {COLOR_CYAN, -1},        [VW_A_COLHEAD] = {COLOR_BLACK, COLOR_CYAN},
    [VW_A_TAB] = {COLOR_WHITE, COLOR_BLUE}, [VW_A_TAB_ON] = {COLOR_BLACK, COLOR_WHITE},
    [VW_A_GOOD] = {COLOR_GREEN, -1},        [VW_A_WARN] = {COLOR_YELLOW, -1},
    [VW_A_BAD] = {COLOR_RED, -1},           [VW_A_SPARK] = {COLOR_CYAN, -1},
};
static bool use_color;

static attr_t attr_of(int a)
{
    if (!use_color) {
        switch (a) {
        case VW_A_BOLD: case VW_A_TITLE: case VW_A_BAD: case VW_A_TAB_ON: return A_BOLD;
        case VW_A_COLHEAD: case VW_A_SELECT: case VW_A_TAB: return A_REVERSE;
        case VW_A_DIM: return A_DIM;
        case VW_A_WARN: return A_UNDERLINE;
        default: return A_NORMAL;
        }
    }
    switch (a) {
    case VW_A_NORMAL: return A_NORMAL;
    case VW_A_BOLD: return A_BOLD;
    case VW_A_DIM: return A_DIM;
    case VW_A_SELECT: return A_REVERSE;
    case VW_A_TITLE: case VW_A_BAD: case VW_A_TAB_ON: return COLOR_PAIR(a) | A_BOLD;
    default: return COLOR_PAIR(a);
    }
}

static void setup_colors(void)
{
    use_color = has_colors() && !vw_no_color_env();
    if (!use_color) return;
    start_color();
    use_default_colors();
    for (int a = 0; a < VW_A_COUNT; a++)
        if (pair_colors[a].fg || pair_colors[a].bg)
            init_pair((short)a, pair_colors[a].fg, pair_colors[a].bg);
}

bool vw_crt_start(bool *color)
{
    if (active) { *color = use_color; return true; }
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) return false;
    saved_ok = tcgetattr(STDIN_FILENO, &saved) == 0;
    if (!initscr()) return false;
    restore_len = 0;
    add_seq(cap("sgr0"));
    add_seq(cap("cnorm"));
    add_seq(cap("rmkx"));
    add_seq(cap("rmcup"));
    active = true;
    install_handlers();
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    setup_colors();
    *color = use_color;
    return true;
}

void vw_crt_stop(void)
{
    if (!active) return;
    endwin();
    active = false;
    remove_handlers();
}

bool vw_crt_active(void) { return active; }

void vw_crt_size(int *cols, int *rows)
{
    *cols = COLS;
    *rows = LINES;
}

int vw_crt_key(void)
{
    int k = getch();
    switch (k) {
    case ERR: return -1;
    case KEY_UP: return VW_KEY_UP;
    case KEY_DOWN: return VW_KEY_DOWN;
    case KEY_LEFT: return VW_KEY_LEFT;
    case KEY_RIGHT: return VW_KEY_RIGHT;
    case KEY_PPAGE: return VW_KEY_PGUP;
    case KEY_NPAGE: return VW_KEY_PGDN;
    case KEY_HOME: return VW_KEY_HOME;
    case KEY_END: return VW_KEY_END;
    case KEY_BTAB: return VW_KEY_BACKTAB;
    case KEY_BACKSPACE: case 127: case 8: return VW_KEY_BACKSPACE;
    case KEY_ENTER: case '\n': case '\r': return VW_KEY_ENTER;
    case 27: return VW_KEY_ESC;
    case KEY_RESIZE: return VW_KEY_RESIZE;
    default: return k >= 0 && k < 256 ? k : -1;
    }
}

void vw_crt_show(const VwGrid *g, bool full)
{
    if (!active) return;
    if (full) clearok(curscr, TRUE);
    char run[4096];
    for (int y = 0; y < g->rows && y < LINES; y++) {
        int x = 0;
        while (x < g->cols && x < COLS) {
            const VwCell *c = vw_grid_cell(g, x, y);
            int a = c->attr, start = x;
            size_t len = 0;
            while (x < g->cols && x < COLS) {
                const VwCell *d = vw_grid_cell(g, x, y);
                size_t n = strlen(d->ch);
                if (d->attr != a || len + n + 1 > sizeof run) break;
                memcpy(run + len, d->ch, n);
                len += n;
                x++;
            }
            run[len] = 0;
            attrset(attr_of(a));
            mvaddstr(y, start, run);
        }
    }
    attrset(A_NORMAL);
    refresh();
}
