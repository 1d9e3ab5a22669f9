#include "lang/parse.h"

#include <string.h>

#include "lang/parse_int.h"
#include "strbuf.h"

/* ================================================================ token access and errors */

const Token *parse_peek(Parser *p, size_t k)
{
    return p->pos + k < p->n ? &p->t[p->pos + k] : &p->end;
}

TokKind parse_kind(Parser *p, size_t k) { return parse_peek(p, k)->kind; }

const Token *parse_next(Parser *p)
{
    const Token *t = parse_peek(p, 0);
    if (p->pos < p->n) p->pos++;
    return t;
}

Ast *parse_error_at(Parser *p, int line, int col, const char *msg)
{
    if (!p->failed) {
        p->failed = 1;
        diags_add(p->diags, p->file, line, col, DIAG_PARSE, "", "%s", msg);
    }
    return NULL;
}

Ast *parse_syntax_error(Parser *p)
{
    if (p->failed) return NULL;
    const Token *t = parse_peek(p, 0);
    StrBuf sb = STRBUF_INIT;
    sb_puts(&sb, "syntax error before: ");
    lex_token_text(t, &sb);
    parse_error_at(p, t->line, t->col, sb.data);
    sb_free(&sb);
    return NULL;
}

const Token *parse_expect(Parser *p, TokKind k)
{
    if (p->failed) return NULL;
    if (parse_kind(p, 0) != k) {
        parse_syntax_error(p);
        return NULL;
    }
    return parse_next(p);
}

int parse_enter(Parser *p, int cost)
{
    p->depth += cost;
    if (p->depth > PARSE_MAX_DEPTH) {
        if (!p->failed) {
            const Token *t = parse_peek(p, 0);
            parse_error_at(p, t->line, t->col,
                           "syntax error: expression nested too deeply for heapscope");
        }
        return 0;
    }
    return 1;
}

void parse_leave(Parser *p, int cost) { p->depth -= cost; }

/* A node at a token's anno */
static Ast *tok_node(Parser *p, AstKind k, const Token *t)
{
    Ast *n = ast_new(p->ar, k, t->line, t->col);
    n->text = t->text;
    return n;
}

Ast *parse_tok_atom(Parser *p, const Token *t)
{
    Ast *n = ast_atom(p->ar, t->line, t->col, t->name, t->len);
    n->text = t->text;
    return n;
}

Ast *parse_tok_var(Parser *p, const Token *t)
{
    Ast *n = ast_var(p->ar, t->line, t->col, t->name, t->len);
    n->text = t->text;
    return n;
}

Ast *parse_tok_literal(Parser *p, const Token *t)
{
    Ast *n;
    switch (t->kind) {
    case TK_ATOM: return parse_tok_atom(p, t);
    case TK_VAR: return parse_tok_var(p, t);
    case TK_INTEGER:
        n = tok_node(p, A_INTEGER, t);
        n->ival = t->ival;
        n->big = t->big;
        return n;
    case TK_CHAR:
        n = tok_node(p, A_CHAR, t);
        n->ival = t->ival;
        return n;
    case TK_FLOAT:
        n = tok_node(p, A_FLOAT, t);
        n->fval = t->fval;
        return n;
    default:
        return NULL;
    }
}

static Ast *first_loc_node(Parser *p, AstKind k, const Ast *of)
{
    AstAnno a;
    ast_first_anno(of, &a);
    return ast_new_at(p->ar, k, &a);
}

/* ================================================================ operators */

typedef enum Assoc { LEFT, RIGHT, NONASSOC } Assoc;

/* Binary operators of erl_parse.yrl with their precedence; 0 when not one. In patterns only
 * '=', comparisons, list, additive and multiplicative operators exist (pat_expr). */
static int binop_prec(TokKind k, int pat, Assoc *assoc)
{
    switch (k) {
    case TK_MATCH: *assoc = RIGHT; return 100;
    case TK_BANG: *assoc = RIGHT; return pat ? 0 : 100;
    case TK_ORELSE: *assoc = RIGHT; return pat ? 0 : 150;
    case TK_ANDALSO: *assoc = RIGHT; return pat ? 0 : 160;
    case TK_EQEQ: case TK_NE: case TK_LE: case TK_LT: case TK_GE: case TK_GT:
    case TK_EXACT_EQ: case TK_EXACT_NE:
        *assoc = NONASSOC;
        return 200;
    case TK_PLUSPLUS: case TK_MINUSMINUS: *assoc = RIGHT; return 300;
    case TK_PLUS: case TK_MINUS: case TK_BOR: case TK_BXOR: case TK_BSL: case TK_BSR:
    case TK_OR: case TK_XOR:
        *assoc = LEFT;
        return 400;
    case TK_SLASH: case TK_STAR: case TK_DIV: case TK_REM: case TK_BAND: case TK_AND:
        *assoc = LEFT;
        return 500;
    default: return 0;
    }
}

static int is_prefix_op(TokKind k)
{
    return k == TK_PLUS || k == TK_MINUS || k == TK_BNOT || k == TK_NOT;
}

static Ast *mkop(Parser *p, const Token *op, Ast *l, Ast *r)
{
    Ast *n = tok_node(p, A_OP, op);
    n->name = lex_kind_name(op->kind);
    n->name_len = strlen(n->name);
    n->a = l;
    n->b = r;
    return n;
}

/* ================================================================ expressions */

typedef enum Cat { CAT_MAX, CAT_MAP, CAT_RECORD, CAT_REMOTE, CAT_CALL, CAT_OTHER } Cat;

static Ast *parse_bin_ops(Parser *p, int minp, int pat);
static Ast *parse_primary(Parser *p, int pat, int max_only, Cat *cat);
static int parse_clause_body(Parser *p, AstList *body);
static int parse_guard(Parser *p, AstList *guards);

Ast *parse_expr(Parser *p) { return parse_bin_ops(p, 0, 0); }
static Ast *parse_pat_expr(Parser *p) { return parse_bin_ops(p, 0, 1); }

/* exprs -> expr | expr ',' exprs */
static int parse_exprs(Parser *p, AstList *out)
{
    for (;;) {
        Ast *e = parse_expr(p);
        if (!e) return 0;
        ast_push(p->ar, out, e);
        if (parse_kind(p, 0) != TK_COMMA) return 1;
        parse_next(p);
    }
}

