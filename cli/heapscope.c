/*
 * heapscope — the one binary: parses the command line and hands off to the runtime, the agent
 * or the viewer. Exit codes (DESIGN.md): 0 ok, 1 program crashed, 2 usage or compile error,
 * 3 a --fail-on check tripped.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "atom.h"
#include "client.h"
#include "host_rt.h"
#include "server.h"
#include "viewer.h"
#include "code.h"
#include "gc.h"
#include "hs.h"
#include "probe.h"
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
    "      +hms WORDS  +hmqd off_heap|on_heap  +fsa N  --sharing-preserving  --seed N\n"
    "      --sample-interval MS (agent samples, default 100)  --socket-dir DIR\n"
    "      --send-sample-every N (1 in N sends measures sharing; default 16, 0 never)\n"
    "      --native-all (native report: message fragments and ETS objects too)\n"
    "      --fail-on: leak, lost-sharing=RATIO, peak-memory=BYTES, gc-pause-p99=MS\n"
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

/* Verifying the heap after every GC (HS_TEST_HOOKS builds) costs more than the program: a
 * program run does it only when asked (HEAPSCOPE_GC_VERIFY=1) or under GC stress. */
static void set_gc_verify(void)
{
    const char *v = getenv("HEAPSCOPE_GC_VERIFY");
    gc_verify_after_gc = v ? (*v && strcmp(v, "0") != 0) : heap_gc_stress;
}

/* What `run` asked of the agent. */
typedef struct RunAgent {
    bool on, top;
    const char *report;          /* --report FILE|-, or NULL */
    bool fail_on_given;
    AgentFailOn fail_on;
    unsigned sample_interval_ms; /* 0: the agent's default */
    int send_sample_every;       /* -1: the agent's default */
    bool native_all;             /* --native-all: message fragments and ETS objects too */
    const char *socket_dir;      /* NULL: the environment's */
    AgentHost host;
    Server *server;
} RunAgent;

/* Attaches the agent before any scheduler runs (agent.h) and opens the control socket. A
 * failure leaves the program running uninstrumented, with a warning. */
static void agent_start(RunAgent *ag, const char *program, const RtOptions *ro)
{
    unsigned n = ro->schedulers ? ro->schedulers : sched_online_cores();
    if (n > SCHED_MAX_THREADS) n = SCHED_MAX_THREADS;
    host_rt_init(&ag->host, program, n);
    AgentConfig cfg;
    agent_config_default(&cfg);
    if (ag->sample_interval_ms) cfg.sample_interval_ms = ag->sample_interval_ms;
    if (ag->send_sample_every >= 0) cfg.send_sample_every = (unsigned)ag->send_sample_every;
    if (ag->native_all) cfg.native_kinds = ~0u;
    if (!agent_attach(&ag->host, &cfg)) {
        fprintf(stderr, "heapscope: the agent could not start; running without it\n");
        ag->on = false;
        return;
    }
    char err[256];
    ag->server = server_start_agent(ag->socket_dir, err, sizeof err);
    if (!ag->server) fprintf(stderr, "heapscope: no control socket: %s\n", err);
}

/* Writes the report and judges --fail-on; returns whether a check tripped. */
static bool agent_finish(RunAgent *ag, int status)
{
    agent_run_finished(status);
    bool tripped = false;
    if (ag->report || ag->fail_on_given) {
        char *text = agent_report_json(ag->fail_on_given ? &ag->fail_on : NULL, &tripped);
        if (!text) {
            fprintf(stderr, "heapscope: the agent could not build its report\n");
        } else if (ag->report && !strcmp(ag->report, "-")) {
            fflush(stdout);
            printf("%s\n", text);
            fflush(stdout);
        } else if (ag->report) {
            FILE *f = fopen(ag->report, "w");
            bool ok = f && fprintf(f, "%s\n", text) >= 0;
            if (f && fclose(f) != 0) ok = false;
            if (!ok) fprintf(stderr, "heapscope: cannot write the report to %s\n", ag->report);
        }
        free(text);
    }
    server_stop(ag->server);   /* no-op when NULL; it was already stopped under --top */
    ag->server = NULL;
    agent_detach();
    return tripped;
}

