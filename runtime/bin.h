/*
 * bin.h — binaries and bitstrings.
 *
 * Three heap forms, as OTP 25 (reference §1.2):
 *   heap binary  ≤ 64 bytes (ERL_ONHEAP_BIN_LIMIT): the bytes on the heap, 2 + ceil(n/8) words;
 *   ProcBin      > 64 bytes: a 6-word handle on the heap, linked on the heap's off-heap list,
 *                pointing at a Binary off heap that is reference-counted (atomically: several
 *                processes, ETS tables and messages may hold the same Binary);
 *   sub binary   5 words: a window (byte offset + bit offset, byte size + bit size) over a heap
 *                binary or a ProcBin. Pieces ≤ 64 bytes that are byte aligned are copied into a
 *                heap binary instead (erts_extract_sub_binary).
 * A Binary is freed when its last reference goes: the GC releases ProcBins that did not survive.
 */
#ifndef HS_BIN_H
#define HS_BIN_H

#include <stdatomic.h>

#include "heap.h"

#define BIN_ONHEAP_LIMIT 64
#define PROC_BIN_SIZE 6
#define SUB_BIN_SIZE 5

/* Off-heap binary data: OTP's Binary (flags, refc, orig_size: 24 bytes, then the bytes). */
typedef struct Binary {
    Uint flags;
    _Atomic Uint refc;
    Uint orig_size;
    unsigned char data[];
} Binary;

/* The heap handle of a refc binary (OTP's ProcBin). Starts with OffHeapHeader's fields. */
typedef struct ProcBin {
    Term thing_word;
    Uint size;            /* bytes */
    OffHeapHeader *next;
    Binary *val;
    unsigned char *bytes; /* val->data + offset */
    Uint flags;
} ProcBin;

/* Process-wide binary statistics (erlang:memory(binary); tests count frees). [any thread] */
typedef struct BinStats {
    _Atomic Uint allocs, frees, bytes_live;
} BinStats;
extern BinStats bin_stats;

Binary *binary_alloc(Uint size);          /* refc 1 */
void binary_incref(Binary *b);
void binary_decref(Binary *b);            /* frees at zero */

static inline Uint heap_bin_words(Uint bytes) { return 2 + (bytes + 7) / 8; }
static inline bool term_is_heap_bin(Term t) { return term_is_boxed_sub(t, SUB_HEAP_BIN); }
static inline bool term_is_refc_bin(Term t) { return term_is_boxed_sub(t, SUB_REFC_BIN); }
static inline bool term_is_sub_bin(Term t) { return term_is_boxed_sub(t, SUB_SUB_BIN); }

/* A binary with a copy of these bytes: heap binary ≤ 64 bytes, else a new Binary + ProcBin
 * linked on h's off-heap list (or on its fragment's list). Never collects. */
Term bin_new(Heap *h, const void *data, Uint size);
/* A binary of size bytes whose contents the caller fills through *bytes before anything else
 * reads it. */
Term bin_new_uninit(Heap *h, Uint size, unsigned char **bytes);
/* A ProcBin for an existing Binary (takes a new reference). */
Term bin_procbin(Heap *h, Binary *b, const unsigned char *bytes, Uint size);

/* A view of any bitstring: base bytes, offsets and sizes in bits. */
typedef struct BinView {
    const unsigned char *base; /* the underlying bytes */
    Uint bit_offset;           /* first bit of the view, from base */
    Uint bit_size;             /* total bits */
} BinView;
/* False when t is not a bitstring. */
bool bin_view(Term t, BinView *v);
static inline bool bin_view_is_binary(const BinView *v) { return v->bit_size % 8 == 0; }
/* The bitstring of t's bits [bit_offset, bit_offset + bit_size): a heap binary copy when byte
 * aligned and ≤ 64 bytes, else a sub binary over the original (OTP's erts_extract_sub_binary). */
Term bin_extract(Heap *h, Term bin, Uint bit_offset, Uint bit_size);

/* Copies n bits from (src, soffs) to (dst, doffs), offsets in bits, MSB first as Erlang. */
void bin_copy_bits(const unsigned char *src, Uint soffs, unsigned char *dst, Uint doffs, Uint n);

/* Bit syntax helpers: integers of any bit size, big or little endian, signed or not. */
enum { BIN_LITTLE = 1u << 0, BIN_SIGNED = 1u << 1 };
/* Writes the low `bits` bits of integer t (small or big) at dst bit offset doffs. */
void bin_put_integer(Term t, Uint bits, unsigned flags, unsigned char *dst, Uint doffs);
/* Reads an integer of `bits` bits; allocates a bignum on h when needed. */
Term bin_get_integer(Heap *h, const unsigned char *src, Uint soffs, Uint bits, unsigned flags);
/* Floats of 16, 32 or 64 bits. Get returns false for NaN/inf bit patterns (OTP fails the match). */
void bin_put_float(double d, Uint bits, unsigned flags, unsigned char *dst, Uint doffs);
bool bin_get_float(const unsigned char *src, Uint soffs, Uint bits, unsigned flags, double *out);

#endif
