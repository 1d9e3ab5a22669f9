/*
 * etf.c — the external term format (see etf.h).
 *
 * The encoder walks the term with an explicit work stack; a local fun's size field is patched
 * when its free variables are done. The decoder runs twice over the input: a check pass that
 * only counts the terms still owed ("need") and reads every length against the bytes left, so
 * it needs no stack at all, then a build pass with a stack of slots to fill. Maps are built
 * last, innermost first (a map nested in another starts later in the input), because building
 * a map needs its keys complete.
 */
#include "etf.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atom.h"
#include "bignum.h"
#include "bin.h"
#include "literal.h"
#include "map.h"

#ifdef HS_HAVE_ZLIB
#include <zlib.h>
#endif

enum {
    VERSION_MAGIC = 131,
    NEW_FLOAT_EXT = 70,
    BIT_BINARY_EXT = 77,
    COMPRESSED = 80,
    DIST_HEADER = 68,
    NEW_PID_EXT = 88,
    NEW_PORT_EXT = 89,
    NEWER_REFERENCE_EXT = 90,
    SMALL_INTEGER_EXT = 97,
    INTEGER_EXT = 98,
    FLOAT_EXT = 99,
    ATOM_EXT = 100,
    REFERENCE_EXT = 101,
    PORT_EXT = 102,
    PID_EXT = 103,
    SMALL_TUPLE_EXT = 104,
    LARGE_TUPLE_EXT = 105,
    NIL_EXT = 106,
    STRING_EXT = 107,
    LIST_EXT = 108,
    BINARY_EXT = 109,
    SMALL_BIG_EXT = 110,
    LARGE_BIG_EXT = 111,
    NEW_FUN_EXT = 112,
    EXPORT_EXT = 113,
    NEW_REFERENCE_EXT = 114,
    SMALL_ATOM_EXT = 115,
    MAP_EXT = 116,
    FUN_EXT = 117,
    ATOM_UTF8_EXT = 118,
    SMALL_ATOM_UTF8_EXT = 119,
    V4_PORT_EXT = 120,
};

/* ---- output buffer ---------------------------------------------------------------------- */

typedef struct Out {
    unsigned char *d;
    size_t len, cap;
} Out;

static void out_reserve(Out *o, size_t n)
{
    if (o->len + n <= o->cap) return;
    size_t cap = o->cap ? o->cap : 64;
    while (cap < o->len + n) cap *= 2;
    unsigned char *nd = realloc(o->d, cap);
    if (!nd) abort();
    o->d = nd;
    o->cap = cap;
}
static void put8(Out *o, unsigned v)
{
    out_reserve(o, 1);
    o->d[o->len++] = (unsigned char)v;
}
static void put16(Out *o, unsigned v)
{
    put8(o, v >> 8 & 0xFF);
    put8(o, v & 0xFF);
}
static void put32(Out *o, uint32_t v)
{
    out_reserve(o, 4);
    for (int i = 3; i >= 0; i--) o->d[o->len++] = (unsigned char)(v >> (8 * i));
}
static void putn(Out *o, const void *s, size_t n)
{
    out_reserve(o, n);
    if (n) memcpy(o->d + o->len, s, n);
    o->len += n;
}

/* ---- encoding --------------------------------------------------------------------------- */

/* Decodes an atom's UTF-8 name; false when a character is above 255 (or the name is not
 * UTF-8: then the bytes count as Latin-1 already). */
static bool atom_latin1(const unsigned char *s, size_t n, unsigned char *out, size_t *outn)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        unsigned c = s[i];
        if (c < 0x80) {
            out[k++] = (unsigned char)c;
            i++;
        } else if ((c & 0xE0) == 0xC0 && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
            unsigned cp = (c & 0x1F) << 6 | (s[i + 1] & 0x3F);
            if (cp > 255) return false;
            out[k++] = (unsigned char)cp;
            i += 2;
        } else {
            return false;
        }
    }
    *outn = k;
    return true;
}

static void enc_atom(Out *o, Term a, int minor)
{
    size_t n;
    const char *s = atom_name(a, &n);
    unsigned char l1[ATOM_MAX_CHARS * 4 + 1];
    size_t ln;
    if (minor < 2 && atom_latin1((const unsigned char *)s, n, l1, &ln)) {
        put8(o, ATOM_EXT);
        put16(o, (unsigned)ln);
        putn(o, l1, ln);
    } else if (n <= 255) {
        put8(o, SMALL_ATOM_UTF8_EXT);
        put8(o, (unsigned)n);
        putn(o, s, n);
    } else {
        put8(o, ATOM_UTF8_EXT);
        put16(o, (unsigned)n);
        putn(o, s, n);
    }
}

