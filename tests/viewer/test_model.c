/*
 * test_model.c — the viewer's parts without a terminal or a socket: number formats,
 * sparklines, the cell grid, the model fed protocol messages (rates, growth, identities across
 * snapshots, events, procs/proc/gc replies, program changes), the process view (sort, filter)
 * and the key bindings.
 */
#include "model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "grid.h"
#include "sparkline.h"
#include "testhelp.h"
#include "ui.h"
#include "units.h"

static char nb[VW_NUM_CAP];

TEST(units)
{
    CHECK_STR(vw_fmt_bytes(0, nb, sizeof nb), "0B");
    CHECK_STR(vw_fmt_bytes(1023, nb, sizeof nb), "1023B");
    CHECK_STR(vw_fmt_bytes(1024, nb, sizeof nb), "1.0K");
    CHECK_STR(vw_fmt_bytes(1536, nb, sizeof nb), "1.5K");
    CHECK_STR(vw_fmt_bytes(197496, nb, sizeof nb), "193K");       /* 192.87 KiB */
    CHECK_STR(vw_fmt_bytes(7726825, nb, sizeof nb), "7.4M");      /* 7.37 MiB */
    CHECK_STR(vw_fmt_bytes(3.5 * 1024 * 1024 * 1024, nb, sizeof nb), "3.5G");
    CHECK_STR(vw_fmt_count(9999, nb, sizeof nb), "9999");
    CHECK_STR(vw_fmt_count(10000, nb, sizeof nb), "10.0k");
    CHECK_STR(vw_fmt_count(123456, nb, sizeof nb), "123k");
    CHECK_STR(vw_fmt_count(4500000, nb, sizeof nb), "4.5M");
    CHECK_STR(vw_fmt_ms(0.25, nb, sizeof nb), "0.25ms");
    CHECK_STR(vw_fmt_ms(12.34, nb, sizeof nb), "12.3ms");
    CHECK_STR(vw_fmt_ms(1500, nb, sizeof nb), "1.5s");
}

TEST(sparklines)
{
    char out[256];
    double ramp[16];
    for (int i = 0; i < 16; i++) ramp[i] = i;
    CHECK_EQ(vw_sparkline(ramp, 8, 20, true, out, sizeof out), 8);
    CHECK_STR(out, "▁▂▃▄▅▆▇█");
    vw_sparkline(ramp, 8, 20, false, out, sizeof out);
    CHECK_STR(out, "_.-:=+*#");
    /* 16 values in 8 cells: pairs, each its maximum (1, 3, ... 15) */
    CHECK_EQ(vw_sparkline(ramp, 16, 8, true, out, sizeof out), 8);
    CHECK_STR(out, "▁▂▃▄▅▆▇█");
    /* 16 values in 5 cells: groups of 4 aligned to the newest (3, 7, 11, 15) */
    CHECK_EQ(vw_sparkline(ramp, 16, 5, false, out, sizeof out), 4);
    double flat[3] = {5, 5, 5};
    vw_sparkline(flat, 3, 10, true, out, sizeof out);
    CHECK_STR(out, "▁▁▁");
    CHECK_EQ(vw_sparkline(ramp, 0, 10, true, out, sizeof out), 0);
    CHECK_STR(out, "");
    CHECK_EQ(vw_sparkline(ramp, 8, 0, true, out, sizeof out), 0);
    /* a buffer too small stops at a whole glyph */
    CHECK_EQ(vw_sparkline(ramp, 8, 8, true, out, 7), 2);
    CHECK_STR(out, "▁▂");
}

TEST(chart)
{
    VwGrid g;
    CHECK(vw_grid_init(&g, 10, 4));
    double v[4] = {0, 10, 20, 40};
    vw_chart(&g, 0, 0, 10, 4, v, 4, false, VW_A_SPARK);
    char row[64];
    /* scaled to 40 over 4 rows: 40 fills the column, 20 two rows, 10 one, 0 nothing; four
     * values in ten columns take two columns each, the newest at the right edge */
    vw_grid_row(&g, 0, row, sizeof row);
    CHECK_STR(row, "        ##");
    vw_grid_row(&g, 2, row, sizeof row);
    CHECK_STR(row, "      ####");
    vw_grid_row(&g, 3, row, sizeof row);
    CHECK_STR(row, "    ######");
    vw_grid_clear(&g);
    /* more values than columns: grouped, each column its group's maximum */
    double many[20];
    for (int i = 0; i < 20; i++) many[i] = i < 10 ? 1 : 4;
    vw_chart(&g, 0, 0, 10, 4, many, 20, false, VW_A_SPARK);
    vw_grid_row(&g, 0, row, sizeof row);
    CHECK_STR(row, "     #####");
    vw_grid_row(&g, 3, row, sizeof row);
    CHECK_STR(row, "##########");
    vw_grid_free(&g);
}

