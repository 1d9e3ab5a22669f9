/*
 * code.c — module loading: threading compiled code, the export table, module search.
 */
#include "code.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atom.h"
#include "lang/compile.h"

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) abort();
    return q;
}

#define GROW(arr, n, cap)                                                   \
    do {                                                                    \
        if ((n) == (cap)) {                                                 \
            (cap) = (cap) ? 2 * (cap) : 64;                                 \
            (arr) = xrealloc((arr), (cap) * sizeof *(arr));                 \
        }                                                                   \
    } while (0)

/* ---- the compiler's buffer ---------------------------------------------------------- */

void codebuf_emit(CodeBuf *cb, Instr w)
{
    GROW(cb->w, cb->n, cb->cap);
    cb->w[cb->n++] = w;
}

unsigned codebuf_new_label(CodeBuf *cb)
{
    GROW(cb->labels, cb->n_labels, cb->cap_labels);
    cb->labels[cb->n_labels] = (size_t)-1;
    return (unsigned)cb->n_labels++;
}

void codebuf_bind_label(CodeBuf *cb, unsigned label) { cb->labels[label] = cb->n; }

unsigned codebuf_import(CodeBuf *cb, Term m, Term f, unsigned a)
{
    for (size_t i = 0; i < cb->n_imports; i++)
        if (cb->imports[i].module == m && cb->imports[i].name == f && cb->imports[i].arity == a)
            return (unsigned)i;
    GROW(cb->imports, cb->n_imports, cb->cap_imports);
    cb->imports[cb->n_imports] = (CodeImport){m, f, a};
    return (unsigned)cb->n_imports++;
}

void codebuf_line(CodeBuf *cb, int line)
{
    if (cb->n_lines && cb->lines[cb->n_lines - 1].line == line &&
        cb->lines[cb->n_lines - 1].offset <= cb->n)
        return;
    if (cb->n_lines && cb->lines[cb->n_lines - 1].offset == cb->n) {
        cb->lines[cb->n_lines - 1].line = line;
        return;
    }
    GROW(cb->lines, cb->n_lines, cb->cap_lines);
    cb->lines[cb->n_lines++] = (CodeLine){(uint32_t)cb->n, line};
}

void codebuf_free(CodeBuf *cb)
{
    free(cb->w);
    free(cb->labels);
    free(cb->imports);
    free(cb->fundefs);
    free(cb->exports);
    free(cb->funcs);
    free(cb->lines);
    free(cb->gclive);
    memset(cb, 0, sizeof *cb);
}

/* ---- the code lock ---------------------------------------------------------------------
 * Loading (on first call, from any scheduler), the export table, the module list and the
 * search paths are guarded by one recursive lock (compile_and_load -> code_load -> code_export
 * nest). The VM's fast path reads Export.code and Export.bif without it: they are published
 * with release stores after the code they point to is complete, and read with acquire loads
 * (code_export_code, code_export_bif). */
static pthread_mutex_t code_mu;
static pthread_once_t code_mu_once = PTHREAD_ONCE_INIT;

static void code_mu_init(void)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&code_mu, &a);
    pthread_mutexattr_destroy(&a);
}

void code_lock(void)
{
    pthread_once(&code_mu_once, code_mu_init);
    pthread_mutex_lock(&code_mu);
}

void code_unlock(void) { pthread_mutex_unlock(&code_mu); }

static void publish_bif(Export *e, const BifDef *b) { __atomic_store_n(&e->bif, b, __ATOMIC_RELEASE); }
static void publish_code(Export *e, const Instr *c) { __atomic_store_n(&e->code, c, __ATOMIC_RELEASE); }

/* ---- the export table ---------------------------------------------------------------- */

static Export **exp_slots;
static size_t exp_cap, exp_count;

static size_t exp_hash(Term m, Term f, unsigned a)
{
    uint64_t h = (m * 0x9E3779B97F4A7C15u) ^ (f * 0xC2B2AE3D27D4EB4Fu) ^ (a * 0x165667B19E3779F9u);
    h ^= h >> 31;
    return (size_t)(h * 0x94D049BB133111EBu >> 13);
}

