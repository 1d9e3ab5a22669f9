#include "lang/absform.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lang/lex.h"

static void anno(StrBuf *sb, const Ast *n)
{
    if (n->text) {
        sb_puts(sb, n->text == ANNO_TEXT_MAYBE ? "[{text,[39,109,97,121,98,101,39]},{location,"
                                               : "[{text,[39,101,108,115,101,39]},{location,");
    }
    if (n->col > 0)
        sb_printf(sb, "{%d,%d}", n->line, n->col);
    else
        sb_printf(sb, "%d", n->line);
    if (n->text) sb_puts(sb, "}]");
}

static void atom(StrBuf *sb, const char *name, size_t len) { lex_write_atom_latin1(sb, name, len); }
static void catom(StrBuf *sb, const char *name) { atom(sb, name, strlen(name)); }

static void integer(StrBuf *sb, const Ast *n)
{
    if (n->big)
        sb_puts(sb, n->big);
    else
        sb_printf(sb, "%lld", (long long)n->ival);
}

static void codepoints(StrBuf *sb, const uint32_t *s, size_t n)
{
    sb_putc(sb, '[');
    for (size_t i = 0; i < n; i++) sb_printf(sb, i ? ",%u" : "%u", s[i]);
    sb_putc(sb, ']');
}

static void list(StrBuf *sb, const AstList *l)
{
    sb_putc(sb, '[');
    for (int i = 0; i < l->n; i++) {
        if (i) sb_putc(sb, ',');
        absform_print(sb, l->v[i]);
    }
    sb_putc(sb, ']');
}

/* {Tag,Anno, */
static void head(StrBuf *sb, const char *tag, const Ast *n)
{
    sb_putc(sb, '{');
    catom(sb, tag);
    sb_putc(sb, ',');
    anno(sb, n);
}

static void guards(StrBuf *sb, const AstList *gs)
{
    sb_putc(sb, '[');
    for (int i = 0; i < gs->n; i++) {
        if (i) sb_putc(sb, ',');
        list(sb, &gs->v[i]->l1);
    }
    sb_putc(sb, ']');
}

static void bit_types(StrBuf *sb, const Ast *el)
{
    if (!(el->flags & AF_HAS_TSL)) {
        sb_puts(sb, "default");
        return;
    }
    sb_putc(sb, '[');
    for (int i = 0; i < el->l1.n; i++) {
        const Ast *t = el->l1.v[i];
        if (i) sb_putc(sb, ',');
        if (t->flags & AF_HAS_VALUE) {
            sb_putc(sb, '{');
            atom(sb, t->name, t->name_len);
            sb_putc(sb, ',');
            integer(sb, t);
            sb_putc(sb, '}');
        } else {
            atom(sb, t->name, t->name_len);
        }
    }
    sb_putc(sb, ']');
}

/* A node's fields after {Tag,Anno, as a little program, one character per field, each
 * preceded by a comma: a b c  a child;  A B  a child when it is there;  n  the name as an atom;
 * i  the integer (or char);  f  the float;  s  the string's code points;  1 2 3 4  the lists
 * l1..l4;  g  the guards in l2;  [ ]  a list of the following fields (no comma after "["). */
static void fields(StrBuf *sb, const Ast *n, const char *spec)
{
    bool first = false;
    for (; *spec; spec++) {
        char k = *spec;
        if (k == ']') { sb_putc(sb, ']'); continue; }
        if ((k == 'A' && !n->a) || (k == 'B' && !n->b)) continue;
        if (!first) sb_putc(sb, ',');
        first = false;
        switch (k) {
        case 'a': case 'A': absform_print(sb, n->a); break;
        case 'b': case 'B': absform_print(sb, n->b); break;
        case 'c': absform_print(sb, n->c); break;
        case 'n': atom(sb, n->name, n->name_len); break;
        case 'i': integer(sb, n); break;
        case 'f': lex_write_float(sb, n->fval); break;
        case 's': codepoints(sb, n->str, n->slen); break;
        case '1': list(sb, &n->l1); break;
        case '2': list(sb, &n->l2); break;
        case '3': list(sb, &n->l3); break;
        case '4': list(sb, &n->l4); break;
        case 'g': guards(sb, &n->l2); break;
        case '[': sb_putc(sb, '['); first = true; break;
        }
    }
}

