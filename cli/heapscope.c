/*
 * heapscope — the one binary: parses the command line and hands off to the runtime, the agent
 * or the viewer. Exit codes (DESIGN.md): 0 ok, 1 program crashed, 2 usage or compile error,
 * 3 a --fail-on check tripped.
 */
#include <stdio.h>
#include <string.h>

#include "hs.h"

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

static const char *const later[] = {"run", "eval", "top", "ps", "gc", "report", "ets"};

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
    for (size_t i = 0; i < sizeof later / sizeof later[0]; i++) {
        if (!strcmp(cmd, later[i])) {
            fprintf(stderr, "heapscope: '%s' is not built yet in this version\n", cmd);
            return 2;
        }
    }
    fprintf(stderr, "heapscope: unknown command '%s'\n\n%s", cmd, usage);
    return 2;
}
