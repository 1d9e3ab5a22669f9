/*
 * map.h — maps: flatmaps up to 32 keys, the 16-way HAMT above (reference §1.2).
 *
 * A flatmap is [hdr][n][keys tuple][v1..vn], keys sorted in term order (=:= distinct). A hashmap
 * is a HAMT over OTP's 32-bit internal hash of the key, 4 bits per level; leaves are cons cells
 * [K|V]; a head node carries the map size. The hash and the node layouts follow OTP 25 exactly,
 * because they decide how many words a map takes and the order maps:to_list returns.
 *
 * Invariants (all checked against OTP 25.2.3, see map.c and test_map.c):
 *   - a map with at most MAP_SMALL_MAP_LIMIT keys is a flatmap, a larger one a hashmap: growing
 *     past 32 keys converts, and so does removing a key from a 33-key hashmap;
 *   - flatmap keys are in the exact term order (CMP_TERM): every integer before every float,
 *     then atoms, refs, funs, ports, pids, tuples, maps, [], lists, bitstrings;
 *   - a hashmap's shape depends only on its key set: a leaf at the shallowest level where its
 *     hash prefix is unique, a node for every prefix two keys share, the root a head array
 *     (18 words) when all 16 slots are used, else a head bitmap (2 + children); inner nodes are
 *     bitmap nodes (1 + children, 17 when full). After 8 levels the hash is spent and keys that
 *     still collide continue with the hash of the next salt round;
 *   - immediates hash by their word, so a hashmap with atom, pid or port keys has OTP's shape
 *     and order only where our atom indexes and pid numbers equal OTP's. Integers, floats,
 *     bignums, binaries, tuples and lists of those hash exactly as on OTP.
 *
 * Builders allocate with heap_halloc and never collect. Their heap use is OTP's, holes
 * included (a filler object where OTP leaves one), so heap figures stay comparable.
 * The empty map literal #{} is literal_empty_map(); maps:from_list([]) is a fresh heap map.
 */
#ifndef HS_MAP_H
#define HS_MAP_H

#include "heap.h"

#define MAP_SMALL_MAP_LIMIT 32

/* maps:new/0: the global literal #{} (0 heap words). */
Term map_new(void);
/* A flatmap (as opposed to a hashmap). */
bool map_is_flat(Term map);
Uint map_size(Term map);
/* Looks key up (=:= match). value may be NULL. */
bool map_get(Term map, Term key, Term *value);
/* maps:put/3: a new map with key => value. The map itself when key already maps to the very
 * same term word (as OTP 25). */
Term map_put(Heap *h, Term map, Term key, Term value);
/* maps:update/3 semantics: NONVALUE when the key is absent. */
Term map_update(Heap *h, Term map, Term key, Term value);
/* maps:remove/2. The map itself when key is absent. */
Term map_remove(Heap *h, Term map, Term key);
/* maps:from_list/1 (later duplicates win). NONVALUE when list is not a proper list of pairs. */
Term map_from_list(Heap *h, Term list);
/* As maps:from_list over n keys and values (later duplicates win). */
Term map_from_arrays(Heap *h, const Term *ks, const Term *vs, Uint n);
/* maps:to_list/1 in OTP's order (term order for flatmaps, hash order for hashmaps). */
Term map_to_list(Heap *h, Term map);
/* maps:keys/1 and maps:values/1, in maps:to_list order. */
Term map_keys(Heap *h, Term map);
Term map_values(Heap *h, Term map);
/* Calls fn for each pair in maps:to_list order; stops early when fn returns false. */
void map_foreach(Term map, bool (*fn)(Term key, Term value, void *arg), void *arg);
/* OTP's internal map hash of a key for the trie level `level`: the full 32-bit hash of the
 * salt round level / 8 (OTP 25's make_map_hash(Key, level / 8)); the slot at that level is
 * (hash >> 4 * (level % 8)) & 15. Level 0..7 is make_internal_hash(Key, 0). */
uint32_t map_hash(Term key, unsigned level);

#endif
