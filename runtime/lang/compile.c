/*
 * compile.c — forms to VM code (see compile.h for the scheme).
 */
#include "lang/compile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atom.h"
#include "bignum.h"
#include "bin.h"
#include "literal.h"
#include "lang/check.h"
#include "lang/front.h"
#include "lang/peep.h"
#include "map.h"

int compile_had_errors;
int compile_internal_errors;

typedef Instr Opnd;

/* ret_float: OTP's type analysis knows the function returns a float (find_float_funcs);
 * no_return: that it never returns (find_no_return_funcs); arg_off: where its call sites'
 * argument constants start in Ctx.arg_tab (find_arg_consts). */
typedef struct FuncSym {
    const char *name;
    int arity;
    unsigned label;
    bool ret_float, no_return;
    unsigned arg_off;
} FuncSym;
typedef struct RecDef { const char *name; Ast *decl; } RecDef;

typedef struct Lambda {
    Ast *node;
    const char **freev;
    Term *freek; /* the free variables' Var.konst where the fun is made */
    int nfree;
    unsigned fun_index;
    unsigned label;
    Term lc_name; /* a comprehension's generator function (clc), called directly; else 0 */
} Lambda;

/* is_float: bound by a match to an expression OTP's type analysis knows is a float (float_expr),
 * which makes arithmetic on it a float instruction. */
/* konst: the constant OTP's type analysis gives a parameter every call passes alike
 * (arg_consts), or NONVALUE. */
typedef struct Var { const char *name; int slot; bool bound; bool is_float; Term konst; } Var;

/* An operation whose failure raises error:badarith from a stub at the end of the function:
 * no erlang:Op/N frame (frameless_arith). */
typedef struct ArithStub { unsigned label; int line; } ArithStub;

typedef struct Ctx {
    CodeBuf *cb;
    Term mod;
    const char *file;
    Diags *diags;
    Arena *arena; /* the module's: comprehensions' generator functions are built as trees */
    bool failed;
    FuncSym *funcs;
    int n_funcs, cap_funcs;
    RecDef *recs;
    int n_recs, cap_recs;
    Ast **imports; /* ATTR_IMPORT forms */
    int n_imports, cap_imports;
    Lambda *lambdas;
    int n_lambdas, cap_lambdas;
    /* the function being compiled */
    const char *fname;
    int farity;
    int fun_counter;
    ArithStub *stubs;
    const Ast *bc_template; /* the template of the binary comprehension being compiled */
    Term case_konst;        /* the constant a case about to be compiled is on, or NONVALUE */
    Term arg_consts[256]; /* of the function being compiled (not its funs) */
    Term *arg_tab;        /* every module function's, FuncSym.arg_off (find_arg_consts) */
    int n_stubs, cap_stubs;
    Var *vars;
    int n_vars, cap_vars;
    int base_temp, cur_temp, max_slot;
    size_t *frame_patch;
    int n_patch, cap_patch;
    size_t *xlive_patch;
    int n_xpatch, cap_xpatch;
    int max_x;      /* X slots used while frameless: leaf_entry clears them, GCs root them */
    unsigned gfail; /* in a guard: where failures go */
    bool leaf;      /* frameless code (heads, guards, bodies without body calls): the slots
                     * are X registers; cleared by allocate when a clause body needs a frame */
    int in_try;     /* inside a try or catch: a call keeps its frame (the handler's) */
    Process scratch;
} Ctx;

#define GROW(arr, n, cap)                                                    \
    do {                                                                     \
        if ((n) == (cap)) {                                                  \
            (cap) = (cap) ? 2 * (cap) : 16;                                  \
            (arr) = realloc((arr), (size_t)(cap) * sizeof *(arr));           \
            if (!(arr)) abort();                                             \
        }                                                                    \
    } while (0)

static void cerr(Ctx *c, const Ast *n, const char *fmt, const char *arg)
{
    if (!c->failed || c->diags->errors < 50)
        diags_add(c->diags, c->file, n ? n->line : 0, n ? n->col : 0, DIAG_LINT, "", fmt, arg);
    c->failed = true;
}

static Term atom_of(const Ast *n) { return atom_put(n->name, n->name_len); }
static Term atom_s(const char *s) { return atom_put(s, strlen(s)); }

/* ---- emission -------------------------------------------------------------------------- */

static void E(Ctx *c, Instr w) { codebuf_emit(c->cb, w); }
static unsigned new_label(Ctx *c) { return codebuf_new_label(c->cb); }
static void bind_label(Ctx *c, unsigned l) { codebuf_bind_label(c->cb, l); }
static void line(Ctx *c, const Ast *n) { if (n && n->line > 0) codebuf_line(c->cb, n->line); }
static void frame_needed(Ctx *c);
static void frame_word(Ctx *c)
{
    frame_needed(c);
    GROW(c->frame_patch, c->n_patch, c->cap_patch);
    c->frame_patch[c->n_patch++] = c->cb->n;
    E(c, 0);
}
/* The count of live X registers in frameless code: every X slot the function uses there
 * (patched with max_x when the function is done). */
static void xlive_word(Ctx *c)
{
    GROW(c->xlive_patch, c->n_xpatch, c->cap_xpatch);
    c->xlive_patch[c->n_xpatch++] = c->cb->n;
    E(c, 0);
}
/* Frame operands (deallocate counts) in frameless code would be a compiler bug. */
static void frame_needed(Ctx *c)
{
    if (!c->leaf) return;
    compile_internal_errors++;
    cerr(c, NULL, "internal compiler error: a frame operation in frameless code%s", "");
}
static void emit_move(Ctx *c, Opnd s, Opnd d)
{
    if (s == d) return;
    E(c, OPC_move);
    E(c, s);
    E(c, d);
}
static void emit_jump(Ctx *c, unsigned l)
{
    E(c, OPC_jump);
    E(c, l);
}

/* The live operand of test_heap: nothing in X in a frame function; every slot in a leaf
 * function (patched with the slot count when the function is done). */
static void heap_live(Ctx *c)
{
    if (c->leaf) xlive_word(c);
    else E(c, 0);
}

static int new_temp(Ctx *c)
{
    int t = c->cur_temp++;
    if (c->cur_temp > c->max_slot) c->max_slot = c->cur_temp;
    return t;
}
/* A frame slot: a Y register, or in a leaf function (no calls: nothing clobbers X registers)
 * an X register, so that the function needs no stack frame, as in OTP. */
static Opnd slot(Ctx *c, int i)
{
    if (!c->leaf) return vm_y((unsigned)i);
    if (i + 1 > c->max_x) c->max_x = i + 1;
    return vm_x((unsigned)i);
}
static Opnd temp(Ctx *c) { return slot(c, new_temp(c)); }

static bool is_lit(Opnd o) { return !vm_operand_is_reg(o); }

/* ---- literals ---------------------------------------------------------------------------- */

static Term lit(Term t) { return literal_copy(t); }

static Term string_term(Ctx *c, const uint32_t *s, size_t n, Term tail)
{
    Term r = tail;
    Term *hp = heap_halloc(&c->scratch.heap, 2 * n);
    for (size_t i = n; i-- > 0;) r = cons_at(hp + 2 * i, make_small((Sint)s[i]), r);
    return r;
}

/* ---- variables --------------------------------------------------------------------------- */

static Var *var_find(Ctx *c, const char *name)
{
    for (int i = c->n_vars - 1; i >= 0; i--)
        if (!strcmp(c->vars[i].name, name)) return &c->vars[i];
    return NULL;
}

static Var *var_add(Ctx *c, const char *name, int slot)
{
    GROW(c->vars, c->n_vars, c->cap_vars);
    c->vars[c->n_vars] = (Var){name, slot, false, false, NONVALUE};
    return &c->vars[c->n_vars++];
}

static bool is_wild(const Ast *n) { return n->kind == A_VAR && !strcmp(n->name, "_"); }

typedef void (*VisitFn)(Ctx *c, Ast *n, void *arg);

/* Calls fn on every A_VAR below n; funs are entered only when into_funs. */
static void each_var(Ctx *c, Ast *n, bool into_funs, VisitFn fn, void *arg)
{
    if (!n) return;
    if (n->kind == A_VAR) {
        if (!is_wild(n)) fn(c, n, arg);
        return;
    }
    if (!into_funs && (n->kind == A_FUN || n->kind == A_NAMED_FUN)) return;
    if (!into_funs && n->kind == A_LC) {
        /* Only the part up to the first generator's expression runs here; the rest is the
         * generator's function (clc). */
        for (int i = 0; i < n->l1.n; i++) {
            Ast *q = n->l1.v[i];
            if (q->kind == A_GENERATE || q->kind == A_B_GENERATE) {
                each_var(c, q->b, into_funs, fn, arg);
                return;
            }
            each_var(c, q, into_funs, fn, arg);
        }
        each_var(c, n->a, into_funs, fn, arg);
        each_var(c, n->c, into_funs, fn, arg);
        return;
    }
    each_var(c, n->a, into_funs, fn, arg);
    each_var(c, n->b, into_funs, fn, arg);
    each_var(c, n->c, into_funs, fn, arg);
    AstList *ls[4] = {&n->l1, &n->l2, &n->l3, &n->l4};
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < ls[k]->n; i++) each_var(c, ls[k]->v[i], into_funs, fn, arg);
}

static void assign_slot(Ctx *c, Ast *n, void *arg)
{
    (void)arg;
    if (!var_find(c, n->name)) var_add(c, n->name, c->cur_temp++);
}

typedef struct NameSet { const char **v; int n, cap; } NameSet;
static bool ns_has(const NameSet *s, const char *name)
{
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], name)) return true;
    return false;
}
static void ns_add(NameSet *s, const char *name)
{
    if (ns_has(s, name)) return;
    GROW(s->v, s->n, s->cap);
    s->v[s->n++] = name;
}
static void collect_name(Ctx *c, Ast *n, void *arg)
{
    (void)c;
    ns_add(arg, n->name);
}

static bool *bound_save(Ctx *c)
{
    bool *b = malloc((size_t)(c->n_vars + 1) * sizeof *b);
    if (!b) abort();
    for (int i = 0; i < c->n_vars; i++) b[i] = c->vars[i].bound;
    return b;
}
static void bound_restore(Ctx *c, const bool *b, int n)
{
    for (int i = 0; i < c->n_vars && i < n; i++) c->vars[i].bound = b[i];
}
static void bound_union(Ctx *c, bool *acc)
{
    for (int i = 0; i < c->n_vars; i++) acc[i] = acc[i] || c->vars[i].bound;
}

/* ---- forward declarations ---------------------------------------------------------------- */

static Opnd cexpr(Ctx *c, Ast *e, bool tail);
static Opnd cbody(Ctx *c, AstList *body, bool tail);
static void cmatch(Ctx *c, Ast *p, Opnd v, unsigned fail);
static void cguards(Ctx *c, AstList *guards, unsigned fail);
static void ctest(Ctx *c, Ast *e, unsigned fail);
static void cmatch_bin_segments(Ctx *c, Ast *p, int ctx, unsigned fail);
typedef struct Seg { int type; unsigned flags; int unit; bool has_size; } Seg;
static Seg seg_spec(Ctx *c, Ast *el);

static Opnd ret(Ctx *c, Opnd v, bool tail)
{
    if (tail) {
        emit_move(c, v, vm_x(0));
        if (!c->leaf) {
            E(c, OPC_deallocate);
            frame_word(c);
        }
        E(c, OPC_ret);
    }
    return v;
}

/* ---- records ----------------------------------------------------------------------------- */

static RecDef *rec_find(Ctx *c, const Ast *at, const char *name)
{
    for (int i = 0; i < c->n_recs; i++)
        if (!strcmp(c->recs[i].name, name)) return &c->recs[i];
    cerr(c, at, "record %s undefined", name);
    return NULL;
}
static int rec_size(const RecDef *r) { return r->decl->l1.n + 1; }
static int rec_field_index(Ctx *c, const RecDef *r, const Ast *f)
{
    for (int i = 0; i < r->decl->l1.n; i++)
        if (!strcmp(r->decl->l1.v[i]->a->name, f->name)) return i + 2;
    cerr(c, f, "field %s undefined in record", f->name);
    return 2;
}

/* ---- expressions ------------------------------------------------------------------------- */

static Opnd fold2(Ctx *c, VmOp op, Opnd a, Opnd b)
{
    if (!is_lit(a) || !is_lit(b)) return 0;
    Term r = vm_binop(&c->scratch, op, (Term)a, (Term)b);
    if (r == NONVALUE) return 0;
    return lit(r);
}

static bool op_of(const char *name, bool unary, VmOp *op)
{
    static const struct { const char *n; VmOp op; } bin[] = {
        {"+", VOP_ADD}, {"-", VOP_SUB}, {"*", VOP_MUL}, {"/", VOP_FDIV}, {"div", VOP_IDIV},
        {"rem", VOP_REM}, {"band", VOP_BAND}, {"bor", VOP_BOR}, {"bxor", VOP_BXOR},
        {"bsl", VOP_BSL}, {"bsr", VOP_BSR}, {"and", VOP_AND}, {"or", VOP_OR}, {"xor", VOP_XOR},
        {"++", VOP_APPEND}, {"--", VOP_SUBTRACT}};
    if (unary) {
        if (!strcmp(name, "-")) *op = VOP_NEG;
        else if (!strcmp(name, "+")) *op = VOP_PLUS;
        else if (!strcmp(name, "bnot")) *op = VOP_BNOT;
        else if (!strcmp(name, "not")) *op = VOP_NOT;
        else return false;
        return true;
    }
    for (size_t i = 0; i < sizeof bin / sizeof bin[0]; i++)
        if (!strcmp(name, bin[i].n)) {
            *op = bin[i].op;
            return true;
        }
    return false;
}

static bool cmp_of(const char *name, VmCmp *cmp, bool *swap)
{
    *swap = false;
    if (!strcmp(name, "=:=")) *cmp = VC_EQ_EXACT;
    else if (!strcmp(name, "=/=")) *cmp = VC_NE_EXACT;
    else if (!strcmp(name, "==")) *cmp = VC_EQ;
    else if (!strcmp(name, "/=")) *cmp = VC_NE;
    else if (!strcmp(name, "<")) *cmp = VC_LT;
    else if (!strcmp(name, ">=")) *cmp = VC_GE;
    else if (!strcmp(name, ">")) { *cmp = VC_LT; *swap = true; }
    else if (!strcmp(name, "=<")) { *cmp = VC_GE; *swap = true; }
    else return false;
    return true;
}

static const struct { const char *name; VmTest t; } type_tests[] = {
    {"is_integer", VT_INTEGER}, {"is_float", VT_FLOAT}, {"is_number", VT_NUMBER},
    {"is_atom", VT_ATOM}, {"is_boolean", VT_BOOLEAN}, {"is_list", VT_LIST},
    {"is_tuple", VT_TUPLE}, {"is_binary", VT_BINARY}, {"is_bitstring", VT_BITSTRING},
    {"is_pid", VT_PID}, {"is_port", VT_PORT}, {"is_reference", VT_REFERENCE},
    {"is_function", VT_FUNCTION}, {"is_map", VT_MAP},
};

static bool type_test_of(const char *name, VmTest *t)
{
    for (size_t i = 0; i < sizeof type_tests / sizeof type_tests[0]; i++)
        if (!strcmp(type_tests[i].name, name)) {
            *t = type_tests[i].t;
            return true;
        }
    return false;
}

/* Is e a test in a guard or a boolean-valued expression we compile as jumps? */
static bool is_test_expr(const Ast *e)
{
    if (e->kind == A_OP && e->b) {
        VmCmp k;
        bool sw;
        if (cmp_of(e->name, &k, &sw)) return true;
        if (!strcmp(e->name, "andalso") || !strcmp(e->name, "orelse")) return true;
    }
    if (e->kind == A_CALL && e->a->kind == A_ATOM) {
        VmTest t;
        if (type_test_of(e->a->name, &t) && e->l1.n == 1) return true;
        if (!strcmp(e->a->name, "is_record") && (e->l1.n == 2 || e->l1.n == 3)) return true;
        if (!strcmp(e->a->name, "is_function") && e->l1.n == 2) return true;
    }
    return false;
}

/* Compiles e as a test: falls through when true, jumps to fail otherwise. */
static void ctest(Ctx *c, Ast *e, unsigned fail)
{
    if (e->kind == A_OP && e->b) {
        VmCmp k;
        bool sw;
        if (cmp_of(e->name, &k, &sw)) {
            int mark = c->cur_temp;
            Opnd a = cexpr(c, e->a, false), b = cexpr(c, e->b, false);
            line(c, e);
            E(c, OPC_cmp);
            E(c, fail);
            E(c, k);
            E(c, sw ? b : a);
            E(c, sw ? a : b);
            c->cur_temp = mark;
            return;
        }
        if (!strcmp(e->name, "andalso") && c->gfail) {
            ctest(c, e->a, fail);
            ctest(c, e->b, fail);
            return;
        }
        if (!strcmp(e->name, "orelse") && c->gfail) {
            unsigned ok = new_label(c), next = new_label(c);
            ctest(c, e->a, next);
            emit_jump(c, ok);
            bind_label(c, next);
            ctest(c, e->b, fail);
            bind_label(c, ok);
            return;
        }
    }
    if (e->kind == A_OP && !e->b && !strcmp(e->name, "not") && c->gfail) {
        unsigned ok = new_label(c);
        ctest(c, e->a, ok);
        emit_jump(c, fail);
        bind_label(c, ok);
        return;
    }
    if (e->kind == A_CALL && e->a->kind == A_ATOM) {
        VmTest t;
        if (type_test_of(e->a->name, &t) && e->l1.n == 1) {
            int mark = c->cur_temp;
            Opnd a = cexpr(c, e->l1.v[0], false);
            E(c, OPC_test);
            E(c, fail);
            E(c, t);
            E(c, a);
            c->cur_temp = mark;
            return;
        }
        if (!strcmp(e->a->name, "is_function") && e->l1.n == 2) {
            int mark = c->cur_temp;
            Opnd a = cexpr(c, e->l1.v[0], false), b = cexpr(c, e->l1.v[1], false);
            E(c, OPC_is_fun_arity);
            E(c, fail);
            E(c, a);
            E(c, b);
            c->cur_temp = mark;
            return;
        }
        if (!strcmp(e->a->name, "is_record") && e->l1.n >= 2 && e->l1.v[1]->kind == A_ATOM) {
            int mark = c->cur_temp;
            Opnd a = cexpr(c, e->l1.v[0], false);
            int size = 0;
            if (e->l1.n == 3 && e->l1.v[2]->kind == A_INTEGER) size = (int)e->l1.v[2]->ival;
            else if (e->l1.n == 2) {
                RecDef *r = rec_find(c, e, e->l1.v[1]->name);
                size = r ? rec_size(r) : 1;
            }
            E(c, OPC_is_record);
            E(c, fail);
            E(c, a);
            E(c, atom_of(e->l1.v[1]));
            E(c, (Instr)size);
            c->cur_temp = mark;
            return;
        }
    }
    if (e->kind == A_ATOM && !strcmp(e->name, "true")) return;
    int mark = c->cur_temp;
    Opnd v = cexpr(c, e, false);
    E(c, OPC_cmp);
    E(c, fail);
    E(c, VC_EQ_EXACT);
    E(c, v);
    E(c, AM(true));
    c->cur_temp = mark;
}

/* erl_expand_records' normalise_test: an old-style type test at the top of a guard test
 * (integer(X), float(X), record(X, r)) is the is_ test (float(X) there is no conversion). */
static void normalise_test(Ast *e)
{
    static const char *const old[][2] = {
        {"atom", "is_atom"}, {"binary", "is_binary"}, {"float", "is_float"},
        {"function", "is_function"}, {"integer", "is_integer"}, {"list", "is_list"},
        {"number", "is_number"}, {"pid", "is_pid"}, {"port", "is_port"},
        {"reference", "is_reference"}, {"tuple", "is_tuple"},
    };
    if (e->kind != A_CALL || e->a->kind != A_ATOM) return;
    const char *to = NULL;
    if (e->l1.n == 2 && !strcmp(e->a->name, "record")) to = "is_record";
    for (size_t i = 0; e->l1.n == 1 && !to && i < sizeof old / sizeof old[0]; i++)
        if (!strcmp(e->a->name, old[i][0])) to = old[i][1];
    if (!to) return;
    e->a->name = to;
    e->a->name_len = strlen(to);
}

