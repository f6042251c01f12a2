/* A figure: a list of marks in CSS pixels, built by the plots
 * (plot_analysis.c, plot_session.c, plot_sequence.c) and written by two
 * back ends: cairo for PNG and PDF (render_cairo.c), libxml2's text writer
 * for SVG (render_svg.c). Keeping the marks lets the SVG carry what cairo's
 * own SVG surface cannot: text as text, ids and classes on groups, and a
 * <title> per point that browsers show on hover. */
#ifndef PL_FIGURE_H
#define PL_FIGURE_H

#include <stdbool.h>
#include <stdint.h>

#include "parley/parley.h"

/* Colours are 0xRRGGBBAA. */
#define PL__RGB(hex) ((uint32_t)(hex) << 8 | 0xffu)
#define PL__RGBA(hex, a) ((uint32_t)(hex) << 8 | (uint32_t)((a) * 255.0 + 0.5))
#define PL__NONE 0u

/* The Okabe & Ito (2008) palette: told apart with every common colour
 * vision deficiency. */
#define PL__BLACK 0x000000
#define PL__ORANGE 0xE69F00
#define PL__SKY 0x56B4E9
#define PL__GREEN 0x009E73
#define PL__YELLOW 0xF0E442
#define PL__BLUE 0x0072B2
#define PL__VERMILLION 0xD55E00
#define PL__PURPLE 0xCC79A7
#define PL__INK 0x222222   /* text */
#define PL__MUTED 0x555555 /* secondary text, axes */
#define PL__GRID 0xE4E4E4

typedef enum pl__fig_kind {
  PL__FIG_GROUP, /* begins a group: id, class, title; clip rect when w > 0 */
  PL__FIG_END,   /* ends the innermost group */
  PL__FIG_PATH,  /* n points; closed; stroke, fill, lw, dash */
  PL__FIG_MARK,  /* a marker of `shape` at (x, y), size w; title */
  PL__FIG_TEXT,
  PL__FIG_IMAGE  /* ARGB32 premultiplied pixels, pw x ph, into x, y, w, h */
} pl__fig_kind;

typedef enum pl__shape {
  PL__SHAPE_CIRCLE,
  PL__SHAPE_SQUARE,
  PL__SHAPE_DIAMOND,
  PL__SHAPE_TRIANGLE,
  PL__SHAPE_TRIANGLE_DOWN,
  PL__SHAPE_CROSS, /* an x: stroke only */
  PL__SHAPE_STAR,
  PL__SHAPE_TARGET /* a ring with a dot: the status quo */
} pl__shape;

typedef enum pl__anchor { PL__START, PL__MIDDLE, PL__END } pl__anchor;

typedef struct pl__fig_item {
  pl__fig_kind kind;
  const char *id, *cls, *title; /* may be NULL */
  double x, y, w, h;
  /* paths */
  size_t n;
  double *pts; /* n (x, y) pairs */
  bool closed;
  /* paths and marks */
  uint32_t stroke, fill;
  double lw;
  int dash; /* 0 solid, 1 dashed, 2 dotted */
  pl__shape shape;
  /* text */
  const char *text;
  double size, angle; /* angle in degrees, clockwise */
  bool bold, halo, vcenter;
  pl__anchor anchor;
  uint32_t color;
  /* images */
  uint32_t *pixels;
  int pw, ph;
} pl__fig_item;

struct pl_figure {
  double width, height;
  char *title; /* the picture's accessible name */
  pl__fig_item *items;
  int n, cap;
  struct pl__fig_block *blocks; /* arena for strings, points, pixels */
  void *measure;                /* cairo context measuring text */
  bool nomem;                   /* an allocation failed: the figure is
                                   incomplete and must not be written */
};

/* A new, empty figure; NULL when out of memory. */
pl_figure *pl__fig_new(double width, double height, const char *title);
/* Memory that lives as long as the figure; NULL (and f->nomem) on failure. */
void *pl__fig_alloc(pl_figure *f, size_t size);
char *pl__fig_strdup(pl_figure *f, const char *s);
char *pl__fig_printf(pl_figure *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends an item (copied); returns it in the figure, or NULL when out of
 * memory. Strings and arrays must already live in the figure's arena. */
pl__fig_item *pl__fig_add(pl_figure *f, const pl__fig_item *it);

void pl__fig_group(pl_figure *f, const char *id, const char *cls,
                   const char *title);
/* A group clipped to a rectangle. */
void pl__fig_group_clip(pl_figure *f, const char *id, const char *cls,
                        double x, double y, double w, double h);
void pl__fig_end(pl_figure *f);
void pl__fig_line(pl_figure *f, double x0, double y0, double x1, double y1,
                  uint32_t stroke, double lw, int dash);
/* A polyline (closed: a polygon) through n points (copied). */
void pl__fig_path(pl_figure *f, const double *pts, size_t n, bool closed,
                  uint32_t stroke, uint32_t fill, double lw, int dash);
void pl__fig_rect(pl_figure *f, double x, double y, double w, double h,
                  uint32_t stroke, uint32_t fill, double lw);
void pl__fig_mark(pl_figure *f, pl__shape shape, double x, double y,
                  double size, uint32_t fill, uint32_t stroke, double lw,
                  const char *title);
typedef struct pl__text_style {
  double size;
  bool bold, halo, vcenter;
  pl__anchor anchor;
  double angle;
  uint32_t color;
} pl__text_style;
void pl__fig_text(pl_figure *f, double x, double y, const char *text,
                  const pl__text_style *st);
/* Takes over pixels allocated with pl__fig_alloc. */
void pl__fig_image(pl_figure *f, double x, double y, double w, double h,
                   uint32_t *pixels, int pw, int ph);
/* Width of text in CSS pixels (cairo's metrics of DejaVu Sans). */
double pl__fig_text_width(pl_figure *f, const char *text, double size,
                          bool bold);
/* Text shortened with an ellipsis to at most `width` pixels, in the arena. */
const char *pl__fig_fit(pl_figure *f, const char *text, double size,
                        bool bold, double width);

/* The outline of a marker as a polygon (at most 10 points into pts, 20
 * doubles): returns the number of points, or 0 for the shapes drawn
 * otherwise (circle, target, cross). Both back ends draw the same shapes. */
int pl__shape_polygon(pl__shape shape, double x, double y, double size,
                      double *pts);

/* A growing byte buffer for the renderers. */
typedef struct pl__buf {
  char *p;
  size_t n, cap;
  bool bad; /* an allocation failed */
} pl__buf;
void pl__buf_put(pl__buf *b, const void *data, size_t n);

/* The font stack written in SVG and used by cairo. */
#define PL__FONT "DejaVu Sans"
#define PL__FONT_STACK "'DejaVu Sans', Verdana, 'Bitstream Vera Sans', sans-serif"

/* Options with defaults filled in and out-of-range values replaced
 * (options.c). */
void pl__plot_options(const pl_plot_options *in, pl_plot_options *out);

#endif
