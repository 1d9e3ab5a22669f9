/*
 * vm.h — the register machine that runs compiled Erlang (BEAM style).
 *
 * Registers. X registers (VM_X_REGS of them) belong to the scheduler thread, not the process:
 * they carry call arguments, return values (x0) and exception data. Y registers are slots of the
 * current stack frame, which lives on the process stack inside the heap block.
 *
 * Frame layout (stack grows down, as OTP 24+):
 *     stop[0 .. N-1]  y0 .. y(N-1)         allocate N pushes them (initialised to [])
 *     stop[N]         return address       call pushed it (an aligned code pointer: tag 00)
 * So `call` pushes the continuation, `allocate`/`deallocate` move stop by N, `return` pops the
 * continuation and jumps to it. Tail calls (call_last) deallocate and jump: constant stack.
 *
 * GC roots: the X registers 0..live-1 named by the instruction that may collect (allocate,
 * test_heap, a BIF return) and every stack word; return addresses and catch tags are not
 * pointer terms, so the collector skips them (gc.h sentence 4).
 *
 * Instructions are words: an opcode word (the address of its handler: threaded dispatch) and
 * operand words, all resolved at load time (code.c): labels are code pointers, imports Export
 * pointers, literals the literal terms themselves. A source operand is a term when its low two
 * bits are non-zero (a literal or immediate), else a register: (i << 3) for x(i), (i << 3) | 4
 * for y(i).
 */
#ifndef HS_VM_H
#define HS_VM_H

#include "process.h"

typedef uintptr_t Instr;

/* Operand kinds (the string of each opcode below):
 *   s source (register or literal)  d destination register   L label   i raw integer
 *   e import (export entry)         f local fun index        b BifDef*  c catch label
 *   n a count followed by that many source operands */
