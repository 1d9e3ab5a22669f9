/*
 * fuzz_etf.c — libFuzzer target for the external term format decoder (etf_decode).
 *
 * Built and run by tests/fuzz/run.sh (`tests/fuzz/run.sh etf`; FUZZ_SECONDS for a long run).
 *
 * Every input is decoded on a fresh heap; what decodes must encode again, and decoding that
 * encoding must give an equal term (=:=) whose encoding is the same bytes. The heap is then
 * collected with the term as the root and verified. Half the inputs are decoded in safe mode.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "atom.h"
#include "etf.h"
#include "gc.h"
#include "heap.h"
#include "literal.h"

_Atomic uint64_t term_ref_counter; /* hs.c defines it; this target links without hs.c */

static void init_once(void)
{
    static int done;
    if (done) return;
    done = 1;
    atom_init();
    literal_init();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    init_once();
    Heap h;
    heap_init(&h, 233, 65535);
    bool safe = size > 0 && (data[size - 1] & 1);
    size_t used = 0;
    Term t = etf_decode(&h, data, size, safe, &used);
    if (t != NONVALUE) {
        if (used > size) abort();
        EtfEncodeOpts o = ETF_ENCODE_DEFAULT;
        unsigned char *enc;
        size_t n;
        if (!etf_encode_bytes(t, &o, &enc, &n)) abort();
        Term t2 = etf_decode(&h, enc, n, false, NULL);
        if (t2 == NONVALUE || !term_eq_exact(t, t2)) abort();
        unsigned char *enc2;
        size_t n2;
        if (!etf_encode_bytes(t2, &o, &enc2, &n2)) abort();
        if (n2 != n || memcmp(enc, enc2, n) != 0) abort();
        free(enc);
        free(enc2);
        Term regs[2] = {t, t2};
        GcRoots roots = {.xregs = regs, .live = 2, .each_extra = NULL, .ctx = NULL};
        gc_collect(&h, 0, &roots, true, GC_REASON_EXPLICIT, NULL);
        if (gc_verify(&h, &roots)) abort();
        if (!term_eq_exact(regs[0], regs[1])) abort();
    }
    heap_destroy(&h);
    return 0;
}
