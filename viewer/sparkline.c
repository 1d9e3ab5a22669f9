/*
 * sparkline.c — sparklines and bar charts (sparkline.h).
 */
#include "sparkline.h"

#include <string.h>

static const char *const blocks[VW_SPARK_LEVELS] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
static const char *const ramp[VW_SPARK_LEVELS] = {"_", ".", "-", ":", "=", "+", "*", "#"};

const char *vw_spark_glyph(int level, bool unicode)
{
    if (level < 0) level = 0;
    if (level >= VW_SPARK_LEVELS) level = VW_SPARK_LEVELS - 1;
    return unicode ? blocks[level] : ramp[level];
}

/* Groups n values into at most width cells; cell i covers [start_i, end_i). */
static size_t group_size(size_t n, int width)
{
    if (width <= 0) return 0;
    return (n + (size_t)width - 1) / (size_t)width;
}

static double group_max(const double *v, size_t from, size_t to)
{
    double m = v[from];
    for (size_t i = from + 1; i < to; i++)
        if (v[i] > m) m = v[i];
    return m;
}

int vw_sparkline(const double *v, size_t n, int width, bool unicode, char *out, size_t cap)
{
    if (!cap) return 0;
    out[0] = 0;
    if (!n || width <= 0) return 0;
    size_t k = group_size(n, width);
    /* groups are aligned to the newest value, so the right edge is always "now" */
    size_t cells = (n + k - 1) / k;
    double g[512] = {0};
    if (cells > sizeof g / sizeof g[0]) cells = sizeof g / sizeof g[0];
    for (size_t c = 0; c < cells; c++) {
        size_t end = n - (cells - 1 - c) * k;
        size_t start = end > k ? end - k : 0;
        g[c] = group_max(v, start, end);
    }
    double lo = g[0], hi = g[0];
    for (size_t c = 1; c < cells; c++) {
        if (g[c] < lo) lo = g[c];
        if (g[c] > hi) hi = g[c];
    }
    size_t len = 0;
    int w = 0;
    for (size_t c = 0; c < cells; c++) {
        int level = hi > lo ? (int)((g[c] - lo) / (hi - lo) * (VW_SPARK_LEVELS - 1) + 0.5) : 0;
        const char *gl = vw_spark_glyph(level, unicode);
        size_t gn = strlen(gl);
        if (len + gn + 1 > cap) break;
        memcpy(out + len, gl, gn);
        len += gn;
        w++;
    }
    out[len] = 0;
    return w;
}

void vw_chart(VwGrid *g, int x, int y, int w, int h, const double *v, size_t n, bool unicode,
              VwAttr a)
{
    if (w <= 0 || h <= 0 || !n) return;
    size_t k = group_size(n, w);
    size_t cells = (n + k - 1) / k;
    /* few values: each takes several columns, so the chart fills its box */
    int span = (size_t)w > cells ? w / (int)cells : 1;
    double hi = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] > hi) hi = v[i];
    if (hi <= 0) return;
    int x0 = x + w - (int)cells * span; /* newest at the right edge */
    for (size_t c = 0; c < cells; c++) {
        size_t end = n - (cells - 1 - c) * k;
        size_t start = end > k ? end - k : 0;
        double val = group_max(v, start, end);
        /* height in eighths of a row; a non-zero value shows at least one eighth */
        int eighths = (int)(val / hi * h * 8 + 0.5);
        if (val > 0 && eighths == 0) eighths = 1;
        for (int row = 0; row < h && eighths > 0; row++, eighths -= 8) {
            int level = eighths >= 8 ? 7 : eighths - 1;
            const char *gl = unicode ? vw_spark_glyph(level, true) : (eighths >= 4 ? "#" : ".");
            for (int s2 = 0; s2 < span; s2++)
                vw_grid_put(g, x0 + (int)c * span + s2, y + h - 1 - row, 1, a, gl);
        }
    }
}
