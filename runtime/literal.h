/*
 * literal.h — the literal area: constant terms of loaded modules, outside every process heap.
 *
 * As on OTP's 64-bit Linux build, literals live in one reserved virtual range, so "is this a
 * literal?" is an address-range test (no tag bit). The GC never copies or scans literals; send
 * and spawn leave them shared (copy_struct_litopt); ETS copies them (copy_struct). The area only
 * grows: we do not purge code. Allocation takes a mutex; reading literals needs nothing. [any]
 */
#ifndef HS_LITERAL_H
#define HS_LITERAL_H

#include "term.h"

#define LITERAL_AREA_BYTES ((Uint)1 << 30) /* 1 GiB reserved, committed as touched */

extern Term *literal_base, *literal_end; /* the reserved range; set by literal_init */

void literal_init(void);
static inline bool ptr_is_literal(const Term *p) { return p >= literal_base && p < literal_end; }
static inline bool term_is_literal(Term t) { return term_is_ptr(t) && ptr_is_literal(term_ptr(t)); }
/* n words in the area; NULL if the area is full. */
Term *literal_alloc(Uint words);
/* A flat copy of t in the literal area (refc binaries get a reference of their own). */
Term literal_copy(Term t);
/* The global literals: {} and #{} (OTP's ERTS_GLOBAL_LIT_EMPTY_TUPLE and the empty flatmap). */
Term literal_empty_tuple(void);
Term literal_empty_map(void);
/* Words allocated in the area (erlang:memory(code) counts them). */
Uint literal_used_words(void);

#endif