/* argument_list / pat_argument_list: '(' ')' | '(' exprs ')' */
static int parse_args(Parser *p, AstList *out, int pat)
{
    if (!parse_expect(p, TK_LPAREN)) return 0;
    if (parse_kind(p, 0) == TK_RPAREN) {
        parse_next(p);
        return 1;
    }
    for (;;) {
        Ast *e = pat ? parse_pat_expr(p) : parse_expr(p);
        if (!e) return 0;
        ast_push(p->ar, out, e);
        if (parse_kind(p, 0) != TK_COMMA) break;
        parse_next(p);
    }
    return parse_expect(p, TK_RPAREN) != NULL;
}

/* record_tuple -> '{' '}' | '{' record_fields '}'; record_field -> (var|atom) '=' expr */
static int parse_record_tuple(Parser *p, AstList *out)
{
    if (!parse_expect(p, TK_LBRACE)) return 0;
    if (parse_kind(p, 0) == TK_RBRACE) {
        parse_next(p);
        return 1;
    }
    for (;;) {
        const Token *f = parse_peek(p, 0);
        if (f->kind != TK_ATOM && f->kind != TK_VAR) {
            parse_syntax_error(p);
            return 0;
        }
        parse_next(p);
        if (!parse_expect(p, TK_MATCH)) return 0;
        Ast *v = parse_expr(p);
        if (!v) return 0;
        Ast *rf = tok_node(p, A_RECORD_FIELD, f);
        rf->a = f->kind == TK_ATOM ? parse_tok_atom(p, f) : parse_tok_var(p, f);
        rf->b = v;
        ast_push(p->ar, out, rf);
        if (parse_kind(p, 0) != TK_COMMA) break;
        parse_next(p);
    }
    return parse_expect(p, TK_RBRACE) != NULL;
}

/* map_tuple -> '{' '}' | '{' map_fields '}'; map_field -> expr ('=>' | ':=') expr */
static int parse_map_tuple(Parser *p, AstList *out)
{
    if (!parse_expect(p, TK_LBRACE)) return 0;
    if (parse_kind(p, 0) == TK_RBRACE) {
        parse_next(p);
        return 1;
    }
    for (;;) {
        Ast *k = parse_expr(p);
        if (!k) return 0;
        const Token *op = parse_peek(p, 0);
        if (op->kind != TK_ASSOC && op->kind != TK_EXACT) {
            parse_syntax_error(p);
            return 0;
        }
        parse_next(p);
        Ast *v = parse_expr(p);
        if (!v) return 0;
        Ast *f = ast_new(p->ar, op->kind == TK_ASSOC ? A_MAP_ASSOC : A_MAP_EXACT, op->line,
                         op->col);
        f->a = k;
        f->b = v;
        ast_push(p->ar, out, f);
        if (parse_kind(p, 0) != TK_COMMA) break;
        parse_next(p);
    }
    return parse_expect(p, TK_RBRACE) != NULL;
}

/* After '#' atom: '.' atom (index or field access) or a record tuple. `on` is the record
 * expression being updated or accessed, NULL for #r{...} and #r.f. */
static Ast *parse_record_rest(Parser *p, const Token *hash, const Token *name, Ast *on)
{
    if (parse_kind(p, 0) == TK_PERIOD) {
        parse_next(p);
        const Token *f = parse_expect(p, TK_ATOM);
        if (!f) return NULL;
        Ast *n = ast_new(p->ar, on ? A_RECORD_ACCESS : A_RECORD_INDEX, hash->line, hash->col);
        n->name = name->name;
        n->name_len = name->len;
        n->a = on ? on : parse_tok_atom(p, f);
        if (on) n->b = parse_tok_atom(p, f);
        return n;
    }
    Ast *n = tok_node(p, A_RECORD, hash);
    n->name = name->name;
    n->name_len = name->len;
    n->a = on;
    if (!parse_record_tuple(p, &n->l1)) return NULL;
    return n;
}

/* lc_exprs -> lc_expr | lc_expr ',' lc_exprs;
 * lc_expr -> expr | expr '<-' expr | binary '<=' expr */
static int parse_qualifiers(Parser *p, AstList *out)
{
    for (;;) {
        TokKind first = parse_kind(p, 0);
        Ast *e = parse_expr(p);
        if (!e) return 0;
        TokKind k = parse_kind(p, 0);
        if (k == TK_LARROW || (k == TK_LDARROW && e->kind == A_BIN && first == TK_LTLT)) {
            const Token *arrow = parse_next(p);
            Ast *src = parse_expr(p);
            if (!src) return 0;
            Ast *g = ast_new(p->ar, k == TK_LARROW ? A_GENERATE : A_B_GENERATE, arrow->line,
                             arrow->col);
            g->a = e;
            g->b = src;
            e = g;
        }
        ast_push(p->ar, out, e);
        if (parse_kind(p, 0) != TK_COMMA) return 1;
        parse_next(p);
    }
}

/* '[' already seen: list -> '[' ']' | '[' expr tail; list_comprehension -> '[' expr '||' ... */
static Ast *parse_list(Parser *p, const Token *open)
{
    if (parse_kind(p, 0) == TK_RBRACKET) {
        parse_next(p);
        return tok_node(p, A_NIL, open);
    }
    Ast *first = parse_expr(p);
    if (!first) return NULL;
    if (parse_kind(p, 0) == TK_OROR) {
        parse_next(p);
        Ast *lc = tok_node(p, A_LC, open);
        lc->a = first;
        if (!parse_qualifiers(p, &lc->l1)) return NULL;
        if (!parse_expect(p, TK_RBRACKET)) return NULL;
        return lc;
    }
    AstList elems = {0};
    ast_push(p->ar, &elems, first);
    Ast *tail = NULL;
    for (;;) {
        TokKind k = parse_kind(p, 0);
        if (k == TK_RBRACKET) {
            const Token *c = parse_next(p);
            tail = tok_node(p, A_NIL, c);
            break;
        }
        if (k == TK_BAR) {
            parse_next(p);
            tail = parse_expr(p);
            if (!tail || !parse_expect(p, TK_RBRACKET)) return NULL;
            break;
        }
        if (k != TK_COMMA) return parse_syntax_error(p);
        parse_next(p);
        Ast *e = parse_expr(p);
        if (!e) return NULL;
        ast_push(p->ar, &elems, e);
    }
    /* cons cells from the right; all but the first take the first location of their head */
    for (int i = elems.n - 1; i >= 0; i--) {
        Ast *c;
        if (i == 0)
            c = tok_node(p, A_CONS, open);
        else
            c = first_loc_node(p, A_CONS, elems.v[i]);
        c->a = elems.v[i];
        c->b = tail;
        tail = c;
    }
    return tail;
}

