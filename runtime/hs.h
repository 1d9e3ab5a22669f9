/*
 * hs.h — the runtime's public embedding API. Later issues add start/load/spawn/stop; for now it
 * brings up the global tables every other module needs.
 */
#ifndef HS_HS_H
#define HS_HS_H

#define HEAPSCOPE_VERSION "0.1.0"
#define HEAPSCOPE_OTP_REFERENCE "OTP 25.2.3 (erts-13.1.5)"

/* Initialises the atom table, the literal area and the GC settings (HEAPSCOPE_GC_STRESS).
 * Idempotent; call once before anything else. */
void hs_init(void);

#endif
