/*
 * dets.c — the dets file: header, blocks, linear-hashing index, free lists, repair.
 * The on-disk layout is docs/dets-format.md; the invariants are in dets.h.
 */
#include "dets.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "etf.h"

/* ---- layout constants ------------------------------------------------------------------ */

#define HDR_SIZE 512u
#define DATA_START HDR_SIZE
#define MAGIC "HSDETS\r\n"
#define FORMAT_VERSION 2u
#define MIN_BLOCK 32u
#define N_CLASSES 40        /* blocks of 32 << c bytes, c < 40 */
#define REC_HDR 40u         /* record header bytes */
#define SEG_BUCKETS 508u    /* 32-byte block header + 508 * 8 = 4096 bytes */
#define SEG_CLASS 7u        /* 32 << 7 = 4096 */
#define MAX_SEGS 65536u     /* 33 M buckets */
#define LOAD 2u             /* objects per bucket before a split */

enum {
    ST_LIVE = 0x4556494cu, /* "LIVE" */
    ST_FREE = 0x45455246u, /* "FREE" */
    ST_SEG = 0x20474553u,  /* "SEG " */
    ST_META = 0x4154454du, /* "META" */
};

/* Header field offsets. */
enum {
    H_MAGIC = 0, H_VERSION = 8, H_CLEAN = 12, H_SALT = 16, H_TYPE = 20, H_KEYPOS = 24,
    H_LEVEL = 28, H_SPLIT = 32, H_NSEGS = 40, H_DIR = 48, H_DIRCAP = 56, H_COUNT = 64,
    H_SEQ = 72, H_EOF = 80, H_NKEYS = 88, H_FREE = 96, /* 40 * 8 bytes: to 416 */
    H_CRC = 508,
};

/* Record header field offsets (block start). */
enum { R_STATUS = 0, R_CLASS = 4, R_NEXT = 8, R_CRC = 16, R_KLEN = 20, R_OLEN = 24,
       R_HASH = 28, R_SEQ = 32 };

struct DetsFile {
    int fd;
    char *path;
    DetsType type;
    unsigned keypos;
    bool read_only;
    bool dirty_on_disk;   /* the header on disk says "dirty" */
    uint32_t salt;
    uint32_t level;
    uint64_t split;
    uint64_t nsegs;
    uint64_t *dir;        /* segment block offsets */
    uint64_t dir_off, dir_cap;
    uint64_t count, nkeys, seq, eof;
    uint64_t free_head[N_CLASSES];
    unsigned char *buf;   /* scratch for record payloads */
    size_t buf_cap;
    /* Records unlinked since the last sync: still LIVE on disk (a crash brings them back for
     * repair to weigh by sequence number), freed by the next sync. */
    uint64_t *pending;    /* offset << 8 | class: 8 bytes each */
    size_t n_pending, cap_pending;
};

#define MAX_PENDING 65536 /* unlinked records that force a sync (bounds RAM) */

/* ---- little-endian helpers and CRC32 --------------------------------------------------- */

static void put32(unsigned char *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i)); }
static void put64(unsigned char *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> (8 * i)); }
static uint32_t get32(const unsigned char *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--) v = v << 8 | p[i];
    return v;
}
static uint64_t get64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

static uint32_t crc_table[256];

static void crc_init(void)
{
    if (crc_table[1]) return;
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

/* CRC-32 (zlib's), continued from crc. */
static uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t n)
{
    crc = ~crc;
    for (size_t i = 0; i < n; i++) crc = crc_table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

/* FNV-1a 64 of the key's encoding, mixed down to 32 bits (enough for 2^25 buckets): keys
 * equal under =:= have equal encodings. */
static uint64_t key_hash(const unsigned char *k, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) h = (h ^ k[i]) * 0x100000001b3ull;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    return (uint32_t)(h ^ (h >> 32));
}

/* ---- raw I/O ---------------------------------------------------------------------------- */

static bool pread_full(int fd, void *buf, size_t n, uint64_t off)
{
    unsigned char *p = buf;
    while (n) {
        ssize_t r = pread(fd, p, n, (off_t)off);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        p += r, n -= (size_t)r, off += (uint64_t)r;
    }
    return true;
}

static bool pwrite_full(int fd, const void *buf, size_t n, uint64_t off)
{
    const unsigned char *p = buf;
    while (n) {
        ssize_t r = pwrite(fd, p, n, (off_t)off);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        p += r, n -= (size_t)r, off += (uint64_t)r;
    }
    return true;
}

static bool write_u64(DetsFile *f, uint64_t off, uint64_t v)
{
    unsigned char b[8];
    put64(b, v);
    return pwrite_full(f->fd, b, 8, off);
}

static bool read_u64(DetsFile *f, uint64_t off, uint64_t *v)
{
    unsigned char b[8];
    if (!pread_full(f->fd, b, 8, off)) return false;
    *v = get64(b);
    return true;
}