/* bit_type_list -> bit_type ('-' bit_type)*; bit_type -> atom | atom ':' integer */
static int parse_bit_types(Parser *p, AstList *out)
{
    for (;;) {
        const Token *a = parse_expect(p, TK_ATOM);
        if (!a) return 0;
        Ast *bt = ast_new(p->ar, A_BIT_TYPE, a->line, a->col);
        bt->name = a->name;
        bt->name_len = a->len;
        if (parse_kind(p, 0) == TK_COLON) {
            parse_next(p);
            const Token *v = parse_expect(p, TK_INTEGER);
            if (!v) return 0;
            bt->flags |= AF_HAS_VALUE;
            bt->ival = v->ival;
            bt->big = v->big;
        }
        ast_push(p->ar, out, bt);
        if (parse_kind(p, 0) != TK_MINUS) return 1;
        parse_next(p);
    }
}

/* '<<' already seen: binary or binary comprehension */
static Ast *parse_binary(Parser *p, const Token *open)
{
    if (parse_kind(p, 0) == TK_GTGT) {
        parse_next(p);
        return tok_node(p, A_BIN, open);
    }
    Ast *bin = tok_node(p, A_BIN, open);
    for (int first = 1;; first = 0) {
        Ast *val;
        Cat cat;
        const Token *t = parse_peek(p, 0);
        if (is_prefix_op(t->kind)) {
            parse_next(p);
            Ast *x = parse_primary(p, 0, 1, &cat);
            if (!x) return NULL;
            val = mkop(p, t, x, NULL);
        } else {
            val = parse_primary(p, 0, 1, &cat);
            if (!val) return NULL;
            if (first && parse_kind(p, 0) == TK_OROR) {
                parse_next(p);
                Ast *bc = tok_node(p, A_BC, open);
                bc->a = val;
                if (!parse_qualifiers(p, &bc->l1)) return NULL;
                if (!parse_expect(p, TK_GTGT)) return NULL;
                return bc;
            }
        }
        Ast *el = first_loc_node(p, A_BIN_ELEMENT, val);
        el->a = val;
        if (parse_kind(p, 0) == TK_COLON) {
            parse_next(p);
            el->b = parse_primary(p, 0, 1, &cat);
            if (!el->b) return NULL;
        }
        if (parse_kind(p, 0) == TK_SLASH) {
            parse_next(p);
            el->flags |= AF_HAS_TSL;
            if (!parse_bit_types(p, &el->l1)) return NULL;
        }
        ast_push(p->ar, &bin->l1, el);
        if (parse_kind(p, 0) != TK_COMMA) break;
        parse_next(p);
    }
    if (!parse_expect(p, TK_GTGT)) return NULL;
    return bin;
}

/* '{' already seen */
static Ast *parse_tuple(Parser *p, const Token *open)
{
    Ast *t = tok_node(p, A_TUPLE, open);
    if (parse_kind(p, 0) == TK_RBRACE) {
        parse_next(p);
        return t;
    }
    if (!parse_exprs(p, &t->l1)) return NULL;
    if (!parse_expect(p, TK_RBRACE)) return NULL;
    return t;
}

/* clause_guard -> 'when' guard | empty; guard -> exprs | exprs ';' guard */
static int parse_guard(Parser *p, AstList *guards)
{
    if (parse_kind(p, 0) != TK_WHEN) return 1;
    parse_next(p);
    for (;;) {
        Ast *g = ast_new(p->ar, A_GUARD, 0, 0);
        if (!parse_exprs(p, &g->l1)) return 0;
        ast_push(p->ar, guards, g);
        if (parse_kind(p, 0) != TK_SEMI) return 1;
        parse_next(p);
    }
}

/* clause_body -> '->' exprs */
static int parse_clause_body(Parser *p, AstList *body)
{
    if (!parse_expect(p, TK_RARROW)) return 0;
    return parse_exprs(p, body);
}

/* cr_clauses -> cr_clause (';' cr_clause)*; cr_clause -> expr clause_guard clause_body */
static int parse_cr_clauses(Parser *p, AstList *out)
{
    for (;;) {
        Ast *pat = parse_expr(p);
        if (!pat) return 0;
        Ast *c = first_loc_node(p, A_CLAUSE, pat);
        ast_push(p->ar, &c->l1, pat);
        if (!parse_guard(p, &c->l2) || !parse_clause_body(p, &c->l3)) return 0;
        ast_push(p->ar, out, c);
        if (parse_kind(p, 0) != TK_SEMI) return 1;
        parse_next(p);
    }
}

static Ast *parse_if(Parser *p, const Token *kw)
{
    Ast *n = tok_node(p, A_IF, kw);
    for (;;) {
        AstList guards = {0};
        for (;;) {
            Ast *g = ast_new(p->ar, A_GUARD, 0, 0);
            if (!parse_exprs(p, &g->l1)) return NULL;
            ast_push(p->ar, &guards, g);
            if (parse_kind(p, 0) != TK_SEMI) break;
            parse_next(p);
        }
        Ast *c = first_loc_node(p, A_CLAUSE, guards.v[0]->l1.v[0]);
        c->l2 = guards;
        if (!parse_clause_body(p, &c->l3)) return NULL;
        ast_push(p->ar, &n->l1, c);
        if (parse_kind(p, 0) != TK_SEMI) break;
        parse_next(p);
    }
    if (!parse_expect(p, TK_END)) return NULL;
    return n;
}

static Ast *parse_case(Parser *p, const Token *kw)
{
    Ast *n = tok_node(p, A_CASE, kw);
    n->a = parse_expr(p);
    if (!n->a || !parse_expect(p, TK_OF)) return NULL;
    if (!parse_cr_clauses(p, &n->l1)) return NULL;
    if (!parse_expect(p, TK_END)) return NULL;
    return n;
}

