#include "lang/pp_eval.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lang/check.h"
#include "lang/parse.h"

typedef enum VKind { V_INT, V_FLOAT, V_ATOM, V_NIL, V_CONS, V_TUPLE } VKind;

typedef struct Val {
    VKind k;
    int64_t i;
    double f;
    const char *name;
    size_t len;
    struct Val *v;      /* V_CONS: [head, tail]; V_TUPLE: elements */
    int n;
} Val;

typedef enum EvalResult { EV_OK, EV_FAIL /* erl_eval raised: the condition is false */,
                          EV_UNSUPPORTED } EvalResult;

typedef struct Ev {
    Arena *ar;
    PpDefinedFn defined;
    void *ctx;
} Ev;

static int is_atom_named(const Val *v, const char *s)
{
    return v->k == V_ATOM && v->len == strlen(s) && memcmp(v->name, s, v->len) == 0;
}

static Val atomv(const char *s)
{
    Val v = {V_ATOM, 0, 0, s, strlen(s), NULL, 0};
    return v;
}

static Val boolv(int b) { return atomv(b ? "true" : "false"); }

/* Erlang term order for the values the evaluator builds */
static int cmp(const Val *a, const Val *b, int exact)
{
    int ra = a->k == V_INT || a->k == V_FLOAT ? 0 : a->k == V_ATOM ? 1 : a->k == V_TUPLE ? 2
             : a->k == V_NIL ? 3 : 4;
    int rb = b->k == V_INT || b->k == V_FLOAT ? 0 : b->k == V_ATOM ? 1 : b->k == V_TUPLE ? 2
             : b->k == V_NIL ? 3 : 4;
    if (ra != rb) return ra < rb ? -1 : 1;
    switch (ra) {
    case 0:
        if (a->k == V_INT && b->k == V_INT) return a->i < b->i ? -1 : a->i > b->i;
        if (exact && a->k != b->k) return a->k == V_INT ? -1 : 1; /* 1 =/= 1.0 */
        {
            double x = a->k == V_INT ? (double)a->i : a->f, y = b->k == V_INT ? (double)b->i : b->f;
            return x < y ? -1 : x > y;
        }
    case 1: {
        size_t n = a->len < b->len ? a->len : b->len;
        int c = memcmp(a->name, b->name, n);
        if (c) return c < 0 ? -1 : 1;
        return a->len < b->len ? -1 : a->len > b->len;
    }
    case 2:
        if (a->n != b->n) return a->n < b->n ? -1 : 1;
        for (int i = 0; i < a->n; i++) {
            int c = cmp(&a->v[i], &b->v[i], exact);
            if (c) return c;
        }
        return 0;
    case 3: return 0;
    default: {
        int c = cmp(&a->v[0], &b->v[0], exact);
        return c ? c : cmp(&a->v[1], &b->v[1], exact);
    }
    }
}

static EvalResult eval(Ev *ev, const Ast *e, Val *out);

static EvalResult eval_int_op(const char *op, int64_t x, int64_t y, Val *out)
{
    __int128 r;
    if (!strcmp(op, "+")) r = (__int128)x + y;
    else if (!strcmp(op, "-")) r = (__int128)x - y;
    else if (!strcmp(op, "*")) r = (__int128)x * y;
    else if (!strcmp(op, "div") || !strcmp(op, "rem")) {
        if (y == 0) return EV_FAIL;
        if (x == INT64_MIN && y == -1) return EV_UNSUPPORTED;
        r = !strcmp(op, "div") ? x / y : x % y;
    } else if (!strcmp(op, "band")) r = x & y;
    else if (!strcmp(op, "bor")) r = x | y;
    else if (!strcmp(op, "bxor")) r = x ^ y;
    else if (!strcmp(op, "bsl") || !strcmp(op, "bsr")) {
        int64_t sh = !strcmp(op, "bsl") ? y : -y;
        if (sh > 62 || sh < -63) return sh < 0 ? (out->k = V_INT, out->i = x < 0 ? -1 : 0, EV_OK)
                                               : EV_UNSUPPORTED;
        r = sh >= 0 ? (__int128)x * ((int64_t)1 << sh) : (__int128)(x >> -sh);
    } else return EV_UNSUPPORTED;
    if (r > INT64_MAX || r < INT64_MIN) return EV_UNSUPPORTED; /* bignums */
    out->k = V_INT;
    out->i = (int64_t)r;
    return EV_OK;
}

