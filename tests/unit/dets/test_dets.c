/*
 * test_dets.c — the dets file: CRUD per type, persistence, free-space reuse, kill -9
 * durability, foreign/truncated/corrupt files, and (HEAPSCOPE_DETS_RSS=1) 1M objects' RSS.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dets.h"
#include "etf.h"
#include "hs.h"
#include "process.h"
#include "testhelp.h"

static Process *P;
static char dir[64];

static const char *path(const char *name)
{
    static char buf[4][128];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
    return buf[i];
}

static Term tup2(Term a, Term b)
{
    Term *hp = heap_halloc(&P->heap, 3);
    hp[0] = make_tuple_header(2);
    hp[1] = a, hp[2] = b;
    return make_boxed(hp);
}

static Term S(Sint v) { return make_small(v); }

static DetsFile *open_t(const char *file, DetsType type, DetsRepair rep, DetsStatus *st)
{
    DetsOpenOpts o = {.file = file, .type = type, .keypos = 1, .repair = rep,
                      .type_given = true, .keypos_given = true};
    DetsFile *f = NULL;
    int err;
    DetsStatus s = dets_open(&o, &f, &err, NULL);
    if (st) *st = s;
    return f;
}

/* The second element of each object of lookup(k), as smalls, into out; returns the count. */
static int values(DetsFile *f, Term k, Sint *out, int max)
{
    Term l;
    if (dets_lookup(f, k, &P->heap, &l) != DETS_OK) return -1;
    int n = 0;
    for (; term_is_list(l); l = list_tail(l)) {
        Term o = list_head(l);
        if (n < max) out[n] = term_is_small(tuple_elem(o, 2)) ? small_val(tuple_elem(o, 2)) : -999;
        n++;
    }
    return n;
}

static uint64_t fsize(const char *file)
{
    struct stat st;
    return stat(file, &st) == 0 ? (uint64_t)st.st_size : 0;
}

TEST(crud_set)
{
    unlink(path("set.dets"));
    DetsFile *f = open_t(path("set.dets"), DETS_SET, DETS_REPAIR_TRUE, NULL);
    CHECK(f != NULL);
    if (!f) return;
    Sint v[4];
    CHECK_EQ(dets_insert(f, tup2(S(1), S(10))), DETS_OK);
    CHECK_EQ(dets_insert(f, tup2(S(2), S(20))), DETS_OK);
    CHECK_EQ(dets_insert(f, tup2(S(1), S(11))), DETS_OK); /* replaces */
    CHECK_EQ(values(f, S(1), v, 4), 1);
    CHECK_EQ(v[0], 11);
    CHECK_EQ(dets_size(f), 2);
    bool found;
    CHECK_EQ(dets_member(f, S(2), &found), DETS_OK);
    CHECK(found);
    CHECK_EQ(dets_member(f, S(3), &found), DETS_OK);
    CHECK(!found);
    /* 1 and 1.0 are different keys */
    Term *hp = heap_halloc(&P->heap, 2);
    Term one_f = float_at(hp, 1.0);
    CHECK_EQ(values(f, one_f, v, 4), 0);
    CHECK_EQ(dets_delete(f, S(1)), DETS_OK);
    CHECK_EQ(values(f, S(1), v, 4), 0);
    CHECK_EQ(dets_size(f), 1);
    CHECK_EQ(dets_delete_object(f, tup2(S(2), S(99))), DETS_OK); /* not that object */
    CHECK_EQ(dets_size(f), 1);
    CHECK_EQ(dets_delete_object(f, tup2(S(2), S(20))), DETS_OK);
    CHECK_EQ(dets_size(f), 0);
    CHECK_EQ(dets_insert(f, S(5)), DETS_ERR_BADARG);
    for (int i = 0; i < 100; i++) dets_insert(f, tup2(S(i), S(i)));
    CHECK_EQ(dets_size(f), 100);
    CHECK_EQ(dets_delete_all(f), DETS_OK);
    CHECK_EQ(dets_size(f), 0);
    CHECK_EQ(values(f, S(5), v, 4), 0);
    CHECK_EQ(dets_close(f), DETS_OK);
}

