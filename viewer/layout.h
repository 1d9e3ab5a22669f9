/*
 * layout.h — where each part of the frame goes for a terminal size. One function, so draw.c
 * and the tests agree on it.
 *
 *   row 0            title: program, os pid, attached/detached, interval, agent time
 *   rows 1..k        memory by category with sparklines (2 per row below 120 columns, 3 above)
 *   row k+1          GC rate, pause p99, lost sharing, dropped events
 *   row k+2          panel tabs
 *   rows ..          the panel; from VW_WIDE_COLS columns the processes on the left and the
 *                    active other panel (or the selected process's detail) on the right;
 *                    from VW_TALL_ROWS rows the left column is shared with a third panel
 *                    (leak verdicts, or the GC log when the right shows the verdicts)
 *   last row         status line / key hints
 * Below VW_MIN_COLS x VW_MIN_ROWS there is no layout: too_small is set.
 */
#ifndef HS_VIEWER_LAYOUT_H
#define HS_VIEWER_LAYOUT_H

#include <stdbool.h>

#define VW_TALL_ROWS 40

typedef struct VwRect { int x, y, w, h; } VwRect;

typedef struct VwLayout {
    bool too_small;
    int mem_per_row;       /* memory categories per header row */
    VwRect title, memory, stats, tabs, main, side, below, status;
    bool split;            /* side is in use */
    bool stacked;          /* below is in use (split and tall) */
} VwLayout;

void vw_layout(VwLayout *l, int cols, int rows);

#endif
