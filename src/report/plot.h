/* Pieces the plots share (plot_common.c): panels with axes, legends, label
 * placement, package descriptions. */
#ifndef PL_PLOT_H
#define PL_PLOT_H

#include "report/figure.h"

/* The parties' colours, in party order (plot_common.c). */
extern const uint32_t pl__party_colors[8];

/* Type sizes in CSS pixels, chosen to read at 100% on a laptop. */
#define PL__TITLE_SIZE 17.0
#define PL__SUBTITLE_SIZE 12.5
#define PL__LABEL_SIZE 13.0
#define PL__TICK_SIZE 11.0
#define PL__LEGEND_SIZE 12.0
#define PL__NOTE_SIZE 11.5

/* A plot area in figure pixels and the data range it shows. */
typedef struct pl__panel {
  double x, y, w, h;
  double x0, x1, y0, y1;
} pl__panel;

static inline double pl__px(const pl__panel *p, double v) {
  return p->x + (v - p->x0) / (p->x1 - p->x0) * p->w;
}
static inline double pl__py(const pl__panel *p, double v) {
  return p->y + p->h - (v - p->y0) / (p->y1 - p->y0) * p->h;
}

/* Round tick values covering [lo, hi]: about `want` of them, at most max;
 * returns the count. */
int pl__ticks(double lo, double hi, int want, double *ticks, int max);

/* The panel's background, grid, frame, tick labels and axis titles, in a
 * group of class "axes" (the titles have classes "x-label" and "y-label").
 * xticks may be NULL (no x tick labels: the caller draws its own). */
void pl__axes(pl_figure *f, const pl__panel *p, const char *xlabel,
              const char *ylabel, const double *xticks, int nx,
              const double *yticks, int ny);
/* Opens a utility plane (0..1 on both axes) for parties px and py: a group
 * with the id and class given, the axes labelled "utility for <party>",
 * and a clipped "data" group the caller draws into and then closes. */
void pl__utility_plane(pl_figure *f, const pl__panel *p, const pl_scenario *s,
                       int px, int py, const char *id, const char *cls);

/* Title and subtitle at the top left. */
void pl__heading(pl_figure *f, double x, double y, double width,
                 const char *title, const char *subtitle);

/* Legend entries: a symbol and a label. */
typedef enum pl__legend_kind {
  PL__LEG_MARK,     /* a marker: shape, fill, stroke */
  PL__LEG_LINE,     /* a line: stroke, lw, dash; with a marker when
                       shape_too */
  PL__LEG_SWATCH,   /* a filled square: fill */
  PL__LEG_HEADING,  /* bold text, no symbol */
  PL__LEG_NOTE      /* plain text, no symbol, wrapped */
} pl__legend_kind;
typedef struct pl__legend_entry {
  pl__legend_kind kind;
  pl__shape shape;
  bool shape_too;
  uint32_t fill, stroke;
  double lw, size;
  int dash;
  const char *label;
} pl__legend_entry;
/* Draws the entries from (x, y) down within `width`, in a group of class
 * "legend"; returns the height used. */
double pl__legend(pl_figure *f, double x, double y, double width,
                  const pl__legend_entry *e, int n);

/* Rectangles already taken in a panel, so that labels avoid each other and
 * the marks. */
#define PL__MAX_BOXES 512
typedef struct pl__boxes {
  int n;
  double r[PL__MAX_BOXES][4]; /* x0, y0, x1, y1 */
} pl__boxes;
void pl__boxes_add(pl__boxes *b, double x0, double y0, double x1, double y1);
/* Places a label next to a mark of radius r at (x, y): the first of
 * several positions around it that is free and inside the panel (bounds
 * p); adds it to the boxes. */
void pl__place_label(pl_figure *f, pl__boxes *b, const pl__panel *p, double x,
                     double y, double r, const char *text,
                     const pl__text_style *st);

/* "salary = 70\nremote = 1\n..." for a package, then each party's utility
 * ("candidate 0.49 · employer 0.70"), then `note` when not NULL, in the
 * figure's arena. u may be NULL (computed from the options). Options
 * PL_NOT_AGREED read "(status quo)". */
const char *pl__package_title(pl_figure *f, const pl_scenario *s,
                              const uint32_t *options, const double *u,
                              const char *head, const char *note);

/* A party's display name: the name, or the id when the name is empty. */
const char *pl__party_label(const pl_scenario *s, int party);

/* A count as "243", "188,160", or "1.0e+10" beyond 10^12. */
void pl__count_words(char *buf, size_t size, uint64_t n);

#endif