static bool scratch(DetsFile *f, size_t n)
{
    if (n <= f->buf_cap) return true;
    size_t cap = f->buf_cap ? f->buf_cap : 4096;
    while (cap < n) cap *= 2;
    unsigned char *b = realloc(f->buf, cap);
    if (!b) return false;
    f->buf = b, f->buf_cap = cap;
    return true;
}

/* ---- header ----------------------------------------------------------------------------- */

static bool header_write(DetsFile *f, bool clean)
{
    unsigned char h[HDR_SIZE];
    memset(h, 0, sizeof h);
    memcpy(h + H_MAGIC, MAGIC, 8);
    put32(h + H_VERSION, FORMAT_VERSION);
    put32(h + H_CLEAN, clean ? 1 : 0);
    put32(h + H_SALT, f->salt);
    put32(h + H_TYPE, (uint32_t)f->type);
    put32(h + H_KEYPOS, f->keypos);
    put32(h + H_LEVEL, f->level);
    put64(h + H_SPLIT, f->split);
    put64(h + H_NSEGS, f->nsegs);
    put64(h + H_DIR, f->dir_off);
    put64(h + H_DIRCAP, f->dir_cap);
    put64(h + H_COUNT, f->count);
    put64(h + H_SEQ, f->seq);
    put64(h + H_EOF, f->eof);
    put64(h + H_NKEYS, f->nkeys);
    for (int c = 0; c < N_CLASSES; c++) put64(h + H_FREE + 8 * c, f->free_head[c]);
    put32(h + H_CRC, crc32_update(0, h, H_CRC));
    return pwrite_full(f->fd, h, HDR_SIZE, 0);
}

/* Before the first change after open or sync: the header on disk says dirty, durably, so a
 * crash from here on leads to a repair. */
static DetsStatus mark_dirty(DetsFile *f)
{
    if (f->read_only) return DETS_ERR_ACCESS;
    if (f->dirty_on_disk) return DETS_OK;
    if (!header_write(f, false) || fdatasync(f->fd) != 0) return DETS_ERR_CORRUPT;
    f->dirty_on_disk = true;
    return DETS_OK;
}

/* ---- blocks and free lists ------------------------------------------------------------- */

static uint64_t class_size(unsigned c) { return (uint64_t)MIN_BLOCK << c; }

/* The class of a block holding bytes; N_CLASSES when none is big enough. */
static unsigned class_for(uint64_t bytes)
{
    unsigned c = 0;
    while (c < N_CLASSES && class_size(c) < bytes) c++;
    return c;
}

static bool offset_ok(const DetsFile *f, uint64_t off, unsigned c)
{
    return off >= DATA_START && (off - DATA_START) % MIN_BLOCK == 0 && c < N_CLASSES &&
           off + class_size(c) <= f->eof && off + class_size(c) > off;
}

/* A block of class c: the head of its free list, else the end of the file. */
static bool block_alloc(DetsFile *f, unsigned c, uint64_t *off)
{
    uint64_t head = f->free_head[c];
    if (head) {
        unsigned char h[16];
        if (!offset_ok(f, head, c) || !pread_full(f->fd, h, 16, head) ||
            get32(h + R_STATUS) != ST_FREE || h[R_CLASS] != c)
            return false;
        f->free_head[c] = get64(h + R_NEXT);
        *off = head;
        return true;
    }
    *off = f->eof;
    f->eof += class_size(c);
    return true;
}

static bool block_free(DetsFile *f, uint64_t off, unsigned c)
{
    unsigned char h[16];
    memset(h, 0, sizeof h);
    put32(h + R_STATUS, ST_FREE);
    h[R_CLASS] = (unsigned char)c;
    put64(h + R_NEXT, f->free_head[c]);
    if (!pwrite_full(f->fd, h, 16, off)) return false;
    f->free_head[c] = off;
    return true;
}

/* A record unlinked from the index: its block is freed at the next sync, not now. Freeing
 * at once would let a later write reuse the block, and after a power loss the disk could hold
 * the free mark of a synced object's record but not its replacement. */
static bool record_release(DetsFile *f, uint64_t off, unsigned c)
{
    if (f->n_pending == f->cap_pending) {
        size_t cap = f->cap_pending ? f->cap_pending * 2 : 64;
        uint64_t *p = realloc(f->pending, cap * sizeof *p);
        if (!p) return false;
        f->pending = p, f->cap_pending = cap;
    }
    f->pending[f->n_pending++] = off << 8 | c;
    return true;
}

/* ---- records ---------------------------------------------------------------------------- */

typedef struct Rec {
    uint64_t off, next, hash, seq;
    uint32_t klen, olen;
    unsigned cls;
} Rec;

static uint32_t rec_crc(uint32_t salt, const unsigned char *block, size_t payload)
{
    unsigned char s[4];
    put32(s, salt);
    uint32_t c = crc32_update(0, s, 4);
    c = crc32_update(c, block + R_CLASS, 1);
    return crc32_update(c, block + R_KLEN, REC_HDR - R_KLEN + payload);
}

/* Reads the header of the record at off and, with payload, its key and object into f->buf
 * (key at buf, object at buf + klen), checking its CRC. */
