/*
 * mailbox.c — the signal queue (mailbox.h; the protocol and its memory orders: docs/signals.md).
 *
 * The in-transit queue is Dmitry Vyukov's intrusive MPSC node queue: producers exchange the
 * head and then link the previous head to their node; the consumer walks from the tail. The
 * queue keeps a stub node so that the node it hands out is fully detached (no producer will
 * write its link again) and can at once be relinked into the private queue or freed. The wake
 * bit rides in bit 0 of the head, as in Pony's messageq.c, so that "was the receiver waiting?"
 * is answered by the same exchange that publishes the node.
 */
#include "mailbox.h"

#include <stdio.h>
#include <stdlib.h>

#include "bin.h"
#include "copy.h"
#include "probe.h"

#define WAITING ((uintptr_t)1)

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fprintf(stderr, "heapscope: out of memory for a %zu-byte message\n", n);
        abort();
    }
    return p;
}

static void mailbox_bug(const char *what)
{
    fprintf(stderr, "heapscope: mailbox bug: %s\n", what);
    abort();
}

/* ---- fragments ---------------------------------------------------------------------------- */

static HeapFrag *frag_new(Uint words)
{
    HeapFrag *f = xmalloc(sizeof(HeapFrag) + words * sizeof(Term));
    f->next = NULL;
    f->off_heap.first = NULL;
    f->off_heap.overhead = 0;
    f->alloc_size = words;
    f->used_size = words;
    if (PROBE_ON(native_alloc)) probe_native(NATIVE_MESSAGE, f, sizeof(HeapFrag) + words * sizeof(Term));
    return f;
}

/* Frees a chain of fragments that no heap adopted: their ProcBins hold binary references. */
static void frags_release(HeapFrag *f)
{
    while (f) {
        HeapFrag *next = f->next;
        for (OffHeapHeader *e = f->off_heap.first; e; e = e->next)
            if (hdr_subtag(e->thing_word) == SUB_REFC_BIN) binary_decref(((ProcBin *)e)->val);
        if (PROBE_ON(native_free)) probe_native(NATIVE_MESSAGE, f, 0);
        free(f);
        f = next;
    }
}

static Uint frags_words(const HeapFrag *f)
{
    Uint n = 0;
    for (; f; f = f->next) n += f->used_size;
    return n;
}

/* A term that needs no words of its own: what a litopt copy of size 0 returns (an immediate, a
 * literal, the global {}). */
static Term copy_nothing(Term t)
{
    if (!term_is_ptr(t)) return t;
    Term none[1];
    Term *hp = none;
    return copy_struct_litopt(t, 0, &hp, NULL);
}

HeapFrag *mailbox_copy_to_frag(Term t, bool sharing_preserving, MessageSizes *sizes, Term *out)
{
    MessageSizes local = {0};
    if (!sizes) sizes = &local;
    sizes->flat_words = sizes->shared_words = sizes->copied_words = 0;
    if (!term_is_ptr(t)) {
        *out = t;
        return NULL;
    }
    HeapFrag *f;
    Term *hp;
    if (!sharing_preserving) {
        Uint n = size_object_litopt(t);
        sizes->flat_words = n;
        if (sizes->want_shared) sizes->shared_words = size_shared_litopt_flat(t, n);
        if (n == 0) {
            *out = copy_nothing(t);
            return NULL;
        }
        f = frag_new(n);
        hp = f->mem;
        *out = copy_struct_litopt(t, n, &hp, &f->off_heap);
    } else {
        Uint n;
        CopySharedInfo *info = copy_shared_calculate(t, true, &n);
        sizes->shared_words = n;
        if (sizes->want_flat) sizes->flat_words = size_object_litopt(t);
        if (n == 0) {
            copy_shared_done(info);
            *out = copy_nothing(t);
            return NULL;
        }
        f = frag_new(n);
        hp = f->mem;
        *out = copy_shared_perform(info, &hp, &f->off_heap);
        copy_shared_done(info);
    }
    if (hp != f->mem + f->used_size) mailbox_bug("copy did not fill its fragment");
    sizes->copied_words = f->used_size;
    return f;
}

/* ---- nodes -------------------------------------------------------------------------------- */

static Message *node_new(SignalKind kind, Term from)
{
    Message *m = xmalloc(sizeof *m);
    atomic_init(&m->link.next, NULL);
    m->msg = NIL;
    m->data = NULL;
    m->from = from;
    m->ref = NIL;
    m->aux = NULL;
    m->kind = (uint16_t)kind;
    m->flags = 0;
    m->pad_ = 0;
    return m;
}

