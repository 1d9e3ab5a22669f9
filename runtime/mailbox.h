/*
 * mailbox.h — a process's signal queue: messages and the other signals (exit, link, monitor…)
 * from any thread, OTP 25's two-part queue (erl_proc_sig_queue.c), and the accounting that
 * message_queue_data asks for. The protocol, with its memory orders, is in docs/signals.md.
 *
 * Parts.
 *   in-transit queue  a lock-free intrusive multi-producer single-consumer queue (Vyukov's, with
 *                     a stub node). Any thread pushes (mailbox_push) without a lock; only the
 *                     owner pops. Order is kept per producer thread, hence per sender-receiver
 *                     pair: a sender runs on one thread at a time and its pushes are sequenced.
 *   private queue     [owner only] messages that the owner fetched (mailbox_fetch), in arrival
 *                     order, with the receive save point. message_queue_len is its length.
 *   non-message signals travel in the same in-transit queue, so OTP's ordering guarantee holds
 *                     between all signals of one sender; mailbox_fetch hands each one to the
 *                     process layer's MailboxSignalFn in order, between the messages before and
 *                     after it.
 *
 * The wake contract. The in-transit head carries one WAITING bit. Only the owner sets it
 * (mailbox_prepare_wait), and only when the in-transit queue is empty; a producer's exchange
 * clears it, and exactly one clearing push returns MAILBOX_PUSH_WAKE: that caller, and no one
 * else, must make the receiver runnable. mailbox_claim_wake lets a non-producer (a timer, exit
 * handling) take the same wake-up; it too succeeds for exactly one claimant. So a process that
 * went to wait is enqueued exactly once, and a wait is never missed: mailbox_prepare_wait fails
 * if anything arrived since the owner last looked.
 *
 * Message data. A message owns its data: a chain of heap fragments (HeapFrag, heap.h) holding a
 * deep copy made by the sender (literals stay shared, refc binaries are referenced and their
 * ProcBins sit on the fragment's own off-heap list), or no fragment when the term needs no heap
 * (an immediate) or already lives on the receiver's heap (a self-send with on_heap: no copy, as
 * OTP). When a message is received (mailbox_remove), its fragments join the receiver's heap as
 * young heap fragments (h->mbuf, h->mbuf_sz) and their ProcBins move to the head of
 * h->off_heap with their vheap words (gc.h invariant 7: young entries first) — OTP's
 * erts_link_mbuf_to_proc.
 *
 * Accounting (reference §5.3, §6.1, §6.2). A message pushed while the receiver's mode is
 * off_heap is marked MSG_OFF_HEAP (OTP's combined message+fragment, ERTS_MSG_COMBINED_HFRAG);
 * others with a fragment are on-heap data. Over the private queue the mailbox keeps:
 *   mailbox_len                 message_queue_len;
 *   mailbox_onheap_data_words   attached words of messages not marked MSG_OFF_HEAP: with an
 *                               on_heap queue they count in total_heap_size, in gc_info's
 *                               mbuf_size and in the GC's young usage;
 *   mailbox_memory_bytes        per message sizeof(ErtsMessage) = 88 + attached words · 8, the
 *                               queue's share of process_info(memory).
 * Messages still in transit are not counted (OTP fetches them before it answers).
 *
 * GC with an on_heap queue. Roots: mailbox_each_root visits the term slot of every queued
 * message that has no fragment (its data is on the heap). The fragments of the other messages
 * are not heap areas: nothing in the heap points into them, so the collector leaves them alone.
 * After the collection has set high_water (OTP's move_msgs_to_heap, in minor and major alike)
 * the GC calls mailbox_move_data_to_heap, which copies each such fragment to htop (above the
 * high-water mark: the data is recent), moves its ProcBins to h->off_heap, frees it and leaves
 * the message with no fragment. The GC must have sized the new block with
 * mailbox_onheap_data_words counted in young usage so that the words are free.
 *
 * Threads: [any thread] mailbox_push, mailbox_claim_wake, mailbox_len_approx,
 * mailbox_set_off_heap's readers; everything else [owner only]: the thread running the process
 * (or the thread that destroys it, once no producer can reach it).
 */
#ifndef HS_MAILBOX_H
#define HS_MAILBOX_H

#include <stdatomic.h>

#include "heap.h"

