/*
 * map.h — maps: flatmaps up to 32 keys, the 16-way HAMT above (reference §1.2).
 *
 * A flatmap is [hdr][n][keys tuple][v1..vn], keys sorted in term order (=:= distinct). A hashmap
 * is a HAMT over OTP's 32-bit internal hash of the key, 4 bits per level; leaves are cons cells
 * [K|V]; a head node carries the map size. The hash and the node layouts follow OTP 25 exactly,
 * because they decide how many words a map takes and the order maps:to_list returns.
 *
 * Builders allocate with heap_halloc and never collect.
 */
#ifndef HS_MAP_H
#define HS_MAP_H

#include "heap.h"

#define MAP_SMALL_MAP_LIMIT 32

Uint map_size(Term map);
/* Looks key up (=:= match). */
bool map_get(Term map, Term key, Term *value);
/* maps:put/3: a new map with key => value. */
Term map_put(Heap *h, Term map, Term key, Term value);
/* maps:update/3 semantics: NONVALUE when the key is absent. */
Term map_update(Heap *h, Term map, Term key, Term value);
/* maps:remove/2. */
Term map_remove(Heap *h, Term map, Term key);
/* maps:from_list/1 (later duplicates win). NONVALUE when list is not a proper list of pairs. */
Term map_from_list(Heap *h, Term list);
/* maps:to_list/1 in OTP's order (term order for flatmaps, hash order for hashmaps). */
Term map_to_list(Heap *h, Term map);
/* Calls fn for each pair in maps:to_list order; stops early when fn returns false. */
void map_foreach(Term map, bool (*fn)(Term key, Term value, void *arg), void *arg);
/* OTP's internal map hash of a key at hash level `level` (salted per 8 levels). */
uint32_t map_hash(Term key, unsigned level);

#endif
