/*
 * draw.h — paints a whole frame of the dashboard into a grid (grid.h) from the model and the UI
 * state. Nothing here touches the terminal: crt.c shows the grid, --once prints it.
 */
#ifndef HS_VIEWER_DRAW_H
#define HS_VIEWER_DRAW_H

#include "grid.h"
#include "layout.h"
#include "model.h"
#include "ui.h"

/* The whole frame at the grid's size (a too-small grid gets the "enlarge" message). Adjusts
 * ui->scroll and ui->page so the selection stays visible. */
void vw_draw(VwGrid *g, const VwModel *m, VwUi *ui);

/* ---- the panels (panels.c), each in its rectangle; focused: it has the keys ---- */
void vw_draw_procs(VwGrid *g, VwRect r, const VwModel *m, VwUi *ui, bool focused);
void vw_draw_detail(VwGrid *g, VwRect r, const VwModel *m, VwUi *ui);
void vw_draw_gclog(VwGrid *g, VwRect r, const VwModel *m, VwUi *ui, bool focused);
void vw_draw_ets(VwGrid *g, VwRect r, const VwModel *m, VwUi *ui, bool focused);
void vw_draw_sharing(VwGrid *g, VwRect r, const VwModel *m, VwUi *ui, bool focused);
void vw_draw_leaks(VwGrid *g, VwRect r, const VwModel *m, VwUi *ui, bool focused);

/* Helpers shared by the panels. */
const char *vw_arrow(double delta, bool unicode);   /* growth arrow: up, down, flat */
const char *vw_to(bool unicode);                     /* "→" or "->" */
/* First row to show so that cursor is visible in `rows` rows of n; remembers it in ui. */
int vw_scroll(VwUi *ui, VwPanel p, int cursor, int rows, int n);

#endif
