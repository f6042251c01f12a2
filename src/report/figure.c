/* Figures, the bottom layer of src/report/ (docs/architecture.md): the list
 * of marks, its arena, text metrics, marker outlines and the renderers'
 * byte buffer. Includes no other header of src/report/. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "report/cairo_module.h"
#include "report/figure.h"

/* The arena: blocks of at least 64 KiB, freed with the figure. */
typedef struct pl__fig_block {
  struct pl__fig_block *next;
  size_t used, cap;
  _Alignas(16) unsigned char data[];
} pl__fig_block;

#define BLOCK_SIZE ((size_t)64 * 1024)

pl_figure *pl__fig_new(double width, double height, const char *title) {
  pl_figure *f = pl__calloc(1, sizeof *f);
  if (!f) return NULL;
  f->width = width;
  f->height = height;
  f->title = pl__strdup(title ? title : "");
  if (!f->title) {
    pl__free(f);
    return NULL;
  }
  return f;
}

void pl_figure_free(pl_figure *f) {
  if (!f) return;
  for (pl__fig_block *b = f->blocks, *next; b; b = next) {
    next = b->next;
    pl__free(b);
  }
  if (f->measure) {
    const pl__cairo_api *a = pl__cairo(NULL); /* opened: it measured */
    if (a) a->measure_free(f->measure);
  }
  pl__free(f->items);
  pl__free(f->title);
  pl__free(f);
}

void *pl__fig_alloc(pl_figure *f, size_t size) {
  if (f->nomem) return NULL;
  size = (size + 15) & ~(size_t)15;
  pl__fig_block *b = f->blocks;
  if (!b || b->cap - b->used < size) {
    size_t cap = size > BLOCK_SIZE ? size : BLOCK_SIZE;
    pl__fig_block *nb = pl__malloc(sizeof *nb + cap);
    if (!nb) {
      f->nomem = true;
      return NULL;
    }
    nb->used = 0;
    nb->cap = cap;
    /* a large allocation goes behind the current block, so the current
     * block's free room is not wasted */
    if (b && size > BLOCK_SIZE) {
      nb->next = b->next;
      b->next = nb;
    } else {
      nb->next = b;
      f->blocks = nb;
    }
    b = nb;
  }
  void *p = b->data + b->used;
  b->used += size;
  return p;
}

char *pl__fig_strdup(pl_figure *f, const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *d = pl__fig_alloc(f, n);
  if (d) memcpy(d, s, n);
  return d;
}

char *pl__fig_printf(pl_figure *f, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0) return NULL;
  char *d = pl__fig_alloc(f, (size_t)n + 1);
  if (!d) return NULL;
  va_start(ap, fmt);
  vsnprintf(d, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return d;
}

pl__fig_item *pl__fig_add(pl_figure *f, const pl__fig_item *it) {
  if (f->nomem) return NULL;
  if (pl__grow((void **)&f->items, &f->cap, f->n + 1, sizeof *f->items)) {
    f->nomem = true;
    return NULL;
  }
  f->items[f->n] = *it;
  return &f->items[f->n++];
}

void pl__fig_group(pl_figure *f, const char *id, const char *cls,
                   const char *title) {
  pl__fig_item it = {.kind = PL__FIG_GROUP};
  it.id = pl__fig_strdup(f, id);
  it.cls = pl__fig_strdup(f, cls);
  it.title = pl__fig_strdup(f, title);
  pl__fig_add(f, &it);
}

void pl__fig_group_clip(pl_figure *f, const char *id, const char *cls,
                        double x, double y, double w, double h) {
  pl__fig_item it = {.kind = PL__FIG_GROUP, .x = x, .y = y, .w = w, .h = h};
  it.id = pl__fig_strdup(f, id);
  it.cls = pl__fig_strdup(f, cls);
  pl__fig_add(f, &it);
}

void pl__fig_end(pl_figure *f) {
  pl__fig_item it = {.kind = PL__FIG_END};
  pl__fig_add(f, &it);
}

void pl__fig_path(pl_figure *f, const double *pts, size_t n, bool closed,
                  uint32_t stroke, uint32_t fill, double lw, int dash) {
  if (n < 2) return;
  double *copy = pl__fig_alloc(f, 2 * n * sizeof *copy);
  if (!copy) return;
  memcpy(copy, pts, 2 * n * sizeof *copy);
  pl__fig_item it = {.kind = PL__FIG_PATH, .n = n, .pts = copy,
                     .closed = closed, .stroke = stroke, .fill = fill,
                     .lw = lw, .dash = dash};
  pl__fig_add(f, &it);
}

void pl__fig_line(pl_figure *f, double x0, double y0, double x1, double y1,
                  uint32_t stroke, double lw, int dash) {
  double p[4] = {x0, y0, x1, y1};
  pl__fig_path(f, p, 2, false, stroke, PL__NONE, lw, dash);
}

