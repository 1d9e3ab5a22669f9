/* The type language of -type, -opaque, -spec, -callback and typed record fields, as OTP 25's
 * erl_parse.yrl (top_type, type, fun_type, binary_type, type_sigs, type_guards). */
#include <string.h>

#include "lang/parse_int.h"

static const struct {
    const char *name;
    int arity;
} builtin_types[] = {
    {"any", 0}, {"arity", 0}, {"atom", 0}, {"binary", 0}, {"bitstring", 0}, {"bool", 0},
    {"boolean", 0}, {"byte", 0}, {"char", 0}, {"float", 0}, {"function", 0},
    {"identifier", 0}, {"integer", 0}, {"iodata", 0}, {"iolist", 0}, {"list", 0},
    {"list", 1}, {"map", 0}, {"maybe_improper_list", 0}, {"maybe_improper_list", 2},
    {"mfa", 0}, {"module", 0}, {"neg_integer", 0}, {"nil", 0}, {"no_return", 0},
    {"node", 0}, {"non_neg_integer", 0}, {"none", 0}, {"nonempty_binary", 0},
    {"nonempty_bitstring", 0}, {"nonempty_improper_list", 2}, {"nonempty_list", 0},
    {"nonempty_list", 1}, {"nonempty_maybe_improper_list", 0},
    {"nonempty_maybe_improper_list", 2}, {"nonempty_string", 0}, {"number", 0}, {"pid", 0},
    {"port", 0}, {"pos_integer", 0}, {"reference", 0}, {"string", 0}, {"term", 0},
    {"timeout", 0}, {"tuple", 0},
};

int parse_is_builtin_type(const char *name, size_t len, int arity)
{
    for (size_t i = 0; i < sizeof builtin_types / sizeof builtin_types[0]; i++)
        if (builtin_types[i].arity == arity && strlen(builtin_types[i].name) == len &&
            memcmp(builtin_types[i].name, name, len) == 0)
            return 1;
    return 0;
}

static Ast *ptype(Parser *p, int minp);

static Ast *new_type(Parser *p, int line, int col, const char *name)
{
    Ast *t = ast_new(p->ar, A_TYPE, line, col);
    t->name = name;
    t->name_len = strlen(name);
    return t;
}

/* top_types -> top_type (',' top_type)* */
static int top_types(Parser *p, AstList *out)
{
    for (;;) {
        Ast *t = parse_top_type(p);
        if (!t) return 0;
        ast_push(p->ar, out, t);
        if (parse_kind(p, 0) != TK_COMMA) return 1;
        parse_next(p);
    }
}

/* '(' already consumed. fun_type -> '(' '...' ')' '->' top_type | '(' ')' '->' top_type
 *                                  | '(' top_types ')' '->' top_type */
static Ast *fun_type_rest(Parser *p, const Token *lp)
{
    Ast *f = new_type(p, lp->line, lp->col, "fun");
    Ast *args;
    if (parse_kind(p, 0) == TK_DOTDOTDOT) {
        parse_next(p);
        args = new_type(p, lp->line, lp->col, "any");
        args->flags |= AF_NO_ARGS;
    } else {
        args = new_type(p, lp->line, lp->col, "product");
        if (parse_kind(p, 0) != TK_RPAREN && !top_types(p, &args->l1)) return NULL;
    }
    if (!parse_expect(p, TK_RPAREN) || !parse_expect(p, TK_RARROW)) return NULL;
    Ast *res = parse_top_type(p);
    if (!res) return NULL;
    ast_push(p->ar, &f->l1, args);
    ast_push(p->ar, &f->l1, res);
    return f;
}

static Ast *fun_type(Parser *p)
{
    const Token *lp = parse_expect(p, TK_LPAREN);
    return lp ? fun_type_rest(p, lp) : NULL;
}

/* erl_parse:build_bin_type/2: the variables of <<_:B, _:_*U>> must be '_' */
static int bin_var(Parser *p, const Token *v)
{
    if (v->len == 1 && v->name[0] == '_') return 1;
    parse_error_at(p, v->line, v->col, "Bad binary type");
    return 0;
}

static Ast *zero_at_line(Parser *p, int line)
{
    Ast *z = ast_new(p->ar, A_INTEGER, line, 0);
    z->ival = 0;
    return z;
}