Message *mailbox_message_new(Term msg, Term from, bool sharing_preserving, MessageSizes *sizes)
{
    Message *m = node_new(SIG_MESSAGE, from);
    m->data = mailbox_copy_to_frag(msg, sharing_preserving, sizes, &m->msg);
    return m;
}

Message *mailbox_message_nocopy(Term msg, Term from)
{
    Message *m = node_new(SIG_MESSAGE, from);
    m->msg = msg;
    return m;
}

Message *mailbox_signal_new(SignalKind kind, Term from, Term ref, Term reason)
{
    Message *m = node_new(kind, from);
    Uint nref = term_is_ptr(ref) ? size_object_litopt(ref) : 0;
    Uint nreason = term_is_ptr(reason) ? size_object_litopt(reason) : 0;
    if (nref + nreason == 0) {
        m->ref = copy_nothing(ref);
        m->msg = copy_nothing(reason);
        return m;
    }
    HeapFrag *f = frag_new(nref + nreason);
    Term *hp = f->mem;
    m->ref = nref ? copy_struct_litopt(ref, nref, &hp, &f->off_heap) : copy_nothing(ref);
    m->msg = nreason ? copy_struct_litopt(reason, nreason, &hp, &f->off_heap) : copy_nothing(reason);
    m->data = f;
    return m;
}

Term *mailbox_message_extend(Message *m, Uint words)
{
    HeapFrag *f = frag_new(words);
    f->next = m->data;
    m->data = f;
    return f->mem;
}

void mailbox_message_free(Message *m)
{
    frags_release(m->data);
    free(m);
}

Uint mailbox_message_words(const Message *m) { return frags_words(m->data); }

/* ---- the in-transit queue ----------------------------------------------------------------- */

void mailbox_init(Mailbox *mb)
{
    atomic_init(&mb->stub.next, NULL);
    atomic_init(&mb->head, (uintptr_t)&mb->stub);
    atomic_init(&mb->off_heap, 0);
    mb->scan_skips = 0;
    mb->tail = &mb->stub;
    atomic_init(&mb->priv.next, NULL);
    mb->last = &mb->priv;
    mb->save = &mb->priv;
    atomic_init(&mb->len, 0);
    mb->onheap_words = 0;
    mb->all_words = 0;
    mb->heap_roots = 0;
}

/* Appends n; returns the previous head word (with its WAITING bit). */
static uintptr_t push_link(Mailbox *mb, MsgLink *n)
{
    /* Relaxed: n is still private to this thread; the release half of the exchange below orders
     * this store before the next producer's store to n->next (that producer reads n from the
     * head with its own acquire exchange), so the NULL can never overwrite its link. */
    atomic_store_explicit(&n->next, NULL, memory_order_relaxed);
    /* acq_rel. Release: see above. Acquire: the producer that takes the WAITING bit from the
     * owner's release CAS (mailbox_prepare_wait) sees everything the owner saved before it
     * waited, since it is about to make the process runnable. The exchange is the producers'
     * serialisation point: it fixes the order in which their nodes will be seen. */
    uintptr_t prev = atomic_exchange_explicit(&mb->head, (uintptr_t)n, memory_order_acq_rel);
    MsgLink *p = (MsgLink *)(prev & ~WAITING);
    /* Release: the consumer reaches n only through this link, loaded with acquire, and must
     * then see n's fields and its fragment's words, written before the push. Until this store
     * the consumer sees the queue end at p (mailbox_fetch documents that window). */
    atomic_store_explicit(&p->next, n, memory_order_release);
    return prev;
}

MailboxPush mailbox_push(Mailbox *mb, Message *m)
{
    /* Relaxed: the mode is a hint for accounting; a push racing with process_flag may use
     * either mode, as in OTP. */
    if (atomic_load_explicit(&mb->off_heap, memory_order_relaxed)) m->flags |= MSG_OFF_HEAP;
    uintptr_t prev = push_link(mb, &m->link);
    return (prev & WAITING) ? MAILBOX_PUSH_WAKE : MAILBOX_PUSH_QUEUED;
}

/* Takes the oldest node, or NULL when the queue is empty or the next node is not linked yet.
 * A node returned here is detached: no producer holds it as its `prev` any more. */