/* The expressions, patterns and types printed as {Tag,Anno,Fields...}: see fields(). */
static const struct { const char *tag, *spec; } forms[A_KIND_COUNT] = {
    [A_INTEGER] = {"integer", "i"},        [A_CHAR] = {"char", "i"},
    [A_FLOAT] = {"float", "f"},            [A_STRING] = {"string", "s"},
    [A_ATOM] = {"atom", "n"},              [A_VAR] = {"var", "n"},
    [A_NIL] = {"nil", ""},                 [A_TUPLE] = {"tuple", "1"},
    [A_BIN] = {"bin", "1"},                [A_BLOCK] = {"block", "1"},
    [A_IF] = {"if", "1"},                  [A_OP] = {"op", "naB"},
    [A_MATCH] = {"match", "aB"},           [A_REMOTE] = {"remote", "aB"},
    [A_GENERATE] = {"generate", "aB"},     [A_B_GENERATE] = {"b_generate", "aB"},
    [A_MAP_ASSOC] = {"map_field_assoc", "aB"},
    [A_MAP_EXACT] = {"map_field_exact", "aB"},
    [A_RECORD_FIELD] = {"record_field", "aB"},
    [A_RECORD] = {"record", "An1"},        [A_RECORD_INDEX] = {"record_index", "na"},
    [A_RECORD_ACCESS] = {"record_field", "anb"},
    [A_MAP] = {"map", "A1"},               [A_CATCH] = {"catch", "a"},
    [A_CALL] = {"call", "a1"},             [A_LC] = {"lc", "a1"},
    [A_BC] = {"bc", "a1"},                 [A_CASE] = {"case", "a1"},
    [A_RECEIVE] = {"receive", "1"},        [A_TRY] = {"try", "1234"},
    [A_NAMED_FUN] = {"named_fun", "n1"},   [A_CLAUSE] = {"clause", "1g3"},
    [A_USER_TYPE] = {"user_type", "n1"},   [A_REMOTE_TYPE] = {"remote_type", "[ab1]"},
    [A_ANN_TYPE] = {"ann_type", "[ab]"},
};

void absform_print(StrBuf *sb, const Ast *n)
{
    /* cons chains iteratively: list literals may be long */
    int open = 0;
    while (n->kind == A_CONS) {
        head(sb, "cons", n);
        fields(sb, n, "a");
        sb_putc(sb, ',');
        open++;
        n = n->b;
    }
    switch (n->kind) {
    case A_GUARD: case A_LIST:
        list(sb, &n->l1);
        break;
    case A_BIT_TYPE:
        atom(sb, n->name, n->name_len);
        break;
    case A_BIN_ELEMENT:
        head(sb, "bin_element", n);
        fields(sb, n, "a");
        sb_putc(sb, ',');
        if (n->b)
            absform_print(sb, n->b);
        else
            sb_puts(sb, "default");
        sb_putc(sb, ',');
        bit_types(sb, n);
        break;
    case A_FUN_LOCAL: case A_FUN_REMOTE: case A_FUN:
        head(sb, "fun", n);
        sb_puts(sb, n->kind == A_FUN ? ",{clauses" : ",{function");
        fields(sb, n, n->kind == A_FUN_LOCAL ? "ni" : n->kind == A_FUN_REMOTE ? "abc" : "1");
        sb_putc(sb, '}');
        break;
    case A_TYPE:
        head(sb, "type", n);
        fields(sb, n, "n");
        if (n->flags & AF_ARGS_ANY)
            sb_puts(sb, ",any");
        else if (!(n->flags & AF_NO_ARGS))
            fields(sb, n, "1");
        break;
    default:
        if (!forms[n->kind].tag) {
            absform_print_form(sb, n);
            break;
        }
        head(sb, forms[n->kind].tag, n);
        fields(sb, n, forms[n->kind].spec);
        if (n->kind == A_RECEIVE && (n->flags & AF_AFTER)) fields(sb, n, "a2");
        break;
    }
    if (n->kind != A_GUARD && n->kind != A_LIST && n->kind != A_BIT_TYPE &&
        n->kind != A_FUNCTION && n->kind != A_ATTRIBUTE && n->kind != A_EOF)
        sb_putc(sb, '}');
    while (open--) sb_putc(sb, '}');
}

