/* The scanner against erl_scan: tokens, values, {Line, Column} locations, error positions and
 * texts, and the io_lib writers used in messages. Every expected value was printed by OTP 25
 * (erl_scan:string(S, {1,1}), io_lib:write_atom/1, io_lib:write_char/1, ~w of floats). */
#include "testhelp.h"

#include "lang/lex.h"

typedef struct Scanned {
    Arena ar;
    Lexer lx;
    uint32_t *src;
    Token *t;
    size_t n;
    LexStatus st;
    LexError err;
} Scanned;

static void scan(Scanned *s, const char *text)
{
    memset(s, 0, sizeof *s);
    size_t n, valid;
    s->src = lex_decode((const unsigned char *)text, strlen(text), &n, &valid);
    lex_init(&s->lx, s->src, n, valid);
    s->st = lex_form(&s->lx, &s->ar, &s->t, &s->n, &s->err);
}

static void done(Scanned *s)
{
    arena_free(&s->ar);
    free(s->src);
}

static int at(const Token *t, int line, int col) { return t->line == line && t->col == col; }

static int name_is(const Token *t, const char *s)
{
    return t->name && t->len == strlen(s) && memcmp(t->name, s, t->len) == 0;
}

TEST(tokens_and_locations)
{
    /* erl_scan:string("foo 'bar baz' X _Y 16#ff 2#101 1_000 $\\n 1.5e3 \"s\\x41\" <<>> =:= ..
     * ... ?= a.b 36#Zz 1234...890 $\\^A $\\x{1F600}", {1,1}) */
    Scanned s;
    scan(&s, "foo 'bar baz' X _Y 16#ff 2#101 1_000 $\\n 1.5e3 \"s\\x41\" <<>> =:= .. ... ?= a.b "
             "36#Zz 123456789012345678901234567890 $\\^A $\\x{1F600}");
    CHECK_EQ(s.st, LEX_FORM);
    CHECK_EQ(s.n, 23);
    const Token *t = s.t;
    CHECK(t[0].kind == TK_ATOM && name_is(&t[0], "foo") && at(&t[0], 1, 1));
    CHECK(t[1].kind == TK_ATOM && name_is(&t[1], "bar baz") && at(&t[1], 1, 5));
    CHECK(t[2].kind == TK_VAR && name_is(&t[2], "X") && at(&t[2], 1, 15));
    CHECK(t[3].kind == TK_VAR && name_is(&t[3], "_Y") && at(&t[3], 1, 17));
    CHECK(t[4].kind == TK_INTEGER && t[4].ival == 255 && at(&t[4], 1, 20));
    CHECK(t[5].kind == TK_INTEGER && t[5].ival == 5 && at(&t[5], 1, 26));
    CHECK(t[6].kind == TK_INTEGER && t[6].ival == 1000 && at(&t[6], 1, 32));
    CHECK(t[7].kind == TK_CHAR && t[7].ival == 10 && at(&t[7], 1, 38));
    CHECK(t[8].kind == TK_FLOAT && t[8].fval == 1500.0 && at(&t[8], 1, 42));
    CHECK(t[9].kind == TK_STRING && t[9].slen == 2 && t[9].str[0] == 's' && t[9].str[1] == 65 &&
          at(&t[9], 1, 48));
    CHECK(t[10].kind == TK_LTLT && at(&t[10], 1, 56));
    CHECK(t[11].kind == TK_GTGT && at(&t[11], 1, 58));
    CHECK(t[12].kind == TK_EXACT_EQ && at(&t[12], 1, 61));
    CHECK(t[13].kind == TK_DOTDOT && at(&t[13], 1, 65));
    CHECK(t[14].kind == TK_DOTDOTDOT && at(&t[14], 1, 68));
    CHECK(t[15].kind == TK_QMARKEQ && at(&t[15], 1, 72));
    CHECK(t[16].kind == TK_ATOM && at(&t[16], 1, 75));
    CHECK(t[17].kind == TK_PERIOD && at(&t[17], 1, 76));
    CHECK(t[18].kind == TK_ATOM && at(&t[18], 1, 77));
    CHECK(t[19].kind == TK_INTEGER && t[19].ival == 1295 && at(&t[19], 1, 79));
    CHECK(t[20].kind == TK_INTEGER && t[20].big &&
          strcmp(t[20].big, "123456789012345678901234567890") == 0 && at(&t[20], 1, 85));
    CHECK(t[21].kind == TK_CHAR && t[21].ival == 1 && at(&t[21], 1, 116));
    CHECK(t[22].kind == TK_CHAR && t[22].ival == 128512 && at(&t[22], 1, 121));
    CHECK_EQ(s.lx.line, 1); /* end location {1,131} */
    CHECK_EQ(s.lx.col, 131);
    done(&s);
}

