/*
 * fuzz_dets.c — libFuzzer target for the dets file reader (runtime/dets.c): the input is a
 * table file.
 *
 * Built and run by tests/fuzz/run.sh (`tests/fuzz/run.sh dets`; FUZZ_SECONDS for a long run).
 *
 * The seeds in tests/fuzz/corpus/dets/ are small real tables (set, bag, duplicate_bag, with
 * deletions and free blocks). When the input's last byte is odd, the harness first makes the
 * header's CRC right, so that mutated header fields get past the CRC and reach the reader.
 * Each input is written to a file in /dev/shm (fsync is cheap there), opened without repair
 * (the clean-file reader: index, chains, free lists), read all over, written to, closed, then
 * opened again with repair (the record scanner) and read again. Nothing may crash or leak;
 * errors are the expected outcome.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atom.h"
#include "dets.h"
#include "heap.h"
#include "literal.h"

_Atomic uint64_t term_ref_counter; /* hs.c defines it; this target links without hs.c */

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
    uint32_t c = ~0u;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return ~c;
}

static bool count_obj(void *ctx, const unsigned char *o, size_t n)
{
    ++*(size_t *)ctx;
    return true;
}

static void exercise(const char *file, DetsRepair rep, Heap *h)
{
    DetsOpenOpts o = {.file = file, .type = DETS_SET, .keypos = 1, .repair = rep};
    DetsFile *f;
    int err;
    if (dets_open(&o, &f, &err, NULL) != DETS_OK) return;
    size_t n = 0;
    uint64_t b = 0;
    while (b < dets_buckets(f))
        if (dets_scan(f, &b, 64, count_obj, &n) != DETS_OK) break;
    for (Sint k = 0; k < 40; k++) {
        Term out;
        dets_lookup(f, make_small(k), h, &out);
    }
    unsigned kp = dets_keypos(f);
    if (kp <= 4) {
        Term *hp = heap_halloc(h, 5);
        hp[0] = make_tuple_header(4);
        for (int i = 1; i <= 4; i++) hp[i] = make_small(i);
        Term obj = make_boxed(hp);
        dets_insert(f, obj);
        dets_delete_object(f, obj);
        dets_delete(f, make_small(3));
        dets_insert(f, obj);
    }
    dets_close(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char file[64];
    if (!file[0]) {
        atom_init();
        literal_init();
        snprintf(file, sizeof file, "/dev/shm/fuzz_dets.%d", (int)getpid());
    }
    unsigned char *copy = malloc(size ? size : 1);
    memcpy(copy, data, size);
    if (size >= 512 && (data[size - 1] & 1)) {
        uint32_t c = crc32_of(copy, 508);
        for (int i = 0; i < 4; i++) copy[508 + i] = (unsigned char)(c >> (8 * i));
    }
    FILE *fp = fopen(file, "wb");
    if (!fp) abort();
    if (size && fwrite(copy, 1, size, fp) != size) abort();
    fclose(fp);
    free(copy);
    Heap h;
    heap_init(&h, 233, 65535);
    exercise(file, DETS_REPAIR_FALSE, &h);
    exercise(file, DETS_REPAIR_TRUE, &h);
    heap_destroy(&h);
    unlink(file);
    char tmp[80];
    snprintf(tmp, sizeof tmp, "%s.hsrepair", file);
    unlink(tmp);
    return 0;
}
