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
 */
#ifndef HS_COPY_H
#define HS_COPY_H

#include "heap.h"

Uint size_object(Term t);
Uint size_object_litopt(Term t);
Uint size_shared(Term t);
Uint size_shared_litopt(Term t);

/* Copies t into the sz words at *hpp (sz from the matching size function), advances *hpp. */
Term copy_struct(Term t, Uint sz, Term **hpp, OffHeap *oh);
Term copy_struct_litopt(Term t, Uint sz, Term **hpp, OffHeap *oh);

/* Sharing-preserving copy in two passes: calculate returns the words needed and fills info,
 * perform copies into them. info must be released with copy_shared_done. */
typedef struct CopySharedInfo CopySharedInfo;
CopySharedInfo *copy_shared_calculate(Term t, bool litopt, Uint *words);
Term copy_shared_perform(CopySharedInfo *info, Term **hpp, OffHeap *oh);
void copy_shared_done(CopySharedInfo *info);

#endif
