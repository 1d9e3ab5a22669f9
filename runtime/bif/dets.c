/*
 * dets.c — BIFs of the dets module: the table registry and OTP's argument checks and errors
 * over runtime/dets.h. Match specifications run on ets's engine (ets_ms_*, runtime/ets/match.c).
 * foldl/3, traverse/2, init_table/2,3 and to_ets/from_ets call funs or the ets module, and
 * update_counter/3 is OTP's lookup + setelement + insert: they are Erlang in
 * runtime/stdlib/dets.erl, over these BIFs and the hidden chunk BIF dets:'$hs_chunk'/2.
 *
 * Tables are named by atoms, one registry per runtime, under one lock (every operation holds
 * it: a DetsFile is not thread-safe, and the disk serialises anyway). A table opened n times
 * needs n closes (OTP's users count).
 *
 * auto_save (OTP: "flushed to disk whenever it is not accessed for Time milliseconds"): a
 * table with unsynced writes is synced once it has been idle for its period, by the saver, one
 * thread for the registry started with the first open; it touches tables only under the
 * registry lock and sleeps on a condition variable until the earliest idle deadline. A table
 * written without pause is also synced by the write that finds a period gone since its last
 * sync. Close syncs; infinity leaves the table to sync/close.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bif/bif.h"
#include "bignum.h"
#include "bin.h"
#include "copy.h"
#include "dets.h"
#include "ets/ets.h"
#include "etf.h"
#include "timer.h"

typedef struct Tab {
    Term name;
    DetsFile *f;
    unsigned users;
    Term owner;
    long auto_save; /* ms; -1 infinity */
    uint64_t last_sync_ms;
    uint64_t last_write_ms;
    bool dirty;     /* written since the last sync: the saver's business */
    struct Tab *next;
} Tab;

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t saver_wake; /* a table became dirty: the earliest deadline may move */
static Tab *tabs;

static Term at(const char *s) { return atom_put(s, strlen(s)); }

static Tab *tab_find(Term name)
{
    for (Tab *t = tabs; t; t = t->next)
        if (t->name == name) return t;
    return NULL;
}

static Term tuple2(Heap *h, Term a, Term b)
{
    Term *hp = heap_halloc(h, 3);
    hp[0] = make_tuple_header(2);
    hp[1] = a, hp[2] = b;
    return make_boxed(hp);
}

static Term tuple3(Heap *h, Term a, Term b, Term c)
{
    Term *hp = heap_halloc(h, 4);
    hp[0] = make_tuple_header(3);
    hp[1] = a, hp[2] = b, hp[3] = c;
    return make_boxed(hp);
}

static Term charlist(Heap *h, const char *s)
{
    size_t n = strlen(s);
    Term l = NIL;
    if (!n) return l;
    Term *hp = heap_halloc(h, 2 * n);
    for (size_t i = n; i-- > 0;) l = cons_at(hp + 2 * i, make_small((unsigned char)s[i]), l);
    return l;
}

static Term error2(Heap *h, Term reason) { return tuple2(h, AM(error), reason); }

/* A file name from a charlist, an atom or a binary; NULL when it is none of them. */
static char *filename_of(Term t)
{
    if (term_is_atom(t)) {
        size_t n;
        const char *s = atom_name(t, &n);
        return strndup(s, n);
    }
    BinView v;
    if (bin_view(t, &v)) {
        if (!bin_view_is_binary(&v) || v.bit_offset % 8) return NULL;
        return strndup((const char *)v.base + v.bit_offset / 8, v.bit_size / 8);
    }
    Sint n = list_length(t);
    if (n < 0) return NULL;
    char *s = malloc((size_t)n + 1);
    size_t i = 0;
    for (Term l = t; term_is_list(l); l = list_tail(l)) {
        Term c = list_head(l);
        if (!term_is_small(c) || small_val(c) < 1 || small_val(c) > 255) return free(s), NULL;
        s[i++] = (char)small_val(c);
    }
    s[i] = 0;
    return s;
}

static Term posix_atom(int e)
{
    switch (e) {
    case ENOENT: return at("enoent");
    case EACCES: return at("eacces");
    case EISDIR: return at("eisdir");
    case ENOTDIR: return at("enotdir");
    case EEXIST: return at("eexist");
    case ENOSPC: return at("enospc");
    case EROFS: return at("erofs");
    case EMFILE: return at("emfile");
    case ENAMETOOLONG: return at("enametoolong");
    case EPERM: return at("eperm");
    default: return at("eio");
    }
}

