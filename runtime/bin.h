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

/* Process-wide binary statistics (erlang:memory(binary); tests count frees). allocs and frees
 * count Binaries; bytes_live is the sum of sizeof(Binary) + data bytes over live Binaries (what
 * binary_alloc holds, without malloc's own overhead). [any thread] */
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

/*
 * Field access. Word 1 is the byte size in all three forms (OTP's binary_size()), so
 * bin_byte_size works on any of them. A heap binary's bytes follow at word 2; the padding of
 * its last word is zero.
 *
 * Sub binary: [hdr][byte size][byte offs][bits][orig], header extra bits 0, arity 4.
 *   byte offs  the first byte in orig's bytes (heap binary data, or ProcBin->bytes);
 *   bits       bit size (0..7, bits after the whole bytes) in bits 0..7,
 *              bit offset (0..7, bits to skip in the first byte) in bits 8..15,
 *              is_writable in bit 16 (always 0: we have no writable binaries);
 *   orig       a boxed term: the heap binary or ProcBin (never another sub binary) whose
 *              bytes these are. It is the one term word, so the GC keeps orig alive.
 * The window is bits [8*offs + bitoffs, 8*offs + bitoffs + 8*size + bitsize) of orig.
 */
static inline Uint bin_byte_size(Term t) { return boxed_ptr(t)[1]; }
static inline unsigned char *heap_bin_data(Term t) { return (unsigned char *)(boxed_ptr(t) + 2); }
static inline ProcBin *procbin_ptr(Term t) { return (ProcBin *)boxed_ptr(t); }
static inline Uint sub_bin_offs(Term t) { return boxed_ptr(t)[2]; }
static inline unsigned sub_bin_bitsize(Term t) { return (unsigned)(boxed_ptr(t)[3] & 0xFFu); }
static inline unsigned sub_bin_bitoffs(Term t) { return (unsigned)(boxed_ptr(t)[3] >> 8 & 0xFFu); }
static inline bool sub_bin_is_writable(Term t) { return (boxed_ptr(t)[3] >> 16 & 1u) != 0; }
static inline Term sub_bin_orig(Term t) { return boxed_ptr(t)[4]; }
/* A sub binary in the SUB_BIN_SIZE words at hp. */
static inline Term sub_bin_at(Term *hp, Term orig, Uint offs, Uint size, unsigned bitoffs,
                              unsigned bitsize)
{
    hp[0] = make_header(SUB_SUB_BIN, 0, SUB_BIN_SIZE - 1);
    hp[1] = size;
    hp[2] = offs;
    hp[3] = (Uint)bitsize | (Uint)bitoffs << 8;
    hp[4] = orig;
    return make_boxed(hp);
}
/* Bits of any bitstring term: 8 * bytes, plus a sub binary's bit size. */
static inline Uint bin_bit_size(Term t)
{
    Uint bits = bin_byte_size(t) * 8;
    return term_is_sub_bin(t) ? bits + sub_bin_bitsize(t) : bits;
}

/* A binary with a copy of these bytes: heap binary ≤ 64 bytes, else a new Binary + ProcBin.
 * Words come from heap_halloc (the block, or a fragment when the block is full); a ProcBin is
 * linked on h->off_heap with heap_link_offheap wherever its words are, as OTP links HAlloc'd
 * ProcBins on MSO(p) (heap.h: the process list covers the block, the old heap and the
 * fragments; a fragment's own list is for message data only), and adds size/8 words to the
 * vheap (OH_OVERHEAD). Never collects. */
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
/* Reads an integer of `bits` bits; allocates a bignum on h (heap_halloc: never collects) when
 * needed. NONVALUE when it would have more than BIG_MAX_DIGITS digits (system_limit). */
Term bin_get_integer(Heap *h, const unsigned char *src, Uint soffs, Uint bits, unsigned flags);
/* Floats of 16, 32 or 64 bits (any other size is a bug in the caller: the VM checks). Put
 * rounds to nearest even and, as OTP 25, gives infinity when the value is out of range for 16
 * or 32 bits (<<1.0e300:32/float>> is <<127,128,0,0>>). Get returns false for NaN/inf bit
 * patterns (OTP fails the match). */
void bin_put_float(double d, Uint bits, unsigned flags, unsigned char *dst, Uint doffs);
bool bin_get_float(const unsigned char *src, Uint soffs, Uint bits, unsigned flags, double *out);

#endif
