#include "lang/lex.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

#define CP_EOF 0xFFFFFFFFu

/* ---------------------------------------------------------------- token names */

static const char *const kind_names[TK_KIND_COUNT] = {
    [TK_NONE] = "", [TK_ATOM] = "atom", [TK_VAR] = "var", [TK_INTEGER] = "integer",
    [TK_FLOAT] = "float", [TK_CHAR] = "char", [TK_STRING] = "string", [TK_DOT] = "dot",
    [TK_LPAREN] = "(", [TK_RPAREN] = ")", [TK_LBRACE] = "{", [TK_RBRACE] = "}",
    [TK_LBRACKET] = "[", [TK_RBRACKET] = "]", [TK_COMMA] = ",", [TK_SEMI] = ";",
    [TK_PERIOD] = ".", [TK_DOTDOT] = "..", [TK_DOTDOTDOT] = "...", [TK_LTLT] = "<<",
    [TK_GTGT] = ">>", [TK_LARROW] = "<-", [TK_LDARROW] = "<=", [TK_LT] = "<", [TK_GE] = ">=",
    [TK_GT] = ">", [TK_RARROW] = "->", [TK_MINUSMINUS] = "--", [TK_MINUS] = "-",
    [TK_PLUSPLUS] = "++", [TK_PLUS] = "+", [TK_EXACT_EQ] = "=:=", [TK_EXACT_NE] = "=/=",
    [TK_LE] = "=<", [TK_ASSOC] = "=>", [TK_EQEQ] = "==", [TK_MATCH] = "=", [TK_NE] = "/=",
    [TK_SLASH] = "/", [TK_OROR] = "||", [TK_BAR] = "|", [TK_EXACT] = ":=",
    [TK_COLONCOLON] = "::", [TK_COLON] = ":", [TK_HASH] = "#", [TK_QMARK] = "?",
    [TK_QMARKEQ] = "?=", [TK_STAR] = "*", [TK_BANG] = "!", [TK_SYMBOL] = "",
    [TK_AFTER] = "after", [TK_BEGIN] = "begin", [TK_CASE] = "case", [TK_TRY] = "try",
    [TK_COND] = "cond", [TK_CATCH] = "catch", [TK_ANDALSO] = "andalso",
    [TK_ORELSE] = "orelse", [TK_END] = "end", [TK_FUN] = "fun", [TK_IF] = "if",
    [TK_LET] = "let", [TK_OF] = "of", [TK_RECEIVE] = "receive", [TK_WHEN] = "when",
    [TK_BNOT] = "bnot", [TK_NOT] = "not", [TK_DIV] = "div", [TK_REM] = "rem",
    [TK_BAND] = "band", [TK_AND] = "and", [TK_BOR] = "bor", [TK_BXOR] = "bxor",
    [TK_BSL] = "bsl", [TK_BSR] = "bsr", [TK_OR] = "or", [TK_XOR] = "xor",
    [TK_SPEC] = "spec", [TK_CALLBACK] = "callback",
};

const char *lex_kind_name(TokKind k)
{
    return (unsigned)k < TK_KIND_COUNT && kind_names[k] ? kind_names[k] : "";
}

int lex_is_keyword(TokKind k) { return k >= TK_AFTER && k <= TK_XOR; }

static TokKind keyword_kind(const char *s, size_t n)
{
    for (int k = TK_AFTER; k <= TK_XOR; k++)
        if (strlen(kind_names[k]) == n && memcmp(kind_names[k], s, n) == 0) return (TokKind)k;
    return TK_NONE;
}

int lex_reserved_word(const char *name, size_t len) { return keyword_kind(name, len) != TK_NONE; }

/* ---------------------------------------------------------------- text output */

void lex_put_utf8(StrBuf *sb, uint32_t c) { sb_put_utf8(sb, c); }

/* Decodes one UTF-8 character of a NUL-free name; advances *p. */
static uint32_t utf8_next(const unsigned char **p, const unsigned char *end)
{
    const unsigned char *s = *p;
    uint32_t c = *s++;
    int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (more) c &= 0x3F >> more;
    while (more-- && s < end) c = (c << 6) | (*s++ & 0x3F);
    *p = s;
    return c;
}

/* io_lib:string_char/4: unicode_as_unicode (UTF-8 out), or with latin1 set, the
 * unicode_as_latin1 of ~w (a byte for 160..255, \x{H} above) */
