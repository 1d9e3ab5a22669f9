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
 * they are put on literal_offheap, a list no process sweeps, so no GC ever releases them.
 */
#include "literal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>


Term *literal_base, *literal_end;

static pthread_mutex_t literal_lock = PTHREAD_MUTEX_INITIALIZER;
static Term *literal_top;          /* [lock: literal_lock] */
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

Term literal_empty_tuple(void) { return empty_tuple; }
Term literal_empty_map(void) { return empty_map; }

Uint literal_used_words(void)
{
    pthread_mutex_lock(&literal_lock);
    Uint n = literal_base ? (Uint)(literal_top - literal_base) : 0;
    pthread_mutex_unlock(&literal_lock);
    return n;
}
