/*
 * gc_verify.c — the heap checker: every sentence of gc.h's invariants, executable (after Lua's
 * ltests.c). Test builds run it after each collection; tests call it directly.
 *
 * Two passes per area. The first walks the area object by object (a header says how many
 * words follow; anything else starts a 2-word cons cell) and records where objects start. The
 * second checks every term word against those maps, then the roots, the stack and the
 * off-heap lists. Slow and thorough by design: it allocates two bitmaps per area.
 *
 * gc_verify_memo is the same check for the collector's own calls, minus one repetition: the
 * old heap only ever grows by promotion at its top (terms are immutable, a minor appends and a
 * major frees it), so the words a previous call on this heap already checked are not walked
 * again; their object starts and their count of off-heap things are kept in h->verify_memo.
 * Without it a collection at every reservation (GC stress) re-walked the whole old heap each
 * time and spent 70 % of its run here.
 */
#include "gc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "bin.h"
#include "literal.h"

enum AreaKind { AREA_YOUNG, AREA_OLD, AREA_FRAG };

typedef struct Area {
    const Term *lo, *hi;   /* the used words */
    enum AreaKind kind;
    const HeapFrag *frag;  /* AREA_FRAG: which one */
    unsigned char *starts; /* bit per word: an object starts here */
    unsigned char *listed; /* bit per word: an off-heap list entry starts here */
    const Term *fresh;     /* words below it were checked by an earlier call (the memo) */
    bool memo_starts;      /* starts belongs to the memo, not to this call */
} Area;

/* What earlier calls checked of one old heap (the header comment). [owner only] */
struct GcVerifyMemo {
    const Term *old_lo, *old_hend; /* the old heap it describes */
    Uint words;                    /* [old_lo, old_lo + words) was checked */
    Uint offheap_things;           /* ProcBins and magic refs among those words */
    unsigned char *starts;         /* bit per word of the whole block */
};

typedef struct Verifier {
    const Heap *h;
    Area *areas;
    size_t n;
    const char *err;
    const GcRoots *roots;
    GcVerifyMemo *memo; /* NULL: check everything */
} Verifier;

static _Thread_local char verify_msg[512];

static void fail(Verifier *v, const char *fmt, ...)
{
    if (v->err) return; /* the first problem is the one worth reading */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(verify_msg, sizeof verify_msg, fmt, ap);
    va_end(ap);
    v->err = verify_msg;
}

static inline bool bit_get(const unsigned char *map, size_t i) { return map[i >> 3] >> (i & 7) & 1; }
static inline void bit_set(unsigned char *map, size_t i) { map[i >> 3] |= (unsigned char)(1u << (i & 7)); }

static const char *kind_name(enum AreaKind k)
{
    return k == AREA_YOUNG ? "young block" : k == AREA_OLD ? "old heap" : "heap fragment";
}

static Area *find_area(Verifier *v, const Term *p)
{
    for (size_t i = 0; i < v->n; i++)
        if (p >= v->areas[i].lo && p < v->areas[i].hi) return &v->areas[i];
    return NULL;
}

static bool is_offheap_thing(Term hdr)
{
    unsigned sub = hdr_subtag(hdr);
    return sub == SUB_REFC_BIN || (sub == SUB_REF && hdr_extra(hdr) == REF_MAGIC);
}

/* Pass 1: object starts. Sentences 2 and 6: sizes stay inside the area, no forwarding marker
 * (a moved cons cell's NONVALUE CAR) at an object start. */
static void mark_objects(Verifier *v, Area *a)
{
    const Term *p = a->fresh;
    while (p < a->hi && !v->err) {
        Term w = *p;
        bit_set(a->starts, (size_t)(p - a->lo));
        if (w == NONVALUE) {
            fail(v, "%s word %td: word 0 at an object start: a moved cons cell's marker, or an "
                 "on-heap {} (which must be the literal)", kind_name(a->kind), p - a->lo);
        } else if (term_is_header(w)) {
            if (hdr_size(w) > (Uint)(a->hi - p))
                fail(v, "%s word %td: object of %llu words runs past the end", kind_name(a->kind),
                     p - a->lo, (unsigned long long)hdr_size(w));
            else if (hdr_raw_words(w) > hdr_arity(w))
                fail(v, "%s word %td: more raw words than arity", kind_name(a->kind), p - a->lo);
            p += hdr_size(w);
        } else {
            if (a->hi - p < 2)
                fail(v, "%s word %td: cons cell runs past the end", kind_name(a->kind), p - a->lo);
            else if (term_is_header(p[1]))
                fail(v, "%s word %td: cons cell with a header word as CDR", kind_name(a->kind),
                     p - a->lo + 1);
            p += 2;
        }
    }
}