/* The value of a wild attribute as the term erl_parse:normalise/1 builds (~w). */
/* printable as a string by ~tp: Unicode characters, newlines and the like */
static int printable_char(int64_t c)
{
    return (c >= 32 && c <= 126) || (c >= 160 && c < 0xD800) || (c > 0xDFFF && c < 0xFFFE) ||
           (c > 0xFFFF && c <= 0x10FFFF) || c == '\n' || c == '\r' || c == '\t' || c == '\v' ||
           c == '\b' || c == '\f' || c == 27;
}

static int printable_list(const Ast *n)
{
    while (n->kind == A_CONS) {
        const Ast *h = n->a;
        if (!((h->kind == A_INTEGER && !h->big) || h->kind == A_CHAR) || !printable_char(h->ival))
            return 0;
        n = n->b;
    }
    if (n->kind == A_STRING) {
        for (size_t i = 0; i < n->slen; i++)
            if (!printable_char(n->str[i])) return 0;
        return 1;
    }
    return n->kind == A_NIL;
}

static void term_p(StrBuf *sb, const Ast *n, int p);

static void term(StrBuf *sb, const Ast *n) { term_p(sb, n, 0); }

void absform_print_term(StrBuf *sb, const Ast *n, int p_style) { term_p(sb, n, p_style); }

/* p: ~tp rather than ~w (strings as "...", atoms in UTF-8) */
static void term_p(StrBuf *sb, const Ast *n, int p)
{
    if (p && (n->kind == A_STRING || (n->kind == A_CONS && printable_list(n)))) {
        StrBuf tmp = STRBUF_INIT;
        const Ast *q = n;
        uint32_t *cs = NULL;
        size_t nc = 0;
        while (q->kind == A_CONS) q = q->b, nc++;
        if (q->kind == A_STRING) nc += q->slen;
        cs = malloc((nc ? nc : 1) * sizeof *cs);
        size_t k = 0;
        for (q = n; q->kind == A_CONS; q = q->b) cs[k++] = (uint32_t)q->a->ival;
        if (q->kind == A_STRING)
            for (size_t i = 0; i < q->slen; i++) cs[k++] = q->str[i];
        lex_write_string(&tmp, cs, k, '"');
        sb_puts(sb, tmp.data);
        sb_free(&tmp);
        free(cs);
        return;
    }
    if (p && n->kind == A_ATOM) {
        lex_write_atom(sb, n->name, n->name_len);
        return;
    }
    switch (n->kind) {
    case A_INTEGER: integer(sb, n); return;
    case A_CHAR: sb_printf(sb, "%lld", (long long)n->ival); return;
    case A_FLOAT: lex_write_float(sb, n->fval); return;
    case A_ATOM: atom(sb, n->name, n->name_len); return;
    case A_STRING: codepoints(sb, n->str, n->slen); return;
    case A_NIL: sb_puts(sb, "[]"); return;
    case A_CONS: {
        sb_putc(sb, '[');
        int first = 1;
        while (n->kind == A_CONS) {
            if (!first) sb_putc(sb, ',');
            term_p(sb, n->a, p);
            first = 0;
            n = n->b;
        }
        if (n->kind == A_STRING && n->slen) {
            for (size_t i = 0; i < n->slen; i++) sb_printf(sb, ",%u", n->str[i]);
        } else if (n->kind != A_NIL && !(n->kind == A_STRING)) {
            sb_putc(sb, '|');
            term_p(sb, n, p);
        }
        sb_putc(sb, ']');
        return;
    }
    case A_TUPLE:
        sb_putc(sb, '{');
        for (int i = 0; i < n->l1.n; i++) {
            if (i) sb_putc(sb, ',');
            term_p(sb, n->l1.v[i], p);
        }
        sb_putc(sb, '}');
        return;
    case A_MAP:
        sb_puts(sb, "#{");
        for (int i = 0; i < n->l1.n; i++) {
            if (i) sb_putc(sb, ',');
            term_p(sb, n->l1.v[i]->a, p);
            sb_puts(sb, " => ");
            term_p(sb, n->l1.v[i]->b, p);
        }
        sb_putc(sb, '}');
        return;
    case A_OP:
        if (n->b) { /* Name/Arity */
            sb_putc(sb, '{');
            term_p(sb, n->a, p);
            sb_putc(sb, ',');
            term_p(sb, n->b, p);
            sb_putc(sb, '}');
            return;
        }
        if (ast_name_is(n, "-")) {
            if (n->a->kind == A_FLOAT) {
                lex_write_float(sb, -n->a->fval);
                return;
            }
            if (n->a->kind == A_INTEGER && n->a->big) {
                sb_printf(sb, "-%s", n->a->big);
                return;
            }
            if (!(n->a->kind == A_INTEGER && n->a->ival == 0) &&
                !(n->a->kind == A_CHAR && n->a->ival == 0))
                sb_putc(sb, '-');
        }
        term_p(sb, n->a, p);
        return;
    case A_FUN_REMOTE:
        sb_puts(sb, "fun ");
        term_p(sb, n->a, p);
        sb_putc(sb, ':');
        term_p(sb, n->b, p);
        sb_putc(sb, '/');
        term_p(sb, n->c, p);
        return;
    default:
        sb_puts(sb, "?");
        return;
    }
}

