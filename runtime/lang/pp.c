#include "lang/pp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/absform.h"
#include "lang/parse.h"
#include "lang/pp_eval.h"
#include "strbuf.h"

/* Limits epp does not have: one form's expansion may not nest deeper, expand more macros or
 * grow larger than this; pathological input gets "macro expansion too deep". */
#define PP_MAX_NESTING 100
#define PP_MAX_EXPANSIONS 100000
#define PP_MAX_FORM_TOKENS 1000000
#define PP_MAX_INCLUDE_DEPTH 8   /* epp: length(sstk) >= 8 is "include too deep" */

/* ================================================================ token vectors */

typedef struct TokVec {
    Token *v;
    size_t n, cap;
} TokVec;

static void tv_push(TokVec *tv, const Token *t)
{
    if (tv->n == tv->cap) {
        tv->cap = tv->cap ? tv->cap * 2 : 64;
        tv->v = realloc(tv->v, tv->cap * sizeof *tv->v);
        if (!tv->v) abort();
    }
    tv->v[tv->n++] = *t;
}

static void tv_free(TokVec *tv)
{
    free(tv->v);
    tv->v = NULL;
    tv->n = tv->cap = 0;
}

/* ================================================================ macros */

typedef struct MacroDef {
    int arity;                  /* -1: no argument list (epp's 'none') */
    const Token *pars;          /* the parameter variables */
    const Token *body;
    size_t nbody;
} MacroDef;

typedef struct Use {
    const char *name;
    size_t len;
    int arity;                  /* -1: none */
} Use;

typedef struct UseSet {
    int arity;
    Use *v;
    size_t n;
} UseSet;

typedef enum MacroKind { MK_UNDEF, MK_PREDEF, MK_USER } MacroKind;

typedef struct Macro {
    char *name;
    size_t len;
    MacroKind kind;
    MacroDef *defs;             /* MK_USER, newest first; MK_PREDEF: defs[0] with arity -1 */
    size_t ndefs;
    UseSet *uses;               /* newest first */
    size_t nuses;
    int color;                  /* check_uses DFS: 0 white, 1 on the path, 2 done */
    struct Macro *next;
} Macro;

#define PP_BUCKETS 256

typedef enum IfKind { IF_IFDEF, IF_IFNDEF, IF_IF, IF_ELSE, IF_ELIF } IfKind;

static const char *const if_names[] = {"ifdef", "ifndef", "if", "else", "elif"};

typedef struct PpFile {
    char *name;
    char *dir;
    uint32_t *src;
    Lexer lx;
    IfKind *istk;
    size_t nistk, capistk;
    struct PpFile *up;
} PpFile;

enum { FN_TOKENS, FN_UNDEFINED, FN_KNOWN };

struct Pp {
    Arena *ar;
    Diags *diags;
    PpOptions opt;
    PpFile *cur;
    int depth;                  /* files on the include stack below cur */
    Macro *buckets[PP_BUCKETS];
    /* a generated -file form to hand out next */
    Token *pending;
    size_t npending;
    int done;
    int eof_line, eof_col;
    /* the form being expanded */
    const Token *fname_toks;
    size_t fname_n;
    int fname_state;
    const char *fname_name;
    size_t fname_len;
    int fname_arity;
    size_t expansions;
    int silent;                 /* errors of ?FUNCTION_NAME's trial expansion are not shown */
    int failed;
    uint32_t *dec_tmp;
};

static unsigned hash_name(const char *s, size_t n)
{
    unsigned h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h % PP_BUCKETS;
}

static Macro *macro_find(Pp *pp, const char *name, size_t len)
{
    for (Macro *m = pp->buckets[hash_name(name, len)]; m; m = m->next)
        if (m->len == len && memcmp(m->name, name, len) == 0) return m;
    return NULL;
}

static Macro *macro_get(Pp *pp, const char *name, size_t len)
{
    Macro *m = macro_find(pp, name, len);
    if (m) return m;
    m = arena_alloc(pp->ar, sizeof *m);
    m->name = arena_strndup(pp->ar, name, len);
    m->len = len;
    m->kind = MK_UNDEF;
    unsigned h = hash_name(name, len);
    m->next = pp->buckets[h];
    pp->buckets[h] = m;
    return m;
}

/* maps:remove(M, macs) and maps:remove(M, uses): an absent macro is kept as a stub that
 * counts as "not in the map" */
static int macro_absent(const Macro *m) { return m->kind == MK_UNDEF && m->ndefs == (size_t)-1; }

static void macro_remove(Macro *m)
{
    m->kind = MK_UNDEF;
    m->defs = NULL;
    m->ndefs = (size_t)-1;
    m->uses = NULL;
    m->nuses = 0;
}

static Token mk_tok(TokKind k, int line, int col)
{
    Token t;
    memset(&t, 0, sizeof t);
    t.kind = k;
    t.line = line;
    t.col = col;
    return t;
}

static void set_predef(Pp *pp, const char *name, const Token *body, size_t n)
{
    Macro *m = macro_get(pp, name, strlen(name));
    m->kind = MK_PREDEF;
    m->defs = arena_alloc(pp->ar, sizeof *m->defs);
    m->ndefs = 1;
    m->defs[0].arity = -1;
    m->defs[0].body = arena_memdup(pp->ar, body, n, sizeof *body);
    m->defs[0].nbody = n;
    m->uses = NULL;
    m->nuses = 0;
}

static void set_undef_predef(Pp *pp, const char *name)
{
    Macro *m = macro_get(pp, name, strlen(name));
    m->kind = MK_UNDEF;
    m->ndefs = 0;
}

static const uint32_t *utf8_cps(Pp *pp, const char *s, size_t len, size_t *n)
{
    size_t valid;
    uint32_t *cps = lex_decode((const unsigned char *)s, len, n, &valid);
    uint32_t *r = arena_memdup(pp->ar, cps, *n, sizeof *cps);
    free(cps);
    return r;
}

static Token atom_tok(Pp *pp, const char *name, int line, int col)
{
    Token t = mk_tok(TK_ATOM, line, col);
    t.name = arena_strdup(pp->ar, name);
    t.len = strlen(name);
    return t;
}

static Token string_tok(Pp *pp, const char *s, size_t len, int line, int col)
{
    Token t = mk_tok(TK_STRING, line, col);
    t.str = utf8_cps(pp, s, len, &t.slen);
    return t;
}

static void set_file_macro(Pp *pp, const char *name, int line, int col)
{
    Token t = string_tok(pp, name, strlen(name), line, col);
    set_predef(pp, "FILE", &t, 1);
}