static void string_char_enc(StrBuf *sb, uint32_t c, uint32_t q, int latin1)
{
    if (c == q || c == '\\') {
        sb_putc(sb, '\\');
        lex_put_utf8(sb, c);
    } else if (c >= ' ' && c <= '~') {
        sb_putc(sb, (char)c);
    } else if (latin1 && c >= 0xA0 && c <= 0xFF) {
        sb_putc(sb, (char)c);
    } else if (latin1 && c > 0xFF) {
        sb_printf(sb, "\\x{%X}", c);
    } else if (c >= 0xA0) {
        lex_put_utf8(sb, c);
    } else {
        const char *e = NULL;
        switch (c) {
        case '\n': e = "\\n"; break;
        case '\r': e = "\\r"; break;
        case '\t': e = "\\t"; break;
        case '\v': e = "\\v"; break;
        case '\b': e = "\\b"; break;
        case '\f': e = "\\f"; break;
        case 27: e = "\\e"; break;
        case 127: e = "\\d"; break;
        default: break;
        }
        if (e)
            sb_puts(sb, e);
        else
            sb_printf(sb, "\\%c%c%c", (char)('0' + (c >> 6)), (char)('0' + ((c >> 3) & 7)),
                      (char)('0' + (c & 7)));
    }
}

static void string_char(StrBuf *sb, uint32_t c, uint32_t q) { string_char_enc(sb, c, q, 0); }

void lex_write_string(StrBuf *sb, const uint32_t *s, size_t n, uint32_t q)
{
    lex_put_utf8(sb, q);
    for (size_t i = 0; i < n; i++) string_char(sb, s[i], q);
    lex_put_utf8(sb, q);
}

void lex_write_char(StrBuf *sb, uint32_t c)
{
    if (c == ' ') {
        sb_puts(sb, "$\\s");
        return;
    }
    sb_putc(sb, '$');
    string_char(sb, c, 0xFFFFFFFEu);
}

static int latin1_lower(uint32_t c) { return c >= 0xDF && c <= 0xFF && c != 0xF7; }
static int latin1_upper(uint32_t c) { return c >= 0xC0 && c <= 0xDE && c != 0xD7; }

static int name_char(uint32_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '@' || latin1_lower(c) || latin1_upper(c);
}

static void write_atom_enc(StrBuf *sb, const char *name, size_t len, int latin1);

void lex_write_atom(StrBuf *sb, const char *name, size_t len) { write_atom_enc(sb, name, len, 0); }
void lex_write_atom_latin1(StrBuf *sb, const char *name, size_t len)
{
    write_atom_enc(sb, name, len, 1);
}

static void write_atom_enc(StrBuf *sb, const char *name, size_t len, int latin1)
{
    const unsigned char *p = (const unsigned char *)name, *end = p + len;
    int quote = lex_reserved_word(name, len) || len == 0;
    if (!quote) {
        uint32_t c = utf8_next(&p, end);
        if (!((c >= 'a' && c <= 'z') || latin1_lower(c))) quote = 1;
        while (!quote && p < end)
            if (!name_char(utf8_next(&p, end))) quote = 1;
    }
    if (!quote && !latin1) {
        sb_putn(sb, name, len);
        return;
    }
    if (quote) sb_putc(sb, '\'');
    p = (const unsigned char *)name;
    while (p < end) {
        uint32_t c = utf8_next(&p, end);
        if (quote)
            string_char_enc(sb, c, '\'', latin1);
        else if (c <= 0xFF)
            sb_putc(sb, (char)c);
        else
            lex_put_utf8(sb, c);
    }
    if (quote) sb_putc(sb, '\'');
}

/* Shortest digits that read back as f (the digits float_to_list(F, [short]) prints), and the
 * decimal exponent of the first digit. */
static void shortest_digits(double f, char *digits, int *exp10)
{
    char buf[40];
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, sizeof buf, "%.*e", p - 1, f);
        if (strtod(buf, NULL) == f || p == 17) break;
    }
    int nd = 0;
    const char *s = buf;
    for (; *s && *s != 'e'; s++)
        if (*s >= '0' && *s <= '9') digits[nd++] = *s;
    while (nd > 1 && digits[nd - 1] == '0') nd--;
    digits[nd] = '\0';
    *exp10 = *s == 'e' ? atoi(s + 1) : 0;
}

/* float_to_list(F, [short]): the shorter of the plain and the scientific form, the plain one
 * on a tie ("100.0", "1.5e3", "0.0001", "1.0e-5"). */
void lex_write_float(StrBuf *sb, double f)
{
    if (f == 0) {
        sb_puts(sb, signbit(f) ? "-0.0" : "0.0");
        return;
    }
    if (f < 0) {
        sb_putc(sb, '-');
        f = -f;
    }
    char d[40];
    int x;
    shortest_digits(f, d, &x);
    int nd = (int)strlen(d);
    StrBuf sci = STRBUF_INIT, dec = STRBUF_INIT;
    sb_putc(&sci, d[0]);
    sb_putc(&sci, '.');
    sb_puts(&sci, nd > 1 ? d + 1 : "0");
    sb_printf(&sci, "e%d", x);
    if (x >= 0) {
        for (int i = 0; i <= x; i++) sb_putc(&dec, i < nd ? d[i] : '0');
        sb_putc(&dec, '.');
        if (nd > x + 1)
            sb_puts(&dec, d + x + 1);
        else
            sb_putc(&dec, '0');
    } else {
        sb_puts(&dec, "0.");
        for (int i = 0; i < -x - 1; i++) sb_putc(&dec, '0');
        sb_puts(&dec, d);
    }
    sb_puts(sb, dec.len <= sci.len ? dec.data : sci.data);
    sb_free(&sci);
    sb_free(&dec);
}

