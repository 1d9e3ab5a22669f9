/* A standalone fuzz driver for the compiler (no libFuzzer): it mutates real Erlang sources
 * (the seed files named on the command line) and compiles each result with compile_only, the
 * whole front end plus the code generator, under ASan/UBSan. Every image that compiles is
 * then checked instruction by instruction: known opcodes, bound labels, imports and funs in
 * range, registers below VM_X_REGS, and no internal compiler error. See README.md.
 *
 * Children do the work in batches (fork): the literal and atom tables only grow, so a fresh
 * child every BATCH inputs keeps memory flat, and a crash costs one batch. The input being
 * compiled is written to OUT/current.erl first; a crashing or hanging input is kept as
 * OUT/crash-<n>.erl.
 *
 *   fuzz_compile SECONDS SEED OUTDIR DICT FILE.erl...
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "code.h"
#include "hs.h"
#include "lang/compile.h"

#define BATCH 400
#define MAX_LEN 65536
#define INPUT_SECONDS 20

typedef struct Text { char *s; size_t n; } Text;

static Text *seeds;
static int n_seeds;
static char **tokens;
static int n_tokens;
static const char *outdir;

static char *read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, len = 0;
    char *b = malloc(cap);
    size_t r;
    while (b && (r = fread(b + len, 1, cap - len, f)) > 0) {
        len += r;
        if (len == cap) b = realloc(b, cap *= 2);
    }
    fclose(f);
    if (b) *n = len;
    return b;
}

/* The libFuzzer dictionary's "..." lines, with \\ and \" escapes. */
static void load_dict(const char *path)
{
    size_t n;
    char *d = read_all(path, &n);
    if (!d) return;
    char *line = d;
    while (line < d + n) {
        char *end = memchr(line, '\n', (size_t)(d + n - line));
        if (!end) end = d + n;
        char *q = memchr(line, '"', (size_t)(end - line));
        if (q && line[0] != '#') {
            char *t = malloc((size_t)(end - q));
            size_t k = 0;
            for (char *p = q + 1; p < end && *p != '"'; p++) {
                if (*p == '\\' && p + 1 < end) p++;
                t[k++] = *p;
            }
            t[k] = 0;
            tokens = realloc(tokens, (size_t)(n_tokens + 1) * sizeof *tokens);
            tokens[n_tokens++] = t;
        }
        line = end + 1;
    }
    free(d);
}

static size_t rnd(size_t n) { return n ? (size_t)random() % n : 0; }

/* One edit of buf (len bytes, room for MAX_LEN). */
static size_t mutate_once(char *buf, size_t len)
{
    size_t at = rnd(len + 1);
    switch (random() % 7) {
    case 0: { /* delete a range */
        size_t k = 1 + rnd(16);
        if (at + k > len) k = len - at;
        memmove(buf + at, buf + at + k, len - at - k);
        return len - k;
    }
    case 1: { /* duplicate a range */
        size_t k = 1 + rnd(40);
        if (at + k > len) k = len - at;
        if (len + k > MAX_LEN) return len;
        memmove(buf + at + k, buf + at, len - at);
        return len + k;
    }
    case 2: { /* insert a token */
        if (!n_tokens) return len;
        const char *t = tokens[rnd((size_t)n_tokens)];
        size_t k = strlen(t);
        if (len + k > MAX_LEN) return len;
        memmove(buf + at + k, buf + at, len - at);
        memcpy(buf + at, t, k);
        return len + k;
    }
    case 3: /* replace a byte */
        if (at < len) buf[at] = (char)(32 + rnd(95));
        return len;
    case 4: { /* insert a line of another seed */
        Text *o = &seeds[rnd((size_t)n_seeds)];
        size_t s = rnd(o->n), e = s;
        while (s > 0 && o->s[s - 1] != '\n') s--;
        while (e < o->n && o->s[e] != '\n') e++;
        size_t k = e - s + (e < o->n);
        while (at > 0 && buf[at - 1] != '\n') at--;
        if (len + k > MAX_LEN) return len;
        memmove(buf + at + k, buf + at, len - at);
        memcpy(buf + at, o->s + s, k);
        return len + k;
    }
    case 5: { /* copy a range over another place */
        size_t from = rnd(len), k = 1 + rnd(30);
        if (from + k > len) k = len - from;
        if (at + k > len) k = len > at ? len - at : 0;
        memmove(buf + at, buf + from, k);
        return len;
    }
    default: { /* a digit or a variable name changes */
        for (size_t i = at; i < len; i++) {
            if (buf[i] >= '0' && buf[i] <= '9') {
                buf[i] = (char)('0' + rnd(10));
                break;
            }
            if (buf[i] >= 'A' && buf[i] <= 'Z') {
                buf[i] = (char)('A' + rnd(26));
                break;
            }
        }
        return len;
    }
    }
}

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_compile: %s\n", what);
    abort();
}