static Ast *parse_receive(Parser *p, const Token *kw)
{
    Ast *n = tok_node(p, A_RECEIVE, kw);
    if (parse_kind(p, 0) != TK_AFTER && !parse_cr_clauses(p, &n->l1)) return NULL;
    if (parse_kind(p, 0) == TK_AFTER) {
        parse_next(p);
        n->flags |= AF_AFTER;
        n->a = parse_expr(p);
        if (!n->a || !parse_clause_body(p, &n->l2)) return NULL;
    }
    if (!parse_expect(p, TK_END)) return NULL;
    return n;
}

/* fun_clause -> pat_argument_list clause_guard clause_body
 *             | var pat_argument_list clause_guard clause_body
 * build_fun/2: every clause must have the first clause's name and arity ("head mismatch"). */
static Ast *parse_fun_clauses(Parser *p, const Token *kw)
{
    AstList cs = {0};
    const char *name0 = NULL;
    size_t len0 = 0;
    int arity0 = -1;
    Ast *mismatch = NULL;
    for (;;) {
        const Token *nt = NULL;
        if (parse_kind(p, 0) == TK_VAR) nt = parse_next(p);
        const Token *lp = parse_peek(p, 0);
        Ast *c = tok_node(p, A_CLAUSE, nt ? nt : lp);
        if (!parse_args(p, &c->l1, 1)) return NULL;
        if (!parse_guard(p, &c->l2) || !parse_clause_body(p, &c->l3)) return NULL;
        const char *nm = nt ? nt->name : "fun";
        size_t nl = nt ? nt->len : 3;
        if (arity0 < 0) {
            name0 = nm;
            len0 = nl;
            arity0 = c->l1.n;
        } else if (!mismatch && (nl != len0 || memcmp(nm, name0, nl) != 0 || c->l1.n != arity0)) {
            mismatch = c;
        }
        ast_push(p->ar, &cs, c);
        if (parse_kind(p, 0) != TK_SEMI) break;
        parse_next(p);
    }
    if (!parse_expect(p, TK_END)) return NULL;
    if (mismatch) return parse_error_at(p, mismatch->line, mismatch->col, "head mismatch");
    Ast *n;
    if (len0 == 3 && memcmp(name0, "fun", 3) == 0) {
        n = tok_node(p, A_FUN, kw);
    } else {
        n = tok_node(p, A_NAMED_FUN, kw);
        n->name = name0;
        n->name_len = len0;
    }
    n->l1 = cs;
    return n;
}

static Ast *atom_or_var(Parser *p)
{
    const Token *t = parse_peek(p, 0);
    if (t->kind == TK_ATOM) return parse_next(p), parse_tok_atom(p, t);
    if (t->kind == TK_VAR) return parse_next(p), parse_tok_var(p, t);
    return parse_syntax_error(p);
}

static Ast *parse_fun(Parser *p, const Token *kw)
{
    const Token *t = parse_peek(p, 0);
    TokKind k1 = parse_kind(p, 1);
    if (t->kind == TK_ATOM && k1 == TK_SLASH) {
        parse_next(p);
        parse_next(p);
        const Token *ar = parse_expect(p, TK_INTEGER);
        if (!ar) return NULL;
        Ast *n = tok_node(p, A_FUN_LOCAL, kw);
        n->name = t->name;
        n->name_len = t->len;
        n->ival = ar->ival;
        n->big = ar->big;
        return n;
    }
    if ((t->kind == TK_ATOM || t->kind == TK_VAR) && k1 == TK_COLON) {
        Ast *n = tok_node(p, A_FUN_REMOTE, kw);
        n->a = atom_or_var(p);
        parse_next(p);
        if (!(n->b = atom_or_var(p))) return NULL;
        if (!parse_expect(p, TK_SLASH)) return NULL;
        const Token *ar = parse_peek(p, 0);
        if (ar->kind == TK_INTEGER)
            n->c = parse_tok_literal(p, parse_next(p));
        else if (ar->kind == TK_VAR)
            n->c = parse_tok_var(p, parse_next(p));
        else
            return parse_syntax_error(p);
        return n;
    }
    if (t->kind == TK_ATOM) { /* 'fun' atom must be followed by '/' or ':' */
        parse_next(p);
        return parse_syntax_error(p);
    }
    return parse_fun_clauses(p, kw);
}

/* try_clause -> pat_expr clause_guard clause_body
 *             | (atom|var) ':' pat_expr try_opt_stacktrace clause_guard clause_body */
static int parse_try_clauses(Parser *p, AstList *out)
{
    for (;;) {
        size_t start = p->pos;
        Ast *pat = parse_pat_expr(p);
        if (!pat) return 0;
        Ast *tuple, *c;
        if (parse_kind(p, 0) == TK_COLON && p->pos == start + 1 &&
            (pat->kind == A_ATOM || pat->kind == A_VAR)) {
            parse_next(p);
            Ast *reason = parse_pat_expr(p);
            if (!reason) return 0;
            Ast *stack;
            if (parse_kind(p, 0) == TK_COLON) {
                parse_next(p);
                const Token *v = parse_expect(p, TK_VAR);
                if (!v) return 0;
                stack = parse_tok_var(p, v);
            } else {
                AstAnno z;
                ast_last_anno(reason, &z);
                stack = ast_new_at(p->ar, A_VAR, &z);
                stack->name = "_";
                stack->name_len = 1;
            }
            AstAnno a;
            ast_anno_of(pat, &a);
            c = ast_new_at(p->ar, A_CLAUSE, &a);
            tuple = ast_new_at(p->ar, A_TUPLE, &a);
            ast_push(p->ar, &tuple->l1, pat);
            ast_push(p->ar, &tuple->l1, reason);
            ast_push(p->ar, &tuple->l1, stack);
        } else {
            AstAnno a, z;
            ast_first_anno(pat, &a);
            ast_last_anno(pat, &z);
            c = ast_new_at(p->ar, A_CLAUSE, &a);
            tuple = ast_new_at(p->ar, A_TUPLE, &a);
            Ast *thr = ast_new_at(p->ar, A_ATOM, &a);
            thr->name = "throw";
            thr->name_len = 5;
            Ast *us = ast_new_at(p->ar, A_VAR, &z);
            us->name = "_";
            us->name_len = 1;
            ast_push(p->ar, &tuple->l1, thr);
            ast_push(p->ar, &tuple->l1, pat);
            ast_push(p->ar, &tuple->l1, us);
        }
        ast_push(p->ar, &c->l1, tuple);
        if (!parse_guard(p, &c->l2) || !parse_clause_body(p, &c->l3)) return 0;
        ast_push(p->ar, out, c);
        if (parse_kind(p, 0) != TK_SEMI) return 1;
        parse_next(p);
    }
}