static void enc_small(Out *o, Sint v)
{
    if (v >= 0 && v <= 255) {
        put8(o, SMALL_INTEGER_EXT);
        put8(o, (unsigned)v);
    } else if (v >= INT32_MIN && v <= INT32_MAX) {
        put8(o, INTEGER_EXT);
        put32(o, (uint32_t)(int32_t)v);
    } else {
        Uint m = v < 0 ? (Uint)0 - (Uint)v : (Uint)v;
        unsigned n = 0;
        unsigned char b[8];
        while (m) {
            b[n++] = (unsigned char)m;
            m >>= 8;
        }
        put8(o, SMALL_BIG_EXT);
        put8(o, n);
        put8(o, v < 0);
        putn(o, b, n);
    }
}

static void enc_big(Out *o, Term t)
{
    Uint digits = big_digits(t);
    const Uint *l = big_limbs(t);
    Uint top = l[digits - 1];
    size_t n = (size_t)(digits - 1) * 8;
    while (top) {
        n++;
        top >>= 8;
    }
    if (n <= 255) {
        put8(o, SMALL_BIG_EXT);
        put8(o, (unsigned)n);
    } else {
        put8(o, LARGE_BIG_EXT);
        put32(o, (uint32_t)n);
    }
    put8(o, big_is_neg(t));
    out_reserve(o, n);
    for (size_t i = 0; i < n; i++) o->d[o->len++] = (unsigned char)(l[i / 8] >> (8 * (i % 8)));
}

static void enc_float(Out *o, double d, int minor)
{
    if (minor == 0) {
        char buf[64];
        memset(buf, 0, sizeof buf);
        snprintf(buf, sizeof buf, "%.20e", d);
        put8(o, FLOAT_EXT);
        putn(o, buf, 31);
        return;
    }
    uint64_t u;
    memcpy(&u, &d, 8);
    put8(o, NEW_FLOAT_EXT);
    put32(o, (uint32_t)(u >> 32));
    put32(o, (uint32_t)u);
}

static void enc_binary(Out *o, Term t)
{
    BinView v;
    bin_view(t, &v);
    Uint bytes = (v.bit_size + 7) / 8;
    unsigned bits = (unsigned)(v.bit_size % 8);
    if (bits == 0) {
        put8(o, BINARY_EXT);
        put32(o, (uint32_t)bytes);
    } else {
        put8(o, BIT_BINARY_EXT);
        put32(o, (uint32_t)bytes);
        put8(o, bits);
    }
    out_reserve(o, bytes);
    memset(o->d + o->len, 0, bytes);
    bin_copy_bits(v.base, v.bit_offset, o->d + o->len, 0, v.bit_size);
    o->len += bytes;
}

/* A proper list of at most 65535 bytes: STRING_EXT. */
static Uint string_len(Term t)
{
    Uint n = 0;
    for (; term_is_list(t); t = list_tail(t)) {
        Term h = list_head(t);
        if (!term_is_small(h) || small_val(h) < 0 || small_val(h) > 255 || ++n > 65535) return 0;
    }
    return term_is_nil(t) ? n : 0;
}

/* Work items: a term to encode, or a patch of a fun's 4-byte size at an offset. */
typedef struct Item {
    Term t;       /* NONVALUE: patch */
    size_t patch; /* offset of the size field */
} Item;

typedef struct Stack {
    Item *it;
    size_t n, cap;
} Stack;

static void push(Stack *s, Term t, size_t patch)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        Item *ni = realloc(s->it, s->cap * sizeof *ni);
        if (!ni) abort();
        s->it = ni;
    }
    s->it[s->n++] = (Item){t, patch};
}

typedef struct Pair {
    Term k, v;
} Pair;
typedef struct PairVec {
    Pair *p;
    Uint n;
} PairVec;
static bool collect_pair(Term k, Term v, void *arg)
{
    PairVec *pv = arg;
    pv->p[pv->n++] = (Pair){k, v};
    return true;
}
static int pair_cmp(const void *a, const void *b)
{
    return term_compare(((const Pair *)a)->k, ((const Pair *)b)->k, true);
}

static void enc_map(Out *o, Stack *st, Term m, bool deterministic)
{
    Uint n = map_size(m);
    put8(o, MAP_EXT);
    put32(o, (uint32_t)n);
    if (n == 0) return;
    PairVec pv = {malloc(n * sizeof(Pair)), 0};
    if (!pv.p) abort();
    map_foreach(m, collect_pair, &pv);
    if (deterministic) qsort(pv.p, pv.n, sizeof(Pair), pair_cmp);
    for (Uint i = pv.n; i-- > 0;) {
        push(st, pv.p[i].v, 0);
        push(st, pv.p[i].k, 0);
    }
    free(pv.p);
}

