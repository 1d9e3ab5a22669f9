/*
 * match.c — match specifications: select, select_count, select_delete, match, match_object
 * (OTP's erl_db_util.c, interpreted directly from the spec term instead of compiled).
 *
 * A spec is [{Head, Guards, Body}]. Head is matched against each object binding '$N'
 * variables ('_' matches anything); the guards must all be true; the body's last expression is
 * the result ('$_' the object, '$$' the bound variables in order). Guard and body evaluation
 * build their terms on a scratch heap that lives for one call; results are copied into the
 * caller's heap (copy_struct) while the table lock is still held, so nothing the caller gets
 * points into the table. A guard that fails to evaluate is false; a body that fails gives
 * 'EXIT', as in OTP.
 *
 * With a limit (select/3, match/3) the whole result is computed and handed out in chunks: the
 * continuation holds the rest (docs/ets.md).
 */
#include <stdlib.h>

#include "atom.h"
#include "bignum.h"
#include "bin.h"
#include "copy.h"
#include "ets/ets_impl.h"

#define MAX_VARS 1024

typedef struct MatchCtx {
    Heap scratch;
    bool scratch_ready;
    Term vars[MAX_VARS];
    bool bound[MAX_VARS];
    unsigned maxvar;
    Term obj;
    Term self; /* the caller's pid, for self() */
    bool body; /* evaluating a body: a call that fails gives 'EXIT' in its place */
} MatchCtx;

static Term am(const char *s) { return atom_put(s, strlen(s)); }

/* 'EXIT', asked for once per body run: looked up once (atoms never move). */
static _Atomic Term exit_atom;
static Term am_exit(void)
{
    Term a = atomic_load_explicit(&exit_atom, memory_order_relaxed);
    if (!a) atomic_store_explicit(&exit_atom, a = am("EXIT"), memory_order_relaxed);
    return a;
}

/* '$N' -> N; '_' -> -2; '$_' -> -3; '$$' -> -4; else -1. */
static int var_of_name(Term t)
{
    size_t len;
    const char *s = atom_name(t, &len);
    if (len == 1 && s[0] == '_') return -2;
    if (len < 2 || s[0] != '$') return -1;
    if (len == 2 && s[1] == '_') return -3;
    if (len == 2 && s[1] == '$') return -4;
    int n = 0;
    for (size_t i = 1; i < len; i++) {
        if (s[i] < '0' || s[i] > '9' || n >= MAX_VARS) return -1;
        n = n * 10 + (s[i] - '0');
    }
    return n < MAX_VARS ? n : -1;
}

/* var_of_name is asked for every atom of a spec, for every object: its answers are kept per
 * atom index (atoms never change; racing threads store the same value), code + 5, 0 unknown. */
#define VAR_CACHE (1u << 16)
static _Atomic int16_t var_cache[VAR_CACHE];

static int var_of(Term t)
{
    if (!term_is_atom(t)) return -1;
    Uint ix = atom_index(t);
    if (ix >= VAR_CACHE) return var_of_name(t);
    int v = atomic_load_explicit(&var_cache[ix], memory_order_relaxed);
    if (v) return v - 5;
    v = var_of_name(t);
    atomic_store_explicit(&var_cache[ix], (int16_t)(v + 5), memory_order_relaxed);
    return v;
}

/* The scratch heap, set up on first use (bignum results go there too). */
static Heap *scratch_heap(MatchCtx *c)
{
    if (!c->scratch_ready) {
        heap_init(&c->scratch, 233, 65535);
        c->scratch_ready = true;
    }
    return &c->scratch;
}

static Term *scratch(MatchCtx *c, Uint n) { return heap_halloc(scratch_heap(c), n); }

/* ---- head matching ------------------------------------------------------------------------ */
static bool match_pat(MatchCtx *c, Term pat, Term t)
{
    for (;;) {
        int v = var_of(pat);
        if (v == -2) return true;
        if (v >= 0) {
            if (c->bound[v]) return term_eq_exact(c->vars[v], t);
            c->bound[v] = true;
            c->vars[v] = t;
            if ((unsigned)v + 1 > c->maxvar) c->maxvar = (unsigned)v + 1;
            return true;
        }
        if (term_is_tuple(pat)) {
            if (!term_is_tuple(t) || tuple_arity(t) != tuple_arity(pat)) return false;
            Uint n = tuple_arity(pat);
            if (n == 0) return true;
            for (Uint i = 1; i < n; i++)
                if (!match_pat(c, tuple_elem(pat, i), tuple_elem(t, i))) return false;
            pat = tuple_elem(pat, n);
            t = tuple_elem(t, n);
            continue;
        }
        if (term_is_list(pat)) {
            if (!term_is_list(t)) return false;
            if (!match_pat(c, list_head(pat), list_head(t))) return false;
            pat = list_tail(pat);
            t = list_tail(t);
            continue;
        }
        return term_eq_exact(pat, t);
    }
}

