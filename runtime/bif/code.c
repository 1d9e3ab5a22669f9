/*
 * code.c — BIFs about loaded code (module erlang):
 *
 *   make_fun/3          fun M:F/A as a term: the export fun (shared FunEntry, code_export_fun)
 *   get_module_info/1   what module_info/0 returns: the literal list the compiler built
 *   get_module_info/2   one key of it, or functions, nifs ([]) and native (false)
 *
 * Every compiled module has module_info/0,1 calling these (lang/compile.c), as OTP's
 * compiler adds them. A module that is not loaded, or an unknown key, is badarg as in OTP.
 */
#include "bif/bif.h"

#include "code.h"

static Term bif_make_fun(Process *p, const Term *a)
{
    if (!term_is_atom(a[0]) || !term_is_atom(a[1]) || !term_is_small(a[2])) return bif_badarg(p);
    Sint ar = small_val(a[2]);
    if (ar < 0 || ar > 255) return bif_badarg(p);
    FunEntry *fe = code_export_fun(code_export(a[0], a[1], (unsigned)ar));
    return fun_at(heap_halloc(&p->heap, FUN_BASE_SIZE), fe, AM(external), 0, NULL);
}

static const Module *info_module(Term m)
{
    if (!term_is_atom(m)) return NULL;
    const Module *mod = code_find_module(m);
    return mod && mod->info ? mod : NULL;
}

static Term bif_get_module_info_1(Process *p, const Term *a)
{
    const Module *m = info_module(a[0]);
    return m ? m->info : bif_badarg(p);
}

static Term bif_get_module_info_2(Process *p, const Term *a)
{
    const Module *m = info_module(a[0]);
    Term key = a[1];
    if (!m || !term_is_atom(key)) return bif_badarg(p);
    if (key == atom_put("functions", 9)) return m->functions;
    if (key == atom_put("nifs", 4)) return NIL;
    if (key == atom_put("native", 6)) return AM(false);
    for (Term l = m->info; term_is_list(l); l = list_tail(l)) {
        Term kv = list_head(l);
        if (tuple_elem(kv, 1) == key) return tuple_elem(kv, 2);
    }
    return bif_badarg(p);
}

const BifDef bif_table_code[] = {
    {"erlang", "make_fun", 3, bif_make_fun, 0},
    {"erlang", "get_module_info", 1, bif_get_module_info_1, 0},
    {"erlang", "get_module_info", 2, bif_get_module_info_2, 0},
    {0},
};