static bool rec_read(DetsFile *f, uint64_t off, Rec *r, bool payload)
{
    unsigned char h[REC_HDR];
    if (off < DATA_START || off >= f->eof || (off - DATA_START) % MIN_BLOCK) return false;
    if (!pread_full(f->fd, h, REC_HDR, off)) return false;
    r->off = off;
    r->cls = h[R_CLASS];
    r->next = get64(h + R_NEXT);
    r->klen = get32(h + R_KLEN);
    r->olen = get32(h + R_OLEN);
    r->hash = get32(h + R_HASH);
    r->seq = get64(h + R_SEQ);
    if (get32(h + R_STATUS) != ST_LIVE || !offset_ok(f, off, r->cls)) return false;
    uint64_t need = (uint64_t)REC_HDR + r->klen + r->olen;
    if (need > class_size(r->cls)) return false;
    if (!payload) return true;
    size_t n = REC_HDR + (size_t)r->klen + r->olen;
    if (!scratch(f, n)) return false;
    memcpy(f->buf, h, REC_HDR);
    if (!pread_full(f->fd, f->buf + REC_HDR, n - REC_HDR, off + REC_HDR)) return false;
    if (rec_crc(f->salt, f->buf, n - REC_HDR) != get32(h + R_CRC)) return false;
    memmove(f->buf, f->buf + REC_HDR, n - REC_HDR);
    return true;
}

/* Writes a new record (next = nxt) into a fresh block; *off gets its offset. */
static bool rec_write(DetsFile *f, const unsigned char *k, uint32_t klen, const unsigned char *o,
                      uint32_t olen, uint64_t hash, uint64_t seq, uint64_t nxt, uint64_t *off)
{
    size_t n = REC_HDR + (size_t)klen + olen;
    unsigned c = class_for(n);
    if (c >= N_CLASSES) return false;
    unsigned char *b = malloc(n);
    if (!b) return false;
    memset(b, 0, REC_HDR);
    put32(b + R_STATUS, ST_LIVE);
    b[R_CLASS] = (unsigned char)c;
    put64(b + R_NEXT, nxt);
    put32(b + R_KLEN, klen);
    put32(b + R_OLEN, olen);
    put32(b + R_HASH, (uint32_t)hash);
    put64(b + R_SEQ, seq);
    memcpy(b + REC_HDR, k, klen);
    memcpy(b + REC_HDR + klen, o, olen);
    put32(b + R_CRC, rec_crc(f->salt, b, n - REC_HDR));
    bool ok = block_alloc(f, c, off) && pwrite_full(f->fd, b, n, *off);
    free(b);
    return ok;
}

/* ---- the index: linear hashing over segments of SEG_BUCKETS buckets --------------------- */

static uint64_t n_buckets(const DetsFile *f) { return ((uint64_t)SEG_BUCKETS << f->level) + f->split; }
uint64_t dets_buckets(const DetsFile *f) { return n_buckets(f); }

static uint64_t bucket_of(const DetsFile *f, uint64_t h)
{
    uint64_t m = (uint64_t)SEG_BUCKETS << f->level;
    uint64_t b = h % m;
    return b < f->split ? h % (2 * m) : b;
}

static bool slot_loc(const DetsFile *f, uint64_t b, uint64_t *loc)
{
    uint64_t s = b / SEG_BUCKETS;
    if (s >= f->nsegs) return false;
    *loc = f->dir[s] + MIN_BLOCK + 8 * (b % SEG_BUCKETS);
    return true;
}

static bool seg_add(DetsFile *f)
{
    if (f->nsegs >= MAX_SEGS) return false;
    uint64_t off;
    if (!block_alloc(f, SEG_CLASS, &off)) return false;
    unsigned char *b = calloc(1, class_size(SEG_CLASS));
    if (!b) return false;
    put32(b + R_STATUS, ST_SEG);
    b[R_CLASS] = SEG_CLASS;
    bool ok = pwrite_full(f->fd, b, class_size(SEG_CLASS), off);
    free(b);
    if (!ok) return false;
    uint64_t *d = realloc(f->dir, (f->nsegs + 1) * sizeof *d);
    if (!d) return false;
    f->dir = d;
    f->dir[f->nsegs++] = off;
    return true;
}

/* Splits bucket `split` into itself and split + m, keeping each chain's order. */
static bool index_split(DetsFile *f)
{
    uint64_t m = (uint64_t)SEG_BUCKETS << f->level;
    uint64_t to = f->split + m;
    if (to / SEG_BUCKETS >= f->nsegs && !seg_add(f)) return true; /* at the limit: no split */
    uint64_t from_loc, to_loc;
    if (!slot_loc(f, f->split, &from_loc) || !slot_loc(f, to, &to_loc)) return false;
    uint64_t cur;
    if (!read_u64(f, from_loc, &cur)) return false;
    uint64_t tails[2] = {from_loc, to_loc};
    uint64_t steps = 0;
    while (cur) {
        Rec r;
        if (!rec_read(f, cur, &r, false) || ++steps > f->count + 1) return false;
        int side = r.hash % (2 * m) == f->split ? 0 : 1;
        if (!write_u64(f, tails[side], cur)) return false;
        tails[side] = cur + R_NEXT;
        cur = r.next;
    }
    if (!write_u64(f, tails[0], 0) || !write_u64(f, tails[1], 0)) return false;
    if (++f->split == m) f->level++, f->split = 0;
    return true;
}