/* OTP 25's sizeof(ErtsMessage) (reference §0): what each queued message costs in
 * process_info(memory), whatever our own node's size. */
#define MAILBOX_OTP_MESSAGE_BYTES 88

typedef enum SignalKind {
    SIG_MESSAGE = 0,  /* msg: the message */
    SIG_EXIT,         /* exit/2: from, msg = reason (kill is untrappable) */
    SIG_EXIT_LINKED,  /* a linked process exited: from, msg = reason (kill is trappable) */
    SIG_LINK,         /* from */
    SIG_UNLINK,       /* from */
    SIG_MONITOR,      /* from (the monitoring process), ref */
    SIG_DEMONITOR,    /* from, ref */
    SIG_DOWN,         /* from (the monitored pid), ref, msg = reason */
    SIG_GROUP_LEADER, /* from, msg = the new group leader */
    SIG_RPC,          /* aux: a request the owner runs when it fetches (process_info of another) */
} SignalKind;

/* Message flags. */
enum {
    MSG_OFF_HEAP = 1u << 0, /* pushed while the receiver was off_heap: never moved by its GC */
};

/* The in-transit link: the first member of a Message, also the queue's stub node. */
typedef struct MsgLink {
    _Atomic(struct MsgLink *) next;
} MsgLink;

/*
 * A signal node. Fields are written by the creator before mailbox_push publishes the node;
 * afterwards only the owner touches them. The terms (msg, ref) point into `data` or are
 * immediates or literals, except a self-sent on_heap message, whose term is on the heap.
 */
typedef struct Message {
    MsgLink link;     /* in transit: the MPSC link; in the private queue: next message */
    Term msg;         /* the message, or the signal's reason / payload term */
    HeapFrag *data;   /* the fragments holding msg and ref (a chain via HeapFrag.next), or NULL */
    Term from;        /* sender pid (immediate), or NIL */
    Term ref;         /* monitor reference for MONITOR, DEMONITOR, DOWN; else NIL */
    void *aux;        /* SIG_RPC: the process layer's request */
    uint16_t kind;    /* SignalKind */
    uint16_t flags;   /* MSG_* */
    uint32_t pad_;
} Message;

typedef struct Mailbox {
    /* [any thread] the in-transit head: a MsgLink* with MAILBOX_WAITING in bit 0. */
    _Atomic uintptr_t head;
    /* [any thread, read relaxed] 1 when message_queue_data is off_heap. */
    _Atomic unsigned char off_heap;
    /* Everything below is [owner only]. */
    uint32_t scan_skips; /* messages the running receive skipped (recvscan.h); 0 when it ends or
                          * waits */
    MsgLink *tail;     /* the in-transit consumer end */
    MsgLink stub;
    /* The private queue: priv.next is the first message; links are accessed relaxed (one
     * thread), through MsgLink so that no pointer type is punned. */
    MsgLink priv;
    MsgLink *last;     /* the last message's link, or &priv */
    MsgLink *save;     /* the receive save point: the next message to match is save->next */
    _Atomic Uint len;  /* private length: written by the owner only, readable relaxed by others */
    Uint onheap_words; /* attached words of queued messages not marked MSG_OFF_HEAP */
    Uint all_words;    /* attached words of all queued messages */
    Uint heap_roots;   /* queued messages whose term is on the heap (no fragment, a pointer):
                        * what mailbox_each_root visits; 0 lets a GC skip the queue walk */
} Mailbox;

/* ---- creating messages and signals ---------------------------------------------------- */

/* What mailbox_message_new measures for the probe. Set the want_* fields; the other size is
 * computed anyway (flat for a flat copy, shared for a sharing-preserving one). */
typedef struct MessageSizes {
    bool want_flat;    /* in: also compute flat_words in sharing-preserving mode */
    bool want_shared;  /* in: also compute shared_words in flat mode (a size_shared walk) */
    Uint flat_words;   /* out: size_object_litopt(msg), or 0 when not computed */
    Uint shared_words; /* out: size_shared_litopt(msg), or 0 when not computed */
    Uint copied_words; /* out: words of the copy (the fragment's used size) */
} MessageSizes;

/* Copies t into a new fragment sized exactly for it: a flat copy (copy_struct_litopt: sharing
 * lost, literals shared) or a sharing-preserving one (copy_shared_* with litopt). Returns NULL
 * with *out = t when t needs no words (an immediate, a literal). Spawn arguments use this too.
 * sizes may be NULL. [any thread; t must not move meanwhile] */
