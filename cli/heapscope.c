/*
 * heapscope — the one binary: parses the command line and hands off to the runtime, the agent
 * or the viewer. Exit codes (DESIGN.md): 0 ok, 1 program crashed, 2 usage or compile error,
 * 3 a --fail-on check tripped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "atom.h"
#include "code.h"
#include "gc.h"
#include "hs.h"
#include "lang/compile.h"
#include "print.h"
#include "strbuf.h"

static const char usage[] =
    "usage: heapscope COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "A memory profiler and leak detector for actor programs: an Erlang-subset runtime with the\n"
    "BEAM's memory model, an in-process agent and a live dashboard.\n"
    "\n"
    "commands:\n"
    "  run [OPTIONS] FILE.erl [ARGS...]  compile FILE.erl and call main/1 (or main/0)\n"
    "      --top  --report FILE|-  --fail-on LIST  --no-agent  --schedulers N  -pa DIR\n"
    "      +hms WORDS  +hmqd off_heap|on_heap  +fsa N  --sharing-preserving\n"
    "  eval 'EXPRS.'                     evaluate expressions and print the result\n"
    "  top [TARGET]                      attach the live dashboard to a running runtime\n"
    "  ps [TARGET] [--json]              list the processes of a running runtime\n"
    "  gc [TARGET] [PID|--all] [--major] force GCs, print before/after per process\n"
    "  report [TARGET] [-o FILE]         JSON report of a running runtime\n"
    "  ets [TARGET] [--json]             ETS tables and their memory\n"
    "\n"
    "  -h, --help      this text\n"
    "  -V, --version   version and the OTP release whose memory model is reproduced\n"
    "\n"
    "TARGET is an OS pid or a socket path; with one runtime running it may be left out.\n"
    "exit status: 0 ok, 1 program crashed, 2 usage or compile error, 3 a --fail-on check tripped\n";

static const char *const later[] = {"top", "ps", "gc", "report", "ets"};

/* The report erl -noshell prints when a process dies of an exception (error_logger's shape). */
static void crash_report(Process *p)
{
    Term cls = p->exc.class, reason = p->exc.reason;
    Heap *h = &p->heap;
    Term value;
    if (cls == AM(exit)) {
        value = reason;
    } else {
        if (cls == AM(throw)) {
            Term *hp = heap_halloc(h, 3);
            hp[0] = make_tuple_header(2);
            hp[1] = atom_put("nocatch", 7);
            hp[2] = reason;
            reason = make_boxed(hp);
        }
        Term *hp = heap_halloc(h, 3);
        hp[0] = make_tuple_header(2);
        hp[1] = reason;
        hp[2] = p->exc.stacktrace == NONVALUE ? NIL : p->exc.stacktrace;
        value = make_boxed(hp);
    }
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    localtime_r(&tv.tv_sec, &tm);
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    StrBuf sb = STRBUF_INIT;
    sb_printf(&sb, "=ERROR REPORT==== %d-%s-%d::%02d:%02d:%02d.%06ld ===\n", tm.tm_mday,
              mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
              (long)tv.tv_usec);
    sb_puts(&sb, "Error in process ");
    print_w(&sb, p->pid, -1);
    sb_puts(&sb, " with exit value:\n");
    PrintOpts po = PRINT_OPTS_DEFAULT;
    print_p(&sb, value, &po);
    sb_puts(&sb, "\n\n");
    fwrite(sb.data, 1, sb.len, stderr);
    sb_free(&sb);
}

/* Runs p to the end: 0 when it returns, 1 when it crashes. */
static int run_process(Process *p)
{
    for (;;) {
        VmStatus st = vm_run(p);
        if (st == VM_YIELD) continue;
        if (st == VM_DONE) return 0;
        if (st == VM_WAIT) {
            /* One process and no timeout: nothing can ever arrive. */
            for (;;) pause();
        }
        if (p->exc.class == AM(exit) && p->exc.reason == AM(normal)) return 0;
        fflush(stdout);
        /* As erts: errors and uncaught throws are logged, exits are not (but the program
         * still failed). */
        if (p->exc.class != AM(exit)) crash_report(p);
        return 1;
    }
}

/* Verifying the heap after every GC (HS_TEST_HOOKS builds) costs more than the program: a
 * program run does it only when asked (HEAPSCOPE_GC_VERIFY=1) or under GC stress. */