/* ---- open, create, close, sync --------------------------------------------------------- */

static DetsFile *file_new(const char *path, int fd)
{
    DetsFile *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    f->path = strdup(path);
    f->fd = fd;
    return f;
}

static void file_free(DetsFile *f)
{
    if (f->fd >= 0) close(f->fd);
    free(f->path);
    free(f->dir);
    free(f->buf);
    free(f->pending);
    free(f);
}

static uint32_t new_salt(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint32_t)(ts.tv_nsec ^ ts.tv_sec * 2654435761u ^ (uint32_t)getpid() << 16) | 1u;
}

/* An empty table in f's (empty) file. */
static bool file_init(DetsFile *f, DetsType type, unsigned keypos)
{
    f->type = type;
    f->keypos = keypos;
    f->salt = new_salt();
    f->level = 0, f->split = 0, f->nsegs = 0;
    f->dir_off = 0, f->dir_cap = 0;
    f->count = 0, f->nkeys = 0, f->seq = 0;
    f->eof = DATA_START;
    memset(f->free_head, 0, sizeof f->free_head);
    if (ftruncate(f->fd, DATA_START) != 0) return false;
    if (!seg_add(f)) return false;
    f->dirty_on_disk = true;
    return header_write(f, false);
}

/* Reads and checks the header; on success fills f. */
static DetsStatus header_read(DetsFile *f, bool *clean)
{
    unsigned char h[HDR_SIZE];
    struct stat st;
    if (fstat(f->fd, &st) != 0) return DETS_ERR_FILE;
    if ((uint64_t)st.st_size < HDR_SIZE || !pread_full(f->fd, h, HDR_SIZE, 0)) return DETS_ERR_NOT_DETS;
    if (memcmp(h + H_MAGIC, MAGIC, 8) != 0 || get32(h + H_VERSION) != FORMAT_VERSION)
        return DETS_ERR_NOT_DETS;
    f->salt = get32(h + H_SALT);
    if (crc32_update(0, h, H_CRC) != get32(h + H_CRC)) {
        /* A damaged header: our file, but nothing in it can be trusted except the records. */
        *clean = false;
        f->type = DETS_SET;
        f->keypos = 1;
        return DETS_ERR_CORRUPT;
    }
    *clean = get32(h + H_CLEAN) == 1;
    f->salt = get32(h + H_SALT);
    f->type = (DetsType)get32(h + H_TYPE);
    f->keypos = get32(h + H_KEYPOS);
    f->level = get32(h + H_LEVEL);
    f->split = get64(h + H_SPLIT);
    f->nsegs = get64(h + H_NSEGS);
    f->dir_off = get64(h + H_DIR);
    f->dir_cap = get64(h + H_DIRCAP);
    f->count = get64(h + H_COUNT);
    f->seq = get64(h + H_SEQ);
    f->eof = get64(h + H_EOF);
    f->nkeys = get64(h + H_NKEYS);
    for (int c = 0; c < N_CLASSES; c++) f->free_head[c] = get64(h + H_FREE + 8 * c);
    if (f->type > DETS_DUPLICATE_BAG || f->keypos < 1) return DETS_ERR_CORRUPT;
    if (f->eof < DATA_START || f->eof > (uint64_t)st.st_size) *clean = false;
    /* Every record takes a block of at least 64 bytes: larger counts are damage (and would
     * let a cycle in a chain or a run of splits go on for ever). */
    else if (f->count > (f->eof - DATA_START) / 64 || f->nkeys > f->count) *clean = false;
    return DETS_OK;
}

/* Loads the segment directory of a clean file. */
static bool dir_load(DetsFile *f)
{
    if (f->level > 16 || f->split >= ((uint64_t)SEG_BUCKETS << f->level)) return false;
    uint64_t need = (n_buckets(f) + SEG_BUCKETS - 1) / SEG_BUCKETS;
    if (f->nsegs < need || f->nsegs > MAX_SEGS || f->nsegs > f->dir_cap || f->dir_cap > 4 * MAX_SEGS)
        return false;
    unsigned c = class_for(MIN_BLOCK + 8 * f->dir_cap);
    if (!offset_ok(f, f->dir_off, c)) return false;
    unsigned char h[8];
    if (!pread_full(f->fd, h, 8, f->dir_off) || get32(h + R_STATUS) != ST_META || h[R_CLASS] != c)
        return false;
    f->dir = malloc(f->nsegs * sizeof *f->dir);
    unsigned char *b = malloc(f->nsegs * 8);
    bool ok = f->dir && b && pread_full(f->fd, b, f->nsegs * 8, f->dir_off + MIN_BLOCK);
    for (uint64_t s = 0; ok && s < f->nsegs; s++) {
        f->dir[s] = get64(b + 8 * s);
        ok = offset_ok(f, f->dir[s], SEG_CLASS);
    }
    free(b);
    return ok;
}