static void put_integer(StrBuf *sb, const Token *t)
{
    if (t->big)
        sb_puts(sb, t->big);
    else
        sb_printf(sb, "%lld", (long long)t->ival);
}

void lex_token_text(const Token *t, StrBuf *sb)
{
    switch (t->kind) {
    case TK_ATOM: lex_write_atom(sb, t->name, t->len); break;
    case TK_INTEGER: put_integer(sb, t); break;
    case TK_FLOAT: lex_write_float(sb, t->fval); break;
    case TK_CHAR: lex_write_char(sb, (uint32_t)t->ival); break;
    case TK_VAR: sb_putn(sb, t->name, t->len); break;
    case TK_STRING: lex_write_string(sb, t->str, t->slen, '"'); break;
    case TK_DOT: sb_puts(sb, "'.'"); break;
    case TK_NONE: break; /* '$end' */
    case TK_SYMBOL: lex_write_atom(sb, t->name, t->len); break;
    default: lex_write_atom(sb, lex_kind_name(t->kind), strlen(lex_kind_name(t->kind))); break;
    }
}

void lex_token_src(const Token *t, StrBuf *sb)
{
    switch (t->kind) {
    case TK_DOT: sb_putc(sb, '.'); break;
    case TK_VAR: sb_putn(sb, t->name, t->len); break;
    case TK_CHAR: lex_write_char(sb, (uint32_t)t->ival); break;
    case TK_STRING: lex_write_string(sb, t->str, t->slen, '"'); break;
    case TK_ATOM: lex_write_atom(sb, t->name, t->len); break;
    case TK_INTEGER: put_integer(sb, t); break;
    case TK_FLOAT: lex_write_float(sb, t->fval); break;
    case TK_SYMBOL: sb_putn(sb, t->name, t->len); break;
    default: sb_puts(sb, lex_kind_name(t->kind)); break;
    }
}

void lex_token_symbol(const Token *t, StrBuf *sb)
{
    switch (t->kind) {
    case TK_DOT: sb_puts(sb, "dot"); break;
    case TK_VAR: lex_write_atom(sb, t->name, t->len); break;
    case TK_CHAR: sb_printf(sb, "%lld", (long long)t->ival); break;
    default: lex_token_text(t, sb); break;
    }
}

/* ---------------------------------------------------------------- decoding */

static int coding_is_latin1(const unsigned char *b, size_t len)
{
    /* epp:read_encoding_from_file: a comment in the first two lines with
     * "coding" [:=] spaces NAME, NAME split at '-' into alphanumeric runs. */
    int lines = 0;
    for (size_t i = 0; i < len && lines < 2; i++) {
        if (b[i] == '\n') {
            lines++;
            continue;
        }
        if (b[i] != '%') continue;
        for (size_t j = i; j + 6 <= len && b[j] != '\n'; j++) {
            if (memcmp(b + j, "coding", 6) != 0) continue;
            size_t k = j + 6;
            while (k < len && b[k] == ' ') k++;
            if (k >= len || (b[k] != ':' && b[k] != '=')) continue;
            k++;
            while (k < len && b[k] == ' ') k++;
            char name[16];
            size_t n = 0;
            while (k < len && n < sizeof name - 1 &&
                   ((b[k] >= 'a' && b[k] <= 'z') || (b[k] >= 'A' && b[k] <= 'Z') ||
                    (b[k] >= '0' && b[k] <= '9') || b[k] == '-'))
                name[n++] = (char)(b[k] >= 'A' && b[k] <= 'Z' ? b[k] + 32 : b[k]), k++;
            name[n] = '\0';
            if (strncmp(name, "latin-1", 7) == 0) return 1;
            if (strncmp(name, "utf-8", 5) == 0) return 0;
        }
        while (i < len && b[i] != '\n') i++;
        lines++;
    }
    return 0;
}

uint32_t *lex_decode(const unsigned char *b, size_t len, size_t *n, size_t *valid_end)
{
    uint32_t *out = malloc((len + 1) * sizeof *out);
    if (!out) abort();
    size_t o = 0;
    if (coding_is_latin1(b, len)) {
        for (size_t i = 0; i < len; i++) out[o++] = b[i];
        *n = *valid_end = o;
        return out;
    }
    size_t i = 0;
    *valid_end = (size_t)-1;
    while (i < len) {
        uint32_t c = b[i];
        int more = 0;
        uint32_t min = 0;
        if (c < 0x80) {
            more = 0;
        } else if (c >= 0xC2 && c <= 0xDF) {
            more = 1, c &= 0x1F, min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            more = 2, c &= 0x0F, min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            more = 3, c &= 0x07, min = 0x10000;
        } else {
            break;
        }
        if (i + (size_t)more >= len + (more ? 0 : 1)) break;
        int ok = 1;
        for (int k = 1; k <= more; k++) {
            if ((b[i + k] & 0xC0) != 0x80) {
                ok = 0;
                break;
            }
            c = (c << 6) | (b[i + k] & 0x3F);
        }
        if (!ok || c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) break;
        out[o++] = c;
        i += (size_t)more + 1;
    }
    *valid_end = o;
    if (i < len) out[o++] = 0xFFFD; /* stands for the undecodable rest: valid_end < n */
    *n = o;
    return out;
}