static MsgLink *pop(Mailbox *mb)
{
    MsgLink *tail = mb->tail;
    /* Acquire (every load of a link here): pairs with push_link's release store of that link,
     * so the node it leads to is fully visible. */
    MsgLink *next = atomic_load_explicit(&tail->next, memory_order_acquire);
    if (tail == &mb->stub) {
        if (!next) return NULL;
        mb->tail = next;
        tail = next;
        next = atomic_load_explicit(&next->next, memory_order_acquire);
    }
    if (next) {
        mb->tail = next;
        return tail;
    }
    /* tail is the last linked node. Relaxed: the head is only compared here; if a producer
     * exchanges it after this load, the stub's own exchange below is ordered after that one
     * and the link check that follows sees the result (or the next pop does). */
    uintptr_t head = atomic_load_explicit(&mb->head, memory_order_relaxed);
    if ((MsgLink *)(head & ~WAITING) != tail) return NULL; /* a producer is between its two steps */
    /* Put the stub behind tail, so that tail gets a successor and can be handed out. */
    if (push_link(mb, &mb->stub) & WAITING) mailbox_bug("WAITING set while the owner pops");
    next = atomic_load_explicit(&tail->next, memory_order_acquire);
    if (next) {
        mb->tail = next;
        return tail;
    }
    return NULL;
}

/* A message whose term the GC must visit (mailbox_each_root): no fragment, a pointer. */
static inline bool is_heap_root(const Message *m) { return !m->data && term_is_ptr(m->msg); }

static void account_add(Mailbox *mb, const Message *m)
{
    mb->heap_roots += is_heap_root(m);
    Uint w = frags_words(m->data);
    mb->all_words += w;
    if (!(m->flags & MSG_OFF_HEAP)) mb->onheap_words += w;
    /* Relaxed load and store: the owner is the only writer; other threads read a recent value. */
    atomic_store_explicit(&mb->len, atomic_load_explicit(&mb->len, memory_order_relaxed) + 1,
                          memory_order_relaxed);
}

static void account_sub(Mailbox *mb, const Message *m)
{
    mb->heap_roots -= is_heap_root(m);
    Uint w = frags_words(m->data);
    mb->all_words -= w;
    if (!(m->flags & MSG_OFF_HEAP)) mb->onheap_words -= w;
    atomic_store_explicit(&mb->len, atomic_load_explicit(&mb->len, memory_order_relaxed) - 1,
                          memory_order_relaxed);
}

/* Private-queue links are touched by the owner only: relaxed accesses, plain loads and stores
 * on every target we build for. */
static inline MsgLink *link_get(MsgLink *l) { return atomic_load_explicit(&l->next, memory_order_relaxed); }
static inline void link_set(MsgLink *l, MsgLink *n) { atomic_store_explicit(&l->next, n, memory_order_relaxed); }

void mailbox_enqueue_private(Mailbox *mb, Message *m)
{
    if (m->kind != SIG_MESSAGE) mailbox_bug("a non-message signal in the private queue");
    link_set(&m->link, NULL);
    link_set(mb->last, &m->link);
    mb->last = &m->link;
    account_add(mb, m);
}

Uint mailbox_fetch(Mailbox *mb, Uint max, MailboxSignalFn fn, void *ctx)
{
    Uint n = 0;
    while (n < max) {
        if (!fn) {
            /* Messages only: stop in front of the first other signal. The next node out is the
             * tail, or the stub's successor when the tail is the stub. Acquire as in pop. */
            MsgLink *nx = mb->tail != &mb->stub ? mb->tail
                                                : atomic_load_explicit(&mb->stub.next, memory_order_acquire);
            if (!nx || ((Message *)nx)->kind != SIG_MESSAGE) break;
        }
        MsgLink *l = pop(mb);
        if (!l) break;
        n++;
        Message *m = (Message *)l;
        if (m->kind == SIG_MESSAGE) {
            mailbox_enqueue_private(mb, m);
        } else if (!fn(ctx, mb, m)) {
            break;
        }
    }
    return n;
}

bool mailbox_prepare_wait(Mailbox *mb)
{
    /* Relaxed: the CAS below checks the same value again. */
    uintptr_t head = atomic_load_explicit(&mb->head, memory_order_relaxed);
    if (head & WAITING) mailbox_bug("prepare_wait while already waiting");
    /* Empty means: the consumer stands on the stub and the stub is the last node pushed. */
    if (mb->tail != &mb->stub || head != (uintptr_t)&mb->stub) return false;
    uintptr_t expect = head;
    /* Reset before the CAS: once WAITING is set the owner's fields belong to the waker. */
    uint32_t skips = mb->scan_skips;
    mb->scan_skips = 0;
    /* Release on success: the thread that clears WAITING (a producer's acq_rel exchange, or
     * mailbox_claim_wake's acquire CAS) then sees everything the owner did before waiting.
     * Relaxed on failure: a producer got in first; the owner just fetches again. */
    if (atomic_compare_exchange_strong_explicit(&mb->head, &expect, head | WAITING,
                                                memory_order_release, memory_order_relaxed))
        return true;
    mb->scan_skips = skips;
    return false;
}