/* The {error, ...} of a failed operation on t's file. */
static Term op_error(Process *p, const char *file, DetsStatus st)
{
    Heap *h = &p->heap;
    Term f = charlist(h, file);
    switch (st) {
    case DETS_ERR_ACCESS: return error2(h, tuple2(h, at("access_mode"), f));
    case DETS_ERR_BADARG: return bif_badarg(p);
    default: return error2(h, tuple2(h, at("bad_object"), f));
    }
}

static void synced(Tab *t, uint64_t now)
{
    t->last_sync_ms = now;
    t->dirty = false;
}

/* [reg_lock] */
static void after_write(Tab *t)
{
    if (t->auto_save < 0 || dets_read_only(t->f)) return;
    uint64_t now = timer_now_ms();
    if (now - t->last_sync_ms >= (uint64_t)t->auto_save) {
        dets_sync(t->f);
        synced(t, now);
        return;
    }
    t->last_write_ms = now;
    if (!t->dirty) {
        t->dirty = true;
        pthread_cond_signal(&saver_wake);
    }
}

/* ---- the saver ---------------------------------------------------------------------------- */

/* Syncs every dirty table idle for its period; returns the earliest deadline still to come
 * (UINT64_MAX: none). [reg_lock] */
static uint64_t saver_pass(uint64_t now)
{
    uint64_t next = UINT64_MAX;
    for (Tab *t = tabs; t; t = t->next) {
        if (!t->dirty || t->auto_save < 0) continue;
        uint64_t due = t->last_write_ms + (uint64_t)t->auto_save;
        if (due <= now) {
            dets_sync(t->f);
            synced(t, now);
        } else if (due < next) {
            next = due;
        }
    }
    return next;
}

static void *saver_main(void *arg)
{
    pthread_mutex_lock(&reg_lock);
    for (;;) {
        uint64_t now = timer_now_ms(), next = saver_pass(now);
        if (next == UINT64_MAX) {
            pthread_cond_wait(&saver_wake, &reg_lock);
            continue;
        }
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts); /* the condition variable's clock */
        uint64_t ns = (uint64_t)ts.tv_nsec + (next - now) * 1000000u;
        ts.tv_sec += (time_t)(ns / 1000000000u);
        ts.tv_nsec = (long)(ns % 1000000000u);
        pthread_cond_timedwait(&saver_wake, &reg_lock, &ts);
    }
    return NULL;
}

static void saver_start(void)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&saver_wake, &ca);
    pthread_condattr_destroy(&ca);
    pthread_t th;
    if (pthread_create(&th, NULL, saver_main, NULL) == 0) pthread_detach(th);
}

/* ---- open_file / close / sync / all ------------------------------------------------------ */

typedef struct OpenArgs {
    DetsOpenOpts o;
    char *file;
    long auto_save;
} OpenArgs;

static bool parse_open(Term name, Term opts, OpenArgs *a)
{
    memset(a, 0, sizeof *a);
    a->o.type = DETS_SET;
    a->o.keypos = 1;
    a->o.repair = DETS_REPAIR_TRUE;
    a->o.type_given = a->o.keypos_given = true; /* OTP checks the defaults against the file too */
    a->auto_save = 180000;
    if (list_length(opts) < 0) return false;
    for (Term l = opts; term_is_list(l); l = list_tail(l)) {
        Term o = list_head(l);
        if (!term_is_tuple(o) || tuple_arity(o) != 2) return false;
        Term k = tuple_elem(o, 1), v = tuple_elem(o, 2);
        if (k == at("file")) {
            free(a->file);
            if (!(a->file = filename_of(v))) return false;
        } else if (k == at("type")) {
            if (v == at("set")) a->o.type = DETS_SET;
            else if (v == at("bag")) a->o.type = DETS_BAG;
            else if (v == at("duplicate_bag")) a->o.type = DETS_DUPLICATE_BAG;
            else return false;
        } else if (k == at("keypos")) {
            if (!term_is_small(v) || small_val(v) < 1 || small_val(v) > 0xFFFFFF) return false;
            a->o.keypos = (unsigned)small_val(v);
        } else if (k == at("repair")) {
            if (v == AM(true)) a->o.repair = DETS_REPAIR_TRUE;
            else if (v == AM(false)) a->o.repair = DETS_REPAIR_FALSE;
            else if (v == at("force")) a->o.repair = DETS_REPAIR_FORCE;
            else return false;
        } else if (k == at("access")) {
            if (v == at("read")) a->o.read_only = true;
            else if (v == at("read_write")) a->o.read_only = false;
            else return false;
        } else if (k == at("auto_save")) {
            if (v == at("infinity")) a->auto_save = -1;
            else if (term_is_small(v) && small_val(v) >= 0) a->auto_save = (long)small_val(v);
            else return false;
        } else if (k == at("ram_file") || k == at("estimated_no_objects") ||
                   k == at("min_no_slots") || k == at("max_no_slots")) {
            /* accepted and ignored: our index grows by itself */
        } else {
            return false;
        }
    }
    if (!a->file) {
        size_t n;
        const char *s = atom_name(name, &n);
        a->file = strndup(s, n);
    }
    return true;
}

