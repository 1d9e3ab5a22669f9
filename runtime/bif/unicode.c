/*
 * unicode.c — BIFs of the unicode module: characters_to_list/1,2 and characters_to_binary/1,2,3
 * for the encodings unicode (= utf8) and latin1. UTF-16 and UTF-32 are not supported (badarg).
 *
 * Chardata is a binary or a possibly deep list of code points and binaries, whose tail may be
 * a binary. What is not chardata (an atom anywhere) raises badarg. A bad character stops the
 * conversion with {error, Converted, Rest}; a UTF-8 sequence cut short at the very end of the
 * input gives {incomplete, Converted, RestBinary}. Rest keeps the input's shape as OTP 25 does:
 * the rest of the innermost list, starting at the bad element (a binary replaced by the part
 * from the bad byte on), consed onto the rest of each enclosing list; a character a latin1
 * output cannot hold is wrapped in a list ([[300], 98]), as OTP 25 returns it. A UTF-8
 * sequence cut by the end of one binary is completed from the binaries that follow, as OTP
 * does ([<<226>>, <<130,172>>] is "€"); when it cannot be, the error names the cut bytes and
 * the rest from the element that failed ([<<226,130>>, [99]]).
 * Known difference: with latin1 output OTP goes through unicode.erl (ml_map), whose error
 * rests for cut sequences are shaped differently ([<<226,130>>, 59, 98] where we give
 * [<<226,130>>, [59, 98]]); random differential runs against erl agree everywhere else.
 */
#include "bif/bif.h"

#include <stdlib.h>
#include <string.h>

#include "bin.h"
#include "strbuf.h"

enum { ENC_BAD = -1, ENC_LATIN1 = 0, ENC_UTF8 = 1 };

static int encoding(Term t)
{
    if (t == atom_put("unicode", 7) || t == atom_put("utf8", 4)) return ENC_UTF8;
    if (t == atom_put("latin1", 6)) return ENC_LATIN1;
    return ENC_BAD;
}

typedef struct Conv {
    int in, out;
    bool to_list;
    uint32_t *cps; /* to_list: code points */
    size_t ncps, capcps;
    StrBuf bin;    /* binary output */
    unsigned char pend[4]; /* a UTF-8 sequence cut by the end of a binary, to be completed */
    unsigned npend, need;  /* bytes held, bytes the sequence takes */
} Conv;

/* Emits one code point; false when the output encoding cannot hold it. */
static bool emit(Conv *cv, uint32_t c)
{
    if (cv->to_list) {
        if (cv->ncps == cv->capcps) {
            cv->capcps = cv->capcps ? 2 * cv->capcps : 64;
            uint32_t *n = realloc(cv->cps, cv->capcps * sizeof *n);
            if (!n) abort();
            cv->cps = n;
        }
        cv->cps[cv->ncps++] = c;
        return true;
    }
    if (cv->out == ENC_LATIN1) {
        if (c > 255) return false;
        sb_putc(&cv->bin, (char)c);
        return true;
    }
    sb_put_utf8(&cv->bin, c);
    return true;
}

static bool valid_cp(Sint c) { return c >= 0 && c <= 0x10FFFF && !(c >= 0xD800 && c <= 0xDFFF); }

typedef enum { R_OK, R_ERROR, R_INCOMPLETE, R_BADARG } Result;

/* Converts a binary's bytes; on a stop, *at is the offset of the bad byte and the result says
 * why (R_INCOMPLETE: a sequence cut short by the end of the bytes). */
