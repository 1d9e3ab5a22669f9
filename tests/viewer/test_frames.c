/*
 * test_frames.c — frames through `heapscope top --once` on recorded sessions
 * (the .jsonl files in tests/viewer/fixtures, written by make_fixtures.py after docs/protocol.md), for
 * every panel at 80x24 and at 160x48, plus the small-terminal message, the detached screen,
 * forced GCs shown in place and the GC-all summary.
 *
 * Expected values come from the fixture's own figures (make_fixtures.py), worked out by hand in
 * the comments: e.g. the leaky server in the last snapshot (i = 11) has heap block 17731 (the
 * BEAM's heap-size table, entry 3 + (i+1)/2) and heap_words 17731*3/4 = 13298, shown "13.3k".
 */
#include "viewer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grid.h"
#include "testhelp.h"

#define FIX "tests/viewer/fixtures/"

/* One frame: --once --replay PATH at cols x rows; panel/select may be NULL. */
static char *frame_at(const char *path, int cols, int rows, const char *panel,
                      const char *select, bool plain)
{
    char c[16], r[16];
    snprintf(c, sizeof c, "%d", cols);
    snprintf(r, sizeof r, "%d", rows);
    char *argv[16];
    int argc = 0;
    argv[argc++] = "top";
    argv[argc++] = "--once";
    if (plain) argv[argc++] = "--plain";
    argv[argc++] = "--replay";
    argv[argc++] = (char *)path;
    argv[argc++] = "--cols";
    argv[argc++] = c;
    argv[argc++] = "--rows";
    argv[argc++] = r;
    if (panel) { argv[argc++] = "--panel"; argv[argc++] = (char *)panel; }
    if (select) { argv[argc++] = "--select"; argv[argc++] = (char *)select; }
    argv[argc] = NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    int rc = viewer_top_run(argc, argv, f, stderr);
    fclose(f);
    if (rc != 0) { printf("  viewer_top_run %s exited %d\n", path, rc); }
    return buf;
}

/* The same on a fixture of tests/viewer/fixtures. */
static char *frame(const char *fixture, int cols, int rows, const char *panel,
                   const char *select, bool plain)
{
    char path[256];
    snprintf(path, sizeof path, FIX "%s", fixture);
    return frame_at(path, cols, rows, panel, select, plain);
}

/* Row n of a frame (0-based), or "" past the end. */
static const char *row(const char *text, int n)
{
    static char line[4096];
    const char *p = text;
    for (int i = 0; i < n && p; i++) {
        p = strchr(p, '\n');
        if (p) p++;
    }
    if (!p) return "";
    size_t k = strcspn(p, "\n");
    if (k >= sizeof line) k = sizeof line - 1;
    memcpy(line, p, k);
    line[k] = 0;
    return line;
}

static int count_rows(const char *text)
{
    int n = 0;
    for (const char *p = text; *p; p++) n += *p == '\n';
    return n;
}

/* Every frame has exactly `rows` lines, none wider than `cols` cells. */
static bool shape_ok(const char *text, int cols, int rows)
{
    if (count_rows(text) != rows) return false;
    for (int i = 0; i < rows; i++)
        if (vw_text_width(row(text, i)) > cols) return false;
    return true;
}

static int find_row(const char *text, const char *needle)
{
    int n = count_rows(text);
    for (int i = 0; i < n; i++)
        if (strstr(row(text, i), needle)) return i;
    return -1;
}

#define CHECK_ROW(text, n, expected) CHECK_STR(row(text, n), expected)
#define CHECK_HAS(text, needle) CHECK(strstr(text, needle) != NULL)

/* ---- 80x24 ------------------------------------------------------------------------------- */