void pl__fig_rect(pl_figure *f, double x, double y, double w, double h,
                  uint32_t stroke, uint32_t fill, double lw) {
  double p[8] = {x, y, x + w, y, x + w, y + h, x, y + h};
  pl__fig_path(f, p, 4, true, stroke, fill, lw, 0);
}

void pl__fig_mark(pl_figure *f, pl__shape shape, double x, double y,
                  double size, uint32_t fill, uint32_t stroke, double lw,
                  const char *title) {
  pl__fig_item it = {.kind = PL__FIG_MARK, .shape = shape, .x = x, .y = y,
                     .w = size, .fill = fill, .stroke = stroke, .lw = lw};
  it.title = title ? pl__fig_strdup(f, title) : NULL;
  pl__fig_add(f, &it);
}

void pl__fig_text(pl_figure *f, double x, double y, const char *text,
                  const pl__text_style *st) {
  if (!text || !*text) return;
  pl__fig_item it = {.kind = PL__FIG_TEXT, .x = x, .y = y};
  it.text = pl__fig_strdup(f, text);
  it.size = st->size;
  it.bold = st->bold;
  it.halo = st->halo;
  it.vcenter = st->vcenter;
  it.anchor = st->anchor;
  it.angle = st->angle;
  it.color = st->color ? st->color : PL__RGB(PL__INK);
  if (it.text) pl__fig_add(f, &it);
}

void pl__fig_image(pl_figure *f, double x, double y, double w, double h,
                   uint32_t *pixels, int pw, int ph) {
  if (!pixels) return;
  pl__fig_item it = {.kind = PL__FIG_IMAGE, .x = x, .y = y, .w = w, .h = h,
                     .pixels = pixels, .pw = pw, .ph = ph};
  pl__fig_add(f, &it);
}

double pl__fig_text_width(pl_figure *f, const char *text, double size,
                          bool bold) {
  /* the figure builders opened the module (pl__cairo) before any text */
  const pl__cairo_api *a = pl__cairo(NULL);
  double w = a ? a->text_width(&f->measure, text, size, bold) : -1;
  return w >= 0 ? w : 0.6 * size * (double)strlen(text); /* a fair guess */
}

const char *pl__fig_fit(pl_figure *f, const char *text, double size,
                        bool bold, double width) {
  if (pl__fig_text_width(f, text, size, bold) <= width)
    return pl__fig_strdup(f, text);
  size_t n = strlen(text);
  char *buf = pl__fig_alloc(f, n + 4);
  if (!buf) return NULL;
  /* drop whole UTF-8 characters from the end until it fits */
  while (n > 0) {
    n--;
    while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80) n--;
    memcpy(buf, text, n);
    memcpy(buf + n, "\xe2\x80\xa6", 4); /* U+2026 */
    if (pl__fig_text_width(f, buf, size, bold) <= width) break;
  }
  return buf;
}

int pl__shape_polygon(pl__shape shape, double x, double y, double size,
                      double *pts) {
  const double pi = 3.14159265358979323846;
  switch (shape) {
  case PL__SHAPE_SQUARE: {
    double h = 0.43 * size;
    double p[8] = {x - h, y - h, x + h, y - h, x + h, y + h, x - h, y + h};
    memcpy(pts, p, sizeof p);
    return 4;
  }
  case PL__SHAPE_DIAMOND: {
    double h = 0.62 * size;
    double p[8] = {x, y - h, x + h, y, x, y + h, x - h, y};
    memcpy(pts, p, sizeof p);
    return 4;
  }
  case PL__SHAPE_TRIANGLE:
  case PL__SHAPE_TRIANGLE_DOWN: {
    /* centred on the centroid; the apex up or down */
    double r = 0.66 * size, t0 = shape == PL__SHAPE_TRIANGLE ? -pi / 2 : pi / 2;
    for (int k = 0; k < 3; k++) {
      double t = t0 + 2 * pi * k / 3;
      pts[2 * k] = x + r * cos(t);
      pts[2 * k + 1] = y + r * sin(t);
    }
    return 3;
  }
  case PL__SHAPE_STAR:
    for (int k = 0; k < 10; k++) {
      double r = (k % 2 ? 0.30 : 0.68) * size, t = -pi / 2 + pi * k / 5;
      pts[2 * k] = x + r * cos(t);
      pts[2 * k + 1] = y + r * sin(t);
    }
    return 10;
  default:
    return 0;
  }
}

void pl__buf_put(pl__buf *b, const void *data, size_t n) {
  if (b->bad) return;
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->n + n + 1) cap *= 2;
    char *p = pl__realloc(b->p, cap);
    if (!p) {
      b->bad = true;
      return;
    }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->n, data, n);
  b->n += n;
  b->p[b->n] = 0;
}
