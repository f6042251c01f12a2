/* SVG: the figure's marks written with libxml2's text writer (escaping
 * done by the library). Text stays text, groups keep their ids and
 * classes, points their <title> (shown on hover). */
#include "core/xml.h" /* libxml2, opened on first use */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/util.h"
#include "report/render.h"

/* A number with at most two decimals and no trailing zeros. */
static const char *num(char *buf, double v) {
  if (!isfinite(v)) v = 0;
  snprintf(buf, 32, "%.2f", v);
  char *dot = strchr(buf, '.');
  if (dot) {
    char *e = buf + strlen(buf) - 1;
    while (e > dot && *e == '0') *e-- = 0;
    if (e == dot) *e = 0;
  }
  if (!strcmp(buf, "-0")) strcpy(buf, "0");
  return buf;
}

typedef struct writer {
  xmlTextWriterPtr w;
  const char *prefix; /* of ids, for several pictures on one page */
  int clips;
  int bad;
} writer;

static void start(writer *wr, const char *name) {
  if (xmlTextWriterStartElement(wr->w, BAD_CAST name) < 0) wr->bad = 1;
}
static void end(writer *wr) {
  if (xmlTextWriterEndElement(wr->w) < 0) wr->bad = 1;
}
static void attr(writer *wr, const char *name, const char *value) {
  if (xmlTextWriterWriteAttribute(wr->w, BAD_CAST name, BAD_CAST value) < 0)
    wr->bad = 1;
}
static void attr_num(writer *wr, const char *name, double v) {
  char buf[32];
  attr(wr, name, num(buf, v));
}
static void text(writer *wr, const char *s) {
  if (xmlTextWriterWriteString(wr->w, BAD_CAST s) < 0) wr->bad = 1;
}
static void title(writer *wr, const char *s) {
  if (!s || !*s) return;
  start(wr, "title");
  text(wr, s);
  end(wr);
}
static void id_attr(writer *wr, const char *id) {
  if (!id) return;
  char buf[256];
  snprintf(buf, sizeof buf, "%s%s", wr->prefix, id);
  attr(wr, "id", buf);
}

static void color(writer *wr, const char *name, uint32_t c) {
  if (!(c & 0xff)) {
    attr(wr, name, "none");
    return;
  }
  char buf[16];
  snprintf(buf, sizeof buf, "#%06x", (unsigned)(c >> 8));
  attr(wr, name, buf);
  if ((c & 0xff) != 0xff) {
    char oname[32];
    snprintf(oname, sizeof oname, "%s-opacity", name);
    attr_num(wr, oname, (double)(c & 0xff) / 255);
  }
}

static void stroke(writer *wr, uint32_t c, double lw, int dash) {
  if (!(c & 0xff)) return;
  color(wr, "stroke", c);
  if (lw != 1) attr_num(wr, "stroke-width", lw > 0 ? lw : 1);
  if (dash == 1) {
    char a[32], b[32], buf[80];
    snprintf(buf, sizeof buf, "%s %s", num(a, 5 + lw), num(b, 3 + lw));
    attr(wr, "stroke-dasharray", buf);
  } else if (dash == 2) {
    char a[32], buf[80];
    snprintf(buf, sizeof buf, "0.01 %s", num(a, 2.5 + lw));
    attr(wr, "stroke-dasharray", buf);
    attr(wr, "stroke-linecap", "round");
  }
}

static void points_attr(writer *wr, const char *name, const double *pts,
                        size_t n) {
  /* about 16 bytes a point */
  pl__buf b = {0};
  char x[32], y[32], item[80];
  for (size_t k = 0; k < n; k++) {
    int len = snprintf(item, sizeof item, "%s%s,%s", k ? " " : "",
                       num(x, pts[2 * k]), num(y, pts[2 * k + 1]));
    pl__buf_put(&b, item, (size_t)len);
  }
  if (b.bad)
    wr->bad = 1;
  else
    attr(wr, name, b.p ? b.p : "");
  pl__free(b.p);
}