/* ---------------------------------------------------------------- scanning */

void lex_init(Lexer *lx, const uint32_t *src, size_t n, size_t valid_end)
{
    memset(lx, 0, sizeof *lx);
    lx->src = src;
    lx->n = n;
    lx->valid_end = valid_end < n ? valid_end : n;
    lx->line = 1;
    lx->col = 1;
}

typedef struct Scan {
    Lexer *lx;
    Arena *a;
    Token *v;
    size_t n, cap;
    LexError *err;
    int hit_invalid;    /* a step looked past the end of the decodable input */
} Scan;

/* The code point at index p, or CP_EOF at the end. Reading up to undecodable bytes is
 * noted: erl_scan would have asked for more input there, and the file cannot be read. */
static uint32_t src_at(Scan *s, size_t p)
{
    if (p < s->lx->valid_end) return s->lx->src[p];
    if (s->lx->valid_end < s->lx->n) s->hit_invalid = 1;
    return CP_EOF;
}

static uint32_t at(Scan *s, size_t k) { return src_at(s, s->lx->pos + k); }

static int is_digit(uint32_t c) { return c >= '0' && c <= '9'; }
static int valid_cp(uint32_t c)
{
    return c < 0xD800 || (c > 0xDFFF && c < 0xFFFE) || (c > 0xFFFF && c <= 0x10FFFF);
}
static int is_white(uint32_t c) { return c <= ' ' || (c >= 0x80 && c <= 0xA0); }

static Token *push(Scan *s, TokKind k, int line, int col)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->v = realloc(s->v, s->cap * sizeof *s->v);
        if (!s->v) abort();
    }
    Token *t = &s->v[s->n++];
    memset(t, 0, sizeof *t);
    t->kind = k;
    t->line = line;
    t->col = col;
    return t;
}

/* Records a scan error at (line, col); scanning resumes at code point index `rest` with the
 * location (end_line, end_col), as erl_scan's {error, Info, EndLocation} and left-over chars. */
static LexStatus fail(Scan *s, int line, int col, size_t rest, int end_line, int end_col,
                      const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static LexStatus fail(Scan *s, int line, int col, size_t rest, int end_line, int end_col,
                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err->msg, sizeof s->err->msg, fmt, ap);
    va_end(ap);
    s->err->line = line;
    s->err->col = col;
    s->lx->pos = rest;
    s->lx->line = end_line;
    s->lx->col = end_col;
    return LEX_ERROR;
}

static void tok1(Scan *s, TokKind k, int len)
{
    push(s, k, s->lx->line, s->lx->col);
    s->lx->pos += (size_t)len;
    s->lx->col += len;
}

static char *utf8_of(Scan *s, const uint32_t *cps, size_t n, size_t *len)
{
    StrBuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n; i++) lex_put_utf8(&sb, cps[i]);
    *len = sb.len;
    char *r = arena_strndup(s->a, sb.data ? sb.data : "", sb.len);
    sb_free(&sb);
    return r;
}

static LexStatus scan_name(Scan *s, int is_var)
{
    Lexer *lx = s->lx;
    size_t start = lx->pos, n = 1;
    while (name_char(at(s, n))) n++;
    if (n > 255) /* list_to_atom/1 fails on names longer than 255 characters */
        return fail(s, lx->line, lx->col, start + n, lx->line, lx->col + (int)n,
                    is_var ? "illegal var" : "illegal atom");
    size_t len;
    char *name = utf8_of(s, lx->src + start, n, &len);
    TokKind kw = is_var ? TK_NONE : keyword_kind(name, len);
    Token *t = push(s, kw != TK_NONE ? kw : is_var ? TK_VAR : TK_ATOM, lx->line, lx->col);
    if (kw == TK_NONE) {
        t->name = name;
        t->len = len;
    }
    lx->pos += n;
    lx->col += (int)n;
    return LEX_FORM;
}

typedef enum EscKind { ESC_VAL, ESC_NL, ESC_ERROR, ESC_EOF } EscKind;

/* erl_scan:scan_escape/2. `p` indexes the character after the backslash and `col` is the
 * column passed in by the caller; on return *val is the value, *np the index after the escape
 * and *ncol the column erl_scan computes. */
