/*
 * ptab.c — the process table and the name registry (ptab.h).
 */
#include "ptab.h"

#include <stdlib.h>
#include <string.h>

#include "atom.h"

#define NSTRIPES 256

typedef struct Chunk {
    Process *slot[PTAB_CHUNK]; /* [stripe (number % NSTRIPES)] */
} Chunk;

static _Atomic(Chunk *) chunks[PTAB_MAX_CHUNKS];
static pthread_mutex_t chunk_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t stripes[NSTRIPES];
static pthread_once_t stripes_once = PTHREAD_ONCE_INIT;
static _Atomic Uint next_number = PTAB_FIRST_PID;
static _Atomic Uint live;

static void init_stripes(void)
{
    for (unsigned i = 0; i < NSTRIPES; i++) pthread_mutex_init(&stripes[i], NULL);
}

static pthread_mutex_t *stripe(Uint n)
{
    pthread_once(&stripes_once, init_stripes);
    return &stripes[n % NSTRIPES];
}

Uint ptab_next_number(void)
{
    return atomic_fetch_add_explicit(&next_number, 1, memory_order_relaxed);
}

Uint ptab_count(void) { return atomic_load_explicit(&live, memory_order_relaxed); }

static Chunk *chunk_for(Uint n, bool create)
{
    Uint c = n / PTAB_CHUNK;
    if (c >= PTAB_MAX_CHUNKS) return NULL;
    Chunk *ch = atomic_load_explicit(&chunks[c], memory_order_acquire);
    if (ch || !create) return ch;
    pthread_mutex_lock(&chunk_lock);
    ch = atomic_load_explicit(&chunks[c], memory_order_relaxed);
    if (!ch) {
        ch = calloc(1, sizeof *ch);
        if (!ch) abort();
        atomic_store_explicit(&chunks[c], ch, memory_order_release);
    }
    pthread_mutex_unlock(&chunk_lock);
    return ch;
}

void ptab_insert(Process *p)
{
    Uint n = pid_number(p->pid);
    Chunk *ch = chunk_for(n, true);
    if (!ch) abort(); /* beyond 2^28 pids: OTP's limit too */
    pthread_mutex_t *m = stripe(n);
    pthread_mutex_lock(m);
    __atomic_store_n(&ch->slot[n % PTAB_CHUNK], p, __ATOMIC_RELAXED);
    pthread_mutex_unlock(m);
    atomic_fetch_add_explicit(&live, 1, memory_order_relaxed);
}

void ptab_remove(Process *p)
{
    Uint n = pid_number(p->pid);
    Chunk *ch = chunk_for(n, false);
    if (!ch) return;
    pthread_mutex_t *m = stripe(n);
    pthread_mutex_lock(m);
    bool was = ch->slot[n % PTAB_CHUNK] == p;
    if (was) __atomic_store_n(&ch->slot[n % PTAB_CHUNK], NULL, __ATOMIC_RELAXED);
    pthread_mutex_unlock(m);
    if (was) atomic_fetch_sub_explicit(&live, 1, memory_order_relaxed);
}

Process *ptab_lookup(Term pid)
{
    if (!term_is_pid(pid)) return NULL;
    Uint n = pid_number(pid);
    Chunk *ch = chunk_for(n, false);
    if (!ch) return NULL;
    pthread_mutex_t *m = stripe(n);
    pthread_mutex_lock(m);
    Process *p = ch->slot[n % PTAB_CHUNK];
    if (p) process_retain(p);
    pthread_mutex_unlock(m);
    return p;
}

void ptab_each(bool (*fn)(Process *p, void *arg), void *arg)
{
    Uint end = atomic_load_explicit(&next_number, memory_order_relaxed);
    for (Uint n = PTAB_FIRST_PID; n < end; n++) {
        Chunk *ch = chunk_for(n, false);
        if (!ch) {
            n = (n / PTAB_CHUNK + 1) * PTAB_CHUNK - 1;
            continue;
        }
        /* A peek without the stripe (relaxed): skips empty slots cheaply; the lookup decides. */
        if (!__atomic_load_n(&ch->slot[n % PTAB_CHUNK], __ATOMIC_RELAXED)) continue;
        Process *p = ptab_lookup(make_pid(n));
        if (!p) continue;
        bool go = fn(p, arg);
        process_release(p);
        if (!go) return;
    }
}

/* ---- registered names: open addressing on the atom, under a rwlock ------------------------ */

typedef struct NameSlot {
    Term name; /* 0: empty; NONVALUE: deleted */
    Process *proc;
} NameSlot;

