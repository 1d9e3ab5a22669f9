/*
 * recvscan.c — a selective receive's long scan (recvscan.h).
 *
 * The program is a graph of steps, one per VM test instruction of the clause heads, each with
 * a successor for "passed" and one for "failed": another step, SKIP (the receive's recv_skip:
 * the message is rejected) or MAYBE (code the program does not copy: hand the message to the
 * VM). Operands are slots (registers the heads read or write, loaded once per scan) or
 * constants, as in the instruction words (vm.h: a word with low bits 0 is a register).
 */
#include "recvscan.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "term.h"

#define MAX_STEPS 32
#define MAX_SLOTS 12
#define NO_SLOT 0xff

enum { SKIP = -1, MAYBE = -2 };

typedef enum StepKind {
    K_NONE,            /* not an instruction the program copies */
    K_IS_TUPLE_ARITY,  /* "Lsi" */
    K_IS_RECORD,       /* "Lssi" */
    K_GET_ELEM,        /* "sid" */
    K_GET_LIST,        /* "sdd" */
    K_CMP,             /* "Liss" with the VmCmp word */
    K_IS_LT, K_IS_GE, K_IS_EQ_EXACT, K_IS_NE_EXACT, /* "Liss", the VmCmp word ignored */
    K_TEST,            /* "Lis" with the VmTest word */
    K_TEST_LIST, K_TEST_INTEGER, K_TEST_ATOM, K_TEST_TUPLE, /* "Lis", the VmTest word ignored */
    K_IS_NIL,          /* "Ls" */
    K_IS_NONEMPTY_LIST,/* "Ls" */
    K_JUMP,            /* "L" */
    K_RECV_SKIP,       /* "L" */
} StepKind;

typedef struct Step {
    uint8_t kind;      /* StepKind */
    uint8_t sa, sb;    /* operand slots, NO_SLOT for a constant */
    uint8_t da, db;    /* destination slots (get_elem, get_list) */
    int8_t pass, fail; /* next step, SKIP or MAYBE */
    Uint n;            /* arity, index, VmCmp or VmTest */
    Term ka, kb;       /* constant operands */
} Step;

/*
 * What the VM's run over the heads is reduced to for the scan: a message is rejected when no
 * clause's condition holds. A clause's condition is the conjunction of the tests at the start
 * of one head that look only at the message's shape: tuple and arity, and elements (or the
 * whole message) exactly equal to a constant or to a register the heads never write (a bound
 * variable). The condition stops at the first test of any other kind ("may match" from
 * there); every failure edge of the tests it took leads to another clause or to recv_skip.
 */
#define MAX_CLAUSES 6
#define MAX_EQS 3
typedef struct Clause {
    Uint arity;            /* with is_tuple: the message is a tuple of this arity */
    bool is_tuple;
    bool never;            /* its tests lead to recv_skip even when they pass */
    uint8_t n_eqs;
    Uint eq_idx[MAX_EQS];  /* element index, 0 for the whole message */
    Term eq_k[MAX_EQS];    /* constant, or a register's value (slot eq_slot) */
    uint8_t eq_slot[MAX_EQS];
} Clause;

typedef struct Program {
    const Mailbox *mb; /* whose scan decoded it (recvscan.h invariant 4) */
    const Instr *loop;
    bool usable;       /* false: the heads hold nothing the program can run */
    unsigned n_steps, n_slots;
    Step steps[MAX_STEPS];
    Instr slot_reg[MAX_SLOTS]; /* the register word of each slot; slot 0 is the message's */
    unsigned n_clauses;
    Clause clauses[MAX_CLAUSES];
    /* decoding only: the code address of each step */
    const Instr *at[MAX_STEPS];
} Program;

static _Thread_local Program cache;

/* ---- handler addresses to kinds --------------------------------------------------------- */

typedef struct OpKind {
    const void *addr;
    StepKind kind;
} OpKind;

static OpKind op_kinds[40];
static unsigned n_op_kinds;
static pthread_once_t op_kinds_once = PTHREAD_ONCE_INIT;

/* By name, so that the specialised forms are known when the VM has them and the table does not
 * depend on which of them exist. */