static Ast *parse_try(Parser *p, const Token *kw)
{
    Ast *n = tok_node(p, A_TRY, kw);
    if (!parse_exprs(p, &n->l1)) return NULL;
    if (parse_kind(p, 0) == TK_OF) {
        parse_next(p);
        if (!parse_cr_clauses(p, &n->l2)) return NULL;
    }
    TokKind k = parse_kind(p, 0);
    if (k == TK_CATCH) {
        parse_next(p);
        if (!parse_try_clauses(p, &n->l3)) return NULL;
        if (parse_kind(p, 0) == TK_AFTER) {
            parse_next(p);
            if (!parse_exprs(p, &n->l4)) return NULL;
        }
    } else if (k == TK_AFTER) {
        parse_next(p);
        if (!parse_exprs(p, &n->l4)) return NULL;
    } else {
        return parse_syntax_error(p);
    }
    if (!parse_expect(p, TK_END)) return NULL;
    return n;
}

/* expr_max (and, outside patterns unless max_only, the '#' forms that start map_expr and
 * record_expr). *cat says which, for the postfix rules. */
static Ast *parse_primary(Parser *p, int pat, int max_only, Cat *cat)
{
    const Token *t = parse_peek(p, 0);
    *cat = CAT_MAX;
    switch (t->kind) {
    case TK_VAR: case TK_ATOM: case TK_INTEGER: case TK_FLOAT: case TK_CHAR:
        parse_next(p);
        return parse_tok_literal(p, t);
    case TK_STRING: {
        /* strings -> string | string strings: adjacent strings are one */
        parse_next(p);
        Ast *s = tok_node(p, A_STRING, t);
        if (parse_kind(p, 0) != TK_STRING) {
            s->str = t->str;
            s->slen = t->slen;
            return s;
        }
        size_t total = t->slen;
        size_t k = 0;
        while (parse_kind(p, k) == TK_STRING) total += parse_peek(p, k)->slen, k++;
        uint32_t *buf = arena_alloc(p->ar, (total ? total : 1) * sizeof *buf);
        size_t o = 0;
        memcpy(buf, t->str, t->slen * sizeof *buf);
        o = t->slen;
        while (parse_kind(p, 0) == TK_STRING) {
            const Token *u = parse_next(p);
            if (u->slen) memcpy(buf + o, u->str, u->slen * sizeof *buf);
            o += u->slen;
        }
        s->str = buf;
        s->slen = o;
        return s;
    }
    case TK_LBRACKET: parse_next(p); return parse_list(p, t);
    case TK_LTLT: parse_next(p); return parse_binary(p, t);
    case TK_LBRACE: parse_next(p); return parse_tuple(p, t);
    case TK_LPAREN: {
        parse_next(p);
        Ast *e = pat ? parse_pat_expr(p) : parse_expr(p);
        if (!e || !parse_expect(p, TK_RPAREN)) return NULL;
        return e;
    }
    case TK_HASH: {
        if (max_only) break;
        parse_next(p);
        const Token *t1 = parse_peek(p, 0);
        if (t1->kind == TK_LBRACE) {
            Ast *m = tok_node(p, A_MAP, t);
            if (!parse_map_tuple(p, &m->l1)) return NULL;
            *cat = CAT_MAP;
            return m;
        }
        if (t1->kind == TK_ATOM) {
            parse_next(p);
            *cat = CAT_RECORD;
            return parse_record_rest(p, t, t1, NULL);
        }
        return parse_syntax_error(p);
    }
    default: break;
    }
    if (!pat) {
        switch (t->kind) {
        case TK_BEGIN: {
            parse_next(p);
            Ast *b = tok_node(p, A_BLOCK, t);
            if (!parse_exprs(p, &b->l1) || !parse_expect(p, TK_END)) return NULL;
            return b;
        }
        case TK_IF: parse_next(p); return parse_if(p, t);
        case TK_CASE: parse_next(p); return parse_case(p, t);
        case TK_RECEIVE: parse_next(p); return parse_receive(p, t);
        case TK_FUN: parse_next(p); return parse_fun(p, t);
        case TK_TRY: parse_next(p); return parse_try(p, t);
        default: break;
        }
    }
    return parse_syntax_error(p);
}

/* The postfix forms of expr: remote names, calls, map updates and record operations, with
 * erl_parse's restrictions (a call's function is an expr_max or a remote; a map update applies
 * to an expr_max or a map_expr; a record operation to an expr_max or a record_expr). */
static Ast *parse_postfix(Parser *p, Ast *e, Cat cat)
{
    int chain = 0;
    for (;;) {
        TokKind k = parse_kind(p, 0);
        if (k == TK_COLON && cat == CAT_MAX) {
            const Token *colon = parse_next(p);
            Cat c2;
            Ast *f = parse_primary(p, 0, 1, &c2);
            if (!f) goto out;
            Ast *r = tok_node(p, A_REMOTE, colon);
            r->a = e;
            r->b = f;
            e = r;
            cat = CAT_REMOTE;
            continue;
        }
        if (k == TK_LPAREN && (cat == CAT_MAX || cat == CAT_REMOTE)) {
            Ast *call = first_loc_node(p, A_CALL, e);
            call->a = e;
            if (!parse_args(p, &call->l1, 0)) goto out;
            e = call;
            cat = CAT_CALL;
            break;
        }
        if (k == TK_HASH && (cat == CAT_MAX || cat == CAT_MAP || cat == CAT_RECORD)) {
            if (!parse_enter(p, 1)) goto out;
            chain++;
            const Token *hash = parse_next(p);
            const Token *t1 = parse_peek(p, 0);
            if (t1->kind == TK_LBRACE && cat != CAT_RECORD) {
                Ast *m = tok_node(p, A_MAP, hash);
                m->a = e;
                if (!parse_map_tuple(p, &m->l1)) goto out;
                e = m;
                cat = CAT_MAP;
                continue;
            }
            if (t1->kind == TK_ATOM && cat != CAT_MAP) {
                parse_next(p);
                e = parse_record_rest(p, hash, t1, e);
                if (!e) goto out;
                cat = CAT_RECORD;
                continue;
            }
            parse_syntax_error(p);
            goto out;
        }
        break;
    }
    parse_leave(p, chain);
    return e;
out:
    parse_leave(p, chain);
    return NULL;
}