static void fa_list(StrBuf *sb, const AstList *l)
{
    sb_putc(sb, '[');
    for (int i = 0; i < l->n; i++) {
        if (i) sb_putc(sb, ',');
        sb_putc(sb, '{');
        atom(sb, l->v[i]->name, l->v[i]->name_len);
        sb_printf(sb, ",%lld}", (long long)l->v[i]->ival);
    }
    sb_putc(sb, ']');
}

static void record_decl_field(StrBuf *sb, const Ast *f)
{
    if (f->c) sb_puts(sb, "{typed_record_field,");
    head(sb, "record_field", f);
    fields(sb, f, "aB");
    sb_putc(sb, '}');
    if (f->c) {
        sb_putc(sb, ',');
        absform_print(sb, f->c);
        sb_putc(sb, '}');
    }
}

static void attribute(StrBuf *sb, const Ast *a)
{
    head(sb, "attribute", a);
    sb_putc(sb, ',');
    atom(sb, a->name, a->name_len);
    sb_putc(sb, ',');
    switch (a->attr) {
    case ATTR_MODULE: atom(sb, a->a->name, a->a->name_len); break;
    case ATTR_EXPORT: case ATTR_EXPORT_TYPE: fa_list(sb, &a->l1); break;
    case ATTR_IMPORT:
        sb_putc(sb, '{');
        atom(sb, a->name2, a->name2_len);
        sb_putc(sb, ',');
        fa_list(sb, &a->l1);
        sb_putc(sb, '}');
        break;
    case ATTR_RECORD:
        sb_putc(sb, '{');
        atom(sb, a->name2, a->name2_len);
        sb_puts(sb, ",[");
        for (int i = 0; i < a->l1.n; i++) {
            if (i) sb_putc(sb, ',');
            record_decl_field(sb, a->l1.v[i]);
        }
        sb_puts(sb, "]}");
        break;
    case ATTR_FILE:
        sb_putc(sb, '{');
        codepoints(sb, a->str, a->slen);
        sb_printf(sb, ",%lld}", (long long)a->ival);
        break;
    case ATTR_TYPE: case ATTR_OPAQUE:
        sb_putc(sb, '{');
        atom(sb, a->name2, a->name2_len);
        sb_putc(sb, ',');
        absform_print(sb, a->a);
        sb_putc(sb, ',');
        list(sb, &a->l1);
        sb_putc(sb, '}');
        break;
    case ATTR_SPEC: case ATTR_CALLBACK:
        sb_puts(sb, "{{");
        if (a->a) {
            atom(sb, a->a->name, a->a->name_len);
            sb_putc(sb, ',');
        }
        atom(sb, a->name2, a->name2_len);
        sb_printf(sb, ",%d},", a->arity);
        list(sb, &a->l1);
        sb_putc(sb, '}');
        break;
    case ATTR_TERM: term(sb, a->a); break;
    case ATTR_NONE: break;
    }
    sb_putc(sb, '}');
}

void absform_print_form(StrBuf *sb, const Ast *f)
{
    switch (f->kind) {
    case A_FUNCTION:
        head(sb, "function", f);
        fields(sb, f, "n");
        sb_printf(sb, ",%d", f->arity);
        fields(sb, f, "1");
        sb_putc(sb, '}');
        break;
    case A_ATTRIBUTE: attribute(sb, f); break;
    case A_EOF:
        head(sb, "eof", f);
        sb_putc(sb, '}');
        break;
    default: absform_print(sb, f); break;
    }
}
