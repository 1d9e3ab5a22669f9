/*
 * vm.c — the interpreter: threaded dispatch over code loaded by code.c (see vm.h).
 *
 * May-GC points: allocate, test_heap, the check after each BIF or allocating operation
 * (after_bif), and the stack check before pushing a return address. Everything else works on
 * raw terms. Exceptions set p->exc, build the stacktrace, and unwind to the nearest catch tag on
 * the stack (handle_error); with none, the process crashes.
 */
#include "vm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "atom.h"
#include "bignum.h"
#include "bin.h"
#include "code.h"
#include "dict.h"
#include "gc.h"
#include "map.h"
#include "ptab.h"
#include "rtimer.h"
#include "runtime.h"
#include "procsig.h"
#include "recvscan.h"
#include "strbuf.h"

static _Thread_local Term vm_xregs[VM_X_REGS];

/* Signals a receive takes from the in-transit queue per look. */
#define RECV_FETCH 64

const char *const vm_opcode_kinds[OPC_COUNT] = {
#define VM_OP_KIND(name, kinds) kinds,
    VM_OPCODES(VM_OP_KIND)
#undef VM_OP_KIND
};
const char *const vm_opcode_names[OPC_COUNT] = {
#define VM_OP_NAME(name, kinds) #name,
    VM_OPCODES(VM_OP_NAME)
#undef VM_OP_NAME
};

/* ---- catch labels ------------------------------------------------------------------------ */

/* The table never moves (chunks allocated once, under the code lock that loading holds), so
 * the VM reads it without a lock: a tag is published in loaded code only after its slot is
 * written. */
#define CATCH_CHUNK 4096
#define CATCH_CHUNKS 4096
static const Instr **catch_chunks[CATCH_CHUNKS];
static unsigned n_catch;

unsigned vm_catch_register(const Instr *target)
{
    unsigned c = n_catch / CATCH_CHUNK;
    if (c >= CATCH_CHUNKS) abort(); /* 16M catch labels */
    if (!catch_chunks[c]) {
        catch_chunks[c] = calloc(CATCH_CHUNK, sizeof *catch_chunks[c]);
        if (!catch_chunks[c]) abort();
    }
    catch_chunks[c][n_catch % CATCH_CHUNK] = target;
    return n_catch++;
}

static const Instr *catch_target(unsigned i) { return catch_chunks[i / CATCH_CHUNK][i % CATCH_CHUNK]; }

/* ---- GC roots -------------------------------------------------------------------------- */

/* The roots outside the block: queued messages whose data is on the heap and the process
 * dictionary's slots. */
static void each_root(void *ctx, GcVisitFn fn, void *arg)
{
    Process *p = ctx;
    mailbox_each_root(&p->mailbox, fn, arg);
    dict_each_root(p->dict, fn, arg);
}

static Uint move_queue_data(void *ctx, Heap *h, const GcRoots *roots)
{
    Process *p = ctx;
    return mailbox_move_data_to_heap(&p->mailbox, h, roots->xregs, roots->live);
}

static void queue_data(void *ctx, GcAreaFn fn, void *arg)
{
    mailbox_each_data(&((Process *)ctx)->mailbox, fn, arg);
}

void vm_gc_roots(Process *p, GcRoots *r, Term *xregs, unsigned live)
{
    r->xregs = xregs;
    r->live = live;
    r->each_extra = each_root;
    r->ctx = p;
    /* With an on_heap queue the attached data of queued messages is young data (mailbox.h). */
    r->extra_words = mailbox_is_off_heap(&p->mailbox) ? 0 : mailbox_onheap_data_words(&p->mailbox);
    r->move_extra = move_queue_data;
    r->foreign_words = mailbox_all_data_words(&p->mailbox);
    r->each_foreign = queue_data;
}

static __attribute__((noinline)) void gc_live_slow(Process *p, unsigned live, Uint need)
{
    GcRoots r;
    vm_gc_roots(p, &r, vm_xregs, live);
    heap_reserve_maybe_gc(&p->heap, need, &r);
}

/* heap_reserve_maybe_gc's triggers (gc.h sentence 9) other than the free space: a forced GC,
 * the binary vheap over its limit, fragments, stress; and a max_heap_size report pending.
 * None of them changes but in a call out of the loop (a BIF, an operator, a collection), and
 * every handler that calls out ends with NEXT(), which sets the loop's gc_pending: the next
 * allocate or test_heap (GC_CHECK) tests them all, as before, and clears gc_pending if none
 * holds (or none can start to hold as the free space shrinks: no fragments); until the next
 * call out, the others test the free space only, where they loaded five fields each time. */
static inline bool gc_other(const Heap *h)
{
    return (h->flags & (HEAP_FORCE_GC | HEAP_MAX_REACHED)) || h->off_heap.overhead > h->bin_vheap_sz ||
           h->mbuf_sz != 0 || heap_gc_stress;
}

/* The triggers themselves (the free space included), as heap_reserve_maybe_gc tests them. */
static inline bool gc_due(const Heap *h, Uint need)
{
    Uint free_words = heap_free_words(h);
    return free_words < need + S_REDZONE || (h->flags & (HEAP_FORCE_GC | HEAP_MAX_REACHED)) ||
           h->off_heap.overhead > h->bin_vheap_sz || h->mbuf_sz > free_words || heap_gc_stress;
}

/* OTP's erts_gc_after_bif_call's collection, when forced or when the fragments outgrow the
 * free space; the result is a root. end: the address after the instruction (every caller has
 * moved ip past it), whose Live code.c may hold. Out of line: the check below is inlined in
 * every handler that calls out. */
static __attribute__((noinline)) Term after_bif_gc(Process *p, unsigned live, const Instr *end, Term r)
{
    Heap *h = &p->heap;
    /* live: the X slots of a leaf function (0 in a frame function), or the registers the
     * instruction's Live names (OTP's gc_bif Live: a call's result waiting in x0); r goes
     * above them. */
    unsigned g = code_gc_live(end);
    if (g > live) live = g;
    vm_xregs[live] = r;
    GcRoots roots;
    vm_gc_roots(p, &roots, vm_xregs, live + 1);
    gc_collect(h, 0, &roots, (h->flags & HEAP_NEED_FULLSWEEP) != 0,
               (h->flags & HEAP_FORCE_GC) ? GC_REASON_EXPLICIT : GC_REASON_FRAGMENTS, NULL);
    return vm_xregs[live];
}

static inline Term after_bif(Process *p, unsigned live, const Instr *end, Term r)
{
    const Heap *h = &p->heap;
    if (__builtin_expect((h->flags & HEAP_FORCE_GC) || h->mbuf_sz > heap_free_words(h), 0))
        return after_bif_gc(p, live, end, r);
    return r;
}

/* ---- stacktraces --------------------------------------------------------------------------- */

static Term mk_tuple(Heap *h, unsigned n, const Term *el)
{
    Term *hp = heap_halloc(h, n + 1);
    hp[0] = make_tuple_header(n);
    memcpy(hp + 1, el, n * sizeof *el);
    return make_boxed(hp);
}

static Term mk_string(Heap *h, const char *s)
{
    size_t n = strlen(s);
    Term *hp = heap_halloc(h, 2 * n);
    Term r = NIL;
    for (size_t i = n; i-- > 0;) r = cons_at(hp + 2 * i, make_small((unsigned char)s[i]), r);
    return r;
}

static Term mk_list(Heap *h, const Term *el, unsigned n)
{
    Term *hp = heap_halloc(h, 2 * (Uint)n);
    Term r = NIL;
    for (unsigned i = n; i-- > 0;) r = cons_at(hp + 2 * i, el[i], r);
    return r;
}

/* extra: one more item after the line (a binary construction's error_info), or NONVALUE. Code
 * without line information (module_info) has no location at all: [] as in OTP. */
static Term location_x(Heap *h, Module *m, int line, Term extra)
{
    if (line <= 0) return extra == NONVALUE ? NIL : mk_list(h, &extra, 1);
    Term file_t[2] = {atom_put("file", 4), mk_string(h, m->file)};
    Term line_t[2] = {atom_put("line", 4), make_small(line)};
    Term items[3] = {mk_tuple(h, 2, file_t), mk_tuple(h, 2, line_t), extra};
    return mk_list(h, items, 2 + (extra != NONVALUE));
}

static Term location(Heap *h, Module *m, int line) { return location_x(h, m, line, NONVALUE); }

static Term error_info(Heap *h)
{
    Term k = atom_put("module", 6), v = atom_put("erl_erts_errors", 15);
    Term m = map_from_arrays(h, &k, &v, 1);
    Term t[2] = {atom_put("error_info", 10), m};
    Term e = mk_tuple(h, 2, t);
    return mk_list(h, &e, 1);
}

#define BACKTRACE_DEPTH 8

/* Frames: an optional first frame {M, F, Args, Loc} (bif_mfa[0] != NONVALUE), the function at
 * ip (unless skip_current), then one frame per return address on the stack. */