static void cguards(Ctx *c, AstList *guards, unsigned fail)
{
    if (guards->n == 0) return;
    unsigned saved = c->gfail;
    unsigned ok = new_label(c);
    for (int i = 0; i < guards->n; i++) {
        unsigned next = i + 1 < guards->n ? new_label(c) : fail;
        c->gfail = next;
        AstList *tests = &guards->v[i]->l1;
        for (int k = 0; k < tests->n; k++) {
            normalise_test(tests->v[k]);
            ctest(c, tests->v[k], next);
        }
        if (i + 1 < guards->n) {
            emit_jump(c, ok);
            bind_label(c, next);
        }
    }
    bind_label(c, ok);
    c->gfail = saved;
}

/* A boolean value from a test. */
/* Whether n is a constant term written out (no variables, calls or operators). */
static bool ast_is_literal(const Ast *n)
{
    switch (n->kind) {
    case A_INTEGER: case A_FLOAT: case A_CHAR: case A_ATOM: case A_STRING: case A_NIL: return true;
    case A_CONS: return ast_is_literal(n->a) && ast_is_literal(n->b);
    case A_TUPLE:
        for (int i = 0; i < n->l1.n; i++)
            if (!ast_is_literal(n->l1.v[i])) return false;
        return true;
    case A_MAP:
        if (n->a) return false;
        for (int i = 0; i < n->l1.n; i++)
            if (!ast_is_literal(n->l1.v[i]->a) || !ast_is_literal(n->l1.v[i]->b)) return false;
        return true;
    default: return false;
    }
}

/* A bitstring written out of integer segments (of a literal size) and string segments of the
 * default type: it cannot fail. */
static bool ast_is_plain_bin(const Ast *n)
{
    if (n->kind != A_BIN) return false;
    for (int i = 0; i < n->l1.n; i++) {
        const Ast *s = n->l1.v[i];
        if (s->l1.n || (s->flags & AF_HAS_TSL)) return false;
        if (s->a->kind != A_INTEGER && s->a->kind != A_CHAR && (s->a->kind != A_STRING || s->b))
            return false;
        if (s->b && (s->b->kind != A_INTEGER || s->b->big)) return false;
    }
    return true;
}

/* The place of a constant's type in the term order (number < atom < tuple < map < nil < list
 * < bitstring), or -1 when n is not a constant OTP folds a comparison of. */
static int const_type_rank(const Ast *n)
{
    switch (n->kind) {
    case A_INTEGER: case A_FLOAT: case A_CHAR: return 0;
    case A_OP: return !n->b && (n->a->kind == A_INTEGER || n->a->kind == A_FLOAT) ? 0 : -1;
    case A_ATOM: return 1;
    case A_TUPLE: return ast_is_literal(n) ? 2 : -1;
    case A_MAP: return ast_is_literal(n) ? 3 : -1;
    case A_NIL: return 4;
    case A_STRING: return n->slen ? 5 : 4;
    case A_CONS: return ast_is_literal(n) ? 5 : -1;
    case A_BIN: return ast_is_plain_bin(n) ? 6 : -1;
    default: return -1;
    }
}

static Opnd test_value(Ctx *c, Ast *e, bool tail)
{
    /* A type test of a constant is a constant, as OTP folds it (so that, say, the constant goes
     * second in the frame of `is_list(#{}) or X`). */
    VmTest t;
    if (e->kind == A_CALL && e->a->kind == A_ATOM && e->l1.n == 1 && type_test_of(e->a->name, &t) &&
        ast_is_literal(e->l1.v[0])) {
        Opnd a = cexpr(c, e->l1.v[0], false);
        if (is_lit(a)) return ret(c, vm_type_test(t, (Term)a) ? AM(true) : AM(false), tail);
    }
    /* So is a comparison of two constants. */
    VmCmp k;
    bool sw;
    int ra, rb;
    if (e->kind == A_OP && e->b && cmp_of(e->name, &k, &sw) && (ra = const_type_rank(e->a)) >= 0 &&
        (rb = const_type_rank(e->b)) >= 0 && ra != rb) {
        /* Of different types (a binary among them): the term order decides. */
        int r = sw ? rb - ra : ra - rb;
        bool v = k == VC_EQ_EXACT || k == VC_EQ ? false : k == VC_NE_EXACT || k == VC_NE ? true
               : k == VC_LT ? r < 0 : r >= 0;
        return ret(c, v ? AM(true) : AM(false), tail);
    }
    if (e->kind == A_OP && e->b && cmp_of(e->name, &k, &sw) && ast_is_literal(e->a) &&
        ast_is_literal(e->b)) {
        Opnd a = cexpr(c, sw ? e->b : e->a, false), b = cexpr(c, sw ? e->a : e->b, false);
        if (is_lit(a) && is_lit(b)) {
            int r = term_compare((Term)a, (Term)b, k == VC_EQ_EXACT || k == VC_NE_EXACT);
            bool v = k == VC_EQ_EXACT || k == VC_EQ ? r == 0 : k == VC_NE_EXACT || k == VC_NE ? r != 0
                   : k == VC_LT ? r < 0 : r >= 0;
            return ret(c, v ? AM(true) : AM(false), tail);
        }
    }
    unsigned f = new_label(c), end = new_label(c);
    int mark = c->cur_temp;
    ctest(c, e, f);
    c->cur_temp = mark;
    Opnd d = temp(c);
    emit_move(c, AM(true), d);
    emit_jump(c, end);
    bind_label(c, f);
    emit_move(c, AM(false), d);
    bind_label(c, end);
    return ret(c, d, tail);
}

/* A result that is returned at once (tail position) is built straight into x0 instead of a
 * frame slot: callers pass tail. */
static Opnd result_slot(Ctx *c, bool tail) { return tail ? vm_x(0) : temp(c); }

static Opnd build_tuple_to(Ctx *c, const Opnd *el, int n, bool tail);
static Opnd build_tuple(Ctx *c, const Opnd *el, int n) { return build_tuple_to(c, el, n, false); }
static Opnd build_tuple_to(Ctx *c, const Opnd *el, int n, bool tail)
{
    if (n == 0) return literal_empty_tuple();
    bool all_lit = true;
    for (int i = 0; i < n; i++) all_lit = all_lit && is_lit(el[i]);
    if (all_lit) {
        Term *hp = heap_halloc(&c->scratch.heap, (Uint)n + 1);
        hp[0] = make_tuple_header((Uint)n);
        for (int i = 0; i < n; i++) hp[1 + i] = el[i];
        return lit(make_boxed(hp));
    }
    E(c, OPC_test_heap);
    E(c, (Instr)n + 1);
    heap_live(c);
    Opnd d = result_slot(c, tail);
    E(c, OPC_put_tuple);
    E(c, (Instr)n);
    for (int i = 0; i < n; i++) E(c, el[i]);
    E(c, d);
    return d;
}

static Opnd build_cons_to(Ctx *c, Opnd h, Opnd t, bool tail);
static Opnd build_cons(Ctx *c, Opnd h, Opnd t) { return build_cons_to(c, h, t, false); }
static Opnd build_cons_to(Ctx *c, Opnd h, Opnd t, bool tail)
{
    if (is_lit(h) && is_lit(t)) {
        Term *hp = heap_halloc(&c->scratch.heap, 2);
        return lit(cons_at(hp, h, t));
    }
    E(c, OPC_test_heap);
    E(c, 2);
    heap_live(c);
    Opnd d = result_slot(c, tail);
    E(c, OPC_put_list);
    E(c, h);
    E(c, t);
    E(c, d);
    return d;
}

/* Arguments into x0..x(n-1). In frameless code the sources may be those very registers, so
 * the moves are done as a parallel assignment: a move goes when no pending move still reads
 * its destination; a cycle is broken through a scratch register. */
#define CYCLE_X (VM_X_REGS - 2)
static void load_args(Ctx *c, const Opnd *a, int n)
{
    Opnd *src = malloc((size_t)(n + 1) * sizeof *src);
    bool *todo = malloc((size_t)(n + 1) * sizeof *todo);
    if (!src || !todo) abort();
    int pending = 0;
    for (int i = 0; i < n; i++) {
        src[i] = a[i];
        todo[i] = a[i] != vm_x((unsigned)i);
        pending += todo[i];
    }
    while (pending) {
        bool progress = false;
        for (int i = 0; i < n; i++) {
            if (!todo[i]) continue;
            bool read = false;
            for (int k = 0; k < n && !read; k++) read = todo[k] && k != i && src[k] == vm_x((unsigned)i);
            if (read) continue;
            emit_move(c, src[i], vm_x((unsigned)i));
            todo[i] = false;
            pending--;
            progress = true;
        }
        if (progress) continue;
        /* Only cycles are left: park one destination's value. */
        for (int i = 0; i < n; i++) {
            if (!todo[i]) continue;
            emit_move(c, vm_x((unsigned)i), vm_x(CYCLE_X));
            for (int k = 0; k < n; k++)
                if (todo[k] && src[k] == vm_x((unsigned)i)) src[k] = vm_x(CYCLE_X);
            break;
        }
    }
    free(src);
    free(todo);
}

static Opnd *eval_args(Ctx *c, AstList *args)
{
    Opnd *a = malloc((size_t)(args->n + 2) * sizeof *a);
    if (!a) abort();
    for (int i = 0; i < args->n; i++) a[i] = cexpr(c, args->v[i], false);
    return a;
}

static Opnd call_result(Ctx *c, bool tail)
{
    if (tail) return AM(ok);
    Opnd d = temp(c);
    emit_move(c, vm_x(0), d);
    return d;
}

static FuncSym *func_find(Ctx *c, const char *name, int arity)
{
    for (int i = 0; i < c->n_funcs; i++)
        if (c->funcs[i].arity == arity && !strcmp(c->funcs[i].name, name)) return &c->funcs[i];
    return NULL;
}

/* erl_internal:bif/2: the auto-imported BIFs (check.c holds the list). */
static bool auto_imported(const char *name, int arity)
{
    return check_auto_imported(name, strlen(name), arity) != 0;
}

/* OTP's compiler evaluates some pure BIFs on constant arguments (sys_core_fold with
 * erl_bifs:is_pure); the result is a literal. Only those whose folding was checked against
 * OTP 25 (erts_debug:size_shared/1 of the result is 0 there) are listed. */
static Opnd fold_pure_call(Ctx *c, Term m, Term f, const Opnd *a, int n)
{
    static const char *const pure[] = {
        "list_to_binary/1", "atom_to_list/1", "tuple_to_list/1", "list_to_tuple/1",
        "setelement/3", "integer_to_list/1", "float/1", "atom_to_binary/1", "binary_to_list/1",
        "element/2", "hd/1", "tl/1", "abs/1", "length/1", "tuple_size/1", "byte_size/1",
        "size/1", "trunc/1", "round/1", "min/2", "max/2", "is_atom/1", "is_list/1",
        "is_tuple/1", "is_binary/1", "is_bitstring/1", "is_map/1", "is_integer/1", "is_float/1",
        "is_number/1", "is_boolean/1", "is_function/1", NULL};
    for (int i = 0; i < n; i++)
        if (!is_lit(a[i])) return 0;
    if (m == atom_s("lists") && f == atom_s("append") && n == 2) {
        Term r = vm_binop(&c->scratch, VOP_APPEND, (Term)a[0], (Term)a[1]);
        return r == NONVALUE ? 0 : lit(r);
    }
    if (m != atom_s("erlang")) return 0;
    size_t len;
    const char *name = atom_name(f, &len);
    char buf[300];
    snprintf(buf, sizeof buf, "%.*s/%d", (int)len, name, n);
    for (int i = 0; pure[i]; i++) {
        if (strcmp(pure[i], buf)) continue;
        const BifDef *b = bif_lookup(m, f, (unsigned)n);
        if (!b) return 0;
        Term args[4];
        for (int k = 0; k < n; k++) args[k] = (Term)a[k];
        Term r = b->fn(&c->scratch, args);
        return r == NONVALUE ? 0 : lit(r);
    }
    return 0;
}

/* v3_kernel's is_remote_bif: an erlang guard BIF is an instruction in a body too. */
static bool in_place_bif(Term m, Term f, int n)
{
    if (m != atom_s("erlang")) return false;
    size_t len;
    const char *name = atom_name(f, &len);
    return check_guard_bif(name, len, n);
}

static Opnd call_ext(Ctx *c, const Ast *at, Term m, Term f, AstList *args, bool tail)
{
    int mark = c->cur_temp;
    int n = args->n;
    /* OTP's compiler calls maps:get/2 and maps:is_key/2 as the BIFs erlang:map_get/2 and
     * erlang:is_map_key/2: a failure's stacktrace names those. */
    if (m == atom_s("maps") && n == 2 && (f == atom_s("get") || f == atom_s("is_key"))) {
        f = f == atom_s("get") ? atom_s("map_get") : atom_s("is_map_key");
        m = atom_s("erlang");
    }
    /* In a guard a BIF call fails the guard instead of raising. */
    if (c->gfail) {
        const BifDef *b = bif_lookup(m, f, (unsigned)n);
        if (!b) {
            cerr(c, at, "illegal guard expression%s", "");
            return AM(false);
        }
        Opnd *a = eval_args(c, args);
        c->cur_temp = mark;
        Opnd d = temp(c);
        E(c, OPC_bif);
        E(c, c->gfail);
        E(c, (Instr)b);
        E(c, (Instr)n);
        for (int i = 0; i < n; i++) E(c, a[i]);
        E(c, d);
        free(a);
        return d;
    }
    if (m == atom_s("erlang") && n == 1 &&
        (f == AM(error) || f == AM(throw) || f == AM(exit))) {
        Opnd r = cexpr(c, args->v[0], false);
        line(c, at);
        E(c, OPC_raise);
        E(c, f == AM(throw) ? AM(throw) : f == AM(exit) ? AM(exit) : AM(error));
        E(c, r);
        c->cur_temp = mark;
        return AM(ok);
    }
    if (m == atom_s("erlang") && f == atom_s("apply") && n == 3) {
        Opnd *a = eval_args(c, args);
        load_args(c, a, 3);
        free(a);
        line(c, at);
        if (tail) {
            E(c, OPC_apply_list_last);
            frame_word(c);
        } else {
            E(c, OPC_apply_list);
        }
        c->cur_temp = mark;
        return call_result(c, tail);
    }
    if (m == atom_s("erlang") && f == atom_s("apply") && n == 2) {
        Opnd *a = eval_args(c, args);
        load_args(c, a, 2);
        emit_move(c, vm_x(1), vm_x(2));
        emit_move(c, vm_x(0), vm_x(1));
        emit_move(c, AM(undefined), vm_x(0));
        free(a);
        line(c, at);
        if (tail) {
            E(c, OPC_apply_list_last);
            frame_word(c);
        } else {
            E(c, OPC_apply_list);
        }
        c->cur_temp = mark;
        return call_result(c, tail);
    }
    Opnd *a = eval_args(c, args);
    Opnd folded = fold_pure_call(c, m, f, a, n);
    if (folded) {
        free(a);
        c->cur_temp = mark;
        return ret(c, folded, tail);
    }
    const BifDef *leaf_bif = c->leaf || in_place_bif(m, f, n) ? bif_lookup(m, f, (unsigned)n) : NULL;
    if (leaf_bif) {
        /* Frameless code calls a BIF in place (a call_ext would leave the frameless
         * function's live count behind when the BIF returns to the caller); so does frame
         * code for a guard BIF, as OTP's bif/gc_bif: no call, so values may stay in X
         * registers across it (`X = f(..), [length(X) | X]` keeps X in x0, no slot). */
        const BifDef *b = leaf_bif;
        Opnd d = result_slot(c, tail);
        line(c, at);
        E(c, OPC_bif);
        E(c, 0);
        E(c, (Instr)b);
        E(c, (Instr)n);
        for (int i = 0; i < n; i++) E(c, a[i]);
        E(c, d);
        free(a);
        return ret(c, d, tail);
    }
    load_args(c, a, n);
    free(a);
    unsigned imp = codebuf_import(c->cb, m, f, (unsigned)n);
    line(c, at);
    if (c->leaf) {
        /* Frameless code: only a tail call (body_frameless). */
        if (!tail) frame_needed(c);
        E(c, OPC_call_ext_only);
        E(c, (Instr)n);
        E(c, imp);
    } else if (tail) {
        E(c, OPC_call_ext_last);
        E(c, (Instr)n);
        E(c, imp);
        frame_word(c);
    } else {
        E(c, OPC_call_ext);
        E(c, (Instr)n);
        E(c, imp);
    }
    c->cur_temp = mark;
    return call_result(c, tail);
}

static Opnd ccall(Ctx *c, Ast *e, bool tail)
{
    Ast *fn = e->a;
    AstList *args = &e->l1;
    int n = args->n;
    int mark = c->cur_temp;
    if (fn->kind == A_ATOM) {
        VmTest t;
        if (is_test_expr(e)) return test_value(c, e, tail);
        (void)t;
        FuncSym *fs = func_find(c, fn->name, n);
        if (!fs) {
            for (int i = 0; i < c->n_imports; i++) {
                Ast *im = c->imports[i];
                for (int k = 0; k < im->l1.n; k++) {
                    Ast *p = im->l1.v[k];
                    if ((int)p->ival == n && !strcmp(p->name, fn->name))
                        return ret(c, call_ext(c, e, atom_put(im->name2, im->name2_len), atom_of(fn), args, tail), false);
                }
            }
            if (!strcmp(fn->name, "record_info") && n == 2 && args->v[1]->kind == A_ATOM) {
                RecDef *r = rec_find(c, e, args->v[1]->name);
                if (!r) return AM(ok);
                if (ast_name_is(args->v[0], "size")) return ret(c, make_small(rec_size(r)), tail);
                Term l = NIL;
                Term *hp = heap_halloc(&c->scratch.heap, 2 * (Uint)r->decl->l1.n);
                for (int i = r->decl->l1.n; i-- > 0;)
                    l = cons_at(hp + 2 * i, atom_of(r->decl->l1.v[i]->a), l);
                return ret(c, lit(l), tail);
            }
            if (auto_imported(fn->name, n)) return call_ext(c, e, atom_s("erlang"), atom_of(fn), args, tail);
            char buf[300];
            snprintf(buf, sizeof buf, "%s/%d", fn->name, n);
            cerr(c, e, "function %s undefined", buf);
            return AM(ok);
        }
        if (c->gfail) {
            cerr(c, e, "call to local/imported function %s is illegal in guard", fn->name);
            return AM(ok);
        }
        unsigned label = fs->label; /* the arguments' comprehensions add to c->funcs */
        /* A call that never returns ends the body: a tail call, as OTP's (the frame goes;
         * what follows it is never reached). Not inside a try or catch, whose handler
         * needs the frame. */
        if (fs->no_return && !tail && !c->leaf && !c->in_try) tail = true;
        Opnd *a = eval_args(c, args);
        load_args(c, a, n);
        free(a);
        line(c, e);
        if (c->leaf) {
            if (!tail) frame_needed(c);
            E(c, OPC_call_only);
            E(c, (Instr)n);
            E(c, label);
        } else if (tail) {
            E(c, OPC_call_last);
            E(c, (Instr)n);
            E(c, label);
            frame_word(c);
        } else {
            E(c, OPC_call);
            E(c, (Instr)n);
            E(c, label);
        }
        c->cur_temp = mark;
        return call_result(c, tail);
    }
    if (fn->kind == A_REMOTE && fn->a->kind == A_ATOM && fn->b->kind == A_ATOM)
        return call_ext(c, e, atom_of(fn->a), atom_of(fn->b), args, tail);
    if (fn->kind == A_REMOTE) {
        Opnd mo = cexpr(c, fn->a, false), fo = cexpr(c, fn->b, false);
        Opnd *a = eval_args(c, args);
        load_args(c, a, n);
        free(a);
        emit_move(c, mo, vm_x((unsigned)n));
        emit_move(c, fo, vm_x((unsigned)n + 1));
        line(c, e);
        if (tail) {
            E(c, OPC_apply_last);
            E(c, (Instr)n);
            frame_word(c);
        } else {
            E(c, OPC_apply);
            E(c, (Instr)n);
        }
        c->cur_temp = mark;
        return call_result(c, tail);
    }
    /* A fun call. */
    Opnd fo = cexpr(c, fn, false);
    Opnd *a = eval_args(c, args);
    load_args(c, a, n);
    free(a);
    emit_move(c, fo, vm_x((unsigned)n));
    line(c, e);
    if (tail) {
        E(c, OPC_call_fun_last);
        E(c, (Instr)n);
        frame_word(c);
    } else {
        E(c, OPC_call_fun);
        E(c, (Instr)n);
    }
    c->cur_temp = mark;
    return call_result(c, tail);
}