static void enc_pid_node(Out *o, int minor) { enc_atom(o, AM(nonode_nohost), minor); }

static void enc_fun(Out *o, Stack *st, Term t, int minor)
{
    FunEntry *fe = fun_entry(t);
    if (fe->is_export) {
        put8(o, EXPORT_EXT);
        enc_atom(o, fe->module, minor);
        enc_atom(o, fe->name, minor);
        enc_small(o, fe->arity);
        return;
    }
    unsigned nfree = fun_num_free(t);
    size_t start = o->len;
    put8(o, NEW_FUN_EXT);
    put32(o, 0); /* size, patched after the free variables */
    put8(o, fe->arity);
    for (int i = 0; i < 16; i++) put8(o, 0); /* the module's MD5: we have none */
    put32(o, fe->index);
    put32(o, nfree);
    enc_atom(o, fe->module, minor);
    enc_small(o, fe->index);
    enc_small(o, (int32_t)fe->uniq);
    Term creator = fun_creator(t);
    put8(o, NEW_PID_EXT);
    enc_pid_node(o, minor);
    Uint num = term_is_pid(creator) ? pid_number(creator) : 0;
    put32(o, (uint32_t)num);
    put32(o, (uint32_t)(num >> 32));
    put32(o, 0);
    push(st, NONVALUE, start);
    for (unsigned i = nfree; i-- > 0;) push(st, fun_env(t)[i], 0);
}

static void enc_term(Out *o, Term root, const EtfEncodeOpts *opt)
{
    Stack st = {NULL, 0, 0};
    int minor = opt->minor_version;
    push(&st, root, 0);
    while (st.n) {
        Item it = st.it[--st.n];
        Term t = it.t;
        if (t == NONVALUE) {
            uint32_t size = (uint32_t)(o->len - it.patch - 1);
            for (int i = 0; i < 4; i++) o->d[it.patch + 1 + i] = (unsigned char)(size >> (8 * (3 - i)));
            continue;
        }
        switch (term_primary(t)) {
        case TAG_PRIMARY_IMMED1:
            if (term_is_small(t)) {
                enc_small(o, small_val(t));
            } else if (term_is_atom(t)) {
                enc_atom(o, t, minor);
            } else if (term_is_nil(t)) {
                put8(o, NIL_EXT);
            } else if (term_is_pid(t)) {
                put8(o, NEW_PID_EXT);
                enc_pid_node(o, minor);
                put32(o, (uint32_t)pid_number(t));
                put32(o, (uint32_t)(pid_number(t) >> 32));
                put32(o, 0);
            } else if (term_is_port(t)) {
                Uint num = port_number(t);
                if (num >> 32) {
                    put8(o, V4_PORT_EXT);
                    enc_pid_node(o, minor);
                    put32(o, (uint32_t)(num >> 32));
                    put32(o, (uint32_t)num);
                } else {
                    put8(o, NEW_PORT_EXT);
                    enc_pid_node(o, minor);
                    put32(o, (uint32_t)num);
                }
                put32(o, 0);
            } else {
                abort(); /* catches never reach a BIF */
            }
            break;
        case TAG_PRIMARY_LIST: {
            Uint sl = string_len(t);
            if (sl) {
                put8(o, STRING_EXT);
                put16(o, (unsigned)sl);
                for (; term_is_list(t); t = list_tail(t)) put8(o, (unsigned)small_val(list_head(t)));
                break;
            }
            Uint n = 0;
            Term l = t;
            for (; term_is_list(l); l = list_tail(l)) n++;
            put8(o, LIST_EXT);
            put32(o, (uint32_t)n);
            push(&st, l, 0);
            size_t base = st.n;
            for (Uint i = 0; i < n; i++) push(&st, NIL, 0);
            l = t;
            for (Uint i = 0; i < n; i++, l = list_tail(l)) st.it[base + n - 1 - i].t = list_head(l);
            break;
        }
        case TAG_PRIMARY_BOXED: {
            Term h = boxed_header(t);
            switch (hdr_subtag(h)) {
            case SUB_TUPLE: {
                Uint n = hdr_arity(h);
                if (n <= 255) {
                    put8(o, SMALL_TUPLE_EXT);
                    put8(o, (unsigned)n);
                } else {
                    put8(o, LARGE_TUPLE_EXT);
                    put32(o, (uint32_t)n);
                }
                for (Uint i = n; i >= 1; i--) push(&st, tuple_elem(t, i), 0);
                break;
            }
            case SUB_FLOAT: enc_float(o, float_val(t), minor); break;
            case SUB_POS_BIG:
            case SUB_NEG_BIG: enc_big(o, t); break;
            case SUB_REFC_BIN:
            case SUB_HEAP_BIN:
            case SUB_SUB_BIN: enc_binary(o, t); break;
            case SUB_MAP: enc_map(o, &st, t, opt->deterministic); break;
            case SUB_FUN: enc_fun(o, &st, t, minor); break;
            case SUB_REF: {
                const Term *p = boxed_ptr(t);
                put8(o, NEWER_REFERENCE_EXT);
                put16(o, 3);
                enc_pid_node(o, minor);
                put32(o, 0);
                put32(o, (uint32_t)p[1]);
                put32(o, (uint32_t)(p[1] >> 32));
                put32(o, hdr_extra(h) == REF_MAGIC ? 0 : (uint32_t)p[2]);
                break;
            }
            default:
                abort(); /* no other boxed kind exists as a term */
            }
            break;
        }
        default:
            abort();
        }
    }
    free(st.it);
}

