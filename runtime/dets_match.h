/*
 * dets_match.h — match specifications for dets:match/2, match_object/2 and select/2.
 *
 * A stand-in interpreter (see dets_match.c for the subset) until runtime/ets/match.c offers
 * one; results are built on the given heap with heap_halloc (never collects).
 */
#ifndef HS_DETS_MATCH_H
#define HS_DETS_MATCH_H

#include "heap.h"

/* A non-empty proper list of {Pattern, Guards, Body} with proper lists of guards and body. */
bool dets_ms_valid(Term ms);
/* The value of the first clause that matches obj, or NONVALUE. */
Term dets_ms_run(Term ms, Term obj, Heap *h);

#endif