typedef struct Waiter {
    RunAgent *ag;
    int status;
} Waiter;

/* --top: the dashboard owns the main thread, so the runtime is waited for here; closing the
 * socket when the program ends tells the dashboard to leave. */
static void *wait_runtime(void *arg)
{
    Waiter *w = arg;
    w->status = rt_wait();
    server_stop(w->ag->server);
    w->ag->server = NULL;
    return NULL;
}

static int wait_for_program(RunAgent *ag)
{
    if (!ag || !ag->on || !ag->top || !ag->server) return rt_wait();
    Waiter w = {ag, 0};
    pthread_t t;
    if (pthread_create(&t, NULL, wait_runtime, &w) != 0) return rt_wait();
    if (viewer_run_attached(server_path(ag->server), 0, true) != 0)
        fprintf(stderr, "heapscope: --top needs a terminal; the program runs on without it\n");
    pthread_join(t, NULL);
    return w.status;
}

/* Spawns main/1 (with the arguments as strings) or main/0 as the main process and runs the
 * runtime until it halts: 0 when main returns, 1 when it crashes, or erlang:halt's status; 3
 * when main returned 0 but a --fail-on check tripped. */
static int start_main(Module *m, char **args, int nargs, const RtOptions *ro, RunAgent *ag)
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
    if (ag && ag->on) agent_start(ag, m->file, ro);
    if (!rt_start(ro)) {
        fprintf(stderr, "heapscope: cannot start the schedulers\n");
        heap_destroy(&scratch);
        if (ag && ag->on) agent_finish(ag, 2);
        return 2;
    }
    SpawnOpts so;
    rt_spawn_opts_default(&so);
    Term mfa[3] = {m->name, main_a, make_small(e1->code ? 1 : 0)};
    Process *p = rt_spawn(NULL, mfa, list, &so, true);
    process_release(p);
    heap_destroy(&scratch);
    int rc = wait_for_program(ag);
    fflush(stdout);
    if (ag && ag->on && agent_finish(ag, rc) && rc == 0) rc = 3;
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
    RunAgent ag = {.on = true, .send_sample_every = -1};
    for (; i < argc; i++) {
        const char *a = argv[i];
        bool takes = !strcmp(a, "-pa") || !strcmp(a, "--report") || !strcmp(a, "--fail-on") ||
                     !strcmp(a, "--schedulers") || !strcmp(a, "+hms") || !strcmp(a, "+hmqd") ||
                     !strcmp(a, "+fsa") || !strcmp(a, "--seed") ||
                     !strcmp(a, "--sample-interval") || !strcmp(a, "--socket-dir") ||
                     !strcmp(a, "--send-sample-every");
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
        } else if (!strcmp(a, "--top")) {
            ag.top = true;
            continue;
        } else if (!strcmp(a, "--native-all")) {
            ag.native_all = true;
            continue;
        } else if (!strcmp(a, "--no-agent")) {
            ag.on = false;
            continue;
        } else if (!strcmp(a, "--report")) {
            ag.report = argv[i + 1];
        } else if (!strcmp(a, "--fail-on")) {
            char err[200];
            if (!agent_failon_parse(argv[i + 1], &ag.fail_on, err, sizeof err)) {
                fprintf(stderr, "heapscope: %s\n", err);
                return 2;
            }
            ag.fail_on_given = true;
        } else if (!strcmp(a, "--sample-interval")) {
            if (!num_arg(a, argv[i + 1], &n) || n < 1 || n > 60000) {
                fprintf(stderr, "heapscope: --sample-interval takes 1 to 60000 (ms)\n");
                return 2;
            }
            ag.sample_interval_ms = (unsigned)n;
        } else if (!strcmp(a, "--send-sample-every")) {
            if (!num_arg(a, argv[i + 1], &n) || n > 1000000) {
                fprintf(stderr, "heapscope: --send-sample-every takes 0 (never) to 1000000\n");
                return 2;
            }
            ag.send_sample_every = (int)n;
        } else if (!strcmp(a, "--socket-dir")) {
            ag.socket_dir = argv[i + 1];
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
    if (!ag.on && (ag.top || ag.report || ag.fail_on_given)) {
        fputs("heapscope: --top, --report and --fail-on need the agent (drop --no-agent)\n", stderr);
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
    return start_main(m, argv + i + 1, argc - i - 1, &ro, &ag);
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
    return start_main(m, NULL, 0, &ro, NULL);
}

/* ---- ps, gc, report, ets: clients of a running runtime's control socket ------------------ */

/* A TARGET is an OS pid (digits) or a socket path (has a '/' or ends in .sock). */
static bool is_target(const char *a)
{
    if (strchr(a, '/') || (strlen(a) > 5 && !strcmp(a + strlen(a) - 5, ".sock"))) return true;
    if (!*a) return false;
    for (const char *c = a; *c; c++)
        if (*c < '0' || *c > '9') return false;
    return true;
}

typedef struct AgentCmdArgs {
    const char *target, *pid, *out_file;
    bool json, all, major;
} AgentCmdArgs;

/* Parses [TARGET] and the options `cmd` takes; prints usage and returns false on a mistake. */
static bool agent_cmd_args(int argc, char **argv, const char *opts, AgentCmdArgs *a)
{
    memset(a, 0, sizeof *a);
    const char *cmd = argv[1];
    for (int i = 2; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "--json") && strstr(opts, "json")) {
            a->json = true;
        } else if (!strcmp(s, "--all") && strstr(opts, "pid")) {
            a->all = true;
        } else if (!strcmp(s, "--major") && strstr(opts, "pid")) {
            a->major = true;
        } else if (!strcmp(s, "-o") && strstr(opts, "out") && i + 1 < argc) {
            a->out_file = argv[++i];
        } else if (s[0] == '-' && s[1]) {
            fprintf(stderr, "heapscope %s: unknown option '%s'\n", cmd, s);
            return false;
        } else if (!a->target && is_target(s) && !(a->pid && strstr(opts, "pid"))) {
            a->target = s;
        } else if (!a->pid && strstr(opts, "pid")) {
            a->pid = s;
        } else {
            fprintf(stderr, "heapscope %s: unexpected argument '%s'\n", cmd, s);
            return false;
        }
    }
    if (a->pid && a->all) {
        fprintf(stderr, "heapscope gc: give a PID or --all, not both\n");
        return false;
    }
    return true;
}

