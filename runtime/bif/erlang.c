/*
 * erlang.c — BIFs of the erlang module.
 */
#include "bif/bif.h"

const BifDef bif_table_erlang[] = {
    {0},
};
