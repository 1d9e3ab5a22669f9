/*
 * peep.c — the peephole pass (see peep.h): liveness per function, merging of moves, then the
 * allocation of Y slots (webs, X registers, colouring, frame sizes, trim).
 */
#include "lang/peep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Ins {
    size_t off;    /* offset of the opcode word in cb->w */
    unsigned op;
    unsigned len;  /* words, opcode included */
    bool dead;
    bool target;   /* a label is bound here */
    Instr *kills;  /* Y slots set to [] just before this instruction (a receive's wait) */
    unsigned nkill;
    unsigned trim; /* frame words dropped just before this instruction (`deallocate K`) */
    unsigned gclive; /* an op2/op1/bif a save of x0 was sunk past: x0 is a root (CodeGcLive) */
    Instr handler;   /* in a try or catch: the label of the innermost handler (0: none), a
                      * successor of every instruction there (mark_handlers) */
} Ins;

/* Register numbers for the bit sets (reg_bit): x(i) is i, the scratch x(VM_X_REGS - 1) is
 * xn - 1 and y(i) is xn + i, where xn (a multiple of 64) is just above the function's X
 * registers: a set is a few words, not VM_X_REGS bits. */
typedef uint64_t Word;
typedef struct Fn {
    Ins *ins;
    size_t a, b;       /* instruction indexes [a, b) */
    size_t xn, nregs, words;
    Word *live_in;     /* (b - a) sets */
    const CodeBuf *cb;
    const size_t *at;  /* word offset -> instruction index (or SIZE_MAX) */
    bool entry_defs;   /* the X slots a leaf_entry clears are all written before any read */
    bool coloured;     /* the Y slots were allocated by alloc_yregs (frame sizes set) */
    size_t *fsize;     /* when coloured: the frame size at each instruction (SIZE_MAX: none) */
} Fn;

static void *xcalloc(size_t n, size_t sz)
{
    void *p = calloc(n ? n : 1, sz);
    if (!p) abort();
    return p;
}

static size_t reg_bit(size_t xn, Instr w)
{
    size_t i = (size_t)(w >> 3);
    if (w & 4) return xn + i;
    return i == VM_X_REGS - 1 ? xn - 1 : i;
}
static void set_bit(Word *s, size_t i) { s[i / 64] |= (Word)1 << (i % 64); }
static bool has_bit(const Word *s, size_t i) { return (s[i / 64] >> (i % 64)) & 1; }
static void set_range(Word *s, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) set_bit(s, i);
}

/* ---- decoding --------------------------------------------------------------------------- */

static unsigned ins_len(const CodeBuf *cb, size_t off)
{
    unsigned op = (unsigned)cb->w[off];
    size_t i = off + 1;
    for (const char *k = vm_opcode_kinds[op]; *k; k++) {
        if (*k == 'n') i += cb->w[i];
        i++;
    }
    return (unsigned)(i - off);
}

/* Calls fn on each operand word of in with its kind ('n' lists give kind 'm' per element). */
typedef void (*OperandFn)(Instr *w, char kind, void *arg);
static void each_operand(CodeBuf *cb, const Ins *in, OperandFn fn, void *arg)
{
    size_t i = in->off + 1;
    for (const char *k = vm_opcode_kinds[in->op]; *k; k++) {
        if (*k == 'n') {
            Instr n = cb->w[i++];
            for (Instr j = 0; j < n; j++) fn(&cb->w[i++], 'm', arg);
            continue;
        }
        fn(&cb->w[i++], *k, arg);
    }
}

/* ---- effects ---------------------------------------------------------------------------- */

typedef struct Eff {
    Word *use, *def;
    bool falls, kill_x, kill_y, unknown;
    size_t xn;
} Eff;

static void note_operand(Instr *w, char kind, void *arg)
{
    Eff *e = arg;
    if (!vm_operand_is_reg(*w)) return;
    if (kind == 's' || kind == 'm') set_bit(e->use, reg_bit(e->xn, *w));
    else if (kind == 'd') set_bit(e->def, reg_bit(e->xn, *w));
}

static Instr opnd(const CodeBuf *cb, const Ins *in, unsigned k) { return cb->w[in->off + 1 + k]; }

static void effects(Fn *f, const Ins *in, Eff *e)
{
    CodeBuf *cb = (CodeBuf *)f->cb;
    e->xn = f->xn;
    memset(e->use, 0, f->words * sizeof(Word));
    memset(e->def, 0, f->words * sizeof(Word));
    e->falls = true;
    e->kill_x = e->kill_y = e->unknown = false;
    unsigned a0 = in->len > 1 ? (unsigned)opnd(cb, in, 0) : 0;
    switch ((VmOpcode)in->op) {
    case OPC_allocate:
        set_range(e->use, 0, (unsigned)opnd(cb, in, 1));
        e->kill_y = true;
        return;
    case OPC_leaf_entry:
        set_range(e->def, a0, (unsigned)opnd(cb, in, 1));
        return;
    case OPC_deallocate:
        e->kill_y = true;
        return;
    case OPC_ret:
        set_bit(e->use, 0);
        e->falls = false;
        return;
    case OPC_test_heap:
        set_range(e->use, 0, (unsigned)opnd(cb, in, 1));
        return;
    case OPC_jump:
    case OPC_recv_skip:
        e->falls = false;
        return;
    case OPC_call:
    case OPC_call_ext:
        set_range(e->use, 0, a0);
        e->kill_x = true;
        set_bit(e->def, 0);
        return;
    case OPC_call_last:
    case OPC_call_only:
    case OPC_call_ext_last:
    case OPC_call_ext_only:
        set_range(e->use, 0, a0);
        e->falls = false;
        return;
    case OPC_call_fun:
        set_range(e->use, 0, a0 + 1);
        e->kill_x = true;
        set_bit(e->def, 0);
        return;
    case OPC_call_fun_last:
        set_range(e->use, 0, a0 + 1);
        e->falls = false;
        return;
    case OPC_apply:
        set_range(e->use, 0, a0 + 2);
        e->kill_x = true;
        set_bit(e->def, 0);
        return;
    case OPC_apply_last:
        set_range(e->use, 0, a0 + 2);
        e->falls = false;
        return;
    case OPC_apply_list:
        set_range(e->use, 0, 3);
        e->kill_x = true;
        set_bit(e->def, 0);
        return;
    case OPC_apply_list_last:
        set_range(e->use, 0, 3);
        e->falls = false;
        return;
    case OPC_raise:
    case OPC_rethrow:
    case OPC_raise_tag:
        each_operand(cb, in, note_operand, e);
        e->falls = false;
        return;
    case OPC_func_clause:
        if (opnd(cb, in, 1)) set_range(e->use, 0, a0);
        else set_range(e->use, f->xn, f->xn + a0);
        e->falls = false;
        return;
    case OPC_normal_exit:
        e->falls = false;
        return;
    case OPC_bs_start: {
        each_operand(cb, in, note_operand, e);
        set_bit(e->def, reg_bit(f->xn, opnd(cb, in, 2) + 8));
        return;
    }
    case OPC_bs_get:
    case OPC_bs_skip:
    case OPC_bs_test_tail:
    case OPC_bs_test_unit: {
        Instr ctx = opnd(cb, in, 1);
        each_operand(cb, in, note_operand, e);
        set_bit(e->use, reg_bit(f->xn, ctx + 8));
        if (in->op == OPC_bs_get) set_bit(e->def, reg_bit(f->xn, ctx + 8));
        return;
    }
    case OPC_recv_wait:
        each_operand(cb, in, note_operand, e);
        e->kill_x = true;
        return;
    case OPC_try_:
    case OPC_catch_:
        /* The tag: written here, read where the try ends on either path (below). */
        set_bit(e->def, reg_bit(f->xn, a0));
        return;
    case OPC_try_end:
        set_bit(e->use, reg_bit(f->xn, a0));
        set_bit(e->def, reg_bit(f->xn, a0));
        return;
    case OPC_try_case:
        /* The VM's class, reason and stacktrace come in x1..x3 from the raise (no
         * instruction writes them: they are no uses here, or they would be live across the
         * whole try) and go to x0..x2. */
        set_bit(e->use, reg_bit(f->xn, a0));
        set_bit(e->def, reg_bit(f->xn, a0));
        set_range(e->def, 0, 3);
        return;
    case OPC_catch_end:
        set_bit(e->use, reg_bit(f->xn, a0));
        set_bit(e->def, reg_bit(f->xn, a0));
        set_bit(e->use, 0);
        set_bit(e->def, 0);
        return;
    case OPC_move: case OPC_bif: case OPC_op2: case OPC_op1: case OPC_test: case OPC_cmp:
    case OPC_is_tuple_arity: case OPC_is_nonempty_list: case OPC_is_nil: case OPC_is_record:
    case OPC_is_fun_arity: case OPC_get_list: case OPC_get_elem: case OPC_put_list:
    case OPC_put_tuple: case OPC_make_fun: case OPC_set_elem: case OPC_lc_reverse:
    case OPC_map_new: case OPC_map_put: case OPC_map_get: case OPC_bs_build:
    case OPC_recv_next: case OPC_recv_remove: case OPC_send: case OPC_make_export_fun:
        each_operand(cb, in, note_operand, e);
        return;
    default:
        /* try/catch and anything new: the function is not optimized (see fn_ok). */
        e->unknown = true;
        return;
    }
}

/* ---- liveness --------------------------------------------------------------------------- */

static size_t next_live(const Fn *f, size_t i)
{
    while (i < f->b && f->ins[i].dead) i++;
    return i;
}

/* The instruction a label operand leads to (the first live one at or after its offset). */
static size_t label_ins(const Fn *f, Instr label)
{
    size_t off = f->cb->labels[label];
    if (off == (size_t)-1 || off >= f->cb->n) return SIZE_MAX;
    size_t i = f->at[off];
    if (i == SIZE_MAX || i < f->a || i >= f->b) return SIZE_MAX;
    return next_live(f, i);
}

/* Whether control can enter the run i+1 .. j other than from i: a label on any of them, dead
 * ones included (a label on a dead instruction leads to the next live one). */
static bool entered_between(const Fn *f, size_t i, size_t j)
{
    for (size_t k = i + 1; k <= j && k < f->b; k++)
        if (f->ins[k].target) return true;
    return false;
}

typedef struct SuccCtx { const Fn *f; Word *out; bool all; } SuccCtx;
static void add_label_succ(Instr *w, char kind, void *arg)
{
    SuccCtx *s = arg;
    if (kind != 'L' || *w == 0) return;
    size_t j = label_ins(s->f, *w);
    if (j == SIZE_MAX) {
        s->all = true;
        return;
    }
    if (j >= s->f->b) return;
    const Word *in = s->f->live_in + (j - s->f->a) * s->f->words;
    for (size_t k = 0; k < s->f->words; k++) s->out[k] |= in[k];
}

/* Along an exception edge only Y slots flow: the VM sets x0..x3 when it jumps to the
 * handler, so no X register is live from the raise to it. */
static void or_handler(const Fn *f, size_t h, Word *out)
{
    if (h == SIZE_MAX || h >= f->b) {
        memset(out, 0xff, f->words * sizeof(Word));
        return;
    }
    const Word *in = f->live_in + (h - f->a) * f->words;
    for (size_t k = 0; k < f->words; k++) {
        Word m = ~(Word)0;
        size_t lo = k * 64;
        if (lo + 64 <= f->xn) m = 0;
        else if (lo < f->xn) m = ~(Word)0 << (f->xn - lo);
        out[k] |= in[k] & m;
    }
}

