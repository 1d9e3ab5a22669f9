/*
 * test_recvscan.c — the selective receive's scan program (recvscan.h): typical receives, as
 * the compiler and code.c's load-time forms leave them, decode into a usable program. A form
 * recvscan does not know by name makes the program unusable (every selective receive then
 * falls back to the VM's slower scan, silently): these tests catch it.
 */
#include <stdio.h>
#include <string.h>

#include "atom.h"
#include "code.h"
#include "hs.h"
#include "lang/compile.h"
#include "recvscan.h"
#include "testhelp.h"

static Module *load(const char *name, const char *src)
{
    char path[64];
    snprintf(path, sizeof path, "%s.erl", name);
    return compile_and_load(path, src, strlen(src));
}

/* The recv_next instructions of m's code, in order (an operand word equal to the handler's
 * address would be a false hit: none of these modules has one). */
static unsigned recv_loops(const Module *m, const Instr **out, unsigned max)
{
    const Instr a = (Instr)vm_opcode_addrs()[OPC_recv_next];
    unsigned n = 0;
    for (size_t i = 0; i < m->code_len && n < max; i++)
        if (m->code[i] == a) out[n++] = m->code + i;
    return n;
}

static const char *src =
    "-module(rs_a).\n"
    "-export([tagged/1, ref/1, pair/2, shape/0, exit/1, call/1]).\n"
    "tagged(Tag) -> receive {Tag, V} -> V end.\n"                    /* bound variable */
    "ref(R) -> receive {reply, R, V} -> V; {'DOWN', R, _, _, E} -> E end.\n"
    "pair(A, B) -> receive {A, B, X} -> X end.\n"
    "shape() -> receive {ok, X} -> X; {error, _} -> e end.\n"        /* constants */
    "exit(P) -> receive {'EXIT', P, R} -> R end.\n"
    "call(M) -> receive {M, {reply, V}} -> V; {M, noreply} -> none end.\n";

TEST(typical_receives_decode)
{
    Module *m = load("rs_a", src);
    CHECK(m != NULL);
    if (!m) return;
    const Instr *loops[16];
    unsigned n = recv_loops(m, loops, 16);
    CHECK(n == 6);
    for (unsigned i = 0; i < n; i++) {
        if (!recvscan_decodes(loops[i])) printf("  receive %u: no program\n", i);
        CHECK(recvscan_decodes(loops[i]));
    }
}

/* A receive whose first clause accepts anything has nothing to reject: no usable program
 * (the VM takes the first message anyway). */
TEST(catch_all_does_not_decode)
{
    Module *m = load("rs_b", "-module(rs_b).\n-export([any/0]).\nany() -> receive X -> X end.\n");
    CHECK(m != NULL);
    if (!m) return;
    const Instr *loops[4];
    CHECK(recv_loops(m, loops, 4) == 1);
    CHECK(!recvscan_decodes(loops[0]));
}

int main(void)
{
    hs_init();
    TH_RUN(typical_receives_decode);
    TH_RUN(catch_all_does_not_decode);
    return th_done();
}