static EscKind scan_escape(Scan *s, size_t p, int col, uint32_t *val, size_t *np, int *ncol)
{
#define AT(i) src_at(s, p + (i))
    uint32_t c = AT(0);
    if (c == CP_EOF) {
        *ncol = col;
        return ESC_EOF;
    }
    if (c >= '0' && c <= '7') {
        uint32_t v = c - '0';
        int k = 1;
        while (k < 3 && AT(k) >= '0' && AT(k) <= '7') v = v * 8 + (AT(k) - '0'), k++;
        *val = v;
        *np = p + (size_t)k;
        *ncol = col + k;
        return ESC_VAL;
    }
    if (c == 'x') {
        uint32_t c1 = AT(1);
        if (c1 == '{') {
            size_t q = p + 2;
            int cc = col + 2;
            uint64_t v = 0;
            int nd = 0;
            for (;;) {
                uint32_t h = src_at(s, q);
                int d = is_digit(h) ? (int)(h - '0') : (h >= 'a' && h <= 'f') ? (int)(h - 'a' + 10)
                        : (h >= 'A' && h <= 'F') ? (int)(h - 'A' + 10) : -1;
                if (d < 0) break;
                if (v < ((uint64_t)1 << 40)) v = v * 16 + (uint64_t)d;
                nd++;
                q++;
                cc++;
            }
            uint32_t e = src_at(s, q);
            if (e == CP_EOF) {
                *ncol = cc;
                return ESC_EOF;
            }
            if (e != '}') {
                *np = q;
                *ncol = cc;
                return ESC_ERROR;
            }
            *np = q + 1;
            *ncol = cc + 1;
            if (nd == 0 || v > 0x10FFFF || !valid_cp((uint32_t)v)) return ESC_ERROR;
            *val = (uint32_t)v;
            return ESC_VAL;
        }
        if (c1 == CP_EOF) {
            *ncol = col + 1;
            return ESC_EOF;
        }
        uint32_t c2 = AT(2);
#define HEXV(h) (is_digit(h) ? (int)((h) - '0') : ((h) >= 'a' && (h) <= 'f') ? (int)((h) - 'a' + 10) \
                 : ((h) >= 'A' && (h) <= 'F') ? (int)((h) - 'A' + 10) : -1)
        if (HEXV(c1) >= 0 && HEXV(c2) >= 0) {
            *val = (uint32_t)(HEXV(c1) * 16 + HEXV(c2));
            *np = p + 3;
            *ncol = col + 3;
            return ESC_VAL;
        }
#undef HEXV
        *np = p + 1;
        *ncol = col + 1;
        return ESC_ERROR;
    }
    if (c == '^') {
        uint32_t c1 = AT(1);
        if (c1 == CP_EOF) {
            *ncol = col + 1;
            return ESC_EOF;
        }
        *np = p + 2;
        if (c1 == '\n') {
            *val = '\n';
            *ncol = 1;
            return ESC_NL;
        }
        *val = c1 & 31;
        *ncol = col + 2;
        return ESC_VAL;
    }
    if (c == '\n') {
        *val = '\n';
        *np = p + 1;
        *ncol = 1;
        return ESC_NL;
    }
    *np = p + 1;
    *ncol = col + 1;
    if (!valid_cp(c)) return ESC_ERROR;
    switch (c) {
    case 'n': *val = '\n'; break;
    case 'r': *val = '\r'; break;
    case 't': *val = '\t'; break;
    case 'v': *val = '\v'; break;
    case 'b': *val = '\b'; break;
    case 'f': *val = '\f'; break;
    case 'e': *val = 27; break;
    case 's': *val = ' '; break;
    case 'd': *val = 127; break;
    default: *val = c; break;
    }
    return ESC_VAL;
#undef AT
}

/* "unterminated string starting with \"...\"": the first 16 characters (graphemes in OTP; a
 * CR LF pair counts as one). */
static void unterminated(Scan *s, const uint32_t *w, size_t n, uint32_t q, int line, int col)
{
    size_t k = 0, g = 0;
    while (k < n && g < 16) {
        if (w[k] == '\r' && k + 1 < n && w[k + 1] == '\n') k++;
        k++;
        g++;
    }
    StrBuf sb = STRBUF_INIT;
    sb_printf(&sb, "unterminated %s starting with ", q == '\'' ? "atom" : "string");
    lex_write_string(&sb, w, k, q);
    fail(s, line, col, s->lx->valid_end, s->lx->line, s->lx->col, "%s", sb.data);
    sb_free(&sb);
}

