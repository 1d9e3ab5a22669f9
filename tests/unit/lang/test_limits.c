/* The front end on hostile input: it must end with an error (never a crash, a stack overflow
 * or a hang) where nesting, macro expansion or inclusion is absurd, and handle long but
 * reasonable input (a list of 100000 elements) without recursion trouble. The limits are
 * heapscope's own (OTP has none, or crashes), so the texts here are ours; ASan/LSan runs check
 * that everything is freed. */
#include "testhelp.h"

#include <sys/stat.h>
#include <unistd.h>

#include "lang/absform.h"
#include "lang/front.h"

static int parse_text(const char *text, LangModule *m)
{
    LangOptions o = {0};
    o.source = text;
    o.source_len = strlen(text);
    return lang_parse_file("t.erl", &o, m);
}

static int has_msg(const LangModule *m, const char *part)
{
    for (size_t i = 0; i < m->diags.n; i++)
        if (strstr(m->diags.v[i].msg, part)) return 1;
    return 0;
}

TEST(deep_nesting_is_an_error)
{
    StrBuf sb = STRBUF_INIT;
    sb_puts(&sb, "-module(t).\nf() -> ");
    for (int i = 0; i < 20000; i++) sb_putc(&sb, '[');
    for (int i = 0; i < 20000; i++) sb_putc(&sb, ']');
    sb_puts(&sb, ".\n");
    LangModule m;
    CHECK(!parse_text(sb.data, &m));
    CHECK(has_msg(&m, "nested too deeply"));
    lang_module_free(&m);
    sb_free(&sb);
}

TEST(long_operator_chain_is_an_error)
{
    StrBuf sb = STRBUF_INIT;
    sb_puts(&sb, "-module(t).\nf(X) -> X");
    for (int i = 0; i < 20000; i++) sb_puts(&sb, " + X");
    sb_puts(&sb, ".\n");
    LangModule m;
    CHECK(!parse_text(sb.data, &m));
    CHECK(has_msg(&m, "nested too deeply"));
    lang_module_free(&m);
    sb_free(&sb);
}

TEST(long_list_is_fine)
{
    StrBuf sb = STRBUF_INIT;
    sb_puts(&sb, "-module(t).\n-export([f/0]).\nf() -> [");
    for (int i = 0; i < 100000; i++) sb_printf(&sb, i ? ",%d" : "%d", i);
    sb_puts(&sb, "].\n");
    LangModule m;
    CHECK(parse_text(sb.data, &m));
    CHECK_EQ(m.forms.n, 5); /* file, module, export, f, eof */
    StrBuf out = STRBUF_INIT;
    absform_print_form(&out, m.forms.v[3]);
    CHECK(out.len > 100000 * 20);
    CHECK(strncmp(out.data, "{function,{3,1},f,0,[{clause,{3,1},[],[],[{cons,{3,8},"
                            "{integer,{3,9},0},{cons,{3,11},{integer,{3,11},1},",
                  90) == 0);
    sb_free(&out);
    lang_module_free(&m);
    sb_free(&sb);
}

TEST(macro_explosion_is_an_error)
{
    /* ?M30 would expand to 2^30 tokens */
    StrBuf sb = STRBUF_INIT;
    sb_puts(&sb, "-module(t).\n-define(M0, x).\n");
    for (int i = 1; i <= 30; i++) sb_printf(&sb, "-define(M%d, ?M%d ?M%d).\n", i, i - 1, i - 1);
    sb_puts(&sb, "f() -> ?M30.\n");
    LangModule m;
    CHECK(!parse_text(sb.data, &m));
    CHECK(has_msg(&m, "macro expansion too deep"));
    lang_module_free(&m);
    sb_free(&sb);
}

TEST(macro_loops_end)
{
    /* epp loops forever on these: the argument names a macro that calls back */
    LangModule m;
    CHECK(!parse_text("-module(t).\n-define(F(X), ?X(X)).\nf() -> ?F(F).\n", &m));
    CHECK(has_msg(&m, "macro expansion too deep"));
    lang_module_free(&m);
    CHECK(!parse_text("-module(t).\n-define(G, ?F(G)).\n-define(F(X), ?X).\nf() -> ?G.\n", &m));
    CHECK(has_msg(&m, "macro expansion too deep"));
    lang_module_free(&m);
}

TEST(self_include_is_an_error)
{
    char dir[] = "/tmp/hs_lang_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[64];
    snprintf(path, sizeof path, "%s/loop.hrl", dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fputs("-include(\"loop.hrl\").\n", f);
    fclose(f);
    char mod[64];
    snprintf(mod, sizeof mod, "%s/t.erl", dir);
    f = fopen(mod, "w");
    fputs("-module(t).\n-include(\"loop.hrl\").\n", f);
    fclose(f);
    LangModule m;
    CHECK(!lang_parse_file(mod, NULL, &m));
    CHECK(has_msg(&m, "include too deep")); /* epp's own message and limit */
    lang_module_free(&m);
    unlink(path);
    unlink(mod);
    rmdir(dir);
}

TEST(random_bytes_never_crash)
{
    /* a fixed pseudo-random sweep; the fuzz target does the real work */
    uint64_t x = 88172645463325252ull;
    static const char alphabet[] = "abcXYZ_09 .,;:()[]{}<>=/-+*#?!$'\"\\\n%|&~^`@\t";
    for (int round = 0; round < 300; round++) {
        char buf[400];
        int n = (int)(x % (sizeof buf - 1));
        for (int i = 0; i < n; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            buf[i] = (x & 7) == 0 ? (char)(x >> 8) : alphabet[(x >> 8) % (sizeof alphabet - 1)];
        }
        buf[n] = '\0';
        LangOptions o = {0};
        o.source = buf;
        o.source_len = (size_t)n;
        o.no_include = 1;
        LangModule m;
        lang_parse_file("r.erl", &o, &m);
        StrBuf sb = STRBUF_INIT;
        for (int k = 0; k < m.forms.n; k++) absform_print_form(&sb, m.forms.v[k]);
        sb_free(&sb);
        lang_module_free(&m);
    }
    CHECK(1);
}

int main(void)
{
    TH_RUN(deep_nesting_is_an_error);
    TH_RUN(long_operator_chain_is_an_error);
    TH_RUN(long_list_is_fine);
    TH_RUN(macro_explosion_is_an_error);
    TH_RUN(macro_loops_end);
    TH_RUN(self_include_is_an_error);
    TH_RUN(random_bytes_never_crash);
    return th_done();
}
