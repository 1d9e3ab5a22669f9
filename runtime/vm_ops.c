/*
 * vm_ops.c — the operations behind op1/op2, type tests and list helpers: Erlang's arithmetic
 * (integers of any size through bignum.h, floats), boolean operators, ++ and --.
 * Nothing here collects: results come from heap_halloc, and the VM checks afterwards whether
 * the fragments warrant a GC, as after a BIF.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "atom.h"
#include "bignum.h"
#include "bin.h"
#include "vm.h"

static Term badarith(Process *p) { return proc_raise(p, AM(error), AM(badarith)); }
static Term badarg(Process *p) { return proc_raise(p, AM(error), AM(badarg)); }

static bool num_to_double(Term t, double *d)
{
    if (term_is_float(t)) {
        *d = float_val(t);
        return true;
    }
    if (term_is_integer(t)) return int_to_double(t, d);
    return false;
}

static Term make_float(Process *p, double d)
{
    if (!isfinite(d)) return badarith(p);
    return float_at(heap_halloc(&p->heap, FLOAT_SIZE), d);
}

static Term int_result(Process *p, Term r, Term err)
{
    if (r == NONVALUE) return proc_raise(p, AM(error), err ? err : AM(badarith));
    return r;
}

static Term float_op(Process *p, VmOp op, Term a, Term b)
{
    double x, y;
    if (!num_to_double(a, &x) || !num_to_double(b, &y)) return badarith(p);
    switch (op) {
    case VOP_ADD: return make_float(p, x + y);
    case VOP_SUB: return make_float(p, x - y);
    case VOP_MUL: return make_float(p, x * y);
    case VOP_FDIV:
        if (y == 0.0) return badarith(p);
        return make_float(p, x / y);
    default: return badarith(p);
    }
}

Term vm_binop(Process *p, VmOp op, Term a, Term b)
{
    Heap *h = &p->heap;
    Term err = NONVALUE;
    switch (op) {
    case VOP_ADD:
        if (term_is_small(a) && term_is_small(b)) {
            Sint r = small_val(a) + small_val(b);
            if (small_fits(r)) return make_small(r);
        }
        if (term_is_integer(a) && term_is_integer(b)) return int_result(p, int_add(h, a, b, &err), err);
        return float_op(p, op, a, b);
    case VOP_SUB:
        if (term_is_small(a) && term_is_small(b)) {
            Sint r = small_val(a) - small_val(b);
            if (small_fits(r)) return make_small(r);
        }
        if (term_is_integer(a) && term_is_integer(b)) return int_result(p, int_sub(h, a, b, &err), err);
        return float_op(p, op, a, b);
    case VOP_MUL:
        if (term_is_integer(a) && term_is_integer(b)) return int_result(p, int_mul(h, a, b, &err), err);
        return float_op(p, op, a, b);
    case VOP_FDIV: return float_op(p, op, a, b);
    case VOP_IDIV:
        if (!term_is_integer(a) || !term_is_integer(b)) return badarith(p);
        return int_result(p, int_div(h, a, b, &err), err);
    case VOP_REM:
        if (!term_is_integer(a) || !term_is_integer(b)) return badarith(p);
        return int_result(p, int_rem(h, a, b, &err), err);
    case VOP_BAND:
    case VOP_BOR:
    case VOP_BXOR:
    case VOP_BSL:
    case VOP_BSR: {
        if (!term_is_integer(a) || !term_is_integer(b)) return badarith(p);
        Term r = op == VOP_BAND ? int_band(h, a, b, &err)
                 : op == VOP_BOR ? int_bor(h, a, b, &err)
                 : op == VOP_BXOR ? int_bxor(h, a, b, &err)
                 : op == VOP_BSL ? int_bsl(h, a, b, &err)
                                 : int_bsr(h, a, b, &err);
        return int_result(p, r, err);
    }
    case VOP_AND:
    case VOP_OR:
    case VOP_XOR: {
        bool ab = a == AM(true), bb = b == AM(true);
        if ((!ab && a != AM(false)) || (!bb && b != AM(false))) return badarg(p);
        bool r = op == VOP_AND ? (ab && bb) : op == VOP_OR ? (ab || bb) : (ab != bb);
        return r ? AM(true) : AM(false);
    }
    case VOP_APPEND: {
        if (a == NIL) return b;
        Sint n = 0;
        Term t = a;
        while (term_is_list(t)) {
            n++;
            t = list_tail(t);
        }
        if (t != NIL) return badarg(p);
        Term *hp = heap_halloc(h, 2 * (Uint)n);
        Term r = make_list(hp);
        t = a;
        for (Sint i = 0; i < n; i++) {
            hp[0] = list_head(t);
            t = list_tail(t);
            hp[1] = i + 1 < n ? make_list(hp + 2) : b;
            hp += 2;
        }
        return r;
    }
    case VOP_SUBTRACT: {
        Sint na = list_length(a), nb = list_length(b);
        if (na < 0 || nb < 0) return badarg(p);
        if (na == 0 || nb == 0) return a;
        /* Remove the first occurrence in a of each element of b. */
        bool *gone = calloc((size_t)na, sizeof *gone);
        if (!gone) abort();
        for (Term t = b; t != NIL; t = list_tail(t)) {
            Sint i = 0;
            for (Term u = a; u != NIL; u = list_tail(u), i++)
                if (!gone[i] && term_eq_exact(list_head(u), list_head(t))) {
                    gone[i] = true;
                    break;
                }
        }
        Sint keep = 0;
        for (Sint i = 0; i < na; i++) keep += !gone[i];
        Term *hp = heap_halloc(h, 2 * (Uint)keep);
        Term r = NIL, *last = &r;
        Sint i = 0;
        for (Term u = a; u != NIL; u = list_tail(u), i++) {
            if (gone[i]) continue;
            hp[0] = list_head(u);
            hp[1] = NIL;
            *last = make_list(hp);
            last = &hp[1];
            hp += 2;
        }
        free(gone);
        return r;
    }
    default: return badarith(p);
    }
}

