/*
 * maps.c — BIFs of the maps module.
 */
#include "bif/bif.h"

const BifDef bif_table_maps[] = {
    {0},
};