/* ---- guard and body expressions ---------------------------------------------------------- */
static Term eval(MatchCtx *c, Term e);

static Term all_vars(MatchCtx *c)
{
    Term r = NIL;
    for (unsigned i = c->maxvar; i-- > 0;)
        if (c->bound[i]) r = cons_at(scratch(c, 2), c->vars[i], r);
    return r;
}

static Term mk_bool(bool b) { return b ? AM(true) : AM(false); }

static Term arith(MatchCtx *c, const char *op, Term a, Term b)
{
    Term err;
    if (term_is_integer(a) && term_is_integer(b)) {
        if (!strcmp(op, "+")) return int_add(scratch_heap(c), a, b, &err);
        if (!strcmp(op, "-")) return int_sub(scratch_heap(c), a, b, &err);
        if (!strcmp(op, "*")) return int_mul(scratch_heap(c), a, b, &err);
        if (!strcmp(op, "div")) return int_div(scratch_heap(c), a, b, &err);
        if (!strcmp(op, "rem")) return int_rem(scratch_heap(c), a, b, &err);
        if (!strcmp(op, "band")) return int_band(scratch_heap(c), a, b, &err);
        if (!strcmp(op, "bor")) return int_bor(scratch_heap(c), a, b, &err);
        if (!strcmp(op, "bxor")) return int_bxor(scratch_heap(c), a, b, &err);
        if (!strcmp(op, "bsl")) return int_bsl(scratch_heap(c), a, b, &err);
        if (!strcmp(op, "bsr")) return int_bsr(scratch_heap(c), a, b, &err);
    }
    if (!term_is_number(a) || !term_is_number(b)) return NONVALUE;
    double x, y;
    if (term_is_float(a)) x = float_val(a);
    else if (!int_to_double(a, &x)) return NONVALUE;
    if (term_is_float(b)) y = float_val(b);
    else if (!int_to_double(b, &y)) return NONVALUE;
    double r;
    if (!strcmp(op, "+")) r = x + y;
    else if (!strcmp(op, "-")) r = x - y;
    else if (!strcmp(op, "*")) r = x * y;
    else if (!strcmp(op, "/")) {
        if (y == 0) return NONVALUE;
        r = x / y;
    } else return NONVALUE;
    return float_at(scratch(c, FLOAT_SIZE), r);
}

static Term type_test(const char *f, Term a, bool *known)
{
    *known = true;
    if (!strcmp(f, "is_atom")) return mk_bool(term_is_atom(a));
    if (!strcmp(f, "is_integer")) return mk_bool(term_is_integer(a));
    if (!strcmp(f, "is_float")) return mk_bool(term_is_float(a));
    if (!strcmp(f, "is_number")) return mk_bool(term_is_number(a));
    if (!strcmp(f, "is_list")) return mk_bool(term_is_list(a) || a == NIL);
    if (!strcmp(f, "is_tuple")) return mk_bool(term_is_tuple(a));
    if (!strcmp(f, "is_binary")) return mk_bool(term_is_binary_any(a));
    if (!strcmp(f, "is_pid")) return mk_bool(term_is_pid(a));
    if (!strcmp(f, "is_port")) return mk_bool(term_is_port(a));
    if (!strcmp(f, "is_reference")) return mk_bool(term_is_ref(a));
    if (!strcmp(f, "is_function")) return mk_bool(term_is_fun(a));
    if (!strcmp(f, "is_map")) return mk_bool(term_is_map(a));
    *known = false;
    return NONVALUE;
}

static int cmp_op(const char *f)
{
    static const char *ops[] = {"<", ">", "=<", ">=", "==", "/=", "=:=", "=/="};
    for (int i = 0; i < 8; i++)
        if (!strcmp(f, ops[i])) return i;
    return -1;
}