/* Is p in the foreign data the roots declare (gc.h sentence 11)? A linear look: verifying
 * is slow anyway. */
typedef struct ForeignLook {
    const Term *p;
    bool found;
} ForeignLook;

static void foreign_area(const Term *lo, const Term *hi, void *arg)
{
    ForeignLook *fl = arg;
    if (fl->p >= lo && fl->p < hi) fl->found = true;
}

static bool in_foreign(Verifier *v, const Term *p)
{
    if (!v->roots || !v->roots->foreign_words || !v->roots->each_foreign) return false;
    ForeignLook fl = {p, false};
    v->roots->each_foreign(v->roots->ctx, foreign_area, &fl);
    return fl.found;
}

/* Sentence 3 for one term found in `from` (NULL for a root or a stack word). */
static void check_term(Verifier *v, Term t, const Area *from, const char *where, ptrdiff_t at)
{
    if (!term_is_ptr(t) || v->err) return;
    const Term *p = term_ptr(t);
    if (ptr_is_literal(p)) return;
    Area *to = find_area(v, p);
    if (!to && !from && in_foreign(v, p)) return; /* a root into a queued message (gc.h sentence 11) */
    if (!to) {
        fail(v, "%s %td: pointer %p outside every heap area%s", where, at, (const void *)p,
             (p >= v->h->stop && p < v->h->hend) ? " (into the stack)" : "");
        return;
    }
    if (from && from->kind == AREA_OLD && to->kind != AREA_OLD) {
        fail(v, "%s %td: old data points into the %s", where, at, kind_name(to->kind));
        return;
    }
    if (!bit_get(to->starts, (size_t)(p - to->lo))) {
        fail(v, "%s %td: pointer into the middle of an object in the %s", where, at,
             kind_name(to->kind));
        return;
    }
    Term first = *p;
    if (term_is_list(t) && term_is_header(first))
        fail(v, "%s %td: list pointer to a boxed object%s", where, at,
             first == NONVALUE ? " (forwarded cons)" : "");
    else if (term_is_boxed(t) && !term_is_header(first))
        fail(v, "%s %td: boxed pointer to a non-header word%s", where, at,
             term_is_boxed(first) ? " (forwarding pointer left)" : "");
}

/* Pass 2: every term word of every object, and every off-heap thing must be listed. */
static void check_area(Verifier *v, Area *a)
{
    const char *where = a->kind == AREA_YOUNG ? "young word" : a->kind == AREA_OLD ? "old word"
                                                                                    : "fragment word";
    const Term *p = a->fresh;
    while (p < a->hi && !v->err) {
        Term w = *p;
        if (term_is_header(w)) {
            if (is_offheap_thing(w) && !bit_get(a->listed, (size_t)(p - a->lo)))
                fail(v, "%s %td: ProcBin or magic ref not on an off-heap list", where, p - a->lo);
            const Term *end = p + hdr_size(w);
            for (const Term *q = p + 1 + hdr_raw_words(w); q < end; q++)
                check_term(v, *q, a, where, q - a->lo);
            p = end;
        } else {
            check_term(v, p[0], a, where, p - a->lo);
            check_term(v, p[1], a, where, p - a->lo + 1);
            p += 2;
        }
    }
}

/* Sentence 7 for one list. Returns the young and old vheap words it holds. */
static void check_offheap_list(Verifier *v, const OffHeapHeader *e, const HeapFrag *only_in,
                               Uint *young_words, Uint *old_words)
{
    bool seen_old = false;
    Uint limit = heap_used_words(v->h) + v->h->mbuf_sz + (v->h->old_heap ? heap_old_used_words(v->h) : 0);
    *young_words = *old_words = 0;
    for (Uint n = 0; e && !v->err; e = e->next, n++) {
        if (n > limit) {
            fail(v, "off-heap list longer than the heap could hold: a cycle?");
            return;
        }
        const Term *p = (const Term *)e;
        Area *a = find_area(v, p);
        if (!a || !bit_get(a->starts, (size_t)(p - a->lo))) {
            fail(v, "off-heap entry %llu is not an object in this heap", (unsigned long long)n);
            return;
        }
        if (only_in && a->frag != only_in) {
            fail(v, "fragment off-heap entry %llu lies outside its fragment", (unsigned long long)n);
            return;
        }
        if (!is_offheap_thing(e->thing_word)) {
            fail(v, "off-heap entry %llu is not a live ProcBin or magic ref%s", (unsigned long long)n,
                 term_is_boxed(e->thing_word) ? " (forwarded)" : "");
            return;
        }
        if (bit_get(a->listed, (size_t)(p - a->lo))) {
            fail(v, "off-heap entry %llu is listed twice", (unsigned long long)n);
            return;
        }
        bit_set(a->listed, (size_t)(p - a->lo));
        Uint words = hdr_subtag(e->thing_word) == SUB_REFC_BIN ? e->size / sizeof(Term) : 0;
        if (a->kind == AREA_OLD) {
            seen_old = true;
            *old_words += words;
        } else if (seen_old) {
            fail(v, "off-heap entry %llu: young entry after an old-heap entry", (unsigned long long)n);
            return;
        } else {
            *young_words += words;
        }
    }
}