#ifdef HS_HAVE_ZLIB
/* OTP's erts_term_to_binary with a level: the term after the version byte, deflated (zlib's
 * compress2: one deflate, default window and memory) behind COMPRESSED and the uncompressed
 * size; used only when it is smaller than the plain encoding (else the plain one is). */
static void compress_out(Out *o, int level)
{
    uLong real = (uLong)(o->len - 1);
    if (level == 0 || real < 6) return;
    uLongf dest_len = real - 5;
    unsigned char *z = malloc(6 + dest_len);
    if (!z) abort();
    if (compress2(z + 6, &dest_len, o->d + 1, real, level) == Z_OK) {
        z[0] = VERSION_MAGIC;
        z[1] = COMPRESSED;
        for (int i = 0; i < 4; i++) z[2 + i] = (unsigned char)(real >> (8 * (3 - i)));
        free(o->d);
        o->d = z;
        o->len = o->cap = 6 + dest_len;
    } else {
        free(z);
    }
}
#endif

bool etf_encode_bytes(Term t, const EtfEncodeOpts *opt, unsigned char **out, size_t *len)
{
    if (opt->minor_version < 0 || opt->minor_version > 2 || opt->compress_level > 9) return false;
#ifndef HS_HAVE_ZLIB
    if (opt->compress_level >= 0) return false;
#endif
    Out o = {NULL, 0, 0};
    put8(&o, VERSION_MAGIC);
    enc_term(&o, t, opt);
#ifdef HS_HAVE_ZLIB
    if (opt->compress_level >= 0) compress_out(&o, opt->compress_level);
#endif
    *out = o.d;
    *len = o.len;
    return true;
}

Term etf_encode(Heap *h, Term t, const EtfEncodeOpts *opt)
{
    unsigned char *d;
    size_t n;
    if (!etf_encode_bytes(t, opt, &d, &n)) return NONVALUE;
    Term r = bin_new(h, d, n);
    free(d);
    return r;
}

/* ---- export fun entries ----------------------------------------------------------------- */

/* FunEntries for fun M:F/A made by decoding: one per {M, F, A}, never freed. */
typedef struct ExportEntry {
    struct ExportEntry *next;
    FunEntry fe;
} ExportEntry;
static ExportEntry *export_entries;
static pthread_mutex_t export_lock = PTHREAD_MUTEX_INITIALIZER;

static FunEntry *export_entry(Term m, Term f, unsigned arity, bool create)
{
    pthread_mutex_lock(&export_lock);
    ExportEntry *e = export_entries;
    for (; e; e = e->next)
        if (e->fe.module == m && e->fe.name == f && e->fe.arity == arity) break;
    if (!e && create) {
        e = calloc(1, sizeof *e);
        if (!e) abort();
        e->fe.module = m;
        e->fe.name = f;
        e->fe.arity = arity;
        e->fe.is_export = 1;
        e->next = export_entries;
        export_entries = e;
    }
    pthread_mutex_unlock(&export_lock);
    return e ? &e->fe : NULL;
}

/* ---- decoding --------------------------------------------------------------------------- */

typedef struct Dec {
    const unsigned char *p, *end;
    bool safe;
} Dec;

static bool have(const Dec *d, size_t n) { return (size_t)(d->end - d->p) >= n; }
static unsigned get8(Dec *d) { return *d->p++; }
static unsigned get16(Dec *d)
{
    unsigned v = (unsigned)d->p[0] << 8 | d->p[1];
    d->p += 2;
    return v;
}
static uint32_t get32(Dec *d)
{
    uint32_t v = (uint32_t)d->p[0] << 24 | (uint32_t)d->p[1] << 16 | (uint32_t)d->p[2] << 8 | d->p[3];
    d->p += 4;
    return v;
}

