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
#include "map.h"
#include "print.h"
#include "strbuf.h"

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
    if (s[1] == '0' && len > 2) return -1; /* '$01' is no variable (OTP's db_is_variable) */
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

/*
 * Lint: OTP's compile-time checks of a spec (db_match_set_lint / db_match_compile in lint
 * mode), in its order. A spec with any error is refused (badarg in select, select_count,
 * select_delete, select_replace, match_spec_compile); erlang:match_spec_test/3 (ets:test_ms/2)
 * lists the errors. The guards, then the body, of each clause are walked as OTP compiles them:
 * a list head first, a call's arguments and a {{...}} tuple's elements last first,
 * andalso/orelse first first; a variable the clause's head does not bind is an error, and so
 * is an unknown function (its arguments not looked at). Errors stop at the first clause that
 * has any, as OTP's compile does.
 */
typedef enum { LINT_UNBOUND, LINT_NOFUN, LINT_NOTCALL, LINT_CONST_ARGS, LINT_NO_ARGS,
               LINT_SELF_ARGS, LINT_NOT_LIST, LINT_NOT_PROPER, LINT_NOT_CLAUSE, LINT_DEEP,
               LINT_EMPTY_BODY } LintKind;
typedef struct LintErr {
    LintKind kind;
    Term t;  /* the expression, or the function name */
    Sint n;  /* the variable's number, or the call's arity */
} LintErr;
#define LINT_MAX_ERRS 32
#define LINT_MAX_BOUND 256
typedef struct Lint {
    Sint bound[LINT_MAX_BOUND]; /* the variables the clause's head binds */
    unsigned nbound;
    bool bound_all;             /* more than LINT_MAX_BOUND: every variable counts as bound */
    LintErr errs[LINT_MAX_ERRS];
    unsigned nerr;              /* may exceed LINT_MAX_ERRS: the rest are counted only */
} Lint;

/* OTP's db_is_variable: '$0', or '$' and digits without a leading zero; else -1. */
static Sint ms_var_number(Term t)
{
    if (!term_is_atom(t)) return -1;
    size_t len;
    const char *s = atom_name(t, &len);
    if (len < 2 || s[0] != '$' || s[1] < '0' || s[1] > '9') return -1;
    if (s[1] == '0') return len == 2 ? 0 : -1;
    Sint n = 0;
    for (size_t i = 1; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        if (n < (Sint)1 << 40) n = n * 10 + (s[i] - '0');
    }
    return n;
}

static void lint_err(Lint *l, LintKind k, Term t, Sint n)
{
    if (l->nerr < LINT_MAX_ERRS) l->errs[l->nerr] = (LintErr){k, t, n};
    l->nerr++;
}

static bool lint_is_bound(const Lint *l, Sint n)
{
    if (l->bound_all) return true;
    for (unsigned i = 0; i < l->nbound; i++)
        if (l->bound[i] == n) return true;
    return false;
}

static bool lint_bind_value(Term k, Term v, void *arg);

/* Records the variables pattern p binds (maps: in their values). */
static void lint_bind(Lint *l, Term p, int depth)
{
    if (depth > 1000) { l->bound_all = true; return; }
    for (;;) {
        Sint n = ms_var_number(p);
        if (n >= 0) {
            if (lint_is_bound(l, n)) return;
            if (l->nbound == LINT_MAX_BOUND) l->bound_all = true;
            else l->bound[l->nbound++] = n;
            return;
        }
        if (term_is_list(p)) {
            lint_bind(l, list_head(p), depth + 1);
            p = list_tail(p);
            continue;
        }
        if (term_is_tuple(p)) {
            for (Uint i = 1; i <= tuple_arity(p); i++) lint_bind(l, tuple_elem(p, i), depth + 1);
            return;
        }
        if (term_is_map(p)) map_foreach(p, lint_bind_value, l);
        return;
    }
}

static bool lint_bind_value(Term k, Term v, void *arg)
{
    (void)k;
    lint_bind(arg, v, 1);
    return true;
}

