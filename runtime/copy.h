/*
 * copy.h — measuring and copying terms (OTP's copy.c).
 *
 *   size_object          erts_debug:flat_size/1: every path counted, literals counted.
 *   size_object_litopt   what a send copies: every path, literal subterms cost 0.
 *   size_shared          erts_debug:size/1: each distinct subterm counted once, literals counted.
 *   size_shared_litopt   erts_debug:size_shared/1: distinct subterms once, literals 0.
 *   copy_struct          flat copy (loss of sharing), literals copied too (ETS).
 *   copy_struct_litopt   flat copy, literal subterms left as pointers (send, spawn).
 *   copy_shared_*        the sharing-preserving copy (--sharing-preserving).
 * Sub binaries count and copy as what a copy produces (a ProcBin, or a heap binary). Refc binary
 * data is never copied: a copy takes a reference. Copies put their ProcBins on `oh`.
 *
 * Counting rules, as OTP 25 (reference §1.2, §1.3): the empty tuple costs 0 everywhere (one
 * global literal; a copy of it is that literal); a sub binary costs what copy_struct makes of it
 * — 6 over a refc binary, heap_bin_words(bytes + extra) over a heap binary, plus a 5-word sub
 * binary and 1–2 extra bytes when its bit offset or bit size is non-zero — and its original is
 * not counted through it; "distinct" means distinct address (erts_debug:same/2).
 * One deliberate difference: OTP 25's size_shared (erts_debug:size_shared/1) counts every HAMT
 * node twice (reference §9.2); size_shared_litopt counts each node once, like erts_debug:size/1.
 *
 * None of these recurse in C (million-deep terms are fine) and none writes to the source, so
 * other threads may read the term meanwhile. Nothing here allocates on a heap or collects:
 * the caller provides the destination words, and the source must not move (no GC) between
 * measuring and copying. `oh` must not be NULL when the term may hold a refc binary or a magic ref.
 */
#ifndef HS_COPY_H
#define HS_COPY_H

#include "heap.h"

Uint size_object(Term t);
Uint size_object_litopt(Term t);
Uint size_shared(Term t);
Uint size_shared_litopt(Term t);
/*
 * size_shared_litopt(t) when flat = size_object_litopt(t) is known: below 6 words no term
 * holds one object twice (that takes a container of two references, a cons at least, and an
 * object of at least 2 words: 2 + 2 + 2), so the shared size is the flat one and nothing is
 * walked. A sampled send of a small message (the common case) then costs no address map.
 */
Uint size_shared_litopt_flat(Term t, Uint flat);

/* Copies t into the sz words at *hpp (sz from the matching size function, exactly: a mismatch
 * is a bug and aborts), advances *hpp by sz. Immediates come back as they are (sz 0); with
 * litopt, so do literals. */
Term copy_struct(Term t, Uint sz, Term **hpp, OffHeap *oh);
Term copy_struct_litopt(Term t, Uint sz, Term **hpp, OffHeap *oh);

/* Sharing-preserving copy in two passes (OTP's SHCOPY): calculate returns the words needed —
 * size_shared_litopt(t) with litopt, size_shared(t) without — and remembers t's objects by
 * address; perform copies each distinct object once into those words, so the copy has the
 * source's shape (same size_object, same size_shared). With litopt literal subterms stay
 * shared. info must be released with copy_shared_done, after perform or instead of it. */
typedef struct CopySharedInfo CopySharedInfo;
CopySharedInfo *copy_shared_calculate(Term t, bool litopt, Uint *words);
Term copy_shared_perform(CopySharedInfo *info, Term **hpp, OffHeap *oh);
void copy_shared_done(CopySharedInfo *info);

#endif
