/*
 * atom.h — the atom table.
 *
 * Atoms are immediates holding an index into one global table. The table never shrinks (as in
 * OTP) and holds at most ATOM_LIMIT atoms; past that, atom_put fails and the caller raises
 * system_limit. Lookups by index take no lock: entries are published with release stores into
 * fixed chunks that never move. Insertion takes a mutex. [any thread]
 */
#ifndef HS_ATOM_H
#define HS_ATOM_H

#include "term.h"

#define ATOM_LIMIT 1048576u     /* OTP's default +t */
#define ATOM_MAX_CHARS 255      /* characters in one atom's name, as OTP */

enum {
#define ATOM(c, s) ATOM_IDX_##c,
#include "atoms.def"
#undef ATOM
    ATOM_IDX_PREDEFINED_COUNT
};
#define AM(c) make_atom(ATOM_IDX_##c)

void atom_init(void);
/* The atom for name (bytes as Latin-1/UTF-8 text, exactly as given), created if needed.
 * NONVALUE when the table is full or the name is too long: raise system_limit. */
Term atom_put(const char *name, size_t len);
/* The existing atom for name, or NONVALUE (list_to_existing_atom). */
Term atom_get(const char *name, size_t len);
/* The name of an atom and its length in bytes. */
const char *atom_name(Term atom, size_t *len);
/* Atoms in the table now. */
Uint atom_count(void);
/* Bytes used by the table and the names (erlang:memory(atom) and atom_used). */
Uint atom_memory_bytes(void);
Uint atom_used_bytes(void);

#endif