static void live_out(Fn *f, size_t i, const Eff *e, Word *out)
{
    memset(out, 0, f->words * sizeof(Word));
    if (e->falls) {
        size_t j = next_live(f, i + 1);
        if (j < f->b) {
            const Word *in = f->live_in + (j - f->a) * f->words;
            for (size_t k = 0; k < f->words; k++) out[k] |= in[k];
        }
    }
    SuccCtx s = {f, out, false};
    unsigned op = f->ins[i].op;
    /* A local call's label is a function entry, not a successor: the callee reads its
     * arguments only (the call's uses), and a call that returns falls through. */
    if (op != OPC_call && op != OPC_call_last && op != OPC_call_only)
        each_operand((CodeBuf *)f->cb, &f->ins[i], add_label_succ, &s);
    if (f->ins[i].handler) or_handler(f, label_ins(f, f->ins[i].handler), out);
    if (s.all || e->unknown) memset(out, 0xff, f->words * sizeof(Word));
}

/* An instruction with a fail label writes its destinations only when it falls through (a
 * failed map_get or recv_next leaves them alone): along the label they stay live. */
/* One instruction's part in the analysis, decoded once per run: its uses and definitions,
 * where it flows (fall-through and labels, as live_out) and what it kills. */
typedef struct Flow {
    size_t fall;     /* the next live instruction when it falls through, else f->b */
    size_t lab[16];  /* label successors */
    unsigned nlab;
    bool all;        /* an unknown successor (or an unknown instruction): everything is live */
    bool kill_x, kill_y;
    size_t hnd;      /* the exception handler (its Y slots only: or_handler), or SIZE_MAX */
} Flow;
typedef struct FlowCtx { const Fn *f; Flow *fl; } FlowCtx;
static void note_flow_label(Instr *w, char kind, void *arg)
{
    FlowCtx *c = arg;
    if (kind != 'L' || *w == 0) return;
    size_t j = label_ins(c->f, *w);
    if (j == SIZE_MAX || c->fl->nlab == 16) {
        c->fl->all = true;
        return;
    }
    if (j < c->f->b) c->fl->lab[c->fl->nlab++] = j;
}

static void or_live(const Fn *f, size_t j, Word *acc)
{
    const Word *in = f->live_in + (j - f->a) * f->words;
    for (size_t k = 0; k < f->words; k++) acc[k] |= in[k];
}

static void liveness(Fn *f, Eff *e, Word *out)
{
    size_t n = f->b - f->a, W = f->words;
    memset(f->live_in, 0, n * W * sizeof(Word));
    Word *use = xcalloc(n * W, sizeof(Word)), *def = xcalloc(n * W, sizeof(Word));
    Flow *fl = xcalloc(n, sizeof(Flow));
    for (size_t i = f->a; i < f->b; i++) {
        if (f->ins[i].dead) continue;
        effects(f, &f->ins[i], e);
        Flow *x = &fl[i - f->a];
        memcpy(use + (i - f->a) * W, e->use, W * sizeof(Word));
        memcpy(def + (i - f->a) * W, e->def, W * sizeof(Word));
        x->fall = e->falls ? next_live(f, i + 1) : f->b;
        x->all = e->unknown;
        x->kill_x = e->kill_x;
        x->kill_y = e->kill_y;
        unsigned op = f->ins[i].op;
        FlowCtx c = {f, x};
        /* A local call's label is a function entry, not a successor (as live_out). */
        if (op != OPC_call && op != OPC_call_last && op != OPC_call_only)
            each_operand((CodeBuf *)f->cb, &f->ins[i], note_flow_label, &c);
        x->hnd = f->ins[i].handler ? label_ins(f, f->ins[i].handler) : SIZE_MAX;
    }
    Word *lab = xcalloc(W, sizeof(Word));
    bool changed = true;
    while (changed) {
        changed = false;
        for (size_t i = f->b; i-- > f->a;) {
            if (f->ins[i].dead) continue;
            const Flow *x = &fl[i - f->a];
            /* out: everything a successor needs; lab: what the labels need (an instruction
             * that fails to its label writes nothing: see below). */
            if (x->all) {
                memset(out, 0xff, W * sizeof(Word));
                memset(lab, 0xff, W * sizeof(Word));
            } else {
                memset(lab, 0, W * sizeof(Word));
                for (unsigned k = 0; k < x->nlab; k++) or_live(f, x->lab[k], lab);
                memcpy(out, lab, W * sizeof(Word));
                if (x->fall < f->b) or_live(f, x->fall, out);
                if (x->hnd != SIZE_MAX) {
                    or_handler(f, x->hnd, out);
                    or_handler(f, x->hnd, lab); /* a raise writes no destination */
                }
            }
            const Word *u = use + (i - f->a) * W, *d = def + (i - f->a) * W;
            Word *in = f->live_in + (i - f->a) * W;
            for (size_t k = 0; k < W; k++) {
                Word w = (out[k] & ~d[k]) | (lab[k] & d[k]);
                size_t lo = k * 64;
                if (x->kill_x && lo < f->xn) w = 0;
                if (x->kill_y && lo >= f->xn) w = 0;
                w |= u[k];
                if (w != in[k]) {
                    in[k] = w;
                    changed = true;
                }
            }
        }
    }
    free(lab);
    free(use);
    free(def);
    free(fl);
}

/* ---- the rewrites ----------------------------------------------------------------------- */

/* Instructions whose last operand is their one destination and that read every source before
 * writing it: their destination may be retargeted (rewrite 1). */
static bool retargetable(unsigned op)
{
    switch ((VmOpcode)op) {
    case OPC_move: case OPC_bif: case OPC_op2: case OPC_op1: case OPC_get_elem:
    case OPC_put_list: case OPC_put_tuple: case OPC_make_fun: case OPC_set_elem:
    case OPC_lc_reverse: case OPC_map_new: case OPC_map_put: case OPC_map_get:
    case OPC_make_export_fun:
        return true;
    default: return false;
    }
}

/* Instructions whose register sources may be replaced by another source (rewrite 2). */
static bool forwardable(unsigned op)
{
    switch ((VmOpcode)op) {
    case OPC_move: case OPC_bif: case OPC_op2: case OPC_op1: case OPC_test: case OPC_cmp:
    case OPC_is_tuple_arity: case OPC_is_nonempty_list: case OPC_is_nil: case OPC_is_record:
    case OPC_is_fun_arity: case OPC_get_list: case OPC_get_elem: case OPC_put_list:
    case OPC_put_tuple: case OPC_make_fun: case OPC_set_elem: case OPC_lc_reverse:
    case OPC_map_new: case OPC_map_put: case OPC_map_get: case OPC_raise: case OPC_raise_tag:
    case OPC_send:
        return true;
    default: return false;
    }
}

typedef struct Subst { Instr from, to; int count; } Subst;
static void subst_source(Instr *w, char kind, void *arg)
{
    Subst *s = arg;
    if ((kind == 's' || kind == 'm') && *w == s->from) {
        *w = s->to;
        s->count++;
    }
}
static void count_source(Instr *w, char kind, void *arg)
{
    Subst *s = arg;
    if ((kind == 's' || kind == 'm') && *w == s->from) s->count++;
}

static bool never_collects(unsigned op)
{
    switch ((VmOpcode)op) {
    case OPC_move: case OPC_get_list: case OPC_get_elem: case OPC_put_list: case OPC_put_tuple:
    case OPC_make_fun: case OPC_test: case OPC_cmp: case OPC_is_tuple_arity:
    case OPC_is_nonempty_list: case OPC_is_nil: case OPC_is_record: case OPC_is_fun_arity:
    case OPC_map_get: case OPC_try_: case OPC_catch_: case OPC_try_end: case OPC_jump:
        return true;
    default: return false;
    }
}

/* Whether registers s and t hold the same value before instruction i: an earlier `move s t`
 * or `move t s` in the same straight-line run, with neither register written (nor the run
 * entered by a label) since. */
static bool copy_holds(Fn *f, Eff *e, size_t i, Instr s, Instr t)
{
    if (!vm_operand_is_reg(s) || !vm_operand_is_reg(t)) return false;
    size_t rs = reg_bit(f->xn, s), rt = reg_bit(f->xn, t);
    for (size_t k = i; k-- > f->a;) {
        const Ins *in = &f->ins[k];
        if (in->dead) {
            if (in->target) return false; /* its label enters the run after it */
            continue;
        }
        if (in->op == OPC_move) {
            Instr a = opnd(f->cb, in, 0), b = opnd(f->cb, in, 1);
            if ((a == s && b == t) || (a == t && b == s)) return true;
        }
        /* Only over instructions that never collect: a GC updates the roots it is given, and
         * a register it was not given would keep the old address. */
        if (!never_collects(in->op)) return false;
        effects(f, in, e);
        if (e->unknown || !e->falls || has_bit(e->def, rs) || has_bit(e->def, rt)) return false;
        if (in->target) return false;
    }
    return false;
}

/* The X register an earlier `move x y` copied into Y register y, when neither changed since
 * in a straight run without a GC point (as copy_holds); NO_REG if none. */
#define NO_REG ((Instr)3)
static Instr x_copy_of(Fn *f, Eff *e, size_t i, Instr y)
{
    size_t ry = reg_bit(f->xn, y);
    for (size_t k = i; k-- > f->a;) {
        const Ins *in = &f->ins[k];
        if (in->dead) {
            if (in->target) return NO_REG; /* its label enters the run after it */
            continue;
        }
        if (!never_collects(in->op)) return NO_REG;
        if (in->op == OPC_move && opnd(f->cb, in, 1) == y) {
            Instr a = opnd(f->cb, in, 0);
            if (!vm_operand_is_reg(a) || (a & 4)) return NO_REG;
            /* a must still hold it: not written between k and i */
            for (size_t m = k + 1; m < i; m++) {
                if (f->ins[m].dead) continue;
                effects(f, &f->ins[m], e);
                if (has_bit(e->def, reg_bit(f->xn, a)) || e->kill_x) return NO_REG;
            }
            return a;
        }
        effects(f, in, e);
        if (e->unknown || !e->falls || has_bit(e->def, ry) || in->target) return NO_REG;
    }
    return NO_REG;
}

typedef struct YSrc { Instr y[8]; unsigned n; } YSrc;
static void note_ysrc(Instr *w, char kind, void *arg)
{
    YSrc *ys = arg;
    if ((kind == 's' || kind == 'm') && vm_operand_is_reg(*w) && (*w & 4) && ys->n < 8)
        ys->y[ys->n++] = *w;
}

/* 6: an instruction reads a Y slot that an X register still holds: it reads the register
 * (no reload of a value just stored: fib's `move x0 y0; op2 - y0 1`). */
static bool prefer_x_sources(Fn *f, Eff *e, size_t i)
{
    Ins *in = &f->ins[i];
    if (in->target || !forwardable(in->op) || in->op == OPC_move) return false;
    YSrc ys = {{0}, 0};
    each_operand((CodeBuf *)f->cb, in, note_ysrc, &ys);
    bool changed = false;
    for (unsigned k = 0; k < ys.n; k++) {
        Instr xr = x_copy_of(f, e, i, ys.y[k]);
        if (xr == NO_REG) continue;
        Subst sub = {ys.y[k], xr, 0};
        each_operand((CodeBuf *)f->cb, in, subst_source, &sub);
        changed |= sub.count > 0;
    }
    return changed;
}


static Word *live_at(const Fn *f, size_t i) { return f->live_in + (i - f->a) * f->words; }