/* Strict UTF-8; the number of characters, or -1. */
static long utf8_chars(const unsigned char *s, size_t n)
{
    long k = 0;
    for (size_t i = 0; i < n; k++) {
        unsigned c = s[i];
        size_t len;
        uint32_t cp;
        if (c < 0x80) len = 1, cp = c;
        else if (c >= 0xC2 && c < 0xE0) len = 2, cp = c & 0x1F;
        else if (c >= 0xE0 && c < 0xF0) len = 3, cp = c & 0x0F;
        else if (c >= 0xF0 && c < 0xF5) len = 4, cp = c & 0x07;
        else return -1;
        if (i + len > n) return -1;
        for (size_t j = 1; j < len; j++) {
            if ((s[i + j] & 0xC0) != 0x80) return -1;
            cp = cp << 6 | (s[i + j] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return -1;
        i += len;
    }
    return k;
}

/* Reads an atom (any of the four atom tags, tag byte included); NONVALUE when malformed, too
 * long, or unknown in safe mode. Creates the atom otherwise. */
static Term dec_atom(Dec *d)
{
    if (!have(d, 1)) return NONVALUE;
    unsigned tag = get8(d);
    size_t n;
    bool utf8;
    switch (tag) {
    case ATOM_EXT:
    case ATOM_UTF8_EXT:
        if (!have(d, 2)) return NONVALUE;
        n = get16(d);
        utf8 = tag == ATOM_UTF8_EXT;
        break;
    case SMALL_ATOM_EXT:
    case SMALL_ATOM_UTF8_EXT:
        if (!have(d, 1)) return NONVALUE;
        n = get8(d);
        utf8 = tag == SMALL_ATOM_UTF8_EXT;
        break;
    default: return NONVALUE;
    }
    if (!have(d, n)) return NONVALUE;
    const unsigned char *s = d->p;
    d->p += n;
    char buf[ATOM_MAX_CHARS * 4 + 8];
    size_t bn = 0;
    if (utf8) {
        long chars = utf8_chars(s, n);
        if (chars < 0 || chars > ATOM_MAX_CHARS) return NONVALUE;
        memcpy(buf, s, n);
        bn = n;
    } else {
        if (n > ATOM_MAX_CHARS) return NONVALUE;
        for (size_t i = 0; i < n; i++) {
            if (s[i] < 0x80) {
                buf[bn++] = (char)s[i];
            } else {
                buf[bn++] = (char)(0xC0 | s[i] >> 6);
                buf[bn++] = (char)(0x80 | (s[i] & 0x3F));
            }
        }
    }
    return d->safe ? atom_get(buf, bn) : atom_put(buf, bn);
}

/* The node of a pid, port or ref: only our own. */
static bool dec_local_node(Dec *d) { return dec_atom(d) == AM(nonode_nohost); }

/* What a decoded term is before its children: kind and numbers the build pass needs. */
typedef enum { K_IMMED, K_TUPLE, K_LIST, K_STRING, K_MAP, K_FLOAT, K_BIG, K_BIN, K_REF, K_EXPORT } Kind;
typedef struct Head {
    Kind kind;
    Term imm;                  /* K_IMMED */
    Uint n;                    /* arity, list length, string length, map pairs, bytes */
    unsigned bits;             /* K_BIN: bits in the last byte (0: whole bytes) */
    bool neg;                  /* K_BIG */
    double f;                  /* K_FLOAT */
    const unsigned char *data; /* K_STRING, K_BIG, K_BIN */
    uint32_t ref[3];           /* K_REF */
    FunEntry *fe;              /* K_EXPORT */
} Head;

/* Reads one term's head (its tag and fixed part); children follow in the input. False when
 * malformed. */
static bool dec_head(Dec *d, Head *hd)
{
    if (!have(d, 1)) return false;
    unsigned tag = *d->p;
    if (tag == ATOM_EXT || tag == ATOM_UTF8_EXT || tag == SMALL_ATOM_EXT || tag == SMALL_ATOM_UTF8_EXT) {
        hd->kind = K_IMMED;
        hd->imm = dec_atom(d);
        return hd->imm != NONVALUE;
    }
    d->p++;
    switch (tag) {
    case SMALL_INTEGER_EXT:
        if (!have(d, 1)) return false;
        hd->kind = K_IMMED;
        hd->imm = make_small(get8(d));
        return true;
    case INTEGER_EXT:
        if (!have(d, 4)) return false;
        hd->kind = K_IMMED;
        hd->imm = make_small((int32_t)get32(d));
        return true;
    case NEW_FLOAT_EXT: {
        if (!have(d, 8)) return false;
        uint64_t u = (uint64_t)get32(d) << 32;
        u |= get32(d);
        memcpy(&hd->f, &u, 8);
        hd->kind = K_FLOAT;
        return isfinite(hd->f);
    }
    case FLOAT_EXT: {
        if (!have(d, 31)) return false;
        char buf[32];
        memcpy(buf, d->p, 31);
        buf[31] = '\0';
        d->p += 31;
        char *end;
        hd->f = strtod(buf, &end);
        hd->kind = K_FLOAT;
        return end != buf && (*end == '\0') && isfinite(hd->f);
    }
    case SMALL_TUPLE_EXT:
    case LARGE_TUPLE_EXT:
        if (!have(d, tag == SMALL_TUPLE_EXT ? 1 : 4)) return false;
        hd->kind = K_TUPLE;
        hd->n = tag == SMALL_TUPLE_EXT ? get8(d) : get32(d);
        return true;
    case NIL_EXT:
        hd->kind = K_IMMED;
        hd->imm = NIL;
        return true;
    case STRING_EXT:
        if (!have(d, 2)) return false;
        hd->kind = K_STRING;
        hd->n = get16(d);
        if (!have(d, hd->n)) return false;
        hd->data = d->p;
        d->p += hd->n;
        return true;
    case LIST_EXT:
        if (!have(d, 4)) return false;
        hd->kind = K_LIST;
        hd->n = get32(d);
        return true;
    case BINARY_EXT:
    case BIT_BINARY_EXT:
        if (!have(d, tag == BINARY_EXT ? 4 : 5)) return false;
        hd->kind = K_BIN;
        hd->n = get32(d);
        hd->bits = tag == BINARY_EXT ? 0 : get8(d);
        if (tag == BIT_BINARY_EXT) {
            if (hd->bits > 8 || (hd->n == 0 && hd->bits != 0) || (hd->n > 0 && hd->bits == 0))
                return false;
            if (hd->bits == 8) hd->bits = 0;
        }
        if (!have(d, hd->n)) return false;
        hd->data = d->p;
        d->p += hd->n;
        return true;
    case SMALL_BIG_EXT:
    case LARGE_BIG_EXT:
        if (!have(d, tag == SMALL_BIG_EXT ? 2 : 5)) return false;
        hd->kind = K_BIG;
        hd->n = tag == SMALL_BIG_EXT ? get8(d) : get32(d);
        hd->neg = get8(d) != 0;
        if (hd->n > (Uint)BIG_MAX_DIGITS * 8 || !have(d, hd->n)) return false;
        hd->data = d->p;
        d->p += hd->n;
        return true;
    case MAP_EXT:
        if (!have(d, 4)) return false;
        hd->kind = K_MAP;
        hd->n = get32(d);
        return true;
    case NEW_PID_EXT:
    case PID_EXT: {
        if (!dec_local_node(d) || !have(d, tag == NEW_PID_EXT ? 12 : 9)) return false;
        uint32_t id = get32(d), serial = get32(d);
        d->p += tag == NEW_PID_EXT ? 4 : 1;
        hd->kind = K_IMMED;
        hd->imm = make_pid((Uint)id | (Uint)serial << 32);
        return true;
    }
    case NEW_PORT_EXT:
    case PORT_EXT:
    case V4_PORT_EXT: {
        if (!dec_local_node(d)) return false;
        size_t need = tag == V4_PORT_EXT ? 12 : tag == NEW_PORT_EXT ? 8 : 5;
        if (!have(d, need)) return false;
        Uint id = get32(d);
        if (tag == V4_PORT_EXT) id = id << 32 | get32(d);
        d->p += tag == PORT_EXT ? 1 : 4;
        if (id >> 60) return false;
        hd->kind = K_IMMED;
        hd->imm = make_port(id);
        return true;
    }
    case NEWER_REFERENCE_EXT:
    case NEW_REFERENCE_EXT:
    case REFERENCE_EXT: {
        unsigned len = 1;
        if (tag != REFERENCE_EXT) {
            if (!have(d, 2)) return false;
            len = get16(d);
            if (len < 1 || len > 5) return false;
        }
        if (!dec_local_node(d)) return false;
        size_t cr = tag == NEWER_REFERENCE_EXT ? 4 : 1;
        if (tag == REFERENCE_EXT) {
            if (!have(d, 4 + cr)) return false;
            hd->ref[0] = get32(d);
            hd->ref[1] = hd->ref[2] = 0;
            d->p += cr;
        } else {
            if (!have(d, cr + 4 * (size_t)len)) return false;
            d->p += cr;
            for (unsigned i = 0; i < len; i++) {
                uint32_t w = get32(d);
                if (i < 3) hd->ref[i] = w;
            }
            for (unsigned i = len; i < 3; i++) hd->ref[i] = 0;
        }
        hd->kind = K_REF;
        return true;
    }
    case EXPORT_EXT: {
        Term m = dec_atom(d);
        if (m == NONVALUE) return false;
        Term f = dec_atom(d);
        if (f == NONVALUE || !have(d, 2)) return false;
        unsigned arity, atag = get8(d);
        if (atag == SMALL_INTEGER_EXT) {
            arity = get8(d);
        } else if (atag == INTEGER_EXT && have(d, 4)) {
            uint32_t v = get32(d);
            if (v > 255) return false;
            arity = v;
        } else {
            return false;
        }
        hd->kind = K_EXPORT;
        hd->fe = export_entry(m, f, arity, !d->safe);
        return hd->fe != NULL;
    }
    default:
        /* COMPRESSED, DIST_HEADER, NEW_FUN_EXT, FUN_EXT, unknown tags: see etf.h */
        return false;
    }
}

/* Children a head announces (each takes at least one byte of input). */
static Uint head_children(const Head *hd)
{
    switch (hd->kind) {
    case K_TUPLE: return hd->n;
    case K_LIST: return hd->n + 1;
    case K_MAP: return 2 * hd->n;
    default: return 0;
    }
}

/* The check pass: the whole input is one well-formed term (trailing bytes are allowed, as
 * OTP allows them); *used is the bytes it takes. */
static bool dec_check(Dec *d)
{
    Uint need = 1;
    while (need) {
        Head hd;
        if (!dec_head(d, &hd)) return false;
        need = need - 1 + head_children(&hd);
        if (need > (Uint)(d->end - d->p)) return false;
    }
    return true;
}

typedef struct MapFix {
    Term *slot;
    Term *keys; /* keys then values, n each */
    Uint n;
} MapFix;

typedef struct Build {
    Term **slots;
    size_t ns, caps;
    MapFix *fix;
    size_t nf, capf;
} Build;

static void push_slot(Build *b, Term *s)
{
    if (b->ns == b->caps) {
        b->caps = b->caps ? 2 * b->caps : 64;
        Term **n = realloc(b->slots, b->caps * sizeof *n);
        if (!n) abort();
        b->slots = n;
    }
    b->slots[b->ns++] = s;
}

static Term build_big(Heap *h, const Head *hd)
{
    Uint nl = (hd->n + 7) / 8;
    if (nl == 0) return make_small(0);
    Uint *l = calloc(nl, sizeof *l);
    if (!l) abort();
    for (Uint i = 0; i < hd->n; i++) l[i / 8] |= (Uint)hd->data[i] << (8 * (i % 8));
    Term r = int_from_limbs(h, hd->neg, l, nl);
    free(l);
    return r;
}

/* Builds the term a head describes into *slot and queues the slots of its children. */
static bool build_one(Heap *h, Build *b, const Head *hd, Term *slot)
{
    switch (hd->kind) {
    case K_IMMED: *slot = hd->imm; return true;
    case K_FLOAT: *slot = float_at(heap_halloc(h, FLOAT_SIZE), hd->f); return true;
    case K_BIG:
        *slot = build_big(h, hd);
        return *slot != NONVALUE;
    case K_BIN: {
        Uint bits = hd->bits ? (hd->n - 1) * 8 + hd->bits : hd->n * 8;
        Term bin = bin_new(h, hd->data, hd->n);
        *slot = hd->bits ? bin_extract(h, bin, 0, bits) : bin;
        return true;
    }
    case K_REF: {
        Term *hp = heap_halloc(h, REF_SIZE);
        hp[0] = make_header(SUB_REF, REF_ORDINARY, 2);
        hp[1] = (Uint)hd->ref[0] | (Uint)hd->ref[1] << 32;
        hp[2] = hd->ref[2];
        *slot = make_boxed(hp);
        return true;
    }
    case K_EXPORT:
        *slot = fun_at(heap_halloc(h, FUN_BASE_SIZE), hd->fe, AM(external), 0, NULL);
        return true;
    case K_STRING: {
        Term r = NIL;
        if (hd->n) {
            Term *hp = heap_halloc(h, 2 * hd->n);
            for (Uint i = hd->n; i-- > 0;) r = cons_at(hp + 2 * i, make_small(hd->data[i]), r);
        }
        *slot = r;
        return true;
    }
    case K_TUPLE: {
        if (hd->n == 0) {
            *slot = literal_empty_tuple();
            return true;
        }
        Term *hp = heap_halloc(h, 1 + hd->n);
        hp[0] = make_tuple_header(hd->n);
        for (Uint i = 1; i <= hd->n; i++) hp[i] = NIL;
        *slot = make_boxed(hp);
        for (Uint i = hd->n; i >= 1; i--) push_slot(b, hp + i);
        return true;
    }
    case K_LIST: {
        if (hd->n == 0) { /* LIST_EXT of length 0: just its tail */
            push_slot(b, slot);
            return true;
        }
        Term *hp = heap_halloc(h, 2 * hd->n);
        for (Uint i = 0; i < hd->n; i++) {
            hp[2 * i] = NIL;
            hp[2 * i + 1] = i + 1 < hd->n ? make_list(hp + 2 * i + 2) : NIL;
        }
        *slot = make_list(hp);
        push_slot(b, hp + 2 * hd->n - 1);
        for (Uint i = hd->n; i-- > 0;) push_slot(b, hp + 2 * i);
        return true;
    }
    case K_MAP: {
        *slot = NIL;
        if (b->nf == b->capf) {
            b->capf = b->capf ? 2 * b->capf : 16;
            MapFix *nf = realloc(b->fix, b->capf * sizeof *nf);
            if (!nf) abort();
            b->fix = nf;
        }
        Term *kv = malloc((2 * hd->n + 1) * sizeof *kv);
        if (!kv) abort();
        for (Uint i = 0; i < 2 * hd->n; i++) kv[i] = NIL;
        b->fix[b->nf++] = (MapFix){slot, kv, hd->n};
        for (Uint i = hd->n; i-- > 0;) {
            push_slot(b, kv + hd->n + i);
            push_slot(b, kv + i);
        }
        return true;
    }
    }
    return false;
}

/* #{} decoded: a fresh 3-word flatmap whose keys are the literal {} (as OTP: flat_size 3). */
static Term empty_heap_map(Heap *h)
{
    Term *mp = heap_halloc(h, 3);
    mp[0] = make_map_header(MAP_FLAT, 0, 2);
    mp[1] = 0;
    mp[2] = literal_empty_tuple();
    return make_boxed(mp);
}

static Term dec_build(Heap *h, Dec *d)
{
    Term result = NIL;
    Build b = {0};
    bool ok = true;
    push_slot(&b, &result);
    while (ok && b.ns) {
        Term *slot = b.slots[--b.ns];
        Head hd;
        ok = dec_head(d, &hd) && build_one(h, &b, &hd, slot);
    }
    for (size_t i = b.nf; i-- > 0;) {
        MapFix *f = &b.fix[i];
        if (ok) {
            Term m = f->n == 0 ? empty_heap_map(h) : map_from_arrays(h, f->keys, f->keys + f->n, f->n);
            if (map_size(m) != f->n) ok = false; /* duplicate keys: OTP refuses them */
            else *f->slot = m;
        }
        free(f->keys);
    }
    free(b.fix);
    free(b.slots);
    return ok ? result : NONVALUE;
}

#ifdef HS_HAVE_ZLIB
/* COMPRESSED: inflates into exactly the size it declares, then decodes that (which has no
 * version byte of its own). *used counts the compressed bytes read. */
static Term decode_compressed(Heap *h, const unsigned char *data, size_t len, bool safe, size_t *used)
{
    if (len < 6) return NONVALUE;
    uLong size = (uLong)data[2] << 24 | (uLong)data[3] << 16 | (uLong)data[4] << 8 | data[5];
    /* a stream cannot inflate more than about 1032:1; refuse sizes that would be a lie */
    if (size == 0 || size / 1032 > len) return NONVALUE;
    unsigned char *buf = malloc(size + 1);
    if (!buf) return NONVALUE;
    buf[0] = VERSION_MAGIC;
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    Term r = NONVALUE;
    if (inflateInit(&zs) == Z_OK) {
        zs.next_in = (Bytef *)(uintptr_t)(data + 6);
        zs.avail_in = (uInt)(len - 6);
        zs.next_out = buf + 1;
        zs.avail_out = (uInt)size;
        int rc = inflate(&zs, Z_FINISH);
        if (rc == Z_STREAM_END && zs.total_out == size && (size < 1 || buf[1] != COMPRESSED)) {
            size_t inner_used;
            r = etf_decode(h, buf, size + 1, safe, &inner_used);
            if (r != NONVALUE && inner_used != size + 1) r = NONVALUE;
            if (used) *used = 6 + zs.total_in;
        }
        inflateEnd(&zs);
    }
    free(buf);
    return r;
}
#endif

Term etf_decode(Heap *h, const unsigned char *data, size_t len, bool safe, size_t *used)
{
    if (len < 2 || data[0] != VERSION_MAGIC) return NONVALUE;
#ifdef HS_HAVE_ZLIB
    if (data[1] == COMPRESSED) return decode_compressed(h, data, len, safe, used);
#endif
    Dec d = {data + 1, data + len, safe};
    if (!dec_check(&d)) return NONVALUE;
    if (used) *used = (size_t)(d.p - data);
    Dec d2 = {data + 1, data + len, safe};
    return dec_build(h, &d2);
}
