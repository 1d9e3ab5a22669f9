/*
 * unicode.c — BIFs of the unicode module.
 */
#include "bif/bif.h"

const BifDef bif_table_unicode[] = {
    {0},
};