typedef struct Succs { const Fn *f; size_t s[16]; unsigned n; bool all; } Succs;
static void note_succ(Instr *w, char kind, void *arg)
{
    Succs *s = arg;
    if (kind != 'L' || *w == 0) return;
    size_t j = label_ins(s->f, *w);
    if (j == SIZE_MAX || s->n == 16) {
        s->all = true;
        return;
    }
    if (j < s->f->b) s->s[s->n++] = j;
}

/* The instructions i's labels lead to (a local call's label is the callee: not one), and
 * its exception handler's. */
static void label_succs(const Fn *f, size_t i, Succs *s)
{
    s->f = f;
    s->n = 0;
    s->all = false;
    unsigned op = f->ins[i].op;
    if (op != OPC_call && op != OPC_call_last && op != OPC_call_only)
        each_operand((CodeBuf *)f->cb, &f->ins[i], note_succ, s);
    if (f->ins[i].handler) {
        Instr h = f->ins[i].handler;
        note_succ(&h, 'L', s);
    }
}

/* ---- 7: a call's result saved after the next BIF ---- */

/* Instructions whose only GC point is the after-BIF check, and which take OTP's gc_bif Live
 * (code_gc_live): x0 may be live across them. */
static bool takes_gc_live(unsigned op) { return op == OPC_op2 || op == OPC_op1 || op == OPC_bif; }

static bool line_starts_at(const CodeBuf *cb, size_t off)
{
    size_t lo = 0, hi = cb->n_lines;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cb->lines[mid].offset < off) lo = mid + 1;
        else hi = mid;
    }
    return lo < cb->n_lines && cb->lines[lo].offset == off;
}

/* Whether Y register t, live after instruction j, lives on only in j's straight run up to
 * its last read, with no point that may collect on the way but test_heap (which can name
 * an X register): its value then needs no slot once it is saved after j. */
static bool dies_in_run(Fn *f, Eff *e, Word *out, size_t j, size_t rt)
{
    for (size_t k = next_live(f, j + 1); k < f->b; k = next_live(f, k + 1)) {
        const Ins *in = &f->ins[k];
        if (in->target) return false;
        effects(f, in, e);
        if (e->unknown || e->kill_x || e->kill_y || has_bit(e->def, rt)) return false;
        if (!never_collects(in->op) && in->op != OPC_test_heap) return false;
        live_out(f, k, e, out);
        if (!has_bit(out, rt)) return true;
        if (!e->falls) return false;
        Succs s;
        label_succs(f, k, &s);
        if (s.all) return false;
        for (unsigned m = 0; m < s.n; m++)
            if (has_bit(live_at(f, s.s[m]), rt)) return false;
    }
    return false;
}

/* OTP computes `N - 2` in fib(N - 1) + fib(N - 2) with a gc_bif whose Live says the first
 * call's result is live in x0, and saves that result in the slot N leaves. Here the code
 * generator saves the result first (`move x0 Y; op2 - Y0 2 T`): when the op2 (op1, bif)
 * after the save reads neither Y nor writes x0 or Y, and Y is not read along its fail label,
 * the save goes after it and its Live names x0 (CodeGcLive): Y's value then starts where a
 * slot the instruction reads dies (they share one), or lives only up to a test_heap
 * (`X = f(..), [length(X) | X]`: no slot at all). Neither instruction is a label's target;
 * they swap places in the instruction order (their words stay: compact copies by order). */
static bool sink_save(Fn *f, Eff *e, Word *out, size_t i)
{
    Ins *in = &f->ins[i];
    CodeBuf *cb = (CodeBuf *)f->cb;
    Instr s = opnd(cb, in, 0), t = opnd(cb, in, 1);
    if (in->target || s != vm_x(0) || !vm_operand_is_reg(t) || !(t & 4)) return false;
    size_t j = next_live(f, i + 1);
    if (j >= f->b || entered_between(f, i, j)) return false;
    Ins *nx = &f->ins[j];
    if (!takes_gc_live(nx->op) || line_starts_at(cb, in->off)) return false;
    size_t rt = reg_bit(f->xn, t);
    effects(f, nx, e);
    if (has_bit(e->use, rt) || has_bit(e->def, rt) || has_bit(e->def, 0)) return false;
    Instr fail = opnd(cb, nx, 0);
    for (int k = 0; k < 2; k++) { /* its fail label and its exception handler */
        Instr lab = k == 0 ? fail : nx->handler;
        if (!lab) continue;
        size_t l = label_ins(f, lab);
        if (l == SIZE_MAX || (l < f->b && has_bit(live_at(f, l), rt))) return false;
    }
    /* Worth it: a Y slot nx reads dies there, or t's value is short-lived after nx. */
    live_out(f, j, e, out);
    bool frees = false;
    for (size_t r = f->xn; r < f->nregs && !frees; r++)
        frees = has_bit(e->use, r) && !has_bit(out, r);
    if (!frees && !dies_in_run(f, e, out, j, rt)) return false;
    Ins a = *in, b = *nx;
    b.gclive = 1;
    *in = b;
    *nx = a;
    size_t *at = (size_t *)f->at;
    at[a.off] = j;
    at[b.off] = i;
    return true;
}

static bool rewrite_pass(Fn *f, Eff *e, Word *out)
{
    CodeBuf *cb = (CodeBuf *)f->cb;
    bool changed = false;
    for (size_t i = f->a; i < f->b; i++) {
        Ins *in = &f->ins[i];
        if (in->dead) continue;
        size_t j = next_live(f, i + 1);
        Ins *nx = j < f->b ? &f->ins[j] : NULL;
        /* 4: a jump to the next instruction. */
        if (in->op == OPC_jump && label_ins(f, opnd(cb, in, 0)) == j) {
            in->dead = true;
            changed = true;
            continue;
        }
        if (prefer_x_sources(f, e, i)) changed = true;
        /* 1: I -> T ; move T D  =>  I -> D */
        if (nx && retargetable(in->op) && nx->op == OPC_move && !entered_between(f, i, j)) {
            Instr *dst = &cb->w[in->off + in->len - 1];
            Instr t = opnd(cb, nx, 0), d = opnd(cb, nx, 1);
            if (vm_operand_is_reg(t) && *dst == t && t != d) {
                effects(f, nx, e);
                live_out(f, j, e, out);
                if (!has_bit(out, reg_bit(f->xn, t))) {
                    *dst = d;
                    nx->dead = true;
                    changed = true;
                    i--; /* I may merge again with what follows */
                    continue;
                }
            }
        }
        if (in->op != OPC_move) continue;
        Instr s = opnd(cb, in, 0), t = opnd(cb, in, 1);
        /* 5: a move whose destination already holds its source's value (itself, after a
         * web moved to the register it is copied from or to). */
        if (s == t || (!in->target && copy_holds(f, e, i, s, t))) {
            in->dead = true;
            changed = true;
            continue;
        }
        effects(f, in, e);
        live_out(f, i, e, out);
        /* 3: a move to a dead register. */
        if (!has_bit(out, reg_bit(f->xn, t))) {
            in->dead = true;
            changed = true;
            continue;
        }
        /* 7: move x0 Y ; I  =>  I (Live 1) ; move x0 Y  (see sink_save) */
        if (sink_save(f, e, out, i)) {
            changed = true;
            continue;
        }
        /* 2: move S T ; I T  =>  I S  (T dead after I) */
        if (nx && !entered_between(f, i, j) && forwardable(nx->op)) {
            Subst sub = {t, s, 0};
            each_operand(cb, nx, count_source, &sub);
            if (sub.count == 0) continue;
            effects(f, nx, e);
            live_out(f, j, e, out);
            if (has_bit(out, reg_bit(f->xn, t))) continue;
            sub.count = 0;
            each_operand(cb, nx, subst_source, &sub);
            in->dead = true;
            changed = true;
        }
    }
    return changed;
}

static bool may_fall(unsigned op);

/* try_ and catch_: their 'c' label is the handler (the tag's slot is operand 0). */
static bool is_try_start(unsigned op) { return op == OPC_try_ || op == OPC_catch_; }
static bool ends_try(unsigned op)
{
    return op == OPC_try_end || op == OPC_try_case || op == OPC_catch_end;
}

typedef struct Region { Fn *f; size_t *stack; size_t n; bool *seen; bool lost; } Region;
static void region_push(Region *r, size_t j)
{
    if (j == SIZE_MAX) {
        r->lost = true;
        return;
    }
    if (j < r->f->b && !r->seen[j - r->f->a]) {
        r->seen[j - r->f->a] = true;
        r->stack[r->n++] = j;
    }
}
static void region_label(Instr *w, char kind, void *arg)
{
    Region *r = arg;
    if ((kind == 'L' || kind == 'c') && *w) region_push(r, label_ins(r->f, *w));
}

/* Exception edges: every instruction a try's or catch's protected code runs (from the
 * try_/catch_ to the try_end, try_case or catch_end of its tag, nested handlers included)
 * gets the handler as a successor, the innermost one (an inner handler's code is in the
 * outer region, so the outer handler's needs reach the inner region through it). False when
 * a region cannot be followed: the function is then left alone. */
static bool mark_handlers(Fn *f)
{
    size_t n = f->b - f->a;
    Region r = {f, xcalloc(n + 1, sizeof(size_t)), 0, xcalloc(n + 1, sizeof(bool)), false};
    bool ok = true;
    for (size_t t = f->a; t < f->b && ok; t++) {
        Ins *in = &f->ins[t];
        if (in->dead || !is_try_start(in->op)) continue;
        Instr tag = opnd(f->cb, in, 0), h = opnd(f->cb, in, 1);
        memset(r.seen, 0, n * sizeof(bool));
        r.n = 0;
        region_push(&r, next_live(f, t + 1));
        while (r.n > 0) {
            size_t i = r.stack[--r.n];
            Ins *x = &f->ins[i];
            if (ends_try(x->op) && opnd(f->cb, x, 0) == tag) continue;
            x->handler = h;
            if (x->op != OPC_call && x->op != OPC_call_last && x->op != OPC_call_only)
                each_operand((CodeBuf *)f->cb, x, region_label, &r);
            if (may_fall(x->op)) region_push(&r, next_live(f, i + 1));
        }
        ok = !r.lost;
    }
    free(r.stack);
    free(r.seen);
    return ok;
}

/* Functions whose exception regions cannot be followed are left alone. */
static bool fn_ok(Fn *f)
{
    for (size_t i = f->a; i < f->b; i++)
        if (!f->ins[i].dead && is_try_start(f->ins[i].op)) return mark_handlers(f);
    return true;
}

typedef struct YMax { size_t max; } YMax;
static void note_y(Instr *w, char kind, void *arg)
{
    YMax *m = arg;
    if ((kind == 's' || kind == 'd' || kind == 'm') && vm_operand_is_reg(*w) && (*w & 4)) {
        size_t y = (size_t)(*w >> 3) + 2;
        if (y > m->max) m->max = y;
    }
}

/* A process waiting in receive keeps its frame: the Y slots that are dead there (written
 * somewhere in the function, not read again) are set to [] before the wait, so that a GC of
 * the waiting process frees what they held, as OTP's frames hold only live values. */
