/*
 * term.h — tagged words: the BEAM's 64-bit term representation.
 *
 * Every Erlang value is one 64-bit word (Term). The layout follows OTP 25's erl_term.h so that
 * every term occupies exactly the number of heap words OTP gives it (reference:
 * ../shared/reference/beam-memory.md §1). Sizes are the point of this project: do not add a
 * word to any object below without changing what we measure.
 *
 * Primary tag, the two low bits of a word:
 *   00  header   — only the first word of a boxed object (never a term on its own);
 *                  also what a raw aligned C pointer looks like, which is why the stack may hold
 *                  return addresses: the GC skips header-tagged words outside boxed objects.
 *   01  list     — pointer to a cons cell (CAR, CDR: 2 words, no header), address | 1
 *   10  boxed    — pointer to a boxed object (header + body), address | 2
 *   11  immediate
 *
 * Immediate-1, the four low bits: 0011 local pid, 0111 local port, 1011 immediate-2,
 *   1111 small integer (60 value bits, MIN_SMALL = -2^59 .. MAX_SMALL = 2^59-1).
 * Immediate-2, the six low bits: 001011 atom (index above), 011011 catch, 111011 nil.
 *
 * Header words (primary tag 00). OTP packs the arity into bits 6..63; we keep OTP's subtag
 * values in bits 2..5 but split the rest so that every object, maps included, states the number
 * of words that follow its header in the same place:
 *   bits  2..5   subtag (OTP's values)
 *   bits  6..31  extra: per-subtag bits (map node type and bitmap, ref kind, sub-binary flags)
 *   bits 32..63  arity: words that follow the header. An object is always 1 + arity words.
 * This is a private encoding: nothing outside the runtime sees header bits.
 *
 * Boxed bodies put raw (non-term) words first and term words last, so that a heap walker —
 * the GC's Cheney scan, the copy functions, the heap verifier — needs only
 * hdr_raw_words(h) to know which words to follow:
 *   tuple       [hdr][e1..eN]                           raw 0      size 1+N ({} is a literal: 0)
 *   float       [hdr][double]                           raw 1      size 2
 *   bignum      [hdr][digit0..digitN-1] little endian   raw N      size 1+N (sign in subtag)
 *   ref         [hdr][marker|n0][n1|n2]                 raw 2      size 3  (ordinary ref)
 *   magic ref   [hdr][ptr][next]                        raw 2      size 3  (ETS tid; extra=1)
 *   fun         [hdr][entry][next][arity|nfree][creator][env1..envN]
 *                                                       raw 3      size 5+N
 *   heap binary [hdr][byte size][bytes...]              raw all    size 2+ceil(bytes/8)
 *   ProcBin     [hdr][byte size][next][Binary*][bytes*][flags]
 *                                                       raw 5      size 6  (data off heap)
 *   sub binary  [hdr][byte size][byte offs][bitsize|bitoffs|writable][orig]
 *                                                       raw 3      size 5
 *   flatmap     [hdr][n][keys tuple][v1..vn]            raw 1      size 3+n (+ keys 1+n)
 *   hamt head   [hdr bitmap][n][child...]               raw 1      size 2+children
 *   hamt node   [hdr bitmap][child...]                  raw 0      size 1+children
 *   hamt leaf   a cons cell [K|V]                                  size 2
 * ProcBins and magic refs begin with OffHeapHeader (hdr, size, next) and are linked on their
 * heap's off-heap list; funs keep the "next" slot for layout (OTP links them for code purge; we
 * do not purge code, so ours is always NULL).
 *
 * Pointer terms point into a process heap (young or old), a heap fragment, or the literal area
 * (literal.h). Nothing else: ETS objects and message fragments are private copies.
 */
#ifndef HS_TERM_H
#define HS_TERM_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint64_t Term;
typedef uint64_t Uint;
typedef int64_t Sint;

/* ---- primary tags ---------------------------------------------------------------------- */
#define TAG_PRIMARY_MASK   0x3u
#define TAG_PRIMARY_HEADER 0x0u
#define TAG_PRIMARY_LIST   0x1u
#define TAG_PRIMARY_BOXED  0x2u
#define TAG_PRIMARY_IMMED1 0x3u

