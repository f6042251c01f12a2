/* The cairo module (cairo_module.h): PNG and PDF, the figure's marks
 * drawn with cairo; PNG pictures; text metrics. Built as parley-cairo.so,
 * linking cairo and not libparley. */
#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>
#include <string.h>

#include "report/cairo_module.h"

static const pl__cairo_host *host;

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static void source(cairo_t *cr, uint32_t c) {
  cairo_set_source_rgba(cr, (double)(c >> 24 & 0xff) / 255,
                        (double)(c >> 16 & 0xff) / 255,
                        (double)(c >> 8 & 0xff) / 255,
                        (double)(c & 0xff) / 255);
}

static void set_dash(cairo_t *cr, int dash, double lw) {
  if (dash == 1) {
    double d[2] = {5 + lw, 3 + lw};
    cairo_set_dash(cr, d, 2, 0);
  } else if (dash == 2) {
    double d[2] = {0.01, 2.5 + lw};
    cairo_set_dash(cr, d, 2, 0);
  } else {
    cairo_set_dash(cr, NULL, 0, 0);
  }
  cairo_set_line_cap(cr, dash == 2 ? CAIRO_LINE_CAP_ROUND : CAIRO_LINE_CAP_BUTT);
}

/* Fills then strokes the current path with the item's colours. */
static void paint(cairo_t *cr, uint32_t fill, uint32_t stroke, double lw,
                  int dash) {
  if (fill & 0xff) {
    source(cr, fill);
    if (stroke & 0xff)
      cairo_fill_preserve(cr);
    else
      cairo_fill(cr);
  }
  if (stroke & 0xff) {
    source(cr, stroke);
    cairo_set_line_width(cr, lw > 0 ? lw : 1);
    set_dash(cr, dash, lw);
    cairo_stroke(cr);
  }
  cairo_new_path(cr);
}

static void draw_mark(cairo_t *cr, const pl__fig_item *it) {
  double pts[20];
  int n = host->shape_polygon(it->shape, it->x, it->y, it->w, pts);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
  if (n) {
    cairo_move_to(cr, pts[0], pts[1]);
    for (int k = 1; k < n; k++) cairo_line_to(cr, pts[2 * k], pts[2 * k + 1]);
    cairo_close_path(cr);
    paint(cr, it->fill, it->stroke, it->lw, 0);
    return;
  }
  double r = it->w / 2;
  switch (it->shape) {
  case PL__SHAPE_CROSS: {
    double h = 0.36 * it->w;
    cairo_move_to(cr, it->x - h, it->y - h);
    cairo_line_to(cr, it->x + h, it->y + h);
    cairo_move_to(cr, it->x - h, it->y + h);
    cairo_line_to(cr, it->x + h, it->y - h);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    paint(cr, PL__NONE, it->stroke ? it->stroke : it->fill, it->lw, 0);
    break;
  }
  case PL__SHAPE_TARGET:
    cairo_arc(cr, it->x, it->y, r, 0, 2 * M_PI);
    paint(cr, it->fill, it->stroke, it->lw, 0);
    cairo_arc(cr, it->x, it->y, 0.2 * it->w, 0, 2 * M_PI);
    paint(cr, it->stroke, PL__NONE, 0, 0);
    break;
  default:
    cairo_arc(cr, it->x, it->y, r, 0, 2 * M_PI);
    paint(cr, it->fill, it->stroke, it->lw, 0);
  }
}

static void draw_text(cairo_t *cr, const pl__fig_item *it) {
  cairo_select_font_face(cr, PL__FONT, CAIRO_FONT_SLANT_NORMAL,
                         it->bold ? CAIRO_FONT_WEIGHT_BOLD
                                  : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, it->size);
  cairo_text_extents_t e;
  cairo_text_extents(cr, it->text, &e);
  double dx = it->anchor == PL__MIDDLE ? -e.x_advance / 2
              : it->anchor == PL__END  ? -e.x_advance
                                       : 0;
  double dy = it->vcenter ? 0.35 * it->size : 0; /* as dy="0.35em" in SVG */
  cairo_save(cr);
  cairo_translate(cr, it->x, it->y);
  if (it->angle != 0) cairo_rotate(cr, it->angle * M_PI / 180);
  cairo_move_to(cr, dx, dy);
  cairo_text_path(cr, it->text);
  if (it->halo) {
    cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
    cairo_set_line_width(cr, 3);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_stroke_preserve(cr);
  }
  source(cr, it->color);
  cairo_fill(cr);
  cairo_restore(cr);
}