static Result conv_bytes(Conv *cv, const unsigned char *s, Uint n, Uint *at)
{
    Uint i = 0;
    while (i < n) {
        *at = i;
        unsigned c = s[i];
        if (cv->in == ENC_LATIN1) {
            if (!emit(cv, c)) return R_ERROR;
            i++;
            continue;
        }
        uint32_t cp;
        Uint len;
        /* OTP sizes a sequence by its lead byte alone (C0..DF two bytes, F0..F7 four): a cut
         * one is pending even when its lead can never start a valid character */
        bool bad_lead = c == 0xC0 || c == 0xC1 || (c >= 0xF5 && c < 0xF8);
        if (c < 0x80) cp = c, len = 1;
        else if (c >= 0xC0 && c < 0xE0) cp = c & 0x1F, len = 2;
        else if (c >= 0xE0 && c < 0xF0) cp = c & 0x0F, len = 3;
        else if (c >= 0xF0 && c < 0xF8) cp = c & 0x07, len = 4;
        else return R_ERROR;
        Uint have = n - i < len ? n - i : len;
        if (bad_lead && have == len) return R_ERROR;
        for (Uint j = 1; j < have; j++) {
            if ((s[i + j] & 0xC0) != 0x80) return R_ERROR;
            cp = cp << 6 | (s[i + j] & 0x3F);
        }
        if (have < len) {
            /* the bytes present must be a possible prefix of a valid character */
            if (len >= 3 && have >= 2) {
                unsigned c1 = s[i + 1];
                if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0) ||
                    (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90))
                    return R_ERROR;
            }
            return R_INCOMPLETE;
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return R_ERROR;
        if (!emit(cv, cp)) return R_ERROR;
        i += len;
    }
    return R_OK;
}

static bool bin_bytes(Term t, const unsigned char **b, Uint *n, StrBuf *tmp)
{
    BinView v;
    if (!bin_view(t, &v) || !bin_view_is_binary(&v)) return false;
    *n = v.bit_size / 8;
    if (v.bit_offset % 8 == 0) {
        *b = v.base + v.bit_offset / 8;
        return true;
    }
    sb_truncate(tmp, 0);
    for (Uint i = 0; i < *n; i++) sb_putc(tmp, 0);
    bin_copy_bits(v.base, v.bit_offset, (unsigned char *)tmp->data, 0, v.bit_size);
    *b = (const unsigned char *)tmp->data;
    return true;
}

static Term cons(Process *p, Term h, Term t) { return cons_at(heap_halloc(&p->heap, 2), h, t); }

/*
 * Converts one binary of the input. A UTF-8 sequence that the previous binary cut short is
 * completed from this one first (OTP joins chunks: [<<226,130>>, <<172>>] is "€"); one that this
 * binary cuts short is kept pending and R_INCOMPLETE returned, and the caller decides whether
 * the input ends there. On R_ERROR, *piece is the rest from the bad byte on; when the bad byte
 * came while completing a cut sequence, *joined is set and *cut holds the cut bytes alone.
 */
static Result conv_binary(Process *p, Conv *cv, Term bin, const unsigned char *b, Uint n, Term *piece,
                          bool *joined, Term *cut)
{
    Uint i = 0, at;
    *joined = false;
    if (cv->npend) {
        /* OTP takes the missing bytes as they come, checking only the whole sequence; when it
         * is bad the error names the bytes held before this binary and this binary whole */
        unsigned before = cv->npend;
        while (cv->npend < cv->need && i < n) cv->pend[cv->npend++] = b[i++];
        if (cv->npend < cv->need) return R_INCOMPLETE;
        if (conv_bytes(cv, cv->pend, cv->npend, &at) != R_OK) {
            /* [BytesHeldBefore, [ThisBinary | ...]] (OTP differs in rare shapes, e.g. when the
             * byte taken is itself a lead byte) */
            *cut = bin_new(&p->heap, cv->pend, before);
            *piece = NONVALUE;
            cv->npend = 0;
            *joined = true;
            return R_ERROR;
        }
        cv->npend = 0;
    }
    Result r = conv_bytes(cv, b + i, n - i, &at);
    if (r == R_INCOMPLETE) {
        cv->npend = (unsigned)(n - i - at);
        memcpy(cv->pend, b + i + at, cv->npend);
        unsigned c = cv->pend[0];
        cv->need = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        return R_INCOMPLETE;
    }
    if (r == R_ERROR) *piece = bin_extract(&p->heap, bin, (i + at) * 8, (n - i - at) * 8);
    return r;
}