typedef struct Written { bool *w; size_t n; } Written;
static void note_written(Instr *w, char kind, void *arg)
{
    Written *wr = arg;
    if (kind == 'd' && vm_operand_is_reg(*w) && (*w & 4) && (size_t)(*w >> 3) < wr->n)
        wr->w[*w >> 3] = true;
}
static void add_kills(Fn *f, Eff *e, Word *out, size_t ymax)
{
    CodeBuf *cb = (CodeBuf *)f->cb;
    Written wr = {NULL, ymax};
    for (size_t i = f->a; i < f->b; i++) {
        Ins *in = &f->ins[i];
        if (in->dead || in->op != OPC_recv_wait) continue;
        if (!wr.w) {
            wr.w = xcalloc(ymax + 1, sizeof(bool));
            for (size_t k = f->a; k < f->b; k++)
                if (!f->ins[k].dead) each_operand(cb, &f->ins[k], note_written, &wr);
        }
        effects(f, in, e);
        live_out(f, i, e, out);
        /* Only the slots of this frame (a coloured function's frames differ in size). */
        size_t lim = f->fsize ? f->fsize[i - f->a] : ymax;
        for (size_t y = 0; y < ymax && y < lim; y++) {
            /* Not read by the wait itself (its timeout) nor after it. */
            if (!wr.w[y] || has_bit(out, f->xn + y) || has_bit(e->use, f->xn + y)) continue;
            in->kills = realloc(in->kills, (in->nkill + 1) * sizeof *in->kills);
            if (!in->kills) abort();
            in->kills[in->nkill++] = vm_y((unsigned)y);
        }
    }
    free(wr.w);
}

/* test_heap and allocate name x0 .. Live-1 as GC roots; the compiler's Live is every slot of
 * a frameless function. Lowered to the registers still read after them, the roots are the
 * values live there, and a slot written only later need not hold a term yet (see
 * entry_slots_written). */
static bool lower_live_counts(Fn *f, Eff *e, Word *out)
{
    CodeBuf *cb = (CodeBuf *)f->cb;
    bool changed = false;
    for (size_t i = f->a; i < f->b; i++) {
        Ins *in = &f->ins[i];
        if (in->dead || (in->op != OPC_test_heap && in->op != OPC_allocate)) continue;
        effects(f, in, e);
        live_out(f, i, e, out);
        Instr *live = &cb->w[in->off + 2];
        unsigned n = 0;
        for (unsigned r = 0; r < *live; r++)
            if (has_bit(out, r)) n = r + 1;
        if (n < *live) {
            *live = n;
            changed = true;
        }
    }
    return changed;
}

/* True when the X slots above the arguments that the function's leaf_entry clears are never
 * read (GC roots included, as uses of test_heap and allocate) before being written, on every
 * path: none is live after the entry. */
static bool entry_slots_written(const Fn *f)
{
    const Ins *e = &f->ins[f->a];
    if (e->dead || e->op != OPC_leaf_entry) return false;
    size_t j = next_live(f, f->a + 1);
    if (j >= f->b) return false;
    const Word *in = f->live_in + (j - f->a) * f->words;
    for (Instr r = opnd(f->cb, e, 0); r < opnd(f->cb, e, 1); r++)
        if (has_bit(in, (size_t)r)) return false;
    return true;
}

/* ---- Y slot allocation ------------------------------------------------------------------ */

/* The compiler gives every variable its own Y slot. Here, as OTP's beam_ssa_pre_codegen does,
 * each slot is split into webs (a value from its definitions to its uses), a web not live
 * across a call or any other point that may collect moves to a free X register, and the webs
 * left are coloured: two share a slot when neither is defined while the other is live. Every
 * Y slot always holds a term (allocate clears the frame, and every GC updates every slot), so
 * a slot's stale value is never read: a web is live only where it was written. */

static void fn_resize(Fn *f, Eff *e, Word **out, size_t ny)
{
    f->nregs = f->xn + ny;
    f->words = (f->nregs + 63) / 64;
    free(f->live_in);
    free(e->use);
    free(e->def);
    free(*out);
    f->live_in = xcalloc((f->b - f->a) * f->words, sizeof(Word));
    e->use = xcalloc(f->words, sizeof(Word));
    e->def = xcalloc(f->words, sizeof(Word));
    *out = xcalloc(f->words, sizeof(Word));
}


static bool is_bs_op(unsigned op)
{
    return op == OPC_bs_start || op == OPC_bs_get || op == OPC_bs_skip ||
           op == OPC_bs_test_tail || op == OPC_bs_test_unit;
}

typedef struct AnyY { bool y; } AnyY;
static void note_any_y(Instr *w, char kind, void *arg)
{
    if ((kind == 's' || kind == 'd' || kind == 'm') && vm_operand_is_reg(*w) && (*w & 4))
        ((AnyY *)arg)->y = true;
}

/* Functions whose slots are named implicitly are left to compact_frame: a binary match
 * context takes two adjacent slots, and func_clause in a frame reads y0 ... itself. */
static bool yalloc_ok(const Fn *f)
{
    bool frame = false;
    for (size_t i = f->a; i < f->b; i++) {
        const Ins *in = &f->ins[i];
        if (in->dead) continue;
        if (in->op == OPC_func_clause && opnd(f->cb, in, 1) == 0) return false;
        if (in->op == OPC_allocate) frame = true;
        if (is_bs_op(in->op)) {
            AnyY any = {false};
            each_operand((CodeBuf *)f->cb, in, note_any_y, &any);
            if (any.y) return false;
        }
    }
    return frame;
}

static size_t uf_find(size_t *p, size_t x)
{
    while (p[x] != x) {
        p[x] = p[p[x]];
        x = p[x];
    }
    return x;
}
static void uf_union(size_t *p, size_t a, size_t b)
{
    a = uf_find(p, a);
    b = uf_find(p, b);
    if (a != b) p[a] = b;
}

/* Union-find nodes: the value of y(k) entering instruction i (d = 0) and the one i writes (1). */
typedef struct Webs { const Fn *f; size_t ny, *parent, *id; size_t i; } Webs;
static size_t web_node(const Webs *w, size_t i, size_t y, int d)
{
    return (((i - w->f->a) * w->ny + y) << 1) | (size_t)d;
}
static void rename_web(Instr *op, char kind, void *arg)
{
    Webs *w = arg;
    if (!vm_operand_is_reg(*op) || !(*op & 4)) return;
    if (kind != 's' && kind != 'm' && kind != 'd') return;
    size_t y = (size_t)(*op >> 3);
    size_t id = w->id[uf_find(w->parent, web_node(w, w->i, y, kind == 'd'))];
    *op = vm_y((unsigned)id);
}

/* Joins the nodes along i's edges: what i leaves in y(k) (its write, or what entered) flows
 * into a fall-through successor; a label keeps what entered (a failed instruction writes
 * nothing). False when i's edges are not all known or a Y value outlives its frame. */
static bool web_edges(Webs *w, Eff *e, Word *out, size_t i)
{
    Fn *f = (Fn *)w->f;
    effects(f, &f->ins[i], e);
    Succs s;
    label_succs(f, i, &s);
    if (s.all || e->unknown) return false;
    if (e->kill_y) {
        live_out(f, i, e, out);
        for (size_t y = 0; y < w->ny; y++)
            if (has_bit(out, f->xn + y)) return false; /* read before written */
    }
    size_t j = e->falls ? next_live(f, i + 1) : f->b;
    if (ends_try(f->ins[i].op)) {
        /* The tag's last read and the [] written over it: one web, one slot. */
        Instr t = opnd(f->cb, &f->ins[i], 0);
        size_t y = (size_t)(t >> 3);
        if ((t & 4) && y < w->ny) uf_union(w->parent, web_node(w, i, y, 0), web_node(w, i, y, 1));
    }
    for (size_t y = 0; y < w->ny; y++) {
        size_t r = f->xn + y;
        int d = has_bit(e->def, r);
        if (j < f->b && has_bit(live_at(f, j), r))
            uf_union(w->parent, web_node(w, i, y, d), web_node(w, j, y, 0));
        for (unsigned k = 0; k < s.n; k++)
            if (has_bit(live_at(f, s.s[k]), r))
                uf_union(w->parent, web_node(w, i, y, 0), web_node(w, s.s[k], y, 0));
    }
    return true;
}

/* Renames every Y operand to its web's number; the count of webs, or SIZE_MAX when the
 * function's flow is not fully known (it is then left as it is). */
static size_t split_webs(Fn *f, Eff *e, Word *out)
{
    size_t ny = f->nregs - f->xn, nn = (f->b - f->a) * ny * 2;
    Webs w = {f, ny, xcalloc(nn, sizeof(size_t)), xcalloc(nn, sizeof(size_t)), 0};
    for (size_t k = 0; k < nn; k++) {
        w.parent[k] = k;
        w.id[k] = SIZE_MAX;
    }
    size_t first = next_live(f, f->a), n = 0;
    bool ok = first < f->b;
    for (size_t y = 0; ok && y < ny; y++)
        if (has_bit(live_at(f, first), f->xn + y)) ok = false;
    for (size_t i = f->a; ok && i < f->b; i++)
        if (!f->ins[i].dead) ok = web_edges(&w, e, out, i);
    for (size_t i = f->a; ok && i < f->b; i++) {
        if (f->ins[i].dead) continue;
        effects(f, &f->ins[i], e);
        for (size_t y = 0; y < ny; y++) {
            for (int d = 0; d < 2; d++) {
                if (!has_bit(d ? e->def : live_at(f, i), f->xn + y)) continue;
                size_t root = uf_find(w.parent, web_node(&w, i, y, d));
                if (w.id[root] == SIZE_MAX) w.id[root] = n++;
            }
        }
    }
    for (size_t i = f->a; ok && i < f->b; i++) {
        if (f->ins[i].dead) continue;
        w.i = i;
        each_operand((CodeBuf *)f->cb, &f->ins[i], rename_web, &w);
    }
    free(w.parent);
    free(w.id);
    return ok ? n : SIZE_MAX;
}

/* ---- webs to X registers ---- */

#define X_CAP 64 /* X registers a web may move to (one Word of candidates) */

typedef struct Pref { unsigned n; size_t order[4]; } Pref;

/* Adds r as a preferred register (the other side of a move to or from the web). */
static void prefer(Pref *p, Instr r)
{
    if (!vm_operand_is_reg(r) || (r & 4) || (r >> 3) >= X_CAP || p->n == 4) return;
    p->order[p->n++] = (size_t)(r >> 3);
}

/* The X registers web w cannot take: live with another value somewhere w is live, or
 * written there by another instruction. False when w is live across a call or a point that
 * may collect (a test_heap names x0 .. Live-1: w may be the next one after them; *heap_need
 * collects that bound). */
static bool web_x_conflicts(Fn *f, Eff *e, Word *out, size_t R, Word *bad, size_t *heap_max,
                            Pref *p)
{
    CodeBuf *cb = (CodeBuf *)f->cb;
    *bad = 0;
    *heap_max = X_CAP;
    Instr y = vm_y((unsigned)(R - f->xn));
    for (size_t i = f->a; i < f->b; i++) {
        Ins *in = &f->ins[i];
        if (in->dead) continue;
        bool inl = has_bit(live_at(f, i), R);
        effects(f, in, e);
        bool def = has_bit(e->def, R);
        if (!inl && !def) continue;
        if (e->kill_x || e->unknown || e->kill_y) return false;
        /* Live into a handler: it crosses an exception edge, where the VM sets x0..x3. */
        if (inl && (in->op == OPC_try_case || in->op == OPC_catch_end)) return false;
        live_out(f, i, e, out);
        bool outl = has_bit(out, R);
        if (inl) *bad |= live_at(f, i)[0];
        if (outl || def) *bad |= out[0] | e->def[0];
        if (inl && outl && !never_collects(in->op)) {
            /* test_heap's Live, or the Live an op2/op1/bif gets (CodeGcLive), may name it. */
            if ((in->op != OPC_test_heap && !takes_gc_live(in->op)) || def) return false;
            /* A root only as x(k) right after the live ones (those below must hold terms). */
            size_t k = 0;
            while (k < X_CAP && has_bit(live_at(f, i), k)) k++;
            if (k < *heap_max) *heap_max = k;
            if (k < 63) *bad |= ~(((Word)2 << k) - 1);
        }
        if (in->op == OPC_move) {
            if (opnd(cb, in, 1) == y) prefer(p, opnd(cb, in, 0));
            else if (opnd(cb, in, 0) == y) prefer(p, opnd(cb, in, 1));
        }
    }
    return true;
}