static Term call1(MatchCtx *c, const char *f, Term a)
{
    bool known;
    Term r = type_test(f, a, &known);
    if (known) return r;
    Term err;
    if (!strcmp(f, "not")) return a == AM(true) ? AM(false) : a == AM(false) ? AM(true) : NONVALUE;
    if (!strcmp(f, "abs")) {
        if (term_is_integer(a)) return int_compare(a, make_small(0)) < 0 ? int_neg(scratch_heap(c), a, &err) : a;
        if (term_is_float(a)) return float_at(scratch(c, FLOAT_SIZE), float_val(a) < 0 ? -float_val(a) : float_val(a));
        return NONVALUE;
    }
    if (!strcmp(f, "-")) return term_is_integer(a) ? int_neg(scratch_heap(c), a, &err)
                              : term_is_float(a) ? float_at(scratch(c, FLOAT_SIZE), -float_val(a)) : NONVALUE;
    if (!strcmp(f, "+")) return term_is_number(a) ? a : NONVALUE;
    if (!strcmp(f, "bnot")) return term_is_integer(a) ? int_bnot(scratch_heap(c), a, &err) : NONVALUE;
    if (!strcmp(f, "hd")) return term_is_list(a) ? list_head(a) : NONVALUE;
    if (!strcmp(f, "tl")) return term_is_list(a) ? list_tail(a) : NONVALUE;
    if (!strcmp(f, "tuple_size")) return term_is_tuple(a) ? make_small((Sint)tuple_arity(a)) : NONVALUE;
    if (!strcmp(f, "size")) {
        if (term_is_tuple(a)) return make_small((Sint)tuple_arity(a));
        if (term_is_binary_any(a)) {
            BinView v;
            if (bin_view(a, &v)) return make_small((Sint)((v.bit_size + 7) / 8));
        }
        return NONVALUE;
    }
    if (!strcmp(f, "length")) {
        Sint n = list_length(a);
        return n < 0 ? NONVALUE : make_small(n);
    }
    if (!strcmp(f, "float")) {
        double d;
        if (term_is_float(a)) return a;
        if (term_is_integer(a) && int_to_double(a, &d)) return float_at(scratch(c, FLOAT_SIZE), d);
        return NONVALUE;
    }
    return NONVALUE;
}

static Term compare(int co, Term a, Term b);

static Term call2(MatchCtx *c, const char *f, Term a, Term b)
{
    int co = cmp_op(f);
    if (co >= 0) return compare(co, a, b);
    if (!strcmp(f, "and") || !strcmp(f, "or") || !strcmp(f, "xor")) {
        if ((a != AM(true) && a != AM(false)) || (b != AM(true) && b != AM(false))) return NONVALUE;
        bool x = a == AM(true), y = b == AM(true);
        return mk_bool(f[0] == 'a' ? x && y : f[0] == 'o' ? x || y : x != y);
    }
    if (!strcmp(f, "element")) {
        if (!term_is_small(a) || !term_is_tuple(b) || small_val(a) < 1 || (Uint)small_val(a) > tuple_arity(b))
            return NONVALUE;
        return tuple_elem(b, (Uint)small_val(a));
    }
    return arith(c, f, a, b);
}

/* The comparison an atom names (cmp_op's index), cached per atom index as var_of's: + 2, 0
 * unknown, 1 none. */
static _Atomic int8_t cmp_cache[VAR_CACHE];

static int cmp_atom(Term fa)
{
    Uint ix = atom_index(fa);
    int v = ix < VAR_CACHE ? atomic_load_explicit(&cmp_cache[ix], memory_order_relaxed) : 0;
    if (v) return v - 2;
    size_t len;
    const char *nm = atom_name(fa, &len);
    char f[4] = {0};
    v = len < sizeof f ? (memcpy(f, nm, len), cmp_op(f)) : -1;
    if (ix < VAR_CACHE) atomic_store_explicit(&cmp_cache[ix], (int8_t)(v + 2), memory_order_relaxed);
    return v;
}

static Term compare(int co, Term a, Term b)
{
    /* Two small integers (the usual key guard) compare as machine words, exactly or not. */
    int d = term_is_small(a) && term_is_small(b) ? (small_val(a) > small_val(b)) - (small_val(a) < small_val(b))
                                                 : term_compare(a, b, co >= 6);
    switch (co) {
    case 0: return mk_bool(d < 0);
    case 1: return mk_bool(d > 0);
    case 2: return mk_bool(d <= 0);
    case 3: return mk_bool(d >= 0);
    case 4: case 6: return mk_bool(d == 0);
    default: return mk_bool(d != 0);
    }
}

static Term call_expr(MatchCtx *c, Term e)
{
    Term fa = tuple_elem(e, 1);
    if (!term_is_atom(fa)) return NONVALUE;
    if (tuple_arity(e) == 3) { /* comparisons, the usual guards, without their names */
        int co = cmp_atom(fa);
        if (co >= 0) {
            Term a = eval(c, tuple_elem(e, 2));
            if (a == NONVALUE) return NONVALUE;
            Term b = eval(c, tuple_elem(e, 3));
            return b == NONVALUE ? NONVALUE : compare(co, a, b);
        }
    }
    size_t len;
    const char *nm = atom_name(fa, &len);
    char f[32];
    if (len >= sizeof f) return NONVALUE;
    memcpy(f, nm, len);
    f[len] = 0;
    Uint n = tuple_arity(e) - 1;
    if (!strcmp(f, "const") && n == 1) return tuple_elem(e, 2);
    if (!strcmp(f, "andalso") || !strcmp(f, "orelse")) {
        bool want = f[0] == 'a';
        for (Uint i = 2; i <= n + 1; i++) {
            Term v = eval(c, tuple_elem(e, i));
            if (v != AM(true) && v != AM(false)) return NONVALUE;
            if ((v == AM(true)) != want) return v;
        }
        return mk_bool(want);
    }
    if (!strcmp(f, "self") && n == 0) return c->self;
    if (n == 1) {
        Term a = eval(c, tuple_elem(e, 2));
        return a == NONVALUE ? NONVALUE : call1(c, f, a);
    }
    if (n == 2) {
        Term a = eval(c, tuple_elem(e, 2));
        if (a == NONVALUE) return NONVALUE;
        Term b = eval(c, tuple_elem(e, 3));
        return b == NONVALUE ? NONVALUE : call2(c, f, a, b);
    }
    return NONVALUE;
}

