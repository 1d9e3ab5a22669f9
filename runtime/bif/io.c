/*
 * io.c — BIFs of the io module.
 */
#include "bif/bif.h"

const BifDef bif_table_io[] = {
    {0},
};
