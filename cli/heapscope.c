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
#include "runtime.h"
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

/* Verifying the heap after every GC (HS_TEST_HOOKS builds) costs more than the program: a
 * program run does it only when asked (HEAPSCOPE_GC_VERIFY=1) or under GC stress. */
static void set_gc_verify(void)
{
    const char *v = getenv("HEAPSCOPE_GC_VERIFY");
    gc_verify_after_gc = v ? (*v && strcmp(v, "0") != 0) : heap_gc_stress;
}

/* Spawns main/1 (with the arguments as strings) or main/0 as the main process and runs the
 * runtime until it halts: 0 when main returns, 1 when it crashes, or erlang:halt's status. */
static int start_main(Module *m, char **args, int nargs, const RtOptions *ro)
{
    Term main_a = atom_put("main", 4);
    Export *e1 = code_export(m->name, main_a, 1), *e0 = code_export(m->name, main_a, 0);
    if (!e1->code && !e0->code) {
        fprintf(stderr, "heapscope: %s exports neither main/1 nor main/0\n", m->file);
        return 2;
    }
    Heap scratch;
    heap_init(&scratch, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    Term list = NIL;
    if (e1->code) {
        for (int i = nargs; i-- > 0;) {
            size_t n = strlen(args[i]);
            Term s = NIL;
            Term *hp = heap_halloc(&scratch, 2 * n + 2);
            for (size_t k = n; k-- > 0;) s = cons_at(hp + 2 * k, make_small((unsigned char)args[i][k]), s);
            list = cons_at(hp + 2 * n, s, list);
        }
        Term *hp = heap_halloc(&scratch, 2);
        list = cons_at(hp, list, NIL);
    }
    if (!rt_start(ro)) {
        fprintf(stderr, "heapscope: cannot start the schedulers\n");
        heap_destroy(&scratch);
        return 2;
    }
    SpawnOpts so;
    rt_spawn_opts_default(&so);
    Term mfa[3] = {m->name, main_a, make_small(e1->code ? 1 : 0)};
    Process *p = rt_spawn(NULL, NULL, mfa, list, &so, true);
    process_release(p);
    heap_destroy(&scratch);
    int rc = rt_wait();
    fflush(stdout);
    return rc;
}

/* A number option's value; false (and a message) when it is not a non-negative integer. */
static bool num_arg(const char *opt, const char *v, Uint *out)
{
    char *end;
    unsigned long long n = strtoull(v, &end, 10);
    if (!*v || *end || v[0] == '-') {
        fprintf(stderr, "heapscope: %s needs a non-negative integer, not '%s'\n", opt, v);
        return false;
    }
    *out = (Uint)n;
    return true;
}

static int cmd_run(int argc, char **argv)
{
    int i = 2;
    const char *pa[64];
    int npa = 0;
    RtOptions ro = {.fullsweep_after = RT_DEFAULT};
    for (; i < argc; i++) {
        const char *a = argv[i];
        bool takes = !strcmp(a, "-pa") || !strcmp(a, "--report") || !strcmp(a, "--fail-on") ||
                     !strcmp(a, "--schedulers") || !strcmp(a, "+hms") || !strcmp(a, "+hmqd") ||
                     !strcmp(a, "+fsa") || !strcmp(a, "--seed");
        if (takes && i + 1 >= argc) {
            fprintf(stderr, "heapscope: %s needs an argument\n", a);
            return 2;
        }
        Uint n;
        if (!strcmp(a, "-pa")) {
            if (npa < 64) pa[npa++] = argv[i + 1];
        } else if (!strcmp(a, "--schedulers")) {
            if (!num_arg(a, argv[i + 1], &n) || n < 1 || n > SCHED_MAX_THREADS) {
                fprintf(stderr, "heapscope: --schedulers takes 1 to %d\n", SCHED_MAX_THREADS);
                return 2;
            }
            ro.schedulers = (unsigned)n;
        } else if (!strcmp(a, "--seed")) {
            if (!num_arg(a, argv[i + 1], &n)) return 2;
            ro.seed = n;
        } else if (!strcmp(a, "+hms")) {
            if (!num_arg(a, argv[i + 1], &ro.min_heap_size)) return 2;
        } else if (!strcmp(a, "+fsa")) {
            if (!num_arg(a, argv[i + 1], &ro.fullsweep_after)) return 2;
        } else if (!strcmp(a, "+hmqd")) {
            if (strcmp(argv[i + 1], "on_heap") && strcmp(argv[i + 1], "off_heap")) {
                fprintf(stderr, "heapscope: +hmqd takes on_heap or off_heap\n");
                return 2;
            }
            ro.off_heap = !strcmp(argv[i + 1], "off_heap");
        } else if (!strcmp(a, "--sharing-preserving")) {
            ro.sharing_preserving = true;
            continue;
        } else if (!strcmp(a, "--top") || !strcmp(a, "--no-agent")) {
            continue;
        } else if (takes) {
            /* --report, --fail-on: the agent's (issue 6). */
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "heapscope run: unknown option '%s'\n", a);
            return 2;
        } else {
            break;
        }
        i++;
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
    return start_main(m, argv + i + 1, argc - i - 1, &ro);
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
    RtOptions ro = {.fullsweep_after = RT_DEFAULT};
    return start_main(m, NULL, 0, &ro);
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