static void op_kinds_init(void)
{
    static const struct { const char *name; StepKind kind; } names[] = {
        {"is_tuple_arity", K_IS_TUPLE_ARITY}, {"is_record", K_IS_RECORD},
        {"get_elem", K_GET_ELEM}, {"get_list", K_GET_LIST}, {"cmp", K_CMP},
        {"is_lt", K_IS_LT}, {"is_ge", K_IS_GE}, {"is_eq_exact", K_IS_EQ_EXACT},
        {"is_ne_exact", K_IS_NE_EXACT}, {"test", K_TEST}, {"test_list", K_TEST_LIST},
        {"test_integer", K_TEST_INTEGER}, {"test_atom", K_TEST_ATOM},
        {"test_tuple", K_TEST_TUPLE}, {"is_nil", K_IS_NIL},
        {"is_nonempty_list", K_IS_NONEMPTY_LIST}, {"jump", K_JUMP}, {"recv_skip", K_RECV_SKIP},
        /* The forms code.c picks at load by operand kind (vm.h): same operands, same test. */
        {"is_eq_exact_xi", K_IS_EQ_EXACT}, {"is_ne_exact_xi", K_IS_NE_EXACT},
        {"is_lt_xs", K_IS_LT}, {"is_lt_xx", K_IS_LT}, {"is_ge_xs", K_IS_GE},
        {"is_ge_xx", K_IS_GE}, {"get_list_xxx", K_GET_LIST}, {"test_list_x", K_TEST_LIST},
    };
    const void *const *addrs = vm_opcode_addrs();
    for (unsigned op = 0; op < OPC_COUNT; op++)
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (strcmp(vm_opcode_names[op], names[i].name) == 0 &&
                n_op_kinds < sizeof op_kinds / sizeof op_kinds[0])
                op_kinds[n_op_kinds++] = (OpKind){addrs[op], names[i].kind};
}

static StepKind kind_at(const Instr *pc)
{
    const void *a = (const void *)pc[0];
    for (unsigned i = 0; i < n_op_kinds; i++)
        if (op_kinds[i].addr == a) return op_kinds[i].kind;
    return K_NONE;
}

/* ---- decoding ------------------------------------------------------------------------------ */

/* The slot of register word w, made on first sight; NO_SLOT when the table is full. */
static uint8_t slot_of(Program *pg, Instr w)
{
    for (unsigned i = 0; i < pg->n_slots; i++)
        if (pg->slot_reg[i] == w) return (uint8_t)i;
    if (pg->n_slots == MAX_SLOTS) return NO_SLOT;
    pg->slot_reg[pg->n_slots] = w;
    return (uint8_t)pg->n_slots++;
}

/* A source operand: a slot for a register, else the constant. False when out of slots. */
static bool source(Program *pg, Instr w, uint8_t *slot, Term *k)
{
    if (!vm_operand_is_reg(w)) {
        *slot = NO_SLOT;
        *k = (Term)w;
        return true;
    }
    *slot = slot_of(pg, w);
    *k = NIL;
    return *slot != NO_SLOT;
}

static bool dest(Program *pg, Instr w, uint8_t *slot)
{
    *slot = slot_of(pg, w);
    return *slot != NO_SLOT;
}

static int decode(Program *pg, const Instr *pc, int depth);