/* expr -> 'catch' expr | prefix_op expr | postfix forms; patterns: prefix_op pat_expr */
static Ast *parse_unary(Parser *p, int pat)
{
    const Token *t = parse_peek(p, 0);
    if (!parse_enter(p, 1)) return NULL;
    Ast *r = NULL;
    if (!pat && t->kind == TK_CATCH) {
        parse_next(p);
        Ast *e = parse_bin_ops(p, 0, 0);
        if (e) {
            r = tok_node(p, A_CATCH, t);
            r->a = e;
        }
    } else if (is_prefix_op(t->kind)) {
        parse_next(p);
        Ast *e = parse_unary(p, pat);
        if (e) r = mkop(p, t, e, NULL);
    } else {
        Cat cat;
        Ast *e = parse_primary(p, pat, 0, &cat);
        if (e) r = pat ? e : parse_postfix(p, e, cat);
    }
    parse_leave(p, 1);
    return r;
}

/* Precedence climbing over erl_parse's operator table; nonassociative comparisons cannot be
 * chained (yecc reports the second operator). */
static Ast *parse_bin_ops(Parser *p, int minp, int pat)
{
    if (!parse_enter(p, 1)) return NULL;
    int chain = 0;
    Ast *left = parse_unary(p, pat);
    int nonassoc_prec = -1;
    while (left) {
        Assoc as;
        const Token *op = parse_peek(p, 0);
        int prec = binop_prec(op->kind, pat, &as);
        if (!prec || prec < minp) break;
        if (prec == nonassoc_prec) {
            left = parse_syntax_error(p);
            break;
        }
        parse_next(p);
        Ast *right = parse_bin_ops(p, as == RIGHT ? prec : prec + 1, pat);
        if (!right) {
            left = NULL;
            break;
        }
        if (!parse_enter(p, 1)) {
            left = NULL;
            break;
        }
        chain++;
        if (op->kind == TK_MATCH) {
            Ast *m = first_loc_node(p, A_MATCH, left);
            m->a = left;
            m->b = right;
            left = m;
        } else {
            left = mkop(p, op, left, right);
        }
        nonassoc_prec = as == NONASSOC ? prec : -1;
    }
    parse_leave(p, chain + 1);
    return left;
}

/* ================================================================ attributes */

static Ast *abstr_err(Parser *p, const Ast *at, const char *msg)
{
    AstAnno a;
    ast_first_anno(at, &a);
    return parse_error_at(p, a.line, a.col, msg);
}

static Ast *bad_decl(Parser *p, const Ast *at, const char *what)
{
    char msg[64];
    snprintf(msg, sizeof msg, "bad %s declaration", what);
    return abstr_err(p, at, msg);
}

/* erl_parse:farity_list/1: [Name/Arity, ...] */
static int farity_list(Parser *p, Ast *e, AstList *out)
{
    while (e->kind == A_CONS) {
        Ast *h = e->a;
        if (h->kind != A_OP || !h->b || !ast_name_is(h, "/")) {
            abstr_err(p, e, "bad Name/Arity");
            return 0;
        }
        if (h->a->kind != A_ATOM) {
            abstr_err(p, h->a, "bad function name");
            return 0;
        }
        if (h->b->kind != A_INTEGER || h->b->big) {
            abstr_err(p, h->b, "bad function arity");
            return 0;
        }
        Ast *fa = ast_new(p->ar, A_FUN_LOCAL, h->line, h->col);
        fa->name = h->a->name;
        fa->name_len = h->a->name_len;
        fa->ival = h->b->ival;
        ast_push(p->ar, out, fa);
        e = e->b;
    }
    if (e->kind != A_NIL) {
        abstr_err(p, e, "bad Name/Arity");
        return 0;
    }
    return 1;
}

/* erl_parse:record_fields/1 */
static int record_fields(Parser *p, const AstList *fs, AstList *out)
{
    for (int i = 0; i < fs->n; i++) {
        Ast *f = fs->v[i], *type = NULL;
        if (f->kind == A_ANN_TYPE && f->flags) { /* typed_expr: expr '::' type */
            type = f->b;
            f = f->a;
        }
        Ast *d;
        if (f->kind == A_ATOM) {
            d = ast_new(p->ar, A_RECORD_FIELD, f->line, f->col);
            d->text = f->text;
            d->a = f;
        } else if (f->kind == A_MATCH && f->a->kind == A_ATOM) {
            d = ast_new(p->ar, A_RECORD_FIELD, f->a->line, f->a->col);
            d->text = f->a->text;
            d->a = f->a;
            d->b = f->b;
        } else {
            abstr_err(p, f, "bad record field");
            return 0;
        }
        d->c = type;
        ast_push(p->ar, out, d);
    }
    return 1;
}

/* normalise/1 on an attribute value, after attribute_farity/1; reports "bad attribute". */
static int check_term(Parser *p, const Ast *e)
{
    for (;;) {
        switch (e->kind) {
        case A_INTEGER: case A_FLOAT: case A_CHAR: case A_ATOM: case A_STRING: case A_NIL:
            return 1;
        case A_CONS:
            if (!check_term(p, e->a)) return 0;
            e = e->b;
            continue;
        case A_TUPLE:
            for (int i = 0; i < e->l1.n; i++)
                if (!check_term(p, e->l1.v[i])) return 0;
            return 1;
        case A_MAP:
            if (e->a) break;
            for (int i = 0; i < e->l1.n; i++) {
                if (e->l1.v[i]->kind != A_MAP_ASSOC) goto bad;
                if (!check_term(p, e->l1.v[i]->a) || !check_term(p, e->l1.v[i]->b)) return 0;
            }
            return 1;
        case A_OP:
            if (!e->b && (ast_name_is(e, "-") || ast_name_is(e, "+")) &&
                (e->a->kind == A_INTEGER || e->a->kind == A_FLOAT || e->a->kind == A_CHAR))
                return 1;
            if (e->b && ast_name_is(e, "/") && e->a->kind == A_ATOM && e->b->kind == A_INTEGER)
                return 1; /* Name/Arity, written as a tuple */
            break;
        case A_FUN_REMOTE:
            if (e->a->kind == A_ATOM && e->b->kind == A_ATOM && e->c->kind == A_INTEGER)
                return 1;
            break;
        default: break;
        }
        break;
    }
bad:
    abstr_err(p, e, "bad attribute");
    return 0;
}

