/*
 * binary.c — BIFs of the binary module (OTP 25's erl_bif_binary.c and binary.erl).
 *
 * Subjects must be binaries (a bitstring is badarg); positions are 0-based. Pieces that split,
 * and part cut from a subject are sub binaries over the subject's data, whatever their size,
 * as OTP 25 builds them. Patterns are a non-empty binary or
 * a non-empty list of non-empty binaries, or a compiled pattern: binary:compile_pattern gives
 * {bm, [P]} or {ac, [P1, P2 ...]} where OTP's second element is a magic reference. At one
 * position the longest pattern wins; matches never overlap. binary:replace takes a binary
 * replacement only (a fun is badarg, as on OTP 25).
 */
#include "bif/bif.h"

#include <stdlib.h>
#include <string.h>

#include "bignum.h"
#include "bin.h"
#include "strbuf.h"

/* A byte-aligned binary's bytes; unaligned windows are copied into tmp. */
static bool bytes_of(Term t, const unsigned char **b, Uint *n, StrBuf *tmp)
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

static bool is_binary(Term t) { return term_is_binary_any(t) && bin_bit_size(t) % 8 == 0; }

/* A sub binary over bin's bytes [offs, offs + len), whatever its size: OTP 25's binary module
 * (erts_binary_part, do_split) builds ErlSubBins, never heap binary copies. */
static Term piece(Process *p, Term bin, Uint offs, Uint len)
{
    Term orig = bin;
    Uint base = 0;
    unsigned bitoffs = 0;
    if (term_is_sub_bin(bin)) {
        orig = sub_bin_orig(bin);
        base = sub_bin_offs(bin);
        bitoffs = sub_bin_bitoffs(bin);
    }
    return sub_bin_at(heap_halloc(&p->heap, SUB_BIN_SIZE), orig, base + offs, len, bitoffs, 0);
}

/* Start and length (length may be negative) within a binary of size bytes. */
static bool pos_len(Term pos, Term len, Uint size, Uint *start, Uint *n)
{
    if (!term_is_small(pos) || !term_is_small(len)) return false;
    Sint s = small_val(pos), l = small_val(len);
    if (l < 0) {
        s += l;
        l = -l;
    }
    if (s < 0 || (Uint)s > size || (Uint)l > size - (Uint)s) return false;
    *start = (Uint)s;
    *n = (Uint)l;
    return true;
}

static bool pos_len_tuple(Term t, Uint size, Uint *start, Uint *n)
{
    return term_is_tuple(t) && tuple_arity(t) == 2 &&
           pos_len(tuple_elem(t, 1), tuple_elem(t, 2), size, start, n);
}

/* ---- part, at, first, last, copy -------------------------------------------------------- */

/* part/2,3 take bitstrings too (their whole bytes), as OTP 25. */
static Term bif_part3(Process *p, const Term *a)
{
    Uint s, n;
    if (!term_is_binary_any(a[0]) || !pos_len(a[1], a[2], bin_byte_size(a[0]), &s, &n)) return bif_badarg(p);
    return piece(p, a[0], s, n);
}
static Term bif_part2(Process *p, const Term *a)
{
    Uint s, n;
    if (!term_is_binary_any(a[0]) || !pos_len_tuple(a[1], bin_byte_size(a[0]), &s, &n)) return bif_badarg(p);
    return piece(p, a[0], s, n);
}

static Term byte_at(Process *p, Term bin, Term pos, int which)
{
    const unsigned char *b;
    Uint n;
    StrBuf tmp = STRBUF_INIT;
    Term r;
    if (!bytes_of(bin, &b, &n, &tmp) || n == 0) {
        r = bif_badarg(p);
    } else if (which == 0) {
        r = make_small(b[0]);
    } else if (which == 1) {
        r = make_small(b[n - 1]);
    } else if (!term_is_small(pos) || small_val(pos) < 0 || (Uint)small_val(pos) >= n) {
        r = bif_badarg(p);
    } else {
        r = make_small(b[small_val(pos)]);
    }
    sb_free(&tmp);
    return r;
}
static Term bif_at(Process *p, const Term *a) { return byte_at(p, a[0], a[1], 2); }
static Term bif_first(Process *p, const Term *a) { return byte_at(p, a[0], NIL, 0); }
static Term bif_last(Process *p, const Term *a) { return byte_at(p, a[0], NIL, 1); }