Term vm_unop(Process *p, VmOp op, Term a)
{
    Term err = NONVALUE;
    switch (op) {
    case VOP_NEG:
        if (term_is_small(a)) {
            Sint r = -small_val(a);
            if (small_fits(r)) return make_small(r);
        }
        if (term_is_integer(a)) return int_result(p, int_neg(&p->heap, a, &err), err);
        if (term_is_float(a)) return make_float(p, -float_val(a));
        return badarith(p);
    case VOP_PLUS:
        if (term_is_number(a)) return a;
        return badarith(p);
    case VOP_BNOT:
        if (!term_is_integer(a)) return badarith(p);
        return int_result(p, int_bnot(&p->heap, a, &err), err);
    case VOP_BS_CONCAT: {
        /* A binary comprehension's pieces, in order, into one bitstring. */
        Uint total = 0;
        for (Term t = a; term_is_list(t); t = list_tail(t)) {
            BinView v;
            if (!bin_view(list_head(t), &v)) return badarg(p);
            total += v.bit_size;
        }
        unsigned char *data;
        Term bin = bin_new_uninit(&p->heap, (total + 7) / 8, &data);
        memset(data, 0, (total + 7) / 8);
        Uint off = 0;
        for (Term t = a; term_is_list(t); t = list_tail(t)) {
            BinView v;
            bin_view(list_head(t), &v);
            bin_copy_bits(v.base, v.bit_offset, data, off, v.bit_size);
            off += v.bit_size;
        }
        if (total % 8) return bin_extract(&p->heap, bin, 0, total);
        return bin;
    }
    case VOP_NOT:
        if (a == AM(true)) return AM(false);
        if (a == AM(false)) return AM(true);
        return badarg(p);
    default: return badarith(p);
    }
}

bool vm_type_test(VmTest t, Term v)
{
    switch (t) {
    case VT_INTEGER: return term_is_integer(v);
    case VT_FLOAT: return term_is_float(v);
    case VT_NUMBER: return term_is_number(v);
    case VT_ATOM: return term_is_atom(v);
    case VT_BOOLEAN: return v == AM(true) || v == AM(false);
    case VT_LIST: return term_is_list(v) || v == NIL;
    case VT_TUPLE: return term_is_tuple(v);
    case VT_BINARY: {
        BinView bv;
        return bin_view(v, &bv) && bv.bit_size % 8 == 0;
    }
    case VT_BITSTRING: return term_is_binary_any(v);
    case VT_PID: return term_is_pid(v);
    case VT_PORT: return term_is_port(v);
    case VT_REFERENCE: return term_is_ref(v);
    case VT_FUNCTION: return term_is_fun(v);
    case VT_MAP: return term_is_map(v);
    case VT_TRUE: return v == AM(true);
    default: return false;
    }
}

Term vm_reverse(Heap *h, Term list)
{
    Sint n = list_length(list);
    if (n <= 0) return list;
    Term *hp = heap_halloc(h, 2 * (Uint)n);
    Term r = NIL;
    for (Term t = list; t != NIL; t = list_tail(t)) {
        r = cons_at(hp, list_head(t), r);
        hp += 2;
    }
    return r;
}