TEST(processes_80x24)
{
    char *f = frame("demo.jsonl", 80, 24, NULL, NULL, true);
    CHECK(shape_ok(f, 80, 24));
    /* time_ms of the 12th push = 12 * 500 */
    CHECK_ROW(f, 0, " heapscope top  examples/demo.erl  os pid 4242  attached  every 500 ms  t 6.0s");
    /* erlang:memory figures of the last push: total 7726825 B = 7.37 MiB, processes 238048 B =
     * 232.5 KiB, ets 376240 = 367.4 KiB, binary 757760 = 740 KiB, atom 331777 = 324 KiB, code
     * 5123000 = 4.89 MiB; sparklines (ASCII) rise from "_" to "#" as each one grows */
    CHECK(!strncmp(row(f, 1), " total       7.4M _", 19));
    CHECK_HAS(row(f, 1), " processes   232K _");
    CHECK(!strncmp(row(f, 2), " ets         367K _", 19));
    CHECK_HAS(row(f, 2), " binary      740K _");
    /* atom and code never change: a flat baseline of 12 samples */
    CHECK_ROW(f, 3, " atom        324K ____________           code        4.9M ____________");
    /* GCs: (30+25*11 + 2+11/2) - (30+25*10 + 2+10/2) = 25 in 500 ms; lost words 42000 per
     * snapshot (flat 48030*(i+1), ratio 48030/6030); agent drops 3 after i > 9; 9 processes */
    CHECK(!strncmp(row(f, 4), " GC 50.0/s ", 11));
    CHECK_HAS(row(f, 4), "  p99 0.25ms  lost sharing 84.0k w/s ");
    CHECK_HAS(row(f, 4), "  dropped 3  procs 9");
    CHECK_HAS(row(f, 5), " 1 Processes  2 Detail  3 GC  4 ETS  5 Sharing  6 Leaks (4) ");
    CHECK_HAS(row(f, 5), "sort memory");
    CHECK_ROW(f, 6, " PID      NAME              HEAP    OLD STACK FRAG MBOX MEMORYv    GCS  REDS GR");
    /* leaky: heap 13298, old 6772*2/3 = 4514, stack 9, memory (17731+6772)*8 + 9*8 + 1400 =
     * 197496 B = 193K, GCs 4+2*11 = 26 minor / 11/3 = 3 major, reductions 12000+3100*11 */
    CHECK_ROW(f, 7, " <0.80.0> leaky_server     13.3k   4514     9    0    0   193K    26/3 46.1k  ^");
    /* sender: (987+376)*8 + 80 + 1400 = 12384 B */
    CHECK_ROW(f, 8, " <0.83.0> sharing_sender     700    300    10    0    0  12.1K    33/0 31.0k  -");
    CHECK_ROW(f, 9, " <0.82.0> binary_router      410    120     8    0    3   8.0K    22/0 14.9k  -");
    CHECK_ROW(f, 10, " <0.70.0> demo:main/0         60      0    20    0    0   3.3K     1/0  3000  -");
    /* ets_cache 3320 B before the workers' 3304 B */
    CHECK(!strncmp(row(f, 11), " <0.81.0> ets_cache", 19));
    CHECK(!strncmp(row(f, 12), " <0.90.0> worker_pool:wor", 25));
    CHECK(!strncmp(row(f, 15), " <0.93.0> worker_pool:wor", 25));
    CHECK_ROW(f, 16, "");
    CHECK_ROW(f, 23, "q quit ? help Tab panel Enter detail g/G gc A gc all s report p pause / filter");
    free(f);
}

TEST(processes_unicode)
{
    char *f = frame("demo.jsonl", 80, 24, NULL, NULL, false);
    CHECK(shape_ok(f, 80, 24));
    CHECK_ROW(f, 6, " PID      NAME              HEAP    OLD STACK FRAG MBOX MEMORY▼    GCS  REDS GR");
    CHECK_ROW(f, 7, " <0.80.0> leaky_server     13.3k   4514     9    0    0   193K    26/3 46.1k  ↑");
    CHECK_HAS(row(f, 1), "7.4M ▁");
    CHECK_HAS(row(f, 1), "█");
    CHECK_ROW(f, 3, " atom        324K ▁▁▁▁▁▁▁▁▁▁▁▁           code        4.9M ▁▁▁▁▁▁▁▁▁▁▁▁");
    CHECK_HAS(row(f, 8), "·");
    CHECK(strstr(f, "\033[") == NULL); /* not a terminal: no escapes */
    free(f);
}