#define TAG_IMMED1_MASK   0xFu
#define TAG_IMMED1_PID    0x3u
#define TAG_IMMED1_PORT   0x7u
#define TAG_IMMED1_IMMED2 0xBu
#define TAG_IMMED1_SMALL  0xFu

#define TAG_IMMED2_MASK  0x3Fu
#define TAG_IMMED2_ATOM  0x0Bu
#define TAG_IMMED2_CATCH 0x1Bu
#define TAG_IMMED2_NIL   0x3Bu

/* The empty list. */
#define NIL ((Term)TAG_IMMED2_NIL)
/* Not a term: "no value" in C interfaces, and in a moved cons cell's CAR (a header word can
 * never be a CAR, so 0 is free for that). */
#define NONVALUE ((Term)0)

static inline unsigned term_primary(Term t) { return (unsigned)(t & TAG_PRIMARY_MASK); }
static inline bool term_is_list(Term t) { return term_primary(t) == TAG_PRIMARY_LIST; }
static inline bool term_is_boxed(Term t) { return term_primary(t) == TAG_PRIMARY_BOXED; }
static inline bool term_is_immed(Term t) { return term_primary(t) == TAG_PRIMARY_IMMED1; }
static inline bool term_is_header(Term t) { return term_primary(t) == TAG_PRIMARY_HEADER; }
/* A pointer term: list or boxed. Immediates and headers are not followed. */
static inline bool term_is_ptr(Term t) { return (t & 1u) != (t >> 1 & 1u); }

static inline Term *term_ptr(Term t) { return (Term *)(uintptr_t)(t & ~(Term)TAG_PRIMARY_MASK); }
static inline Term *list_ptr(Term t) { return (Term *)(uintptr_t)(t - TAG_PRIMARY_LIST); }
static inline Term *boxed_ptr(Term t) { return (Term *)(uintptr_t)(t - TAG_PRIMARY_BOXED); }
static inline Term make_list(const Term *p) { return (Term)(uintptr_t)p | TAG_PRIMARY_LIST; }
static inline Term make_boxed(const Term *p) { return (Term)(uintptr_t)p | TAG_PRIMARY_BOXED; }

/* ---- small integers -------------------------------------------------------------------- */
#define SMALL_BITS 60
#define MAX_SMALL ((Sint)((((Uint)1) << (SMALL_BITS - 1)) - 1))
#define MIN_SMALL (-MAX_SMALL - 1)

static inline bool term_is_small(Term t) { return (t & TAG_IMMED1_MASK) == TAG_IMMED1_SMALL; }
static inline bool small_fits(Sint v) { return v >= MIN_SMALL && v <= MAX_SMALL; }
static inline Term make_small(Sint v) { return ((Uint)v << 4) | TAG_IMMED1_SMALL; }
/* Arithmetic shift: >> on a negative signed value is implementation-defined in C11, gcc and
 * clang define it as arithmetic; the static assert in term.c pins that. */
static inline Sint small_val(Term t) { return (Sint)t >> 4; }

/* ---- atoms, nil, pids, ports, catches -------------------------------------------------- */
static inline bool term_is_atom(Term t) { return (t & TAG_IMMED2_MASK) == TAG_IMMED2_ATOM; }
static inline Term make_atom(Uint index) { return (index << 6) | TAG_IMMED2_ATOM; }
static inline Uint atom_index(Term t) { return t >> 6; }
static inline bool term_is_nil(Term t) { return t == NIL; }

static inline bool term_is_pid(Term t) { return (t & TAG_IMMED1_MASK) == TAG_IMMED1_PID; }
static inline Term make_pid(Uint number) { return (number << 4) | TAG_IMMED1_PID; }
static inline Uint pid_number(Term t) { return t >> 4; }
static inline bool term_is_port(Term t) { return (t & TAG_IMMED1_MASK) == TAG_IMMED1_PORT; }
static inline Term make_port(Uint number) { return (number << 4) | TAG_IMMED1_PORT; }
static inline Uint port_number(Term t) { return t >> 4; }
static inline bool term_is_catch(Term t) { return (t & TAG_IMMED2_MASK) == TAG_IMMED2_CATCH; }
static inline Term make_catch(Uint index) { return (index << 6) | TAG_IMMED2_CATCH; }
static inline Uint catch_index(Term t) { return t >> 6; }