/* epp:predef_macros/2 for OTP 25 on the BEAM */
static void predefine(Pp *pp, const char *file)
{
    set_file_macro(pp, file, 1, 0);
    static const char *const undefs[] = {"FUNCTION_NAME", "FUNCTION_ARITY", "MODULE",
                                         "MODULE_STRING", "BASE_MODULE", "BASE_MODULE_STRING"};
    for (size_t i = 0; i < sizeof undefs / sizeof undefs[0]; i++) set_undef_predef(pp, undefs[i]);
    Token t = mk_tok(TK_INTEGER, 1, 0);
    t.ival = 1;
    set_predef(pp, "LINE", &t, 1);
    t = atom_tok(pp, "BEAM", 1, 0);
    set_predef(pp, "MACHINE", &t, 1);
    t = atom_tok(pp, "true", 1, 0);
    set_predef(pp, "BEAM", &t, 1);
    t = mk_tok(TK_INTEGER, 1, 0);
    t.ival = 25;
    set_predef(pp, "OTP_RELEASE", &t, 1);
    /* ?FEATURE_AVAILABLE(X) -> ((X) == maybe_expr); ?FEATURE_ENABLED(X) -> false */
    Token x = mk_tok(TK_VAR, 1, 0);
    x.name = "X";
    x.len = 1;
    Token avail[] = {mk_tok(TK_LPAREN, 1, 0), mk_tok(TK_LPAREN, 1, 0), x,
                     mk_tok(TK_RPAREN, 1, 0), mk_tok(TK_EQEQ, 1, 0),
                     atom_tok(pp, "maybe_expr", 1, 0), mk_tok(TK_RPAREN, 1, 0)};
    Token enabled[] = {atom_tok(pp, "false", 1, 0)};
    const char *names[] = {"FEATURE_AVAILABLE", "FEATURE_ENABLED"};
    for (int i = 0; i < 2; i++) {
        Macro *m = macro_get(pp, names[i], strlen(names[i]));
        m->kind = MK_USER;
        m->defs = arena_alloc(pp->ar, sizeof *m->defs);
        m->ndefs = 1;
        m->defs[0].arity = 1;
        m->defs[0].pars = arena_memdup(pp->ar, &x, 1, sizeof x);
        m->defs[0].body = i == 0 ? arena_memdup(pp->ar, avail, 7, sizeof avail[0])
                                 : arena_memdup(pp->ar, enabled, 1, sizeof enabled[0]);
        m->defs[0].nbody = i == 0 ? 7 : 1;
    }
}

/* ================================================================ errors */

static void pp_error(Pp *pp, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void pp_error(Pp *pp, int line, int col, const char *fmt, ...)
{
    pp->failed = 1;
    if (pp->silent) return;
    va_list ap;
    va_start(ap, fmt);
    diags_vadd(pp->diags, pp->cur->name, line, col, DIAG_EPP, 0, "", fmt, ap);
    va_end(ap);
}

static void name_of(const Token *t, StrBuf *sb)
{
    if (t->kind == TK_ATOM || t->kind == TK_VAR)
        sb_putn(sb, t->name, t->len);
    else
        sb_puts(sb, lex_kind_name(t->kind));
}

/* ================================================================ expansion */

/* The token k places from the top of a stack of pending input (top = last element). */
static const Token *stk(const TokVec *s, size_t k) { return k < s->n ? &s->v[s->n - 1 - k] : NULL; }

static TokKind stk_kind(const TokVec *s, size_t k)
{
    const Token *t = stk(s, k);
    return t ? t->kind : TK_NONE;
}

/* epp:macro_arg/3 over the stack from position k: the end of one argument (where a ',' or
 * ')' stands outside any bracket, or the end of the input). */
static size_t macro_arg_end(const TokVec *s, size_t k)
{
    TokKind expect[64];
    TokKind *e = expect;
    size_t ne = 0, cap = sizeof expect / sizeof expect[0];
    TokKind *heap = NULL;
    for (;; k++) {
        const Token *t = stk(s, k);
        if (!t) break;
        if (ne == 0 && (t->kind == TK_COMMA || t->kind == TK_RPAREN)) break;
        TokKind close = TK_NONE;
        switch (t->kind) {
        case TK_LPAREN: close = TK_RPAREN; break;
        case TK_LTLT: close = TK_GTGT; break;
        case TK_LBRACKET: close = TK_RBRACKET; break;
        case TK_LBRACE: close = TK_RBRACE; break;
        case TK_BEGIN: case TK_IF: case TK_CASE: case TK_RECEIVE: case TK_TRY: case TK_COND:
            close = TK_END;
            break;
        case TK_FUN:
            if (stk_kind(s, k + 1) == TK_LPAREN) {
                close = TK_END;
            } else if (stk_kind(s, k + 1) == TK_VAR && stk_kind(s, k + 2) == TK_LPAREN) {
                close = TK_END;
                k++;
            }
            break;
        default: break;
        }
        if (close != TK_NONE) {
            if (ne == cap) {
                size_t ncap = cap * 2;
                TokKind *nh = malloc(ncap * sizeof *nh);
                if (!nh) abort();
                memcpy(nh, e, ne * sizeof *nh);
                free(heap);
                heap = e = nh;
                cap = ncap;
            }
            e[ne++] = close;
        } else if (ne && t->kind == e[ne - 1]) {
            ne--;
        }
    }
    free(heap);
    return k;
}

/* epp:count_args/3: -1 for no argument list; -2 after an error (reported at lm). */
static int count_args(Pp *pp, const TokVec *s, size_t k, const Token *lm)
{
    if (stk_kind(s, k) != TK_LPAREN) return -1;
    TokKind k1 = stk_kind(s, k + 1);
    StrBuf nm = STRBUF_INIT;
    name_of(lm, &nm);
    int r;
    if (k1 == TK_RPAREN) {
        r = 0;
    } else if (k1 == TK_COMMA) {
        pp_error(pp, lm->line, lm->col, "badly formed argument for macro '%s'", nm.data);
        r = -2;
    } else {
        size_t p = macro_arg_end(s, k + 1);
        r = 1;
        for (;;) {
            TokKind t = stk_kind(s, p);
            if (t == TK_RPAREN) break;
            if (t == TK_COMMA && stk_kind(s, p + 1) == TK_RPAREN) {
                pp_error(pp, lm->line, lm->col, "badly formed argument for macro '%s'", nm.data);
                r = -2;
                break;
            }
            if (t == TK_COMMA) {
                p = macro_arg_end(s, p + 1);
                r++;
                continue;
            }
            if (t == TK_NONE)
                pp_error(pp, lm->line, lm->col, "badly formed argument for macro '%s'", nm.data);
            else
                pp_error(pp, lm->line, lm->col, "argument mismatch for macro '%s'", nm.data);
            r = -2;
            break;
        }
    }
    sb_free(&nm);
    return r;
}

static const UseSet *uses_for(const Macro *m, int arity)
{
    for (size_t i = 0; i < m->nuses; i++)
        if (m->uses[i].arity == arity) return &m->uses[i];
    for (size_t i = 0; i < m->nuses; i++)
        if (m->uses[i].arity == -1) return &m->uses[i];
    return NULL;
}

/* epp:check_uses/4, a depth-first search for a path back to an ancestor; each node's subtree
 * is searched once (epp searches paths, which is exponential on diamonds). The colours live in
 * the Macro; *visited collects the nodes to reset afterwards. */
static int check_uses_dfs(Pp *pp, Macro *m, int arity, const Token *lm, Macro ***visited,
                          size_t *nv, size_t *cv)
{
    /* a node is (macro, arity): colour bits per arity would be exact; epp's graph mixes them
     * only through the 'none' fallback, so colour per macro and arity class is kept simple */
    if (m->color == 1) {
        if (arity < 0)
            pp_error(pp, lm->line, lm->col, "circular macro '%s'", m->name);
        else
            pp_error(pp, lm->line, lm->col, "circular macro '%s/%d'", m->name, arity);
        return 0;
    }
    if (m->color == 2) return 1;
    m->color = 1;
    if (*nv == *cv) {
        *cv = *cv ? *cv * 2 : 16;
        *visited = realloc(*visited, *cv * sizeof **visited);
        if (!*visited) abort();
    }
    (*visited)[(*nv)++] = m;
    const UseSet *u = uses_for(m, arity);
    for (size_t i = 0; u && i < u->n; i++) {
        Macro *sub = macro_find(pp, u->v[i].name, u->v[i].len);
        if (!sub || macro_absent(sub)) continue;
        if (!check_uses_dfs(pp, sub, u->v[i].arity, lm, visited, nv, cv)) return 0;
    }
    m->color = 2;
    return 1;
}

static int check_uses(Pp *pp, Macro *m, int arity, const Token *lm)
{
    Macro **visited = NULL;
    size_t nv = 0, cv = 0;
    int ok = check_uses_dfs(pp, m, arity, lm, &visited, &nv, &cv);
    for (size_t i = 0; i < nv; i++) visited[i]->color = 0;
    free(visited);
    return ok;
}

/* epp:stringify/2 for ??Arg */
static Token stringify(Pp *pp, const Token *arg, size_t n, int line, int col)
{
    StrBuf sb = STRBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i) sb_putc(&sb, ' ');
        lex_token_src(&arg[i], &sb);
    }
    Token t = string_tok(pp, sb.data ? sb.data : "", sb.len, line, col);
    sb_free(&sb);
    return t;
}

