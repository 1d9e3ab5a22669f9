/*
 * sparkline.h — small charts drawn with characters: one-row sparklines (Unicode eighth blocks,
 * or an ASCII ramp when the terminal or the user wants plain text) and a multi-row bar chart for
 * the process detail. Scales are each series' own minimum to maximum, so a series that moves
 * within a few percent still shows its shape; a flat series is a flat baseline.
 */
#ifndef HS_VIEWER_SPARKLINE_H
#define HS_VIEWER_SPARKLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "grid.h"

#define VW_SPARK_LEVELS 8

/* The last values of v[0..n) drawn in at most width cells into out (UTF-8, NUL-terminated).
 * When n > width, consecutive values are grouped (each cell shows its group's maximum) so the
 * whole series fits. Returns the cells written. */
int vw_sparkline(const double *v, size_t n, int width, bool unicode, char *out, size_t cap);

/* The glyph of level 0..VW_SPARK_LEVELS-1. */
const char *vw_spark_glyph(int level, bool unicode);

/* A bar chart of v[0..n) in the box (x, y, w, h) of the grid, from the bottom row up, scaled
 * from 0 to the series' maximum (heap sizes start at zero, so bars compare honestly); the
 * newest values at the right. */
void vw_chart(VwGrid *g, int x, int y, int w, int h, const double *v, size_t n, bool unicode,
              VwAttr a);

#endif
