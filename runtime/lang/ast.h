/*
 * ast.h — the syntax tree of the Erlang front end.
 *
 * The tree has the shape of OTP's abstract format (erl_parse forms): one node kind per tuple
 * tag, children in the tuple's element order, and the location erl_parse gives each node, so
 * that absform.c can print a module exactly as `epp:parse_file(F, [{location, {1,1}}])`
 * returns it. Patterns and expressions share node kinds, as in OTP: the parser accepts
 * expressions where erl_parse does and check.c rejects illegal patterns ("illegal pattern").
 *
 * Every node lives in the arena of its LangModule and is freed with it. Lists are arrays of
 * node pointers (AstList). A location with col == 0 carries a line only (erl_parse's
 * abstract2/2 and epp's predefined macros give such annotations).
 *
 * Field use by kind (unused fields are zero):
 *   A_INTEGER   ival, or big (decimal digits) beyond int64      {integer,L,V}
 *   A_FLOAT     fval                                            {float,L,V}
 *   A_CHAR      ival (code point)                               {char,L,C}
 *   A_ATOM      name                                            {atom,L,A}
 *   A_VAR       name                                            {var,L,V}
 *   A_STRING    str/slen (code points)                          {string,L,S}
 *   A_NIL                                                       {nil,L}
 *   A_CONS      a head, b tail                                  {cons,L,H,T}
 *   A_TUPLE     l1 elements                                     {tuple,L,Es}
 *   A_BIN       l1 A_BIN_ELEMENTs                               {bin,L,Es}
 *   A_BIN_ELEMENT a value, b size (NULL: default), l1 A_BIT_TYPEs (n == 0 and !has_tsl: default)
 *   A_BIT_TYPE  name, ival when flags & AF_HAS_VALUE ({unit,8})
 *   A_OP        name operator, a left (or only) operand, b right operand or NULL
 *   A_MATCH     a pattern, b expression                         {match,L,P,E}
 *   A_RECORD    name record, a updated expression or NULL, l1 A_RECORD_FIELDs
 *   A_RECORD_FIELD a field (A_ATOM, or A_VAR '_'), b value      {record_field,L,F,V}
 *   A_RECORD_INDEX name record, a field A_ATOM                  {record_index,L,R,F}
 *   A_RECORD_ACCESS a expression, name record, b field A_ATOM   {record_field,L,E,R,F}
 *   A_MAP       a updated expression or NULL, l1 A_MAP_ASSOC/A_MAP_EXACT (a key, b value)
 *   A_CATCH     a                                               {'catch',L,E}
 *   A_CALL      a function, l1 arguments                        {call,L,F,As}
 *   A_REMOTE    a module, b function                            {remote,L,M,F}
 *   A_LC, A_BC  a template, l1 qualifiers                       {lc,L,E,Qs}
 *   A_GENERATE, A_B_GENERATE a pattern, b expression            {generate,L,P,E}
 *   A_BLOCK     l1 body                                         {block,L,B}
 *   A_IF        l1 clauses                                      {'if',L,Cs}
 *   A_CASE      a expression, l1 clauses                        {'case',L,E,Cs}
 *   A_RECEIVE   l1 clauses; with AF_AFTER: a timeout, l2 after body
 *   A_TRY       l1 body, l2 of-clauses, l3 catch clauses, l4 after body
 *   A_FUN_LOCAL name, arity                                     {'fun',L,{function,N,A}}
 *   A_FUN_REMOTE a module, b function, c arity (nodes)          {'fun',L,{function,M,F,A}}
 *   A_FUN       l1 clauses                                      {'fun',L,{clauses,Cs}}
 *   A_NAMED_FUN name, l1 clauses                                {named_fun,L,N,Cs}
 *   A_CLAUSE    l1 patterns, l2 A_GUARDs (each l1 tests), l3 body
 *   A_GUARD     l1 guard tests (one ','-sequence)
 *   types:
 *   A_TYPE      name, l1 args; AF_ARGS_ANY: {type,L,N,any}; AF_NO_ARGS: {type,L,N}
 *   A_USER_TYPE name, l1 args                                   {user_type,L,N,As}
 *   A_REMOTE_TYPE a module atom, b name atom, l1 args           {remote_type,L,[M,N,As]}
 *   A_ANN_TYPE  a var, b type                                   {ann_type,L,[V,T]}
 *   A_LIST      l1: a bare list inside a type ([V, T] of a constraint, the constraints of a
 *               bounded_fun); it has no location
 *   forms:
 *   A_FUNCTION  name, arity, l1 clauses                         {function,L,N,A,Cs}
 *   A_ATTRIBUTE name attribute, attr: what the value is (see AttrKind)
 *   A_EOF                                                       {eof,L}
 */
#ifndef HS_LANG_AST_H
#define HS_LANG_AST_H

#include <stddef.h>
#include <stdint.h>

#include "lang/arena.h"