typedef struct Arg {
    const Token *par;
    Token *v;
    size_t n;
} Arg;

static int expand_into(Pp *pp, const Token *in, size_t n, TokVec *out, int depth);

/* epp:expand_macro/4: the body with the arguments put in, relocated to the macro's location
 * (after an argument, to the location of the argument's last token). Pushed in reverse onto
 * the input stack. */
static void substitute(Pp *pp, const MacroDef *d, Arg *args, int nargs, int line, int col,
                       int text, TokVec *stack)
{
    TokVec res = {0};
    for (size_t i = 0; i < d->nbody; i++) {
        const Token *t = &d->body[i];
        if (t->kind == TK_QMARK && i + 2 < d->nbody && d->body[i + 1].kind == TK_QMARK &&
            d->body[i + 2].kind == TK_VAR) {
            const Token *v = &d->body[i + 2];
            int found = 0;
            for (int a = 0; a < nargs; a++) {
                if (args[a].par->len == v->len && memcmp(args[a].par->name, v->name, v->len) == 0) {
                    Token s = stringify(pp, args[a].v, args[a].n, line, col);
                    s.text = text;
                    tv_push(&res, &s);
                    found = 1;
                    break;
                }
            }
            if (!found) {
                Token r = *v;
                r.line = line;
                r.col = col;
                r.text = text;
                tv_push(&res, &r);
            }
            i += 2;
            continue;
        }
        if (t->kind == TK_VAR) {
            int found = 0;
            for (int a = 0; a < nargs; a++) {
                if (args[a].par->len == t->len && memcmp(args[a].par->name, t->name, t->len) == 0) {
                    for (size_t k = 0; k < args[a].n; k++) tv_push(&res, &args[a].v[k]);
                    if (args[a].n) {
                        line = args[a].v[args[a].n - 1].line;
                        col = args[a].v[args[a].n - 1].col;
                        text = args[a].v[args[a].n - 1].text;
                    }
                    found = 1;
                    break;
                }
            }
            if (found) continue;
        }
        Token r = *t;
        r.line = line;
        r.col = col;
        r.text = text;
        tv_push(&res, &r);
    }
    for (size_t i = res.n; i-- > 0;) tv_push(stack, &res.v[i]);
    tv_free(&res);
}

/* epp:bind_args/5: takes '(' args ')' off the stack. */
static int bind_args(Pp *pp, TokVec *stack, const MacroDef *d, const Token *lm, Arg *args)
{
    StrBuf nm = STRBUF_INIT;
    name_of(lm, &nm);
    int ok = 1;
    stack->n--; /* '(' */
    if (d->arity == 0) {
        stack->n--; /* ')' */
    } else {
        for (int a = 0; a < d->arity; a++) {
            size_t end = macro_arg_end(stack, 0);
            args[a].par = &d->pars[a];
            args[a].n = end;
            args[a].v = arena_alloc(pp->ar, (end ? end : 1) * sizeof(Token));
            for (size_t k = 0; k < end; k++) args[a].v[k] = *stk(stack, k);
            stack->n -= end;
            if (end == 0) {
                pp_error(pp, lm->line, lm->col, "argument mismatch for macro '%s'", nm.data);
                ok = 0;
                break;
            }
            TokKind sep = stk_kind(stack, 0);
            if (a + 1 < d->arity ? sep != TK_COMMA : sep != TK_RPAREN) {
                if (sep == TK_NONE)
                    pp_error(pp, lm->line, lm->col, "badly formed argument for macro '%s'",
                             nm.data);
                else
                    pp_error(pp, lm->line, lm->col, "argument mismatch for macro '%s'", nm.data);
                ok = 0;
                break;
            }
            stack->n--;
        }
    }
    sb_free(&nm);
    return ok;
}

static int too_deep(Pp *pp, const Token *at)
{
    pp_error(pp, at->line, at->col, "macro expansion too deep");
    return 0;
}

