/*
 * dict.h — the process dictionary, as OTP 25's erl_process_dict.c.
 *
 * Layout. A ProcDict is a malloc'd linear-hash table: a header and `size` Term slots. Slot i
 * (i < used) holds NIL (empty), a boxed {Key, Value} tuple (one entry) or a proper list of
 * such tuples (a collision chain); slots from `used` to `size` are NIL. The tuples and the
 * chain cells live on the process heap, exactly as OTP puts them there: put/2 allocates a
 * 3-word tuple and, on a collision, 2-word cons cells; a grow or shrink step rebuilds the
 * chains it splits or merges. Keys and values are stored as they are (they already live on
 * this heap): nothing is copied.
 *
 * Hashing. A key's hash is OTP's MAKE_HASH: a small integer's value (low 32 bits), an atom's
 * table index, else make_internal_hash(Key, 0) (map.h's map_hash(Key, 0)). Its slot is
 * hash & mask, folded to hash & (mask >> 1) when that is >= used. The table grows by
 * max(1, (used / 4) & 15) slots when it holds `used` entries or more, and shrinks by 30 % of
 * `used` (not below DICT_INITIAL_SLOTS) when fewer than used / 2 remain after an erase. So
 * get/0 and get_keys/0 (the slots in order, each chain in order, the result reversed) list
 * the pairs in OTP's order whenever the keys hash as in OTP: small integers, and compound
 * keys built of integers, floats, binaries and lists. Atom keys hash by their index in our
 * atom table, which is not OTP's (OTP numbers atoms in the order its boot loaded them): their
 * order is our own, as ETS's is for compound keys with atoms (docs/ets.md).
 *
 * Memory. The table's C memory is OTP's erts_dicts_mem_size: sizeof(ProcDict) (32 bytes on
 * 64-bit) + (size - 1) words, size being 8 at first, then OTP's next_array_size steps (10, 20,
 * 40, ... 1280, ...). dict_memory_bytes returns that figure; the table is allocated with that
 * many bytes.
 *
 * GC. The slots [0, used) are GC roots (dict_each_root): a collection updates them. The
 * functions here never collect: they allocate with heap_halloc (the block when it has room,
 * else a fragment), so the VM's after-BIF check collects when needed, where OTP collects at
 * the start of put/2. A chain cell is never changed to point at younger data (a replaced
 * entry rebuilds its chain's prefix, an erase relinks to an older tail), so old-heap data
 * never points into the young heap (gc.h sentence 3).
 *
 * [owner only]: a dictionary belongs to one process and is touched by its scheduler thread.
 */
#ifndef HS_DICT_H
#define HS_DICT_H

#include "heap.h"

#define DICT_INITIAL_SLOTS 8 /* OTP's erts_pd_initial_size (+hpds), a power of 2 */

typedef struct ProcDict ProcDict;

/* put(Key, Value): the old value, or undefined. Creates the table when *pd is NULL. */
Term dict_put(ProcDict **pd, Heap *h, Term key, Term value);
/* get(Key): the value, or undefined. pd may be NULL (an empty dictionary). */
Term dict_get(const ProcDict *pd, Term key);
/* get(): a list of {Key, Value} in OTP's order. [] when empty. */
Term dict_get_all(const ProcDict *pd, Heap *h);
/* get_keys(): the keys, in the order of get(). */
Term dict_get_keys(const ProcDict *pd, Heap *h);
/* get_keys(Value): the keys whose value is =:= Value, in the order of get(). */
Term dict_get_keys_of(const ProcDict *pd, Heap *h, Term value);
/* erase(Key): the old value or undefined; the table may shrink (merging chains on h). */
Term dict_erase(ProcDict **pd, Heap *h, Term key);
/* erase(): get() followed by freeing the table (*pd becomes NULL). */
Term dict_erase_all(ProcDict **pd, Heap *h);
/* Frees the table (its terms die with the heap). NULL is fine. */
void dict_free(ProcDict *pd);

/* Number of entries. */
Uint dict_count(const ProcDict *pd);
/* OTP's erts_dicts_mem_size: bytes of the table, 0 when there is none. */
Uint dict_memory_bytes(const ProcDict *pd);
/* Calls fn on each root slot (GcRoots.each_extra). NULL is fine. */
void dict_each_root(ProcDict *pd, GcVisitFn fn, void *arg);

#endif