static Term build_stacktrace(Process *p, const Instr *ip, Term bif_mfa[3], const Term *args,
                             unsigned nargs, Term first_loc, bool skip_current, Term cur_args,
                             Term cur_info)
{
    Heap *h = &p->heap;
    Term frames[BACKTRACE_DEPTH + 2];
    unsigned n = 0;
    if (bif_mfa && bif_mfa[0] != NONVALUE) {
        Term al = mk_list(h, args, nargs);
        Term t[4] = {bif_mfa[0], bif_mfa[1], al, first_loc};
        frames[n++] = mk_tuple(h, 4, t);
    }
    Module *m;
    const CodeFunc *fn;
    int line;
    if (!skip_current && ip && code_lookup(ip - 1, &m, &fn, &line)) {
        Term t[4] = {m->name, fn->name, cur_args != NONVALUE ? cur_args : make_small(fn->arity),
                     location_x(h, m, line, cur_info)};
        frames[n++] = mk_tuple(h, 4, t);
    }
    const Instr *prev = NULL;
    for (Term *s = h->stop; s < h->hend && n < BACKTRACE_DEPTH; s++) {
        if (!term_is_header(*s) || *s == 0) continue;
        const Instr *cp = (const Instr *)(uintptr_t)*s;
        /* OTP records a return address only when it differs from the previous one. */
        if (cp == prev) continue;
        prev = cp;
        if (cp == code_normal_exit()) {
            if (!(p->flags & PROC_BOOT)) break; /* a spawned process: its own frames only */
            Term t1[4] = {atom_put("init", 4), atom_put("start_em", 8), make_small(1), NIL};
            frames[n++] = mk_tuple(h, 4, t1);
            if (n < BACKTRACE_DEPTH) {
                Term t2[4] = {atom_put("init", 4), atom_put("do_boot", 7), make_small(3), NIL};
                frames[n++] = mk_tuple(h, 4, t2);
            }
            break;
        }
        if (code_lookup(cp - 1, &m, &fn, &line)) {
            Term t[4] = {m->name, fn->name, make_small(fn->arity), location(h, m, line)};
            frames[n++] = mk_tuple(h, 4, t);
        }
    }
    return mk_list(h, frames, n);
}

Term vm_build_stacktrace(Process *p, const Instr *ip, const Term *bif_args, Term bif_mfa[3])
{
    unsigned n = bif_mfa ? (unsigned)small_val(bif_mfa[2]) : 0;
    return build_stacktrace(p, ip, bif_mfa, bif_args, n, error_info(&p->heap), false, NONVALUE,
                            NONVALUE);
}

static const char *const op_names[VOP_COUNT] = {
    "+", "-", "*", "/", "div", "rem", "band", "bor", "bxor", "bsl", "bsr", "-", "+", "bnot",
    "not", "and", "or", "xor", "++", "--", "bs_concat"};

/* ---- the interpreter ------------------------------------------------------------------------ */

static const void *const *opcode_addrs;
static Instr normal_exit_code[2];

const Instr *code_normal_exit(void)
{
    vm_opcode_addrs();
    return normal_exit_code;
}

const void *const *vm_opcode_addrs(void)
{
    if (!opcode_addrs) vm_run(NULL);
    return opcode_addrs;
}

static void save_args(Process *p, const Instr *target, unsigned arity)
{
    p->ip = target;
    p->arity = arity;
    Term *dst = p->arg_reg;
    if (arity > PROC_DEF_ARG_REGS) {
        free(p->extra_arg_reg);
        p->extra_arg_reg = malloc(arity * sizeof(Term));
        if (!p->extra_arg_reg) abort();
        dst = p->extra_arg_reg;
    }
    memcpy(dst, vm_xregs, arity * sizeof(Term));
}

/* What an export calls: its code, or else its BIF (*bif), loading the module on first use. */
static inline const Instr *resolve_export(Export *e, const BifDef **bif)
{
    const Instr *code = code_export_code(e);
    *bif = code ? NULL : code_export_bif(e);
    if (code || *bif) return code;
    code_resolve(e);
    *bif = code_export_bif(e);
    return code_export_code(e);
}

static bool list_to_args(Term l, Term *x, unsigned *n)
{
    unsigned i = 0;
    while (term_is_list(l)) {
        if (i >= VM_X_REGS - 2) return false;
        x[i++] = list_head(l);
        l = list_tail(l);
    }
    if (l != NIL) return false;
    *n = i;
    return true;
}

static unsigned bs_utf8_len(Sint c) { return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4; }

/* A Unicode scalar value (what utf8, utf16 and utf32 segments take). */
static bool bs_code_point(Term v)
{
    return term_is_small(v) && small_val(v) >= 0 && small_val(v) <= 0x10FFFF &&
           !(small_val(v) >= 0xD800 && small_val(v) <= 0xDFFF);
}

/* Builds a bitstring from 5-word segments; NONVALUE (badarg) when a segment is bad. */
static Term bs_build(Process *p, const Instr *w, unsigned nw, const Term *y, const Term *x)
{
#define BSRC(v) (((v) & 3) ? (Term)(v) : ((v) & 4) ? y[(v) >> 3] : x[(v) >> 3])
    Uint total = 0;
    for (unsigned i = 0; i < nw; i += 5) {
        int type = (int)small_val((Term)w[i]);
        Term v = BSRC(w[i + 2]), sz = BSRC(w[i + 3]);
        Sint unit = small_val((Term)w[i + 4]);
        switch (type) {
        case VBS_INTEGER:
        case VBS_FLOAT:
            if (!term_is_small(sz) || small_val(sz) < 0 || small_val(sz) > ((Sint)1 << 32)) return NONVALUE;
            if (type == VBS_INTEGER ? !term_is_integer(v) : !term_is_number(v)) return NONVALUE;
            if (type == VBS_FLOAT) {
                Sint b = small_val(sz) * unit;
                double d;
                if (b != 16 && b != 32 && b != 64) return NONVALUE;
                if (!term_is_float(v) && (!int_to_double(v, &d) || isinf(d))) return NONVALUE;
            }
            total += (Uint)(small_val(sz) * unit);
            break;
        case VBS_BINARY:
        case VBS_BITSTRING: {
            BinView bv;
            if (!bin_view(v, &bv)) return NONVALUE;
            if (sz == AM(undefined)) {
                if (type == VBS_BINARY && bv.bit_size % 8) return NONVALUE;
                total += bv.bit_size;
            } else {
                if (!term_is_small(sz) || small_val(sz) < 0 || small_val(sz) > ((Sint)1 << 40)) return NONVALUE;
                Uint b = (Uint)(small_val(sz) * unit);
                if (b > bv.bit_size) return NONVALUE;
                total += b;
            }
            break;
        }
        case VBS_UTF8:
            if (!bs_code_point(v)) return NONVALUE;
            total += 8 * bs_utf8_len(small_val(v));
            break;
        case VBS_UTF16:
            if (!bs_code_point(v)) return NONVALUE;
            total += small_val(v) >= 0x10000 ? 32 : 16;
            break;
        case VBS_UTF32:
            if (!bs_code_point(v)) return NONVALUE;
            total += 32;
            break;
        default: return NONVALUE;
        }
    }
    unsigned char *data;
    Uint bytes = (total + 7) / 8;
    Term bin = bin_new_uninit(&p->heap, bytes, &data);
    memset(data, 0, bytes);
    Uint off = 0;
    for (unsigned i = 0; i < nw; i += 5) {
        int type = (int)small_val((Term)w[i]);
        unsigned flags = (unsigned)small_val((Term)w[i + 1]);
        Term v = BSRC(w[i + 2]), sz = BSRC(w[i + 3]);
        Sint unit = small_val((Term)w[i + 4]);
        switch (type) {
        case VBS_INTEGER: {
            Uint b = (Uint)(small_val(sz) * unit);
            bin_put_integer(v, b, flags, data, off);
            off += b;
            break;
        }
        case VBS_FLOAT: {
            Uint b = (Uint)(small_val(sz) * unit);
            double d;
            if (term_is_float(v)) d = float_val(v);
            else int_to_double(v, &d);
            bin_put_float(d, b, flags, data, off);
            off += b;
            break;
        }
        case VBS_BINARY:
        case VBS_BITSTRING: {
            BinView bv;
            bin_view(v, &bv);
            Uint b = sz == AM(undefined) ? bv.bit_size : (Uint)(small_val(sz) * unit);
            bin_copy_bits(bv.base, bv.bit_offset, data, off, b);
            off += b;
            break;
        }
        case VBS_UTF8: {
            Sint c = small_val(v);
            unsigned char u[4];
            unsigned n = (unsigned)utf8_encode((uint32_t)c, u); /* c was checked */
            bin_copy_bits(u, 0, data, off, 8 * n);
            off += 8 * n;
            break;
        }
        case VBS_UTF16: {
            /* One 16-bit unit, or a surrogate pair; each unit in the segment's byte order. */
            Sint c = small_val(v);
            if (c >= 0x10000) {
                c -= 0x10000;
                bin_put_integer(make_small(0xD800 | (c >> 10)), 16, flags, data, off);
                off += 16;
                c = 0xDC00 | (c & 0x3FF);
            }
            bin_put_integer(make_small(c), 16, flags, data, off);
            off += 16;
            break;
        }
        case VBS_UTF32:
            bin_put_integer(v, 32, flags, data, off);
            off += 32;
            break;
        }
    }
    if (total % 8) return bin_extract(&p->heap, bin, 0, total);
    return bin;
#undef BSRC
}

/* OTP 25's error_info for a failed binary construction: {error_info, #{cause => {Segment, Type,
 * What, Value}, function => format_bs_fail, module => erl_erts_errors}}, the cause of the
 * first bad segment in the order OTP 25's bs_create_bin checks them: first the sizes, left to
 * right, of the segments whose size is not a literal (a whole binary's type, a variable size,
 * a utf32 code point); then the append (a first segment that is a whole binary in a register:
 * OTP's compiler makes <<X/binary, ...>> an append to X, checked after the sizes); then each
 * segment as it is written, left to right (a binary's unit or length, an integer's, a float's,
 * a utf8/16 value). Segment counts the source's segments (the compiler puts it in the flags
 * word above bit 8; 0: no error_info, NONVALUE). *limit: the size is beyond what can be built
 * (system_limit). */