static Term copy_n(Process *p, Term bin, Term times)
{
    const unsigned char *b;
    Uint n;
    StrBuf tmp = STRBUF_INIT;
    Term r;
    if (!term_is_small(times) || small_val(times) < 0 || !bytes_of(bin, &b, &n, &tmp)) {
        r = bif_badarg(p);
    } else {
        Uint k = (Uint)small_val(times);
        if (n && k > ((Uint)1 << 40) / n) {
            r = bif_error(p, AM(system_limit));
        } else {
            unsigned char *d;
            r = bin_new_uninit(&p->heap, n * k, &d);
            for (Uint i = 0; i < k; i++) memcpy(d + i * n, b, n);
        }
    }
    sb_free(&tmp);
    return r;
}
static Term bif_copy1(Process *p, const Term *a) { return copy_n(p, a[0], make_small(1)); }
static Term bif_copy2(Process *p, const Term *a) { return copy_n(p, a[0], a[1]); }

/* ---- patterns --------------------------------------------------------------------------- */

typedef struct Pat {
    const unsigned char *b;
    Uint n;
} Pat;

typedef struct Patterns {
    Pat *p;
    size_t n;
    StrBuf *tmps; /* copies of unaligned pattern binaries */
} Patterns;

static void pats_free(Patterns *ps)
{
    for (size_t i = 0; i < ps->n; i++) sb_free(&ps->tmps[i]);
    free(ps->p);
    free(ps->tmps);
}

static bool pats_parse(Term t, Patterns *ps)
{
    if (term_is_tuple(t) && tuple_arity(t) == 2 && term_is_list(tuple_elem(t, 2)) &&
        (tuple_elem(t, 1) == atom_put("bm", 2) || tuple_elem(t, 1) == atom_put("ac", 2)))
        t = tuple_elem(t, 2);
    Sint n = term_is_list(t) ? list_length(t) : (is_binary(t) ? 1 : -1);
    ps->p = NULL;
    ps->tmps = NULL;
    ps->n = 0;
    if (n <= 0) return false;
    ps->p = calloc((size_t)n, sizeof(Pat));
    ps->tmps = calloc((size_t)n, sizeof(StrBuf));
    if (!ps->p || !ps->tmps) abort();
    Term l = term_is_list(t) ? t : NIL;
    for (Sint i = 0; i < n; i++) {
        Term e = term_is_list(t) ? list_head(l) : t;
        if (term_is_list(t)) l = list_tail(l);
        ps->n++;
        if (!bytes_of(e, &ps->p[i].b, &ps->p[i].n, &ps->tmps[i]) || ps->p[i].n == 0) return false;
    }
    return true;
}

/* The first match in [from, to): the earliest start, the longest pattern there. */
static bool find_match(const unsigned char *s, Uint from, Uint to, const Patterns *ps, Uint *at,
                       Uint *len)
{
    for (Uint i = from; i < to; i++) {
        Uint best = 0;
        for (size_t k = 0; k < ps->n; k++) {
            Uint n = ps->p[k].n;
            if (n <= to - i && n > best && memcmp(s + i, ps->p[k].b, n) == 0) best = n;
        }
        if (best) {
            *at = i;
            *len = best;
            return true;
        }
    }
    return false;
}

typedef struct MatchOpts {
    bool global, trim, trim_all;
    Uint scope_start, scope_len;
    Term insert_replaced; /* NONVALUE, or a small or list of smalls */
} MatchOpts;

static bool opts_parse(Term opts, Uint size, MatchOpts *mo, bool allow_split, bool allow_replace)
{
    Term a_global = atom_put("global", 6), a_trim = atom_put("trim", 4),
         a_trim_all = atom_put("trim_all", 8), a_scope = atom_put("scope", 5),
         a_insert = atom_put("insert_replaced", 15);
    mo->global = mo->trim = mo->trim_all = false;
    mo->scope_start = 0;
    mo->scope_len = size;
    mo->insert_replaced = NONVALUE;
    Term l = opts;
    for (; term_is_list(l); l = list_tail(l)) {
        Term o = list_head(l);
        if (o == a_global && (allow_split || allow_replace)) {
            mo->global = true;
        } else if (o == a_trim && allow_split) {
            mo->trim = true;
        } else if (o == a_trim_all && allow_split) {
            mo->trim_all = true;
        } else if (term_is_tuple(o) && tuple_arity(o) == 2 && tuple_elem(o, 1) == a_scope) {
            if (!pos_len_tuple(tuple_elem(o, 2), size, &mo->scope_start, &mo->scope_len)) return false;
        } else if (allow_replace && term_is_tuple(o) && tuple_arity(o) == 2 &&
                   tuple_elem(o, 1) == a_insert) {
            mo->insert_replaced = tuple_elem(o, 2);
        } else {
            return false;
        }
    }
    return term_is_nil(l);
}