/* Writes the segment directory into its META block (a bigger one when it outgrew it). */
static bool dir_store(DetsFile *f)
{
    if (f->nsegs > f->dir_cap || !f->dir_off) {
        uint64_t cap = f->dir_cap ? f->dir_cap : 12;
        while (cap < f->nsegs) cap = cap * 2 + 4;
        if (f->dir_off && !block_free(f, f->dir_off, class_for(MIN_BLOCK + 8 * f->dir_cap))) return false;
        if (!block_alloc(f, class_for(MIN_BLOCK + 8 * cap), &f->dir_off)) return false;
        f->dir_cap = cap;
    }
    size_t n = MIN_BLOCK + 8 * f->nsegs;
    unsigned char *b = calloc(1, n);
    if (!b) return false;
    put32(b + R_STATUS, ST_META);
    b[R_CLASS] = (unsigned char)class_for(MIN_BLOCK + 8 * f->dir_cap);
    for (uint64_t s = 0; s < f->nsegs; s++) put64(b + MIN_BLOCK + 8 * s, f->dir[s]);
    bool ok = pwrite_full(f->fd, b, n, f->dir_off);
    free(b);
    return ok;
}

DetsStatus dets_sync(DetsFile *f)
{
    if (f->read_only || !f->dirty_on_disk) return DETS_OK;
    /* Order: the data and the index, durably; then the header that says they are whole. */
    if (!dir_store(f)) return DETS_ERR_CORRUPT;
    /* Order: everything that links the new records durable first; then the unlinked records
     * freed, durably, before the header that names the free lists. */
    if (f->n_pending) {
        if (fdatasync(f->fd) != 0) return DETS_ERR_CORRUPT;
        for (size_t i = 0; i < f->n_pending; i++)
            if (!block_free(f, f->pending[i] >> 8, (unsigned)(f->pending[i] & 0xFF))) return DETS_ERR_CORRUPT;
        f->n_pending = 0;
    }
    /* The last block may be written only up to its record's end: make the file whole, so
     * that a file shorter than its header's eof means truncation. */
    struct stat st;
    if (fstat(f->fd, &st) != 0) return DETS_ERR_CORRUPT;
    if ((uint64_t)st.st_size < f->eof && ftruncate(f->fd, (off_t)f->eof) != 0) return DETS_ERR_CORRUPT;
    if (fdatasync(f->fd) != 0) return DETS_ERR_CORRUPT;
    if (!header_write(f, true) || fdatasync(f->fd) != 0) return DETS_ERR_CORRUPT;
    f->dirty_on_disk = false;
    return DETS_OK;
}

DetsStatus dets_close(DetsFile *f)
{
    DetsStatus s = dets_sync(f);
    file_free(f);
    return s;
}

/* ---- insertion and lookup on encoded terms ---------------------------------------------- */

typedef enum { INS_NORMAL, INS_REPAIR } InsMode;

static void maybe_split(DetsFile *f, bool *ok)
{
    while (*ok && f->count > LOAD * n_buckets(f) && n_buckets(f) < (uint64_t)MAX_SEGS * SEG_BUCKETS) {
        uint64_t before = n_buckets(f);
        *ok = index_split(f);
        if (n_buckets(f) == before) break;
    }
}

/* Inserts an encoded object. In repair mode a set keeps the record of the higher sequence
 * number (a crash between writing a replacement and freeing the old record leaves both). */
