/*
 * lists.c — BIFs of the lists module.
 */
#include "bif/bif.h"

const BifDef bif_table_lists[] = {
    {0},
};