/* A failing call fails a guard (NONVALUE: the guard is false), but in a body it gives the atom
 * 'EXIT' where its value would be: OTP 25's select([{{'$1','$2'},[],[{{'$1',{'div','$2',0}}}]}])
 * returns [{1,'EXIT'}], and the body's other terms are still built. */
static Term eval_call(MatchCtx *c, Term e)
{
    Term r = call_expr(c, e);
    return r == NONVALUE && c->body ? am_exit() : r;
}

static Term eval(MatchCtx *c, Term e)
{
    int v = var_of(e);
    if (v >= 0) return c->bound[v] ? c->vars[v] : NONVALUE;
    if (v == -3) return c->obj;
    if (v == -4) return all_vars(c);
    if (term_is_tuple(e)) {
        Uint n = tuple_arity(e);
        if (n == 0) return NONVALUE;
        Term first = tuple_elem(e, 1);
        if (n == 1 && term_is_tuple(first)) {
            /* {{...}}: a tuple built from its evaluated elements */
            Uint m = tuple_arity(first);
            if (m == 0) return first;
            Term *hp = scratch(c, m + 1);
            hp[0] = make_tuple_header(m);
            for (Uint i = 1; i <= m; i++) {
                Term x = eval(c, tuple_elem(first, i));
                if (x == NONVALUE) return NONVALUE;
                hp[i] = x;
            }
            return make_boxed(hp);
        }
        return eval_call(c, e);
    }
    if (term_is_list(e)) {
        Term h = eval(c, list_head(e));
        if (h == NONVALUE) return NONVALUE;
        Term t = eval(c, list_tail(e));
        if (t == NONVALUE) return NONVALUE;
        return cons_at(scratch(c, 2), h, t);
    }
    return e;
}

/* ---- the spec ----------------------------------------------------------------------------- */
/* Functions a spec may call, with their arity (OTP's erl_db_util.c guard_tab, the part we run). */
static const struct { const char *name; unsigned arity; } ms_funs[] = {
    {"is_atom", 1}, {"is_integer", 1}, {"is_float", 1}, {"is_number", 1}, {"is_list", 1},
    {"is_tuple", 1}, {"is_binary", 1}, {"is_pid", 1}, {"is_port", 1}, {"is_reference", 1},
    {"is_function", 1}, {"is_map", 1}, {"not", 1}, {"abs", 1}, {"-", 1}, {"+", 1}, {"bnot", 1},
    {"hd", 1}, {"tl", 1}, {"tuple_size", 1}, {"size", 1}, {"length", 1}, {"float", 1},
    {"<", 2}, {">", 2}, {"=<", 2}, {">=", 2}, {"==", 2}, {"/=", 2}, {"=:=", 2}, {"=/=", 2},
    {"and", 2}, {"or", 2}, {"xor", 2}, {"element", 2}, {"+", 2}, {"-", 2}, {"*", 2}, {"/", 2},
    {"div", 2}, {"rem", 2}, {"band", 2}, {"bor", 2}, {"bxor", 2}, {"bsl", 2}, {"bsr", 2},
    {"self", 0},
};

/* Is e an expression the evaluator knows? Unknown calls and unbound-looking atoms are not. */
static bool expr_valid(Term e, int depth)
{
    if (depth > 1000) return false;
    if (term_is_list(e)) {
        for (; term_is_list(e); e = list_tail(e))
            if (!expr_valid(list_head(e), depth + 1)) return false;
        return expr_valid(e, depth + 1);
    }
    if (!term_is_tuple(e)) return true;
    Uint n = tuple_arity(e);
    if (n == 0) return false;
    Term f = tuple_elem(e, 1);
    if (n == 1 && term_is_tuple(f)) {
        for (Uint i = 1; i <= tuple_arity(f); i++)
            if (!expr_valid(tuple_elem(f, i), depth + 1)) return false;
        return true;
    }
    if (!term_is_atom(f)) return false;
    size_t len;
    const char *nm = atom_name(f, &len);
    if (len == 5 && !memcmp(nm, "const", 5)) return n == 2;
    bool known = (len == 7 && !memcmp(nm, "andalso", 7)) || (len == 6 && !memcmp(nm, "orelse", 6));
    for (size_t i = 0; !known && i < sizeof ms_funs / sizeof *ms_funs; i++)
        known = strlen(ms_funs[i].name) == len && !memcmp(ms_funs[i].name, nm, len) && ms_funs[i].arity == n - 1;
    if (!known) return false;
    for (Uint i = 2; i <= n; i++)
        if (!expr_valid(tuple_elem(e, i), depth + 1)) return false;
    return true;
}