/* Fills step i from the instruction at pc; false when it cannot be copied. */
static bool decode_step(Program *pg, unsigned i, const Instr *pc, StepKind k, int depth)
{
    Step *s = &pg->steps[i];
    const Instr *w = pc + 1;
    s->kind = (uint8_t)k;
    s->sa = s->sb = s->da = s->db = NO_SLOT;
    s->ka = s->kb = NIL;
    s->n = 0;
    const Instr *fail = NULL, *next;
    switch (k) {
    case K_IS_TUPLE_ARITY:
        fail = (const Instr *)w[0];
        if (!source(pg, w[1], &s->sa, &s->ka)) return false;
        s->n = w[2];
        next = pc + 4;
        break;
    case K_IS_RECORD:
        fail = (const Instr *)w[0];
        if (!source(pg, w[1], &s->sa, &s->ka) || !source(pg, w[2], &s->sb, &s->kb)) return false;
        s->n = w[3];
        next = pc + 5;
        break;
    case K_GET_ELEM:
        if (!source(pg, w[0], &s->sa, &s->ka) || !dest(pg, w[2], &s->da)) return false;
        s->n = w[1];
        next = pc + 4;
        break;
    case K_GET_LIST:
        if (!source(pg, w[0], &s->sa, &s->ka) || !dest(pg, w[1], &s->da) || !dest(pg, w[2], &s->db))
            return false;
        next = pc + 4;
        break;
    case K_CMP: case K_IS_LT: case K_IS_GE: case K_IS_EQ_EXACT: case K_IS_NE_EXACT:
        fail = (const Instr *)w[0];
        s->n = w[1];
        if (!source(pg, w[2], &s->sa, &s->ka) || !source(pg, w[3], &s->sb, &s->kb)) return false;
        next = pc + 5;
        break;
    case K_TEST: case K_TEST_LIST: case K_TEST_INTEGER: case K_TEST_ATOM: case K_TEST_TUPLE:
        fail = (const Instr *)w[0];
        s->n = w[1];
        if (!source(pg, w[2], &s->sa, &s->ka)) return false;
        next = pc + 4;
        break;
    case K_IS_NIL: case K_IS_NONEMPTY_LIST:
        fail = (const Instr *)w[0];
        if (!source(pg, w[1], &s->sa, &s->ka)) return false;
        next = pc + 3;
        break;
    default:
        return false;
    }
    int pass = decode(pg, next, depth + 1);
    s = &pg->steps[i]; /* (the array does not move; kept for clarity after recursion) */
    s->pass = (int8_t)pass;
    s->fail = (int8_t)(fail ? decode(pg, fail, depth + 1) : MAYBE);
    return true;
}

/* The step for the code at pc (SKIP, MAYBE or a step index), decoding it on first sight. */
static int decode(Program *pg, const Instr *pc, int depth)
{
    for (int hops = 0; depth < MAX_STEPS; hops++) {
        StepKind k = kind_at(pc);
        if (k == K_RECV_SKIP) return (const Instr *)pc[1] == pg->loop ? SKIP : MAYBE;
        if (k != K_JUMP || hops > 4) break;
        pc = (const Instr *)pc[1];
    }
    if (depth >= MAX_STEPS) return MAYBE;
    for (unsigned i = 0; i < pg->n_steps; i++)
        if (pg->at[i] == pc) return (int)i;
    StepKind k = kind_at(pc);
    if (k == K_NONE || k == K_JUMP || pg->n_steps == MAX_STEPS) return MAYBE;
    unsigned i = pg->n_steps++;
    pg->at[i] = pc;
    if (!decode_step(pg, i, pc, k, depth)) {
        /* Not copyable after all: this code and what follows it are the VM's. */
        pg->steps[i].kind = K_NONE;
        pg->steps[i].pass = pg->steps[i].fail = MAYBE;
    }
    return (int)i;
}

/* ---- clause conditions ------------------------------------------------------------------- */

/* Does any step write slot i? Slot 0 and written slots are not constants for the scan. */
static bool slot_written(const Program *pg, uint8_t i)
{
    if (i == 0) return true;
    for (unsigned k = 0; k < pg->n_steps; k++) {
        const Step *s = &pg->steps[k];
        if ((s->kind == K_GET_ELEM || s->kind == K_GET_LIST) && (s->da == i || s->db == i)) return true;
    }
    return false;
}

/* A comparison operand that is the same for every message: a constant or a register the heads
 * never write. */
static bool fixed_operand(const Program *pg, uint8_t slot, Term k, uint8_t *eq_slot, Term *eq_k)
{
    if (slot != NO_SLOT && slot_written(pg, slot)) return false;
    *eq_slot = slot;
    *eq_k = k;
    return true;
}

/* Adds a failure edge: a clause still to derive, SKIP (nothing to do) or MAYBE (false: the
 * heads can accept a message the conditions cannot see). */
static bool edge_add(int to, int *todo, unsigned *n_todo)
{
    if (to == MAYBE) return false;
    if (to == SKIP) return true;
    for (unsigned i = 0; i < *n_todo; i++)
        if (todo[i] == to) return true;
    if (*n_todo == MAX_CLAUSES) return false;
    todo[(*n_todo)++] = to;
    return true;
}