static void exp_insert(Export *e)
{
    size_t i = exp_hash(e->module, e->name, e->arity) & (exp_cap - 1);
    while (exp_slots[i]) i = (i + 1) & (exp_cap - 1);
    exp_slots[i] = e;
}

static Export *export_locked(Term m, Term f, unsigned a);

Export *code_export(Term m, Term f, unsigned a)
{
    code_lock();
    Export *e = export_locked(m, f, a);
    code_unlock();
    return e;
}

static Export *export_locked(Term m, Term f, unsigned a)
{
    if (exp_cap) {
        for (size_t i = exp_hash(m, f, a) & (exp_cap - 1); exp_slots[i]; i = (i + 1) & (exp_cap - 1)) {
            Export *e = exp_slots[i];
            if (e->module == m && e->name == f && e->arity == a) return e;
        }
    }
    if (2 * (exp_count + 1) > exp_cap) {
        Export **old = exp_slots;
        size_t oldcap = exp_cap;
        exp_cap = exp_cap ? 2 * exp_cap : 1024;
        exp_slots = calloc(exp_cap, sizeof *exp_slots);
        if (!exp_slots) abort();
        for (size_t i = 0; i < oldcap; i++)
            if (old[i]) exp_insert(old[i]);
        free(old);
    }
    Export *e = calloc(1, sizeof *e);
    if (!e) abort();
    e->module = m;
    e->name = f;
    e->arity = a;
    exp_insert(e);
    exp_count++;
    return e;
}

FunEntry *code_export_fun(Export *e)
{
    FunEntry *fe = __atomic_load_n(&e->fun, __ATOMIC_ACQUIRE);
    if (fe) return fe;
    code_lock();
    fe = e->fun;
    if (!fe) {
        fe = calloc(1, sizeof *fe);
        if (!fe) abort();
        fe->module = e->module;
        fe->name = e->name;
        fe->arity = e->arity;
        fe->is_export = 1;
        fe->code = e;
        __atomic_store_n(&e->fun, fe, __ATOMIC_RELEASE);
    }
    code_unlock();
    return fe;
}

bool code_resolve(Export *e)
{
    if (code_export_code(e) || code_export_bif(e)) return true;
    code_lock();
    if (!e->resolved) {
        e->resolved = true;
        publish_bif(e, bif_lookup(e->module, e->name, e->arity));
    }
    if (!e->bif && !code_find_module(e->module)) code_ensure_loaded(e->module);
    bool ok = e->code || e->bif;
    code_unlock();
    return ok;
}

/* ---- modules --------------------------------------------------------------------------- */

static Module **modules;
static size_t n_modules, cap_modules;

Module *code_find_module(Term name)
{
    Module *found = NULL;
    code_lock();
    for (size_t i = 0; i < n_modules && !found; i++)
        if (modules[i]->name == name) found = modules[i];
    code_unlock();
    return found;
}