HeapFrag *mailbox_copy_to_frag(Term t, bool sharing_preserving, MessageSizes *sizes, Term *out);

/* A message carrying a copy of msg (mailbox_copy_to_frag), from sender `from`. */
Message *mailbox_message_new(Term msg, Term from, bool sharing_preserving, MessageSizes *sizes);

/* A message whose term is already where it should be: an immediate, a literal, or (self-send
 * with on_heap) a term on the receiver's own heap. No copy. */
Message *mailbox_message_nocopy(Term msg, Term from);

/* A non-message signal; reason and ref are copied (flat) into one fragment when they need
 * words. Pass NIL for what the kind does not use. */
Message *mailbox_signal_new(SignalKind kind, Term from, Term ref, Term reason);

/*
 * Adds a fragment of `words` words in front of m's data and returns its words, for the process
 * layer to build a message out of a signal's payload (an 'EXIT' or 'DOWN' tuple whose elements
 * are m->msg, m->ref…): it builds there, sets m->msg, m->kind = SIG_MESSAGE and queues m with
 * mailbox_enqueue_private. [owner of m]
 */
Term *mailbox_message_extend(Message *m, Uint words);

/* Frees m and its fragments (releasing their binary references). [owner of m] */
void mailbox_message_free(Message *m);

/* Words attached to m (the sum of its fragments' used sizes). */
Uint mailbox_message_words(const Message *m);

/* ---- the mailbox ------------------------------------------------------------------------ */

void mailbox_init(Mailbox *mb);
/* Frees every queued signal, in transit or private. Only when no producer can push any more
 * (the process layer's lifetime rule; docs/signals.md). */
void mailbox_destroy(Mailbox *mb);

typedef enum MailboxPush {
    MAILBOX_PUSH_QUEUED = 0, /* the receiver is running or already runnable: nothing to do */
    MAILBOX_PUSH_WAKE = 1,   /* the receiver was waiting: this caller must make it runnable */
} MailboxPush;

/* Publishes m to the receiver. Never blocks, never fails. Sets MSG_OFF_HEAP from the receiver's
 * current mode. [any thread] */
MailboxPush mailbox_push(Mailbox *mb, Message *m);

/*
 * Called by the process layer for each non-message signal fetched, in queue order. It owns sig
 * from then on: it frees it (mailbox_message_free) or turns it into a message and queues it
 * (mailbox_message_extend, mailbox_enqueue_private). Returns false to stop fetching (the
 * process is exiting): the signals after it stay in transit.
 */
typedef bool (*MailboxSignalFn)(void *ctx, Mailbox *mb, Message *sig);

/*
 * Moves up to max signals from the in-transit queue: messages to the end of the private queue,
 * the others to fn. With fn NULL it moves messages only and stops in front of the first other
 * signal, which stays in transit with everything behind it (order is kept: a message that
 * follows an exit signal must not be received before the exit is handled). Returns how many
 * signals it took. A producer caught between its exchange
 * and its link makes the queue look empty for that moment: the signals behind it are taken by
 * the next fetch (mailbox_prepare_wait fails meanwhile, so no wait is lost). [owner only]
 */
Uint mailbox_fetch(Mailbox *mb, Uint max, MailboxSignalFn fn, void *ctx);

/* Appends m (a message) to the private queue directly: a self-send with on_heap data (whose
 * term must be a GC root at once), or a signal the process layer turned into a message. */
void mailbox_enqueue_private(Mailbox *mb, Message *m);

/*
 * The owner is about to wait for signals. Returns true (with scan_skips reset: a receive that
 * waits starts a new scan when it resumes) and sets WAITING when the in-transit
 * queue is empty: from then on the process belongs to whoever gets MAILBOX_PUSH_WAKE or wins
 * mailbox_claim_wake, so call it last, after the process's state is saved (the CAS is a
 * release). Returns false when something is in transit: fetch and match again.
 */
bool mailbox_prepare_wait(Mailbox *mb);

/* Takes the wake-up of a waiting process without pushing (a receive timeout, a kill). True
 * for exactly one of the claimants and pushers of one wait. [any thread] */
bool mailbox_claim_wake(Mailbox *mb);

/* Is WAITING set? For assertions and tests; stale as soon as it returns. [any thread] */
bool mailbox_is_waiting(const Mailbox *mb);