/* OTP's dets prints these through the logger, which erl -noshell shows on stdout. */
static void report_repair(const char *file, DetsRepaired rep)
{
    fputs("dets: file \"", stdout);
    for (const char *c = file; *c; c++) {
        if (*c == '"' || *c == '\\') fputc('\\', stdout);
        fputc(*c, stdout);
    }
    fputs(rep == DETS_REPAIRED_FORCED ? "\" is now compacted ...\n"
                                      : "\" not properly closed, repairing ...\n", stdout);
    fflush(stdout);
}

/* At exit every open table is closed, as OTP's init:stop closes them: a program that never
 * called close/1 leaves a clean file. */
static void close_all_at_exit(void)
{
    pthread_mutex_lock(&reg_lock);
    while (tabs) {
        Tab *t = tabs;
        tabs = t->next;
        dets_close(t->f);
        free(t);
    }
    pthread_mutex_unlock(&reg_lock);
}

static void close_all_at_exit_register(void)
{
    atexit(close_all_at_exit);
    saver_start();
}

static Term bif_open_file(Process *p, const Term *args)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, close_all_at_exit_register);
    Heap *h = &p->heap;
    OpenArgs a;
    if (!term_is_atom(args[0]) || !parse_open(args[0], args[1], &a)) {
        if (term_is_atom(args[0])) free(a.file);
        return bif_badarg(p);
    }
    a.o.file = a.file;
    Term res;
    pthread_mutex_lock(&reg_lock);
    Tab *t = tab_find(args[0]);
    if (t) {
        bool same = strcmp(dets_filename(t->f), a.file) == 0 && dets_type(t->f) == a.o.type &&
                    dets_keypos(t->f) == a.o.keypos && dets_read_only(t->f) == a.o.read_only;
        if (same) t->users++;
        res = same ? tuple2(h, AM(ok), args[0]) : error2(h, at("incompatible_arguments"));
        pthread_mutex_unlock(&reg_lock);
        free(a.file);
        return res;
    }
    DetsFile *f;
    int err;
    DetsRepaired rep;
    DetsStatus st = dets_open(&a.o, &f, &err, &rep);
    if (rep != DETS_NOT_REPAIRED) report_repair(a.file, rep);
    if (st == DETS_OK) {
        t = calloc(1, sizeof *t);
        t->name = args[0];
        t->f = f;
        t->users = 1;
        t->owner = p->pid;
        t->auto_save = a.auto_save;
        t->last_sync_ms = timer_now_ms();
        t->next = tabs;
        tabs = t;
        res = tuple2(h, AM(ok), args[0]);
    } else {
        Term fn = charlist(h, a.file);
        switch (st) {
        case DETS_ERR_FILE: res = tuple3(h, at("file_error"), fn, posix_atom(err)); break;
        case DETS_ERR_NOT_DETS: res = tuple2(h, at("not_a_dets_file"), fn); break;
        case DETS_ERR_NEEDS_REPAIR: res = tuple2(h, at("needs_repair"), fn); break;
        case DETS_ERR_TYPE_MISMATCH: res = tuple2(h, at("type_mismatch"), fn); break;
        case DETS_ERR_KEYPOS_MISMATCH: res = tuple2(h, at("keypos_mismatch"), fn); break;
        default: res = tuple2(h, at("bad_object"), fn); break;
        }
        res = error2(h, res);
    }
    pthread_mutex_unlock(&reg_lock);
    free(a.file);
    return res;
}

static Term bif_close(Process *p, const Term *args)
{
    pthread_mutex_lock(&reg_lock);
    Tab **pp = &tabs;
    while (*pp && (*pp)->name != args[0]) pp = &(*pp)->next;
    Tab *t = *pp;
    if (!t) {
        pthread_mutex_unlock(&reg_lock);
        return error2(&p->heap, at("not_owner"));
    }
    Term res = AM(ok);
    if (--t->users == 0) {
        *pp = t->next;
        char *file = strdup(dets_filename(t->f));
        DetsStatus st = dets_close(t->f);
        if (st != DETS_OK) res = op_error(p, file, st);
        free(file);
        free(t);
    }
    pthread_mutex_unlock(&reg_lock);
    return res;
}

