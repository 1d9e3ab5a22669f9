/*
 * ets.c — BIFs of the ets module: thin wrappers over runtime/ets/ets.h, which raise badarg
 * where the table layer returns NONVALUE. foldl/foldr call funs, which BIFs cannot, and a few
 * functions are compositions of BIFs (match_delete, match_spec_run, test_ms, init_table,
 * to_dets/from_dets...): they are Erlang code in runtime/stdlib/ets.erl, beside these BIFs.
 */
#include "runtime.h"
#include "bif/bif.h"
#include "ets/ets.h"

static Term ret(Process *p, Term r) { return r == NONVALUE ? bif_badarg(p) : r; }

static Term b_new(Process *p, const Term *a) { return ret(p, ets_bif_new(p, a[0], a[1])); }
static Term b_delete1(Process *p, const Term *a) { return ret(p, ets_bif_delete1(p, a[0])); }
static Term b_delete2(Process *p, const Term *a) { return ret(p, ets_bif_delete2(p, a[0], a[1])); }
static Term b_delete_object(Process *p, const Term *a) { return ret(p, ets_bif_delete_object(p, a[0], a[1])); }
static Term b_delete_all(Process *p, const Term *a) { return ret(p, ets_bif_delete_all_objects(p, a[0])); }
static Term b_insert(Process *p, const Term *a) { return ret(p, ets_bif_insert(p, a[0], a[1], false)); }
static Term b_insert_new(Process *p, const Term *a) { return ret(p, ets_bif_insert(p, a[0], a[1], true)); }
static Term b_lookup(Process *p, const Term *a) { return ret(p, ets_bif_lookup(p, a[0], a[1])); }
static Term b_lookup_element(Process *p, const Term *a) { return ret(p, ets_bif_lookup_element(p, a[0], a[1], a[2])); }
static Term b_member(Process *p, const Term *a) { return ret(p, ets_bif_member(p, a[0], a[1])); }
static Term b_take(Process *p, const Term *a) { return ret(p, ets_bif_take(p, a[0], a[1])); }
static Term b_update_counter3(Process *p, const Term *a) { return ret(p, ets_bif_update_counter(p, a[0], a[1], a[2], NONVALUE)); }
static Term b_update_counter4(Process *p, const Term *a) { return ret(p, ets_bif_update_counter(p, a[0], a[1], a[2], a[3])); }
static Term b_update_element(Process *p, const Term *a) { return ret(p, ets_bif_update_element(p, a[0], a[1], a[2])); }
static Term b_first(Process *p, const Term *a) { return ret(p, ets_bif_first(p, a[0], false)); }
static Term b_last(Process *p, const Term *a) { return ret(p, ets_bif_first(p, a[0], true)); }
static Term b_next(Process *p, const Term *a) { return ret(p, ets_bif_next(p, a[0], a[1], false)); }
static Term b_prev(Process *p, const Term *a) { return ret(p, ets_bif_next(p, a[0], a[1], true)); }
static Term b_tab2list(Process *p, const Term *a) { return ret(p, ets_bif_tab2list(p, a[0])); }
static Term b_info1(Process *p, const Term *a) { return ret(p, ets_bif_info1(p, a[0])); }
static Term b_info2(Process *p, const Term *a) { return ret(p, ets_bif_info2(p, a[0], a[1])); }
static Term b_whereis(Process *p, const Term *a) { return ret(p, ets_bif_whereis(p, a[0])); }
static Term b_all(Process *p, const Term *a) { (void)a; return ret(p, ets_bif_all(p)); }
static Term b_rename(Process *p, const Term *a) { return ret(p, ets_bif_rename(p, a[0], a[1])); }
static Term b_setopts(Process *p, const Term *a) { return ret(p, ets_bif_setopts(p, a[0], a[1])); }
static Term b_safe_fixtable(Process *p, const Term *a) { return ret(p, ets_bif_safe_fixtable(p, a[0], a[1])); }
static Term b_give_away(Process *p, const Term *a)
{
    EtsTransfer *m;
    Term r = ets_bif_give_away(p, a[0], a[1], a[2], &m);
    rt_deliver_ets_transfers(p->pid, m);
    return ret(p, r);
}
static Term b_select2(Process *p, const Term *a) { return ret(p, ets_bif_select(p, a[0], a[1], ETS_SEL_LIST, false)); }
static Term b_select_reverse2(Process *p, const Term *a) { return ret(p, ets_bif_select(p, a[0], a[1], ETS_SEL_LIST, true)); }
static Term b_select_count(Process *p, const Term *a) { return ret(p, ets_bif_select(p, a[0], a[1], ETS_SEL_COUNT, false)); }
static Term b_select_delete(Process *p, const Term *a) { return ret(p, ets_bif_select(p, a[0], a[1], ETS_SEL_DELETE, false)); }
static Term b_select3(Process *p, const Term *a) { return ret(p, ets_bif_select_limit(p, a[0], a[1], a[2], false)); }
static Term b_select_reverse3(Process *p, const Term *a) { return ret(p, ets_bif_select_limit(p, a[0], a[1], a[2], true)); }
static Term b_select1(Process *p, const Term *a) { return ret(p, ets_bif_select_cont(p, a[0])); }
static Term b_select_replace(Process *p, const Term *a) { return ret(p, ets_bif_select(p, a[0], a[1], ETS_SEL_REPLACE, false)); }
static Term b_ms_compile(Process *p, const Term *a) { return ret(p, ets_bif_match_spec_compile(p, a[0])); }
static Term b_ms_test(Process *p, const Term *a) { return ret(p, ets_bif_match_spec_test(p, a[0], a[1], a[2])); }
static Term b_is_compiled_ms(Process *p, const Term *a) { return ret(p, ets_bif_is_compiled_ms(p, a[0])); }
static Term b_ms_run_r(Process *p, const Term *a) { return ret(p, ets_bif_match_spec_run_r(p, a[0], a[1], a[2])); }
static Term b_slot(Process *p, const Term *a) { return ret(p, ets_bif_slot(p, a[0], a[1])); }
static Term b_match2(Process *p, const Term *a) { return ret(p, ets_bif_match(p, a[0], a[1], false)); }
static Term b_match3(Process *p, const Term *a) { return ret(p, ets_bif_match_limit(p, a[0], a[1], a[2], false)); }
static Term b_match1(Process *p, const Term *a) { return ret(p, ets_bif_match_cont(p, a[0])); }
static Term b_match_object2(Process *p, const Term *a) { return ret(p, ets_bif_match(p, a[0], a[1], true)); }
static Term b_match_object3(Process *p, const Term *a) { return ret(p, ets_bif_match_limit(p, a[0], a[1], a[2], true)); }
static Term b_match_object1(Process *p, const Term *a) { return ret(p, ets_bif_match_cont(p, a[0])); }