bool ets_ms_valid(Term ms)
{
    Term l = ms;
    for (; term_is_list(l); l = list_tail(l)) {
        Term cl = list_head(l);
        if (!term_is_tuple(cl) || tuple_arity(cl) != 3) return false;
        Term g = tuple_elem(cl, 2), b = tuple_elem(cl, 3);
        if (list_length(g) < 0 || list_length(b) < 0) return false;
        if (!expr_valid(g, 0) || !expr_valid(b, 0)) return false;
        Term h = tuple_elem(cl, 1);
        if (!term_is_tuple(h) && var_of(h) != -2 && var_of(h) < 0) return false;
    }
    return l == NIL;
}

/* Runs the spec on one object: the result, or NONVALUE when no clause matched. */
static Term run_spec(MatchCtx *c, Term ms, Term obj)
{
    for (Term l = ms; term_is_list(l); l = list_tail(l)) {
        Term cl = list_head(l);
        memset(c->bound, 0, c->maxvar * sizeof(bool));
        c->maxvar = 0;
        c->obj = obj;
        if (!match_pat(c, tuple_elem(cl, 1), obj)) continue;
        bool ok = true;
        c->body = false;
        for (Term g = tuple_elem(cl, 2); ok && term_is_list(g); g = list_tail(g))
            ok = eval(c, list_head(g)) == AM(true);
        if (!ok) continue;
        c->body = true;
        Term r = am_exit();
        for (Term b = tuple_elem(cl, 3); term_is_list(b); b = list_tail(b)) {
            r = eval(c, list_head(b));
            if (r == NONVALUE) { r = am_exit(); break; }
        }
        if (tuple_elem(cl, 3) == NIL) r = am_exit();
        return r;
    }
    return NONVALUE;
}

/* ---- specs on free-standing objects (ets.h: EtsMatchSpec) ------------------------------- */
struct EtsMatchSpec {
    MatchCtx m;
    Term ms;
};

EtsMatchSpec *ets_ms_new(Term ms, Term self)
{
    if (!ets_ms_valid(ms)) return NULL;
    EtsMatchSpec *s = calloc(1, sizeof *s);
    if (!s) abort();
    s->ms = ms;
    s->m.self = self;
    return s;
}

Term ets_ms_run(EtsMatchSpec *s, Term obj)
{
    /* The previous result is dead by contract: start each run on a fresh scratch heap, so a
     * scan over a large dets file keeps one object's worth of scratch at a time. */
    if (s->m.scratch_ready) {
        heap_destroy(&s->m.scratch);
        s->m.scratch_ready = false;
    }
    return run_spec(&s->m, s->ms, obj);
}

void ets_ms_free(EtsMatchSpec *s)
{
    if (!s) return;
    if (s->m.scratch_ready) heap_destroy(&s->m.scratch);
    free(s);
}

typedef struct SelCtx {
    MatchCtx m;
    Term ms;
    EtsSelKind kind;
    Term *res;   /* results in traversal order */
    Uint *bk;    /* hash tables: the bucket (a sequence number) each result came from */
    DbTerm **objs; /* select_replace: the object each result replaces */
    Uint *sz;    /* size_object of each result (measured once) */
    Uint n, cap, words, count, bucket_no;
} SelCtx;

static int visit_select(DbTerm *d, void *arg)
{
    SelCtx *s = arg;
    Term r = run_spec(&s->m, s->ms, dbterm_obj(d));
    if (r == NONVALUE) return ETS_V_NEXT;
    if (s->kind == ETS_SEL_COUNT) { s->count += r == AM(true); return ETS_V_NEXT; }
    if (s->kind == ETS_SEL_DELETE) {
        if (r != AM(true)) return ETS_V_NEXT;
        s->count++;
        return ETS_V_DELETE;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->res = realloc(s->res, s->cap * sizeof(Term));
        s->bk = realloc(s->bk, s->cap * sizeof(Uint));
        s->objs = realloc(s->objs, s->cap * sizeof(DbTerm *));
        s->sz = realloc(s->sz, s->cap * sizeof(Uint));
        if (!s->res || !s->bk || !s->objs || !s->sz) abort();
    }
    Uint sz = term_is_immed(r) ? 0 : size_object(r);
    s->objs[s->n] = d;
    s->bk[s->n] = s->bucket_no;
    s->sz[s->n] = sz;
    s->res[s->n++] = r;
    s->words += sz + 2;
    return ETS_V_NEXT;
}