/* ---- receive (OTP's loop_rec / loop_rec_end / remove_message / timeout) ------------------ */
/*
 * A receive looks at messages from the save point on: peek returns the message there (NULL at
 * the end of the private queue: fetch, then peek again, else wait); a message that does not
 * match is stepped over with mailbox_skip, which advances the save point. A match is taken
 * with mailbox_remove, a timeout ends with mailbox_receive_done: both put the save point back
 * at the start, so the next receive scans every message. While a receive waits, the save point
 * stays at the end, so messages that arrive are the only ones it matches: skipped messages are
 * never rescanned.
 */
static inline Message *mailbox_peek(const Mailbox *mb)
{
    return (Message *)atomic_load_explicit(&mb->save->next, memory_order_relaxed);
}
static inline void mailbox_skip(Mailbox *mb)
{
    mb->save = atomic_load_explicit(&mb->save->next, memory_order_relaxed);
}
/* mailbox_skip over every message up to and including m (m at or after the save point; the
 * caller walked there with mailbox_next). */
static inline void mailbox_skip_past(Mailbox *mb, Message *m) { mb->save = &m->link; }
static inline void mailbox_receive_done(Mailbox *mb)
{
    mb->save = &mb->priv;
    mb->scan_skips = 0;
}

/* Unlinks the message at the save point (there must be one), hands its fragments and their
 * ProcBins to h, frees the node, resets the save point (and scan_skips); returns the message
 * term. */
Term mailbox_remove(Mailbox *mb, Heap *h);

/* Links the fragment chain f into h as young fragments and moves their ProcBins to the head
 * of h->off_heap (spawn arguments use it too). */
void mailbox_adopt_frags(Heap *h, HeapFrag *f);

/* ---- introspection and accounting ------------------------------------------------------- */

static inline Uint mailbox_len(const Mailbox *mb)
{
    return atomic_load_explicit(&mb->len, memory_order_relaxed);
}
/* The private length as another thread may read it: a recent value, not a synchronised one. */
static inline Uint mailbox_len_approx(const Mailbox *mb) { return mailbox_len(mb); }
static inline Uint mailbox_onheap_data_words(const Mailbox *mb) { return mb->onheap_words; }
static inline Uint mailbox_all_data_words(const Mailbox *mb) { return mb->all_words; }
/* The private queue's share of process_info(memory), in bytes. */
static inline Uint mailbox_memory_bytes(const Mailbox *mb)
{
    return mailbox_len(mb) * MAILBOX_OTP_MESSAGE_BYTES + mb->all_words * sizeof(Term);
}

static inline void mailbox_set_off_heap(Mailbox *mb, bool off_heap)
{
    atomic_store_explicit(&mb->off_heap, off_heap ? 1 : 0, memory_order_relaxed);
}
static inline bool mailbox_is_off_heap(const Mailbox *mb)
{
    return atomic_load_explicit(&mb->off_heap, memory_order_relaxed) != 0;
}

/* Private-queue iteration in order (process_info(messages)). */
static inline Message *mailbox_first(const Mailbox *mb)
{
    return (Message *)atomic_load_explicit(&mb->priv.next, memory_order_relaxed);
}
static inline Message *mailbox_next(const Message *m)
{
    return (Message *)atomic_load_explicit(&m->link.next, memory_order_relaxed);
}

/* ---- GC with an on_heap queue ----------------------------------------------------------- */

/* Visits the term slot of every queued message without a fragment whose term is a pointer
 * (data on the heap). Walks the queue only when there is one: a long queue of immediates (or of
 * messages with fragments) costs a collection nothing. */
void mailbox_each_root(Mailbox *mb, GcVisitFn fn, void *arg);

/* Copies the fragments of every queued message not marked MSG_OFF_HEAP to h->htop (the caller
 * made mailbox_onheap_data_words(mb) words free), moves their ProcBins to h->off_heap, frees
 * them. Returns the words moved. [owner only, after the collection proper] */
Uint mailbox_move_data_to_heap(Mailbox *mb, Heap *h, Term *xregs, unsigned live);

/* Calls fn with the words of every fragment of the messages in the private queue (gc.h
 * sentence 11: a dead stack slot left by a receive may point there). [owner only] */
void mailbox_each_data(const Mailbox *mb, GcAreaFn fn, void *arg);

#endif