TEST(crud_bags)
{
    for (int dup = 0; dup < 2; dup++) {
        const char *file = path(dup ? "dbag.dets" : "bag.dets");
        unlink(file);
        DetsFile *f = open_t(file, dup ? DETS_DUPLICATE_BAG : DETS_BAG, DETS_REPAIR_TRUE, NULL);
        CHECK(f != NULL);
        if (!f) return;
        Sint v[8];
        dets_insert(f, tup2(S(7), S(1)));
        dets_insert(f, tup2(S(7), S(2)));
        dets_insert(f, tup2(S(7), S(1)));
        dets_insert(f, tup2(S(7), S(0)));
        int n = values(f, S(7), v, 8);
        /* OTP 25: a bag gives [{k,2},{k,1},{k,0}]: re-inserting {k,1} moved it to the end */
        if (!dup) {
            CHECK_EQ(n, 3);
            CHECK(v[0] == 2 && v[1] == 1 && v[2] == 0);
        } else {
            CHECK_EQ(n, 4);
            CHECK(v[0] == 1 && v[1] == 2 && v[2] == 1 && v[3] == 0);
        }
        CHECK_EQ(dets_no_keys(f), 1);
        dets_delete_object(f, tup2(S(7), S(1)));
        n = values(f, S(7), v, 8);
        CHECK_EQ(n, 2);
        CHECK(v[0] == 2 && v[1] == 0);
        dets_delete(f, S(7));
        CHECK_EQ(values(f, S(7), v, 8), 0);
        CHECK_EQ(dets_size(f), 0);
        CHECK_EQ(dets_no_keys(f), 0);
        dets_close(f);
    }
}

TEST(persistence)
{
    const char *file = path("pers.dets");
    unlink(file);
    DetsFile *f = open_t(file, DETS_SET, DETS_REPAIR_TRUE, NULL);
    if (!f) { CHECK(f != NULL); return; }
    for (int i = 0; i < 5000; i++) dets_insert(f, tup2(S(i), S(i * 3)));
    CHECK_EQ(dets_close(f), DETS_OK);
    DetsStatus st;
    f = open_t(file, DETS_SET, DETS_REPAIR_FALSE, &st); /* clean: no repair needed */
    CHECK_EQ(st, DETS_OK);
    if (!f) return;
    CHECK_EQ(dets_size(f), 5000);
    int bad = 0;
    for (int i = 0; i < 5000; i++) {
        Sint v[2];
        if (values(f, S(i), v, 2) != 1 || v[0] != i * 3) bad++;
    }
    CHECK_EQ(bad, 0);
    dets_close(f);
    f = open_t(file, DETS_BAG, DETS_REPAIR_TRUE, &st);
    CHECK_EQ(st, DETS_ERR_TYPE_MISMATCH);
}

TEST(free_space_reuse)
{
    const char *file = path("churn.dets");
    unlink(file);
    DetsFile *f = open_t(file, DETS_SET, DETS_REPAIR_TRUE, NULL);
    if (!f) { CHECK(f != NULL); return; }
    for (int i = 0; i < 2000; i++) dets_insert(f, tup2(S(i), S(i)));
    dets_sync(f);
    uint64_t after_round[21];
    for (int r = 1; r <= 20; r++) {
        for (int i = 0; i < 2000; i++) dets_delete(f, S(i));
        for (int i = 0; i < 2000; i++) dets_insert(f, tup2(S(i), S(i + r)));
        dets_sync(f);
        after_round[r] = dets_file_size(f);
    }
    CHECK_EQ(after_round[20], after_round[2]);
    CHECK_EQ(dets_size(f), 2000);
    dets_close(f);
}

/* A child inserts and syncs N objects, reports, then inserts more without syncing until
 * killed with SIGKILL; the parent reopens (repair) and finds every synced object. */