static Term bif_all(Process *p, const Term *args)
{
    pthread_mutex_lock(&reg_lock);
    Term l = NIL;
    for (Tab *t = tabs; t; t = t->next) l = cons_at(heap_halloc(&p->heap, 2), t->name, l);
    pthread_mutex_unlock(&reg_lock);
    return l;
}

/* Runs the body with the table locked, or raises badarg when there is none. */
#define WITH_TAB(p, name, t)                                                                   \
    pthread_mutex_lock(&reg_lock);                                                              \
    Tab *t = tab_find(name);                                                                    \
    if (!t) {                                                                                   \
        pthread_mutex_unlock(&reg_lock);                                                        \
        return bif_badarg(p);                                                                   \
    }

static Term finish(Process *p, Tab *t, DetsStatus st, Term ok)
{
    Term r = st == DETS_OK ? ok : op_error(p, dets_filename(t->f), st);
    pthread_mutex_unlock(&reg_lock);
    return r;
}

static Term bif_sync(Process *p, const Term *args)
{
    WITH_TAB(p, args[0], t);
    DetsStatus st = dets_sync(t->f);
    synced(t, timer_now_ms());
    return finish(p, t, st, AM(ok));
}

/* ---- writes -------------------------------------------------------------------------------- */

static bool objs_ok(Tab *t, Term objs)
{
    if (term_is_tuple(objs)) return tuple_arity(objs) >= dets_keypos(t->f);
    if (list_length(objs) < 0) return false;
    for (Term l = objs; term_is_list(l); l = list_tail(l)) {
        Term o = list_head(l);
        if (!term_is_tuple(o) || tuple_arity(o) < dets_keypos(t->f)) return false;
    }
    return true;
}

static DetsStatus insert_all(Tab *t, Term objs)
{
    if (term_is_tuple(objs)) return dets_insert(t->f, objs);
    DetsStatus st = DETS_OK;
    for (Term l = objs; st == DETS_OK && term_is_list(l); l = list_tail(l))
        st = dets_insert(t->f, list_head(l));
    return st;
}

static Term bif_insert(Process *p, const Term *args)
{
    WITH_TAB(p, args[0], t);
    if (!objs_ok(t, args[1])) return pthread_mutex_unlock(&reg_lock), bif_badarg(p);
    DetsStatus st = dets_read_only(t->f) ? DETS_ERR_ACCESS : insert_all(t, args[1]);
    after_write(t);
    return finish(p, t, st, AM(ok));
}

static Term bif_insert_new(Process *p, const Term *args)
{
    WITH_TAB(p, args[0], t);
    if (!objs_ok(t, args[1])) return pthread_mutex_unlock(&reg_lock), bif_badarg(p);
    if (dets_read_only(t->f)) return finish(p, t, DETS_ERR_ACCESS, AM(ok));
    DetsStatus st = DETS_OK;
    bool absent = true;
    if (term_is_tuple(args[1])) {
        st = dets_insert_new_check(t->f, args[1], &absent);
    } else {
        for (Term l = args[1]; st == DETS_OK && absent && term_is_list(l); l = list_tail(l))
            st = dets_insert_new_check(t->f, list_head(l), &absent);
    }
    if (st == DETS_OK && absent) st = insert_all(t, args[1]);
    after_write(t);
    return finish(p, t, st, absent ? AM(true) : AM(false));
}

static Term bif_delete(Process *p, const Term *args)
{
    WITH_TAB(p, args[0], t);
    DetsStatus st = dets_read_only(t->f) ? DETS_ERR_ACCESS : dets_delete(t->f, args[1]);
    after_write(t);
    return finish(p, t, st, AM(ok));
}

static Term bif_delete_object(Process *p, const Term *args)
{
    WITH_TAB(p, args[0], t);
    if (!objs_ok(t, args[1]) || !term_is_tuple(args[1]))
        return pthread_mutex_unlock(&reg_lock), bif_badarg(p);
    DetsStatus st = dets_read_only(t->f) ? DETS_ERR_ACCESS : dets_delete_object(t->f, args[1]);
    after_write(t);
    return finish(p, t, st, AM(ok));
}

static Term bif_delete_all_objects(Process *p, const Term *args)
{
    WITH_TAB(p, args[0], t);
    DetsStatus st = dets_read_only(t->f) ? DETS_ERR_ACCESS : dets_delete_all(t->f);
    after_write(t);
    return finish(p, t, st, AM(ok));
}

/* ---- reads ----------------------------------------------------------------------------- */

static Term dbif_lookup(Process *p, const Term *args)
{
    WITH_TAB(p, args[0], t);
    Term out = NIL;
    DetsStatus st = dets_lookup(t->f, args[1], &p->heap, &out);
    return finish(p, t, st, out);
}