TEST(lines_tabs_and_dots)
{
    Scanned s;
    scan(&s, "a\n  b\tc"); /* {ok,[{atom,{1,1},a},{atom,{2,3},b},{atom,{2,5},c}],{2,6}} */
    CHECK_EQ(s.n, 3);
    CHECK(at(&s.t[0], 1, 1) && at(&s.t[1], 2, 3) && at(&s.t[2], 2, 5));
    CHECK(s.lx.line == 2 && s.lx.col == 6);
    done(&s);
    /* a form ends at a '.' followed by white space; "a.b" is record syntax, not a dot */
    scan(&s, "f() -> ok. g() -> x.");
    CHECK_EQ(s.st, LEX_FORM);
    CHECK_EQ(s.n, 6);
    CHECK(s.t[5].kind == TK_DOT && at(&s.t[5], 1, 10));
    done(&s);
}

TEST(scan_errors)
{
    Scanned s;
    /* {error,{{1,3},erl_scan,{string,34,"abc"}},{1,7}} */
    scan(&s, "x \"abc");
    CHECK_EQ(s.st, LEX_ERROR);
    CHECK(s.err.line == 1 && s.err.col == 3);
    CHECK_STR(s.err.msg, "unterminated string starting with \"abc\"");
    CHECK(s.lx.line == 1 && s.lx.col == 7);
    done(&s);
    /* {error,{{1,3},erl_scan,char},{1,4}} */
    scan(&s, "x $");
    CHECK(s.st == LEX_ERROR && s.err.line == 1 && s.err.col == 3);
    CHECK_STR(s.err.msg, "unterminated character");
    CHECK(s.lx.col == 4);
    done(&s);
    /* {error,{{1,1},erl_scan,{illegal,float}},{1,6}} */
    scan(&s, "1.0e+ y");
    CHECK(s.st == LEX_ERROR && s.err.col == 1);
    CHECK_STR(s.err.msg, "illegal float");
    CHECK(s.lx.col == 6);
    done(&s);
    /* {error,{{1,3},erl_scan,{base,37}},{1,5}} */
    scan(&s, "  37#1");
    CHECK(s.st == LEX_ERROR && s.err.col == 3);
    CHECK_STR(s.err.msg, "illegal base '37'");
    CHECK(s.lx.col == 5);
    done(&s);
    /* {error,{{1,4},erl_scan,{illegal,character}},{1,5}} for a code point above 255 */
    scan(&s, "ok \xe2\x98\xba");
    CHECK(s.st == LEX_ERROR && s.err.col == 4);
    CHECK_STR(s.err.msg, "illegal character");
    CHECK(s.lx.col == 5);
    done(&s);
}