/* '<<' consumed: binary_type */
static Ast *binary_type(Parser *p, const Token *open)
{
    Ast *t = new_type(p, open->line, open->col, "binary");
    Ast *base = NULL, *unit = NULL;
    if (parse_kind(p, 0) != TK_GTGT) {
        const Token *v1 = parse_expect(p, TK_VAR);
        if (!v1 || !parse_expect(p, TK_COLON)) return NULL;
        if (parse_kind(p, 0) == TK_VAR && parse_kind(p, 1) == TK_STAR) {
            const Token *v2 = parse_next(p);
            parse_next(p);
            unit = ptype(p, 0);
            if (!unit || !bin_var(p, v1) || !bin_var(p, v2)) return NULL;
        } else {
            base = ptype(p, 0);
            if (!base || !bin_var(p, v1)) return NULL;
            if (parse_kind(p, 0) == TK_COMMA) {
                parse_next(p);
                const Token *u1 = parse_expect(p, TK_VAR);
                if (!u1 || !parse_expect(p, TK_COLON)) return NULL;
                const Token *u2 = parse_expect(p, TK_VAR);
                if (!u2 || !parse_expect(p, TK_STAR)) return NULL;
                unit = ptype(p, 0);
                if (!unit || !bin_var(p, u1) || !bin_var(p, u2)) return NULL;
            }
        }
    }
    if (!parse_expect(p, TK_GTGT)) return NULL;
    ast_push(p->ar, &t->l1, base ? base : zero_at_line(p, open->line));
    ast_push(p->ar, &t->l1, unit ? unit : zero_at_line(p, open->line));
    return t;
}

/* atom consumed: atom | atom '(' [top_types] ')' | atom ':' atom '(' [top_types] ')' */
static Ast *named_type(Parser *p, const Token *a)
{
    if (parse_kind(p, 0) == TK_COLON) {
        parse_next(p);
        const Token *n = parse_expect(p, TK_ATOM);
        if (!n || !parse_expect(p, TK_LPAREN)) return NULL;
        Ast *r = ast_new(p->ar, A_REMOTE_TYPE, a->line, a->col);
        r->text = a->text;
        r->a = parse_tok_atom(p, a);
        r->b = parse_tok_atom(p, n);
        if (parse_kind(p, 0) != TK_RPAREN && !top_types(p, &r->l1)) return NULL;
        if (!parse_expect(p, TK_RPAREN)) return NULL;
        return r;
    }
    if (parse_kind(p, 0) != TK_LPAREN) return parse_tok_atom(p, a);
    parse_next(p);
    AstList args = {0};
    if (parse_kind(p, 0) != TK_RPAREN && !top_types(p, &args)) return NULL;
    if (!parse_expect(p, TK_RPAREN)) return NULL;
    int builtin = parse_is_builtin_type(a->name, a->len, args.n);
    Ast *t = ast_new(p->ar, builtin ? A_TYPE : A_USER_TYPE, a->line, a->col);
    t->text = a->text;
    t->name = a->name;
    t->name_len = a->len;
    t->l1 = args;
    if (args.n == 0 && ((a->len == 5 && memcmp(a->name, "tuple", 5) == 0) ||
                        (a->len == 3 && memcmp(a->name, "map", 3) == 0)))
        t->flags |= AF_ARGS_ANY; /* build_gen_type: tuple() and map() */
    return t;
}