static Term bs_error_info(Heap *h, const Instr *w, unsigned nw, const Term *y, const Term *x, bool *limit)
{
#define BSRC(v) (((v) & 3) ? (Term)(v) : ((v) & 4) ? y[(v) >> 3] : x[(v) >> 3])
    static const char *const types[] = {[VBS_INTEGER] = "integer", [VBS_FLOAT] = "float",
                                        [VBS_BINARY] = "binary", [VBS_BITSTRING] = "binary",
                                        [VBS_UTF8] = "utf8", [VBS_UTF16] = "utf16",
                                        [VBS_UTF32] = "utf32"};
    Term cause[4] = {NONVALUE};
    *limit = false;
    int type0 = nw >= 5 ? (int)small_val((Term)w[0]) : -1;
    bool append = (type0 == VBS_BINARY || type0 == VBS_BITSTRING) && (Term)w[3] == AM(undefined) &&
                  (w[2] & 3) == 0;
    for (int pass = 0; pass < 3 && cause[0] == NONVALUE; pass++) {
        for (unsigned i = 0; i < nw && cause[0] == NONVALUE; i += 5) {
            int type = (int)small_val((Term)w[i]);
            Sint seg = small_val((Term)w[i + 1]) >> 8;
            Term v = BSRC(w[i + 2]), sz = BSRC(w[i + 3]);
            Sint unit = small_val((Term)w[i + 4]);
            bool whole = sz == AM(undefined), lit_size = (w[i + 3] & 3) != 0;
            bool is_bin = type == VBS_BINARY || type == VBS_BITSTRING;
            const char *what = NULL;
            Term val = v;
            bool sized = term_is_small(sz) && small_val(sz) >= 0;
            if ((pass == 1) != (append && i == 0)) continue;
            if (pass == 0 && (type == VBS_INTEGER || type == VBS_FLOAT)) {
                /* A size that is too large (a positive bignum too) is a system_limit. */
                bool huge = sized ? small_val(sz) > ((Sint)1 << 32) : term_is_big(sz) && !big_is_neg(sz);
                if (!sized || huge) what = "size", val = sz;
                *limit = huge;
            } else if (pass == 0 && is_bin) {
                BinView bv;
                if (whole) {
                    if (!bin_view(v, &bv)) what = "type";
                } else if (!lit_size && (!sized || small_val(sz) > ((Sint)1 << 40))) {
                    what = "size", val = sz;
                }
            } else if (pass == 0 && type == VBS_UTF32) {
                if (!bs_code_point(v)) what = "type";
            } else if (pass == 1) {
                BinView bv;
                if (!bin_view(v, &bv)) what = "type";
                else if (type == VBS_BINARY && bv.bit_size % 8) what = "unit";
            } else if (pass == 2 && is_bin) {
                BinView bv;
                if (!bin_view(v, &bv)) what = "type";
                else if (whole) {
                    if (type == VBS_BINARY && bv.bit_size % 8) what = "unit";
                } else if (!sized || small_val(sz) > ((Sint)1 << 40)) what = "size", val = sz;
                else if ((Uint)(small_val(sz) * unit) > bv.bit_size) what = "short";
            } else if (pass == 2 && type == VBS_INTEGER) {
                if (!term_is_integer(v)) what = "type";
            } else if (pass == 2 && type == VBS_FLOAT) {
                Sint b = small_val(sz) * unit;
                double d;
                if (b != 16 && b != 32 && b != 64) what = "invalid", val = make_small(b);
                else if (!term_is_number(v)) what = "type";
                else if (!term_is_float(v) && (!int_to_double(v, &d) || isinf(d))) what = "no_float";
            } else if (pass == 2 && (type == VBS_UTF8 || type == VBS_UTF16)) {
                if (!bs_code_point(v)) what = "type";
            }
            if (!what) continue;
            if (!seg) return NONVALUE; /* a binary comprehension's: OTP gives no cause */
            cause[0] = make_small(seg);
            cause[1] = atom_put(types[type], strlen(types[type]));
            cause[2] = atom_put(what, strlen(what));
            cause[3] = val;
        }
    }
    if (cause[0] == NONVALUE) return NONVALUE;
    Term k[3] = {atom_put("cause", 5), atom_put("function", 8), atom_put("module", 6)};
    Term v[3] = {mk_tuple(h, 4, cause), atom_put("format_bs_fail", 14), atom_put("erl_erts_errors", 15)};
    Term t[2] = {atom_put("error_info", 10), map_from_arrays(h, k, v, 3)};
    return mk_tuple(h, 2, t);
#undef BSRC
}

Term vm_bs_build_const(Process *p, const Instr *w, unsigned nw)
{
    return bs_build(p, w, nw, NULL, NULL);
}

/* Reads one segment from a match context (binary, bit offset). NONVALUE: no match. */
static Term bs_get(Process *p, Term bin, Uint *offp, int type, unsigned flags, Term sz, Sint unit)
{
    BinView bv;
    if (!bin_view(bin, &bv)) return NONVALUE;
    Uint off = *offp, rest = bv.bit_size - off;
    Uint bits;
    if (type == VBS_UTF8) {
        if (rest < 8) return NONVALUE;
        unsigned char u[4];
        bin_copy_bits(bv.base, bv.bit_offset + off, u, 0, 8);
        unsigned n = u[0] < 0x80 ? 1 : (u[0] & 0xE0) == 0xC0 ? 2 : (u[0] & 0xF0) == 0xE0 ? 3
                   : (u[0] & 0xF8) == 0xF0 ? 4 : 0;
        if (!n || rest < 8 * n) return NONVALUE;
        bin_copy_bits(bv.base, bv.bit_offset + off, u, 0, 8 * n);
        Sint c = n == 1 ? u[0] : n == 2 ? (u[0] & 0x1F) : n == 3 ? (u[0] & 0x0F) : (u[0] & 0x07);
        for (unsigned i = 1; i < n; i++) {
            if ((u[i] & 0xC0) != 0x80) return NONVALUE;
            c = c << 6 | (u[i] & 0x3F);
        }
        if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return NONVALUE;
        *offp = off + 8 * n;
        return make_small(c);
    }
    if (type == VBS_UTF16) {
        if (rest < 16) return NONVALUE;
        Sint c = small_val(bin_get_integer(&p->heap, bv.base, bv.bit_offset + off, 16, flags & BIN_LITTLE));
        Uint used = 16;
        if (c >= 0xDC00 && c <= 0xDFFF) return NONVALUE;
        if (c >= 0xD800 && c <= 0xDBFF) {
            if (rest < 32) return NONVALUE;
            Sint lo = small_val(bin_get_integer(&p->heap, bv.base, bv.bit_offset + off + 16, 16,
                                                flags & BIN_LITTLE));
            if (lo < 0xDC00 || lo > 0xDFFF) return NONVALUE;
            c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
            used = 32;
        }
        *offp = off + used;
        return make_small(c);
    }
    if (type == VBS_UTF32) {
        if (rest < 32) return NONVALUE;
        Term c = bin_get_integer(&p->heap, bv.base, bv.bit_offset + off, 32, flags & BIN_LITTLE);
        if (!bs_code_point(c)) return NONVALUE;
        *offp = off + 32;
        return c;
    }
    if (sz == AM(undefined)) {
        if (type != VBS_BINARY && type != VBS_BITSTRING) return NONVALUE;
        bits = rest;
        if (type == VBS_BINARY && bits % 8) return NONVALUE;
    } else {
        if (!term_is_small(sz) || small_val(sz) < 0 || small_val(sz) > ((Sint)1 << 40)) return NONVALUE;
        bits = (Uint)(small_val(sz) * unit);
    }
    if (bits > rest) return NONVALUE;
    Term r;
    switch (type) {
    case VBS_INTEGER:
        r = bin_get_integer(&p->heap, bv.base, bv.bit_offset + off, bits, flags);
        break;
    case VBS_FLOAT: {
        double d;
        if (bits != 16 && bits != 32 && bits != 64) return NONVALUE;
        if (!bin_get_float(bv.base, bv.bit_offset + off, bits, flags, &d)) return NONVALUE;
        r = float_at(heap_halloc(&p->heap, FLOAT_SIZE), d);
        break;
    }
    default: r = bin_extract(&p->heap, bin, off, bits); break;
    }
    if (r == NONVALUE) return NONVALUE;
    *offp = off + bits;
    return r;
}

