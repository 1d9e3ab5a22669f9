/*
 * units.c — compact numbers (units.h).
 */
#include "units.h"

#include <math.h>
#include <stdio.h>

/* Below `plain` the number as is; above, divided by base until it is below base. */
static char *scaled(double v, double base, double plain, const char *const *suffix, int nsuffix,
                    char *buf, size_t cap)
{
    if (fabs(v) < plain) { snprintf(buf, cap, "%.0f%s", v, suffix[0]); return buf; }
    int i = 0;
    while (fabs(v) >= base && i + 1 < nsuffix) { v /= base; i++; }
    snprintf(buf, cap, fabs(v) < 99.95 ? "%.1f%s" : "%.0f%s", v, suffix[i]);
    return buf;
}

char *vw_fmt_bytes(double bytes, char *buf, size_t cap)
{
    static const char *const sfx[] = {"B", "K", "M", "G", "T"};
    return scaled(bytes, 1024, 1024, sfx, 5, buf, cap);
}

char *vw_fmt_count(double n, char *buf, size_t cap)
{
    static const char *const sfx[] = {"", "k", "M", "G", "T"};
    return scaled(n, 1000, 10000, sfx, 5, buf, cap);
}

char *vw_fmt_ms(double ms, char *buf, size_t cap)
{
    if (ms < 10) snprintf(buf, cap, "%.2fms", ms);
    else if (ms < 1000) snprintf(buf, cap, "%.1fms", ms);
    else snprintf(buf, cap, "%.1fs", ms / 1000);
    return buf;
}