static EvalResult eval_op(Ev *ev, const Ast *e, Val *out)
{
    const char *op = e->name;
    Val a, b;
    EvalResult r;
    if (!e->b) {
        if ((r = eval(ev, e->a, &a)) != EV_OK) return r;
        if (!strcmp(op, "not")) {
            if (!is_atom_named(&a, "true") && !is_atom_named(&a, "false")) return EV_FAIL;
            *out = boolv(is_atom_named(&a, "false"));
            return EV_OK;
        }
        if (a.k != V_INT && a.k != V_FLOAT) return EV_FAIL;
        if (!strcmp(op, "+")) {
            *out = a;
            return EV_OK;
        }
        if (!strcmp(op, "-")) {
            if (a.k == V_FLOAT) {
                a.f = -a.f;
            } else {
                if (a.i == INT64_MIN) return EV_UNSUPPORTED;
                a.i = -a.i;
            }
            *out = a;
            return EV_OK;
        }
        if (!strcmp(op, "bnot")) {
            if (a.k != V_INT) return EV_FAIL;
            a.i = ~a.i;
            *out = a;
            return EV_OK;
        }
        return EV_UNSUPPORTED;
    }
    if (!strcmp(op, "andalso") || !strcmp(op, "orelse")) {
        if ((r = eval(ev, e->a, &a)) != EV_OK) return r;
        int and_ = op[0] == 'a';
        if (!is_atom_named(&a, "true") && !is_atom_named(&a, "false")) return EV_FAIL;
        if (is_atom_named(&a, and_ ? "false" : "true")) {
            *out = a;
            return EV_OK;
        }
        return eval(ev, e->b, out);
    }
    if ((r = eval(ev, e->a, &a)) != EV_OK) return r;
    if ((r = eval(ev, e->b, &b)) != EV_OK) return r;
    static const char *const comps[] = {"==", "/=", "=<", "<", ">=", ">", "=:=", "=/="};
    for (int i = 0; i < 8; i++) {
        if (strcmp(op, comps[i])) continue;
        int c = cmp(&a, &b, i >= 6);
        int res = i == 0 || i == 6 ? c == 0 : i == 1 || i == 7 ? c != 0 : i == 2 ? c <= 0
                  : i == 3 ? c < 0 : i == 4 ? c >= 0 : c > 0;
        *out = boolv(res);
        return EV_OK;
    }
    if (!strcmp(op, "and") || !strcmp(op, "or") || !strcmp(op, "xor")) {
        int ok = (is_atom_named(&a, "true") || is_atom_named(&a, "false")) &&
                 (is_atom_named(&b, "true") || is_atom_named(&b, "false"));
        if (!ok) return EV_FAIL;
        int x = is_atom_named(&a, "true"), y = is_atom_named(&b, "true");
        *out = boolv(op[0] == 'a' ? x && y : op[0] == 'o' ? x || y : x != y);
        return EV_OK;
    }
    if ((a.k != V_INT && a.k != V_FLOAT) || (b.k != V_INT && b.k != V_FLOAT)) return EV_FAIL;
    if (!strcmp(op, "/")) {
        double x = a.k == V_INT ? (double)a.i : a.f, y = b.k == V_INT ? (double)b.i : b.f;
        if (y == 0) return EV_FAIL;
        out->k = V_FLOAT;
        out->f = x / y;
        return isfinite(out->f) ? EV_OK : EV_FAIL;
    }
    if (a.k == V_INT && b.k == V_INT) return eval_int_op(op, a.i, b.i, out);
    if (!strcmp(op, "+") || !strcmp(op, "-") || !strcmp(op, "*")) {
        double x = a.k == V_INT ? (double)a.i : a.f, y = b.k == V_INT ? (double)b.i : b.f;
        out->k = V_FLOAT;
        out->f = op[0] == '+' ? x + y : op[0] == '-' ? x - y : x * y;
        return isfinite(out->f) ? EV_OK : EV_FAIL;
    }
    return EV_FAIL; /* integer operators on floats: badarith */
}

