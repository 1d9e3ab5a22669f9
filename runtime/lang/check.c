/* A port of the error checks of OTP 25's erl_lint (forms/2 and post_traversal_check/2), with
 * its variable tables: which variables are bound, unsafe (bound in only some branches of a
 * case/if/receive/try, or inside catch, andalso/orelse) or exported from a branch construct.
 * Warnings are not produced. What is not ported is listed in docs/language.md. */
#include "lang/check.h"

#include <limits.h>
#include <stdarg.h>
#include <string.h>

#include "lang/lex.h"
#include "strbuf.h"

/* ================================================================ variable tables */

typedef enum VState { VS_BOUND, VS_UNSAFE, VS_EXPORT, VS_STACKTRACE } VState;

typedef struct Var {
    const char *name;
    size_t len;
    VState st;
    const char *tag;    /* the construct of an unsafe or exported variable */
    int tl, tc;         /* and its location */
    int used;
} Var;

/* An orddict of variables: sorted by name, one entry per name. */
typedef struct Vt {
    Var *v;
    int n;
} Vt;

typedef struct Func {
    const char *name;
    size_t len;
    int arity;
} Func;

typedef struct Called {
    Func f;
    const char *file;
    int line, col;
} Called;

typedef struct Field {
    const Ast *name;    /* A_ATOM */
    const Ast *dflt;    /* NULL: undefined */
} Field;

typedef struct Record {
    const char *name;
    size_t len;
    Field *fields;
    int n;
} Record;

typedef struct Import {
    Func f;
    const char *mod;
    size_t modlen;
} Import;

typedef struct Lint {
    Arena ar;
    Diags *diags;
    const char *file;
    enum { ST_START, ST_ATTR, ST_FUNC } state;
    int have_module;
    Func *locals;
    int nlocals;
    Func *defined;
    int ndefined, capdefined;
    Called *called;
    int ncalled, capcalled;
    Import *imports;
    int nimports, capimports;
    Record *records;
    int nrecords, caprecords;
    Func func;          /* the function being checked */
    int no_auto_all;
    Func *no_auto;
    int nno_auto;
    int recdef_top;
    Vt *bvt;            /* non-NULL while checking a size expression in a binary pattern */
    int nerrors_probe;  /* counts errors (record default values) */
} Lint;

static const Vt VT0 = {NULL, 0};

static int name_cmp(const char *a, size_t al, const char *b, size_t bl)
{
    size_t n = al < bl ? al : bl;
    int c = memcmp(a, b, n);
    if (c) return c;
    return al < bl ? -1 : al > bl;
}