/* '#' consumed: map type or record type */
static Ast *hash_type(Parser *p, const Token *h)
{
    if (parse_kind(p, 0) == TK_LBRACE) {
        parse_next(p);
        Ast *m = new_type(p, h->line, h->col, "map");
        if (parse_kind(p, 0) != TK_RBRACE) {
            for (;;) {
                Ast *k = parse_top_type(p);
                if (!k) return NULL;
                const Token *op = parse_peek(p, 0);
                if (op->kind != TK_ASSOC && op->kind != TK_EXACT) return parse_syntax_error(p);
                parse_next(p);
                Ast *v = parse_top_type(p);
                if (!v) return NULL;
                Ast *pt = new_type(p, op->line, op->col,
                                   op->kind == TK_ASSOC ? "map_field_assoc" : "map_field_exact");
                ast_push(p->ar, &pt->l1, k);
                ast_push(p->ar, &pt->l1, v);
                ast_push(p->ar, &m->l1, pt);
                if (parse_kind(p, 0) != TK_COMMA) break;
                parse_next(p);
            }
        }
        if (!parse_expect(p, TK_RBRACE)) return NULL;
        return m;
    }
    const Token *name = parse_expect(p, TK_ATOM);
    if (!name || !parse_expect(p, TK_LBRACE)) return NULL;
    Ast *r = new_type(p, h->line, h->col, "record");
    ast_push(p->ar, &r->l1, parse_tok_atom(p, name));
    if (parse_kind(p, 0) != TK_RBRACE) {
        for (;;) {
            const Token *f = parse_expect(p, TK_ATOM);
            if (!f || !parse_expect(p, TK_COLONCOLON)) return NULL;
            Ast *ft = parse_top_type(p);
            if (!ft) return NULL;
            Ast *fld = new_type(p, f->line, f->col, "field_type");
            fld->text = f->text;
            ast_push(p->ar, &fld->l1, parse_tok_atom(p, f));
            ast_push(p->ar, &fld->l1, ft);
            ast_push(p->ar, &r->l1, fld);
            if (parse_kind(p, 0) != TK_COMMA) break;
            parse_next(p);
        }
    }
    if (!parse_expect(p, TK_RBRACE)) return NULL;
    return r;
}

static Ast *type_primary(Parser *p)
{
    const Token *t = parse_peek(p, 0);
    switch (t->kind) {
    case TK_LPAREN: {
        parse_next(p);
        Ast *in = parse_top_type(p);
        if (!in || !parse_expect(p, TK_RPAREN)) return NULL;
        return in;
    }
    case TK_VAR: parse_next(p); return parse_tok_var(p, t);
    case TK_ATOM: parse_next(p); return named_type(p, t);
    case TK_INTEGER: case TK_CHAR: parse_next(p); return parse_tok_literal(p, t);
    case TK_LBRACKET: {
        parse_next(p);
        if (parse_kind(p, 0) == TK_RBRACKET) {
            parse_next(p);
            return new_type(p, t->line, t->col, "nil");
        }
        Ast *el = parse_top_type(p);
        if (!el) return NULL;
        Ast *l;
        if (parse_kind(p, 0) == TK_COMMA) {
            parse_next(p);
            if (!parse_expect(p, TK_DOTDOTDOT)) return NULL;
            l = new_type(p, t->line, t->col, "nonempty_list");
        } else {
            l = new_type(p, t->line, t->col, "list");
        }
        if (!parse_expect(p, TK_RBRACKET)) return NULL;
        ast_push(p->ar, &l->l1, el);
        return l;
    }
    case TK_LBRACE: {
        parse_next(p);
        Ast *tu = new_type(p, t->line, t->col, "tuple");
        if (parse_kind(p, 0) != TK_RBRACE && !top_types(p, &tu->l1)) return NULL;
        if (!parse_expect(p, TK_RBRACE)) return NULL;
        return tu;
    }
    case TK_HASH: parse_next(p); return hash_type(p, t);
    case TK_LTLT: parse_next(p); return binary_type(p, t);
    case TK_FUN: {
        parse_next(p);
        if (!parse_expect(p, TK_LPAREN)) return NULL;
        if (parse_kind(p, 0) == TK_RPAREN) {
            parse_next(p);
            return new_type(p, t->line, t->col, "fun");
        }
        Ast *f = fun_type(p);
        if (!f || !parse_expect(p, TK_RPAREN)) return NULL;
        return f;
    }
    default: return parse_syntax_error(p);
    }
}

static int type_binop(TokKind k, int *nonassoc)
{
    *nonassoc = 0;
    switch (k) {
    case TK_DOTDOT: *nonassoc = 1; return 200;
    case TK_PLUS: case TK_MINUS: case TK_BOR: case TK_BXOR: case TK_BSL: case TK_BSR:
    case TK_OR: case TK_XOR:
        return 400;
    case TK_SLASH: case TK_STAR: case TK_DIV: case TK_REM: case TK_BAND: case TK_AND:
        return 500;
    default: return 0;
    }
}

