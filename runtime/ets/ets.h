/*
 * ets.h — ETS tables: memory of their own, owners, access rules, concurrency (OTP's erl_db*.c).
 *
 * A table lives outside every process heap, in malloc'd memory the table counts (OTP's
 * ERTS_DB_TABLE_MEM_COUNTER): its header, hash segments or tree stack, lock stripes and every
 * stored object. An object is stored flat (copy_struct: sharing lost, literals copied, refc
 * binaries referenced with their count up; each object keeps its own off-heap list and drops
 * those references when it is freed). Lookups copy objects out with copy_struct into the
 * caller's heap via heap_halloc: nothing here ever collects.
 *
 * Table ids are magic refs ([hdr REF_MAGIC][EtsTable*][next]) for unnamed tables and the name
 * atom for named_table, as OTP 25's ets:new returns. An EtsTable struct is never freed (a deleted
 * table keeps its struct as a tombstone with dead set and no contents), so a stale tid held in
 * any heap stays safe to resolve: it simply names a dead table (badarg).
 *
 * Locking: the registry of named tables and the list of all tables have their own mutex (a
 * name is resolved through a per-thread cache that a registry generation counter invalidates).
 * Each table has a rwlock (tablock.h: OTP's frequent-read kind with read or write concurrency);
 * a hash table with write_concurrency has in addition 64 striped locks (OTP's
 * DB_HASH_LOCK_CNT): single-key operations hold the table lock shared plus the key's stripe,
 * and so does bucket-array growth (one split at a time, under the split bucket's stripe);
 * whole-table operations and shrinking hold the table lock exclusively. ordered_set (an AVL
 * tree) is under the table lock alone. [any thread] for every function.
 */
#ifndef HS_ETS_H
#define HS_ETS_H

#include "process.h"

typedef enum { ETS_SET, ETS_ORDERED_SET, ETS_BAG, ETS_DUPLICATE_BAG } EtsType;
typedef enum { ETS_PUBLIC, ETS_PROTECTED, ETS_PRIVATE } EtsAccess;
typedef enum { ETS_WC_FALSE, ETS_WC_TRUE, ETS_WC_AUTO } EtsWriteConc;

typedef struct EtsTable EtsTable;

/* Total bytes held by every table (erlang:memory(ets) without allocator overhead). */
Uint ets_total_bytes(void);

/* ---- ownership: the interface for the process layer (issue 4) ---------------------------- */
/*
 * A message the process layer must deliver after an owner's exit or a give_away:
 * {'ETS-TRANSFER', Tid, FromPid, Data} to `to`. Tid and Data are given as the flat term in
 * `msg` (heap-independent: malloc'd words, copy it with copy_struct into the receiver's
 * message area, then free with ets_transfer_free).
 */
typedef struct EtsTransfer {
    Term to;           /* receiving pid */
    Term msg;          /* the message, a flat term inside words[] */
    Uint size;         /* words of msg */
    OffHeap oh;        /* its ProcBins and magic refs */
    struct EtsTransfer *next;
    Term words[];
} EtsTransfer;

/* The owner `pid` exited: its tables with an heir that is not the owner itself (OTP also
 * requires the heir alive: `alive(pid)` answers that; NULL means "assume alive") pass to the
 * heir, the rest are deleted. Returns the messages to deliver (a list, NULL if none). */
EtsTransfer *ets_owner_exited(Term pid, bool (*alive)(Term pid));
void ets_transfer_free(EtsTransfer *list);

/* ---- the ets module's functions, as BIFs (runtime/bif/ets.c wraps them) ------------------ */
/* Each takes the caller and the BIF's arguments and returns the result or NONVALUE with the
 * exception set (badarg as OTP). give_away returns its message through *out (caller
 * delivers, or frees it with ets_transfer_free). */