/* ---- headers --------------------------------------------------------------------------- */
#define HDR_SUBTAG_SHIFT 2
#define HDR_EXTRA_SHIFT  6
#define HDR_EXTRA_BITS   26
#define HDR_ARITY_SHIFT  32

enum {
    SUB_TUPLE = 0x0,
    SUB_MATCHSTATE = 0x1, /* reserved (OTP's bs match context); never a user-visible term */
    SUB_POS_BIG = 0x2,
    SUB_NEG_BIG = 0x3,
    SUB_REF = 0x4,
    SUB_FUN = 0x5,
    SUB_FLOAT = 0x6,
    SUB_REFC_BIN = 0x8,
    SUB_HEAP_BIN = 0x9,
    SUB_SUB_BIN = 0xA,
    SUB_EXT_PID = 0xC,
    SUB_EXT_PORT = 0xD,
    SUB_EXT_REF = 0xE,
    SUB_MAP = 0xF,
};

static inline Term make_header(unsigned subtag, Uint extra, Uint arity)
{
    return (arity << HDR_ARITY_SHIFT) | (extra << HDR_EXTRA_SHIFT) | ((Uint)subtag << HDR_SUBTAG_SHIFT);
}
static inline unsigned hdr_subtag(Term h) { return (unsigned)(h >> HDR_SUBTAG_SHIFT) & 0xFu; }
static inline Uint hdr_extra(Term h) { return (h >> HDR_EXTRA_SHIFT) & ((1u << HDR_EXTRA_BITS) - 1); }
static inline Uint hdr_arity(Term h) { return h >> HDR_ARITY_SHIFT; }
/* Total words of the boxed object this header starts. */
static inline Uint hdr_size(Term h) { return 1 + hdr_arity(h); }

/* Map node types, kept in the header's extra bits 0..2; the HAMT bitmap in bits 3..18. */
enum {
    MAP_FLAT = 0,
    MAP_HEAD_ARRAY = 1,  /* root with all 16 slots */
    MAP_HEAD_BITMAP = 2, /* root with a bitmap of used slots */
    MAP_NODE_ARRAY = 3,  /* inner node with all 16 slots */
    MAP_NODE_BITMAP = 4, /* inner node with a bitmap */
};
static inline unsigned map_hdr_type(Term h) { return (unsigned)(hdr_extra(h) & 0x7u); }
static inline unsigned map_hdr_bitmap(Term h) { return (unsigned)(hdr_extra(h) >> 3) & 0xFFFFu; }
static inline Term make_map_header(unsigned type, unsigned bitmap, Uint arity)
{
    return make_header(SUB_MAP, (Uint)type | ((Uint)bitmap << 3), arity);
}

/* Ref kinds, in the header's extra bits. */
enum { REF_ORDINARY = 0, REF_MAGIC = 1 };

/*
 * Words after the header that are raw data, not terms (see the table at the top). The rest of
 * the object, hdr_arity(h) - hdr_raw_words(h) words, are terms that a walker must follow.
 */
static inline Uint hdr_raw_words(Term h)
{
    switch (hdr_subtag(h)) {
    case SUB_TUPLE: return 0;
    case SUB_FUN: return 3;
    case SUB_SUB_BIN: return 3;
    case SUB_MAP: {
        unsigned ty = map_hdr_type(h);
        return (ty == MAP_FLAT || ty == MAP_HEAD_ARRAY || ty == MAP_HEAD_BITMAP) ? 1 : 0;
    }
    default: return hdr_arity(h);
    }
}

static inline Term boxed_header(Term t) { return *boxed_ptr(t); }
static inline bool term_is_boxed_sub(Term t, unsigned sub)
{
    return term_is_boxed(t) && hdr_subtag(boxed_header(t)) == sub;
}

