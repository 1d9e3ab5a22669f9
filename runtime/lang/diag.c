#include "lang/diag.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static char *xstrdup(const char *s)
{
    size_t n = strlen(s);
    char *p = malloc(n + 1);
    if (!p) abort();
    memcpy(p, s, n + 1);
    return p;
}

void diags_vadd(Diags *d, const char *file, int line, int col, DiagOrigin origin, int warning,
                const char *key, const char *fmt, va_list ap)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->v = realloc(d->v, d->cap * sizeof *d->v);
        if (!d->v) abort();
    }
    StrBuf sb = STRBUF_INIT;
    sb_vprintf(&sb, fmt, ap);
    Diag *g = &d->v[d->n++];
    g->file = xstrdup(file ? file : "");
    g->line = line;
    g->col = col;
    g->origin = origin;
    g->warning = warning;
    g->msg = sb_take(&sb);
    g->key = xstrdup(key ? key : "");
    if (!warning) d->errors++;
}

void diags_add(Diags *d, const char *file, int line, int col, DiagOrigin origin,
               const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diags_vadd(d, file, line, col, origin, 0, key, fmt, ap);
    va_end(ap);
}

void diags_warn(Diags *d, const char *file, int line, int col, const char *key,
                const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diags_vadd(d, file, line, col, DIAG_LINT, 1, key, fmt, ap);
    va_end(ap);
}

/* erlc: errors before warnings; scanner/epp/parser messages (by file, position, then scan <
 * epp < parse) before the checker's (by file, position, then the error term). */
static int diag_cmp(const void *pa, const void *pb)
{
    const Diag *a = pa, *b = pb;
    if (a->warning != b->warning) return a->warning - b->warning;
    int pa_ = a->origin != DIAG_LINT, pb_ = b->origin != DIAG_LINT;
    if (!a->warning && pa_ != pb_) return pb_ - pa_;
    int c = strcmp(a->file, b->file);
    if (c) return c;
    if (a->line != b->line) return a->line < b->line ? -1 : 1;
    if (a->col != b->col) return a->col < b->col ? -1 : 1;
    if (a->origin != b->origin) return (int)a->origin - (int)b->origin;
    c = strcmp(a->key, b->key);
    if (c) return c;
    return strcmp(a->msg, b->msg);
}

void diags_sort(Diags *d)
{
    if (d->n > 1) qsort(d->v, d->n, sizeof *d->v, diag_cmp);
}

static void put_line_head(StrBuf *sb, const Diag *g)
{
    if (g->line <= 0)
        sb_printf(sb, "%s: %s%s\n", g->file, g->warning ? "Warning: " : "", g->msg);
    else if (g->col > 0)
        sb_printf(sb, "%s:%d:%d: %s%s\n", g->file, g->line, g->col,
                  g->warning ? "Warning: " : "", g->msg);
    else
        sb_printf(sb, "%s:%d: %s%s\n", g->file, g->line, g->warning ? "Warning: " : "", g->msg);
}

/* The text of line `line` (1-based) of the file, without its newline; NULL when absent. */
static char *read_source_line(const char *file, int line)
{
    FILE *f = fopen(file, "rb");
    if (!f) return NULL;
    StrBuf sb = STRBUF_INIT;
    int cur = 1, c, found = 0;
    while ((c = fgetc(f)) != EOF) {
        if (cur == line) {
            found = 1;
            if (c == '\n') break;
            sb_putc(&sb, (char)c);
        } else if (c == '\n') {
            cur++;
        }
    }
    fclose(f);
    if (!found) {
        sb_free(&sb);
        return NULL;
    }
    if (sb.len && sb.data[sb.len - 1] == '\r') sb_truncate(&sb, sb.len - 1);
    return sb_take(&sb);
}

/* sys_messages:quote_source for a one-position message: "% NNNN| text" then a caret under
 * the column (tabs kept so that the caret lines up). Columns count characters, not bytes. */
static void quote_source(StrBuf *sb, const Diag *g)
{
    if (g->line <= 0) return;
    char *text = read_source_line(g->file, g->line);
    if (!text) return;
    sb_printf(sb, "%% %4d| %s\n", g->line, text);
    int col = g->col > 0 ? g->col : 1;
    StrBuf u = STRBUF_INIT;
    int n = 1;
    const unsigned char *p = (const unsigned char *)text;
    while (*p && n < col) {
        sb_putc(&u, *p == '\t' ? '\t' : ' ');
        p++;
        while ((*p & 0xC0) == 0x80) p++; /* one column per UTF-8 character */
        n++;
    }
    sb_printf(sb, "%%     | %s^\n", u.data ? u.data : "");
    sb_free(&u);
    sb_putc(sb, '\n');
    free(text);
}

void diags_print(const Diags *d, FILE *out, int quote)
{
    StrBuf sb = STRBUF_INIT;
    for (size_t i = 0; i < d->n; i++) {
        put_line_head(&sb, &d->v[i]);
        if (quote) quote_source(&sb, &d->v[i]);
    }
    if (sb.data) fputs(sb.data, out);
    sb_free(&sb);
}

char *diags_text(const Diags *d, int with_warnings)
{
    StrBuf sb = STRBUF_INIT;
    for (size_t i = 0; i < d->n; i++)
        if (with_warnings || !d->v[i].warning) put_line_head(&sb, &d->v[i]);
    return sb_take(&sb);
}

void diags_free(Diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].file);
        free(d->v[i].msg);
        free(d->v[i].key);
    }
    free(d->v);
    d->v = NULL;
    d->n = d->cap = d->errors = 0;
}
