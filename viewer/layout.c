/*
 * layout.c — the frame's regions for a terminal size (layout.h).
 */
#include "layout.h"

#include <string.h>

#include "model.h"
#include "ui.h"

void vw_layout(VwLayout *l, int cols, int rows)
{
    memset(l, 0, sizeof *l);
    if (cols < VW_MIN_COLS || rows < VW_MIN_ROWS) { l->too_small = true; return; }
    l->mem_per_row = cols >= 120 ? 3 : 2;
    int mem_rows = (VW_MEM_N + l->mem_per_row - 1) / l->mem_per_row;
    l->title = (VwRect){0, 0, cols, 1};
    l->memory = (VwRect){0, 1, cols, mem_rows};
    l->stats = (VwRect){0, 1 + mem_rows, cols, 1};
    l->tabs = (VwRect){0, 2 + mem_rows, cols, 1};
    int top = 3 + mem_rows;
    l->status = (VwRect){0, rows - 1, cols, 1};
    int h = rows - 1 - top;
    if (cols >= VW_WIDE_COLS) {
        int left = cols / 2;
        l->split = true;
        l->main = (VwRect){0, top, left, h};
        l->side = (VwRect){left + 1, top, cols - left - 1, h};
        if (rows >= VW_TALL_ROWS) {
            int upper = h / 2;
            l->stacked = true;
            l->main.h = upper;
            l->below = (VwRect){0, top + upper + 1, left, h - upper - 1};
        }
    } else {
        l->main = (VwRect){0, top, cols, h};
    }
}