bool mailbox_claim_wake(Mailbox *mb)
{
    uintptr_t head = atomic_load_explicit(&mb->head, memory_order_relaxed);
    while (head & WAITING) {
        /* Acquire on success: pairs with prepare_wait's release, as a producer's exchange does.
         * Failure reloads head: a producer may have taken the bit meanwhile. */
        if (atomic_compare_exchange_weak_explicit(&mb->head, &head, head & ~WAITING,
                                                  memory_order_acquire, memory_order_relaxed))
            return true;
    }
    return false;
}

bool mailbox_is_waiting(const Mailbox *mb)
{
    return (atomic_load_explicit(&mb->head, memory_order_relaxed) & WAITING) != 0;
}

void mailbox_destroy(Mailbox *mb)
{
    /* Take WAITING back so that pop's stub push does not see it. */
    mailbox_claim_wake(mb);
    for (MsgLink *l; (l = pop(mb));) mailbox_message_free((Message *)l);
    if (mb->tail != &mb->stub) mailbox_bug("destroy while a producer is still pushing");
    for (MsgLink *l = link_get(&mb->priv); l;) {
        MsgLink *next = link_get(l);
        mailbox_message_free((Message *)l);
        l = next;
    }
    mailbox_init(mb);
}

/* ---- receive ------------------------------------------------------------------------------ */

void mailbox_adopt_frags(Heap *h, HeapFrag *f)
{
    if (!f) return;
    HeapFrag *lastf = f;
    for (HeapFrag *g = f; g; g = g->next) {
        lastf = g;
        if (g->off_heap.first) {
            /* Young entries go ahead of the list (gc.h invariant 7: the old tail stays last). */
            OffHeapHeader *e = g->off_heap.first;
            while (e->next) e = e->next;
            e->next = h->off_heap.first;
            h->off_heap.first = g->off_heap.first;
            h->off_heap.overhead += g->off_heap.overhead;
            g->off_heap.first = NULL;
            g->off_heap.overhead = 0;
        }
        h->mbuf_sz += g->used_size;
        /* The heap owns the fragment now: process memory, no longer a native block. */
        if (PROBE_ON(native_free)) probe_native(NATIVE_MESSAGE, g, 0);
    }
    /* Behind the first fragment, which heap_halloc may still be filling. */
    if (h->mbuf) {
        lastf->next = h->mbuf->next;
        h->mbuf->next = f;
    } else {
        lastf->next = NULL;
        h->mbuf = f;
    }
}

Term mailbox_remove(Mailbox *mb, Heap *h)
{
    MsgLink *prev = mb->save;
    Message *m = (Message *)link_get(prev);
    if (!m) mailbox_bug("remove with no message at the save point");
    link_set(prev, link_get(&m->link));
    if (mb->last == &m->link) mb->last = prev;
    account_sub(mb, m);
    mb->save = &mb->priv;
    mb->scan_skips = 0;
    Term t = m->msg;
    mailbox_adopt_frags(h, m->data);
    free(m);
    return t;
}

/* ---- GC ----------------------------------------------------------------------------------- */

void mailbox_each_root(Mailbox *mb, GcVisitFn fn, void *arg)
{
    Uint left = mb->heap_roots;
    for (MsgLink *l = link_get(&mb->priv); l && left; l = link_get(l)) {
        Message *m = (Message *)l;
        if (is_heap_root(m)) {
            fn(&m->msg, arg);
            left--;
        }
    }
}

typedef struct Reloc {
    const Term *lo, *hi; /* the fragment's words */
    Term *to;            /* where they went */
} Reloc;

static void reloc_slot(Term *slot, const Reloc *r, size_t n)
{
    Term t = *slot;
    if (!term_is_ptr(t)) return;
    const Term *p = term_ptr(t);
    for (size_t i = 0; i < n; i++)
        if (p >= r[i].lo && p < r[i].hi) {
            *slot = (Term)(uintptr_t)(r[i].to + (p - r[i].lo)) | (t & TAG_PRIMARY_MASK);
            return;
        }
}

/* Walks the objects of [p, end) (gc.h invariant 2) and relocates their term words. */
static void reloc_area(Term *p, const Term *end, const Reloc *r, size_t n)
{
    while (p < end) {
        Term w = *p;
        if (term_is_header(w)) {
            Uint size = hdr_size(w);
            for (Uint i = 1 + hdr_raw_words(w); i < size; i++) reloc_slot(&p[i], r, n);
            p += size;
        } else {
            reloc_slot(&p[0], r, n);
            reloc_slot(&p[1], r, n);
            p += 2;
        }
    }
}

