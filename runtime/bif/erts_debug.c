/*
 * erts_debug.c — BIFs of the erts_debug module.
 */
#include "bif/bif.h"

const BifDef bif_table_erts_debug[] = {
    {0},
};
