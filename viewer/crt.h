/*
 * crt.h — the only module that touches the terminal (STYLE.md habit 4, htop's CRT.c): curses
 * start and stop, colours, keys, showing a grid, and putting the terminal back on every way
 * out — a normal stop, exit() (atexit), a fatal signal (SIGSEGV, SIGABRT, SIGBUS, SIGFPE,
 * SIGILL) or a terminating one (SIGINT, SIGTERM, SIGHUP, SIGQUIT).
 *
 * Invariants:
 *  - Between vw_crt_start and vw_crt_stop the terminal is in curses mode; outside it is as we
 *    found it (its termios saved before curses starts).
 *  - The signal handlers only call async-signal-safe functions: tcsetattr and write of escape
 *    strings prepared at start (leave the alternate screen, show the cursor, reset
 *    attributes), then the signal is raised again with its default action, so the exit status
 *    still says which signal it was.
 *  - Colour is used when the terminal has it and NO_COLOR is unset or empty
 *    (https://no-color.org); without colour the attributes become bold / reverse / dim.
 */
#ifndef HS_VIEWER_CRT_H
#define HS_VIEWER_CRT_H

#include <stdbool.h>

#include "grid.h"

/* Whether NO_COLOR asks for no colour. */
bool vw_no_color_env(void);
/* Whether the locale's character set is UTF-8 (block sparklines). */
bool vw_locale_utf8(void);

/* Enters curses mode on the controlling terminal. false (nothing changed) when stdin or stdout
 * is not a terminal or curses cannot start. *color: colours in use. */
bool vw_crt_start(bool *color);
void vw_crt_stop(void);
bool vw_crt_active(void);

void vw_crt_size(int *cols, int *rows);

/* The next key without waiting: a character, a VW_KEY_* code, or -1 when none. */
int vw_crt_key(void);

/* Shows the grid; full repaints everything (after a resize). */
void vw_crt_show(const VwGrid *g, bool full);

#endif