static void select_bucket_done(void *arg) { ((SelCtx *)arg)->bucket_no++; }

/* The results as lists on p's heap (table locked by the caller): order[] gives the results'
 * order, lens[] splits it into nchunks lists (a list of lists then; lens NULL: one list). */
static Term results_lists(Process *p, SelCtx *s, const Uint *order, const Uint *lens, Uint nchunks)
{
    if (s->n == 0) return NIL;
    Term *hp = heap_halloc(&p->heap, s->words + (lens ? 2 * nchunks : 0));
    Term *cells = hp;
    hp += 2 * s->n;
    OffHeap oh = {NULL, 0};
    enum { AHEAD = 8 }; /* the results point into table nodes met in bucket order: scattered */
    for (Uint i = 0; i < s->n; i++) {
        if (i + AHEAD < s->n && term_is_boxed(s->res[order[i + AHEAD]]))
            __builtin_prefetch(boxed_ptr(s->res[order[i + AHEAD]]));
        Term r = s->res[order[i]];
        cells[2 * i] = s->sz[order[i]] ? copy_struct(r, s->sz[order[i]], &hp, &oh) : r;
        cells[2 * i + 1] = i + 1 < s->n ? make_list(cells + 2 * i + 2) : NIL;
    }
    for (OffHeapHeader *e = oh.first, *next; e; e = next) {
        next = e->next;
        heap_link_offheap(&p->heap, e, hdr_subtag(e->thing_word) == SUB_REFC_BIN ? e->size / 8 : 0);
    }
    if (!lens) return make_list(cells);
    /* Cut the flat list into chunks, then list the chunks. */
    Term *outer = hp;
    for (Uint c = 0, at = 0; c < nchunks; c++) {
        cells[2 * (at + lens[c] - 1) + 1] = NIL;
        outer[2 * c] = make_list(cells + 2 * at);
        outer[2 * c + 1] = c + 1 < nchunks ? make_list(outer + 2 * c + 2) : NIL;
        at += lens[c];
    }
    return make_list(outer);
}

/*
 * The chunks of select/3 on a hash table, as OTP 25 cuts them (erl_db_hash.c,
 * mtraversal_select_chunk_*): each call walks whole buckets, consing results onto its list,
 * until it holds at least Limit. The excess at the list's head (the newest results) becomes a
 * "rest" that the next call starts from: kept as it is by the first call, copied reversed by
 * later ones. So every chunk but the last holds Limit results. Fills order[] (the results'
 * order, chunk after chunk) and lens[]; returns the number of chunks.
 */
static Uint hash_chunk_plan(const SelCtx *s, Uint limit, Uint *order, Uint *lens)
{
    Uint *acc = malloc((s->n + 1) * sizeof *acc), *rest = malloc((s->n + 1) * sizeof *rest);
    if (!acc || !rest) abort();
    Uint i = 0, rest_len = 0, out = 0, nch = 0;
    for (bool first = true;; first = false) {
        Uint got = rest_len, from = i, len = 0;
        while (got < limit && i < s->n) {
            Uint b = s->bk[i];
            for (; i < s->n && s->bk[i] == b; i++) got++;
        }
        for (Uint k = i; k-- > from;) acc[len++] = k; /* consed onto the rest */
        for (Uint k = 0; k < rest_len; k++) acc[len++] = rest[k];
        Uint excess = got > limit ? got - limit : 0;
        for (Uint k = 0; k < excess; k++) rest[k] = first ? acc[k] : acc[excess - 1 - k];
        rest_len = excess;
        if (len == excess) break; /* nothing left to hand out */
        for (Uint k = excess; k < len; k++) order[out++] = acc[k];
        lens[nch++] = len - excess;
        if (i >= s->n && !rest_len) break;
    }
    free(acc);
    free(rest);
    return nch;
}

/* ---- select_replace's check: every clause must give back its object's key ---------------- */
/* OTP's db_match_eq_body: does the body term b (a construction) always build what the head
 * term a matched? const_mode: inside {const, X}, where b is taken literally. */
static bool eq_body(Term a, Term b, bool const_mode, int depth)
{
    if (depth > 1000) return false;
    if (term_is_list(b)) {
        if (!term_is_list(a)) return false;
        return eq_body(list_head(a), list_head(b), const_mode, depth + 1) &&
               eq_body(list_tail(a), list_tail(b), const_mode, depth + 1);
    }
    if (term_is_tuple(b)) {
        if (!const_mode) {
            if (tuple_arity(b) == 1 && term_is_tuple(tuple_elem(b, 1))) b = tuple_elem(b, 1);
            else if (tuple_arity(b) == 2 && tuple_elem(b, 1) == am("const"))
                return eq_body(a, tuple_elem(b, 2), true, depth + 1);
            else return false; /* a call, or not a construction */
        }
        if (!term_is_tuple(a) || tuple_arity(a) != tuple_arity(b)) return false;
        for (Uint i = 1; i <= tuple_arity(a); i++)
            if (!eq_body(tuple_elem(a, i), tuple_elem(b, i), const_mode, depth + 1)) return false;
        return true;
    }
    if (term_is_map(b)) return false; /* the matched map may hold other pairs */
    if (term_is_boxed(b)) return term_eq_exact(a, b);
    int v = var_of(a);
    return a == b && v != -2 && v != -3 && v != -4 && !(const_mode && v >= 0);
}