TEST(detail_80x24)
{
    char *f = frame("demo.jsonl", 80, 24, "detail", "<0.80.0>", true);
    CHECK(shape_ok(f, 80, 24));
    CHECK_HAS(row(f, 5), " 2 Detail ");
    CHECK_ROW(f, 6, " <0.80.0> leaky_server  leaky_server:init/1");
    /* from the procs reply: current, dictionary, links, monitors */
    CHECK_ROW(f, 7, " current leaky_server:loop/2  dict 3  links 2  monitors 1  queue on_heap");
    CHECK_ROW(f, 8, " heap 13.3k/17.7k  old 4514/6772  stack 9  frag 0  mailbox 0  memory 193K");
    /* reclaimed 26*300 + 3*900 = 10500 */
    CHECK_ROW(f, 9, " GCs 26 minor 3 major  reclaimed 10.5k  reductions 46.1k  sends 0");
    CHECK(!strncmp(row(f, 10), " young ", 7));
    CHECK_HAS(row(f, 10), "13.3k");
    CHECK_HAS(row(f, 10), "old ");
    CHECK_HAS(row(f, 10), "4514");
    /* the proc reply's history: 12 points, the largest total heap 17731 + 6772 = 24503 */
    CHECK_ROW(f, 11, " total heap, words (max 24.5k, 12 samples since spawn)");
    int last = find_row(f, " last GCs");
    CHECK(last > 12);
    /* the chart's top row holds the newest (largest) point at the right edge */
    CHECK(row(f, 12)[78] == '#');
    /* newest GC of <0.80.0>: k = 5, t 1000+700*5 ms, major (k%3 == 2), before heap 3000 + old
     * 600, after heap 1900 + old 0, duration 0.031 + 0.05 ms */
    CHECK_ROW(f, last + 1, " t 4.5s    major fullsweep   3600 -> 1900   reclaimed 1700   pause 0.08ms");
    CHECK_ROW(f, last + 2, " t 3.8s    minor heap_full   3300 -> 2600   reclaimed 700    pause 0.07ms");
    free(f);
}

TEST(detail_of_an_exited_process)
{
    char *f = frame("demo.jsonl", 80, 24, "detail", "<0.99.0>", true);
    CHECK_ROW(f, 6, " <0.99.0>   (not in the last snapshot: exited?)");
    CHECK_HAS(f, " no collection seen yet");
    free(f);
}

TEST(gc_80x24)
{
    char *f = frame("demo.jsonl", 80, 24, "gc", NULL, true);
    CHECK(shape_ok(f, 80, 24));
    CHECK_ROW(f, 6, "    TIME PID       NAME          TYPE  REASON    BEFORE  AFTER RECLAIMED   PAUSE");
    /* newest first: the worker's minor GC at 5200 ms, 230 -> 40 words, 0.008 ms */
    CHECK_ROW(f, 7, "    5.2s <0.90.0>  worker_pool:w minor heap_full    230     40       190  0.01ms");
    CHECK_ROW(f, 8, "    4.5s <0.80.0>  leaky_server  major fullsweep   3600   1900      1700  0.08ms");
    /* the oldest: k = 0 at 1000 ms, heap 1500 + old 600 -> heap 900 + old 900 */
    CHECK_ROW(f, 13, "    1.0s <0.80.0>  leaky_server  minor heap_full   2100   1800       300  0.03ms");
    CHECK_ROW(f, 14, ""); /* 7 gc_end events; the spawn and send events are not GCs */
    free(f);
}

TEST(ets_80x24)
{
    char *f = frame("demo.jsonl", 80, 24, "ets", NULL, true);
    CHECK(shape_ok(f, 80, 24));
    CHECK_ROW(f, 6, " TABLE        TYPE          ACCESS    OWNER     OBJECTS  WORDS   PEAK     GROWTH");
    /* size 500+250*11 = 3250, memory 320 + 14*3250 = 45820 words, growing 14*250 words per
     * 500 ms = 7000 words/s */
    CHECK_ROW(f, 7, " demo_cache   set           public    <0.81.0>     3250  45.8k  45.8k  +7000/s ^");
    CHECK_ROW(f, 8, " routes       ordered_set   protected <0.82.0>       64   1210   1210     +0/s -");
    free(f);
}

