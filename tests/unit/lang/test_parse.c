/* The front end against OTP 25 itself: each cases/NAME.erl is parsed and printed in the
 * abstract format; the text must be what epp:parse_file/2 returned for it (cases/NAME.forms,
 * written by gen_cases.sh with erl). Each cases/broken/NAME.erl must give exactly erlc's error
 * lines (cases/broken/NAME.errors). */
#include "testhelp.h"

#include <dirent.h>
#include <limits.h>
#include <unistd.h>

#include "lang/absform.h"
#include "lang/front.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    StrBuf sb = STRBUF_INIT;
    char buf[4096];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0) sb_putn(&sb, buf, k);
    fclose(f);
    return sb_take(&sb);
}

/* the names NAME of the NAME.ext files in dir, sorted */
static int list_cases(const char *dir, const char *ext, char names[][128], int max)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    int n = 0;
    struct dirent *e;
    size_t el = strlen(ext);
    while ((e = readdir(d)) && n < max) {
        size_t l = strlen(e->d_name);
        if (l > el && l - el < 128 && strcmp(e->d_name + l - el, ext) == 0) {
            memcpy(names[n], e->d_name, l - el);
            names[n][l - el] = '\0';
            n++;
        }
    }
    closedir(d);
    for (int i = 1; i < n; i++) /* insertion sort: a few dozen names */
        for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            char tmp[128];
            strcpy(tmp, names[j]);
            strcpy(names[j], names[j - 1]);
            strcpy(names[j - 1], tmp);
        }
    return n;
}

static void report_diff(const char *name, const char *want, const char *got)
{
    int line = 1;
    const char *w = want, *g = got;
    while (*w && *w == *g) {
        if (*w == '\n') line++;
        w++, g++;
    }
    const char *ws = w, *gs = g;
    while (ws > want && ws[-1] != '\n') ws--, gs--;
    char msg[1024];
    snprintf(msg, sizeof msg, "%s line %d:\n    want: %.300s\n    got:  %.300s", name, line, ws, gs);
    for (char *p = msg; *p; p++)
        if (p[0] == '\n' && p[1] != ' ') *p = ' ';
    th_fail(__FILE__, __LINE__, msg);
}

/* runs body as one named test, like TH_RUN for a case found at run time */
#define CASE_BEGIN(nm) do { th_cur_name = (nm); th_cur_failed = 0; } while (0)
#define CASE_END() do { if (th_cur_failed) th_failed++; else th_passed++; fflush(stdout); } while (0)

static char names[256][128];

static void golden_forms(void)
{
    int n = list_cases(".", ".erl", names, 256);
    int ran = 0;
    for (int i = 0; i < n; i++) {
        char path[160], fpath[160];
        snprintf(path, sizeof path, "%.120s.erl", names[i]);
        snprintf(fpath, sizeof fpath, "%.120s.forms", names[i]);
        char *want = slurp(fpath);
        if (!want) continue;
        CASE_BEGIN(names[i]);
        LangOptions o = {0};
        o.no_check = 1;
        LangModule m;
        lang_parse_file(path, &o, &m);
        StrBuf sb = STRBUF_INIT;
        for (int k = 0; k < m.forms.n; k++) {
            absform_print_form(&sb, m.forms.v[k]);
            sb_putc(&sb, '\n');
        }
        char *got = sb_take(&sb);
        if (strcmp(want, got) != 0) report_diff(names[i], want, got);
        char *errs = diags_text(&m.diags, 1);
        if (errs[0]) th_fail(__FILE__, __LINE__, errs);
        free(errs);
        free(got);
        free(want);
        lang_module_free(&m);
        ran++;
        CASE_END();
    }
    CASE_BEGIN("golden_forms_count");
    CHECK(ran >= 40);
    CASE_END();
}

static void valid_cases_check_clean(void)
{
    int n = list_cases(".", ".erl", names, 256);
    CASE_BEGIN("valid_cases_have_no_errors");
    for (int i = 0; i < n; i++) {
        char path[160];
        snprintf(path, sizeof path, "%.120s.erl", names[i]);
        LangModule m;
        lang_parse_file(path, NULL, &m);
        char *errs = diags_text(&m.diags, 0);
        if (errs[0]) {
            char msg[800];
            snprintf(msg, sizeof msg, "%s: %.500s", path, errs);
            th_fail(__FILE__, __LINE__, msg);
        }
        free(errs);
        lang_module_free(&m);
    }
    CASE_END();
}

static void broken_programs(void)
{
    if (chdir("broken") != 0) {
        CASE_BEGIN("broken_dir");
        th_fail(__FILE__, __LINE__, "no cases/broken directory");
        CASE_END();
        return;
    }
    int n = list_cases(".", ".errors", names, 256);
    for (int i = 0; i < n; i++) {
        char path[160], epath[160];
        snprintf(path, sizeof path, "%.120s.erl", names[i]);
        snprintf(epath, sizeof epath, "%.120s.errors", names[i]);
        char *want = slurp(epath);
        CASE_BEGIN(names[i]);
        LangModule m;
        int ok = lang_parse_file(path, NULL, &m);
        CHECK(!ok);
        char *got = diags_text(&m.diags, 0);
        if (!want || strcmp(want, got) != 0) report_diff(names[i], want ? want : "", got);
        free(got);
        free(want);
        /* with the quoted source lines, as erlc prints them (erlc writes characters beyond
         * Latin-1 as \x{...} on this terminal; heapscope writes UTF-8: those cases skip) */
        char opath[160];
        snprintf(opath, sizeof opath, "%.120s.out", names[i]);
        char *wantq = slurp(opath);
        if (wantq && !strstr(wantq, "\\x{")) {
            char *buf = NULL;
            size_t blen = 0;
            FILE *mf = open_memstream(&buf, &blen);
            diags_print(&m.diags, mf, 1);
            fclose(mf);
            if (strcmp(wantq, buf) != 0) report_diff(opath, wantq, buf);
            free(buf);
        }
        free(wantq);
        lang_module_free(&m);
        CASE_END();
    }
    CASE_BEGIN("broken_count");
    CHECK(n >= 30);
    CASE_END();
    if (chdir("..") != 0) abort();
}

/* compile:save_binary: erlc x.erl with -module(y) prints (checked with OTP 25)
 * "/cwd/x.beam: Module name 'y' does not match file name 'x'" and fails */
static void module_name_mismatch(void)
{
    CASE_BEGIN("module_name_mismatch");
    const char *src = "-module(y).\n-export([f/0]).\nf() -> ok.\n";
    LangOptions o = {0};
    o.source = src;
    o.source_len = strlen(src);
    o.check_module_name = 1;
    LangModule m;
    CHECK(!lang_parse_file("x.erl", &o, &m));
    char cwd[PATH_MAX];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    StrBuf want = STRBUF_INIT;
    sb_printf(&want, "%s/x.beam: Module name 'y' does not match file name 'x'\n", cwd);
    char *got = diags_text(&m.diags, 0);
    CHECK(strcmp(got, want.data) == 0);
    free(got);
    sb_free(&want);
    lang_module_free(&m);
    CASE_END();
}

int main(void)
{
    /* the cases live beside this file; the expected outputs name files relative to it */
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", __FILE__);
    char *slash = strrchr(dir, '/');
    if (slash) {
        strcpy(slash, "/cases");
    } else {
        strcpy(dir, "cases");
    }
    if (chdir(dir) != 0) {
        printf("FAIL cannot enter %s\n", dir);
        return 1;
    }
    golden_forms();
    valid_cases_check_clean();
    broken_programs();
    module_name_mismatch();
    return th_done();
}
