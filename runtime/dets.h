/*
 * dets.h — disk-based term storage (OTP's dets), in heapscope's own file format.
 *
 * The format is documented in docs/dets-format.md. In short: a 512-byte header (magic,
 * version, clean-close flag, CRC32), then power-of-two blocks: object records (ETF-encoded key
 * and object, length, salted CRC32, sequence number), hash-index segments (linear hashing, the
 * buckets hold file offsets of record chains) and free blocks on per-size-class free lists.
 *
 * Invariants:
 * - Resident memory is independent of the table's size: RAM holds the header fields, the
 *   segment directory (8 bytes per 508 buckets), the blocks waiting for the next sync to be
 *   freed (at most 65536 x 8 bytes) and one scratch buffer (the largest record read). Every
 *   lookup reads the file (through the kernel's page cache).
 * - The index is derived data. A file whose header says "dirty" (modified since the last
 *   sync or close) is rebuilt from its records on open (repair), keeping every record whose CRC
 *   holds. Records are written before anything points to them, and a record's block is freed
 *   only at the first sync after it was unlinked, so the records on disk always include the
 *   table's objects and those of its last synced state.
 * - dets_sync: data fdatasync'd, then the header marked clean and fdatasync'd: after it
 *   returns, every object written before survives a kill -9 or power loss.
 * - A DetsFile is not thread-safe: callers serialise (bif/dets.c holds a lock per table).
 * - Never crashes on a corrupt file: every offset, length and CRC read is checked; a damaged
 *   clean file gives DETS_ERR_CORRUPT from the operation that meets the damage.
 */
#ifndef HS_DETS_H
#define HS_DETS_H

#include <stddef.h>
#include <stdint.h>

#include "heap.h"

typedef enum DetsType { DETS_SET = 0, DETS_BAG = 1, DETS_DUPLICATE_BAG = 2 } DetsType;
typedef enum DetsRepair { DETS_REPAIR_FALSE, DETS_REPAIR_TRUE, DETS_REPAIR_FORCE } DetsRepair;

typedef enum DetsStatus {
    DETS_OK = 0,
    DETS_ERR_FILE,            /* an OS error; *err holds errno ({file_error, File, Posix}) */
    DETS_ERR_NOT_DETS,        /* bad magic, or shorter than the header ({not_a_dets_file, F}) */
    DETS_ERR_NEEDS_REPAIR,    /* dirty file and {repair, false} or {access, read} */
    DETS_ERR_TYPE_MISMATCH,   /* existing file of another type */
    DETS_ERR_KEYPOS_MISMATCH, /* existing file with another keypos */
    DETS_ERR_ACCESS,          /* a write to a table opened {access, read} */
    DETS_ERR_CORRUPT,         /* damage met in a file that claimed to be clean */
    DETS_ERR_BADARG,          /* object not a tuple of arity >= keypos, or not encodable */
} DetsStatus;

typedef struct DetsOpenOpts {
    const char *file;
    DetsType type;
    unsigned keypos;      /* 1-based */
    DetsRepair repair;
    bool read_only;
    bool type_given;      /* the caller named a type / keypos: check it against the file's */
    bool keypos_given;
} DetsOpenOpts;

typedef struct DetsFile DetsFile;

/* What dets_open did beyond opening (OTP prints a line for each). */
typedef enum DetsRepaired {
    DETS_NOT_REPAIRED,
    DETS_REPAIRED_DIRTY,   /* "not properly closed, repairing ..." */
    DETS_REPAIRED_FORCED,  /* {repair, force} on a clean file: "is now compacted ..." */
} DetsRepaired;

/* Opens (creating when absent and writable) and repairs as o->repair says. *repaired (may be
 * NULL) tells whether and why a repair ran. */
DetsStatus dets_open(const DetsOpenOpts *o, DetsFile **out, int *err, DetsRepaired *repaired);
/* Syncs, marks the file clean, frees f (also on error). */
DetsStatus dets_close(DetsFile *f);
DetsStatus dets_sync(DetsFile *f);

/* The term layer: objects are tuples with arity >= keypos; results are built on h. */
DetsStatus dets_insert(DetsFile *f, Term obj);
/* 1 when inserted, 0 when the key was present (nothing written). */
DetsStatus dets_insert_new_check(DetsFile *f, Term obj, bool *absent);
DetsStatus dets_lookup(DetsFile *f, Term key, Heap *h, Term *out);
DetsStatus dets_member(DetsFile *f, Term key, bool *found);
DetsStatus dets_delete(DetsFile *f, Term key);
DetsStatus dets_delete_object(DetsFile *f, Term obj);
DetsStatus dets_delete_all(DetsFile *f);

/* Iteration by bucket: calls fn for each object of buckets [*bucket, ...) until at least
 * `want` objects were visited or the table ends; *bucket is then the next bucket (or
 * dets_buckets(f) at the end). fn returns false to stop early (after the current bucket). */
typedef bool (*DetsVisitFn)(void *ctx, const unsigned char *obj, size_t olen);
DetsStatus dets_scan(DetsFile *f, uint64_t *bucket, uint64_t want, DetsVisitFn fn, void *ctx);
uint64_t dets_buckets(const DetsFile *f);
/* The bucket that holds key's records, whether or not there are any (first/next walk the
 * table bucket by bucket with dets_scan: docs/dets-format.md, "Iteration"). */
DetsStatus dets_key_bucket(DetsFile *f, Term key, uint64_t *bucket);

/* Information. */
uint64_t dets_size(const DetsFile *f);        /* objects */
uint64_t dets_no_keys(const DetsFile *f);
uint64_t dets_file_size(const DetsFile *f);   /* bytes */
DetsType dets_type(const DetsFile *f);
unsigned dets_keypos(const DetsFile *f);
const char *dets_filename(const DetsFile *f);
bool dets_read_only(const DetsFile *f);

#endif
