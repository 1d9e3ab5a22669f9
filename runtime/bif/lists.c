/*
 * lists.c — BIFs of the lists module: the functions OTP 25 implements in C (erl_bif_lists.c)
 * plus reverse/1, which OTP writes in Erlang over reverse/2 and whose errors we reproduce
 * (function_clause for what none of its clauses matches, then reverse/2's badarg).
 *
 * keyfind, keymember and keysearch compare with == (1 finds {1.0}); member with =:=. A search
 * that finds its element before an improper tail succeeds, as in OTP; one that reaches the
 * tail raises badarg.
 */
#include "bif/bif.h"

static Term reverse_onto(Process *p, Term l, Term tail)
{
    Sint n = 0;
    Term t = l;
    for (; term_is_list(t); t = list_tail(t)) n++;
    if (!term_is_nil(t)) return bif_badarg(p);
    if (n == 0) return tail;
    Term *hp = heap_halloc(&p->heap, 2 * (Uint)n);
    Term r = tail;
    for (t = l; term_is_list(t); t = list_tail(t), hp += 2) r = cons_at(hp, list_head(t), r);
    return r;
}

static Term bif_reverse2(Process *p, const Term *a) { return reverse_onto(p, a[0], a[1]); }

static Term bif_reverse1(Process *p, const Term *a)
{
    Term l = a[0];
    if (term_is_nil(l)) return NIL;
    if (!term_is_list(l)) return bif_error(p, AM(function_clause));
    Term t = list_tail(l);
    if (term_is_nil(t)) return l; /* reverse([_] = L) -> L */
    if (!term_is_list(t)) return bif_error(p, AM(function_clause));
    /* reverse([A, B | L]) -> lists:reverse(L, [B, A]) */
    Term rest = list_tail(t);
    Sint n = 0;
    Term x = rest;
    for (; term_is_list(x); x = list_tail(x)) n++;
    if (!term_is_nil(x)) return bif_badarg(p);
    Term *hp = heap_halloc(&p->heap, 4);
    Term acc = cons_at(hp, list_head(l), NIL);
    acc = cons_at(hp + 2, list_head(t), acc);
    return reverse_onto(p, rest, acc);
}

/* The first tuple in list whose pos'th element == key; NONVALUE + exception on bad args,
 * AM(false) when there is none. */
static Term keyfind(Process *p, Term key, Term pos, Term list)
{
    if (!term_is_small(pos) || small_val(pos) < 1) return bif_badarg(p);
    Uint n = (Uint)small_val(pos);
    Term l = list;
    for (; term_is_list(l); l = list_tail(l)) {
        Term e = list_head(l);
        if (term_is_tuple(e) && tuple_arity(e) >= n && term_eq(tuple_elem(e, n), key)) return e;
    }
    if (!term_is_nil(l)) return bif_badarg(p);
    return AM(false);
}

static Term bif_keyfind(Process *p, const Term *a) { return keyfind(p, a[0], a[1], a[2]); }

static Term bif_keymember(Process *p, const Term *a)
{
    Term r = keyfind(p, a[0], a[1], a[2]);
    if (r == NONVALUE || r == AM(false)) return r;
    return AM(true);
}

static Term bif_keysearch(Process *p, const Term *a)
{
    Term r = keyfind(p, a[0], a[1], a[2]);
    if (r == NONVALUE || r == AM(false)) return r;
    Term value = atom_put("value", 5);
    Term *hp = heap_halloc(&p->heap, 3);
    hp[0] = make_tuple_header(2);
    hp[1] = value;
    hp[2] = r;
    return make_boxed(hp);
}

static Term bif_member(Process *p, const Term *a)
{
    Term l = a[1];
    for (; term_is_list(l); l = list_tail(l))
        if (term_eq_exact(list_head(l), a[0])) return AM(true);
    if (!term_is_nil(l)) return bif_badarg(p);
    return AM(false);
}

const BifDef bif_table_lists[] = {
    {"lists", "reverse", 1, bif_reverse1, 0},
    {"lists", "reverse", 2, bif_reverse2, 0},
    {"lists", "keyfind", 3, bif_keyfind, 0},
    {"lists", "keymember", 3, bif_keymember, 0},
    {"lists", "keysearch", 3, bif_keysearch, 0},
    {"lists", "member", 2, bif_member, 0},
    {0},
};