/* Numbers the funs of a function as OTP's v3_core names them (its ival): one counter per
 * function, shared with comprehensions, which are functions of their own in OTP (one per
 * generator). A fun takes its number after the funs inside it; a comprehension takes one per
 * generator after the funs of its generators' expressions and filters and before those of its
 * template. Stack frames of funs show these names. */
static void number_funs(Ast *n, int *counter)
{
    if (!n) return;
    if (n->kind == A_LC || n->kind == A_BC) {
        for (int i = 0; i < n->l1.n; i++) {
            Ast *q = n->l1.v[i];
            number_funs(q->kind == A_GENERATE || q->kind == A_B_GENERATE ? q->b : q, counter);
        }
        for (int i = 0; i < n->l1.n; i++)
            if (n->l1.v[i]->kind == A_GENERATE || n->l1.v[i]->kind == A_B_GENERATE)
                n->l1.v[i]->ival = (*counter)++; /* the generator function's name (clc) */
        number_funs(n->a, counter);
        return;
    }
    /* v3_core translates call arguments (the fun last), tuple elements, the operands of a
     * binary operator and a list's head and tail right to left. */
    if (n->kind == A_CALL || n->kind == A_TUPLE || (n->kind == A_RECORD && !n->a)) {
        /* (a record is a tuple to OTP: its fields right to left, taken here in the order given) */
        for (int i = n->l1.n - 1; i >= 0; i--) number_funs(n->l1.v[i], counter);
        number_funs(n->a, counter);
        return;
    }
    if ((n->kind == A_OP && n->b) || n->kind == A_CONS) {
        number_funs(n->b, counter);
        number_funs(n->a, counter);
        return;
    }
    number_funs(n->a, counter);
    number_funs(n->b, counter);
    number_funs(n->c, counter);
    AstList *ls[4] = {&n->l1, &n->l2, &n->l3, &n->l4};
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < ls[k]->n; i++) number_funs(ls[k]->v[i], counter);
    if (n->kind == A_FUN || n->kind == A_NAMED_FUN) n->ival = (*counter)++;
}

static bool lc_guard_filter(Ctx *c, const Ast *q);

/* How many of a comprehension's qualifiers are live code to OTP: v3_core makes each run of
 * filters that are guard tests one guard (a generator's, or a filter's), each other filter a
 * case of its own; a guard of the atoms true and false only, one false, is folded away by
 * sys_core_fold with everything after it ([X || X <- L, false, Y <- M] has no Y generator;
 * [X || X <- L, is_integer(X), false, Y <- M] has). */
static int lc_live_quals(Ctx *c, const Ast *n)
{
    for (int i = 0; i < n->l1.n;) {
        const Ast *q = n->l1.v[i];
        if (q->kind == A_GENERATE || q->kind == A_B_GENERATE) {
            i++;
            continue;
        }
        int end = i + 1;
        if (lc_guard_filter(c, q))
            while (end < n->l1.n && n->l1.v[end]->kind != A_GENERATE &&
                   n->l1.v[end]->kind != A_B_GENERATE && lc_guard_filter(c, n->l1.v[end]))
                end++;
        bool consts = true, any_false = false;
        for (int k = i; k < end && consts; k++) {
            const Ast *g = n->l1.v[k];
            consts = g->kind == A_ATOM && (!strcmp(g->name, "true") || !strcmp(g->name, "false"));
            any_false = any_false || (consts && !strcmp(g->name, "false"));
        }
        if (consts && any_false) return i;
        i = end;
    }
    return n->l1.n;
}

/* Whether a try body cannot raise to sys_core_fold: variables and literals only (a binary of
 * literal segments too). */
static bool try_body_safe(const AstList *body)
{
    for (int i = 0; i < body->n; i++) {
        const Ast *e = body->v[i];
        if (e->kind == A_VAR || ast_is_literal(e)) continue;
        if (e->kind != A_BIN) return false;
        for (int k = 0; k < e->l1.n; k++) {
            const Ast *el = e->l1.v[k];
            if (!ast_is_literal(el->a) || (el->b && !ast_is_literal(el->b))) return false;
        }
    }
    return body->n > 0;
}

/* A named fun is a letrec in OTP, named by the count of letrecs before it in the function
 * (comprehension generators and named funs, left to right, outer first): its arity field. */
static void number_letrecs(Ctx *c, Ast *n, int *counter)
{
    if (!n) return;
    if (n->kind == A_NAMED_FUN) n->arity = (*counter)++;
    if (n->kind == A_LC || n->kind == A_BC) {
        /* Its own generators, then the template, then the qualifiers' expressions (a binary
         * comprehension's first generator's expression before all of them: OTP evaluates it
         * outside). What follows a filter that is false is dead code, which sys_core_fold
         * removes before v3_kernel numbers the letrecs: it counts nothing. */
        int live = lc_live_quals(c, n);
        bool first_out = n->kind == A_BC && live > 0 &&
                         (n->l1.v[0]->kind == A_GENERATE || n->l1.v[0]->kind == A_B_GENERATE);
        if (first_out) number_letrecs(c, n->l1.v[0]->b, counter);
        for (int i = 0; i < live; i++) {
            Ast *q = n->l1.v[i];
            if (q->kind == A_GENERATE || q->kind == A_B_GENERATE) q->arity = (*counter)++;
        }
        if (live == n->l1.n) number_letrecs(c, n->a, counter);
        for (int i = first_out ? 1 : 0; i < live; i++) {
            Ast *q = n->l1.v[i];
            number_letrecs(c, q->kind == A_GENERATE || q->kind == A_B_GENERATE ? q->b : q, counter);
        }
        return;
    }
    if (n->kind == A_TRY && try_body_safe(&n->l1)) {
        /* A body that cannot raise: sys_core_fold drops the catch clauses. */
        for (int i = 0; i < n->l1.n; i++) number_letrecs(c, n->l1.v[i], counter);
        for (int i = 0; i < n->l2.n; i++) number_letrecs(c, n->l2.v[i], counter);
        for (int i = 0; i < n->l4.n; i++) number_letrecs(c, n->l4.v[i], counter);
        return;
    }
    number_letrecs(c, n->a, counter);
    number_letrecs(c, n->b, counter);
    number_letrecs(c, n->c, counter);
    AstList *ls[4] = {&n->l1, &n->l2, &n->l3, &n->l4};
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < ls[k]->n; i++) number_letrecs(c, ls[k]->v[i], counter);
}

static Opnd cfun(Ctx *c, Ast *e)
{
    /* Free variables: those of the bodies and guards (not the heads) bound here. */
    NameSet used = {0}, head = {0}, fv = {0};
    for (int i = 0; i < e->l1.n; i++) {
        Ast *cl = e->l1.v[i];
        NameSet h = {0};
        for (int k = 0; k < cl->l1.n; k++) each_var(c, cl->l1.v[k], true, collect_name, &h);
        NameSet u = {0};
        for (int k = 0; k < cl->l2.n; k++) each_var(c, cl->l2.v[k], true, collect_name, &u);
        for (int k = 0; k < cl->l3.n; k++) each_var(c, cl->l3.v[k], true, collect_name, &u);
        for (int k = 0; k < u.n; k++)
            if (!ns_has(&h, u.v[k])) ns_add(&used, u.v[k]);
        free(h.v);
        free(u.v);
    }
    (void)head;
    for (int k = 0; k < used.n; k++) {
        Var *v = var_find(c, used.v[k]);
        if (v && v->bound && !(e->kind == A_NAMED_FUN && !strcmp(e->name, used.v[k])))
            ns_add(&fv, used.v[k]);
    }
    free(used.v);
    int arity = e->l1.n ? e->l1.v[0]->l1.n : 0;
    if (arity + fv.n > 255) cerr(c, e, "too many arguments and free variables in fun%s", "");
    /* OTP's name, with the index number_funs gave the node: stack frames print it. */
    char name[512];
    if (e->kind == A_NAMED_FUN)
        snprintf(name, sizeof name, "-%s/%d-%s/%d-%d-", c->fname, c->farity, e->name, arity, e->arity);
    else
        snprintf(name, sizeof name, "-%s/%d-fun-%d-", c->fname, c->farity, (int)e->ival);
    CodeBuf *cb = c->cb;
    GROW(cb->fundefs, cb->n_fundefs, cb->cap_fundefs);
    unsigned idx = (unsigned)cb->n_fundefs++;
    unsigned label = new_label(c);
    cb->fundefs[idx] = (CodeFunDef){atom_s(name), (unsigned)arity, (unsigned)fv.n, label};
    GROW(c->lambdas, c->n_lambdas, c->cap_lambdas);
    Term *freek = calloc((size_t)fv.n + 1, sizeof *freek);
    if (!freek) abort();
    for (int i = 0; i < fv.n; i++) freek[i] = var_find(c, fv.v[i])->konst;
    c->lambdas[c->n_lambdas++] = (Lambda){e, fv.v, freek, fv.n, idx, label, 0};
    E(c, OPC_test_heap);
    E(c, (Instr)(FUN_BASE_SIZE + fv.n));
    heap_live(c);
    Opnd d = temp(c);
    E(c, OPC_make_fun);
    E(c, idx);
    E(c, (Instr)fv.n);
    for (int i = 0; i < fv.n; i++) E(c, slot(c, var_find(c, fv.v[i])->slot));
    E(c, d);
    return d;
}

/* Entries of export funs live as long as the runtime (literal funs point at them): kept in
 * blocks reachable from here. */
static FunEntry *export_fun_entry(void)
{
    typedef struct Block { struct Block *next; size_t used; FunEntry e[64]; } Block;
    static Block *blocks;
    if (!blocks || blocks->used == 64) {
        Block *b = calloc(1, sizeof *b);
        if (!b) abort();
        b->next = blocks;
        blocks = b;
    }
    return &blocks->e[blocks->used++];
}

static Opnd cfun_ref(Ctx *c, Ast *e)
{
    if (e->kind == A_FUN_REMOTE) {
        if (e->a->kind == A_ATOM && e->b->kind == A_ATOM && e->c->kind == A_INTEGER) {
            /* An export fun: a literal (5 words, creator 'external'). */
            Term m = atom_of(e->a), f = atom_of(e->b);
            unsigned a = (unsigned)e->c->ival;
            FunEntry *fe = export_fun_entry();
            fe->module = m;
            fe->name = f;
            fe->arity = a;
            fe->is_export = 1;
            fe->code = code_export(m, f, a);
            Term *hp = heap_halloc(&c->scratch.heap, FUN_BASE_SIZE);
            return lit(fun_at(hp, fe, AM(external), 0, NULL));
        }
        Opnd m = cexpr(c, e->a, false), f = cexpr(c, e->b, false), a = cexpr(c, e->c, false);
        Opnd d = temp(c);
        line(c, e);
        E(c, OPC_make_export_fun);
        E(c, m);
        E(c, f);
        E(c, a);
        E(c, d);
        return d;
    }
    /* fun f/N: a fun whose body calls f. */
    FuncSym *fs = func_find(c, e->name, (int)e->ival);
    if (!fs && auto_imported(e->name, (int)e->ival)) {
        /* fun is_atom/1 is fun erlang:is_atom/1, as erl_lint/v3_core make it. */
        FunEntry *fe = export_fun_entry();
        fe->module = atom_s("erlang");
        fe->name = atom_of(e);
        fe->arity = (uint32_t)e->ival;
        fe->is_export = 1;
        fe->code = code_export(fe->module, fe->name, fe->arity);
        Term *hp = heap_halloc(&c->scratch.heap, FUN_BASE_SIZE);
        return lit(fun_at(hp, fe, AM(external), 0, NULL));
    }
    if (!fs) {
        char buf[300];
        snprintf(buf, sizeof buf, "%s/%d", e->name, (int)e->ival);
        cerr(c, e, "function %s undefined", buf);
        return AM(ok);
    }
    char name[512];
    snprintf(name, sizeof name, "-%s/%d-fun-%d-", c->fname, c->farity, c->fun_counter++);
    CodeBuf *cb = c->cb;
    GROW(cb->fundefs, cb->n_fundefs, cb->cap_fundefs);
    unsigned idx = (unsigned)cb->n_fundefs++;
    cb->fundefs[idx] = (CodeFunDef){atom_s(name), (unsigned)e->ival, 0, fs->label};
    E(c, OPC_test_heap);
    E(c, FUN_BASE_SIZE);
    heap_live(c);
    Opnd d = temp(c);
    E(c, OPC_make_fun);
    E(c, idx);
    E(c, 0);
    E(c, d);
    return d;
}

/* at: the case, if or try whose clauses these are; OTP reports a case_clause, if_clause or
 * try_clause at its keyword's line. */
/* `case A < B of true -> ...; false -> ... end` (either order, no guards, any comparison):
 * the clause indexes. OTP branches on the comparison; no boolean is made. */
static bool bool_case(const Ast *e, int *tcl, int *fcl)
{
    VmCmp k;
    bool sw;
    const Ast *s = e->a;
    if (s->kind != A_OP || !s->b || !cmp_of(s->name, &k, &sw) || e->l1.n != 2) return false;
    *tcl = *fcl = -1;
    for (int i = 0; i < 2; i++) {
        const Ast *cl = e->l1.v[i];
        if (cl->l1.n != 1 || cl->l2.n || cl->l1.v[0]->kind != A_ATOM) return false;
        if (ast_name_is(cl->l1.v[0], "true")) *tcl = i;
        else if (ast_name_is(cl->l1.v[0], "false")) *fcl = i;
    }
    return *tcl >= 0 && *fcl >= 0;
}

/* A case clause's body, its value moved to d and a jump to end unless in tail position; then
 * the temporaries back to mark and the variables it bound added to acc. */
static void clause_body(Ctx *c, Ast *cl, bool tail, Opnd d, unsigned end, int mark, bool *acc)
{
    Opnd r = cbody(c, &cl->l3, tail);
    if (!tail) {
        emit_move(c, r, d);
        emit_jump(c, end);
    }
    c->cur_temp = mark;
    bound_union(c, acc);
}

/* The two bodies after the comparison's test (it jumps to the false one), with the variables
 * both bind exported, as ccase_clauses does. A comparison cannot raise, and it is true or
 * false: no case_clause. */
static Opnd cbool_case(Ctx *c, Ast *e, int tcl, int fcl, bool tail)
{
    unsigned f = new_label(c), end = new_label(c);
    Opnd d = tail ? 0 : temp(c);
    bool *before = bound_save(c);
    int nb = c->n_vars;
    bool *acc = calloc((size_t)nb + 1, sizeof *acc);
    if (!acc) abort();
    int mark = c->cur_temp;
    ctest(c, e->a, f);
    c->cur_temp = mark;
    for (int k = 0; k < 2; k++) {
        Ast *cl = e->l1.v[k == 0 ? tcl : fcl];
        bound_restore(c, before, nb);
        if (k == 1) bind_label(c, f);
        clause_body(c, cl, tail, d, end, mark, acc);
    }
    bind_label(c, end);
    for (int i = 0; i < nb; i++) c->vars[i].bound = acc[i];
    free(before);
    free(acc);
    return d;
}

static Opnd ccase_clauses(Ctx *c, Opnd v, AstList *clauses, bool tail, Term err_tag, const Ast *at)
{
    /* A variable that matches a case's constant is that constant to OTP's types (Var.konst). */
    Term konst = c->case_konst;
    c->case_konst = NONVALUE;
    if (konst != NONVALUE && !term_is_small(konst) && !term_is_atom(konst) && konst != NIL)
        konst = NONVALUE;
    unsigned end = new_label(c);
    Opnd d = tail ? 0 : temp(c);
    bool *before = bound_save(c);
    int nb = c->n_vars;
    bool *acc = calloc((size_t)nb + 1, sizeof *acc);
    if (!acc) abort();
    for (int i = 0; i < clauses->n; i++) {
        Ast *cl = clauses->v[i];
        bound_restore(c, before, nb);
        unsigned next = new_label(c);
        int mark = c->cur_temp;
        if (cl->l1.n) cmatch(c, cl->l1.v[0], v, next);
        if (cl->l1.n && cl->l1.v[0]->kind == A_VAR && !is_wild(cl->l1.v[0]) && konst != NONVALUE)
            var_find(c, cl->l1.v[0]->name)->konst = konst;
        cguards(c, &cl->l2, next);
        clause_body(c, cl, tail, d, end, mark, acc);
        bind_label(c, next);
    }
    line(c, at);
    if (err_tag == AM(if_clause)) {
        E(c, OPC_raise);
        E(c, AM(error));
        E(c, AM(if_clause));
    } else {
        E(c, OPC_raise_tag);
        E(c, err_tag);
        E(c, v);
    }
    bind_label(c, end);
    for (int i = 0; i < nb; i++) c->vars[i].bound = acc[i];
    free(before);
    free(acc);
    return d;
}

/* try ... of ... catch ... end (no after). */
static Opnd ctry_inner(Ctx *c, Ast *e)
{
    int tslot = new_temp(c);
    Opnd ty = slot(c, tslot);
    unsigned handler = new_label(c), end = new_label(c);
    Opnd d = temp(c);
    E(c, OPC_try_);
    E(c, ty);
    E(c, handler);
    Opnd r = cbody(c, &e->l1, false);
    emit_move(c, r, d);
    E(c, OPC_try_end);
    E(c, ty);
    if (e->l2.n) {
        Opnd r2 = ccase_clauses(c, d, &e->l2, false, AM(try_clause), e);
        emit_move(c, r2, d);
    }
    emit_jump(c, end);
    bind_label(c, handler);
    E(c, OPC_try_case);
    E(c, ty);
    Opnd cls = temp(c), rsn = temp(c), stk = temp(c);
    emit_move(c, vm_x(0), cls);
    emit_move(c, vm_x(1), rsn);
    emit_move(c, vm_x(2), stk);
    if (e->l3.n == 0) {
        E(c, OPC_rethrow);
        E(c, cls);
        E(c, rsn);
        E(c, stk);
    } else {
        bool *before = bound_save(c);
        int nb = c->n_vars;
        for (int i = 0; i < e->l3.n; i++) {
            Ast *cl = e->l3.v[i];
            bound_restore(c, before, nb);
            unsigned next = new_label(c);
            Ast *pat = cl->l1.v[0];
            /* The pattern is {Class, Reason, Stack} as a tuple (erl_parse's shape). */
            Ast *pc = NULL, *pr = pat, *ps = NULL;
            if (pat->kind == A_TUPLE && pat->l1.n == 3) {
                pc = pat->l1.v[0];
                pr = pat->l1.v[1];
                ps = pat->l1.v[2];
            }
            if (pc) cmatch(c, pc, cls, next);
            else {
                E(c, OPC_cmp);
                E(c, next);
                E(c, VC_EQ_EXACT);
                E(c, cls);
                E(c, AM(throw));
            }
            cmatch(c, pr, rsn, next);
            if (ps && !is_wild(ps)) cmatch(c, ps, stk, next);
            cguards(c, &cl->l2, next);
            Opnd r3 = cbody(c, &cl->l3, false);
            emit_move(c, r3, d);
            emit_jump(c, end);
            bind_label(c, next);
        }
        free(before);
        E(c, OPC_rethrow);
        E(c, cls);
        E(c, rsn);
        E(c, stk);
    }
    bind_label(c, end);
    return d;
}