static void write_path(writer *wr, const pl__fig_item *it) {
  start(wr, it->closed ? "polygon" : "polyline");
  if (it->cls) attr(wr, "class", it->cls);
  points_attr(wr, "points", it->pts, it->n);
  color(wr, "fill", it->fill);
  stroke(wr, it->stroke, it->lw, it->dash);
  if (!it->closed) attr(wr, "stroke-linejoin", "round");
  end(wr);
}

static void write_mark(writer *wr, const pl__fig_item *it) {
  double pts[20];
  int n = pl__shape_polygon(it->shape, it->x, it->y, it->w, pts);
  char a[32], b[32], c[32], d[32], buf[200];
  if (n) {
    start(wr, "polygon");
    points_attr(wr, "points", pts, (size_t)n);
    color(wr, "fill", it->fill);
    stroke(wr, it->stroke, it->lw, 0);
  } else if (it->shape == PL__SHAPE_CROSS) {
    double h = 0.36 * it->w;
    start(wr, "path");
    snprintf(buf, sizeof buf, "M%s %sL%s %sM%s %sL%s %s", num(a, it->x - h),
             num(b, it->y - h), num(c, it->x + h), num(d, it->y + h), a, d, c,
             b);
    attr(wr, "d", buf);
    attr(wr, "fill", "none");
    stroke(wr, it->stroke ? it->stroke : it->fill, it->lw, 0);
    attr(wr, "stroke-linecap", "round");
  } else if (it->shape == PL__SHAPE_TARGET) {
    start(wr, "g");
    start(wr, "circle");
    attr_num(wr, "cx", it->x);
    attr_num(wr, "cy", it->y);
    attr_num(wr, "r", it->w / 2);
    color(wr, "fill", it->fill);
    stroke(wr, it->stroke, it->lw, 0);
    end(wr);
    start(wr, "circle");
    attr_num(wr, "cx", it->x);
    attr_num(wr, "cy", it->y);
    attr_num(wr, "r", 0.2 * it->w);
    color(wr, "fill", it->stroke);
    end(wr);
  } else {
    start(wr, "circle");
    attr_num(wr, "cx", it->x);
    attr_num(wr, "cy", it->y);
    attr_num(wr, "r", it->w / 2);
    color(wr, "fill", it->fill);
    stroke(wr, it->stroke, it->lw, 0);
  }
  title(wr, it->title);
  end(wr);
}

static void write_text(writer *wr, const pl__fig_item *it) {
  start(wr, "text");
  attr_num(wr, "x", it->x);
  attr_num(wr, "y", it->y);
  if (it->vcenter) attr(wr, "dy", "0.35em");
  attr_num(wr, "font-size", it->size);
  if (it->bold) attr(wr, "font-weight", "bold");
  if (it->anchor != PL__START)
    attr(wr, "text-anchor", it->anchor == PL__MIDDLE ? "middle" : "end");
  if (it->angle != 0) {
    char a[32], b[32], c[32], buf[120];
    snprintf(buf, sizeof buf, "rotate(%s %s %s)", num(a, it->angle),
             num(b, it->x), num(c, it->y));
    attr(wr, "transform", buf);
  }
  color(wr, "fill", it->color);
  if (it->halo) {
    attr(wr, "stroke", "#ffffff");
    attr(wr, "stroke-opacity", "0.9");
    attr(wr, "stroke-width", "3");
    attr(wr, "stroke-linejoin", "round");
    attr(wr, "paint-order", "stroke");
  }
  text(wr, it->text);
  end(wr);
}

static void write_image(writer *wr, const pl__fig_item *it) {
  char *b64 = pl__png_base64(it->pixels, it->pw, it->ph);
  if (!b64) {
    wr->bad = 1;
    return;
  }
  size_t n = strlen(b64) + 32;
  char *href = pl__malloc(n);
  if (!href) {
    pl__free(b64);
    wr->bad = 1;
    return;
  }
  snprintf(href, n, "data:image/png;base64,%s", b64);
  start(wr, "image");
  attr_num(wr, "x", it->x);
  attr_num(wr, "y", it->y);
  attr_num(wr, "width", it->w);
  attr_num(wr, "height", it->h);
  attr(wr, "preserveAspectRatio", "none");
  attr(wr, "style", "image-rendering:pixelated");
  attr(wr, "href", href);
  end(wr);
  pl__free(href);
  pl__free(b64);
}