#define VM_OPCODES(OP)                                                                  \
    OP(allocate, "ii")          /* N, live: reserve N stack words, push N Y slots */   \
    OP(leaf_entry, "ii")        /* args, slots: a frameless function's X slots */      \
    OP(deallocate, "i")                                                                \
    OP(ret, "")                                                                        \
    OP(test_heap, "ii")         /* need, live */                                       \
    OP(move, "sd")                                                                     \
    OP(jump, "L")                                                                      \
    OP(call, "iL")              /* arity, target */                                    \
    OP(call_last, "iLi")        /* arity, target, dealloc */                           \
    OP(call_only, "iL")                                                                \
    OP(call_ext, "ie")                                                                 \
    OP(call_ext_last, "iei")                                                           \
    OP(call_ext_only, "ie")                                                            \
    OP(call_fun, "i")           /* arity; the fun in x(arity) */                       \
    OP(call_fun_last, "ii")     /* arity, dealloc */                                   \
    OP(apply, "i")              /* arity; module x(arity), function x(arity+1) */      \
    OP(apply_last, "ii")                                                               \
    OP(apply_list, "")          /* x0 module, x1 function, x2 argument list */         \
    OP(apply_list_last, "i")                                                           \
    OP(bif, "Lbnd")             /* fail (0: raise), bif, args, dst */                  \
    OP(op2, "Lissd")            /* fail, VmOp, a, b, dst */                            \
    OP(op1, "Lisd")                                                                    \
    OP(test, "Lis")             /* fail, VmTest, value */                              \
    OP(cmp, "Liss")             /* fail, VmCmp, a, b */                                \
    OP(is_tuple_arity, "Lsi")                                                          \
    OP(is_nonempty_list, "Ls")                                                         \
    OP(is_nil, "Ls")                                                                   \
    OP(is_record, "Lssi")       /* fail, value, tag atom, size */                      \
    OP(is_fun_arity, "Lss")                                                            \
    OP(get_list, "sdd")                                                                \
    OP(get_elem, "sid")         /* tuple, 1-based index, dst */                        \
    OP(put_list, "ssd")                                                                \
    OP(put_tuple, "nd")                                                                \
    OP(make_fun, "fnd")         /* fun index, free variables, dst */                   \
    OP(set_elem, "sisd")        /* tuple, index, value, dst: a copy with one change */ \
    OP(try_, "dc")              /* y slot, handler */                                  \
    OP(try_end, "d")                                                                   \
    OP(try_case, "d")           /* x0 class, x1 reason, x2 stacktrace */               \
    OP(catch_, "dc")                                                                   \
    OP(catch_end, "d")                                                                 \
    OP(raise, "ss")             /* class, reason: a new exception */                   \
    OP(rethrow, "sss")          /* class, reason, stacktrace kept */                   \
    OP(raise_tag, "ss")         /* error {Tag, Value} */                               \
    OP(func_clause, "ii")       /* arity, leaf: arguments in y0.. (x0.. in a leaf) */   \
    OP(lc_reverse, "sd")                                                               \
    OP(map_new, "snd")          /* literal keys tuple, values, dst */                  \
    OP(map_put, "Lisssd")       /* fail, exact?, map, key, value, dst */               \
    OP(map_get, "Lssd")         /* fail, map, key, dst */                              \
    OP(bs_start, "Lsd")         /* fail, binary, dst (offset slot: dst+1) */           \
    OP(bs_get, "Lsiisid")       /* fail, ctx, type, flags, size, unit, dst */          \
    OP(bs_skip, "Lsisi")        /* fail, ctx, type, size, unit */                      \
    OP(bs_test_tail, "Lsi")     /* fail, ctx, bits remaining */                        \
    OP(bs_test_unit, "Lsi")                                                            \
    OP(bs_build, "Lnd")         /* fail, 5 words per segment: type flags value size unit */ \
    OP(recv_next, "Ld")         /* no more: label; else message to dst */              \
    OP(recv_remove, "")                                                                \
    OP(recv_skip, "L")                                                                 \
    OP(recv_wait, "sL")         /* timeout (or infinity), after-label */               \
    OP(send, "ssd")                                                                    \
    OP(make_export_fun, "sssd") /* fun M:F/A with M, F or A not constant */            \
    OP(normal_exit, "")                                                                \
    /* Fused and specialised forms peep.c selects at the end (same operand words as the     \
     * generic form they replace, so only the opcode word changes): */                     \
    OP(dealloc_ret, "i")        /* deallocate N; ret */                                \
    OP(is_lt, "Liss")           /* cmp with VC_LT (the VmCmp word is ignored) */       \
    OP(is_ge, "Liss")                                                                  \
    OP(is_eq_exact, "Liss")                                                            \
    OP(is_ne_exact, "Liss")                                                            \
    OP(op2_addc, "Lissd")       /* op2 + whose second operand is a small integer */    \
    OP(op2_subc, "Lissd")       /* op2 - whose second operand is a small integer */    \
    OP(test_list, "Lis")        /* test with VT_LIST, VT_INTEGER, VT_ATOM, VT_TUPLE */ \
    OP(test_integer, "Lis")                                                            \
    OP(test_atom, "Lis")                                                               \
    OP(test_tuple, "Lis")                                                              \
    /* Forms that know which instruction follows (left in place, with its own opcode word)   \
     * and go on to its handler with a direct jump when they fall through: */               \
    OP(allocate_mxy, "ii")      /* allocate; next a move x -> y */                     \
    OP(op2_addc_call, "Lissd")  /* op2_addc; next a call */                            \
    OP(op2_subc_call, "Lissd")  /* op2_subc; next a call */                            \
    OP(is_lt_ret, "Liss")       /* is_lt; next a ret */                                \
    OP(op2_add_dret, "Lissd")   /* op2 +; next a dealloc_ret */                        \
    OP(op2_sub_dret, "Lissd")   /* op2 -; next a dealloc_ret */                        \
    OP(is_nonempty_list_gl, "Ls") /* is_nonempty_list; next a get_list */              \
    OP(test_heap_pl, "ii")      /* test_heap; next a put_list */                       \
    OP(move_xy_op2c, "sd")      /* move x -> y; next an op2_addc_call or op2_subc_call */ \
    OP(op2_addc_swc, "Lissd")   /* op2_addc; next move x -> y, move x -> x, call */    \
    OP(op2_subc_swc, "Lissd")   /* (fib's second call: its result saved after N - 2) */ \
    /* Specialised forms that only code.c's threading selects (never in a CodeBuf): */  \
    OP(move_xy, "sd")           /* move x(i) -> y(j) */                                \
    OP(move_yx, "sd")                                                                  \
    OP(move_xx, "sd")                                                                  \
    OP(move_cx, "sd")           /* a literal or immediate -> x(j) */                   \
    OP(op2_add, "Lissd")        /* op2 with VOP_ADD: small integers inline */          \
    OP(op2_sub, "Lissd")                                                               \
    /* By operand kind (code.c): a = x register, b = an immediate (x) or small integer (s), \
     * so the comparison is on words; any other a goes the generic way. */                 \
    OP(is_eq_exact_xi, "Liss")                                                         \
    OP(is_ne_exact_xi, "Liss")                                                         \
    OP(is_lt_xs, "Liss")                                                               \
    OP(is_ge_xs, "Liss")                                                               \
    OP(is_lt_ret_xs, "Liss")    /* is_lt_ret */                                        \
    OP(move_xy_subc, "sd")      /* move_xy_op2c whose next is an op2_subc_call */      \
    OP(move_xy_addc, "sd")      /* ... an op2_addc_call */                             \
    OP(get_list_xxx, "sdd")     /* get_list of x registers */                          \
    OP(is_nonempty_list_glx, "Ls") /* is_nonempty_list_gl of an x register, next get_list_xxx */ \
    OP(test_list_x, "Lis")      /* test_list of an x register */                       \
    OP(is_lt_xx, "Liss")        /* is_lt of two x registers */                         \
    OP(is_ge_xx, "Liss")                                                               \
    OP(allocate_mxy_subc, "ii") /* allocate_mxy whose move is a move_xy_subc */        \
    OP(allocate_mxy_xy, "ii")   /* allocate_mxy whose move is a move_xy */            \
    OP(op2_add_dret_yxx, "Lissd") /* op2_add_dret of y(a) + x(b) into an x register */ \
    OP(move_xx_call, "sd")      /* move_xx; next a call */                             \
    OP(move_xx_call_only, "sd") /* move_xx; next a call_only */                        \
    OP(op2_addc_swc_yx, "Lissd") /* op2_addc_swc of a y register into an x register */   \
    OP(op2_subc_swc_yx, "Lissd")