const BifDef bif_table_ets[] = {
    {"ets", "new", 2, b_new, 0},
    {"ets", "delete", 1, b_delete1, 0},
    {"ets", "delete", 2, b_delete2, 0},
    {"ets", "delete_object", 2, b_delete_object, 0},
    {"ets", "delete_all_objects", 1, b_delete_all, 0},
    {"ets", "insert", 2, b_insert, 0},
    {"ets", "insert_new", 2, b_insert_new, 0},
    {"ets", "lookup", 2, b_lookup, 0},
    {"ets", "lookup_element", 3, b_lookup_element, 0},
    {"ets", "member", 2, b_member, 0},
    {"ets", "take", 2, b_take, 0},
    {"ets", "update_counter", 3, b_update_counter3, 0},
    {"ets", "update_counter", 4, b_update_counter4, 0},
    {"ets", "update_element", 3, b_update_element, 0},
    {"ets", "first", 1, b_first, 0},
    {"ets", "last", 1, b_last, 0},
    {"ets", "next", 2, b_next, 0},
    {"ets", "prev", 2, b_prev, 0},
    {"ets", "tab2list", 1, b_tab2list, 0},
    {"ets", "info", 1, b_info1, 0},
    {"ets", "info", 2, b_info2, 0},
    {"ets", "whereis", 1, b_whereis, 0},
    {"ets", "all", 0, b_all, 0},
    {"ets", "rename", 2, b_rename, 0},
    {"ets", "setopts", 2, b_setopts, 0},
    {"ets", "safe_fixtable", 2, b_safe_fixtable, 0},
    {"ets", "give_away", 3, b_give_away, 0},
    {"ets", "select", 1, b_select1, 0},
    {"ets", "select", 2, b_select2, 0},
    {"ets", "select", 3, b_select3, 0},
    {"ets", "select_reverse", 1, b_select1, 0},
    {"ets", "select_reverse", 2, b_select_reverse2, 0},
    {"ets", "select_reverse", 3, b_select_reverse3, 0},
    {"ets", "select_count", 2, b_select_count, 0},
    {"ets", "select_delete", 2, b_select_delete, 0},
    {"ets", "select_replace", 2, b_select_replace, 0},
    {"ets", "match_spec_compile", 1, b_ms_compile, 0},
    {"erlang", "match_spec_test", 3, b_ms_test, 0},
    {"ets", "is_compiled_ms", 1, b_is_compiled_ms, 0},
    {"ets", "match_spec_run_r", 3, b_ms_run_r, 0},
    {"ets", "slot", 2, b_slot, 0},
    {"ets", "match", 1, b_match1, 0},
    {"ets", "match", 2, b_match2, 0},
    {"ets", "match", 3, b_match3, 0},
    {"ets", "match_object", 1, b_match_object1, 0},
    {"ets", "match_object", 2, b_match_object2, 0},
    {"ets", "match_object", 3, b_match_object3, 0},
    {0},
};
