/*
 * literal.c — the literal area (see literal.h).
 *
 * One reserved range, as OTP's ERTS_LITERAL_VIRTUAL_AREA_SIZE on 64-bit Linux: mapped once with
 * MAP_NORESERVE so that the 1 GiB costs nothing until pages are touched, then handed out by a
 * bump pointer under a mutex. Because the range never moves and never shrinks, literal_base and
 * literal_end are written once (by literal_init, before any other thread exists) and read
 * without synchronisation everywhere else.
 *
 * ProcBins copied into the area hold a reference on their Binary for the life of the program:
 * they are put on literal_offheap, a list no process sweeps, so no GC ever releases them. The
 * Binaries are also listed in literal_bins, an ordinary malloc'd array: the only other pointers
 * to them are in the mmap'd area, which LeakSanitizer does not scan, and without the array every
 * sanitizer run would report each literal refc binary as leaked.
 */
#include "literal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "bin.h"
#include "copy.h"

Term *literal_base, *literal_end;

static pthread_mutex_t literal_lock = PTHREAD_MUTEX_INITIALIZER;
static Term *literal_top;          /* [lock: literal_lock] */
static OffHeap literal_offheap;    /* [lock: literal_lock] ProcBins in the area; never swept */
static Binary **literal_bins;      /* [lock: literal_lock] their Binaries (see above) */
static size_t literal_nbins, literal_bins_cap;
static Term empty_tuple, empty_map;

void literal_init(void)
{
    if (literal_base) return;
    void *p = mmap(NULL, LITERAL_AREA_BYTES, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        perror("heapscope: cannot reserve the literal area");
        abort();
    }
    literal_top = p;
    literal_end = (Term *)p + LITERAL_AREA_BYTES / sizeof(Term);
    literal_base = p;

    /* {}: OTP's ERTS_GLOBAL_LIT_EMPTY_TUPLE, a header with arity 0 and nothing else. */
    Term *t = literal_alloc(1);
    t[0] = make_tuple_header(0);
    empty_tuple = make_boxed(t);

    /* #{}: a flatmap with no values whose keys tuple is the empty tuple: [hdr][0][{}]. */
    Term *m = literal_alloc(3);
    m[0] = make_map_header(MAP_FLAT, 0, 2);
    m[1] = 0;
    m[2] = empty_tuple;
    empty_map = make_boxed(m);
}

Term *literal_alloc(Uint words)
{
    pthread_mutex_lock(&literal_lock);
    Term *p = NULL;
    if (literal_top && words <= (Uint)(literal_end - literal_top)) {
        p = literal_top;
        literal_top += words;
    }
    pthread_mutex_unlock(&literal_lock);
    return p;
}

/* Keeps b listed in literal_bins. [lock: literal_lock] */
static void remember_binary(Binary *b)
{
    if (literal_nbins == literal_bins_cap) {
        size_t cap = literal_bins_cap ? 2 * literal_bins_cap : 64;
        Binary **bins = realloc(literal_bins, cap * sizeof *bins);
        if (!bins) {
            fprintf(stderr, "heapscope: out of memory for the literal binary list\n");
            abort();
        }
        literal_bins = bins;
        literal_bins_cap = cap;
    }
    literal_bins[literal_nbins++] = b;
}

Term literal_copy(Term t)
{
    if (!term_is_ptr(t) || term_is_literal(t)) return t;
    /* size_object / copy_struct, not the _litopt pair: literal subterms are copied again, so the
     * result is one flat block whatever t points at (the empty tuple stays the global one). */
    Uint sz = size_object(t);
    Term *hp = literal_alloc(sz);
    if (!hp) return NONVALUE;
    /* copy_struct gives each copied ProcBin a reference of its own and links it on the list it
     * is handed. That list is literal_offheap, shared by every literal copy (hence the lock)
     * and swept by no GC, so the references are never dropped: literals live forever. */
    pthread_mutex_lock(&literal_lock);
    OffHeapHeader *before = literal_offheap.first;
    Term r = copy_struct(t, sz, &hp, &literal_offheap);
    for (OffHeapHeader *e = literal_offheap.first; e != before; e = e->next)
        if (hdr_subtag(e->thing_word) == SUB_REFC_BIN) remember_binary(((ProcBin *)e)->val);
    pthread_mutex_unlock(&literal_lock);
    return r;
}

Term literal_empty_tuple(void) { return empty_tuple; }
Term literal_empty_map(void) { return empty_map; }

Uint literal_used_words(void)
{
    pthread_mutex_lock(&literal_lock);
    Uint n = literal_base ? (Uint)(literal_top - literal_base) : 0;
    pthread_mutex_unlock(&literal_lock);
    return n;
}
