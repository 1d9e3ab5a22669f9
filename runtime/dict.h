/*
 * dict.h — the process dictionary, as OTP 25's erl_process_dict.c (checked against 25.2.3).
 *
 * Layout. A ProcDict is a malloc'd linear-hash table: a header and `size` Term slots. Slot i
 * (i < used) holds NIL (empty), a boxed {Key, Value} tuple (one entry) or a proper list of
 * such tuples (a collision chain); slots from `used` to `size` are NIL. The tuples and the
 * chain cells live on the process heap, where OTP puts them. Keys and values are stored as
 * they are (they already live on this heap or are literals): nothing is copied.
 *
 * Words on the heap, as measured on 25.2.3: put/2 of a new key makes a 3-word tuple, plus a
 * 2-word cell when the slot holds a chain, or two cells when it held one tuple. put/2 of an
 * existing key with an immediate value (small, atom, pid, port, []) writes the value into the
 * dictionary's tuple in place: 0 words. With any other value it makes a new tuple; in a chain
 * the old cell is unlinked and the new tuple goes in front (3 + 2 words). get/0 copies every
 * tuple (5 words an entry: a new tuple and a cell), because put/2 may later change the
 * dictionary's own tuples; erase/0 hands them out as they are (2 words an entry); get_keys/0
 * and get_keys/1 take 2 words a key. A grow or shrink step rebuilds the chains it splits or
 * merges, as OTP's does.
 *
 * Hashing. A key's hash is OTP's MAKE_HASH: a small integer's value (low 32 bits), an atom's
 * table index, else make_internal_hash(Key, 0) (map.h's map_hash(Key, 0)). Its slot is
 * hash & mask, folded to hash & (mask >> 1) when that is >= used. The table grows by
 * max(1, (used / 4) & 15) slots whenever it holds `used` entries or more, and after an erase
 * that leaves fewer than used / 2 it shrinks by 30 % of `used` (not below DICT_INITIAL_SLOTS).
 * So get/0 and get_keys/0 (slots in order, each chain in order, the result reversed) list the
 * entries in OTP's order whenever the keys hash as in OTP: small integers, and keys built of
 * integers, floats, binaries, lists and tuples of those. Atom keys hash by their index in our
 * atom table, which is not OTP's (OTP numbers atoms in the order its boot created them), and
 * compound keys holding atoms, pids or ports hash by our tag words: their order is our own,
 * as with ETS (docs/ets.md).
 *
 * Memory. The table's C memory is what OTP's erts_dicts_mem_size counts: sizeof(ProcDict)
 * (32 bytes on 64-bit) + (size - 1) words, size being 8 for a new table, then OTP's
 * next_array_size steps (10, 20, 40, ... 1280, ... 163840, ...). dict_memory_bytes returns
 * that; the table is allocated with exactly that many bytes.
 *
 * GC. The slots [0, used) are GC roots (dict_each_root): a collection updates them; the
 * tuples and cells they lead to are ordinary heap data. These functions never collect: they
 * allocate with heap_halloc (the block when it has room, else a fragment) and the VM's
 * after-BIF check collects when needed, where OTP collects at the start of put/2. Nothing
 * here makes old data point at younger data (gc.h sentence 3): in-place writes store only
 * immediates, and unlinking a chain cell points its predecessor at that cell's tail, which is
 * older than both.
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
/* get(): a list of fresh {Key, Value} copies in OTP's order. [] when empty. */
Term dict_get_all(const ProcDict *pd, Heap *h);
/* get_keys(): the keys, in the order of get(). */
Term dict_get_keys(const ProcDict *pd, Heap *h);
/* get_keys(Value): the keys whose value is =:= Value, in the order of get(). */
Term dict_get_keys_of(const ProcDict *pd, Heap *h, Term value);
/* erase(Key): the old value or undefined; the table may shrink (merging chains on h). */
Term dict_erase(ProcDict **pd, Heap *h, Term key);
/* erase(): the dictionary's own {Key, Value} tuples in get()'s order; frees the table (*pd
 * becomes NULL). */
Term dict_erase_all(ProcDict **pd, Heap *h);
/* Frees the table (its terms die with the heap). NULL is fine. */
void dict_free(ProcDict *pd);

/* Calls fn(key, value, arg) for each entry in table order, i.e. the reverse of get()'s list
 * (process_info(P, dictionary) builds get()'s order by prepending copies). NULL is fine. */
typedef void (*DictVisitFn)(Term key, Term value, void *arg);
void dict_each_entry(const ProcDict *pd, DictVisitFn fn, void *arg);

/* Number of entries. */
Uint dict_count(const ProcDict *pd);
/* OTP's erts_dicts_mem_size: bytes of the table, 0 when there is none. */
Uint dict_memory_bytes(const ProcDict *pd);
/* Calls fn on each root slot (for GcRoots.each_extra). NULL is fine. */
void dict_each_root(ProcDict *pd, GcVisitFn fn, void *arg);

#endif