TEST(sharing_80x24)
{
    char *f = frame("demo.jsonl", 80, 24, "sharing", NULL, true);
    CHECK(shape_ok(f, 80, 24));
    /* 480 + 120 sends; 576000 + 360 flat words; ratio 576360 / 72360 = 7.965 */
    CHECK_ROW(f, 6, " sends 600  copied 576k words  flat/shared 7.97 (threshold 4.0)  sites 2");
    CHECK_ROW(f, 7, " SEND SITE                                  MSGS    FLAT SAMPLED  RATIO     LOST");
    /* lost = 576000 * (1 - 1/8) = 504000 */
    CHECK_ROW(f, 8, " sharing_sender:loop/2:27                    480    576k     480   8.00     504k");
    CHECK_ROW(f, 9, " worker_pool:dispatch/2:41                   120     360     120   1.00        0");
    free(f);
}

TEST(leaks_80x24)
{
    char *f = frame("demo.jsonl", 80, 24, "leaks", NULL, true);
    CHECK(shape_ok(f, 80, 24));
    CHECK_ROW(f, 6, " 4 verdicts");
    CHECK_ROW(f, 7, " LEAK        process_state  <0.80.0> leaky_server");
    CHECK_ROW(f, 8, "    leaky_server: live words after major GCs grow 900 words/s");
    /* samples 600 + 450k for k = 0..11: a straight ramp; fit 600 -> 5550 at 900/s */
    CHECK_ROW(f, 9, "    live_words_after_major _..-::==+**# 600->5550  +900/s  r2 0.97");
    CHECK_ROW(f, 10, "    forced GC: used 6500->3900 (-2600)  heap 4000->3900  old 2500->0");
    CHECK_ROW(f, 11, " LEAK        ets_table      ets demo_cache owner <0.81.0>");
    /* "demo_cache: size and ..." names the headline's table: the name is not repeated */
    CHECK_ROW(f, 12, "    size and memory keep growing (500 objects/s)");
    CHECK_ROW(f, 13, "    size _..-::==+**# 500->3250  +500/s  r2 0.97");
    CHECK_ROW(f, 14, " SUSPECT     binary         <0.82.0> binary_router");
    CHECK_ROW(f, 17, "    forced GC: used 530->90 (-440)  heap 410->90  old 120->0");
    CHECK_ROW(f, 18, " SUSPECT     lost_sharing   sharing_sender:loop/2:27");
    CHECK_ROW(f, 20, "    flat_shared_ratio 8.00 over 480 sampled messages");
    free(f);
}

/* ---- 160x48 ------------------------------------------------------------------------------ */

TEST(wide_160x48)
{
    char *f = frame("demo.jsonl", 160, 48, NULL, NULL, false);
    CHECK(shape_ok(f, 160, 48));
    /* three memory categories per row */
    CHECK(!strncmp(row(f, 1), " total       7.4M ▁", 19 + 2));
    CHECK_HAS(row(f, 1), " processes   232K ");
    CHECK_HAS(row(f, 1), " ets         367K ");
    CHECK_HAS(row(f, 2), " binary      740K ");
    CHECK_HAS(row(f, 2), " code        4.9M ");
    /* processes on the left, the selection's detail on the right */
    CHECK(!strncmp(row(f, 5), " PID      NAME              HEAP    OLD STACK FRAG MBOX MEMORY▼    GCS  REDS GR │ <0.80.0> leaky_server  leaky_server:init/1", 200));
    CHECK_HAS(row(f, 6), " <0.80.0> leaky_server     13.3k   4514     9    0    0   193K    26/3 46.1k  ↑ │ current leaky_server:loop/2  dict 3");
    CHECK_HAS(row(f, 7), "│ heap 13.3k/17.7k  old 4514/6772  stack 9  frag 0  mailbox 0  memory 193K");
    /* the lower left: the leak verdicts */
    int l = find_row(f, "─ leaks ─");
    CHECK(l > 10 && l < 30);
    CHECK_HAS(row(f, l + 1), " 4 verdicts");
    CHECK_HAS(row(f, l + 2), " LEAK        process_state  <0.80.0> leaky_server");
    CHECK_HAS(f, "t 4.5s    major fullsweep   3600 → 1900   reclaimed 1700   pause 0.08ms");
    free(f);
}

