/*
 * math.c — BIFs of the math module.
 */
#include "bif/bif.h"

const BifDef bif_table_math[] = {
    {0},
};