/* ---- tuples ---------------------------------------------------------------------------- */
static inline Term make_tuple_header(Uint arity) { return make_header(SUB_TUPLE, 0, arity); }
static inline bool term_is_tuple(Term t) { return term_is_boxed_sub(t, SUB_TUPLE); }
static inline Uint tuple_arity(Term t) { return hdr_arity(boxed_header(t)); }
/* Elements are 1-based as in Erlang: tuple_elem(t, 1) is the first. */
static inline Term *tuple_elems(Term t) { return boxed_ptr(t); }
static inline Term tuple_elem(Term t, Uint i) { return boxed_ptr(t)[i]; }

/* ---- cons cells ------------------------------------------------------------------------ */
static inline Term list_head(Term t) { return list_ptr(t)[0]; }
static inline Term list_tail(Term t) { return list_ptr(t)[1]; }
static inline Term cons_at(Term *hp, Term head, Term tail)
{
    hp[0] = head;
    hp[1] = tail;
    return make_list(hp);
}

/* ---- floats ---------------------------------------------------------------------------- */
#define FLOAT_SIZE 2
static inline bool term_is_float(Term t) { return term_is_boxed_sub(t, SUB_FLOAT); }
static inline double float_val(Term t)
{
    double d;
    memcpy(&d, boxed_ptr(t) + 1, sizeof d);
    return d;
}
static inline Term float_at(Term *hp, double d)
{
    hp[0] = make_header(SUB_FLOAT, 0, 1);
    memcpy(hp + 1, &d, sizeof d);
    return make_boxed(hp);
}

/* ---- bignums (digits are GMP limbs: 64 bits, little endian) -------------------------- */
static inline bool term_is_big(Term t)
{
    return term_is_boxed(t) && (hdr_subtag(boxed_header(t)) & ~1u) == SUB_POS_BIG;
}
static inline bool term_is_integer(Term t) { return term_is_small(t) || term_is_big(t); }
static inline bool term_is_number(Term t) { return term_is_integer(t) || term_is_float(t); }

/* ---- refs ------------------------------------------------------------------------------ */
#define REF_SIZE 3
static inline bool term_is_ref(Term t) { return term_is_boxed_sub(t, SUB_REF); }

/* A new ordinary ref in the 3 words at hp: numbers from one global counter (hs.c). */
extern _Atomic uint64_t term_ref_counter;
static inline Term ref_at(Term *hp)
{
    uint64_t n = atomic_fetch_add_explicit(&term_ref_counter, 1, memory_order_relaxed) + 1;
    hp[0] = make_header(SUB_REF, REF_ORDINARY, 2);
    hp[1] = n;      /* the low 64 bits of OTP's three 32-bit numbers */
    hp[2] = 0;
    return make_boxed(hp);
}

/* An ordinary ref's number (what ref_at drew), and the ref with a given number rebuilt in the 3
 * words at hp: monitors and timers keep the number off the heap. */
static inline uint64_t ref_number(Term t) { return boxed_ptr(t)[1]; }
static inline bool ref_is_ordinary(Term t)
{
    return term_is_ref(t) && boxed_ptr(t)[0] == make_header(SUB_REF, REF_ORDINARY, 2) &&
           boxed_ptr(t)[2] == 0;
}
static inline Term ref_with_number(Term *hp, uint64_t n)
{
    hp[0] = make_header(SUB_REF, REF_ORDINARY, 2);
    hp[1] = n;
    hp[2] = 0;
    return make_boxed(hp);
}

/* ---- funs ------------------------------------------------------------------------------ */
/*
 * A fun's entry: what the fun calls. Local funs point at the FunEntry the compiler made for the
 * fun expression; export funs (fun M:F/A) point at a FunEntry with is_export set and have the
 * atom 'external' as creator. The code loader owns FunEntry memory; it outlives every fun.
 */
typedef struct FunEntry {
    Term module;    /* atom */
    Term name;      /* atom: '-main/0-fun-0-' for a local fun, F for fun M:F/A */
    uint32_t arity; /* arity of the fun as called (not counting free variables) */
    uint32_t index; /* index of the fun in its module */
    uint32_t uniq;  /* OTP's old_uniq, printed in #Fun<M.I.U> */
    uint32_t is_export;
    void *code;     /* the VM's entry point; NULL until loaded */
} FunEntry;