typedef struct YtoX { Instr y, x; } YtoX;
static void y_to_x(Instr *w, char kind, void *arg)
{
    YtoX *s = arg;
    if ((kind == 's' || kind == 'd' || kind == 'm') && *w == s->y) *w = s->x;
}

/* Moves web y(w) to a free X register when it lives only between points that do not collect
 * (or at a test_heap that can name it), updating the liveness in place: the web's bit becomes
 * the register's. 1: moved; 0: no register fits (yet: another web's move may make one fit);
 * -1: it never can (it is live across a call or another point that may collect). */
static int web_to_x(Fn *f, Eff *e, Word *out, size_t w)
{
    size_t R = f->xn + w;
    Word bad;
    size_t heap_max;
    Pref p = {0, {0}};
    if (!web_x_conflicts(f, e, out, R, &bad, &heap_max, &p)) return -1;
    size_t r = SIZE_MAX;
    for (unsigned k = 0; k < p.n && r == SIZE_MAX; k++)
        if (!((bad >> p.order[k]) & 1)) r = p.order[k];
    for (size_t k = 0; k < X_CAP && r == SIZE_MAX; k++)
        if (!((bad >> k) & 1)) r = k;
    if (r == SIZE_MAX || r > heap_max || r + 1 >= f->xn) return 0;
    CodeBuf *cb = (CodeBuf *)f->cb;
    YtoX s = {vm_y((unsigned)w), vm_x((unsigned)r)};
    for (size_t i = f->a; i < f->b; i++) {
        Ins *in = &f->ins[i];
        if (in->dead) continue;
        Word *lin = live_at(f, i);
        bool inl = has_bit(lin, R);
        /* test_heap reads no Y slot: the web is live across it, a root as x(r). */
        if (inl && in->op == OPC_test_heap && cb->w[in->off + 2] < r + 1) cb->w[in->off + 2] = r + 1;
        /* Across an op2, op1 or bif: a root of its after-BIF collection, as OTP's gc_bif Live
         * (N - 1 waiting in x0 while A + 1 is computed for f(N - 1, A + 1)). */
        if (inl && takes_gc_live(in->op) && in->gclive < r + 1) {
            effects(f, in, e);
            live_out(f, i, e, out);
            /* (a successor done before it may already have the register's bit) */
            if (has_bit(out, R) || has_bit(out, r)) in->gclive = (unsigned)(r + 1);
        }
        each_operand(cb, in, y_to_x, &s);
        if (inl) {
            lin[R / 64] &= ~((Word)1 << (R % 64));
            set_bit(lin, r);
        }
    }
    return 1;
}

/* ---- colouring ---- */

typedef struct Colour { size_t ny; Word *adj; size_t *col; } Colour;
static bool adj_has(const Colour *c, size_t a, size_t b) { return has_bit(c->adj + a * ((c->ny + 63) / 64), b); }
static void adj_set(Colour *c, size_t a, size_t b)
{
    size_t wpr = (c->ny + 63) / 64;
    set_bit(c->adj + a * wpr, b);
    set_bit(c->adj + b * wpr, a);
}

/* Interference: a web written while another is live (after the instruction). */
static void interference(Fn *f, Eff *e, Word *out, Colour *c)
{
    for (size_t i = f->a; i < f->b; i++) {
        if (f->ins[i].dead) continue;
        effects(f, &f->ins[i], e);
        live_out(f, i, e, out);
        for (size_t d = 0; d < c->ny; d++) {
            if (!has_bit(e->def, f->xn + d)) continue;
            for (size_t l = 0; l < c->ny; l++)
                if (l != d && (has_bit(out, f->xn + l) || has_bit(e->def, f->xn + l)))
                    adj_set(c, d, l);
        }
    }
}

static void colour_web(Colour *c, size_t w)
{
    if (c->col[w] != SIZE_MAX) return;
    bool *used = xcalloc(c->ny + 1, sizeof(bool));
    for (size_t o = 0; o < c->ny; o++)
        if (o != w && c->col[o] != SIZE_MAX && adj_has(c, w, o)) used[c->col[o]] = true;
    size_t k = 0;
    while (used[k]) k++;
    c->col[w] = k;
    free(used);
}

typedef struct ColourDefs { Colour *c; } ColourDefs;
static void colour_def(Instr *w, char kind, void *arg)
{
    Colour *c = ((ColourDefs *)arg)->c;
    if (kind == 'd' && vm_operand_is_reg(*w) && (*w & 4) && (size_t)(*w >> 3) < c->ny)
        colour_web(c, (size_t)(*w >> 3));
}
static void recolour(Instr *w, char kind, void *arg)
{
    Colour *c = arg;
    if ((kind == 's' || kind == 'd' || kind == 'm') && vm_operand_is_reg(*w) && (*w & 4) &&
        (size_t)(*w >> 3) < c->ny)
        *w = vm_y((unsigned)c->col[*w >> 3]);
}

/* Colours the webs greedily in the order of their first definition (the lowest slot no
 * interfering web has), renames them, and returns the number of slots. */
static size_t colour_webs(Fn *f, Eff *e, Word *out, size_t ny)
{
    CodeBuf *cb = (CodeBuf *)f->cb;
    size_t wpr = (ny + 63) / 64;
    Colour c = {ny, xcalloc(ny * wpr + 1, sizeof(Word)), xcalloc(ny + 1, sizeof(size_t))};
    for (size_t w = 0; w < ny; w++) c.col[w] = SIZE_MAX;
    interference(f, e, out, &c);
    ColourDefs cd = {&c};
    /* Catch tags first, in order: the tags live at any point are nested, so each takes the
     * lowest slot none of its enclosing ones has: above them, as the unwinder needs (the
     * innermost tag is the highest slot of its frame: docs/vm.md, Exceptions). */
    for (size_t i = f->a; i < f->b; i++)
        if (!f->ins[i].dead && is_try_start(f->ins[i].op)) {
            Instr t = opnd(cb, &f->ins[i], 0);
            if ((t & 4) && (size_t)(t >> 3) < ny) colour_web(&c, (size_t)(t >> 3));
        }
    for (size_t i = f->a; i < f->b; i++)
        if (!f->ins[i].dead) each_operand(cb, &f->ins[i], colour_def, &cd);
    for (size_t w = 0; w < ny; w++) colour_web(&c, w);
    size_t n = 0;
    for (size_t i = f->a; i < f->b; i++) {
        if (f->ins[i].dead) continue;
        each_operand(cb, &f->ins[i], recolour, &c);
    }
    for (size_t w = 0; w < ny; w++)
        if (c.col[w] + 1 > n) n = c.col[w] + 1;
    free(c.adj);
    free(c.col);
    return n;
}

/* ---- frame sizes ---- */

static Instr *frame_operand(CodeBuf *cb, const Ins *in)
{
    Instr *w = &cb->w[in->off + 1];
    switch ((VmOpcode)in->op) {
    case OPC_allocate: case OPC_deallocate: case OPC_apply_list_last: return &w[0];
    case OPC_call_last: case OPC_call_ext_last: return &w[2];
    case OPC_call_fun_last: case OPC_apply_last: return &w[1];
    default: return NULL;
    }
}

typedef struct MaxY { size_t n; } MaxY;
static void note_max_y(Instr *w, char kind, void *arg)
{
    MaxY *m = arg;
    if ((kind == 's' || kind == 'd' || kind == 'm') && vm_operand_is_reg(*w) && (*w & 4) &&
        (size_t)(*w >> 3) + 1 > m->n)
        m->n = (size_t)(*w >> 3) + 1;
}

/* Marks the instructions reachable from allocate at index s before a deallocate (the frame's
 * region) as group s, joining groups that meet. */
static void frame_region(Fn *f, Eff *e, size_t s, size_t *grp, size_t *uf, size_t *stack,
                         bool *seen)
{
    size_t n = f->b - f->a, top = 0;
    memset(seen, 0, n * sizeof(bool));
    stack[top++] = s;
    seen[s - f->a] = true;
    while (top > 0) {
        size_t i = stack[--top];
        size_t *g = &grp[i - f->a];
        if (*g == SIZE_MAX) *g = s - f->a;
        else uf_union(uf, *g, s - f->a);
        const Ins *in = &f->ins[i];
        if (in->op == OPC_deallocate || (in->op == OPC_allocate && i != s)) continue;
        effects(f, in, e);
        Succs sc;
        label_succs(f, i, &sc);
        if (e->falls && sc.n < 16) sc.s[sc.n++] = next_live(f, i + 1);
        for (unsigned k = 0; k < sc.n; k++) {
            size_t j = sc.s[k];
            if (j < f->b && !seen[j - f->a]) {
                seen[j - f->a] = true;
                stack[top++] = j;
            }
        }
    }
}

/* ---- trimming ---- */

/* The successors of i inside its frame: none after a deallocate or into another allocate. */
static unsigned frame_succs(Fn *f, Eff *e, size_t i, size_t *out)
{
    const Ins *in = &f->ins[i];
    if (in->op == OPC_deallocate) return 0;
    effects(f, in, e);
    Succs sc;
    label_succs(f, i, &sc);
    unsigned n = 0;
    for (unsigned k = 0; k < sc.n; k++) out[n++] = sc.s[k];
    if (e->falls) out[n++] = next_live(f, i + 1);
    unsigned m = 0;
    for (unsigned k = 0; k < n; k++)
        if (out[k] < f->b && f->ins[out[k]].op != OPC_allocate) out[m++] = out[k];
    return m;
}

/* Marks what is reachable in the frame from the roots (not through stop, which is marked but
 * not followed). */
static void frame_reach(Fn *f, Eff *e, const size_t *roots, size_t nroots, size_t stop, bool *mark,
                        size_t *stack)
{
    size_t n = f->b - f->a, top = 0, succ[17];
    memset(mark, 0, n * sizeof(bool));
    for (size_t k = 0; k < nroots; k++)
        if (!mark[roots[k] - f->a]) {
            mark[roots[k] - f->a] = true;
            stack[top++] = roots[k];
        }
    while (top > 0) {
        size_t i = stack[--top];
        if (i == stop) continue;
        unsigned ns = frame_succs(f, e, i, succ);
        for (unsigned k = 0; k < ns; k++)
            if (!mark[succ[k] - f->a]) {
                mark[succ[k] - f->a] = true;
                stack[top++] = succ[k];
            }
    }
}

/* An op2 +/- of a small constant right before a local call becomes one fused form with it
 * (select_forms: op2_addc_call, fib's argument), which a trim between them would split: such a
 * call is not trimmed (fib's deepest stack goes through its first call anyway). */
static bool fuses_into_call(const Fn *f, size_t c)
{
    if (f->ins[c].op != OPC_call) return false;
    size_t p = c;
    while (p-- > f->a && f->ins[p].dead) {}
    if (p < f->a || p >= c || f->ins[p].op != OPC_op2 || f->ins[c].target) return false;
    const Instr *w = f->cb->w + f->ins[p].off + 1;
    return (w[1] == VOP_ADD || w[1] == VOP_SUB) && term_is_small((Term)w[3]);
}