static bool atom_is(Term a, const char *s)
{
    size_t len;
    const char *nm = atom_name(a, &len);
    return strlen(s) == len && !memcmp(nm, s, len);
}

static void lint_expr(Lint *l, Term e, int depth);

/* Arguments i = hi down to lo of call e. */
static void lint_args_down(Lint *l, Term e, Uint hi, Uint lo, int depth)
{
    for (Uint i = hi; i >= lo; i--) lint_expr(l, tuple_elem(e, i), depth + 1);
}

/* {F, Args...} with F an atom that is no variable (OTP's dmc_fun). */
static void lint_call(Lint *l, Term e, int depth)
{
    Term f = tuple_elem(e, 1);
    Uint a = tuple_arity(e);
    if (atom_is(f, "const")) {
        if (a != 2) lint_err(l, LINT_CONST_ARGS, e, 0);
        return;
    }
    if (atom_is(f, "andalso") || atom_is(f, "orelse")) {
        if (a < 2) { lint_err(l, LINT_NO_ARGS, e, 0); return; }
        for (Uint i = 2; i <= a; i++) lint_expr(l, tuple_elem(e, i), depth + 1);
        return;
    }
    if (atom_is(f, "self")) {
        if (a != 1) lint_err(l, LINT_SELF_ARGS, e, 0);
        return;
    }
    bool known = false;
    size_t len;
    const char *nm = atom_name(f, &len);
    for (size_t i = 0; !known && i < sizeof ms_funs / sizeof *ms_funs; i++)
        known = strlen(ms_funs[i].name) == len && !memcmp(ms_funs[i].name, nm, len) && ms_funs[i].arity == a - 1;
    if (!known) { lint_err(l, LINT_NOFUN, f, (Sint)a - 1); return; }
    if (a >= 2) lint_args_down(l, e, a, 2, depth);
}

/* One guard or body expression (OTP's dmc_expr). */
static void lint_expr(Lint *l, Term e, int depth)
{
    if (depth > 1000) { lint_err(l, LINT_DEEP, e, 0); return; }
    for (; term_is_list(e); e = list_tail(e)) lint_expr(l, list_head(e), depth + 1);
    Sint n = ms_var_number(e);
    if (n >= 0) {
        if (!lint_is_bound(l, n)) lint_err(l, LINT_UNBOUND, e, n);
        return;
    }
    if (!term_is_tuple(e)) return; /* a constant ('$_', '$$' and maps included) */
    Uint a = tuple_arity(e);
    Term f = a ? tuple_elem(e, 1) : NONVALUE;
    if (a == 1 && term_is_tuple(f)) {
        if (tuple_arity(f) >= 1) lint_args_down(l, f, tuple_arity(f), 1, depth);
        return;
    }
    if (a >= 1 && term_is_atom(f) && ms_var_number(f) < 0) {
        lint_call(l, e, depth);
        return;
    }
    lint_err(l, LINT_NOTCALL, e, 0);
}

static void lint_exprs(Lint *l, Term list)
{
    if (!term_is_list(list) && list != NIL) { lint_err(l, LINT_NOT_LIST, NONVALUE, 0); return; }
    for (; term_is_list(list); list = list_tail(list)) lint_expr(l, list_head(list), 0);
    if (list != NIL) lint_err(l, LINT_NOT_PROPER, NONVALUE, 0);
}

