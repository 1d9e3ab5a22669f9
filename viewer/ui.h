/*
 * ui.h — what the person at the terminal chose: the panel, the selection, sort, filter, pause,
 * help, the interval, and the last status message. keys.c changes it, draw.c reads it (and
 * keeps the scroll offsets so the selection stays visible), top.c carries out the commands
 * that need the runtime. No curses here: keys arrive as VW_KEY_* codes or plain characters.
 */
#ifndef HS_VIEWER_UI_H
#define HS_VIEWER_UI_H

#include <stdbool.h>

#include "grid.h"
#include "model.h"

typedef enum VwPanel {
    VW_PANEL_PROCS, VW_PANEL_DETAIL, VW_PANEL_GC, VW_PANEL_ETS, VW_PANEL_SHARING, VW_PANEL_LEAKS,
    VW_PANEL_N
} VwPanel;

/* Keys that are not characters (crt.c translates the terminal's codes to these). */
enum {
    VW_KEY_UP = 0x1001, VW_KEY_DOWN, VW_KEY_LEFT, VW_KEY_RIGHT, VW_KEY_PGUP, VW_KEY_PGDN,
    VW_KEY_HOME, VW_KEY_END, VW_KEY_BACKTAB, VW_KEY_BACKSPACE, VW_KEY_ENTER, VW_KEY_ESC,
    VW_KEY_RESIZE
};

/* What a key asks of the loop beyond redrawing. */
typedef enum VwCmd {
    VW_CMD_NONE,        /* nothing changed */
    VW_CMD_REDRAW,      /* only the screen changed */
    VW_CMD_QUIT,
    VW_CMD_GC_MINOR,    /* of ui->selected */
    VW_CMD_GC_MAJOR,
    VW_CMD_GC_ALL,      /* major GC of every process */
    VW_CMD_REPORT,      /* save the JSON report */
    VW_CMD_INTERVAL,    /* ui->interval_ms changed: subscribe again */
    VW_CMD_DETAIL       /* the detail of ui->selected is wanted now */
} VwCmd;

#define VW_STATUS_SHOW_MS 15000  /* a status message stays this long */
#define VW_RESULT_SHOW_MS 30000  /* a forced GC's before/after stays under its row this long */
#define VW_WIDE_COLS 160         /* from this width two panels stand side by side */
#define VW_MIN_COLS 80
#define VW_MIN_ROWS 24

typedef struct VwUi {
    VwPanel panel;
    VwSort sort;
    bool reverse;
    char filter[64];
    bool filtering;          /* '/' was typed: characters go to the filter */
    char selected[24];       /* the selected process's pid, "" when none */
    int cursor[VW_PANEL_N];  /* the selected row of the other panels */
    int scroll[VW_PANEL_N];  /* first row shown (draw.c keeps the cursor visible) */
    int page[VW_PANEL_N];    /* rows the panel showed last time (page up / down) */
    bool help;
    bool paused;             /* snapshots are not applied; the screen stays still */
    unsigned interval_ms;
    bool unicode;            /* block sparklines and arrows; else ASCII */
    bool color;
    char status[200];
    VwAttr status_attr;
    double status_at_ms;     /* model clock when set */
} VwUi;

void vw_ui_init(VwUi *ui, unsigned interval_ms, bool unicode, bool color);

/* Sets the status line message. */
void vw_ui_status(VwUi *ui, const VwModel *m, VwAttr a, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Keeps the selection on a process that exists and passes the filter (the first row shown
 * when it does not); the detail panel keeps its process even after it exits. */
void vw_ui_sync(VwUi *ui, const VwModel *m);

/* One key press. */
VwCmd vw_keys_handle(VwUi *ui, const VwModel *m, int key);

const char *vw_panel_name(VwPanel p);
VwPanel vw_panel_parse(const char *name); /* VW_PANEL_N when unknown */

/* The help text, one key per line ("KEY  meaning"); NULL-terminated. */
extern const char *const vw_help_lines[];

#endif