#define FUN_BASE_SIZE 5
static inline bool term_is_fun(Term t) { return term_is_boxed_sub(t, SUB_FUN); }
static inline FunEntry *fun_entry(Term t) { return (FunEntry *)(uintptr_t)boxed_ptr(t)[1]; }
static inline unsigned fun_num_free(Term t) { return (unsigned)(boxed_ptr(t)[3] & 0xFFFFFFFFu); }
static inline unsigned fun_arity(Term t) { return (unsigned)(boxed_ptr(t)[3] >> 32); }
static inline Term fun_creator(Term t) { return boxed_ptr(t)[4]; }
static inline Term *fun_env(Term t) { return boxed_ptr(t) + 5; }
/* A fun in the 5 + nfree words at hp; env is copied from the caller's array. */
static inline Term fun_at(Term *hp, FunEntry *fe, Term creator, unsigned nfree, const Term *env)
{
    hp[0] = make_header(SUB_FUN, 0, 4 + nfree);
    hp[1] = (Term)(uintptr_t)fe;
    hp[2] = 0; /* off-heap link: unused, see the table above */
    hp[3] = ((Uint)fe->arity << 32) | nfree;
    hp[4] = creator;
    for (unsigned i = 0; i < nfree; i++) hp[5 + i] = env[i];
    return make_boxed(hp);
}

/* ---- off-heap objects ------------------------------------------------------------------ */
/*
 * The common head of every object on a heap's off-heap list (ProcBins, magic refs): the GC
 * sweeps the list after copying and releases what did not survive.
 */
typedef struct OffHeapHeader {
    Term thing_word;
    Uint size;
    struct OffHeapHeader *next;
} OffHeapHeader;

/* A heap's off-heap list and its binary virtual heap ("vheap") counter, in words. */
typedef struct OffHeap {
    OffHeapHeader *first;
    Uint overhead; /* sum of (bytes / 8) over the ProcBins on the list: bin_vheap_size */
} OffHeap;

/* ---- generic predicates ---------------------------------------------------------------- */
static inline bool term_is_binary_any(Term t)
{
    if (!term_is_boxed(t)) return false;
    unsigned s = hdr_subtag(boxed_header(t));
    return s == SUB_REFC_BIN || s == SUB_HEAP_BIN || s == SUB_SUB_BIN;
}
static inline bool term_is_map(Term t) { return term_is_boxed_sub(t, SUB_MAP); }

/* Term kinds in Erlang's total order: number < atom < reference < fun < port < pid < tuple <
 * map < nil < list < bitstring. */
typedef enum {
    KIND_NUMBER, KIND_ATOM, KIND_REF, KIND_FUN, KIND_PORT, KIND_PID,
    KIND_TUPLE, KIND_MAP, KIND_NIL, KIND_LIST, KIND_BITSTRING,
} TermKind;

TermKind term_kind(Term t);

/* ---- comparison and hashing (term.c) ---------------------------------------------------- */
/* Erlang's total order: < 0, 0, > 0. exact: =:= semantics (1 /= 1.0); else == (1 == 1.0). */
int term_compare(Term a, Term b, bool exact);
static inline bool term_eq_exact(Term a, Term b) { return a == b || term_compare(a, b, true) == 0; }
static inline bool term_eq(Term a, Term b) { return a == b || term_compare(a, b, false) == 0; }
/* A hash consistent with =:= (equal terms hash alike), stable across runs: for ETS and maps. */
uint32_t term_hash(Term t, uint32_t salt);
/* erlang:phash2/1 exactly as OTP 25: make_hash2 (utils.c) masked to 27 bits. */
/* OTP's make_hash2, unmasked: erlang:phash2/2 is term_make_hash2(t) % range. */
uint32_t term_make_hash2(Term t);
uint32_t term_phash2(Term t);

/* Length of a proper list, or -1 when improper. */
Sint list_length(Term t);

#endif