typedef enum AstKind {
    A_INTEGER, A_FLOAT, A_CHAR, A_ATOM, A_VAR, A_STRING, A_NIL,
    A_CONS, A_TUPLE, A_BIN, A_BIN_ELEMENT, A_BIT_TYPE,
    A_OP, A_MATCH,
    A_RECORD, A_RECORD_FIELD, A_RECORD_INDEX, A_RECORD_ACCESS,
    A_MAP, A_MAP_ASSOC, A_MAP_EXACT,
    A_CATCH, A_CALL, A_REMOTE, A_LC, A_BC, A_GENERATE, A_B_GENERATE,
    A_BLOCK, A_IF, A_CASE, A_RECEIVE, A_TRY,
    A_FUN_LOCAL, A_FUN_REMOTE, A_FUN, A_NAMED_FUN,
    A_CLAUSE, A_GUARD,
    A_TYPE, A_USER_TYPE, A_REMOTE_TYPE, A_ANN_TYPE, A_LIST,
    A_FUNCTION, A_ATTRIBUTE, A_EOF,
    A_KIND_COUNT
} AstKind;

/* What an A_ATTRIBUTE holds.
 *   ATTR_MODULE        a: the module atom                  {attribute,L,module,M}
 *   ATTR_EXPORT        l1: A_FUN_LOCAL pairs (name/arity)   {attribute,L,export,[{F,A}]}
 *   ATTR_EXPORT_TYPE   as export
 *   ATTR_IMPORT        name2: module; l1: pairs             {attribute,L,import,{M,[{F,A}]}}
 *   ATTR_RECORD        name2: record; l1: A_RECORD_FIELD declarations (a field atom, b default
 *                      or NULL, c type or NULL: typed_record_field)
 *   ATTR_FILE          str/slen file name; ival line       {attribute,L,file,{F,Line}}
 *   ATTR_TYPE, ATTR_OPAQUE  name2: type name; a: the type; l1: variables
 *   ATTR_SPEC, ATTR_CALLBACK  name2: function; a: module atom or NULL; arity; l1: signatures
 *   ATTR_TERM          a: the value as an expression of literals, printed as the term erl_parse
 *                      builds (normalise/1, Name/Arity written as {Name,Arity})
 */
typedef enum AttrKind {
    ATTR_NONE, ATTR_MODULE, ATTR_EXPORT, ATTR_EXPORT_TYPE, ATTR_IMPORT, ATTR_RECORD, ATTR_FILE,
    ATTR_TYPE, ATTR_OPAQUE, ATTR_SPEC, ATTR_CALLBACK, ATTR_TERM
} AttrKind;

enum {
    AF_HAS_VALUE = 1 << 0,  /* A_BIT_TYPE: {Name, Value} */
    AF_HAS_TSL = 1 << 1,    /* A_BIN_ELEMENT: a type specifier list is present */
    AF_AFTER = 1 << 2,      /* A_RECEIVE: has an after section */
    AF_ARGS_ANY = 1 << 3,   /* A_TYPE: {type,L,tuple|map,any} */
    AF_NO_ARGS = 1 << 4,    /* A_TYPE: {type,L,any} inside fun((...) -> T) */
    AF_NEG = 1 << 5,        /* A_INTEGER/A_FLOAT in an ATTR_TERM value: negated by '-' */
    AF_PMOD = 1 << 6,       /* ATTR_MODULE: -module(M, [Vars]), which check.c refuses */
};

typedef struct Ast Ast;

typedef struct AstList {
    Ast **v;
    int n, cap;
} AstList;

/* The anno of a node: its location, and erl_scan's text for the two tokens epp keeps it for
 * (the quoted atoms 'maybe' and 'else', OTP 25's feature keywords). */
enum { ANNO_TEXT_NONE, ANNO_TEXT_MAYBE, ANNO_TEXT_ELSE };

typedef struct AstAnno {
    int line, col, text;
} AstAnno;

struct Ast {
    AstKind kind;
    int line, col;
    int text;                   /* ANNO_TEXT_* */
    int flags;
    AttrKind attr;
    const char *name;           /* UTF-8, NUL-terminated */
    size_t name_len;
    const char *name2;
    size_t name2_len;
    int64_t ival;
    const char *big;
    double fval;
    const uint32_t *str;
    size_t slen;
    int arity;
    Ast *a, *b, *c;
    AstList l1, l2, l3, l4;
};

Ast *ast_new(Arena *ar, AstKind kind, int line, int col);
void ast_push(Arena *ar, AstList *l, Ast *n);
Ast *ast_atom(Arena *ar, int line, int col, const char *name, size_t len);
Ast *ast_var(Arena *ar, int line, int col, const char *name, size_t len);

/* Calls fn with each node that carries an anno, in the order erl_parse:fold_anno/3 visits the
 * abstract format (the node's own first, then its elements left to right); stops when fn
 * returns 0. Returns 0 when stopped. */
typedef int (*AstLocFn)(void *ctx, const Ast *n);
int ast_fold_loc(const Ast *n, AstLocFn fn, void *ctx);
/* erl_parse:first_anno/1 and last_anno/1. */
void ast_first_anno(const Ast *n, AstAnno *a);
void ast_last_anno(const Ast *n, AstAnno *a);
Ast *ast_new_at(Arena *ar, AstKind kind, const AstAnno *a);
void ast_anno_of(const Ast *n, AstAnno *a);

/* Is the name of this A_ATOM/A_VAR equal to s? */
int ast_name_is(const Ast *n, const char *s);
const char *ast_kind_name(AstKind k);

#endif