static Var *vt_find(const Vt *vt, const char *name, size_t len)
{
    int lo = 0, hi = vt->n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        int c = name_cmp(vt->v[mid].name, vt->v[mid].len, name, len);
        if (c == 0) return &vt->v[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return NULL;
}

static Vt vt_alloc(Lint *L, int n)
{
    Vt r;
    r.v = n ? arena_alloc(&L->ar, (size_t)n * sizeof(Var)) : NULL;
    r.n = 0;
    return r;
}

static Vt vt_one(Lint *L, const char *name, size_t len, VState st, int used)
{
    Vt r = vt_alloc(L, 1);
    Var *v = &r.v[r.n++];
    memset(v, 0, sizeof *v);
    v->name = name;
    v->len = len;
    v->st = st;
    v->used = used;
    return r;
}

/* erl_lint:merge_state/2 */
static void merge_state(Var *out, const Var *a, const Var *b)
{
    const Var *s;
    if (a->st == VS_UNSAFE)
        s = a;
    else if (b->st == VS_UNSAFE)
        s = b;
    else if (a->st == VS_BOUND)
        s = b;
    else
        s = a;
    out->st = s->st;
    out->tag = s->tag;
    out->tl = s->tl;
    out->tc = s->tc;
}

enum { MERGE_UPDATE, MERGE_MERGE, MERGE_PAT };

/* orddict:merge/3 with erl_lint's three combining functions:
 *   vtupdate: the state of a, used if either is;
 *   vtmerge: merge_state, used if either is;
 *   vtmerge_pat: merge_state, and used (a variable matched twice counts as used). */
static Vt vt_combine(Lint *L, const Vt *a, const Vt *b, int how)
{
    Vt r = vt_alloc(L, a->n + b->n);
    int i = 0, j = 0;
    while (i < a->n || j < b->n) {
        int c = i >= a->n ? 1 : j >= b->n ? -1
                : name_cmp(a->v[i].name, a->v[i].len, b->v[j].name, b->v[j].len);
        if (c < 0) {
            r.v[r.n++] = a->v[i++];
        } else if (c > 0) {
            r.v[r.n++] = b->v[j++];
        } else {
            Var m = a->v[i];
            if (how == MERGE_UPDATE) {
                m.used = a->v[i].used || b->v[j].used;
            } else {
                merge_state(&m, &a->v[i], &b->v[j]);
                m.used = how == MERGE_PAT ? 1 : (a->v[i].used || b->v[j].used);
            }
            r.v[r.n++] = m;
            i++, j++;
        }
    }
    return r;
}

static Vt vt_update(Lint *L, Vt a, Vt b) { return vt_combine(L, &a, &b, MERGE_UPDATE); }
static Vt vt_merge(Lint *L, Vt a, Vt b) { return vt_combine(L, &a, &b, MERGE_MERGE); }
static Vt vt_merge_pat(Lint *L, Vt a, Vt b) { return vt_combine(L, &a, &b, MERGE_PAT); }

/* vtnew (keep = 0): the entries of a not in b; vtold (keep = 1): those in b */
static Vt vt_filter(Lint *L, Vt a, Vt b, int keep)
{
    Vt r = vt_alloc(L, a.n);
    for (int i = 0; i < a.n; i++)
        if ((vt_find(&b, a.v[i].name, a.v[i].len) != NULL) == keep) r.v[r.n++] = a.v[i];
    return r;
}

static Vt vt_new(Lint *L, Vt a, Vt b) { return vt_filter(L, a, b, 0); }
static Vt vt_old(Lint *L, Vt a, Vt b) { return vt_filter(L, a, b, 1); }

static Vt vt_unsafe(Lint *L, const char *tag, int tl, int tc, Vt u, Vt vt)
{
    Vt r = vt_new(L, u, vt);
    for (int i = 0; i < r.n; i++) {
        r.v[i].st = VS_UNSAFE;
        r.v[i].tag = tag;
        r.v[i].tl = tl;
        r.v[i].tc = tc;
    }
    return r;
}

static Vt vt_no_unsafe_unused(Lint *L, Vt a)
{
    Vt r = vt_alloc(L, a.n);
    for (int i = 0; i < a.n; i++)
        if (a.v[i].st != VS_UNSAFE && a.v[i].used) r.v[r.n++] = a.v[i];
    return r;
}

/* ================================================================ errors */

static void err(Lint *L, int line, int col, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void err(Lint *L, int line, int col, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diags_vadd(L->diags, L->file, line, col, DIAG_LINT, 0, key, fmt, ap);
    va_end(ap);
    L->nerrors_probe++;
}

/* ~w / ~tw of an atom, as a NUL-terminated string in the lint arena */
static const char *qatom(Lint *L, const char *name, size_t len)
{
    StrBuf sb = STRBUF_INIT;
    lex_write_atom(&sb, name, len);
    const char *r = arena_strndup(&L->ar, sb.data, sb.len);
    sb_free(&sb);
    return r;
}

static void err_at(Lint *L, const Ast *n, const char *key, const char *msg)
{
    err(L, n->line, n->col, key, "%s", msg);
}

static void unbound(Lint *L, const Ast *v)
{
    const char *q = qatom(L, v->name, v->name_len);
    err(L, v->line, v->col, "unbound_var", "variable %s is unbound", q);
}

static void unsafe(Lint *L, const Ast *v, const Var *var)
{
    const char *q = qatom(L, v->name, v->name_len);
    const char *t = qatom(L, var->tag, strlen(var->tag));
    err(L, v->line, v->col, "unsafe_var", "variable %s unsafe in %s (line %d, column %d)", q, t,
        var->tl, var->tc);
}

/* ================================================================ builtin knowledge */

static const char *const auto_bifs[] = {
    "abs/1", "alias/0", "alias/1", "apply/2", "apply/3", "atom_to_binary/1",
    "atom_to_binary/2", "atom_to_list/1", "binary_part/2", "binary_part/3", "binary_to_atom/1",
    "binary_to_atom/2", "binary_to_existing_atom/1", "binary_to_existing_atom/2",
    "binary_to_integer/1", "binary_to_integer/2", "binary_to_float/1", "binary_to_list/1",
    "binary_to_list/3", "binary_to_term/1", "binary_to_term/2", "bitsize/1", "bit_size/1",
    "bitstring_to_list/1", "byte_size/1", "ceil/1", "check_old_code/1", "check_process_code/2",
    "check_process_code/3", "date/0", "delete_module/1", "demonitor/1", "demonitor/2",
    "disconnect_node/1", "element/2", "erase/0", "erase/1", "error/1", "error/2", "error/3",
    "exit/1", "exit/2", "float/1", "float_to_list/1", "float_to_list/2", "float_to_binary/1",
    "float_to_binary/2", "floor/1", "garbage_collect/0", "garbage_collect/1",
    "garbage_collect/2", "get/0", "get/1", "get_keys/0", "get_keys/1", "group_leader/0",
    "group_leader/2", "halt/0", "halt/1", "halt/2", "hd/1", "integer_to_binary/1",
    "integer_to_binary/2", "integer_to_list/1", "integer_to_list/2", "iolist_size/1",
    "iolist_to_binary/1", "is_alive/0", "is_process_alive/1", "is_atom/1", "is_boolean/1",
    "is_binary/1", "is_bitstring/1", "is_float/1", "is_function/1", "is_function/2",
    "is_integer/1", "is_list/1", "is_map/1", "is_map_key/2", "is_number/1", "is_pid/1",
    "is_port/1", "is_reference/1", "is_tuple/1", "is_record/2", "is_record/3", "length/1",
    "link/1", "list_to_atom/1", "list_to_binary/1", "list_to_bitstring/1",
    "list_to_existing_atom/1", "list_to_float/1", "list_to_integer/1", "list_to_integer/2",
    "list_to_pid/1", "list_to_port/1", "list_to_ref/1", "list_to_tuple/1", "load_module/2",
    "make_ref/0", "map_size/1", "map_get/2", "max/2", "min/2", "module_loaded/1",
    "monitor/2", "monitor/3", "monitor_node/2", "node/0", "node/1", "nodes/0", "nodes/1",
    "nodes/2", "now/0", "open_port/2", "pid_to_list/1", "port_to_list/1", "port_close/1",
    "port_command/2", "port_command/3", "port_connect/2", "port_control/3", "pre_loaded/0",
    "process_flag/2", "process_flag/3", "process_info/1", "process_info/2", "processes/0",
    "purge_module/1", "put/2", "ref_to_list/1", "register/2", "registered/0", "round/1",
    "self/0", "setelement/3", "size/1", "spawn/1", "spawn/2", "spawn/3", "spawn/4",
    "spawn_link/1", "spawn_link/2", "spawn_link/3", "spawn_link/4", "spawn_request/1",
    "spawn_request/2", "spawn_request/3", "spawn_request/4", "spawn_request/5",
    "spawn_request_abandon/1", "spawn_monitor/1", "spawn_monitor/2", "spawn_monitor/3",
    "spawn_monitor/4", "spawn_opt/2", "spawn_opt/3", "spawn_opt/4", "spawn_opt/5",
    "split_binary/2", "statistics/1", "term_to_binary/1", "term_to_binary/2",
    "term_to_iovec/1", "term_to_iovec/2", "throw/1", "time/0", "tl/1", "trunc/1",
    "tuple_size/1", "tuple_to_list/1", "unalias/1", "unlink/1", "unregister/1", "whereis/1",
    NULL,
};

static const char *const guard_bifs[] = {
    "abs/1", "binary_part/2", "binary_part/3", "bit_size/1", "byte_size/1", "ceil/1",
    "element/2", "float/1", "floor/1", "hd/1", "is_map_key/2", "length/1", "map_size/1",
    "map_get/2", "node/0", "node/1", "round/1", "self/0", "size/1", "tl/1", "trunc/1",
    "tuple_size/1", "is_atom/1", "is_binary/1", "is_bitstring/1", "is_boolean/1",
    "is_float/1", "is_function/1", "is_function/2", "is_integer/1", "is_list/1", "is_map/1",
    "is_number/1", "is_pid/1", "is_port/1", "is_record/2", "is_record/3", "is_reference/1",
    "is_tuple/1", NULL,
};

/* erl_internal:old_bif/2: the auto-imported BIFs of before R14, whose local redefinition
 * makes unqualified calls an error */
static const char *const old_bifs[] = {
    "abs/1", "apply/2", "apply/3", "atom_to_list/1", "binary_to_list/1", "binary_to_list/3",
    "binary_to_term/1", "bitsize/1", "bit_size/1", "bitstring_to_list/1", "byte_size/1",
    "check_process_code/2", "date/0", "delete_module/1", "disconnect_node/1", "element/2",
    "erase/0", "erase/1", "exit/1", "exit/2", "float/1", "float_to_list/1",
    "garbage_collect/0", "garbage_collect/1", "get/0", "get/1", "get_keys/1",
    "group_leader/0", "group_leader/2", "halt/0", "halt/1", "hd/1", "integer_to_list/1",
    "iolist_size/1", "iolist_to_binary/1", "is_alive/0", "is_atom/1", "is_binary/1",
    "is_bitstring/1", "is_boolean/1", "is_float/1", "is_function/1", "is_function/2",
    "is_integer/1", "is_list/1", "is_number/1", "is_pid/1", "is_port/1",
    "is_process_alive/1", "is_record/2", "is_record/3", "is_reference/1", "is_tuple/1",
    "length/1", "link/1", "list_to_atom/1", "list_to_binary/1", "list_to_bitstring/1",
    "list_to_existing_atom/1", "list_to_float/1", "list_to_integer/1", "list_to_pid/1",
    "list_to_tuple/1", "load_module/2", "make_ref/0", "monitor_node/2", "node/0", "node/1",
    "nodes/0", "nodes/1", "now/0", "open_port/2", "pid_to_list/1", "port_close/1",
    "port_command/2", "port_connect/2", "port_control/3", "pre_loaded/0", "process_flag/2",
    "process_flag/3", "process_info/1", "process_info/2", "processes/0", "purge_module/1",
    "put/2", "register/2", "registered/0", "round/1", "self/0", "setelement/3", "size/1",
    "spawn/1", "spawn/2", "spawn/3", "spawn/4", "spawn_link/1", "spawn_link/2",
    "spawn_link/3", "spawn_link/4", "spawn_opt/2", "spawn_opt/3", "spawn_opt/4",
    "spawn_opt/5", "split_binary/2", "statistics/1", "term_to_binary/1", "term_to_binary/2",
    "throw/1", "time/0", "tl/1", "trunc/1", "tuple_to_list/1", "unlink/1", "unregister/1",
    "whereis/1", NULL,
};

static int in_table(const char *const *t, const char *name, size_t len, int arity)
{
    char key[300];
    if (len > 250) return 0;
    snprintf(key, sizeof key, "%.*s/%d", (int)len, name, arity);
    for (int i = 0; t[i]; i++)
        if (strcmp(t[i], key) == 0) return 1;
    return 0;
}

static int is_bif(const char *n, size_t l, int a) { return in_table(auto_bifs, n, l, a); }
int check_auto_imported(const char *name, size_t len, int arity) { return is_bif(name, len, arity); }
static int is_guard_bif(const char *n, size_t l, int a) { return in_table(guard_bifs, n, l, a); }
int check_guard_bif(const char *name, size_t len, int arity) { return is_guard_bif(name, len, arity); }
static int is_old_bif(const char *n, size_t l, int a) { return in_table(old_bifs, n, l, a); }

static int is_type_test(const char *n, size_t l, int a)
{
    static const char *const tt[] = {
        "is_atom/1", "is_binary/1", "is_bitstring/1", "is_boolean/1", "is_float/1",
        "is_function/1", "is_function/2", "is_integer/1", "is_list/1", "is_map/1",
        "is_number/1", "is_pid/1", "is_port/1", "is_record/2", "is_record/3",
        "is_reference/1", "is_tuple/1", NULL,
    };
    return in_table(tt, n, l, a);
}

/* erl_internal:old_type_test/2: integer(X) for is_integer(X) at a guard test's top (erlc warns
 * that it is obsolete; record/2 is handled as is_record/2) */
static int is_old_type_test(const char *n, size_t l, int a)
{
    static const char *const tt[] = {
        "integer/1", "float/1", "number/1", "atom/1", "list/1", "tuple/1", "pid/1",
        "reference/1", "port/1", "binary/1", "function/1", NULL,
    };
    return in_table(tt, n, l, a);
}

static int op_is(const Ast *op, const char *const *names)
{
    for (int i = 0; names[i]; i++)
        if (ast_name_is(op, names[i])) return 1;
    return 0;
}

/* erl_internal:arith_op, bool_op, comp_op: the operators allowed in guards */
static int is_gexpr_op(const Ast *op)
{
    static const char *const bin[] = {"*", "/", "+", "-", "div", "rem", "band", "bor", "bxor",
                                      "bsl", "bsr", "and", "or", "xor", "==", "/=", "=<", "<",
                                      ">=", ">", "=:=", "=/=", NULL};
    static const char *const un[] = {"+", "-", "bnot", "not", NULL};
    return op->b ? op_is(op, bin) : op_is(op, un);
}

static int is_arith_op(const Ast *op)
{
    static const char *const bin[] = {"*", "/", "+", "-", "div", "rem", "band", "bor", "bxor",
                                      "bsl", "bsr", NULL};
    static const char *const un[] = {"+", "-", "bnot", NULL};
    return op->b ? op_is(op, bin) : op_is(op, un);
}

/* ================================================================ functions */

static int func_in(const Func *v, int n, const char *name, size_t len, int arity)
{
    for (int i = 0; i < n; i++)
        if (v[i].arity == arity && v[i].len == len && memcmp(v[i].name, name, len) == 0) return 1;
    return 0;
}

static int is_local(Lint *L, const char *n, size_t l, int a)
{
    return func_in(L->locals, L->nlocals, n, l, a);
}

static const Import *imported(Lint *L, const char *n, size_t l, int a)
{
    for (int i = 0; i < L->nimports; i++)
        if (L->imports[i].f.arity == a && L->imports[i].f.len == l &&
            memcmp(L->imports[i].f.name, n, l) == 0)
            return &L->imports[i];
    return NULL;
}

static int auto_suppressed(Lint *L, const char *n, size_t l, int a)
{
    return L->no_auto_all || func_in(L->no_auto, L->nno_auto, n, l, a);
}

static void call_function(Lint *L, const char *n, size_t l, int a, int line, int col)
{
    if (L->ncalled == L->capcalled) {
        int cap = L->capcalled ? L->capcalled * 2 : 64;
        Called *v = arena_alloc(&L->ar, (size_t)cap * sizeof *v);
        if (L->ncalled) memcpy(v, L->called, (size_t)L->ncalled * sizeof *v);
        L->called = v;
        L->capcalled = cap;
    }
    Called *c = &L->called[L->ncalled++];
    c->f.name = n;
    c->f.len = l;
    c->f.arity = a;
    c->file = L->file;
    c->line = line;
    c->col = col;
}

/* no_guard_bif_clash/2 */
static int no_guard_bif_clash(Lint *L, const char *n, size_t l, int a)
{
    if (is_local(L, n, l, a)) return 0;
    const Import *im = imported(L, n, l, a);
    return !im || (im->modlen == 6 && memcmp(im->mod, "erlang", 6) == 0);
}

/* ================================================================ records */

static Record *find_record(Lint *L, const char *n, size_t l)
{
    for (int i = 0; i < L->nrecords; i++)
        if (L->records[i].len == l && memcmp(L->records[i].name, n, l) == 0)
            return &L->records[i];
    return NULL;
}

static Record *check_record(Lint *L, const Ast *at, const char *n, size_t l)
{
    Record *r = find_record(L, n, l);
    if (!r) {
        const char *q = qatom(L, n, l);
        err(L, at->line, at->col, "undefined_record", "record %s undefined", q);
    }
    return r;
}

static const Field *find_field(const Record *r, const Ast *f)
{
    for (int i = 0; i < r->n; i++)
        if (r->fields[i].name->name_len == f->name_len &&
            memcmp(r->fields[i].name->name, f->name, f->name_len) == 0)
            return &r->fields[i];
    return NULL;
}

static void undefined_field(Lint *L, const Ast *f, const Record *r)
{
    const char *qf = qatom(L, f->name, f->name_len), *qr = qatom(L, r->name, r->len);
    err(L, f->line, f->col, "undefined_field", "field %s undefined in record %s", qf, qr);
}

static void record_field_ref(Lint *L, const Ast *f, const Record *r)
{
    if (r && !find_field(r, f)) undefined_field(L, f, r);
}

/* ================================================================ partial evaluation */

/* erl_eval:partial_eval/1 as erl_lint uses it: does a constant arithmetic expression evaluate
 * to a number (an atom for a plain atom)? 1 number, 2 atom, 0 neither. Integers are followed
 * as long as they fit in 62 bits; beyond that they count as numbers (bignums are numbers) and
 * only division by zero and type errors make an expression not constant. */
typedef struct CVal {
    int kind;       /* 0 none, 1 integer, 2 float, 3 atom */
    int exact;      /* the integer value is known */
    int64_t i;
    double f;
} CVal;

static CVal cval(const Ast *e)
{
    CVal r = {0, 0, 0, 0};
    switch (e->kind) {
    case A_INTEGER:
        r.kind = 1;
        r.exact = e->big == NULL;
        r.i = e->ival;
        return r;
    case A_CHAR:
        r.kind = 1;
        r.exact = 1;
        r.i = e->ival;
        return r;
    case A_FLOAT:
        r.kind = 2;
        r.f = e->fval;
        return r;
    case A_ATOM: r.kind = 3; return r;
    case A_OP: {
        if (!is_arith_op(e)) return r;
        CVal a = cval(e->a);
        if (a.kind != 1 && a.kind != 2) return (CVal){0, 0, 0, 0};
        if (!e->b) {
            if (ast_name_is(e, "bnot") && a.kind != 1) return (CVal){0, 0, 0, 0};
            if (ast_name_is(e, "-")) {
                if (a.kind == 2) a.f = -a.f;
                else if (a.exact && a.i != INT64_MIN) a.i = -a.i;
                else a.exact = 0;
            } else if (ast_name_is(e, "bnot")) {
                a.i = ~a.i;
            }
            return a;
        }
        CVal b = cval(e->b);
        if (b.kind != 1 && b.kind != 2) return (CVal){0, 0, 0, 0};
        if (ast_name_is(e, "/")) {
            double x = a.kind == 1 ? (double)a.i : a.f, y = b.kind == 1 ? (double)b.i : b.f;
            if ((b.kind == 1 && b.exact && b.i == 0) || (b.kind == 2 && y == 0))
                return (CVal){0, 0, 0, 0};
            r.kind = 2;
            r.f = x / y;
            return r;
        }
        int intop = ast_name_is(e, "div") || ast_name_is(e, "rem") || ast_name_is(e, "band") ||
                    ast_name_is(e, "bor") || ast_name_is(e, "bxor") || ast_name_is(e, "bsl") ||
                    ast_name_is(e, "bsr");
        if (intop) {
            if (a.kind != 1 || b.kind != 1) return (CVal){0, 0, 0, 0};
            if ((ast_name_is(e, "div") || ast_name_is(e, "rem")) && b.exact && b.i == 0)
                return (CVal){0, 0, 0, 0};
            r.kind = 1;
            r.exact = 0;
            return r;
        }
        if (a.kind == 2 || b.kind == 2) {
            r.kind = 2;
            return r;
        }
        r.kind = 1;
        r.exact = 0;
        return r;
    }
    default: return r;
    }
}

/* is_pattern_expr_1/1: literals, tuples, lists and arithmetic of pattern expressions */
static int is_pattern_expr_1(const Ast *e)
{
    switch (e->kind) {
    case A_CHAR: case A_INTEGER: case A_FLOAT: case A_ATOM: case A_NIL: return 1;
    case A_TUPLE:
        for (int i = 0; i < e->l1.n; i++)
            if (!is_pattern_expr_1(e->l1.v[i]) || !cval(e->l1.v[i]).kind) return 0;
        return 1;
    case A_CONS:
        while (e->kind == A_CONS) {
            if (!is_pattern_expr_1(e->a)) return 0;
            e = e->b;
        }
        return is_pattern_expr_1(e);
    case A_OP:
        if (!is_arith_op(e)) return 0;
        return is_pattern_expr_1(e->a) && (!e->b || is_pattern_expr_1(e->b));
    default: return 0;
    }
}

static int is_pattern_expr(const Ast *e)
{
    if (!is_pattern_expr_1(e)) return 0;
    int k = cval(e).kind;
    return k == 1 || k == 2 || k == 3;
}

/* ================================================================ bit syntax */

typedef struct BitType {
    const char *type, *sign, *endian;
    int unit;   /* 0: undefined */
} BitType;

/* erl_bits:set_bit_type/2: NULL or the error text */
static const char *set_bit_type(Lint *L, const Ast *el, int *size_kind, BitType *bt)
{
    memset(bt, 0, sizeof *bt);
    for (int i = 0; i < el->l1.n; i++) {
        const Ast *t = el->l1.v[i];
        BitType n = {NULL, NULL, NULL, 0};
        const char *nm = t->name;
        if (t->flags & AF_HAS_VALUE) {
            if (ast_name_is(t, "unit") && !t->big && t->ival > 0 && t->ival <= 256) {
                n.unit = (int)t->ival;
            } else {
                StrBuf sb = STRBUF_INIT;
                sb_putc(&sb, '{');
                lex_write_atom(&sb, t->name, t->name_len);
                sb_printf(&sb, ",%s}", t->big ? t->big : "");
                if (!t->big) {
                    sb_truncate(&sb, sb.len - 1);
                    sb_printf(&sb, "%lld}", (long long)t->ival);
                }
                const char *r = arena_strdup(&L->ar, sb.data);
                sb_free(&sb);
                return r;
            }
        } else if (!strcmp(nm, "integer") || !strcmp(nm, "utf8") || !strcmp(nm, "utf16") ||
                   !strcmp(nm, "utf32") || !strcmp(nm, "float") || !strcmp(nm, "binary")) {
            n.type = nm;
        } else if (!strcmp(nm, "bytes")) {
            n.type = "binary", n.unit = 8;
        } else if (!strcmp(nm, "bitstring") || !strcmp(nm, "bits")) {
            n.type = "binary", n.unit = 1;
        } else if (!strcmp(nm, "big") || !strcmp(nm, "little") || !strcmp(nm, "native")) {
            n.endian = nm;
        } else if (!strcmp(nm, "signed") || !strcmp(nm, "unsigned")) {
            n.sign = nm;
        } else {
            return qatom(L, t->name, t->name_len);
        }
        if (i == 0) {
            *bt = n;
            continue;
        }
        /* merge_bittype(New, Acc): a field set in both must agree */
#define MERGE(f, what)                                                                        \
        if (n.f && bt->f && strcmp(n.f, bt->f) != 0) {                                       \
            StrBuf sb = STRBUF_INIT;                                                           \
            sb_printf(&sb, "\x01" "conflict in %s specification for bit field: '%s' and '%s'",   \
                      what, n.f, bt->f);                                                       \
            const char *r = arena_strdup(&L->ar, sb.data);                                     \
            sb_free(&sb);                                                                      \
            return r;                                                                          \
        }                                                                                      \
        if (n.f) bt->f = n.f;
        MERGE(endian, "endianness")
        MERGE(sign, "sign")
        MERGE(type, "type")
#undef MERGE
        if (n.unit && bt->unit && n.unit != bt->unit) {
            StrBuf sb = STRBUF_INIT;
            sb_printf(&sb, "\x01" "conflict in unit specification for bit field: '%d' and '%d'",
                      n.unit, bt->unit);
            const char *r = arena_strdup(&L->ar, sb.data);
            sb_free(&sb);
            return r;
        }
        if (n.unit) bt->unit = n.unit;
    }
    /* apply_defaults/5 */
    if (!bt->type) bt->type = "integer";
    int has_size = el->b != NULL;
    if (!strcmp(bt->type, "binary") && !has_size) {
        *size_kind = 2; /* all */
    } else if ((!strcmp(bt->type, "integer") || !strcmp(bt->type, "float")) && !has_size) {
        if (bt->unit) return "\x01" "a bit unit size must not be specified unless a size is "
                             "specified too";
        *size_kind = 1;
    } else if (!strncmp(bt->type, "utf", 3)) {
        if (has_size || bt->unit)
            return "\x01" "neither size nor unit must be given for segments of type "
                   "utf8/utf16/utf32";
        *size_kind = 3; /* undefined */
    } else {
        *size_kind = has_size ? 0 : 1;
    }
    return NULL;
}

/* ================================================================ checking */

static Vt expr(Lint *L, const Ast *e, Vt vt);
static Vt exprs(Lint *L, const AstList *es, Vt vt);
static Vt gexpr(Lint *L, const Ast *e, Vt vt);
static void pattern(Lint *L, const Ast *p, Vt vt, Vt old, Vt *pvt, Vt *pnew);
static Vt guard(Lint *L, const AstList *gs, Vt vt);

static int is_underscore(const Ast *v) { return v->name_len == 1 && v->name[0] == '_'; }

/* erl_lint:do_expr_var/4 (and pat_binsize_var/5 inside a binary pattern's size) */
static Vt expr_var(Lint *L, const Ast *v, Vt vt)
{
    if (L->bvt) {
        Var *n = vt_find(L->bvt, v->name, v->name_len);
        if (n && n->st == VS_BOUND) {
            Vt nb = vt_one(L, v->name, v->name_len, VS_BOUND, 1);
            *L->bvt = vt_merge(L, *L->bvt, nb);
            return VT0;
        }
    }
    Var *x = vt_find(&vt, v->name, v->name_len);
    if (!x) {
        unbound(L, v);
    } else if (x->st == VS_UNSAFE) {
        unsafe(L, v, x);
    } else if (x->st == VS_STACKTRACE) {
        if (!L->bvt) {
            const char *q = qatom(L, v->name, v->name_len);
            err(L, v->line, v->col, "stacktrace_guard",
                "stacktrace variable %s must not be used in a guard", q);
        }
    } else if (x->st == VS_EXPORT) {
        Vt r = vt_one(L, v->name, v->name_len, VS_EXPORT, 1);
        r.v[0].tag = x->tag;
        r.v[0].tl = x->tl;
        r.v[0].tc = x->tc;
        return r;
    }
    return vt_one(L, v->name, v->name_len, VS_BOUND, 1);
}

/* erl_lint:pat_var/5 */
static void pat_var(Lint *L, const Ast *v, Vt vt, Vt new_, Vt *pvt, Vt *pnew)
{
    *pvt = VT0;
    *pnew = VT0;
    if (vt_find(&new_, v->name, v->name_len)) {
        *pnew = vt_one(L, v->name, v->name_len, VS_BOUND, 1);
        return;
    }
    Var *x = vt_find(&vt, v->name, v->name_len);
    if (x) {
        if (x->st == VS_UNSAFE) unsafe(L, v, x);
        *pvt = vt_one(L, v->name, v->name_len, VS_BOUND, 1);
        return;
    }
    if (L->recdef_top) {
        const char *q = qatom(L, v->name, v->name_len);
        err(L, v->line, v->col, "variable_in_record_def", "variable %s in record definition", q);
    }
    *pnew = vt_one(L, v->name, v->name_len, VS_BOUND, 0);
}

/* check_fields/6 for patterns: '_' = P and field = P */
/* The checks every record field of a pattern or a construction gets (check_fields/6's
 * clauses before the value): the name is an atom or _, given once, and a field of r. 0
 * when the field was reported and its value is not to be checked; *uvt takes vt for a field
 * named by a variable, as erl_lint does. */
static int field_name_ok(Lint *L, const Ast *rec, int i, const Record *r, Vt vt, Vt *uvt)
{
    const Ast *f = rec->l1.v[i];
    const Ast *fn = f->a;
    int seen = 0;
    for (int k = 0; k < i; k++) {
        const Ast *g = rec->l1.v[k]->a;
        if (g->kind == fn->kind && g->name_len == fn->name_len &&
            memcmp(g->name, fn->name, fn->name_len) == 0)
            seen = 1;
    }
    if (fn->kind == A_VAR && !is_underscore(fn)) {
        const char *qf = qatom(L, fn->name, fn->name_len), *qr = qatom(L, r->name, r->len);
        err(L, fn->line, fn->col, "field_name_is_variable",
            "field %s is not an atom or _ in record %s", qf, qr);
        *uvt = vt_merge_pat(L, *uvt, vt);
        return 0;
    }
    if (seen) {
        if (fn->kind == A_VAR) {
            err_at(L, fn, "bad_multi_field_init", "'_' initializes no omitted fields");
        } else {
            const char *qf = qatom(L, fn->name, fn->name_len), *qr = qatom(L, r->name, r->len);
            err(L, f->line, f->col, "redefine_field", "field %s already defined in record %s",
                qf, qr);
        }
        return 0;
    }
    if (fn->kind == A_ATOM && !find_field(r, fn)) {
        undefined_field(L, fn, r);
        return 0;
    }
    return 1;
}

static void pattern_fields(Lint *L, const Ast *rec, const Record *r, Vt vt, Vt old, Vt *pvt,
                           Vt *pnew)
{
    Vt uvt = VT0, unew = VT0;
    for (int i = 0; i < rec->l1.n; i++) {
        const Ast *f = rec->l1.v[i];
        if (!field_name_ok(L, rec, i, r, vt, &uvt)) continue;
        Vt a, b;
        pattern(L, f->b, vt, old, &a, &b);
        uvt = vt_merge_pat(L, uvt, a);
        unew = vt_merge_pat(L, unew, b);
    }
    *pvt = uvt;
    *pnew = unew;
}

static const Ast *wildcard_of(const Ast *rec)
{
    for (int i = 0; i < rec->l1.n; i++)
        if (rec->l1.v[i]->a->kind == A_VAR && is_underscore(rec->l1.v[i]->a))
            return rec->l1.v[i]->a;
    return NULL;
}

/* check_multi_field_init/4: '_' = V with no field left for it */
static void check_multi_field_init(Lint *L, const Ast *rec, const Record *r)
{
    const Ast *w = wildcard_of(rec);
    if (!w) return;
    for (int i = 0; i < r->n; i++) {
        int given = 0;
        for (int k = 0; k < rec->l1.n; k++) {
            const Ast *g = rec->l1.v[k]->a;
            if (g->kind == A_ATOM && g->name_len == r->fields[i].name->name_len &&
                memcmp(g->name, r->fields[i].name->name, g->name_len) == 0)
                given = 1;
        }
        if (!given) return;
    }
    err_at(L, w, "bad_multi_field_init", "'_' initializes no omitted fields");
}

static void bit_type_error(Lint *L, const Ast *el, const char *e)
{
    if (e[0] == '\x01')
        err(L, el->line, el->col, "bittype", "%s", e + 1);
    else
        err(L, el->line, el->col, "undefined_bittype", "bit type %s undefined", e);
}

/* pattern_bin/4 */
static void pattern_bin(Lint *L, const Ast *bin, Vt vt, Vt old, Vt *pvt, Vt *pnew)
{
    Vt esvt = VT0, esnew = VT0;
    int prev_all = 0;
    const Ast *prev = NULL;
    for (int i = 0; i < bin->l1.n; i++) {
        const Ast *el = bin->l1.v[i];
        const Ast *e = el->a;
        if (e->kind == A_STRING) {
            int ok = !el->b && !(el->flags & AF_HAS_TSL);
            if (!ok && !el->b) /* good_string_size_type: default size with a utf type */
                for (int k = 0; k < el->l1.n; k++)
                    if (!strncmp(el->l1.v[k]->name, "utf", 3) && el->l1.v[k]->name_len == 5)
                        ok = 1;
            if (!ok) {
                err_at(L, el, "typed_literal_string",
                       "a literal string in a binary pattern must not have a type or a size");
                continue;
            }
        }
        Vt evt = VT0, enew = VT0;
        if (e->kind == A_VAR && !is_underscore(e)) {
            pat_var(L, e, old, esnew, &evt, &enew);
        } else if (e->kind == A_VAR || e->kind == A_STRING) {
        } else if (e->kind == A_BIN) {
            err_at(L, e, "illegal_pattern", "illegal pattern");
        } else if (!is_pattern_expr(e)) {
            err_at(L, e, "illegal_pattern", "illegal pattern");
        }
        Vt szvt = VT0, sznew = VT0;
        const Ast *sz = el->b;
        int size_unknown = 0;
        if (sz && sz->kind == A_VAR) {
            /* pat_binsize_var/5 */
            size_unknown = 1;
            if (vt_find(&esnew, sz->name, sz->name_len)) {
                sznew = vt_one(L, sz->name, sz->name_len, VS_BOUND, 1);
            } else {
                Var *x = vt_find(&vt, sz->name, sz->name_len);
                if (!x)
                    unbound(L, sz);
                else if (x->st == VS_UNSAFE)
                    unsafe(L, sz, x);
                szvt = vt_one(L, sz->name, sz->name_len, VS_BOUND, 1);
            }
        } else if (sz) {
            CVal c = cval(sz);
            if (!(c.kind == 1 && sz->kind == A_INTEGER)) {
                Vt bvt = esnew;
                Vt *save = L->bvt;
                L->bvt = &bvt;
                szvt = gexpr(L, sz, vt);
                L->bvt = save;
                sznew = bvt;
                size_unknown = 1;
            }
        }
        int size_kind;
        BitType bt;
        const char *be = set_bit_type(L, el, &size_kind, &bt);
        int all = 0;
        if (be) {
            bit_type_error(L, el, be);
        } else if (!size_unknown && size_kind == 2) {
            all = !(e->kind == A_STRING);
        }
        if (prev_all)
            err_at(L, prev, "unsized_binary_not_at_end",
                   "a binary field without size is only allowed at the end of a binary pattern");
        prev_all = all;
        prev = el;
        esvt = vt_merge(L, szvt, vt_merge(L, evt, esvt));
        esnew = vt_merge(L, sznew, vt_merge(L, esnew, enew));
    }
    *pvt = esvt;
    *pnew = esnew;
}

/* pattern_map/4: only K := V, keys are guard expressions */
static void pattern_map(Lint *L, const Ast *m, Vt vt, Vt old, Vt *pvt, Vt *pnew)
{
    Vt psvt = VT0, psnew = VT0;
    for (int i = 0; i < m->l1.n; i++) {
        const Ast *f = m->l1.v[i];
        if (f->kind == A_MAP_ASSOC) {
            err_at(L, f, "illegal_pattern", "illegal pattern");
            continue;
        }
        Vt kvt = gexpr(L, f->a, vt);
        Vt vvt, vnew;
        pattern(L, f->b, vt, old, &vvt, &vnew);
        psvt = vt_merge_pat(L, vt_merge_pat(L, kvt, vvt), psvt);
        psnew = vt_merge_pat(L, psnew, vnew);
    }
    *pvt = psvt;
    *pnew = psnew;
}

/* erl_lint:pattern/4. *pvt: variables of the outer scope the pattern uses; *pnew: the
 * variables it binds. */
static void pattern(Lint *L, const Ast *p, Vt vt, Vt old, Vt *pvt, Vt *pnew)
{
    *pvt = VT0;
    *pnew = VT0;
    switch (p->kind) {
    case A_VAR:
        if (!is_underscore(p)) pat_var(L, p, old, VT0, pvt, pnew);
        return;
    case A_CHAR: case A_INTEGER: case A_FLOAT: case A_ATOM: case A_STRING: case A_NIL:
        return;
    case A_CONS: {
        Vt a = VT0, b = VT0;
        while (p->kind == A_CONS) {
            Vt h, hn;
            pattern(L, p->a, vt, old, &h, &hn);
            a = vt_merge_pat(L, a, h);
            b = vt_merge_pat(L, b, hn);
            p = p->b;
        }
        Vt t, tn;
        pattern(L, p, vt, old, &t, &tn);
        *pvt = vt_merge_pat(L, a, t);
        *pnew = vt_merge_pat(L, b, tn);
        return;
    }
    case A_TUPLE: {
        Vt a = VT0, b = VT0;
        for (int i = 0; i < p->l1.n; i++) {
            Vt x, xn;
            pattern(L, p->l1.v[i], vt, old, &x, &xn);
            a = vt_merge_pat(L, x, a);
            b = vt_merge_pat(L, b, xn);
        }
        *pvt = a;
        *pnew = b;
        return;
    }
    case A_MAP:
        if (!p->a) {
            pattern_map(L, p, vt, old, pvt, pnew);
            return;
        }
        break;
    case A_RECORD_INDEX: {
        Record *r = check_record(L, p, p->name, p->name_len);
        record_field_ref(L, p->a, r);
        return;
    }
    case A_RECORD:
        if (!p->a) {
            Record *r = find_record(L, p->name, p->name_len);
            if (!r) {
                check_record(L, p, p->name, p->name_len);
                return;
            }
            check_multi_field_init(L, p, r);
            pattern_fields(L, p, r, vt, old, pvt, pnew);
            return;
        }
        break;
    case A_BIN:
        pattern_bin(L, p, vt, old, pvt, pnew);
        return;
    case A_OP:
        if (p->b && ast_name_is(p, "++")) {
            /* erl_lint strips the prefix's character cells one by one, each time giving the
             * rest the cell's location: a prefix that is not a string is illegal at the
             * last cell stripped ([$a | T] ++ "b": at the '['). */
            const Ast *l = p->a, *at = p;
            while (l->kind == A_CONS && (l->a->kind == A_CHAR || l->a->kind == A_INTEGER)) {
                at = l;
                l = l->b;
            }
            if (l->kind == A_NIL || l->kind == A_STRING) {
                pattern(L, p->b, vt, old, pvt, pnew);
                return;
            }
            if (at != p && !is_pattern_expr(p)) {
                err_at(L, at, "illegal_pattern", "illegal pattern");
                return;
            }
        }
        break;
    case A_MATCH: {
        Vt lv, ln, rv, rn;
        pattern(L, p->a, vt, old, &lv, &ln);
        pattern(L, p->b, vt, old, &rv, &rn);
        if (p->a->kind == A_BIN && p->b->kind == A_BIN)
            err_at(L, p->a, "illegal_bin_pattern",
                   "binary patterns cannot be matched in parallel using '='");
        *pvt = vt_merge_pat(L, lv, rv);
        *pnew = vt_merge_pat(L, ln, rn);
        return;
    }
    default: break;
    }
    if (!is_pattern_expr(p)) err_at(L, p, "illegal_pattern", "illegal pattern");
}

/* head/3 for function clauses (patterns in an empty scope) */
static void head(Lint *L, const AstList *ps, Vt vt, Vt old, Vt *hvt, Vt *hnew)
{
    Vt a = VT0, b = VT0;
    for (int i = 0; i < ps->n; i++) {
        Vt x, xn;
        pattern(L, ps->v[i], vt, old, &x, &xn);
        a = vt_merge_pat(L, a, x);
        b = vt_merge_pat(L, b, xn);
    }
    *hvt = a;
    *hnew = b;
}

/* ---- guards */

static Vt gexpr_list(Lint *L, const AstList *es, Vt vt)
{
    Vt r = VT0;
    for (int i = 0; i < es->n; i++) r = vt_merge(L, gexpr(L, es->v[i], vt), r);
    return r;
}

static Vt init_fields_g(Lint *L, const Ast *rec, const Record *r, Vt vt, int guard);

static Vt gexpr_call(Lint *L, const Ast *e, Vt vt)
{
    const Ast *f = e->a;
    int a = e->l1.n;
    if (f->kind == A_REMOTE && f->a->kind == A_ATOM && ast_name_is(f->a, "erlang") &&
        f->b->kind == A_ATOM) {
        if (ast_name_is(f->b, "is_record") && (a == 2 || a == 3)) {
            f = f->b; /* erlang:is_record/2,3 as the local form */
        } else {
            Vt r = gexpr_list(L, &e->l1, vt);
            int opok = 0;
            if (a == 1 || a == 2) {
                Ast tmp = *f->b;
                tmp.b = a == 2 ? (Ast *)f->b : NULL;
                opok = is_gexpr_op(&tmp);
            }
            if (!is_guard_bif(f->b->name, f->b->name_len, a) && !opok)
                err_at(L, e, "illegal_guard_expr", "illegal guard expression");
            return r;
        }
    }
    if (f->kind != A_ATOM) {
        gexpr_list(L, &e->l1, vt);
        err_at(L, e, "illegal_guard_expr", "illegal guard expression");
        return VT0;
    }
    if (ast_name_is(f, "is_record")) {
        if (a == 2 && e->l1.v[1]->kind == A_ATOM) {
            Vt r = gexpr(L, e->l1.v[0], vt);
            check_record(L, e->l1.v[1], e->l1.v[1]->name, e->l1.v[1]->name_len);
            return r;
        }
        if (a == 2) {
            Vt r = gexpr_list(L, &e->l1, vt);
            err_at(L, e, "illegal_guard_expr", "illegal guard expression");
            return r;
        }
        if (a == 3 && e->l1.v[1]->kind == A_ATOM && e->l1.v[2]->kind == A_INTEGER) {
            Vt r = gexpr(L, e->l1.v[0], vt);
            if (!no_guard_bif_clash(L, "is_record", 9, 3))
                err(L, e->line, e->col, "illegal_guard_local_call",
                    "call to local/imported function is_record/3 is illegal in guard");
            return r;
        }
        if (a == 3) {
            Vt r = gexpr_list(L, &e->l1, vt);
            err_at(L, e, "illegal_guard_expr", "illegal guard expression");
            return r;
        }
    }
    Vt r = gexpr_list(L, &e->l1, vt);
    if (is_guard_bif(f->name, f->name_len, a) && no_guard_bif_clash(L, f->name, f->name_len, a))
        return r;
    if (is_local(L, f->name, f->name_len, a) || imported(L, f->name, f->name_len, a)) {
        const char *q = qatom(L, f->name, f->name_len);
        err(L, e->line, e->col, "illegal_guard_local_call",
            "call to local/imported function %s/%d is illegal in guard", q, a);
    } else {
        err_at(L, e, "illegal_guard_expr", "illegal guard expression");
    }
    return r;
}

static Vt gexpr(Lint *L, const Ast *e, Vt vt)
{
    switch (e->kind) {
    case A_VAR: return expr_var(L, e, vt);
    case A_CHAR: case A_INTEGER: case A_FLOAT: case A_ATOM: case A_STRING: case A_NIL:
        return VT0;
    case A_CONS: {
        Vt r = VT0;
        while (e->kind == A_CONS) {
            r = vt_merge(L, gexpr(L, e->a, vt), r);
            e = e->b;
        }
        return vt_merge(L, gexpr(L, e, vt), r);
    }
    case A_TUPLE: return gexpr_list(L, &e->l1, vt);
    case A_MAP: {
        Vt svt = VT0;
        if (e->a) {
            svt = gexpr(L, e->a, vt);
        } else {
            for (int i = 0; i < e->l1.n; i++)
                if (e->l1.v[i]->kind == A_MAP_EXACT)
                    err_at(L, e->l1.v[i], "illegal_map_construction",
                           "only association operators '=>' are allowed in map construction");
        }
        Vt fvt = VT0;
        for (int i = e->l1.n - 1; i >= 0; i--) {
            Vt kv = vt_merge(L, gexpr(L, e->l1.v[i]->a, vt), gexpr(L, e->l1.v[i]->b, vt));
            fvt = vt_update(L, kv, fvt);
        }
        return e->a ? vt_merge(L, svt, fvt) : fvt;
    }
    case A_RECORD_INDEX: {
        Record *r = check_record(L, e, e->name, e->name_len);
        record_field_ref(L, e->a, r);
        return VT0;
    }
    case A_RECORD_ACCESS: {
        Vt rvt = gexpr(L, e->a, vt);
        Record *r = check_record(L, e, e->name, e->name_len);
        record_field_ref(L, e->b, r);
        return rvt;
    }
    case A_RECORD:
        if (!e->a) {
            Record *r = check_record(L, e, e->name, e->name_len);
            return r ? init_fields_g(L, e, r, vt, 1) : VT0;
        }
        break;
    case A_BIN: {
        Vt r = VT0;
        for (int i = 0; i < e->l1.n; i++) {
            const Ast *el = e->l1.v[i];
            Vt v1 = gexpr(L, el->a, vt);
            Vt v2 = VT0;
            if (el->b) v2 = gexpr(L, el->b, vt);
            int sk;
            BitType bt;
            const char *be = set_bit_type(L, el, &sk, &bt);
            if (be) bit_type_error(L, el, be);
            r = vt_merge(L, v2, vt_merge(L, v1, r));
        }
        return r;
    }
    case A_CALL: return gexpr_call(L, e, vt);
    case A_OP:
        if (!e->b) {
            Vt r = gexpr(L, e->a, vt);
            if (!is_gexpr_op(e)) err_at(L, e, "illegal_guard_expr", "illegal guard expression");
            return r;
        }
        {
            Vt r = vt_merge(L, gexpr(L, e->b, vt), gexpr(L, e->a, vt));
            if (!ast_name_is(e, "andalso") && !ast_name_is(e, "orelse") && !is_gexpr_op(e))
                err_at(L, e, "illegal_guard_expr", "illegal guard expression");
            return r;
        }
    default: break;
    }
    err_at(L, e, "illegal_guard_expr", "illegal guard expression");
    return VT0;
}

/* guard_test2/3: a type test called as a guard test */
static Vt guard_test(Lint *L, const Ast *g, Vt vt)
{
    if (g->kind == A_CALL && g->a->kind == A_ATOM) {
        const Ast *f = g->a;
        int a = g->l1.n;
        if (ast_name_is(f, "record") && a == 2) {
            Ast tmp = *g;
            Ast fa = *f;
            fa.name = "is_record";
            fa.name_len = 9;
            tmp.a = &fa;
            return gexpr(L, &tmp, vt);
        }
        if ((is_type_test(f->name, f->name_len, a) || is_old_type_test(f->name, f->name_len, a)) &&
            !(ast_name_is(f, "is_record") && a == 2)) {
            Vt r = gexpr_list(L, &g->l1, vt);
            if (!no_guard_bif_clash(L, f->name, f->name_len, a)) {
                const char *q = qatom(L, f->name, f->name_len);
                err(L, g->line, g->col, "illegal_guard_local_call",
                    "call to local/imported function %s/%d is illegal in guard", q, a);
            }
            return r;
        }
    }
    return gexpr(L, g, vt);
}

static Vt guard(Lint *L, const AstList *gs, Vt vt)
{
    /* guard/3 over the ';' alternatives, guard_tests/3 over each ',' sequence */
    Vt acc = VT0;
    for (int i = 0; i < gs->n; i++) {
        const AstList *ts = &gs->v[i]->l1;
        Vt seq = VT0, cur = vt;
        for (int k = 0; k < ts->n; k++) {
            Vt g = guard_test(L, ts->v[k], cur);
            cur = vt_update(L, g, cur);
            seq = vt_update(L, g, seq);
        }
        acc = vt_update(L, seq, acc);
        vt = vt_update(L, seq, vt);
    }
    return acc;
}

/* ---- expressions */

static Vt expr_list(Lint *L, const AstList *es, Vt vt)
{
    Vt r = VT0;
    for (int i = 0; i < es->n; i++) r = vt_merge_pat(L, expr(L, es->v[i], vt), r);
    return r;
}

/* check_fields/6 over a record's initialisers and then the defaults of the fields left out
 * (init_fields/6, ginit_fields/6); update_fields/5 when `defaults` is 0 */
static Vt check_fields(Lint *L, const Ast *rec, const Record *r, Vt vt, int guard_, int defaults)
{
    Vt uvt = VT0;
    for (int i = 0; i < rec->l1.n; i++) {
        const Ast *f = rec->l1.v[i];
        if (!field_name_ok(L, rec, i, r, vt, &uvt)) continue;
        Vt v = guard_ ? gexpr(L, f->b, vt) : expr(L, f->b, vt);
        uvt = vt_merge_pat(L, uvt, v);
    }
    if (defaults) {
        /* the defaults of the omitted fields are checked in this context too (a guard may
         * not call functions through a default) */
        for (int i = 0; i < r->n; i++) {
            int given = 0;
            for (int k = 0; k < rec->l1.n; k++) {
                const Ast *g = rec->l1.v[k]->a;
                if (g->kind == A_ATOM && g->name_len == r->fields[i].name->name_len &&
                    memcmp(g->name, r->fields[i].name->name, g->name_len) == 0)
                    given = 1;
            }
            if (given || !r->fields[i].dflt) continue;
            if (guard_) {
                /* ginit_fields: illegal defaults in a guard are reported at the record */
                int before = L->nerrors_probe;
                Diags *save = L->diags;
                Diags tmp = DIAGS_INIT;
                L->diags = &tmp;
                gexpr(L, r->fields[i].dflt, uvt);
                L->diags = save;
                if (tmp.errors)
                    for (size_t q = 0; q < tmp.n; q++)
                        if (strstr(tmp.v[q].msg, "illegal guard expression") ||
                            strstr(tmp.v[q].msg, "is illegal in guard"))
                            err(L, rec->line, rec->col, tmp.v[q].key, "%s", tmp.v[q].msg);
                diags_free(&tmp);
                L->nerrors_probe = before;
            }
        }
    }
    return uvt;
}

static Vt init_fields_g(Lint *L, const Ast *rec, const Record *r, Vt vt, int guard_)
{
    return check_fields(L, rec, r, vt, guard_, 1);
}

/* icrt_export/4: the variables a set of clauses binds, seen from after the construct */
static Vt icrt_export(Lint *L, Vt *vts, int nclauses, Vt vt, const char *tag, int tl, int tc)
{
    /* all clause tables merged, name by name */
    int total = 0;
    for (int i = 0; i < nclauses; i++) total += vts[i].n;
    Vt r = vt_alloc(L, total);
    int *pos = arena_alloc(&L->ar, (size_t)(nclauses ? nclauses : 1) * sizeof *pos);
    for (;;) {
        const Var *min = NULL;
        for (int i = 0; i < nclauses; i++)
            if (pos[i] < vts[i].n &&
                (!min || name_cmp(vts[i].v[pos[i]].name, vts[i].v[pos[i]].len, min->name,
                                  min->len) < 0))
                min = &vts[i].v[pos[i]];
        if (!min) break;
        const char *name = min->name;
        size_t len = min->len;
        /* the entries for this name, one per clause that has it */
        int count = 0, any_unsafe = 0, n_unsafe = 0, all_export = 1, used = 1;
        const Var *first_unsafe = NULL;
        Var exp_state = {0};
        int have_exp = 0;
        for (int i = 0; i < nclauses; i++) {
            if (pos[i] < vts[i].n && vts[i].v[pos[i]].len == len &&
                memcmp(vts[i].v[pos[i]].name, name, len) == 0) {
                const Var *v = &vts[i].v[pos[i]];
                count++;
                if (v->st == VS_UNSAFE) {
                    any_unsafe = 1;
                    n_unsafe++;
                    if (!first_unsafe) first_unsafe = v;
                }
                if (v->st != VS_EXPORT) all_export = 0;
                if (v->st == VS_EXPORT && !have_exp) exp_state = *v, have_exp = 1;
                if (!v->used) used = 0;
                pos[i]++;
            }
        }
        Var out = {0};
        out.name = name;
        out.len = len;
        Var *outer = vt_find(&vt, name, len);
        if (outer) {
            if (outer->st == VS_EXPORT && all_export && count > 0) {
                /* merge_state over the exported states: the first export stays */
                out = *outer;
                out.used = 1;
                (void)exp_state;
            } else {
                out.st = VS_BOUND;
                out.used = 1;
            }
        } else {
            if (n_unsafe > 1) {
                out.st = VS_UNSAFE;
                out.tag = tag, out.tl = tl, out.tc = tc;
            } else if (any_unsafe) {
                out = *first_unsafe;
                out.name = name;
                out.len = len;
            } else {
                out.st = VS_EXPORT;
                out.tag = tag, out.tl = tl, out.tc = tc;
            }
            if (count != nclauses) {
                out.st = VS_UNSAFE;
                out.tag = tag, out.tl = tl, out.tc = tc;
            }
            out.used = used;
        }
        r.v[r.n++] = out;
    }
    return r;
}

/* icrt_clause/3 */
static Vt icrt_clause(Lint *L, const Ast *c, Vt vt0)
{
    Vt hvt, hnew;
    head(L, &c->l1, vt0, vt0, &hvt, &hnew);
    Vt vt1 = vt_update(L, hvt, hnew);
    Vt gvt = guard(L, &c->l2, vt_update(L, vt1, vt0));
    Vt vt2 = vt_update(L, gvt, vt1);
    Vt bvt = exprs(L, &c->l3, vt_update(L, vt2, vt0));
    return vt_update(L, bvt, vt2);
}

static Vt icrt_clauses(Lint *L, const AstList *cs, Vt vt, const char *tag, const Ast *at)
{
    Vt *vts = arena_alloc(&L->ar, (size_t)(cs->n ? cs->n : 1) * sizeof *vts);
    for (int i = 0; i < cs->n; i++) vts[i] = icrt_clause(L, cs->v[i], vt);
    return icrt_export(L, vts, cs->n, vt, tag, at->line, at->col);
}

/* catch_clause/3: the stacktrace variable may not be used in the guard */
static Vt catch_clause(Lint *L, const Ast *c, Vt vt0)
{
    Vt hvt, hnew;
    head(L, &c->l1, vt0, vt0, &hvt, &hnew);
    Vt vt1 = vt_update(L, hvt, hnew);
    Vt gvt0 = vt_update(L, vt1, vt0);
    const Ast *tuple = c->l1.v[0];
    const Ast *stack = tuple->kind == A_TUPLE && tuple->l1.n == 3 ? tuple->l1.v[2] : NULL;
    if (stack && stack->kind == A_VAR && !is_underscore(stack)) {
        Var *x = vt_find(&vt0, stack->name, stack->name_len);
        if (x && x->used) {
            const char *q = qatom(L, stack->name, stack->name_len);
            err(L, stack->line, stack->col, "stacktrace_bound",
                "stacktrace variable %s must not be previously bound", q);
        }
        gvt0 = vt_update(L, vt_one(L, stack->name, stack->name_len, VS_STACKTRACE, 0), gvt0);
    }
    Vt gvt = guard(L, &c->l2, gvt0);
    Vt vt2 = vt_update(L, gvt, vt1);
    Vt bvt = exprs(L, &c->l3, vt_update(L, vt2, vt0));
    return vt_update(L, bvt, vt2);
}

static Vt fun_clauses(Lint *L, const AstList *cs, Vt vt)
{
    int save = L->recdef_top;
    L->recdef_top = 0;
    Vt bvt = VT0;
    for (int i = 0; i < cs->n; i++) {
        const Ast *c = cs->v[i];
        Vt hvt, hnew;
        head(L, &c->l1, vt, VT0, &hvt, &hnew);
        Vt vt1 = vt_update(L, hvt, vt);
        Vt vt2 = vt_update(L, vt_new(L, vt1, hnew), hnew);
        Vt gvt = guard(L, &c->l2, vt2);
        Vt vt3 = vt_update(L, gvt, vt2);
        Vt b = exprs(L, &c->l3, vt3);
        Vt cvt = vt_update(L, b, vt3);
        Vt svt = vt_old(L, vt1, hnew);
        Vt vt4 = vt_merge(L, svt, vt_new(L, cvt, svt));
        bvt = vt_merge(L, vt_old(L, vt4, vt), bvt);
    }
    L->recdef_top = save;
    return vt_no_unsafe_unused(L, vt_old(L, bvt, vt));
}

/* handle_comprehension/4 */
static Vt comprehension(Lint *L, const Ast *e, Vt vt0)
{
    int save = L->recdef_top;
    L->recdef_top = 0;
    Vt vt = vt0, uvt = VT0;
    for (int i = 0; i < e->l1.n; i++) {
        const Ast *q = e->l1.v[i];
        if (q->kind == A_GENERATE || q->kind == A_B_GENERATE) {
            if (q->kind == A_B_GENERATE && q->a->kind == A_BIN && q->a->l1.n) {
                const Ast *last = q->a->l1.v[q->a->l1.n - 1];
                if (!last->b && (last->flags & AF_HAS_TSL))
                    for (int k = 0; k < last->l1.n; k++) {
                        const Ast *t = last->l1.v[k];
                        if (!(t->flags & AF_HAS_VALUE) &&
                            (ast_name_is(t, "binary") || ast_name_is(t, "bytes") ||
                             ast_name_is(t, "bits") || ast_name_is(t, "bitstring"))) {
                            err_at(L, last, "unsized_binary_in_bin_gen_pattern",
                                   "binary fields without size are not allowed in patterns "
                                   "of bit string generators");
                            break;
                        }
                    }
            }
            /* handle_generator/5 */
            Vt evt = expr(L, q->b, vt);
            Vt vt1 = vt_update(L, vt_old(L, evt, vt), vt);
            Vt pvt, pnew;
            pattern(L, q->a, vt1, VT0, &pvt, &pnew);
            Vt vt2 = vt_update(L, pvt, vt1);
            Vt svt = vt_old(L, vt2, pnew);
            uvt = vt_update(L, vt_new(L, svt, uvt), uvt);
            vt = vt_update(L, vt_new(L, vt2, pnew), pnew);
        } else {
            Vt fvt = expr(L, q, vt);
            vt = vt_update(L, fvt, vt);
        }
    }
    Vt evt = expr(L, e->a, vt);
    Vt vt2 = vt_update(L, evt, vt);
    Vt vt3 = vt_merge(L, vt_new(L, vt2, uvt), uvt);
    L->recdef_top = save;
    return vt_no_unsafe_unused(L, vt_old(L, vt3, vt0));
}

static Vt expr_call(Lint *L, const Ast *e, Vt vt)
{
    const Ast *f = e->a;
    int a = e->l1.n;
    if (f->kind == A_ATOM && ast_name_is(f, "is_record") && a == 2 &&
        e->l1.v[1]->kind == A_ATOM) {
        Vt r = expr(L, e->l1.v[0], vt);
        check_record(L, e->l1.v[1], e->l1.v[1]->name, e->l1.v[1]->name_len);
        return r;
    }
    if (f->kind == A_REMOTE) {
        if (f->a->kind == A_ATOM && ast_name_is(f->a, "erlang") && f->b->kind == A_ATOM &&
            ast_name_is(f->b, "is_record") && a == 2 && e->l1.v[1]->kind == A_ATOM) {
            Vt r = expr(L, e->l1.v[0], vt);
            check_record(L, e->l1.v[1], e->l1.v[1]->name, e->l1.v[1]->name_len);
            return r;
        }
        if (f->a->kind == A_ATOM && f->b->kind == A_ATOM) return expr_list(L, &e->l1, vt);
        AstList all = {0};
        ast_push(&L->ar, &all, f->a);
        ast_push(&L->ar, &all, f->b);
        for (int i = 0; i < a; i++) ast_push(&L->ar, &all, e->l1.v[i]);
        return expr_list(L, &all, vt);
    }
    if (f->kind == A_ATOM) {
        Vt r = expr_list(L, &e->l1, vt);
        int is_local_ = is_local(L, f->name, f->name_len, a);
        int auto_bif = is_bif(f->name, f->name_len, a);
        int suppressed = auto_suppressed(L, f->name, f->name_len, a);
        const Import *im = imported(L, f->name, f->name_len, a);
        if (!is_local_ && !im && auto_bif && !suppressed) return r;
        if (im) return r;
        if (ast_name_is(f, "record_info") && a == 2) {
            const Ast *i0 = e->l1.v[0], *i1 = e->l1.v[1];
            if (i0->kind == A_ATOM && i1->kind == A_ATOM) {
                if (ast_name_is(i0, "fields") || ast_name_is(i0, "size"))
                    check_record(L, f, i1->name, i1->name_len);
                else
                    err_at(L, i0, "illegal_record_info", "illegal record info");
            } else {
                err_at(L, e, "illegal_record_info", "illegal record info");
            }
            return r;
        }
        if (!suppressed && auto_bif && is_old_bif(f->name, f->name_len, a)) {
            const char *q = qatom(L, f->name, f->name_len);
            err(L, e->line, e->col, "call_to_redefined_old_bif",
                "ambiguous call of overridden pre R14 auto-imported BIF %s/%d\n"
                " - use erlang:%s/%d or \"-compile({no_auto_import,[%s/%d]}).\" to resolve "
                "name clash",
                q, a, q, a, q, a);
        }
        if (!(L->func.arity == a && L->func.len == f->name_len &&
              memcmp(L->func.name, f->name, f->name_len) == 0))
            call_function(L, f->name, f->name_len, a, e->line, e->col);
        return r;
    }
    AstList all = {0};
    ast_push(&L->ar, &all, (Ast *)f);
    for (int i = 0; i < a; i++) ast_push(&L->ar, &all, e->l1.v[i]);
    return expr_list(L, &all, vt);
}

static Vt expr(Lint *L, const Ast *e, Vt vt)
{
    switch (e->kind) {
    case A_VAR: return expr_var(L, e, vt);
    case A_CHAR: case A_INTEGER: case A_FLOAT: case A_ATOM: case A_STRING: case A_NIL:
        return VT0;
    case A_CONS: {
        Vt r = VT0;
        while (e->kind == A_CONS) {
            r = vt_merge_pat(L, expr(L, e->a, vt), r);
            e = e->b;
        }
        return vt_merge_pat(L, expr(L, e, vt), r);
    }
    case A_LC: case A_BC: return comprehension(L, e, vt);
    case A_TUPLE: return expr_list(L, &e->l1, vt);
    case A_MAP: {
        Vt svt = VT0;
        if (e->a) {
            svt = expr(L, e->a, vt);
        } else {
            for (int i = 0; i < e->l1.n; i++)
                if (e->l1.v[i]->kind == A_MAP_EXACT)
                    err_at(L, e->l1.v[i], "illegal_map_construction",
                           "only association operators '=>' are allowed in map construction");
        }
        Vt fvt = VT0;
        for (int i = e->l1.n - 1; i >= 0; i--) {
            AstList kv = {0};
            ast_push(&L->ar, &kv, e->l1.v[i]->a);
            ast_push(&L->ar, &kv, e->l1.v[i]->b);
            fvt = vt_update(L, expr_list(L, &kv, vt), fvt);
        }
        return e->a ? vt_update(L, svt, fvt) : fvt;
    }
    case A_RECORD_INDEX: {
        Record *r = check_record(L, e, e->name, e->name_len);
        record_field_ref(L, e->a, r);
        return VT0;
    }
    case A_RECORD:
        if (!e->a) {
            Record *r = check_record(L, e, e->name, e->name_len);
            return r ? check_fields(L, e, r, vt, 0, 1) : VT0;
        } else {
            Vt rvt = expr(L, e->a, vt);
            Record *r = check_record(L, e, e->name, e->name_len);
            Vt u = r ? check_fields(L, e, r, vt, 0, 0) : VT0;
            const Ast *w = wildcard_of(e);
            if (w) {
                const char *q = qatom(L, e->name, e->name_len);
                err(L, w->line, w->col, "wildcard_in_update",
                    "meaningless use of _ in update of record %s", q);
                return VT0;
            }
            return vt_merge(L, rvt, u);
        }
    case A_RECORD_ACCESS: {
        Vt rvt = expr(L, e->a, vt);
        Record *r = check_record(L, e, e->name, e->name_len);
        record_field_ref(L, e->b, r);
        return rvt;
    }
    case A_BIN: {
        Vt r = VT0;
        for (int i = 0; i < e->l1.n; i++) {
            const Ast *el = e->l1.v[i];
            Vt v1 = expr(L, el->a, vt);
            Vt v2 = VT0;
            if (el->b && !(el->b->kind == A_ATOM && ast_name_is(el->b, "all")))
                v2 = expr(L, el->b, vt);
            int sk;
            BitType bt;
            const char *be = set_bit_type(L, el, &sk, &bt);
            if (be) bit_type_error(L, el, be);
            r = vt_merge(L, v2, vt_merge(L, v1, r));
        }
        return r;
    }
    case A_BLOCK: return exprs(L, &e->l1, vt);
    case A_IF: return icrt_clauses(L, &e->l1, vt, "if", e);
    case A_CASE: {
        Vt evt = expr(L, e->a, vt);
        Vt cvt = icrt_clauses(L, &e->l1, vt_update(L, evt, vt), "case", e);
        return vt_merge(L, evt, cvt);
    }
    case A_RECEIVE: {
        if (!(e->flags & AF_AFTER)) return icrt_clauses(L, &e->l1, vt, "receive", e);
        Vt tvt = expr(L, e->a, vt);
        Vt tevt = exprs(L, &e->l2, vt);
        Vt *vts = arena_alloc(&L->ar, (size_t)(e->l1.n + 1) * sizeof *vts);
        vts[0] = tevt;
        for (int i = 0; i < e->l1.n; i++) vts[i + 1] = icrt_clause(L, e->l1.v[i], vt);
        Vt rvt = icrt_export(L, vts, e->l1.n + 1, vt, "receive", e->line, e->col);
        return vt_merge(L, rvt, vt_merge(L, tevt, vt_merge(L, tvt, VT0)));
    }
    case A_FUN_LOCAL:
        if (!e->big && ast_name_is(e, "record_info") && e->ival == 2) {
            err_at(L, e, "illegal_record_info", "illegal record info");
        } else if (!e->big && e->ival <= INT_MAX) {
            int a = (int)e->ival;
            int bif = !is_local(L, e->name, e->name_len, a) && is_bif(e->name, e->name_len, a) &&
                      !auto_suppressed(L, e->name, e->name_len, a);
            if (!bif) call_function(L, e->name, e->name_len, a, e->line, e->col);
        }
        return VT0;
    case A_FUN_REMOTE: {
        AstList all = {0};
        ast_push(&L->ar, &all, e->a);
        ast_push(&L->ar, &all, e->b);
        ast_push(&L->ar, &all, e->c);
        return expr_list(L, &all, vt);
    }
    case A_FUN: return fun_clauses(L, &e->l1, vt);
    case A_NAMED_FUN: {
        Vt nvt0 = vt_one(L, e->name, e->name_len, VS_BOUND, 0);
        Vt nvt1 = vt_update(L, vt_new(L, vt, nvt0), nvt0);
        Vt csvt = fun_clauses(L, &e->l1, nvt1);
        return vt_old(L, csvt, vt);
    }
    case A_CALL: return expr_call(L, e, vt);
    case A_TRY: {
        Vt evt0 = exprs(L, &e->l1, vt);
        Vt uvt = vt_unsafe(L, "try", e->line, e->col, evt0, vt);
        Vt inner = vt_update(L, evt0, vt);
        Vt *vts = arena_alloc(&L->ar, (size_t)(e->l2.n + e->l3.n + 1) * sizeof *vts);
        int nv = 0;
        for (int i = 0; i < e->l2.n; i++) vts[nv++] = icrt_clause(L, e->l2.v[i], inner);
        for (int i = 0; i < e->l3.n; i++)
            vts[nv++] = catch_clause(L, e->l3.v[i], vt_update(L, uvt, inner));
        Vt sccs = icrt_export(L, vts, nv, inner, "try", e->line, e->col);
        Vt evt1 = vt_update(L, uvt, evt0);
        Vt rvt1 = vt_update(L, vt_unsafe(L, "try", e->line, e->col, sccs, vt), sccs);
        Vt evt2 = vt_merge(L, evt1, rvt1);
        Vt avt0 = exprs(L, &e->l4, vt_update(L, evt2, vt));
        Vt avt1 = vt_update(L, vt_unsafe(L, "try", e->line, e->col, avt0, vt), avt0);
        return vt_merge(L, evt2, avt1);
    }
    case A_CATCH: {
        Vt evt = expr(L, e->a, vt);
        return vt_update(L, vt_unsafe(L, "catch", e->line, e->col, evt, vt), evt);
    }
    case A_MATCH: {
        Vt evt = expr(L, e->b, vt);
        Vt pvt, pnew;
        pattern(L, e->a, vt_update(L, evt, vt), vt_update(L, evt, vt), &pvt, &pnew);
        /* reject_invalid_alias_expr/4: <<...>> = <<...>> = E */
        const Ast *p0 = e->a, *rhs = e->b;
        while ((p0->kind == A_BIN || p0->kind == A_MAP || p0->kind == A_MATCH) &&
               rhs->kind == A_MATCH) {
            if (p0->kind == A_BIN && rhs->a->kind == A_BIN)
                err_at(L, p0, "illegal_bin_pattern",
                       "binary patterns cannot be matched in parallel using '='");
            rhs = rhs->b;
        }
        return vt_update(L, pnew, vt_merge(L, evt, pvt));
    }
    case A_OP:
        if (!e->b) return expr(L, e->a, vt);
        if (ast_name_is(e, "andalso") || ast_name_is(e, "orelse")) {
            Vt evt1 = expr(L, e->a, vt);
            Vt vt1 = vt_update(L, evt1, vt);
            Vt evt2 = expr(L, e->b, vt1);
            Vt evt3 = vt_update(L, vt_unsafe(L, e->name, e->line, e->col, evt2, vt1), evt2);
            return vt_merge(L, evt1, evt3);
        } else {
            AstList lr = {0};
            ast_push(&L->ar, &lr, e->a);
            ast_push(&L->ar, &lr, e->b);
            return expr_list(L, &lr, vt);
        }
    case A_REMOTE: {
        AstAnno a;
        ast_first_anno(e->a, &a);
        err(L, a.line, a.col, "illegal_expr", "illegal expression");
        return VT0;
    }
    default:
        err_at(L, e, "illegal_expr", "illegal expression");
        return VT0;
    }
}

static Vt exprs(Lint *L, const AstList *es, Vt vt)
{
    Vt acc = VT0;
    for (int i = 0; i < es->n; i++) {
        Vt evt = expr(L, es->v[i], vt);
        vt = vt_update(L, evt, vt);
        acc = vt_update(L, evt, acc);
    }
    return acc;
}

/* ================================================================ forms */

static void add_func(Lint *L, Func **v, int *n, int *cap, Func f)
{
    if (*n == *cap) {
        int c = *cap ? *cap * 2 : 32;
        Func *nv = arena_alloc(&L->ar, (size_t)c * sizeof *nv);
        if (*n) memcpy(nv, *v, (size_t)*n * sizeof *nv);
        *v = nv;
        *cap = c;
    }
    (*v)[(*n)++] = f;
}

static void function(Lint *L, const Ast *fn)
{
    L->func = (Func){fn->name, fn->name_len, fn->arity};
    const char *q = qatom(L, fn->name, fn->name_len);
    if (func_in(L->defined, L->ndefined, fn->name, fn->name_len, fn->arity)) {
        err(L, fn->line, fn->col, "redefine_function", "function %s/%d already defined", q,
            fn->arity);
    } else {
        if (fn->arity > 255)
            err(L, fn->line, fn->col, "too_many_arguments",
                "too many arguments (%d) - maximum allowed is 255", fn->arity);
        add_func(L, &L->defined, &L->ndefined, &L->capdefined,
                 (Func){fn->name, fn->name_len, fn->arity});
        if (imported(L, fn->name, fn->name_len, fn->arity))
            err(L, fn->line, fn->col, "define_import", "defining imported function %s/%d", q,
                fn->arity);
    }
    for (int i = 0; i < fn->l1.n; i++) {
        const Ast *c = fn->l1.v[i];
        Vt hvt, hnew;
        head(L, &c->l1, VT0, VT0, &hvt, &hnew);
        Vt vt1 = vt_update(L, hvt, hnew);
        Vt gvt = guard(L, &c->l2, vt1);
        Vt vt2 = vt_update(L, gvt, vt1);
        exprs(L, &c->l3, vt2);
    }
}

static void record_def(Lint *L, const Ast *a)
{
    if (find_record(L, a->name2, a->name2_len)) {
        const char *q = qatom(L, a->name2, a->name2_len);
        err(L, a->line, a->col, "redefine_record", "record %s already defined", q);
        return;
    }
    Field *fs = arena_alloc(&L->ar, (size_t)(a->l1.n ? a->l1.n : 1) * sizeof *fs);
    int n = 0;
    for (int i = 0; i < a->l1.n; i++) {
        const Ast *f = a->l1.v[i];
        int dup = 0;
        for (int k = 0; k < n; k++)
            if (fs[k].name->name_len == f->a->name_len &&
                memcmp(fs[k].name->name, f->a->name, f->a->name_len) == 0)
                dup = 1;
        if (dup) {
            const char *qf = qatom(L, f->a->name, f->a->name_len);
            const char *qr = qatom(L, a->name2, a->name2_len);
            err(L, f->line, f->col, "redefine_field", "field %s already defined in record %s", qf,
                qr);
            continue;
        }
        const Ast *d = f->b;
        if (d) {
            int before = L->nerrors_probe;
            L->recdef_top = 1;
            Func save_func = L->func;
            L->func = (Func){NULL, 0, -1};
            expr(L, d, VT0);
            L->func = save_func;
            L->recdef_top = 0;
            if (L->nerrors_probe != before) d = NULL; /* NV = {atom, Aa, undefined} */
        }
        fs[n].name = f->a;
        fs[n].dflt = d;
        n++;
    }
    if (L->nrecords == L->caprecords) {
        int c = L->caprecords ? L->caprecords * 2 : 16;
        Record *v = arena_alloc(&L->ar, (size_t)c * sizeof *v);
        if (L->nrecords) memcpy(v, L->records, (size_t)L->nrecords * sizeof *v);
        L->records = v;
        L->caprecords = c;
    }
    Record *r = &L->records[L->nrecords++];
    r->name = a->name2;
    r->len = a->name2_len;
    r->fields = fs;
    r->n = n;
}

static void import(Lint *L, const Ast *a)
{
    for (int i = 0; i < a->l1.n; i++) {
        const Ast *f = a->l1.v[i];
        int ar = (int)f->ival;
        const Import *old = imported(L, f->name, f->name_len, ar);
        if (old) {
            const char *q = qatom(L, f->name, f->name_len);
            const char *m = qatom(L, old->mod, old->modlen);
            err(L, a->line, a->col, "redefine_import", "function %s/%d already imported from %s",
                q, ar, m);
            continue;
        }
        if (is_bif(f->name, f->name_len, ar) && is_old_bif(f->name, f->name_len, ar) &&
            !auto_suppressed(L, f->name, f->name_len, ar)) {
            const char *q = qatom(L, f->name, f->name_len);
            err(L, a->line, a->col, "redefine_old_bif_import",
                "import directive overrides pre R14 auto-imported BIF %s/%d\n"
                " - use \"-compile({no_auto_import,[%s/%d]}).\" to resolve name clash",
                q, ar, q, ar);
        }
        if (L->nimports == L->capimports) {
            int c = L->capimports ? L->capimports * 2 : 16;
            Import *v = arena_alloc(&L->ar, (size_t)c * sizeof *v);
            if (L->nimports) memcpy(v, L->imports, (size_t)L->nimports * sizeof *v);
            L->imports = v;
            L->capimports = c;
        }
        Import *im = &L->imports[L->nimports++];
        im->f = (Func){f->name, f->name_len, ar};
        im->mod = a->name2;
        im->modlen = a->name2_len;
    }
}

/* -compile({no_auto_import, [F/A]}) and -compile(no_auto_import) (auto_import_suppressed/1) */
static void scan_compile(Lint *L, const Ast *v)
{
    if (v->kind == A_ATOM && ast_name_is(v, "no_auto_import")) {
        L->no_auto_all = 1;
        return;
    }
    if (v->kind == A_CONS) {
        for (const Ast *p = v; p->kind == A_CONS; p = p->b) scan_compile(L, p->a);
        return;
    }
    if (v->kind == A_TUPLE && v->l1.n == 2 && v->l1.v[0]->kind == A_ATOM &&
        ast_name_is(v->l1.v[0], "no_auto_import")) {
        const Ast *p = v->l1.v[1];
        for (;;) {
            const Ast *x = p->kind == A_CONS ? p->a : p;
            const Ast *fn = NULL, *ar = NULL;
            if (x->kind == A_OP && x->b && ast_name_is(x, "/")) /* F/A, or {F, A} */
                fn = x->a, ar = x->b;
            else if (x->kind == A_TUPLE && x->l1.n == 2)
                fn = x->l1.v[0], ar = x->l1.v[1];
            if (fn && fn->kind == A_ATOM && ar->kind == A_INTEGER && !ar->big) {
                Func f = {fn->name, fn->name_len, (int)ar->ival};
                Func *nv = arena_alloc(&L->ar, (size_t)(L->nno_auto + 1) * sizeof *nv);
                if (L->nno_auto) memcpy(nv, L->no_auto, (size_t)L->nno_auto * sizeof *nv);
                nv[L->nno_auto++] = f;
                L->no_auto = nv;
            }
            if (p->kind != A_CONS) break;
            p = p->b;
        }
    }
}

void check_module(const char *file, const AstList *forms, Arena *ar, Diags *diags)
{
    (void)ar;
    Lint L;
    memset(&L, 0, sizeof L);
    L.diags = diags;
    L.file = file;
    L.func.arity = -1;
    /* erl_lint defines module_info/0,1 before the first form (the compiler adds them). */
    for (int a = 0; a < 2; a++)
        add_func(&L, &L.defined, &L.ndefined, &L.capdefined, (Func){"module_info", 11, a});
    /* local_functions/1 and the compile options */
    int cap = 0;
    for (int i = 0; i < forms->n; i++) {
        const Ast *f = forms->v[i];
        if (f->kind == A_FUNCTION)
            add_func(&L, &L.locals, &L.nlocals, &cap, (Func){f->name, f->name_len, f->arity});
        else if (f->kind == A_ATTRIBUTE && f->attr == ATTR_TERM && ast_name_is(f, "compile"))
            scan_compile(&L, f->a);
    }
    for (int i = 0; i < forms->n; i++) {
        const Ast *f = forms->v[i];
        if (f->kind == A_ATTRIBUTE && f->attr == ATTR_FILE) {
            StrBuf sb = STRBUF_INIT;
            for (size_t k = 0; k < f->slen; k++) lex_put_utf8(&sb, f->str[k]);
            L.file = arena_strdup(&L.ar, sb.data ? sb.data : "");
            sb_free(&sb);
            continue;
        }
        if (f->kind == A_ATTRIBUTE && ast_name_is(f, "compile")) continue;
        if (L.state == ST_START) {
            if (f->kind == A_ATTRIBUTE && f->attr == ATTR_MODULE) {
                L.state = ST_ATTR;
                L.have_module = 1;
                if (f->flags & AF_PMOD)
                    err(&L, f->line, f->col, "pmod_unsupported",
                        "parameterized modules are no longer supported");
                continue;
            }
            err(&L, f->line, f->col, "undefined_module", "no module definition");
            L.state = ST_ATTR;
        }
        if (f->kind == A_ATTRIBUTE && L.state == ST_ATTR) {
            switch (f->attr) {
            case ATTR_MODULE: err(&L, f->line, f->col, "redefine_module", "redefining module"); break;
            case ATTR_EXPORT:
                for (int k = 0; k < f->l1.n; k++) {
                    const Ast *x = f->l1.v[k];
                    if (x->ival >= 0 && x->ival <= INT_MAX)
                        call_function(&L, x->name, x->name_len, (int)x->ival, f->line, f->col);
                }
                break;
            case ATTR_IMPORT: import(&L, f); break;
            case ATTR_RECORD: record_def(&L, f); break;
            default: break;
            }
            continue;
        }
        if (f->kind == A_ATTRIBUTE) {
            if (f->attr == ATTR_RECORD) {
                record_def(&L, f);
            } else if (f->attr != ATTR_TYPE && f->attr != ATTR_OPAQUE && f->attr != ATTR_SPEC &&
                       !ast_name_is(f, "dialyzer")) {
                const char *q = qatom(&L, f->name, f->name_len);
                err(&L, f->line, f->col, "attribute", "attribute %s after function definitions", q);
            }
            continue;
        }
        if (f->kind == A_FUNCTION) {
            L.state = ST_FUNC;
            function(&L, f);
        }
    }
    /* check_undefined_functions/1 */
    for (int i = 0; i < L.ncalled; i++) {
        const Called *c = &L.called[i];
        if (func_in(L.defined, L.ndefined, c->f.name, c->f.len, c->f.arity)) continue;
        const char *q = qatom(&L, c->f.name, c->f.len);
        diags_add(diags, c->file, c->line, c->col, DIAG_LINT, "undefined_function",
                  "function %s/%d undefined", q, c->f.arity);
    }
    /* check_specs_without_function/1 */
    for (int i = 0; i < forms->n; i++) {
        const Ast *f = forms->v[i];
        if (f->kind != A_ATTRIBUTE || f->attr != ATTR_SPEC || f->a) continue;
        if (func_in(L.defined, L.ndefined, f->name2, f->name2_len, f->arity)) continue;
        const char *q = qatom(&L, f->name2, f->name2_len);
        diags_add(diags, file, f->line, f->col, DIAG_LINT, "spec_fun_undefined",
                  "spec for undefined function %s/%d", q, f->arity);
    }
    arena_free(&L.ar);
    check_types(file, forms, diags);
}