static int tok_is(const Token *t, const char *s)
{
    return t->len == strlen(s) && memcmp(t->name, s, t->len) == 0;
}

static Ast *new_attr(Parser *p, const Token *name, AttrKind k)
{
    Ast *a = tok_node(p, A_ATTRIBUTE, name);
    a->name = name->name;
    a->name_len = name->len;
    a->attr = k;
    return a;
}

/* erl_parse:build_attribute/2 on attr_val's values */
static Ast *build_attribute(Parser *p, const Token *name, AstList *vals)
{
    Ast *v0 = vals->v[0];
    if (tok_is(name, "module")) {
        if (v0->kind != A_ATOM || vals->n > 2) return bad_decl(p, v0, "module");
        Ast *a = new_attr(p, name, ATTR_MODULE);
        a->a = v0;
        if (vals->n == 2) {
            /* var_list/1: a list of variables; erl_lint then refuses the form */
            const Ast *l = vals->v[1];
            while (l->kind == A_CONS && l->a->kind == A_VAR) l = l->b;
            if (l->kind != A_NIL) return abstr_err(p, l, "bad variable list");
            a->flags |= AF_PMOD;
        }
        return a;
    }
    if (tok_is(name, "export")) {
        if (vals->n > 1) return bad_decl(p, vals->v[1], "export");
        Ast *a = new_attr(p, name, ATTR_EXPORT);
        return farity_list(p, v0, &a->l1) ? a : NULL;
    }
    if (tok_is(name, "import")) {
        if (vals->n != 2 || v0->kind != A_ATOM)
            return bad_decl(p, vals->n >= 2 ? vals->v[1] : v0, "import");
        Ast *a = new_attr(p, name, ATTR_IMPORT);
        a->name2 = v0->name;
        a->name2_len = v0->name_len;
        return farity_list(p, vals->v[1], &a->l1) ? a : NULL;
    }
    if (tok_is(name, "record")) {
        if (vals->n != 2 || v0->kind != A_ATOM) return bad_decl(p, v0, "record");
        if (vals->v[1]->kind != A_TUPLE) return abstr_err(p, vals->v[1], "bad record declaration");
        Ast *a = new_attr(p, name, ATTR_RECORD);
        a->name2 = v0->name;
        a->name2_len = v0->name_len;
        return record_fields(p, &vals->v[1]->l1, &a->l1) ? a : NULL;
    }
    if (tok_is(name, "file")) {
        if (vals->n != 2 || v0->kind != A_STRING || vals->v[1]->kind != A_INTEGER)
            return bad_decl(p, v0, "file");
        Ast *a = new_attr(p, name, ATTR_FILE);
        a->str = v0->str;
        a->slen = v0->slen;
        a->ival = vals->v[1]->ival;
        return a;
    }
    if (vals->n > 1) return abstr_err(p, vals->v[1], "bad attribute");
    if (!check_term(p, v0)) return NULL;
    Ast *a = new_attr(p, name, ATTR_TERM);
    a->a = v0;
    return a;
}

/* typed_exprs inside '{' '}': each element an expr, possibly followed by '::' top_type. A
 * typed element is an A_ANN_TYPE with flags set (a: expr, b: type). Returns -1 on error,
 * else the number of typed elements. */
static int parse_typed_fields(Parser *p, AstList *out)
{
    int typed = 0;
    if (!parse_expect(p, TK_LBRACE)) return -1;
    if (parse_kind(p, 0) == TK_RBRACE) return 0; /* {} is an ordinary tuple */
    for (;;) {
        Ast *e = parse_expr(p);
        if (!e) return -1;
        if (parse_kind(p, 0) == TK_COLONCOLON) {
            parse_next(p);
            Ast *t = parse_top_type(p);
            if (!t) return -1;
            Ast *te = ast_new(p->ar, A_ANN_TYPE, e->line, e->col);
            te->flags = 1;
            te->a = e;
            te->b = t;
            e = te;
            typed++;
        }
        ast_push(p->ar, out, e);
        if (parse_kind(p, 0) != TK_COMMA) break;
        parse_next(p);
    }
    if (!parse_expect(p, TK_RBRACE)) return -1;
    return typed;
}

/* erl_parse:build_typed_attribute/2 for `Expr :: Type` */
static Ast *build_type_def(Parser *p, const Token *name, Ast *e, Ast *type)
{
    int is_type = tok_is(name, "type");
    int is_opaque = tok_is(name, "opaque");
    if (!is_type && !is_opaque) {
        if (tok_is(name, "record"))
            return parse_error_at(p, name->line, name->col, "bad record declaration");
        return parse_error_at(p, name->line, name->col, "bad attribute");
    }
    if (e->kind != A_CALL || e->a->kind != A_ATOM)
        return parse_error_at(p, name->line, name->col,
                              is_type ? "bad type declaration" : "bad opaque declaration");
    for (int i = 0; i < e->l1.n; i++)
        if (e->l1.v[i]->kind == A_VAR && ast_name_is(e->l1.v[i], "_"))
            return parse_error_at(p, e->l1.v[i]->line, e->l1.v[i]->col, "bad type variable");
    for (int i = 0; i < e->l1.n; i++)
        if (e->l1.v[i]->kind != A_VAR) return abstr_err(p, e->l1.v[i], "bad type variable");
    Ast *a = new_attr(p, name, is_type ? ATTR_TYPE : ATTR_OPAQUE);
    a->name2 = e->a->name;
    a->name2_len = e->a->name_len;
    a->a = type;
    a->l1 = e->l1;
    return a;
}

static Ast *build_typed_record(Parser *p, const Token *name, Ast *e, AstList *fields)
{
    if (!tok_is(name, "record"))
        return parse_error_at(p, name->line, name->col, "bad attribute");
    if (e->kind != A_ATOM)
        return parse_error_at(p, name->line, name->col, "bad record declaration");
    Ast *a = new_attr(p, name, ATTR_RECORD);
    a->name2 = e->name;
    a->name2_len = e->name_len;
    return record_fields(p, fields, &a->l1) ? a : NULL;
}

