/*
 * rtimer.h — the runtime's timers on the schedulers' wheels (timer.h): receive ... after, and
 * erlang:send_after / start_timer / cancel_timer / read_timer.
 *
 * Ownership. An RtTimer is shared by its wheel and its user and freed when both let go
 * (refs): the wheel lets go when the timer fires or when a cancel hands it back (at once, or
 * later through the release callback when another scheduler's wheel holds it); the user when
 * the receive ends or the BIF timer is cancelled or fired. A receive timer also holds a
 * reference to its process, so firing never touches a freed process.
 *
 * Receive timeouts: rtimer_receive_start arms p->recv_timer on the calling scheduler's wheel;
 * firing wakes p (mailbox_claim_wake + notify) and rtimer_receive_fired then says true. The
 * receive ends with rtimer_receive_done (a match, the timeout, or the process's exit).
 *
 * BIF timers: a table from the timer reference's number to the timer, under a lock, as OTP's
 * bif timer table. A fired timer sends its message (to a pid, or a name resolved at that
 * moment) and leaves the table.
 */
#ifndef HS_RTIMER_H
#define HS_RTIMER_H

#include "process.h"
#include "timer.h"

/* receive ... after ms. [owner] */
void rtimer_receive_start(Process *p, Uint ms);
bool rtimer_receive_fired(Process *p);
void rtimer_receive_done(Process *p);

/* erlang:send_after(Time, Dest, Msg) (start_timer when `wrap`: the message is {timeout, Ref,
 * Msg}). Returns the reference, built on p's heap. */
Term rtimer_bif_start(Process *p, Uint ms, Term dest, Term msg, bool wrap);
/* cancel_timer/read_timer: the milliseconds left, or -1 (false) when no such timer is pending.
 * cancel removes it. */
int64_t rtimer_bif_cancel(Term ref);
int64_t rtimer_bif_read(Term ref);

/* p exits: BIF timers aimed at its pid are cancelled (OTP). [any thread] */
void rtimer_dest_exited(Process *p);

/* The scheduler's hooks (runtime.c). */
void rtimer_advance(TimerWheel *w);
void rtimer_release(void *ctx, Timer *t);
/* Forgets every BIF timer (teardown, after the wheels are destroyed). */
void rtimer_reset(void);

#endif
