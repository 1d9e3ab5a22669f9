/*
 * grid.h — the frame as a grid of character cells: what draw.c paints and what crt.c (the
 * terminal) and --once (text on stdout) show. Drawing never touches the terminal; the same grid
 * is blitted to curses or printed, so a --once frame is exactly a live frame.
 *
 * Invariants:
 *  - Every cell holds one code point of display width 1, as UTF-8 (at most 4 bytes + NUL), and
 *    one attribute. Control characters and wide or zero-width code points are replaced by '?'
 *    when put, so a row is always exactly `cols` columns wide.
 *  - Writes outside the grid are clipped, never wrapped.
 */
#ifndef HS_VIEWER_GRID_H
#define HS_VIEWER_GRID_H

#include <stdbool.h>
#include <stdio.h>

/* What a cell means; crt.c maps each to a colour pair or, without colour, to bold/reverse. */
typedef enum VwAttr {
    VW_A_NORMAL,
    VW_A_BOLD,
    VW_A_DIM,
    VW_A_TITLE,       /* panel titles, the program name */
    VW_A_COLHEAD,     /* column headings (reverse video) */
    VW_A_SELECT,      /* the selected row (reverse video) */
    VW_A_TAB,         /* an inactive tab */
    VW_A_TAB_ON,      /* the active tab */
    VW_A_GOOD,        /* green: reclaimed, shrinking, attached */
    VW_A_WARN,        /* yellow: growing, suspect, paused */
    VW_A_BAD,         /* red: leak, detached */
    VW_A_SPARK,       /* sparklines and charts */
    VW_A_COUNT
} VwAttr;

typedef struct VwCell {
    char ch[5];
    unsigned char attr;
} VwCell;

typedef struct VwGrid {
    int cols, rows;
    VwCell *cells;
} VwGrid;

/* false when out of memory (the grid is then empty: 0x0). */
bool vw_grid_init(VwGrid *g, int cols, int rows);
void vw_grid_free(VwGrid *g);
void vw_grid_clear(VwGrid *g);

/* Writes UTF-8 text at (x, y), at most maxw cells (maxw < 0: to the right edge); returns the
 * cells written. */
int vw_grid_put(VwGrid *g, int x, int y, int maxw, VwAttr a, const char *text);
int vw_grid_printf(VwGrid *g, int x, int y, int maxw, VwAttr a, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Right-aligns text in [x, x+w). */
void vw_grid_put_right(VwGrid *g, int x, int y, int w, VwAttr a, const char *text);
/* Sets the attribute of w cells from (x, y) (a highlighted row) without changing the text. */
void vw_grid_paint(VwGrid *g, int x, int y, int w, VwAttr a);
/* Fills w cells from (x, y) with one character. */
void vw_grid_fill(VwGrid *g, int x, int y, int w, VwAttr a, const char *ch);

const VwCell *vw_grid_cell(const VwGrid *g, int x, int y);

/* Row y as UTF-8 text, trailing spaces removed, into buf (NUL-terminated). */
void vw_grid_row(const VwGrid *g, int y, char *buf, size_t cap);

/* The whole frame as text, one line per row, trailing spaces removed. With ansi, attributes
 * become SGR escapes (colour) and each line ends with a reset. */
void vw_grid_write(const VwGrid *g, FILE *out, bool ansi);

/* Display cells of UTF-8 text as vw_grid_put would count them. */
int vw_text_width(const char *text);

#endif
