/*
 * dets_match.c — match patterns and match specifications for dets:match/select.
 *
 * A small interpreter of its own, standing in until runtime/ets/match.c exists (then dets
 * should switch to it). Supported: '_', '$N' variables (N < 100) bound consistently, literal
 * atoms/numbers/tuples/lists; guards: comparisons, type tests, andalso/orelse/and/or/not/xor,
 * element/2, hd/tl, size/tuple_size/length, abs, + - * div rem on small integers, {const, X};
 * bodies: '$_', '$$', '$N', {{...}} tuples, lists, constants. The value of a clause is its last
 * body expression. Recursion follows the pattern's nesting (patterns are small, user-written).
 */
#include "dets_match.h"

#include <string.h>

#include "atom.h"

#define MAX_VARS 100

typedef struct Ctx {
    Term vars[MAX_VARS];
    Heap *h;
    Term obj;
} Ctx;

static Term at(const char *s) { return atom_put(s, strlen(s)); }

/* '$N' → N, else -1; '_' → -2. */
static int var_num(Term t)
{
    if (!term_is_atom(t)) return -1;
    size_t n;
    const char *s = atom_name(t, &n);
    if (n == 1 && s[0] == '_') return -2;
    if (n < 2 || s[0] != '$' || n > 3) return -1;
    int v = 0;
    for (size_t i = 1; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static bool pmatch(Ctx *c, Term p, Term t)
{
    int v = var_num(p);
    if (v == -2) return true;
    if (v >= 0) {
        if (c->vars[v] != NONVALUE) return term_eq_exact(c->vars[v], t);
        c->vars[v] = t;
        return true;
    }
    if (term_is_tuple(p)) {
        if (!term_is_tuple(t) || tuple_arity(t) != tuple_arity(p)) return false;
        for (Uint i = 1; i <= tuple_arity(p); i++)
            if (!pmatch(c, tuple_elem(p, i), tuple_elem(t, i))) return false;
        return true;
    }
    if (term_is_list(p)) {
        if (!term_is_list(t)) return false;
        return pmatch(c, list_head(p), list_head(t)) && pmatch(c, list_tail(p), list_tail(t));
    }
    return term_eq_exact(p, t);
}

static Term all_vars(Ctx *c)
{
    Term l = NIL;
    for (int i = MAX_VARS - 1; i >= 0; i--)
        if (c->vars[i] != NONVALUE) l = cons_at(heap_halloc(c->h, 2), c->vars[i], l);
    return l;
}

static Term eval(Ctx *c, Term e);

static Term mk_bool(bool b) { return b ? AM(true) : AM(false); }

static Term small_or_fail(Sint v) { return small_fits(v) ? make_small(v) : NONVALUE; }

static Term eval_op(Ctx *c, Term e)
{
    Uint n = tuple_arity(e);
    Term op = tuple_elem(e, 1);
    size_t len;
    const char *s = atom_name(op, &len);
    char name[32];
    if (len >= sizeof name) return NONVALUE;
    memcpy(name, s, len);
    name[len] = 0;
    if (!strcmp(name, "const") && n == 2) return tuple_elem(e, 2);
    if ((!strcmp(name, "andalso") || !strcmp(name, "orelse")) && n >= 2) {
        bool is_and = name[0] == 'a';
        for (Uint i = 2; i <= n; i++) {
            Term v = eval(c, tuple_elem(e, i));
            if (v != AM(true) && v != AM(false)) return NONVALUE;
            if (is_and && v == AM(false)) return v;
            if (!is_and && v == AM(true)) return v;
        }
        return mk_bool(is_and);
    }
    Term a[3] = {NONVALUE, NONVALUE, NONVALUE};
    if (n > 4) return NONVALUE;
    for (Uint i = 2; i <= n; i++)
        if ((a[i - 2] = eval(c, tuple_elem(e, i))) == NONVALUE) return NONVALUE;
    if (n == 2) {
        Term x = a[0];
        static const struct { const char *n; bool (*f)(Term); } tests[] = {
            {"is_atom", term_is_atom}, {"is_integer", term_is_integer}, {"is_float", term_is_float},
            {"is_number", term_is_number}, {"is_tuple", term_is_tuple}, {"is_pid", term_is_pid},
            {"is_binary", term_is_binary_any}, {"is_map", term_is_map}, {"is_function", term_is_fun},
            {"is_reference", term_is_ref}, {"is_port", term_is_port},
        };
        for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
            if (!strcmp(name, tests[i].n)) return mk_bool(tests[i].f(x));
        if (!strcmp(name, "is_list")) return mk_bool(term_is_list(x) || x == NIL);
        if (!strcmp(name, "not")) return x == AM(true) ? AM(false) : x == AM(false) ? AM(true) : NONVALUE;
        if (!strcmp(name, "hd")) return term_is_list(x) ? list_head(x) : NONVALUE;
        if (!strcmp(name, "tl")) return term_is_list(x) ? list_tail(x) : NONVALUE;
        if (!strcmp(name, "tuple_size") || !strcmp(name, "size"))
            return term_is_tuple(x) ? make_small((Sint)tuple_arity(x)) : NONVALUE;
        if (!strcmp(name, "length")) {
            Sint l = list_length(x);
            return l < 0 ? NONVALUE : make_small(l);
        }
        if (!strcmp(name, "abs")) return term_is_small(x) ? small_or_fail(small_val(x) < 0 ? -small_val(x) : small_val(x)) : NONVALUE;
        if (!strcmp(name, "-")) return term_is_small(x) ? small_or_fail(-small_val(x)) : NONVALUE;
        return NONVALUE;
    }
    if (n == 3) {
        Term x = a[0], y = a[1];
        static const char *cmp[] = {"==", "/=", "=:=", "=/=", "<", ">", "=<", ">="};
        for (int i = 0; i < 8; i++) {
            if (strcmp(name, cmp[i])) continue;
            int r = term_compare(x, y, i == 2 || i == 3);
            switch (i) {
            case 0: case 2: return mk_bool(r == 0);
            case 1: case 3: return mk_bool(r != 0);
            case 4: return mk_bool(r < 0);
            case 5: return mk_bool(r > 0);
            case 6: return mk_bool(r <= 0);
            default: return mk_bool(r >= 0);
            }
        }
        if (!strcmp(name, "and") || !strcmp(name, "or") || !strcmp(name, "xor")) {
            if ((x != AM(true) && x != AM(false)) || (y != AM(true) && y != AM(false))) return NONVALUE;
            bool bx = x == AM(true), by = y == AM(true);
            return mk_bool(name[0] == 'a' ? bx && by : name[0] == 'o' ? bx || by : bx != by);
        }
        if (!strcmp(name, "element")) {
            if (!term_is_small(x) || !term_is_tuple(y)) return NONVALUE;
            Sint i = small_val(x);
            return i >= 1 && (Uint)i <= tuple_arity(y) ? tuple_elem(y, (Uint)i) : NONVALUE;
        }
        if (term_is_small(x) && term_is_small(y)) {
            Sint u = small_val(x), v = small_val(y);
            if (!strcmp(name, "+")) return small_or_fail(u + v);
            if (!strcmp(name, "-")) return small_or_fail(u - v);
            if (!strcmp(name, "*")) {
                Sint r;
                return __builtin_mul_overflow(u, v, &r) ? NONVALUE : small_or_fail(r);
            }
            if (!strcmp(name, "div")) return v ? small_or_fail(u / v) : NONVALUE;
            if (!strcmp(name, "rem")) return v ? small_or_fail(u % v) : NONVALUE;
        }
        return NONVALUE;
    }
    return NONVALUE;
}

static Term eval(Ctx *c, Term e)
{
    if (term_is_atom(e)) {
        if (e == at("$_")) return c->obj;
        if (e == at("$$")) return all_vars(c);
        int v = var_num(e);
        if (v >= 0) return c->vars[v];
        return e;
    }
    if (term_is_tuple(e)) {
        Uint n = tuple_arity(e);
        if (n == 1 && term_is_tuple(tuple_elem(e, 1))) {
            Term t = tuple_elem(e, 1);
            Uint m = tuple_arity(t);
            Term vals[m ? m : 1];
            for (Uint i = 1; i <= m; i++)
                if ((vals[i - 1] = eval(c, tuple_elem(t, i))) == NONVALUE) return NONVALUE;
            if (m == 0) return tuple_elem(e, 1);
            Term *hp = heap_halloc(c->h, m + 1);
            hp[0] = make_tuple_header(m);
            memcpy(hp + 1, vals, m * sizeof(Term));
            return make_boxed(hp);
        }
        if (n >= 1 && term_is_atom(tuple_elem(e, 1))) return eval_op(c, e);
        return NONVALUE;
    }
    if (term_is_list(e)) {
        Term hd = eval(c, list_head(e));
        if (hd == NONVALUE) return NONVALUE;
        Term tl = eval(c, list_tail(e));
        if (tl == NONVALUE) return NONVALUE;
        return cons_at(heap_halloc(c->h, 2), hd, tl);
    }
    return e;
}

bool dets_ms_valid(Term ms)
{
    Sint n = list_length(ms);
    if (n <= 0) return false; /* OTP: [] is badarg too */
    for (Term l = ms; term_is_list(l); l = list_tail(l)) {
        Term cl = list_head(l);
        if (!term_is_tuple(cl) || tuple_arity(cl) != 3) return false;
        if (list_length(tuple_elem(cl, 2)) < 0 || list_length(tuple_elem(cl, 3)) < 0) return false;
    }
    return true;
}

Term dets_ms_run(Term ms, Term obj, Heap *h)
{
    for (Term l = ms; term_is_list(l); l = list_tail(l)) {
        Term cl = list_head(l);
        Ctx c;
        for (int i = 0; i < MAX_VARS; i++) c.vars[i] = NONVALUE;
        c.h = h;
        c.obj = obj;
        if (!pmatch(&c, tuple_elem(cl, 1), obj)) continue;
        bool ok = true;
        for (Term g = tuple_elem(cl, 2); ok && term_is_list(g); g = list_tail(g))
            ok = eval(&c, list_head(g)) == AM(true);
        if (!ok) continue;
        Term r = NONVALUE;
        for (Term b = tuple_elem(cl, 3); term_is_list(b); b = list_tail(b))
            r = eval(&c, list_head(b));
        if (r == NONVALUE) continue; /* a body that fails: the object is skipped */
        return r;
    }
    return NONVALUE;
}