TEST(kill9_after_sync)
{
    const char *file = path("kill.dets");
    unlink(file);
    enum { N = 3000 };
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        DetsFile *f = open_t(file, DETS_SET, DETS_REPAIR_TRUE, NULL);
        if (!f) _exit(2);
        for (int i = 0; i < N; i++) dets_insert(f, tup2(S(i), S(i)));
        if (dets_sync(f) != DETS_OK) _exit(3);
        /* one unsynced change before telling the parent: the file is dirty whenever the kill
         * comes, however late the child runs on a loaded machine */
        dets_insert(f, tup2(S(N), S(-1)));
        if (write(fds[1], "s", 1) != 1) _exit(4);
        for (Sint i = N + 1;; i++) {
            dets_insert(f, tup2(S(i % (4 * N)), S(-i)));
            if (i % 7 == 0) dets_delete(f, S(N + i % N));
        }
    }
    close(fds[1]);
    char c = 0;
    CHECK(read(fds[0], &c, 1) == 1 && c == 's');
    usleep(30000);
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    close(fds[0]);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    DetsStatus st;
    DetsFile *f = open_t(file, DETS_SET, DETS_REPAIR_FALSE, &st);
    CHECK_EQ(st, DETS_ERR_NEEDS_REPAIR);
    CHECK(f == NULL);
    DetsRepaired repaired = DETS_NOT_REPAIRED;
    DetsOpenOpts o = {.file = file, .type = DETS_SET, .keypos = 1, .repair = DETS_REPAIR_TRUE,
                      .type_given = true, .keypos_given = true};
    int err;
    st = dets_open(&o, &f, &err, &repaired);
    CHECK_EQ(st, DETS_OK);
    CHECK_EQ(repaired, DETS_REPAIRED_DIRTY);
    if (!f) return;
    int missing = 0;
    for (int i = 0; i < N; i++) {
        bool found;
        if (dets_member(f, S(i), &found) != DETS_OK || !found) missing++;
    }
    CHECK_EQ(missing, 0);
    CHECK(dets_size(f) >= N);
    dets_close(f);
    f = open_t(file, DETS_SET, DETS_REPAIR_FALSE, &st);
    CHECK_EQ(st, DETS_OK);
    if (f) dets_close(f);
}

/* {repair, force} on a clean file rebuilds it compactly: freed blocks are gone, objects kept;
 * a damaged header makes the file dirty (repaired, records kept). */
TEST(repair_force_compacts)
{
    const char *file = path("force.dets");
    unlink(file);
    DetsFile *f = open_t(file, DETS_BAG, DETS_REPAIR_TRUE, NULL);
    if (!f) { CHECK(f != NULL); return; }
    for (int i = 0; i < 3000; i++) dets_insert(f, tup2(S(i % 500), S(i)));
    for (int i = 0; i < 400; i++) dets_delete(f, S(i));
    /* these reuse freed blocks, earlier in the file than the key's first objects */
    for (int j = 0; j < 3; j++) dets_insert(f, tup2(S(450), S(5000 + j)));
    CHECK_EQ(dets_size(f), 603);
    dets_close(f);
    uint64_t before = fsize(file);
    DetsStatus st;
    DetsRepaired rep;
    DetsOpenOpts o = {.file = file, .type = DETS_BAG, .keypos = 1, .repair = DETS_REPAIR_FORCE,
                      .type_given = true, .keypos_given = true};
    int err;
    st = dets_open(&o, &f, &err, &rep);
    CHECK_EQ(st, DETS_OK);
    CHECK_EQ(rep, DETS_REPAIRED_FORCED);
    if (!f) return;
    CHECK_EQ(dets_size(f), 603);
    CHECK_EQ(dets_no_keys(f), 100);
    Sint v[12];
    CHECK_EQ(values(f, S(450), v, 12), 9);
    /* insertion order survives the rebuild */
    CHECK(v[0] == 450 && v[1] == 950 && v[5] == 2950 && v[6] == 5000 && v[8] == 5002);
    dets_close(f);
    CHECK(fsize(file) < before);
    /* damage the header: our file still, repaired from its records */
    int fd = open(file, O_RDWR);
    unsigned char junk[4] = {1, 2, 3, 4};
    CHECK(pwrite(fd, junk, 4, 64) == 4);
    close(fd);
    f = open_t(file, DETS_BAG, DETS_REPAIR_FALSE, &st);
    CHECK_EQ(st, DETS_ERR_NEEDS_REPAIR);
    f = open_t(file, DETS_BAG, DETS_REPAIR_TRUE, &st);
    CHECK_EQ(st, DETS_OK);
    if (!f) return;
    CHECK_EQ(dets_size(f), 603);
    dets_close(f);
}

