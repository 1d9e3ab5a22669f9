/*
 * viewer.h — the live dashboard's entry points (issue 7). The viewer talks to a runtime only
 * through its control socket (docs/protocol.md); docs/viewer.md describes the screen and keys.
 *
 *   heapscope top [TARGET] [--interval MS]
 *   heapscope top [TARGET] --once [--plain] [--cols N --rows N] [--samples N]
 *                 [--panel NAME] [--select PID]
 *   heapscope top --once --replay FILE.jsonl ...   (a recorded session: protocol messages,
 *                                                   one per line; tests and docs use it)
 *
 * Exit status: 0 ok, 1 no runtime to attach to (or it failed), 2 usage error.
 */
#ifndef HS_VIEWER_H
#define HS_VIEWER_H

#include <stdbool.h>
#include <stdio.h>

/* `heapscope top ...`: argv[0] is "top" (or anything), the options follow. */
int viewer_top_main(int argc, char **argv);

/* The same with the streams given (tests capture --once frames through it). */
int viewer_top_run(int argc, char **argv, FILE *out, FILE *err);

/* `heapscope run --top`: the dashboard on this terminal, attached to socket_path (the run's own
 * control socket, server_path() of the server the run started). Blocks until the user quits
 * (q) or, with exit_on_detach, until the runtime closes the socket; when the runtime goes away
 * without exit_on_detach the screen says detached and keeps the last data until q.
 * interval_ms 0 means the default (500). Call it from one thread only (curses is not
 * thread-safe); the program's own output to the terminal should be redirected meanwhile.
 * Returns 0, or 1 when the socket cannot be reached or stdin/stdout is not a terminal. */
int viewer_run_attached(const char *socket_path, unsigned interval_ms, bool exit_on_detach);

#endif
