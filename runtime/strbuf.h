/*
 * strbuf.h — a growable byte buffer for printers and reports. Allocation failure aborts (the
 * runtime cannot go on without memory for its own text).
 */
#ifndef HS_STRBUF_H
#define HS_STRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

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
/* Appends code point cp (at most 0x10FFFF; callers check) UTF-8 encoded. */
void sb_put_utf8(StrBuf *sb, uint32_t cp);
/* Writes cp UTF-8 encoded into out; returns the number of bytes (1 to 4). */
size_t utf8_encode(uint32_t cp, unsigned char out[4]);
void sb_free(StrBuf *sb);
/* Returns the text and leaves the buffer empty; the caller frees it. */
char *sb_take(StrBuf *sb);

#endif