static bool is_body_call(unsigned op)
{
    return op == OPC_call || op == OPC_call_ext || op == OPC_call_fun || op == OPC_apply ||
           op == OPC_apply_list;
}

typedef struct SlotUse { bool *used; size_t n; } SlotUse;
static void note_slot(Instr *w, char kind, void *arg)
{
    SlotUse *u = arg;
    if ((kind == 's' || kind == 'd' || kind == 'm') && vm_operand_is_reg(*w) && (*w & 4) &&
        (size_t)(*w >> 3) < u->n)
        u->used[*w >> 3] = true;
}

typedef struct Perm { const size_t *to; size_t n; } Perm;
static void permute_slot(Instr *w, char kind, void *arg)
{
    Perm *p = arg;
    if ((kind == 's' || kind == 'd' || kind == 'm') && vm_operand_is_reg(*w) && (*w & 4) &&
        (size_t)(*w >> 3) < p->n)
        *w = vm_y((unsigned)p->to[*w >> 3]);
}

/* The slots call c's continuation needs (live into c, or named after it); SIZE_MAX when the
 * continuation cannot be trimmed on its own (it loops back to c, or the frame reaches it
 * without passing c). */
static size_t trim_at(Fn *f, Eff *e, size_t c, const size_t *allocs, size_t nalloc, size_t frame,
                      bool *used, bool *reach, bool *other, size_t *stack)
{
    size_t succ[17];
    unsigned ns = frame_succs(f, e, c, succ);
    frame_reach(f, e, succ, ns, SIZE_MAX, reach, stack);
    if (reach[c - f->a]) return SIZE_MAX;
    frame_reach(f, e, allocs, nalloc, c, other, stack);
    memset(used, 0, (frame + 1) * sizeof(bool));
    SlotUse u = {used, frame};
    for (size_t i = f->a; i < f->b; i++) {
        if (!reach[i - f->a] || f->ins[i].dead) continue;
        if (other[i - f->a]) return SIZE_MAX;
        each_operand((CodeBuf *)f->cb, &f->ins[i], note_slot, &u);
    }
    for (size_t y = 0; y < frame; y++)
        if (has_bit(live_at(f, c), f->xn + y)) used[y] = true;
    size_t k = 0;
    for (size_t y = 0; y < frame; y++) k += !used[y];
    return k;
}

/* OTP's trim: before the call after which the fewest slots are needed, the frame drops the
 * others (the slots are renumbered so that those come first; `deallocate K` in the middle of
 * a frame is OTP's `trim K`: the return address stays above the slots left). Then the stack
 * at the bottom of a recursion holds, per level, what the continuation needs. One trim per
 * frame. */
static void trim_frame(Fn *f, Eff *e, size_t g, const size_t *grp, size_t *uf, size_t frame)
{
    size_t n = f->b - f->a, nalloc = 0;
    size_t *allocs = xcalloc(n, sizeof(size_t)), *stack = xcalloc(n + 17, sizeof(size_t));
    bool *used = xcalloc(frame + 1, sizeof(bool)), *reach = xcalloc(n, sizeof(bool));
    bool *other = xcalloc(n, sizeof(bool));
    for (size_t i = f->a; i < f->b; i++)
        if (!f->ins[i].dead && f->ins[i].op == OPC_allocate && grp[i - f->a] != SIZE_MAX &&
            uf_find(uf, grp[i - f->a]) == g)
            allocs[nalloc++] = i;
    size_t best = SIZE_MAX, best_k = 0;
    for (size_t c = f->a; c < f->b; c++) {
        if (f->ins[c].dead || !is_body_call(f->ins[c].op) || grp[c - f->a] == SIZE_MAX ||
            uf_find(uf, grp[c - f->a]) != g || fuses_into_call(f, c))
            continue;
        size_t k = trim_at(f, e, c, allocs, nalloc, frame, used, reach, other, stack);
        if (k != SIZE_MAX && k > best_k) {
            best = c;
            best_k = k;
        }
    }
    if (best != SIZE_MAX) {
        CodeBuf *cb = (CodeBuf *)f->cb;
        trim_at(f, e, best, allocs, nalloc, frame, used, reach, other, stack);
        size_t *to = xcalloc(frame + 1, sizeof(size_t)), *down = xcalloc(frame + 1, sizeof(size_t));
        size_t lo = 0, hi = best_k;
        for (size_t y = 0; y < frame; y++) {
            to[y] = used[y] ? hi++ : lo++;
            down[y] = y >= best_k ? y - best_k : 0;
        }
        Perm p = {to, frame}, q = {down, frame};
        for (size_t i = f->a; i < f->b; i++) {
            Ins *in = &f->ins[i];
            if (in->dead || grp[i - f->a] == SIZE_MAX || uf_find(uf, grp[i - f->a]) != g) continue;
            each_operand(cb, in, permute_slot, &p);
            for (unsigned k = 0; k < in->nkill; k++) permute_slot(&in->kills[k], 'd', &p);
            if (!reach[i - f->a]) continue;
            /* After the trim: y(j) is y(j - K), the frame K words smaller (a wait's kills of
             * the slots gone go with them). */
            each_operand(cb, in, permute_slot, &q);
            unsigned nk = 0;
            for (unsigned k = 0; k < in->nkill; k++)
                if ((size_t)(in->kills[k] >> 3) >= best_k) in->kills[nk++] = vm_y((unsigned)down[in->kills[k] >> 3]);
            in->nkill = nk;
            Instr *w = frame_operand(cb, in);
            if (w) *w = (Instr)(frame - best_k);
            f->fsize[i - f->a] = frame - best_k;
        }
        free(down);
        f->ins[best].trim = (unsigned)best_k;
        free(to);
    }
    free(allocs);
    free(stack);
    free(used);
    free(reach);
    free(other);
}

/* Each frame gets the size its own slots need (a clause that keeps one value allocates one
 * word, whatever its neighbours need); an instruction no allocate reaches, or reached from
 * several, makes the regions meet (or the whole function take the largest size). */
static void set_frame_sizes(Fn *f, Eff *e, Word *out, size_t nslots)
{
    CodeBuf *cb = (CodeBuf *)f->cb;
    size_t n = f->b - f->a;
    size_t *grp = xcalloc(n, sizeof(size_t)), *uf = xcalloc(n, sizeof(size_t));
    size_t *size = xcalloc(n, sizeof(size_t)), *stack = xcalloc(n + 16, sizeof(size_t));
    bool *seen = xcalloc(n, sizeof(bool));
    for (size_t k = 0; k < n; k++) {
        grp[k] = SIZE_MAX;
        uf[k] = k;
    }
    for (size_t i = f->a; i < f->b; i++)
        if (!f->ins[i].dead && f->ins[i].op == OPC_allocate)
            frame_region(f, e, i, grp, uf, stack, seen);
    bool whole = false;
    for (size_t i = f->a; i < f->b; i++) {
        Ins *in = &f->ins[i];
        if (in->dead) continue;
        MaxY m = {0};
        each_operand(cb, in, note_max_y, &m);
        size_t g = grp[i - f->a];
        if (g == SIZE_MAX) {
            if (m.n || frame_operand(cb, in)) whole = true;
            continue;
        }
        g = uf_find(uf, g);
        if (m.n > size[g]) size[g] = m.n;
    }
    f->fsize = xcalloc(n, sizeof(size_t));
    for (size_t i = f->a; i < f->b; i++) {
        Ins *in = &f->ins[i];
        size_t g = grp[i - f->a];
        f->fsize[i - f->a] = whole ? nslots : g == SIZE_MAX ? 0 : size[uf_find(uf, g)];
        Instr *w = in->dead ? NULL : frame_operand(cb, in);
        if (w) *w = (Instr)(whole || g == SIZE_MAX ? nslots : size[uf_find(uf, g)]);
    }
    /* The kills, from the liveness of these slots, before a trim renumbers some of them. */
    add_kills(f, e, out, f->nregs - f->xn);
    for (size_t k = 0; k < n && !whole; k++) {
        const Ins *in = &f->ins[f->a + k];
        /* Once per frame: a group is named by its root allocate's index. */
        if (!in->dead && in->op == OPC_allocate && uf_find(uf, k) == k && size[k] > 0)
            trim_frame(f, e, k, grp, uf, size[k]);
    }
    free(grp);
    free(uf);
    free(size);
    free(stack);
    free(seen);
}

/* Splits, moves to X and colours the Y slots of a function with a frame; true when done (the
 * frame sizes are then set, and compact_frame has nothing to do). */
static bool alloc_yregs(Fn *f, Eff *e, Word **out)
{
    if (!yalloc_ok(f)) return false;
    size_t nw = split_webs(f, e, *out);
    if (nw == SIZE_MAX) return false;
    fn_resize(f, e, out, nw + 2);
    liveness(f, e, *out);
    if (lower_live_counts(f, e, *out)) liveness(f, e, *out);
    bool moved = false;
    /* Again over the webs left when one moved: a web that crosses a test_heap may take the
     * register after the live ones only once those are X registers (a result sunk past a
     * BIF: `X = f(..), [length(X) | X]`, X in x0, the length in x1). */
    int *st = xcalloc(nw + 1, sizeof(int)); /* web_to_x's last answer */
    for (int round = 0; round < 3; round++) {
        bool any = false;
        for (size_t w = 0; w < nw; w++) {
            if (round > 0 && st[w] != 0) continue;
            st[w] = web_to_x(f, e, *out, w); /* keeps the liveness */
            any |= st[w] == 1;
        }
        moved |= any;
        if (!any) break;
    }
    free(st);
    bool stale = false;
    for (int round = 0; moved && round < 8; round++) {
        liveness(f, e, *out);
        if (!(stale = rewrite_pass(f, e, *out))) break;
    }
    if (stale) liveness(f, e, *out);
    size_t nslots = colour_webs(f, e, *out, nw);
    for (size_t i = f->a; i < f->b; i++) {
        Ins *in = &f->ins[i];
        if (!in->dead && in->op == OPC_move && opnd(f->cb, in, 0) == opnd(f->cb, in, 1))
            in->dead = true; /* two webs joined by a move took one slot */
    }
    fn_resize(f, e, out, nslots + 2);
    liveness(f, e, *out);
    set_frame_sizes(f, e, *out, nslots);
    return true;
}

/* The X registers a function names, explicitly or as a range (arguments, Live operands),
 * with room to spare: xn is above them all (and x(VM_X_REGS - 1) is the bit xn - 1). */
typedef struct XMax { size_t n; } XMax;
static void note_x(Instr *w, char kind, void *arg)
{
    XMax *m = arg;
    if ((kind == 's' || kind == 'd' || kind == 'm') && vm_operand_is_reg(*w) && !(*w & 4)) {
        size_t i = (size_t)(*w >> 3);
        if (i != VM_X_REGS - 1 && i + 2 > m->n) m->n = i + 2; /* a bs context's offset too */
    }
}
static size_t x_bits(const Fn *f)
{
    XMax m = {0};
    for (size_t i = f->a; i < f->b; i++) {
        const Ins *in = &f->ins[i];
        each_operand((CodeBuf *)f->cb, in, note_x, &m);
        size_t a0 = in->len > 1 ? (size_t)opnd(f->cb, in, 0) : 0;
        size_t a1 = in->len > 2 ? (size_t)opnd(f->cb, in, 1) : 0;
        size_t n = 0;
        switch ((VmOpcode)in->op) {
        case OPC_allocate: case OPC_leaf_entry: case OPC_test_heap: n = a1 + 1; break;
        case OPC_call: case OPC_call_last: case OPC_call_only: case OPC_call_ext:
        case OPC_call_ext_last: case OPC_call_ext_only: case OPC_call_fun: case OPC_call_fun_last:
        case OPC_apply: case OPC_apply_last: case OPC_func_clause: n = a0 + 3; break;
        case OPC_apply_list: case OPC_apply_list_last: n = 4; break;
        default: break;
        }
        if (n > m.n) m.n = n;
    }
    size_t xn = (m.n + 1 + 63) / 64 * 64;
    return xn < VM_X_REGS ? xn : VM_X_REGS;
}