/* Lints ms into *l (l->nerr 0: none found). */
static void lint_spec(Lint *l, Term ms)
{
    l->nerr = 0;
    if (!term_is_list(ms) && ms != NIL) { lint_err(l, LINT_NOT_LIST, ms, 1); return; }
    Term end = ms;
    while (term_is_list(end)) end = list_tail(end);
    if (end != NIL) { lint_err(l, LINT_NOT_PROPER, ms, 1); return; }
    for (Term c = ms; term_is_list(c); c = list_tail(c))
        if (!term_is_tuple(list_head(c)) || tuple_arity(list_head(c)) != 3) { lint_err(l, LINT_NOT_CLAUSE, NONVALUE, 0); return; }
    for (Term c = ms; term_is_list(c) && l->nerr == 0; c = list_tail(c)) {
        Term cl = list_head(c);
        l->nbound = 0;
        l->bound_all = false;
        lint_bind(l, tuple_elem(cl, 1), 0);
        lint_exprs(l, tuple_elem(cl, 2));
        lint_exprs(l, tuple_elem(cl, 3));
        if (tuple_elem(cl, 3) == NIL) lint_err(l, LINT_EMPTY_BODY, NONVALUE, 0);
    }
}

/* Shapes our engine refuses besides the lint's errors: an improper spec list, a head other
 * than a tuple, '_' or a variable. */
static bool shape_valid(Term ms)
{
    Term l = ms;
    for (; term_is_list(l); l = list_tail(l)) {
        Term h = tuple_elem(list_head(l), 1);
        if (!term_is_tuple(h) && var_of(h) != -2 && var_of(h) < 0) return false;
    }
    return l == NIL;
}

bool ets_ms_valid(Term ms)
{
    Lint l;
    lint_spec(&l, ms);
    return l.nerr == 0 && shape_valid(ms);
}

/* The text of one lint error, as OTP words it. */
static void lint_text(StrBuf *sb, const LintErr *e)
{
    switch (e->kind) {
    case LINT_UNBOUND: sb_printf(sb, "Variable $%lld is unbound.", (long long)e->n); break;
    case LINT_NOFUN:
        sb_puts(sb, "Function ");
        print_w(sb, e->t, -1);
        sb_printf(sb, "/%lld does_not_exist.", (long long)e->n);
        break;
    case LINT_NOTCALL:
        print_w(sb, e->t, -1);
        sb_puts(sb, " is neither a function call, nor a tuple (tuples are written {{ ... }}).");
        break;
    case LINT_CONST_ARGS:
        sb_puts(sb, "Special form 'const' called with more than one argument in ");
        print_w(sb, e->t, -1);
        sb_puts(sb, ".");
        break;
    case LINT_NO_ARGS:
        sb_puts(sb, "Special form '");
        print_atom(sb, tuple_elem(e->t, 1));
        sb_puts(sb, "' called without arguments in ");
        print_w(sb, e->t, -1);
        sb_puts(sb, ".");
        break;
    case LINT_SELF_ARGS:
        sb_puts(sb, "Special form 'self' called with arguments in ");
        print_w(sb, e->t, -1);
        sb_puts(sb, ".");
        break;
    case LINT_NOT_LIST:
        sb_puts(sb, e->n ? "Match programs are not in a list." : "Match expression is not a list.");
        break;
    case LINT_NOT_PROPER:
        sb_puts(sb, e->n ? "Match programs are not in a proper list." : "Match expression is not a proper list.");
        break;
    case LINT_NOT_CLAUSE: sb_puts(sb, "Match program part is not a tuple of arity 3."); break;
    case LINT_DEEP: sb_puts(sb, "Match expression nested too deeply."); break;
    case LINT_EMPTY_BODY: sb_puts(sb, "Body clause does not return anything."); break;
    }
}

/* A Latin-1 string (the list of its bytes) on p's heap. */
static Term string_term(Process *p, const char *s, size_t n)
{
    Term *hp = heap_halloc(&p->heap, 2 * n), r = NIL;
    for (size_t i = n; i-- > 0;) r = cons_at(hp + 2 * i, make_small((unsigned char)s[i]), r);
    return r;
}

/* [{error, Text}] on p's heap, consed onto tail. */
static Term error_cons(Process *p, const char *text, size_t n, Term tail)
{
    Term str = string_term(p, text ? text : "", n);
    Term *hp = heap_halloc(&p->heap, 3 + 2);
    hp[0] = make_tuple_header(2);
    hp[1] = AM(error);
    hp[2] = str;
    return cons_at(hp + 3, make_boxed(hp), tail);
}
static Term one_error(Process *p, const char *text, size_t n) { return error_cons(p, text, n, NIL); }