/* OTP's db_match_keeps_key for one clause. */
static bool clause_keeps_key(unsigned keypos, Term head, Term body)
{
    if (!term_is_list(body) || list_tail(body) != NIL) return false;
    Term t = list_head(body);
    if (t == am("$_")) return true;
    if (!term_is_tuple(t) || !term_is_tuple(head) || tuple_arity(head) < keypos) return false;
    Term hkey = tuple_elem(head, keypos), sub;
    bool const_mode;
    if (tuple_arity(t) == 2 && tuple_elem(t, 1) == am("const")) sub = tuple_elem(t, 2), const_mode = true;
    else if (tuple_arity(t) == 1) sub = tuple_elem(t, 1), const_mode = false;
    else return false;
    if (!term_is_tuple(sub) || tuple_arity(sub) < keypos) return false;
    Term bkey = tuple_elem(sub, keypos);
    if (eq_body(hkey, bkey, const_mode, 0)) return true;
    if (const_mode || !term_is_tuple(bkey)) return false;
    /* {element, KeyPos, '$_'} */
    return tuple_arity(bkey) == 3 && tuple_elem(bkey, 1) == am("element") &&
           tuple_elem(bkey, 2) == make_small(keypos) && tuple_elem(bkey, 3) == am("$_");
}

static bool ms_keeps_key(unsigned keypos, Term ms)
{
    for (Term l = ms; term_is_list(l); l = list_tail(l))
        if (!clause_keeps_key(keypos, tuple_elem(list_head(l), 1), tuple_elem(list_head(l), 3))) return false;
    return true;
}

/* Runs the spec over the table. limit 0: the list of results (or the count in *count);
 * limit > 0: the list of select/3's chunks, in order. NONVALUE on badarg. */
static Term do_select(Process *p, Term tab, Term ms, EtsSelKind kind, bool reverse, Uint limit, Uint *count)
{
    bool write = kind == ETS_SEL_DELETE || kind == ETS_SEL_REPLACE;
    EtsTable *tb = ets_resolve(p, tab, write ? ETS_WRITE : ETS_READ);
    if (!tb || !ets_ms_valid(ms)) return NONVALUE;
    if (kind == ETS_SEL_REPLACE && (tb->type == ETS_BAG || !ms_keeps_key(tb->keypos, ms))) return NONVALUE;
    SelCtx *s = calloc(1, sizeof *s);
    if (!s) abort();
    s->ms = ms;
    s->kind = kind;
    s->m.self = p->pid;
    ets_lock_all(tb, write);
    Term r = NONVALUE;
    if (!atomic_load(&tb->dead)) {
        bool hash = ets_is_hash(tb);
        if (hash) hash_visit(tb, visit_select, s, select_bucket_done);
        else tree_visit(tb, visit_select, s, reverse);
        if (kind == ETS_SEL_REPLACE) {
            /* Each result replaces its object in place (results may point into the objects:
             * every new node is copied before its old one is freed). */
            for (Uint i = 0; i < s->n; i++) {
                if (hash) hash_replace_node(tb, s->objs[i], s->res[i]);
                else tree_insert(tb, s->res[i], false);
            }
            s->count = s->n;
            s->n = 0;
        }
        Uint *order = malloc((s->n + 1) * sizeof *order), *lens = NULL, nch = 0;
        if (!order) abort();
        if (limit && hash) {
            lens = malloc((s->n + 1) * sizeof *lens);
            if (!lens) abort();
            nch = hash_chunk_plan(s, limit, order, lens);
        } else {
            /* a hash table's whole result is consed during the walk: the walk reversed */
            for (Uint i = 0; i < s->n; i++) order[i] = hash ? s->n - 1 - i : i;
            if (limit) {
                nch = (s->n + limit - 1) / limit;
                lens = malloc((nch + 1) * sizeof *lens);
                if (!lens) abort();
                for (Uint c = 0; c < nch; c++) lens[c] = c + 1 < nch ? limit : s->n - c * limit;
            }
        }
        r = results_lists(p, s, order, lens, nch);
        free(order);
        free(lens);
        *count = s->count;
    }
    ets_unlock_all(tb, write);
    if (s->m.scratch_ready) heap_destroy(&s->m.scratch);
    free(s->res);
    free(s->bk);
    free(s->sz);
    free(s->objs);
    free(s);
    return r;
}

