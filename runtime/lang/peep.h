/*
 * peep.h — the peephole pass over a compiled module image (after compile.c, before code_load).
 *
 * The code generator keeps every value in a slot; this pass removes the moves that only shuttle
 * a value through a slot used once, with a register liveness analysis per function:
 *   1. `I ... -> T ; move T D` (T dead after the move)  becomes  `I ... -> D`;
 *   2. `move S T ; I T ...`    (T dead after I)          becomes  `I S ...`;
 *   3. `move S T`              (T dead after it)         is dropped;
 *   4. a jump to the next instruction is dropped.
 * Only adjacent pairs are merged, with no label between them, so no value changes register
 * across a garbage collection point (every instruction reads its sources before it may
 * collect). In a try or catch, every instruction of the protected code has the handler as a
 * successor (only Y slots flow along that edge). Labels, function and line tables are
 * relocated.
 *
 * Then the Y slots are allocated from liveness, as OTP's compiler does (docs/vm.md): a value
 * gets a slot only when it is live across a call or another point that may collect (else it
 * moves to a free X register), slots are shared by values whose lives do not overlap, each
 * frame gets the size its own code needs, and before the call after which the fewest slots
 * are needed the frame is trimmed (`deallocate K` mid-frame: OTP's `trim`). Invariant kept:
 * every Y slot always holds a term (allocate clears the frame, every GC updates every slot).
 */
#ifndef HS_LANG_PEEP_H
#define HS_LANG_PEEP_H

#include "code.h"

void peep_optimize(CodeBuf *cb);

#endif