Term ets_bif_new(Process *p, Term name, Term opts);
Term ets_bif_delete1(Process *p, Term tab);
Term ets_bif_delete2(Process *p, Term tab, Term key);
Term ets_bif_delete_object(Process *p, Term tab, Term obj);
Term ets_bif_delete_all_objects(Process *p, Term tab);
Term ets_bif_insert(Process *p, Term tab, Term objs, bool only_new);
Term ets_bif_lookup(Process *p, Term tab, Term key);
Term ets_bif_lookup_element(Process *p, Term tab, Term key, Term pos);
Term ets_bif_member(Process *p, Term tab, Term key);
Term ets_bif_take(Process *p, Term tab, Term key);
Term ets_bif_update_counter(Process *p, Term tab, Term key, Term op, Term deflt);
Term ets_bif_update_element(Process *p, Term tab, Term key, Term elems);
Term ets_bif_first(Process *p, Term tab, bool last);
Term ets_bif_next(Process *p, Term tab, Term key, bool prev);
Term ets_bif_tab2list(Process *p, Term tab);
Term ets_bif_info1(Process *p, Term tab);
Term ets_bif_info2(Process *p, Term tab, Term item);
Term ets_bif_whereis(Process *p, Term name);
Term ets_bif_all(Process *p);
Term ets_bif_rename(Process *p, Term tab, Term name);
Term ets_bif_give_away(Process *p, Term tab, Term pid, Term gift, EtsTransfer **out);
Term ets_bif_setopts(Process *p, Term tab, Term opts);
/* safe_fixtable/2: counts fixes; while a hash table is fixed, next/2 on a key that is no
 * longer there goes on with the following buckets instead of badarg (as OTP's fixed tables). */
Term ets_bif_safe_fixtable(Process *p, Term tab, Term fix);

/* Match specifications (match.c). kind: what to do with each matching object. */
typedef enum { ETS_SEL_LIST, ETS_SEL_COUNT, ETS_SEL_DELETE, ETS_SEL_REPLACE } EtsSelKind;
/* select/2 (reverse: select_reverse/2), select_count/2, select_delete/2. */
Term ets_bif_select(Process *p, Term tab, Term ms, EtsSelKind kind, bool reverse);
/* select/3 and select_reverse/3: {Results, Continuation} or '$end_of_table'. */
Term ets_bif_select_limit(Process *p, Term tab, Term ms, Term limit, bool reverse);
/* select/1 on a continuation. */
Term ets_bif_select_cont(Process *p, Term cont);
/* match/2 and match_object/2: a pattern turned into a match spec. */
Term ets_bif_match(Process *p, Term tab, Term pattern, bool object);
Term ets_bif_match_limit(Process *p, Term tab, Term pattern, Term limit, bool object);
Term ets_bif_match_cont(Process *p, Term cont);
/* ets:match_spec_compile-free check: is ms a well-formed match spec? */
bool ets_ms_valid(Term ms);
/* select_replace/2 is ets_bif_select(p, tab, ms, ETS_SEL_REPLACE, false): badarg on a bag or
 * when a clause may change its object's key (OTP's db_match_keeps_key). */
/* match_spec_compile/1: {'$heapscope_ms', MS} after checking MS (OTP's is a magic ref);
 * is_compiled_ms/1; match_spec_run_r/3: each element of List the spec accepts, its result
 * consed onto Acc (ets:match_spec_run/2 reverses it, in ets.erl). */
Term ets_bif_match_spec_compile(Process *p, Term ms);
Term ets_bif_is_compiled_ms(Process *p, Term t);
/* erlang:match_spec_test(Term, MS, table): {ok, Result, [], []} (Result false when no clause
 * matches) or {error, [{error, Text}...]} with OTP's lint errors (unbound variables, unknown
 * functions, ...) in OTP's order; any Type but table is badarg (no trace specs here). */
Term ets_bif_match_spec_test(Process *p, Term term, Term ms, Term type);
Term ets_bif_match_spec_run_r(Process *p, Term list, Term cms, Term acc);
/* slot/2: a hash table's bucket I (its objects as lookup lists them), an ordered_set's I-th
 * object in a list; '$end_of_table' at the end, badarg past it. */
Term ets_bif_slot(Process *p, Term tab, Term i);

/* ---- match specifications on terms outside any table (dets runs them) -------------------- */
/* The same engine as select/2 (docs/ets.md, "Match specifications"), on any object. */
typedef struct EtsMatchSpec EtsMatchSpec;
/* NULL when ms is not a well-formed match spec (badarg). ms must stay valid (unmoved) while
 * the spec is in use; self is the caller's pid, for self() in guards and bodies. */
EtsMatchSpec *ets_ms_new(Term ms, Term self);
/* The value of the first clause whose head and guards accept obj ('EXIT' when its body
 * fails), or NONVALUE when none does. The value may point into obj and into the spec's
 * scratch heap: copy it out (ets_copy_out) before the next ets_ms_run or ets_ms_free. */
Term ets_ms_run(EtsMatchSpec *m, Term obj);
void ets_ms_free(EtsMatchSpec *m);
/* Copies a term into p's heap with copy_struct (flat; ProcBins linked on p's off-heap list);
 * size is size_object(t). Never collects. */
Term ets_copy_out(Process *p, Term t, Uint size);

#endif