static Opnd ctry(Ctx *c, Ast *e, bool tail)
{
    if (e->l4.n == 0) return ret(c, ctry_inner(c, e), tail);
    int tslot = new_temp(c);
    Opnd ty = slot(c, tslot);
    unsigned handler = new_label(c), end = new_label(c);
    Opnd d = temp(c);
    E(c, OPC_try_);
    E(c, ty);
    E(c, handler);
    Opnd r;
    if (e->l2.n || e->l3.n) r = ctry_inner(c, e);
    else r = cbody(c, &e->l1, false);
    emit_move(c, r, d);
    E(c, OPC_try_end);
    E(c, ty);
    int mark = c->cur_temp;
    cbody(c, &e->l4, false);
    c->cur_temp = mark;
    emit_jump(c, end);
    bind_label(c, handler);
    E(c, OPC_try_case);
    E(c, ty);
    Opnd cls = temp(c), rsn = temp(c), stk = temp(c);
    emit_move(c, vm_x(0), cls);
    emit_move(c, vm_x(1), rsn);
    emit_move(c, vm_x(2), stk);
    cbody(c, &e->l4, false);
    E(c, OPC_rethrow);
    E(c, cls);
    E(c, rsn);
    E(c, stk);
    bind_label(c, end);
    return ret(c, d, tail);
}

static Opnd ccatch(Ctx *c, Ast *e, bool tail)
{
    int tslot = new_temp(c);
    Opnd ty = slot(c, tslot);
    unsigned handler = new_label(c);
    Opnd d = temp(c);
    E(c, OPC_catch_);
    E(c, ty);
    E(c, handler);
    Opnd r = cexpr(c, e->a, false);
    emit_move(c, r, vm_x(0));
    bind_label(c, handler);
    E(c, OPC_catch_end);
    E(c, ty);
    emit_move(c, vm_x(0), d);
    return ret(c, d, tail);
}

/* A generator's pattern binds fresh variables: one already bound outside is shadowed by a new
 * slot for the comprehension (clc drops the shadows afterwards), so the outer value survives. */
static void shadow_pattern_vars(Ctx *c, Ast *pat)
{
    NameSet ns = {0};
    each_var(c, pat, false, collect_name, &ns);
    for (int i = 0; i < ns.n; i++) {
        Var *v = var_find(c, ns.v[i]);
        if (v && v->bound) var_add(c, ns.v[i], new_temp(c));
        else if (v) v->bound = false;
    }
    free(ns.v);
}

/* Binary comprehensions: nested loops in the frame, consing onto an accumulator, reversed and
 * concatenated at the end. */
static void clc_quals(Ctx *c, Ast *e, int qi, Opnd acc)
{
    if (qi == e->l1.n) {
        int mark = c->cur_temp;
        Opnd v = cexpr(c, e->a, false);
        Opnd cell = build_cons(c, v, acc);
        emit_move(c, cell, acc);
        c->cur_temp = mark;
        return;
    }
    Ast *q = e->l1.v[qi];
    if (q->kind == A_GENERATE) {
        Opnd l = temp(c);
        Opnd src = cexpr(c, q->b, false);
        emit_move(c, src, l);
        Opnd h = temp(c);
        unsigned top = new_label(c), next = new_label(c), done = new_label(c), bad = new_label(c);
        bind_label(c, top);
        E(c, OPC_is_nonempty_list);
        E(c, done);
        E(c, l);
        E(c, OPC_get_list);
        E(c, l);
        E(c, h);
        E(c, l);
        shadow_pattern_vars(c, q->a);
        cmatch(c, q->a, h, next);
        clc_quals(c, e, qi + 1, acc);
        bind_label(c, next);
        emit_jump(c, top);
        bind_label(c, done);
        E(c, OPC_is_nil);
        E(c, bad);
        E(c, l);
        unsigned out = new_label(c);
        emit_jump(c, out);
        bind_label(c, bad);
        line(c, q->b); /* OTP raises at the line of the generator's expression */
        E(c, OPC_raise_tag);
        E(c, atom_s("bad_generator"));
        E(c, l);
        bind_label(c, out);
        return;
    }
    if (q->kind == A_B_GENERATE) {
        Opnd src = cexpr(c, q->b, false);
        int ctx = new_temp(c);
        new_temp(c);
        unsigned top = new_label(c), done = new_label(c), bad = new_label(c);
        E(c, OPC_bs_start);
        E(c, bad);
        E(c, src);
        E(c, slot(c, ctx));
        bind_label(c, top);
        shadow_pattern_vars(c, q->a);
        if (q->a->kind != A_BIN) {
            cerr(c, q->a, "illegal pattern%s", "");
            return;
        }
        cmatch_bin_segments(c, q->a, ctx, done);
        clc_quals(c, e, qi + 1, acc);
        emit_jump(c, top);
        bind_label(c, bad);
        line(c, q->b);
        E(c, OPC_raise_tag);
        E(c, atom_s("bad_generator"));
        E(c, src);
        bind_label(c, done);
        return;
    }
    /* A filter. */
    unsigned skip = new_label(c);
    if (is_test_expr(q)) {
        ctest(c, q, skip);
    } else {
        int mark = c->cur_temp;
        Opnd v = cexpr(c, q, false);
        E(c, OPC_cmp);
        E(c, skip);
        E(c, VC_EQ_EXACT);
        E(c, v);
        E(c, AM(true));
        c->cur_temp = mark;
    }
    clc_quals(c, e, qi + 1, acc);
    bind_label(c, skip);
}

static Opnd cbc(Ctx *c, Ast *e, bool tail)
{
    Opnd acc = temp(c);
    emit_move(c, NIL, acc);
    bool *before = bound_save(c);
    int nb = c->n_vars;
    const Ast *outer_bc = c->bc_template;
    if (e->kind == A_BC) c->bc_template = e->a;
    clc_quals(c, e, 0, acc);
    c->bc_template = outer_bc;
    c->n_vars = nb; /* drop the generators' shadows */
    bound_restore(c, before, nb);
    free(before);
    E(c, OPC_lc_reverse);
    E(c, acc);
    E(c, acc);
    if (e->kind == A_BC) {
        line(c, e);
        E(c, OPC_op1);
        E(c, 0);
        E(c, VOP_BS_CONCAT);
        E(c, acc);
        E(c, acc);
    }
    return ret(c, acc, tail);
}

/* List comprehensions, as OTP 25's v3_core compiles them (lc_tq): each generator is a local
 * function '-F/A-lc$^L/1-N-' of the list (or binary) and the comprehension's free variables,
 * body-recursive: [Template | lc(Tail)] for an element that passes the filters, lc(Tail) for
 * one that does not, the continuation at the end (the enclosing generator's recursive call,
 * the right operand of ++, or []), error({bad_generator, T}) otherwise. Stack frames show the
 * arity with the free variables counted, as OTP's (v3_kernel lifts the letrec so). A
 * comprehension whose value is unused (AF_LC_EFFECT: sys_core_fold's effect context)
 * evaluates the template for effect and builds nothing. The generator functions are built as
 * trees here and compiled with the funs (compile_forms). */
#define AF_LC_EFFECT (1 << 20)

static Ast *mk(Ctx *c, AstKind k, int ln) { return ast_new(c->arena, k, ln, 0); }
static Ast *mk_var(Ctx *c, const char *name, int ln) { return ast_var(c->arena, ln, 0, name, strlen(name)); }
static Ast *mk_atom(Ctx *c, const char *name, int ln) { return ast_atom(c->arena, ln, 0, name, strlen(name)); }
static Ast *mk_call(Ctx *c, const char *fname, int ln, Ast *first, const NameSet *fv)
{
    Ast *call = mk(c, A_CALL, ln);
    call->a = mk_atom(c, fname, ln);
    ast_push(c->arena, &call->l1, first);
    for (int i = 0; fv && i < fv->n; i++) ast_push(c->arena, &call->l1, mk_var(c, fv->v[i], ln));
    return call;
}
static Ast *mk_clause(Ctx *c, Ast *pat, Ast *guard_test, Ast *body)
{
    Ast *cl = mk(c, A_CLAUSE, body->line);
    if (pat) ast_push(c->arena, &cl->l1, pat);
    if (guard_test) {
        Ast *g = mk(c, A_GUARD, body->line);
        ast_push(c->arena, &g->l1, guard_test);
        ast_push(c->arena, &cl->l2, g);
    }
    ast_push(c->arena, &cl->l3, body);
    return cl;
}
static Ast *lc_more(Ctx *c, Ast *e) { return e->c ? e->c : mk(c, A_NIL, e->line); }

/* The comprehension from qualifier qi on, ending in more. */
static Ast *lc_rest(Ctx *c, Ast *e, int qi, Ast *more)
{
    Ast *r = mk(c, A_LC, e->line);
    r->col = e->col;
    r->a = e->a;
    r->c = more;
    r->flags = e->flags & AF_LC_EFFECT;
    for (int i = qi; i < e->l1.n; i++) ast_push(c->arena, &r->l1, e->l1.v[i]);
    return r;
}

/* The variables bound here that the generator q's function uses: those of the template, the
 * later qualifiers and the continuation, and a binary pattern's sizes; not the pattern's own
 * (a generator's pattern binds fresh variables). */
static void lc_free_vars(Ctx *c, Ast *e, Ast *q, NameSet *fv)
{
    NameSet fresh = {0}, used = {0};
    if (q->kind == A_GENERATE) {
        each_var(c, q->a, true, collect_name, &fresh);
    } else {
        for (int i = 0; i < q->a->l1.n; i++) {
            each_var(c, q->a->l1.v[i]->a, true, collect_name, &fresh);
            each_var(c, q->a->l1.v[i]->b, true, collect_name, &used);
        }
    }
    each_var(c, e->a, true, collect_name, &used);
    for (int i = 1; i < e->l1.n; i++) each_var(c, e->l1.v[i], true, collect_name, &used);
    each_var(c, e->c, true, collect_name, &used);
    for (int k = 0; k < used.n; k++) {
        Var *v = var_find(c, used.v[k]);
        if (v && v->bound && !ns_has(&fresh, used.v[k])) ns_add(fv, used.v[k]);
    }
    free(fresh.v);
    free(used.v);
}

static Opnd clc_generator(Ctx *c, Ast *e, bool tail)
{
    Ast *q = e->l1.v[0];
    if (q->kind == A_B_GENERATE && q->a->kind != A_BIN) {
        cerr(c, q->a, "illegal pattern%s", "");
        return AM(ok);
    }
    NameSet fv = {0};
    lc_free_vars(c, e, q, &fv);
    char buf[512];
    snprintf(buf, sizeof buf, "-%s/%d-lc$^%d/1-%d-", c->fname, c->farity, (int)q->ival, q->arity);
    const char *fname = arena_strdup(c->arena, buf);
    snprintf(buf, sizeof buf, "lc$T%d", (int)q->ival);
    const char *tname = arena_strdup(c->arena, buf);
    unsigned label = new_label(c);
    GROW(c->funcs, c->n_funcs, c->cap_funcs);
    c->funcs[c->n_funcs++] = (FuncSym){fname, 1 + fv.n, label, false, false, 0};

    /* Both calls are at the generator's line, as OTP's (its anno). */
    Ast *self = mk_call(c, fname, q->line, mk_var(c, tname, q->line), &fv);
    Ast *fun = mk(c, A_FUN, e->line);
    Ast *pat, *end;
    if (q->kind == A_GENERATE) {
        pat = mk(c, A_CONS, q->line);
        pat->a = q->a;
        pat->b = mk_var(c, tname, q->line);
        end = mk(c, A_NIL, q->line);
    } else {
        pat = mk(c, A_BIN, q->a->line);
        for (int i = 0; i < q->a->l1.n; i++) ast_push(c->arena, &pat->l1, q->a->l1.v[i]);
        Ast *rest = mk(c, A_BIN_ELEMENT, q->line);
        rest->a = mk_var(c, tname, q->line);
        rest->flags = AF_HAS_TSL;
        ast_push(c->arena, &rest->l1, ast_atom(c->arena, q->line, 0, "bitstring", 9));
        rest->l1.v[0]->kind = A_BIT_TYPE;
        ast_push(c->arena, &pat->l1, rest);
        end = mk(c, A_BIN, q->line);
        Ast *any = mk(c, A_BIN_ELEMENT, q->line);
        any->a = mk_var(c, "_", q->line);
        any->flags = AF_HAS_TSL;
        ast_push(c->arena, &any->l1, rest->l1.v[0]);
        ast_push(c->arena, &end->l1, any);
    }
    ast_push(c->arena, &fun->l1, mk_clause(c, pat, NULL, lc_rest(c, e, 1, self)));
    if (q->kind == A_GENERATE) {
        Ast *skip = mk(c, A_CONS, q->line);
        skip->a = mk_var(c, "_", q->line);
        skip->b = mk_var(c, tname, q->line);
        ast_push(c->arena, &fun->l1, mk_clause(c, skip, NULL, self));
    }
    ast_push(c->arena, &fun->l1, mk_clause(c, end, NULL, lc_more(c, e)));
    int bl = q->b->line;
    Ast *bad = mk(c, A_TUPLE, bl);
    ast_push(c->arena, &bad->l1, mk_atom(c, "bad_generator", bl));
    ast_push(c->arena, &bad->l1, mk_var(c, "lc$G", bl));
    Ast *raise = mk(c, A_CALL, bl);
    raise->a = mk_atom(c, "error", bl);
    ast_push(c->arena, &raise->l1, bad);
    ast_push(c->arena, &fun->l1, mk_clause(c, mk_var(c, "lc$G", bl), NULL, raise));

    GROW(c->lambdas, c->n_lambdas, c->cap_lambdas);
    Term *freek = calloc((size_t)fv.n + 1, sizeof *freek);
    if (!freek) abort();
    for (int i = 0; i < fv.n; i++) freek[i] = var_find(c, fv.v[i])->konst;
    c->lambdas[c->n_lambdas++] = (Lambda){fun, fv.v, freek, fv.n, 0, label, atom_s(fname)};
    return cexpr(c, mk_call(c, fname, q->line, q->b, &fv), tail);
}

/* A filter: a guard test skips the element when it fails or raises; another expression
 * must be true or false (error {bad_filter, V} otherwise). */
static bool lc_guard_safe(Ctx *c, const Ast *e)
{
    static const char *const bifs[] = {"element", "size", "tuple_size", "map_size", "length",
        "hd", "tl", "abs", "byte_size", "bit_size", "node", "self", "round", "trunc", "float",
        "map_get", "is_map_key", "min", "max", NULL};
    if (!e) return true;
    switch (e->kind) {
    case A_VAR: case A_INTEGER: case A_FLOAT: case A_CHAR: case A_ATOM: case A_STRING: case A_NIL:
        return true;
    case A_CONS: case A_OP: return lc_guard_safe(c, e->a) && lc_guard_safe(c, e->b);
    case A_TUPLE:
        for (int i = 0; i < e->l1.n; i++)
            if (!lc_guard_safe(c, e->l1.v[i])) return false;
        return true;
    case A_CALL: {
        if (e->a->kind != A_ATOM || func_find(c, e->a->name, e->l1.n)) return false;
        for (int i = 0; i < c->n_imports; i++)
            for (int k = 0; k < c->imports[i]->l1.n; k++)
                if (!strcmp(c->imports[i]->l1.v[k]->name, e->a->name)) return false;
        bool ok = is_test_expr(e);
        for (int i = 0; bifs[i] && !ok; i++) ok = !strcmp(bifs[i], e->a->name);
        for (int i = 0; ok && i < e->l1.n; i++) ok = lc_guard_safe(c, e->l1.v[i]);
        return ok;
    }
    default: return false;
    }
}

static bool lc_guard_filter(Ctx *c, const Ast *q)
{
    return (is_test_expr(q) || q->kind == A_VAR || q->kind == A_ATOM) && lc_guard_safe(c, q);
}

static Opnd clc_filter(Ctx *c, Ast *e, bool tail)
{
    Ast *q = e->l1.v[0];
    Ast *rest = lc_rest(c, e, 1, e->c);
    if (lc_guard_filter(c, q)) {
        Ast *iff = mk(c, A_IF, q->line);
        ast_push(c->arena, &iff->l1, mk_clause(c, NULL, q, rest));
        ast_push(c->arena, &iff->l1, mk_clause(c, NULL, mk_atom(c, "true", q->line), lc_more(c, e)));
        return cexpr(c, iff, tail);
    }
    AstList cls = {0};
    ast_push(c->arena, &cls, mk_clause(c, mk_atom(c, "true", q->line), NULL, rest));
    ast_push(c->arena, &cls, mk_clause(c, mk_atom(c, "false", q->line), NULL, lc_more(c, e)));
    Opnd v = cexpr(c, q, false);
    if (is_lit(v)) {
        Opnd t = temp(c);
        emit_move(c, v, t);
        v = t;
    }
    Opnd d = ccase_clauses(c, v, &cls, tail, atom_s("bad_filter"), q);
    return tail ? AM(ok) : d;
}

static Opnd clc(Ctx *c, Ast *e, bool tail)
{
    if (e->kind == A_BC) return cbc(c, e, tail);
    if (e->l1.n == 0) {
        Ast *r;
        if (e->flags & AF_LC_EFFECT) {
            r = mk(c, A_BLOCK, e->line);
            ast_push(c->arena, &r->l1, e->a);
            ast_push(c->arena, &r->l1, lc_more(c, e));
        } else {
            r = mk(c, A_CONS, e->line);
            r->a = e->a;
            r->b = lc_more(c, e);
        }
        return cexpr(c, r, tail);
    }
    Ast *q = e->l1.v[0];
    if (q->kind == A_GENERATE || q->kind == A_B_GENERATE) return clc_generator(c, e, tail);
    return clc_filter(c, e, tail);
}

/* The order in which OTP 25 applies a map update's pairs (v3_kernel map_split_pairs), which
 * decides the key a badkey names: each run of adjacent literal keys is one group, every other
 * key a group of its own, in source order. Within a group a key given twice counts once (the
 * last value, the first operator), the '=>' pairs come first, then the ':=' pairs, each in
 * key order. Fills ord (pair indexes) and exact; returns how many. */
static int map_update_order(const Ast *e, const Opnd *ks, int n, int *ord, bool *exact)
{
    int m = 0;
    for (int i = 0; i < n;) {
        if (!is_lit(ks[i])) {
            exact[m] = e->l1.v[i]->kind == A_MAP_EXACT;
            ord[m++] = i++;
            continue;
        }
        int g = m, end = i;
        while (end < n && is_lit(ks[end])) end++;
        for (int k = i; k < end; k++) {
            int j;
            for (j = g; j < m; j++)
                if (term_eq_exact(ks[ord[j]], ks[k])) break;
            if (j < m) {
                ord[j] = k;
                continue;
            }
            exact[m] = e->l1.v[k]->kind == A_MAP_EXACT;
            ord[m++] = k;
        }
        /* insertion sort: '=>' before ':=', then by key */
        for (int a = g + 1; a < m; a++)
            for (int b = a; b > g; b--) {
                int x = exact[b - 1] - exact[b];
                if (x == 0) x = term_compare(ks[ord[b - 1]], ks[ord[b]], false);
                if (x <= 0) break;
                int t = ord[b];
                ord[b] = ord[b - 1];
                ord[b - 1] = t;
                bool u = exact[b];
                exact[b] = exact[b - 1];
                exact[b - 1] = u;
            }
        i = end;
    }
    return m;
}

/* Mirrors clc for tail_frameless: a comprehension is a call to its first generator's
 * function; the generator functions' bodies end in the template's cons (a frame) or, for
 * effect, the template and a tail call. */
static bool is_leaf(Ctx *c, Ast *n);
static bool lc_frameless(Ctx *c, Ast *e)
{
    for (int i = 0; i < e->l1.n; i++) {
        Ast *q = e->l1.v[i];
        if (q->kind == A_GENERATE || q->kind == A_B_GENERATE) return is_leaf(c, q->b);
        if (!is_leaf(c, q)) return false;
    }
    return (e->flags & AF_LC_EFFECT) && is_leaf(c, e->a);
}