static void set_gc_verify(void)
{
    const char *v = getenv("HEAPSCOPE_GC_VERIFY");
    gc_verify_after_gc = v ? (*v && strcmp(v, "0") != 0) : heap_gc_stress;
}

static int start_main(Module *m, char **args, int nargs)
{
    Term main_a = atom_put("main", 4);
    Export *e1 = code_export(m->name, main_a, 1), *e0 = code_export(m->name, main_a, 0);
    Process *p = process_new();
    int rc;
    if (e1->code) {
        Term list = NIL;
        for (int i = nargs; i-- > 0;) {
            size_t n = strlen(args[i]);
            Term s = NIL;
            Term *hp = heap_halloc(&p->heap, 2 * n + 2);
            for (size_t k = n; k-- > 0;) s = cons_at(hp + 2 * k, make_small((unsigned char)args[i][k]), s);
            list = cons_at(hp + 2 * n, s, list);
        }
        process_setup_call(p, e1->code, &list, 1);
    } else if (e0->code) {
        process_setup_call(p, e0->code, NULL, 0);
    } else {
        fprintf(stderr, "heapscope: %s exports neither main/1 nor main/0\n", m->file);
        process_free(p);
        return 2;
    }
    rc = run_process(p);
    fflush(stdout);
    process_free(p);
    return rc;
}

static int cmd_run(int argc, char **argv)
{
    int i = 2;
    const char *pa[64];
    int npa = 0;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-pa") && i + 1 < argc) {
            if (npa < 64) pa[npa++] = argv[i + 1];
            i++;
        } else if (!strcmp(a, "--report") || !strcmp(a, "--fail-on") || !strcmp(a, "--schedulers") ||
                   !strcmp(a, "+hms") || !strcmp(a, "+hmqd") || !strcmp(a, "+fsa")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "heapscope: %s needs an argument\n", a);
                return 2;
            }
            i++;
        } else if (!strcmp(a, "--top") || !strcmp(a, "--no-agent") || !strcmp(a, "--sharing-preserving")) {
            continue;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "heapscope run: unknown option '%s'\n", a);
            return 2;
        } else {
            break;
        }
    }
    if (i >= argc) {
        fputs("usage: heapscope run [OPTIONS] FILE.erl [ARGS...]\n", stderr);
        return 2;
    }
    const char *file = argv[i];
    hs_init();
    set_gc_verify();
    char *dir = strdup(file);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = 0;
    else strcpy(dir, ".");
    code_add_path(dir);
    free(dir);
    for (int k = 0; k < npa; k++) code_add_path(pa[k]);
    Module *m = code_load_file(file);
    if (!m) return 2;
    return start_main(m, argv + i + 1, argc - i - 1);
}

static int cmd_eval(int argc, char **argv)
{
    if (argc != 3) {
        fputs("usage: heapscope eval 'EXPRS.'\n", stderr);
        return 2;
    }
    const char *src = argv[2];
    size_t n = strlen(src);
    while (n && (src[n - 1] == ' ' || src[n - 1] == '\n' || src[n - 1] == '\t')) n--;
    if (n && src[n - 1] == '.') n--;
    hs_init();
    set_gc_verify();
    code_add_path(".");
    StrBuf sb = STRBUF_INIT;
    sb_printf(&sb, "-module(heapscope_eval).\n-export([main/0]).\nmain() -> io:format(\"~p~n\", [begin\n%.*s\nend]).\n",
              (int)n, src);
    Module *m = compile_and_load("heapscope_eval.erl", sb.data, sb.len);
    sb_free(&sb);
    if (!m) return 2;
    return start_main(m, NULL, 0);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        fputs(usage, stdout);
        return 0;
    }
    if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
        printf("heapscope %s (memory model of %s)\n", HEAPSCOPE_VERSION, HEAPSCOPE_OTP_REFERENCE);
        return 0;
    }
    if (!strcmp(cmd, "run")) return cmd_run(argc, argv);
    if (!strcmp(cmd, "eval")) return cmd_eval(argc, argv);
    for (size_t i = 0; i < sizeof later / sizeof later[0]; i++) {
        if (!strcmp(cmd, later[i])) {
            fprintf(stderr, "heapscope: '%s' is not built yet in this version\n", cmd);
            return 2;
        }
    }
    fprintf(stderr, "heapscope: unknown command '%s'\n\n%s", cmd, usage);
    return 2;
}