static bool is_table_size(Uint sz) { return heap_next_size(sz, 0) == sz; }

/* Sentence 1. */
static void check_layout(Verifier *v)
{
    const Heap *h = v->h;
    if (!(h->heap <= h->htop && h->htop <= h->stop && h->stop <= h->hend))
        fail(v, "block pointers out of order (heap <= htop <= stop <= hend)");
    else if (h->heap_sz != (Uint)(h->hend - h->heap))
        fail(v, "heap_sz %llu != hend - heap %td", (unsigned long long)h->heap_sz, h->hend - h->heap);
    else if (!is_table_size(h->heap_sz) || h->heap_sz < h->min_heap_size)
        fail(v, "heap_sz %llu is not a heap-table size >= min_heap_size", (unsigned long long)h->heap_sz);
    else if (!(h->heap <= h->high_water && h->high_water <= h->htop))
        fail(v, "high_water outside [heap, htop]");
    else if (h->old_heap && !(h->old_heap <= h->old_htop && h->old_htop <= h->old_hend))
        fail(v, "old heap pointers out of order");
    else if (h->old_heap && !is_table_size(heap_old_block_words(h)))
        fail(v, "old heap block %llu is not a heap-table size", (unsigned long long)heap_old_block_words(h));
    else if (!h->old_heap && (h->old_htop || h->old_hend))
        fail(v, "old_htop/old_hend set without an old heap");
    Uint mbuf = 0;
    for (const HeapFrag *f = h->mbuf; f; f = f->next) {
        if (f->used_size > f->alloc_size) fail(v, "fragment used_size > alloc_size");
        mbuf += f->used_size;
    }
    if (mbuf != h->mbuf_sz)
        fail(v, "mbuf_sz %llu != sum of fragment sizes %llu", (unsigned long long)h->mbuf_sz,
             (unsigned long long)mbuf);
}

typedef struct RootCheck {
    Verifier *v;
    ptrdiff_t n;
} RootCheck;

static void visit_root(Term *slot, void *arg)
{
    RootCheck *rc = arg;
    check_term(rc->v, *slot, NULL, "extra root", rc->n++);
}

static void check_roots(Verifier *v, const GcRoots *roots)
{
    const Heap *h = v->h;
    for (const Term *s = h->stop; s < h->hend; s++) check_term(v, *s, NULL, "stack word", s - h->stop);
    if (!roots) return;
    for (unsigned i = 0; i < roots->live; i++) check_term(v, roots->xregs[i], NULL, "x register", i);
    if (roots->each_extra) {
        RootCheck rc = {v, 0};
        roots->each_extra(roots->ctx, visit_root, &rc);
    }
}

static bool add_area(Verifier *v, const Term *lo, const Term *hi, enum AreaKind kind, const HeapFrag *f)
{
    Area *a = &v->areas[v->n++];
    size_t bytes = (size_t)(hi - lo) / 8 + 1;
    a->lo = lo;
    a->hi = hi;
    a->fresh = lo;
    a->kind = kind;
    a->frag = f;
    a->starts = calloc(bytes, 1);
    a->listed = calloc(bytes, 1);
    return a->starts && a->listed;
}

/* The old heap's area, its starts bitmap the memo's: words the memo covers are neither marked
 * nor checked again. A memo of another block (a major freed the one it described) or of more
 * words than the heap holds now starts over. */
static bool add_old_area(Verifier *v, GcVerifyMemo *m)
{
    const Heap *h = v->h;
    if (m->old_lo != h->old_heap || m->old_hend != h->old_hend || m->words > heap_old_used_words(h)) {
        free(m->starts);
        m->starts = calloc(heap_old_block_words(h) / 8 + 1, 1);
        m->old_lo = h->old_heap;
        m->old_hend = h->old_hend;
        m->words = m->offheap_things = 0;
        if (!m->starts) {
            m->old_lo = NULL;
            return false;
        }
    }
    Area *a = &v->areas[v->n++];
    a->lo = h->old_heap;
    a->hi = h->old_htop;
    a->fresh = h->old_heap + m->words;
    a->kind = AREA_OLD;
    a->frag = NULL;
    a->starts = m->starts;
    a->memo_starts = true;
    a->listed = calloc(heap_old_used_words(h) / 8 + 1, 1);
    return a->listed != NULL;
}