static int cmd_agent(int argc, char **argv)
{
    const char *cmd = argv[1];
    AgentCmdArgs a;
    if (!strcmp(cmd, "ps")) {
        if (!agent_cmd_args(argc, argv, "json", &a)) return 2;
        return client_cmd_ps(a.target, a.json, stdout, stderr);
    }
    if (!strcmp(cmd, "ets")) {
        if (!agent_cmd_args(argc, argv, "json", &a)) return 2;
        return client_cmd_ets(a.target, a.json, stdout, stderr);
    }
    if (!strcmp(cmd, "gc")) {
        if (!agent_cmd_args(argc, argv, "json pid", &a)) return 2;
        return client_cmd_gc(a.target, a.pid, a.major, a.json, stdout, stderr);
    }
    if (!agent_cmd_args(argc, argv, "out", &a)) return 2;
    return client_cmd_report(a.target, a.out_file, stdout, stderr);
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
    if (!strcmp(cmd, "top")) return viewer_top_main(argc - 1, argv + 1);
    if (!strcmp(cmd, "ps") || !strcmp(cmd, "gc") || !strcmp(cmd, "report") || !strcmp(cmd, "ets"))
        return cmd_agent(argc, argv);
    fprintf(stderr, "heapscope: unknown command '%s'\n\n%s", cmd, usage);
    return 2;
}