TEST(grid)
{
    VwGrid g;
    CHECK(vw_grid_init(&g, 8, 2));
    char row[64];
    CHECK_EQ(vw_grid_put(&g, 6, 0, -1, VW_A_BOLD, "abcdef"), 2);
    vw_grid_row(&g, 0, row, sizeof row);
    CHECK_STR(row, "      ab");
    CHECK_EQ(vw_grid_cell(&g, 6, 0)->attr, VW_A_BOLD);
    /* one cell per code point; wide, combining and control characters become '?' */
    CHECK_EQ(vw_grid_put(&g, 0, 1, -1, VW_A_NORMAL, "é漢\tx"), 4);
    vw_grid_row(&g, 1, row, sizeof row);
    CHECK_STR(row, "é??x");
    CHECK_EQ(vw_text_width("▁▂▃"), 3);
    CHECK_EQ(vw_text_width("\xff"), 1);
    vw_grid_clear(&g);
    vw_grid_put_right(&g, 0, 0, 8, VW_A_NORMAL, "42");
    vw_grid_row(&g, 0, row, sizeof row);
    CHECK_STR(row, "      42");
    CHECK_EQ(vw_grid_put(&g, 0, 5, -1, VW_A_NORMAL, "off the grid"), 0);
    vw_grid_free(&g);
}

/* ---- the model --------------------------------------------------------------------------- */