/* Every match (or the first) in scope, as (start, len) pairs in out; returns the count. */
static size_t all_matches(const unsigned char *s, const MatchOpts *mo, const Patterns *ps,
                          bool global, Uint **out)
{
    size_t n = 0, cap = 8;
    Uint *v = malloc(cap * 2 * sizeof *v);
    if (!v) abort();
    Uint from = mo->scope_start, to = mo->scope_start + mo->scope_len, at, len;
    while (from < to && find_match(s, from, to, ps, &at, &len)) {
        if (n == cap) {
            cap *= 2;
            Uint *nv = realloc(v, cap * 2 * sizeof *nv);
            if (!nv) abort();
            v = nv;
        }
        v[2 * n] = at;
        v[2 * n + 1] = len;
        n++;
        from = at + len;
        if (!global) break;
    }
    *out = v;
    return n;
}

/* Shared front of match/matches/split/replace: subject bytes, patterns and options. */
typedef struct Search {
    const unsigned char *s;
    Uint n;
    Patterns ps;
    MatchOpts mo;
    StrBuf tmp;
} Search;

static bool search_init(Search *se, Term subj, Term pat, Term opts, bool split, bool replace)
{
    se->tmp = (StrBuf)STRBUF_INIT;
    se->ps = (Patterns){NULL, 0, NULL};
    if (!bytes_of(subj, &se->s, &se->n, &se->tmp)) return false;
    /* OTP does not look at the pattern when the subject is <<>>: split(<<>>, x) is [<<>>],
     * matches(<<>>, <<>>) is [], match nomatch, replace <<>> */
    if (se->n > 0 && !pats_parse(pat, &se->ps)) return false;
    return opts_parse(opts, se->n, &se->mo, split, replace);
}
static void search_done(Search *se)
{
    pats_free(&se->ps);
    sb_free(&se->tmp);
}

static Term do_match(Process *p, Term subj, Term pat, Term opts, bool global)
{
    Search se;
    Term r;
    if (!search_init(&se, subj, pat, opts, false, false)) {
        r = bif_badarg(p);
    } else {
        Uint *v;
        size_t n = all_matches(se.s, &se.mo, &se.ps, global, &v);
        if (!global) {
            r = n ? heap_tuple2(&p->heap, make_small((Sint)v[0]), make_small((Sint)v[1])) : atom_put("nomatch", 7);
        } else {
            r = NIL;
            for (size_t i = n; i-- > 0;) {
                Term t = heap_tuple2(&p->heap, make_small((Sint)v[2 * i]), make_small((Sint)v[2 * i + 1]));
                r = cons_at(heap_halloc(&p->heap, 2), t, r);
            }
        }
        free(v);
    }
    search_done(&se);
    return r;
}
static Term bif_match2(Process *p, const Term *a) { return do_match(p, a[0], a[1], NIL, false); }
static Term bif_match3(Process *p, const Term *a) { return do_match(p, a[0], a[1], a[2], false); }
static Term bif_matches2(Process *p, const Term *a) { return do_match(p, a[0], a[1], NIL, true); }
static Term bif_matches3(Process *p, const Term *a) { return do_match(p, a[0], a[1], a[2], true); }

static Term do_split(Process *p, Term subj, Term pat, Term opts)
{
    Search se;
    Term r = NIL;
    if (!search_init(&se, subj, pat, opts, true, false)) {
        search_done(&se);
        return bif_badarg(p);
    }
    Uint *v;
    size_t n = all_matches(se.s, &se.mo, &se.ps, se.mo.global, &v);
    /* pieces: [0, m0), [m0 end, m1), ..., [last end, size) */
    size_t np = n + 1;
    Uint *ps = malloc(2 * np * sizeof *ps);
    if (!ps) abort();
    Uint from = 0;
    for (size_t i = 0; i < n; i++) {
        ps[2 * i] = from;
        ps[2 * i + 1] = v[2 * i] - from;
        from = v[2 * i] + v[2 * i + 1];
    }
    ps[2 * n] = from;
    ps[2 * n + 1] = se.n - from;
    if (se.mo.trim || se.mo.trim_all)
        while (np > 0 && ps[2 * (np - 1) + 1] == 0) np--;
    for (size_t i = np; i-- > 0;) {
        if (se.mo.trim_all && ps[2 * i + 1] == 0) continue;
        Term b = piece(p, subj, ps[2 * i], ps[2 * i + 1]);
        r = cons_at(heap_halloc(&p->heap, 2), b, r);
    }
    free(ps);
    free(v);
    search_done(&se);
    return r;
}
static Term bif_split2(Process *p, const Term *a) { return do_split(p, a[0], a[1], NIL); }
static Term bif_split3(Process *p, const Term *a) { return do_split(p, a[0], a[1], a[2]); }