static EvalResult eval_call(Ev *ev, const Ast *e, Val *out)
{
    const Ast *f = e->a;
    if (f->kind == A_REMOTE) {
        if (f->a->kind != A_ATOM || !ast_name_is(f->a, "erlang")) return EV_UNSUPPORTED;
        f = f->b;
    }
    if (f->kind != A_ATOM) return EV_UNSUPPORTED;
    /* an unknown local function: epp's evaluator raises undefined_function, read as false */
    if (e->a->kind == A_ATOM && !check_auto_imported(f->name, f->name_len, e->l1.n))
        return EV_FAIL;
    if (e->l1.n != 1) return EV_UNSUPPORTED;
    Val a;
    EvalResult r = eval(ev, e->l1.v[0], &a);
    if (r != EV_OK) return r;
    static const struct {
        const char *name;
        int kinds; /* bit per VKind */
    } tests[] = {
        {"is_integer", 1 << V_INT}, {"is_float", 1 << V_FLOAT},
        {"is_number", 1 << V_INT | 1 << V_FLOAT}, {"is_atom", 1 << V_ATOM},
        {"is_list", 1 << V_NIL | 1 << V_CONS}, {"is_tuple", 1 << V_TUPLE},
    };
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
        if (ast_name_is(f, tests[i].name)) {
            *out = boolv((tests[i].kinds >> a.k) & 1);
            return EV_OK;
        }
    if (ast_name_is(f, "is_boolean")) {
        *out = boolv(is_atom_named(&a, "true") || is_atom_named(&a, "false"));
        return EV_OK;
    }
    if (ast_name_is(f, "abs")) {
        if (a.k == V_INT) {
            if (a.i == INT64_MIN) return EV_UNSUPPORTED;
            if (a.i < 0) a.i = -a.i;
        } else if (a.k == V_FLOAT) {
            a.f = fabs(a.f);
        } else {
            return EV_FAIL;
        }
        *out = a;
        return EV_OK;
    }
    if (ast_name_is(f, "tuple_size")) {
        if (a.k != V_TUPLE) return EV_FAIL;
        out->k = V_INT;
        out->i = a.n;
        return EV_OK;
    }
    if (ast_name_is(f, "length")) {
        int64_t n = 0;
        const Val *p = &a;
        while (p->k == V_CONS) n++, p = &p->v[1];
        if (p->k != V_NIL) return EV_FAIL;
        out->k = V_INT;
        out->i = n;
        return EV_OK;
    }
    return EV_UNSUPPORTED;
}

static EvalResult eval(Ev *ev, const Ast *e, Val *out)
{
    memset(out, 0, sizeof *out);
    switch (e->kind) {
    case A_INTEGER:
        if (e->big) return EV_UNSUPPORTED;
        out->k = V_INT;
        out->i = e->ival;
        return EV_OK;
    case A_CHAR:
        out->k = V_INT;
        out->i = e->ival;
        return EV_OK;
    case A_FLOAT:
        out->k = V_FLOAT;
        out->f = e->fval;
        return EV_OK;
    case A_ATOM:
        out->k = V_ATOM;
        out->name = e->name;
        out->len = e->name_len;
        return EV_OK;
    case A_NIL: out->k = V_NIL; return EV_OK;
    case A_STRING: {
        Val *tail = out;
        for (size_t i = 0; i < e->slen; i++) {
            tail->k = V_CONS;
            tail->v = arena_alloc(ev->ar, 2 * sizeof(Val));
            tail->v[0].k = V_INT;
            tail->v[0].i = e->str[i];
            tail = &tail->v[1];
        }
        tail->k = V_NIL;
        return EV_OK;
    }
    case A_CONS: {
        out->k = V_CONS;
        out->v = arena_alloc(ev->ar, 2 * sizeof(Val));
        EvalResult r = eval(ev, e->a, &out->v[0]);
        return r != EV_OK ? r : eval(ev, e->b, &out->v[1]);
    }
    case A_TUPLE:
        out->k = V_TUPLE;
        out->n = e->l1.n;
        out->v = arena_alloc(ev->ar, (size_t)(e->l1.n ? e->l1.n : 1) * sizeof(Val));
        for (int i = 0; i < e->l1.n; i++) {
            EvalResult r = eval(ev, e->l1.v[i], &out->v[i]);
            if (r != EV_OK) return r;
        }
        return EV_OK;
    case A_OP: return eval_op(ev, e, out);
    case A_CALL:
        if (e->a->kind == A_ATOM && ast_name_is(e->a, "defined") && e->l1.n == 1) {
            const Ast *m = e->l1.v[0];
            *out = boolv(ev->defined(ev->ctx, m->name, m->name_len));
            return EV_OK;
        }
        return eval_call(ev, e, out);
    case A_VAR: return EV_FAIL; /* unbound */
    default: return EV_UNSUPPORTED;
    }
}