/* [{error, Text}...] for ms's lint errors, NIL when it has none. */
static Term lint_errors(Process *p, Term ms)
{
    Lint l;
    lint_spec(&l, ms);
    unsigned n = l.nerr < LINT_MAX_ERRS ? l.nerr : LINT_MAX_ERRS;
    Term r = NIL;
    for (unsigned i = n; i-- > 0;) {
        StrBuf sb = STRBUF_INIT;
        lint_text(&sb, &l.errs[i]);
        r = error_cons(p, sb.data, sb.len, r);
        sb_free(&sb);
    }
    return r;
}

/* [{error, Text}] for a spec the lint passes but our engine refuses (shape_valid). */
static Term lint_shape_error(Process *p)
{
    static const char text[] = "Match head is neither a tuple, '_' nor a variable.";
    return one_error(p, text, sizeof text - 1);
}

/* The body of clause cl, whose head matched and guards held. */
static Term run_body(MatchCtx *c, Term cl)
{
    c->body = true;
    Term r = am_exit();
    for (Term b = tuple_elem(cl, 3); term_is_list(b); b = list_tail(b)) {
        r = eval(c, list_head(b));
        if (r == NONVALUE) { r = am_exit(); break; }
    }
    if (tuple_elem(cl, 3) == NIL) r = am_exit();
    return r;
}

/* One clause on one object: the result, or NONVALUE when it does not match. */
static Term run_clause(MatchCtx *c, Term cl, Term obj)
{
    memset(c->bound, 0, c->maxvar * sizeof(bool));
    c->maxvar = 0;
    c->obj = obj;
    if (!match_pat(c, tuple_elem(cl, 1), obj)) return NONVALUE;
    bool ok = true;
    c->body = false;
    for (Term g = tuple_elem(cl, 2); ok && term_is_list(g); g = list_tail(g))
        ok = eval(c, list_head(g)) == AM(true);
    return ok ? run_body(c, cl) : NONVALUE;
}

/* Runs the spec on one object: the result, or NONVALUE when no clause matched. */
static Term run_spec(MatchCtx *c, Term ms, Term obj)
{
    for (Term l = ms; term_is_list(l); l = list_tail(l)) {
        Term r = run_clause(c, list_head(l), obj);
        if (r != NONVALUE) return r;
    }
    return NONVALUE;
}

/* ---- the common clause shapes, decoded once per select ------------------------------------ */
/*
 * Most specs have a flat head (a tuple of distinct variables, '_' and immediate constants),
 * guards comparing those variables with constants, and a body of one variable or '$_'.
 * Interpreted from the term, such a clause costs some 600 instructions per object (an atom
 * lookup at every node of the spec); decoded once per select, it is an arity check, a load per
 * variable and a compare. The decoded parts do exactly what the interpreter does on them
 * (match_pat binds a flat head's variables and compares its immediates by word; a guard
 * {Op, A, B} is compare(Op, A, B)); whatever is not of those shapes (the head, the guards or the
 * body of a clause) goes through the interpreter with the same bindings.
 */
enum { FAST_MAX_ARITY = 16, FAST_MAX_GUARDS = 4 };

typedef struct FastElem {
    unsigned pos; /* element of the object */
    int var;      /* >= 0: bind it; -1: the element must be the word `word` */
    Term word;
} FastElem;

typedef struct FastOpnd {
    int var; /* >= 0: that (bound) variable; -1: the constant c */
    Term c;
} FastOpnd;

typedef struct FastGuard {
    int co; /* cmp_op's index */
    FastOpnd a, b;
} FastGuard;