typedef enum VmOpcode {
#define VM_OP_ENUM(name, kinds) OPC_##name,
    VM_OPCODES(VM_OP_ENUM)
#undef VM_OP_ENUM
    OPC_COUNT
} VmOpcode;

/* Operand kind strings, by opcode. */
extern const char *const vm_opcode_kinds[OPC_COUNT];
extern const char *const vm_opcode_names[OPC_COUNT];

/* Arithmetic and other two- and one-operand operations (op2/op1). */
typedef enum VmOp {
    VOP_ADD, VOP_SUB, VOP_MUL, VOP_FDIV, VOP_IDIV, VOP_REM, VOP_BAND, VOP_BOR, VOP_BXOR,
    VOP_BSL, VOP_BSR, VOP_NEG, VOP_PLUS, VOP_BNOT, VOP_NOT, VOP_AND, VOP_OR, VOP_XOR,
    VOP_APPEND, VOP_SUBTRACT, VOP_BS_CONCAT, VOP_COUNT
} VmOp;

typedef enum VmTest {
    VT_INTEGER, VT_FLOAT, VT_NUMBER, VT_ATOM, VT_BOOLEAN, VT_LIST, VT_TUPLE, VT_BINARY,
    VT_BITSTRING, VT_PID, VT_PORT, VT_REFERENCE, VT_FUNCTION, VT_MAP, VT_TRUE, VT_RECORD_ANY,
    VT_COUNT
} VmTest;

typedef enum VmCmp { VC_EQ_EXACT, VC_NE_EXACT, VC_EQ, VC_NE, VC_LT, VC_GE } VmCmp;

/* Bit syntax segment types. */
enum { VBS_INTEGER, VBS_FLOAT, VBS_BINARY, VBS_BITSTRING, VBS_UTF8, VBS_ALL, VBS_UTF16, VBS_UTF32 };

static inline Instr vm_x(unsigned i) { return (Instr)i << 3; }
static inline Instr vm_y(unsigned i) { return ((Instr)i << 3) | 4; }
static inline bool vm_operand_is_reg(Instr w) { return (w & 3) == 0; }

typedef enum VmStatus { VM_DONE, VM_CRASHED, VM_YIELD, VM_WAIT } VmStatus;

/* Catch labels: a catch tag holds an index into one global table of code addresses. */
unsigned vm_catch_register(const Instr *target);

/* The handler addresses, indexed by opcode (the loader threads code with them). */
const void *const *vm_opcode_addrs(void);

/* Runs p from p->ip until it returns from its initial call (VM_DONE, result in p->result),
 * crashes (VM_CRASHED, exception in p->exc), waits in receive (VM_WAIT) or uses up its
 * reductions (VM_YIELD; call again to continue). [owner only] */
VmStatus vm_run(Process *p);

/* The GC roots of a process whose live X registers are xregs[0..live): the queue, the
 * dictionary and the on_heap queue data (for a GC from outside the VM: the agent's, with the
 * saved argument registers). */
void vm_gc_roots(Process *p, GcRoots *r, Term *xregs, unsigned live);

/* Arithmetic and list operations shared by the VM and constant folding: NONVALUE with p->exc
 * set on error (badarith, badarg). Never collect: results come from heap_halloc. */
Term vm_binop(Process *p, VmOp op, Term a, Term b);
Term vm_unop(Process *p, VmOp op, Term a);
bool vm_type_test(VmTest t, Term v);
/* A bitstring from bs_build segments whose operands are all constants (constant folding);
 * NONVALUE when a segment is bad. */
Term vm_bs_build_const(Process *p, const Instr *w, unsigned nw);
/* erlang:'++'/2 and '--'/2 and lists:reverse/1 helpers. */
Term vm_reverse(Heap *h, Term list);

/* The exception's stacktrace, OTP 25 form, built at raise time from ip and the stack. */
Term vm_build_stacktrace(Process *p, const Instr *ip, const Term *bif_args, Term bif_mfa[3]);

#endif
