/*
 * mailbox.c: order, the receive save point, fragments adopted on receive, accounting, literals
 * and binaries in copies, loss of sharing, signals in the same queue, the wake contract, the GC
 * hooks, and a multi-producer stress test (run it under TSan: docs/signals.md says how).
 *
 * Expected figures come from OTP 25.2.3 (erl on this machine, and reference/measure/msg1.erl):
 *   {X,X}, X = [1,2,3]: size 9 in the sender, flat_size 15 and size 15 in a receiver; the
 *     sharing-preserving copy (erts_debug:copy_shared) has size 9, flat_size 15;
 *   {LiteralList, a}: size_shared (literals excluded) 3 in the receiver: only the tuple is copied;
 *   a 1000-byte refc binary: 6 words in the receiver, refcount 2 (process_info(P, binary)),
 *     bin_vheap_size 125 after the receive;
 *   100 messages of lists:seq(1,100) (200 words) to an off_heap receiver: memory 171440 =
 *     2640 + 100 · (88 + 1600), total_heap_size 233 (the queue adds nothing to the heap).
 */
#include "testhelp.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <unistd.h>

#include "atom.h"
#include "bin.h"
#include "copy.h"
#include "gc.h"
#include "heap.h"
#include "hs.h"
#include "literal.h"
#include "mailbox.h"

/* ---- helpers -------------------------------------------------------------------------------- */

static Term tuple2(Heap *h, Term a, Term b)
{
    Term *p = heap_halloc(h, 3);
    p[0] = make_tuple_header(2);
    p[1] = a;
    p[2] = b;
    return make_boxed(p);
}

static Term seq(Heap *h, Sint from, Sint to)
{
    Term l = NIL;
    for (Sint i = to; i >= from; i--) l = cons_at(heap_halloc(h, 2), make_small(i), l);
    return l;
}

static Term atom(const char *s) { return atom_put(s, strlen(s)); }

static void push_imm(Mailbox *mb, Sint v) { mailbox_push(mb, mailbox_message_nocopy(make_small(v), NIL)); }

static void each_extra(void *ctx, GcVisitFn fn, void *arg) { mailbox_each_root(ctx, fn, arg); }

/* ---- order and receive ------------------------------------------------------------------------ */