static void write_file(const char *file, const void *data, size_t n)
{
    int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return;
    if (n && write(fd, data, n) != (ssize_t)n) CHECK(0);
    close(fd);
}

TEST(foreign_and_truncated)
{
    DetsStatus st;
    const char *file = path("foreign");
    write_file(file, "hello world this is not dets", 28);
    CHECK(open_t(file, DETS_SET, DETS_REPAIR_TRUE, &st) == NULL);
    CHECK_EQ(st, DETS_ERR_NOT_DETS);
    write_file(file, "", 0);
    CHECK(open_t(file, DETS_SET, DETS_REPAIR_TRUE, &st) == NULL);
    CHECK_EQ(st, DETS_ERR_NOT_DETS);
    CHECK(open_t(path("nodir/x.dets"), DETS_SET, DETS_REPAIR_TRUE, &st) == NULL);
    CHECK_EQ(st, DETS_ERR_FILE);
    /* a real table cut below its header */
    const char *good = path("trunc.dets");
    unlink(good);
    DetsFile *f = open_t(good, DETS_SET, DETS_REPAIR_TRUE, NULL);
    if (!f) { CHECK(f != NULL); return; }
    for (int i = 0; i < 300; i++) dets_insert(f, tup2(S(i), S(i)));
    dets_close(f);
    CHECK(truncate(good, 100) == 0);
    CHECK(open_t(good, DETS_SET, DETS_REPAIR_TRUE, &st) == NULL);
    CHECK_EQ(st, DETS_ERR_NOT_DETS);
    /* cut in the middle of its data: our file, repaired from what is left */
    f = open_t(path("trunc2.dets"), DETS_SET, DETS_REPAIR_TRUE, NULL);
    for (int i = 0; i < 300; i++) dets_insert(f, tup2(S(i), S(i)));
    dets_close(f);
    CHECK(truncate(path("trunc2.dets"), (off_t)(fsize(path("trunc2.dets")) / 2)) == 0);
    f = open_t(path("trunc2.dets"), DETS_SET, DETS_REPAIR_TRUE, &st);
    CHECK_EQ(st, DETS_OK);
    if (f) {
        CHECK(dets_size(f) < 300);
        dets_close(f);
    }
}

static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13, rng_state ^= rng_state >> 7, rng_state ^= rng_state << 17;
    return rng_state;
}

static void exercise(const char *file, DetsRepair rep)
{
    DetsStatus st;
    DetsFile *f = open_t(file, DETS_SET, rep, &st);
    if (!f) return;
    Sint v[4];
    for (int i = 0; i < 50; i++) values(f, S(i * 7), v, 4);
    uint64_t b = 0;
    while (b < dets_buckets(f))
        if (dets_scan(f, &b, 1000, NULL, NULL) != DETS_OK) break;
    dets_insert(f, tup2(S(1), S(2)));
    dets_delete(f, S(3));
    dets_close(f);
}

static bool count_cb(void *ctx, const unsigned char *o, size_t n) { return ++*(int *)ctx, true; }

TEST(random_corruption_never_crashes)
{
    rng_state = th_seed() | 1;
    const char *good = path("good.dets");
    unlink(good);
    DetsFile *f = open_t(good, DETS_SET, DETS_REPAIR_TRUE, NULL);
    if (!f) { CHECK(f != NULL); return; }
    for (int i = 0; i < 1500; i++) dets_insert(f, tup2(S(i), S(i)));
    int n = 0;
    uint64_t b = 0;
    while (b < dets_buckets(f)) dets_scan(f, &b, 100, count_cb, &n);
    CHECK_EQ(n, 1500);
    dets_close(f);
    int fd = open(good, O_RDONLY);
    size_t len = (size_t)fsize(good);
    unsigned char *data = malloc(len);
    CHECK(read(fd, data, len) == (ssize_t)len);
    close(fd);
    unsigned char *copy = malloc(len);
    for (int it = 0; it < 150; it++) {
        memcpy(copy, data, len);
        int flips = 1 + (int)(rnd() % 20);
        for (int k = 0; k < flips; k++) {
            size_t at = it % 3 == 0 ? rnd() % 512 : rnd() % len;
            copy[at] ^= (unsigned char)(1 + rnd() % 255);
        }
        size_t cut = it % 5 == 0 ? (size_t)(rnd() % len) : len;
        write_file(path("bad.dets"), copy, cut);
        exercise(path("bad.dets"), it % 2 ? DETS_REPAIR_FALSE : DETS_REPAIR_TRUE);
    }
    free(copy);
    free(data);
    CHECK(1);
}