static Ast *type_op(Parser *p, const Token *op, Ast *l, Ast *r)
{
    Ast *n = ast_new(p->ar, A_OP, op->line, op->col);
    n->name = lex_kind_name(op->kind);
    n->name_len = strlen(n->name);
    n->a = l;
    n->b = r;
    return n;
}

static Ast *type_unary(Parser *p)
{
    const Token *t = parse_peek(p, 0);
    if (t->kind == TK_PLUS || t->kind == TK_MINUS || t->kind == TK_BNOT || t->kind == TK_NOT) {
        parse_next(p);
        if (!parse_enter(p, 1)) return NULL;
        Ast *e = type_unary(p);
        parse_leave(p, 1);
        return e ? type_op(p, t, e, NULL) : NULL;
    }
    return type_primary(p);
}

/* type: ranges ('..', nonassociative), additive and multiplicative operators (left), prefix
 * operators. A range is {type, Anno(Left), range, [L, R]}. */
static Ast *ptype(Parser *p, int minp)
{
    if (!parse_enter(p, 1)) return NULL;
    int chain = 0, last_nonassoc = 0;
    Ast *left = type_unary(p);
    while (left) {
        int na;
        const Token *op = parse_peek(p, 0);
        int prec = type_binop(op->kind, &na);
        if (!prec || prec < minp) break;
        if (na && last_nonassoc) {
            left = parse_syntax_error(p);
            break;
        }
        parse_next(p);
        Ast *right = ptype(p, prec + 1);
        if (!right || !parse_enter(p, 1)) {
            left = NULL;
            break;
        }
        chain++;
        if (na) {
            Ast *r = new_type(p, left->line, left->col, "range");
            r->text = left->text;
            ast_push(p->ar, &r->l1, left);
            ast_push(p->ar, &r->l1, right);
            left = r;
        } else {
            left = type_op(p, op, left, right);
        }
        last_nonassoc = na;
    }
    parse_leave(p, chain + 1);
    return left;
}

/* top_type -> var '::' top_type | type '|' top_type | type (unions flattened to the right:
 * erl_parse:lift_unions/2) */
Ast *parse_top_type(Parser *p)
{
    const Token *t = parse_peek(p, 0);
    if (!parse_enter(p, 1)) return NULL;
    Ast *r = NULL;
    if (t->kind == TK_VAR && parse_kind(p, 1) == TK_COLONCOLON) {
        parse_next(p);
        parse_next(p);
        Ast *in = parse_top_type(p);
        if (in) {
            r = ast_new(p->ar, A_ANN_TYPE, t->line, t->col);
            r->a = parse_tok_var(p, t);
            r->b = in;
        }
    } else {
        Ast *first = ptype(p, 0);
        if (first && parse_kind(p, 0) == TK_BAR) {
            parse_next(p);
            Ast *rest = parse_top_type(p);
            if (rest) {
                AstAnno a;
                ast_first_anno(first, &a);
                r = new_type(p, a.line, a.col, "union");
                r->text = a.text;
                ast_push(p->ar, &r->l1, first);
                if (rest->kind == A_TYPE && ast_name_is(rest, "union")) {
                    for (int i = 0; i < rest->l1.n; i++) ast_push(p->ar, &r->l1, rest->l1.v[i]);
                } else {
                    ast_push(p->ar, &r->l1, rest);
                }
            }
        } else {
            r = first;
        }
    }
    parse_leave(p, 1);
    return r;
}

/* erl_parse:build_constraint/2 */
static Ast *constraint(Parser *p, Ast *var, Ast *type)
{
    if (ast_name_is(var, "_")) return parse_error_at(p, var->line, var->col, "bad type variable");
    AstAnno a;
    ast_first_anno(var, &a);
    Ast *t = new_type(p, a.line, a.col, "constraint");
    t->text = a.text;
    Ast *st = ast_new_at(p->ar, A_ATOM, &a);
    st->name = "is_subtype";
    st->name_len = 10;
    ast_push(p->ar, &t->l1, st);
    Ast *pair = ast_new(p->ar, A_LIST, 0, 0);
    ast_push(p->ar, &pair->l1, var);
    ast_push(p->ar, &pair->l1, type);
    ast_push(p->ar, &t->l1, pair);
    return t;
}