static Term bif_member(Process *p, const Term *args)
{
    WITH_TAB(p, args[0], t);
    bool found = false;
    DetsStatus st = dets_member(t->f, args[1], &found);
    return finish(p, t, st, found ? AM(true) : AM(false));
}

/* A walk over the table's buckets running a match specification (runtime/ets/match.c, the
 * engine ets:select uses) on every object. Each object is decoded on a scratch heap that is
 * reset for the next one, so only what a scan returns lands on the caller's heap: a scan of a
 * large file keeps one object in RAM at a time. */
typedef struct Scan {
    Process *p;
    EtsMatchSpec *ms;  /* NULL: the objects as they are */
    Heap tmp;          /* the current object and the spec's view of it */
    bool tmp_ready;
    Term acc;          /* results on p's heap, newest first */
    uint64_t n;
    bool bad;          /* an undecodable record */
    bool del;          /* select_delete: collect objects whose result is true */
    Heap dh;           /* ...copied here until their bucket has been walked */
    bool dh_ready;
    Term *dels;
    size_t ndel, capdel;
    uint64_t deleted;
} Scan;

static void heap_renew(Heap *h, bool *ready)
{
    if (*ready) heap_destroy(h);
    heap_init(h, 233, 65535);
    *ready = true;
}

static void scan_done(Scan *s)
{
    if (s->tmp_ready) heap_destroy(&s->tmp);
    if (s->dh_ready) heap_destroy(&s->dh);
    free(s->dels);
    ets_ms_free(s->ms);
}

static bool del_push(Scan *s, Term o)
{
    if (s->ndel == s->capdel) {
        size_t cap = s->capdel ? 2 * s->capdel : 16;
        Term *d = realloc(s->dels, cap * sizeof *d);
        if (!d) return false;
        s->dels = d, s->capdel = cap;
    }
    Uint sz = size_object(o);
    Term *hp = heap_halloc(&s->dh, sz);
    OffHeap oh = {NULL, 0};
    s->dels[s->ndel++] = copy_struct(o, sz, &hp, &oh);
    for (OffHeapHeader *e = oh.first, *next; e; e = next) {
        next = e->next;
        heap_link_offheap(&s->dh, e, 0);
    }
    return true;
}

static bool scan_one(void *ctx, const unsigned char *obj, size_t olen)
{
    Scan *s = ctx;
    heap_renew(&s->tmp, &s->tmp_ready);
    Term o = etf_decode(&s->tmp, obj, olen, false, NULL);
    if (o == NONVALUE) return s->bad = true, false;
    Term r = s->ms ? ets_ms_run(s->ms, o) : o;
    if (r == NONVALUE) return true;
    if (s->del) {
        if (r == AM(true) && !del_push(s, o)) return s->bad = true, false;
        return true;
    }
    r = ets_copy_out(s->p, r, size_object(r));
    s->acc = cons_at(heap_halloc(&s->p->heap, 2), r, s->acc);
    s->n++;
    return true;
}

/* Walks buckets from *b until `limit` results or the end; deletes what select_delete
 * collected after each bucket (deleting never moves a record to another bucket). */
static DetsStatus scan_buckets(DetsFile *f, Scan *s, uint64_t *b, uint64_t limit)
{
    DetsStatus st = DETS_OK;
    while (st == DETS_OK && !s->bad && s->n < limit && *b < dets_buckets(f)) {
        if (s->del) heap_renew(&s->dh, &s->dh_ready), s->ndel = 0;
        st = dets_scan(f, b, 1, scan_one, s);
        for (size_t i = 0; st == DETS_OK && i < s->ndel; i++) st = dets_delete_object(f, s->dels[i]);
        s->deleted += s->ndel;
    }
    if (st == DETS_OK && s->bad) st = DETS_ERR_CORRUPT;
    return st;
}

static Term reverse(Heap *h, Term l)
{
    Term r = NIL;
    for (; term_is_list(l); l = list_tail(l)) r = cons_at(heap_halloc(h, 2), list_head(l), r);
    return r;
}

/* dets's match specifications: a non-empty proper list that ets would accept. */
static EtsMatchSpec *spec_new(Process *p, Term ms)
{
    return list_length(ms) > 0 ? ets_ms_new(ms, p->pid) : NULL;
}

static Term select_all(Process *p, Term tab, Term ms)
{
    WITH_TAB(p, tab, t);
    Scan s = {.p = p, .acc = NIL};
    if (!(s.ms = spec_new(p, ms))) return pthread_mutex_unlock(&reg_lock), bif_badarg(p);
    uint64_t b = 0;
    DetsStatus st = scan_buckets(t->f, &s, &b, UINT64_MAX);
    scan_done(&s);
    return finish(p, t, st, reverse(&p->heap, s.acc));
}

