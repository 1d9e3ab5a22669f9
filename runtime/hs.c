#include "hs.h"

#include <stdlib.h>
#include <string.h>

#include "atom.h"
#include "bif/bif.h"
#include "heap.h"
#include "literal.h"

_Atomic uint64_t term_ref_counter;

void hs_init(void)
{
    static int done;
    if (done) return;
    done = 1;
    const char *stress = getenv("HEAPSCOPE_GC_STRESS");
    if (stress && *stress && strcmp(stress, "0") != 0)
        heap_stress_mode = strcmp(stress, "move") == 0 ? HEAP_STRESS_MOVE : HEAP_STRESS_COLLECT;
    heap_gc_stress = heap_stress_mode != HEAP_STRESS_OFF;
    atom_init();
    literal_init();
    bif_init();
}