/* ?M or ?M(Args) with the '?' and name taken off the stack. */
static int expand_named(Pp *pp, const Token *mt, TokVec *stack, int depth)
{
    if (++pp->expansions > PP_MAX_EXPANSIONS || depth > PP_MAX_NESTING) return too_deep(pp, mt);
    int arity = count_args(pp, stack, 0, mt);
    if (arity == -2) return 0;
    Macro *m = macro_find(pp, mt->name, mt->len);
    const MacroDef *d = NULL;
    if (m && m->kind == MK_PREDEF) {
        d = &m->defs[0];
    } else if (m && m->kind == MK_USER) {
        if (m->ndefs == 1 && m->defs[0].arity == -1) {
            d = &m->defs[0];
        } else {
            for (size_t i = 0; i < m->ndefs; i++)
                if (m->defs[i].arity == arity) {
                    d = &m->defs[i];
                    break;
                }
            if (!d) {
                pp_error(pp, mt->line, mt->col, "argument mismatch for macro '%.*s'",
                         (int)mt->len, mt->name);
                return 0;
            }
        }
    }
    if (!d) {
        if (arity < 0)
            pp_error(pp, mt->line, mt->col, "undefined macro '%.*s'", (int)mt->len, mt->name);
        else
            pp_error(pp, mt->line, mt->col, "undefined macro '%.*s/%d'", (int)mt->len, mt->name,
                     arity);
        return 0;
    }
    if (!check_uses(pp, m, d->arity, mt)) return 0;
    if (d->arity < 0) {
        /* the body is expanded on its own, then read again with what follows */
        TokVec body = {0}, done = {0};
        substitute(pp, d, NULL, 0, mt->line, mt->col, mt->text, &body);
        for (size_t i = body.n / 2, j = 0; j < i; j++) { /* back to reading order */
            Token tmp = body.v[j];
            body.v[j] = body.v[body.n - 1 - j];
            body.v[body.n - 1 - j] = tmp;
        }
        int ok = expand_into(pp, body.v, body.n, &done, depth + 1);
        tv_free(&body);
        if (ok)
            for (size_t i = done.n; i-- > 0;) tv_push(stack, &done.v[i]);
        tv_free(&done);
        return ok;
    }
    Arg *argv = arena_alloc(pp->ar, (size_t)(d->arity ? d->arity : 1) * sizeof *argv);
    if (!bind_args(pp, stack, d, mt, argv)) return 0;
    substitute(pp, d, argv, d->arity, mt->line, mt->col, mt->text, stack);
    return 1;
}

/* The name and arity of the function a form defines, for ?FUNCTION_NAME and ?FUNCTION_ARITY
 * (epp:update_fun_name/2). Returns 0 after an error. */
static int update_fun_name(Pp *pp, const Token *var)
{
    if (pp->fname_state != FN_TOKENS) return 1;
    pp->fname_state = FN_UNDEFINED;
    TokVec tmp = {0};
    int save_silent = pp->silent, save_failed = pp->failed;
    size_t save_exp = pp->expansions;
    pp->silent = 1;
    int ok = expand_into(pp, pp->fname_toks, pp->fname_n, &tmp, 1);
    pp->silent = save_silent;
    pp->failed = save_failed;
    pp->expansions = save_exp;
    int r = 1;
    if (!ok) {
        pp->fname_name = "_";
        pp->fname_len = 1;
        pp->fname_arity = 0;
        pp->fname_state = FN_KNOWN;
    } else if (tmp.n >= 2 && tmp.v[0].kind == TK_ATOM && tmp.v[1].kind == TK_LPAREN) {
        int level = 1, arity = 0;
        for (size_t i = 2; i < tmp.n; i++) {
            TokKind k = tmp.v[i].kind;
            if (k == TK_COMMA) {
                if (level == 1) arity++;
            } else if (k == TK_LPAREN || k == TK_LBRACE || k == TK_LBRACKET || k == TK_LTLT) {
                level++;
            } else if (k == TK_RPAREN || k == TK_RBRACE || k == TK_RBRACKET || k == TK_GTGT) {
                if (level == 1) break;
                level--;
            } else if (arity == 0) {
                arity = 1;
            }
        }
        pp->fname_name = tmp.v[0].name;
        pp->fname_len = tmp.v[0].len;
        pp->fname_arity = arity;
        pp->fname_state = FN_KNOWN;
    } else if (tmp.n >= 1 && tmp.v[0].kind == TK_QMARK) {
        pp_error(pp, var->line, var->col, "?%.*s must not begin a form", (int)var->len, var->name);
        r = 0;
    } else {
        pp_error(pp, var->line, var->col, "?%.*s can only be used within a function",
                 (int)var->len, var->name);
        r = 0;
    }
    if (!r) pp->fname_state = FN_TOKENS;
    tv_free(&tmp);
    return r;
}

/* epp:expand_macros/2 on in[0..n), appending to out. */
static int expand_into(Pp *pp, const Token *in, size_t n, TokVec *out, int depth)
{
    TokVec stack = {0};
    for (size_t i = n; i-- > 0;) tv_push(&stack, &in[i]);
    int ok = 1;
    while (stack.n) {
        Token t = stack.v[--stack.n];
        if (out->n > PP_MAX_FORM_TOKENS) {
            ok = too_deep(pp, &t);
            break;
        }
        if (t.kind != TK_QMARK || stack.n == 0) {
            tv_push(out, &t);
            continue;
        }
        Token u = stack.v[--stack.n];
        if (u.kind == TK_VAR && (u.len == 13 || u.len == 14) &&
            (memcmp(u.name, "FUNCTION_NAME", u.len) == 0 ||
             memcmp(u.name, "FUNCTION_ARITY", u.len) == 0)) {
            int is_name = u.len == 13;
            if (!update_fun_name(pp, &u)) {
                ok = 0;
                break;
            }
            if (pp->fname_state != FN_KNOWN) {
                tv_push(out, &t);
                tv_push(out, &u);
                continue;
            }
            Token r = mk_tok(is_name ? TK_ATOM : TK_INTEGER, u.line, u.col);
            if (is_name) {
                r.name = pp->fname_name;
                r.len = pp->fname_len;
            } else {
                r.ival = pp->fname_arity;
            }
            tv_push(out, &r);
            continue;
        }
        if (u.kind == TK_VAR && u.len == 4 && memcmp(u.name, "LINE", 4) == 0) {
            Token r = mk_tok(TK_INTEGER, u.line, u.col);
            r.ival = u.line;
            tv_push(out, &r);
            continue;
        }
        if (u.kind == TK_ATOM || u.kind == TK_VAR) {
            if (!expand_named(pp, &u, &stack, depth)) {
                ok = 0;
                break;
            }
            continue;
        }
        StrBuf sb = STRBUF_INIT;
        lex_token_symbol(&u, &sb);
        pp_error(pp, u.line, u.col, "illegal macro call '?%s'", sb.data);
        sb_free(&sb);
        ok = 0;
        break;
    }
    tv_free(&stack);
    return ok;
}

/* Expands one form; fname_toks are the tokens ?FUNCTION_NAME looks at (NULL: none). */
static int expand_form(Pp *pp, const Token *in, size_t n, const Token *fname, size_t fname_n,
                       TokVec *out)
{
    pp->fname_toks = fname;
    pp->fname_n = fname_n;
    pp->fname_state = FN_TOKENS;
    pp->expansions = 0;
    pp->failed = 0;
    return expand_into(pp, in, n, out, 0);
}

/* ================================================================ files */

static char *dir_of(Pp *pp, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return arena_strdup(pp->ar, ".");
    if (slash == path) return arena_strdup(pp->ar, "/");
    return arena_strndup(pp->ar, path, (size_t)(slash - path));
}