/* The condition of the clause whose tests begin at step `at`, adding its failure edges. */
static bool clause_derive(const Program *pg, int at, Clause *c, int *todo, unsigned *n_todo)
{
    int elem_of[MAX_SLOTS]; /* slot -> element index it holds (0: the message), -1: other */
    for (unsigned i = 0; i < MAX_SLOTS; i++) elem_of[i] = -1;
    elem_of[0] = 0;
    memset(c, 0, sizeof *c);
    for (int i = at; i >= 0;) {
        const Step *s = &pg->steps[i];
        bool msg = s->sa != NO_SLOT && elem_of[s->sa] == 0;
        switch ((StepKind)s->kind) {
        case K_IS_TUPLE_ARITY:
            if (!msg || c->is_tuple) return true;
            c->is_tuple = true;
            c->arity = s->n;
            break;
        case K_IS_RECORD:
            if (!msg || c->is_tuple || s->n == 0 || c->n_eqs == MAX_EQS) return true;
            if (!fixed_operand(pg, s->sb, s->kb, &c->eq_slot[c->n_eqs], &c->eq_k[c->n_eqs])) return true;
            c->is_tuple = true;
            c->arity = s->n;
            c->eq_idx[c->n_eqs++] = 1;
            break;
        case K_GET_ELEM:
            if (!msg || !c->is_tuple || s->n < 1 || s->n > c->arity) return true;
            elem_of[s->da] = (int)s->n;
            i = s->pass;
            continue; /* no failure edge */
        case K_CMP: case K_IS_EQ_EXACT: {
            if (s->kind == K_CMP && (VmCmp)s->n != VC_EQ_EXACT) return true;
            if (c->n_eqs == MAX_EQS) return true;
            /* One side an element (or the message), the other fixed. */
            uint8_t es = s->sa, fs = s->sb;
            Term fk = s->kb;
            if (es == NO_SLOT || elem_of[es] < 0) {
                es = s->sb;
                fs = s->sa;
                fk = s->ka;
            }
            if (es == NO_SLOT || elem_of[es] < 0) return true;
            if (!fixed_operand(pg, fs, fk, &c->eq_slot[c->n_eqs], &c->eq_k[c->n_eqs])) return true;
            c->eq_idx[c->n_eqs++] = (Uint)elem_of[es];
            break;
        }
        default:
            return true; /* the condition ends here: "may match" */
        }
        if (!edge_add(s->fail, todo, n_todo)) return false;
        i = s->pass;
        if (i == SKIP) c->never = true;
    }
    return true;
}

/* Derives every clause's condition; false when some path may accept a message unseen. */
static bool clauses_derive(Program *pg)
{
    int todo[MAX_CLAUSES] = {0};
    unsigned n_todo = 1;
    pg->n_clauses = 0;
    for (unsigned k = 0; k < n_todo; k++) {
        if (pg->steps[todo[k]].kind == K_NONE) return false;
        if (!clause_derive(pg, todo[k], &pg->clauses[k], todo, &n_todo)) return false;
        pg->n_clauses = k + 1;
    }
    return true;
}

/* Decodes the heads of the receive at loop into pg. */
static void program_decode(Program *pg, const Mailbox *mb, const Instr *loop)
{
    pthread_once(&op_kinds_once, op_kinds_init);
    pg->mb = mb;
    pg->loop = loop;
    pg->n_steps = 0;
    pg->n_slots = 1;
    pg->slot_reg[0] = loop[2]; /* recv_next's destination: the message */
    int start = decode(pg, loop + 3, 0);
    pg->usable = start == 0 && clauses_derive(pg);
}

bool recvscan_decodes(const Instr *loop)
{
    Program pg;
    program_decode(&pg, NULL, loop);
    return pg.usable;
}

/* ---- running ------------------------------------------------------------------------------- */

static inline Term operand(const Term *v, uint8_t slot, Term k) { return slot == NO_SLOT ? k : v[slot]; }