TEST(write_atom_char_string)
{
    /* io_lib:write_atom/1 */
    const char *atoms[][2] = {
        {"foo", "foo"}, {"hello world", "'hello world'"}, {"Foo", "'Foo'"}, {"end", "'end'"},
        {"", "''"}, {"a\nb", "'a\\nb'"}, {"aB@1", "aB@1"}, {"cond", "'cond'"},
        {"a\\b", "'a\\\\b'"}, {"it's", "'it\\'s'"}, {"maybe", "maybe"},
    };
    for (size_t i = 0; i < sizeof atoms / sizeof atoms[0]; i++) {
        StrBuf sb = STRBUF_INIT;
        lex_write_atom(&sb, atoms[i][0], strlen(atoms[i][0]));
        CHECK_STR(sb.data, atoms[i][1]);
        sb_free(&sb);
    }
    /* io_lib:write_char/1 */
    struct {
        uint32_t c;
        const char *s;
    } chars[] = {{'a', "$a"}, {' ', "$\\s"}, {'\n', "$\\n"}, {0, "$\\000"}, {127, "$\\d"},
                 {'\\', "$\\\\"}, {0x1F600, "$\xf0\x9f\x98\x80"}};
    for (size_t i = 0; i < sizeof chars / sizeof chars[0]; i++) {
        StrBuf sb = STRBUF_INIT;
        lex_write_char(&sb, chars[i].c);
        CHECK_STR(sb.data, chars[i].s);
        sb_free(&sb);
    }
    /* io_lib:write_string([0,7,27,127,128,159,34,92,10]) */
    uint32_t str[] = {0, 7, 27, 127, 128, 159, 34, 92, 10};
    StrBuf sb = STRBUF_INIT;
    lex_write_string(&sb, str, sizeof str / sizeof str[0], '"');
    CHECK_STR(sb.data, "\"\\000\\007\\e\\d\\200\\237\\\"\\\\\\n\"");
    sb_free(&sb);
}

TEST(float_format)
{
    /* io:format("~w", [F]) on OTP 25 */
    struct {
        double f;
        const char *s;
    } fs[] = {
        {1500.0, "1.5e3"}, {100.0, "100.0"}, {1000.0, "1.0e3"}, {10000.0, "1.0e4"},
        {0.001, "0.001"}, {0.0001, "0.0001"}, {0.00001, "1.0e-5"}, {123456.0, "123456.0"},
        {1.0e21, "1.0e21"}, {1.0e22, "1.0e22"}, {1.5, "1.5"}, {0.1, "0.1"},
        {1.0e-10, "1.0e-10"}, {123.456, "123.456"}, {1.0e15, "1.0e15"},
        {1.2345e15, "1.2345e15"}, {1.0e16, "1.0e16"}, {5.0e-324, "5.0e-324"},
        {1.7976931348623157e308, "1.7976931348623157e308"}, {0.0, "0.0"}, {-0.0, "-0.0"},
        {-1500.0, "-1.5e3"}, {12345678901234567890.0, "1.2345678901234567e19"},
        {2.0e-7, "2.0e-7"}, {1.25e-5, "1.25e-5"},
    };
    for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++) {
        StrBuf sb = STRBUF_INIT;
        lex_write_float(&sb, fs[i].f);
        CHECK_STR(sb.data, fs[i].s);
        sb_free(&sb);
    }
}

TEST(token_text_for_messages)
{
    /* the X of "syntax error before: X" (yecctoken2string/1) */
    Scanned s;
    scan(&s, "'end' end ) \"a\\\"b\" $x 42 'A' Var .");
    const char *want[] = {"'end'", "'end'", "')'", "\"a\\\"b\"", "$x", "42", "'A'", "Var",
                          "'.'"};
    CHECK_EQ(s.n, 9);
    for (size_t i = 0; i < 9 && i < s.n; i++) {
        StrBuf sb = STRBUF_INIT;
        lex_token_text(&s.t[i], &sb);
        CHECK_STR(sb.data, want[i]);
        sb_free(&sb);
    }
    done(&s);
}

int main(void)
{
    TH_RUN(tokens_and_locations);
    TH_RUN(lines_tabs_and_dots);
    TH_RUN(scan_errors);
    TH_RUN(write_atom_char_string);
    TH_RUN(float_format);
    TH_RUN(token_text_for_messages);
    return th_done();
}
