/*
 * server.h — the agent's control socket: JSON lines over a Unix socket (docs/protocol.md is the
 * contract; this header is the C side of it).
 *
 * Invariants:
 *  - One thread (the server thread) owns every client connection, the listening socket and the
 *    subscriptions; it waits in poll() and never blocks on one client: sockets are non-blocking
 *    and each client has a bounded output queue. A client that does not read stops being read
 *    while SERVER_OUT_MAX bytes of its replies wait (its requests wait in the kernel), and its
 *    snapshot pushes replace each other: at most one unsent push is queued, older ones are
 *    dropped and counted.
 *  - Requests are at most SERVER_LINE_MAX bytes a line; a longer line gets one line_too_long
 *    error reply and is discarded up to its newline. Every line that is not a valid request
 *    gets exactly one error reply; the connection stays usable (docs/protocol.md lists codes).
 *  - The server computes nothing itself: every command goes to a ServerHandlers callback, which
 *    returns a cJSON object whose members become the reply's members. The callbacks run on the
 *    server thread, one at a time (never concurrently with each other).
 *  - Security: the socket directory is created 0700 and refused when it exists with another
 *    owner, group/other permission bits, or as a symlink; a peer whose SO_PEERCRED uid is not
 *    the allowed uid (our effective uid) is refused before it can send anything.
 *  - The socket file is removed at server_stop (only if it is still the one we bound); a stale
 *    socket of the same name that nobody listens on is replaced at start.
 */
#ifndef HS_AGENT_SERVER_H
#define HS_AGENT_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cJSON.h>

#define SERVER_PROTOCOL_VERSION 1
#define SERVER_LINE_MAX (1u << 20)          /* request line limit, newline excluded */
#define SERVER_OUT_MAX (1u << 20)           /* queued reply bytes that pause reading a client */
#define SERVER_MAX_CLIENTS 64
#define SERVER_INTERVAL_MIN_MS 10
#define SERVER_INTERVAL_MAX_MS 3600000
#define SERVER_EVENTS_LIMIT_MAX 100000

/* Error codes (docs/protocol.md "Error codes"): stable strings, one per kind of mistake. */
#define SERVER_E_LINE_TOO_LONG "line_too_long"
#define SERVER_E_BAD_UTF8 "bad_utf8"
#define SERVER_E_BAD_JSON "bad_json"
#define SERVER_E_NOT_OBJECT "not_object"
#define SERVER_E_BAD_ID "bad_id"
#define SERVER_E_BAD_CMD "bad_cmd"
#define SERVER_E_UNKNOWN_CMD "unknown_cmd"
#define SERVER_E_BAD_ARGS "bad_args"
#define SERVER_E_BAD_PID "bad_pid"
#define SERVER_E_NO_SUCH_PROCESS "no_such_process"
#define SERVER_E_UNSUPPORTED "unsupported"
#define SERVER_E_INTERNAL "internal"
#define SERVER_E_BUSY "busy"
#define SERVER_E_FORBIDDEN "forbidden"

/* What a handler reports when it fails: code is one of SERVER_E_*. */
typedef struct ServerError {
    const char *code;
    char message[256];
} ServerError;

/* Arguments of a request, checked and typed by the server before the handler sees them. */
typedef struct ServerArgs {
    bool all;              /* gc: "pid": "all" */
    uint64_t pid;          /* proc, gc: the N of "<0.N.0>" */
    bool major;            /* gc: "type": "major" (default) or "minor" */
    uint64_t since;        /* events: first sequence number wanted (default 0) */
    uint64_t limit;        /* events: at most this many (default 1000, max SERVER_EVENTS_LIMIT_MAX) */
    const char *key;       /* set: the setting's name */
    const cJSON *value;    /* set: its new value (any JSON type; the handler checks it) */
} ServerArgs;

/* One callback per command. Returns a new cJSON object (the server takes it and frees it); NULL
 * with err filled on failure (err->code NULL means SERVER_E_INTERNAL). A NULL callback makes its
 * command answer SERVER_E_UNSUPPORTED. */