typedef struct FastClause {
    Term cl;
    bool head;      /* the head is flat (below); else the whole clause is interpreted */
    Uint arity;
    unsigned nelem, maxvar;
    FastElem elem[FAST_MAX_ARITY];
    int nguards;    /* -1: the guards are interpreted */
    FastGuard g[FAST_MAX_GUARDS];
    int body;       /* >= 0: that variable; -3: '$_'; -1: interpreted */
} FastClause;

typedef struct FastSpec {
    unsigned n;
    FastClause *cl;
} FastSpec;

static bool head_binds(const FastClause *f, int v)
{
    for (unsigned k = 0; k < f->nelem; k++)
        if (f->elem[k].var == v) return true;
    return false;
}

static bool fast_opnd(const FastClause *f, Term e, FastOpnd *o)
{
    int v = var_of(e);
    o->var = -1;
    if (v >= 0) {
        o->var = v;
        return head_binds(f, v);
    }
    if (term_is_number(e) || (term_is_atom(e) && v == -1)) o->c = e;
    else if (term_is_tuple(e) && tuple_arity(e) == 2 && tuple_elem(e, 1) == am("const")) o->c = tuple_elem(e, 2);
    else return false;
    return true;
}

static int fast_guards(FastClause *f, Term gs)
{
    int n = 0;
    for (; term_is_list(gs); gs = list_tail(gs), n++) {
        Term g = list_head(gs);
        if (n == FAST_MAX_GUARDS || !term_is_tuple(g) || tuple_arity(g) != 3 || !term_is_atom(tuple_elem(g, 1)))
            return -1;
        FastGuard *fg = &f->g[n];
        fg->co = cmp_atom(tuple_elem(g, 1));
        if (fg->co < 0 || !fast_opnd(f, tuple_elem(g, 2), &fg->a) || !fast_opnd(f, tuple_elem(g, 3), &fg->b))
            return -1;
    }
    return n;
}

static void fast_clause(FastClause *f, Term cl)
{
    *f = (FastClause){.cl = cl, .nguards = -1, .body = -1};
    Term h = tuple_elem(cl, 1);
    if (!term_is_tuple(h) || tuple_arity(h) > FAST_MAX_ARITY) return;
    for (Uint i = 1; i <= tuple_arity(h); i++) {
        Term e = tuple_elem(h, i);
        int v = var_of(e);
        if (v == -2) continue;
        if (v >= 0) {
            if (head_binds(f, v)) return; /* a repeated variable: interpreted */
            f->elem[f->nelem++] = (FastElem){(unsigned)i, v, NONVALUE};
            if ((unsigned)v + 1 > f->maxvar) f->maxvar = (unsigned)v + 1;
        } else if (term_is_immed(e)) {
            f->elem[f->nelem++] = (FastElem){(unsigned)i, -1, e};
        } else {
            return;
        }
    }
    f->head = true;
    f->arity = tuple_arity(h);
    f->nguards = fast_guards(f, tuple_elem(cl, 2));
    Term b = tuple_elem(cl, 3);
    if (term_is_list(b) && list_tail(b) == NIL) {
        int v = var_of(list_head(b));
        if (v == -3 || (v >= 0 && head_binds(f, v))) f->body = v;
    }
}

static void fast_compile(FastSpec *fs, Term ms)
{
    Sint n = list_length(ms);
    fs->n = n > 0 ? (unsigned)n : 0;
    fs->cl = calloc(fs->n ? fs->n : 1, sizeof *fs->cl);
    if (!fs->cl) abort();
    unsigned i = 0;
    for (Term l = ms; term_is_list(l); l = list_tail(l)) fast_clause(&fs->cl[i++], list_head(l));
}

static Term fast_val(const MatchCtx *c, const FastOpnd *o) { return o->var >= 0 ? c->vars[o->var] : o->c; }

/* compare(co, a, b) == true for two small integers: their tagged words order as their values. */
static bool small_cmp(int co, Term a, Term b)
{
    Sint x = (Sint)a, y = (Sint)b;
    switch (co) {
    case 0: return x < y;
    case 1: return x > y;
    case 2: return x <= y;
    case 3: return x >= y;
    case 4: case 6: return x == y;
    default: return x != y;
    }
}