Term ets_bif_select(Process *p, Term tab, Term ms, EtsSelKind kind, bool reverse)
{
    Uint count = 0;
    Term r = do_select(p, tab, ms, kind, reverse, 0, &count);
    if (r == NONVALUE) return NONVALUE;
    if (kind != ETS_SEL_LIST) return make_small((Sint)count);
    return r;
}

/* ---- limits and continuations -------------------------------------------------------------- */
static Term cont_tag(void) { return am("$heapscope_ets_cont"); }

/* The first of the remaining chunks: {Chunk, {'$heapscope_ets_cont', MoreChunks, Limit}},
 * {Chunk, '$end_of_table'} for the last one (as OTP), '$end_of_table' when none is left. */
static Term next_chunk(Process *p, Term chunks, Term limit)
{
    if (chunks == NIL) return am("$end_of_table");
    Term more = list_tail(chunks), cont = am("$end_of_table");
    Term *hp = heap_halloc(&p->heap, 4 + 3);
    if (more != NIL) {
        hp[0] = make_tuple_header(3);
        hp[1] = cont_tag();
        hp[2] = more;
        hp[3] = limit;
        cont = make_boxed(hp);
    }
    hp[4] = make_tuple_header(2);
    hp[5] = list_head(chunks);
    hp[6] = cont;
    return make_boxed(hp + 4);
}

static Term limited(Process *p, Term tab, Term ms, Term limit, bool reverse)
{
    if (!term_is_small(limit) || small_val(limit) < 1) return NONVALUE;
    Uint count;
    Term chunks = do_select(p, tab, ms, ETS_SEL_LIST, reverse, (Uint)small_val(limit), &count);
    if (chunks == NONVALUE) return NONVALUE;
    return next_chunk(p, chunks, limit);
}

Term ets_bif_select_limit(Process *p, Term tab, Term ms, Term limit, bool reverse)
{
    return limited(p, tab, ms, limit, reverse);
}

Term ets_bif_select_cont(Process *p, Term cont)
{
    if (cont == am("$end_of_table")) return cont;
    if (!term_is_tuple(cont) || tuple_arity(cont) != 3 || tuple_elem(cont, 1) != cont_tag()) return NONVALUE;
    return next_chunk(p, tuple_elem(cont, 2), tuple_elem(cont, 3));
}

Term ets_bif_match_cont(Process *p, Term cont) { return ets_bif_select_cont(p, cont); }

/* [{Pattern, [], ['$$' or '$_']}] on p's heap. */
static Term pattern_spec(Process *p, Term pattern, bool object)
{
    Term *hp = heap_halloc(&p->heap, 4 + 2 + 2);
    hp[0] = make_tuple_header(3);
    hp[1] = pattern;
    hp[2] = NIL;
    hp[3] = cons_at(hp + 4, am(object ? "$_" : "$$"), NIL);
    return cons_at(hp + 6, make_boxed(hp), NIL);
}

Term ets_bif_match(Process *p, Term tab, Term pattern, bool object)
{
    return ets_bif_select(p, tab, pattern_spec(p, pattern, object), ETS_SEL_LIST, false);
}

Term ets_bif_match_limit(Process *p, Term tab, Term pattern, Term limit, bool object)
{
    return limited(p, tab, pattern_spec(p, pattern, object), limit, false);
}

/* ---- compiled match specs (ets:match_spec_compile/run) ------------------------------------ */
static Term ms_tag(void) { return am("$heapscope_ms"); }

Term ets_bif_match_spec_compile(Process *p, Term ms)
{
    if (!ets_ms_valid(ms)) return NONVALUE;
    Term *hp = heap_halloc(&p->heap, 3);
    hp[0] = make_tuple_header(2);
    hp[1] = ms_tag();
    hp[2] = ms;
    return make_boxed(hp);
}

static bool is_compiled(Term t)
{
    return term_is_tuple(t) && tuple_arity(t) == 2 && tuple_elem(t, 1) == ms_tag() && ets_ms_valid(tuple_elem(t, 2));
}

Term ets_bif_is_compiled_ms(Process *p, Term t) { (void)p; return mk_bool(is_compiled(t)); }

Term ets_bif_match_spec_run_r(Process *p, Term list, Term cms, Term acc)
{
    if (!is_compiled(cms) || list_length(list) < 0) return NONVALUE;
    EtsMatchSpec *m = ets_ms_new(tuple_elem(cms, 2), p->pid);
    for (Term l = list; term_is_list(l); l = list_tail(l)) {
        Term r = ets_ms_run(m, list_head(l));
        if (r == NONVALUE) continue;
        r = ets_copy_out(p, r, size_object(r));
        acc = cons_at(heap_halloc(&p->heap, 2), r, acc);
    }
    ets_ms_free(m);
    return acc;
}