static void write_group(writer *wr, const pl__fig_item *it) {
  char buf[300];
  if (it->w > 0) { /* a clipped group */
    int k = ++wr->clips;
    snprintf(buf, sizeof buf, "%sclip%d", wr->prefix, k);
    start(wr, "clipPath");
    attr(wr, "id", buf);
    start(wr, "rect");
    attr_num(wr, "x", it->x);
    attr_num(wr, "y", it->y);
    attr_num(wr, "width", it->w);
    attr_num(wr, "height", it->h);
    end(wr);
    end(wr);
  }
  start(wr, "g");
  id_attr(wr, it->id);
  if (it->cls) attr(wr, "class", it->cls);
  if (it->w > 0) {
    snprintf(buf, sizeof buf, "url(#%sclip%d)", wr->prefix, wr->clips);
    attr(wr, "clip-path", buf);
  }
  title(wr, it->title);
}

int pl__render_svg(const pl_figure *f, bool standalone, const char *prefix,
                   char **data, size_t *len, pl_error *err) {
  *data = NULL;
  *len = 0;
  if (pl__xml_open(err)) return PL_EUNSUPPORTED;
  xmlBufferPtr buf = xmlBufferCreate();
  xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
  if (!w) {
    xmlBufferFree(buf);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  writer wr = {w, prefix ? prefix : "", 0, 0};
  xmlTextWriterSetIndent(w, 1);
  xmlTextWriterSetIndentString(w, BAD_CAST "");
  if (standalone && xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0)
    wr.bad = 1;
  start(&wr, "svg");
  if (standalone) attr(&wr, "xmlns", "http://www.w3.org/2000/svg");
  char vb[100], a[32], b[32];
  attr(&wr, "width", num(a, f->width));
  attr(&wr, "height", num(b, f->height));
  snprintf(vb, sizeof vb, "0 0 %s %s", a, b);
  attr(&wr, "viewBox", vb);
  attr(&wr, "role", "img");
  attr(&wr, "class", "parley-figure");
  attr(&wr, "font-family", PL__FONT_STACK);
  title(&wr, f->title);
  start(&wr, "rect");
  attr(&wr, "width", "100%");
  attr(&wr, "height", "100%");
  attr(&wr, "fill", "#ffffff");
  end(&wr);
  int depth = 0;
  for (int k = 0; k < f->n && !wr.bad; k++) {
    const pl__fig_item *it = &f->items[k];
    switch (it->kind) {
    case PL__FIG_GROUP:
      write_group(&wr, it);
      depth++;
      break;
    case PL__FIG_END:
      if (depth > 0) {
        end(&wr);
        depth--;
      }
      break;
    case PL__FIG_PATH:
      write_path(&wr, it);
      break;
    case PL__FIG_MARK:
      write_mark(&wr, it);
      break;
    case PL__FIG_TEXT:
      write_text(&wr, it);
      break;
    case PL__FIG_IMAGE:
      write_image(&wr, it);
      break;
    }
  }
  if (xmlTextWriterEndDocument(w) < 0) wr.bad = 1; /* closes every element */
  xmlFreeTextWriter(w);
  if (wr.bad) {
    xmlBufferFree(buf);
    return pl__err(err, PL_ENOMEM, "out of memory");
  }
  size_t n = (size_t)xmlBufferLength(buf);
  char *out = pl__malloc(n + 1);
  if (out) {
    memcpy(out, xmlBufferContent(buf), n);
    out[n] = 0;
  }
  xmlBufferFree(buf);
  if (!out) return pl__err(err, PL_ENOMEM, "out of memory");
  *data = out;
  *len = n;
  return PL_OK;
}
