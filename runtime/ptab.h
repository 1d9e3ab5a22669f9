/*
 * ptab.h — the process table (pid → Process) and the registered names.
 *
 * Pids are numbers handed out in order and never reused (<0.N.0>; the first user process is
 * <0.80.0>, about where erl -noshell starts user code). The table is a two-level array: chunks
 * of PTAB_CHUNK slots, allocated on first use and never moved, so a slot's address is fixed.
 * Slots are guarded by striped mutexes: a lookup takes the stripe, reads the slot and retains
 * the process (process.h, Lifetime) before it lets go, so the process it returns cannot be
 * freed under it; removal takes the same stripe. The stripes are short critical sections that
 * never nest and never call out.
 *
 * Registered names: one hash map atom → pid under a reader-writer lock (sends to a name read
 * it; register and unregister are rare). A process's name is also kept in Process.reg_name,
 * under the same lock, so exit can unregister it.
 *
 * [any thread] everything.
 */
#ifndef HS_PTAB_H
#define HS_PTAB_H

#include "process.h"

#define PTAB_FIRST_PID 80
#define PTAB_CHUNK 4096
#define PTAB_MAX_CHUNKS 65536 /* 268M pids: the 28 bits of an OTP pid number */

/* Publishes p under its pid (process_new gave it the next number). */
void ptab_insert(Process *p);
/* Unpublishes p: lookups no longer find it. Does not release the table's reference. */
void ptab_remove(Process *p);
/* The process with this pid, retained (process_release it), or NULL when it is not alive. */
Process *ptab_lookup(Term pid);
/* The next pid number to hand out. */
Uint ptab_next_number(void);
/* Live processes now (a count kept by insert and remove). */
Uint ptab_count(void);

/* Calls fn for each live process in pid order, each retained for the call. fn returns false
 * to stop. */
void ptab_each(bool (*fn)(Process *p, void *arg), void *arg);

/* Registered names. register: false when the name is taken, or p already has one. */
bool ptab_register(Term name, Process *p);
/* Unregisters name; returns its pid, or NIL when it was not registered. */
Term ptab_unregister(Term name);
/* Unregisters whatever p is registered as (exit). */
void ptab_unregister_process(Process *p);
/* The pid registered as name, or NIL. */
Term ptab_whereis(Term name);
/* The registered names, into out (at most max); returns how many there are. */
Uint ptab_registered(Term *out, Uint max);
/* p's registered name or NIL. */
Term ptab_name_of(Process *p);

/* What a send to `to` reaches: a pid (a pid as is, or a registered name), NIL for an
 * unregistered {Name, node()} (the message is dropped, as OTP drops it), or NONVALUE when
 * `to` is no destination (an unregistered name, anything else: badarg). */
Term ptab_send_dest(Term to);

/* Frees every table (teardown, after every process is gone). */
void ptab_reset(void);

#endif