static Term bif_select(Process *p, const Term *args) { return select_all(p, args[0], args[1]); }

static Term ms1(Process *p, Term pattern, Term body)
{
    Heap *h = &p->heap;
    Term cl = tuple3(h, pattern, NIL, cons_at(heap_halloc(h, 2), body, NIL));
    return cons_at(heap_halloc(h, 2), cl, NIL);
}

static Term bif_match(Process *p, const Term *args)
{
    return select_all(p, args[0], ms1(p, args[1], at("$$")));
}

static Term bif_match_object(Process *p, const Term *args)
{
    return select_all(p, args[0], ms1(p, args[1], at("$_")));
}

/* select/3, match/3, match_object/3 and their /1 continuations: {Results, Cont} or
 * '$end_of_table'. Cont = {'$heapscope_dets_cont', Tab, NextBucket, Spec, Limit} (OTP's is
 * an opaque record of its own). A limit of 0 is taken as 1, as OTP returns one object. */
static Term cont_tag(void) { return at("$heapscope_dets_cont"); }

static Term select_chunk(Process *p, Term tab, Term ms, uint64_t b, Term limit)
{
    if (!term_is_small(limit) || small_val(limit) < 0) return bif_badarg(p);
    uint64_t lim = small_val(limit) ? (uint64_t)small_val(limit) : 1;
    WITH_TAB(p, tab, t);
    Scan s = {.p = p, .acc = NIL};
    if (!(s.ms = spec_new(p, ms))) return pthread_mutex_unlock(&reg_lock), bif_badarg(p);
    DetsStatus st = scan_buckets(t->f, &s, &b, lim);
    scan_done(&s);
    Term r = at("$end_of_table");
    if (s.n) {
        Term *hp = heap_halloc(&p->heap, 6);
        hp[0] = make_tuple_header(5);
        hp[1] = cont_tag(), hp[2] = tab, hp[3] = int_from_uint(&p->heap, b), hp[4] = ms, hp[5] = limit;
        r = tuple2(&p->heap, reverse(&p->heap, s.acc), make_boxed(hp));
    }
    return finish(p, t, st, r);
}

static Term bif_select3(Process *p, const Term *args) { return select_chunk(p, args[0], args[1], 0, args[2]); }

static Term bif_match3(Process *p, const Term *args)
{
    return select_chunk(p, args[0], ms1(p, args[1], at("$$")), 0, args[2]);
}

static Term bif_match_object3(Process *p, const Term *args)
{
    return select_chunk(p, args[0], ms1(p, args[1], at("$_")), 0, args[2]);
}

static Term bif_select1(Process *p, const Term *args)
{
    Term c = args[0];
    if (c == at("$end_of_table")) return c;
    if (!term_is_tuple(c) || tuple_arity(c) != 5 || tuple_elem(c, 1) != cont_tag() ||
        !term_is_small(tuple_elem(c, 3)) || small_val(tuple_elem(c, 3)) < 0)
        return bif_badarg(p);
    return select_chunk(p, tuple_elem(c, 2), tuple_elem(c, 4), (uint64_t)small_val(tuple_elem(c, 3)),
                        tuple_elem(c, 5));
}

static Term select_delete(Process *p, Term tab, Term ms, bool count)
{
    WITH_TAB(p, tab, t);
    Scan s = {.p = p, .acc = NIL, .del = true};
    if (!(s.ms = spec_new(p, ms))) return pthread_mutex_unlock(&reg_lock), bif_badarg(p);
    DetsStatus st = DETS_ERR_ACCESS;
    uint64_t b = 0;
    if (!dets_read_only(t->f)) st = scan_buckets(t->f, &s, &b, UINT64_MAX);
    scan_done(&s);
    after_write(t);
    return finish(p, t, st, count ? int_from_uint(&p->heap, s.deleted) : AM(ok));
}

static Term bif_select_delete(Process *p, const Term *args) { return select_delete(p, args[0], args[1], true); }

static Term bif_match_delete(Process *p, const Term *args)
{
    return select_delete(p, args[0], ms1(p, args[1], AM(true)), false);
}

/* '$hs_chunk'(Tab, Bucket): {Objects, NextBucket} or '$end_of_table' (for foldl, traverse). */
static Term bif_chunk(Process *p, const Term *args)
{
    if (!term_is_small(args[1]) || small_val(args[1]) < 0) return bif_badarg(p);
    WITH_TAB(p, args[0], t);
    uint64_t b = (uint64_t)small_val(args[1]);
    if (b >= dets_buckets(t->f)) return finish(p, t, DETS_OK, at("$end_of_table"));
    Scan s = {.p = p, .acc = NIL};
    DetsStatus st = scan_buckets(t->f, &s, &b, 100);
    scan_done(&s);
    return finish(p, t, st, tuple2(&p->heap, s.acc, make_small((Sint)b)));
}