/* The image must be something code_load can thread. */
static void check_image(const CodeBuf *cb)
{
    size_t i = 0;
    while (i < cb->n) {
        Instr op = cb->w[i++];
        if (op >= OPC_COUNT) fail("unknown opcode");
        for (const char *k = vm_opcode_kinds[op]; *k; k++) {
            if (i >= cb->n) fail("instruction runs past the end");
            Instr w = cb->w[i++];
            switch (*k) {
            case 'L':
            case 'c':
                if (w == 0 && *k == 'L') break;
                if (w >= cb->n_labels || cb->labels[w] == (size_t)-1 || cb->labels[w] > cb->n)
                    fail("unbound label");
                break;
            case 'e':
                if (w >= cb->n_imports) fail("import out of range");
                break;
            case 'f':
                if (w >= cb->n_fundefs) fail("fun out of range");
                break;
            case 's':
            case 'd':
                if (vm_operand_is_reg(w) && (w >> 3) >= VM_X_REGS) fail("register out of range");
                if (*k == 'd' && !vm_operand_is_reg(w)) fail("destination is not a register");
                break;
            case 'n':
                for (Instr j = 0; j < w; j++, i++)
                    if (i >= cb->n) fail("operand list runs past the end");
                break;
            default: break;
            }
        }
    }
    for (size_t k = 0; k < cb->n_exports; k++)
        if (cb->labels[cb->exports[k].label] == (size_t)-1) fail("export of an unbound label");
    for (size_t k = 0; k < cb->n_fundefs; k++)
        if (cb->labels[cb->fundefs[k].label] == (size_t)-1) fail("fun of an unbound label");
}

static void save(const char *name, const char *buf, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", outdir, name);
    FILE *f = fopen(path, "wb");
    if (!f) return;
    fwrite(buf, 1, len, f);
    fclose(f);
}

static void run_batch(unsigned seed, long *ok, long *bad)
{
    srandom(seed);
    hs_init();
    static char buf[MAX_LEN + 1];
    for (int it = 0; it < BATCH; it++) {
        Text *t = &seeds[rnd((size_t)n_seeds)];
        size_t len = t->n > MAX_LEN ? MAX_LEN : t->n;
        memcpy(buf, t->s, len);
        /* Mostly one edit: most of a program must stay valid to reach the code generator. */
        int edits = rnd(4) ? 1 : 2 + (int)rnd(3);
        for (int e = 0; e < edits; e++) len = mutate_once(buf, len);
        save("current.erl", buf, len);
        alarm(INPUT_SECONDS);
        CodeBuf cb;
        int before = compile_internal_errors;
        if (compile_only("fuzz.erl", buf, len, &cb)) {
            check_image(&cb);
            codebuf_free(&cb);
            (*ok)++;
        } else {
            (*bad)++;
        }
        if (compile_internal_errors != before) fail("internal compiler error");
        alarm(0);
    }
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: fuzz_compile SECONDS SEED OUTDIR DICT FILE.erl...\n");
        return 2;
    }
    long seconds = atol(argv[1]);
    unsigned seed = (unsigned)atol(argv[2]);
    outdir = argv[3];
    load_dict(argv[4]);
    for (int i = 5; i < argc; i++) {
        size_t n;
        char *s = read_all(argv[i], &n);
        if (!s) continue;
        seeds = realloc(seeds, (size_t)(n_seeds + 1) * sizeof *seeds);
        seeds[n_seeds++] = (Text){s, n};
    }
    if (!n_seeds) return 2;
    time_t end = time(NULL) + seconds;
    long batches = 0, crashes = 0;
    while (time(NULL) < end) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            long ok = 0, bad = 0;
            run_batch(seed + (unsigned)batches * 7919u, &ok, &bad);
            printf("batch %ld: %ld compiled, %ld refused\n", batches, ok, bad);
            fflush(stdout);
            _exit(0);
        }
        int st;
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
        }
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            size_t n;
            char path[4096], name[64];
            snprintf(path, sizeof path, "%s/current.erl", outdir);
            char *s = read_all(path, &n);
            snprintf(name, sizeof name, "crash-%ld.erl", crashes++);
            if (s) save(name, s, n);
            free(s);
            printf("batch %ld: CRASH (status %d), input kept as %s\n", batches, st, name);
        }
        batches++;
    }
    printf("%ld batches of %d inputs, %ld crashes\n", batches, BATCH, crashes);
    return crashes ? 1 : 0;
}