static Opnd cmap(Ctx *c, Ast *e, bool tail)
{
    int n = e->l1.n;
    if (!e->a) {
        if (n == 0) return ret(c, literal_empty_map(), tail);
        Opnd *ks = malloc((size_t)n * sizeof *ks), *vs = malloc((size_t)n * sizeof *vs);
        if (!ks || !vs) abort();
        bool lit_keys = true, all_lit = true;
        for (int i = 0; i < n; i++) {
            ks[i] = cexpr(c, e->l1.v[i]->a, false);
            vs[i] = cexpr(c, e->l1.v[i]->b, false);
            lit_keys = lit_keys && is_lit(ks[i]);
            all_lit = all_lit && is_lit(ks[i]) && is_lit(vs[i]);
        }
        Opnd d;
        if (all_lit) {
            d = lit(map_from_arrays(&c->scratch.heap, ks, vs, (Uint)n));
        } else if (lit_keys && n <= MAP_SMALL_MAP_LIMIT) {
            /* Sort the keys (later duplicates win), then a literal keys tuple. */
            int *ord = malloc((size_t)n * sizeof *ord);
            int m = 0;
            for (int i = 0; i < n; i++) {
                int j;
                for (j = 0; j < m; j++)
                    if (term_eq_exact(ks[ord[j]], ks[i])) break;
                if (j < m) ord[j] = i;
                else ord[m++] = i;
            }
            for (int i = 1; i < m; i++)
                for (int j = i; j > 0 && term_compare(ks[ord[j - 1]], ks[ord[j]], true) > 0; j--) {
                    int t = ord[j];
                    ord[j] = ord[j - 1];
                    ord[j - 1] = t;
                }
            Term *hp = heap_halloc(&c->scratch.heap, (Uint)m + 1);
            hp[0] = make_tuple_header((Uint)m);
            for (int i = 0; i < m; i++) hp[1 + i] = ks[ord[i]];
            Term keys = lit(make_boxed(hp));
            d = temp(c);
            E(c, OPC_map_new);
            E(c, keys);
            E(c, (Instr)m);
            for (int i = 0; i < m; i++) E(c, vs[ord[i]]);
            E(c, d);
            free(ord);
        } else {
            d = temp(c);
            emit_move(c, literal_empty_map(), d);
            for (int i = 0; i < n; i++) {
                E(c, OPC_map_put);
                E(c, 0);
                E(c, 0);
                E(c, d);
                E(c, ks[i]);
                E(c, vs[i]);
                E(c, d);
            }
        }
        free(ks);
        free(vs);
        return ret(c, d, tail);
    }
    Opnd m0 = cexpr(c, e->a, false);
    Opnd d = temp(c);
    emit_move(c, m0, d);
    /* Every key and value first, then the update (one instruction in OTP): a failure comes
     * after all of them, at the update's line. */
    Opnd *ks = malloc((size_t)n * sizeof *ks), *vs = malloc((size_t)n * sizeof *vs);
    if (!ks || !vs) abort();
    for (int i = 0; i < n; i++) {
        ks[i] = cexpr(c, e->l1.v[i]->a, false);
        vs[i] = cexpr(c, e->l1.v[i]->b, false);
    }
    line(c, e);
    int *ord = malloc((size_t)n * sizeof *ord);
    bool *exact = malloc((size_t)n * sizeof *exact);
    if (!ord || !exact) abort();
    int m = map_update_order(e, ks, n, ord, exact);
    for (int i = 0; i < m; i++) {
        E(c, OPC_map_put);
        E(c, 0);
        E(c, exact[i]);
        E(c, d);
        E(c, ks[ord[i]]);
        E(c, vs[ord[i]]);
        E(c, d);
    }
    free(ord);
    free(exact);
    free(ks);
    free(vs);
    return ret(c, d, tail);
}

/* Bit syntax segment spec. */

static Seg seg_spec(Ctx *c, Ast *el)
{
    Seg s = {VBS_INTEGER, 0, -1, el->b != NULL};
    for (int i = 0; i < el->l1.n; i++) {
        Ast *t = el->l1.v[i];
        const char *n = t->name;
        if (!strcmp(n, "integer")) s.type = VBS_INTEGER;
        else if (!strcmp(n, "float")) s.type = VBS_FLOAT;
        else if (!strcmp(n, "binary") || !strcmp(n, "bytes")) s.type = VBS_BINARY;
        else if (!strcmp(n, "bitstring") || !strcmp(n, "bits")) s.type = VBS_BITSTRING;
        else if (!strcmp(n, "utf8")) s.type = VBS_UTF8;
        else if (!strcmp(n, "utf16")) s.type = VBS_UTF16;
        else if (!strcmp(n, "utf32")) s.type = VBS_UTF32;
        else if (!strcmp(n, "little")) s.flags |= BIN_LITTLE;
        else if (!strcmp(n, "big")) s.flags &= ~(unsigned)BIN_LITTLE;
        else if (!strcmp(n, "native")) s.flags |= BIN_LITTLE;
        else if (!strcmp(n, "signed")) s.flags |= BIN_SIGNED;
        else if (!strcmp(n, "unsigned")) s.flags &= ~(unsigned)BIN_SIGNED;
        else if (!strcmp(n, "unit")) s.unit = (int)t->ival;
        else cerr(c, t, "bit type %s undefined", n);
    }
    if (s.unit < 0) s.unit = (s.type == VBS_BINARY) ? 8 : 1;
    return s;
}

static Opnd cbin(Ctx *c, Ast *e, bool tail)
{
    int n = e->l1.n;
    /* Segment numbers for a failure's error_info: in a binary comprehension's template OTP
     * counts the accumulated binary as segment 1. */
    unsigned seg_base = e == c->bc_template ? 2 : 1;
    Instr *w = malloc((size_t)(5 * n + 1) * sizeof *w);
    if (!w) abort();
    int k = 0;
    for (int i = 0; i < n; i++) {
        Ast *el = e->l1.v[i];
        Seg s = seg_spec(c, el);
        if (el->a->kind == A_STRING && !s.has_size) {
            for (size_t j = 0; j < el->a->slen; j++) {
                w = realloc(w, (size_t)(k + 5 * (n + 1)) * sizeof *w + 5 * (el->a->slen + 1) * sizeof *w);
                bool utf = s.type == VBS_UTF8 || s.type == VBS_UTF16 || s.type == VBS_UTF32;
                w[k++] = make_small(utf ? s.type : VBS_INTEGER);
                w[k++] = make_small(s.flags | (seg_base + (unsigned)i) << 8);
                w[k++] = make_small((Sint)el->a->str[j]);
                w[k++] = utf ? AM(undefined) : make_small(8);
                w[k++] = make_small(1);
            }
            continue;
        }
        Opnd v = cexpr(c, el->a, false);
        Opnd sz;
        if (el->b) sz = cexpr(c, el->b, false);
        else if (s.type == VBS_INTEGER) sz = make_small(8);
        else if (s.type == VBS_FLOAT) sz = make_small(64);
        else sz = AM(undefined);
        w = realloc(w, (size_t)(k + 5 * (n + 1)) * sizeof *w);
        w[k++] = make_small(s.type);
        /* The segment's number rides above the flags: a failure's error_info names it. */
        w[k++] = make_small(s.flags | (seg_base + (unsigned)i) << 8);
        w[k++] = v;
        w[k++] = sz;
        w[k++] = make_small(s.unit);
    }
    bool all_lit = true;
    for (int i = 0; i < k; i++) all_lit = all_lit && is_lit(w[i]);
    /* OTP folds integer segments of at most 256 bits only (<<0:257>> is built at run time). */
    for (int i = 0; all_lit && i < k; i += 5)
        if (small_val((Term)w[i]) == VBS_INTEGER && term_is_small((Term)w[i + 3]) &&
            small_val((Term)w[i + 3]) * small_val((Term)w[i + 4]) > 256)
            all_lit = false;
    if (all_lit) {
        /* A constant binary is a literal, as OTP builds it. */
        Term b = vm_bs_build_const(&c->scratch, w, (unsigned)k);
        if (b != NONVALUE) {
            free(w);
            return ret(c, lit(b), tail);
        }
    }
    Opnd d = temp(c);
    line(c, e);
    E(c, OPC_bs_build);
    E(c, c->gfail);
    E(c, (Instr)k);
    for (int i = 0; i < k; i++) E(c, w[i]);
    E(c, d);
    free(w);
    return ret(c, d, tail);
}

static Opnd crecord(Ctx *c, Ast *e, bool tail)
{
    RecDef *r = rec_find(c, e, e->name);
    if (!r) return AM(ok);
    int n = rec_size(r);
    Opnd *el = calloc((size_t)n + 1, sizeof *el);
    if (!el) abort();
    Ast *other = NULL;
    for (int i = 0; i < e->l1.n; i++)
        if (is_wild(e->l1.v[i]->a)) other = e->l1.v[i]->b;
    Opnd base = 0;
    /* An update evaluates its new values first, in its own order, then the record (OTP's
     * erl_expand_records binds them before the record expression). */
    Opnd *upd = calloc((size_t)e->l1.n + 1, sizeof *upd);
    if (!upd) abort();
    if (e->a)
        for (int k = 0; k < e->l1.n; k++)
            if (!is_wild(e->l1.v[k]->a)) upd[k] = cexpr(c, e->l1.v[k]->b, false);
    if (e->a) {
        base = cexpr(c, e->a, false);
        E(c, OPC_is_record);
        unsigned ok = new_label(c), bad = new_label(c);
        E(c, bad);
        E(c, base);
        E(c, atom_s(r->name));
        E(c, (Instr)n);
        emit_jump(c, ok);
        bind_label(c, bad);
        /* OTP 25's erl_expand_records raises it at the line of the one field updated (its
         * setelement/3), or else at the record expression's own (its case). */
        line(c, e->l1.n == 1 ? e->l1.v[0] : e->a);
        E(c, OPC_raise_tag);
        E(c, atom_s("badrecord"));
        E(c, base);
        bind_label(c, ok);
    }
    el[0] = atom_s(r->name);
    for (int i = 0; i < r->decl->l1.n; i++) {
        Ast *fd = r->decl->l1.v[i];
        Ast *val = NULL;
        int vk = -1;
        for (int k = 0; k < e->l1.n; k++)
            if (!is_wild(e->l1.v[k]->a) && !strcmp(e->l1.v[k]->a->name, fd->a->name)) {
                val = e->l1.v[k]->b;
                vk = k;
            }
        if (val && e->a) el[i + 1] = upd[vk];
        else if (val) el[i + 1] = cexpr(c, val, false);
        else if (e->a) {
            Opnd t = temp(c);
            E(c, OPC_get_elem);
            E(c, base);
            E(c, (Instr)i + 2);
            E(c, t);
            el[i + 1] = t;
        } else if (other) el[i + 1] = cexpr(c, other, false);
        else if (fd->b) el[i + 1] = cexpr(c, fd->b, false);
        else el[i + 1] = AM(undefined);
    }
    Opnd d = build_tuple(c, el, n);
    free(el);
    free(upd);
    return ret(c, d, tail);
}

/* Whether e is a call of erlang:error/1,2, exit/1 or throw/1 (its type is none to OTP). */
static bool raises(const Ast *e)
{
    if (e->kind != A_CALL) return false;
    const Ast *f = e->a;
    const char *name;
    if (f->kind == A_ATOM) name = f->name;
    else if (f->kind == A_REMOTE && f->a->kind == A_ATOM && f->b->kind == A_ATOM &&
             !strcmp(f->a->name, "erlang"))
        name = f->b->name;
    else return false;
    return !strcmp(name, "error") || !strcmp(name, "exit") || !strcmp(name, "throw");
}

static bool float_expr(Ctx *c, const Ast *e);

/* Whether every clause gives a float or raises: 1 when some gives a float, 2 when all raise,
 * 0 otherwise. */
static int float_clauses(Ctx *c, const AstList *clauses)
{
    bool any = false;
    for (int i = 0; i < clauses->n; i++) {
        const AstList *body = &clauses->v[i]->l3;
        if (!body->n) return 0;
        const Ast *last = body->v[body->n - 1];
        if (raises(last)) continue;
        if (!float_expr(c, last)) return 0;
        any = true;
    }
    return any ? 1 : 2;
}

/* Whether erlang:Name(Args) is a float to OTP: float/1; abs/1 of a float (not max/2, min/2 of
 * two); list_to_float/1 and binary_to_float/1 of a literal, which sys_core_fold evaluates at
 * compile time (of anything else they are no float to OTP's types). */
static bool float_bif(Ctx *c, const char *name, const AstList *args)
{
    if (args->n == 1 && !strcmp(name, "float")) return true;
    if (args->n == 1 && !strcmp(name, "abs")) return float_expr(c, args->v[0]);
    if (args->n == 1 && (!strcmp(name, "list_to_float") || !strcmp(name, "binary_to_float"))) {
        const Ast *a = args->v[0];
        if (a->kind == A_STRING) return true;
        if (a->kind != A_BIN) return false;
        for (int i = 0; i < a->l1.n; i++) {
            const Ast *el = a->l1.v[i];
            if (!ast_is_literal(el->a) || (el->b && !ast_is_literal(el->b))) return false;
        }
        return true;
    }
    return false;
}

/* Whether OTP's type analysis knows e is a float: a float literal, a '/', arithmetic on a
 * float, float/1, a math function, or a variable bound to one of those. */
static bool float_expr(Ctx *c, const Ast *e)
{
    switch (e->kind) {
    case A_FLOAT: return true;
    case A_VAR: {
        Var *v = var_find(c, e->name);
        return v && v->bound && v->is_float;
    }
    case A_MATCH: return float_expr(c, e->b);
    case A_BLOCK: return e->l1.n && float_expr(c, e->l1.v[e->l1.n - 1]);
    case A_CASE:
    case A_IF: return float_clauses(c, &e->l1) == 1;
    case A_TRY: {
        /* The body (or its of-clauses) and every catch clause give a float (or raise). */
        bool body = e->l1.n && float_expr(c, e->l1.v[e->l1.n - 1]);
        int r = body ? 1 : 0;
        for (int i = 0; i < e->l2.n && r; i++) {
            /* an of-clause gives a float, or passes on the body's (V -> V) */
            const Ast *cl = e->l2.v[i];
            const Ast *last = cl->l3.n ? cl->l3.v[cl->l3.n - 1] : NULL;
            bool same = last && last->kind == A_VAR && cl->l1.n && cl->l1.v[0]->kind == A_VAR &&
                        !strcmp(last->name, cl->l1.v[0]->name);
            if (!last || !(same || raises(last) || float_expr(c, last))) r = 0;
        }
        int k = e->l3.n ? float_clauses(c, &e->l3) : 2;
        return r == 1 && k != 0;
    }
    case A_OP:
        if (!e->b) return (!strcmp(e->name, "-") || !strcmp(e->name, "+")) && float_expr(c, e->a);
        if (!strcmp(e->name, "/")) return true;
        if (!strcmp(e->name, "+") || !strcmp(e->name, "-") || !strcmp(e->name, "*"))
            return float_expr(c, e->a) || float_expr(c, e->b);
        return false;
    case A_CALL: {
        const Ast *f = e->a;
        if (f->kind == A_ATOM) {
            FuncSym *fs = func_find(c, f->name, e->l1.n);
            if (fs) return fs->ret_float;
            return float_bif(c, f->name, &e->l1);
        }
        if (f->kind != A_REMOTE || f->a->kind != A_ATOM || f->b->kind != A_ATOM) return false;
        if (!strcmp(f->a->name, "erlang")) return float_bif(c, f->b->name, &e->l1);
        if (strcmp(f->a->name, "math")) return false;
        static const char *const fl[] = {"sqrt", "pow", "exp", "log", "log2", "log10", "sin", "cos",
                                         "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh",
                                         "tanh", "pi", "ceil", "floor", "fmod"};
        for (size_t i = 0; i < sizeof fl / sizeof fl[0]; i++)
            if (!strcmp(f->b->name, fl[i])) return true;
        return false;
    }
    default: return false;
    }
}

/* A case on a constant subject whose clause is known at compile time is folded by OTP's
 * sys_core_fold: its value is a constant to OTP when that clause's value is (a literal, or a
 * pattern variable bound to one), so it goes second in a commutative operator's frame
 * (`(case #{a => 1} of #{b := X} -> X; #{} -> -1 end) band V` fails with [V, -1]). The A_CASE
 * compile works it out before its patterns bind anything (AF_CASE_KONST, the value in ival);
 * only immediates are kept. Whatever is not sure (guards, binaries, bound variables, strings
 * against lists) leaves the case unknown. */
#define AF_CASE_KONST (1 << 21)

typedef enum { KM_NO, KM_YES, KM_UNKNOWN } KMatch;
typedef struct KBind { const char *name[16]; const Ast *val[16]; int n; } KBind;

static bool pat_const(Ctx *c, Ast *p, Term *out);

static bool katomic(Ctx *c, const Ast *n, Term *out)
{
    switch (n->kind) {
    case A_INTEGER: case A_CHAR: case A_ATOM: case A_NIL: case A_FLOAT: case A_STRING:
        return pat_const(c, (Ast *)n, out);
    case A_OP: return !n->b && (n->a->kind == A_INTEGER || n->a->kind == A_FLOAT) && pat_const(c, (Ast *)n, out);
    default: return false;
    }
}

static KMatch kmatch(Ctx *c, const Ast *p, const Ast *s, KBind *b)
{
    Term tp, ts;
    if (p->kind == A_VAR) {
        if (is_wild(p)) return KM_YES;
        Var *v = var_find(c, p->name);
        if ((v && v->bound) || b->n == 16) return KM_UNKNOWN;
        for (int i = 0; i < b->n; i++)
            if (!strcmp(b->name[i], p->name)) return KM_UNKNOWN;
        b->name[b->n] = p->name;
        b->val[b->n++] = s;
        return KM_YES;
    }
    bool pa = katomic(c, p, &tp), sa = katomic(c, s, &ts);
    if (pa && sa) {
        return term_compare(tp, ts, true) == 0 ? KM_YES : KM_NO;
    }
    int kp = pa ? 0 : p->kind == A_TUPLE ? 1 : p->kind == A_MAP && !p->a ? 2 : p->kind == A_CONS ? 3 : -1;
    int ks = sa ? 0 : s->kind == A_TUPLE ? 1 : s->kind == A_MAP && !s->a ? 2 : s->kind == A_CONS ? 3 : -1;
    if (kp < 0 || ks < 0) return KM_UNKNOWN;
    if ((kp == 0 && p->kind == A_STRING) || (ks == 0 && s->kind == A_STRING)) return KM_UNKNOWN;
    if (kp != ks) return KM_NO;
    if (kp == 3) {
        KMatch h = kmatch(c, p->a, s->a, b);
        if (h != KM_YES) return h;
        return kmatch(c, p->b, s->b, b);
    }
    if (kp == 1) {
        if (p->l1.n != s->l1.n) return KM_NO;
        KMatch r = KM_YES;
        for (int i = 0; i < p->l1.n && r == KM_YES; i++) r = kmatch(c, p->l1.v[i], s->l1.v[i], b);
        return r;
    }
    /* A map pattern: each key must be in the subject (its last occurrence wins). */
    for (int i = 0; i < p->l1.n; i++) {
        Term kk;
        if (!katomic(c, p->l1.v[i]->a, &kk)) return KM_UNKNOWN;
        const Ast *found = NULL;
        for (int j = s->l1.n - 1; j >= 0 && !found; j--) {
            Term sk;
            if (!katomic(c, s->l1.v[j]->a, &sk)) return KM_UNKNOWN;
            if (term_compare(kk, sk, true) == 0) found = s->l1.v[j]->b;
        }
        if (!found) return KM_NO;
        KMatch r = kmatch(c, p->l1.v[i]->b, found, b);
        if (r != KM_YES) return r;
    }
    return KM_YES;
}

/* The value of the clause body's last expression when OTP knows it, an immediate. */
static bool kvalue(Ctx *c, const Ast *e, const KBind *b, Term *out)
{
    if (e->kind == A_VAR) {
        for (int i = b->n - 1; i >= 0; i--)
            if (!strcmp(b->name[i], e->name)) return kvalue(c, b->val[i], &(KBind){.n = 0}, out);
        return false;
    }
    if (!katomic(c, e, out)) return false;
    return term_is_small(*out) || term_is_atom(*out) || *out == NIL;
}

static void case_konst_note(Ctx *c, Ast *e)
{
    for (int i = 0; i < e->l1.n; i++) {
        Ast *cl = e->l1.v[i];
        KBind b = {.n = 0};
        if (cl->l1.n != 1) return;
        KMatch m = kmatch(c, cl->l1.v[0], e->a, &b);
        if (m == KM_NO) continue;
        if (m == KM_UNKNOWN || cl->l2.n || !cl->l3.n) return;
        Term v;
        if (!kvalue(c, cl->l3.v[cl->l3.n - 1], &b, &v)) return;
        e->flags |= AF_CASE_KONST;
        e->ival = (int64_t)v;
        return;
    }
}

/* Whether operand o (of expression n) is a constant to OTP: a literal, or a parameter OTP's
 * types made one (Var.konst), or a case OTP folds (AF_CASE_KONST). */