/* ---- bchunk -------------------------------------------------------------------------------- */

/* bchunk(Tab, start | Cont): {Cont2, [Binary]} or '$end_of_table'. Each binary is one object
 * as term_to_binary/1 gives it (our records hold exactly that), so init_table(T, F,
 * [{format, bchunk}]) (dets.erl) loads them with binary_to_term/1. OTP's chunks are raw
 * pieces of its own file format instead: the two do not mix (nor do the files). */
typedef struct BChunk {
    Heap *h;
    Term acc;
    uint64_t bytes;
} BChunk;

enum { BCHUNK_BYTES = 64 * 1024 }; /* roughly OTP's chunk size */

static bool bchunk_one(void *ctx, const unsigned char *obj, size_t olen)
{
    BChunk *c = ctx;
    c->acc = cons_at(heap_halloc(c->h, 2), bin_new(c->h, obj, (Uint)olen), c->acc);
    c->bytes += olen;
    return true;
}

static Term bif_bchunk(Process *p, const Term *args)
{
    Term c = args[1];
    uint64_t b = 0;
    if (c != at("start")) {
        if (!term_is_tuple(c) || tuple_arity(c) != 2 || tuple_elem(c, 1) != at("$heapscope_dets_bchunk") ||
            !term_is_small(tuple_elem(c, 2)) || small_val(tuple_elem(c, 2)) < 0)
            return bif_badarg(p);
        b = (uint64_t)small_val(tuple_elem(c, 2));
    }
    WITH_TAB(p, args[0], t);
    BChunk bc = {&p->heap, NIL, 0};
    DetsStatus st = DETS_OK;
    while (st == DETS_OK && bc.bytes < BCHUNK_BYTES && b < dets_buckets(t->f))
        st = dets_scan(t->f, &b, 1, bchunk_one, &bc);
    Term r = at("$end_of_table");
    if (bc.acc != NIL)
        r = tuple2(&p->heap, tuple2(&p->heap, at("$heapscope_dets_bchunk"), make_small((Sint)b)),
                   reverse(&p->heap, bc.acc));
    return finish(p, t, st, r);
}

/* ---- first / next ---------------------------------------------------------------------------- */

/* The keys of one bucket in chain order, each once (bags hold a key's objects together or
 * not): decoded on a scratch heap. */
typedef struct Keys {
    Heap h;
    unsigned keypos;
    Term *v;
    size_t n, cap;
    bool bad;
} Keys;

static bool keys_one(void *ctx, const unsigned char *obj, size_t olen)
{
    Keys *k = ctx;
    Term o = etf_decode(&k->h, obj, olen, false, NULL);
    if (o == NONVALUE || !term_is_tuple(o) || tuple_arity(o) < k->keypos) return k->bad = true, false;
    Term key = tuple_elem(o, k->keypos);
    for (size_t i = 0; i < k->n; i++)
        if (term_eq_exact(k->v[i], key)) return true;
    if (k->n == k->cap) {
        size_t cap = k->cap ? 2 * k->cap : 8;
        Term *v = realloc(k->v, cap * sizeof *v);
        if (!v) return k->bad = true, false;
        k->v = v, k->cap = cap;
    }
    k->v[k->n++] = key;
    return true;
}

/* The keys of the first non-empty bucket at or after *b (*b moves past it). */
static DetsStatus bucket_keys(DetsFile *f, uint64_t *b, Keys *k)
{
    k->n = 0;
    DetsStatus st = dets_scan(f, b, 1, keys_one, k);
    return st == DETS_OK && k->bad ? DETS_ERR_CORRUPT : st;
}

static Term first_key_from(Process *p, Tab *t, uint64_t b, Keys *k)
{
    DetsStatus st = bucket_keys(t->f, &b, k);
    Term r = k->n ? ets_copy_out(p, k->v[0], size_object(k->v[0])) : at("$end_of_table");
    return finish(p, t, st, r);
}

static Term bif_first(Process *p, const Term *args)
{
    WITH_TAB(p, args[0], t);
    Keys k = {.keypos = dets_keypos(t->f)};
    heap_init(&k.h, 233, 65535);
    Term r = first_key_from(p, t, 0, &k);
    heap_destroy(&k.h);
    free(k.v);
    return r;
}