static void draw_image(cairo_t *cr, const pl__fig_item *it) {
  cairo_surface_t *img = cairo_image_surface_create_for_data(
      (unsigned char *)it->pixels, CAIRO_FORMAT_ARGB32, it->pw, it->ph,
      it->pw * 4);
  cairo_save(cr);
  cairo_translate(cr, it->x, it->y);
  cairo_scale(cr, it->w / it->pw, it->h / it->ph);
  cairo_set_source_surface(cr, img, 0, 0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
  cairo_rectangle(cr, 0, 0, it->pw, it->ph);
  cairo_fill(cr);
  cairo_restore(cr);
  cairo_surface_destroy(img);
}

static void draw(cairo_t *cr, const pl_figure *f) {
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  for (int k = 0; k < f->n; k++) {
    const pl__fig_item *it = &f->items[k];
    switch (it->kind) {
    case PL__FIG_GROUP:
      cairo_save(cr);
      if (it->w > 0) {
        cairo_rectangle(cr, it->x, it->y, it->w, it->h);
        cairo_clip(cr);
      }
      break;
    case PL__FIG_END:
      cairo_restore(cr);
      break;
    case PL__FIG_PATH:
      cairo_move_to(cr, it->pts[0], it->pts[1]);
      for (size_t j = 1; j < it->n; j++)
        cairo_line_to(cr, it->pts[2 * j], it->pts[2 * j + 1]);
      if (it->closed) cairo_close_path(cr);
      cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
      paint(cr, it->fill, it->stroke, it->lw, it->dash);
      break;
    case PL__FIG_MARK:
      draw_mark(cr, it);
      break;
    case PL__FIG_TEXT:
      draw_text(cr, it);
      break;
    case PL__FIG_IMAGE:
      draw_image(cr, it);
      break;
    }
  }
}

typedef struct out {
  pl__cairo_put put;
  void *ctx;
  int bad;
} out;

static cairo_status_t put(void *closure, const unsigned char *data,
                          unsigned int n) {
  out *o = closure;
  if (o->put(o->ctx, data, n)) o->bad = 1;
  return o->bad ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

static int render(const pl_figure *f, int pdf, double scale,
                  pl__cairo_put sink, void *ctx, const char **why) {
  out b = {sink, ctx, 0};
  cairo_status_t st;
  if (!pdf) {
    int w = (int)ceil(f->width * scale), h = (int)ceil(f->height * scale);
    cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    cairo_t *cr = cairo_create(sf);
    cairo_scale(cr, scale, scale);
    draw(cr, f);
    st = cairo_status(cr);
    cairo_destroy(cr);
    if (st == CAIRO_STATUS_SUCCESS)
      st = cairo_surface_write_to_png_stream(sf, put, &b);
    cairo_surface_destroy(sf);
  } else {
    /* PDF in points: 72 per inch against CSS's 96 */
    cairo_surface_t *sf = cairo_pdf_surface_create_for_stream(
        put, &b, f->width * 0.75, f->height * 0.75);
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, f->title);
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, "parley");
    cairo_t *cr = cairo_create(sf);
    cairo_scale(cr, 0.75, 0.75);
    draw(cr, f);
    st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(sf);
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(sf);
    cairo_surface_destroy(sf);
  }
  if (b.bad || st == CAIRO_STATUS_NO_MEMORY) return 1;
  if (st != CAIRO_STATUS_SUCCESS) {
    *why = cairo_status_to_string(st);
    return 2;
  }
  return 0;
}

static int png(const uint32_t *pixels, int pw, int ph, pl__cairo_put sink,
               void *ctx) {
  out b = {sink, ctx, 0};
  cairo_surface_t *img = cairo_image_surface_create_for_data(
      (unsigned char *)pixels, CAIRO_FORMAT_ARGB32, pw, ph, pw * 4);
  cairo_status_t st = cairo_surface_write_to_png_stream(img, put, &b);
  cairo_surface_destroy(img);
  return st != CAIRO_STATUS_SUCCESS || b.bad;
}

static double text_width(void **measure, const char *text, double size,
                         int bold) {
  if (!*measure) {
    cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
    cairo_t *cr = cairo_create(sf);
    cairo_surface_destroy(sf); /* the context keeps it */
    if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
      cairo_destroy(cr);
      return -1;
    }
    *measure = cr;
  }
  cairo_t *cr = *measure;
  cairo_select_font_face(cr, PL__FONT, CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD
                              : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  cairo_text_extents_t e;
  cairo_text_extents(cr, text, &e);
  return e.x_advance;
}

static void measure_free(void *measure) {
  if (measure) cairo_destroy(measure); /* and its surface */
}

static const pl__cairo_api api = {
    PL__CAIRO_ABI, sizeof(pl_figure), sizeof(pl__fig_item), render, png,
    text_width,    measure_free};

__attribute__((visibility("default"))) const pl__cairo_api *
pl__cairo_module(const pl__cairo_host *h);
const pl__cairo_api *pl__cairo_module(const pl__cairo_host *h) {
  host = h;
  return &api;
}