/* An op2, op1 or bif with a Live (rule 7's sunk save, or a web web_to_x moved to an X register
 * across it) names x0 .. Live-1: after every rewrite, Live is what is live across it (those
 * below held terms when it was set: web_to_x takes the register after the live ones). */
static void check_gclive(Fn *f, Eff *e, Word *out)
{
    for (size_t i = f->a; i < f->b; i++) {
        Ins *in = &f->ins[i];
        if (in->dead || !in->gclive) continue;
        effects(f, in, e);
        live_out(f, i, e, out);
        unsigned hi = 0;
        for (size_t r = 0; r + 1 < f->xn; r++) /* x(VM_X_REGS - 1), the scratch, is no root */
            if (has_bit(out, r) && !has_bit(e->def, r)) hi = (unsigned)r + 1;
        in->gclive = hi;
    }
}

/* Whether control goes on to the next instruction (over-approximated: unknown ones do). */
static bool may_fall(unsigned op)
{
    switch ((VmOpcode)op) {
    case OPC_ret: case OPC_jump: case OPC_recv_skip: case OPC_call_last: case OPC_call_only:
    case OPC_call_ext_last: case OPC_call_ext_only: case OPC_call_fun_last: case OPC_apply_last:
    case OPC_apply_list_last: case OPC_raise: case OPC_rethrow: case OPC_raise_tag:
    case OPC_func_clause: case OPC_normal_exit:
        return false;
    default: return true;
    }
}

typedef struct Walk { Fn *f; size_t *stack; size_t n; bool *seen; } Walk;
static void push_label(Instr *w, char kind, void *arg);

/* Instructions no path from the entry reaches go: the badmatch raise a match of a fresh
 * variable jumps around (`X = f(..)`), which would keep the save of f's result and what
 * follows apart (rule 7 needs them adjacent). */
static void drop_unreachable(Fn *f)
{
    size_t n = f->b - f->a;
    Walk wk = {f, xcalloc(n + 1, sizeof(size_t)), 0, xcalloc(n + 1, sizeof(bool))};
    size_t first = next_live(f, f->a);
    if (first < f->b) {
        wk.seen[first - f->a] = true;
        wk.stack[wk.n++] = first;
    }
    while (wk.n > 0 && wk.n != SIZE_MAX) {
        size_t i = wk.stack[--wk.n];
        Ins *in = &f->ins[i];
        if (in->op != OPC_call && in->op != OPC_call_last && in->op != OPC_call_only)
            each_operand((CodeBuf *)f->cb, in, push_label, &wk); /* a call's label is the callee */
        if (wk.n == SIZE_MAX) break;
        size_t j = next_live(f, i + 1);
        if (may_fall(in->op) && j < f->b && !wk.seen[j - f->a]) {
            wk.seen[j - f->a] = true;
            wk.stack[wk.n++] = j;
        }
    }
    if (wk.n != SIZE_MAX)
        for (size_t i = f->a; i < f->b; i++)
            if (!wk.seen[i - f->a]) f->ins[i].dead = true;
    free(wk.stack);
    free(wk.seen);
}

static void optimize_fn(Fn *f)
{
    if (f->b <= f->a || !fn_ok(f)) return;
    drop_unreachable(f);
    f->xn = x_bits(f);
    YMax ym = {0};
    for (size_t i = f->a; i < f->b; i++) {
        each_operand((CodeBuf *)f->cb, &f->ins[i], note_y, &ym);
        unsigned op = f->ins[i].op;
        if (op == OPC_func_clause) {
            size_t n = (size_t)opnd(f->cb, &f->ins[i], 0) + 1;
            if (n > ym.max) ym.max = n;
        }
    }
    f->nregs = f->xn + ym.max;
    f->words = (f->nregs + 63) / 64;
    f->live_in = xcalloc((f->b - f->a) * f->words, sizeof(Word));
    Eff e = {xcalloc(f->words, sizeof(Word)), xcalloc(f->words, sizeof(Word)), 0, 0, 0, 0, f->xn};
    Word *out = xcalloc(f->words, sizeof(Word));
    bool stale = true;
    for (int round = 0; stale && round < 8; round++) {
        liveness(f, &e, out);
        stale = rewrite_pass(f, &e, out);
    }
    if (stale) liveness(f, &e, out);
    /* alloc_yregs adds the kills itself and leaves the X registers' liveness exact (a trim
     * renumbers Y slots the analysis then no longer follows: nothing after reads them). */
    f->coloured = alloc_yregs(f, &e, &out);
    if (!f->coloured) add_kills(f, &e, out, f->nregs - f->xn);
    if (lower_live_counts(f, &e, out)) liveness(f, &e, out);
    check_gclive(f, &e, out);
    f->entry_defs = entry_slots_written(f);
    free(f->fsize);
    f->fsize = NULL;
    free(f->live_in);
    free(e.use);
    free(e.def);
    free(out);
}

/* ---- entries without leaf_entry ----------------------------------------------------------- */

/* Instructions that read the VM's count of live X slots (after_bif, a wait's saved registers):
 * the frameless code before them needs its leaf_entry. */
static bool reads_live_count(unsigned op)
{
    switch ((VmOpcode)op) {
    case OPC_bif: case OPC_op2: case OPC_op1: case OPC_set_elem: case OPC_catch_end:
    case OPC_lc_reverse: case OPC_map_new: case OPC_map_put: case OPC_bs_get: case OPC_bs_build:
    case OPC_make_export_fun: case OPC_call_ext: case OPC_call_ext_last: case OPC_call_ext_only:
    case OPC_apply: case OPC_apply_last: case OPC_apply_list: case OPC_apply_list_last:
    case OPC_call_fun: case OPC_call_fun_last: case OPC_recv_wait:
        return true;
    default: return false;
    }
}

static void push_label(Instr *w, char kind, void *arg)
{
    Walk *wk = arg;
    if ((kind != 'L' && kind != 'c') || *w == 0) return;
    size_t j = label_ins(wk->f, *w);
    if (j == SIZE_MAX) {
        wk->n = SIZE_MAX; /* unknown target: keep the entry */
        return;
    }
    if (wk->n != SIZE_MAX && j < wk->f->b && !wk->seen[j - wk->f->a]) {
        wk->seen[j - wk->f->a] = true;
        wk->stack[wk->n++] = j;
    }
}

/* A function's `leaf_entry A S` sets the live count and clears x(A) .. x(S-1). When no
 * instruction reachable from the entry before an allocate reads the count (fib's head: a
 * compare, then ret or allocate) and either A == S or every one of those slots is written
 * before it is read (entry_defs: a list head's get_list before its test_heap), the entry is
 * dropped. */
static void drop_entry(Fn *f)
{
    CodeBuf *cb = (CodeBuf *)f->cb;
    Ins *e = &f->ins[f->a];
    if (e->dead || e->op != OPC_leaf_entry) return;
    if (opnd(cb, e, 0) != opnd(cb, e, 1) && !f->entry_defs) return;
    size_t n = f->b - f->a;
    Walk wk = {f, xcalloc(n + 1, sizeof(size_t)), 0, xcalloc(n + 1, sizeof(bool))};
    bool ok = true;
    wk.seen[0] = true;
    wk.stack[wk.n++] = f->a;
    while (ok && wk.n > 0 && wk.n != SIZE_MAX) {
        size_t i = wk.stack[--wk.n];
        Ins *in = &f->ins[i];
        if (in->dead) {
            size_t j = next_live(f, i);
            if (j < f->b && !wk.seen[j - f->a]) {
                wk.seen[j - f->a] = true;
                wk.stack[wk.n++] = j;
            }
            continue;
        }
        if (in->op == OPC_allocate) continue;
        if (in->op == OPC_leaf_entry && i != f->a) {
            ok = false;
            break;
        }
        if (reads_live_count(in->op)) {
            ok = false;
            break;
        }
        bool falls = !(in->op == OPC_ret || in->op == OPC_jump || in->op == OPC_recv_skip ||
                       in->op == OPC_call_last || in->op == OPC_call_only ||
                       in->op == OPC_raise || in->op == OPC_rethrow || in->op == OPC_raise_tag ||
                       in->op == OPC_func_clause || in->op == OPC_normal_exit);
        if (in->op != OPC_call && in->op != OPC_call_last && in->op != OPC_call_only)
            each_operand(cb, in, push_label, &wk); /* a call's label is the callee */
        if (wk.n == SIZE_MAX) break;
        if (falls) {
            size_t j = next_live(f, i + 1);
            if (j < f->b && !wk.seen[j - f->a]) {
                wk.seen[j - f->a] = true;
                wk.stack[wk.n++] = j;
            }
        }
    }
    if (wk.n == SIZE_MAX) ok = false;
    if (ok) e->dead = true;
    free(wk.stack);
    free(wk.seen);
}

/* ---- frame compaction ------------------------------------------------------------------ */

/* The Y slots still named after the rewrites are renumbered densely, in order (nested catch
 * tags keep their order; a binary match context and its offset slot stay adjacent), and every
 * frame size of the function becomes their count. */
typedef struct YUse { bool *used; size_t n; size_t *renum; } YUse;
static void mark_y(Instr *w, char kind, void *arg)
{
    YUse *u = arg;
    if ((kind == 's' || kind == 'd' || kind == 'm') && vm_operand_is_reg(*w) && (*w & 4)) {
        size_t y = (size_t)(*w >> 3);
        if (y < u->n) u->used[y] = true;
    }
}
static void renum_y(Instr *w, char kind, void *arg)
{
    YUse *u = arg;
    if ((kind == 's' || kind == 'd' || kind == 'm') && vm_operand_is_reg(*w) && (*w & 4)) {
        size_t y = (size_t)(*w >> 3);
        if (y < u->n) *w = vm_y((unsigned)u->renum[y]);
    }
}

static bool is_bs_ctx_op(unsigned op)
{
    return op == OPC_bs_get || op == OPC_bs_skip || op == OPC_bs_test_tail || op == OPC_bs_test_unit;
}