/* Could the held bytes still become a character? */
static bool pend_is_prefix(const Conv *cv)
{
    unsigned c = cv->pend[0];
    if (c < 0xC0 || c > 0xF7) return false; /* OTP sizes by the lead alone */
    for (unsigned j = 1; j < cv->npend; j++)
        if ((cv->pend[j] & 0xC0) != 0x80) return false;
    if (cv->npend >= 2) {
        unsigned c1 = cv->pend[1];
        if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0) || (c == 0xF0 && c1 < 0x90) ||
            (c == 0xF4 && c1 >= 0x90))
            return false;
    }
    return true;
}

static Term pending_binary(Process *p, Conv *cv)
{
    Term r = bin_new(&p->heap, cv->pend, cv->npend);
    cv->npend = 0;
    return r;
}

/* The walk. On R_ERROR / R_INCOMPLETE *rest is set. */
static Result walk(Process *p, Conv *cv, Term data, Term *rest)
{
    Term *frames = NULL;
    size_t nf = 0, capf = 0;
    StrBuf tmp = STRBUF_INIT;
    Result res = R_OK;
    Term cur = NONVALUE;   /* the innermost rest at a stop */
    Term pend_front = NONVALUE; /* a cut sequence that the next element could not complete */
    Term t = data;
    for (;;) {
        while (term_is_list(t)) {
            Term h = list_head(t);
            if (cv->npend && !term_is_binary_any(h) && !term_is_list(h) && !term_is_nil(h)) {
                /* a cut sequence followed by something that cannot complete it: OTP answers
                 * [CutBytes, RestFromThatElement] */
                res = R_ERROR;
                pend_front = pending_binary(p, cv);
                cur = t;
                goto stop;
            }
            if (term_is_small(h)) {
                Sint c = small_val(h);
                bool ok = cv->in == ENC_LATIN1 ? (c >= 0 && c <= 255) : valid_cp(c);
                /* latin1 output goes through OTP's Erlang path (unicode.erl ml_map): an integer
                 * above 255 comes back wrapped ([[300], 98]), a negative one is badarg; with
                 * unicode output (the C BIF) a bad integer comes back as it is */
                bool latin1_out = !cv->to_list && cv->out == ENC_LATIN1;
                if (latin1_out && c < 0) {
                    res = R_BADARG;
                    goto stop;
                }
                bool wrap = latin1_out && c > 255;
                if (!ok && !wrap) {
                    res = R_ERROR;
                    cur = t;
                    goto stop;
                }
                if (wrap || !emit(cv, (uint32_t)c)) {
                    res = R_ERROR;
                    cur = cons(p, cons(p, h, NIL), list_tail(t));
                    goto stop;
                }
            } else if (term_is_list(h) || term_is_nil(h)) {
                if (nf == capf) {
                    capf = capf ? 2 * capf : 16;
                    Term *n = realloc(frames, capf * sizeof *n);
                    if (!n) abort();
                    frames = n;
                }
                frames[nf++] = list_tail(t);
                t = h;
                continue;
            } else {
                const unsigned char *b;
                Uint n;
                if (!bin_bytes(h, &b, &n, &tmp)) {
                    res = R_BADARG;
                    goto stop;
                }
                Term piece, cut;
                bool joined;
                Result r = conv_binary(p, cv, h, b, n, &piece, &joined, &cut);
                if (r == R_ERROR) {
                    res = R_ERROR;
                    bool at_end = term_is_nil(list_tail(t));
                    for (size_t k = 0; k < nf && at_end; k++) at_end = term_is_nil(frames[k]);
                    /* OTP's shapes: a bad binary that ends the input after joining a cut
                     * sequence, or that is the whole input list of characters_to_binary,
                     * comes back bare; otherwise consed onto what follows it */
                    if (at_end && !joined && !cv->to_list && t == data) {
                        *rest = piece;
                        goto done;
                    }
                    if (joined && piece == NONVALUE) {
                        pend_front = cut;
                        cur = t;
                        goto stop;
                    }
                    if (joined) {
                        cur = cons(p, cut, cons(p, piece, list_tail(t)));
                        goto stop;
                    }
                    cur = cons(p, piece, list_tail(t));
                    goto stop;
                }
            }
            t = list_tail(t);
        }
        if (!term_is_nil(t)) {
            const unsigned char *b;
            Uint n;
            if (!bin_bytes(t, &b, &n, &tmp)) {
                res = R_BADARG;
                goto stop;
            }
            Term piece, cut;
            bool joined;
            if (conv_binary(p, cv, t, b, n, &piece, &joined, &cut) == R_ERROR) {
                res = R_ERROR;
                if (joined && piece == NONVALUE) {
                    pend_front = cut;
                    cur = t;
                } else {
                    cur = joined ? cons(p, cut, piece) : piece;
                }
                goto stop;
            }
        }
        if (nf == 0) break;
        t = frames[--nf];
    }
    if (cv->npend) { /* the input ends inside a sequence: incomplete, or an error when the
                      * bytes taken since cannot continue it (OTP: {error, _, <<226,120>>}) */
        res = pend_is_prefix(cv) ? R_INCOMPLETE : R_ERROR;
        *rest = pending_binary(p, cv);
    }
    goto done;
stop:
    if (res == R_ERROR) {
        while (nf > 0) cur = cons(p, cur, frames[--nf]);
        *rest = pend_front == NONVALUE ? cur : cons(p, pend_front, cons(p, cur, NIL));
    }
done:
    free(frames);
    sb_free(&tmp);
    return res;
}