/* insert_replaced positions: a small or a list of smalls, each within the replacement. */
static bool insert_positions(Term ir, Uint rlen, Uint **pos, size_t *n)
{
    *n = 0;
    *pos = NULL;
    if (ir == NONVALUE) return true;
    Sint len = term_is_small(ir) ? 1 : list_length(ir);
    if (len < 0) return false;
    *pos = malloc(((size_t)len + 1) * sizeof **pos);
    if (!*pos) abort();
    Term l = ir;
    for (Sint i = 0; i < len; i++) {
        Term e = term_is_small(ir) ? ir : list_head(l);
        if (!term_is_small(ir)) l = list_tail(l);
        if (!term_is_small(e) || small_val(e) < 0 || (Uint)small_val(e) > rlen) return false;
        (*pos)[(*n)++] = (Uint)small_val(e);
    }
    /* OTP inserts in position order */
    for (size_t i = 1; i < *n; i++)
        for (size_t j = i; j > 0 && (*pos)[j - 1] > (*pos)[j]; j--) {
            Uint t = (*pos)[j];
            (*pos)[j] = (*pos)[j - 1];
            (*pos)[j - 1] = t;
        }
    return true;
}

static Term do_replace(Process *p, Term subj, Term pat, Term repl, Term opts)
{
    Search se;
    const unsigned char *rb;
    Uint rn;
    StrBuf rtmp = STRBUF_INIT, out = STRBUF_INIT;
    Uint *ins = NULL;
    size_t nins = 0;
    Term r;
    if (!search_init(&se, subj, pat, opts, false, true) || !bytes_of(repl, &rb, &rn, &rtmp) ||
        !insert_positions(se.mo.insert_replaced, rn, &ins, &nins)) {
        r = bif_badarg(p);
    } else {
        Uint *v;
        size_t n = all_matches(se.s, &se.mo, &se.ps, se.mo.global, &v);
        Uint from = 0;
        for (size_t i = 0; i < n; i++) {
            sb_putn(&out, (const char *)se.s + from, v[2 * i] - from);
            Uint rp = 0;
            for (size_t k = 0; k < nins; k++) {
                sb_putn(&out, (const char *)rb + rp, ins[k] - rp);
                sb_putn(&out, (const char *)se.s + v[2 * i], v[2 * i + 1]);
                rp = ins[k];
            }
            sb_putn(&out, (const char *)rb + rp, rn - rp);
            from = v[2 * i] + v[2 * i + 1];
        }
        sb_putn(&out, (const char *)se.s + from, se.n - from);
        r = bin_new(&p->heap, out.data, out.len);
        free(v);
    }
    free(ins);
    sb_free(&out);
    sb_free(&rtmp);
    search_done(&se);
    return r;
}
static Term bif_replace3(Process *p, const Term *a) { return do_replace(p, a[0], a[1], a[2], NIL); }
static Term bif_replace4(Process *p, const Term *a) { return do_replace(p, a[0], a[1], a[2], a[3]); }

/* ---- conversions ------------------------------------------------------------------------ */

static Term bif_list_to_bin(Process *p, const Term *a)
{
    if (!term_is_list(a[0]) && !term_is_nil(a[0])) return bif_badarg(p);
    const BifDef *d = bif_lookup(atom_put("erlang", 6), atom_put("list_to_binary", 14), 1);
    return d->fn(p, a);
}

static Term bytes_list(Process *p, Term bin, Uint s, Uint n, const unsigned char *b)
{
    if (n == 0) return NIL;
    Term *hp = heap_halloc(&p->heap, 2 * n);
    Term r = NIL;
    for (Uint i = n; i-- > 0;) r = cons_at(hp + 2 * i, make_small(b[s + i]), r);
    return r;
}