/* Strings and quoted atoms (erl_scan:scan_string/scan_qatom). */
static LexStatus scan_quoted(Scan *s, uint32_t q)
{
    Lexer *lx = s->lx;
    int line0 = lx->line, col0 = lx->col;
    size_t p = lx->pos + 1;
    int line = lx->line, col = lx->col + 1;
    uint32_t *w = NULL;
    size_t wn = 0, wcap = 0;
    LexStatus st = LEX_FORM;
    for (;;) {
        uint32_t c = src_at(s, p);
        if (c == CP_EOF) {
            lx->line = line;
            lx->col = col;
            unterminated(s, w, wn, q, line0, col0);
            st = LEX_ERROR;
            break;
        }
        if (c == q) {
            p++;
            col++;
            break;
        }
        uint32_t v = c;
        if (c == '\n') {
            p++;
            line++;
            col = 1;
        } else if (c == '\\') {
            size_t np = p;
            int ncol = col;
            EscKind k = scan_escape(s, p + 1, col, &v, &np, &ncol);
            if (k == ESC_EOF) {
                lx->line = line;
                lx->col = ncol + 1;
                unterminated(s, w, wn, q, line0, col0);
                st = LEX_ERROR;
                break;
            }
            if (k == ESC_ERROR) {
                st = fail(s, line, col, np, line, ncol + 1, "illegal character");
                break;
            }
            p = np;
            if (k == ESC_NL) {
                line++;
                col = ncol;
            } else {
                col = ncol + 1;
            }
        } else if (!valid_cp(c)) {
            st = fail(s, line, col, p + 1, line, col + 1, "illegal character");
            break;
        } else {
            p++;
            col++;
        }
        if (wn == wcap) {
            wcap = wcap ? wcap * 2 : 32;
            w = realloc(w, wcap * sizeof *w);
            if (!w) abort();
        }
        w[wn++] = v;
    }
    if (st == LEX_FORM) {
        if (q == '\'' && wn > 255) {
            st = fail(s, line0, col0, p, line, col, "illegal atom");
        } else {
            Token *t = push(s, q == '"' ? TK_STRING : TK_ATOM, line0, col0);
            if (q == '"') {
                t->str = arena_memdup(s->a, w, wn, sizeof *w);
                t->slen = wn;
            } else {
                t->name = utf8_of(s, w, wn, &t->len);
                /* epp keeps the text of the quoted feature keywords (keep_ftr_keywords) */
                if (p - lx->pos == 7 && t->len == 5 && memcmp(t->name, "maybe", 5) == 0)
                    t->text = 1;
                else if (p - lx->pos == 6 && t->len == 4 && memcmp(t->name, "else", 4) == 0)
                    t->text = 2;
            }
            lx->pos = p;
            lx->line = line;
            lx->col = col;
        }
    }
    free(w);
    return st;
}

static LexStatus scan_char(Scan *s)
{
    Lexer *lx = s->lx;
    int line = lx->line, col = lx->col;
    uint32_t c = at(s, 1);
    if (c == CP_EOF)
        return fail(s, line, col, lx->valid_end, line, col + 1, "unterminated character");
    if (c == '\\') {
        uint32_t v = 0;
        size_t np = 0;
        int ncol = 0;
        EscKind k = scan_escape(s, lx->pos + 2, col + 2, &v, &np, &ncol);
        if (k == ESC_EOF)
            return fail(s, line, col, lx->valid_end, line, ncol, "unterminated character");
        if (k == ESC_ERROR) return fail(s, line, col, np, line, ncol, "illegal character");
        Token *t = push(s, TK_CHAR, line, col);
        t->ival = v;
        lx->pos = np;
        if (k == ESC_NL) lx->line++;
        lx->col = ncol;
        return LEX_FORM;
    }
    if (c == '\n') {
        Token *t = push(s, TK_CHAR, line, col);
        t->ival = '\n';
        lx->pos += 2;
        lx->line++;
        lx->col = 1;
        return LEX_FORM;
    }
    if (!valid_cp(c))
        return fail(s, line, col, lx->valid_end, line, col + 1, "illegal character");
    Token *t = push(s, TK_CHAR, line, col);
    t->ival = c;
    lx->pos += 2;
    lx->col += 2;
    return LEX_FORM;
}

/* ---- integers of any size: little-endian base-2^32 limbs */

typedef struct Big {
    uint32_t *d;
    size_t n, cap;
} Big;

static void big_muladd(Big *b, uint32_t m, uint32_t add)
{
    uint64_t carry = add;
    for (size_t i = 0; i < b->n; i++) {
        uint64_t v = (uint64_t)b->d[i] * m + carry;
        b->d[i] = (uint32_t)v;
        carry = v >> 32;
    }
    if (carry) {
        if (b->n == b->cap) {
            b->cap = b->cap ? b->cap * 2 : 4;
            b->d = realloc(b->d, b->cap * sizeof *b->d);
            if (!b->d) abort();
        }
        b->d[b->n++] = (uint32_t)carry;
    }
}

static int digit_val(uint32_t c)
{
    if (is_digit(c)) return (int)(c - '0');
    if (c >= 'a' && c <= 'z') return (int)(c - 'a' + 10);
    if (c >= 'A' && c <= 'Z') return (int)(c - 'A' + 10);
    return 99;
}

