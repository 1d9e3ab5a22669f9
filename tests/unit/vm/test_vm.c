/*
 * test_vm.c — the compiler and the VM on small modules: results, literals and constant folding
 * (OTP 25's sizes), exceptions, reductions and yields, GC during deep recursion.
 * Expected values are what OTP 25 gives for the same Erlang (checked with erl).
 */
#include <string.h>

#include "atom.h"
#include "code.h"
#include "copy.h"
#include "hs.h"
#include "lang/compile.h"
#include "literal.h"
#include "testhelp.h"

static Module *load(const char *name, const char *src)
{
    char path[64];
    snprintf(path, sizeof path, "%s.erl", name);
    return compile_and_load(path, src, strlen(src));
}

/* Runs M:F() to the end (through any number of yields); returns the status. */
static VmStatus run0(Process *p, const char *mod, const char *fn, int *yields)
{
    Export *e = code_export(atom_put(mod, strlen(mod)), atom_put(fn, strlen(fn)), 0);
    process_setup_call(p, e->code, NULL, 0);
    VmStatus st;
    int y = 0;
    while ((st = vm_run(p)) == VM_YIELD) y++;
    if (yields) *yields = y;
    return st;
}

static const char *src_a =
    "-module(vt_a).\n"
    "-export([sum/0, lit/0, folded/0, notfolded/0, fc/0, loop/0, deep/0, fun0/0, caught/0]).\n"
    "sum() -> lists_sum([1, 2, 3, 4]).\n"
    "lists_sum([]) -> 0;\n"
    "lists_sum([H | T]) -> H + lists_sum(T).\n"
    "id(X) -> X.\n"
    "lit() -> {a, [1, 2], \"str\", 2.5}.\n"
    "folded() -> 1 bsl 64.\n"
    "notfolded() -> id(1) bsl 64.\n"
    "fc() -> f(b).\n"
    "f(a) -> ok.\n"
    "loop() -> loop(100000, 0).\n"
    "loop(0, A) -> A;\n"
    "loop(N, A) -> loop(N - 1, A + 1).\n"
    "deep() -> length(build(20000)).\n"
    "build(0) -> [];\n"
    "build(N) -> [{N, N} | build(N - 1)].\n"
    "fun0() -> fun() -> ok end.\n"
    "caught() -> try error(x) catch error:R:S -> {R, length(S)} end.\n";

TEST(results)
{
    Process *p = process_new();
    CHECK_EQ(run0(p, "vt_a", "sum", NULL), VM_DONE);
    CHECK_EQ(p->result, make_small(10));
    process_free(p);
}

TEST(constants_are_literals)
{
    Process *p = process_new();
    CHECK_EQ(run0(p, "vt_a", "lit", NULL), VM_DONE);
    CHECK(term_is_literal(p->result));
    /* erts_debug:size/1 of {a,[1,2],"str",2.5}: 5 + 4 + 6 + 2 = 17 (OTP 25) */
    CHECK_EQ(size_shared(p->result), 17);
    CHECK_EQ(size_shared_litopt(p->result), 0);
    CHECK_EQ(run0(p, "vt_a", "folded", NULL), VM_DONE);
    CHECK(term_is_literal(p->result));
    CHECK_EQ(size_object(p->result), 3);
    CHECK_EQ(run0(p, "vt_a", "notfolded", NULL), VM_DONE);
    CHECK(!term_is_literal(p->result));
    CHECK_EQ(size_object(p->result), 3);
    /* fun() -> ok end is built on the heap in OTP 25: 5 words */
    CHECK_EQ(run0(p, "vt_a", "fun0", NULL), VM_DONE);
    CHECK(term_is_fun(p->result) && !term_is_literal(p->result));
    CHECK_EQ(size_object(p->result), 5);
    process_free(p);
}

TEST(function_clause)
{
    Process *p = process_new();
    CHECK_EQ(run0(p, "vt_a", "fc", NULL), VM_CRASHED);
    CHECK_EQ(p->exc.class, AM(error));
    CHECK_EQ(p->exc.reason, AM(function_clause));
    /* f(b) is a tail call, so fc/0's frame is gone, as in OTP:
     * [{vt_a,f,[b],[{file,"vt_a.erl"},{line,11}]}, {init,start_em,1,[]}, {init,do_boot,3,[]}] */
    Term st = p->exc.stacktrace;
    CHECK_EQ(list_length(st), 3);
    Term top = list_head(st);
    CHECK(term_is_tuple(top) && tuple_arity(top) == 4);
    CHECK_EQ(tuple_elem(top, 2), atom_put("f", 1));
    CHECK(term_is_list(tuple_elem(top, 3)) && list_head(tuple_elem(top, 3)) == atom_put("b", 1));
    process_free(p);
}

TEST(reductions_yield_and_resume)
{
    Process *p = process_new();
    int yields = 0;
    CHECK_EQ(run0(p, "vt_a", "loop", &yields), VM_DONE);
    CHECK_EQ(p->result, make_small(100000));
    CHECK(yields >= 100000 / PROC_CONTEXT_REDS - 1);
    process_free(p);
}

TEST(deep_recursion_collects)
{
    Process *p = process_new();
    CHECK_EQ(run0(p, "vt_a", "deep", NULL), VM_DONE);
    CHECK_EQ(p->result, make_small(20000));
    CHECK(p->heap.num_minor + p->heap.num_major > 0);
    /* the initial return address was popped by the last return: the stack is empty */
    CHECK_EQ(heap_stack_words(&p->heap), 0);
    process_free(p);
}

TEST(try_catch)
{
    Process *p = process_new();
    CHECK_EQ(run0(p, "vt_a", "caught", NULL), VM_DONE);
    Term r = p->result;
    CHECK(term_is_tuple(r) && tuple_elem(r, 1) == atom_put("x", 1));
    /* {vt_a,caught,0,...}, {init,start_em,1,[]}, {init,do_boot,3,[]} */
    CHECK_EQ(tuple_elem(r, 2), make_small(3));
    process_free(p);
}

int main(void)
{
    hs_init();
    if (!load("vt_a", src_a)) {
        fprintf(stderr, "vt_a did not compile\n");
        return 1;
    }
    TH_RUN(results);
    TH_RUN(constants_are_literals);
    TH_RUN(function_clause);
    TH_RUN(reductions_yield_and_resume);
    TH_RUN(deep_recursion_collects);
    TH_RUN(try_catch);
    return th_done();
}