/* erl_internal:guard_bif/2 of OTP 25 (check.c's list). */
static int is_guard_bif(const Ast *f, int arity)
{
    return check_guard_bif(f->name, f->name_len, arity);
}

/* erl_lint's is_gexpr_op/2: erlang:'+'/2 and the like are guard expressions too. */
static int is_op_name(const Ast *f, int arity)
{
    static const char *const un[] = {"+", "-", "bnot", "not", NULL};
    static const char *const bin[] = {"+", "-", "*", "/", "div", "rem", "band", "bor", "bxor",
                                      "bsl", "bsr", "and", "or", "xor", "==", "/=", "=<", "<",
                                      ">=", ">", "=:=", "=/=", NULL};
    const char *const *t = arity == 1 ? un : arity == 2 ? bin : NULL;
    for (int i = 0; t && t[i]; i++)
        if (ast_name_is(f, t[i])) return 1;
    return 0;
}

/* A local call to an auto-imported BIF that is not a guard BIF: epp's rewrite_expr refuses
 * it; any other local name (a guard BIF, or an unknown function, which fails at evaluation
 * and so reads as false) passes. */
static int local_call_bad(const Ast *f, int arity)
{
    return check_auto_imported(f->name, f->name_len, arity) && !is_guard_bif(f, arity);
}

static int call_shape_ok(const Ast *e);

/* epp:rewrite_expr/2 and assert_guard_expr/1 (erl_lint:is_guard_expr/1): defined/1 needs a
 * name; bad shapes fail. */
static int guard_shape_ok(const Ast *e)
{
    switch (e->kind) {
    case A_CALL: return call_shape_ok(e);
    case A_MATCH: case A_CATCH: case A_CASE: case A_IF: case A_RECEIVE: case A_TRY:
    case A_BLOCK: case A_LC: case A_BC: case A_FUN: case A_NAMED_FUN:
        return 0;
    case A_OP:
        if (e->b && (ast_name_is(e, "!") || ast_name_is(e, "++") || ast_name_is(e, "--")))
            return 0;
        return guard_shape_ok(e->a) && (!e->b || guard_shape_ok(e->b));
    case A_CONS: return guard_shape_ok(e->a) && guard_shape_ok(e->b);
    case A_TUPLE:
        for (int i = 0; i < e->l1.n; i++)
            if (!guard_shape_ok(e->l1.v[i])) return 0;
        return 1;
    default: return 1;
    }
}

static int call_shape_ok(const Ast *e)
{
    const Ast *f = e->a;
    int arity = e->l1.n;
    if (f->kind == A_ATOM && ast_name_is(f, "defined") && arity == 1)
        return e->l1.v[0]->kind == A_ATOM || e->l1.v[0]->kind == A_VAR;
    if (f->kind == A_ATOM) {
        if (local_call_bad(f, arity)) return 0;
    } else if (f->kind == A_REMOTE) {
        /* only erlang:F where F is a guard BIF or an operator */
        if (f->a->kind != A_ATOM || !ast_name_is(f->a, "erlang") || f->b->kind != A_ATOM ||
            !(is_guard_bif(f->b, arity) || is_op_name(f->b, arity)))
            return 0;
    } else {
        return 0; /* a fun or variable called */
    }
    for (int i = 0; i < arity; i++)
        if (!guard_shape_ok(e->l1.v[i])) return 0;
    return 1;
}

int pp_eval_condition(Arena *ar, const Token *toks, size_t n, const char *file, Diags *diags,
                      const Token *kw, PpDefinedFn defined, void *ctx)
{
    AstList es = {0};
    if (!parse_exprs_form(ar, toks, n, file, diags, &es)) return -1;
    if (es.n != 1 || !guard_shape_ok(es.v[0])) {
        diags_add(diags, file, kw->line, kw->col, DIAG_EPP, "", "badly formed 'if'");
        return -1;
    }
    Ev ev = {ar, defined, ctx};
    Val v;
    EvalResult r = eval(&ev, es.v[0], &v);
    if (r == EV_UNSUPPORTED) {
        diags_add(diags, file, kw->line, kw->col, DIAG_EPP, "",
                  "heapscope cannot evaluate this -%s condition",
                  kw->kind == TK_IF ? "if" : "elif");
        return -1;
    }
    return r == EV_OK && is_atom_named(&v, "true");
}
