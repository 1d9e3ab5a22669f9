/*
 * code.h — loaded modules: threaded code, the export table, fun entries and line tables.
 *
 * A module is compiled (lang/compile.c) into a CodeBuf of opcode numbers and symbolic
 * operands; code_load threads it (opcode numbers become handler addresses, labels code
 * pointers, imports Export pointers) and registers its exports. Code is never unloaded: every
 * Export, FunEntry and code pointer lives as long as the runtime.
 *
 * The export table maps {M, F, A} to an Export: the entry address of a loaded Erlang
 * function, or a BIF, or neither yet (a call to it tries to load M first, then raises undef).
 * Modules are found on demand: the program's directory, -pa directories, then the stdlib
 * embedded in the binary. [loading: owner thread only for now — one scheduler]
 */
#ifndef HS_CODE_H
#define HS_CODE_H

#include "bif/bif.h"
#include "vm.h"

typedef struct Export {
    Term module, name;
    unsigned arity;
    const Instr *code;     /* NULL until a module defining it is loaded */
    const BifDef *bif;     /* when M:F/A is a BIF */
    bool resolved;         /* bif lookup done */
    FunEntry *fun;         /* the entry of `fun M:F/A`, made on first use */
} Export;

/* erlang:memory(code): the loaded modules and the export table, in bytes. */
Uint code_memory_bytes(void);

/* The code lock (recursive): loading, the export table, Export.fun's creation. */
void code_lock(void);
void code_unlock(void);

/* Export.code and Export.bif as the VM reads them, without the code lock (code.c). */
static inline const Instr *code_export_code(const Export *e) { return __atomic_load_n(&e->code, __ATOMIC_ACQUIRE); }
static inline const BifDef *code_export_bif(const Export *e) { return __atomic_load_n(&e->bif, __ATOMIC_ACQUIRE); }

/* Where code addresses come from, for stacktraces. */
typedef struct CodeFunc {
    uint32_t offset;       /* first word of the function */
    Term name;
    unsigned arity;
    int line;              /* the line of the function head */
} CodeFunc;

typedef struct CodeLine {
    uint32_t offset;
    int line;
} CodeLine;

/* OTP's Live operand of a gc_bif, kept off the instruction words (the fast paths never read
 * it): the instruction ending at `end` (an op2, op1 or bif in a frame) has x0 .. live-1 live
 * across it, GC roots if its after-BIF check collects (peep.c sinks a call result's save past
 * it: fib's `N - 2` with fib(N - 1) waiting in x0). Sorted by end. */
typedef struct CodeGcLive {
    uint32_t end;
    unsigned live;
} CodeGcLive;

typedef struct Module {
    Term name;
    char *file;            /* as given to the compiler, e.g. "x.erl" */
    Instr *code;
    size_t code_len;
    CodeFunc *funcs;
    size_t n_funcs;
    CodeLine *lines;
    size_t n_lines;
    CodeGcLive *gclive;
    size_t n_gclive;
    FunEntry **funs;
    size_t n_funs;
    Term info;             /* literal: module_info()'s list (0 when the image had none) */
    Term functions;        /* literal: module_info(functions) */
} Module;

/* The growable image the compiler produces. Operand words are symbolic (see vm.h kinds):
 * labels are label numbers, imports indexes into `imports`, funs indexes into `funs`. */
typedef struct CodeImport { Term module, name; unsigned arity; } CodeImport;
typedef struct CodeFunDef { Term name; unsigned arity, nfree; unsigned label; } CodeFunDef;
typedef struct CodeExportDef { Term name; unsigned arity; unsigned label; } CodeExportDef;
typedef struct CodeBuf {
    Instr *w;
    size_t n, cap;
    size_t *labels;        /* label number -> word offset */
    size_t n_labels, cap_labels;
    CodeImport *imports;
    size_t n_imports, cap_imports;
    CodeFunDef *fundefs;
    size_t n_fundefs, cap_fundefs;
    CodeExportDef *exports;
    size_t n_exports, cap_exports;
    CodeFunc *funcs;       /* offsets are word offsets into w */
    size_t n_funcs, cap_funcs;
    CodeLine *lines;
    size_t n_lines, cap_lines;
    CodeGcLive *gclive;    /* end offsets are word offsets into w */
    size_t n_gclive, cap_gclive;
    Term info, functions;  /* literals for module_info/0,1 (erlang:get_module_info/1,2) */
} CodeBuf;

void codebuf_emit(CodeBuf *cb, Instr w);
unsigned codebuf_new_label(CodeBuf *cb);
void codebuf_bind_label(CodeBuf *cb, unsigned label);
unsigned codebuf_import(CodeBuf *cb, Term m, Term f, unsigned a);
void codebuf_line(CodeBuf *cb, int line);
void codebuf_free(CodeBuf *cb);

/* Threads cb into a new module and registers its exports. Returns NULL (and leaves nothing
 * registered) if the module is already loaded. file is copied. */
Module *code_load(Term name, const char *file, CodeBuf *cb);

/* The export entry for M:F/A, created empty if needed. Never NULL. */
Export *code_export(Term m, Term f, unsigned a);
/* The FunEntry of `fun M:F/A` for e, made on first use (erlang:make_fun/3, make_export_fun).
 * Lives as long as the runtime. */
FunEntry *code_export_fun(Export *e);
/* Resolves e: looks for a BIF, loads M if it is not loaded. True when e is callable. */
bool code_resolve(Export *e);
Module *code_find_module(Term name);
/* Loads module `name` from the search path or the embedded stdlib; NULL if not found. Compile
 * errors are printed to stderr. */
Module *code_ensure_loaded(Term name);
/* Compiles and loads a file; NULL after printing errors (diagnostics go to stderr). */
Module *code_load_file(const char *path);
/* Directories searched for NAME.erl, in order (the program's directory first). */
void code_add_path(const char *dir);

/* The X registers live across the instruction that ends at `end` (CodeGcLive): 0 when none
 * is recorded. Takes the code lock; only the after-BIF collection's slow path asks. */
unsigned code_gc_live(const Instr *end);

/* Stacktrace support: the module and function holding a code address. */
bool code_lookup(const Instr *addr, Module **mod, const CodeFunc **fn, int *line);

/* The normal_exit instruction: the return address of a process's initial call. */
const Instr *code_normal_exit(void);

/* Embedded stdlib sources (generated at build time; see the Makefile). */
typedef struct EmbeddedModule { const char *name; const char *source; size_t len; } EmbeddedModule;
extern const EmbeddedModule code_embedded_modules[];

#endif