/* Every key lies in the bucket dets_key_bucket names: a scan of that one bucket sees it. */
typedef struct Seen {
    Sint want;
    bool found;
} Seen;

static bool seen_cb(void *ctx, const unsigned char *o, size_t n)
{
    Seen *s = ctx;
    Term t = etf_decode(&P->heap, o, n, false, NULL);
    if (t != NONVALUE && term_is_tuple(t) && tuple_elem(t, 1) == S(s->want)) s->found = true;
    return true;
}

TEST(key_bucket_holds_the_key)
{
    DetsStatus st;
    DetsFile *f = open_t(path("kb.dets"), DETS_SET, DETS_REPAIR_TRUE, &st);
    CHECK_EQ(st, DETS_OK);
    for (Sint i = 0; i < 5000; i++) dets_insert(f, tup2(S(i), S(i * 3)));
    bool all = true, in_range = true;
    for (Sint i = 0; i < 5000; i += 7) {
        uint64_t b, b0;
        CHECK_EQ(dets_key_bucket(f, S(i), &b), DETS_OK);
        in_range &= b < dets_buckets(f);
        b0 = b;
        Seen s = {i, false};
        /* dets_scan visits whole buckets from b until it has seen an object: b's own */
        CHECK_EQ(dets_scan(f, &b, 1, seen_cb, &s), DETS_OK);
        all &= s.found && b == b0 + 1;
    }
    CHECK(in_range);
    CHECK(all);
    dets_close(f);
}

static long rss_kb(void)
{
    FILE *fp = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (fp && fgets(line, sizeof line, fp))
        if (!strncmp(line, "VmRSS:", 6)) kb = atol(line + 6);
    if (fp) fclose(fp);
    return kb;
}

/* HEAPSCOPE_DETS_RSS=1: one million small objects, RSS stays under 50 MB. */
TEST(million_objects_rss)
{
    if (!getenv("HEAPSCOPE_DETS_RSS")) return;
    long base_kb = rss_kb();
    const char *file = path("million.dets");
    unlink(file);
    DetsFile *f = open_t(file, DETS_SET, DETS_REPAIR_TRUE, NULL);
    if (!f) { CHECK(f != NULL); return; }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 0; i < 1000000; i++) {
        Term obj[3] = {make_tuple_header(2), S(i), S(i)}; /* no heap: RSS is dets' alone */
        dets_insert(f, make_boxed(obj));
        if (i % 200000 == 0) printf("  %d objects: VmRSS %ld kB\n", i, rss_kb());
    }
    dets_sync(f);
    int bad = 0;
    for (int i = 0; i < 1000000; i += 997) {
        Sint v[2];
        if (values(f, S(i), v, 2) != 1 || v[0] != i) bad++;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long kb = rss_kb();
    printf("  1M objects: %.1f s, file %llu bytes, VmRSS %ld kB (%ld kB before)\n",
           (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
           (unsigned long long)dets_file_size(f), kb, base_kb);
    CHECK_EQ(bad, 0);
    CHECK_EQ(dets_size(f), 1000000);
    CHECK(kb > 0 && kb < 50 * 1024);
    dets_close(f);
    unlink(file);
}

int main(void)
{
    hs_init();
    P = process_new();
    snprintf(dir, sizeof dir, "/tmp/hs_dets_test.%d", (int)getpid());
    mkdir(dir, 0755);
    TH_RUN(crud_set);
    TH_RUN(crud_bags);
    TH_RUN(persistence);
    TH_RUN(free_space_reuse);
    TH_RUN(kill9_after_sync);
    TH_RUN(repair_force_compacts);
    TH_RUN(foreign_and_truncated);
    TH_RUN(random_corruption_never_crashes);
    TH_RUN(key_bucket_holds_the_key);
    TH_RUN(million_objects_rss);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) printf("could not remove %s\n", dir);
    process_free(P);
    return th_done();
}
