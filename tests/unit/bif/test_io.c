/*
 * The io and io_lib BIFs (runtime/bif/io.c) against OTP 25. Output is captured by pointing
 * fd 1 at a temporary file around each call. Expected bytes are what
 *   erl -noshell -eval '<call>, halt().' | od -c
 * printed (OTP 25.2.3, stdout a pipe: standard_io in latin1 mode).
 */
#include "testhelp.h"

#include <unistd.h>

#include "atom.h"
#include "bif/bif.h"
#include "heap.h"
#include "hs.h"

static Process proc;

static Term A(const char *s) { return atom_put(s, strlen(s)); }

static Term *take(size_t n) { return heap_halloc(&proc.heap, n); }

/* A list of the characters (code points) given, ended by -1. */
static Term Cs(const int *cs)
{
    size_t n = 0;
    while (cs[n] >= 0) n++;
    Term l = NIL;
    for (size_t i = n; i-- > 0;) l = cons_at(take(2), make_small(cs[i]), l);
    return l;
}

static Term S(const char *s)
{
    Term l = NIL;
    for (size_t i = strlen(s); i-- > 0;) l = cons_at(take(2), make_small((unsigned char)s[i]), l);
    return l;
}

static Term Bin(const char *bytes, size_t n)
{
    Term *p = take(2 + (n + 7) / 8);
    p[0] = make_header(SUB_HEAP_BIN, 0, 1 + (n + 7) / 8);
    p[1] = n;
    if (n) memcpy(p + 2, bytes, n);
    return make_boxed(p);
}

static Term L(int n, const Term *e)
{
    Term l = NIL;
    for (int i = n - 1; i >= 0; i--) l = cons_at(take(2), e[i], l);
    return l;
}

static Term F(double d) { return float_at(take(FLOAT_SIZE), d); }

static const BifDef *bif(const char *m, const char *f, unsigned arity)
{
    const BifDef *b = bif_lookup(A(m), A(f), arity);
    if (!b) {
        printf("no BIF %s:%s/%u\n", m, f, arity);
        abort();
    }
    return b;
}

/* Calls the BIF with stdout redirected; returns the result and puts what it wrote in out. */
static char out[400];
static size_t out_len;

static Term call(const char *m, const char *f, unsigned arity, const Term *args)
{
    const BifDef *b = bif(m, f, arity);
    fflush(stdout);
    int saved = dup(1);
    FILE *tmp = tmpfile();
    dup2(fileno(tmp), 1);
    Term r = b->fn(&proc, args);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    rewind(tmp);
    out_len = fread(out, 1, sizeof out - 1, tmp);
    out[out_len] = '\0';
    fclose(tmp);
    return r;
}

static bool is_badarg(Term r) { return r == NONVALUE && proc.exc.class == AM(error) && proc.exc.reason == AM(badarg); }

/* The result list's characters as a C array, ended by -1. */
static int chars[4096];
static const int *list_chars(Term l)
{
    size_t n = 0;
    for (; term_is_list(l) && n < 4095; l = list_tail(l)) chars[n++] = (int)small_val(list_head(l));
    chars[n] = l == NIL ? -1 : -2;
    return chars;
}

static bool chars_eq(const int *a, const int *b)
{
    for (size_t i = 0;; i++) {
        if (a[i] != b[i]) return false;
        if (a[i] < 0) return true;
    }
}

/* io:format("~ts|~s|~s|~c|~tc~n", [[1024],[200],<<"é"/utf8>>,233,1024]) */
TEST(format_latin1_device)
{
    int k1024[] = {1024, -1}, k200[] = {200, -1};
    Term e[] = {Cs(k1024), Cs(k200), Bin("\xc3\xa9", 2), make_small(233), make_small(1024)};
    Term args[] = {S("~ts|~s|~s|~c|~tc~n"), L(5, e)};
    CHECK(call("io", "format", 2, args) == AM(ok));
    CHECK_STR(out, "\\x{400}|\310|\303\251|\351|\\x{400}\n");
}

/* io:format("a~tsb~n", [[1024,65,128512]]) */
TEST(format_wide_chars)
{
    int cs[] = {1024, 65, 128512, -1};
    Term e[] = {Cs(cs)};
    Term args[] = {S("a~tsb~n"), L(1, e)};
    CHECK(call("io", "fwrite", 2, args) == AM(ok));
    CHECK_STR(out, "a\\x{400}A\\x{1F600}b\n");
}

/* io:format(<<"ж~n"/utf8>>): a binary format is read byte by byte. io:format([1024,$~,$n]). */
TEST(format_1)
{
    Term a1[] = {Bin("\xd0\xb6~n", 4)};
    CHECK(call("io", "format", 1, a1) == AM(ok));
    CHECK_STR(out, "\320\266\n");
    int cs[] = {1024, '~', 'n', -1};
    Term a2[] = {Cs(cs)};
    CHECK(call("io", "format", 1, a2) == AM(ok));
    CHECK_STR(out, "\\x{400}\n");
}

/* io:format("~s~n", [[1024]]) raises error:badarg and prints nothing; so do a missing
 * argument and an unknown device (io:format(foo, "x", [])). */
TEST(format_errors)
{
    int k1024[] = {1024, -1};
    Term e[] = {Cs(k1024)};
    Term args[] = {S("~s~n"), L(1, e)};
    CHECK(is_badarg(call("io", "format", 2, args)));
    CHECK_EQ(out_len, 0);
    Term args2[] = {S("x ~w y"), NIL};
    CHECK(is_badarg(call("io", "format", 2, args2)));
    CHECK_EQ(out_len, 0);
    Term args3[] = {A("foo"), S("x"), NIL};
    CHECK(is_badarg(call("io", "format", 3, args3)));
}

