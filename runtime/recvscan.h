/*
 * recvscan.h — a selective receive's long scan, done in C.
 *
 * A receive that skips a message runs, per message, recv_next, the clause heads' tests and
 * recv_skip: four to six dispatches, each decoding its operands again. When a scan goes on
 * (RECVSCAN_AFTER skips in one receive), recv_skip hands the rest of the queue to
 * recvscan_next, which decodes the clause heads once into a small program of the same tests
 * and runs it over the following messages, stopping at the first one some clause may accept.
 *
 * Invariants:
 *   1. Never too eager. A message the program rejects is one the VM's own code would have
 *      skipped: every step on a path to recv_skip is an exact copy of a VM instruction (type
 *      tests, comparisons, get_elem, get_list, jump). Anything else ends the path as "may
 *      match", and the VM then runs the real code on that message from recv_next on.
 *   2. The same registers. The tests write registers (get_elem's destinations, recv_next's
 *      message register); the program keeps them in slots loaded from the real registers when
 *      it starts and writes them back when it stops, so the registers are exactly what the VM
 *      would have left after skipping the same messages itself.
 *   3. Nothing else changes: no heap words, no reductions (recv_skip counts none either), and
 *      the save point moves only over rejected messages.
 *   4. The decoded program lives in a per-thread cache for one scan of one receive: it is
 *      decoded afresh at the RECVSCAN_AFTER-th skip of a scan (mailbox.h's scan_skips, reset
 *      whenever a receive ends or waits), so no other process's code or a reloaded module is
 *      ever run through a stale program.
 */
#ifndef HS_RECVSCAN_H
#define HS_RECVSCAN_H

#include "mailbox.h"
#include "vm.h"

/* Skips a scan makes the VM's way before the program takes over: a receive that skips a few
 * messages pays no decoding. */
#define RECVSCAN_AFTER 8

/*
 * Called by recv_skip after mailbox_skip, in a receive whose loop starts at `loop` (the
 * recv_next instruction). Moves the save point over every following message the receive's
 * clauses surely reject and returns the first one that may match (its term not yet in the
 * message register: the caller puts it there and runs the real code from loop + 3), or NULL
 * with the save point at the end of the private queue (the caller goes back to recv_next,
 * which fetches). x and y are the X registers and the frame (h->stop). [owner only]
 */
Message *recvscan_next(Mailbox *mb, const Instr *loop, Term *x, Term *y);

/* Whether the receive whose recv_next is at `loop` decodes into a usable program (its clause
 * heads start with tests the program copies): a check that the VM's forms, the load-time ones
 * included, are all known here by name. For tests; decodes afresh, caches nothing. */
bool recvscan_decodes(const Instr *loop);

#endif