/* After `expr ','`: either exprs (attr_val) or typed_record_fields (typed_attr_val). A '{'
 * is tried as typed fields first; when none is typed it is re-read as an expression. */
static Ast *attr_after_comma(Parser *p, const Token *name, Ast *first, int in_paren)
{
    if (parse_kind(p, 0) == TK_LBRACE) {
        size_t save = p->pos;
        AstList fs = {0};
        int typed = parse_typed_fields(p, &fs);
        if (typed < 0) return NULL;
        if (typed > 0) {
            if (in_paren && !parse_expect(p, TK_RPAREN)) return NULL;
            if (parse_kind(p, 0) != TK_DOT) return parse_syntax_error(p);
            return build_typed_record(p, name, first, &fs);
        }
        p->pos = save;
    }
    AstList vals = {0};
    ast_push(p->ar, &vals, first);
    if (!parse_exprs(p, &vals)) return NULL;
    if (in_paren && !parse_expect(p, TK_RPAREN)) return NULL;
    if (parse_kind(p, 0) != TK_DOT) return parse_syntax_error(p);
    return build_attribute(p, name, &vals);
}

/* attribute -> '-' atom attr_val | '-' atom typed_attr_val | '-' atom '(' typed_attr_val ')' */
static Ast *parse_attribute(Parser *p)
{
    parse_next(p); /* '-' */
    const Token *name = parse_expect(p, TK_ATOM);
    if (!name) return NULL;
    if (parse_kind(p, 0) == TK_LPAREN) {
        size_t save = p->pos;
        parse_next(p);
        Ast *e = parse_expr(p);
        if (!e) return NULL;
        TokKind k = parse_kind(p, 0);
        if (k == TK_COMMA) {
            parse_next(p);
            return attr_after_comma(p, name, e, 1);
        }
        if (k == TK_COLONCOLON) {
            parse_next(p);
            Ast *t = parse_top_type(p);
            if (!t || !parse_expect(p, TK_RPAREN)) return NULL;
            if (parse_kind(p, 0) != TK_DOT) return parse_syntax_error(p);
            return build_type_def(p, name, e, t);
        }
        if (k != TK_RPAREN) return parse_syntax_error(p);
        p->pos = save; /* '(' expr ')' begins an ordinary attr_val expression */
    }
    Ast *e = parse_expr(p);
    if (!e) return NULL;
    TokKind k = parse_kind(p, 0);
    if (k == TK_COMMA) {
        parse_next(p);
        return attr_after_comma(p, name, e, 0);
    }
    if (k == TK_COLONCOLON) {
        parse_next(p);
        Ast *t = parse_top_type(p);
        if (!t) return NULL;
        if (parse_kind(p, 0) != TK_DOT) return parse_syntax_error(p);
        return build_type_def(p, name, e, t);
    }
    if (k != TK_DOT) return parse_syntax_error(p);
    AstList vals = {0};
    ast_push(p->ar, &vals, e);
    return build_attribute(p, name, &vals);
}

/* ================================================================ functions */

/* function -> function_clauses; function_clause -> atom clause_args clause_guard clause_body */
static Ast *parse_function(Parser *p)
{
    Ast *fn = NULL;
    Ast *mismatch = NULL;
    for (;;) {
        const Token *name = parse_expect(p, TK_ATOM);
        if (!name) return NULL;
        Ast *c = tok_node(p, A_CLAUSE, name);
        if (!parse_args(p, &c->l1, 1)) return NULL;
        if (!parse_guard(p, &c->l2) || !parse_clause_body(p, &c->l3)) return NULL;
        if (!fn) {
            fn = tok_node(p, A_FUNCTION, name);
            fn->name = name->name;
            fn->name_len = name->len;
            fn->arity = c->l1.n;
        } else if (!mismatch && (name->len != fn->name_len ||
                                 memcmp(name->name, fn->name, name->len) != 0 ||
                                 c->l1.n != fn->arity)) {
            mismatch = c;
        }
        ast_push(p->ar, &fn->l1, c);
        if (parse_kind(p, 0) != TK_SEMI) break;
        parse_next(p);
    }
    if (parse_kind(p, 0) != TK_DOT) return parse_syntax_error(p);
    if (mismatch) return parse_error_at(p, mismatch->line, mismatch->col, "head mismatch");
    return fn;
}

static void parser_init(Parser *p, Arena *ar, const Token *toks, size_t n, const char *file,
                        Diags *diags)
{
    memset(p, 0, sizeof *p);
    p->ar = ar;
    p->t = toks;
    p->n = n;
    p->diags = diags;
    p->file = file;
    p->end.kind = TK_NONE;
    if (n) {
        p->end.line = toks[n - 1].line;
        p->end.col = toks[n - 1].col;
    } else {
        p->end.line = 1;
        p->end.col = 1;
    }
}

Ast *parse_form(Arena *ar, const Token *toks, size_t n, const char *file, Diags *diags)
{
    Parser p;
    parser_init(&p, ar, toks, n, file, diags);
    Ast *f;
    if (parse_kind(&p, 0) == TK_MINUS) {
        const Token *t1 = parse_peek(&p, 1);
        if (t1->kind == TK_ATOM &&
            ((t1->len == 4 && memcmp(t1->name, "spec", 4) == 0) ||
             (t1->len == 8 && memcmp(t1->name, "callback", 8) == 0))) {
            parse_next(&p);
            parse_next(&p);
            f = parse_spec_attribute(&p, t1);
        } else {
            f = parse_attribute(&p);
        }
    } else {
        f = parse_function(&p);
    }
    if (!f || p.failed) return NULL;
    /* form -> attribute dot | function dot, and nothing after the dot */
    if (!parse_expect(&p, TK_DOT)) return NULL;
    if (p.pos < p.n) {
        parse_syntax_error(&p);
        return NULL;
    }
    return f;
}

int parse_exprs_form(Arena *ar, const Token *toks, size_t n, const char *file, Diags *diags,
                     AstList *out)
{
    Parser p;
    parser_init(&p, ar, toks, n, file, diags);
    if (!parse_exprs(&p, out)) return 0;
    if (!parse_expect(&p, TK_DOT)) return 0;
    if (p.pos < p.n) {
        parse_syntax_error(&p);
        return 0;
    }
    return 1;
}