/* io:format(user, "u~n", []) and io:format(standard_io, "~5.2f|~n", [3.14159]) */
TEST(format_3)
{
    Term args[] = {A("user"), S("u~n"), NIL};
    CHECK(call("io", "format", 3, args) == AM(ok));
    CHECK_STR(out, "u\n");
    Term e[] = {F(3.14159)};
    Term args2[] = {A("standard_io"), S("~5.2f|~n"), L(1, e)};
    CHECK(call("io", "fwrite", 3, args2) == AM(ok));
    CHECK_STR(out, " 3.14|\n");
}

/* io:put_chars([1024,$x,$\n]), io:put_chars(<<"ж\n"/utf8>>),
 * io:put_chars([<<"ж"/utf8>>, 233, 10]); io:put_chars(<<"ab",0,255>>) and io:put_chars(abc)
 * raise badarg. */
TEST(put_chars)
{
    int cs[] = {1024, 'x', '\n', -1};
    Term a1[] = {Cs(cs)};
    CHECK(call("io", "put_chars", 1, a1) == AM(ok));
    CHECK_STR(out, "\\x{400}x\n");
    Term a2[] = {Bin("\xd0\xb6\n", 3)};
    CHECK(call("io", "put_chars", 1, a2) == AM(ok));
    CHECK_STR(out, "\\x{436}\n");
    Term e[] = {Bin("\xd0\xb6", 2), make_small(233), make_small(10)};
    Term a3[] = {L(3, e)};
    CHECK(call("io", "put_chars", 1, a3) == AM(ok));
    CHECK_STR(out, "\\x{436}\351\n");
    Term a4[] = {Bin("ab\0\377", 4)};
    CHECK(is_badarg(call("io", "put_chars", 1, a4)));
    Term a5[] = {A("abc")};
    CHECK(is_badarg(call("io", "put_chars", 1, a5)));
    Term deep[] = {NIL, S("de"), Bin("ep", 2)};
    Term a6[] = {A("standard_io"), L(3, deep)};
    CHECK(call("io", "put_chars", 2, a6) == AM(ok));
    CHECK_STR(out, "deep");
}

TEST(nl)
{
    CHECK(call("io", "nl", 0, NULL) == AM(ok));
    CHECK_STR(out, "\n");
    Term a[] = {A("standard_io")};
    CHECK(call("io", "nl", 1, a) == AM(ok));
    CHECK_STR(out, "\n");
}

/* lists:flatten(io_lib:format("~5.2f|~tc~n", [3.14159, 1024])) = [32,51,46,49,52,124,1024,10] */
TEST(io_lib_format)
{
    Term e[] = {F(3.14159), make_small(1024)};
    Term args[] = {S("~5.2f|~tc~n"), L(2, e)};
    Term r = call("io_lib", "format", 2, args);
    int want[] = {32, 51, 46, 49, 52, 124, 1024, 10, -1};
    CHECK(chars_eq(list_chars(r), want));
    CHECK_EQ(out_len, 0);
    Term args2[] = {S("~d"), L(1, e)};
    CHECK(is_badarg(call("io_lib", "format", 2, args2)));
    Term args3[] = {S(""), NIL};
    CHECK(call("io_lib", "fwrite", 2, args3) == NIL);
}

/* io_lib:write({a,[b,[c,[d]]]}, 3) flattened is "{a,[...]}"; io_lib:write/1 of [1,"ab"] is
 * "[1,[97,98]]". */
TEST(io_lib_write)
{
    Term d[] = {A("d")};
    Term c[] = {A("c"), L(1, d)};
    Term b[] = {A("b"), L(2, c)};
    Term *tp = take(3);
    tp[0] = make_tuple_header(2);
    tp[1] = A("a");
    tp[2] = L(2, b);
    Term args[] = {make_boxed(tp), make_small(3)};
    Term r = call("io_lib", "write", 2, args);
    int want[] = {'{', 'a', ',', '[', '.', '.', '.', ']', '}', -1};
    CHECK(chars_eq(list_chars(r), want));
    Term e[] = {make_small(1), S("ab")};
    Term args1[] = {L(2, e)};
    int want1[] = {'[', '1', ',', '[', '9', '7', ',', '9', '8', ']', ']', -1};
    CHECK(chars_eq(list_chars(call("io_lib", "write", 1, args1)), want1));
}

/* lists:flatten(io_lib:print(lists:seq(1,30))) breaks after 28. */
TEST(io_lib_print)
{
    Term e[30];
    for (int i = 0; i < 30; i++) e[i] = make_small(i + 1);
    Term args[] = {L(30, e)};
    Term r = call("io_lib", "print", 1, args);
    const char *want = "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,\n 29,30]";
    const int *got = list_chars(r);
    size_t i = 0;
    for (; want[i] && got[i] == want[i]; i++) {}
    CHECK(want[i] == '\0' && got[i] == -1);
}

int main(void)
{
    hs_init();
    heap_init(&proc.heap, H_DEFAULT_SIZE, FULLSWEEP_AFTER_DEFAULT);
    TH_RUN(format_latin1_device);
    TH_RUN(format_wide_chars);
    TH_RUN(format_1);
    TH_RUN(format_errors);
    TH_RUN(format_3);
    TH_RUN(put_chars);
    TH_RUN(nl);
    TH_RUN(io_lib_format);
    TH_RUN(io_lib_write);
    TH_RUN(io_lib_print);
    heap_destroy(&proc.heap);
    return th_done();
}