static void compact_frame(Fn *f)
{
    CodeBuf *cb = (CodeBuf *)f->cb;
    size_t frame = SIZE_MAX;
    for (size_t i = f->a; i < f->b; i++) {
        const Ins *in = &f->ins[i];
        if (in->dead) continue;
        if (in->op == OPC_func_clause && opnd(cb, in, 1) == 0) return; /* reads y0.. itself */
        if (in->op == OPC_allocate) {
            size_t n = (size_t)opnd(cb, in, 0);
            if (frame != SIZE_MAX && frame != n) return; /* not one frame size: leave it */
            frame = n;
        }
    }
    if (frame == SIZE_MAX || frame == 0) return;
    YUse u = {xcalloc(frame + 1, sizeof(bool)), frame, xcalloc(frame + 1, sizeof(size_t))};
    for (size_t i = f->a; i < f->b; i++) {
        const Ins *in = &f->ins[i];
        if (in->dead) continue;
        each_operand(cb, in, mark_y, &u);
        Instr ctx = 0;
        if (in->op == OPC_bs_start) ctx = opnd(cb, in, 2);
        else if (is_bs_ctx_op(in->op)) ctx = opnd(cb, in, 1);
        if (vm_operand_is_reg(ctx) && (ctx & 4) && (size_t)(ctx >> 3) + 1 < frame)
            u.used[(ctx >> 3) + 1] = true;
    }
    size_t n = 0;
    for (size_t y = 0; y < frame; y++) u.renum[y] = u.used[y] ? n++ : 0;
    if (n < frame) {
        for (size_t i = f->a; i < f->b; i++) {
            Ins *in = &f->ins[i];
            if (in->dead) continue;
            each_operand(cb, in, renum_y, &u);
            for (unsigned k = 0; k < in->nkill; k++) renum_y(&in->kills[k], 'd', &u);
            /* The frame-size operands. */
            Instr *w = &cb->w[in->off + 1];
            switch ((VmOpcode)in->op) {
            case OPC_allocate: case OPC_deallocate: case OPC_apply_list_last: w[0] = n; break;
            case OPC_call_last: case OPC_call_ext_last: w[2] = n; break;
            case OPC_call_fun_last: case OPC_apply_last: w[1] = n; break;
            default: break;
            }
        }
    }
    free(u.used);
    free(u.renum);
}

/* ---- fused and specialised forms -------------------------------------------------------- */

/* The last step, after every analysis: forms whose operand words are the generic ones' (vm.h),
 * so only opcode words change and dropped instructions are marked dead. */
static unsigned special_form(const CodeBuf *cb, const Ins *in)
{
    const Instr *w = cb->w + in->off + 1;
    switch ((VmOpcode)in->op) {
    case OPC_cmp:
        switch ((VmCmp)w[1]) {
        case VC_LT: return OPC_is_lt;
        case VC_GE: return OPC_is_ge;
        case VC_EQ_EXACT: return OPC_is_eq_exact;
        case VC_NE_EXACT: return OPC_is_ne_exact;
        default: return in->op;
        }
    case OPC_op2:
        if (!term_is_small((Term)w[3])) return in->op;
        return w[1] == VOP_ADD ? OPC_op2_addc : w[1] == VOP_SUB ? OPC_op2_subc : in->op;
    case OPC_test:
        switch ((VmTest)w[1]) {
        case VT_LIST: return OPC_test_list;
        case VT_INTEGER: return OPC_test_integer;
        case VT_ATOM: return OPC_test_atom;
        case VT_TUPLE: return OPC_test_tuple;
        default: return in->op;
        }
    default: return in->op;
    }
}

/* Whether ins[j] starts `move x -> y; move x -> x; call`, straight (no label, kill or trim on
 * the way): what an op2_addc/op2_subc with a sunk save before a call is followed by. */
static bool saves_then_calls(const CodeBuf *cb, const Ins *ins, size_t n_ins, size_t j)
{
    const unsigned want[3] = {OPC_move, OPC_move, OPC_call};
    for (unsigned k = 0; k < 3; k++, j++) {
        for (; j < n_ins && ins[j].dead; j++)
            if (ins[j].target) return false;
        if (j >= n_ins || ins[j].target || ins[j].nkill || ins[j].trim || ins[j].op != want[k])
            return false;
        const Instr *w = cb->w + ins[j].off + 1;
        if (k < 2 && (!vm_operand_is_reg(w[0]) || (w[0] & 4) || (k == 0) != ((w[1] & 4) != 0)))
            return false;
    }
    return true;
}

/* The forms that go straight on to the handler of the instruction after them (vm.h): that
 * instruction stays, so labels to it and the generic slow paths are unaffected. */
static void followed_by(CodeBuf *cb, Ins *ins, size_t n_ins, size_t i)
{
    Ins *in = &ins[i];
    size_t j = i + 1;
    while (j < n_ins && ins[j].dead) j++;
    if (j >= n_ins || ins[j].nkill || ins[j].trim) return; /* kills or a trim come between */
    const Ins *nx = &ins[j];
    const Instr *w = cb->w + nx->off + 1;
    unsigned op = in->op;
    if (op == OPC_allocate && (nx->op == OPC_move || nx->op == OPC_move_xy_op2c) &&
        vm_operand_is_reg(w[0]) && !(w[0] & 4) && (w[1] & 4))
        op = OPC_allocate_mxy;
    else if ((op == OPC_op2_addc || op == OPC_op2_subc) && saves_then_calls(cb, ins, n_ins, j))
        op = op == OPC_op2_addc ? OPC_op2_addc_swc : OPC_op2_subc_swc;
    else if (op == OPC_op2_addc && nx->op == OPC_call) op = OPC_op2_addc_call;
    else if (op == OPC_op2_subc && nx->op == OPC_call) op = OPC_op2_subc_call;
    else if (op == OPC_is_lt && nx->op == OPC_ret) op = OPC_is_lt_ret;
    else if (op == OPC_is_nonempty_list && nx->op == OPC_get_list) op = OPC_is_nonempty_list_gl;
    else if (op == OPC_test_heap && nx->op == OPC_put_list) op = OPC_test_heap_pl;
    else if (op == OPC_move && vm_operand_is_reg(cb->w[in->off + 1]) && !(cb->w[in->off + 1] & 4) &&
             (cb->w[in->off + 2] & 4) && (nx->op == OPC_op2_subc_call || nx->op == OPC_op2_addc_call))
        op = OPC_move_xy_op2c;
    else if (op == OPC_op2 && nx->op == OPC_dealloc_ret && cb->w[in->off + 2] == VOP_ADD)
        op = OPC_op2_add_dret;
    else if (op == OPC_op2 && nx->op == OPC_dealloc_ret && cb->w[in->off + 2] == VOP_SUB)
        op = OPC_op2_sub_dret;
    in->op = op;
    cb->w[in->off] = op;
}

static void select_forms(CodeBuf *cb, Ins *ins, size_t n_ins)
{
    for (size_t i = 0; i < n_ins; i++) {
        Ins *in = &ins[i];
        if (in->dead) continue;
        if (in->op == OPC_deallocate) {
            size_t j = i + 1;
            bool label = false;
            for (; j < n_ins && ins[j].dead; j++) label |= ins[j].target;
            /* No label between them: nothing jumps to the ret alone. */
            if (j < n_ins && ins[j].op == OPC_ret && !label && !ins[j].target && !ins[j].nkill &&
                !ins[j].trim) {
                in->op = OPC_dealloc_ret;
                ins[j].dead = true;
            }
        } else {
            in->op = special_form(cb, in);
        }
        cb->w[in->off] = in->op;
    }
    /* Backwards: a form may depend on what its successor became. */
    for (size_t i = n_ins; i-- > 0;)
        if (!ins[i].dead) followed_by(cb, ins, n_ins, i);
}

/* ---- relocation ------------------------------------------------------------------------- */

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

static void add_gclive(CodeBuf *cb, size_t end, unsigned live)
{
    if (cb->n_gclive == cb->cap_gclive) {
        cb->cap_gclive = cb->cap_gclive ? 2 * cb->cap_gclive : 16;
        cb->gclive = realloc(cb->gclive, cb->cap_gclive * sizeof *cb->gclive);
        if (!cb->gclive) abort();
    }
    cb->gclive[cb->n_gclive++] = (CodeGcLive){(uint32_t)end, live};
}

/* Copies the live instructions in order (the kills and trims before them), relocating labels,
 * function and line tables, and records each sunk instruction's Live at its new end. */
static void compact(CodeBuf *cb, Ins *ins, size_t n_ins)
{
    size_t *map = xcalloc(cb->n + 1, sizeof *map);
    size_t o = 0, extra = 0;
    for (size_t i = 0; i < n_ins; i++)
        extra += ins[i].dead ? 0 : 3 * (size_t)ins[i].nkill + (ins[i].trim ? 2 : 0);
    size_t alloc = cb->n + extra + 1;
    Instr *w = xcalloc(alloc, sizeof *w);
    for (size_t i = 0; i < n_ins; i++) {
        for (unsigned k = 0; k < ins[i].len; k++) map[ins[i].off + k] = o;
        if (!ins[i].dead) {
            if (ins[i].trim) {
                w[o++] = OPC_deallocate;
                w[o++] = ins[i].trim;
            }
            for (unsigned k = 0; k < ins[i].nkill; k++) {
                w[o++] = OPC_move;
                w[o++] = NIL;
                w[o++] = ins[i].kills[k];
            }
            memcpy(w + o, cb->w + ins[i].off, ins[i].len * sizeof *w);
            o += ins[i].len;
            if (ins[i].gclive) add_gclive(cb, o, ins[i].gclive);
        }
        free(ins[i].kills);
    }
    map[cb->n] = o;
    for (size_t l = 0; l < cb->n_labels; l++)
        if (cb->labels[l] != (size_t)-1) cb->labels[l] = map[cb->labels[l]];
    for (size_t k = 0; k < cb->n_funcs; k++) cb->funcs[k].offset = (uint32_t)map[cb->funcs[k].offset];
    for (size_t k = 0; k < cb->n_lines; k++) cb->lines[k].offset = (uint32_t)map[cb->lines[k].offset];
    free(cb->w);
    cb->w = w;
    cb->n = o;
    cb->cap = alloc;
    free(map);
}

void peep_optimize(CodeBuf *cb)
{
    if (!cb->n) return;
    size_t n_ins = 0, cap = 256;
    Ins *ins = xcalloc(cap, sizeof *ins);
    size_t *at = xcalloc(cb->n + 1, sizeof *at);
    for (size_t k = 0; k <= cb->n; k++) at[k] = SIZE_MAX;
    for (size_t off = 0; off < cb->n;) {
        if (n_ins == cap) {
            ins = realloc(ins, (cap *= 2) * sizeof *ins);
            if (!ins) abort();
        }
        unsigned len = ins_len(cb, off);
        ins[n_ins] = (Ins){off, (unsigned)cb->w[off], len, false, false, NULL, 0, 0, 0, 0};
        at[off] = n_ins++;
        off += len;
    }
    for (size_t l = 1; l < cb->n_labels; l++) {
        size_t off = cb->labels[l];
        if (off != (size_t)-1 && off < cb->n && at[off] != SIZE_MAX) ins[at[off]].target = true;
    }
    /* Functions: from each CodeFunc's first instruction to the next one's. */
    size_t nf = cb->n_funcs;
    size_t *starts = xcalloc(nf + 1, sizeof *starts);
    for (size_t k = 0; k < nf; k++) starts[k] = cb->funcs[k].offset;
    qsort(starts, nf, sizeof *starts, cmp_size);
    for (size_t k = 0; k < nf; k++) {
        size_t end = k + 1 < nf ? starts[k + 1] : cb->n;
        if (starts[k] >= cb->n || at[starts[k]] == SIZE_MAX) continue;
        size_t b = end >= cb->n ? n_ins : at[end];
        if (b == SIZE_MAX) continue;
        Fn f = {ins, at[starts[k]], b, 0, 0, 0, NULL, cb, at, false, false, NULL};
        optimize_fn(&f);
        if (!f.coloured) compact_frame(&f);
        drop_entry(&f);
    }
    select_forms(cb, ins, n_ins);
    compact(cb, ins, n_ins);
    free(starts);
    free(at);
    free(ins);
}