static char *join(Pp *pp, const char *dir, const char *name)
{
    if (name[0] == '/' || strcmp(dir, ".") == 0) return arena_strdup(pp->ar, name);
    StrBuf sb = STRBUF_INIT;
    sb_printf(&sb, "%s/%s", dir, name);
    char *r = arena_strdup(pp->ar, sb.data);
    sb_free(&sb);
    return r;
}

static unsigned char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    StrBuf sb = STRBUF_INIT;
    char buf[65536];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0) sb_putn(&sb, buf, k);
    int err = ferror(f);
    fclose(f);
    if (err) {
        sb_free(&sb);
        return NULL;
    }
    *len = sb.len;
    if (!sb.data) return (unsigned char *)calloc(1, 1);
    return (unsigned char *)sb_take(&sb);
}

static PpFile *file_new(Pp *pp, const char *name, const unsigned char *bytes, size_t len)
{
    PpFile *f = calloc(1, sizeof *f);
    if (!f) abort();
    f->name = arena_strdup(pp->ar, name);
    f->dir = dir_of(pp, name);
    size_t n, valid;
    f->src = lex_decode(bytes, len, &n, &valid);
    lex_init(&f->lx, f->src, n, valid);
    return f;
}

static void file_free(PpFile *f)
{
    free(f->src);
    free(f->istk);
    free(f);
}

static void istk_push(PpFile *f, IfKind k)
{
    if (f->nistk == f->capistk) {
        f->capistk = f->capistk ? f->capistk * 2 : 8;
        f->istk = realloc(f->istk, f->capistk * sizeof *f->istk);
        if (!f->istk) abort();
    }
    f->istk[f->nistk++] = k;
}

/* The form epp inserts on entering and leaving a file: -file("Name", Line). */
static void queue_file_attr(Pp *pp, const char *name, int line, int col)
{
    Token v[8];
    v[0] = mk_tok(TK_MINUS, line, col);
    v[1] = atom_tok(pp, "file", line, col);
    v[2] = mk_tok(TK_LPAREN, line, col);
    v[3] = string_tok(pp, name, strlen(name), line, col);
    v[4] = mk_tok(TK_COMMA, line, col);
    v[5] = mk_tok(TK_INTEGER, line, col);
    v[5].ival = line;
    v[6] = mk_tok(TK_RPAREN, line, col);
    v[7] = mk_tok(TK_DOT, line, col);
    pp->pending = arena_memdup(pp->ar, v, 8, sizeof v[0]);
    pp->npending = 8;
}

Pp *pp_open(const char *path, const PpOptions *opt, Arena *ar, Diags *diags)
{
    size_t len = 0;
    unsigned char *bytes;
    if (opt && opt->source) {
        bytes = malloc(opt->source_len + 1);
        if (!bytes) abort();
        memcpy(bytes, opt->source, opt->source_len);
        len = opt->source_len;
    } else {
        bytes = read_all(path, &len);
    }
    if (!bytes) {
        diags_add(diags, path, 0, 0, DIAG_EPP, "", "no such file or directory");
        return NULL;
    }
    Pp *pp = calloc(1, sizeof *pp);
    if (!pp) abort();
    pp->ar = ar;
    pp->diags = diags;
    if (opt) pp->opt = *opt;
    pp->cur = file_new(pp, path, bytes, len);
    free(bytes);
    predefine(pp, path);
    queue_file_attr(pp, path, 1, 1);
    return pp;
}

void pp_close(Pp *pp)
{
    if (!pp) return;
    while (pp->cur) {
        PpFile *up = pp->cur->up;
        file_free(pp->cur);
        pp->cur = up;
    }
    free(pp);
}

/* epp:leave_file/2. Returns 1 when the main file ended. */
static int leave_file(Pp *pp)
{
    PpFile *f = pp->cur;
    while (f->nistk) {
        IfKind k = f->istk[--f->nistk];
        pp_error(pp, f->lx.line, f->lx.col, "unterminated '-%s'", if_names[k]);
    }
    if (!f->up) {
        pp->done = 1;
        pp->eof_line = f->lx.line;
        pp->eof_col = f->lx.col;
        return 1;
    }
    PpFile *up = f->up;
    pp->cur = up;
    pp->depth--;
    file_free(f);
    set_file_macro(pp, up->name, up->lx.line, up->lx.col);
    queue_file_attr(pp, up->name, up->lx.line, up->lx.col);
    return 0;
}

/* ================================================================ directives */

/* epp:find_mismatch/3: the first token that does not fit the shape (TK_NONE: an atom or a
 * variable), or the last that did when the form ran out. */
static const Token *mismatch(const Token *t, size_t n, const TokKind *shape, size_t ns,
                             const Token *t0)
{
    size_t i = 0;
    for (; i < ns && i < n; i++) {
        TokKind want = shape[i];
        int fits = t[i].kind == want ||
                   (want == TK_NONE && (t[i].kind == TK_ATOM || t[i].kind == TK_VAR));
        if (!fits) break;
        t0 = &t[i];
    }
    return i < n ? &t[i] : t0;
}

/* epp:coalesce_strings/1 */
static size_t coalesce(Pp *pp, const Token *in, size_t n, Token *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (in[i].kind != TK_STRING || i + 1 >= n || in[i + 1].kind != TK_STRING) {
            out[o++] = in[i++];
            continue;
        }
        size_t total = 0, j = i;
        while (j < n && in[j].kind == TK_STRING) total += in[j++].slen;
        uint32_t *buf = arena_alloc(pp->ar, (total ? total : 1) * sizeof *buf);
        size_t k = 0;
        for (size_t q = i; q < j; q++) {
            if (in[q].slen) memcpy(buf + k, in[q].str, in[q].slen * sizeof *buf);
            k += in[q].slen;
        }
        out[o] = in[i];
        out[o].str = buf;
        out[o].slen = total;
        o++;
        i = j;
    }
    return o;
}

static char *string_utf8(Pp *pp, const Token *t)
{
    StrBuf sb = STRBUF_INIT;
    for (size_t i = 0; i < t->slen; i++) lex_put_utf8(&sb, t->str[i]);
    char *r = arena_strndup(pp->ar, sb.data ? sb.data : "", sb.len);
    sb_free(&sb);
    return r;
}

static int find_include(Pp *pp, const char *name, char **found, unsigned char **bytes,
                        size_t *len)
{
    /* compile's include path: the including file's directory, ".", then the -I ones */
    int ndirs = 2 + pp->opt.n_include_dirs;
    for (int i = 0; i < ndirs; i++) {
        const char *dir = i == 0 ? pp->cur->dir : i == 1 ? "." : pp->opt.include_dirs[i - 2];
        char *p = join(pp, dir, name);
        *bytes = read_all(p, len);
        if (*bytes) {
            *found = p;
            return 1;
        }
        if (name[0] == '/') break;
    }
    return 0;
}

