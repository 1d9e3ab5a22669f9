/*
 * peep.c — the peephole pass (see peep.h): liveness per function, then merging of moves.
 */
#include "lang/peep.h"

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
} Ins;

/* Register numbers for the bit sets: x(i) is i, y(i) is VM_X_REGS + i. */
typedef uint64_t Word;
typedef struct Fn {
    Ins *ins;
    size_t a, b;       /* instruction indexes [a, b) */
    size_t nregs, words;
    Word *live_in;     /* (b - a) sets */
    const CodeBuf *cb;
    const size_t *at;  /* word offset -> instruction index (or SIZE_MAX) */
    bool entry_defs;   /* the X slots a leaf_entry clears are all written before any read */
} Fn;

static void *xcalloc(size_t n, size_t sz)
{
    void *p = calloc(n ? n : 1, sz);
    if (!p) abort();
    return p;
}

static size_t reg_index(Instr w) { return (w & 4) ? VM_X_REGS + (size_t)(w >> 3) : (size_t)(w >> 3); }
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
} Eff;

static void note_operand(Instr *w, char kind, void *arg)
{
    Eff *e = arg;
    if (!vm_operand_is_reg(*w)) return;
    if (kind == 's' || kind == 'm') set_bit(e->use, reg_index(*w));
    else if (kind == 'd') set_bit(e->def, reg_index(*w));
}

static Instr opnd(const CodeBuf *cb, const Ins *in, unsigned k) { return cb->w[in->off + 1 + k]; }

static void effects(Fn *f, const Ins *in, Eff *e)
{
    CodeBuf *cb = (CodeBuf *)f->cb;
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
        else set_range(e->use, VM_X_REGS, VM_X_REGS + a0);
        e->falls = false;
        return;
    case OPC_normal_exit:
        e->falls = false;
        return;
    case OPC_bs_start: {
        each_operand(cb, in, note_operand, e);
        set_bit(e->def, reg_index(opnd(cb, in, 2) + 8));
        return;
    }
    case OPC_bs_get:
    case OPC_bs_skip:
    case OPC_bs_test_tail:
    case OPC_bs_test_unit: {
        Instr ctx = opnd(cb, in, 1);
        each_operand(cb, in, note_operand, e);
        set_bit(e->use, reg_index(ctx + 8));
        if (in->op == OPC_bs_get) set_bit(e->def, reg_index(ctx + 8));
        return;
    }
    case OPC_recv_wait:
        each_operand(cb, in, note_operand, e);
        e->kill_x = true;
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
    if (s.all || e->unknown) memset(out, 0xff, f->words * sizeof(Word));
}

/* An instruction with a fail label writes its destinations only when it falls through (a
 * failed map_get or recv_next leaves them alone): along the label they stay live. */
static void liveness(Fn *f, Eff *e, Word *out)
{
    memset(f->live_in, 0, (f->b - f->a) * f->words * sizeof(Word));
    Word *lab = xcalloc(f->words, sizeof(Word));
    bool changed = true;
    while (changed) {
        changed = false;
        for (size_t i = f->b; i-- > f->a;) {
            if (f->ins[i].dead) continue;
            effects(f, &f->ins[i], e);
            live_out(f, i, e, out);
            bool falls = e->falls;
            e->falls = false;
            live_out(f, i, e, lab);
            e->falls = falls;
            Word *in = f->live_in + (i - f->a) * f->words;
            for (size_t k = 0; k < f->words; k++) {
                Word w = (out[k] & ~e->def[k]) | (lab[k] & e->def[k]);
                size_t lo = k * 64;
                if (e->kill_x && lo < VM_X_REGS) w = 0;
                if (e->kill_y && lo >= VM_X_REGS) w = 0;
                w |= e->use[k];
                if (w != in[k]) {
                    in[k] = w;
                    changed = true;
                }
            }
        }
    }
    free(lab);
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
    case OPC_map_get:
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
    size_t rs = reg_index(s), rt = reg_index(t);
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
    size_t ry = reg_index(y);
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
                if (has_bit(e->def, reg_index(a)) || e->kill_x) return NO_REG;
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
                if (!has_bit(out, reg_index(t))) {
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
        /* 5: a move whose destination already holds its source's value. */
        if (!in->target && copy_holds(f, e, i, s, t)) {
            in->dead = true;
            changed = true;
            continue;
        }
        effects(f, in, e);
        live_out(f, i, e, out);
        /* 3: a move to a dead register. */
        if (!has_bit(out, reg_index(t))) {
            in->dead = true;
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
            if (has_bit(out, reg_index(t))) continue;
            sub.count = 0;
            each_operand(cb, nx, subst_source, &sub);
            in->dead = true;
            changed = true;
        }
    }
    return changed;
}