/* type_guard -> atom '(' top_types ')' | var '::' top_type */
static Ast *type_guard(Parser *p)
{
    const Token *t = parse_peek(p, 0);
    if (t->kind == TK_VAR) {
        parse_next(p);
        if (!parse_expect(p, TK_COLONCOLON)) return NULL;
        Ast *ty = parse_top_type(p);
        return ty ? constraint(p, parse_tok_var(p, t), ty) : NULL;
    }
    if (t->kind != TK_ATOM) return parse_syntax_error(p);
    parse_next(p);
    if (!parse_expect(p, TK_LPAREN)) return NULL;
    AstList args = {0};
    if (!top_types(p, &args) || !parse_expect(p, TK_RPAREN)) return NULL;
    if (t->len == 10 && memcmp(t->name, "is_subtype", 10) == 0 && args.n == 2) {
        if (args.v[0]->kind != A_VAR) {
            AstAnno a;
            ast_first_anno(args.v[0], &a);
            return parse_error_at(p, a.line, a.col, "bad type variable");
        }
        return constraint(p, args.v[0], args.v[1]);
    }
    char msg[320];
    StrBuf sb = STRBUF_INIT;
    lex_write_atom(&sb, t->name, t->len);
    snprintf(msg, sizeof msg, "unsupported constraint %s", sb.data);
    sb_free(&sb);
    return parse_error_at(p, t->line, t->col, msg);
}

/* type_sigs -> type_sig (';' type_sig)*; type_sig -> fun_type ['when' type_guards] */
static int type_sigs(Parser *p, AstList *out)
{
    for (;;) {
        Ast *f = fun_type(p);
        if (!f) return 0;
        if (parse_kind(p, 0) == TK_WHEN) {
            parse_next(p);
            Ast *b = new_type(p, f->line, f->col, "bounded_fun");
            b->text = f->text;
            Ast *gs = ast_new(p->ar, A_LIST, 0, 0);
            for (;;) {
                Ast *g = type_guard(p);
                if (!g) return 0;
                ast_push(p->ar, &gs->l1, g);
                if (parse_kind(p, 0) != TK_COMMA) break;
                parse_next(p);
            }
            ast_push(p->ar, &b->l1, f);
            ast_push(p->ar, &b->l1, gs);
            f = b;
        }
        ast_push(p->ar, out, f);
        if (parse_kind(p, 0) != TK_SEMI) return 1;
        parse_next(p);
    }
}

/* attribute -> '-' 'spec' type_spec | '-' 'callback' type_spec;
 * type_spec -> spec_fun type_sigs | '(' spec_fun type_sigs ')';
 * spec_fun -> atom | atom ':' atom */
Ast *parse_spec_attribute(Parser *p, const Token *kw)
{
    int paren = 0;
    if (parse_kind(p, 0) == TK_LPAREN) {
        parse_next(p);
        paren = 1;
    }
    const Token *f = parse_expect(p, TK_ATOM), *m = NULL;
    if (!f) return NULL;
    if (parse_kind(p, 0) == TK_COLON) {
        parse_next(p);
        m = f;
        f = parse_expect(p, TK_ATOM);
        if (!f) return NULL;
    }
    Ast *a = ast_new(p->ar, A_ATTRIBUTE, kw->line, kw->col);
    a->text = kw->text;
    a->name = kw->name;
    a->name_len = kw->len;
    a->attr = kw->len == 4 ? ATTR_SPEC : ATTR_CALLBACK;
    a->name2 = f->name;
    a->name2_len = f->len;
    if (m) a->a = parse_tok_atom(p, m);
    if (!type_sigs(p, &a->l1)) return NULL;
    if (paren && !parse_expect(p, TK_RPAREN)) return NULL;
    if (parse_kind(p, 0) != TK_DOT) return parse_syntax_error(p);
    /* find_arity_from_specs/1: the arity is the first signature's */
    Ast *sig = a->l1.v[0];
    if (ast_name_is(sig, "bounded_fun")) sig = sig->l1.v[0];
    Ast *args = sig->l1.v[0];
    if (ast_name_is(args, "any"))
        return parse_error_at(p, args->line, args->col,
                              "a spec's first signature cannot have '...' arguments");
    a->arity = args->l1.n;
    return a;
}
