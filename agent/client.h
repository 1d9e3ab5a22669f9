/*
 * client.h — the client side of the control socket (docs/protocol.md): finding a runtime,
 * request/reply with a timeout, a line reader for the viewer, and the printing of
 * `heapscope ps / gc / report / ets`.
 *
 * A Client is used by one thread. Lines that arrive while client_call waits for its reply
 * (subscription pushes, replies to earlier client_send calls) are kept in order and returned
 * first by client_read_line, so the viewer loses nothing by mixing calls and pushes.
 *
 * The client_cmd_* functions are what cli/heapscope.c calls; they print to out (tables or JSON)
 * and their errors to err, and return the process exit status: 0 ok, 1 the runtime could not be
 * reached or answered an error, 2 a usage error (e.g. a pid that is not a pid).
 */
#ifndef HS_AGENT_CLIENT_H
#define HS_AGENT_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cJSON.h>

#define CLIENT_REPLY_MAX (256u << 20)   /* longest reply line accepted (a whole report) */
#define CLIENT_TIMEOUT_MS 10000          /* default wait for a reply */

typedef struct Client Client;

/* TARGET to a socket path: NULL or "" → the only live runtime's socket in the socket
 * directory (server_socket_dir); all digits → <dir>/<ospid>.sock; anything else is a path.
 * false with a message when none or several runtimes are found, or the path is too long. */
bool client_resolve(const char *target, char *path, size_t cap, char *err, size_t errcap);

/* Connects to a socket path; NULL with a message on failure. */
Client *client_connect(const char *path, char *err, size_t errcap);

/* client_resolve then client_connect. */
Client *client_open(const char *target, char *err, size_t errcap);

void client_close(Client *c);
int client_fd(const Client *c); /* for poll() in the viewer's loop */

/* Sends one request {"id": <next id>, "cmd": cmd, ...members of args}. args (may be NULL) is
 * consumed. *id_out (may be NULL) gets the id used. false when the connection is gone. */
bool client_send(Client *c, const char *cmd, cJSON *args, uint64_t *id_out);

/* client_send, then waits up to timeout_ms (<0: CLIENT_TIMEOUT_MS) for the reply with that id.
 * Returns the reply when "ok" is true; NULL otherwise, with err = "CODE: message" for an error
 * reply, or what went wrong (timeout, closed). */
cJSON *client_call(Client *c, const char *cmd, cJSON *args, int timeout_ms, char *err,
                   size_t errcap);

/* The next line: 1 with *line malloc'd (no newline), 0 on timeout (timeout_ms 0 polls, <0
 * waits forever), -1 when the connection closed or failed. */
int client_read_line(Client *c, int timeout_ms, char **line);

/* The next line parsed: a JSON object, or NULL with *status 0 (timeout), -1 (closed), or 1 (a
 * line that was not an object: skipped, reported as status 1). */
cJSON *client_read_message(Client *c, int timeout_ms, int *status);

/* "<0.42.0>", "0.42.0" or "42" to "<0.42.0>"; false when none of these. */
bool client_normalize_pid(const char *in, char *out, size_t cap);

/* ---- the commands ------------------------------------------------------------------------ */

/* heapscope ps [TARGET] [--json] */
int client_cmd_ps(const char *target, bool json, FILE *out, FILE *err);
/* heapscope gc [TARGET] [PID|--all] [--major]: pid NULL means all processes. */
int client_cmd_gc(const char *target, const char *pid, bool major, bool json, FILE *out,
                  FILE *err);
/* heapscope report [TARGET] [-o FILE]: file NULL or "-" writes to out. */
int client_cmd_report(const char *target, const char *file, FILE *out, FILE *err);
/* heapscope ets [TARGET] [--json] */
int client_cmd_ets(const char *target, bool json, FILE *out, FILE *err);

/* The printers alone, from a reply object (tests, the viewer's --once). */
void client_print_procs(const cJSON *reply, FILE *out);
void client_print_gc(const cJSON *reply, FILE *out);
void client_print_ets(const cJSON *reply, FILE *out);

#endif