/* The fragments moved by one mailbox_move_data_to_heap, for relocating stale roots. */
typedef struct RelocSet {
    Reloc *r;
    size_t n, cap;
} RelocSet;

static void relocset_add(RelocSet *rs, const Reloc *r)
{
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? 2 * rs->cap : 64;
        Reloc *nr = realloc(rs->r, rs->cap * sizeof *nr);
        if (!nr) abort();
        rs->r = nr;
    }
    rs->r[rs->n++] = *r;
}

static int reloc_cmp(const void *a, const void *b)
{
    const Reloc *x = a, *y = b;
    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Relocates a root slot that points into a moved fragment (binary search over rs). */
static void relocset_slot(Term *slot, const RelocSet *rs)
{
    Term t = *slot;
    if (!term_is_ptr(t)) return;
    const Term *p = term_ptr(t);
    size_t lo = 0, hi = rs->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (rs->r[mid].hi <= p) lo = mid + 1;
        else hi = mid;
    }
    if (lo < rs->n && p >= rs->r[lo].lo && p < rs->r[lo].hi)
        *slot = (Term)(uintptr_t)(rs->r[lo].to + (p - rs->r[lo].lo)) | (t & TAG_PRIMARY_MASK);
}

/* Copies m's fragments to h->htop, relocating pointers between them, and frees them. */
static void move_message(Mailbox *mb, Message *m, Heap *h, RelocSet *rs)
{
    Reloc small[4], *r = small;
    size_t n = 0;
    for (HeapFrag *f = m->data; f; f = f->next) n++;
    if (n > 4) r = xmalloc(n * sizeof *r);
    Term *to = h->htop;
    size_t i = 0;
    for (HeapFrag *f = m->data; f; f = f->next, i++) {
        r[i].lo = f->mem;
        r[i].hi = f->mem + f->used_size;
        r[i].to = to;
        memcpy(to, f->mem, f->used_size * sizeof(Term));
        to += f->used_size;
    }
    for (i = 0; i < n; i++) reloc_area(r[i].to, r[i].to + (r[i].hi - r[i].lo), r, n);
    reloc_slot(&m->msg, r, n);
    reloc_slot(&m->ref, r, n);
    for (i = 0; i < n; i++) relocset_add(rs, &r[i]);
    i = 0;
    for (HeapFrag *f = m->data, *next; f; f = next, i++) {
        next = f->next;
        /* The copies carry the binary references now: relink them, no decref. */
        for (OffHeapHeader *e = f->off_heap.first, *enext; e; e = enext) {
            enext = e->next;
            OffHeapHeader *ne = (OffHeapHeader *)(r[i].to + ((const Term *)e - r[i].lo));
            ne->next = h->off_heap.first;
            h->off_heap.first = ne;
        }
        h->off_heap.overhead += f->off_heap.overhead;
        if (PROBE_ON(native_free)) probe_native(NATIVE_MESSAGE, f, 0);
        free(f);
    }
    if (r != small) free(r);
    h->htop = to;
    m->data = NULL;
}

void mailbox_each_data(const Mailbox *mb, GcAreaFn fn, void *arg)
{
    for (const Message *m = mailbox_first(mb); m; m = mailbox_next(m))
        for (const HeapFrag *f = m->data; f; f = f->next) fn(f->mem, f->mem + f->used_size, arg);
}

Uint mailbox_move_data_to_heap(Mailbox *mb, Heap *h, Term *xregs, unsigned live)
{
    Uint need = mb->onheap_words;
    if (need == 0) return 0;
    if (heap_free_words(h) < need) mailbox_bug("no room on the heap for the queued messages");
    RelocSet rs = {0};
    for (MsgLink *l = link_get(&mb->priv); l; l = link_get(l)) {
        Message *m = (Message *)l;
        if (!m->data || (m->flags & MSG_OFF_HEAP)) continue;
        Uint w = frags_words(m->data);
        move_message(mb, m, h, &rs);
        mb->onheap_words -= w;
        mb->all_words -= w;
        mb->heap_roots += is_heap_root(m);
    }
    /* Stale roots: a receive that skipped a message may have left pointers into it in stack
     * slots or registers (dead, but the collector scans them). They follow the data. */
    if (rs.n) {
        qsort(rs.r, rs.n, sizeof *rs.r, reloc_cmp);
        for (Term *s = h->stop; s < h->hend; s++) relocset_slot(s, &rs);
        for (unsigned i = 0; i < live; i++) relocset_slot(&xregs[i], &rs);
    }
    free(rs.r);
    return need;
}