static int cmp_func(const void *a, const void *b)
{
    const CodeFunc *x = a, *y = b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Lists cb's instructions (HEAPSCOPE_DISASM=1): a debugging aid for the compiler. */
static void code_disasm(const CodeBuf *cb, FILE *out)
{
    size_t i = 0;
    while (i < cb->n) {
        unsigned op = (unsigned)cb->w[i];
        fprintf(out, "%5zu %s", i, op < OPC_COUNT ? vm_opcode_names[op] : "?");
        i++;
        for (const char *k = op < OPC_COUNT ? vm_opcode_kinds[op] : ""; *k; k++) {
            Instr w = cb->w[i++];
            if (*k == 's' || *k == 'd') {
                if (vm_operand_is_reg(w)) fprintf(out, " %c%lu", (w & 4) ? 'y' : 'x', (unsigned long)(w >> 3));
                else fprintf(out, " #%lx", (unsigned long)w);
            } else if (*k == 'L' || *k == 'c') {
                fprintf(out, " L%lu(@%ld)", (unsigned long)w, w ? (long)cb->labels[w] : -1L);
            } else if (*k == 'n') {
                fprintf(out, " n=%lu:", (unsigned long)w);
                for (Instr j = 0; j < w; j++) {
                    Instr v = cb->w[i++];
                    if (vm_operand_is_reg(v)) fprintf(out, " %c%lu", (v & 4) ? 'y' : 'x', (unsigned long)(v >> 3));
                    else fprintf(out, " #%lx", (unsigned long)v);
                }
            } else {
                fprintf(out, " %lu", (unsigned long)w);
            }
        }
        fputc('\n', out);
    }
}

static Module *load_locked(Term name, const char *file, CodeBuf *cb);

Module *code_load(Term name, const char *file, CodeBuf *cb)
{
    code_lock();
    Module *m = load_locked(name, file, cb);
    code_unlock();
    return m;
}

static unsigned specialise(const CodeBuf *cb, size_t at);

static bool is_xreg(Instr w) { return vm_operand_is_reg(w) && !(w & 4); }

/* Forms by operand kind: comparisons of an x register with an immediate or a small integer,
 * list matching on x registers, and move_xy_op2c told which op2 follows. A fused form that
 * goes on to its successor's handler (vm.h) is chosen only when that successor gets the
 * form the fused one jumps to. */
static unsigned specialise_kinds(const CodeBuf *cb, size_t at, unsigned op)
{
    const Instr *w = cb->w + at + 1;
    switch ((VmOpcode)op) {
    case OPC_is_eq_exact:
    case OPC_is_ne_exact:
        if (!is_xreg(w[2]) || (w[3] & 3) != 3) return op; /* not x vs an immediate */
        return op == OPC_is_eq_exact ? OPC_is_eq_exact_xi : OPC_is_ne_exact_xi;
    case OPC_is_lt:
    case OPC_is_ge:
        if (is_xreg(w[2]) && is_xreg(w[3])) return op == OPC_is_lt ? OPC_is_lt_xx : OPC_is_ge_xx;
        /* fall through */
    case OPC_is_lt_ret:
        if (!is_xreg(w[2]) || !term_is_small((Term)w[3])) return op;
        return op == OPC_is_lt ? OPC_is_lt_xs : op == OPC_is_ge ? OPC_is_ge_xs : OPC_is_lt_ret_xs;
    case OPC_allocate_mxy: {
        /* The move after it, as this function threads it. */
        unsigned nx = specialise(cb, at + 3);
        return nx == OPC_move_xy ? OPC_allocate_mxy_xy : nx == OPC_move_xy_subc ? OPC_allocate_mxy_subc : op;
    }
    case OPC_move_xy_op2c: return w[2] == OPC_op2_subc_call ? OPC_move_xy_subc : OPC_move_xy_addc;
    case OPC_get_list:
        if (is_xreg(w[0]) && is_xreg(w[1]) && is_xreg(w[2])) return OPC_get_list_xxx;
        return op;
    case OPC_is_nonempty_list_gl:
        if (is_xreg(w[1]) && specialise_kinds(cb, at + 3, OPC_get_list) == OPC_get_list_xxx)
            return OPC_is_nonempty_list_glx;
        return op;
    case OPC_test_list: return is_xreg(w[2]) ? OPC_test_list_x : op;
    case OPC_op2_addc_swc:
    case OPC_op2_subc_swc:
        if (!vm_operand_is_reg(w[2]) || !(w[2] & 4) || !is_xreg(w[4])) return op;
        return op == OPC_op2_addc_swc ? OPC_op2_addc_swc_yx : OPC_op2_subc_swc_yx;
    case OPC_op2_add_dret:
        if (vm_operand_is_reg(w[2]) && (w[2] & 4) && is_xreg(w[3]) && is_xreg(w[4])) return OPC_op2_add_dret_yxx;
        return op;
    default: return op;
    }
}

/* The threaded form of the instruction at `at`: move and op2 have specialised handlers in
 * vm.c for common operands (same operand words, no decoding of the operand kinds). */
static unsigned specialise(const CodeBuf *cb, size_t at)
{
    unsigned op = (unsigned)cb->w[at];
    if (op == OPC_move) {
        Instr s = cb->w[at + 1], d = cb->w[at + 2];
        bool sreg = vm_operand_is_reg(s), dx = !(d & 4);
        /* A move of arguments into place, then the call: one dispatch. */
        if (sreg && !(s & 4) && dx && cb->w[at + 3] == OPC_call) return OPC_move_xx_call;
        if (sreg && !(s & 4) && dx && cb->w[at + 3] == OPC_call_only) return OPC_move_xx_call_only;
        if (sreg && !(s & 4)) return dx ? OPC_move_xx : OPC_move_xy;
        if (sreg && dx) return OPC_move_yx;
        if (!sreg && dx) return OPC_move_cx;
    } else if (op == OPC_op2) {
        if (cb->w[at + 2] == VOP_ADD) return OPC_op2_add;
        if (cb->w[at + 2] == VOP_SUB) return OPC_op2_sub;
    }
    return specialise_kinds(cb, at, op);
}

/* ---- fail labels threaded past a repeated list match ----------------------------------- */

/* Instructions that only test: they write nothing and either fall through or jump. */
static bool is_pure_test(unsigned op)
{
    switch ((VmOpcode)op) {
    case OPC_test:
    case OPC_cmp:
    case OPC_is_tuple_arity:
    case OPC_is_nonempty_list:
    case OPC_is_nil:
    case OPC_is_record:
    case OPC_is_fun_arity:
    case OPC_is_lt:
    case OPC_is_ge:
    case OPC_is_eq_exact:
    case OPC_is_ne_exact:
    case OPC_test_list:
    case OPC_test_integer:
    case OPC_test_atom:
    case OPC_test_tuple: return true;
    default: return false;
    }
}

static bool is_list_test(unsigned op) { return op == OPC_is_nonempty_list || op == OPC_is_nonempty_list_gl; }

/* The fail label of the test at instruction k (word offset cb->w's starts[k]), given its
 * target offset t. A clause `f([H|T]) when is_list(H)` failing into the next clause `f([H|T])`
 * jumps to an is_nonempty_list and a get_list that the failing test's own run already did:
 * when the test is reached only from them (no label on the get_list or between) through pure
 * tests, the registers still hold the get_list's results, so the jump goes past the pair
 * (lists:flatten's do_flatten/2 re-matched every element that is not a list). */
static size_t thread_fail(const CodeBuf *cb, const size_t *starts, size_t k, const bool *labelled,
                          size_t t)
{
    size_t j = k;
    while (j > 0 && !labelled[starts[j]] && is_pure_test((unsigned)cb->w[starts[j]])) j--;
    if (j < 1 || j == k || labelled[starts[j]] || cb->w[starts[j]] != OPC_get_list) return t;
    const Instr *gl = cb->w + starts[j], *nl = cb->w + starts[j - 1];
    if (!is_list_test((unsigned)nl[0]) || nl[2] != gl[1] || gl[1] == gl[2] || gl[1] == gl[3]) return t;
    if (t + 7 > cb->n || !is_list_test((unsigned)cb->w[t]) || cb->w[t + 2] != gl[1] ||
        memcmp(cb->w + t + 3, gl, 4 * sizeof *gl) != 0)
        return t;
    return t + 7;
}

static Module *load_locked(Term name, const char *file, CodeBuf *cb)
{
    if (code_find_module(name)) return NULL;
    const void *const *addrs = vm_opcode_addrs();
    Module *m = calloc(1, sizeof *m);
    if (!m) abort();
    m->name = name;
    m->file = strdup(file);
    m->code = xrealloc(NULL, (cb->n + 1) * sizeof(Instr));
    m->code_len = cb->n;
    m->info = cb->info;
    m->functions = cb->functions;
    m->n_funs = cb->n_fundefs;
    m->funs = xrealloc(NULL, (m->n_funs + 1) * sizeof *m->funs);
    for (size_t i = 0; i < m->n_funs; i++) {
        FunEntry *fe = calloc(1, sizeof *fe);
        if (!fe) abort();
        fe->module = name;
        fe->name = cb->fundefs[i].name;
        fe->arity = cb->fundefs[i].arity;
        fe->index = (uint32_t)i;
        fe->uniq = (uint32_t)(term_phash2(name) + i * 7919u) & 0x7FFFFFF;
        fe->code = m->code + cb->labels[cb->fundefs[i].label];
        m->funs[i] = fe;
    }
    Export **imports = xrealloc(NULL, (cb->n_imports + 1) * sizeof *imports);
    for (size_t i = 0; i < cb->n_imports; i++)
        imports[i] = code_export(cb->imports[i].module, cb->imports[i].name, cb->imports[i].arity);
    /* Instruction starts and labelled offsets, for thread_fail. */
    bool *labelled = xrealloc(NULL, (cb->n + 1) * sizeof *labelled);
    memset(labelled, 0, (cb->n + 1) * sizeof *labelled);
    for (size_t l = 0; l < cb->n_labels; l++)
        if (cb->labels[l] <= cb->n) labelled[cb->labels[l]] = true;
    size_t *starts = xrealloc(NULL, (cb->n + 1) * sizeof *starts), n_starts = 0;
    for (size_t at = 0; at < cb->n;) {
        starts[n_starts++] = at;
        unsigned op = (unsigned)cb->w[at++];
        for (const char *k = vm_opcode_kinds[op]; *k; k++) at += *k == 'n' ? 1 + cb->w[at] : 1;
    }
    /* Thread the code: every operand kind becomes what the VM reads directly. */
    size_t i = 0;
    for (size_t ki = 0; i < cb->n; ki++) {
        unsigned op = (unsigned)cb->w[i];
        bool test = is_pure_test(op);
        m->code[i] = (Instr)addrs[specialise(cb, i)];
        i++;
        for (const char *k = vm_opcode_kinds[op]; *k; k++) {
            Instr w = cb->w[i];
            switch (*k) {
            case 'L':
                if (!w) m->code[i] = 0;
                else if (test) m->code[i] = (Instr)(m->code + thread_fail(cb, starts, ki, labelled, cb->labels[w]));
                else m->code[i] = (Instr)(m->code + cb->labels[w]);
                break;
            case 'c': {
                m->code[i] = (Instr)make_catch(vm_catch_register(m->code + cb->labels[w]));
                break;
            }
            case 'e': m->code[i] = (Instr)imports[w]; break;
            case 'f': m->code[i] = (Instr)m->funs[w]; break;
            case 'n': {
                m->code[i] = w;
                for (Instr j = 0; j < w; j++) {
                    i++;
                    m->code[i] = cb->w[i];
                }
                break;
            }
            default: m->code[i] = w; break;
            }
            i++;
        }
    }
    free(imports);
    free(labelled);
    free(starts);
    m->n_funcs = cb->n_funcs;
    m->funcs = xrealloc(NULL, (m->n_funcs + 1) * sizeof *m->funcs);
    memcpy(m->funcs, cb->funcs, m->n_funcs * sizeof *m->funcs);
    qsort(m->funcs, m->n_funcs, sizeof *m->funcs, cmp_func);
    m->n_lines = cb->n_lines;
    m->lines = xrealloc(NULL, (m->n_lines + 1) * sizeof *m->lines);
    memcpy(m->lines, cb->lines, m->n_lines * sizeof *m->lines);
    m->n_gclive = cb->n_gclive;
    m->gclive = xrealloc(NULL, (m->n_gclive + 1) * sizeof *m->gclive);
    if (m->n_gclive) memcpy(m->gclive, cb->gclive, m->n_gclive * sizeof *m->gclive);
    for (size_t k = 0; k < cb->n_exports; k++) {
        Export *e = code_export(name, cb->exports[k].name, cb->exports[k].arity);
        /* A BIF wins over the module's Erlang definition (maps:get/2 is C even though
         * maps.erl defines it), as in OTP. */
        if (!e->resolved) {
            e->resolved = true;
            publish_bif(e, bif_lookup(e->module, e->name, e->arity));
        }
        if (!e->bif) publish_code(e, m->code + cb->labels[cb->exports[k].label]);
    }
    GROW(modules, n_modules, cap_modules);
    modules[n_modules++] = m;
    if (getenv("HEAPSCOPE_DISASM")) code_disasm(cb, stderr);
    return m;
}

static bool lookup_locked(const Instr *addr, Module **mod, const CodeFunc **fn, int *line);

Uint code_memory_bytes(void)
{
    code_lock();
    Uint b = exp_cap * sizeof(Export *) + exp_count * sizeof(Export);
    for (size_t i = 0; i < n_modules; i++) {
        const Module *m = modules[i];
        b += sizeof *m + (m->code_len + 1) * sizeof(Instr) + m->n_funs * sizeof(FunEntry) +
             m->n_funcs * sizeof(CodeFunc) + m->n_lines * sizeof(CodeLine) +
             m->n_gclive * sizeof(CodeGcLive);
    }
    code_unlock();
    return b;
}

bool code_lookup(const Instr *addr, Module **mod, const CodeFunc **fn, int *line)
{
    code_lock();
    bool ok = lookup_locked(addr, mod, fn, line);
    code_unlock();
    return ok;
}

static bool lookup_locked(const Instr *addr, Module **mod, const CodeFunc **fn, int *line)
{
    for (size_t i = 0; i < n_modules; i++) {
        Module *m = modules[i];
        if (addr < m->code || addr > m->code + m->code_len) continue;
        uint32_t off = (uint32_t)(addr - m->code);
        const CodeFunc *best = NULL;
        for (size_t k = 0; k < m->n_funcs; k++) {
            if (m->funcs[k].offset <= off) best = &m->funcs[k];
            else break;
        }
        int ln = best ? best->line : 0;
        size_t lo = 0, hi = m->n_lines;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (m->lines[mid].offset <= off) lo = mid + 1;
            else hi = mid;
        }
        if (lo > 0 && best && m->lines[lo - 1].offset >= best->offset) ln = m->lines[lo - 1].line;
        *mod = m;
        *fn = best;
        *line = ln;
        return best != NULL;
    }
    return false;
}