/* Functions with exception handlers (their edges are not modeled) are left alone. */
static bool fn_ok(const Fn *f)
{
    for (size_t i = f->a; i < f->b; i++) {
        switch ((VmOpcode)f->ins[i].op) {
        case OPC_try_: case OPC_try_end: case OPC_try_case: case OPC_catch_: case OPC_catch_end:
            return false;
        default: break;
        }
    }
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
        for (size_t y = 0; y < ymax; y++) {
            /* Not read by the wait itself (its timeout) nor after it. */
            if (!wr.w[y] || has_bit(out, VM_X_REGS + y) || has_bit(e->use, VM_X_REGS + y)) continue;
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

static void optimize_fn(Fn *f)
{
    if (f->b <= f->a || !fn_ok(f)) return;
    YMax ym = {0};
    for (size_t i = f->a; i < f->b; i++) {
        each_operand((CodeBuf *)f->cb, &f->ins[i], note_y, &ym);
        unsigned op = f->ins[i].op;
        if (op == OPC_func_clause) {
            size_t n = (size_t)opnd(f->cb, &f->ins[i], 0) + 1;
            if (n > ym.max) ym.max = n;
        }
    }
    f->nregs = VM_X_REGS + ym.max;
    f->words = (f->nregs + 63) / 64;
    f->live_in = xcalloc((f->b - f->a) * f->words, sizeof(Word));
    Eff e = {xcalloc(f->words, sizeof(Word)), xcalloc(f->words, sizeof(Word)), 0, 0, 0, 0};
    Word *out = xcalloc(f->words, sizeof(Word));
    for (int round = 0; round < 8; round++) {
        liveness(f, &e, out);
        if (!rewrite_pass(f, &e, out)) break;
    }
    liveness(f, &e, out);
    add_kills(f, &e, out, ym.max);
    if (lower_live_counts(f, &e, out)) liveness(f, &e, out);
    f->entry_defs = entry_slots_written(f);
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

typedef struct Walk { Fn *f; size_t *stack; size_t n; bool *seen; } Walk;
static void push_label(Instr *w, char kind, void *arg)
{
    Walk *wk = arg;
    if (kind != 'L' || *w == 0) return;
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

/* The forms that go straight on to the handler of the instruction after them (vm.h): that
 * instruction stays, so labels to it and the generic slow paths are unaffected. */
static void followed_by(CodeBuf *cb, Ins *ins, size_t n_ins, size_t i)
{
    Ins *in = &ins[i];
    size_t j = i + 1;
    while (j < n_ins && ins[j].dead) j++;
    if (j >= n_ins || ins[j].nkill) return; /* a wait's kills would come between them */
    const Ins *nx = &ins[j];
    const Instr *w = cb->w + nx->off + 1;
    unsigned op = in->op;
    if (op == OPC_allocate && (nx->op == OPC_move || nx->op == OPC_move_xy_op2c) &&
        vm_operand_is_reg(w[0]) && !(w[0] & 4) && (w[1] & 4))
        op = OPC_allocate_mxy;
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
            if (j < n_ins && ins[j].op == OPC_ret && !label && !ins[j].target && !ins[j].nkill) {
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

static void compact(CodeBuf *cb, Ins *ins, size_t n_ins)
{
    size_t *map = xcalloc(cb->n + 1, sizeof *map);
    size_t o = 0, extra = 0;
    for (size_t i = 0; i < n_ins; i++) extra += ins[i].dead ? 0 : 3 * (size_t)ins[i].nkill;
    size_t alloc = cb->n + extra + 1;
    Instr *w = xcalloc(alloc, sizeof *w);
    for (size_t i = 0; i < n_ins; i++) {
        for (unsigned k = 0; k < ins[i].len; k++) map[ins[i].off + k] = o;
        if (!ins[i].dead) {
            for (unsigned k = 0; k < ins[i].nkill; k++) {
                w[o++] = OPC_move;
                w[o++] = NIL;
                w[o++] = ins[i].kills[k];
            }
            memcpy(w + o, cb->w + ins[i].off, ins[i].len * sizeof *w);
            o += ins[i].len;
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
        ins[n_ins] = (Ins){off, (unsigned)cb->w[off], len, false, false, NULL, 0};
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
        Fn f = {ins, at[starts[k]], b, 0, 0, NULL, cb, at, false};
        optimize_fn(&f);
        compact_frame(&f);
        drop_entry(&f);
    }
    select_forms(cb, ins, n_ins);
    compact(cb, ins, n_ins);
    free(starts);
    free(at);
    free(ins);
}
