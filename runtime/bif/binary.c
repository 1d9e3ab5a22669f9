/*
 * binary.c — BIFs of the binary module.
 */
#include "bif/bif.h"

const BifDef bif_table_binary[] = {
    {0},
};