static pthread_rwlock_t names_lock = PTHREAD_RWLOCK_INITIALIZER;
static NameSlot *names;
static Uint names_cap, names_used, names_live;

static Uint name_hash(Term name) { return (Uint)(name * 0x9E3779B97F4A7C15ull) >> 7; }

static NameSlot *name_find(Term name)
{
    if (!names_cap) return NULL;
    for (Uint i = name_hash(name) & (names_cap - 1);; i = (i + 1) & (names_cap - 1)) {
        if (names[i].name == name) return &names[i];
        if (names[i].name == 0) return NULL;
    }
}

static void name_put(Term name, Process *p)
{
    Uint i = name_hash(name) & (names_cap - 1);
    while (names[i].name != 0 && names[i].name != NONVALUE) i = (i + 1) & (names_cap - 1);
    if (names[i].name == 0) names_used++;
    names[i].name = name;
    names[i].proc = p;
    names_live++;
}

static void names_grow(void)
{
    NameSlot *old = names;
    Uint old_cap = names_cap;
    names_cap = names_cap ? 2 * names_cap : 64;
    if (names_live * 4 < old_cap) names_cap = old_cap; /* mostly tombstones: rehash in place */
    names = calloc(names_cap, sizeof *names);
    if (!names) abort();
    names_used = names_live = 0;
    for (Uint i = 0; i < old_cap; i++)
        if (old[i].name != 0 && old[i].name != NONVALUE) name_put(old[i].name, old[i].proc);
    free(old);
}

bool ptab_register(Term name, Process *p)
{
    pthread_rwlock_wrlock(&names_lock);
    bool ok = p->reg_name == NIL && !name_find(name) && !process_is_exiting(p);
    if (ok) {
        if (2 * (names_used + 1) > names_cap) names_grow();
        name_put(name, p);
        p->reg_name = name;
    }
    pthread_rwlock_unlock(&names_lock);
    return ok;
}

Term ptab_unregister(Term name)
{
    Term pid = NIL;
    pthread_rwlock_wrlock(&names_lock);
    NameSlot *s = name_find(name);
    if (s) {
        pid = s->proc->pid;
        s->proc->reg_name = NIL;
        s->name = NONVALUE;
        s->proc = NULL;
        names_live--;
    }
    pthread_rwlock_unlock(&names_lock);
    return pid;
}

void ptab_unregister_process(Process *p)
{
    pthread_rwlock_wrlock(&names_lock);
    if (p->reg_name != NIL) {
        NameSlot *s = name_find(p->reg_name);
        if (s && s->proc == p) {
            s->name = NONVALUE;
            s->proc = NULL;
            names_live--;
        }
        p->reg_name = NIL;
    }
    pthread_rwlock_unlock(&names_lock);
}

Term ptab_whereis(Term name)
{
    pthread_rwlock_rdlock(&names_lock);
    NameSlot *s = name_find(name);
    Term pid = s ? s->proc->pid : NIL;
    pthread_rwlock_unlock(&names_lock);
    return pid;
}

Uint ptab_registered(Term *out, Uint max)
{
    Uint n = 0;
    pthread_rwlock_rdlock(&names_lock);
    for (Uint i = 0; i < names_cap; i++)
        if (names[i].name != 0 && names[i].name != NONVALUE) {
            if (n < max) out[n] = names[i].name;
            n++;
        }
    pthread_rwlock_unlock(&names_lock);
    return n;
}

Term ptab_send_dest(Term to)
{
    if (term_is_pid(to)) return to;
    if (term_is_atom(to)) {
        Term pid = ptab_whereis(to);
        return pid == NIL ? NONVALUE : pid;
    }
    if (term_is_tuple(to) && tuple_arity(to) == 2 && term_is_atom(tuple_elems(to)[1]) &&
        tuple_elems(to)[2] == AM(nonode_nohost))
        return ptab_whereis(tuple_elems(to)[1]);
    return NONVALUE;
}

Term ptab_name_of(Process *p)
{
    pthread_rwlock_rdlock(&names_lock);
    Term n = p->reg_name;
    pthread_rwlock_unlock(&names_lock);
    return n;
}

void ptab_reset(void)
{
    for (Uint c = 0; c < PTAB_MAX_CHUNKS; c++) {
        Chunk *ch = atomic_load_explicit(&chunks[c], memory_order_relaxed);
        if (ch) free(ch);
        atomic_store_explicit(&chunks[c], NULL, memory_order_relaxed);
    }
    free(names);
    names = NULL;
    names_cap = names_used = names_live = 0;
    atomic_store_explicit(&live, 0, memory_order_relaxed);
}