/* The value of digits (separators skipped) in `base`, into an int64 or a decimal string. */
static void set_integer(Scan *s, const uint32_t *ds, size_t n, int base, int64_t *ival,
                        const char **big)
{
    Big b = {NULL, 0, 0};
    for (size_t i = 0; i < n; i++)
        if (ds[i] != '_') big_muladd(&b, (uint32_t)base, (uint32_t)digit_val(ds[i]));
    while (b.n && b.d[b.n - 1] == 0) b.n--;
    *big = NULL;
    if (b.n <= 2 && (b.n < 2 || b.d[1] < 0x80000000u)) {
        uint64_t v = b.n ? b.d[0] : 0;
        if (b.n == 2) v |= (uint64_t)b.d[1] << 32;
        *ival = (int64_t)v;
    } else {
        /* repeated division by 10^9 */
        StrBuf rev = STRBUF_INIT;
        while (b.n) {
            uint64_t r = 0;
            for (size_t i = b.n; i-- > 0;) {
                uint64_t cur = (r << 32) | b.d[i];
                b.d[i] = (uint32_t)(cur / 1000000000u);
                r = cur % 1000000000u;
            }
            while (b.n && b.d[b.n - 1] == 0) b.n--;
            for (int k = 0; k < 9; k++) {
                if (!b.n && r == 0 && k > 0) break;
                sb_putc(&rev, (char)('0' + r % 10));
                r /= 10;
            }
        }
        char *out = arena_alloc(s->a, rev.len + 1);
        for (size_t i = 0; i < rev.len; i++) out[i] = rev.data[rev.len - 1 - i];
        *big = out;
        *ival = 0;
        sb_free(&rev);
    }
    free(b.d);
}

/* digits with '_' allowed between two digits valid in `base`; returns the count scanned */
static size_t digit_run(Scan *s, size_t k, int base)
{
    for (;;) {
        uint32_t c = at(s, k);
        if (digit_val(c) < base) {
            k++;
        } else if (c == '_' && k > 0 && digit_val(at(s, k - 1)) < base &&
                   digit_val(at(s, k + 1)) < base) {
            k += 2;
        } else {
            return k;
        }
    }
}

static LexStatus scan_number(Scan *s)
{
    Lexer *lx = s->lx;
    int line = lx->line, col = lx->col;
    const uint32_t *src = lx->src + lx->pos;
    size_t n = digit_run(s, 0, 10);
    if (at(s, n) == '.' && is_digit(at(s, n + 1))) {
        size_t k = digit_run(s, n + 1, 10);
        int ok = 1;
        if (at(s, k) == 'e' || at(s, k) == 'E') {
            k++;
            if (at(s, k) == '+' || at(s, k) == '-') k++;
            if (is_digit(at(s, k)))
                k = digit_run(s, k, 10);
            else
                ok = 0; /* list_to_float/1 wants digits after the 'e' */
        }
        double f = 0;
        if (ok) {
            StrBuf sb = STRBUF_INIT;
            for (size_t i = 0; i < k; i++)
                if (src[i] != '_') sb_putc(&sb, (char)src[i]);
            f = strtod(sb.data, NULL);
            sb_free(&sb);
            if (isinf(f)) ok = 0;
        }
        if (!ok) return fail(s, line, col, lx->pos + k, line, col + (int)k, "illegal float");
        Token *t = push(s, TK_FLOAT, line, col);
        t->fval = f;
        lx->pos += k;
        lx->col += (int)k;
        return LEX_FORM;
    }
    if (at(s, n) == '#') {
        int64_t base = 0;
        const char *bigbase = NULL;
        set_integer(s, src, n, 10, &base, &bigbase);
        if (bigbase || base < 2 || base > 36) {
            char num[32];
            snprintf(num, sizeof num, "%lld", (long long)base);
            return fail(s, line, col, lx->pos + n, line, col + (int)n, "illegal base '%s'",
                        bigbase ? bigbase : num);
        }
        size_t k = digit_run(s, n + 1, (int)base);
        if (k == n + 1)
            return fail(s, line, col, lx->pos + k, line, col + (int)k, "illegal integer");
        Token *t = push(s, TK_INTEGER, line, col);
        set_integer(s, src + n + 1, k - n - 1, (int)base, &t->ival, &t->big);
        lx->pos += k;
        lx->col += (int)k;
        return LEX_FORM;
    }
    Token *t = push(s, TK_INTEGER, line, col);
    set_integer(s, src, n, 10, &t->ival, &t->big);
    lx->pos += n;
    lx->col += (int)n;
    return LEX_FORM;
}

static int starts(Scan *s, const char *p)
{
    for (size_t i = 0; p[i]; i++)
        if (at(s, i) != (unsigned char)p[i]) return 0;
    return 1;
}

static const struct {
    const char *text;
    TokKind kind;
} puncts[] = {
    {"...", TK_DOTDOTDOT}, {"..", TK_DOTDOT}, {"?=", TK_QMARKEQ}, {"<<", TK_LTLT},
    {"<-", TK_LARROW}, {"<=", TK_LDARROW}, {">>", TK_GTGT}, {">=", TK_GE}, {"->", TK_RARROW},
    {"--", TK_MINUSMINUS}, {"++", TK_PLUSPLUS}, {"=:=", TK_EXACT_EQ}, {"=/=", TK_EXACT_NE},
    {"=<", TK_LE}, {"=>", TK_ASSOC}, {"==", TK_EQEQ}, {"/=", TK_NE}, {"||", TK_OROR},
    {":=", TK_EXACT}, {"::", TK_COLONCOLON}, {",", TK_COMMA}, {"(", TK_LPAREN},
    {")", TK_RPAREN}, {"{", TK_LBRACE}, {"}", TK_RBRACE}, {"[", TK_LBRACKET},
    {"]", TK_RBRACKET}, {";", TK_SEMI}, {"<", TK_LT}, {">", TK_GT}, {"-", TK_MINUS},
    {"+", TK_PLUS}, {"=", TK_MATCH}, {"/", TK_SLASH}, {"|", TK_BAR}, {":", TK_COLON},
    {"#", TK_HASH}, {"?", TK_QMARK}, {"*", TK_STAR}, {"!", TK_BANG},
};