static cJSON *parse(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static cJSON *parse(const char *fmt, ...)
{
    static char buf[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    cJSON *j = cJSON_Parse(buf);
    if (!j) printf("  bad test JSON: %s\n", buf);
    return j;
}

static void apply(VwModel *m, cJSON *j)
{
    vw_model_apply(m, j);
    cJSON_Delete(j);
}

static const char *proc_json(char *buf, size_t cap, int n, const char *name, long heap,
                             long total, long mem, long mbox, long reds, long minor)
{
    snprintf(buf, cap,
             "{\"pid\":\"<0.%d.0>\",\"registered_name\":%s,\"initial_call\":\"m:f/%d\","
             "\"heap_words\":%ld,\"old_heap_words\":%ld,\"total_heap_words\":%ld,"
             "\"memory_bytes\":%ld,\"message_queue_len\":%ld,\"reductions\":%ld,"
             "\"minor_gcs\":%ld,\"major_gcs\":1}",
             n, name, n % 5, heap, heap / 2, total, mem, mbox, reds, minor);
    return buf;
}

/* A snapshot push at t with three processes whose leaky one (<0.80.0>) has total heap `tot`. */
static cJSON *snap(double t, long gcs, long flat, double ratio, long tot, long cache_words)
{
    char a[512], b[512], c[512];
    proc_json(a, sizeof a, 80, "\"leaky\"", tot / 2, tot, tot * 8, 0, 100, gcs);
    proc_json(b, sizeof b, 81, "null", 50, 233, 3000, 150, 900, 1);
    proc_json(c, sizeof c, 82, "\"Zed\"", 70, 376, 2000, 2, 50, 3);
    return parse("{\"id\":\"s\",\"push\":\"snapshot\",\"seq\":1,\"dropped\":2,"
                 "\"schema\":\"heapscope-snapshot/1\",\"time_ms\":%g,"
                 "\"memory\":{\"total\":%ld,\"processes\":1000,\"ets\":10,\"binary\":0,"
                 "\"atom\":5,\"code\":7,\"peak\":{\"total\":99999}},"
                 "\"gc\":{\"minor_gcs\":%ld,\"major_gcs\":0,\"pause_ms\":{\"p99\":0.5}},"
                 "\"processes_total\":3,\"processes\":[%s,%s,%s],"
                 "\"ets\":[{\"id\":7,\"name\":\"t\",\"owner\":\"<0.81.0>\",\"type\":\"set\","
                 "\"protection\":\"public\",\"size\":1,\"memory_words\":%ld}],"
                 "\"sharing\":{\"sends\":1,\"flat_words\":%ld,\"ratio\":%g,\"threshold\":4,"
                 "\"top_sites\":[{\"module\":\"m\",\"function\":\"f\",\"arity\":1,\"line\":9,"
                 "\"other\":false,\"messages\":3,\"flat_words\":400,\"sampled\":3,"
                 "\"ratio\":4},{\"module\":null,\"function\":null,\"arity\":0,\"line\":0,"
                 "\"other\":true,\"messages\":1,\"flat_words\":5,\"sampled\":0,"
                 "\"ratio\":null}]},"
                 "\"binaries\":{\"live_bytes\":4096},\"verdicts\":[],"
                 "\"agent\":{\"drops\":4,\"events\":10}}",
                 t, 1000 + (long)t, gcs, a, b, c, cache_words, flat, ratio);
}

TEST(snapshots_rates_and_growth)
{
    VwModel *m = vw_model_new();
    apply(m, snap(1000, 10, 0, 0, 1000, 100));
    CHECK_EQ(m->snapshots, 1);
    CHECK_EQ(m->nprocs, 3);
    CHECK_EQ(m->mem[VW_MEM_TOTAL], 2000);
    CHECK_EQ(m->mem_peak[VW_MEM_TOTAL], 99999);
    CHECK_EQ((long)(m->gc_rate * 1000), 0); /* no rate from one snapshot */
    CHECK_EQ(m->gc_rate_hist.n, 0);
    CHECK_EQ(m->push_dropped, 2);
    CHECK_EQ(m->drops, 4);
    CHECK_EQ(m->bin_live_bytes, 4096);
    /* 500 ms later: 15 more GCs = 30/s; lost words 8000*(1-1/4) = 6000 more = 12000/s;
     * leaky total heap 1000 -> 2000: +2000 words/s; the table 100 -> 350 words: +500/s */
    apply(m, snap(1500, 25, 8000, 4, 2000, 350));
    CHECK_EQ((long)(m->gc_rate * 1000), 30000);
    CHECK_EQ((long)m->lost_wps, 12000);
    CHECK_EQ(m->gc_rate_hist.n, 1);
    CHECK_EQ(m->mem_hist[VW_MEM_TOTAL].n, 2);
    double v[4];
    CHECK_EQ(vw_series_copy(&m->mem_hist[VW_MEM_TOTAL], v, 4), 2);
    CHECK_EQ((long)v[0], 2000);
    CHECK_EQ((long)v[1], 2500);
    const VwProc *p = vw_model_proc(m, "<0.80.0>");
    CHECK(p != NULL);
    CHECK_EQ((long)p->growth_wps, 2000);
    CHECK_EQ(p->hist.n, 2);   /* carried over from the first snapshot */
    CHECK_EQ((long)p->hist.v[1], 1000);
    CHECK_STR(vw_proc_label(p), "leaky");
    CHECK_STR(vw_proc_label(vw_model_proc(m, "<0.81.0>")), "m:f/1");
    CHECK_EQ(m->ntables, 1);
    CHECK_EQ((long)m->tables[0].growth_wps, 500);
    CHECK_EQ(m->nsites, 2);
    CHECK_STR(m->sites[0].where, "m:f/1:9");
    CHECK_EQ((long)m->sites[0].lost_words, 300);
    CHECK_STR(m->sites[1].where, "(other sites)");
    CHECK_EQ((long)m->sites[1].lost_words, 0);
    vw_model_free(m);
}

TEST(series_ring_wraps)
{
    static VwSeries s;
    memset(&s, 0, sizeof s);
    for (int i = 0; i < VW_HIST + 5; i++) vw_series_push(&s, i);
    CHECK_EQ(s.n, VW_HIST);
    double v[3];
    CHECK_EQ(vw_series_copy(&s, v, 3), 3);
    CHECK_EQ((long)v[0], VW_HIST + 2);
    CHECK_EQ((long)v[2], VW_HIST + 4);
}

TEST(view_sort_and_filter)
{
    VwModel *m = vw_model_new();
    apply(m, snap(1000, 10, 0, 0, 1000, 100));
    size_t v[8];
    /* memory: leaky 8000 > <0.81.0> 3000 > Zed 2000 */
    CHECK_EQ(vw_model_view(m, VW_SORT_MEMORY, false, "", v, 8), 3);
    CHECK_STR(m->procs[v[0]].pid, "<0.80.0>");
    CHECK_STR(m->procs[v[2]].pid, "<0.82.0>");
    vw_model_view(m, VW_SORT_MEMORY, true, "", v, 8);
    CHECK_STR(m->procs[v[0]].pid, "<0.82.0>");
    vw_model_view(m, VW_SORT_MAILBOX, false, NULL, v, 8);
    CHECK_STR(m->procs[v[0]].pid, "<0.81.0>");
    vw_model_view(m, VW_SORT_REDUCTIONS, false, NULL, v, 8);
    CHECK_STR(m->procs[v[0]].pid, "<0.81.0>");
    vw_model_view(m, VW_SORT_GCS, false, NULL, v, 8);
    CHECK_STR(m->procs[v[0]].pid, "<0.80.0>");
    vw_model_view(m, VW_SORT_PID, false, NULL, v, 8);
    CHECK_STR(m->procs[v[0]].pid, "<0.80.0>");
    CHECK_STR(m->procs[v[2]].pid, "<0.82.0>");
    /* the filter matches the pid, the name or the initial call, ignoring case */
    CHECK_EQ(vw_model_view(m, VW_SORT_MEMORY, false, "zed", v, 8), 1);
    CHECK_STR(m->procs[v[0]].pid, "<0.82.0>");
    CHECK_EQ(vw_model_view(m, VW_SORT_MEMORY, false, "M:F/1", v, 8), 1);
    CHECK_EQ(vw_model_view(m, VW_SORT_MEMORY, false, "<0.8", v, 8), 3);
    CHECK_EQ(vw_model_view(m, VW_SORT_MEMORY, false, "nothing", v, 8), 0);
    CHECK_STR(vw_sort_name(VW_SORT_OLD_HEAP), "old heap");
    vw_model_free(m);
}

TEST(events_procs_proc_gc)
{
    VwModel *m = vw_model_new();
    apply(m, snap(1000, 10, 0, 0, 1000, 100));
    const char *ev =
        "{\"id\":3,\"ok\":true,\"first_seq\":1,\"last_seq\":4,\"dropped_before\":2,\"events\":["
        "{\"seq\":1,\"t_ms\":5,\"type\":\"spawn\",\"pid\":\"<0.80.0>\"},"
        "{\"seq\":2,\"t_ms\":6,\"type\":\"gc_end\",\"pid\":\"<0.80.0>\",\"gc_type\":\"minor\","
        "\"reason\":\"heap_full\",\"before\":{\"heap_size\":300,\"old_heap_size\":10},"
        "\"after\":{\"heap_size\":100,\"old_heap_size\":60},\"reclaimed_words\":150,"
        "\"duration_ms\":0.5},"
        "{\"seq\":3,\"t_ms\":7,\"type\":\"gc_end\",\"pid\":\"<0.82.0>\",\"gc_type\":\"major\","
        "\"reason\":\"explicit\",\"before\":{},\"after\":{},\"reclaimed_words\":0}]}";
    apply(m, cJSON_Parse(ev));
    CHECK_EQ(m->gclog_n, 2);
    CHECK_EQ(m->events_seq, 4); /* last_seq: the next poll starts there */
    CHECK_EQ(m->events_missed, 2);
    const VwGcEvent *e = vw_model_gc_event(m, 0);
    CHECK_STR(e->pid, "<0.82.0>");
    CHECK(e->major);
    e = vw_model_gc_event(m, 1);
    CHECK_EQ(vw_gcfig_used(&e->before), 310);
    CHECK_EQ(vw_gcfig_used(&e->after), 160);
    CHECK_STR(e->reason, "heap_full");
    CHECK(vw_model_gc_event(m, 2) == NULL);
    apply(m, cJSON_Parse(ev)); /* the same events again: nothing new */
    CHECK_EQ(m->gclog_n, 2);

    apply(m, parse("{\"id\":4,\"ok\":true,\"procs\":[{\"pid\":\"<0.80.0>\",\"current\":"
                   "\"m:loop/2\",\"dict_size\":4,\"links\":2,\"monitors\":1,"
                   "\"message_queue_data\":\"off_heap\"},{\"pid\":\"<0.99.0>\",\"current\":\"x\"}]}"));
    const VwProc *p = vw_model_proc(m, "<0.80.0>");
    CHECK(p->have_extra);
    CHECK_STR(p->current, "m:loop/2");
    CHECK_EQ(p->dict_size, 4);
    CHECK_EQ(p->links, 2);
    CHECK_STR(p->mq_data, "off_heap");
    CHECK(!vw_model_proc(m, "<0.82.0>")->have_extra);
    /* the extra fields survive the next snapshot */
    apply(m, snap(1500, 11, 0, 0, 1000, 100));
    CHECK(vw_model_proc(m, "<0.80.0>")->have_extra);

    apply(m, parse("{\"id\":5,\"ok\":true,\"proc\":{\"pid\":\"<0.80.0>\",\"history\":"
                   "[[10,233,0],[20,376,1],[30,610,0]],\"live_after_major\":[[20,100]]}}"));
    CHECK_STR(m->detail_pid, "<0.80.0>");
    CHECK_EQ(m->detail_n, 3);
    CHECK_EQ((long)m->detail_total[2], 610);
    CHECK_EQ((long)m->detail_mailbox[1], 1);
    CHECK_EQ(m->detail_live_n, 1);

    vw_model_set_clock(m, 777);
    apply(m, parse("{\"id\":6,\"ok\":true,\"type\":\"minor\",\"procs\":[{\"pid\":\"<0.80.0>\","
                   "\"before\":{\"heap_size\":900},\"after\":{\"heap_size\":100,"
                   "\"old_heap_size\":300},\"reclaimed\":500}]}"));
    const VwGcResult *r = vw_model_result(m, "<0.80.0>");
    CHECK(r && !r->major);
    CHECK_EQ(r->before.heap, 900);
    CHECK_EQ(r->after.old_heap, 300);
    CHECK_EQ(r->reclaimed, 500);
    CHECK_EQ((long)r->at_ms, 777);
    CHECK(!m->have_all);
    /* an error reply changes nothing */
    apply(m, parse("{\"id\":7,\"ok\":false,\"error\":\"no_such_process\",\"message\":\"x\"}"));
    /* two processes: an "all" summary */
    apply(m, parse("{\"id\":8,\"ok\":true,\"type\":\"major\",\"procs\":["
                   "{\"pid\":\"<0.80.0>\",\"reclaimed\":10},{\"pid\":\"<0.81.0>\",\"reclaimed\":32}]}"));
    CHECK(m->have_all && m->all_major);
    CHECK_EQ(m->all_procs, 2);
    CHECK_EQ(m->all_reclaimed, 42);
    CHECK_EQ(m->nresults, 2);
    CHECK(vw_model_result(m, "<0.80.0>")->major); /* replaced, not added */
    vw_model_free(m);
}

TEST(verdicts)
{
    VwModel *m = vw_model_new();
    apply(m, parse("{\"schema\":\"heapscope-snapshot/1\",\"time_ms\":1,\"processes\":[],"
        "\"verdicts\":[{\"kind\":\"process_state\",\"verdict\":\"leak\",\"summary\":\"s1\","
        "\"judged_at_ms\":9,\"subject\":{\"pid\":\"<0.5.0>\",\"registered_name\":null,"
        "\"initial_call\":\"a:b/0\"},\"evidence\":{\"metric\":\"live_words_after_major\","
        "\"samples\":[[1,10],[2,20]],\"fit\":{\"slope_per_s\":5.5,\"r2\":0.9,\"first_min\":10,"
        "\"last_min\":20},\"forced_gc\":{\"before\":{\"heap_size\":50},\"after\":"
        "{\"heap_size\":5},\"reclaimed_words\":45}}},"
        "{\"kind\":\"ets_table\",\"verdict\":\"leak\",\"summary\":\"s2\",\"judged_at_ms\":9,"
        "\"subject\":{\"table_id\":12,\"table\":null,\"owner\":null},\"evidence\":{}},"
        "{\"kind\":\"native\",\"verdict\":\"suspect\",\"summary\":\"s3\",\"judged_at_ms\":9,"
        "\"subject\":{\"native_kind\":\"ets\",\"stack_id\":77},\"evidence\":{\"blocks\":3,"
        "\"bytes\":4096}}]}"));
    CHECK_EQ(m->nverdicts, 3);
    CHECK_STR(m->verdicts[0].subject, "<0.5.0> a:b/0");
    CHECK_EQ(m->verdicts[0].nsamples, 2);
    CHECK(m->verdicts[0].has_fit && m->verdicts[0].has_gc);
    CHECK_EQ(m->verdicts[0].gc_reclaimed, 45);
    CHECK_EQ(m->verdicts[0].gc_before.heap, 50);
    CHECK_STR(m->verdicts[1].subject, "ets #12 owner -");
    CHECK_STR(m->verdicts[2].subject, "native ets stack 77");
    CHECK_EQ(m->verdicts[2].bytes, 4096);
    vw_model_free(m);
}

TEST(attach_detach_and_program_change)
{
    VwModel *m = vw_model_new();
    CHECK(!m->attached && !m->ever_attached);
    apply(m, parse("{\"id\":1,\"ok\":true,\"protocol\":1,\"program\":\"a.erl\",\"pid\":11,"
                   "\"schedulers\":2,\"version\":\"heapscope 0.1\"}"));
    vw_model_attached(m);
    CHECK_STR(m->program, "a.erl");
    CHECK_EQ(m->os_pid, 11);
    apply(m, snap(1000, 10, 0, 0, 1000, 100));
    vw_model_set_clock(m, 5000);
    vw_model_detached(m);
    CHECK(!m->attached && m->ever_attached);
    CHECK_EQ((long)m->detached_at_ms, 5000);
    CHECK_EQ(m->nprocs, 3); /* the last data stays */
    /* the same program again: the history goes on */
    apply(m, parse("{\"id\":1,\"ok\":true,\"protocol\":1,\"program\":\"a.erl\",\"pid\":12}"));
    vw_model_attached(m);
    CHECK_EQ(m->attaches, 2);
    CHECK_EQ(m->nprocs, 3);
    CHECK_EQ(m->os_pid, 12);
    /* another program: a fresh start */
    apply(m, parse("{\"id\":1,\"ok\":true,\"protocol\":1,\"program\":\"b.erl\",\"pid\":13}"));
    CHECK_STR(m->program, "b.erl");
    CHECK_EQ(m->nprocs, 0);
    CHECK_EQ(m->snapshots, 0);
    CHECK_EQ(m->mem_hist[VW_MEM_TOTAL].n, 0);
    vw_model_free(m);
}

TEST(odd_messages_do_no_harm)
{
    static const char *const odd[] = {
        "{\"push\":\"snapshot\",\"processes\":5,\"ets\":{\"a\":1},\"verdicts\":[1,\"x\"]}",
        "{\"schema\":\"heapscope-snapshot/1\",\"processes\":[{\"pid\":7},[],null],"
        "\"memory\":[1,2],\"gc\":{\"pause_ms\":\"x\"},\"sharing\":{\"top_sites\":[{}]}}",
        "{\"procs\":[1,\"x\",{\"pid\":\"<0.1.0>\",\"current\":5}]}",
        "{\"proc\":{\"pid\":[],\"history\":[[1],\"x\",[null,null,null]],"
        "\"live_after_major\":{\"a\":[1,2]}}}",
        "{\"events\":[{\"seq\":-5,\"type\":\"gc_end\",\"before\":3},{\"type\":7},5]}",
        "{\"type\":1,\"procs\":[{},{\"pid\":\"<0.2.0>\",\"before\":[]}]}",
        "{\"protocol\":\"x\",\"program\":[],\"pid\":1e300}",
        "[1,2,3]",
        "{\"verdicts\":[{\"subject\":5,\"evidence\":{\"samples\":[[1,\"x\"],3],"
        "\"fit\":[],\"forced_gc\":7}}],\"push\":\"snapshot\",\"time_ms\":-1}",
    };
    VwModel *m = vw_model_new();
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
            cJSON *j = cJSON_Parse(odd[i]);
            CHECK(j != NULL);
            vw_model_apply(m, j);
            cJSON_Delete(j);
        }
    VwUi ui;
    vw_ui_init(&ui, 500, true, true);
    vw_ui_sync(&ui, m);
    VwGrid g;
    CHECK(vw_grid_init(&g, 160, 48));
    for (int p = 0; p < VW_PANEL_N; p++) { ui.panel = (VwPanel)p; vw_draw(&g, m, &ui); }
    vw_grid_free(&g);
    CHECK(m->snapshots >= 2);
    vw_model_free(m);
}

/* ---- keys -------------------------------------------------------------------------------- */

static VwModel *keys_model(void)
{
    VwModel *m = vw_model_new();
    vw_model_attached(m);
    apply(m, snap(1000, 10, 0, 0, 1000, 100));
    return m;
}

TEST(keys_panels_and_selection)
{
    VwModel *m = keys_model();
    VwUi ui;
    vw_ui_init(&ui, 500, true, false);
    vw_ui_sync(&ui, m);
    CHECK_STR(ui.selected, "<0.80.0>"); /* the first row by memory */
    CHECK_EQ(vw_keys_handle(&ui, m, VW_KEY_DOWN), VW_CMD_REDRAW);
    CHECK_STR(ui.selected, "<0.81.0>");
    vw_keys_handle(&ui, m, 'j');
    CHECK_STR(ui.selected, "<0.82.0>");
    vw_keys_handle(&ui, m, 'j'); /* stays on the last row */
    CHECK_STR(ui.selected, "<0.82.0>");
    vw_keys_handle(&ui, m, VW_KEY_HOME);
    CHECK_STR(ui.selected, "<0.80.0>");
    vw_keys_handle(&ui, m, VW_KEY_END);
    CHECK_STR(ui.selected, "<0.82.0>");
    vw_keys_handle(&ui, m, 'k');
    CHECK_STR(ui.selected, "<0.81.0>");
    CHECK_EQ(vw_keys_handle(&ui, m, '\t'), VW_CMD_DETAIL);
    CHECK_EQ(ui.panel, VW_PANEL_DETAIL);
    vw_keys_handle(&ui, m, '\t');
    CHECK_EQ(ui.panel, VW_PANEL_GC);
    vw_keys_handle(&ui, m, VW_KEY_BACKTAB);
    CHECK_EQ(ui.panel, VW_PANEL_DETAIL);
    vw_keys_handle(&ui, m, '6');
    CHECK_EQ(ui.panel, VW_PANEL_LEAKS);
    for (int i = 0; i < 2; i++) vw_keys_handle(&ui, m, '\t');
    CHECK_EQ(ui.panel, VW_PANEL_DETAIL); /* wraps around past processes */
    vw_keys_handle(&ui, m, VW_KEY_ESC);
    CHECK_EQ(ui.panel, VW_PANEL_PROCS);
    CHECK_EQ(vw_keys_handle(&ui, m, VW_KEY_ENTER), VW_CMD_DETAIL);
    CHECK_EQ(ui.panel, VW_PANEL_DETAIL);
    CHECK_STR(ui.selected, "<0.81.0>");
    CHECK_EQ(vw_keys_handle(&ui, m, 'x'), VW_CMD_NONE);
    vw_model_free(m);
}

TEST(keys_sort_filter)
{
    VwModel *m = keys_model();
    VwUi ui;
    vw_ui_init(&ui, 500, true, false);
    vw_ui_sync(&ui, m);
    vw_keys_handle(&ui, m, 'o');
    CHECK_EQ(ui.sort, VW_SORT_HEAP);
    vw_keys_handle(&ui, m, '<');
    vw_keys_handle(&ui, m, '<');
    CHECK_EQ(ui.sort, VW_SORT_PID);
    vw_keys_handle(&ui, m, 'r');
    CHECK(ui.reverse);
    vw_keys_handle(&ui, m, '/');
    CHECK(ui.filtering);
    CHECK_EQ(vw_keys_handle(&ui, m, 'q'), VW_CMD_REDRAW); /* typed, not quit */
    vw_keys_handle(&ui, m, VW_KEY_BACKSPACE);
    vw_keys_handle(&ui, m, 'Z');
    vw_keys_handle(&ui, m, 'e');
    CHECK_STR(ui.filter, "Ze");
    CHECK_STR(ui.selected, "<0.82.0>"); /* the selection follows the filter */
    vw_keys_handle(&ui, m, VW_KEY_ENTER);
    CHECK(!ui.filtering);
    CHECK_STR(ui.filter, "Ze");
    vw_keys_handle(&ui, m, '/');
    vw_keys_handle(&ui, m, VW_KEY_ESC);
    CHECK(!ui.filtering);
    CHECK_STR(ui.filter, "");
    vw_model_free(m);
}

TEST(keys_commands)
{
    VwModel *m = keys_model();
    VwUi ui;
    vw_ui_init(&ui, 500, true, false);
    CHECK_EQ(vw_keys_handle(&ui, m, 'g'), VW_CMD_REDRAW); /* nothing selected yet */
    CHECK_STR(ui.status, "no process selected");
    vw_ui_sync(&ui, m);
    CHECK_EQ(vw_keys_handle(&ui, m, 'g'), VW_CMD_GC_MINOR);
    CHECK_EQ(vw_keys_handle(&ui, m, 'G'), VW_CMD_GC_MAJOR);
    CHECK_EQ(vw_keys_handle(&ui, m, 'A'), VW_CMD_GC_ALL);
    CHECK_EQ(vw_keys_handle(&ui, m, 's'), VW_CMD_REPORT);
    CHECK_EQ(vw_keys_handle(&ui, m, '+'), VW_CMD_INTERVAL);
    CHECK_EQ(ui.interval_ms, 1000);
    vw_keys_handle(&ui, m, '-');
    vw_keys_handle(&ui, m, '-');
    CHECK_EQ(ui.interval_ms, 200);
    vw_keys_handle(&ui, m, 'p');
    CHECK(ui.paused);
    CHECK_STR(ui.status, "paused: p resumes");
    vw_keys_handle(&ui, m, 'p');
    CHECK(!ui.paused);
    CHECK_EQ(vw_keys_handle(&ui, m, '?'), VW_CMD_REDRAW);
    CHECK(ui.help);
    CHECK_EQ(vw_keys_handle(&ui, m, 'G'), VW_CMD_REDRAW); /* any key closes the help */
    CHECK(!ui.help);
    vw_model_detached(m);
    CHECK_EQ(vw_keys_handle(&ui, m, 'G'), VW_CMD_REDRAW);
    CHECK_STR(ui.status, "detached: no runtime to collect");
    CHECK_EQ(vw_keys_handle(&ui, m, 's'), VW_CMD_REDRAW);
    CHECK_EQ(vw_keys_handle(&ui, m, 'q'), VW_CMD_QUIT);
    vw_model_free(m);
}

TEST(enter_from_gc_log_and_ets)
{
    VwModel *m = keys_model();
    apply(m, parse("{\"id\":3,\"ok\":true,\"last_seq\":2,\"events\":[{\"seq\":2,\"t_ms\":6,"
                   "\"type\":\"gc_end\",\"pid\":\"<0.82.0>\",\"gc_type\":\"minor\"}]}"));
    VwUi ui;
    vw_ui_init(&ui, 500, true, false);
    vw_ui_sync(&ui, m);
    vw_keys_handle(&ui, m, '3');
    CHECK_EQ(vw_keys_handle(&ui, m, VW_KEY_ENTER), VW_CMD_DETAIL);
    CHECK_STR(ui.selected, "<0.82.0>");
    vw_keys_handle(&ui, m, '4');
    CHECK_EQ(vw_keys_handle(&ui, m, VW_KEY_ENTER), VW_CMD_DETAIL);
    CHECK_STR(ui.selected, "<0.81.0>"); /* the table's owner */
    vw_model_free(m);
}

TEST(help_overlay)
{
    VwModel *m = keys_model();
    VwUi ui;
    vw_ui_init(&ui, 500, false, false);
    ui.help = true;
    VwGrid g;
    CHECK(vw_grid_init(&g, 80, 24));
    vw_draw(&g, m, &ui);
    char row[512];
    bool title = false, quit = false;
    for (int y = 0; y < 24; y++) {
        vw_grid_row(&g, y, row, sizeof row);
        if (strstr(row, "+- heapscope top: keys -")) title = true;
        if (strstr(row, "?             this help              q      quit")) quit = true;
    }
    CHECK(title && quit);
    vw_grid_free(&g);
    vw_model_free(m);
}

int main(void)
{
    TH_RUN(units);
    TH_RUN(sparklines);
    TH_RUN(chart);
    TH_RUN(grid);
    TH_RUN(snapshots_rates_and_growth);
    TH_RUN(series_ring_wraps);
    TH_RUN(view_sort_and_filter);
    TH_RUN(events_procs_proc_gc);
    TH_RUN(verdicts);
    TH_RUN(attach_detach_and_program_change);
    TH_RUN(odd_messages_do_no_harm);
    TH_RUN(keys_panels_and_selection);
    TH_RUN(keys_sort_filter);
    TH_RUN(keys_commands);
    TH_RUN(enter_from_gc_log_and_ets);
    TH_RUN(help_overlay);
    return th_done();
}