static Term bin_to_list(Process *p, Term bin, Term pos, Term len, bool tuple)
{
    const unsigned char *b;
    Uint n, s = 0, l;
    StrBuf tmp = STRBUF_INIT;
    Term r;
    if (!bytes_of(bin, &b, &n, &tmp)) {
        r = bif_badarg(p);
    } else {
        l = n;
        bool ok = pos == NONVALUE || (tuple ? pos_len_tuple(pos, n, &s, &l) : pos_len(pos, len, n, &s, &l));
        r = ok ? bytes_list(p, bin, s, l, b) : bif_badarg(p);
    }
    sb_free(&tmp);
    return r;
}
static Term bif_bin_to_list1(Process *p, const Term *a) { return bin_to_list(p, a[0], NONVALUE, NONVALUE, false); }
static Term bif_bin_to_list2(Process *p, const Term *a) { return bin_to_list(p, a[0], a[1], NONVALUE, true); }
static Term bif_bin_to_list3(Process *p, const Term *a) { return bin_to_list(p, a[0], a[1], a[2], false); }

/* big | little: 0 big, 1 little, -1 bad. */
static int endian(Term t)
{
    if (t == atom_put("big", 3)) return 0;
    if (t == atom_put("little", 6)) return 1;
    return -1;
}

static Term decode_unsigned(Process *p, Term bin, int e)
{
    const unsigned char *b;
    Uint n;
    StrBuf tmp = STRBUF_INIT;
    Term r;
    if (e < 0 || !bytes_of(bin, &b, &n, &tmp)) {
        r = bif_badarg(p);
    } else if (n == 0) {
        r = make_small(0);
    } else {
        r = bin_get_integer(&p->heap, b, 0, n * 8, e ? BIN_LITTLE : 0);
        if (r == NONVALUE) r = bif_error(p, AM(system_limit));
    }
    sb_free(&tmp);
    return r;
}
static Term bif_decode_unsigned1(Process *p, const Term *a) { return decode_unsigned(p, a[0], 0); }
static Term bif_decode_unsigned2(Process *p, const Term *a) { return decode_unsigned(p, a[0], endian(a[1])); }

static Term encode_unsigned(Process *p, Term i, int e)
{
    if (e < 0 || !term_is_integer(i) || (term_is_small(i) && small_val(i) < 0) ||
        (term_is_big(i) && big_is_neg(i)))
        return bif_badarg(p);
    Uint bits = int_bit_length(i);
    Uint bytes = bits ? (bits + 7) / 8 : 1;
    unsigned char *d;
    Term r = bin_new_uninit(&p->heap, bytes, &d);
    memset(d, 0, bytes);
    bin_put_integer(i, bytes * 8, e ? BIN_LITTLE : 0, d, 0);
    return r;
}
static Term bif_encode_unsigned1(Process *p, const Term *a) { return encode_unsigned(p, a[0], 0); }
static Term bif_encode_unsigned2(Process *p, const Term *a) { return encode_unsigned(p, a[0], endian(a[1])); }

static Term bif_referenced_byte_size(Process *p, const Term *a)
{
    Term t = a[0];
    if (!term_is_binary_any(t)) return bif_badarg(p);
    if (term_is_sub_bin(t)) t = sub_bin_orig(t);
    if (term_is_refc_bin(t)) return int_from_uint(&p->heap, procbin_ptr(t)->val->orig_size);
    return int_from_uint(&p->heap, bin_byte_size(t));
}

/* longest_common_prefix/suffix: a non-empty list of binaries. */
static Term common_affix(Process *p, Term list, bool suffix)
{
    Sint n = list_length(list);
    if (n <= 0) return bif_badarg(p);
    StrBuf *tmps = calloc((size_t)n, sizeof *tmps);
    const unsigned char **bs = calloc((size_t)n, sizeof *bs);
    Uint *ns = calloc((size_t)n, sizeof *ns);
    if (!tmps || !bs || !ns) abort();
    bool ok = true;
    Term l = list;
    Uint best = 0;
    for (Sint i = 0; i < n; i++, l = list_tail(l)) {
        if (!bytes_of(list_head(l), &bs[i], &ns[i], &tmps[i])) ok = false;
        else if (i == 0 || ns[i] < best) best = ns[i];
    }
    if (ok) {
        Uint k = 0;
        for (; k < best; k++) {
            unsigned char c = suffix ? bs[0][ns[0] - 1 - k] : bs[0][k];
            bool same = true;
            for (Sint i = 1; i < n && same; i++)
                same = (suffix ? bs[i][ns[i] - 1 - k] : bs[i][k]) == c;
            if (!same) break;
        }
        best = k;
    }
    for (Sint i = 0; i < n; i++) sb_free(&tmps[i]);
    free(tmps);
    free(bs);
    free(ns);
    return ok ? make_small((Sint)best) : bif_badarg(p);
}
static Term bif_lcp(Process *p, const Term *a) { return common_affix(p, a[0], false); }
static Term bif_lcs(Process *p, const Term *a) { return common_affix(p, a[0], true); }

