/*
 * session.h — the viewer's side of the control socket (docs/protocol.md), on top of
 * agent/client.h: attach (hello + subscribe), take in pushes, poll events and the process
 * detail, force GCs, save reports, and find the runtime again after it went away. It feeds
 * everything it hears to the model (model.h); it never draws.
 *
 * Invariants:
 *  - One connection at a time; NULL while detached. Every message read goes to the model
 *    (snapshots only while not paused: a paused screen stays still, the server drops what we
 *    do not read fast enough, protocol.md "subscribe").
 *  - A reattach accepts only a runtime whose hello names the same program as the one we lost
 *    (any program when we never learnt one), found among the live sockets of the directory the
 *    first socket was in.
 */
#ifndef HS_VIEWER_SESSION_H
#define HS_VIEWER_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

typedef struct VwSession VwSession;

/* Resolves TARGET (client_resolve: NULL/"" the only runtime, an OS pid, or a socket path),
 * connects, says hello and subscribes at interval_ms. NULL with a message when it cannot. */
VwSession *vw_session_open(const char *target, unsigned interval_ms, VwModel *m, char *err,
                           size_t errcap);
void vw_session_close(VwSession *s);

bool vw_session_attached(const VwSession *s);
int vw_session_fd(const VwSession *s); /* -1 while detached */
const char *vw_session_path(const VwSession *s);

/* Reads what is waiting (never blocks) and applies it. Returns the snapshots applied, or -1
 * when the connection was lost just now (the model is then marked detached). */
int vw_session_pump(VwSession *s, VwModel *m, bool paused);

/* After a snapshot: new events for the GC log, and with detail_pid (may be NULL) the process
 * list's extra fields and that process's history. */
void vw_session_refresh(VwSession *s, VwModel *m, const char *detail_pid);

/* Subscribes again at a new interval. */
bool vw_session_subscribe(VwSession *s, unsigned interval_ms);

/* A forced GC (pid NULL: all processes) whose before/after goes to the model. false with a
 * message when it failed. */
bool vw_session_gc(VwSession *s, VwModel *m, const char *pid, bool major, char *msg,
                   size_t cap);

/* Writes the runtime's JSON report into dir (NULL: the current directory) as
 * heapscope-report-<ospid>-<time>.json; the file name or the error goes to msg. */
bool vw_session_report(VwSession *s, const VwModel *m, const char *dir, char *msg, size_t cap);

/* While detached: looks for a runtime of the same program and attaches to it (hello,
 * subscribe at interval_ms). true when attached again. */
bool vw_session_reattach(VwSession *s, VwModel *m, unsigned interval_ms);

#endif