/* Off-heap things in the words of a not yet checked by an earlier call. */
static Uint count_fresh_offheap(const Area *a)
{
    Uint n = 0;
    for (const Term *p = a->fresh; p < a->hi;) {
        Term w = *p;
        if (term_is_header(w)) {
            n += is_offheap_thing(w);
            p += hdr_size(w);
        } else {
            p += 2;
        }
    }
    return n;
}

/* Every off-heap thing in the words the memo covers is on h's list: check_area looked at each
 * once, and an earlier call counted them; the list walk (check_offheap_list) proved each entry
 * it found there distinct and an off-heap thing. Equal counts leave none unlisted. */
static void check_memo_listed(Verifier *v, const Area *old)
{
    Uint listed = 0;
    for (const OffHeapHeader *e = v->h->off_heap.first; e; e = e->next)
        if ((const Term *)e >= old->lo && (const Term *)e < old->fresh) listed++;
    if (listed != v->memo->offheap_things)
        fail(v, "%llu of the old heap's %llu checked ProcBins and magic refs are on the off-heap list",
             (unsigned long long)listed, (unsigned long long)v->memo->offheap_things);
}

static void check_offheap(Verifier *v)
{
    const Heap *h = v->h;
    Uint young, old;
    check_offheap_list(v, h->off_heap.first, NULL, &young, &old);
    if (!v->err && young != h->off_heap.overhead)
        fail(v, "off_heap.overhead %llu != %llu words of young ProcBins",
             (unsigned long long)h->off_heap.overhead, (unsigned long long)young);
    if (!v->err && old != h->bin_old_vheap)
        fail(v, "bin_old_vheap %llu != %llu words of old-heap ProcBins",
             (unsigned long long)h->bin_old_vheap, (unsigned long long)old);
    for (const HeapFrag *f = h->mbuf; f && !v->err; f = f->next) {
        check_offheap_list(v, f->off_heap.first, f, &young, &old);
        if (!v->err && young != f->off_heap.overhead)
            fail(v, "fragment overhead %llu != %llu words of its ProcBins",
                 (unsigned long long)f->off_heap.overhead, (unsigned long long)young);
    }
}

static const char *verify(const Heap *h, const GcRoots *roots, GcVerifyMemo *memo)
{
    Verifier v = {h, NULL, 0, NULL, NULL, memo};
    v.roots = roots;
    check_layout(&v);
    if (v.err) return v.err;

    size_t nfrags = 0;
    for (const HeapFrag *f = h->mbuf; f; f = f->next) nfrags++;
    v.areas = calloc(nfrags + 2, sizeof(Area));
    bool ok = v.areas != NULL;
    if (ok) ok = add_area(&v, h->heap, h->htop, AREA_YOUNG, NULL);
    Area *old = ok && h->old_heap ? &v.areas[v.n] : NULL;
    if (old) ok = memo ? add_old_area(&v, memo) : add_area(&v, h->old_heap, h->old_htop, AREA_OLD, NULL);
    for (const HeapFrag *f = h->mbuf; ok && f; f = f->next)
        ok = add_area(&v, f->mem, f->mem + f->used_size, AREA_FRAG, f);
    if (!ok) fail(&v, "out of memory while verifying");

    for (size_t i = 0; i < v.n && !v.err; i++) mark_objects(&v, &v.areas[i]);
    if (!v.err) check_offheap(&v); /* marks `listed`, which check_area reads */
    if (!v.err && old && memo) check_memo_listed(&v, old);
    for (size_t i = 0; i < v.n && !v.err; i++) check_area(&v, &v.areas[i]);
    if (!v.err) check_roots(&v, roots);
    if (!v.err && old && memo) {
        memo->offheap_things += count_fresh_offheap(old);
        memo->words = (Uint)(old->hi - old->lo);
    } else if (v.err && memo) {
        memo->old_lo = NULL; /* the next call checks everything again */
    }

    for (size_t i = 0; i < v.n; i++) {
        if (!v.areas[i].memo_starts) free(v.areas[i].starts);
        free(v.areas[i].listed);
    }
    free(v.areas);
    return v.err;
}

const char *gc_verify(const Heap *h, const GcRoots *roots) { return verify(h, roots, NULL); }

const char *gc_verify_memo(Heap *h, const GcRoots *roots)
{
    if (!h->verify_memo) {
        h->verify_memo = calloc(1, sizeof *h->verify_memo);
        if (!h->verify_memo) return gc_verify(h, roots);
    }
    return verify(h, roots, h->verify_memo);
}

void gc_verify_memo_free(Heap *h)
{
    if (!h->verify_memo) return;
    free(h->verify_memo->starts);
    free(h->verify_memo);
    h->verify_memo = NULL;
}