static void do_include(Pp *pp, const Token *kw, const Token *t, size_t n, int lib)
{
    Token *c = arena_alloc(pp->ar, (n ? n : 1) * sizeof *c);
    size_t m = coalesce(pp, t, n, c);
    static const TokKind shape[] = {TK_LPAREN, TK_STRING, TK_RPAREN, TK_DOT};
    if (m != 4 || c[0].kind != TK_LPAREN || c[1].kind != TK_STRING || c[2].kind != TK_RPAREN ||
        c[3].kind != TK_DOT) {
        const Token *bad = mismatch(c, m, shape, 4, kw);
        pp_error(pp, bad->line, bad->col, "badly formed '%s'", lib ? "include_lib" : "include");
        return;
    }
    const Token *str = &c[1];
    if (pp->depth >= PP_MAX_INCLUDE_DEPTH) {
        const Token *at = lib ? kw : str;
        pp_error(pp, at->line, at->col, "%s too deep", lib ? "include_lib" : "include");
        return;
    }
    char *name = string_utf8(pp, str);
    char *found = NULL;
    unsigned char *bytes = NULL;
    size_t len = 0;
    if (pp->opt.no_include || !find_include(pp, name, &found, &bytes, &len)) {
        pp_error(pp, str->line, str->col, "can't find include %s \"%s\"", lib ? "lib" : "file",
                 name);
        return;
    }
    PpFile *f = file_new(pp, found, bytes, len);
    free(bytes);
    f->up = pp->cur;
    pp->cur = f;
    pp->depth++;
    set_file_macro(pp, found, 1, 1);
    queue_file_attr(pp, found, 1, 1);
}

/* epp:macro_uses/1 and macro_ref/1: the macros a body calls, with their arities */
static int macro_uses(Pp *pp, const Token *b, size_t n, UseSet *out)
{
    TokVec st = {0};
    for (size_t i = n; i-- > 0;) tv_push(&st, &b[i]);
    Use *v = NULL;
    size_t nv = 0, cv = 0;
    int ok = 1;
    for (size_t k = 0; k < n; k++) {
        const Token *t = stk(&st, k);
        if (t->kind != TK_QMARK) continue;
        const Token *u = stk(&st, k + 1);
        if (!u) break;
        if (u->kind == TK_QMARK) {
            k++;
            continue;
        }
        if (u->kind != TK_ATOM && u->kind != TK_VAR) continue;
        int ar = count_args(pp, &st, k + 2, u);
        if (ar == -2) {
            ok = 0;
            break;
        }
        int dup = 0;
        for (size_t i = 0; i < nv; i++)
            if (v[i].arity == ar && v[i].len == u->len && memcmp(v[i].name, u->name, u->len) == 0)
                dup = 1;
        if (!dup) {
            if (nv == cv) {
                cv = cv ? cv * 2 : 8;
                v = realloc(v, cv * sizeof *v);
                if (!v) abort();
            }
            v[nv++] = (Use){u->name, u->len, ar};
        }
        k++;
    }
    tv_free(&st);
    if (ok) {
        out->v = arena_memdup(pp->ar, v, nv, sizeof *v);
        out->n = nv;
    }
    free(v);
    return ok;
}

/* -define(Name, Body). and -define(Name(Params), Body). */
static void do_define(Pp *pp, const Token *kw, const Token *t, size_t n)
{
    if (n < 2 || t[0].kind != TK_LPAREN || (t[1].kind != TK_ATOM && t[1].kind != TK_VAR)) {
        static const TokKind shape[] = {TK_LPAREN, TK_NONE};
        const Token *bad = mismatch(t, n, shape, 2, kw);
        pp_error(pp, bad->line, bad->col, "badly formed 'define'");
        return;
    }
    const Token *mac = &t[1];
    size_t i = 2;
    int arity = -1;
    const Token *pars = NULL;
    if (i < n && t[i].kind == TK_LPAREN) {
        /* macro_pars: ')' | Var (',' Var)* ')' then ',' */
        size_t p0 = i + 1;
        i++;
        arity = 0;
        if (i < n && t[i].kind == TK_RPAREN) {
            i++;
        } else {
            for (;;) {
                if (i >= n || t[i].kind != TK_VAR) {
                    const Token *bad = i < n ? &t[i] : &t[i - 1];
                    pp_error(pp, bad->line, bad->col, "badly formed 'define'");
                    return;
                }
                for (size_t q = p0; q < i; q += 2)
                    if (t[q].len == t[i].len && memcmp(t[q].name, t[i].name, t[i].len) == 0) {
                        pp_error(pp, t[i].line, t[i].col, "argument '%.*s' already used",
                                 (int)t[i].len, t[i].name);
                        return;
                    }
                arity++;
                i++;
                if (i < n && t[i].kind == TK_RPAREN) {
                    i++;
                    break;
                }
                if (i + 1 < n && t[i].kind == TK_COMMA && t[i + 1].kind == TK_VAR) {
                    i++;
                    continue;
                }
                const Token *bad = i < n ? &t[i] : &t[i - 1];
                pp_error(pp, bad->line, bad->col, "badly formed 'define'");
                return;
            }
        }
        Token *pv = arena_alloc(pp->ar, (size_t)(arity ? arity : 1) * sizeof *pv);
        for (int a = 0; a < arity; a++) pv[a] = t[p0 + 2 * (size_t)a];
        pars = pv;
        if (i >= n || t[i].kind != TK_COMMA) {
            const Token *bad = i < n ? &t[i] : &t[i - 1];
            pp_error(pp, bad->line, bad->col, "badly formed define: missing comma");
            return;
        }
    } else if (i >= n || t[i].kind != TK_COMMA) {
        const Token *bad = i < n ? &t[i] : kw;
        pp_error(pp, bad->line, bad->col, "badly formed 'define'");
        return;
    }
    /* macro_expansion: the body runs to the final ')' before the dot */
    size_t b0 = i + 1;
    if (n < 2 || t[n - 1].kind != TK_DOT) {
        const Token *last = &t[n - 1];
        pp_error(pp, last->line, last->col, "premature end");
        return;
    }
    if (n - 1 < b0 + 1 || t[n - 2].kind != TK_RPAREN) {
        pp_error(pp, t[n - 1].line, t[n - 1].col,
                 "badly formed define: missing closing right parenthesis");
        return;
    }
    const Token *body = &t[b0];
    size_t nbody = n - 2 - b0;
    Macro *m = macro_find(pp, mac->name, mac->len);
    if (m && !macro_absent(m)) {
        if (m->kind == MK_USER) {
            for (size_t d = 0; d < m->ndefs; d++)
                if (m->defs[d].arity == arity) {
                    pp_error(pp, mac->line, mac->col, "redefining macro '%.*s'", (int)mac->len,
                             mac->name);
                    return;
                }
        } else {
            pp_error(pp, mac->line, mac->col, "redefining predefined macro '%.*s'", (int)mac->len,
                     mac->name);
            return;
        }
    }
    UseSet u;
    if (!macro_uses(pp, body, nbody, &u)) return;
    u.arity = arity;
    m = macro_get(pp, mac->name, mac->len);
    if (m->kind != MK_USER) {
        m->ndefs = 0;
        m->defs = NULL;
    }
    m->kind = MK_USER;
    MacroDef *defs = arena_alloc(pp->ar, (m->ndefs + 1) * sizeof *defs);
    defs[0].arity = arity;
    defs[0].pars = pars;
    defs[0].body = body;
    defs[0].nbody = nbody;
    if (m->ndefs) memcpy(defs + 1, m->defs, m->ndefs * sizeof *defs);
    m->defs = defs;
    m->ndefs++;
    UseSet *uses = arena_alloc(pp->ar, (m->nuses + 1) * sizeof *uses);
    uses[0] = u;
    if (m->nuses) memcpy(uses + 1, m->uses, m->nuses * sizeof *uses);
    m->uses = uses;
    m->nuses++;
}