/* next(Tab, Key): the key after Key in bucket order; past the end of Key's bucket, the first
 * key of the next non-empty one. A Key not in the table continues after its bucket (OTP:
 * undefined). */
static Term bif_next(Process *p, const Term *args)
{
    WITH_TAB(p, args[0], t);
    uint64_t b0;
    DetsStatus st = dets_key_bucket(t->f, args[1], &b0);
    if (st != DETS_OK) return finish(p, t, st, NIL);
    Keys k = {.keypos = dets_keypos(t->f)};
    heap_init(&k.h, 233, 65535);
    uint64_t b = b0;
    st = bucket_keys(t->f, &b, &k);
    Term r = NONVALUE;
    if (st != DETS_OK) {
        r = finish(p, t, st, NIL);
    } else if (k.n && b != b0 + 1) {
        r = finish(p, t, st, ets_copy_out(p, k.v[0], size_object(k.v[0])));
    } else {
        size_t i = 0;
        while (i < k.n && !term_eq_exact(k.v[i], args[1])) i++;
        if (i + 1 < k.n) r = finish(p, t, st, ets_copy_out(p, k.v[i + 1], size_object(k.v[i + 1])));
        else r = first_key_from(p, t, b0 + 1, &k);
    }
    heap_destroy(&k.h);
    free(k.v);
    return r;
}

/* ---- info -------------------------------------------------------------------------------- */

static Term info_item(Process *p, Tab *t, Term item)
{
    Heap *h = &p->heap;
    DetsFile *f = t->f;
    static const char *types[] = {"set", "bag", "duplicate_bag"};
    if (item == at("type")) return at(types[dets_type(f)]);
    if (item == at("keypos")) return make_small(dets_keypos(f));
    if (item == at("size") || item == at("no_objects")) return make_small((Sint)dets_size(f));
    if (item == at("no_keys")) return make_small((Sint)dets_no_keys(f));
    if (item == at("file_size") || item == at("memory")) return make_small((Sint)dets_file_size(f));
    if (item == at("filename")) return charlist(h, dets_filename(f));
    if (item == at("access")) return at(dets_read_only(f) ? "read" : "read_write");
    if (item == at("auto_save")) return t->auto_save < 0 ? at("infinity") : make_small(t->auto_save);
    if (item == at("owner")) return t->owner;
    if (item == at("ram_file") || item == at("safe_fixed")) return AM(false);
    return at("undefined");
}

static Term bif_info1(Process *p, const Term *args)
{
    pthread_mutex_lock(&reg_lock);
    Tab *t = term_is_atom(args[0]) ? tab_find(args[0]) : NULL;
    Term r = at("undefined");
    if (t) {
        static const char *keys[] = {"filename", "file_size", "size", "keypos", "type"};
        r = NIL;
        for (int i = 0; i < 5; i++) {
            Term k = at(keys[i]);
            r = cons_at(heap_halloc(&p->heap, 2), tuple2(&p->heap, k, info_item(p, t, k)), r);
        }
    }
    pthread_mutex_unlock(&reg_lock);
    return r;
}

static Term bif_info2(Process *p, const Term *args)
{
    pthread_mutex_lock(&reg_lock);
    Tab *t = term_is_atom(args[0]) ? tab_find(args[0]) : NULL;
    Term r = t ? info_item(p, t, args[1]) : at("undefined");
    pthread_mutex_unlock(&reg_lock);
    return r;
}

#define D(n, a, f) {"dets", n, a, f, 0}

const BifDef bif_table_dets[] = {
    D("open_file", 2, bif_open_file),
    D("close", 1, bif_close),
    D("all", 0, bif_all),
    D("sync", 1, bif_sync),
    D("insert", 2, bif_insert),
    D("insert_new", 2, bif_insert_new),
    D("delete", 2, bif_delete),
    D("delete_object", 2, bif_delete_object),
    D("delete_all_objects", 1, bif_delete_all_objects),
    D("lookup", 2, dbif_lookup),
    D("member", 2, bif_member),
    D("match", 2, bif_match),
    D("match_object", 2, bif_match_object),
    D("select", 1, bif_select1),
    D("select", 2, bif_select),
    D("select", 3, bif_select3),
    D("match", 1, bif_select1),
    D("match", 3, bif_match3),
    D("match_object", 1, bif_select1),
    D("match_object", 3, bif_match_object3),
    D("select_delete", 2, bif_select_delete),
    D("match_delete", 2, bif_match_delete),
    D("first", 1, bif_first),
    D("next", 2, bif_next),
    D("bchunk", 2, bif_bchunk),
    D("info", 1, bif_info1),
    D("info", 2, bif_info2),
    D("$hs_chunk", 2, bif_chunk),
    {0},
};
