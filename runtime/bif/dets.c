/*
 * dets.c — BIFs of the dets module.
 */
#include "bif/bif.h"

const BifDef bif_table_dets[] = {
    {0},
};