static bool const_opnd(Ctx *c, const Ast *n, Opnd o, Term *val)
{
    if (is_lit(o)) {
        *val = (Term)o;
        return true;
    }
    if (n->kind == A_CASE && (n->flags & AF_CASE_KONST)) {
        *val = (Term)n->ival;
        return true;
    }
    if (n->kind != A_VAR) return false;
    Var *v = var_find(c, n->name);
    if (!v || v->konst == NONVALUE) return false;
    *val = v->konst;
    return true;
}

/* Whether OTP raises this operation's badarith without an erlang:Op/N frame (outside guards):
 * float arithmetic, which OTP compiles to float instructions ('/' always; + - * when an operand
 * is known to be a float), and what OTP 25's loader turns into i_increment: X + K, K + X and
 * X - K for a small integer constant K (K >= 0 for '-'), and +X. */
static bool frameless_arith(Ctx *c, const Ast *e, VmOp op, Opnd a, Opnd b)
{
    if (c->gfail) return false;
    Term v;
    if (!e->b) return op == VOP_PLUS && !const_opnd(c, e->a, a, &v);
    if (op == VOP_FDIV) return true;
    if (op != VOP_ADD && op != VOP_SUB && op != VOP_MUL) return false;
    if (float_expr(c, e->a) || float_expr(c, e->b)) return true;
    Term va, vb;
    bool la = const_opnd(c, e->a, a, &va), lb = const_opnd(c, e->b, b, &vb);
    bool ka = la && term_is_small(va), kb = lb && term_is_small(vb);
    if (op == VOP_ADD) return (!la && kb) || (ka && !lb);
    if (op == VOP_SUB) return !la && kb && small_val(vb) >= 0;
    return false;
}

/* A label at the end of the function that raises error:badarith at e's line. */
static unsigned arith_stub(Ctx *c, const Ast *e)
{
    unsigned l = new_label(c);
    GROW(c->stubs, c->n_stubs, c->cap_stubs);
    c->stubs[c->n_stubs++] = (ArithStub){l, e->line};
    return l;
}

static Opnd cop(Ctx *c, Ast *e, bool tail)
{
    VmCmp k;
    bool sw;
    if (e->b && cmp_of(e->name, &k, &sw)) return test_value(c, e, tail);
    if (e->b && (!strcmp(e->name, "andalso") || !strcmp(e->name, "orelse"))) {
        if (c->gfail) return test_value(c, e, tail);
        bool is_and = !strcmp(e->name, "andalso");
        Opnd d = temp(c);
        Opnd a = cexpr(c, e->a, false);
        unsigned chk = new_label(c), bad = new_label(c), end = new_label(c);
        E(c, OPC_cmp);
        E(c, chk);
        E(c, VC_EQ_EXACT);
        E(c, a);
        E(c, is_and ? AM(false) : AM(true));
        emit_move(c, a, d);
        emit_jump(c, end);
        bind_label(c, chk);
        E(c, OPC_cmp);
        E(c, bad);
        E(c, VC_EQ_EXACT);
        E(c, a);
        E(c, is_and ? AM(true) : AM(false));
        int mark = c->cur_temp;
        Opnd b = cexpr(c, e->b, false);
        emit_move(c, b, d);
        c->cur_temp = mark;
        emit_jump(c, end);
        bind_label(c, bad);
        line(c, e);
        E(c, OPC_raise_tag);
        E(c, AM(badarg));
        E(c, a);
        bind_label(c, end);
        return ret(c, d, tail);
    }
    if (e->b && !strcmp(e->name, "!")) {
        int mark = c->cur_temp;
        Opnd a = cexpr(c, e->a, false), b = cexpr(c, e->b, false);
        c->cur_temp = mark;
        Opnd d = temp(c);
        line(c, e);
        E(c, OPC_send);
        E(c, a);
        E(c, b);
        E(c, d);
        return ret(c, d, tail);
    }
    VmOp op;
    if (!op_of(e->name, e->b == NULL, &op)) {
        cerr(c, e, "unsupported operator %s", e->name);
        return AM(ok);
    }
    int mark = c->cur_temp;
    if (!e->b) {
        Opnd a = cexpr(c, e->a, false);
        if (is_lit(a)) {
            Term r = vm_unop(&c->scratch, op, (Term)a);
            if (r != NONVALUE) return ret(c, lit(r), tail);
        }
        c->cur_temp = mark;
        Opnd d = temp(c);
        line(c, e);
        E(c, OPC_op1);
        E(c, frameless_arith(c, e, op, a, 0) ? arith_stub(c, e) : c->gfail);
        E(c, op);
        E(c, a);
        E(c, d);
        return ret(c, d, tail);
    }
    if (op == VOP_APPEND && e->a->kind == A_LC && !e->a->c && !(e->a->flags & AF_LC_EFFECT)) {
        /* OTP builds the comprehension onto the right operand (its continuation), which is
         * evaluated first. */
        Opnd r = cexpr(c, e->b, false);
        char buf[32];
        snprintf(buf, sizeof buf, "lc$more%d", c->n_vars);
        Var *v = var_add(c, arena_strdup(c->arena, buf), new_temp(c));
        if (c->cur_temp > c->max_slot) c->max_slot = c->cur_temp;
        v->bound = true;
        emit_move(c, r, slot(c, v->slot));
        Ast *lc = mk(c, A_LC, e->a->line);
        *lc = *e->a;
        lc->c = mk_var(c, v->name, e->line);
        return clc(c, lc, tail);
    }
    Opnd a, b;
    if (op == VOP_APPEND && (e->a->kind == A_LC)) {
        /* OTP builds the comprehension onto the right operand: that one is evaluated first. */
        b = cexpr(c, e->b, false);
        a = cexpr(c, e->a, false);
    } else {
        a = cexpr(c, e->a, false);
        b = cexpr(c, e->b, false);
    }
    Opnd f = fold2(c, op, a, b);
    if (f) {
        c->cur_temp = mark;
        return ret(c, f, tail);
    }
    /* OTP puts the constant operand of a commutative operator (+ * band bor bxor and or xor)
     * second: its erlang:Op/2 frame lists the arguments so. */
    bool no_frame = frameless_arith(c, e, op, a, b);
    Term ka, kb;
    if ((op == VOP_ADD || op == VOP_MUL || op == VOP_BAND || op == VOP_BOR || op == VOP_BXOR ||
         op == VOP_AND || op == VOP_OR || op == VOP_XOR) &&
        const_opnd(c, e->a, a, &ka) && !const_opnd(c, e->b, b, &kb)) {
        Opnd t = a;
        a = b;
        b = t;
    }
    /* The operands' temps stay until the instruction has read them: the result goes to a
     * fresh slot above them, or to x0 when it is returned at once. */
    Opnd d = result_slot(c, tail);
    line(c, e);
    E(c, OPC_op2);
    E(c, no_frame ? arith_stub(c, e) : c->gfail);
    E(c, op);
    E(c, a);
    E(c, b);
    E(c, d);
    return ret(c, d, tail);
}

/* v3_core's simple expressions: variables, constants, and lists and tuples of them. */
static bool simple_expr(const Ast *e)
{
    switch (e->kind) {
    case A_VAR: case A_INTEGER: case A_FLOAT: case A_CHAR: case A_ATOM: case A_STRING: case A_NIL:
        return true;
    case A_CONS: return simple_expr(e->a) && simple_expr(e->b);
    case A_TUPLE:
        for (int i = 0; i < e->l1.n; i++)
            if (!simple_expr(e->l1.v[i])) return false;
        return true;
    default: return false;
    }
}

/* A list or tuple of variables and constants in a constructor with calls beside it is built
 * where it is used, after them, as OTP's compiler substitutes it there: `[{A, B} | zip(As,
 * Bs)]` builds the tuple after the call (A and B wait in the frame; the heap's order is
 * OTP's). Nothing it does can be seen earlier: it cannot fail and has no effect. */
static bool deferred_ctor(const Ast *e) { return (e->kind == A_CONS || e->kind == A_TUPLE) && simple_expr(e); }

static Opnd cexpr(Ctx *c, Ast *e, bool tail)
{
    switch (e->kind) {
    case A_INTEGER:
        if (e->big) {
            Term t = int_from_string(&c->scratch.heap, e->big, strlen(e->big), 10);
            return ret(c, lit(t), tail);
        }
        return ret(c, lit(int_from_sint(&c->scratch.heap, e->ival)), tail);
    case A_CHAR: return ret(c, make_small(e->ival), tail);
    case A_FLOAT: {
        Term *hp = heap_halloc(&c->scratch.heap, FLOAT_SIZE);
        return ret(c, lit(float_at(hp, e->fval)), tail);
    }
    case A_ATOM: return ret(c, atom_of(e), tail);
    case A_NIL: return ret(c, NIL, tail);
    case A_STRING: return ret(c, lit(string_term(c, e->str, e->slen, NIL)), tail);
    case A_VAR: {
        Var *v = var_find(c, e->name);
        if (!v || !v->bound) {
            cerr(c, e, "variable '%s' is unbound", e->name);
            return AM(ok);
        }
        return ret(c, slot(c, v->slot), tail);
    }
    case A_CONS: {
        Opnd h, t;
        if (deferred_ctor(e->a) && !simple_expr(e->b)) {
            t = cexpr(c, e->b, false);
            h = cexpr(c, e->a, false);
        } else {
            h = cexpr(c, e->a, false);
            t = cexpr(c, e->b, false);
        }
        return ret(c, build_cons_to(c, h, t, tail), tail);
    }
    case A_TUPLE: {
        Opnd *el = malloc((size_t)(e->l1.n + 1) * sizeof *el);
        if (!el) abort();
        /* The elements that may do something first, in order; then the constructors of
         * variables and constants (deferred_ctor). */
        for (int i = 0; i < e->l1.n; i++)
            if (!deferred_ctor(e->l1.v[i])) el[i] = cexpr(c, e->l1.v[i], false);
        for (int i = 0; i < e->l1.n; i++)
            if (deferred_ctor(e->l1.v[i])) el[i] = cexpr(c, e->l1.v[i], false);
        Opnd d = build_tuple_to(c, el, e->l1.n, tail);
        free(el);
        return ret(c, d, tail);
    }
    case A_OP: return cop(c, e, tail);
    case A_MATCH: {
        Opnd v = cexpr(c, e->b, false);
        if (is_lit(v) && e->a->kind != A_VAR) {
            Opnd t = temp(c);
            emit_move(c, v, t);
            v = t;
        }
        /* A fresh variable (or _) always matches: no badmatch raise to jump around, whose
         * label would stand between a call's result and its first use (peep.c rule 7). */
        Var *pv = e->a->kind == A_VAR && !is_wild(e->a) ? var_find(c, e->a->name) : NULL;
        bool fresh = e->a->kind == A_VAR && (is_wild(e->a) || (pv && !pv->bound));
        unsigned bad = new_label(c), ok = new_label(c);
        cmatch(c, e->a, v, bad);
        if (!fresh) {
            emit_jump(c, ok);
            bind_label(c, bad);
            line(c, e);
            E(c, OPC_raise_tag);
            E(c, AM(badmatch));
            E(c, v);
            bind_label(c, ok);
        } /* else bad is never jumped to, and left unbound: a label here would stop rule 7 */
        if (e->a->kind == A_VAR && !is_wild(e->a)) {
            Var *var = var_find(c, e->a->name);
            var->is_float = float_expr(c, e->b);
            v = slot(c, var->slot);
        }
        return ret(c, v, tail);
    }
    case A_BLOCK: return cbody(c, &e->l1, tail);
    case A_CALL: return ccall(c, e, tail);
    case A_CASE: {
        int tcl, fcl;
        case_konst_note(c, e);
        if (bool_case(e, &tcl, &fcl)) {
            Opnd d = cbool_case(c, e, tcl, fcl, tail);
            return tail ? AM(ok) : d;
        }
        Opnd v = cexpr(c, e->a, false);
        Term k = NONVALUE;
        if (is_lit(v)) {
            k = (Term)v;
            Opnd t = temp(c);
            emit_move(c, v, t);
            v = t;
        }
        line(c, e);
        c->case_konst = k;
        Opnd d = ccase_clauses(c, v, &e->l1, tail, AM(case_clause), e);
        return tail ? AM(ok) : d;
    }
    case A_IF: {
        line(c, e);
        Opnd d = ccase_clauses(c, AM(ok), &e->l1, tail, AM(if_clause), e);
        return tail ? AM(ok) : d;
    }
    case A_FUN:
    case A_NAMED_FUN: return ret(c, cfun(c, e), tail);
    case A_FUN_LOCAL:
    case A_FUN_REMOTE: return ret(c, cfun_ref(c, e), tail);
    case A_TRY: {
        c->in_try++;
        Opnd r = ctry(c, e, tail);
        c->in_try--;
        return r;
    }
    case A_CATCH: {
        c->in_try++;
        Opnd r = ccatch(c, e, tail);
        c->in_try--;
        return r;
    }
    case A_LC:
    case A_BC: return clc(c, e, tail);
    case A_MAP: return cmap(c, e, tail);
    case A_BIN: return cbin(c, e, tail);
    case A_RECORD: return crecord(c, e, tail);
    case A_RECORD_INDEX: {
        RecDef *r = rec_find(c, e, e->name);
        return ret(c, make_small(r ? rec_field_index(c, r, e->a) : 0), tail);
    }
    case A_RECORD_ACCESS: {
        RecDef *r = rec_find(c, e, e->name);
        if (!r) return AM(ok);
        Opnd v = cexpr(c, e->a, false);
        /* A field of a constant record is a constant, as OTP folds it. */
        if (is_lit(v) && term_is_tuple((Term)v) && tuple_arity((Term)v) == (Uint)rec_size(r) &&
            tuple_elem((Term)v, 1) == atom_s(r->name))
            return ret(c, tuple_elem((Term)v, (Uint)rec_field_index(c, r, e->b)), tail);
        unsigned bad = new_label(c), ok = new_label(c);
        E(c, OPC_is_record);
        E(c, c->gfail ? c->gfail : bad);
        E(c, v);
        E(c, atom_s(r->name));
        E(c, (Instr)rec_size(r));
        emit_jump(c, ok);
        bind_label(c, bad);
        /* OTP raises it at the line where the record expression starts. */
        AstAnno an;
        ast_first_anno(e->a, &an);
        if (an.line > 0) codebuf_line(c->cb, an.line);
        E(c, OPC_raise_tag);
        E(c, atom_s("badrecord"));
        E(c, v);
        bind_label(c, ok);
        Opnd d = temp(c);
        E(c, OPC_get_elem);
        E(c, v);
        E(c, (Instr)rec_field_index(c, r, e->b));
        E(c, d);
        return ret(c, d, tail);
    }
    case A_RECEIVE: {
        /* Single process: the mailbox. */
        Opnd d = tail ? 0 : temp(c);
        unsigned loop = new_label(c), none = new_label(c), end = new_label(c), after = new_label(c);
        Opnd m = temp(c);
        bind_label(c, loop);
        E(c, OPC_recv_next);
        E(c, none);
        E(c, m);
        bool *before = bound_save(c);
        int nb = c->n_vars;
        for (int i = 0; i < e->l1.n; i++) {
            Ast *cl = e->l1.v[i];
            bound_restore(c, before, nb);
            unsigned next = new_label(c);
            cmatch(c, cl->l1.v[0], m, next);
            cguards(c, &cl->l2, next);
            E(c, OPC_recv_remove);
            Opnd r = cbody(c, &cl->l3, tail);
            if (!tail) {
                emit_move(c, r, d);
                emit_jump(c, end);
            }
            bind_label(c, next);
        }
        free(before);
        E(c, OPC_recv_skip);
        E(c, loop);
        bind_label(c, none);
        Opnd to = AM(infinity);
        if (e->flags & AF_AFTER) to = cexpr(c, e->a, false);
        E(c, OPC_recv_wait);
        E(c, to);
        E(c, after);
        emit_jump(c, loop);
        bind_label(c, after);
        if (e->flags & AF_AFTER) {
            Opnd r = cbody(c, &e->l2, tail);
            if (!tail) emit_move(c, r, d);
        }
        bind_label(c, end);
        return tail ? AM(ok) : d;
    }
    default:
        cerr(c, e, "unsupported expression (%s)", ast_kind_name(e->kind));
        return AM(ok);
    }
}

static Opnd cbody(Ctx *c, AstList *body, bool tail)
{
    Opnd r = AM(ok);
    for (int i = 0; i < body->n; i++) {
        bool last = i + 1 == body->n;
        int mark = c->cur_temp;
        if (!last && body->v[i]->kind == A_LC) body->v[i]->flags |= AF_LC_EFFECT;
        r = cexpr(c, body->v[i], tail && last);
        if (!last) c->cur_temp = mark;
    }
    return r;
}

/* ---- patterns ---------------------------------------------------------------------------- */

static bool pat_const(Ctx *c, Ast *p, Term *out)
{
    switch (p->kind) {
    case A_INTEGER:
        *out = p->big ? lit(int_from_string(&c->scratch.heap, p->big, strlen(p->big), 10))
                      : lit(int_from_sint(&c->scratch.heap, p->ival));
        return true;
    case A_CHAR: *out = make_small(p->ival); return true;
    case A_FLOAT: *out = lit(float_at(heap_halloc(&c->scratch.heap, 2), p->fval)); return true;
    case A_ATOM: *out = atom_of(p); return true;
    case A_NIL: *out = NIL; return true;
    case A_STRING: *out = lit(string_term(c, p->str, p->slen, NIL)); return true;
    case A_OP:
        if (!p->b && (p->a->kind == A_INTEGER || p->a->kind == A_FLOAT)) {
            Term t;
            if (!pat_const(c, p->a, &t)) return false;
            VmOp op;
            if (!op_of(p->name, true, &op)) return false;
            Term r = vm_unop(&c->scratch, op, t);
            if (r == NONVALUE) return false;
            *out = lit(r);
            return true;
        }
        if (p->b) {
            /* Constant arithmetic in patterns (e.g. 1 bsl 8). */
            Term a, b;
            VmOp op;
            if (pat_const(c, p->a, &a) && pat_const(c, p->b, &b) && op_of(p->name, false, &op) &&
                op != VOP_APPEND) {
                Term r = vm_binop(&c->scratch, op, a, b);
                if (r == NONVALUE) return false;
                *out = lit(r);
                return true;
            }
        }
        return false;
    default: return false;
    }
}

static void cmatch_bin_segments(Ctx *c, Ast *p, int ctx, unsigned fail)
{
    for (int i = 0; i < p->l1.n; i++) {
        Ast *el = p->l1.v[i];
        Seg s = seg_spec(c, el);
        if (el->a->kind == A_STRING) {
            for (size_t j = 0; j < el->a->slen; j++) {
                Opnd t = temp(c);
                E(c, OPC_bs_get);
                E(c, fail);
                E(c, slot(c, ctx));
                E(c, VBS_INTEGER);
                E(c, 0);
                E(c, make_small(8));
                E(c, 1);
                E(c, t);
                E(c, OPC_cmp);
                E(c, fail);
                E(c, VC_EQ_EXACT);
                E(c, t);
                E(c, make_small(el->a->str[j] & 0xFF));
            }
            continue;
        }
        Opnd sz;
        if (el->b) sz = cexpr(c, el->b, false);
        else if (s.type == VBS_INTEGER) sz = make_small(8);
        else if (s.type == VBS_FLOAT) sz = make_small(64);
        else sz = AM(undefined);
        Opnd t = temp(c);
        E(c, OPC_bs_get);
        E(c, fail);
        E(c, slot(c, ctx));
        E(c, (Instr)s.type);
        E(c, s.flags);
        E(c, sz);
        E(c, (Instr)s.unit);
        E(c, t);
        cmatch(c, el->a, t, fail);
        if (s.type == VBS_FLOAT && el->a->kind == A_VAR && !is_wild(el->a)) {
            /* a float segment's value is a float to OTP's types */
            Var *x = var_find(c, el->a->name);
            if (x) x->is_float = true;
        }
    }
}

/* Where to put a value that a subpattern will match: an unbound variable's own slot (the
 * match is then done), a scratch X register for '_' (never read, never a GC root), else a
 * temporary. *done says the match needs nothing more. */
