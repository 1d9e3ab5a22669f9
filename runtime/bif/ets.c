/*
 * ets.c — BIFs of the ets module.
 */
#include "bif/bif.h"

const BifDef bif_table_ets[] = {
    {0},
};