/* encode_hex/1 (upper case, as OTP 25) and decode_hex/1 (either case, even length). */
static Term bif_encode_hex(Process *p, const Term *a)
{
    const unsigned char *b;
    Uint n;
    StrBuf tmp = STRBUF_INIT;
    Term r;
    if (!bytes_of(a[0], &b, &n, &tmp)) {
        r = bif_badarg(p);
    } else {
        static const char digits[] = "0123456789ABCDEF";
        unsigned char *d;
        r = bin_new_uninit(&p->heap, 2 * n, &d);
        for (Uint i = 0; i < n; i++) {
            d[2 * i] = (unsigned char)digits[b[i] >> 4];
            d[2 * i + 1] = (unsigned char)digits[b[i] & 15];
        }
    }
    sb_free(&tmp);
    return r;
}

static int hex_digit(unsigned c)
{
    if (c >= '0' && c <= '9') return (int)(c - '0');
    if (c >= 'a' && c <= 'f') return (int)(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return (int)(c - 'A' + 10);
    return -1;
}

static Term bif_decode_hex(Process *p, const Term *a)
{
    const unsigned char *b;
    Uint n;
    StrBuf tmp = STRBUF_INIT, out = STRBUF_INIT;
    Term r = NONVALUE;
    if (bytes_of(a[0], &b, &n, &tmp) && n % 2 == 0) {
        Uint i = 0;
        for (; i < n; i += 2) {
            int hi = hex_digit(b[i]), lo = hex_digit(b[i + 1]);
            if (hi < 0 || lo < 0) break;
            sb_putc(&out, (char)(hi << 4 | lo));
        }
        if (i == n) r = bin_new(&p->heap, out.data, out.len);
    }
    sb_free(&tmp);
    sb_free(&out);
    return r == NONVALUE ? bif_badarg(p) : r;
}

/* binary:compile_pattern/1: the patterns checked, kept as a list in {bm | ac, List}, which
 * pats_parse takes back (bm for one pattern, ac for several, as OTP names them). */
static Term bif_compile_pattern(Process *p, const Term *a)
{
    if (term_is_tuple(a[0])) return bif_badarg(p);
    Patterns ps;
    bool ok = pats_parse(a[0], &ps);
    size_t n = ps.n;
    pats_free(&ps);
    if (!ok) return bif_badarg(p);
    Term l = term_is_list(a[0]) ? a[0] : cons_at(heap_halloc(&p->heap, 2), a[0], NIL);
    return heap_tuple2(&p->heap, n == 1 ? atom_put("bm", 2) : atom_put("ac", 2), l);
}

#define B(n, ar, f) {"binary", n, ar, f, 0}
const BifDef bif_table_binary[] = {
    B("part", 2, bif_part2),
    B("part", 3, bif_part3),
    B("at", 2, bif_at),
    B("first", 1, bif_first),
    B("last", 1, bif_last),
    B("copy", 1, bif_copy1),
    B("copy", 2, bif_copy2),
    B("split", 2, bif_split2),
    B("split", 3, bif_split3),
    B("match", 2, bif_match2),
    B("match", 3, bif_match3),
    B("matches", 2, bif_matches2),
    B("matches", 3, bif_matches3),
    B("replace", 3, bif_replace3),
    B("replace", 4, bif_replace4),
    B("list_to_bin", 1, bif_list_to_bin),
    B("bin_to_list", 1, bif_bin_to_list1),
    B("bin_to_list", 2, bif_bin_to_list2),
    B("bin_to_list", 3, bif_bin_to_list3),
    B("decode_unsigned", 1, bif_decode_unsigned1),
    B("decode_unsigned", 2, bif_decode_unsigned2),
    B("encode_unsigned", 1, bif_encode_unsigned1),
    B("encode_unsigned", 2, bif_encode_unsigned2),
    B("referenced_byte_size", 1, bif_referenced_byte_size),
    B("longest_common_prefix", 1, bif_lcp),
    B("longest_common_suffix", 1, bif_lcs),
    B("encode_hex", 1, bif_encode_hex),
    B("decode_hex", 1, bif_decode_hex),
    B("compile_pattern", 1, bif_compile_pattern),
    {0},
};
