/*
 * testhelp.h — the test harness (after Redis' testhelp.h): a test is a function; CHECK records a
 * failure with file:line and goes on; each binary ends with "N passed, N failed" (tests, not
 * checks), which scripts/run-tests.sh adds up.
 *
 *   TEST(name) { CHECK(x == 1); CHECK_EQ(a, b); }
 *   int main(void) { TH_RUN(name); return th_done(); }
 *
 * Randomised tests take their seed from th_seed(): HEAPSCOPE_SEED when set, else the time; the
 * seed is printed with every failure so that the run can be replayed.
 */
#ifndef HS_TESTHELP_H
#define HS_TESTHELP_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int th_passed, th_failed, th_cur_failed;
static const char *th_cur_name;
static uint64_t th_seed_value;
static int th_seed_used;

static inline uint64_t th_seed(void)
{
    if (!th_seed_used) {
        const char *s = getenv("HEAPSCOPE_SEED");
        th_seed_value = s ? strtoull(s, NULL, 0) : (uint64_t)time(NULL) ^ (uint64_t)clock();
        th_seed_used = 1;
    }
    return th_seed_value;
}

static inline void th_fail(const char *file, int line, const char *what)
{
    if (!th_cur_failed)
        printf("FAIL %s\n", th_cur_name ? th_cur_name : "?");
    printf("  %s:%d: %s", file, line, what);
    if (th_seed_used) printf(" (HEAPSCOPE_SEED=%" PRIu64 ")", th_seed_value);
    printf("\n");
    th_cur_failed = 1;
}

#define TEST(name) static void name(void)
#define CHECK(cond) \
    do { if (!(cond)) th_fail(__FILE__, __LINE__, "CHECK(" #cond ")"); } while (0)
#define CHECK_EQ(a, b) \
    do { \
        long long th_a_ = (long long)(a), th_b_ = (long long)(b); \
        if (th_a_ != th_b_) { \
            char th_m_[512]; \
            snprintf(th_m_, sizeof th_m_, "%s == %s: %lld != %lld", #a, #b, th_a_, th_b_); \
            th_fail(__FILE__, __LINE__, th_m_); \
        } \
    } while (0)
#define CHECK_STR(a, b) \
    do { \
        const char *th_a_ = (a), *th_b_ = (b); \
        if (!th_a_ || !th_b_ || strcmp(th_a_, th_b_) != 0) { \
            char th_m_[1024]; \
            snprintf(th_m_, sizeof th_m_, "%s == %s: \"%s\" != \"%s\"", #a, #b, \
                     th_a_ ? th_a_ : "(null)", th_b_ ? th_b_ : "(null)"); \
            th_fail(__FILE__, __LINE__, th_m_); \
        } \
    } while (0)

#define TH_RUN(name) \
    do { \
        th_cur_name = #name; th_cur_failed = 0; \
        name(); \
        if (th_cur_failed) th_failed++; else th_passed++; \
        fflush(stdout); \
    } while (0)

static inline int th_done(void)
{
    printf("%d passed, %d failed\n", th_passed, th_failed);
    return th_failed ? 1 : 0;
}

#endif