static DetsStatus raw_insert(DetsFile *f, const unsigned char *k, uint32_t klen,
                             const unsigned char *o, uint32_t olen, uint64_t seq, InsMode mode)
{
    uint64_t hash = key_hash(k, klen);
    uint64_t loc;
    if (!slot_loc(f, bucket_of(f, hash), &loc)) return DETS_ERR_CORRUPT;
    uint64_t cur;
    if (!read_u64(f, loc, &cur)) return DETS_ERR_CORRUPT;
    bool key_seen = false;
    uint64_t steps = 0, dup_loc = 0, dup_off = 0, ins_loc = 0, ins_next = 0;
    unsigned dup_cls = 0;
    while (cur) {
        Rec r;
        if (++steps > f->count + 1 || !rec_read(f, cur, &r, false)) return DETS_ERR_CORRUPT;
        if (r.hash == hash && r.klen == klen) {
            if (!rec_read(f, cur, &r, true)) return DETS_ERR_CORRUPT;
            if (memcmp(f->buf, k, klen) == 0) {
                key_seen = true;
                if (f->type == DETS_SET) {
                    if (mode == INS_REPAIR && r.seq > seq) return DETS_OK;
                    uint64_t off;
                    if (!rec_write(f, k, klen, o, olen, hash, seq, r.next, &off) ||
                        !write_u64(f, loc, off) || !record_release(f, cur, r.cls))
                        return DETS_ERR_CORRUPT;
                    return DETS_OK;
                }
                if (f->type == DETS_BAG && r.olen == olen && memcmp(f->buf + klen, o, olen) == 0) {
                    if (mode == INS_REPAIR) {
                        /* A crash during a move left two copies: keep the later one. The
                         * repair writes a new file, so the order of writes is free here. */
                        if (r.seq >= seq) return DETS_OK;
                        if (!write_u64(f, loc, r.next) || !record_release(f, cur, r.cls)) return DETS_ERR_CORRUPT;
                        f->count--;
                        cur = r.next;
                        continue;
                    }
                    /* OTP 25: inserting an object a bag holds moves it to the end of its key's
                     * objects. The new copy is appended first, the old one unlinked after. */
                    dup_loc = loc, dup_off = cur, dup_cls = r.cls;
                }
                /* Repair rebuilds a key's objects in the order they were written. */
                if (mode == INS_REPAIR && !ins_loc && r.seq > seq) ins_loc = loc, ins_next = cur;
            }
        }
        loc = cur + R_NEXT;
        cur = r.next;
    }
    uint64_t off;
    if (ins_loc) loc = ins_loc;
    if (!rec_write(f, k, klen, o, olen, hash, seq, ins_next, &off) || !write_u64(f, loc, off))
        return DETS_ERR_CORRUPT;
    if (dup_off) {
        uint64_t nxt;
        if (!read_u64(f, dup_off + R_NEXT, &nxt) || !write_u64(f, dup_loc, nxt) ||
            !record_release(f, dup_off, dup_cls))
            return DETS_ERR_CORRUPT;
        return DETS_OK;
    }
    f->count++;
    if (!key_seen) f->nkeys++;
    bool ok = true;
    maybe_split(f, &ok);
    return ok ? DETS_OK : DETS_ERR_CORRUPT;
}

/* Visits the records of key k in chain order; fn gets the object bytes. With del, removes
 * those whose object equals obj (or every one when obj is NULL) instead. */
typedef struct KeyOp {
    const unsigned char *obj; /* delete_object: only this object */
    uint32_t olen;
    bool del;
    DetsVisitFn fn;
    void *ctx;
    bool found;
} KeyOp;

static DetsStatus key_walk(DetsFile *f, const unsigned char *k, uint32_t klen, KeyOp *op)
{
    uint64_t hash = key_hash(k, klen);
    uint64_t loc;
    if (!slot_loc(f, bucket_of(f, hash), &loc)) return DETS_ERR_CORRUPT;
    uint64_t cur;
    if (!read_u64(f, loc, &cur)) return DETS_ERR_CORRUPT;
    uint64_t steps = 0, removed = 0, kept = 0;
    while (cur) {
        Rec r;
        if (++steps > f->count + 1 || !rec_read(f, cur, &r, false)) return DETS_ERR_CORRUPT;
        bool match = false;
        if (r.hash == hash && r.klen == klen) {
            if (!rec_read(f, cur, &r, true)) return DETS_ERR_CORRUPT;
            match = memcmp(f->buf, k, klen) == 0;
        }
        if (match) {
            op->found = true;
            if (!op->del) {
                if (op->fn && !op->fn(op->ctx, f->buf + klen, r.olen)) return DETS_OK;
            } else if (!op->obj || (r.olen == op->olen && memcmp(f->buf + klen, op->obj, r.olen) == 0)) {
                /* Unlink first, then free: the record stays intact until nothing points to it. */
                if (!write_u64(f, loc, r.next) || !record_release(f, cur, r.cls)) return DETS_ERR_CORRUPT;
                removed++;
                cur = r.next;
                continue;
            } else {
                kept++;
            }
        }
        loc = cur + R_NEXT;
        cur = r.next;
    }
    if (removed) {
        f->count -= removed <= f->count ? removed : f->count;
        if (!kept && f->nkeys) f->nkeys--;
    }
    return DETS_OK;
}

/* ---- repair ----------------------------------------------------------------------------- */

/* Rebuilds the table of the file at path into path.hsrepair from its intact records, then
 * renames it over path. */
static DetsStatus repair_file(const char *path, DetsType type, unsigned keypos, uint32_t salt,
                              int *err)
{
    int ofd = open(path, O_RDONLY | O_CLOEXEC);
    if (ofd < 0) return *err = errno, DETS_ERR_FILE;
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 12);
    if (!tmp) return close(ofd), DETS_ERR_FILE;
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".hsrepair", 10);
    int nfd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (nfd < 0) {
        *err = errno;
        close(ofd), free(tmp);
        return DETS_ERR_FILE;
    }
    DetsFile *nf = file_new(tmp, nfd);
    DetsStatus st = DETS_OK;
    if (!nf || !file_init(nf, type, keypos)) st = DETS_ERR_CORRUPT;
    struct stat sb;
    uint64_t size = fstat(ofd, &sb) == 0 ? (uint64_t)sb.st_size : 0;
    DetsFile old = {.fd = ofd, .salt = salt, .eof = size};
    uint64_t maxseq = 0;
    for (uint64_t pos = DATA_START; st == DETS_OK && pos + MIN_BLOCK <= size;) {
        Rec r;
        if (rec_read(&old, pos, &r, true)) {
            st = raw_insert(nf, old.buf, r.klen, old.buf + r.klen, r.olen, r.seq, INS_REPAIR);
            if (r.seq > maxseq) maxseq = r.seq;
            pos += class_size(r.cls);
        } else {
            pos += MIN_BLOCK;
        }
    }
    free(old.buf);
    close(ofd);
    if (st == DETS_OK) {
        nf->seq = maxseq;
        st = dets_sync(nf);
    }
    if (nf) {
        if (st == DETS_OK && fsync(nf->fd) != 0) st = DETS_ERR_CORRUPT;
        file_free(nf);
    }
    if (st == DETS_OK && rename(tmp, path) != 0) *err = errno, st = DETS_ERR_FILE;
    if (st != DETS_OK) unlink(tmp);
    free(tmp);
    return st;
}