#define SCRATCH_X (VM_X_REGS - 1)
static Opnd sub_dest(Ctx *c, Ast *sp, bool *done)
{
    *done = false;
    if (is_wild(sp)) {
        *done = true;
        return vm_x(SCRATCH_X);
    }
    if (sp->kind == A_VAR) {
        Var *x = var_find(c, sp->name);
        if (x && !x->bound) {
            x->bound = true;
            x->is_float = false;
            x->konst = NONVALUE;
            *done = true;
            return slot(c, x->slot);
        }
    }
    return temp(c);
}

static void cmatch(Ctx *c, Ast *p, Opnd v, unsigned fail)
{
    Term k;
    if (pat_const(c, p, &k)) {
        E(c, OPC_cmp);
        E(c, fail);
        E(c, VC_EQ_EXACT);
        E(c, v);
        E(c, k);
        return;
    }
    switch (p->kind) {
    case A_VAR: {
        if (is_wild(p)) return;
        Var *x = var_find(c, p->name);
        if (!x) x = var_add(c, p->name, new_temp(c));
        if (x->bound) {
            E(c, OPC_cmp);
            E(c, fail);
            E(c, VC_EQ_EXACT);
            E(c, v);
            E(c, slot(c, x->slot));
        } else {
            emit_move(c, v, slot(c, x->slot));
            x->bound = true;
            x->is_float = false;
            x->konst = NONVALUE;
        }
        return;
    }
    case A_MATCH:
        cmatch(c, p->a, v, fail);
        cmatch(c, p->b, v, fail);
        return;
    case A_CONS: {
        E(c, OPC_is_nonempty_list);
        E(c, fail);
        E(c, v);
        bool hd, td;
        Opnd h = sub_dest(c, p->a, &hd), t = sub_dest(c, p->b, &td);
        E(c, OPC_get_list);
        E(c, v);
        E(c, h);
        E(c, t);
        if (!hd) cmatch(c, p->a, h, fail);
        if (!td) cmatch(c, p->b, t, fail);
        return;
    }
    case A_TUPLE: {
        E(c, OPC_is_tuple_arity);
        E(c, fail);
        E(c, v);
        E(c, (Instr)p->l1.n);
        for (int i = 0; i < p->l1.n; i++) {
            if (is_wild(p->l1.v[i])) continue;
            bool done;
            Opnd t = sub_dest(c, p->l1.v[i], &done);
            E(c, OPC_get_elem);
            E(c, v);
            E(c, (Instr)i + 1);
            E(c, t);
            if (!done) cmatch(c, p->l1.v[i], t, fail);
        }
        return;
    }
    case A_OP:
        if (p->b && !strcmp(p->name, "++")) {
            /* "abc" ++ Rest, [a, b] ++ Rest */
            Ast *l = p->a;
            Opnd cur = v;
            if (l->kind == A_STRING) {
                for (size_t i = 0; i < l->slen; i++) {
                    E(c, OPC_is_nonempty_list);
                    E(c, fail);
                    E(c, cur);
                    Opnd h = temp(c), t = temp(c);
                    E(c, OPC_get_list);
                    E(c, cur);
                    E(c, h);
                    E(c, t);
                    E(c, OPC_cmp);
                    E(c, fail);
                    E(c, VC_EQ_EXACT);
                    E(c, h);
                    E(c, make_small(l->str[i]));
                    cur = t;
                }
                cmatch(c, p->b, cur, fail);
                return;
            }
            while (l->kind == A_CONS) {
                E(c, OPC_is_nonempty_list);
                E(c, fail);
                E(c, cur);
                Opnd h = temp(c), t = temp(c);
                E(c, OPC_get_list);
                E(c, cur);
                E(c, h);
                E(c, t);
                cmatch(c, l->a, h, fail);
                cur = t;
                l = l->b;
            }
            cmatch(c, p->b, cur, fail);
            return;
        }
        break;
    case A_MAP: {
        E(c, OPC_test);
        E(c, fail);
        E(c, VT_MAP);
        E(c, v);
        for (int i = 0; i < p->l1.n; i++) {
            Ast *as = p->l1.v[i];
            int mark = c->cur_temp;
            Opnd key = cexpr(c, as->a, false);
            (void)mark;
            Opnd t = temp(c);
            E(c, OPC_map_get);
            E(c, fail);
            E(c, v);
            E(c, key);
            E(c, t);
            cmatch(c, as->b, t, fail);
        }
        return;
    }
    case A_RECORD: {
        RecDef *r = rec_find(c, p, p->name);
        if (!r) return;
        E(c, OPC_is_record);
        E(c, fail);
        E(c, v);
        E(c, atom_s(r->name));
        E(c, (Instr)rec_size(r));
        for (int i = 0; i < p->l1.n; i++) {
            Ast *f = p->l1.v[i];
            if (is_wild(f->a)) continue;
            Opnd t = temp(c);
            E(c, OPC_get_elem);
            E(c, v);
            E(c, (Instr)rec_field_index(c, r, f->a));
            E(c, t);
            cmatch(c, f->b, t, fail);
        }
        return;
    }
    case A_BIN: {
        int ctx = new_temp(c);
        new_temp(c);
        E(c, OPC_bs_start);
        E(c, fail);
        E(c, v);
        E(c, slot(c, ctx));
        cmatch_bin_segments(c, p, ctx, fail);
        E(c, OPC_bs_test_tail);
        E(c, fail);
        E(c, slot(c, ctx));
        E(c, 0);
        return;
    }
    default: break;
    }
    cerr(c, p, "illegal pattern%s", "");
}

/* ---- functions ----------------------------------------------------------------------------- */

/* Can these clauses run without a stack frame? Only when nothing in them (funs' bodies are
 * separate functions) calls Erlang code, catches, waits in receive or calls a BIF with more
 * than 16 arguments: then X registers are never clobbered and nothing can yield. */
static bool leaf_call_ok(Ctx *c, Ast *e)
{
    Ast *fn = e->a;
    int n = e->l1.n;
    if (n > 16) return false;
    if (fn->kind == A_ATOM) {
        if (is_test_expr(e)) return true;
        if (func_find(c, fn->name, n)) return false;
        for (int i = 0; i < c->n_imports; i++)
            for (int k = 0; k < c->imports[i]->l1.n; k++)
                if ((int)c->imports[i]->l1.v[k]->ival == n && !strcmp(c->imports[i]->l1.v[k]->name, fn->name))
                    return false;
        if (!strcmp(fn->name, "record_info")) return true;
        if (!auto_imported(fn->name, n)) return false;
        if (!strcmp(fn->name, "apply")) return false;
        if (n == 1 && (!strcmp(fn->name, "error") || !strcmp(fn->name, "throw") || !strcmp(fn->name, "exit")))
            return true;
        return bif_lookup(atom_s("erlang"), atom_of(fn), (unsigned)n) != NULL;
    }
    if (fn->kind == A_REMOTE && fn->a->kind == A_ATOM && fn->b->kind == A_ATOM) {
        if (ast_name_is(fn->a, "erlang") && ast_name_is(fn->b, "apply")) return false;
        if (ast_name_is(fn->a, "erlang") && n == 1 &&
            (ast_name_is(fn->b, "error") || ast_name_is(fn->b, "throw") || ast_name_is(fn->b, "exit")))
            return true;
        return bif_lookup(atom_of(fn->a), atom_of(fn->b), (unsigned)n) != NULL;
    }
    return false;
}

static bool is_leaf(Ctx *c, Ast *n)
{
    if (!n) return true;
    switch (n->kind) {
    case A_FUN:
    case A_NAMED_FUN: return true; /* a separate function; making it allocates only */
    case A_TRY:
    case A_CATCH:
    case A_LC: /* a call to its generator's function (clc) */
    case A_RECEIVE: return false;
    case A_CALL:
        if (!leaf_call_ok(c, n)) return false;
        break;
    default: break;
    }
    if (!is_leaf(c, n->a) || !is_leaf(c, n->b) || !is_leaf(c, n->c)) return false;
    AstList *ls[4] = {&n->l1, &n->l2, &n->l3, &n->l4};
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < ls[k]->n; i++)
            if (!is_leaf(c, ls[k]->v[i])) return false;
    return true;
}

/* Can e, in tail position, run without a frame? As is_leaf, but a call in tail position may
 * also go to Erlang code (call_only / call_ext_only): a local function, or a function of
 * another module that is not a BIF (BIFs are called in place). Dynamic calls (apply, funs)
 * are not allowed: they may reach a BIF at run time. Mirrors cexpr's tail flags. */
static bool body_frameless(Ctx *c, AstList *body);
static bool args_leaf(Ctx *c, AstList *args)
{
    for (int i = 0; i < args->n; i++)
        if (!is_leaf(c, args->v[i])) return false;
    return true;
}
static bool clauses_frameless(Ctx *c, AstList *clauses)
{
    for (int i = 0; i < clauses->n; i++) {
        Ast *cl = clauses->v[i];
        if (!args_leaf(c, &cl->l1) || !args_leaf(c, &cl->l2) || !body_frameless(c, &cl->l3))
            return false;
    }
    return true;
}
static bool tail_frameless(Ctx *c, Ast *e)
{
    switch (e->kind) {
    case A_CALL: {
        if (leaf_call_ok(c, e)) return args_leaf(c, &e->l1);
        Ast *fn = e->a;
        int n = e->l1.n;
        if (!args_leaf(c, &e->l1)) return false;
        if (fn->kind == A_ATOM) return func_find(c, fn->name, n) != NULL;
        if (fn->kind == A_REMOTE && fn->a->kind == A_ATOM && fn->b->kind == A_ATOM)
            return !(ast_name_is(fn->a, "erlang") && ast_name_is(fn->b, "apply"));
        return false;
    }
    case A_CASE: return is_leaf(c, e->a) && clauses_frameless(c, &e->l1);
    case A_IF: return clauses_frameless(c, &e->l1);
    case A_BLOCK: return body_frameless(c, &e->l1);
    case A_LC: return lc_frameless(c, e);
    default: return is_leaf(c, e);
    }
}
static bool body_frameless(Ctx *c, AstList *body)
{
    for (int i = 0; i + 1 < body->n; i++)
        if (!is_leaf(c, body->v[i])) return false;
    return body->n == 0 || tail_frameless(c, body->v[body->n - 1]);
}

/* A clause body that needs a frame: allocate it (the frameless code's X slots are live; the
 * VM's count of live X slots becomes 0) and move the bound variables to their Y slots (the
 * same numbers). */
static void enter_frame(Ctx *c)
{
    E(c, OPC_allocate);
    c->leaf = false;
    frame_word(c);
    xlive_word(c);
    bool *done = calloc((size_t)c->max_x + 1, sizeof *done);
    if (!done) abort();
    for (int i = 0; i < c->n_vars; i++) {
        Var *v = &c->vars[i];
        if (!v->bound || v->slot >= c->max_x || done[v->slot]) continue;
        done[v->slot] = true;
        emit_move(c, vm_x((unsigned)v->slot), vm_y((unsigned)v->slot));
    }
    free(done);
}

static void emit_arith_stubs(Ctx *c)
{
    for (int i = 0; i < c->n_stubs; i++) {
        bind_label(c, c->stubs[i].label);
        codebuf_line(c->cb, c->stubs[i].line);
        E(c, OPC_raise);
        E(c, AM(error));
        E(c, AM(badarith));
    }
    c->n_stubs = 0;
}

/* Heads and guards run frameless, on X registers (OTP allocates after the head matches too);
 * so does a body whose only calls are BIFs or a call in tail position. Other bodies allocate
 * a frame first (enter_frame). */
static void cfunction_body(Ctx *c, AstList *clauses, int arity, const Lambda *lam, Term name, int fline)
{
    CodeBuf *cb = c->cb;
    GROW(cb->funcs, cb->n_funcs, cb->cap_funcs);
    /* A fun's frames show its arity with the free variables counted, as OTP's. */
    cb->funcs[cb->n_funcs++] =
        (CodeFunc){(uint32_t)cb->n, name, (unsigned)(arity + (lam ? lam->nfree : 0)), fline};
    c->n_vars = 0;
    c->n_patch = 0;
    c->n_xpatch = 0;
    c->in_try = 0;
    int nfree = lam ? lam->nfree : 0;
    int nargs = arity + nfree;
    if (nargs > 255) {
        cerr(c, NULL, "function %s has too many arguments", c->fname);
        return;
    }
    c->cur_temp = nargs;
    /* Free variables come after the arguments, bound. */
    for (int i = 0; i < nfree; i++) {
        Var *fv = var_add(c, lam->freev[i], arity + i);
        fv->bound = true;
        fv->konst = lam->freek[i];
    }
    if (lam && lam->node->kind == A_NAMED_FUN) var_add(c, lam->node->name, c->cur_temp++);
    int fixed_vars = c->n_vars, fixed_slots = c->cur_temp;
    c->max_slot = c->cur_temp;
    c->max_x = nargs;
    c->leaf = true;
    /* The X slots above the arguments start as [] since every one of them is a GC root. */
    E(c, OPC_leaf_entry);
    E(c, (Instr)nargs);
    xlive_word(c);
    if (lam && lam->node->kind == A_NAMED_FUN) {
        Var *self = var_find(c, lam->node->name);
        E(c, OPC_test_heap);
        E(c, (Instr)(FUN_BASE_SIZE + nfree));
        heap_live(c);
        E(c, OPC_make_fun);
        E(c, lam->fun_index);
        E(c, (Instr)nfree);
        for (int i = 0; i < nfree; i++) E(c, slot(c, (arity + i)));
        E(c, slot(c, self->slot));
        self->bound = true;
    }
    for (int i = 0; i < clauses->n; i++) {
        Ast *cl = clauses->v[i];
        /* Each clause has variables of its own: a head variable that is a whole argument
         * lives in that argument's slot; the others get slots above the arguments. */
        c->n_vars = fixed_vars;
        c->cur_temp = fixed_slots;
        NameSet head = {0}, twice = {0};
        for (int k = 0; k < cl->l1.n; k++) {
            NameSet one = {0};
            each_var(c, cl->l1.v[k], false, collect_name, &one);
            for (int j = 0; j < one.n; j++) {
                if (ns_has(&head, one.v[j])) ns_add(&twice, one.v[j]);
                ns_add(&head, one.v[j]);
            }
            free(one.v);
        }
        for (int k = 0; k < cl->l1.n && k < arity; k++) {
            Ast *pk = cl->l1.v[k];
            /* Only a variable that occurs nowhere else in the head: otherwise another
             * argument's pattern could bind it first, into this argument's slot. */
            if (pk->kind == A_VAR && !is_wild(pk) && !var_find(c, pk->name) &&
                !ns_has(&twice, pk->name))
                var_add(c, pk->name, k);
        }
        free(head.v);
        free(twice.v);
        each_var(c, cl, false, assign_slot, NULL);
        if (c->cur_temp > c->max_slot) c->max_slot = c->cur_temp;
        c->base_temp = c->cur_temp;
        unsigned next = new_label(c);
        for (int k = 0; k < cl->l1.n && k < arity; k++) cmatch(c, cl->l1.v[k], slot(c, k), next);
        /* A parameter every call passes the same constant (arg_consts) is that constant. */
        for (int k = 0; k < cl->l1.n && k < arity && !lam; k++)
            if (cl->l1.v[k]->kind == A_VAR && !is_wild(cl->l1.v[k]))
                var_find(c, cl->l1.v[k]->name)->konst = c->arg_consts[k];
        cguards(c, &cl->l2, next);
        if (!body_frameless(c, &cl->l3)) enter_frame(c);
        cbody(c, &cl->l3, true);
        c->leaf = true;
        bind_label(c, next);
    }
    codebuf_line(cb, fline);
    E(c, OPC_func_clause);
    E(c, (Instr)arity);
    E(c, 1);
    emit_arith_stubs(c);
    if (c->max_x > VM_X_REGS - 8) cerr(c, NULL, "function %s is too large", c->fname);
    for (int i = 0; i < c->n_patch; i++) cb->w[c->frame_patch[i]] = (Instr)c->max_slot;
    for (int i = 0; i < c->n_xpatch; i++) cb->w[c->xlive_patch[i]] = (Instr)c->max_x;
    c->leaf = false;
}

/* ---- module_info/0,1 --------------------------------------------------------------------- */

static Term scratch_tuple2(Ctx *c, Term a, Term b)
{
    Term *hp = heap_halloc(&c->scratch.heap, 3);
    hp[0] = make_tuple_header(2);
    hp[1] = a;
    hp[2] = b;
    return make_boxed(hp);
}
static Term scratch_cons(Ctx *c, Term h, Term t) { return cons_at(heap_halloc(&c->scratch.heap, 2), h, t); }
static Term scratch_reverse(Ctx *c, Term l)
{
    Term r = NIL;
    for (; term_is_list(l); l = list_tail(l)) r = scratch_cons(c, list_head(l), r);
    return r;
}
static Term scratch_string(Ctx *c, const char *s)
{
    Term r = NIL;
    for (size_t i = strlen(s); i-- > 0;) r = scratch_cons(c, make_small((unsigned char)s[i]), r);
    return r;
}

static bool exported(const CodeBuf *cb, Term name, int arity)
{
    for (size_t i = 0; i < cb->n_exports; i++)
        if (cb->exports[i].name == name && (int)cb->exports[i].arity == arity) return true;
    return false;
}

/* module_info(attributes): the attributes that are not the compiler's own, each value a list
 * ([V] unless V is one), in order; {vsn, [N]} first unless -vsn is given (OTP's N is the
 * beam's MD5; ours is a hash of the code, so it differs). */
static Term info_attributes(Ctx *c, LangModule *lm, Term vsn)
{
    static const char *const skip[] = {"compile", "file", "module", "export", "import", "record",
                                       "type", "opaque", "spec", "callback", "export_type", NULL};
    Term acc = NIL;
    bool has_vsn = false;
    for (int i = 0; i < lm->forms.n; i++) {
        Ast *f = lm->forms.v[i];
        if (f->kind != A_ATTRIBUTE || f->attr != ATTR_TERM || !f->a || !f->name) continue;
        bool skipped = false;
        for (int k = 0; skip[k]; k++) skipped = skipped || ast_name_is(f, skip[k]);
        if (skipped) continue;
        size_t mark = c->cb->n;
        Opnd v = cexpr(c, f->a, false);
        if (c->cb->n != mark || !is_lit(v)) {
            c->cb->n = mark;
            continue;
        }
        Term t = (Term)v;
        if (!term_is_list(t) && t != NIL) t = scratch_cons(c, t, NIL);
        if (ast_name_is(f, "vsn")) has_vsn = true;
        acc = scratch_cons(c, scratch_tuple2(c, atom_of(f), t), acc);
    }
    acc = scratch_reverse(c, acc);
    if (!has_vsn) acc = scratch_cons(c, scratch_tuple2(c, atom_s("vsn"), scratch_cons(c, vsn, NIL)), acc);
    return acc;
}

/* FNV-1a over the image: stands in for the beam's MD5 (module_info(md5), the default vsn). */
static void code_digest(const CodeBuf *cb, Term mod, uint64_t out[2])
{
    uint64_t h1 = 0xcbf29ce484222325u, h2 = 0x84222325cbf29ce4u ^ (uint64_t)mod;
    for (size_t i = 0; i < cb->n; i++) {
        uint64_t w = (uint64_t)cb->w[i];
        if (!vm_operand_is_reg(w)) w = w & 0xF; /* literal addresses vary between runs */
        h1 = (h1 ^ w) * 0x100000001b3u;
        h2 = (h2 ^ (w + i)) * 0x100000001b3u;
    }
    out[0] = h1;
    out[1] = h2;
}