TEST(wide_panels)
{
    /* the right half shows the active panel; processes stay on the left */
    const struct { const char *panel, *needle; } cases[] = {
        /* the right half is 79 columns: the GC log's name column gets 12 */
        {"gc", "│    5.2s <0.90.0>  worker_pool: minor heap_full    230     40       190  0.01ms"},
        {"ets", "│ demo_cache  set           public    <0.81.0>     3250  45.8k  45.8k  +7000/s ↑"},
        {"sharing", "│ sharing_sender:loop/2:27                   480    576k     480   8.00     504k"},
        {"leaks", "│ LEAK        process_state  <0.80.0> leaky_server"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *f = frame("demo.jsonl", 160, 48, cases[i].panel, NULL, false);
        CHECK(shape_ok(f, 160, 48));
        if (!strstr(f, cases[i].needle)) printf("  %s: missing \"%s\"\n", cases[i].panel,
                                                cases[i].needle);
        CHECK(strstr(f, cases[i].needle) != NULL);
        CHECK(!strncmp(row(f, 6), " <0.80.0> leaky_server", 22));
        free(f);
    }
    /* with the verdicts on the right, the lower left is the GC log */
    char *f = frame("demo.jsonl", 160, 48, "leaks", NULL, true);
    CHECK(find_row(f, "- GC log -") > 0);
    free(f);
}

/* ---- states ------------------------------------------------------------------------------ */

TEST(too_small)
{
    char *f = frame("demo.jsonl", 79, 24, NULL, NULL, true);
    CHECK(shape_ok(f, 79, 24));
    CHECK_HAS(f, "heapscope top needs at least 80x24");
    CHECK_HAS(f, "this terminal is 79x24");
    CHECK_HAS(f, "enlarge it, or press q to quit");
    CHECK(strstr(f, "leaky_server") == NULL);
    free(f);
    f = frame("demo.jsonl", 120, 23, NULL, NULL, true);
    CHECK_HAS(f, "this terminal is 120x23");
    free(f);
}

TEST(detached_keeps_data)
{
    char *f = frame("demo_detached.jsonl", 80, 24, NULL, NULL, true);
    CHECK(shape_ok(f, 80, 24));
    CHECK_HAS(row(f, 0), "examples/demo.erl  os pid 4242  DETACHED");
    CHECK_ROW(f, 7, " <0.80.0> leaky_server     13.3k   4514     9    0    0   193K    26/3 46.1k  ^");
    CHECK(!strncmp(row(f, 23), "detached: the runtime went away; showing its last data", 54));
    free(f);
}

TEST(forced_gc_in_place)
{
    char *f = frame("demo_gc.jsonl", 80, 24, NULL, "<0.80.0>", true);
    CHECK_ROW(f, 7, " <0.80.0> leaky_server     13.3k   4514     9    0    0   193K    26/3 46.1k  ^");
    /* before heap 11000 + old 6000, after heap 7400 + old 0: 9600 words reclaimed */
    CHECK_ROW(f, 8, "  `- major GC: used 17.0k->7400 (-9600)  heap 11.0k->7400  old 6000->0");
    CHECK(!strncmp(row(f, 9), " <0.83.0> sharing_sender", 24));
    free(f);
    f = frame("demo_gc.jsonl", 80, 24, NULL, "<0.80.0>", false);
    CHECK_ROW(f, 8, "  └─ major GC: used 17.0k→7400 (-9600)  heap 11.0k→7400  old 6000→0");
    free(f);
    /* a minor GC promotes to the old heap: 17000 -> 16600 words */
    f = frame("demo_gc_minor.jsonl", 80, 24, NULL, "<0.80.0>", true);
    CHECK_ROW(f, 8, "  `- minor GC: used 17.0k->16.6k (-400)  heap 11.0k->2100  old 6000->14.5k");
    free(f);
    /* the detail shows it too */
    f = frame("demo_gc.jsonl", 80, 24, "detail", "<0.80.0>", true);
    CHECK_ROW(f, 10, " forced major GC: used 17.0k->7400 (-9600)  heap 11.0k->7400  old 6000->0");
    free(f);
    /* another selection: no line under the leaky server */
    f = frame("demo_gc.jsonl", 80, 24, NULL, "<0.83.0>", true);
    CHECK(!strncmp(row(f, 8), " <0.83.0> sharing_sender", 24));
    free(f);
}

TEST(gc_all_summary)
{
    char *f = frame("demo_gc_all.jsonl", 80, 24, NULL, NULL, true);
    /* each process: heap - heap/2 + old reclaimed; 11163 + 650 + 325 + 75 + 30 + 255 = 12498
     * words = 99984 bytes */
    CHECK_ROW(f, 23, "GC all (major): 9 processes, reclaimed 12.5k words (97.6K)");
    free(f);
}

TEST(fresh_runtime)
{
    char *f = frame("fresh.jsonl", 80, 24, NULL, NULL, true);
    CHECK(shape_ok(f, 80, 24));
    CHECK_HAS(row(f, 0), "every 500 ms  t 0.5s");
    /* one snapshot: no rate yet */
    CHECK(!strncmp(row(f, 4), " GC 0.0/s ", 10));
    CHECK_HAS(row(f, 5), " 6 Leaks ");
    CHECK(strstr(row(f, 5), "Leaks (") == NULL);
    /* i = 0: leaky heap block 987 (heap 740), old block 610 (old 406) */
    CHECK_ROW(f, 7, " <0.80.0> leaky_server       740    406     9    0    0  13.9K     4/0 12.0k  -");
    free(f);
    f = frame("fresh.jsonl", 80, 24, "gc", NULL, true);
    CHECK_HAS(f, "no collection seen yet");
    free(f);
    f = frame("fresh.jsonl", 80, 24, "leaks", NULL, true);
    CHECK_ROW(f, 6, " 0 verdicts");
    CHECK_HAS(f, "no leak verdicts");
    free(f);
}

TEST(usage_errors)
{
    char *argv1[] = {"top", "--panel", "nope", NULL};
    FILE *devnull = fopen("/dev/null", "w");
    CHECK_EQ(viewer_top_run(3, argv1, devnull, devnull), 2);
    char *argv2[] = {"top", "--plain", NULL};
    CHECK_EQ(viewer_top_run(2, argv2, devnull, devnull), 2);
    char *argv3[] = {"top", "--once", "--interval", "5", NULL};
    CHECK_EQ(viewer_top_run(4, argv3, devnull, devnull), 2);
    char *argv4[] = {"top", "--once", "--replay", FIX "no_such_file.jsonl", NULL};
    CHECK_EQ(viewer_top_run(4, argv4, devnull, devnull), 1);
    char *argv5[] = {"top", "--help", NULL};
    CHECK_EQ(viewer_top_run(2, argv5, devnull, devnull), 0);
    fclose(devnull);
}

/* A busy runtime (as examples/demo.erl is live): 17 snapshots 500 ms apart, 124 more GCs
 * each (248.0/s), 20000 more flat words at ratio 2 (lost 10000 per snapshot: 20.0k w/s), 10
 * dropped events, 8 processes. At 80 columns the sparklines give way so that the rates line
 * still ends with the process count. */
TEST(rates_line_fits_80)
{
    char path[] = "/tmp/hs-frames-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0) return;
    FILE *f = fdopen(fd, "w");
    fprintf(f, "{\"id\":1,\"ok\":true,\"version\":\"heapscope 0.1\",\"program\":"
               "\"examples/demo.erl\",\"pid\":4242,\"schedulers\":2,\"protocol\":1,"
               "\"line_max\":1048576}\n");
    for (int k = 1; k <= 17; k++)
        fprintf(f, "{\"id\":\"s\",\"push\":\"snapshot\",\"seq\":%d,\"dropped\":0,"
                   "\"schema\":\"heapscope-snapshot/1\",\"time_ms\":%d,"
                   "\"gc\":{\"minor_gcs\":%d,\"major_gcs\":0,\"pause_ms\":{\"p99\":0.21}},"
                   "\"sharing\":{\"sends\":%d,\"flat_words\":%d,\"ratio\":2,\"threshold\":4},"
                   "\"processes_total\":8,\"processes\":[],\"ets\":[],\"verdicts\":[],"
                   "\"agent\":{\"drops\":10}}\n",
                k, 500 * k, 124 * k, 10 * k, 20000 * k);
    fclose(f);
    char *fr = frame_at(path, 80, 24, NULL, NULL, true);
    CHECK(shape_ok(fr, 80, 24));
    CHECK(!strncmp(row(fr, 4), " GC 248.0/s ", 12));
    CHECK_HAS(row(fr, 4), "  p99 0.21ms  lost sharing 20.0k w/s ");
    const char *r4 = row(fr, 4);
    size_t n = strlen(r4);
    CHECK(n >= 19 && !strcmp(r4 + n - 19, "dropped 10  procs 8"));
    free(fr);
    /* wide (three memory categories a row): the sparklines get their 8 cells */
    fr = frame_at(path, 160, 48, NULL, NULL, true);
    CHECK(!strncmp(row(fr, 3), " GC 248.0/s ________  p99 0.21ms", 32));
    CHECK(strlen(row(fr, 3)) == 12 + 8 + 37 + 8 + 21);
    free(fr);
    unlink(path);
}

/* A verdict judged on 32 samples (as the live demo's pool workers): at 80 columns the
 * sparkline gives way so that the fit (first and last minima, slope, r2) stays on the line. */
TEST(verdict_fit_fits_80)
{
    char path[] = "/tmp/hs-frames-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0) return;
    FILE *f = fdopen(fd, "w");
    fprintf(f, "{\"id\":1,\"ok\":true,\"program\":\"examples/demo.erl\",\"pid\":4242,"
               "\"protocol\":1}\n");
    fprintf(f, "{\"id\":\"s\",\"push\":\"snapshot\",\"seq\":1,\"dropped\":0,"
               "\"time_ms\":500,\"processes\":[],\"ets\":[],\"verdicts\":[{\"kind\":"
               "\"process_state\",\"verdict\":\"pseudo_leak\",\"summary\":\"<0.84.0> "
               "(pool_worker_1): total heap grew\",\"subject\":{\"pid\":\"<0.84.0>\","
               "\"registered_name\":\"pool_worker_1\"},\"evidence\":{\"metric\":"
               "\"total_heap_words\",\"samples\":[");
    for (int k = 0; k < 32; k++) fprintf(f, "%s[%d,%d]", k ? "," : "", 100 * k, 35500 + 1000 * k);
    fprintf(f, "],\"fit\":{\"slope_per_s\":18900,\"r2\":0.36,\"first_min\":35500,"
               "\"last_min\":122000}}}]}\n");
    fclose(f);
    char *fr = frame_at(path, 80, 24, "leaks", NULL, true);
    CHECK(shape_ok(fr, 80, 24));
    CHECK_ROW(fr, 7, " PSEUDO_LEAK process_state  <0.84.0> pool_worker_1");
    CHECK_ROW(fr, 8, "    total heap grew");
    /* 4 + 17 ("total_heap_words ") + 31 of fit leave 28 cells: the 32 samples are grouped
     * two a cell (16 cells), the whole line stays within 80 */
    CHECK_ROW(fr, 9, "    total_heap_words __..--::==++**## 35.5k->122k  +18.9k/s  r2 0.36");
    free(fr);
    unlink(path);
}

int main(void)
{
    TH_RUN(processes_80x24);
    TH_RUN(processes_unicode);
    TH_RUN(detail_80x24);
    TH_RUN(detail_of_an_exited_process);
    TH_RUN(gc_80x24);
    TH_RUN(ets_80x24);
    TH_RUN(sharing_80x24);
    TH_RUN(leaks_80x24);
    TH_RUN(wide_160x48);
    TH_RUN(wide_panels);
    TH_RUN(too_small);
    TH_RUN(detached_keeps_data);
    TH_RUN(forced_gc_in_place);
    TH_RUN(gc_all_summary);
    TH_RUN(fresh_runtime);
    TH_RUN(usage_errors);
    TH_RUN(rates_line_fits_80);
    TH_RUN(verdict_fit_fits_80);
    return th_done();
}
