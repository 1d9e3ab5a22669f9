/*
 * bif.h — built-in functions: the calling convention and the registry.
 *
 * A BIF is a C function `Term f(Process *p, const Term *args)`; args are its arguments (the
 * caller's X registers 0..arity-1, read-only). It returns the result, or NONVALUE after setting
 * p->exc with proc_raise / bif_badarg (the VM then unwinds and builds the stacktrace, adding
 * args for errors: OTP shows BIF errors as {erlang, F, Args, ...} frames).
 *
 * BIFs never collect: they allocate with heap_halloc(&p->heap, n) (the block if it has room,
 * else a heap fragment), so raw terms stay valid for the whole call. The VM checks after the
 * call whether the fragments warrant a GC (OTP's erts_gc_after_bif_call).
 *
 * Each runtime/bif/<module>.c defines one table `const BifDef bif_table_<module>[]`, ended by
 * a zeroed entry; bif.c gathers the tables. Guard BIFs (is_integer, element, ...) are marked
 * BIF_GUARD: the compiler accepts them in guards, where their failure means "guard false".
 */
#ifndef HS_BIF_H
#define HS_BIF_H

#include "atom.h"
#include "process.h"

typedef Term (*BifFn)(Process *p, const Term *args);

enum { BIF_GUARD = 1u << 0 };

typedef struct BifDef {
    const char *module;   /* "erlang", "lists", "maps", ... */
    const char *name;
    unsigned arity;
    BifFn fn;
    unsigned flags;
} BifDef;

/* Finds a BIF (module and name atoms). NULL when there is none. [any thread] */
const BifDef *bif_lookup(Term module, Term name, unsigned arity);
/* Builds the lookup index once; hs_init calls it. */
void bif_init(void);

/* max_heap_size's value (a size or a map) into size and PROC_MAX_HEAP_* flags; and back. */
bool bif_max_heap_size_value(Term v, Uint *size, unsigned *flags);
Term bif_max_heap_map(Process *p, Uint size, unsigned flags);

/* statistics/1's process keys (info.c): garbage_collection, reductions, run_queue; NONVALUE
 * for others. */
Term bif_statistics_process(Process *p, Term key);

static inline Term bif_badarg(Process *p) { return proc_raise(p, AM(error), AM(badarg)); }
static inline Term bif_error(Process *p, Term reason) { return proc_raise(p, AM(error), reason); }

#endif