/* The literals module_info/0,1 return (erlang:get_module_info/1,2 reads them). */
static void build_module_info(Ctx *c, LangModule *lm)
{
    CodeBuf *cb = c->cb;
    Term exports = NIL, functions = NIL;
    for (int i = 0; i < lm->forms.n; i++) {
        Ast *f = lm->forms.v[i];
        if (f->kind != A_FUNCTION) continue;
        Term fa = scratch_tuple2(c, atom_s(f->name), make_small(f->arity));
        functions = scratch_cons(c, fa, functions);
        if (exported(cb, atom_s(f->name), f->arity)) exports = scratch_cons(c, fa, exports);
    }
    Term mi0 = scratch_tuple2(c, atom_s("module_info"), make_small(0));
    Term mi1 = scratch_tuple2(c, atom_s("module_info"), make_small(1));
    exports = scratch_reverse(c, scratch_cons(c, mi1, scratch_cons(c, mi0, exports)));
    functions = scratch_cons(c, mi1, scratch_cons(c, mi0, functions));
    for (size_t i = 0; i < cb->n_fundefs; i++) {
        bool ref = false; /* fun f/N: its entry is the function itself */
        for (int k = 0; k < c->n_funcs && !ref; k++) ref = c->funcs[k].label == cb->fundefs[i].label;
        if (ref) continue;
        Term fa = scratch_tuple2(c, cb->fundefs[i].name,
                                 make_small(cb->fundefs[i].arity + cb->fundefs[i].nfree));
        functions = scratch_cons(c, fa, functions);
    }
    functions = scratch_reverse(c, functions);
    uint64_t dg[2];
    code_digest(cb, c->mod, dg);
    unsigned char md5[16];
    for (int i = 0; i < 8; i++) {
        md5[i] = (unsigned char)(dg[0] >> (56 - 8 * i));
        md5[8 + i] = (unsigned char)(dg[1] >> (56 - 8 * i));
    }
    Uint limbs[2] = {(Uint)dg[1], (Uint)dg[0]};
    Term vsn = int_from_limbs(&c->scratch.heap, false, limbs, 2);
    char *abs = realpath(c->file, NULL);
    Term compile = scratch_cons(c, scratch_tuple2(c, atom_s("version"), scratch_string(c, "8.2.3")),
                   scratch_cons(c, scratch_tuple2(c, atom_s("options"), NIL),
                   scratch_cons(c, scratch_tuple2(c, atom_s("source"), scratch_string(c, abs ? abs : c->file)), NIL)));
    free(abs);
    Term items[5] = {
        scratch_tuple2(c, atom_s("module"), c->mod),
        scratch_tuple2(c, atom_s("exports"), exports),
        scratch_tuple2(c, atom_s("attributes"), info_attributes(c, lm, vsn)),
        scratch_tuple2(c, atom_s("compile"), compile),
        scratch_tuple2(c, atom_s("md5"), bin_new(&c->scratch.heap, md5, 16)),
    };
    Term info = NIL;
    for (int i = 5; i-- > 0;) info = scratch_cons(c, items[i], info);
    cb->info = lit(info);
    cb->functions = lit(functions);
}

/* module_info() -> erlang:get_module_info(M); module_info(K) -> erlang:get_module_info(M, K):
 * tail calls from frameless code with no live X slots (leaf_entry A 0), so that a BIF
 * returning straight to the caller leaves nothing behind. */
static void emit_module_info(Ctx *c, unsigned label, int arity)
{
    CodeBuf *cb = c->cb;
    bind_label(c, label);
    GROW(cb->funcs, cb->n_funcs, cb->cap_funcs);
    cb->funcs[cb->n_funcs++] = (CodeFunc){(uint32_t)cb->n, atom_s("module_info"), (unsigned)arity, 0};
    E(c, OPC_leaf_entry);
    E(c, (Instr)arity);
    E(c, 0);
    if (arity == 1) emit_move(c, vm_x(0), vm_x(1));
    emit_move(c, c->mod, vm_x(0));
    E(c, OPC_call_ext_only);
    E(c, (Instr)arity + 1);
    E(c, codebuf_import(cb, atom_s("erlang"), atom_s("get_module_info"), (unsigned)arity + 1));
    E(c, OPC_func_clause);
    E(c, (Instr)arity);
    E(c, 1);
}

/* The constant of a call argument that OTP's types make a singleton (an atom, a small
 * integer, []), or NONVALUE. */
static Term arg_const(const Ast *a)
{
    switch (a->kind) {
    case A_ATOM: return atom_put(a->name, a->name_len);
    case A_INTEGER: return !a->big && small_fits(a->ival) ? make_small(a->ival) : NONVALUE;
    case A_CHAR: return make_small(a->ival);
    case A_NIL: return NIL;
    default: return NONVALUE;
    }
}

/* erlang:error/1,2, exit/1 and throw/1, called remotely or unqualified (no local function of
 * that name shadows them: the caller checked). */
static bool raising_bif(const char *name, int n)
{
    return (n == 1 && (!strcmp(name, "error") || !strcmp(name, "exit") || !strcmp(name, "throw"))) ||
           (n == 2 && !strcmp(name, "error"));
}

/* The module's functions by name and arity, for the analysis below (func_find is a linear
 * search: per call of every body, at every round, it cost 2% of startup). */
typedef struct NrCtx { Ctx *c; FuncSym **tab; size_t mask; } NrCtx;

static size_t nr_hash(const char *name, int arity)
{
    size_t h = 2166136261u ^ (size_t)arity;
    for (const char *p = name; *p; p++) h = (h ^ (unsigned char)*p) * 16777619u;
    return h;
}

static FuncSym *nr_find(const NrCtx *x, const char *name, int arity)
{
    for (size_t i = nr_hash(name, arity) & x->mask; x->tab[i]; i = (i + 1) & x->mask)
        if (x->tab[i]->arity == arity && !strcmp(x->tab[i]->name, name)) return x->tab[i];
    return NULL;
}

/* The table of the module's functions (c->funcs must not grow while it is used). */
static NrCtx nr_table(Ctx *c)
{
    size_t cap = 16;
    while (cap < 2 * (size_t)c->n_funcs + 2) cap *= 2;
    NrCtx x = {c, calloc(cap, sizeof(FuncSym *)), cap - 1};
    if (!x.tab) abort();
    for (int i = 0; i < c->n_funcs; i++) {
        size_t h = nr_hash(c->funcs[i].name, c->funcs[i].arity) & x.mask;
        while (x.tab[h]) h = (h + 1) & x.mask;
        x.tab[h] = &c->funcs[i];
    }
    return x;
}

static bool never_returns(const NrCtx *x, const Ast *e);

static bool body_never_returns(const NrCtx *x, const AstList *body)
{
    for (int i = 0; i < body->n; i++)
        if (never_returns(x, body->v[i])) return true;
    return false;
}

static bool clauses_never_return(const NrCtx *x, const AstList *clauses)
{
    for (int i = 0; i < clauses->n; i++)
        if (!body_never_returns(x, &clauses->v[i]->l3)) return false;
    return clauses->n > 0;
}

/* Whether evaluating e surely ends in an exception or never ends: a raising BIF, a local
 * function find_no_return_funcs marks, a match or block of one, a case, if or receive all of
 * whose clauses (and a receive's after body) are such. Anything else may return. */
static bool never_returns(const NrCtx *x, const Ast *e)
{
    switch (e->kind) {
    case A_CALL: {
        const Ast *f = e->a;
        int n = e->l1.n;
        if (f->kind == A_ATOM) {
            FuncSym *fs = nr_find(x, f->name, n);
            if (fs) return fs->no_return;
            if (!raising_bif(f->name, n)) return false;
            for (int i = 0; i < x->c->n_imports; i++)
                for (int k = 0; k < x->c->imports[i]->l1.n; k++) {
                    const Ast *p = x->c->imports[i]->l1.v[k];
                    if ((int)p->ival == n && !strcmp(p->name, f->name)) return false;
                }
            return true;
        }
        if (f->kind == A_REMOTE && f->a->kind == A_ATOM && f->b->kind == A_ATOM &&
            !strcmp(f->a->name, "erlang"))
            return raising_bif(f->b->name, n);
        return false;
    }
    case A_MATCH: return never_returns(x, e->b);
    case A_BLOCK: return body_never_returns(x, &e->l1);
    case A_CASE: return never_returns(x, e->a) || clauses_never_return(x, &e->l1);
    case A_IF: return clauses_never_return(x, &e->l1);
    case A_RECEIVE:
        if (e->l1.n && !clauses_never_return(x, &e->l1)) return false;
        return !(e->flags & AF_AFTER) ? e->l1.n > 0 : body_never_returns(x, &e->l2);
    default: return false;
    }
}

/* The module's functions that never return, as OTP's type analysis finds them (return type
 * none): every clause raises, loops or calls such a function. From all of them down to a
 * fixpoint (a function that only calls itself never returns either). */
static void find_no_return_funcs(Ctx *c, AstList *forms)
{
    NrCtx x = nr_table(c);
    FuncSym **of = calloc((size_t)forms->n + 1, sizeof(FuncSym *));
    if (!of) abort();
    for (int i = 0; i < forms->n; i++) {
        Ast *f = forms->v[i];
        of[i] = f->kind == A_FUNCTION ? nr_find(&x, f->name, f->arity) : NULL;
        if (of[i]) of[i]->no_return = f->l1.n > 0;
    }
    for (bool changed = true; changed;) {
        changed = false;
        for (int i = 0; i < forms->n; i++) {
            if (!of[i] || !of[i]->no_return) continue;
            const Ast *f = forms->v[i];
            for (int k = 0; k < f->l1.n; k++) {
                if (!body_never_returns(&x, &f->l1.v[k]->l3)) {
                    of[i]->no_return = false;
                    changed = true;
                    break;
                }
            }
        }
    }
    free(x.tab);
    free(of);
}

#define ARG_UNSEEN ((Term)0)

/* Merges the call sites below n into their callees' entries of arg_tab (ARG_UNSEEN, a
 * constant or NONVALUE per argument); a fun F/A makes every argument of F/A unknown. */
static void scan_calls(const NrCtx *x, const Ast *n, Term *tab)
{
    if (!n) return;
    if (n->kind == A_FUN_LOCAL) {
        const FuncSym *fs = nr_find(x, n->name, (int)n->ival);
        if (fs)
            for (int i = 0; i < fs->arity; i++) tab[fs->arg_off + i] = NONVALUE;
    }
    if (n->kind == A_CALL && n->a->kind == A_ATOM) {
        const FuncSym *fs = nr_find(x, n->a->name, n->l1.n);
        for (int i = 0; fs && i < fs->arity; i++) {
            Term v = arg_const(n->l1.v[i]), *out = &tab[fs->arg_off + i];
            *out = *out == ARG_UNSEEN || *out == v ? v : NONVALUE;
        }
    }
    scan_calls(x, n->a, tab);
    scan_calls(x, n->b, tab);
    scan_calls(x, n->c, tab);
    const AstList *ls[4] = {&n->l1, &n->l2, &n->l3, &n->l4};
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < ls[k]->n; i++) scan_calls(x, ls[k]->v[i], tab);
}

/* OTP's type analysis replaces a parameter of a local (unexported) function by a constant
 * when every call passes that same atom, small integer or []: arithmetic on it is then on two
 * constants and shows erlang:Op/N's frame when it fails (frameless_arith). The call sites of
 * every function are merged in one walk of the module (a walk per function made compiling
 * a large module quadratic: lists.erl 16 -> 38 ms with the merges). */
static void find_arg_consts(Ctx *c, AstList *forms)
{
    unsigned total = 0;
    for (int i = 0; i < c->n_funcs; i++) {
        c->funcs[i].arg_off = total;
        total += (unsigned)c->funcs[i].arity;
    }
    c->arg_tab = calloc(total + 1, sizeof(Term)); /* ARG_UNSEEN is 0 */
    if (!c->arg_tab) abort();
    NrCtx x = nr_table(c);
    for (int k = 0; k < forms->n; k++)
        if (forms->v[k]->kind == A_FUNCTION) scan_calls(&x, forms->v[k], c->arg_tab);
    free(x.tab);
}

/* The constants of fs's parameters into arg_consts: NONVALUE for an exported function. */
static void set_arg_consts(Ctx *c, const FuncSym *fs)
{
    int n = fs->arity;
    bool local = n <= 255 && !exported(c->cb, atom_put(fs->name, strlen(fs->name)), n);
    for (int i = 0; i < n && i < 256; i++) {
        Term v = local ? c->arg_tab[fs->arg_off + i] : NONVALUE;
        c->arg_consts[i] = v == ARG_UNSEEN ? NONVALUE : v;
    }
}

/* The local functions whose every clause returns a float (or raises), to a fixpoint: OTP's
 * type analysis makes arithmetic on their results float instructions (frameless_arith). */
static void find_float_funcs(Ctx *c, AstList *forms)
{
    for (bool changed = true; changed;) {
        changed = false;
        for (int i = 0; i < forms->n; i++) {
            Ast *f = forms->v[i];
            if (f->kind != A_FUNCTION) continue;
            FuncSym *fs = func_find(c, f->name, f->arity);
            if (!fs || fs->ret_float) continue;
            bool any = false, all = true;
            for (int k = 0; k < f->l1.n && all; k++) {
                const AstList *body = &f->l1.v[k]->l3;
                const Ast *last = body->n ? body->v[body->n - 1] : NULL;
                if (last && raises(last)) continue;
                if (last && float_expr(c, last)) any = true;
                else all = false;
            }
            if (all && any) fs->ret_float = changed = true;
        }
    }
}

static void compile_forms(Ctx *c, LangModule *lm)
{
    CodeBuf *cb = c->cb;
    AstList *forms = &lm->forms;
    /* Pass 1: functions, records, imports. */
    for (int i = 0; i < forms->n; i++) {
        Ast *f = forms->v[i];
        if (f->kind == A_FUNCTION) {
            GROW(c->funcs, c->n_funcs, c->cap_funcs);
            c->funcs[c->n_funcs++] = (FuncSym){f->name, f->arity, new_label(c), false, false, 0};
        } else if (f->kind == A_ATTRIBUTE && f->attr == ATTR_RECORD) {
            GROW(c->recs, c->n_recs, c->cap_recs);
            c->recs[c->n_recs++] = (RecDef){f->name2, f};
        } else if (f->kind == A_ATTRIBUTE && f->attr == ATTR_IMPORT) {
            GROW(c->imports, c->n_imports, c->cap_imports);
            c->imports[c->n_imports++] = f;
        }
    }
    bool export_all = false;
    for (int i = 0; i < forms->n; i++) {
        Ast *f = forms->v[i];
        if (f->kind == A_ATTRIBUTE && f->attr == ATTR_TERM && ast_name_is(f, "compile") && f->a) {
            Ast *v = f->a;
            if (v->kind == A_ATOM && ast_name_is(v, "export_all")) export_all = true;
            for (; v->kind == A_CONS; v = v->b)
                if (v->a->kind == A_ATOM && ast_name_is(v->a, "export_all")) export_all = true;
        }
    }
    if (export_all) {
        for (int i = 0; i < c->n_funcs; i++) {
            GROW(cb->exports, cb->n_exports, cb->cap_exports);
            cb->exports[cb->n_exports++] =
                (CodeExportDef){atom_s(c->funcs[i].name), (unsigned)c->funcs[i].arity, c->funcs[i].label};
        }
    }
    for (int i = 0; i < forms->n; i++) {
        Ast *f = forms->v[i];
        if (f->kind == A_ATTRIBUTE && f->attr == ATTR_EXPORT && !export_all) {
            for (int k = 0; k < f->l1.n; k++) {
                Ast *p = f->l1.v[k];
                FuncSym *fs = func_find(c, p->name, (int)p->ival);
                if (!fs) {
                    char buf[300];
                    snprintf(buf, sizeof buf, "%s/%d", p->name, (int)p->ival);
                    cerr(c, p, "function %s undefined", buf);
                    continue;
                }
                GROW(cb->exports, cb->n_exports, cb->cap_exports);
                cb->exports[cb->n_exports++] = (CodeExportDef){atom_s(p->name), (unsigned)p->ival, fs->label};
            }
        }
    }
    /* module_info/0,1, which every module has (after the export_all loop: exported once). */
    unsigned mi_label[2] = {0, 0};
    for (int a = 0; a < 2; a++) {
        if (func_find(c, "module_info", a)) continue; /* check.c has refused the module */
        mi_label[a] = new_label(c);
        GROW(c->funcs, c->n_funcs, c->cap_funcs);
        c->funcs[c->n_funcs++] = (FuncSym){"module_info", a, mi_label[a], false, false, 0};
        if (!exported(cb, atom_s("module_info"), a)) {
            GROW(cb->exports, cb->n_exports, cb->cap_exports);
            cb->exports[cb->n_exports++] = (CodeExportDef){atom_s("module_info"), (unsigned)a, mi_label[a]};
        }
    }
    c->n_vars = 0;
    find_float_funcs(c, forms);
    find_no_return_funcs(c, forms);
    find_arg_consts(c, forms);
    for (int i = 0; i < forms->n; i++) {
        Ast *f = forms->v[i];
        if (f->kind != A_FUNCTION) continue;
        FuncSym *fs = func_find(c, f->name, f->arity);
        bind_label(c, fs->label);
        c->fname = f->name;
        c->farity = f->arity;
        c->fun_counter = 0;
        for (int k = 0; k < f->l1.n; k++) number_funs(f->l1.v[k], &c->fun_counter);
        int letrecs = 0;
        for (int k = 0; k < f->l1.n; k++) number_letrecs(c, f->l1.v[k], &letrecs);
        set_arg_consts(c, fs);
        cfunction_body(c, &f->l1, f->arity, NULL, atom_s(f->name), f->line);
        /* Funs created in this function, and in those funs, in order. */
        for (int k = 0; k < c->n_lambdas; k++) {
            Lambda lam = c->lambdas[k];
            bind_label(c, lam.label);
            if (lam.lc_name) {
                cfunction_body(c, &lam.node->l1, 1, &lam, lam.lc_name, lam.node->line);
                continue;
            }
            CodeFunDef *fd = &cb->fundefs[lam.fun_index];
            cfunction_body(c, &lam.node->l1, (int)fd->arity, &lam, fd->name, lam.node->line);
        }
        for (int k = 0; k < c->n_lambdas; k++) {
            free(c->lambdas[k].freev);
            free(c->lambdas[k].freek);
        }
        c->n_lambdas = 0;
    }
    for (int a = 0; a < 2; a++)
        if (mi_label[a]) emit_module_info(c, mi_label[a], a);
    if (!c->failed) build_module_info(c, lm);
}

/* Compiles; then loads (load) or hands the image to out (compile_only). Diagnostics go to
 * diag_out when it is not NULL. */
static Module *compile_module(const char *path, const char *source, size_t len, bool load,
                              FILE *diag_out, CodeBuf *out)
{
    compile_had_errors = 0;
    LangModule lm;
    LangOptions opt = {0};
    opt.source = source;
    opt.source_len = len;
    opt.no_include = !load && out;
    int ok = lang_parse_file(path, &opt, &lm);
    if (!ok || !lm.name) {
        if (!lm.name && ok && diag_out) fprintf(diag_out, "%s: no module definition\n", path);
        if (diag_out) diags_print(&lm.diags, diag_out, 1);
        lang_module_free(&lm);
        compile_had_errors = 1;
        return NULL;
    }
    Ctx c;
    memset(&c, 0, sizeof c);
    CodeBuf cb;
    memset(&cb, 0, sizeof cb);
    codebuf_new_label(&cb); /* label 0 means "no label" */
    c.cb = &cb;
    c.file = path;
    c.diags = &lm.diags;
    c.mod = atom_put(lm.name, strlen(lm.name));
    c.arena = &lm.arena;
    heap_init(&c.scratch.heap, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    compile_forms(&c, &lm);
    if (!c.failed && !getenv("HEAPSCOPE_NO_PEEP")) peep_optimize(&cb);
    Module *m = NULL;
    if (c.failed) {
        diags_sort(&lm.diags);
        if (diag_out) diags_print(&lm.diags, diag_out, 1);
        compile_had_errors = 1;
    } else {
        if (diag_out) diags_print(&lm.diags, diag_out, 1);
        if (load) m = code_load(c.mod, path, &cb);
    }
    heap_destroy(&c.scratch.heap);
    if (out && !c.failed) *out = cb;
    else codebuf_free(&cb);
    free(c.funcs);
    free(c.arg_tab);
    free(c.recs);
    free(c.imports);
    free(c.lambdas);
    free(c.vars);
    free(c.stubs);
    free(c.frame_patch);
    free(c.xlive_patch);
    lang_module_free(&lm);
    return m;
}

Module *compile_and_load(const char *path, const char *source, size_t len)
{
    return compile_module(path, source, len, true, stderr, NULL);
}

bool compile_only(const char *path, const char *source, size_t len, CodeBuf *out)
{
    memset(out, 0, sizeof *out);
    compile_module(path, source, len, false, NULL, out);
    return !compile_had_errors;
}