VmStatus vm_run(Process *p)
{
#define VM_OP_LABEL(name, kinds) &&L_##name,
    static const void *const labels[] = {VM_OPCODES(VM_OP_LABEL)};
#undef VM_OP_LABEL
    if (!p) {
        opcode_addrs = labels;
        normal_exit_code[0] = (Instr)labels[OPC_normal_exit];
        return VM_DONE;
    }
    Term *x = vm_xregs;
    Heap *h = &p->heap;
    const Instr *ip = p->ip;
    /* Exception being raised: for BIF errors, the BIF's {M, F, Arity} and its arguments. */
    Term bif_mfa[3];
    const Term *bif_args = NULL;
    Term first_loc = NIL;
    bool skip_current = false;
    Term cur_info = NONVALUE; /* an error_info item for the current frame's location */
    {
        const Term *src = p->arity > PROC_DEF_ARG_REGS ? p->extra_arg_reg : p->arg_reg;
        memcpy(x, src, p->arity * sizeof(Term));
    }
    p->reds_left = PROC_CONTEXT_REDS;

#define Y (h->stop)
#define SRC(w) ((((Instr)(w)) & 3) ? (Term)(w) : (((Instr)(w)) & 4) ? Y[((Instr)(w)) >> 3] : x[((Instr)(w)) >> 3])
#define SET(w, v)                                               \
    do {                                                        \
        Instr w_ = (w);                                         \
        Term v_ = (v);                                          \
        if (w_ & 4) Y[w_ >> 3] = v_;                            \
        else x[w_ >> 3] = v_;                                   \
    } while (0)
/* The stack pointer is cached in sp: h->stop stays the truth (every write goes to both), and
 * the hot handlers read sp instead of loading h->stop again, which kept the stack pointer's
 * updates (allocate, call, ret) in a chain of stores and reloads through memory. A handler
 * that calls out (a GC may move the stack) or writes h->stop alone ends with NEXT(), which
 * reloads sp; the hot handlers end with NEXTF() and keep the two equal themselves. */
#define NEXT()                                                  \
    do {                                                        \
        sp = h->stop;                                           \
        gc_pending = true;                                      \
        goto *(const void *)(*ip++);                            \
    } while (0)
#define NEXTF() goto *(const void *)(*ip++)
#define SRCF(w) ((((Instr)(w)) & 3) ? (Term)(w) : (((Instr)(w)) & 4) ? sp[((Instr)(w)) >> 3] : x[((Instr)(w)) >> 3])
#define SETF(w, v)                                              \
    do {                                                        \
        Instr w_ = (w);                                         \
        Term v_ = (v);                                          \
        if (w_ & 4) sp[w_ >> 3] = v_;                           \
        else x[w_ >> 3] = v_;                                   \
    } while (0)
#define REDS(target, arity)                                     \
    do {                                                        \
        if (--p->reds_left <= 0) {                              \
            p->reductions += PROC_CONTEXT_REDS;                 \
            save_args(p, (target), (arity));                    \
            return VM_YIELD;                                    \
        }                                                       \
    } while (0)
#define PUSH_CP(cp)                                             \
    do {                                                        \
        sp = h->stop;                                           \
        if (sp <= h->htop) {                                    \
            GC_CHECK(live_args, 1);                             \
            sp = h->stop;                                       \
        }                                                       \
        *--sp = (Term)(uintptr_t)(cp);                          \
        h->stop = sp;                                           \
    } while (0)
/* max_heap_size tripped in a GC (gc.h): report it, and with kill end the process now (the
 * collection did not run, so nothing may allocate). */
#define MAX_HEAP_CHECK()                                        \
    do {                                                        \
        if (rt_max_heap_reached(p)) {                           \
            p->ip = ip;                                         \
            p->arity = 0;                                       \
            return VM_CRASHED;                                  \
        }                                                       \
    } while (0)
/* Makes need words free (with S_REDZONE), collecting with x0..live-1 as roots if a trigger
 * holds; then reports max_heap_size if a collection tripped it. */
#define GC_CHECK(live, need)                                                                 \
    do {                                                                                     \
        if (__builtin_expect(gc_pending || heap_free_words(h) < (Uint)(need) + S_REDZONE, 0)) { \
            if (gc_due(h, (need))) {                                                         \
                gc_live_slow(p, (live), (need));                                             \
                if (h->flags & HEAP_MAX_REACHED) MAX_HEAP_CHECK();                           \
            }                                                                                \
            gc_pending = gc_other(h);                                                        \
        }                                                                                    \
    } while (0)
#define RAISE(cls, rsn)                                         \
    do {                                                        \
        proc_raise(p, (cls), (rsn));                            \
        goto handle_error;                                      \
    } while (0)

    unsigned live_args = 0;
    unsigned leaf_live = p->leaf_live; /* X slots of the running leaf function: GC roots at after_bif */
    p->leaf_live = 0;
    /* The register the last recv_next filled: dead once that message was skipped, and it
     * points into the message's fragment, so recv_wait clears it before saving registers. */
    Instr recv_reg = vm_x(VM_X_REGS - 1);
    unsigned c_arity = 0, c_skip = 0;
    bool c_tail = false;
    Uint c_dealloc = 0;
    Term c_fun = NIL, c_mod = NIL, c_name = NIL;
    Term *sp;
    bool gc_pending;
    NEXT();

    /* Code after allocate runs in a frame: no X register is a root at a BIF's return (a
     * clause head ran frameless before it, with its own count: lang/compile.c). */
#define ALLOCATE()                                                          \
    do {                                                                    \
        Uint n_ = ip[0];                                                    \
        unsigned live_ = (unsigned)ip[1];                                   \
        ip += 2;                                                            \
        GC_CHECK(live_, n_);                                                \
        sp = h->stop - n_;                                                  \
        h->stop = sp;                                                       \
        if (n_ <= 2) { /* the commonest frames without a loop */           \
            if (n_ == 2) sp[1] = NIL;                                       \
            if (n_ >= 1) sp[0] = NIL;                                       \
        } else {                                                            \
            for (Uint i_ = 0; i_ < n_; i_++) sp[i_] = NIL;                  \
        }                                                                   \
        leaf_live = 0;                                                      \
    } while (0)
L_allocate:
    ALLOCATE();
    NEXTF();
L_allocate_mxy:
    ALLOCATE();
    ip++; /* the move's opcode word */
    if (ip[-1] == (Instr)&&L_move_xy_subc) goto L_move_xy_subc;
    if (ip[-1] == (Instr)&&L_move_xy_addc) goto L_move_xy_addc;
    if (ip[-1] == (Instr)&&L_move_xy_op2c) goto L_move_xy_op2c;
    goto L_move_xy;
L_allocate_mxy_xy:
    ALLOCATE();
    ip++;
    goto L_move_xy;
L_allocate_mxy_subc:
    ALLOCATE();
    ip++;
    goto L_move_xy_subc;
L_deallocate:
    sp += ip[0];
    h->stop = sp;
    ip++;
    NEXTF();
L_dealloc_ret:
    leaf_live = 0;
    sp += ip[0];
    ip = (const Instr *)(uintptr_t)*sp++;
    h->stop = sp;
    NEXTF();
L_ret:
    /* Callers are frame functions: leaf functions make no calls. */
    leaf_live = 0;
    ip = (const Instr *)(uintptr_t)*sp++;
    h->stop = sp;
    NEXTF();
L_leaf_entry:
    leaf_live = (unsigned)ip[1];
    for (Instr i = ip[0]; i < ip[1]; i++) x[i] = NIL;
    ip += 2;
    NEXTF();
L_test_heap:
    GC_CHECK((unsigned)ip[1], ip[0]);
    ip += 2;
    NEXT();
L_test_heap_pl:
    GC_CHECK((unsigned)ip[1], ip[0]);
    sp = h->stop; /* a collection moves the stack */
    ip += 3;      /* and the put_list's opcode word */
    goto L_put_list;
L_move:
    SETF(ip[1], SRCF(ip[0]));
    ip += 2;
    NEXTF();
    /* Specialised forms code.c threads instead of move and op2 when the operands allow. */
L_move_xy:
    sp[ip[1] >> 3] = x[ip[0] >> 3];
    ip += 2;
    NEXTF();
L_move_xy_op2c: /* a call's result saved, then the next call's argument computed */
    sp[ip[1] >> 3] = x[ip[0] >> 3];
    ip += 3; /* and the op2's opcode word */
    if (ip[-1] == (Instr)&&L_op2_subc_call) goto L_op2_subc_call;
    goto L_op2_addc_call;
L_move_xy_subc: /* move_xy_op2c, its successor known at load time */
    sp[ip[1] >> 3] = x[ip[0] >> 3];
    ip += 3;
    goto L_op2_subc_call;
L_move_xy_addc:
    sp[ip[1] >> 3] = x[ip[0] >> 3];
    ip += 3;
    goto L_op2_addc_call;
L_move_xx_call:
    x[ip[1] >> 3] = x[ip[0] >> 3];
    ip += 3; /* and the call's opcode word */
    goto L_call;
L_move_xx_call_only:
    x[ip[1] >> 3] = x[ip[0] >> 3];
    ip += 3;
    goto L_call_only;
L_move_yx:
    x[ip[1] >> 3] = sp[ip[0] >> 3];
    ip += 2;
    NEXTF();
L_move_xx:
    x[ip[1] >> 3] = x[ip[0] >> 3];
    ip += 2;
    NEXTF();
L_move_cx:
    x[ip[1] >> 3] = (Term)ip[0];
    ip += 2;
    NEXTF();
L_op2_add: {
    Term a = SRCF(ip[2]), b = SRCF(ip[3]);
    if (term_is_small(a) && term_is_small(b)) {
        Sint v = small_val(a) + small_val(b);
        if (small_fits(v)) {
            SETF(ip[4], make_small(v));
            ip += 5;
            NEXTF();
        }
    }
    goto L_op2;
}
#define OP2_DRET(how)                                                                      \
    do {                                                                                   \
        Term a_ = SRCF(ip[2]), b_ = SRCF(ip[3]);                                           \
        Sint r_;                                                                           \
        if (!term_is_small(a_) || !term_is_small(b_) ||                                    \
            __builtin_##how##_overflow((Sint)a_, (Sint)(b_ - TAG_IMMED1_SMALL), &r_))      \
            goto L_op2;                                                                    \
        SETF(ip[4], (Term)r_);                                                             \
        ip += 6; /* and the dealloc_ret's opcode word */                                   \
        goto L_dealloc_ret;                                                                \
    } while (0)
L_op2_add_dret:
    OP2_DRET(add);
L_op2_add_dret_yxx: { /* fib's return: a saved result plus the last call's */
    Term a = sp[ip[2] >> 3], b = x[ip[3] >> 3];
    Sint r;
    if (!term_is_small(a) || !term_is_small(b) ||
        __builtin_add_overflow((Sint)a, (Sint)(b - TAG_IMMED1_SMALL), &r))
        goto L_op2;
    x[ip[4] >> 3] = (Term)r;
    ip += 6; /* and the dealloc_ret's opcode word */
    goto L_dealloc_ret;
}
L_op2_sub_dret:
    OP2_DRET(sub);
L_op2_sub: {
    Term a = SRCF(ip[2]), b = SRCF(ip[3]);
    if (term_is_small(a) && term_is_small(b)) {
        Sint v = small_val(a) - small_val(b);
        if (small_fits(v)) {
            SETF(ip[4], make_small(v));
            ip += 5;
            NEXTF();
        }
    }
    goto L_op2;
}
    /* op2 + and - with a small-integer constant second operand (peep.c checked it): the
     * tagged sum of a small and the constant's untagged value is the tagged result. */
    /* The fast path of op2_addc and op2_subc: done (ip past it) unless a is no small integer
     * or the result overflows, when the generic op2 takes over. */
#define OP2C(how)                                                                          \
    do {                                                                                   \
        Term a_ = SRCF(ip[2]);                                                             \
        Sint r_;                                                                           \
        if (!term_is_small(a_) ||                                                          \
            __builtin_##how##_overflow((Sint)a_, (Sint)(ip[3] - TAG_IMMED1_SMALL), &r_))   \
            goto L_op2;                                                                    \
        SETF(ip[4], (Term)r_);                                                             \
        ip += 5;                                                                           \
    } while (0)
L_op2_addc:
    OP2C(add);
    NEXTF();
L_op2_addc_call:
    OP2C(add);
    ip++; /* the call's opcode word */
    goto L_call;
L_op2_subc:
    OP2C(sub);
    NEXTF();
L_op2_subc_call:
    OP2C(sub);
    ip++; /* the call's opcode word */
    goto L_call;
    /* A call's result saved after the next call's argument is computed into another register
     * (peep.c rule 7: x0 is live across the op2, its Live), then that argument moved to x0. */
#define SAVE_SWAP_CALL()                                                                   \
    do {                                                                                   \
        sp[ip[2] >> 3] = x[ip[1] >> 3]; /* past the move's opcode word */                  \
        x[ip[5] >> 3] = x[ip[4] >> 3];                                                     \
        ip += 7;                        /* and the call's opcode word */                   \
    } while (0)
L_op2_addc_swc:
    OP2C(add);
    SAVE_SWAP_CALL();
    goto L_call;
L_op2_subc_swc:
    OP2C(sub);
    SAVE_SWAP_CALL();
    goto L_call;
#define OP2C_YX(how)                                                                       \
    do {                                                                                   \
        Term a_ = sp[ip[2] >> 3];                                                          \
        Sint r_;                                                                           \
        if (!term_is_small(a_) ||                                                          \
            __builtin_##how##_overflow((Sint)a_, (Sint)(ip[3] - TAG_IMMED1_SMALL), &r_))   \
            goto L_op2;                                                                    \
        x[ip[4] >> 3] = (Term)r_;                                                          \
        ip += 5;                                                                           \
    } while (0)
L_op2_addc_swc_yx:
    OP2C_YX(add);
    SAVE_SWAP_CALL();
    goto L_call;
L_op2_subc_swc_yx:
    OP2C_YX(sub);
    SAVE_SWAP_CALL();
    goto L_call;
L_jump:
    ip = (const Instr *)ip[0];
    NEXTF();
L_call: {
    /* PUSH_CP with sp known to be h->stop (as at every handler's entry), and the live count
     * set only when a GC may run. */
    const Instr *target = (const Instr *)ip[1];
    if (__builtin_expect(sp <= h->htop, 0)) {
        live_args = (unsigned)ip[0];
        GC_CHECK(live_args, 1);
        sp = h->stop;
    }
    *--sp = (Term)(uintptr_t)(ip + 2);
    h->stop = sp;
    REDS(target, (unsigned)ip[0]);
    ip = target;
    NEXTF();
}
L_call_last: {
    unsigned arity = (unsigned)ip[0];
    const Instr *target = (const Instr *)ip[1];
    sp += ip[2];
    h->stop = sp;
    REDS(target, arity);
    ip = target;
    NEXTF();
}
L_call_only: {
    const Instr *target = (const Instr *)ip[1];
    REDS(target, (unsigned)ip[0]);
    ip = target;
    NEXTF();
}
L_call_ext:
    c_tail = false;
    c_dealloc = 0;
    c_skip = 2;
    goto do_call_ext;
L_call_ext_only:
    c_tail = true;
    c_dealloc = 0;
    c_skip = 2;
    goto do_call_ext;
L_call_ext_last:
    c_tail = true;
    c_dealloc = ip[2];
    c_skip = 3;
    goto do_call_ext;
do_call_ext: {
    unsigned arity = (unsigned)ip[0];
    Export *e = (Export *)ip[1];
    Uint dealloc = c_dealloc;
    bool tail = c_tail;
    ip += c_skip;
    const BifDef *eb;
    const Instr *target = resolve_export(e, &eb);
    if (target) {
        if (tail) h->stop += dealloc;
        else {
            live_args = arity;
            PUSH_CP(ip);
        }
        REDS(target, arity);
        ip = target;
        NEXT();
    }
    if (eb) {
        p->ip = ip; /* where the BIF was called from (send probes, current_function) */
        Term r = eb->fn(p, x);
        if (r == NONVALUE) {
            bif_mfa[0] = e->module;
            bif_mfa[1] = e->name;
            bif_mfa[2] = make_small(arity);
            bif_args = x;
            first_loc = e->module == atom_put("erlang", 6) ? NONVALUE : NIL;
            goto handle_error;
        }
        x[0] = after_bif(p, leaf_live, ip, r);
        if (tail) {
            h->stop += dealloc;
            ip = (const Instr *)(uintptr_t)*h->stop++;
        }
        NEXT();
    }
    bif_mfa[0] = e->module;
    bif_mfa[1] = e->name;
    bif_mfa[2] = make_small(arity);
    bif_args = x;
    first_loc = NIL;
    p->exc.class = AM(error);
    p->exc.reason = AM(undef);
    p->exc.stacktrace = NONVALUE;
    goto handle_error_mfa;
}
L_call_fun:
    c_tail = false;
    c_dealloc = 0;
    c_arity = (unsigned)ip[0];
    ip += 1;
    c_fun = x[c_arity];
    goto do_call_fun;
L_call_fun_last:
    c_tail = true;
    c_dealloc = ip[1];
    c_arity = (unsigned)ip[0];
    ip += 2;
    c_fun = x[c_arity];
    goto do_call_fun;
L_apply:
    c_tail = false;
    c_dealloc = 0;
    c_arity = (unsigned)ip[0];
    ip += 1;
    goto do_apply_regs;
L_apply_last:
    c_tail = true;
    c_dealloc = ip[1];
    c_arity = (unsigned)ip[0];
    ip += 2;
do_apply_regs:
    c_mod = x[c_arity];
    c_name = x[c_arity + 1];
    goto do_apply;
L_apply_list:
    c_tail = false;
    c_dealloc = 0;
    goto do_apply_list;
L_apply_list_last:
    c_tail = true;
    c_dealloc = ip[0];
    ip += 1;
do_apply_list: {
    c_mod = x[0];
    c_name = x[1];
    if (!list_to_args(x[2], x, &c_arity)) RAISE(AM(error), AM(badarg));
    if (c_mod == AM(undefined) && term_is_fun(c_name)) {
        c_fun = c_name;
        x[c_arity] = c_fun;
        goto do_call_fun;
    }
    goto do_apply;
}
do_call_fun: {
    Term f = c_fun;
    unsigned arity = c_arity;
    if (!term_is_fun(f)) {
        Term t[2] = {AM(badfun), f};
        RAISE(AM(error), mk_tuple(h, 2, t));
    }
    FunEntry *fe = fun_entry(f);
    if (fe->arity != arity) {
        Term al = mk_list(h, x, arity);
        Term t0[2] = {f, al};
        Term t[2] = {AM(badarity), mk_tuple(h, 2, t0)};
        RAISE(AM(error), mk_tuple(h, 2, t));
    }
    if (fe->is_export) {
        Export *e = fe->code;
        c_mod = e->module;
        c_name = e->name;
        goto do_apply;
    }
    unsigned nfree = fun_num_free(f);
    const Term *env = fun_env(f);
    for (unsigned i = 0; i < nfree; i++) x[arity + i] = env[i];
    arity += nfree;
    const Instr *target = fe->code;
    if (c_tail) h->stop += c_dealloc;
    else {
        live_args = arity;
        PUSH_CP(ip);
    }
    REDS(target, arity);
    ip = target;
    NEXT();
}
do_apply: {
    unsigned arity = c_arity;
    Term m = c_mod, f = c_name;
    if (!term_is_atom(m) || !term_is_atom(f)) RAISE(AM(error), AM(badarg));
    Export *e = code_export(m, f, arity);
    const BifDef *eb;
    const Instr *target = resolve_export(e, &eb);
    if (target) {
        if (c_tail) h->stop += c_dealloc;
        else {
            live_args = arity;
            PUSH_CP(ip);
        }
        REDS(target, arity);
        ip = target;
        NEXT();
    }
    bif_mfa[0] = m;
    bif_mfa[1] = f;
    bif_mfa[2] = make_small(arity);
    bif_args = x;
    if (eb) {
        p->ip = ip;
        Term r = eb->fn(p, x);
        if (r == NONVALUE) {
            first_loc = m == atom_put("erlang", 6) ? NONVALUE : NIL;
            goto handle_error;
        }
        x[0] = after_bif(p, leaf_live, ip, r);
        if (c_tail) {
            h->stop += c_dealloc;
            ip = (const Instr *)(uintptr_t)*h->stop++;
        }
        NEXT();
    }
    first_loc = NIL;
    p->exc.class = AM(error);
    p->exc.reason = AM(undef);
    p->exc.stacktrace = NONVALUE;
    goto handle_error_mfa;
}
L_bif: {
    const Instr *fail = (const Instr *)ip[0];
    const BifDef *b = (const BifDef *)ip[1];
    unsigned n = (unsigned)ip[2];
    Term args[16];
    for (unsigned i = 0; i < n && i < 16; i++) args[i] = SRC(ip[3 + i]);
    Instr dst = ip[3 + n];
    ip += 4 + n;
    p->ip = ip;
    Term r = b->fn(p, args);
    if (r == NONVALUE) {
        if (fail) {
            ip = fail;
            NEXT();
        }
        bif_mfa[0] = atom_put(b->module, strlen(b->module));
        bif_mfa[1] = atom_put(b->name, strlen(b->name));
        bif_mfa[2] = make_small(n);
        memcpy(x, args, n * sizeof(Term));
        bif_args = x;
        first_loc = NONVALUE;
        goto handle_error;
    }
    SET(dst, after_bif(p, leaf_live, ip, r));
    NEXT();
}
L_op2: {
    const Instr *fail = (const Instr *)ip[0];
    VmOp op = (VmOp)ip[1];
    Term a = SRC(ip[2]), b = SRC(ip[3]);
    Instr dst = ip[4];
    ip += 5;
    if (term_is_small(a) && term_is_small(b)) {
        /* Small integers with a small result: no call, no allocation, so no GC check. */
        Sint va = small_val(a), vb = small_val(b), v;
        bool ok;
        switch (op) {
        case VOP_ADD: ok = small_fits(v = va + vb); break;
        case VOP_SUB: ok = small_fits(v = va - vb); break;
        case VOP_BAND: v = va & vb; ok = true; break;
        case VOP_BOR: v = va | vb; ok = true; break;
        case VOP_BXOR: v = va ^ vb; ok = true; break;
        default: ok = false; v = 0; break;
        }
        if (ok) {
            SET(dst, make_small(v));
            NEXT();
        }
    }
    Term r = vm_binop(p, op, a, b);
    if (r == NONVALUE) {
        if (fail) {
            ip = fail;
            NEXT();
        }
        bif_mfa[0] = atom_put("erlang", 6);
        bif_mfa[1] = atom_put(op_names[op], strlen(op_names[op]));
        bif_mfa[2] = make_small(2);
        x[0] = a;
        x[1] = b;
        bif_args = x;
        first_loc = NONVALUE;
        goto handle_error;
    }
    SET(dst, after_bif(p, leaf_live, ip, r));
    NEXT();
}
L_op1: {
    const Instr *fail = (const Instr *)ip[0];
    VmOp op = (VmOp)ip[1];
    Term a = SRC(ip[2]);
    Instr dst = ip[3];
    ip += 4;
    Term r = vm_unop(p, op, a);
    if (r == NONVALUE) {
        if (fail) {
            ip = fail;
            NEXT();
        }
        bif_mfa[0] = atom_put("erlang", 6);
        bif_mfa[1] = atom_put(op_names[op], strlen(op_names[op]));
        bif_mfa[2] = make_small(1);
        x[0] = a;
        bif_args = x;
        first_loc = NONVALUE;
        goto handle_error;
    }
    SET(dst, after_bif(p, leaf_live, ip, r));
    NEXT();
}
L_test:
    if (vm_type_test((VmTest)ip[1], SRCF(ip[2]))) ip += 3;
    else ip = (const Instr *)ip[0];
    NEXTF();
    /* The commonest type tests and comparisons with their kind fixed (peep.c selects them). */
L_test_list: {
    Term v = SRCF(ip[2]);
    if (term_is_list(v) || v == NIL) ip += 3;
    else ip = (const Instr *)ip[0];
    NEXTF();
}
L_test_integer:
    if (term_is_integer(SRCF(ip[2]))) ip += 3;
    else ip = (const Instr *)ip[0];
    NEXTF();
L_test_atom:
    if (term_is_atom(SRCF(ip[2]))) ip += 3;
    else ip = (const Instr *)ip[0];
    NEXTF();
L_test_tuple:
    if (term_is_tuple(SRCF(ip[2]))) ip += 3;
    else ip = (const Instr *)ip[0];
    NEXTF();
    /* Small integers: the word order is the value order. */
#define IS_LT(a, b) (term_is_small(a) && term_is_small(b) ? (Sint)(a) < (Sint)(b) : term_compare(a, b, false) < 0)
L_is_lt: {
    Term a = SRCF(ip[2]), b = SRCF(ip[3]);
    ip = IS_LT(a, b) ? ip + 4 : (const Instr *)ip[0];
    NEXTF();
}
L_is_lt_ret: {
    Term a = SRCF(ip[2]), b = SRCF(ip[3]);
    if (!IS_LT(a, b)) {
        ip = (const Instr *)ip[0];
        NEXTF();
    }
    goto L_ret; /* the ret after it */
}
    /* x register against a small-integer constant: tagged words compare as the values. */
L_is_lt_xs: {
    Term a = x[ip[2] >> 3];
    if (__builtin_expect(!term_is_small(a), 0)) goto L_is_lt;
    ip = (Sint)a < (Sint)ip[3] ? ip + 4 : (const Instr *)ip[0];
    NEXTF();
}
L_is_lt_ret_xs: {
    Term a = x[ip[2] >> 3];
    if (__builtin_expect(!term_is_small(a), 0)) goto L_is_lt_ret;
    if ((Sint)a >= (Sint)ip[3]) {
        ip = (const Instr *)ip[0];
        NEXTF();
    }
    goto L_ret;
}
    /* Two x registers. */
L_is_lt_xx: {
    Term a = x[ip[2] >> 3], b = x[ip[3] >> 3];
    if (__builtin_expect(!term_is_small(a) || !term_is_small(b), 0)) goto L_is_lt;
    ip = (Sint)a < (Sint)b ? ip + 4 : (const Instr *)ip[0];
    NEXTF();
}
L_is_ge_xx: {
    Term a = x[ip[2] >> 3], b = x[ip[3] >> 3];
    if (__builtin_expect(!term_is_small(a) || !term_is_small(b), 0)) goto L_is_ge;
    ip = (Sint)a >= (Sint)b ? ip + 4 : (const Instr *)ip[0];
    NEXTF();
}
L_is_ge_xs: {
    Term a = x[ip[2] >> 3];
    if (__builtin_expect(!term_is_small(a), 0)) goto L_is_ge;
    ip = (Sint)a >= (Sint)ip[3] ? ip + 4 : (const Instr *)ip[0];
    NEXTF();
}
    /* x register against an immediate: exactly equal only when the words are. */
L_is_eq_exact_xi:
    ip = x[ip[2] >> 3] == (Term)ip[3] ? ip + 4 : (const Instr *)ip[0];
    NEXTF();
L_is_ne_exact_xi:
    ip = x[ip[2] >> 3] != (Term)ip[3] ? ip + 4 : (const Instr *)ip[0];
    NEXTF();
L_is_ge: {
    Term a = SRCF(ip[2]), b = SRCF(ip[3]);
    bool ok = term_is_small(a) && term_is_small(b) ? (Sint)a >= (Sint)b : term_compare(a, b, false) >= 0;
    ip = ok ? ip + 4 : (const Instr *)ip[0];
    NEXTF();
}
L_is_eq_exact: {
    Term a = SRCF(ip[2]), b = SRCF(ip[3]);
    bool ok = a == b || (!term_is_immed(a) && !term_is_immed(b) && term_eq_exact(a, b));
    ip = ok ? ip + 4 : (const Instr *)ip[0];
    NEXTF();
}
L_is_ne_exact: {
    Term a = SRCF(ip[2]), b = SRCF(ip[3]);
    bool eq = a == b || (!term_is_immed(a) && !term_is_immed(b) && term_eq_exact(a, b));
    ip = eq ? (const Instr *)ip[0] : ip + 4;
    NEXTF();
}
L_cmp: {
    Term a = SRCF(ip[2]), b = SRCF(ip[3]);
    bool ok;
    if (term_is_small(a) && term_is_small(b)) {
        /* Small integers: the word order is the value order. */
        Sint x_ = (Sint)a, y_ = (Sint)b;
        switch ((VmCmp)ip[1]) {
        case VC_EQ_EXACT: case VC_EQ: ok = x_ == y_; break;
        case VC_NE_EXACT: case VC_NE: ok = x_ != y_; break;
        case VC_LT: ok = x_ < y_; break;
        default: ok = x_ >= y_; break;
        }
        if (ok) ip += 4;
        else ip = (const Instr *)ip[0];
        NEXTF();
    }
    if ((VmCmp)ip[1] == VC_EQ_EXACT && (term_is_immed(a) || term_is_immed(b))) {
        if (a == b) ip += 4;
        else ip = (const Instr *)ip[0];
        NEXTF();
    }
    switch ((VmCmp)ip[1]) {
    case VC_EQ_EXACT: ok = term_eq_exact(a, b); break;
    case VC_NE_EXACT: ok = !term_eq_exact(a, b); break;
    case VC_EQ: ok = term_eq(a, b); break;
    case VC_NE: ok = !term_eq(a, b); break;
    case VC_LT: ok = term_compare(a, b, false) < 0; break;
    default: ok = term_compare(a, b, false) >= 0; break;
    }
    if (ok) ip += 4;
    else ip = (const Instr *)ip[0];
    NEXTF();
}
L_is_tuple_arity: {
    Term t = SRCF(ip[1]);
    if (term_is_tuple(t) && tuple_arity(t) == ip[2]) ip += 3;
    else ip = (const Instr *)ip[0];
    NEXTF();
}
L_is_nonempty_list:
    if (term_is_list(SRCF(ip[1]))) ip += 2;
    else ip = (const Instr *)ip[0];
    NEXTF();
L_is_nonempty_list_gl:
    if (!term_is_list(SRCF(ip[1]))) {
        ip = (const Instr *)ip[0];
        NEXTF();
    }
    ip += 3; /* and the get_list's opcode word */
    goto L_get_list;
L_is_nonempty_list_glx: {
    Term l = x[ip[1] >> 3];
    if (!term_is_list(l)) {
        ip = (const Instr *)ip[0];
        NEXTF();
    }
    x[ip[4] >> 3] = list_head(l);
    x[ip[5] >> 3] = list_tail(l);
    ip += 6;
    NEXTF();
}
L_test_list_x: {
    Term v = x[ip[2] >> 3];
    ip = term_is_list(v) || v == NIL ? ip + 3 : (const Instr *)ip[0];
    NEXTF();
}
L_is_nil:
    if (SRCF(ip[1]) == NIL) ip += 2;
    else ip = (const Instr *)ip[0];
    NEXTF();
L_is_record: {
    Term t = SRCF(ip[1]);
    if (term_is_tuple(t) && tuple_arity(t) == ip[3] && ip[3] > 0 && tuple_elem(t, 1) == SRCF(ip[2]))
        ip += 4;
    else ip = (const Instr *)ip[0];
    NEXTF();
}
L_is_fun_arity: {
    Term f = SRCF(ip[1]), a = SRCF(ip[2]);
    if (term_is_fun(f) && term_is_small(a) && (Sint)fun_entry(f)->arity == small_val(a)) ip += 3;
    else ip = (const Instr *)ip[0];
    NEXTF();
}
L_get_list: {
    Term l = SRCF(ip[0]);
    Term hd = list_head(l), tl = list_tail(l);
    SETF(ip[1], hd);
    SETF(ip[2], tl);
    ip += 3;
    NEXTF();
}
L_get_list_xxx: {
    Term l = x[ip[0] >> 3];
    x[ip[1] >> 3] = list_head(l);
    x[ip[2] >> 3] = list_tail(l);
    ip += 3;
    NEXTF();
}
L_get_elem:
    SETF(ip[2], tuple_elem(SRCF(ip[0]), ip[1]));
    ip += 3;
    NEXTF();
L_put_list: {
    Term *hp = heap_alloc(h, 2);
    Term r = cons_at(hp, SRCF(ip[0]), SRCF(ip[1]));
    SETF(ip[2], r);
    ip += 3;
    NEXTF();
}
L_put_tuple: {
    Uint n = ip[0];
    Term *hp = heap_alloc(h, n + 1);
    hp[0] = make_tuple_header(n);
    for (Uint i = 0; i < n; i++) hp[1 + i] = SRCF(ip[1 + i]);
    SETF(ip[1 + n], make_boxed(hp));
    ip += 2 + n;
    NEXTF();
}
L_make_fun: {
    FunEntry *fe = (FunEntry *)ip[0];
    unsigned n = (unsigned)ip[1];
    Term *hp = heap_alloc(h, FUN_BASE_SIZE + n);
    Term f = fun_at(hp, fe, p->pid, 0, NULL);
    hp[0] = make_header(SUB_FUN, 0, 4 + n);
    hp[3] = ((Uint)fe->arity << 32) | n;
    for (unsigned i = 0; i < n; i++) hp[5 + i] = SRC(ip[2 + i]);
    SET(ip[2 + n], f);
    ip += 3 + n;
    NEXT();
}
L_set_elem: {
    Term t = SRC(ip[0]);
    Uint n = tuple_arity(t);
    Term *hp = heap_halloc(h, n + 1);
    memcpy(hp, boxed_ptr(t), (n + 1) * sizeof(Term));
    hp[ip[1]] = SRC(ip[2]);
    Instr dst = ip[3];
    ip += 4;
    SET(dst, after_bif(p, leaf_live, ip, make_boxed(hp)));
    NEXT();
}
L_try_:
    SET(ip[0], (Term)ip[1]);
    ip += 2;
    NEXT();
L_catch_:
    SET(ip[0], (Term)ip[1]);
    ip += 2;
    NEXT();
L_try_end:
    SET(ip[0], NIL);
    ip++;
    NEXT();
L_try_case:
    SET(ip[0], NIL);
    x[0] = x[1];
    x[1] = x[2];
    x[2] = x[3];
    ip++;
    NEXT();
L_catch_end:
    SET(ip[0], NIL);
    ip++;
    if (x[0] == NONVALUE) {
        if (x[1] == AM(throw)) x[0] = x[2];
        else if (x[1] == AM(error)) {
            Term t[2] = {x[2], x[3]};
            Term t2[2] = {AM(EXIT), mk_tuple(h, 2, t)};
            x[0] = mk_tuple(h, 2, t2);
        } else {
            Term t2[2] = {AM(EXIT), x[2]};
            x[0] = mk_tuple(h, 2, t2);
        }
        x[0] = after_bif(p, leaf_live, ip, x[0]);
    }
    NEXT();
L_raise: {
    Term cls = SRC(ip[0]), rsn = SRC(ip[1]);
    ip += 2;
    RAISE(cls, rsn);
}
L_rethrow: {
    Term cls = SRC(ip[0]), rsn = SRC(ip[1]), st = SRC(ip[2]);
    ip += 3;
    p->exc.class = cls;
    p->exc.reason = rsn;
    p->exc.args = NIL;
    p->exc.stacktrace = st;
    goto unwind;
}
L_raise_tag: {
    Term t[2] = {SRC(ip[0]), SRC(ip[1])};
    ip += 2;
    RAISE(AM(error), mk_tuple(h, 2, t));
}
L_func_clause: {
    unsigned arity = (unsigned)ip[0];
    bool leaf = ip[1] != 0;
    ip += 2;
    Module *m;
    const CodeFunc *fn;
    int line;
    if (!leaf) {
        /* The arguments are in the frame's first slots; pop the frame (the slots below the
         * return address) so the trace starts at the caller, as OTP's does. */
        for (unsigned i = 0; i < arity; i++) x[i] = Y[i];
        Uint frame = 0;
        while (h->stop + frame < h->hend && !(term_is_header(h->stop[frame]) && h->stop[frame]))
            frame++;
        h->stop += frame;
    }
    if (code_lookup(ip - 1, &m, &fn, &line)) {
        bif_mfa[0] = m->name;
        bif_mfa[1] = fn->name;
        bif_mfa[2] = make_small(arity);
        first_loc = location(h, m, fn->line);
    } else {
        bif_mfa[0] = NONVALUE;
    }
    bif_args = x;
    skip_current = true;
    proc_raise(p, AM(error), AM(function_clause));
    goto handle_error_mfa;
}
L_lc_reverse: {
    Term r = vm_reverse(h, SRC(ip[0]));
    Instr dst = ip[1];
    ip += 2;
    SET(dst, after_bif(p, leaf_live, ip, r));
    NEXT();
}
L_map_new: {
    Term keys = SRC(ip[0]);
    Uint n = ip[1];
    Term *mp = heap_halloc(h, 3 + n);
    mp[0] = make_map_header(MAP_FLAT, 0, 2 + n);
    mp[1] = n;
    mp[2] = keys;
    for (Uint i = 0; i < n; i++) mp[3 + i] = SRC(ip[2 + i]);
    Instr dst = ip[2 + n];
    ip += 3 + n;
    SET(dst, after_bif(p, leaf_live, ip, make_boxed(mp)));
    NEXT();
}
L_map_put: {
    const Instr *fail = (const Instr *)ip[0];
    bool exact = ip[1] != 0;
    Term m = SRC(ip[2]), k = SRC(ip[3]), v = SRC(ip[4]);
    Instr dst = ip[5];
    ip += 6;
    if (!term_is_map(m)) {
        if (fail) {
            ip = fail;
            NEXT();
        }
        Term t[2] = {AM(badmap), m};
        RAISE(AM(error), mk_tuple(h, 2, t));
    }
    Term r = exact ? map_update(h, m, k, v) : map_put(h, m, k, v);
    if (r == NONVALUE) {
        if (fail) {
            ip = fail;
            NEXT();
        }
        Term t[2] = {AM(badkey), k};
        RAISE(AM(error), mk_tuple(h, 2, t));
    }
    SET(dst, after_bif(p, leaf_live, ip, r));
    NEXT();
}
L_map_get: {
    Term m = SRCF(ip[1]), k = SRCF(ip[2]), v;
    if (term_is_map(m) && map_get(m, k, &v)) {
        SETF(ip[3], v);
        ip += 4;
    } else {
        ip = (const Instr *)ip[0];
    }
    NEXTF();
}
L_bs_start: {
    Term b = SRC(ip[1]);
    if (!term_is_binary_any(b)) {
        ip = (const Instr *)ip[0];
        NEXT();
    }
    Instr d = ip[2];
    SET(d, b);
    SET(d + 8, make_small(0));
    ip += 3;
    NEXT();
}
L_bs_get: {
    const Instr *fail = (const Instr *)ip[0];
    Instr ctx = ip[1];
    Term bin = SRC(ctx);
    Uint off = (Uint)small_val(SRC(ctx + 8));
    Term r = bs_get(p, bin, &off, (int)ip[2], (unsigned)ip[3], SRC(ip[4]), (Sint)ip[5]);
    Instr dst = ip[6];
    if (r == NONVALUE) {
        ip = fail;
        NEXT();
    }
    ip += 7;
    SET(ctx + 8, make_small((Sint)off));
    SET(dst, after_bif(p, leaf_live, ip, r));
    NEXT();
}
L_bs_skip:
    ip += 5;
    NEXT();
L_bs_test_tail: {
    Instr ctx = ip[1];
    BinView bv;
    bin_view(SRC(ctx), &bv);
    Uint off = (Uint)small_val(SRC(ctx + 8));
    if (bv.bit_size - off == ip[2]) ip += 3;
    else ip = (const Instr *)ip[0];
    NEXT();
}
L_bs_test_unit: {
    Instr ctx = ip[1];
    BinView bv;
    bin_view(SRC(ctx), &bv);
    Uint off = (Uint)small_val(SRC(ctx + 8));
    if ((bv.bit_size - off) % ip[2] == 0) ip += 3;
    else ip = (const Instr *)ip[0];
    NEXT();
}
L_bs_build: {
    const Instr *fail = (const Instr *)ip[0];
    unsigned nw = (unsigned)ip[1];
    Term r = bs_build(p, ip + 2, nw, Y, x);
    Instr dst = ip[2 + nw];
    ip += 3 + nw;
    if (r == NONVALUE) {
        if (fail) {
            ip = fail;
            NEXT();
        }
        bool limit;
        cur_info = bs_error_info(h, ip - 1 - nw, nw, Y, x, &limit);
        RAISE(AM(error), limit ? AM(system_limit) : AM(badarg));
    }
    SET(dst, after_bif(p, leaf_live, ip, r));
    NEXT();
}
L_recv_next: {
    /* OTP's loop_rec: the message at the save point; at the end of the private queue, fetch
     * what is in transit (handling other signals on the way), then look again. */
    Message *m = mailbox_peek(&p->mailbox);
    if (!m) {
        if (!sig_fetch(p, RECV_FETCH)) goto exit_by_signal;
        m = mailbox_peek(&p->mailbox);
    }
    if (m) {
        SET(ip[1], m->msg);
        recv_reg = ip[1];
        ip += 2;
    } else {
        ip = (const Instr *)ip[0];
    }
    NEXT();
}
L_recv_remove:
    rtimer_receive_done(p);
    mailbox_remove(&p->mailbox, h);
    recv_reg = vm_x(VM_X_REGS - 1);
    NEXT();
L_recv_skip: {
    /* OTP's loop_rec_end and the next loop_rec in one: recvscan_next also steps over the
     * messages the clause heads surely reject once a scan goes on (recvscan.h). The message it
     * returns goes to recv_next's register and the heads run from there. */
    const Instr *loop = (const Instr *)ip[0];
    mailbox_skip(&p->mailbox);
    Message *m = recvscan_next(&p->mailbox, loop, x, h->stop);
    if (m) {
        SET(loop[2], m->msg);
        recv_reg = loop[2];
        ip = loop + 3;
    } else {
        ip = loop;
    }
    NEXT();
}
L_recv_wait: {
    /* Nothing matched. Operands: the timeout, the after label; the next instruction jumps
     * back to the loop. Waiting resumes here (p->ip = this instruction), so a wake-up by a
     * message, the timer or a spurious notify all come back to this check. */
    Term to = SRC(ip[0]);
    if (rtimer_receive_fired(p)) {
        rtimer_receive_done(p);
        mailbox_receive_done(&p->mailbox);
        recv_reg = vm_x(VM_X_REGS - 1);
        ip = (const Instr *)ip[1];
        NEXT();
    }
    if (!sig_fetch(p, RECV_FETCH)) goto exit_by_signal;
    if (mailbox_peek(&p->mailbox)) {
        ip += 2;
        NEXT();
    }
    if (to != AM(infinity)) {
        if (!term_is_small(to) || small_val(to) < 0) {
            rtimer_receive_done(p);
            mailbox_receive_done(&p->mailbox);
            RAISE(AM(error), AM(timeout_value));
        }
        if (small_val(to) == 0) {
            mailbox_receive_done(&p->mailbox);
            recv_reg = vm_x(VM_X_REGS - 1);
            ip = (const Instr *)ip[1];
            NEXT();
        }
        if (!p->recv_timer) {
            rtimer_receive_start(p, (Uint)small_val(to));
            if (rtimer_receive_fired(p)) {
                ip--;
                NEXT();
            }
        }
    }
    /* A frameless (leaf) function keeps its values in X registers: they are saved like a
     * switched-out call's arguments and come back, with the leaf's slot count, on resume. */
    SET(recv_reg, NIL);
    recv_reg = vm_x(VM_X_REGS - 1);
    save_args(p, ip - 1, leaf_live);
    p->leaf_live = (uint16_t)leaf_live;
    if (!mailbox_prepare_wait(&p->mailbox)) {
        ip--; /* something arrived meanwhile: check again */
        NEXT();
    }
    p->reductions += (Uint)(PROC_CONTEXT_REDS - p->reds_left);
    return VM_WAIT;
}
L_send: {
    Term to = SRC(ip[0]), msg = SRC(ip[1]);
    Instr dst = ip[2];
    ip += 3;
    Term pid = ptab_send_dest(to);
    if (pid == NIL) { /* an unregistered {Name, node()} swallows the message */
        SET(dst, msg);
        NEXT();
    }
    if (pid == NONVALUE) {
        /* As OTP: badarg from erlang:'!'/2 with both arguments. */
        x[0] = to;
        x[1] = msg;
        bif_mfa[0] = atom_put("erlang", 6);
        bif_mfa[1] = atom_put("!", 1);
        bif_mfa[2] = make_small(2);
        bif_args = x;
        first_loc = NONVALUE;
        RAISE(AM(error), AM(badarg));
    }
    p->ip = ip; /* the send probe's site */
    rt_send(p, pid, msg);
    SET(dst, msg);
    NEXT();
}
L_make_export_fun: {
    Term m = SRC(ip[0]), f = SRC(ip[1]), a = SRC(ip[2]);
    Instr dst = ip[3];
    ip += 4;
    if (!term_is_atom(m) || !term_is_atom(f) || !term_is_small(a) || small_val(a) < 0 ||
        small_val(a) > 255)
        RAISE(AM(error), AM(badarg));
    FunEntry *fe = code_export_fun(code_export(m, f, (unsigned)small_val(a)));
    Term r = fun_at(heap_halloc(h, FUN_BASE_SIZE), fe, AM(external), 0, NULL);
    SET(dst, after_bif(p, leaf_live, ip, r));
    NEXT();
}
L_normal_exit:
    p->reductions += (Uint)(PROC_CONTEXT_REDS - p->reds_left);
    p->ip = ip - 1;
    p->arity = 0;
    p->result = x[0];
    return VM_DONE;

exit_by_signal:
    /* An exit signal: the process ends here, past every catch (procsig.h). */
    proc_raise(p, AM(exit), sig_exit_reason(p));
    p->ip = ip;
    p->arity = 0;
    return VM_CRASHED;

handle_error:
handle_error_mfa:
    if (p->exit_sig || (p->flags & PROC_HALTING)) goto exit_by_signal;
    if (p->exc.stacktrace == NONVALUE) {
        Term cur_args = NONVALUE;
        /* erlang:error/1,2,3, exit/1 and throw/1 raise on purpose: no frame of their own;
         * error/2,3 show their argument list in the caller's frame, as OTP does. */
        if (bif_args && bif_mfa[0] == atom_put("erlang", 6) &&
            (bif_mfa[1] == AM(error) || bif_mfa[1] == AM(exit) || bif_mfa[1] == AM(throw))) {
            bif_args = NULL;
            if (p->exc.args != NIL && list_length(p->exc.args) >= 0) cur_args = p->exc.args;
        }
        Term loc = first_loc == NONVALUE ? error_info(h) : first_loc;
        unsigned na = bif_args ? (unsigned)small_val(bif_mfa[2]) : 0;
        p->exc.stacktrace = build_stacktrace(p, ip, bif_args ? bif_mfa : NULL, bif_args, na, loc,
                                             skip_current, cur_args, cur_info);
    }
    bif_args = NULL;
    skip_current = false;
    first_loc = NIL;
    cur_info = NONVALUE;
    goto unwind;
unwind: {
    leaf_live = 0;
    /* The innermost catch: the first frame (from the top) holding a catch tag, and within it
     * the tag in the highest slot (nested trys take later, hence higher, slots). */
    Term *prev = NULL, *found = NULL;
    for (Term *s = h->stop; s < h->hend; s++) {
        Term w = *s;
        if (term_is_catch(w)) found = s;
        else if (term_is_header(w) && w) {
            if (found) break;
            prev = s;
        }
    }
    if (found) {
        if (prev) h->stop = prev + 1;
        ip = catch_target(catch_index(*found));
        x[0] = NONVALUE;
        x[1] = p->exc.class;
        x[2] = p->exc.reason;
        x[3] = p->exc.stacktrace;
        NEXT();
    }
    p->ip = ip;
    return VM_CRASHED;
}
}

/* Raises from outside the loop are not needed: BIFs return NONVALUE. */