static bool cmp_holds(VmCmp c, Term a, Term b)
{
    /* Two immediates are equal only when they are the same word (floats are boxed); small
     * integers order as their words. The VM's own handlers take the same shortcuts. */
    if (term_is_immed(a) && term_is_immed(b)) {
        switch (c) {
        case VC_EQ_EXACT: case VC_EQ: return a == b;
        case VC_NE_EXACT: case VC_NE: return a != b;
        default:
            if (term_is_small(a) && term_is_small(b)) return c == VC_LT ? (Sint)a < (Sint)b : (Sint)a >= (Sint)b;
            break;
        }
    }
    switch (c) {
    case VC_EQ_EXACT: return term_eq_exact(a, b);
    case VC_NE_EXACT: return !term_eq_exact(a, b);
    case VC_EQ: return term_eq(a, b);
    case VC_NE: return !term_eq(a, b);
    case VC_LT: return term_compare(a, b, false) < 0;
    default: return term_compare(a, b, false) >= 0;
    }
}

/* SKIP or MAYBE for the message in v[0]. */
static int program_run(const Program *pg, Term *v)
{
    int i = 0;
    while (i >= 0) {
        const Step *s = &pg->steps[i];
        Term a = operand(v, s->sa, s->ka);
        bool ok = true;
        switch ((StepKind)s->kind) {
        case K_IS_TUPLE_ARITY: ok = term_is_tuple(a) && tuple_arity(a) == s->n; break;
        case K_IS_RECORD: {
            Term tag = operand(v, s->sb, s->kb);
            ok = term_is_tuple(a) && tuple_arity(a) == s->n && s->n > 0 && tuple_elem(a, 1) == tag;
            break;
        }
        case K_GET_ELEM: v[s->da] = tuple_elem(a, s->n); break;
        case K_GET_LIST:
            v[s->da] = list_head(a);
            v[s->db] = list_tail(a);
            break;
        case K_CMP: ok = cmp_holds((VmCmp)s->n, a, operand(v, s->sb, s->kb)); break;
        case K_IS_LT: ok = cmp_holds(VC_LT, a, operand(v, s->sb, s->kb)); break;
        case K_IS_GE: ok = cmp_holds(VC_GE, a, operand(v, s->sb, s->kb)); break;
        case K_IS_EQ_EXACT: ok = cmp_holds(VC_EQ_EXACT, a, operand(v, s->sb, s->kb)); break;
        case K_IS_NE_EXACT: ok = cmp_holds(VC_NE_EXACT, a, operand(v, s->sb, s->kb)); break;
        case K_TEST: ok = vm_type_test((VmTest)s->n, a); break;
        case K_TEST_LIST: ok = term_is_list(a) || a == NIL; break;
        case K_TEST_INTEGER: ok = term_is_integer(a); break;
        case K_TEST_ATOM: ok = term_is_atom(a); break;
        case K_TEST_TUPLE: ok = term_is_tuple(a); break;
        case K_IS_NIL: ok = a == NIL; break;
        case K_IS_NONEMPTY_LIST: ok = term_is_list(a); break;
        default: return MAYBE;
        }
        i = ok ? s->pass : s->fail;
    }
    return i;
}

static inline Term *reg_slot(Term *x, Term *y, Instr w) { return (w & 4) ? &y[w >> 3] : &x[w >> 3]; }

static inline bool same_term(Term a, Term b)
{
    return a == b || (!term_is_immed(a) && !term_is_immed(b) && term_eq_exact(a, b));
}

/* Does message t meet clause c's condition? A tuple's header word is its arity and tag alone,
 * so one comparison checks both. */
static inline bool clause_holds(const Clause *c, Term t)
{
    if (c->is_tuple && !(term_is_boxed(t) && boxed_header(t) == make_tuple_header(c->arity))) return false;
    for (unsigned k = 0; k < c->n_eqs; k++)
        if (!same_term(c->eq_idx[k] ? tuple_elem(t, c->eq_idx[k]) : t, c->eq_k[k])) return false;
    return true;
}

/* A clause that asks for a tuple of one arity with at most two elements equal to immediates
 * (the commonest selective receive): its header word and two (index, word) pairs to compare,
 * padded with the header itself. An immediate equals only the same word (floats are boxed). */
static bool tuple_shape(const Clause *c, Term *h, Uint *i1, Term *k1, Uint *i2, Term *k2)
{
    if (c->never || !c->is_tuple || c->n_eqs > 2) return false;
    *h = make_tuple_header(c->arity);
    Uint idx[2] = {0, 0};
    Term k[2] = {*h, *h};
    for (unsigned j = 0; j < c->n_eqs; j++) {
        if (c->eq_idx[j] == 0 || !term_is_immed(c->eq_k[j])) return false;
        idx[j] = c->eq_idx[j];
        k[j] = c->eq_k[j];
    }
    *i1 = idx[0];
    *k1 = k[0];
    *i2 = c->n_eqs == 2 ? idx[1] : idx[0];
    *k2 = c->n_eqs == 2 ? k[1] : k[0];
    return true;
}

