/* The checks erl_lint makes on the type language: -type/-opaque definitions (builtin and
 * redefined types), -spec and -callback declarations (duplicates, arity, other modules), type
 * variables used only once, record types, malformed ranges and binary types, and, at the end,
 * every type used but never defined. Messages and locations are erl_lint's. */
#include <stdint.h>
#include <string.h>

#include "lang/check.h"
#include "lang/lex.h"
#include "lang/parse_int.h"
#include "strbuf.h"

typedef struct TypeKey {
    const char *name;
    size_t len;
    int arity;
    const char *mod;        /* specs: the module, NULL for this module */
    size_t modlen;
} TypeKey;

typedef struct Use {
    TypeKey k;
    const char *file;
    int line, col;
} Use;

typedef struct SeenVar {
    const char *name;
    size_t len;
    int count;
    int line, col;
} SeenVar;

typedef struct RecType {
    const char *name;
    size_t len;
    const Ast *def;         /* the ATTR_RECORD form */
} RecType;

typedef struct TL {
    Arena ar;
    Diags *diags;
    const char *file;
    const char *module;
    size_t modlen;
    TypeKey *types;
    int ntypes, captypes;
    TypeKey *specs;
    int nspecs, capspecs;
    TypeKey *callbacks;
    int ncallbacks, capcallbacks;
    Use *uses;
    int nuses, capuses;
    RecType *recs;
    int nrecs, caprecs;
    SeenVar *seen;
    int nseen, capseen;
} TL;

#define GROW(v, n, cap)                                                                      \
    do {                                                                                     \
        if ((n) == (cap)) {                                                                  \
            int c_ = (cap) ? (cap) * 2 : 16;                                                 \
            void *nv_ = arena_alloc(&T->ar, (size_t)c_ * sizeof *(v));                       \
            if (n) memcpy(nv_, (v), (size_t)(n) * sizeof *(v));                              \
            (v) = nv_;                                                                       \
            (cap) = c_;                                                                      \
        }                                                                                    \
    } while (0)

static const char *qa(TL *T, const char *name, size_t len)
{
    StrBuf sb = STRBUF_INIT;
    lex_write_atom(&sb, name, len);
    const char *r = arena_strndup(&T->ar, sb.data, sb.len);
    sb_free(&sb);
    return r;
}

/* gen_type_paren/1: "()", "(_)", "(_,_)" */
static const char *paren(TL *T, int arity)
{
    StrBuf sb = STRBUF_INIT;
    sb_putc(&sb, '(');
    for (int i = 0; i < arity; i++) sb_puts(&sb, i ? ",_" : "_");
    sb_putc(&sb, ')');
    const char *r = arena_strdup(&T->ar, sb.data);
    sb_free(&sb);
    return r;
}

