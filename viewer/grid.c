/*
 * grid.c — the cell grid (grid.h): UTF-8 in, one code point per cell, clipped writes, and the
 * text form that --once prints.
 */
#include "grid.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

bool vw_grid_init(VwGrid *g, int cols, int rows)
{
    g->cols = g->rows = 0;
    g->cells = NULL;
    if (cols <= 0 || rows <= 0) return true;
    g->cells = calloc((size_t)cols * (size_t)rows, sizeof *g->cells);
    if (!g->cells) return false;
    g->cols = cols;
    g->rows = rows;
    vw_grid_clear(g);
    return true;
}

void vw_grid_free(VwGrid *g)
{
    free(g->cells);
    g->cells = NULL;
    g->cols = g->rows = 0;
}

void vw_grid_clear(VwGrid *g)
{
    for (int i = 0; i < g->cols * g->rows; i++) {
        g->cells[i].ch[0] = ' ';
        g->cells[i].ch[1] = 0;
        g->cells[i].attr = VW_A_NORMAL;
    }
}

/* Code points a terminal draws two cells wide (East Asian wide, emoji) or zero wide
 * (combining marks): we cannot keep one per cell, so they print as '?'. */
static bool not_single_width(uint32_t c)
{
    if (c < 0x20 || (c >= 0x7f && c < 0xa0)) return true;
    if (c >= 0x300 && c <= 0x36f) return true;
    if (c >= 0x200b && c <= 0x200f) return true;
    if (c >= 0x1100 && c <= 0x115f) return true;
    if (c >= 0x2e80 && c <= 0xa4cf) return true;
    if (c >= 0xac00 && c <= 0xd7a3) return true;
    if (c >= 0xf900 && c <= 0xfaff) return true;
    if (c >= 0xfe30 && c <= 0xfe4f) return true;
    if (c >= 0xff00 && c <= 0xff60) return true;
    if (c >= 0xffe0 && c <= 0xffe6) return true;
    if (c >= 0x1f300) return true;
    return false;
}

/* Decodes one code point from s into out (its UTF-8, NUL-terminated); returns the bytes
 * consumed (at least 1). Malformed input becomes '?'. */
static size_t next_char(const char *s, char out[5])
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n;
    uint32_t c;
    if (u[0] < 0x80) { n = 1; c = u[0]; }
    else if ((u[0] & 0xe0) == 0xc0) { n = 2; c = u[0] & 0x1f; }
    else if ((u[0] & 0xf0) == 0xe0) { n = 3; c = u[0] & 0x0f; }
    else if ((u[0] & 0xf8) == 0xf0) { n = 4; c = u[0] & 0x07; }
    else { out[0] = '?'; out[1] = 0; return 1; }
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xc0) != 0x80) { out[0] = '?'; out[1] = 0; return i; }
        c = (c << 6) | (u[i] & 0x3f);
    }
    if (not_single_width(c)) { out[0] = '?'; out[1] = 0; return n; }
    memcpy(out, s, n);
    out[n] = 0;
    return n;
}

int vw_text_width(const char *text)
{
    int w = 0;
    char ch[5];
    while (*text) { text += next_char(text, ch); w++; }
    return w;
}

static VwCell *cell_at(VwGrid *g, int x, int y)
{
    if (x < 0 || y < 0 || x >= g->cols || y >= g->rows) return NULL;
    return &g->cells[y * g->cols + x];
}

const VwCell *vw_grid_cell(const VwGrid *g, int x, int y)
{
    if (x < 0 || y < 0 || x >= g->cols || y >= g->rows) return NULL;
    return &g->cells[y * g->cols + x];
}

int vw_grid_put(VwGrid *g, int x, int y, int maxw, VwAttr a, const char *text)
{
    if (!text || y < 0 || y >= g->rows) return 0;
    int limit = maxw < 0 ? g->cols - x : maxw;
    int w = 0;
    while (*text && w < limit) {
        char ch[5];
        text += next_char(text, ch);
        VwCell *c = cell_at(g, x + w, y);
        if (c) { memcpy(c->ch, ch, sizeof ch); c->attr = (unsigned char)a; }
        w++;
    }
    return w;
}

int vw_grid_printf(VwGrid *g, int x, int y, int maxw, VwAttr a, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return vw_grid_put(g, x, y, maxw, a, buf);
}

void vw_grid_put_right(VwGrid *g, int x, int y, int w, VwAttr a, const char *text)
{
    int tw = vw_text_width(text);
    if (tw > w) { vw_grid_put(g, x, y, w, a, text); return; }
    vw_grid_put(g, x + w - tw, y, tw, a, text);
}

void vw_grid_paint(VwGrid *g, int x, int y, int w, VwAttr a)
{
    for (int i = 0; i < w; i++) {
        VwCell *c = cell_at(g, x + i, y);
        if (c) c->attr = (unsigned char)a;
    }
}

void vw_grid_fill(VwGrid *g, int x, int y, int w, VwAttr a, const char *ch)
{
    for (int i = 0; i < w; i++) vw_grid_put(g, x + i, y, 1, a, ch);
}

void vw_grid_row(const VwGrid *g, int y, char *buf, size_t cap)
{
    size_t len = 0, keep = 0;
    if (!cap) return;
    buf[0] = 0;
    if (y < 0 || y >= g->rows) return;
    for (int x = 0; x < g->cols; x++) {
        const char *ch = g->cells[y * g->cols + x].ch;
        size_t n = strlen(ch);
        if (len + n + 1 > cap) break;
        memcpy(buf + len, ch, n);
        len += n;
        if (strcmp(ch, " ") != 0) keep = len;
    }
    buf[keep] = 0;
}

/* SGR for each attribute when --once prints in colour (crt.c makes the same choices). */
static const char *const sgr[VW_A_COUNT] = {
    [VW_A_NORMAL] = "0",     [VW_A_BOLD] = "0;1",    [VW_A_DIM] = "0;2",
    [VW_A_TITLE] = "0;1;36", [VW_A_COLHEAD] = "0;30;46", [VW_A_SELECT] = "0;7",
    [VW_A_TAB] = "0;37;44",  [VW_A_TAB_ON] = "0;1;30;47", [VW_A_GOOD] = "0;32",
    [VW_A_WARN] = "0;33",    [VW_A_BAD] = "0;1;31",  [VW_A_SPARK] = "0;36",
};

void vw_grid_write(const VwGrid *g, FILE *out, bool ansi)
{
    size_t cap = (size_t)g->cols * 5 + 1;
    char *buf = malloc(cap);
    if (!buf) return;
    for (int y = 0; y < g->rows; y++) {
        if (!ansi) {
            vw_grid_row(g, y, buf, cap);
            fprintf(out, "%s\n", buf);
            continue;
        }
        int cur = -1;
        for (int x = 0; x < g->cols; x++) {
            const VwCell *c = &g->cells[y * g->cols + x];
            if (c->attr != cur) {
                cur = c->attr;
                fprintf(out, "\033[%sm", sgr[cur < VW_A_COUNT ? cur : 0]);
            }
            fputs(c->ch, out);
        }
        fputs("\033[0m\n", out);
    }
    free(buf);
}
