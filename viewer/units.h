/*
 * units.h — numbers in few columns: bytes as K/M/G (1024-based, as memory is counted), counts
 * and words as k/M/G (1000-based), milliseconds. Each writes into buf and returns it.
 */
#ifndef HS_VIEWER_UNITS_H
#define HS_VIEWER_UNITS_H

#include <stddef.h>
#include <stdint.h>

#define VW_NUM_CAP 24

/* 0..1023 "512B", then "1.5K", "12.3M", "2.0G" (at most 6 cells). */
char *vw_fmt_bytes(double bytes, char *buf, size_t cap);
/* below 10000 as is, then "12.3k", "123k", "4.5M", "1.2G" (at most 6 cells). */
char *vw_fmt_count(double n, char *buf, size_t cap);
/* "0.21ms", "12.3ms", "1.5s". */
char *vw_fmt_ms(double ms, char *buf, size_t cap);

#endif