TEST(fifo_order)
{
    Mailbox mb;
    mailbox_init(&mb);
    Heap h;
    heap_init(&h, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    for (Sint i = 1; i <= 5; i++) push_imm(&mb, i);
    CHECK_EQ(mailbox_len(&mb), 0); /* still in transit */
    CHECK_EQ(mailbox_fetch(&mb, 3, NULL, NULL), 3);
    CHECK_EQ(mailbox_len(&mb), 3);
    CHECK_EQ(mailbox_fetch(&mb, 100, NULL, NULL), 2);
    CHECK_EQ(mailbox_len(&mb), 5);
    Sint i = 1;
    for (Message *m = mailbox_first(&mb); m; m = mailbox_next(m)) CHECK_EQ(small_val(m->msg), i++);
    for (i = 1; i <= 5; i++) {
        CHECK(mailbox_peek(&mb) != NULL);
        CHECK_EQ(small_val(mailbox_remove(&mb, &h)), i);
    }
    CHECK(mailbox_peek(&mb) == NULL);
    CHECK_EQ(mailbox_len(&mb), 0);
    mailbox_destroy(&mb);
    heap_destroy(&h);
}

/* receive X when X > limit -> ...: scans from the save point, counting the messages it looks at. */
static Message *scan_for(Mailbox *mb, Sint limit, int *visits)
{
    for (Message *m; (m = mailbox_peek(mb)); mailbox_skip(mb)) {
        ++*visits;
        if (small_val(m->msg) > limit) return m;
    }
    return NULL;
}

TEST(selective_receive_save_point)
{
    Mailbox mb;
    mailbox_init(&mb);
    Heap h;
    heap_init(&h, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    for (Sint i = 1; i <= 3; i++) push_imm(&mb, i);
    mailbox_fetch(&mb, 100, NULL, NULL);
    int visits = 0;
    /* receive X when X > 10: looks at 1, 2, 3 and waits */
    CHECK(scan_for(&mb, 10, &visits) == NULL);
    CHECK_EQ(visits, 3);
    CHECK(mailbox_prepare_wait(&mb));
    CHECK_EQ(mailbox_push(&mb, mailbox_message_nocopy(make_small(4), NIL)), MAILBOX_PUSH_WAKE);
    push_imm(&mb, 20);
    mailbox_fetch(&mb, 100, NULL, NULL);
    /* woken: the scan resumes at 4, not at 1 */
    Message *m = scan_for(&mb, 10, &visits);
    CHECK(m != NULL && small_val(m->msg) == 20);
    CHECK_EQ(visits, 5);
    CHECK_EQ(small_val(mailbox_remove(&mb, &h)), 20);
    /* a new receive starts from the beginning: receive X when X > 2 finds 3 after 1, 2 */
    visits = 0;
    m = scan_for(&mb, 2, &visits);
    CHECK(m != NULL && small_val(m->msg) == 3);
    CHECK_EQ(visits, 3);
    CHECK_EQ(small_val(mailbox_remove(&mb, &h)), 3);
    /* the rest keeps its order: 1, 2, 4; a message removed from the middle left last right */
    Sint want[] = {1, 2, 4};
    int k = 0;
    for (m = mailbox_first(&mb); m; m = mailbox_next(m)) CHECK_EQ(small_val(m->msg), want[k++]);
    CHECK_EQ(k, 3);
    push_imm(&mb, 5);
    mailbox_fetch(&mb, 100, NULL, NULL);
    CHECK_EQ(mailbox_len(&mb), 4);
    /* a receive that times out resets the save point too */
    visits = 0;
    CHECK(scan_for(&mb, 100, &visits) == NULL);
    CHECK_EQ(visits, 4);
    mailbox_receive_done(&mb);
    visits = 0;
    m = scan_for(&mb, 4, &visits);
    CHECK(m != NULL && small_val(m->msg) == 5);
    CHECK_EQ(visits, 4);
    CHECK_EQ(small_val(mailbox_remove(&mb, &h)), 5);
    /* the last message was removed: appending still works */
    push_imm(&mb, 6);
    mailbox_fetch(&mb, 100, NULL, NULL);
    Sint want2[] = {1, 2, 4, 6};
    k = 0;
    for (m = mailbox_first(&mb); m; m = mailbox_next(m)) CHECK_EQ(small_val(m->msg), want2[k++]);
    CHECK_EQ(k, 4);
    mailbox_destroy(&mb);
    heap_destroy(&h);
}

/* ---- copies --------------------------------------------------------------------------------- */

TEST(loss_of_sharing_and_sharing_preserving)
{
    Heap s, r;
    heap_init(&s, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    heap_init(&r, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    Term x = seq(&s, 1, 3);
    Term xx = tuple2(&s, x, x);
    CHECK_EQ(size_shared(xx), 9); /* the sender's {X,X} */

    MessageSizes sz = {.want_shared = true};
    Message *m = mailbox_message_new(xx, make_pid(1), false, &sz);
    CHECK_EQ(sz.flat_words, 15);
    CHECK_EQ(sz.shared_words, 9);
    CHECK_EQ(sz.copied_words, 15);
    CHECK_EQ(mailbox_message_words(m), 15);
    CHECK(term_eq_exact(m->msg, xx));
    CHECK_EQ(size_shared(m->msg), 15); /* receiver: size 15 */

    MessageSizes sz2 = {.want_flat = true};
    Message *m2 = mailbox_message_new(xx, make_pid(1), true, &sz2);
    CHECK_EQ(sz2.shared_words, 9);
    CHECK_EQ(sz2.flat_words, 15);
    CHECK_EQ(sz2.copied_words, 9);
    CHECK_EQ(size_shared(m2->msg), 9);
    CHECK_EQ(size_object(m2->msg), 15);
    CHECK(term_eq_exact(m2->msg, xx));

    /* flat_words only when asked in sharing-preserving mode */
    MessageSizes sz3 = {0};
    mailbox_message_free(mailbox_message_new(xx, NIL, true, &sz3));
    CHECK_EQ(sz3.flat_words, 0);
    CHECK_EQ(sz3.shared_words, 9);

    Mailbox mb;
    mailbox_init(&mb);
    mailbox_push(&mb, m);
    mailbox_push(&mb, m2);
    mailbox_fetch(&mb, 10, NULL, NULL);
    Term t1 = mailbox_remove(&mb, &r);
    Term t2 = mailbox_remove(&mb, &r);
    CHECK(term_eq_exact(t1, xx));
    CHECK(term_eq_exact(t2, xx));
    CHECK_EQ(r.mbuf_sz, 24);
    CHECK(heap_in_young(&r, boxed_ptr(t1)));
    CHECK(heap_in_young(&r, boxed_ptr(t2)));
    GcRoots roots = {.xregs = (Term[]){t1, t2}, .live = 2, .each_extra = NULL, .ctx = NULL};
    CHECK(gc_verify(&r, &roots) == NULL);
    mailbox_destroy(&mb);
    heap_destroy(&s);
    heap_destroy(&r);
}

TEST(immediates_and_literals_not_copied)
{
    Heap s;
    heap_init(&s, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    Message *m = mailbox_message_new(atom("hello"), NIL, false, NULL);
    CHECK(m->data == NULL);
    CHECK(m->msg == atom("hello"));
    mailbox_message_free(m);

    Heap tmp;
    heap_init(&tmp, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    Term lit = literal_copy(seq(&tmp, 1, 10));
    heap_destroy(&tmp);
    CHECK(term_is_literal(lit));
    /* a literal alone: nothing copied (OTP: size_shared excl. literals 0) */
    MessageSizes sz = {0};
    m = mailbox_message_new(lit, NIL, false, &sz);
    CHECK(m->data == NULL);
    CHECK(m->msg == lit);
    CHECK_EQ(sz.flat_words, 0);
    mailbox_message_free(m);
    /* {Lit, a}: the tuple is copied (3 words), the list stays in the literal area */
    Term t = tuple2(&s, lit, atom("a"));
    for (int sharing = 0; sharing <= 1; sharing++) {
        m = mailbox_message_new(t, NIL, sharing, &sz);
        CHECK_EQ(sz.copied_words, 3);
        CHECK_EQ(mailbox_message_words(m), 3);
        CHECK(tuple_elem(m->msg, 1) == lit);
        CHECK(ptr_is_literal(list_ptr(tuple_elem(m->msg, 1))));
        CHECK(!ptr_is_literal(boxed_ptr(m->msg)));
        mailbox_message_free(m);
    }
    heap_destroy(&s);
}

TEST(refc_binary_in_message)
{
    Heap s, r;
    heap_init(&s, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    heap_init(&r, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    unsigned char *bytes;
    Term b = bin_new_uninit(&s, 1000, &bytes);
    memset(bytes, 'x', 1000);
    Binary *bin = procbin_ptr(b)->val;
    CHECK_EQ(atomic_load(&bin->refc), 1);
    Term msg = tuple2(&s, b, NIL);
    Message *m = mailbox_message_new(msg, NIL, false, NULL);
    CHECK_EQ(mailbox_message_words(m), 3 + 6); /* OTP: the binary is 6 words in the receiver */
    CHECK_EQ(atomic_load(&bin->refc), 2);
    CHECK(m->data->off_heap.first != NULL);
    CHECK_EQ(m->data->off_heap.overhead, 125);

    Mailbox mb;
    mailbox_init(&mb);
    mailbox_push(&mb, m);
    mailbox_fetch(&mb, 10, NULL, NULL);
    Uint oh_before = r.off_heap.overhead;
    Term got = mailbox_remove(&mb, &r);
    /* the ProcBin moved to the receiver's list with its vheap words (bin_vheap_size 125) */
    CHECK_EQ(r.off_heap.overhead - oh_before, 125);
    CHECK(r.off_heap.first == (OffHeapHeader *)procbin_ptr(tuple_elem(got, 1)));
    CHECK(r.mbuf->off_heap.first == NULL);
    CHECK_EQ(r.mbuf_sz, 9);
    GcRoots roots = {.xregs = &got, .live = 1, .each_extra = NULL, .ctx = NULL};
    CHECK(gc_verify(&r, &roots) == NULL);
    /* the receiver's GC keeps it alive and the fragment goes */
    gc_collect(&r, 0, &roots, true, GC_REASON_EXPLICIT, NULL);
    CHECK_EQ(r.mbuf_sz, 0);
    CHECK(term_eq_exact(got, msg));
    CHECK_EQ(atomic_load(&bin->refc), 2);
    heap_destroy(&r);
    CHECK_EQ(atomic_load(&bin->refc), 1);

    /* a message freed unreceived gives its reference back */
    m = mailbox_message_new(msg, NIL, false, NULL);
    CHECK_EQ(atomic_load(&bin->refc), 2);
    mailbox_push(&mb, m);
    mailbox_destroy(&mb); /* in transit */
    CHECK_EQ(atomic_load(&bin->refc), 1);
    heap_destroy(&s);
}

/* ---- accounting ------------------------------------------------------------------------------ */

TEST(accounting_on_heap_and_off_heap)
{
    Heap s, r;
    heap_init(&s, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    Term msg = seq(&s, 1, 100); /* 200 words */
    for (int off = 0; off <= 1; off++) {
        Mailbox mb;
        mailbox_init(&mb);
        mailbox_set_off_heap(&mb, off);
        for (int i = 0; i < 100; i++) mailbox_push(&mb, mailbox_message_new(msg, NIL, false, NULL));
        /* in transit: not counted yet */
        CHECK_EQ(mailbox_memory_bytes(&mb), 0);
        mailbox_fetch(&mb, 1000, NULL, NULL);
        CHECK_EQ(mailbox_len(&mb), 100);
        /* OTP off_heap: memory 171440 = 2640 (fresh process) + 168800 */
        CHECK_EQ(mailbox_memory_bytes(&mb), 171440 - 2640);
        CHECK_EQ(mailbox_all_data_words(&mb), 20000);
        CHECK_EQ(mailbox_onheap_data_words(&mb), off ? 0 : 20000);
        /* receiving one moves its words to the heap's fragments */
        heap_init(&r, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
        mailbox_remove(&mb, &r);
        CHECK_EQ(r.mbuf_sz, 200);
        CHECK_EQ(mailbox_len(&mb), 99);
        CHECK_EQ(mailbox_memory_bytes(&mb), 99 * (88 + 1600));
        CHECK_EQ(mailbox_onheap_data_words(&mb), off ? 0 : 19800);
        mailbox_destroy(&mb);
        heap_destroy(&r);
    }
    /* a self-sent on_heap message costs only its 88-byte node */
    Mailbox mb;
    mailbox_init(&mb);
    mailbox_enqueue_private(&mb, mailbox_message_nocopy(msg, make_pid(1)));
    CHECK_EQ(mailbox_len(&mb), 1);
    CHECK_EQ(mailbox_memory_bytes(&mb), 88);
    CHECK_EQ(mailbox_onheap_data_words(&mb), 0);
    /* the mode a message was pushed under sticks to it */
    mailbox_set_off_heap(&mb, true);
    mailbox_push(&mb, mailbox_message_new(msg, NIL, false, NULL));
    mailbox_set_off_heap(&mb, false);
    mailbox_push(&mb, mailbox_message_new(msg, NIL, false, NULL));
    mailbox_fetch(&mb, 10, NULL, NULL);
    CHECK_EQ(mailbox_all_data_words(&mb), 400);
    CHECK_EQ(mailbox_onheap_data_words(&mb), 200);
    CHECK_EQ(mailbox_memory_bytes(&mb), 3 * 88 + 400 * 8);
    mailbox_destroy(&mb);
    heap_destroy(&s);
}

/* ---- GC hooks ----------------------------------------------------------------------------- */

TEST(gc_roots_and_move_to_heap)
{
    Heap s, r;
    heap_init(&s, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    heap_init(&r, 1000, FULLSWEEP_AFTER_DEFAULT); /* 1598 words */
    Term x = seq(&s, 1, 3);
    Term xx = tuple2(&s, x, x);
    unsigned char *bytes;
    Term b = bin_new_uninit(&s, 800, &bytes);
    memset(bytes, 'y', 800);
    Term withbin = tuple2(&s, b, xx);
    Binary *bin = procbin_ptr(b)->val;

    Mailbox mb;
    mailbox_init(&mb);
    /* a self-sent term on r's heap (a root), two copied messages, one off_heap message */
    Term own = tuple2(&r, make_small(7), seq(&r, 1, 2));
    mailbox_enqueue_private(&mb, mailbox_message_nocopy(own, NIL));
    mailbox_push(&mb, mailbox_message_new(xx, NIL, true, NULL));       /* 9 words */
    mailbox_push(&mb, mailbox_message_new(withbin, NIL, false, NULL)); /* 3 + 6 + 15 */
    mailbox_set_off_heap(&mb, true);
    mailbox_push(&mb, mailbox_message_new(xx, NIL, false, NULL));
    mailbox_set_off_heap(&mb, false);
    /* a signal turned into a message: two fragments ('EXIT' tuple in front of the reason) */
    Message *sig = mailbox_signal_new(SIG_EXIT_LINKED, make_pid(9), NIL, xx);
    Term *hp = mailbox_message_extend(sig, 4);
    hp[0] = make_tuple_header(3);
    hp[1] = atom("EXIT");
    hp[2] = sig->from;
    hp[3] = sig->msg;
    sig->msg = make_boxed(hp);
    sig->kind = SIG_MESSAGE;
    mailbox_fetch(&mb, 10, NULL, NULL);
    mailbox_enqueue_private(&mb, sig);
    CHECK_EQ(mailbox_len(&mb), 5);
    CHECK_EQ(mailbox_onheap_data_words(&mb), 9 + 24 + 4 + 15);
    CHECK_EQ(atomic_load(&bin->refc), 2);

    int nroots = 0;
    for (Message *m = mailbox_first(&mb); m; m = mailbox_next(m)) nroots += m->data == NULL;
    CHECK_EQ(nroots, 1);
    GcRoots roots = {.xregs = NULL, .live = 0, .each_extra = each_extra, .ctx = &mb};
    /* the GC proper: the self-sent term survives as a root */
    gc_collect(&r, 0, &roots, true, GC_REASON_EXPLICIT, NULL);
    Message *first = mailbox_first(&mb);
    CHECK(first->msg != own); /* moved */
    CHECK(heap_in_young(&r, boxed_ptr(first->msg)));
    CHECK_EQ(small_val(tuple_elem(first->msg, 1)), 7);
    /* then OTP's move_msgs_to_heap */
    Term *htop0 = r.htop;
    Uint oh0 = r.off_heap.overhead;
    CHECK_EQ(mailbox_move_data_to_heap(&mb, &r, NULL, 0), 52);
    CHECK_EQ(r.htop - htop0, 52);
    CHECK_EQ(r.off_heap.overhead - oh0, 100);
    CHECK_EQ(mailbox_onheap_data_words(&mb), 0);
    CHECK_EQ(mailbox_all_data_words(&mb), 15); /* the off_heap one stays outside */
    CHECK_EQ(mailbox_memory_bytes(&mb), 5 * 88 + 15 * 8);
    CHECK_EQ(atomic_load(&bin->refc), 2);
    Message *m = mailbox_next(first);
    CHECK(term_eq_exact(m->msg, xx) && m->data == NULL);
    CHECK_EQ(size_shared(m->msg), 9); /* the sharing-preserving copy kept its shape */
    m = mailbox_next(m);
    CHECK(term_eq_exact(m->msg, withbin) && m->data == NULL);
    CHECK((Term *)r.off_heap.first >= htop0 && (Term *)r.off_heap.first < r.htop);
    m = mailbox_next(m);
    CHECK(m->data != NULL && (m->flags & MSG_OFF_HEAP));
    m = mailbox_next(m);
    CHECK(m->data == NULL && term_is_tuple(m->msg) && tuple_elem(m->msg, 1) == atom("EXIT"));
    CHECK(term_eq_exact(tuple_elem(m->msg, 3), xx));
    CHECK(gc_verify(&r, &roots) == NULL);
    /* all of it is roots now; another GC keeps every message */
    gc_collect(&r, 0, &roots, true, GC_REASON_EXPLICIT, NULL);
    CHECK(gc_verify(&r, &roots) == NULL);
    m = mailbox_next(mailbox_first(&mb));
    CHECK(term_eq_exact(m->msg, xx));
    CHECK(term_eq_exact(mailbox_next(m)->msg, withbin));
    CHECK_EQ(atomic_load(&bin->refc), 2);
    /* receive them all */
    Term got[5];
    for (int i = 0; i < 5; i++) got[i] = mailbox_remove(&mb, &r);
    CHECK(term_eq_exact(got[1], xx) && term_eq_exact(got[2], withbin) && term_eq_exact(got[3], xx));
    GcRoots roots2 = {.xregs = got, .live = 5, .each_extra = NULL, .ctx = NULL};
    CHECK(gc_verify(&r, &roots2) == NULL);
    mailbox_destroy(&mb);
    heap_destroy(&r);
    CHECK_EQ(atomic_load(&bin->refc), 1);
    heap_destroy(&s);
}

static void count_visit(Term *slot, void *arg)
{
    (void)slot;
    (*(int *)arg)++;
}

/* Only messages whose term is on the heap are roots: a long queue of immediates (a parent
 * collecting 'done' from its children) costs a collection no walk and no visits. */
TEST(gc_roots_only_heap_terms)
{
    Heap r;
    heap_init(&r, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    Mailbox mb;
    mailbox_init(&mb);
    for (int i = 0; i < 500; i++) push_imm(&mb, i);
    mailbox_fetch(&mb, 1000, NULL, NULL);
    int visits = 0;
    mailbox_each_root(&mb, count_visit, &visits);
    CHECK_EQ(visits, 0);
    Term own = tuple2(&r, make_small(1), make_small(2));
    mailbox_enqueue_private(&mb, mailbox_message_nocopy(own, NIL));
    for (int i = 0; i < 500; i++) push_imm(&mb, i);
    mailbox_fetch(&mb, 1000, NULL, NULL);
    mailbox_each_root(&mb, count_visit, &visits);
    CHECK_EQ(visits, 1);
    GcRoots roots = {.xregs = NULL, .live = 0, .each_extra = each_extra, .ctx = &mb};
    gc_collect(&r, 0, &roots, true, GC_REASON_EXPLICIT, NULL);
    CHECK(gc_verify(&r, &roots) == NULL);
    /* receive everything before it, then it: no roots are left */
    for (int i = 0; i < 500; i++) CHECK_EQ(small_val(mailbox_remove(&mb, &r)), i);
    Term t = mailbox_remove(&mb, &r);
    CHECK(term_is_tuple(t) && small_val(tuple_elem(t, 2)) == 2);
    visits = 0;
    mailbox_each_root(&mb, count_visit, &visits);
    CHECK_EQ(visits, 0);
    CHECK_EQ(mailbox_len(&mb), 500);
    mailbox_destroy(&mb);
    heap_destroy(&r);
}

/* ---- signals ----------------------------------------------------------------------------------- */

typedef struct SigLog {
    int kinds[16];
    Uint len_at[16];
    int n;
    int stop_after;
} SigLog;

static bool on_signal(void *ctx, Mailbox *mb, Message *sig)
{
    SigLog *log = ctx;
    log->kinds[log->n] = sig->kind;
    log->len_at[log->n] = mailbox_len(mb);
    log->n++;
    if (sig->kind == SIG_DOWN) {
        /* {'DOWN', Ref, process, Pid, Reason} */
        Term *hp = mailbox_message_extend(sig, 6);
        hp[0] = make_tuple_header(5);
        hp[1] = atom("DOWN");
        hp[2] = sig->ref;
        hp[3] = atom("process");
        hp[4] = sig->from;
        hp[5] = sig->msg;
        sig->msg = make_boxed(hp);
        sig->kind = SIG_MESSAGE;
        mailbox_enqueue_private(mb, sig);
    } else {
        mailbox_message_free(sig);
    }
    return log->n != log->stop_after;
}

TEST(signals_keep_their_place)
{
    Heap s, r;
    heap_init(&s, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    heap_init(&r, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    Mailbox mb;
    mailbox_init(&mb);
    Term ref = ref_at(heap_halloc(&s, 3));
    Term reason = tuple2(&s, atom("shutdown"), seq(&s, 1, 2));
    push_imm(&mb, 1);
    mailbox_push(&mb, mailbox_signal_new(SIG_LINK, make_pid(5), NIL, NIL));
    push_imm(&mb, 2);
    mailbox_push(&mb, mailbox_signal_new(SIG_MONITOR, make_pid(5), ref, NIL));
    mailbox_push(&mb, mailbox_signal_new(SIG_DOWN, make_pid(6), ref, reason));
    push_imm(&mb, 3);
    mailbox_push(&mb, mailbox_signal_new(SIG_EXIT, make_pid(5), NIL, atom("kill")));
    push_imm(&mb, 4);
    /* without a handler, fetching stops in front of the link signal */
    CHECK_EQ(mailbox_fetch(&mb, 100, NULL, NULL), 1);
    CHECK_EQ(mailbox_fetch(&mb, 100, NULL, NULL), 0);
    CHECK_EQ(mailbox_len(&mb), 1);
    CHECK(!mailbox_prepare_wait(&mb));
    SigLog log = {.stop_after = 4};
    /* the handler stops at the exit signal: message 4 stays in transit */
    CHECK_EQ(mailbox_fetch(&mb, 100, on_signal, &log), 6);
    CHECK_EQ(log.n, 4);
    CHECK_EQ(log.kinds[0], SIG_LINK);
    CHECK_EQ(log.len_at[0], 1);
    CHECK_EQ(log.kinds[1], SIG_MONITOR);
    CHECK_EQ(log.len_at[1], 2);
    CHECK_EQ(log.kinds[2], SIG_DOWN);
    CHECK_EQ(log.len_at[2], 2);
    CHECK_EQ(log.kinds[3], SIG_EXIT);
    CHECK_EQ(log.len_at[3], 4);
    CHECK_EQ(mailbox_len(&mb), 4);
    Term got[5];
    for (int i = 0; i < 4; i++) got[i] = mailbox_remove(&mb, &r);
    CHECK_EQ(small_val(got[0]), 1);
    CHECK_EQ(small_val(got[1]), 2);
    CHECK(term_is_tuple(got[2]) && tuple_elem(got[2], 1) == atom("DOWN"));
    CHECK(term_eq_exact(tuple_elem(got[2], 2), ref));
    CHECK(boxed_ptr(tuple_elem(got[2], 2)) != boxed_ptr(ref)); /* a copy */
    CHECK(tuple_elem(got[2], 4) == make_pid(6));
    CHECK(term_eq_exact(tuple_elem(got[2], 5), reason));
    CHECK_EQ(small_val(got[3]), 3);
    CHECK_EQ(mailbox_fetch(&mb, 100, on_signal, &log), 1);
    got[4] = mailbox_remove(&mb, &r);
    CHECK_EQ(small_val(got[4]), 4);
    GcRoots roots = {.xregs = got, .live = 5, .each_extra = NULL, .ctx = NULL};
    CHECK(gc_verify(&r, &roots) == NULL);
    mailbox_destroy(&mb);
    heap_destroy(&r);
    heap_destroy(&s);
}

/* ---- the wake contract ----------------------------------------------------------------------- */

TEST(wake_contract)
{
    Mailbox mb;
    mailbox_init(&mb);
    CHECK(!mailbox_is_waiting(&mb));
    CHECK(!mailbox_claim_wake(&mb));
    /* a queue with something in transit cannot wait */
    push_imm(&mb, 1);
    CHECK(!mailbox_prepare_wait(&mb));
    CHECK_EQ(mailbox_fetch(&mb, 100, NULL, NULL), 1);
    /* empty: wait; the first push wakes, the second does not */
    CHECK(mailbox_prepare_wait(&mb));
    CHECK(mailbox_is_waiting(&mb));
    CHECK_EQ(mailbox_push(&mb, mailbox_message_nocopy(make_small(2), NIL)), MAILBOX_PUSH_WAKE);
    CHECK(!mailbox_is_waiting(&mb));
    CHECK_EQ(mailbox_push(&mb, mailbox_message_nocopy(make_small(3), NIL)), MAILBOX_PUSH_QUEUED);
    CHECK(!mailbox_claim_wake(&mb));
    CHECK_EQ(mailbox_fetch(&mb, 100, NULL, NULL), 2);
    /* a timeout claims the wake: pushes after it do not */
    CHECK(mailbox_prepare_wait(&mb));
    CHECK(mailbox_claim_wake(&mb));
    CHECK(!mailbox_claim_wake(&mb));
    CHECK_EQ(mailbox_push(&mb, mailbox_message_nocopy(make_small(4), NIL)), MAILBOX_PUSH_QUEUED);
    CHECK_EQ(mailbox_fetch(&mb, 100, NULL, NULL), 1);
    CHECK_EQ(mailbox_len(&mb), 4);
    /* fetched everything: may wait again */
    CHECK(mailbox_prepare_wait(&mb));
    CHECK(mailbox_claim_wake(&mb));
    mailbox_destroy(&mb);
}

/* ---- many producers ------------------------------------------------------------------------- */

#define NPROD 8

typedef struct Stress {
    Mailbox mb;
    sem_t wake;
    _Atomic int wakes;
    Sint per_prod;
    int pause_every, pause_us;
} Stress;

typedef struct Producer {
    Stress *st;
    int id;
} Producer;

static void *producer(void *arg)
{
    Producer *p = arg;
    Stress *st = p->st;
    for (Sint i = 0; i < st->per_prod; i++) {
        Message *m;
        if (i % 8 == 0) {
            /* every eighth message is a tuple {Id, I} copied into a fragment */
            Term t[3] = {make_tuple_header(2), make_small(p->id), make_small(i)};
            m = mailbox_message_new(make_boxed(t), make_pid((Uint)p->id), false, NULL);
        } else {
            m = mailbox_message_nocopy(make_small((Sint)p->id << 32 | i), make_pid((Uint)p->id));
        }
        if (mailbox_push(&st->mb, m) == MAILBOX_PUSH_WAKE) {
            atomic_fetch_add(&st->wakes, 1);
            sem_post(&st->wake);
        }
        /* let the consumer catch up now and then, so that it waits and is woken */
        if (st->pause_every && i % st->pause_every == 0) usleep((useconds_t)st->pause_us);
    }
    return NULL;
}

/* nprod producers push per_prod messages each to one consumer, which receives them all, checks
 * per-producer order, and waits (prepare_wait + a semaphore the waking producer posts) whenever
 * it finds the queue empty. A lost wake-up would hang it: it gives up after 30 s. */
static void stress(int nprod, Sint per_prod, int pause_every, int pause_us, long *waits_out)
{
    static Stress st;
    mailbox_init(&st.mb);
    sem_init(&st.wake, 0, 0);
    atomic_store(&st.wakes, 0);
    st.per_prod = per_prod;
    st.pause_every = pause_every;
    st.pause_us = pause_us;
    pthread_t th[NPROD];
    Producer pr[NPROD];
    for (int i = 0; i < nprod; i++) {
        pr[i] = (Producer){&st, i};
        pthread_create(&th[i], NULL, producer, &pr[i]);
    }
    Heap h;
    heap_init(&h, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    Sint next[NPROD] = {0};
    long total = 0, bad = 0, waits = 0, since_reset = 0;
    long want = (long)nprod * per_prod;
    bool stuck = false;
    while (total < want && !stuck) {
        mailbox_fetch(&st.mb, 4096, NULL, NULL);
        for (Message *m; (m = mailbox_peek(&st.mb));) {
            Term from = m->from;
            Term t = mailbox_remove(&st.mb, &h);
            Sint id, i;
            if (term_is_tuple(t)) {
                id = small_val(tuple_elem(t, 1));
                i = small_val(tuple_elem(t, 2));
            } else {
                id = small_val(t) >> 32;
                i = small_val(t) & 0xFFFFFFFF;
            }
            if (id < 0 || id >= nprod || (Term)make_pid((Uint)id) != from || i != next[id]) bad++;
            else next[id]++;
            total++;
            since_reset++;
        }
        if (since_reset > 50000) {
            /* keep the consumer heap small: its fragments are garbage */
            heap_destroy(&h);
            heap_init(&h, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
            since_reset = 0;
        }
        if (total < want && mailbox_prepare_wait(&st.mb)) {
            waits++;
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_sec += 30;
            while (sem_timedwait(&st.wake, &ts) != 0)
                if (errno != EINTR) {
                    stuck = true; /* a lost wake-up */
                    break;
                }
        }
    }
    for (int i = 0; i < nprod; i++) pthread_join(th[i], NULL);
    CHECK(!stuck);
    CHECK_EQ(bad, 0);
    CHECK_EQ(total, want);
    for (int i = 0; i < nprod; i++) CHECK_EQ(next[i], per_prod);
    CHECK_EQ(mailbox_fetch(&st.mb, 10, NULL, NULL), 0);
    CHECK_EQ(atomic_load(&st.wakes), waits); /* one wake per wait, exactly */
    *waits_out = waits;
    mailbox_destroy(&st.mb);
    heap_destroy(&h);
    sem_destroy(&st.wake);
}

TEST(stress_many_producers)
{
    long waits;
    stress(NPROD, 100000, 64, 10, &waits);
    printf("  stress: 8 x 100000 messages, %ld waits\n", waits);
}

TEST(stress_wake_ups)
{
    long waits;
    stress(4, 2000, 1, 100, &waits);
    printf("  wake-ups: 4 x 2000 messages, %ld waits\n", waits);
    CHECK(waits > 100);
}

int main(void)
{
    hs_init();
    TH_RUN(fifo_order);
    TH_RUN(selective_receive_save_point);
    TH_RUN(loss_of_sharing_and_sharing_preserving);
    TH_RUN(immediates_and_literals_not_copied);
    TH_RUN(refc_binary_in_message);
    TH_RUN(accounting_on_heap_and_off_heap);
    TH_RUN(gc_roots_and_move_to_heap);
    TH_RUN(gc_roots_only_heap_terms);
    TH_RUN(signals_keep_their_place);
    TH_RUN(wake_contract);
    TH_RUN(stress_many_producers);
    TH_RUN(stress_wake_ups);
    return th_done();
}
