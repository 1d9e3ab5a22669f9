/*
 * strbuf.h — a growable byte buffer for printers and reports. Allocation failure aborts (the
 * runtime cannot go on without memory for its own text).
 */
#ifndef HS_STRBUF_H
#define HS_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct StrBuf {
    char *data; /* always NUL-terminated when data != NULL */
    size_t len;
    size_t cap;
} StrBuf;

#define STRBUF_INIT {NULL, 0, 0}

void sb_putc(StrBuf *sb, char c);
void sb_puts(StrBuf *sb, const char *s);
void sb_putn(StrBuf *sb, const char *s, size_t n);
void sb_printf(StrBuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(StrBuf *sb, const char *fmt, va_list ap);
void sb_truncate(StrBuf *sb, size_t len);
void sb_free(StrBuf *sb);
/* Returns the text and leaves the buffer empty; the caller frees it. */
char *sb_take(StrBuf *sb);

#endif
