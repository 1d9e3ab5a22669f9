/*
 * procsig.h — links, monitors and exit signals: OTP's semantics over the signal queue.
 *
 * Every request between processes is a signal in the receiver's queue (mailbox.h), so one
 * sender's signals arrive in the order sent, messages included. The sets are kept by each end:
 *   links     a set of pids per process, on both ends. link/1 adds the caller's end at once and
 *             sends SIG_LINK; the target adds its end when it handles the signal. unlink/1
 *             removes the caller's end and sends SIG_UNLINK. An exit signal that comes "from a
 *             link" (SIG_EXIT_LINKED) acts only while the receiver still has that link, so an
 *             unlink followed by the other's exit never kills (OTP's guarantee).
 *   monitors  entries {ref, other pid, name} on both ends: the origin's (it asked) and the
 *             target's. A DOWN acts only while the origin still has the entry, so demonitor
 *             followed by a DOWN in flight delivers nothing (and demonitor(R, [flush]) removes
 *             a DOWN already queued).
 * A process that exits sends SIG_EXIT_LINKED to every linked pid and SIG_DOWN to every
 * process monitoring it, with its exit reason; signals that reach it after it is gone are
 * answered by sig_finalize with noproc, as OTP answers signals to a dead pid.
 *
 * Exit signal rules (erl_proc_sig_queue.c handle_exit_signal):
 *   reason kill from exit/2     untrappable: the receiver exits with killed;
 *   receiver traps exits        the signal becomes the message {'EXIT', From, Reason};
 *   reason normal               ignored, except exit(self(), normal) which exits normal;
 *   anything else               the receiver exits with Reason (a linked kill stays kill).
 *
 * [owner] for everything on a process's own sets; sending is [any thread].
 */
#ifndef HS_PROCSIG_H
#define HS_PROCSIG_H

#include "process.h"

/* Memory OTP counts for each link and monitor end (process_info(memory), measured). */
#define SIG_LINK_BYTES 40
#define SIG_MONITOR_BYTES 64
#define SIG_MONITOR_NAMED_BYTES 72

typedef struct Monitor {
    uint64_t ref;     /* the monitor reference's number */
    Term other;       /* the other end's pid */
    Term name;        /* the registered name it was asked by, or NIL */
    bool origin;      /* true: this process monitors `other`; false: `other` monitors it */
} Monitor;

typedef struct ProcLinks {
    Term *links;
    uint32_t n_links, cap_links;
    Monitor *mons;
    uint32_t n_mons, cap_mons;
} ProcLinks;

/* ---- the caller's side: BIFs ------------------------------------------------------------ */

/* link/1. A dead target: a caller trapping exits gets {'EXIT', Pid, noproc}; otherwise the
 * call fails (false: link/1 raises noproc), as OTP 25. */
bool sig_link(Process *p, Term pid);
void sig_unlink(Process *p, Term pid);
/* monitor(process, Target): target a pid or a registered name (name_given). Returns the ref. */
Term sig_monitor(Process *p, Term pid, Term name);
/* demonitor(Ref, [flush]): true if it was an active monitor. */
bool sig_demonitor(Process *p, Term ref, bool flush);
/* exit/2 to another pid (or to self: the signal is queued to self and handled at once by the
 * caller's next signal check). */
void sig_exit(Process *p, Term pid, Term reason);

/* spawn_link / spawn_monitor: both ends set up before the child is published. */
void sig_spawn_link(Process *parent, Process *child);
Term sig_spawn_monitor(Process *parent, Process *child);

/* Sends a signal to pid: true if it was queued, false (m freed) if pid is not alive. */
bool sig_send_to(Term pid, Message *m);

/* ---- the receiver's side -------------------------------------------------------------- */

/* Fetches in-transit signals (at most max) and handles the non-message ones. Returns false
 * when an exit signal says p must exit: p->exit_sig then holds it (its msg is the reason). */
bool sig_fetch(Process *p, Uint max);

/* The reason p exits with, once sig_fetch returned false. */
Term sig_exit_reason(Process *p);

/* p is exiting with reason (a term on p's heap or in p->exit_sig): tells links and monitors,
 * answers the signals already queued. [owner, after ptab_remove] */
void sig_process_exited(Process *p, Term reason);

/* The last reference to p went: answers whatever is still in its queue as a dead process. */
void sig_finalize(Process *p);

/* Links and monitors: counts, lists (process_info), memory, freeing. */
Uint sig_links_memory_bytes(const Process *p);
void sig_links_free(Process *p);
static inline const ProcLinks *sig_links(const Process *p) { return p->links; }

#endif