/* May message t pass some of the n clauses cs? (false: the heads surely skip it) */
static inline bool clauses_may_match(const Clause *cs, unsigned n, Term t)
{
    for (unsigned i = 0; i < n; i++)
        if (!cs[i].never && clause_holds(&cs[i], t)) return true;
    return false;
}

/* The queue's next node and term are fetched while this one is tested: the queue is a linked
 * list whose terms live elsewhere. */
static inline void prefetch_next(const Message *m)
{
    const Message *n = mailbox_next(m);
    if (n) {
        __builtin_prefetch(mailbox_next(n));
        if (term_is_boxed(n->msg)) __builtin_prefetch(boxed_ptr(n->msg));
    }
}

Message *recvscan_next(Mailbox *mb, const Instr *loop, Term *x, Term *y)
{
    Message *m = mailbox_peek(mb);
    uint32_t skips = ++mb->scan_skips;
    if (!m || skips < RECVSCAN_AFTER) return m;
    Program *pg = &cache;
    if (skips == RECVSCAN_AFTER || pg->mb != mb || pg->loop != loop) program_decode(pg, mb, loop);
    if (!pg->usable) return m;
    /* The conditions, with the bound variables' values for this scan, in local memory: the
     * loop then reads nothing through the thread-local block. */
    Term v[MAX_SLOTS];
    for (unsigned i = 0; i < pg->n_slots; i++) v[i] = *reg_slot(x, y, pg->slot_reg[i]);
    Clause cs[MAX_CLAUSES];
    unsigned n_cs = pg->n_clauses;
    for (unsigned i = 0; i < n_cs; i++) {
        cs[i] = pg->clauses[i];
        for (unsigned k = 0; k < cs[i].n_eqs; k++)
            if (cs[i].eq_slot[k] != NO_SLOT) cs[i].eq_k[k] = v[cs[i].eq_slot[k]];
    }
    /* The walk keeps the last skipped message; the save point moves once, at the end, to the
     * link in front of the message found (or to the last message). */
    Message *skipped = NULL;
    Uint i1, i2;
    Term h, k1, k2;
    if (n_cs == 1 && tuple_shape(&cs[0], &h, &i1, &k1, &i2, &k2)) {
        /* {Tag, ...} and the like: word comparisons only. Each node is read once: its
         * successor and term are carried to the next round, the one after is prefetched. */
        Term t = m->msg;
        for (;;) {
            Message *n = mailbox_next(m);
            Term tn = NIL;
            if (n) {
                __builtin_prefetch(mailbox_next(n));
                tn = n->msg;
                if (term_is_boxed(tn)) __builtin_prefetch(boxed_ptr(tn));
            }
            if (term_is_boxed(t)) {
                const Term *p = boxed_ptr(t);
                if (p[0] == h && p[i1] == k1 && p[i2] == k2) break;
            }
            skipped = m;
            m = n;
            if (!m) break;
            t = tn;
        }
    } else if (n_cs == 1) {
        /* One clause (the common selective receive): its condition in registers. */
        const Clause c = cs[0];
        for (; m; m = mailbox_next(m)) {
            prefetch_next(m);
            if (!c.never && clause_holds(&c, m->msg)) break;
            skipped = m;
        }
    } else {
        for (; m; m = mailbox_next(m)) {
            prefetch_next(m);
            if (clauses_may_match(cs, n_cs, m->msg)) break;
            skipped = m;
        }
    }
    Term last = NONVALUE;
    if (skipped) {
        mailbox_skip_past(mb, skipped);
        last = skipped->msg;
    }
    /* The registers the heads leave after skipping the last message (recvscan.h invariant 2). */
    if (last != NONVALUE) {
        v[0] = last;
        program_run(pg, v);
        for (unsigned i = 0; i < pg->n_slots; i++) *reg_slot(x, y, pg->slot_reg[i]) = v[i];
    }
    return m;
}
