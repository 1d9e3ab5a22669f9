#include "lang/ast.h"

#include <string.h>

Ast *ast_new(Arena *ar, AstKind kind, int line, int col)
{
    Ast *n = arena_alloc(ar, sizeof *n);
    n->kind = kind;
    n->line = line;
    n->col = col;
    return n;
}

void ast_push(Arena *ar, AstList *l, Ast *n)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 4;
        Ast **v = arena_alloc(ar, (size_t)cap * sizeof *v);
        if (l->n) memcpy(v, l->v, (size_t)l->n * sizeof *v);
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = n;
}

Ast *ast_atom(Arena *ar, int line, int col, const char *name, size_t len)
{
    Ast *n = ast_new(ar, A_ATOM, line, col);
    n->name = name;
    n->name_len = len;
    return n;
}

Ast *ast_var(Arena *ar, int line, int col, const char *name, size_t len)
{
    Ast *n = ast_new(ar, A_VAR, line, col);
    n->name = name;
    n->name_len = len;
    return n;
}

int ast_name_is(const Ast *n, const char *s)
{
    return n && n->name && n->name_len == strlen(s) && memcmp(n->name, s, n->name_len) == 0;
}

static int fold_list(const AstList *l, AstLocFn fn, void *ctx)
{
    for (int i = 0; i < l->n; i++)
        if (!ast_fold_loc(l->v[i], fn, ctx)) return 0;
    return 1;
}

#define F(x) do { if ((x) && !ast_fold_loc((x), fn, ctx)) return 0; } while (0)
#define FL(l) do { if (!fold_list(&(l), fn, ctx)) return 0; } while (0)

int ast_fold_loc(const Ast *n, AstLocFn fn, void *ctx)
{
    /* cons tails are walked in a loop: list literals may be long */
    while (n && n->kind == A_CONS) {
        if (!fn(ctx, n)) return 0;
        F(n->a);
        n = n->b;
    }
    if (!n) return 1;
    if (n->kind != A_LIST && n->kind != A_GUARD && n->kind != A_BIT_TYPE)
        if (!fn(ctx, n)) return 0;
    switch (n->kind) {
    case A_MATCH: case A_REMOTE: case A_GENERATE: case A_B_GENERATE:
    case A_MAP_ASSOC: case A_MAP_EXACT: case A_RECORD_FIELD: case A_ANN_TYPE:
    case A_BIN_ELEMENT: case A_OP: case A_CATCH: case A_RECORD_ACCESS:
        F(n->a);
        F(n->b);
        break;
    case A_TUPLE: case A_BIN: case A_BLOCK: case A_IF: case A_FUN: case A_NAMED_FUN:
    case A_LIST: case A_GUARD: case A_FUNCTION:
        FL(n->l1);
        break;
    case A_RECORD_INDEX:
        F(n->a);
        break;
    case A_RECORD: case A_MAP: case A_CALL: case A_LC: case A_BC: case A_CASE:
        F(n->a);
        FL(n->l1);
        break;
    case A_RECEIVE:
        FL(n->l1);
        if (n->flags & AF_AFTER) {
            F(n->a);
            FL(n->l2);
        }
        break;
    case A_TRY:
        FL(n->l1);
        FL(n->l2);
        FL(n->l3);
        FL(n->l4);
        break;
    case A_FUN_REMOTE:
        F(n->a);
        F(n->b);
        F(n->c);
        break;
    case A_CLAUSE:
        FL(n->l1);
        FL(n->l2);
        FL(n->l3);
        break;
    case A_TYPE: case A_USER_TYPE:
        FL(n->l1);
        break;
    case A_REMOTE_TYPE:
        F(n->a);
        F(n->b);
        FL(n->l1);
        break;
    default:
        break;
    }
    return 1;
}

#undef F
#undef FL

typedef struct LocAcc {
    AstAnno a;
    int started;
} LocAcc;

/* erl_parse:loc_lte/2: a line-only location counts as column 1 */
static int loc_lte(int l1, int c1, int l2, int c2)
{
    if (c1 == 0) c1 = 1;
    if (c2 == 0) c2 = 1;
    return l1 < l2 || (l1 == l2 && c1 <= c2);
}

void ast_anno_of(const Ast *n, AstAnno *a)
{
    a->line = n->line;
    a->col = n->col;
    a->text = n->text;
}

Ast *ast_new_at(Arena *ar, AstKind kind, const AstAnno *a)
{
    Ast *n = ast_new(ar, kind, a->line, a->col);
    n->text = a->text;
    return n;
}

static int first_step(void *ctx, const Ast *n)
{
    LocAcc *acc = ctx;
    if (loc_lte(n->line, n->col, acc->a.line, acc->a.col)) {
        ast_anno_of(n, &acc->a);
        return 1;
    }
    return 0;
}

void ast_first_anno(const Ast *n, AstAnno *a)
{
    LocAcc acc;
    ast_anno_of(n, &acc.a);
    acc.started = 1;
    ast_fold_loc(n, first_step, &acc);
    *a = acc.a;
}

static int last_step(void *ctx, const Ast *n)
{
    LocAcc *acc = ctx;
    if (!acc->started || !loc_lte(n->line, n->col, acc->a.line, acc->a.col)) {
        ast_anno_of(n, &acc->a);
        acc->started = 1;
    }
    return 1;
}

void ast_last_anno(const Ast *n, AstAnno *a)
{
    LocAcc acc = {{0, 0, 0}, 0};
    ast_fold_loc(n, last_step, &acc);
    *a = acc.a;
}

static const char *const kind_names[A_KIND_COUNT] = {
    "integer", "float", "char", "atom", "var", "string", "nil", "cons", "tuple", "bin",
    "bin_element", "bit_type", "op", "match", "record", "record_field", "record_index",
    "record_field", "map", "map_field_assoc", "map_field_exact", "catch", "call", "remote", "lc",
    "bc", "generate", "b_generate", "block", "if", "case", "receive", "try", "fun", "fun", "fun",
    "named_fun", "clause", "guard", "type", "user_type", "remote_type", "ann_type", "list",
    "function", "attribute", "eof",
};

const char *ast_kind_name(AstKind k)
{
    return (unsigned)k < A_KIND_COUNT ? kind_names[k] : "?";
}