/* -undef(M). -ifdef(M). -ifndef(M): exactly '(' Name ')' dot; the name or NULL */
static const Token *paren_name(Pp *pp, const Token *kw, const Token *t, size_t n, const char *what)
{
    if (n == 4 && t[0].kind == TK_LPAREN && (t[1].kind == TK_ATOM || t[1].kind == TK_VAR) &&
        t[2].kind == TK_RPAREN && t[3].kind == TK_DOT)
        return &t[1];
    static const TokKind shape[] = {TK_LPAREN, TK_NONE, TK_RPAREN, TK_DOT};
    const Token *bad = mismatch(t, n, shape, 4, kw);
    pp_error(pp, bad->line, bad->col, "badly formed '%s'", what);
    return NULL;
}

static int macro_defined(Pp *pp, const Token *name)
{
    Macro *m = macro_find(pp, name->name, name->len);
    return m && !macro_absent(m) && m->kind != MK_UNDEF;
}

/* defined(M) in -if: maps:is_key(M, Macs), so a predefined macro that is not yet set (MODULE
 * before -module) counts as defined, unlike for -ifdef */
static int defined_cb(void *ctx, const char *name, size_t len)
{
    Macro *m = macro_find(ctx, name, len);
    return m && !macro_absent(m);
}

/* Evaluates -if/-elif's condition (epp:eval_if/2): 1 true, 0 false, -1 error (reported). */
static int eval_if(Pp *pp, const Token *kw, const Token *t, size_t n)
{
    if (n == 0 || t[0].kind != TK_LPAREN) {
        const Token *bad = n ? &t[0] : kw;
        pp_error(pp, bad->line, bad->col, "badly formed 'if'");
        return -1;
    }
    TokVec out = {0};
    int r;
    if (!expand_form(pp, t, n, NULL, 0, &out)) {
        r = -1;
    } else {
        Token *tv = arena_memdup(pp->ar, out.v, out.n, sizeof *out.v);
        r = pp_eval_condition(pp->ar, tv, out.n, pp->cur->name, pp->diags, kw, defined_cb, pp);
    }
    tv_free(&out);
    return r;
}

static void skip(Pp *pp, IfKind first);

static void start_if(Pp *pp, const Token *kw, const Token *t, size_t n)
{
    int r = eval_if(pp, kw, t, n);
    if (r == 1)
        istk_push(pp->cur, IF_IF);
    else
        skip(pp, IF_IF);
}

/* epp:skip_toks/3: reads forms without expanding them until the conditional section ends. */
static void skip(Pp *pp, IfKind first)
{
    IfKind *st = malloc(16 * sizeof *st);
    if (!st) abort();
    size_t n = 0, cap = 16;
    st[n++] = first;
    PpFile *f = pp->cur;
    for (;;) {
        const Token *t;
        size_t nt;
        LexError err;
        LexStatus s = lex_form(&f->lx, pp->ar, (Token **)&t, &nt, &err);
        if (s == LEX_ERROR) continue;
        if (s == LEX_EOF || s == LEX_FATAL) {
            if (s == LEX_FATAL) pp_error(pp, err.line, err.col, "%s", err.msg);
            /* leave_file with the skip stack as the pending conditionals */
            f->nistk = 0;
            for (size_t i = 0; i < n; i++) istk_push(f, st[i]);
            break;
        }
        if (nt < 2 || t[0].kind != TK_MINUS) continue;
        const Token *kw = &t[1];
        if (kw->kind != TK_ATOM && kw->kind != TK_IF) continue;
        if (kw->kind == TK_IF || (kw->len == 5 && memcmp(kw->name, "ifdef", 5) == 0) ||
            (kw->len == 6 && memcmp(kw->name, "ifndef", 6) == 0)) {
            if (n == cap) {
                cap *= 2;
                st = realloc(st, cap * sizeof *st);
                if (!st) abort();
            }
            st[n++] = kw->kind == TK_IF ? IF_IF : kw->len == 5 ? IF_IFDEF : IF_IFNDEF;
        } else if (kw->len == 4 && memcmp(kw->name, "else", 4) == 0) {
            if (st[n - 1] == IF_ELSE) {
                pp_error(pp, kw->line, kw->col, "repeated '-else'");
            } else if (st[n - 1] == IF_ELIF) {
                st[n - 1] = IF_ELSE;
            } else if (n == 1) {
                istk_push(f, IF_ELSE);
                break;
            }
        } else if (kw->len == 4 && memcmp(kw->name, "elif", 4) == 0) {
            if (st[n - 1] == IF_ELSE) {
                pp_error(pp, kw->line, kw->col, "'elif' following 'else'");
            } else if (n == 1) {
                int r = eval_if(pp, kw, t + 2, nt - 2);
                if (r == 1) {
                    istk_push(f, IF_IF);
                    break;
                }
                st[0] = IF_IF;
            }
        } else if (kw->len == 5 && memcmp(kw->name, "endif", 5) == 0) {
            if (--n == 0) break;
        }
    }
    free(st);
}

static int is_kw(const Token *t, const char *s)
{
    return t->kind == TK_ATOM && t->len == strlen(s) && memcmp(t->name, s, t->len) == 0;
}

/* A literal term for -error/-warning (erl_parse:parse_term/1 then normalise/1) */
static int literal_term(const Ast *e)
{
    for (;;) {
        switch (e->kind) {
        case A_INTEGER: case A_FLOAT: case A_CHAR: case A_ATOM: case A_STRING: case A_NIL:
            return 1;
        case A_CONS:
            if (!literal_term(e->a)) return 0;
            e = e->b;
            continue;
        case A_TUPLE:
            for (int i = 0; i < e->l1.n; i++)
                if (!literal_term(e->l1.v[i])) return 0;
            return 1;
        case A_OP:
            return !e->b && (ast_name_is(e, "-") || ast_name_is(e, "+")) &&
                   (e->a->kind == A_INTEGER || e->a->kind == A_FLOAT || e->a->kind == A_CHAR);
        default: return 0;
        }
    }
}