typedef cJSON *(*ServerHandler)(void *ctx, const ServerArgs *args, ServerError *err);

typedef struct ServerHandlers {
    void *ctx;
    ServerHandler hello;     /* program, pid, schedulers, version... (server adds protocol) */
    ServerHandler snapshot;  /* also what subscriptions push */
    ServerHandler procs;
    ServerHandler proc;
    ServerHandler ets;
    ServerHandler events;
    ServerHandler gc;
    ServerHandler report;
    ServerHandler set;
} ServerHandlers;

/* Per-connection protocol state (what the dispatcher needs to remember between lines). */
typedef struct ServerSession {
    bool subscribed;
    unsigned interval_ms;
    cJSON *sub_id;          /* the subscribe request's id, repeated in each push (owned) */
    bool fresh;             /* set by subscribe: the first push is due now */
    uint64_t pushes, pushes_dropped;
} ServerSession;

/* Handles one request line (without its newline; any bytes, any length) and returns the reply
 * line (malloc'd, NUL-terminated, no newline) or NULL for a blank line, which is ignored. The
 * whole protocol short of sockets: the fuzz target and the tests drive it directly. */
char *server_dispatch(const ServerHandlers *h, ServerSession *sess, const char *line, size_t len);

/* A push line for a subscribed session (malloc'd, no newline), NULL when the snapshot handler
 * failed. */
char *server_push_line(const ServerHandlers *h, ServerSession *sess);

void server_session_clear(ServerSession *sess);

/* The error reply line for a line that never got parsed (id null). malloc'd. */
char *server_error_line(const cJSON *id, const char *code, const char *message);

/* Parses "<0.N.0>" (the only pid form: node 0, serial 0). */
bool server_parse_pid(const char *s, uint64_t *number);

/* True when [s, s+len) is well-formed UTF-8 (no overlongs, surrogates or code points past
 * U+10FFFF). */
bool server_utf8_valid(const char *s, size_t len);

/* ${HEAPSCOPE_DIR:-${XDG_RUNTIME_DIR:-/tmp}/heapscope-$UID} into out; false if it does not fit. */
bool server_socket_dir(char *out, size_t cap);

/* Creates dir (mode 0700) unless it exists; refuses (false, err filled) a dir that is not ours,
 * is a symlink or a non-directory, or has any group/other permission bit. */
bool server_prepare_dir(const char *dir, char *err, size_t errcap);

typedef struct ServerConfig {
    const char *dir;          /* NULL: server_socket_dir() */
    int os_pid;               /* names the socket <os_pid>.sock; 0: getpid() */
    long allowed_uid;         /* -1: geteuid() (tests set another uid to see a refusal) */
    ServerHandlers handlers;
} ServerConfig;

typedef struct Server Server;

/* Prepares the directory, binds and listens, starts the server thread. NULL with err filled on
 * failure (the host keeps running without a socket). */
Server *server_start(const ServerConfig *cfg, char *err, size_t errcap);

/* Stops the thread, closes every client, removes the socket file. NULL is a no-op. */
void server_stop(Server *s);

const char *server_path(const Server *s);

/* Counters for tests and the agent's self-measurement. [any thread] */
typedef struct ServerStats {
    uint64_t accepted, refused, requests, errors, pushes, pushes_dropped, clients_now;
} ServerStats;
void server_stats(Server *s, ServerStats *out);

/* ---- the agent glue (server_agent.c) ----------------------------------------------------- */

/* Handlers answering from the attached agent (agent.h) and its host (host.h). */
void server_agent_handlers(ServerHandlers *out);

/* Starts the control socket for the attached agent: call after agent_attach; server_stop before
 * agent_detach. dir NULL: the environment's directory. The socket is named after the host's
 * os_pid. NULL with err filled when it cannot start (the run goes on without a socket). */
Server *server_start_agent(const char *dir, char *err, size_t errcap);

#endif