/* run_spec through the decoded clauses. */
static Term run_fast(MatchCtx *c, const FastSpec *fs, Term obj)
{
    for (unsigned i = 0; i < fs->n; i++) {
        const FastClause *f = &fs->cl[i];
        if (!f->head) {
            Term r = run_clause(c, f->cl, obj);
            if (r != NONVALUE) return r;
            continue;
        }
        /* bound[] and maxvar are read only by the interpreter (interpreted guards or body,
         * '$$'); a clause without either leaves them alone, so that bound[i] stays false for
         * every i >= maxvar and the next clearing covers whatever is set. */
        bool interp = f->nguards < 0 || f->body == -1;
        if (interp) {
            memset(c->bound, 0, c->maxvar * sizeof(bool));
            c->maxvar = f->maxvar;
        }
        c->obj = obj;
        if (!term_is_tuple(obj) || tuple_arity(obj) != f->arity) continue;
        bool ok = true;
        for (unsigned k = 0; k < f->nelem && ok; k++) {
            Term t = tuple_elem(obj, f->elem[k].pos);
            int v = f->elem[k].var;
            if (v >= 0) {
                c->vars[v] = t;
                if (interp) c->bound[v] = true;
            } else {
                ok = t == f->elem[k].word;
            }
        }
        c->body = false;
        if (f->nguards >= 0) {
            for (int k = 0; k < f->nguards && ok; k++) {
                Term a = fast_val(c, &f->g[k].a), b = fast_val(c, &f->g[k].b);
                ok = term_is_small(a) && term_is_small(b) ? small_cmp(f->g[k].co, a, b)
                                                          : compare(f->g[k].co, a, b) == AM(true);
            }
        } else {
            for (Term g = tuple_elem(f->cl, 2); ok && term_is_list(g); g = list_tail(g))
                ok = eval(c, list_head(g)) == AM(true);
        }
        if (!ok) continue;
        if (f->body >= 0) return c->vars[f->body];
        if (f->body == -3) return obj;
        return run_body(c, f->cl);
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
    FastSpec fast;
    EtsSelKind kind;
    Term *res;   /* results in traversal order */
    Uint *bk;    /* hash tables: the bucket (a sequence number) each result came from */
    DbTerm **objs; /* select_replace: the object each result replaces */
    Uint *sz;    /* words of each result's copy (measured once) */
    Uint n, cap, words, count, bucket_no;
} SelCtx;

/* The words of r when it is a non-empty tuple of immediates (the usual result: a key and a
 * value), else 0: such a result is measured and copied word for word, without size_object's
 * and copy_struct's walks (the same words: a tuple of immediates shares nothing). */
static Uint imm_tuple_words(Term r)
{
    if (!term_is_tuple(r)) return 0;
    const Term *p = boxed_ptr(r);
    Uint a = tuple_arity(r);
    if (a == 0) return 0;
    for (Uint i = 1; i <= a; i++)
        if (!term_is_immed(p[i])) return 0;
    return a + 1;
}

static int visit_select(DbTerm *d, void *arg)
{
    SelCtx *s = arg;
    Term r = run_fast(&s->m, &s->fast, dbterm_obj(d));
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
    Uint sz = 0;
    if (s->kind != ETS_SEL_REPLACE && !term_is_immed(r)) { /* replace: r is no result */
        sz = imm_tuple_words(r);
        if (!sz) sz = size_object(r);
    }
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
        Uint o = order[i], sz = s->sz[o];
        Term r = s->res[o];
        if (sz && sz == imm_tuple_words(r)) {
            memcpy(hp, boxed_ptr(r), sz * sizeof(Term));
            r = make_boxed(hp);
            hp += sz;
        } else if (sz) {
            r = copy_struct(r, sz, &hp, &oh);
        }
        cells[2 * i] = r;
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

/* ---- the key range of a spec over an ordered_set ------------------------------------------ */
/*
 * Which keys can a spec's clauses match at all? A head whose key is a constant matches that key
 * only; a head whose key is a variable '$N' with top-level guards {Op, '$N', Const} (or
 * {Op, Const, '$N'}, or inside an andalso) matches only keys in the range those comparisons
 * allow, since a guard compares the bound value, which is =:= the key, in the same term order
 * the tree sorts by. The range is a superset (bounds taken inclusive, the clauses' ranges
 * joined), every visited object still runs the whole spec: it only spares walking the rest of
 * the tree, as OTP's ordered_set select does for a bound key (erl_db_tree.c, analyze_pattern).
 */
typedef struct KeyRange {
    Term lo, hi; /* NONVALUE: unbounded */
} KeyRange;

/* Has pattern p no variable and no '_' (it matches exactly one term)? */
static bool pat_ground(Term p, int depth)
{
    if (depth > 100) return false;
    if (term_is_atom(p)) { int v = var_of(p); return v != -2 && v < 0; }
    if (term_is_tuple(p)) {
        for (Uint i = 1; i <= tuple_arity(p); i++)
            if (!pat_ground(tuple_elem(p, i), depth + 1)) return false;
        return true;
    }
    if (term_is_list(p)) return pat_ground(list_head(p), depth + 1) && pat_ground(list_tail(p), depth + 1);
    return true;
}

/* The constant a guard operand evaluates to, or NONVALUE. */
static Term guard_const(Term e)
{
    if (term_is_number(e)) return e;
    if (term_is_atom(e)) return var_of(e) == -1 ? e : NONVALUE;
    if (term_is_tuple(e) && tuple_arity(e) == 2 && tuple_elem(e, 1) == am("const")) return tuple_elem(e, 2);
    return NONVALUE;
}

static void range_above(KeyRange *r, Term c) { if (r->lo == NONVALUE || tree_key_cmp(c, r->lo) > 0) r->lo = c; }
static void range_below(KeyRange *r, Term c) { if (r->hi == NONVALUE || tree_key_cmp(c, r->hi) < 0) r->hi = c; }

/* Narrows r by guard g, which must be true for a clause whose key is variable v to match. */
static void guard_range(Term g, int v, KeyRange *r, int depth)
{
    if (depth > 100 || !term_is_tuple(g) || tuple_arity(g) < 2 || !term_is_atom(tuple_elem(g, 1))) return;
    Term f = tuple_elem(g, 1);
    if (f == am("andalso")) {
        for (Uint i = 2; i <= tuple_arity(g); i++) guard_range(tuple_elem(g, i), v, r, depth + 1);
        return;
    }
    if (tuple_arity(g) != 3) return;
    int co = cmp_atom(f);
    if (co < 0 || co == 5 || co == 7) return; /* not a comparison, or /= and =/= */
    Term a = tuple_elem(g, 2), b = tuple_elem(g, 3), c;
    if (var_of(a) == v && (c = guard_const(b)) != NONVALUE) {
    } else if (var_of(b) == v && (c = guard_const(a)) != NONVALUE) {
        static const int flip[] = {1, 0, 3, 2, 4, 5, 6, 7}; /* C < K is K > C */
        co = flip[co];
    } else {
        return;
    }
    if (co == 0 || co == 2 || co == 4 || co == 6) range_below(r, c);
    if (co == 1 || co == 3 || co == 4 || co == 6) range_above(r, c);
}

/* The keys clause cl can match; false when it is not bounded that way. */
static bool clause_range(unsigned keypos, Term cl, KeyRange *r)
{
    Term head = tuple_elem(cl, 1);
    r->lo = r->hi = NONVALUE;
    if (!term_is_tuple(head) || tuple_arity(head) < keypos) return false;
    Term k = tuple_elem(head, keypos);
    if (pat_ground(k, 0)) {
        r->lo = r->hi = k;
        return true;
    }
    int v = var_of(k);
    if (v < 0) return false;
    for (Term g = tuple_elem(cl, 2); term_is_list(g); g = list_tail(g)) guard_range(list_head(g), v, r, 0);
    return r->lo != NONVALUE || r->hi != NONVALUE;
}

/* The union of the clauses' ranges (a valid spec). */
static KeyRange spec_range(unsigned keypos, Term ms)
{
    KeyRange all = {NONVALUE, NONVALUE};
    bool first = true, lo_open = false, hi_open = false;
    for (Term l = ms; term_is_list(l); l = list_tail(l), first = false) {
        KeyRange r;
        if (!clause_range(keypos, list_head(l), &r)) return (KeyRange){NONVALUE, NONVALUE};
        lo_open |= r.lo == NONVALUE;
        hi_open |= r.hi == NONVALUE;
        if (first || (r.lo != NONVALUE && all.lo != NONVALUE && tree_key_cmp(r.lo, all.lo) < 0)) all.lo = r.lo;
        if (first || (r.hi != NONVALUE && all.hi != NONVALUE && tree_key_cmp(r.hi, all.hi) > 0)) all.hi = r.hi;
    }
    if (lo_open) all.lo = NONVALUE;
    if (hi_open) all.hi = NONVALUE;
    return all;
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
    fast_compile(&s->fast, ms);
    s->kind = kind;
    s->m.self = p->pid;
    ets_lock_all(tb, write);
    Term r = NONVALUE;
    if (!atomic_load(&tb->dead)) {
        bool hash = ets_is_hash(tb);
        if (hash) hash_visit(tb, visit_select, s, select_bucket_done);
        else {
            KeyRange kr = spec_range(tb->keypos, ms);
            tree_visit_range(tb, kr.lo, kr.hi, visit_select, s, reverse);
        }
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
    free(s->fast.cl);
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
    /* Every word taken is written: the young heap is walked word by word (a stress move's
     * relocation, gc_verify), so a hole left unwritten reads as whatever the block held. */
    Term *hp = heap_halloc(&p->heap, more != NIL ? 4 + 3 : 3);
    if (more != NIL) {
        hp[0] = make_tuple_header(3);
        hp[1] = cont_tag();
        hp[2] = more;
        hp[3] = limit;
        cont = make_boxed(hp);
        hp += 4;
    }
    hp[0] = make_tuple_header(2);
    hp[1] = list_head(chunks);
    hp[2] = cont;
    return make_boxed(hp);
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
    if (ms == NIL || !ets_ms_valid(ms)) return NONVALUE; /* [] selects nothing, compiles not */
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

Term ets_bif_match_spec_test(Process *p, Term term, Term ms, Term type)
{
    if (type != am("table")) return NONVALUE; /* trace specs: no tracing here */
    Term errs;
    if (ms == NIL) { /* select takes [] (no clause: nothing matches); the compiler does not */
        LintErr e = {LINT_NOT_LIST, ms, 1};
        StrBuf sb = STRBUF_INIT;
        lint_text(&sb, &e);
        errs = one_error(p, sb.data, sb.len);
        sb_free(&sb);
    } else {
        errs = lint_errors(p, ms);
        if (errs == NIL && !shape_valid(ms)) errs = lint_shape_error(p);
    }
    Term *hp;
    if (errs != NIL) {
        hp = heap_halloc(&p->heap, 3);
        hp[0] = make_tuple_header(2);
        hp[1] = AM(error);
        hp[2] = errs;
        return make_boxed(hp);
    }
    EtsMatchSpec *m = ets_ms_new(ms, p->pid);
    if (!m) return NONVALUE;
    Term r = ets_ms_run(m, term);
    r = r == NONVALUE ? AM(false) : ets_copy_out(p, r, size_object(r));
    ets_ms_free(m);
    hp = heap_halloc(&p->heap, 5);
    hp[0] = make_tuple_header(4);
    hp[1] = AM(ok);
    hp[2] = r;
    hp[3] = NIL;
    hp[4] = NIL;
    return make_boxed(hp);
}

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
