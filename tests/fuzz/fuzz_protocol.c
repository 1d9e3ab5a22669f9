/*
 * fuzz_protocol.c — libFuzzer target for the control protocol's request decoder and dispatcher
 * (agent/server.c server_dispatch, server_push_line), with fake handlers.
 *
 * Built and run by tests/fuzz/run.sh (`tests/fuzz/run.sh protocol`; FUZZ_SECONDS for a long run).
 *
 * Each input is split into lines as the server splits a connection's bytes; every line must
 * get either no reply (blank) or exactly one reply that is a JSON object beginning with
 * {"id":...,"ok":true|false and, when false, carrying string "error" and "message".
 */
#include "server.h"

#include <stdlib.h>
#include <string.h>

static cJSON *fake_obj(void *ctx, const ServerArgs *a, ServerError *e)
{
    if (a->pid == 13 && !a->all) {
        e->code = SERVER_E_NO_SUCH_PROCESS;
        strcpy(e->message, "no such process");
        return NULL;
    }
    cJSON *r = cJSON_CreateObject();
    cJSON_AddNumberToObject(r, "pid", (double)a->pid);
    cJSON_AddBoolToObject(r, "all", a->all);
    cJSON_AddNumberToObject(r, "since", (double)a->since);
    if (a->key) cJSON_AddStringToObject(r, "key", a->key);
    if (a->value) cJSON_AddItemToObject(r, "value", cJSON_Duplicate(a->value, true));
    /* a handler that tries to overwrite the envelope must not succeed */
    cJSON_AddStringToObject(r, "ok", "overwritten");
    return r;
}

static const ServerHandlers H = {
    .hello = fake_obj, .snapshot = fake_obj, .procs = fake_obj, .proc = fake_obj,
    .ets = fake_obj, .events = fake_obj, .gc = fake_obj, .report = NULL, .set = fake_obj,
};

static void check_reply(const char *reply)
{
    if (!reply) return;
    if (strncmp(reply, "{\"id\":", 6) != 0) abort();
    cJSON *r = cJSON_Parse(reply);
    if (!cJSON_IsObject(r)) abort();
    const cJSON *ok = cJSON_GetObjectItemCaseSensitive(r, "ok");
    if (!cJSON_IsBool(ok) || !cJSON_GetObjectItemCaseSensitive(r, "id")) abort();
    if (cJSON_IsFalse(ok) &&
        (!cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r, "error")) ||
         !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r, "message"))))
        abort();
    cJSON_Delete(r);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    ServerSession sess = {0};
    const char *p = (const char *)data, *end = p + size;
    while (p <= end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        char *reply = server_dispatch(&H, &sess, p, len);
        if (reply && strchr(reply, '\n')) abort(); /* a reply is one line */
        check_reply(reply);
        free(reply);
        if (sess.subscribed) {
            char *push = server_push_line(&H, &sess);
            if (!push || strncmp(push, "{\"id\":", 6) != 0 || strchr(push, '\n')) abort();
            cJSON *j = cJSON_Parse(push);
            if (!cJSON_IsObject(j) || !cJSON_IsNumber(cJSON_GetObjectItem(j, "seq"))) abort();
            cJSON_Delete(j);
            free(push);
        }
        if (!nl) break;
        p = nl + 1;
    }
    server_session_clear(&sess);
    return 0;
}