/* One step of erl_scan:scan1/5: a token, white space or a comment. */
static LexStatus scan_one(Scan *s, int *dot)
{
    Lexer *lx = s->lx;
    uint32_t c = at(s, 0);
    if (is_white(c)) {
        /* a run of white space is one step of erl_scan (skip_white_space/6) */
        while (is_white(c)) {
            lx->pos++;
            if (c == '\n') {
                lx->line++;
                lx->col = 1;
            } else {
                lx->col++;
            }
            c = at(s, 0);
        }
        return LEX_FORM;
    }
    if ((c >= 'A' && c <= 'Z') || c == '_' || latin1_upper(c)) return scan_name(s, 1);
    if ((c >= 'a' && c <= 'z') || latin1_lower(c)) return scan_name(s, 0);
    if (is_digit(c)) return scan_number(s);
    if (c == '%') {
        size_t k = 1;
        uint32_t d;
        while ((d = at(s, k)) != CP_EOF && d != '\n') {
            if (!valid_cp(d))
                return fail(s, lx->line, lx->col, lx->pos + k + 1, lx->line, lx->col + (int)k + 1,
                            "illegal character");
            k++;
        }
        lx->pos += k;
        lx->col += (int)k;
        return LEX_FORM;
    }
    if (c == '"' || c == '\'') return scan_quoted(s, c);
    if (c == '$') return scan_char(s);
    if (c == '.' && !starts(s, "..")) {
        uint32_t d = at(s, 1);
        if (d == '%' || d == CP_EOF) {
            tok1(s, TK_DOT, 1);
            *dot = 1;
        } else if (d == '\n') {
            push(s, TK_DOT, lx->line, lx->col);
            lx->pos += 2;
            lx->line++;
            lx->col = 1;
            *dot = 1;
        } else if (is_white(d)) {
            push(s, TK_DOT, lx->line, lx->col);
            lx->pos += 2;
            lx->col += 2;
            *dot = 1;
        } else {
            tok1(s, TK_PERIOD, 1);
        }
        return LEX_FORM;
    }
    for (size_t i = 0; i < sizeof puncts / sizeof puncts[0]; i++) {
        if (starts(s, puncts[i].text)) {
            tok1(s, puncts[i].kind, (int)strlen(puncts[i].text));
            return LEX_FORM;
        }
    }
    if (c <= 255) {
        Token *t = push(s, TK_SYMBOL, lx->line, lx->col);
        StrBuf sb = STRBUF_INIT;
        lex_put_utf8(&sb, c);
        t->name = arena_strndup(s->a, sb.data, sb.len);
        t->len = sb.len;
        sb_free(&sb);
        lx->pos++;
        lx->col++;
        return LEX_FORM;
    }
    return fail(s, lx->line, lx->col, lx->pos + 1, lx->line, lx->col + 1, "illegal character");
}

LexStatus lex_form(Lexer *lx, Arena *a, Token **toks, size_t *ntoks, LexError *err)
{
    Scan s = {lx, a, NULL, 0, 0, err, 0};
    int dot = 0;
    LexStatus st = LEX_FORM;
    while (!dot) {
        int line0 = lx->line, col0 = lx->col;
        if (lx->pos >= lx->valid_end && lx->pos >= lx->n) break;
        s.hit_invalid = lx->pos >= lx->valid_end;
        if (!s.hit_invalid) st = scan_one(&s, &dot);
        if (s.hit_invalid) {
            /* undecodable bytes: erlc reports where the unfinished step began, and gives up */
            err->line = line0;
            err->col = col0;
            snprintf(err->msg, sizeof err->msg, "cannot parse file, giving up");
            lx->pos = lx->n;
            lx->line = line0;
            lx->col = col0;
            free(s.v);
            return LEX_FATAL;
        }
        if (st != LEX_FORM) break;
    }
    if (st == LEX_ERROR) {
        free(s.v);
        *toks = NULL;
        *ntoks = 0;
        return LEX_ERROR;
    }
    if (s.n == 0) {
        free(s.v);
        *toks = NULL;
        *ntoks = 0;
        return LEX_EOF;
    }
    *toks = arena_memdup(a, s.v, s.n, sizeof *s.v);
    *ntoks = s.n;
    free(s.v);
    return LEX_FORM;
}