DetsStatus dets_open(const DetsOpenOpts *o, DetsFile **out, int *err, DetsRepaired *repaired)
{
    crc_init();
    *out = NULL;
    *err = 0;
    if (repaired) *repaired = DETS_NOT_REPAIRED;
    bool forced = false;
    for (int attempt = 0; attempt < 2; attempt++) {
        int fd = open(o->file, (o->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
        bool created = false;
        if (fd < 0 && errno == ENOENT && !o->read_only) {
            fd = open(o->file, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
            created = fd >= 0;
        }
        if (fd < 0) return *err = errno, DETS_ERR_FILE;
        DetsFile *f = file_new(o->file, fd);
        if (!f) return close(fd), *err = ENOMEM, DETS_ERR_FILE;
        f->read_only = o->read_only;
        if (created) {
            if (!file_init(f, o->type, o->keypos)) {
                *err = errno;
                file_free(f);
                return DETS_ERR_FILE;
            }
            *out = f;
            return DETS_OK;
        }
        bool clean = false;
        DetsStatus st = header_read(f, &clean);
        if (st == DETS_ERR_NOT_DETS || st == DETS_ERR_FILE) {
            *err = errno;
            file_free(f);
            return st;
        }
        bool damaged_hdr = st == DETS_ERR_CORRUPT;
        if (!damaged_hdr) {
            if (o->type_given && f->type != o->type) return file_free(f), DETS_ERR_TYPE_MISMATCH;
            if (o->keypos_given && f->keypos != o->keypos) return file_free(f), DETS_ERR_KEYPOS_MISMATCH;
        }
        if (clean && attempt == 0 && o->repair == DETS_REPAIR_FORCE) clean = false, forced = true;
        if (clean && !dir_load(f)) clean = false;
        if (clean) {
            f->dirty_on_disk = false;
            *out = f;
            return DETS_OK;
        }
        if (attempt == 1 || o->repair == DETS_REPAIR_FALSE || o->read_only) {
            file_free(f);
            return attempt == 1 ? DETS_ERR_CORRUPT : DETS_ERR_NEEDS_REPAIR;
        }
        DetsType type = damaged_hdr ? o->type : f->type;
        unsigned keypos = damaged_hdr ? o->keypos : f->keypos;
        uint32_t salt = f->salt;
        file_free(f);
        st = repair_file(o->file, type, keypos, salt, err);
        if (st != DETS_OK) return st;
        if (repaired) *repaired = forced ? DETS_REPAIRED_FORCED : DETS_REPAIRED_DIRTY;
    }
    return DETS_ERR_CORRUPT;
}

/* ---- the term layer --------------------------------------------------------------------- */

static const EtfEncodeOpts ENC = {1, -1, true};

/* After a change: too many records waiting to be freed make a sync (RAM stays bounded). */
static DetsStatus changed(DetsFile *f, DetsStatus st)
{
    return st == DETS_OK && f->n_pending >= MAX_PENDING ? dets_sync(f) : st;
}

static bool encode(Term t, unsigned char **b, size_t *n)
{
    return etf_encode_bytes(t, &ENC, b, n) && *n < 0x7fffffffu;
}

static bool obj_ok(const DetsFile *f, Term obj)
{
    return term_is_tuple(obj) && tuple_arity(obj) >= f->keypos;
}

DetsStatus dets_insert(DetsFile *f, Term obj)
{
    if (!obj_ok(f, obj)) return DETS_ERR_BADARG;
    DetsStatus st = mark_dirty(f);
    if (st != DETS_OK) return st;
    unsigned char *k, *o;
    size_t kn, on;
    if (!encode(tuple_elem(obj, f->keypos), &k, &kn)) return DETS_ERR_BADARG;
    if (!encode(obj, &o, &on)) return free(k), DETS_ERR_BADARG;
    st = raw_insert(f, k, (uint32_t)kn, o, (uint32_t)on, ++f->seq, INS_NORMAL);
    free(k), free(o);
    return changed(f, st);
}

static DetsStatus key_op(DetsFile *f, Term key, KeyOp *op)
{
    unsigned char *k;
    size_t kn;
    if (!encode(key, &k, &kn)) return DETS_ERR_BADARG;
    DetsStatus st = key_walk(f, k, (uint32_t)kn, op);
    free(k);
    return st;
}

DetsStatus dets_insert_new_check(DetsFile *f, Term obj, bool *absent)
{
    if (!obj_ok(f, obj)) return DETS_ERR_BADARG;
    bool found;
    DetsStatus st = dets_member(f, tuple_elem(obj, f->keypos), &found);
    *absent = !found;
    return st;
}

typedef struct Collect {
    Heap *h;
    Term *items;
    size_t n, cap;
    bool bad;
} Collect;

static bool collect_one(void *ctx, const unsigned char *obj, size_t olen)
{
    Collect *c = ctx;
    Term t = etf_decode(c->h, obj, olen, false, NULL);
    if (t == NONVALUE) return c->bad = true, false;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 8;
        Term *it = realloc(c->items, cap * sizeof *it);
        if (!it) return c->bad = true, false;
        c->items = it, c->cap = cap;
    }
    c->items[c->n++] = t;
    return true;
}

DetsStatus dets_lookup(DetsFile *f, Term key, Heap *h, Term *out)
{
    Collect c = {h, NULL, 0, 0, false};
    KeyOp op = {.fn = collect_one, .ctx = &c};
    DetsStatus st = key_op(f, key, &op);
    if (st == DETS_OK && c.bad) st = DETS_ERR_CORRUPT;
    Term l = NIL;
    if (st == DETS_OK && c.n) {
        Term *hp = heap_halloc(h, 2 * c.n);
        for (size_t i = c.n; i-- > 0;) l = cons_at(hp + 2 * i, c.items[i], l);
    }
    free(c.items);
    *out = l;
    return st;
}

static bool stop_now(void *ctx, const unsigned char *obj, size_t olen) { return false; }

DetsStatus dets_member(DetsFile *f, Term key, bool *found)
{
    KeyOp op = {.fn = stop_now};
    DetsStatus st = key_op(f, key, &op);
    *found = op.found;
    return st;
}

DetsStatus dets_delete(DetsFile *f, Term key)
{
    DetsStatus st = mark_dirty(f);
    if (st != DETS_OK) return st;
    KeyOp op = {.del = true};
    return changed(f, key_op(f, key, &op));
}

DetsStatus dets_delete_object(DetsFile *f, Term obj)
{
    if (!obj_ok(f, obj)) return DETS_ERR_BADARG;
    DetsStatus st = mark_dirty(f);
    if (st != DETS_OK) return st;
    unsigned char *o;
    size_t on;
    if (!encode(obj, &o, &on)) return DETS_ERR_BADARG;
    KeyOp op = {.del = true, .obj = o, .olen = (uint32_t)on};
    st = key_op(f, tuple_elem(obj, f->keypos), &op);
    free(o);
    return changed(f, st);
}

DetsStatus dets_delete_all(DetsFile *f)
{
    DetsStatus st = mark_dirty(f);
    if (st != DETS_OK) return st;
    free(f->dir);
    f->dir = NULL;
    f->n_pending = 0;
    return file_init(f, f->type, f->keypos) ? DETS_OK : DETS_ERR_CORRUPT;
}

DetsStatus dets_scan(DetsFile *f, uint64_t *bucket, uint64_t want, DetsVisitFn fn, void *ctx)
{
    uint64_t seen = 0;
    while (*bucket < n_buckets(f) && seen < want) {
        uint64_t loc, cur;
        if (!slot_loc(f, *bucket, &loc) || !read_u64(f, loc, &cur)) return DETS_ERR_CORRUPT;
        (*bucket)++;
        bool go = true;
        for (uint64_t steps = 0; cur; ) {
            Rec r;
            if (++steps > f->count + 1 || !rec_read(f, cur, &r, true)) return DETS_ERR_CORRUPT;
            if (go && fn && !fn(ctx, f->buf + r.klen, r.olen)) go = false;
            seen++;
            cur = r.next;
        }
        if (!go) break;
    }
    return DETS_OK;
}

DetsStatus dets_key_bucket(DetsFile *f, Term key, uint64_t *bucket)
{
    unsigned char *k;
    size_t kn;
    if (!encode(key, &k, &kn)) return DETS_ERR_BADARG;
    *bucket = bucket_of(f, key_hash(k, kn));
    free(k);
    return DETS_OK;
}

uint64_t dets_size(const DetsFile *f) { return f->count; }
uint64_t dets_no_keys(const DetsFile *f) { return f->nkeys; }
uint64_t dets_file_size(const DetsFile *f)
{
    struct stat st;
    return fstat(f->fd, &st) == 0 ? (uint64_t)st.st_size : f->eof;
}
DetsType dets_type(const DetsFile *f) { return f->type; }
unsigned dets_keypos(const DetsFile *f) { return f->keypos; }
const char *dets_filename(const DetsFile *f) { return f->path; }
bool dets_read_only(const DetsFile *f) { return f->read_only; }