/* epp:scan_err_warn/4: -error(Term). and -warning(Term). print the term with ~tp */
static void err_warn(Pp *pp, const Token *kw, const Token *t, size_t n)
{
    const char *tag = kw->len == 5 ? "error" : "warning";
    if (n == 0 || t[0].kind != TK_LPAREN) {
        const Token *bad = n ? &t[0] : kw;
        pp_error(pp, bad->line, bad->col, "badly formed '%s'", tag);
        return;
    }
    TokVec out = {0};
    int ok = expand_form(pp, t, n, NULL, 0, &out);
    AstList es = {0};
    if (ok) {
        Token *tv = arena_memdup(pp->ar, out.v, out.n, sizeof *out.v);
        Diags quiet = DIAGS_INIT;
        ok = parse_exprs_form(pp->ar, tv, out.n, pp->cur->name, &quiet, &es) && es.n == 1 &&
             literal_term(es.v[0]);
        diags_free(&quiet);
    }
    tv_free(&out);
    if (!ok) {
        pp->failed = 0;
        pp_error(pp, kw->line, kw->col, "badly formed '%s'", tag);
        return;
    }
    StrBuf sb = STRBUF_INIT;
    absform_print_term(&sb, es.v[0], 1);
    if (kw->len == 5)
        pp_error(pp, kw->line, kw->col, "-error(%s).", sb.data);
    else if (!pp->silent)
        diags_warn(pp->diags, pp->cur->name, kw->line, kw->col, "", "-warning(%s).", sb.data);
    sb_free(&sb);
}

/* -module(M) in an expanded form sets ?MODULE and ?MODULE_STRING (epp:scan_module/2) */
static void scan_module(Pp *pp, const Token *t, size_t n)
{
    if (n >= 5 && t[0].kind == TK_MINUS && is_kw(&t[1], "module") && t[2].kind == TK_LPAREN &&
        t[3].kind == TK_ATOM && (t[4].kind == TK_RPAREN || t[4].kind == TK_COMMA)) {
        set_predef(pp, "MODULE", &t[3], 1);
        Token s = string_tok(pp, t[3].name, t[3].len, t[3].line, t[3].col);
        set_predef(pp, "MODULE_STRING", &s, 1);
    }
}

/* One form of the current file in normal (not skipping) mode. Returns 1 with the form in
 * *out_toks when there is something for the parser. */
static int scan_toks(Pp *pp, const Token *t, size_t n, const Token **out_toks, size_t *out_n)
{
    if (n >= 2 && t[0].kind == TK_MINUS && (t[1].kind == TK_ATOM || t[1].kind == TK_IF)) {
        const Token *kw = &t[1];
        const Token *rest = t + 2;
        size_t nr = n - 2;
        PpFile *f = pp->cur;
        if (kw->kind == TK_IF) {
            start_if(pp, kw, rest, nr);
            return 0;
        }
        if (is_kw(kw, "define")) {
            do_define(pp, kw, rest, nr);
            return 0;
        }
        if (is_kw(kw, "undef")) {
            const Token *nm = paren_name(pp, kw, rest, nr, "undef");
            if (nm) {
                Macro *m = macro_find(pp, nm->name, nm->len);
                if (m) macro_remove(m);
            }
            return 0;
        }
        if (is_kw(kw, "include") || is_kw(kw, "include_lib")) {
            do_include(pp, kw, rest, nr, kw->len == 11);
            return 0;
        }
        if (is_kw(kw, "ifdef") || is_kw(kw, "ifndef")) {
            int ifndef = kw->len == 6;
            const Token *nm = paren_name(pp, kw, rest, nr, ifndef ? "ifndef" : "ifdef");
            if (!nm || macro_defined(pp, nm) == ifndef)
                skip(pp, ifndef ? IF_IFNDEF : IF_IFDEF);
            else
                istk_push(f, ifndef ? IF_IFNDEF : IF_IFDEF);
            return 0;
        }
        if (is_kw(kw, "else")) {
            if (nr != 1) {
                const Token *bad = nr ? &rest[0] : kw;
                pp_error(pp, bad->line, bad->col, "badly formed 'else'");
            } else if (f->nistk == 0) {
                pp_error(pp, kw->line, kw->col, "unbalanced '-else'");
            } else {
                if (f->istk[f->nistk - 1] == IF_ELSE)
                    pp_error(pp, kw->line, kw->col, "repeated '-else'");
                f->nistk--;
                skip(pp, IF_ELSE);
            }
            return 0;
        }
        if (is_kw(kw, "elif")) {
            if (f->nistk == 0) {
                pp_error(pp, kw->line, kw->col, "unbalanced '-elif'");
            } else if (f->istk[f->nistk - 1] == IF_ELSE) {
                pp_error(pp, kw->line, kw->col, "unbalanced '-elif'");
                f->nistk--;
                skip(pp, IF_ELSE);
            } else {
                f->nistk--;
                skip(pp, IF_ELIF);
            }
            return 0;
        }
        if (is_kw(kw, "endif")) {
            if (nr != 1) {
                const Token *bad = nr ? &rest[0] : kw;
                pp_error(pp, bad->line, bad->col, "badly formed 'endif'");
            } else if (f->nistk == 0) {
                pp_error(pp, kw->line, kw->col, "unbalanced '-endif'");
            } else {
                f->nistk--;
            }
            return 0;
        }
        if (is_kw(kw, "error") || is_kw(kw, "warning")) {
            err_warn(pp, kw, rest, nr);
            return 0;
        }
        if (is_kw(kw, "file") || is_kw(kw, "feature")) {
            pp_error(pp, kw->line, kw->col, "heapscope does not support '-%.*s'", (int)kw->len,
                     kw->name);
            return 0;
        }
    }
    TokVec out = {0};
    int ok = expand_form(pp, t, n, t, n, &out);
    if (ok) {
        *out_toks = arena_memdup(pp->ar, out.v, out.n, sizeof *out.v);
        *out_n = out.n;
        scan_module(pp, *out_toks, *out_n);
    }
    tv_free(&out);
    return ok;
}

PpStatus pp_next(Pp *pp, const Token **toks, size_t *n, const char **file, int *line, int *col)
{
    for (;;) {
        if (pp->pending) {
            *toks = pp->pending;
            *n = pp->npending;
            *file = pp->cur->name;
            pp->pending = NULL;
            return PP_FORM;
        }
        if (pp->done) {
            *line = pp->eof_line;
            *col = pp->eof_col;
            *file = pp->cur->name;
            return PP_EOF;
        }
        PpFile *f = pp->cur;
        Token *t;
        size_t nt;
        LexError err;
        LexStatus s = lex_form(&f->lx, pp->ar, &t, &nt, &err);
        if (s == LEX_ERROR) {
            diags_add(pp->diags, f->name, err.line, err.col, DIAG_SCAN, "", "%s", err.msg);
            continue;
        }
        if (s == LEX_FATAL) {
            pp_error(pp, err.line, err.col, "%s", err.msg);
            leave_file(pp);
            continue;
        }
        if (s == LEX_EOF) {
            leave_file(pp);
            continue;
        }
        if (scan_toks(pp, t, nt, toks, n)) {
            *file = pp->cur->name;
            return PP_FORM;
        }
    }
}
