/*
 * process.c — creating, starting and freeing processes. One process runs at a time for now
 * (issue 4 adds schedulers, the signal queue and spawn).
 */
#include "process.h"

#include <stdlib.h>
#include <string.h>

#include "code.h"
#include "dict.h"

static Uint next_pid = 80; /* OTP's first user process under erl -noshell -s is around <0.80.0> */

Process *process_new(void)
{
    Process *p = calloc(1, sizeof *p);
    if (!p) abort();
    heap_init(&p->heap, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    p->pid = make_pid(next_pid++);
    p->exc.stacktrace = NONVALUE;
    p->result = NIL;
    return p;
}

void process_free(Process *p)
{
    if (!p) return;
    heap_destroy(&p->heap);
    dict_free(p->dict);
    free(p->extra_arg_reg);
    free(p->msgs);
    free(p);
}

void process_setup_call(Process *p, const void *entry, const Term *args, unsigned arity)
{
    /* The stack is one word: the return address of the initial call. */
    p->heap.stop = p->heap.hend - 1;
    p->heap.stop[0] = (Term)(uintptr_t)code_normal_exit();
    p->ip = entry;
    p->arity = arity;
    Term *dst = p->arg_reg;
    if (arity > PROC_DEF_ARG_REGS) {
        free(p->extra_arg_reg);
        p->extra_arg_reg = malloc(arity * sizeof(Term));
        if (!p->extra_arg_reg) abort();
        dst = p->extra_arg_reg;
    }
    if (arity) memcpy(dst, args, arity * sizeof(Term));
}