static void terr(TL *T, int line, int col, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void terr(TL *T, int line, int col, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diags_vadd(T->diags, T->file, line, col, DIAG_LINT, 0, key, fmt, ap);
    va_end(ap);
}

static int key_eq(const TypeKey *a, const char *name, size_t len, int arity, const char *mod,
                  size_t modlen)
{
    return a->arity == arity && a->len == len && memcmp(a->name, name, len) == 0 &&
           a->modlen == modlen && (!modlen || memcmp(a->mod, mod, modlen) == 0);
}

static int has_key(const TypeKey *v, int n, const char *name, size_t len, int arity,
                   const char *mod, size_t modlen)
{
    for (int i = 0; i < n; i++)
        if (key_eq(&v[i], name, len, arity, mod, modlen)) return 1;
    return 0;
}

static void used_type(TL *T, const char *name, size_t len, int arity, const Ast *at)
{
    GROW(T->uses, T->nuses, T->capuses);
    Use *u = &T->uses[T->nuses++];
    u->k = (TypeKey){name, len, arity, NULL, 0};
    u->file = T->file;
    u->line = at->line;
    u->col = at->col;
}

static const RecType *find_rec(TL *T, const char *name, size_t len)
{
    for (int i = 0; i < T->nrecs; i++)
        if (T->recs[i].len == len && memcmp(T->recs[i].name, name, len) == 0) return &T->recs[i];
    return NULL;
}

/* erl_eval:partial_eval/1 to an integer: 0 not a constant integer, 1 its value is *v, 2 an
 * integer beyond 64 bits (only known to be an integer) */
static int const_int(const Ast *e, long long *v)
{
    switch (e->kind) {
    case A_INTEGER:
        if (e->big) return 2;
        *v = e->ival;
        return 1;
    case A_CHAR: *v = e->ival; return 1;
    case A_OP: {
        long long a = 0, b = 0;
        int ka = const_int(e->a, &a);
        if (!ka) return 0;
        if (!e->b) {
            if (!ast_name_is(e, "-") && !ast_name_is(e, "+") && !ast_name_is(e, "bnot")) return 0;
            if (ka == 2) return 2;
            *v = ast_name_is(e, "-") ? -a : ast_name_is(e, "+") ? a : ~a;
            return 1;
        }
        int kb = const_int(e->b, &b);
        if (!kb) return 0;
        static const char *const ops[] = {"+", "-", "*", "div", "rem", "band", "bor", "bxor",
                                          "bsl", "bsr", NULL};
        int known = 0;
        for (int i = 0; ops[i]; i++)
            if (ast_name_is(e, ops[i])) known = 1;
        if (!known) return 0;
        if ((ast_name_is(e, "div") || ast_name_is(e, "rem")) && kb == 1 && b == 0) return 0;
        if (ka == 2 || kb == 2) return 2;
        __int128 r;
        if (ast_name_is(e, "+")) r = (__int128)a + b;
        else if (ast_name_is(e, "-")) r = (__int128)a - b;
        else if (ast_name_is(e, "*")) r = (__int128)a * b;
        else if (ast_name_is(e, "div")) r = b == -1 ? -(__int128)a : a / b;
        else if (ast_name_is(e, "rem")) r = b == -1 ? 0 : a % b;
        else if (ast_name_is(e, "band")) r = a & b;
        else if (ast_name_is(e, "bor")) r = a | b;
        else if (ast_name_is(e, "bxor")) r = a ^ b;
        else {
            long long sh = ast_name_is(e, "bsl") ? b : -b;
            if (sh >= 62) return a == 0 ? (*v = 0, 1) : 2;
            r = sh >= 0 ? (__int128)a * ((__int128)1 << sh) : (sh <= -63 ? (a < 0 ? -1 : 0)
                                                                         : (__int128)(a >> -sh));
        }
        if (r > INT64_MAX || r < INT64_MIN) return 2;
        *v = (long long)r;
        return 1;
    }
    default: return 0;
    }
}

static void check_type(TL *T, const Ast *t);

static void check_list(TL *T, const AstList *l)
{
    for (int i = 0; i < l->n; i++) check_type(T, l->v[i]);
}

static void see_var(TL *T, const Ast *v)
{
    if (v->name_len == 1 && v->name[0] == '_') return;
    for (int i = 0; i < T->nseen; i++)
        if (T->seen[i].len == v->name_len && memcmp(T->seen[i].name, v->name, v->name_len) == 0) {
            T->seen[i].count++;
            return;
        }
    GROW(T->seen, T->nseen, T->capseen);
    T->seen[T->nseen++] = (SeenVar){v->name, v->name_len, 1, v->line, v->col};
}

static void record_type(TL *T, const Ast *t)
{
    const Ast *name = t->l1.v[0];
    const RecType *r = find_rec(T, name->name, name->name_len);
    if (!r) {
        const char *q = qa(T, name->name, name->name_len);
        terr(T, t->line, t->col, "undefined_record", "record %s undefined", q);
        return;
    }
    for (int i = 1; i < t->l1.n; i++) {
        const Ast *ft = t->l1.v[i];
        const Ast *fn = ft->l1.v[0];
        int exists = 0, dup = 0;
        for (int k = 0; k < r->def->l1.n; k++) {
            const Ast *d = r->def->l1.v[k]->a;
            if (d->name_len == fn->name_len && memcmp(d->name, fn->name, fn->name_len) == 0)
                exists = 1;
        }
        for (int k = 1; k < i; k++) {
            const Ast *g = t->l1.v[k]->l1.v[0];
            if (g->name_len == fn->name_len && memcmp(g->name, fn->name, fn->name_len) == 0)
                dup = 1;
        }
        const char *qf = qa(T, fn->name, fn->name_len), *qr = qa(T, name->name, name->name_len);
        if (!exists)
            terr(T, fn->line, fn->col, "undefined_field", "field %s undefined in record %s", qf,
                 qr);
        if (dup)
            terr(T, fn->line, fn->col, "redefine_field", "field %s already defined in record %s",
                 qf, qr);
        check_type(T, ft->l1.v[1]);
    }
}

/* erl_lint:check_type/3 */
static void check_type(TL *T, const Ast *t)
{
    switch (t->kind) {
    case A_ANN_TYPE: check_type(T, t->b); return;
    case A_REMOTE_TYPE:
        if (T->module && t->a->name_len == T->modlen &&
            memcmp(t->a->name, T->module, T->modlen) == 0)
            used_type(T, t->b->name, t->b->name_len, t->l1.n, t);
        check_list(T, &t->l1);
        return;
    case A_INTEGER: case A_ATOM: return;
    case A_VAR: see_var(T, t); return;
    case A_USER_TYPE:
        used_type(T, t->name, t->name_len, t->l1.n, t);
        check_list(T, &t->l1);
        return;
    case A_TYPE:
        if (t->flags & (AF_ARGS_ANY | AF_NO_ARGS)) return;
        if (ast_name_is(t, "range")) {
            long long x, y;
            int kx = const_int(t->l1.v[0], &x), ky = const_int(t->l1.v[1], &y);
            if (!(kx == 1 && ky == 1 && x < y) && !(kx == 2 || ky == 2))
                terr(T, t->line, t->col, "type_syntax", "bad range type");
            return;
        }
        if (ast_name_is(t, "binary") && t->l1.n == 2) {
            long long b, u;
            int kb = const_int(t->l1.v[0], &b), ku = const_int(t->l1.v[1], &u);
            if (!(kb && ku && b >= 0 && u >= 0))
                terr(T, t->line, t->col, "type_syntax", "bad binary type");
            return;
        }
        if (ast_name_is(t, "record")) {
            record_type(T, t);
            return;
        }
        check_list(T, &t->l1);
        return;
    case A_LIST: check_list(T, &t->l1); return;
    default: {
        long long v;
        if (!const_int(t, &v)) terr(T, t->line, t->col, "type_syntax", "bad integer type");
        return;
    }
    }
}

/* check_type/2: then report the variables seen once */
static void check_top(TL *T, const Ast *const *ts, int n)
{
    T->nseen = 0;
    for (int i = 0; i < n; i++) check_type(T, ts[i]);
    for (int i = 0; i < T->nseen; i++) {
        const SeenVar *s = &T->seen[i];
        if (s->count != 1 || s->name[0] == '_') continue;
        const char *q = qa(T, s->name, s->len);
        terr(T, s->line, s->col, "singleton_typevar",
             "type variable %s is only used once (is unbound)", q);
    }
}

/* check_specs/4 */
static void check_specs(TL *T, const Ast *a, const char *tag)
{
    for (int i = 0; i < a->l1.n; i++) {
        const Ast *ft = a->l1.v[i];
        const Ast *cs = NULL;
        if (ast_name_is(ft, "bounded_fun")) {
            cs = ft->l1.v[1];
            ft = ft->l1.v[0];
        }
        const Ast *dom = ft->l1.v[0];
        if (!(ast_name_is(dom, "any")) && dom->l1.n != a->arity)
            terr(T, ft->line, ft->col, tag, "%s has wrong arity", tag);
        int n = 1 + (cs ? 2 * cs->l1.n : 0);
        const Ast **ts = arena_alloc(&T->ar, (size_t)n * sizeof *ts);
        ts[0] = ft;
        for (int k = 0; cs && k < cs->l1.n; k++) {
            const Ast *pair = cs->l1.v[k]->l1.v[1]; /* [Var, Type] */
            ts[1 + 2 * k] = pair->l1.v[0];
            ts[2 + 2 * k] = pair->l1.v[1];
        }
        check_top(T, ts, n);
    }
}

static void add_key(TL *T, TypeKey **v, int *n, int *cap, TypeKey k)
{
    GROW(*v, *n, *cap);
    (*v)[(*n)++] = k;
}

static void type_def(TL *T, const Ast *a)
{
    int arity = a->l1.n;
    const char *kind = a->attr == ATTR_TYPE ? "type" : "opaque";
    (void)kind;
    if (parse_is_builtin_type(a->name2, a->name2_len, arity)) {
        const char *q = qa(T, a->name2, a->name2_len);
        terr(T, a->line, a->col, "builtin_type", "type %s%s is a builtin type; it cannot be "
             "redefined", q, paren(T, arity));
        return;
    }
    if (has_key(T->types, T->ntypes, a->name2, a->name2_len, arity, NULL, 0)) {
        const char *q = qa(T, a->name2, a->name2_len);
        terr(T, a->line, a->col, "redefine_type", "type %s%s already defined", q,
             paren(T, arity));
        return;
    }
    add_key(T, &T->types, &T->ntypes, &T->captypes,
            (TypeKey){a->name2, a->name2_len, arity, NULL, 0});
    const Ast **ts = arena_alloc(&T->ar, (size_t)(arity + 1) * sizeof *ts);
    ts[0] = a->a;
    for (int i = 0; i < arity; i++) ts[i + 1] = a->l1.v[i];
    check_top(T, ts, arity + 1);
}

static void spec_decl(TL *T, const Ast *a)
{
    const char *mod = a->a ? a->a->name : NULL;
    size_t modlen = a->a ? a->a->name_len : 0;
    int this_mod = !mod || (T->module && modlen == T->modlen && !memcmp(mod, T->module, modlen));
    if (has_key(T->specs, T->nspecs, a->name2, a->name2_len, a->arity, this_mod ? NULL : mod,
                this_mod ? 0 : modlen)) {
        const char *q = qa(T, a->name2, a->name2_len);
        if (mod)
            terr(T, a->line, a->col, "redefine_spec", "spec for %s:%s/%d already defined",
                 qa(T, mod, modlen), q, a->arity);
        else
            terr(T, a->line, a->col, "redefine_spec", "spec for %s/%d already defined", q,
                 a->arity);
        return;
    }
    add_key(T, &T->specs, &T->nspecs, &T->capspecs,
            (TypeKey){a->name2, a->name2_len, a->arity, this_mod ? NULL : mod,
                      this_mod ? 0 : modlen});
    if (!this_mod)
        terr(T, a->line, a->col, "bad_module", "spec for function %s:%s/%d from other module",
             qa(T, mod, modlen), qa(T, a->name2, a->name2_len), a->arity);
    check_specs(T, a, "spec");
}

static void callback_decl(TL *T, const Ast *a)
{
    const char *q = qa(T, a->name2, a->name2_len);
    if (a->a) {
        terr(T, a->line, a->col, "bad_callback", "explicit module not allowed for callback %s:%s/%d",
             qa(T, a->a->name, a->a->name_len), q, a->arity);
        return;
    }
    if (has_key(T->callbacks, T->ncallbacks, a->name2, a->name2_len, a->arity, NULL, 0)) {
        terr(T, a->line, a->col, "redefine_callback", "callback %s/%d already defined", q,
             a->arity);
        return;
    }
    add_key(T, &T->callbacks, &T->ncallbacks, &T->capcallbacks,
            (TypeKey){a->name2, a->name2_len, a->arity, NULL, 0});
    check_specs(T, a, "callback");
}

/* -export_type([t/0, ...]): each a use of the type */
static void export_type(TL *T, const Ast *a)
{
    const Ast *l = a->a;
    int ok = 1;
    const Ast *p;
    for (p = l; p->kind == A_CONS; p = p->b) {
        const Ast *x = p->a;
        if (!(x->kind == A_OP && x->b && ast_name_is(x, "/") && x->a->kind == A_ATOM &&
              x->b->kind == A_INTEGER && !x->b->big))
            ok = 0;
    }
    if (!ok || p->kind != A_NIL) {
        terr(T, a->line, a->col, "bad_export_type", "bad export_type declaration");
        return;
    }
    for (p = l; p->kind == A_CONS; p = p->b)
        used_type(T, p->a->a->name, p->a->a->name_len, (int)p->a->b->ival, a);
}

static void record_types(TL *T, const Ast *a)
{
    if (find_rec(T, a->name2, a->name2_len)) return; /* redefinition: check.c reports it */
    GROW(T->recs, T->nrecs, T->caprecs);
    T->recs[T->nrecs++] = (RecType){a->name2, a->name2_len, a};
    int n = 0;
    const Ast **ts = arena_alloc(&T->ar, (size_t)(a->l1.n + 1) * sizeof *ts);
    for (int i = 0; i < a->l1.n; i++)
        if (a->l1.v[i]->c) ts[n++] = a->l1.v[i]->c;
    check_top(T, ts, n);
}

void check_types(const char *file, const AstList *forms, Diags *diags)
{
    TL tl;
    TL *T = &tl;
    memset(T, 0, sizeof *T);
    T->diags = diags;
    T->file = file;
    int in_functions = 0; /* erl_lint's function state: only some attributes are looked at */
    for (int i = 0; i < forms->n; i++) {
        const Ast *f = forms->v[i];
        if (f->kind == A_FUNCTION) in_functions = 1;
        if (f->kind != A_ATTRIBUTE) continue;
        if (in_functions && f->attr != ATTR_FILE && f->attr != ATTR_RECORD &&
            f->attr != ATTR_TYPE && f->attr != ATTR_OPAQUE && f->attr != ATTR_SPEC)
            continue;
        switch (f->attr) {
        case ATTR_FILE: {
            StrBuf sb = STRBUF_INIT;
            for (size_t k = 0; k < f->slen; k++) lex_put_utf8(&sb, f->str[k]);
            T->file = arena_strdup(&T->ar, sb.data ? sb.data : "");
            sb_free(&sb);
            break;
        }
        case ATTR_MODULE:
            if (!T->module) {
                T->module = f->a->name;
                T->modlen = f->a->name_len;
            }
            break;
        case ATTR_RECORD: record_types(T, f); break;
        case ATTR_TYPE: case ATTR_OPAQUE: type_def(T, f); break;
        case ATTR_SPEC: spec_decl(T, f); break;
        case ATTR_CALLBACK: callback_decl(T, f); break;
        case ATTR_TERM:
            if (ast_name_is(f, "export_type")) export_type(T, f);
            break;
        default: break;
        }
    }
    /* check_undefined_types/1 */
    for (int i = 0; i < T->nuses; i++) {
        const Use *u = &T->uses[i];
        if (has_key(T->types, T->ntypes, u->k.name, u->k.len, u->k.arity, NULL, 0) ||
            parse_is_builtin_type(u->k.name, u->k.len, u->k.arity))
            continue;
        const char *q = qa(T, u->k.name, u->k.len);
        diags_add(diags, u->file, u->line, u->col, DIAG_LINT, "undefined_type",
                  "type %s%s undefined", q, paren(T, u->k.arity));
    }
    arena_free(&T->ar);
}