unsigned code_gc_live(const Instr *end)
{
    unsigned live = 0;
    code_lock();
    for (size_t i = 0; i < n_modules; i++) {
        const Module *m = modules[i];
        if (end <= m->code || end > m->code + m->code_len) continue;
        uint32_t off = (uint32_t)(end - m->code);
        size_t lo = 0, hi = m->n_gclive;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (m->gclive[mid].end < off) lo = mid + 1;
            else hi = mid;
        }
        if (lo < m->n_gclive && m->gclive[lo].end == off) live = m->gclive[lo].live;
        break;
    }
    code_unlock();
    return live;
}

/* ---- finding modules ------------------------------------------------------------------- */

static char **paths;
static size_t n_paths, cap_paths;

void code_add_path(const char *dir)
{
    code_lock();
    GROW(paths, n_paths, cap_paths);
    paths[n_paths++] = strdup(dir);
    code_unlock();
}

Module *code_load_file(const char *path)
{
    return compile_and_load(path, NULL, 0);
}

static Module *ensure_locked(Term name);

Module *code_ensure_loaded(Term name)
{
    code_lock();
    Module *m = ensure_locked(name);
    code_unlock();
    return m;
}

/* Compiling happens under the lock too: the compiler keeps state in globals. */
static Module *ensure_locked(Term name)
{
    Module *m = code_find_module(name);
    if (m) return m;
    size_t len;
    const char *nm = atom_name(name, &len);
    char buf[4096];
    for (size_t i = 0; i < n_paths; i++) {
        snprintf(buf, sizeof buf, "%s/%.*s.erl", paths[i], (int)len, nm);
        struct stat st;
        if (stat(buf, &st) == 0) return compile_and_load(buf, NULL, 0);
    }
    for (const EmbeddedModule *em = code_embedded_modules; em->name; em++) {
        if (strlen(em->name) == len && !memcmp(em->name, nm, len)) {
            snprintf(buf, sizeof buf, "%s.erl", em->name);
            return compile_and_load(buf, em->source, em->len);
        }
    }
    return NULL;
}
