/*
 * process.h — the process control block.
 *
 * This is the part of a process that the VM and the BIFs need now (issue 3): its memory, its
 * identity, its reductions, the exception being raised and the process dictionary. Issue 4
 * adds the scheduler fields (run queue links, status, priority), the signal queue, links and
 * monitors; the layout here is meant to grow, not to change.
 *
 * [owner only] unless a field says otherwise: a process is run by one scheduler thread at a
 * time, and only that thread touches these fields.
 */
#ifndef HS_PROCESS_H
#define HS_PROCESS_H

#include "heap.h"

#define VM_X_REGS 1024        /* X registers: arguments and temporaries (OTP's MAX_REG) */
#define PROC_CONTEXT_REDS 4000 /* reductions per time slice (OTP's CONTEXT_REDS) */
#define PROC_DEF_ARG_REGS 6    /* argument registers saved inline when a process is switched out */

/* An exception being raised: BIFs set it and return NONVALUE; the VM unwinds. */
typedef struct ProcException {
    Term class;      /* AM(error), AM(exit) or AM(throw) */
    Term reason;     /* the reason term */
    Term args;       /* for errors raised by a BIF: the argument list, else NIL */
    Term stacktrace; /* built by the VM while unwinding; NONVALUE until then */
} ProcException;

/*
 * X registers belong to the scheduler thread (VM_X_REGS of them), not to the process: a process
 * costs OTP's figure in memory (sizeof(Process) 776 bytes + its heap), so it cannot carry 8 KiB
 * of registers. When a process is switched out at a call, its live argument registers are
 * saved in arg_reg (or in a malloc'd array when there are more than PROC_DEF_ARG_REGS).
 */
typedef struct Process {
    Heap heap;
    Term pid;                /* local pid immediate */
    int reds_left;           /* reductions left in this slice */
    Uint reductions;         /* total, for process_info(reductions) */
    ProcException exc;
    struct ProcDict *dict;   /* the process dictionary (its terms are GC roots); NULL if empty */
    const void *ip;          /* where the VM resumes this process */
    unsigned arity;          /* live argument registers saved below */
    Term arg_reg[PROC_DEF_ARG_REGS];
    Term *extra_arg_reg;     /* when arity > PROC_DEF_ARG_REGS */
    Term initial_call[3];    /* {M, F, A} atoms and arity as a small */
    /* The VM's mailbox until issue 4's signal queue: messages a process sent itself, on its own
     * heap (GC roots). recv_pos is where receive's scan stands. */
    Term *msgs;
    unsigned n_msgs, cap_msgs, recv_pos;
    Term result;             /* the value the initial call returned (vm_run's VM_DONE) */
} Process;

/* process.c: a fresh process with a default heap (233 words), pid <0.N.0>, and its end. */
Process *process_new(void);
void process_free(Process *p);
/* Sets p up to call the code at entry with these arguments, returning to the VM's normal_exit
 * (the stack's first word). vm_run then runs it. */
void process_setup_call(Process *p, const void *entry, const Term *args, unsigned arity);

/* Raise helpers for BIFs: set the exception and return NONVALUE. */
static inline Term proc_raise(Process *p, Term class_, Term reason)
{
    p->exc.class = class_;
    p->exc.reason = reason;
    p->exc.args = NIL;
    p->exc.stacktrace = NONVALUE;
    return NONVALUE;
}

#endif