static Term converted(Process *p, Conv *cv)
{
    if (!cv->to_list) return bin_new(&p->heap, cv->bin.data, cv->bin.len);
    if (cv->ncps == 0) return NIL;
    Term *hp = heap_halloc(&p->heap, 2 * cv->ncps);
    Term r = NIL;
    for (size_t i = cv->ncps; i-- > 0;) r = cons_at(hp + 2 * i, make_small(cv->cps[i]), r);
    return r;
}

static Term characters_to(Process *p, Term data, int in, int out, bool to_list)
{
    if (in == ENC_BAD || out == ENC_BAD) return bif_badarg(p);
    if (!term_is_list(data) && !term_is_nil(data) && !term_is_binary_any(data)) return bif_badarg(p);
    Conv cv = {in, out, to_list, NULL, 0, 0, STRBUF_INIT, {0}, 0, 0};
    Term rest = NIL, r;
    Result res = walk(p, &cv, data, &rest);
    if (res == R_BADARG) {
        r = bif_badarg(p);
    } else {
        Term conv = converted(p, &cv);
        if (res == R_OK) {
            r = conv;
        } else {
            Term *hp = heap_halloc(&p->heap, 4);
            hp[0] = make_tuple_header(3);
            hp[1] = res == R_ERROR ? AM(error) : atom_put("incomplete", 10);
            hp[2] = conv;
            hp[3] = rest;
            r = make_boxed(hp);
        }
    }
    free(cv.cps);
    sb_free(&cv.bin);
    return r;
}

static Term bif_to_list1(Process *p, const Term *a) { return characters_to(p, a[0], ENC_UTF8, ENC_UTF8, true); }
static Term bif_to_list2(Process *p, const Term *a) { return characters_to(p, a[0], encoding(a[1]), ENC_UTF8, true); }
static Term bif_to_binary1(Process *p, const Term *a) { return characters_to(p, a[0], ENC_UTF8, ENC_UTF8, false); }
static Term bif_to_binary2(Process *p, const Term *a)
{
    return characters_to(p, a[0], encoding(a[1]), ENC_UTF8, false);
}
static Term bif_to_binary3(Process *p, const Term *a)
{
    return characters_to(p, a[0], encoding(a[1]), encoding(a[2]), false);
}

const BifDef bif_table_unicode[] = {
    {"unicode", "characters_to_list", 1, bif_to_list1, 0},
    {"unicode", "characters_to_list", 2, bif_to_list2, 0},
    {"unicode", "characters_to_binary", 1, bif_to_binary1, 0},
    {"unicode", "characters_to_binary", 2, bif_to_binary2, 0},
    {"unicode", "characters_to_binary", 3, bif_to_binary3, 0},
    {0},
};
