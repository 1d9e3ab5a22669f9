/*
 * dets.c — BIFs of the dets module: the table registry and OTP's argument checks and errors
 * over runtime/dets.h. foldl/3 and traverse/2 call funs, which BIFs cannot: they are Erlang
 * in runtime/stdlib/dets.erl, over the hidden chunk BIF dets:'$hs_chunk'/2.
 *
 * Tables are named by atoms, one registry per runtime, under one lock (every operation holds
 * it: a DetsFile is not thread-safe, and the disk serialises anyway). A table opened n times
 * needs n closes (OTP's users count); auto_save is checked after each write (a sync when the
 * period has passed since the last one) rather than by a timer.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bif/bif.h"
#include "bin.h"
#include "dets.h"
#include "dets_match.h"
#include "etf.h"
#include "timer.h"

typedef struct Tab {
    Term name;
    DetsFile *f;
    unsigned users;
    Term owner;
    long auto_save; /* ms; -1 infinity */
    uint64_t last_sync_ms;
    struct Tab *next;
} Tab;

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
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

static void after_write(Tab *t)
{
    if (t->auto_save < 0) return;
    uint64_t now = timer_now_ms();
    if (now - t->last_sync_ms >= (uint64_t)t->auto_save) {
        dets_sync(t->f);
        t->last_sync_ms = now;
    }
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

static void close_all_at_exit_register(void) { atexit(close_all_at_exit); }

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
    t->last_sync_ms = timer_now_ms();
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

typedef struct SelCtx {
    Process *p;
    Term ms;
    Term acc;
    bool bad;
} SelCtx;

static bool sel_one(void *ctx, const unsigned char *obj, size_t olen)
{
    SelCtx *c = ctx;
    Term o = etf_decode(&c->p->heap, obj, olen, false, NULL);
    if (o == NONVALUE) return c->bad = true, false;
    Term r = c->ms == NONVALUE ? o : dets_ms_run(c->ms, o, &c->p->heap);
    if (r != NONVALUE) c->acc = cons_at(heap_halloc(&c->p->heap, 2), r, c->acc);
    return true;
}

static Term select_all(Process *p, Term tab, Term ms)
{
    WITH_TAB(p, tab, t);
    SelCtx c = {p, ms, NIL, false};
    uint64_t b = 0;
    DetsStatus st = DETS_OK;
    while (st == DETS_OK && b < dets_buckets(t->f) && !c.bad)
        st = dets_scan(t->f, &b, UINT64_MAX, sel_one, &c);
    if (st == DETS_OK && c.bad) st = DETS_ERR_CORRUPT;
    return finish(p, t, st, c.acc);
}

static Term bif_select(Process *p, const Term *args)
{
    if (!dets_ms_valid(args[1])) return bif_badarg(p);
    return select_all(p, args[0], args[1]);
}

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

/* '$hs_chunk'(Tab, Bucket): {Objects, NextBucket} or '$end_of_table' (for foldl, traverse). */
static Term bif_chunk(Process *p, const Term *args)
{
    if (!term_is_small(args[1]) || small_val(args[1]) < 0) return bif_badarg(p);
    WITH_TAB(p, args[0], t);
    uint64_t b = (uint64_t)small_val(args[1]);
    SelCtx c = {p, NONVALUE, NIL, false};
    if (b >= dets_buckets(t->f)) return finish(p, t, DETS_OK, at("$end_of_table"));
    DetsStatus st = dets_scan(t->f, &b, 100, sel_one, &c);
    if (st == DETS_OK && c.bad) st = DETS_ERR_CORRUPT;
    return finish(p, t, st, tuple2(&p->heap, c.acc, make_small((Sint)b)));
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
    D("select", 2, bif_select),
    D("info", 1, bif_info1),
    D("info", 2, bif_info2),
    D("$hs_chunk", 2, bif_chunk),
    {0},
};
