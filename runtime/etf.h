/*
 * etf.h — the external term format (term_to_binary / binary_to_term), as OTP 25 writes it.
 *
 * Encoding gives the bytes OTP 25 gives for every term that holds no pid, port, ref or local
 * fun: ATOM_EXT for atoms whose characters are all Latin-1 (minor_version 0 and 1, the default),
 * SMALL_ATOM_UTF8_EXT / ATOM_UTF8_EXT otherwise and always with minor_version 2; NEW_FLOAT_EXT
 * (FLOAT_EXT's 31-byte "%.20e" text with minor_version 0); STRING_EXT for proper lists of bytes
 * shorter than 65536; maps in maps:to_list order (term order with [deterministic]). Local pids,
 * ports and refs are written as OTP writes them on a node named nonode@nohost with creation 0;
 * local funs as NEW_FUN_EXT with a zero MD5 (we have no module MD5).
 *
 * Decoding accepts every tag above plus their older forms (SMALL_ATOM_EXT, PID_EXT, PORT_EXT,
 * NEW_REFERENCE_EXT, REFERENCE_EXT, FLOAT_EXT, V4_PORT_EXT). It never crashes and never reads
 * past the input: malformed input gives NONVALUE (badarg). It validates the whole input before
 * building anything, walks with explicit stacks (no C recursion, whatever the nesting), and
 * allocates with heap_halloc only (never collects). Compression ([compressed], COMPRESSED)
 * needs zlib: built with -DHS_HAVE_ZLIB and -lz it compresses as OTP (zlib's compress2, kept
 * only when smaller) and inflates; without, compressing is refused and compressed input is
 * badarg. Not decodable, NONVALUE: the distribution header, NEW_FUN_EXT / FUN_EXT (local funs need the
 * code loader's fun table), pids, ports and refs of any node but nonode@nohost, maps with
 * duplicate keys (as OTP). EXPORT_EXT decodes to a fun whose FunEntry comes from a table here
 * (code NULL: the VM resolves M:F/A when it calls it). [any thread]
 */
#ifndef HS_ETF_H
#define HS_ETF_H

#include <stddef.h>

#include "heap.h"

typedef struct EtfEncodeOpts {
    int minor_version;  /* 0, 1 (OTP 25's default) or 2 */
    int compress_level; /* -1: not compressed; 0..9: zlib level (needs HS_HAVE_ZLIB) */
    bool deterministic; /* maps in term order of their keys */
} EtfEncodeOpts;

#define ETF_ENCODE_DEFAULT {1, -1, false}

/* term_to_binary: a new binary on h; NONVALUE when the options cannot be honoured. */
Term etf_encode(Heap *h, Term t, const EtfEncodeOpts *o);
/* The encoding appended to a malloc'd buffer (*out, *len); the caller frees *out. False when
 * the options cannot be honoured. */
bool etf_encode_bytes(Term t, const EtfEncodeOpts *o, unsigned char **out, size_t *len);
/* binary_to_term: NONVALUE on malformed input. safe: atoms (and export funs) must exist.
 * *used (may be NULL) gets the bytes read, version byte included. */
Term etf_decode(Heap *h, const unsigned char *data, size_t len, bool safe, size_t *used);

#endif
